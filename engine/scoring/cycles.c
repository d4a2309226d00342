/*
 * cycles — biorhythm and chrome resonance (see cycles.h). The interval scores are a table.
 */
#include "cycles.h"

#include <math.h>

#include "caltime.h"
#include "pynum.h"

#define CYCLES_PI 3.141592653589793 /* math.pi */

struct cycles_interval {
    const char *name; /* interval name */
    double score;     /* GLITCH score */
};

static const struct cycles_interval cycles_intervals[7] = {
    {"unison", 1.0},       {"minor second", 0.3}, {"major second", 0.5},
    {"minor third", 0.65}, {"major third", 0.7},  {"perfect fourth", 0.85},
    {"tritone", 0.25},
};

static double cycles_wave(int64_t d, int period)
{
    return sin(2 * CYCLES_PI * (double)d / period) * 100;
}

double eng_biorhythm(int64_t birth_day, int64_t game_day, double *p, double *e, double *i,
                     const char **state, eng_why_t *why)
{
    double pv, ev, iv, mean, boost;
    const char *st;
    int64_t d = game_day - birth_day;

    if (birth_day == eng_cal_days(1990, 1, 1)) {
        if (p)
            *p = 0.0;
        if (e)
            *e = 0.0;
        if (i)
            *i = 0.0;
        if (state)
            *state = "UNKNOWN";
        return 0.0;
    }
    pv = cycles_wave(d, 23);
    ev = cycles_wave(d, 28);
    iv = cycles_wave(d, 33);
    mean = (pv + ev + iv) / 3;
    if (mean > 50) {
        st = "PEAK";
        boost = 0.3;
    } else if (mean > 0) {
        st = "RISING";
        boost = 0.15;
    } else if (mean > -50) {
        st = "FALLING";
        boost = 0.0;
    } else {
        st = "LOW";
        boost = -0.2;
    }
    if (p)
        *p = eng_py_round(pv, 1);
    if (e)
        *e = eng_py_round(ev, 1);
    if (i)
        *i = eng_py_round(iv, 1);
    if (state)
        *state = st;
    if (boost != 0.0)
        eng_why_add(why, "biorhythm: day %lld P %.1f E %.1f I %.1f mean %.1f %s %+.2f",
                    (long long)d, pv, ev, iv, mean, st, boost);
    return boost;
}

double eng_chrome(int64_t birth_day, int64_t game_day, bool *triggered, eng_why_t *why)
{
    int y, m, d, a, b, k;
    const struct cycles_interval *iv;

    eng_cal_civil(birth_day, &y, &m, &d);
    a = eng_cal_doy(y, m, d) % 12;
    eng_cal_civil(game_day, &y, &m, &d);
    b = eng_cal_doy(y, m, d) % 12;
    k = a > b ? a - b : b - a;
    if (k > 6)
        k = 12 - k;
    iv = &cycles_intervals[k];
    if (triggered)
        *triggered = iv->score >= 0.7;
    eng_why_add(why, "chrome: notes %d and %d, %s %.2f", a, b, iv->name, iv->score);
    return iv->score;
}
