/*
 * glitch — GLITCH weighted average and adjustment (see glitch.h).
 */
#include "glitch.h"

#include <stdio.h>

#include "pynum.h"

const double eng_glitch_default_weights[ENG_GLITCH__CNT] = {
    0.20, /* chrome resonance */
    0.12, /* void moon */
    0.15, /* noosphere */
    0.25, /* hurst */
    0.33, /* kp-index / schumann */
    0.04, /* golden ratio */
    0.03, /* prime resonance */
    0.03, /* numerical symmetry */
};

static const char *const glitch_names[ENG_GLITCH__CNT] = {
    "chrome", "void_moon", "noosphere", "hurst", "kp", "golden_ratio", "prime", "symmetry",
};

const char *eng_glitch_name(int slot)
{
    if (slot < 0 || slot >= ENG_GLITCH__CNT)
        return "?";
    return glitch_names[slot];
}

double eng_glitch(const eng_glitch_sig_t sig[ENG_GLITCH__CNT],
                  const double weights[ENG_GLITCH__CNT], double *glitch10, eng_why_t *why)
{
    double weighted = 0.0, total = 0.0, g, g10, adj;
    int i, ntrig = 0;

    for (i = 0; i < ENG_GLITCH__CNT; i++) {
        if (!sig[i].present)
            continue;
        weighted += sig[i].score * weights[i];
        total += weights[i];
        if (sig[i].triggered)
            ntrig++;
    }
    g = total > 0 ? weighted / total : 0.5;
    g10 = eng_py_round(g * 10, 2);
    adj = (g10 - 5.0) * 0.15;
    if (glitch10)
        *glitch10 = g10;
    if (why && total > 0) {
        char list[160];
        int len = 0;

        list[0] = '\0';
        for (i = 0; i < ENG_GLITCH__CNT && len < (int)sizeof(list) - 16; i++) {
            if (sig[i].present && sig[i].triggered)
                len += snprintf(list + len, sizeof(list) - (size_t)len, "%s%s", len ? "," : "",
                                glitch_names[i]);
        }
        eng_why_add(why, "glitch: %.2f/10 (%d triggered%s%s) %+.4f", g10, ntrig, ntrig ? ": " : "",
                    list, adj);
    }
    return adj;
}
