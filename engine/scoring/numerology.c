/*
 * numerology — universal day, expression, life path, line numerology and the numerology
 * component (see numerology.h).
 */
#include "numerology.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "caltime.h"
#include "pynum.h"

static bool num_master(int r)
{
    return r == 11 || r == 22 || r == 33;
}

static bool num_tesla(int r)
{
    return r == 3 || r == 6 || r == 9;
}

int eng_num_pythagorean_sum(const char *name)
{
    int sum = 0;
    const unsigned char *p;

    for (p = (const unsigned char *)name; *p; p++) {
        int c = *p;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c >= 'a' && c <= 'z')
            sum += (c - 'a') % 9 + 1;
    }
    return sum;
}

int eng_num_expression(const char *name)
{
    return eng_dr_master(eng_num_pythagorean_sum(name));
}

int eng_num_universal_day(int64_t day)
{
    int y, m, d;

    eng_cal_civil(day, &y, &m, &d);
    return eng_dr_master((int64_t)d + m + eng_digit_sum(y));
}

int eng_num_life_path(int64_t birth_day)
{
    return eng_dr_master(eng_digit_sum(eng_cal_yyyymmdd(birth_day)));
}

double eng_num_line_strength(double x, bool spread_context)
{
    double ax = fabs(x), s = 0.0;
    int64_t n;
    int r;

    if (!(ax < 9.2e18)) /* NaN or beyond int64: no numerology */
        return 0.0;
    n = (int64_t)ax;
    r = eng_dr_master(n);
    if (num_master(r))
        s += 0.3;
    if (num_tesla(r))
        s += 0.2;
    if (n >= 11 && n <= 99 && n % 11 == 0)
        s += 0.15;
    if (spread_context && n >= 3 && n <= 7)
        s += 0.1;
    return eng_py_round(s, 2);
}

double eng_numerology(const eng_num_in_t *in, eng_why_t *why)
{
    double raw = 0.5, line, strength;
    bool spread_ctx;
    eng_dt_t dt;
    int u;

    eng_cal_from_ms(in->game_ms, &dt);
    u = eng_num_universal_day(dt.days);
    if (in->player && in->player[0]) {
        int ex = eng_num_expression(in->player);
        if (num_master(ex)) {
            raw += 0.15;
            eng_why_add(why, "numerology: name expression %d is a master number +0.15", ex);
        } else if (num_tesla(ex)) {
            raw += 0.10;
            eng_why_add(why, "numerology: name expression %d is a Tesla number +0.10", ex);
        }
    }
    if (in->has_birth) {
        int lp = eng_num_life_path(in->birth_day);
        if (lp == u) {
            raw += 0.25;
            eng_why_add(why, "numerology: life path %d = universal day +0.25", lp);
        } else if (abs(lp - u) <= 2 || lp + u == 9) {
            raw += 0.12;
            eng_why_add(why, "numerology: life path %d near universal day %d +0.12", lp, u);
        }
    }
    spread_ctx = in->prop_line == 0;
    line = spread_ctx ? in->spread : in->prop_line;
    strength = eng_num_line_strength(line, spread_ctx);
    if (strength > 0) {
        raw += 0.5 * strength;
        eng_why_add(why, "numerology: line %d (%s) strength %.2f +%.3f", (int)fabs(line),
                    spread_ctx ? "spread" : "player", strength, 0.5 * strength);
    }
    if (in->game_str && (strstr(in->game_str, "11") || strstr(in->game_str, "22") ||
                         strstr(in->game_str, "33"))) {
        raw += 0.08;
        eng_why_add(why, "numerology: matchup contains a master digit pair +0.08");
    }
    if (raw > 1)
        raw = 1;
    eng_why_add(why, "numerology: universal day %d, raw %.3f -> %.2f", u, raw, raw * 10);
    return raw * 10;
}
