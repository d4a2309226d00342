/*
 * final — BASE, post-base terms, Jason Sim, hook, Titanium, tiers and gates (see final.h).
 */
#include "final.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- Jason Sim ---------------------------------------------------------------------------- */

double eng_jason_sim(int market, bool pick_home, double spread, double base, bool original,
                     double *win_pct, bool *blocked, eng_why_t *why)
{
    double p_home, win, boost = 0.0;
    bool blk = false;

    if (market != ENG_MKT_SPREAD && market != ENG_MKT_ML) {
        /* fallback: projection = line, variance MED → no TOTAL/PROP boost */
        if (win_pct)
            *win_pct = 50.0;
        if (blocked)
            *blocked = false;
        return 0.0;
    }
    if (market == ENG_MKT_ML)
        spread = 0.0;
    if (original) {
        /* the candidate's own point read as the home spread; the away side is always read */
        p_home = clampd(0.5 - spread / 20.0, 0.25, 0.75);
        win = (1.0 - p_home) * 100.0;
    } else {
        double home_spread = pick_home ? spread : -spread;
        p_home = clampd(0.5 - home_spread / 20.0, 0.25, 0.75);
        win = (pick_home ? p_home : 1.0 - p_home) * 100.0;
    }
    if (win >= 61.0) {
        boost = 0.8;
    } else if (win <= 52.0 && base < 7.2) {
        boost = -1.5;
        blk = true;
    } else if (win <= 55.0) {
        boost = -0.5;
    }
    if (boost != 0.0)
        eng_why_add(why, "jason sim: win %.1f%%%s %+.2f", win, blk ? " (blocked)" : "", boost);
    if (win_pct)
        *win_pct = win;
    if (blocked)
        *blocked = blk;
    return boost;
}

/* ---- hook --------------------------------------------------------------------------------- */

typedef struct {
    double line; /* |line| */
    double pen;  /* value for either side, or the underdog's for whole numbers */
    double fav;  /* favourite's value for whole key numbers */
    bool whole;  /* whole-number key: favourite/underdog differ */
} hook_t;

static const hook_t NFL_HOOKS[] = {
    {3.5, -0.25, 0, false},  {7.5, -0.20, 0, false},  {6.5, -0.15, 0, false},
    {10.5, -0.10, 0, false}, {13.5, -0.05, 0, false}, {14.5, -0.05, 0, false},
    {3.0, -0.05, 0.15, true}, {7.0, -0.05, 0.10, true}, {10.0, -0.05, 0.05, true},
};

static const hook_t NBA_HOOKS[] = {
    {5.5, -0.10, 0, false},
    {7.5, -0.10, 0, false},
};

double eng_hook(const char *sport, double point, eng_why_t *why)
{
    const hook_t *t = NULL;
    size_t n = 0;
    double a = fabs(point);

    if (sport && strcasecmp(sport, "NFL") == 0) {
        t = NFL_HOOKS;
        n = sizeof(NFL_HOOKS) / sizeof(NFL_HOOKS[0]);
    } else if (sport && strcasecmp(sport, "NBA") == 0) {
        t = NBA_HOOKS;
        n = sizeof(NBA_HOOKS) / sizeof(NBA_HOOKS[0]);
    }
    for (size_t i = 0; i < n; i++) {
        if (a == t[i].line) {
            bool fav = point < 0.0;
            double v = t[i].whole && fav ? t[i].fav : t[i].pen;
            eng_why_add(why, "hook: %s %s on %.1f %+.2f", sport, fav ? "favourite" : "underdog",
                        a, v);
            return v;
        }
    }
    return 0.0;
}

/* ---- BASE and FINAL ----------------------------------------------------------------------- */

double eng_base(double ai, double research, double esoteric, bool has_jarvis, double jarvis)
{
    return ai * 0.25 + research * 0.35 + esoteric * 0.15 + (has_jarvis ? jarvis : 0.0) * 0.25;
}

double eng_kp_multiplier(double kp)
{
    return kp >= 7.0 ? 0.90 : kp >= 5.0 ? 0.95 : 1.0;
}

double eng_totals_calibration(const char *sport)
{
    if (sport && strcasecmp(sport, "NHL") == 0)
        return -4.0;
    if (sport && strcasecmp(sport, "NCAAB") == 0)
        return -0.75;
    return 0.0;
}

double eng_weather_final(double temp_f, double wind_mph, double precip_in)
{
    double m = 0.0;

    if (temp_f < 32.0)
        m -= 0.5;
    else if (temp_f < 40.0)
        m -= 0.3;
    else if (temp_f > 95.0)
        m -= 0.3;
    else if (temp_f > 90.0)
        m -= 0.2;
    if (wind_mph > 25.0)
        m -= 0.5;
    else if (wind_mph > 20.0)
        m -= 0.4;
    else if (wind_mph > 15.0)
        m -= 0.2;
    if (precip_in > 0.5)
        m -= 0.6;
    else if (precip_in > 0.25)
        m -= 0.4;
    else if (precip_in > 0.1)
        m -= 0.2;
    return clampd(m, -1.0, 1.0);
}

double eng_final(const eng_final_in_t *in, double *total_boosts, eng_why_t *why)
{
    double ctx = clampd(in->context_mod, -0.35, 0.35);
    double msrf = clampd(in->msrf, -1.0, 1.0);
    double jason = clampd(in->jason, -1.5, 1.5);
    double serp = clampd(in->serp, 0.0, 4.3);
    double hook = clampd(in->hook, -0.25, 0.0);
    double expert = clampd(in->expert, 0.0, 0.35);
    double pc = clampd(in->prop_corr, -0.20, 0.20);
    double tb = in->confluence + msrf + jason + serp + in->ensemble + in->totals_cal;
    double f;

    if (tb > 1.5) {
        eng_why_add(why, "final: boosts %.2f capped at 1.50", tb);
        tb = 1.5;
    }
    f = in->base + ctx + tb + hook + expert + pc;
    if (!in->original && in->weather != 0.0) {
        double w = clampd(in->weather, -1.0, 1.0);
        f += w;
        eng_why_add(why, "final: weather %+.2f (before tiering)", w);
    }
    f = clampd(f, 0.0, 10.0);
    if (in->kp_mult != 1.0) {
        f *= in->kp_mult;
        eng_why_add(why, "final: Kp multiplier x%.2f", in->kp_mult);
    }
    if (total_boosts)
        *total_boosts = tb;
    return f;
}

double eng_final_post_tier(double final, double weather, bool original)
{
    return original ? final + clampd(weather, -1.0, 1.0) : final;
}

/* ---- tiers -------------------------------------------------------------------------------- */

static int count_at_least(double min, double ai, double research, double esoteric,
                          bool has_jarvis, double jarvis)
{
    return (ai >= min) + (research >= min) + (esoteric >= min) + (has_jarvis && jarvis >= min);
}

bool eng_titanium(double final, double ai, double research, double esoteric, bool has_jarvis,
                  double jarvis)
{
    return final >= 8.0 && count_at_least(8.0, ai, research, esoteric, has_jarvis, jarvis) >= 3;
}

const char *eng_band(double final)
{
    return final >= 7.5 ? "GOLD_STAR" : final >= 6.5 ? "EDGE_LEAN" : final >= 5.5 ? "MONITOR"
                                                                                  : "PASS";
}

static const char *const EDGE_LEVELS[] = {
    "IMMORTAL", "JARVIS_PERFECT", "PERFECT", "HARMONIC_CONVERGENCE", "STRONG", "MODERATE",
};

static bool level_ok(const char *level)
{
    for (size_t i = 0; level && i < sizeof(EDGE_LEVELS) / sizeof(EDGE_LEVELS[0]); i++)
        if (strcmp(level, EDGE_LEVELS[i]) == 0)
            return true;
    return false;
}

const char *eng_tier(double final, double base, const char *confluence_level, double ai,
                     double research, double esoteric, bool has_jarvis, double jarvis,
                     bool titanium, eng_why_t *why)
{
    const char *tier;
    bool aligned;

    if (titanium) {
        eng_why_add(why, "tier: TITANIUM_SMASH (3 of 4 engines >= 8.0, final %.2f)", final);
        return "TITANIUM_SMASH";
    }
    tier = eng_band(final);
    aligned = count_at_least(6.5, ai, research, esoteric, has_jarvis, jarvis) >= 2;
    if (strcmp(tier, "GOLD_STAR") == 0) {
        if (base < 6.8 || !aligned) {
            bool div = confluence_level && strcmp(confluence_level, "DIVERGENT") == 0;
            tier = div ? "MONITOR" : "EDGE_LEAN";
            eng_why_add(why, "tier: GOLD_STAR band fails %s gate -> %s",
                        base < 6.8 ? "base (BASE < 6.8)" : "alignment", tier);
            return tier;
        }
        if (ai < 6.8 || research < 6.5 || !has_jarvis || jarvis < 6.5 || esoteric < 5.5) {
            eng_why_add(why, "tier: GOLD_STAR hard gate (AI 6.8, R 6.5, J 6.5, E 5.5) -> "
                             "EDGE_LEAN");
            return "EDGE_LEAN";
        }
    } else if (strcmp(tier, "EDGE_LEAN") == 0) {
        if (base < 6.0 || !aligned || !level_ok(confluence_level)) {
            eng_why_add(why, "tier: EDGE_LEAN band fails %s gate -> MONITOR",
                        base < 6.0 ? "base" : !aligned ? "alignment" : "confluence");
            return "MONITOR";
        }
    }
    eng_why_add(why, "tier: %s (final %.2f)", tier, final);
    return tier;
}

typedef struct {
    const char *tier;  /* tier name */
    double units;      /* stake units */
    int confidence;    /* confidence score */
    const char *label; /* confidence label */
    const char *down;  /* one step down */
} tier_row_t;

static const tier_row_t TIERS[] = {
    {"TITANIUM_SMASH", 2.5, 95, "SMASH", "GOLD_STAR"},
    {"GOLD_STAR", 2.0, 95, "SMASH", "EDGE_LEAN"},
    {"EDGE_LEAN", 1.0, 80, "HIGH", "MONITOR"},
    {"ML_DOG_LOTTO", 0.5, 30, "LOW", "MONITOR"},
    {"MONITOR", 0.0, 60, "MEDIUM", "PASS"},
    {"PASS", 0.0, 30, "LOW", "PASS"},
};

static const tier_row_t *tier_row(const char *tier)
{
    for (size_t i = 0; tier && i < sizeof(TIERS) / sizeof(TIERS[0]); i++)
        if (strcmp(tier, TIERS[i].tier) == 0)
            return &TIERS[i];
    return NULL;
}

double eng_tier_units(const char *tier)
{
    const tier_row_t *r = tier_row(tier);
    return r ? r->units : 0.0;
}

const char *eng_tier_down(const char *tier)
{
    const tier_row_t *r = tier_row(tier);
    return r ? r->down : "PASS";
}

int eng_tier_confidence(const char *tier, const char **label)
{
    const tier_row_t *r = tier_row(tier);
    if (label)
        *label = r ? r->label : "LOW";
    return r ? r->confidence : 30;
}

static const char *const INJ_DROP[] = {"OUT", "DOUBTFUL", "SUSPENDED", "DNP", "INACTIVE"};
static const char *const INJ_DOWN[] = {"QUESTIONABLE", "PROBABLE", "GTD"};

int eng_injury_status(const char *status)
{
    for (size_t i = 0; status && i < sizeof(INJ_DROP) / sizeof(INJ_DROP[0]); i++)
        if (strcasecmp(status, INJ_DROP[i]) == 0)
            return ENG_INJURY_DROP;
    for (size_t i = 0; status && i < sizeof(INJ_DOWN) / sizeof(INJ_DOWN[0]); i++)
        if (strcasecmp(status, INJ_DOWN[i]) == 0)
            return ENG_INJURY_DOWNGRADE;
    return ENG_INJURY_NONE;
}
