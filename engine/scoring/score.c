/*
 * score — the scoring pipeline and the esoteric module registry (see score.h). The order of
 * operations is spec/original-scoring.md §7.0; sums run in the original's order so the same
 * candidate gives the same bits as the original's arithmetic.
 */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "almanac.h"
#include "astro.h"
#include "caltime.h"
#include "confluence.h"
#include "context.h"
#include "cycles.h"
#include "daily.h"
#include "fib.h"
#include "final.h"
#include "founders.h"
#include "gann.h"
#include "glitch.h"
#include "hurst.h"
#include "jarvis.h"
#include "linesig.h"
#include "moon.h"
#include "msrf.h"
#include "numerology.h"
#include "phase8.h"
#include "research.h"
#include "rivalry.h"
#include "spacew.h"
#include "sv_util.h"
#include "venue.h"
#include "vortex.h"

/* ---- the module registry ---- */

/* The modules (defined below). */
static eng_mod_fn mod_numerology, mod_astro, mod_fib, mod_vortex, mod_daily_edge, mod_trap,
    mod_glitch_adj, mod_vortex_energy, mod_fib_retracement, mod_biorhythm, mod_gann,
    mod_founders_echo, mod_altitude, mod_phase8_sum, mod_surface, mod_park_factor, mod_chrome,
    mod_void_moon, mod_noosphere, mod_hurst, mod_kp, mod_golden_ratio, mod_prime, mod_symmetry,
    mod_lunar, mod_mercury, mod_rivalry, mod_streak, mod_solar_flare;


static const eng_mod_def_t mods[ENG_MOD__CNT] = {
    [ENG_MOD_NUMEROLOGY] = {"numerology", ENG_MOD_CORE, mod_numerology, 0.40, true,
                            "commence date, player name and birth date, line, matchup",
                            "universal day, name expression, life path, line numerology, master digits"},
    [ENG_MOD_ASTRO] = {"astro", ENG_MOD_CORE, mod_astro, 0.27, true, "commence time",
                       "Vedic planetary hour, nakshatra and retrograde table"},
    [ENG_MOD_FIB] = {"fibonacci", ENG_MOD_CORE, mod_fib, 0.10, true, "line magnitude",
                     "Fibonacci alignment of the line (exact, near, phi ratio)"},
    [ENG_MOD_VORTEX] = {"vortex", ENG_MOD_CORE, mod_vortex, 0.08, true, "line magnitude",
                        "vortex pattern: digit root of the line x10"},
    [ENG_MOD_DAILY_EDGE] = {"daily_edge", ENG_MOD_CORE, mod_daily_edge, 0.15, true, "commence time",
                            "daily energy: date numerology, moon, weekday, void-of-course moon"},
    [ENG_MOD_TRAP] = {"trap_gate", ENG_MOD_BOOST, mod_trap, 1.0, true, "spread, total",
                      "large-spread trap gate (active in Savant, D4)"},
    [ENG_MOD_GLITCH_ADJ] = {"glitch", ENG_MOD_BOOST, mod_glitch_adj, 1.0, true, "the GLITCH signals",
                            "GLITCH protocol: weighted average of its signals, (x10 - 5) x 0.15"},
    [ENG_MOD_VORTEX_ENERGY] = {"vortex_energy", ENG_MOD_BOOST, mod_vortex_energy, 1.0, true, "line",
                               "vortex energy: Tesla 3-6-9 and golden-ratio line patterns"},
    [ENG_MOD_FIB_RETRACEMENT] = {"fib_retracement", ENG_MOD_BOOST, mod_fib_retracement, 1.0, true,
                                 "line, season low and high",
                                 "Fibonacci retracement level of the line in its season range"},
    [ENG_MOD_BIORHYTHM] = {"biorhythm", ENG_MOD_BOOST, mod_biorhythm, 1.0, true, "player birth date, game date",
                           "physical/emotional/intellectual cycles (props)"},
    [ENG_MOD_GANN] = {"gann", ENG_MOD_BOOST, mod_gann, 1.0, true, "spread, total",
                      "Gann square of nine angle of the line"},
    [ENG_MOD_FOUNDERS_ECHO] = {"founders_echo", ENG_MOD_BOOST, mod_founders_echo, 1.0, true,
                               "team nicknames, founding years, game year",
                               "gematria of a team against its founding year"},
    [ENG_MOD_ALTITUDE] = {"altitude", ENG_MOD_BOOST, mod_altitude, 1.0, false, "home venue (NFL, MLB)",
                          "venue altitude (off by default, as the original's STADIUM_ENABLED)"},
    [ENG_MOD_PHASE8_SUM] = {"phase8", ENG_MOD_BOOST, mod_phase8_sum, 1.0, true, "the Phase 8 signals",
                            "Phase 8: sum of its signals, clamped to +-0.5"},
    [ENG_MOD_SURFACE] = {"surface", ENG_MOD_BOOST, mod_surface, 1.0, true, "home venue (NFL, MLB)",
                         "playing surface (turf, grass) against the market"},
    [ENG_MOD_PARK_FACTOR] = {"park_factor", ENG_MOD_BOOST, mod_park_factor, 1.0, true, "home ballpark (MLB)",
                             "MLB park factor"},
    [ENG_MOD_CHROME] = {"chrome", ENG_MOD_GLITCH, mod_chrome, 0.20, true, "player birth date, game date",
                        "chrome resonance: musical interval of birth and game day"},
    [ENG_MOD_VOID_MOON] = {"void_moon", ENG_MOD_GLITCH, mod_void_moon, 0.12, true, "commence time",
                           "void-of-course moon (Meeus lunar longitude)"},
    [ENG_MOD_NOOSPHERE] = {"noosphere", ENG_MOD_GLITCH, mod_noosphere, 0.15, true, "search-trend velocity",
                           "noosphere velocity (when a feed provides it)"},
    [ENG_MOD_HURST] = {"hurst", ENG_MOD_GLITCH, mod_hurst, 0.25, true, "line history (>= 10 points)",
                       "Hurst exponent regime of the line history"},
    [ENG_MOD_KP] = {"kp_index", ENG_MOD_GLITCH, mod_kp, 0.33, true, "Kp index, else the date",
                    "geomagnetic Kp index, or the date-seeded Schumann fallback"},
    [ENG_MOD_GOLDEN_RATIO] = {"golden_ratio", ENG_MOD_GLITCH, mod_golden_ratio, 0.04, true, "line",
                              "line near phi multiples"},
    [ENG_MOD_PRIME] = {"prime_resonance", ENG_MOD_GLITCH, mod_prime, 0.03, true, "line",
                       "prime numbers in the line"},
    [ENG_MOD_SYMMETRY] = {"symmetry", ENG_MOD_GLITCH, mod_symmetry, 0.03, true, "line",
                          "numerical symmetry of the line's digits"},
    [ENG_MOD_LUNAR] = {"lunar_intensity", ENG_MOD_PHASE8, mod_lunar, 1.0, true, "commence time (totals)",
                       "full/new moon against Over/Under"},
    [ENG_MOD_MERCURY] = {"mercury_retrograde", ENG_MOD_PHASE8, mod_mercury, 1.0, true, "game date",
                         "Mercury retrograde and its shadows"},
    [ENG_MOD_RIVALRY] = {"rivalry", ENG_MOD_PHASE8, mod_rivalry, 1.0, true, "team names (totals)",
                         "rivalry table: rivals play under"},
    [ENG_MOD_STREAK] = {"streak", ENG_MOD_PHASE8, mod_streak, 1.0, true, "the picked team's streak",
                        "streak momentum and regression"},
    [ENG_MOD_SOLAR_FLARE] = {"solar_flare", ENG_MOD_PHASE8, mod_solar_flare, 1.0, true, "X-ray flux or Kp",
                             "solar flare class"},
};

const eng_mod_def_t *eng_score_modules(void)
{
    return mods;
}

void eng_score_conf_init(eng_score_conf_t *sc)
{
    memset(sc, 0, sizeof(*sc));
    sc->compat = ENG_COMPAT_SAVANT;
    sc->hybrid_jarvis = false;
    sc->ai_default = 5.0;
    for (int i = 0; i < ENG_MOD__CNT; i++) {
        sc->weight[i] = mods[i].weight;
        sc->enabled[i] = mods[i].enabled;
    }
}

sv_err_t eng_score_conf_modules(eng_score_conf_t *sc, const char *spec, char *errstr,
                                size_t errstr_size)
{
    const char *p = spec;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128], *eq, *num_end;
        int m;

        if (len == 0 || len >= sizeof(item)) {
            snprintf(errstr, errstr_size, "score.modules: entry %s",
                     len ? "too long" : "is empty (two commas?)");
            return SV_ERR_CONFIG;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (!(eq = strchr(item, '='))) {
            snprintf(errstr, errstr_size,
                     "score.modules: '%s' needs name=off, name=on or name=WEIGHT", item);
            return SV_ERR_CONFIG;
        }
        *eq = '\0';
        for (m = 0; m < ENG_MOD__CNT; m++)
            if (strcmp(mods[m].name, item) == 0)
                break;
        if (m == ENG_MOD__CNT) {
            snprintf(errstr, errstr_size,
                     "score.modules: unknown module '%s' (docs/scoring.md lists them)", item);
            return SV_ERR_CONFIG;
        }
        if (strcmp(eq + 1, "off") == 0) {
            sc->enabled[m] = false;
        } else if (strcmp(eq + 1, "on") == 0) {
            sc->enabled[m] = true;
        } else {
            double w = strtod(eq + 1, &num_end);
            if (num_end == eq + 1 || *num_end || !(w >= 0 && w <= 10)) {
                snprintf(errstr, errstr_size,
                         "score.modules: %s: '%s' is not off, on or a weight 0..10", item, eq + 1);
                return SV_ERR_CONFIG;
            }
            sc->weight[m] = w;
            sc->enabled[m] = true;
        }
        p = end ? end + 1 : p + len;
    }
    return SV_OK;
}

sv_err_t eng_score_conf_from_cfg(eng_score_conf_t *sc, const cfg_t *cfg, char *errstr,
                                 size_t errstr_size)
{
    eng_score_conf_init(sc);
    sc->compat = cfg->score_compat == 1 ? ENG_COMPAT_ORIGINAL : ENG_COMPAT_SAVANT;
    sc->hybrid_jarvis = cfg->score_jarvis == 1;
    sc->ai_default = cfg->score_ai_default;
    return eng_score_conf_modules(sc, cfg->score_modules, errstr, errstr_size);
}

/* ---- the pipeline ---- */

/* What the module functions read (struct eng_mod_ctx of score.h). */
typedef struct eng_mod_ctx {
    const eng_score_in_t *in;
    const eng_score_game_t *g;
    const eng_score_line_t *ln;
    eng_why_t *why;
    eng_score_kind_t kind;
    bool prop, over, orig;
    int64_t now_ms;                    /* the scoring's "now" (D1: commence time) */
    double spread, total, prop_line;   /* the §0 inputs */
    eng_glitch_sig_t gs[ENG_GLITCH__CNT]; /* GLITCH signals, filled before the aggregate */
    double gw[ENG_GLITCH__CNT];        /* their weights */
    eng_phase8_in_t p8;                /* Phase 8 signals, filled before the sum */
    double *glitch10;                  /* out: GLITCH ×10 */
} mod_ctx_t;

static bool sport_is(const char *sport, const char *a);
static int64_t eng_cal_days_floor(int64_t ms);

/* Core (weighted) modules: the value before the weight. */
static double mod_numerology(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const eng_score_in_t *in = c->in;
    eng_num_in_t ni = {c->now_ms, c->prop ? in->player : NULL, in->has_birth, in->birth_day,
                       c->prop_line, c->spread, NULL};
    char gs[3 * 256 + 1];

    UNUSED(present);
    UNUSED(triggered);
    snprintf(gs, sizeof(gs), "%s%s%s", in->home, in->away, c->prop ? in->player : "");
    ni.game_str = gs;
    return eng_numerology(&ni, c->why);
}

static double mod_astro(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->why || c->in->has_now ? eng_astro(c->now_ms, NULL, c->why) : c->g->astro;
}

static double mod_fib(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->ln->fib;
}

static double mod_vortex(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->ln->vortex;
}

static double mod_daily_edge(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    if (c->why || c->in->has_now)
        return eng_daily_edge(eng_daily_energy(c->now_ms, c->why));
    return c->g->daily;
}

/* Boosts. */
static double mod_trap(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->orig || c->prop ? 0.0 : c->ln->trap; /* inert in the original (D4) */
}

static double mod_glitch_adj(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return eng_glitch(c->gs, c->gw, c->glitch10, c->why);
}

static double mod_vortex_energy(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->ln->vortex_energy;
}

/* Game picks (not moneylines) with the season's range of the line. */
static double mod_fib_retracement(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const eng_score_in_t *in = c->in;

    UNUSED(present);
    UNUSED(triggered);
    if (c->prop || !in->has_season_range || c->kind == ENG_SCORE_ML)
        return 0.0;
    return eng_fib_retracement(c->kind == ENG_SCORE_SPREAD ? fabs(c->spread) : c->total,
                               in->season_low, in->season_high, c->why);
}

static double mod_biorhythm(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    if (!c->prop || !c->in->has_birth)
        return 0.0;
    return eng_biorhythm(c->in->birth_day, c->g->day, NULL, NULL, NULL, NULL, c->why);
}

static double mod_gann(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->prop ? 0.0 : c->ln->gann;
}

static double mod_founders_echo(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    if (c->prop)
        return 0.0;
    return c->why ? eng_founders_echo(c->in->home, c->in->away, c->g->year, c->why)
                  : c->g->founders;
}

/* Off by default, as the original's STADIUM_ENABLED; applied once (the original's second
 * addition is a bug, docs/scoring.md). */
static double mod_altitude(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    if (c->prop || !(sport_is(c->in->sport, "nfl") || sport_is(c->in->sport, "mlb")))
        return 0.0;
    return eng_altitude(c->in->sport, c->in->home, NULL);
}

static double mod_phase8_sum(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return eng_phase8(&c->p8, c->why);
}

static double mod_surface(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    if (c->prop || !(sport_is(c->in->sport, "nfl") || sport_is(c->in->sport, "mlb")))
        return 0.0;
    return eng_surface(c->in->sport, c->in->home, c->in->market, c->in->side, c->why);
}

/* MLB; pitcher markets (names with "pitcher" or "strikeout") take the pitcher rule. */
static double mod_park_factor(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const char *mkt = c->in->market;

    UNUSED(present);
    UNUSED(triggered);
    if (!sport_is(c->in->sport, "mlb"))
        return 0.0;
    return eng_park_factor(c->in->home, !strstr(mkt, "pitcher") && !strstr(mkt, "strikeout"),
                           c->prop_line, c->why);
}

/* GLITCH signals: the score 0..1; present false leaves the average. */
static double mod_chrome(const mod_ctx_t *c, bool *present, bool *triggered)
{
    if (!c->prop || !c->in->has_birth) {
        *present = false;
        return 0.0;
    }
    return eng_chrome(c->in->birth_day, c->g->day, triggered, c->why);
}

static double mod_void_moon(const mod_ctx_t *c, bool *present, bool *triggered)
{
    bool v = c->g->void_moon;

    UNUSED(present);
    if (c->in->has_now) /* the original: the game's date at the request's time of day */
        v = eng_moon_void(c->g->day * 86400000 +
                              (c->now_ms - eng_cal_days_floor(c->now_ms) * 86400000),
                          NULL);
    *triggered = v;
    if (v)
        eng_why_add(c->why, "void moon: the moon is void of course at game time");
    return v ? 0.3 : 0.7;
}

static double mod_noosphere(const mod_ctx_t *c, bool *present, bool *triggered)
{
    if (!c->in->has_noosphere) {
        *present = false;
        return 0.0;
    }
    *triggered = c->in->noosphere_velocity != 0.0;
    return 0.5 + 0.3 * c->in->noosphere_velocity;
}

/* Present from 10 snapshots; the newest 30 are read (the original's DB query). */
static double mod_hurst(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const eng_score_in_t *in = c->in;
    const char *regime = NULL;
    int n;
    double h;

    if (in->history_n < 10) {
        *present = false;
        return 0.0;
    }
    n = in->history_n > 30 ? 30 : in->history_n;
    h = eng_hurst(in->history + (in->history_n - n), n, &regime);
    *triggered = strcmp(regime, "RANDOM_WALK") != 0;
    eng_why_add(c->why, "hurst: H %.3f over %d points, %s", h, n, regime);
    return eng_hurst_glitch_score(h);
}

/* The Kp index when a reading exists, else the date-seeded Schumann fallback. */
static double mod_kp(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const char *st = c->g->schumann_status;
    double v;

    UNUSED(present);
    if (c->in->has_kp) {
        *triggered = eng_kp_triggered(c->in->kp);
        return eng_kp_score(c->in->kp);
    }
    v = c->why ? eng_schumann(c->g->day, &st, NULL, c->why) : c->g->schumann;
    *triggered = eng_schumann_triggered(st);
    return v;
}

static double mod_golden_ratio(const mod_ctx_t *c, bool *present, bool *triggered)
{
    *present = c->ln->has_p;
    *triggered = c->ln->golden_t;
    return c->ln->golden;
}

static double mod_prime(const mod_ctx_t *c, bool *present, bool *triggered)
{
    *present = c->ln->has_p;
    *triggered = c->ln->prime_t;
    return c->ln->prime;
}

static double mod_symmetry(const mod_ctx_t *c, bool *present, bool *triggered)
{
    *present = c->ln->has_p;
    *triggered = c->ln->symmetry_t;
    return c->ln->symmetry;
}

/* Phase 8 signals: their values, summed (and clamped) by phase8. */
static double mod_lunar(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    if (c->kind != ENG_SCORE_TOTAL)
        return 0.0;
    return eng_lunar_intensity(c->g->moon_phase, true, c->over, triggered, c->why);
}

static double mod_mercury(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    UNUSED(triggered);
    return c->why ? eng_mercury_phase8(c->g->day, c->why) : c->g->mercury;
}

static double mod_rivalry(const mod_ctx_t *c, bool *present, bool *triggered)
{
    const char *pair = NULL;
    double v;

    UNUSED(present);
    if (c->kind != ENG_SCORE_TOTAL || !c->g->rivalry)
        return 0.0;
    v = eng_rivalry_value(c->g->rivalry, c->over);
    *triggered = true;
    if (c->why) {
        eng_rivalry(c->in->sport, c->in->home, c->in->away, &pair);
        eng_why_add(c->why, "rivalry: %s (%s) %s %+.2f", pair ? pair : "",
                    c->g->rivalry == 2 ? "HIGH" : "MEDIUM", c->over ? "Over" : "Under", v);
    }
    return v;
}

static double mod_streak(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    return c->in->streak ? eng_streak_momentum(c->in->streak, true, triggered) : 0.0;
}

static double mod_solar_flare(const mod_ctx_t *c, bool *present, bool *triggered)
{
    UNUSED(present);
    return eng_solar_flare(c->in->has_xray, c->in->xray_flux, c->in->has_kp, c->in->kp,
                           triggered);
}

/* The GLITCH slot of a GLITCH module. */
static int mod_glitch_slot(int m)
{
    switch (m) {
    case ENG_MOD_CHROME: return ENG_GLITCH_CHROME;
    case ENG_MOD_VOID_MOON: return ENG_GLITCH_VOID;
    case ENG_MOD_NOOSPHERE: return ENG_GLITCH_NOOSPHERE;
    case ENG_MOD_HURST: return ENG_GLITCH_HURST;
    case ENG_MOD_KP: return ENG_GLITCH_KP;
    case ENG_MOD_GOLDEN_RATIO: return ENG_GLITCH_GOLDEN;
    case ENG_MOD_PRIME: return ENG_GLITCH_PRIME;
    default: return ENG_GLITCH_SYMMETRY;
    }
}

/* Store a Phase 8 module's weighted value in its field. */
static void mod_phase8_set(eng_phase8_in_t *p8, eng_mod_t m, double v)
{
    switch (m) {
    case ENG_MOD_LUNAR: p8->lunar = v; break;
    case ENG_MOD_MERCURY: p8->mercury = v; break;
    case ENG_MOD_RIVALRY: p8->rivalry = v; break;
    case ENG_MOD_STREAK: p8->streak = v; break;
    default: p8->solar = v; break;
    }
}


eng_score_kind_t eng_score_kind(const char *market)
{
    if (strcmp(market, "spreads") == 0)
        return ENG_SCORE_SPREAD;
    if (strcmp(market, "totals") == 0)
        return ENG_SCORE_TOTAL;
    if (strncmp(market, "player_", 7) == 0)
        return ENG_SCORE_PROP;
    return ENG_SCORE_ML;
}

void eng_score_game_prepare(const eng_score_conf_t *sc, const eng_score_in_t *in,
                            eng_score_game_t *g)
{
    eng_dt_t dt;

    UNUSED(sc);
    memset(g, 0, sizeof(*g));
    eng_cal_from_ms(in->commence_ms, &dt);
    g->commence_ms = in->commence_ms;
    g->day = dt.days;
    g->year = dt.year;
    g->astro = eng_astro(in->commence_ms, &g->astro_overall, NULL);
    g->energy = eng_daily_energy(in->commence_ms, NULL);
    g->daily = eng_daily_edge(g->energy);
    g->void_moon = eng_moon_void(in->commence_ms, &g->void_conf);
    g->schumann = eng_schumann(dt.days, &g->schumann_status, NULL, NULL);
    g->mercury = eng_mercury_phase8(dt.days, NULL);
    g->moon_phase = eng_moon_phase(in->commence_ms);
    g->founders = eng_founders_echo(in->home, in->away, dt.year, NULL);
    g->rivalry = eng_rivalry(in->sport, in->home, in->away, NULL);
    eng_jarvis_prepare(in->home, in->away, NULL, &g->jarvis);
}

/* §0: what the original passes into the scorer per candidate type. */
static void cand_lines(const eng_score_in_t *in, eng_score_kind_t kind, double *spread,
                       double *total, double *prop_line)
{
    double point = in->has_point ? in->point : 0.0;

    switch (kind) {
    case ENG_SCORE_SPREAD: *spread = point; *total = 220.0; *prop_line = point; break;
    case ENG_SCORE_TOTAL: *spread = 0.0; *total = point; *prop_line = point; break;
    case ENG_SCORE_PROP:
        *spread = in->has_home_spread ? in->home_spread : 0.0;
        *total = in->has_total ? in->total : 220.0;
        *prop_line = point;
        break;
    default: *spread = 0.0; *total = 220.0; *prop_line = 0.0; break;
    }
}

/* The line part, reasons optional (with reasons when explaining). */
static void line_compute(const eng_score_in_t *in, eng_score_line_t *ln, eng_why_t *why)
{
    eng_score_kind_t kind = eng_score_kind(in->market);
    bool prop = kind == ENG_SCORE_PROP;
    double spread, total, prop_line, mag, p;
    const char *lvl = NULL;

    memset(ln, 0, sizeof(*ln));
    cand_lines(in, kind, &spread, &total, &prop_line);
    ln->valid = true;
    ln->kind = kind;
    ln->point = in->has_point ? in->point : 0.0;
    ln->spread = spread;
    ln->total = total;
    ln->prop_line = prop_line;
    mag = eng_magnitude(prop, prop_line, spread, total);
    ln->fib = eng_fib_align(mag, NULL, why);
    ln->vortex = eng_vortex_pattern(mag, why);
    ln->trap = prop ? 0.0 : eng_jarvis_trap(spread, total, &lvl, why);
    ln->vortex_energy = eng_vortex_energy(prop_line, total, spread, NULL, NULL, why);
    ln->gann = !prop && spread != 0.0 && total != 0.0 ? eng_gann(spread, total, NULL, why) : 0.0;
    p = prop_line != 0.0 ? prop_line : spread;
    if (p != 0.0) {
        ln->has_p = true;
        ln->golden = eng_golden_ratio(p, &ln->golden_t);
        ln->prime = eng_prime_resonance(p, &ln->prime_t);
        ln->symmetry = eng_symmetry(p, &ln->symmetry_t);
    }
    if (prop) {
        ln->has_jarvis_prop = true;
        eng_jarvis_prepare(in->home, in->away, in->player, &ln->jarvis);
    }
}

void eng_score_line_prepare(const eng_score_in_t *in, eng_score_line_t *ln)
{
    line_compute(in, ln, NULL);
}

bool eng_score_line_matches(const eng_score_line_t *ln, const eng_score_in_t *in)
{
    eng_score_kind_t kind = eng_score_kind(in->market);
    double spread, total, prop_line;

    cand_lines(in, kind, &spread, &total, &prop_line);
    return ln->valid && ln->kind == kind && ln->point == (in->has_point ? in->point : 0.0) &&
           ln->spread == spread && ln->total == total;
}

/* Record one named contribution in the result. */
static void part(eng_score_t *out, const char *name, double value)
{
    if (out->n_parts < ENG_SCORE_MODS_OUT) {
        out->parts[out->n_parts].name = name;
        out->parts[out->n_parts].value = value;
        out->n_parts++;
    }
}

/* The day number of a time in ms (floor). */
static int64_t eng_cal_days_floor(int64_t ms)
{
    int64_t d = ms / 86400000;
    return ms % 86400000 < 0 ? d - 1 : d;
}

static bool sport_is(const char *sport, const char *a)
{
    return strcmp(sport, a) == 0;
}

void eng_score_run(const eng_score_conf_t *sc, const eng_score_game_t *g,
                   const eng_score_line_t *ln, const eng_score_in_t *in, eng_score_t *out,
                   eng_why_t *why)
{
    const bool orig = sc->compat == ENG_COMPAT_ORIGINAL;
    const bool *on = sc->enabled;
    const double *w = sc->weight;
    eng_score_kind_t kind = eng_score_kind(in->market);
    bool prop = kind == ENG_SCORE_PROP, game_pick = !prop;
    bool pick_home = strcmp(in->side, in->home) == 0;
    bool pick_away = strcmp(in->side, in->away) == 0;
    bool over = strcmp(in->side, "Over") == 0;
    double point = in->has_point ? in->point : 0.0;
    double spread, total, prop_line;
    const eng_jarvis_prep_t *jp = &g->jarvis;
    eng_jarvis_out_t jo;
    eng_score_line_t ln_local;

    const int64_t now_ms = in->has_now ? in->now_ms : in->commence_ms;

    memset(out, 0, sizeof(*out));
    out->kind = kind;

    /* §0 inputs and the per-line part (computed here when not cached; recomputed when
     * explaining, so its reasons appear in order) */
    if (!ln || why) {
        line_compute(in, &ln_local, why);
        ln = &ln_local;
    }
    spread = ln->spread;
    total = ln->total;
    prop_line = ln->prop_line;

    /* 2. AI (the model lands with issue 6; until then the candidate's own or the default) */
    out->ai = in->has_ai ? in->ai : sc->ai_default;
    if (!in->has_ai)
        eng_why_add(why, "ai: no model score for this candidate, default %.2f", out->ai);

    /* 3. research */
    eng_research_in_t ri;
    eng_research_out_t ro;
    memset(&ri, 0, sizeof(ri));
    ri.has_splits = in->has_splits;
    ri.ticket_pct = in->ticket_pct;
    ri.money_pct = in->money_pct;
    ri.pick = kind == ENG_SCORE_TOTAL ? (over ? ENG_PICK_OVER : ENG_PICK_UNDER)
              : prop                  ? ENG_PICK_NONE
              : pick_home             ? ENG_PICK_HOME
              : pick_away             ? ENG_PICK_AWAY
                                      : ENG_PICK_NONE;
    ri.has_lv = in->has_lv;
    ri.line_variance = in->line_variance;
    ri.books = in->books;
    ri.has_espn = in->has_espn && in->has_home_spread;
    ri.espn_spread_diff = ri.has_espn ? fabs(in->home_spread - in->espn_spread) : NAN;
    ri.espn_total_diff = in->has_espn && in->has_total ? fabs(in->total - in->espn_total) : NAN;
    if (in->has_espn && !ri.has_espn && in->has_total)
        ri.has_espn = true;
    ri.has_season_avg = prop && in->has_season_avg && sport_is(in->sport, "nba");
    ri.prop_line = prop_line;
    ri.season_avg = in->season_avg;
    ri.has_weather = in->has_weather;
    ri.temp_f = in->temp_f;
    ri.wind_mph = in->wind_mph;
    ri.precip_in = in->precip_in;
    ri.humidity = in->humidity;
    ri.weather_sport = game_pick && (sport_is(in->sport, "nfl") || sport_is(in->sport, "mlb") ||
                                     sport_is(in->sport, "ncaaf"));
    ri.has_officials = in->has_officials && (sport_is(in->sport, "nba") ||
                                             sport_is(in->sport, "nfl") ||
                                             sport_is(in->sport, "nhl"));
    ri.officials_db = true;
    ri.officials_over_pct = in->officials_over_pct;
    ri.officials_home_bias = in->officials_home_bias;
    ri.original = orig;
    out->research = eng_research(&ri, &ro, why);
    double research_gates = ro.research_gates;

    /* 4. Jarvis */
    if (prop)
        jp = &ln->jarvis;
    out->jarvis = eng_jarvis_finish(jp, spread, &jo, why);
    out->has_jarvis = jo.has_rs;
    out->immortal = jo.immortal;
    out->jarvis_hits = jo.hits;
    if (sc->hybrid_jarvis && jo.has_rs) {
        double msrf_h;
        out->jarvis = eng_jarvis_hybrid(out->jarvis, g->day, in->home, in->away, &msrf_h, why);
    }

    /* 5. esoteric: the registry's signals (GLITCH, Phase 8) first, then the weighted core and
     * the boosts in table order, which is the original's order of additions */
    mod_ctx_t mc;
    memset(&mc, 0, sizeof(mc));
    mc.in = in;
    mc.g = g;
    mc.ln = ln;
    mc.why = why;
    mc.kind = kind;
    mc.prop = prop;
    mc.over = over;
    mc.orig = orig;
    mc.now_ms = now_ms;
    mc.spread = spread;
    mc.total = total;
    mc.prop_line = prop_line;
    mc.glitch10 = &out->glitch10;
    const eng_mod_def_t *md = eng_score_modules();
    double vals[ENG_MOD__CNT], e = 0.0, park = 0.0;
    bool pres[ENG_MOD__CNT];
    for (int m = 0; m < ENG_MOD__CNT; m++) {
        bool present = true, trig = false;
        vals[m] = 0.0;
        pres[m] = false;
        if (!on[m] || (md[m].group != ENG_MOD_GLITCH && md[m].group != ENG_MOD_PHASE8))
            continue;
        double v = md[m].fn(&mc, &present, &trig);
        if (md[m].group == ENG_MOD_GLITCH) {
            int slot = mod_glitch_slot(m);
            if (present)
                mc.gs[slot] = (eng_glitch_sig_t){true, v, trig};
            mc.gw[slot] = w[m];
            vals[m] = v;
            pres[m] = present;
        } else {
            vals[m] = v * w[m];
            pres[m] = true;
            mod_phase8_set(&mc.p8, (eng_mod_t)m, vals[m]);
        }
    }
    for (int m = 0; m < ENG_MOD__CNT; m++) {
        bool present = true, trig = false;
        if (md[m].group == ENG_MOD_GLITCH || md[m].group == ENG_MOD_PHASE8)
            continue;
        pres[m] = true;
        if (!on[m])
            continue;
        vals[m] = md[m].fn(&mc, &present, &trig) * w[m];
        if (m == ENG_MOD_PARK_FACTOR && orig) /* D5: the original adds it after BASE */
            park = vals[m];
        else
            e += vals[m];
    }
    for (int m = 0; m < ENG_MOD__CNT; m++)
        if (pres[m])
            part(out, md[m].name, vals[m]);
    out->esoteric = e < 0.0 ? 0.0 : e > 10.0 ? 10.0 : e;
    double esoteric_gates = orig ? out->esoteric + park : out->esoteric;

    /* research pillars, for the explanation */
    part(out, "research.sharp", ro.sharp);
    part(out, "research.line_variance", ro.line);
    part(out, "research.public_fade", ro.public_fade);
    part(out, "research.splits_base", ro.base);
    part(out, "research.espn", ro.espn);
    part(out, "research.liquidity", ro.liquidity);
    part(out, "research.line_difficulty", ro.line_difficulty);
    part(out, "research.weather", ro.weather);
    part(out, "research.officials", ro.officials);

    /* 6. confluence, MSRF */
    eng_confluence_t cf;
    eng_confluence(out->research, out->esoteric, jo.immortal, jo.any_trigger, jo.has_rs,
                   in->has_splits &&
                       strcmp(eng_sharp_strength(fabs(in->money_pct - in->ticket_pct)), "NONE") != 0,
                   0.0, &cf, why);
    out->confluence = cf.level;
    out->alignment = cf.alignment;
    out->confluence_boost = cf.boost;
    out->msrf = in->sig_n ? eng_msrf_boost(in->sig_days, in->sig_n, g->day, NULL, why) : 0.0;

    /* 7. context, BASE */
    double def = eng_context_def(in->sport, in->has_def_rank ? in->def_rank : 15);
    double pace = eng_context_pace(in->has_pace ? in->pace : eng_context_league_pace(in->sport));
    double vac = eng_context_vacuum(in->vacuum);
    out->context_mod = eng_context_modifier(def, pace, vac, 0.0, &out->context_score);
    out->base = eng_base(out->ai, out->research, out->esoteric, out->has_jarvis, out->jarvis);

    /* 8. Jason Sim, totals calibration */
    int mkt = kind == ENG_SCORE_SPREAD ? ENG_MKT_SPREAD
              : kind == ENG_SCORE_TOTAL ? ENG_MKT_TOTAL
              : kind == ENG_SCORE_PROP  ? ENG_MKT_PROP
                                        : ENG_MKT_ML;
    bool blocked = false;
    out->jason = eng_jason_sim(mkt, pick_home, kind == ENG_SCORE_SPREAD ? point : 0.0, out->base,
                               orig, NULL, &blocked, why);
    out->totals_cal = kind == ENG_SCORE_TOTAL ? eng_totals_calibration(in->sport) : 0.0;

    /* 10. hook, final, Kp multiplier */
    out->hook = kind == ENG_SCORE_SPREAD ? eng_hook(in->sport, point, why) : 0.0;
    out->kp_mult = eng_kp_multiplier(in->has_kp ? in->kp : 3.0);
    out->weather = in->has_weather && game_pick && (sport_is(in->sport, "nfl") ||
                                                    sport_is(in->sport, "mlb") ||
                                                    sport_is(in->sport, "ncaaf"))
                       ? eng_weather_final(in->temp_f, in->wind_mph, in->precip_in)
                       : 0.0;
    eng_final_in_t fi;
    memset(&fi, 0, sizeof(fi));
    fi.base = out->base;
    fi.context_mod = out->context_mod;
    fi.confluence = out->confluence_boost;
    fi.msrf = out->msrf;
    fi.jason = out->jason;
    fi.totals_cal = out->totals_cal;
    fi.hook = out->hook;
    fi.kp_mult = out->kp_mult;
    fi.weather = out->weather;
    fi.original = orig;
    out->final = eng_final(&fi, &out->total_boosts, why);

    /* 11. Titanium, band, gates */
    out->titanium = eng_titanium(out->final, out->ai, research_gates, esoteric_gates,
                                 out->has_jarvis, out->jarvis);
    out->tier = eng_tier(out->final, out->base, out->confluence, out->ai, research_gates,
                         esoteric_gates, out->has_jarvis, out->jarvis, out->titanium, why);
    if (prop && in->injury && *in->injury) {
        int inj = eng_injury_status(in->injury);
        if (inj == ENG_INJURY_DROP) {
            out->tier = "DROPPED";
            eng_why_add(why, "injury: %s is %s, candidate dropped", in->player, in->injury);
        } else if (inj == ENG_INJURY_DOWNGRADE) {
            out->tier = eng_tier_down(out->tier);
            eng_why_add(why, "injury: %s is %s, tier down to %s", in->player, in->injury,
                        out->tier);
        }
    }
    /* 12. the original adds weather after tiering (D5) */
    out->final = eng_final_post_tier(out->final, out->weather, orig);
    out->units = strcmp(out->tier, "DROPPED") == 0 ? 0.0 : eng_tier_units(out->tier);
}
