/*
 * gematria — letter sums of the original scoring: the Jarvis simple/reverse/"jewish" ciphers and
 * the upper-case ordinal used by the esoteric engine. See gematria.h for the decisions on
 * non-ASCII text.
 */
#include <stddef.h>

#include "scoring/gematria.h"
#include "scoring/pynum.h"

/* a/A = 1 … z/Z = 26 for ASCII letters, 0 for every other byte. */
static int gem_letter_value(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 1;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 1;
    return 0;
}

void eng_gem_calc(const char *text, eng_gem_t *g)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    int simple = 0, letters = 0, length = 0;

    for (; *p; p++) {
        int v = gem_letter_value(*p);
        if (v) {
            simple += v;
            letters++;
        }
        if (*p != ' ' && (*p & 0xC0) != 0x80) /* one code point, spaces removed */
            length++;
    }
    g->simple = simple;
    g->reverse = 27 * letters - simple;
    g->jewish = 6 * simple + length;
    g->red_simple = eng_dr_master(g->simple);
    g->red_reverse = eng_dr_master(g->reverse);
    g->letters = letters;
}

int eng_gem_simple(const char *text)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    int simple = 0;

    for (; *p; p++)
        simple += gem_letter_value(*p);
    return simple;
}

int eng_gem_upper_ordinal(const char *text)
{
    /* Same values as the simple sum once non-ASCII letters are ignored (gematria.h). */
    return eng_gem_simple(text);
}
