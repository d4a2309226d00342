/*
 * sv_util — assertion failure reporting and string helpers shared by every binary.
 */
#include "sv_util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"

void sv_assert_fail(const char *expr, const char *file, int line)
{
    char q[256];
    log_write(LOG_LVL_ERROR, "sv", "assert_failed", "expr=%s file=%s line=%d",
              log_quote(q, sizeof(q), expr), file, line);
    abort();
}

size_t sv_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    size_t c = n < size - 1 ? n : size - 1;
    memcpy(dst, src, c);
    dst[c] = '\0';
    return n;
}

void sv_json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

int sv_fmt_decimal(double x, char *buf)
{
    static const double p10[] = {1, 10, 100, 1000, 10000};

    if (!(fabs(x) >= 1e-4 && fabs(x) < 1e15))
        return 0;
    for (int k = 0; k <= 4; k++) {
        double m = nearbyint(x * p10[k]);
        if (m / p10[k] == x) { /* a shorter form is an m' / 10^k' with k' < k: tried first */
            char rev[24];
            int nr = 0, n = 0;
            uint64_t u = (uint64_t)fabs(m);
            do {
                rev[nr++] = (char)('0' + u % 10);
                u /= 10;
            } while (u);
            while (nr <= k) /* at least one digit before the point */
                rev[nr++] = '0';
            if (x < 0)
                buf[n++] = '-';
            for (int i = nr - 1; i >= k; i--)
                buf[n++] = rev[i];
            buf[n++] = '.';
            if (k == 0)
                buf[n++] = '0';
            for (int i = k - 1; i >= 0; i--)
                buf[n++] = rev[i];
            return n;
        }
    }
    return 0;
}

sv_err_t sv_grow(void **arr, size_t *cap, size_t elem_size, size_t idx, size_t first)
{
    size_t n = *cap ? *cap : first;
    void *p;

    if (idx < *cap)
        return SV_OK;
    while (n <= idx)
        n *= 2;
    if (!(p = realloc(*arr, n * elem_size)))
        return SV_ERR_NOMEM;
    memset((char *)p + *cap * elem_size, 0, (n - *cap) * elem_size);
    *arr = p;
    *cap = n;
    return SV_OK;
}
