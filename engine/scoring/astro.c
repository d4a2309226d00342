/*
 * astro — planetary hour, nakshatra and retrograde tables and the astro component (see astro.h).
 * The tables are data; the order of the arithmetic follows the original.
 */
#include "astro.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "caltime.h"
#include "pynum.h"

struct astro_planet {
    const char *name; /* planet */
    double mod;       /* modifier m */
};

/* Chaldean order; the hour ruler walks this list. */
static const struct astro_planet astro_chaldean[7] = {
    {"Saturn", -0.5}, {"Jupiter", 1.0}, {"Mars", 0.5},  {"Sun", 0.8},
    {"Venus", 0.7},   {"Mercury", 0.0}, {"Moon", 0.3},
};

/* Index into astro_chaldean of the day ruler, by Python weekday (Mon = 0): Moon, Mars, Mercury,
 * Jupiter, Venus, Saturn, Sun. */
static const int astro_day_ruler[7] = {6, 2, 5, 1, 4, 0, 3};

enum astro_nature { N_SWIFT, N_FIERCE, N_SHARP, N_FIXED, N_SOFT, N_MOVEABLE, N_LIGHT };

struct astro_nakshatra {
    const char *name;         /* standard name */
    enum astro_nature nature; /* classical nature */
};

static const struct astro_nakshatra astro_nak[27] = {
    {"Ashwini", N_SWIFT},          {"Bharani", N_FIERCE},          {"Krittika", N_SHARP},
    {"Rohini", N_FIXED},           {"Mrigashira", N_SOFT},         {"Ardra", N_SHARP},
    {"Punarvasu", N_MOVEABLE},     {"Pushya", N_LIGHT},            {"Ashlesha", N_SHARP},
    {"Magha", N_FIERCE},           {"Purva Phalguni", N_FIERCE},   {"Uttara Phalguni", N_FIXED},
    {"Hasta", N_LIGHT},            {"Chitra", N_SOFT},             {"Swati", N_MOVEABLE},
    {"Vishakha", N_SHARP},         {"Anuradha", N_SOFT},           {"Jyeshtha", N_SHARP},
    {"Mula", N_SHARP},             {"Purva Ashadha", N_FIERCE},    {"Uttara Ashadha", N_FIXED},
    {"Shravana", N_MOVEABLE},      {"Dhanishta", N_MOVEABLE},      {"Shatabhisha", N_MOVEABLE},
    {"Purva Bhadrapada", N_FIERCE}, {"Uttara Bhadrapada", N_FIXED}, {"Revati", N_SOFT},
};

struct astro_retro {
    int planet;    /* 0 Mercury, 1 Venus, 2 Mars */
    int from, to;  /* inclusive YYYYMMDD */
};

static const char *const astro_retro_planet[3] = {"Mercury", "Venus", "Mars"};
static const double astro_retro_mod[3] = {-0.3, -0.2, 0.1};

static const struct astro_retro astro_retros[] = {
    {0, 20240401, 20240425}, {0, 20240805, 20240828}, {0, 20241125, 20241215},
    {0, 20250314, 20250407}, {0, 20250718, 20250811}, {0, 20251109, 20251129},
    {0, 20260301, 20260321}, {0, 20260702, 20260726}, {1, 20250301, 20250412},
    {1, 20261003, 20261113}, {2, 20241206, 20250223}, {2, 20270110, 20270401},
};

static int astro_hour_index(int64_t ms)
{
    eng_dt_t dt;

    eng_cal_from_ms(ms, &dt);
    return (astro_day_ruler[dt.weekday] + dt.hour) % 7;
}

const char *eng_astro_hour_ruler(int64_t ms)
{
    return astro_chaldean[astro_hour_index(ms)].name;
}

double eng_astro_planet_mod(const char *planet)
{
    size_t k;

    for (k = 0; k < sizeof(astro_chaldean) / sizeof(astro_chaldean[0]); k++)
        if (strcmp(astro_chaldean[k].name, planet) == 0)
            return astro_chaldean[k].mod;
    return 0.0;
}

int eng_astro_nakshatra(int64_t ms)
{
    eng_dt_t dt;
    double age;
    int idx;

    eng_cal_from_ms(ms, &dt);
    age = eng_py_fmod((double)(dt.days - eng_cal_days(2024, 1, 11)) + dt.hour / 24.0, 29.53);
    idx = (int)(age / 29.53 * 27) % 27;
    return idx + 1;
}

const char *eng_astro_nakshatra_name(int nakshatra)
{
    return astro_nak[((nakshatra - 1) % 27 + 27) % 27].name;
}

double eng_astro_nakshatra_mod(int nakshatra)
{
    switch (astro_nak[((nakshatra - 1) % 27 + 27) % 27].nature) {
    case N_LIGHT:
    case N_SOFT:
        return 0.5;
    case N_FIERCE:
    case N_SHARP:
        return 0.0;
    default:
        return 0.2;
    }
}

double eng_astro_retro_sum(int64_t day, int *count)
{
    int ymd = eng_cal_yyyymmdd(day);
    bool retro[3] = {false, false, false};
    double sum = 0.0;
    int n = 0, p;
    size_t k;

    for (k = 0; k < sizeof(astro_retros) / sizeof(astro_retros[0]); k++)
        if (ymd >= astro_retros[k].from && ymd <= astro_retros[k].to)
            retro[astro_retros[k].planet] = true;
    for (p = 0; p < 3; p++) {
        if (retro[p]) {
            sum += astro_retro_mod[p];
            n++;
        }
    }
    if (count)
        *count = n;
    return sum;
}

double eng_astro(int64_t ms, double *overall, eng_why_t *why)
{
    eng_dt_t dt;
    const struct astro_planet *ruler = &astro_chaldean[astro_hour_index(ms)];
    int nak = eng_astro_nakshatra(ms), nretro, p;
    double rsum, hour_score, nak_score, retro_score, all;

    eng_cal_from_ms(ms, &dt);
    rsum = eng_astro_retro_sum(dt.days, &nretro);
    hour_score = 50 + 20 * ruler->mod;
    nak_score = 50 + 20 * eng_astro_nakshatra_mod(nak);
    retro_score = 70 + 20 * rsum;
    all = 0.40 * hour_score + 0.35 * nak_score + 0.25 * retro_score;
    if (overall)
        *overall = all;
    if (why) {
        eng_why_add(why, "astro: planetary hour %s (%.0f), nakshatra #%d %s (%.0f)", ruler->name,
                    hour_score, nak, eng_astro_nakshatra_name(nak), nak_score);
        if (nretro) {
            int ymd = eng_cal_yyyymmdd(dt.days);
            for (p = 0; p < 3; p++) {
                size_t k;
                for (k = 0; k < sizeof(astro_retros) / sizeof(astro_retros[0]); k++) {
                    if (astro_retros[k].planet == p && ymd >= astro_retros[k].from &&
                        ymd <= astro_retros[k].to) {
                        eng_why_add(why, "astro: %s retrograde (%+.1f)", astro_retro_planet[p],
                                    astro_retro_mod[p]);
                        break;
                    }
                }
            }
        }
        eng_why_add(why, "astro: overall %.2f -> %.4f", all, all / 100 * 10);
    }
    return all / 100 * 10;
}
