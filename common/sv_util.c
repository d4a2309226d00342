/*
 * sv_util — assertion failure reporting and string helpers shared by every binary.
 */
#include "sv_util.h"

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
