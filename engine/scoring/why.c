/*
 * why — a fixed-size list of reason strings (see why.h).
 */
#include "why.h"

#include <stdarg.h>
#include <stdio.h>

void eng_why_init(eng_why_t *why)
{
    why->n = 0;
    why->dropped = 0;
    why->len = 0;
    why->text[0] = '\0';
}

void eng_why_add(eng_why_t *why, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (!why)
        return;
    if (why->n >= ENG_WHY_MAX || why->len >= sizeof(why->text) - 1) {
        why->dropped++;
        return;
    }
    va_start(ap, fmt);
    w = vsnprintf(why->text + why->len, sizeof(why->text) - why->len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof(why->text) - why->len) {
        why->text[why->len] = '\0';
        why->dropped++;
        return;
    }
    why->off[why->n++] = (uint16_t)why->len;
    why->len += (size_t)w + 1;
}

const char *eng_why_get(const eng_why_t *why, int i)
{
    return why->text + why->off[i];
}
