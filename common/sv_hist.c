/*
 * sv_hist — the log-linear latency histogram of sv_hist.h: bucket arithmetic, recording without
 * allocation, merging and HdrHistogram-style percentiles.
 */
#include "sv_hist.h"

#include <string.h>

void sv_hist_init(sv_hist_t *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

unsigned sv_hist_index(uint64_t v)
{
    unsigned k;

    if (v < SV_HIST_EXACT)
        return (unsigned)v;
    if (v >= SV_HIST_MAX_VALUE)
        return SV_HIST_BUCKETS - 1;
    k = 63u - (unsigned)__builtin_clzll(v); /* 2^k <= v < 2^(k+1), k >= SUB_BITS + 1 */
    return SV_HIST_EXACT + (k - SV_HIST_SUB_BITS - 1) * SV_HIST_SUB +
           (unsigned)(v >> (k - SV_HIST_SUB_BITS)) - SV_HIST_SUB;
}

uint64_t sv_hist_bucket_low(unsigned i)
{
    unsigned k, sub;

    if (i < SV_HIST_EXACT)
        return i;
    k = (i - SV_HIST_EXACT) / SV_HIST_SUB + SV_HIST_SUB_BITS + 1;
    sub = (i - SV_HIST_EXACT) % SV_HIST_SUB;
    return (uint64_t)(SV_HIST_SUB + sub) << (k - SV_HIST_SUB_BITS);
}

uint64_t sv_hist_bucket_high(unsigned i)
{
    unsigned k;

    if (i < SV_HIST_EXACT)
        return i;
    k = (i - SV_HIST_EXACT) / SV_HIST_SUB + SV_HIST_SUB_BITS + 1;
    return sv_hist_bucket_low(i) + ((uint64_t)1 << (k - SV_HIST_SUB_BITS)) - 1;
}

void sv_hist_record_n(sv_hist_t *h, uint64_t v, uint64_t n)
{
    if (!n)
        return;
    h->counts[sv_hist_index(v)] += n;
    h->count += n;
    h->sum += (double)v * (double)n;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
}

void sv_hist_record(sv_hist_t *h, uint64_t v)
{
    sv_hist_record_n(h, v, 1);
}

void sv_hist_merge(sv_hist_t *dst, const sv_hist_t *src)
{
    if (!src->count)
        return;
    for (unsigned i = 0; i < SV_HIST_BUCKETS; i++)
        dst->counts[i] += src->counts[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t sv_hist_value_at(const sv_hist_t *h, double p)
{
    uint64_t rank, seen = 0, v;
    double r;

    if (!h->count)
        return 0;
    if (p >= 100.0)
        return h->max;
    if (p < 0.0)
        p = 0.0;
    r = p / 100.0 * (double)h->count;
    rank = (uint64_t)r;
    if (r - (double)rank > 1e-9 * r) /* ceil, ignoring rounding noise (99.9 / 100 × 1000) */
        rank++;
    if (rank < 1)
        rank = 1;
    for (unsigned i = 0; i < SV_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            v = sv_hist_bucket_high(i);
            return v < h->max ? v : h->max;
        }
    }
    return h->max; /* not reached: the counts sum to count */
}

double sv_hist_mean(const sv_hist_t *h)
{
    return h->count ? h->sum / (double)h->count : 0.0;
}
