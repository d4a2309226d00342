/*
 * sv_util — small shared helpers: assertions that stay on in release builds, UNUSED, array size,
 * bounded string copy, JSON string, short decimal form of a double, growing arrays.
 */
#ifndef SV_UTIL_H
#define SV_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "sv_err.h"

#define UNUSED(x) ((void)(x))
#define SV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** @brief Log the failed expression with file and line, then abort(). Never returns. */
_Noreturn void sv_assert_fail(const char *expr, const char *file, int line);

/* Guards an invariant; stays on in release builds. */
#define SV_ASSERT(x) ((x) ? (void)0 : sv_assert_fail(#x, __FILE__, __LINE__))

/**
 * @brief Copy at most size-1 bytes of src into dst and NUL-terminate (size > 0).
 * @returns strlen(src), so truncation happened when the result is >= size.
 */
size_t sv_strlcpy(char *dst, const char *src, size_t size);

/**
 * @brief Write s as a JSON string literal: quotes, backslash-escaped '"' and '\\', control
 *        characters as \u00XX; other bytes (UTF-8 included) as they are.
 */
void sv_json_str(FILE *fp, const char *s);

#define SV_DECIMAL_MAX 24 /* bytes sv_fmt_decimal() may write (no NUL) */

/**
 * @brief The short decimal form of x when x is m / 10^k exactly for some k <= 4 and
 *        1e-4 <= |x| < 1e15 (lines, prices, scores): the digits of m with k decimals, at least
 *        one digit before the point and one after ("-5.5", "1.91", "220.0", "0.0001"). It reads
 *        back to x, and no shorter decimal does (Python's repr of it).
 * @param buf SV_DECIMAL_MAX bytes; not NUL-terminated
 * @returns the length written, or 0 when x has no such form (the caller falls back to printf)
 */
int sv_fmt_decimal(double x, char *buf);

/**
 * @brief Make the array *arr of *cap elements of elem_size bytes hold index idx: doubles the
 *        capacity (from `first` when 0) until it does, zeroing the new elements.
 * @returns SV_OK (also when it already did), SV_ERR_NOMEM (the array is unchanged)
 */
sv_err_t sv_grow(void **arr, size_t *cap, size_t elem_size, size_t idx, size_t first);

#endif
