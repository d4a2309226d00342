/*
 * 0430–0449: time- and person-based esoteric modules (engine/scoring/ spacew, moon, astro, daily,
 * numerology, cycles, almanac). Expected values come from spec/original-scoring.md §11 (TV1, TV8,
 * TV12–TV15, TV18) and from CPython 3 evaluating the spec's formulas independently (random.Random
 * for MT19937; the original's astronomical formulas for the Moon); none is output of this code.
 */
#include <math.h>
#include <stdint.h>

#include "harness.h"
#include "scoring/almanac.h"
#include "scoring/astro.h"
#include "scoring/caltime.h"
#include "scoring/cycles.h"
#include "scoring/daily.h"
#include "scoring/final.h"
#include "scoring/moon.h"
#include "scoring/numerology.h"
#include "scoring/spacew.h"
#include "scoring/why.h"

#define MS(y, mo, d, h, mi) eng_cal_to_ms((y), (mo), (d), (h), (mi), 0)
#define DAY(y, mo, d) eng_cal_days((y), (mo), (d))
#define BELOW(x) nextafter((x), -INFINITY)
#define ABOVE(x) nextafter((x), INFINITY)

/* MT19937 exactly as CPython: random.Random(seed).random() / getrandbits(32). */
int test_0430_mt19937(void);
int test_0430_mt19937(void)
{
    eng_mt_t m;
    T_BEGIN;
    eng_mt_seed(&m, 20260215);
    T_ASSERT_DBL(eng_mt_random(&m), 0.8988315024536631, 0); /* TV15 */
    eng_mt_seed(&m, 20250101);
    T_ASSERT_DBL(eng_mt_random(&m), 0.5962621021739754, 0); /* TV15 */
    eng_mt_seed(&m, 20260216);
    T_ASSERT_DBL(eng_mt_random(&m), 0.5810456719818126, 0);
    eng_mt_seed(&m, 0);
    T_ASSERT_DBL(eng_mt_random(&m), 0.8444218515250481, 0);
    eng_mt_seed(&m, 4294967301ULL); /* two key words */
    T_ASSERT_DBL(eng_mt_random(&m), 0.15727238718789782, 0);
    eng_mt_seed(&m, (1ULL << 40) + 7);
    T_ASSERT_DBL(eng_mt_random(&m), 0.6137037779936511, 0);
    eng_mt_seed(&m, 20260215);
    T_ASSERT_INT(eng_mt_next(&m), ==, 3860451908LL);
    T_ASSERT_INT(eng_mt_next(&m), ==, 490300956LL);
    T_ASSERT_INT(eng_mt_next(&m), ==, 2828050305LL);
    T_END;
}

/* Schumann fallback: TV15 and one date of every status class. */
int test_0431_schumann(void);
int test_0431_schumann(void)
{
    const char *st = NULL;
    double hz = 0;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT_DBL(eng_schumann(DAY(2026, 2, 15), &st, &hz, &why), 0.5, 0);
    T_ASSERT_STR(st, "ELEVATED");
    T_ASSERT_DBL(hz, 8.23, 0);
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "8.23 Hz ELEVATED");
    T_ASSERT(eng_schumann_triggered(st));
    T_ASSERT_DBL(eng_schumann(DAY(2025, 1, 1), &st, &hz, NULL), 0.7, 0); /* dev 0.0963 */
    T_ASSERT_STR(st, "NORMAL");
    T_ASSERT_DBL(hz, 7.93, 0);
    T_ASSERT(!eng_schumann_triggered(st));
    T_ASSERT_DBL(eng_schumann(DAY(2026, 2, 16), &st, &hz, NULL), 0.7, 0); /* dev 0.081 */
    T_ASSERT_STR(st, "NORMAL");
    T_ASSERT_DBL(hz, 7.91, 0);
    T_ASSERT_DBL(eng_schumann(DAY(2026, 1, 1), &st, &hz, NULL), 0.6, 0); /* dev -0.455 */
    T_ASSERT_STR(st, "DEPRESSED");
    T_ASSERT_DBL(hz, 7.37, 0);
    T_ASSERT_DBL(eng_schumann(DAY(2026, 1, 2), &st, &hz, NULL), 0.5, 0); /* dev 0.352 */
    T_ASSERT_STR(st, "ELEVATED");
    T_ASSERT_DBL(hz, 8.18, 0);
    T_ASSERT_DBL(eng_schumann(DAY(2026, 1, 3), &st, &hz, NULL), 0.6, 0); /* dev -0.117 */
    T_ASSERT_STR(st, "SLIGHTLY_DEPRESSED");
    T_ASSERT(!eng_schumann_triggered(st));
    T_ASSERT_DBL(hz, 7.71, 0);
    T_ASSERT_DBL(eng_schumann(DAY(2026, 1, 4), &st, &hz, NULL), 0.7, 0); /* dev 0.039 */
    T_ASSERT_STR(st, "NORMAL");
    T_ASSERT_DBL(eng_schumann(DAY(2026, 1, 7), &st, &hz, NULL), 0.5, 0); /* dev 0.197 */
    T_ASSERT_STR(st, "SLIGHTLY_ELEVATED");
    T_ASSERT(eng_schumann_triggered(st));
    T_ASSERT_DBL(hz, 8.03, 0);
    T_END;
}

/* Kp score, trigger and FINAL multiplier at every threshold. */
int test_0432_kp(void);
int test_0432_kp(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_kp_score(0), 0.8, 0);
    T_ASSERT_DBL(eng_kp_score(2), 0.8, 0);
    T_ASSERT_DBL(eng_kp_score(ABOVE(2.0)), 0.7, 0);
    T_ASSERT_DBL(eng_kp_score(3), 0.7, 0);
    T_ASSERT_DBL(eng_kp_score(ABOVE(3.0)), 0.5, 0);
    T_ASSERT_DBL(eng_kp_score(4), 0.5, 0);
    T_ASSERT_DBL(eng_kp_score(ABOVE(4.0)), 0.4, 0);
    T_ASSERT_DBL(eng_kp_score(5), 0.4, 0);
    T_ASSERT_DBL(eng_kp_score(ABOVE(5.0)), 0.3, 0);
    T_ASSERT_DBL(eng_kp_score(9), 0.3, 0);
    T_ASSERT(eng_kp_triggered(2));
    T_ASSERT(!eng_kp_triggered(ABOVE(2.0)));
    T_ASSERT(!eng_kp_triggered(3)); /* the NOAA-disabled default */
    T_ASSERT(!eng_kp_triggered(4));
    T_ASSERT(eng_kp_triggered(ABOVE(4.0)));
    T_ASSERT(eng_kp_triggered(8));
    T_ASSERT_DBL(eng_kp_multiplier(3.0), 1.0, 0);
    T_ASSERT_DBL(eng_kp_multiplier(BELOW(5.0)), 1.0, 0);
    T_ASSERT_DBL(eng_kp_multiplier(5.0), 0.95, 0);
    T_ASSERT_DBL(eng_kp_multiplier(BELOW(7.0)), 0.95, 0);
    T_ASSERT_DBL(eng_kp_multiplier(7.0), 0.90, 0);
    T_ASSERT_DBL(eng_kp_multiplier(9.0), 0.90, 0);
    T_END;
}

/* Solar flare: X-ray classes, then the Kp fallback (value x0.5 only when triggered). */
int test_0433_solar_flare(void);
int test_0433_solar_flare(void)
{
    bool trig = true;
    T_BEGIN;
    T_ASSERT_DBL(eng_solar_flare(true, BELOW(1e-5), true, 9, &trig), 0.0, 0);
    T_ASSERT(!trig); /* quiet X-ray data: no Kp fallback */
    T_ASSERT_DBL(eng_solar_flare(true, 1e-5, false, 0, &trig), 0.075, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_solar_flare(true, BELOW(1e-4), false, 0, &trig), 0.075, 0);
    T_ASSERT_DBL(eng_solar_flare(true, 1e-4, false, 0, &trig), 0.15, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, false, 9, &trig), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, BELOW(5.0), &trig), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, 5.0, &trig), 0.0, 0); /* elevated, not triggered */
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, BELOW(6.0), &trig), 0.0, 0);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, 6.0, &trig), 0.025, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, BELOW(7.0), &trig), 0.025, 0);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, 7.0, &trig), 0.05, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_solar_flare(false, 0, true, 7.0, NULL), 0.05, 0);
    T_END;
}

/* TV18 Moon longitude, sign, hours to sign change; lunar phase fallback; simple moon age. */
int test_0434_moon(void);
int test_0434_moon(void)
{
    double lon, conf = -1;
    T_BEGIN;
    lon = eng_moon_longitude(MS(2026, 2, 15, 12, 0));
    T_ASSERT_DBL(lon, 302.96898625628984, 0);
    T_ASSERT_INT(eng_moon_sign(lon), ==, 10);
    T_ASSERT_STR(eng_moon_sign_name(eng_moon_sign(lon)), "Aquarius");
    T_ASSERT_DBL(eng_moon_hours_to_sign_change(MS(2026, 2, 15, 12, 0)), 49.23548144707694, 0);
    T_ASSERT(!eng_moon_void(MS(2026, 2, 15, 12, 0), &conf));
    T_ASSERT_DBL(conf, 0.0, 0);
    T_ASSERT_DBL(eng_moon_longitude(MS(2026, 2, 15, 0, 0)), 296.6781494634877, 0);
    T_ASSERT_DBL(eng_moon_longitude(MS(2025, 1, 1, 12, 0)), 300.6796067791887, 0);
    T_ASSERT_DBL(eng_moon_longitude(MS(2025, 2, 12, 12, 0)), 143.06417654336383, 0);
    T_ASSERT_INT(eng_moon_sign(143.06417654336383), ==, 4);
    T_ASSERT_STR(eng_moon_sign_name(4), "Leo");
    /* TV18: UTC-aware 2026-02-15T00:00Z -> fallback phase 0.097 */
    T_ASSERT_DBL(eng_moon_phase(MS(2026, 2, 15, 0, 0)), 0.09685137919239589, 0);
    T_ASSERT_DBL(eng_moon_phase(MS(1999, 12, 1, 0, 0)), 0.9245144287396841, 0);
    T_ASSERT_DBL(eng_moon_phase(MS(2000, 1, 1, 18, 14)), 0.0, 0);
    /* daily-energy moon age (TV13) */
    T_ASSERT_DBL(eng_moon_simple_age(MS(2026, 2, 15, 19, 30)), 27.74999999999997, 0);
    T_ASSERT_DBL(eng_moon_simple_age(MS(2025, 2, 12, 0, 0)), 14.109999999999985, 0);
    T_ASSERT_DBL(eng_moon_simple_age(MS(2025, 1, 1, 23, 59)), 1.6399999999999864, 0);
    T_ASSERT_DBL(eng_moon_simple_age(MS(2024, 1, 11, 0, 0)), 0.0, 0);
    T_ASSERT_DBL(eng_moon_simple_age(MS(2024, 1, 10, 0, 0)), 28.53, 1e-12); /* floor mod */
    T_END;
}

/* Void of course at its thresholds: degree 22 (confidence 0.5) and the 14..18 h window. */
int test_0435_void_moon(void);
int test_0435_void_moon(void)
{
    double conf = -1;
    T_BEGIN;
    /* 2026-02-14 14:59 deg 21.993 (< 22) but afternoon and >= 15 -> 0.35 */
    T_ASSERT(eng_moon_void(MS(2026, 2, 14, 14, 59), &conf));
    T_ASSERT_DBL(conf, 0.35, 0);
    /* 15:00 deg 22.001 -> void, confidence round(0.50007, 2) = 0.5 */
    T_ASSERT(eng_moon_void(MS(2026, 2, 14, 15, 0), &conf));
    T_ASSERT_DBL(conf, 0.5, 0);
    /* 13:59 deg ~21.3: outside the afternoon window -> not void */
    T_ASSERT(!eng_moon_void(MS(2026, 2, 14, 13, 59), &conf));
    T_ASSERT_DBL(conf, 0.0, 0);
    /* 14:00: inside the window -> 0.35 */
    T_ASSERT(eng_moon_void(MS(2026, 2, 14, 14, 0), &conf));
    T_ASSERT_DBL(conf, 0.35, 0);
    /* deg crosses 15 between 01:24 and 01:25, far from the window -> not void */
    T_ASSERT(!eng_moon_void(MS(2026, 2, 14, 1, 25), &conf));
    /* late in a sign: 2026-02-15 00:00 deg 26.68 -> 0.76; 2025-02-12 12:00 deg 23.06 -> 0.56 */
    T_ASSERT(eng_moon_void(MS(2026, 2, 15, 0, 0), &conf));
    T_ASSERT_DBL(conf, 0.76, 0);
    T_ASSERT(eng_moon_void(MS(2025, 2, 12, 12, 0), &conf));
    T_ASSERT_DBL(conf, 0.56, 0);
    T_ASSERT(eng_moon_void(MS(2025, 2, 12, 12, 0), NULL));
    T_END;
}

struct astro_vec {
    int y, mo, d, h, mi;
    const char *ruler;
    int nak;
    double overall, value;
};

/* TV14 and a table from the spec formulas: hour ruler, nakshatra, retrograde table edges. */
int test_0436_astro(void);
int test_0436_astro(void)
{
    static const struct astro_vec v[] = {
        {2026, 2, 15, 19, 30, "Jupiter", 27, 66.5, 6.65}, /* TV14 */
        {2026, 2, 28, 3, 0, "Sun", 11, 61.400000000000006, 6.140000000000001},
        {2026, 3, 1, 3, 0, "Moon", 12, 57.3, 5.7299999999999995},  /* Mercury starts */
        {2026, 3, 21, 23, 0, "Mars", 4, 58.9, 5.89},                /* Mercury last day */
        {2026, 3, 22, 0, 0, "Sun", 4, 62.8, 6.28},                  /* day after */
        {2025, 3, 20, 10, 0, "Venus", 20, 58.1, 5.81},              /* Mercury + Venus */
        {2025, 1, 5, 0, 0, "Sun", 6, 61.900000000000006, 6.190000000000001}, /* Mars */
        {2024, 12, 10, 7, 0, "Mars", 9, 58.0, 5.8},                 /* Mercury + Mars */
        {2023, 6, 1, 13, 0, "Saturn", 12, 52.4, 5.24},
        {2027, 2, 1, 22, 0, "Saturn", 24, 52.9, 5.29},
        {2024, 1, 11, 0, 0, "Jupiter", 1, 64.4, 6.44},
        {2024, 1, 10, 23, 0, "Saturn", 27, 54.5, 5.45}, /* before the epoch: floor mod */
    };
    size_t k;
    double overall = 0;
    int n = -1;
    eng_why_t why;
    T_BEGIN;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
        int64_t ms = MS(v[k].y, v[k].mo, v[k].d, v[k].h, v[k].mi);
        T_ASSERT_STR(eng_astro_hour_ruler(ms), v[k].ruler);
        T_ASSERT_INT(eng_astro_nakshatra(ms), ==, v[k].nak);
        T_ASSERT_DBL(eng_astro(ms, &overall, NULL), v[k].value, 0);
        T_ASSERT_DBL(overall, v[k].overall, 0);
    }
    /* TV14 weighted: 1.7955 (Python: 6.65 * 0.27 = 1.7955000000000003) */
    T_ASSERT_DBL(eng_astro(MS(2026, 2, 15, 19, 30), NULL, NULL) * 0.27, 1.7955000000000003, 0);
    T_ASSERT_STR(eng_astro_nakshatra_name(27), "Revati");
    T_ASSERT_STR(eng_astro_nakshatra_name(1), "Ashwini");
    T_ASSERT_DBL(eng_astro_nakshatra_mod(27), 0.5, 0);  /* Soft */
    T_ASSERT_DBL(eng_astro_nakshatra_mod(8), 0.5, 0);   /* Light */
    T_ASSERT_DBL(eng_astro_nakshatra_mod(2), 0.0, 0);   /* Fierce */
    T_ASSERT_DBL(eng_astro_nakshatra_mod(3), 0.0, 0);   /* Sharp */
    T_ASSERT_DBL(eng_astro_nakshatra_mod(1), 0.2, 0);   /* Swift */
    T_ASSERT_DBL(eng_astro_planet_mod("Saturn"), -0.5, 0);
    T_ASSERT_DBL(eng_astro_planet_mod("Sun"), 0.8, 0);
    T_ASSERT_DBL(eng_astro_retro_sum(DAY(2026, 2, 28), &n), 0.0, 0);
    T_ASSERT_INT(n, ==, 0);
    T_ASSERT_DBL(eng_astro_retro_sum(DAY(2026, 3, 1), &n), -0.3, 0);
    T_ASSERT_INT(n, ==, 1);
    T_ASSERT_DBL(eng_astro_retro_sum(DAY(2025, 3, 20), &n), -0.3 + -0.2, 0);
    T_ASSERT_INT(n, ==, 2);
    T_ASSERT_DBL(eng_astro_retro_sum(DAY(2025, 2, 23), &n), 0.1, 0);
    T_ASSERT_DBL(eng_astro_retro_sum(DAY(2025, 2, 24), &n), 0.0, 0);
    eng_why_init(&why);
    eng_astro(MS(2025, 3, 20, 10, 0), NULL, &why);
    T_ASSERT_INT(why.n, ==, 4);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "planetary hour Venus");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "Mercury retrograde");
    T_ASSERT_CONTAINS(eng_why_get(&why, 2), "Venus retrograde");
    T_END;
}

struct daily_vec {
    int y, mo, d, h, energy;
};

/* TV13, the void penalty, the upper clamp and a 40-day table from the spec formulas. */
int test_0437_daily_energy(void);
int test_0437_daily_energy(void)
{
    static const struct daily_vec v[] = {
        {2026, 2, 15, 12, 85}, /* TV13 Sun, digit 6 */
        {2025, 2, 12, 0, 55},  /* TV13 Wed, moon 14.1 (not yet full) */
        {2025, 2, 12, 12, 35}, /* same day, void 0.56 -> -20 */
        {2026, 2, 1, 12, 85},  /* TV13 */
        {2025, 1, 1, 12, 60},  /* TV13 new moon, life path 11 */
        {2029, 8, 26, 12, 100}, /* 120 clamped */
        {2031, 11, 30, 12, 100}, /* 120 - 20 void, clamped */
        {2026, 1, 20, 3, 50},  {2026, 1, 20, 15, 50}, /* void 0.35: no penalty */
        {2026, 1, 23, 3, 55},  {2026, 1, 23, 15, 75}, {2026, 1, 26, 3, 55},
        {2026, 1, 29, 3, 85},  {2026, 1, 29, 15, 65}, {2026, 2, 4, 3, 65},
        {2026, 2, 4, 15, 65},  {2026, 2, 7, 3, 80},   {2026, 2, 7, 15, 60},
        {2026, 2, 10, 3, 40},  {2026, 2, 10, 15, 60}, {2026, 2, 13, 3, 75},
        {2026, 2, 16, 3, 55},  {2026, 2, 16, 15, 55}, {2026, 2, 19, 3, 85},
        {2026, 2, 19, 15, 65}, {2026, 2, 22, 15, 85}, {2026, 2, 25, 3, 65},
        {2026, 2, 28, 3, 75},  {2026, 2, 28, 15, 95},
    };
    size_t k;
    eng_why_t why;
    T_BEGIN;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
        T_ASSERT_INT(eng_daily_energy(MS(v[k].y, v[k].mo, v[k].d, v[k].h, 0), NULL), ==,
                     v[k].energy);
    eng_why_init(&why);
    T_ASSERT_INT(eng_daily_energy(MS(2025, 1, 1, 12, 0), &why), ==, 60);
    T_ASSERT_INT(why.n, ==, 4);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "master number +15");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "new moon");
    T_ASSERT_CONTAINS(eng_why_get(&why, 2), "Wed +5");
    /* daily edge thresholds */
    T_ASSERT_DBL(eng_daily_edge(100), 10.0, 0);
    T_ASSERT_DBL(eng_daily_edge(85), 10.0, 0);
    T_ASSERT_DBL(eng_daily_edge(84), 7.0, 0);
    T_ASSERT_DBL(eng_daily_edge(70), 7.0, 0);
    T_ASSERT_DBL(eng_daily_edge(69), 4.0, 0);
    T_ASSERT_DBL(eng_daily_edge(55), 4.0, 0);
    T_ASSERT_DBL(eng_daily_edge(54), 0.0, 0);
    T_ASSERT_DBL(eng_daily_edge(0), 0.0, 0);
    T_ASSERT_DBL(eng_daily_edge(85) * 0.15, 1.5, 0); /* TV25 daily 1.5 */
    T_END;
}

/* TV1 Pythagorean column, universal day, life path, TV8 line numerology and its thresholds. */
int test_0438_numerology_parts(void);
int test_0438_numerology_parts(void)
{
    T_BEGIN;
    T_ASSERT_INT(eng_num_pythagorean_sum("Boston Celtics"), ==, 48);
    T_ASSERT_INT(eng_num_expression("Boston Celtics"), ==, 3);
    T_ASSERT_INT(eng_num_pythagorean_sum("Los Angeles Lakers"), ==, 58);
    T_ASSERT_INT(eng_num_expression("Los Angeles Lakers"), ==, 4);
    T_ASSERT_INT(eng_num_pythagorean_sum("LeBron James"), ==, 42);
    T_ASSERT_INT(eng_num_expression("LeBron James"), ==, 6);
    T_ASSERT_INT(eng_num_pythagorean_sum("Kansas City Chiefs"), ==, 64);
    T_ASSERT_INT(eng_num_expression("Kansas City Chiefs"), ==, 1);
    T_ASSERT_INT(eng_num_pythagorean_sum("Buffalo Bills"), ==, 45);
    T_ASSERT_INT(eng_num_expression("Buffalo Bills"), ==, 9);
    T_ASSERT_INT(eng_num_pythagorean_sum("Dallas Cowboys"), ==, 43);
    T_ASSERT_INT(eng_num_expression("Dallas Cowboys"), ==, 7);
    T_ASSERT_INT(eng_num_pythagorean_sum("New York Yankees"), ==, 65);
    T_ASSERT_INT(eng_num_expression("New York Yankees"), ==, 11); /* master stop */
    T_ASSERT_INT(eng_num_pythagorean_sum("a-z 76ers \xc3\xa9"), ==, 1 + 8 + 5 + 9 + 1);
    T_ASSERT_INT(eng_num_pythagorean_sum(""), ==, 0);
    /* universal day: 2026-02-15 -> 15 + 2 + 10 = 27 -> 9; 2026-01-08 -> 19 -> 10 -> 1 */
    T_ASSERT_INT(eng_num_universal_day(DAY(2026, 2, 15)), ==, 9);
    T_ASSERT_INT(eng_num_universal_day(DAY(2026, 1, 8)), ==, 1);
    T_ASSERT_INT(eng_num_universal_day(DAY(2026, 1, 11)), ==, 22); /* 11 + 1 + 10, master stop */
    T_ASSERT_INT(eng_num_universal_day(DAY(2026, 1, 2)), ==, 4);
    T_ASSERT_INT(eng_num_life_path(DAY(1984, 12, 30)), ==, 1);   /* TV12 */
    T_ASSERT_INT(eng_num_life_path(DAY(2025, 1, 1)), ==, 11);    /* TV13 */
    T_ASSERT_INT(eng_num_life_path(DAY(2026, 2, 15)), ==, 9);    /* TV13 */
    /* TV8 */
    T_ASSERT_DBL(eng_num_line_strength(-5.5, false), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(3, true), 0.3, 0);
    T_ASSERT_DBL(eng_num_line_strength(5, true), 0.1, 0);
    T_ASSERT_DBL(eng_num_line_strength(11, true), 0.45, 0);
    T_ASSERT_DBL(eng_num_line_strength(11, false), 0.45, 0);
    /* goldilocks window 3..7 (spread context only), int(|x|) truncation */
    T_ASSERT_DBL(eng_num_line_strength(2.99, true), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(-3.5, true), 0.3, 0);
    T_ASSERT_DBL(eng_num_line_strength(7.9, true), 0.1, 0);
    T_ASSERT_DBL(eng_num_line_strength(8, true), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(5, false), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(6.5, false), 0.2, 0);
    /* power numbers 11..99 */
    T_ASSERT_DBL(eng_num_line_strength(10, false), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(99, false), 0.35, 0);
    T_ASSERT_DBL(eng_num_line_strength(100, false), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(110, false), 0.0, 0);
    T_ASSERT_DBL(eng_num_line_strength(29, false), 0.3, 0); /* 29 -> 11 master */
    T_ASSERT_DBL(eng_num_line_strength(22.5, false), 0.45, 0);
    T_ASSERT_DBL(eng_num_line_strength(33, false), 0.45, 0);
    T_ASSERT_DBL(eng_num_line_strength(0, true), 0.0, 0);
    T_END;
}

/* The numerology component end to end (values as Python evaluates the spec's sums). */
int test_0439_numerology(void);
int test_0439_numerology(void)
{
    eng_num_in_t in = {0};
    eng_why_t why;
    T_BEGIN;
    /* TV25 spread candidate: prop_line = point -5.5 (player context, no hit) -> 5.0 -> 2.0 */
    in.game_ms = MS(2026, 2, 16, 0, 30);
    in.prop_line = -5.5;
    in.spread = -5.5;
    in.game_str = "Los Angeles LakersBoston Celtics";
    T_ASSERT_DBL(eng_numerology(&in, NULL), 5.0, 0);
    T_ASSERT_DBL(eng_numerology(&in, NULL) * 0.40, 2.0, 0);
    /* moneyline: prop_line 0, spread 0 -> nothing */
    in.prop_line = 0;
    in.spread = 0;
    T_ASSERT_DBL(eng_numerology(&in, NULL), 5.0, 0);
    /* spread context 11 (master + power 0.45) -> 0.5 + 0.225 */
    in.spread = 11.5;
    T_ASSERT_DBL(eng_numerology(&in, NULL), 7.25, 0);
    /* master digits in the matchup -> +0.08 */
    in.spread = 0;
    in.game_str = "Team 22Other";
    T_ASSERT_DBL(eng_numerology(&in, NULL), 5.8, 0);
    in.game_str = "Team 2 2";
    T_ASSERT_DBL(eng_numerology(&in, NULL), 5.0, 0);
    in.game_str = NULL;
    T_ASSERT_DBL(eng_numerology(&in, NULL), 5.0, 0);
    /* prop, LeBron James (expression 6, Tesla +0.10), life path 1 vs universal day 9 -> none */
    in.game_ms = MS(2026, 2, 15, 19, 30);
    in.player = "LeBron James";
    in.has_birth = true;
    in.birth_day = DAY(1984, 12, 30);
    in.prop_line = 25.5;
    in.game_str = "Los Angeles LakersBoston CelticsLeBron James";
    T_ASSERT_DBL(eng_numerology(&in, NULL), 6.0, 0);
    /* |L - U| <= 2: universal day 3 on 2026-01-10 -> +0.12; spread 3 -> 0.3 -> +0.15 */
    in.game_ms = MS(2026, 1, 10, 20, 0);
    in.prop_line = 0;
    in.spread = 3.0;
    in.game_str = "AB";
    T_ASSERT_DBL(eng_numerology(&in, NULL), 8.7, 0);
    T_ASSERT_DBL(eng_numerology(&in, NULL) * 0.40, 3.48, 0);
    /* L + U = 9: universal day 8 on 2026-01-06 (|1 - 8| = 7) -> +0.12 */
    in.game_ms = MS(2026, 1, 6, 20, 0);
    in.spread = 0;
    T_ASSERT_DBL(eng_numerology(&in, NULL), 7.199999999999999, 0);
    /* |L - U| = 3 and L + U != 9: universal day 4 on 2026-01-02 -> no life-path bonus */
    in.game_ms = MS(2026, 1, 2, 20, 0);
    T_ASSERT_DBL(eng_numerology(&in, NULL), 6.0, 0);
    /* master universal day 22 on 2026-01-11 vs life path 1 -> none */
    in.game_ms = MS(2026, 1, 11, 20, 0);
    T_ASSERT_DBL(eng_numerology(&in, NULL), 6.0, 0);
    /* capped: master name +0.15, L = U +0.25, line 11 +0.225, "33" +0.08 = 1.205 -> 10 */
    in.game_ms = MS(2026, 1, 8, 20, 0);
    in.player = "New York Yankees";
    in.prop_line = 11.0;
    in.game_str = "Team33Other";
    eng_why_init(&why);
    T_ASSERT_DBL(eng_numerology(&in, &why), 10.0, 0);
    T_ASSERT_INT(why.n, ==, 5);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "master number +0.15");
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "= universal day +0.25");
    T_ASSERT_CONTAINS(eng_why_get(&why, 2), "strength 0.45");
    T_END;
}

/* TV12 biorhythm, every state, the placeholder birth date. */
int test_0440_biorhythm(void);
int test_0440_biorhythm(void)
{
    double p = -1, e = -1, i = -1;
    const char *st = NULL;
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT_DBL(eng_biorhythm(DAY(1984, 12, 30), DAY(2026, 2, 15), &p, &e, &i, &st, &why), 0.3,
                 0);
    T_ASSERT_STR(st, "PEAK"); /* mean 56.75 */
    T_ASSERT_DBL(p, 73.1, 0);
    T_ASSERT_DBL(e, 0.0, 0);
    T_ASSERT_DBL(i, 97.2, 0);
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "PEAK +0.30");
    /* day offsets from the spec formula: 3 mean 63.2 PEAK, 1 mean 22.7 RISING, 0 mean 0 FALLING,
       17 mean -57.2 LOW */
    T_ASSERT_DBL(eng_biorhythm(DAY(2000, 1, 1), DAY(2000, 1, 4), NULL, NULL, NULL, &st, NULL), 0.3,
                 0);
    T_ASSERT_STR(st, "PEAK");
    T_ASSERT_DBL(eng_biorhythm(DAY(2000, 1, 1), DAY(2000, 1, 2), NULL, NULL, NULL, &st, NULL),
                 0.15, 0);
    T_ASSERT_STR(st, "RISING");
    T_ASSERT_DBL(eng_biorhythm(DAY(2000, 1, 1), DAY(2000, 1, 1), NULL, NULL, NULL, &st, NULL), 0.0,
                 0);
    T_ASSERT_STR(st, "FALLING"); /* mean exactly 0 is not > 0 */
    T_ASSERT_DBL(eng_biorhythm(DAY(2000, 1, 1), DAY(2000, 1, 18), NULL, NULL, NULL, &st, NULL),
                 -0.2, 0);
    T_ASSERT_STR(st, "LOW");
    /* placeholder birth date */
    T_ASSERT_DBL(eng_biorhythm(DAY(1990, 1, 1), DAY(1990, 1, 4), &p, &e, &i, &st, NULL), 0.0, 0);
    T_ASSERT_STR(st, "UNKNOWN");
    T_ASSERT_DBL(p, 0.0, 0);
    T_END;
}

/* TV12 chrome resonance and every interval. */
int test_0441_chrome(void);
int test_0441_chrome(void)
{
    bool trig = false;
    int64_t b = DAY(2025, 1, 12); /* doy 12 -> note 0 */
    static const double want[7] = {1.0, 0.3, 0.5, 0.65, 0.7, 0.85, 0.25};
    static const bool want_trig[7] = {true, false, false, false, true, true, false};
    int k;
    T_BEGIN;
    T_ASSERT_DBL(eng_chrome(DAY(1984, 12, 30), DAY(2026, 2, 15), &trig, NULL), 0.85, 0); /* TV12 */
    T_ASSERT(trig);
    for (k = 0; k <= 6; k++) {
        T_ASSERT_DBL(eng_chrome(b, DAY(2026, 1, 12 + k), &trig, NULL), want[k], 0);
        T_ASSERT_INT(trig, ==, want_trig[k]);
    }
    /* k > 6 folds: notes 0 and 7 -> 5, 0 and 11 -> 1 */
    T_ASSERT_DBL(eng_chrome(b, DAY(2026, 1, 19), &trig, NULL), 0.85, 0);
    T_ASSERT_DBL(eng_chrome(b, DAY(2026, 1, 23), &trig, NULL), 0.3, 0);
    T_ASSERT_DBL(eng_chrome(DAY(2026, 1, 23), b, &trig, NULL), 0.3, 0);
    T_END;
}

/* TV18 Mercury (Phase 8 list) and the shadow edges. */
int test_0442_mercury(void);
int test_0442_mercury(void)
{
    eng_why_t why;
    T_BEGIN;
    eng_why_init(&why);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 10), &why), -0.08, 0);
    T_ASSERT_CONTAINS(eng_why_get(&why, 0), "pre-shadow");
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 20), NULL), -0.15, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 4, 10), NULL), -0.05, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 2, 15), NULL), 0.0, 0);
    /* 2026-03-14..04-07 */
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 6), NULL), 0.0, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 7), NULL), -0.08, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 13), NULL), -0.08, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 14), NULL), -0.15, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 4, 7), NULL), -0.15, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 4, 8), NULL), -0.05, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 4, 14), NULL), -0.05, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 4, 15), NULL), 0.0, 0);
    /* first and last table rows; the VedicAstro 2026-03-01 start is not this list */
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2025, 3, 15), NULL), -0.15, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2025, 3, 14), NULL), -0.08, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2027, 11, 20), NULL), -0.05, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2027, 11, 21), NULL), 0.0, 0);
    T_ASSERT_DBL(eng_mercury_phase8(DAY(2026, 3, 1), NULL), 0.0, 0);
    T_END;
}

/* Lunar intensity at its window edges, and TV18's UTC-aware case. */
int test_0443_lunar_intensity(void);
int test_0443_lunar_intensity(void)
{
    bool trig = true;
    T_BEGIN;
    /* TV18: 2026-02-15T00:00Z -> 0.097 WAXING, nothing */
    T_ASSERT_DBL(eng_lunar_intensity(eng_moon_phase(MS(2026, 2, 15, 0, 0)), true, true, &trig,
                                     NULL),
                 0.0, 0);
    T_ASSERT(!trig);
    /* FULL 0.45..0.55 inclusive */
    T_ASSERT_DBL(eng_lunar_intensity(BELOW(0.45), true, true, &trig, NULL), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_lunar_intensity(0.45, true, true, &trig, NULL), 0.25, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_lunar_intensity(0.5, true, false, &trig, NULL), -0.15, 0);
    T_ASSERT_DBL(eng_lunar_intensity(0.55, true, true, &trig, NULL), 0.25, 0);
    T_ASSERT_DBL(eng_lunar_intensity(ABOVE(0.55), true, true, &trig, NULL), 0.0, 0);
    T_ASSERT(!trig);
    /* NEW <= 0.05 or >= 0.95 */
    T_ASSERT_DBL(eng_lunar_intensity(0.0, true, true, &trig, NULL), -0.15, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_lunar_intensity(0.05, true, false, &trig, NULL), 0.2, 0);
    T_ASSERT_DBL(eng_lunar_intensity(ABOVE(0.05), true, false, &trig, NULL), 0.0, 0);
    T_ASSERT_DBL(eng_lunar_intensity(BELOW(0.95), true, false, &trig, NULL), 0.0, 0);
    T_ASSERT_DBL(eng_lunar_intensity(0.95, true, false, &trig, NULL), 0.2, 0);
    T_ASSERT_DBL(eng_lunar_intensity(0.99, true, true, &trig, NULL), -0.15, 0);
    /* quarters are never applied */
    T_ASSERT_DBL(eng_lunar_intensity(0.25, true, true, &trig, NULL), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_lunar_intensity(0.75, true, false, &trig, NULL), 0.0, 0);
    /* not a TOTAL: triggered but no value */
    T_ASSERT_DBL(eng_lunar_intensity(0.5, false, true, &trig, NULL), 0.0, 0);
    T_ASSERT(trig);
    T_END;
}

/* Streak momentum (streak > 0 wins, < 0 losses). */
int test_0444_streak(void);
int test_0444_streak(void)
{
    bool trig = true;
    T_BEGIN;
    T_ASSERT_DBL(eng_streak_momentum(0, true, &trig), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_streak_momentum(2, true, &trig), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_streak_momentum(3, true, &trig), 0.15, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_streak_momentum(4, false, &trig), -0.05, 0);
    T_ASSERT_DBL(eng_streak_momentum(5, true, &trig), -0.15, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_streak_momentum(12, false, &trig), 0.25, 0);
    T_ASSERT_DBL(eng_streak_momentum(-2, true, &trig), 0.0, 0);
    T_ASSERT_DBL(eng_streak_momentum(-3, true, &trig), 0.0, 0); /* struggling: not triggered */
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_streak_momentum(-4, false, &trig), 0.0, 0);
    T_ASSERT(!trig);
    T_ASSERT_DBL(eng_streak_momentum(-5, true, &trig), 0.2, 0);
    T_ASSERT(trig);
    T_ASSERT_DBL(eng_streak_momentum(-7, false, &trig), -0.1, 0);
    T_ASSERT_DBL(eng_streak_momentum(-7, false, NULL), -0.1, 0);
    T_END;
}
