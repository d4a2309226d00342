/*
 * almanac — Phase 8 Mercury table, lunar intensity and streak momentum (see almanac.h).
 */
#include "almanac.h"

#include "caltime.h"

struct almanac_period {
    int y1, m1, d1; /* first retrograde day */
    int y2, m2, d2; /* last retrograde day */
};

static const struct almanac_period almanac_mercury[] = {
    {2025, 3, 15, 2025, 4, 7},   {2025, 7, 18, 2025, 8, 11},  {2025, 11, 9, 2025, 11, 29},
    {2026, 3, 14, 2026, 4, 7},   {2026, 7, 17, 2026, 8, 11},  {2026, 11, 9, 2026, 11, 29},
    {2027, 2, 25, 2027, 3, 20},  {2027, 6, 29, 2027, 7, 23},  {2027, 10, 24, 2027, 11, 13},
};

#define ALMANAC_SHADOW_DAYS 7

double eng_mercury_phase8(int64_t day, eng_why_t *why)
{
    size_t k;

    for (k = 0; k < sizeof(almanac_mercury) / sizeof(almanac_mercury[0]); k++) {
        const struct almanac_period *p = &almanac_mercury[k];
        int64_t s = eng_cal_days(p->y1, p->m1, p->d1), e = eng_cal_days(p->y2, p->m2, p->d2);

        if (day >= s && day <= e) {
            eng_why_add(why, "mercury: retrograde %04d-%02d-%02d..%04d-%02d-%02d -0.15", p->y1,
                        p->m1, p->d1, p->y2, p->m2, p->d2);
            return -0.15;
        }
        if (day >= s - ALMANAC_SHADOW_DAYS && day < s) {
            eng_why_add(why, "mercury: pre-shadow (retrograde starts %04d-%02d-%02d) -0.08",
                        p->y1, p->m1, p->d1);
            return -0.08;
        }
        if (day > e && day <= e + ALMANAC_SHADOW_DAYS) {
            eng_why_add(why, "mercury: post-shadow (retrograde ended %04d-%02d-%02d) -0.05",
                        p->y2, p->m2, p->d2);
            return -0.05;
        }
    }
    return 0.0;
}

double eng_lunar_intensity(double phase, bool is_total, bool over, bool *triggered, eng_why_t *why)
{
    double v = 0.0;
    bool full = phase >= 0.45 && phase <= 0.55;
    bool new_moon = !full && (phase <= 0.05 || phase >= 0.95);

    if (triggered)
        *triggered = full || new_moon;
    if (!is_total || (!full && !new_moon))
        return 0.0;
    if (full)
        v = over ? 0.25 : -0.15;
    else
        v = over ? -0.15 : 0.2;
    eng_why_add(why, "lunar: %s moon (phase %.3f), %s %+.2f", full ? "full" : "new", phase,
                over ? "Over" : "Under", v);
    return v;
}

double eng_streak_momentum(int streak, bool for_team, bool *triggered)
{
    int n = streak < 0 ? -streak : streak;
    double v = 0.0;
    bool fired = true;

    if (n >= 5 && streak > 0)
        v = for_team ? -0.15 : 0.25;
    else if (n >= 5)
        v = for_team ? 0.2 : -0.1;
    else if (n >= 3 && streak > 0)
        v = for_team ? 0.15 : -0.05;
    else
        fired = false;
    if (triggered)
        *triggered = fired;
    return v;
}
