/*
 * sv_hist — an HdrHistogram-style latency histogram: log-linear buckets over non-negative integer
 * values (the benches record microseconds), 2^SV_HIST_SUB_BITS buckets per power of two, so every
 * value is held to within 1/128 (0.78 %) of itself; values below 2^(SV_HIST_SUB_BITS + 1) (256)
 * are held exactly. The counters are an array inside the struct: recording allocates nothing and
 * costs a count-leading-zeros and an increment. Values at or above SV_HIST_MAX_VALUE (2^36, about
 * 19 hours in µs) are counted in the top bucket; min, max and the sum are exact.
 *
 * Percentiles follow HdrHistogram's rule: the value at percentile p is the highest value
 * equivalent to the bucket holding the sample of rank ceil(p/100 × count) (at least 1) in
 * ascending order, capped at the largest value recorded. Not thread-safe: one writer, and
 * readers only once the writer is done (or with their own copy).
 */
#ifndef SV_HIST_H
#define SV_HIST_H

#include <stdint.h>

#define SV_HIST_SUB_BITS 7                           /* 128 buckets per power of two */
#define SV_HIST_SUB (1u << SV_HIST_SUB_BITS)         /* 128 */
#define SV_HIST_EXACT (2u * SV_HIST_SUB)             /* values 0..255 have a bucket each */
#define SV_HIST_MAX_BITS 36                          /* octaves up to 2^36 */
#define SV_HIST_MAX_VALUE ((uint64_t)1 << SV_HIST_MAX_BITS)
#define SV_HIST_BUCKETS                                                                            \
    (SV_HIST_EXACT + (SV_HIST_MAX_BITS - SV_HIST_SUB_BITS - 1) * SV_HIST_SUB) /* 3,840 */

/* The histogram; embed it or allocate it, then sv_hist_init(). About 30 KB. */
typedef struct sv_hist {
    uint64_t count;                   /* samples recorded */
    uint64_t min;                     /* smallest value recorded (UINT64_MAX when empty) */
    uint64_t max;                     /* largest value recorded (0 when empty) */
    double sum;                       /* sum of the values, for the mean */
    uint64_t counts[SV_HIST_BUCKETS]; /* samples per bucket */
} sv_hist_t;

/** @brief Empty h. @locality any thread (h is the caller's). */
void sv_hist_init(sv_hist_t *h);

/** @brief Record one sample of value v. Allocates nothing. @locality h's writer. */
void sv_hist_record(sv_hist_t *h, uint64_t v);

/** @brief Record n samples of value v. @locality h's writer. */
void sv_hist_record_n(sv_hist_t *h, uint64_t v, uint64_t n);

/** @brief Add every sample of src to dst. @locality dst's writer, src not being written. */
void sv_hist_merge(sv_hist_t *dst, const sv_hist_t *src);

/**
 * @brief The value at percentile p (0..100) by the rule above; 0 when h is empty.
 *        p >= 100 gives max, p <= 0 the value of the first sample's bucket.
 */
uint64_t sv_hist_value_at(const sv_hist_t *h, double p);

/** @brief The mean of the samples, 0 when empty. */
double sv_hist_mean(const sv_hist_t *h);

/** @brief Bucket of value v (values >= SV_HIST_MAX_VALUE go to the last one). */
unsigned sv_hist_index(uint64_t v);

/** @brief Lowest and highest value of bucket i (i < SV_HIST_BUCKETS). */
uint64_t sv_hist_bucket_low(unsigned i);
uint64_t sv_hist_bucket_high(unsigned i);

#endif
