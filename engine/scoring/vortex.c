/*
 * vortex — vortex pattern and vortex energy (see vortex.h).
 */
#include "vortex.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pynum.h"

#define VE_PHI 1.618033988749 /* the constant vortex energy uses (not linesig's) */

static const double ve_phi_mult[] = {VE_PHI, VE_PHI * 2, VE_PHI * 3, VE_PHI * 10, VE_PHI * 100};
static const double ve_key_spreads[] = {3, 6, 9, 3.5, 6.5, 9.5};
static const char *const ve_perfect[] = {"369", "396", "639", "693", "936", "963"};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

double eng_vortex_pattern(double m, eng_why_t *why)
{
    double x = fabs(m * 10), mod, v;
    int64_t big;
    int root;

    /* int() of a line-sized value; saturate absurd inputs instead of overflowing */
    big = x < 9.2e18 ? (int64_t)x : INT64_MAX;
    if (big == 0)
        return 0.0;
    root = eng_dr(big);
    if (root == 3 || root == 6 || root == 9)
        mod = 0.15;
    else
        mod = 0.08;
    v = fmin(0.7, 5 * mod) * 10;
    eng_why_add(why, "vortex: %lld reduces to %d (%s) +%.2f", (long long)big, root,
                mod == 0.15 ? "TESLA" : "FLOW", v * ENG_VORTEX_WEIGHT);
    return v;
}

double eng_vortex_energy_of(double x, eng_ve_ctx_t ctx, double *score, bool *triggered,
                            eng_why_t *why)
{
    char s[ENG_PY_REPR_MAX], t[400];
    double a = fabs(x), sc = 5.0, boost;
    bool tesla, perfect = false, golden = false, trig;
    int sum = 0, i, root;
    const char *p;

    if (x == 0) {
        if (score)
            *score = 5.0;
        if (triggered)
            *triggered = false;
        return 0.0;
    }
    eng_py_repr(a, s, sizeof(s));
    for (p = s; *p; p++)
        if (*p >= '0' && *p <= '9')
            sum += *p - '0';
    root = sum;
    while (root > 9)
        root = eng_digit_sum(root);
    tesla = root == 3 || root == 6 || root == 9;

    snprintf(t, sizeof(t), "%.0f", trunc(a * 10)); /* str(int(abs_val * 10)) */
    for (i = 0; i < NELEM(ve_perfect); i++)
        if (strstr(t, ve_perfect[i]))
            perfect = true;
    for (i = 0; i < NELEM(ve_phi_mult); i++)
        if (fabs(a - ve_phi_mult[i]) / ve_phi_mult[i] < 0.05)
            golden = true;

    if (perfect)
        sc = 9.0;
    else if (tesla && golden)
        sc = 8.5;
    else if (tesla)
        sc = 7.5;
    else if (golden)
        sc = 6.5;
    else if (root == 1 || root == 4 || root == 7)
        sc = 5.5;

    if (ctx == ENG_VE_SPREAD) {
        for (i = 0; i < NELEM(ve_key_spreads); i++) {
            if (a == ve_key_spreads[i]) {
                sc += 0.5;
                break;
            }
        }
    } else if (ctx == ENG_VE_TOTAL && root == 9) {
        sc += 0.3;
    }
    trig = sc >= 7.0;
    if (score)
        *score = fmin(10.0, eng_py_round(sc, 2));
    if (triggered)
        *triggered = trig;
    if (!trig)
        return 0.0;
    boost = perfect ? 0.3 : tesla ? 0.2 : 0.1;
    eng_why_add(why, "vortex energy: %s root %d %s (%.1f) +%.1f", s, root,
                perfect ? "PERFECT_VORTEX"
                : tesla ? "TESLA_ALIGNED"
                : golden ? "GOLDEN_RATIO"
                         : "NEUTRAL",
                sc, boost);
    return boost;
}

double eng_vortex_energy(double prop_line, double total, double spread, double *score,
                         bool *triggered, eng_why_t *why)
{
    if (prop_line != 0)
        return eng_vortex_energy_of(prop_line, ENG_VE_PROP, score, triggered, why);
    if (total != 0)
        return eng_vortex_energy_of(total, ENG_VE_TOTAL, score, triggered, why);
    return eng_vortex_energy_of(fabs(spread), ENG_VE_SPREAD, score, triggered, why);
}
