/*
 * 0080–0084: the latency histogram (common/sv_hist.h): bucket bounds, exact percentiles of known
 * sample sets (hand-computed: a value v >= 256 with 2^k <= v < 2^(k+1) lies in a bucket of width
 * 2^(k-7) and is reported as that bucket's highest value, capped at the max), the 1/128 precision
 * bound over random values, merging, and the clamp of huge values.
 */
#include <stdlib.h>

#include "harness.h"
#include "sv_hist.h"

static sv_hist_t h, h2;

/* Every bucket's low is the previous one's high + 1, and the index of both ends is the bucket. */
int test_0080_hist_buckets(void);
int test_0080_hist_buckets(void)
{
    T_BEGIN;
    T_ASSERT_INT(SV_HIST_BUCKETS, ==, 3840);
    T_ASSERT_INT(sv_hist_bucket_low(0), ==, 0);
    for (unsigned i = 0; i < SV_HIST_BUCKETS; i++) {
        if (i > 0)
            T_ASSERT_INT(sv_hist_bucket_low(i), ==, sv_hist_bucket_high(i - 1) + 1);
        T_ASSERT_INT(sv_hist_index(sv_hist_bucket_low(i)), ==, i);
        T_ASSERT_INT(sv_hist_index(sv_hist_bucket_high(i)), ==, i);
    }
    T_ASSERT_INT(sv_hist_bucket_high(SV_HIST_BUCKETS - 1), ==, SV_HIST_MAX_VALUE - 1);
    T_ASSERT_INT(sv_hist_index(255), ==, 255);
    T_ASSERT_INT(sv_hist_index(256), ==, 256);
    T_ASSERT_INT(sv_hist_bucket_high(sv_hist_index(5000)), ==, 5023); /* 4992..5023 */
    T_ASSERT_INT(sv_hist_index(SV_HIST_MAX_VALUE), ==, SV_HIST_BUCKETS - 1);
    T_ASSERT_INT(sv_hist_index(UINT64_MAX), ==, SV_HIST_BUCKETS - 1);
    T_END;
}

/* 1, 2, …, 10000 µs, once each. */
int test_0081_hist_percentiles_uniform(void);
int test_0081_hist_percentiles_uniform(void)
{
    T_BEGIN;
    sv_hist_init(&h);
    T_ASSERT_INT(sv_hist_value_at(&h, 50), ==, 0); /* empty */
    for (uint64_t v = 1; v <= 10000; v++)
        sv_hist_record(&h, v);
    T_ASSERT_INT(h.count, ==, 10000);
    T_ASSERT_INT(h.min, ==, 1);
    T_ASSERT_INT(h.max, ==, 10000);
    T_ASSERT(fabs(sv_hist_mean(&h) - 5000.5) < 1e-9);
    T_ASSERT_INT(sv_hist_value_at(&h, 0), ==, 1);
    T_ASSERT_INT(sv_hist_value_at(&h, 2.55), ==, 255);   /* exact below 256 */
    T_ASSERT_INT(sv_hist_value_at(&h, 10), ==, 1003);    /* rank 1000: 1000..1003 */
    T_ASSERT_INT(sv_hist_value_at(&h, 50), ==, 5023);    /* rank 5000: 4992..5023 */
    T_ASSERT_INT(sv_hist_value_at(&h, 90), ==, 9023);    /* rank 9000: 8960..9023 */
    T_ASSERT_INT(sv_hist_value_at(&h, 99), ==, 9919);    /* rank 9900: 9856..9919 */
    T_ASSERT_INT(sv_hist_value_at(&h, 99.9), ==, 10000); /* rank 9990: 9984..10047, capped */
    T_ASSERT_INT(sv_hist_value_at(&h, 100), ==, 10000);
    T_END;
}

/* A latency profile with a tail: 990 × 1 ms, 9 × 50 ms, 1 × 2 s, recorded in µs. */
int test_0082_hist_percentiles_tail(void);
int test_0082_hist_percentiles_tail(void)
{
    T_BEGIN;
    sv_hist_init(&h);
    sv_hist_record_n(&h, 1000, 990);
    for (int i = 0; i < 9; i++)
        sv_hist_record(&h, 50000);
    sv_hist_record(&h, 2000000);
    T_ASSERT_INT(h.count, ==, 1000);
    T_ASSERT_INT(sv_hist_value_at(&h, 50), ==, 1003);
    T_ASSERT_INT(sv_hist_value_at(&h, 99), ==, 1003);     /* rank 990 */
    T_ASSERT_INT(sv_hist_value_at(&h, 99.9), ==, 50175);  /* rank 999: 49920..50175 */
    T_ASSERT_INT(sv_hist_value_at(&h, 99.95), ==, 2000000); /* rank 1000, capped at max */
    T_ASSERT_INT(sv_hist_value_at(&h, 100), ==, 2000000);
    T_ASSERT_INT(h.min, ==, 1000);
    T_END;
}

/* Any value is reported within 1/128 above itself; merging two halves equals recording all. */
int test_0083_hist_precision_merge(void);
int test_0083_hist_precision_merge(void)
{
    uint64_t s = 88172645463325252ULL;

    T_BEGIN;
    sv_hist_init(&h);
    sv_hist_init(&h2);
    for (int i = 0; i < 200000; i++) {
        uint64_t v;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        v = (s >> 20) % ((uint64_t)1 << (1 + (s % 35)));
        T_ASSERT_INT(sv_hist_bucket_high(sv_hist_index(v)), >=, v);
        T_ASSERT((double)(sv_hist_bucket_high(sv_hist_index(v)) - v) <= (double)v / 128.0);
        sv_hist_record(i % 2 ? &h : &h2, v);
    }
    {
        static sv_hist_t all;
        sv_hist_init(&all);
        s = 88172645463325252ULL;
        for (int i = 0; i < 200000; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            sv_hist_record(&all, (s >> 20) % ((uint64_t)1 << (1 + (s % 35))));
        }
        sv_hist_merge(&h, &h2);
        T_ASSERT_INT(h.count, ==, all.count);
        T_ASSERT_INT(h.min, ==, all.min);
        T_ASSERT_INT(h.max, ==, all.max);
        T_ASSERT(memcmp(h.counts, all.counts, sizeof(all.counts)) == 0);
        for (double p = 0; p <= 100; p += 0.5)
            T_ASSERT_INT(sv_hist_value_at(&h, p), ==, sv_hist_value_at(&all, p));
    }
    T_END;
}

/* Values beyond the range land in the top bucket; the max stays exact. */
int test_0084_hist_clamp(void);
int test_0084_hist_clamp(void)
{
    T_BEGIN;
    sv_hist_init(&h);
    sv_hist_record(&h, 3);
    sv_hist_record(&h, (uint64_t)1 << 40);
    T_ASSERT_INT(h.counts[SV_HIST_BUCKETS - 1], ==, 1);
    T_ASSERT_INT(sv_hist_value_at(&h, 50), ==, 3);
    T_ASSERT_INT(sv_hist_value_at(&h, 99), ==, SV_HIST_MAX_VALUE - 1);
    T_ASSERT_INT(sv_hist_value_at(&h, 100), ==, (uint64_t)1 << 40);
    T_END;
}
