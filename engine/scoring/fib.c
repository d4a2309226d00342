/*
 * fib — line magnitude, Fibonacci alignment, Fibonacci retracement and the season label (see
 * fib.h). Operation order follows the original so results agree to the bit.
 */
#include "fib.h"

#include <math.h>
#include <stdio.h>

#include "caltime.h"
#include "pynum.h"

static const double fib_seq[] = {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610};
#define FIB_N ((int)(sizeof(fib_seq) / sizeof(fib_seq[0])))
#define FIB_PHI_N 10 /* PHI ratios use the first ten entries */

static const double retr_levels[] = {23.6, 38.2, 50.0, 61.8, 78.6};
#define RETR_N ((int)(sizeof(retr_levels) / sizeof(retr_levels[0])))

double eng_magnitude(bool prop, double prop_line, double spread, double total)
{
    if (prop) {
        if (prop_line != 0)
            return fabs(prop_line);
        if (spread != 0)
            return fabs(spread);
        if (total != 220)
            return fabs(total / 10);
        return 0.0;
    }
    if (spread != 0)
        return fabs(spread);
    if (total != 220)
        return fabs(total) / 10;
    return fabs(prop_line);
}

double eng_fib_align(double m, const char **kind, eng_why_t *why)
{
    double mod = 0.0, nearest = fib_seq[0], best = fabs(m - fib_seq[0]), v;
    const char *k = "NONE";
    char b[ENG_PY_REPR_MAX], nb[ENG_PY_REPR_MAX];
    int i;

    for (i = 0; i < FIB_N; i++) {
        if (m == fib_seq[i]) {
            mod = 0.10;
            k = "EXACT";
            break;
        }
    }
    if (mod == 0.0) {
        for (i = 1; i < FIB_N; i++) { /* min() keeps the first of equal distances */
            if (fabs(m - fib_seq[i]) < best) {
                best = fabs(m - fib_seq[i]);
                nearest = fib_seq[i];
            }
        }
        if (best <= 0.5) {
            mod = 0.05;
            k = "NEAR";
        }
    }
    if (mod == 0.0) {
        for (i = 0; i < FIB_PHI_N; i++) {
            double r = m / fib_seq[i];
            if (r >= 1.5 && r <= 1.7) {
                mod = 0.07;
                k = "PHI";
                nearest = fib_seq[i];
                break;
            }
        }
    }
    if (kind)
        *kind = k;
    if (mod == 0.0)
        return 0.0;
    v = fmin(0.6, 6 * mod) * 10;
    if (why) {
        eng_py_repr(m, b, sizeof(b));
        eng_py_repr(nearest, nb, sizeof(nb));
        if (k[0] == 'E')
            eng_why_add(why, "fibonacci: %s is a Fibonacci number (EXACT) +%.2f", b,
                        v * ENG_FIB_WEIGHT);
        else if (k[0] == 'N')
            eng_why_add(why, "fibonacci: %s is near Fibonacci %s (NEAR) +%.2f", b, nb,
                        v * ENG_FIB_WEIGHT);
        else
            eng_why_add(why, "fibonacci: %s / %s is near phi (PHI) +%.2f", b, nb,
                        v * ENG_FIB_WEIGHT);
    }
    return v;
}

double eng_fib_retracement(double line, double season_low, double season_high, eng_why_t *why)
{
    double range, pct, closest, dist;
    char b[ENG_PY_REPR_MAX];
    int i;

    if (season_high == season_low)
        return 0.0;
    range = season_high - season_low;
    pct = ((line - season_low) / range) * 100;
    closest = retr_levels[0];
    dist = fabs(pct - retr_levels[0]);
    for (i = 1; i < RETR_N; i++) {
        if (fabs(pct - retr_levels[i]) < dist) {
            dist = fabs(pct - retr_levels[i]);
            closest = retr_levels[i];
        }
    }
    if (!(dist < 3))
        return 0.0;
    if (why)
        eng_py_repr(line, b, sizeof(b));
    if (closest == 50.0) {
        eng_why_add(why, "fib retracement: %s at %.1f%% of the season range (REVERSAL_ZONE) +0.35",
                    b, pct);
        return 0.35;
    }
    eng_why_add(why, "fib retracement: %s near the %.1f%% level (FIB_SUPPORT) +0.20", b, closest);
    return 0.20;
}

int eng_season_year(int64_t days)
{
    int y, m, d;

    eng_cal_civil(days, &y, &m, &d);
    return m >= 9 ? y : y - 1;
}

char *eng_season_label(int64_t days, char *buf, size_t size)
{
    int y = eng_season_year(days);

    snprintf(buf, size, "%d-%02d", y, (y + 1) % 100);
    return buf;
}
