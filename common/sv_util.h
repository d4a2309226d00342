/*
 * sv_util — small shared helpers: assertions that stay on in release builds, UNUSED, array size,
 * bounded string copy.
 */
#ifndef SV_UTIL_H
#define SV_UTIL_H

#include <stddef.h>
#include <stdio.h>

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

#endif
