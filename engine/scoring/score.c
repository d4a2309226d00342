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

static const eng_mod_def_t mods[ENG_MOD__CNT] = {
    [ENG_MOD_NUMEROLOGY] = {"numerology", ENG_MOD_CORE, 0.40, true,
                            "commence date, player name and birth date, line, matchup",
                            "universal day, name expression, life path, line numerology, master digits"},
    [ENG_MOD_ASTRO] = {"astro", ENG_MOD_CORE, 0.27, true, "commence time",
                       "Vedic planetary hour, nakshatra and retrograde table"},
    [ENG_MOD_FIB] = {"fibonacci", ENG_MOD_CORE, 0.10, true, "line magnitude",
                     "Fibonacci alignment of the line (exact, near, phi ratio)"},
    [ENG_MOD_VORTEX] = {"vortex", ENG_MOD_CORE, 0.08, true, "line magnitude",
                        "vortex pattern: digit root of the line x10"},
    [ENG_MOD_DAILY_EDGE] = {"daily_edge", ENG_MOD_CORE, 0.15, true, "commence time",
                            "daily energy: date numerology, moon, weekday, void-of-course moon"},
    [ENG_MOD_TRAP] = {"trap_gate", ENG_MOD_BOOST, 1.0, true, "spread, total",
                      "large-spread trap gate (active in Savant, D4)"},
    [ENG_MOD_GLITCH_ADJ] = {"glitch", ENG_MOD_BOOST, 1.0, true, "the GLITCH signals",
                            "GLITCH protocol: weighted average of its signals, (x10 - 5) x 0.15"},
    [ENG_MOD_VORTEX_ENERGY] = {"vortex_energy", ENG_MOD_BOOST, 1.0, true, "line",
                               "vortex energy: Tesla 3-6-9 and golden-ratio line patterns"},
    [ENG_MOD_FIB_RETRACEMENT] = {"fib_retracement", ENG_MOD_BOOST, 1.0, true,
                                 "line, season low and high",
                                 "Fibonacci retracement level of the line in its season range"},
    [ENG_MOD_BIORHYTHM] = {"biorhythm", ENG_MOD_BOOST, 1.0, true, "player birth date, game date",
                           "physical/emotional/intellectual cycles (props)"},
    [ENG_MOD_GANN] = {"gann", ENG_MOD_BOOST, 1.0, true, "spread, total",
                      "Gann square of nine angle of the line"},
    [ENG_MOD_FOUNDERS_ECHO] = {"founders_echo", ENG_MOD_BOOST, 1.0, true,
                               "team nicknames, founding years, game year",
                               "gematria of a team against its founding year"},
    [ENG_MOD_ALTITUDE] = {"altitude", ENG_MOD_BOOST, 1.0, false, "home venue (NFL, MLB)",
                          "venue altitude (off by default, as the original's STADIUM_ENABLED)"},
    [ENG_MOD_PHASE8_SUM] = {"phase8", ENG_MOD_BOOST, 1.0, true, "the Phase 8 signals",
                            "Phase 8: sum of its signals, clamped to +-0.5"},
    [ENG_MOD_SURFACE] = {"surface", ENG_MOD_BOOST, 1.0, true, "home venue (NFL, MLB)",
                         "playing surface (turf, grass) against the market"},
    [ENG_MOD_PARK_FACTOR] = {"park_factor", ENG_MOD_BOOST, 1.0, true, "home ballpark (MLB)",
                             "MLB park factor"},
    [ENG_MOD_CHROME] = {"chrome", ENG_MOD_GLITCH, 0.20, true, "player birth date, game date",
                        "chrome resonance: musical interval of birth and game day"},
    [ENG_MOD_VOID_MOON] = {"void_moon", ENG_MOD_GLITCH, 0.12, true, "commence time",
                           "void-of-course moon (Meeus lunar longitude)"},
    [ENG_MOD_NOOSPHERE] = {"noosphere", ENG_MOD_GLITCH, 0.15, true, "search-trend velocity",
                           "noosphere velocity (when a feed provides it)"},
    [ENG_MOD_HURST] = {"hurst", ENG_MOD_GLITCH, 0.25, true, "line history (>= 10 points)",
                       "Hurst exponent regime of the line history"},
    [ENG_MOD_KP] = {"kp_index", ENG_MOD_GLITCH, 0.33, true, "Kp index, else the date",
                    "geomagnetic Kp index, or the date-seeded Schumann fallback"},
    [ENG_MOD_GOLDEN_RATIO] = {"golden_ratio", ENG_MOD_GLITCH, 0.04, true, "line",
                              "line near phi multiples"},
    [ENG_MOD_PRIME] = {"prime_resonance", ENG_MOD_GLITCH, 0.03, true, "line",
                       "prime numbers in the line"},
    [ENG_MOD_SYMMETRY] = {"symmetry", ENG_MOD_GLITCH, 0.03, true, "line",
                          "numerical symmetry of the line's digits"},
    [ENG_MOD_LUNAR] = {"lunar_intensity", ENG_MOD_PHASE8, 1.0, true, "commence time (totals)",
                       "full/new moon against Over/Under"},
    [ENG_MOD_MERCURY] = {"mercury_retrograde", ENG_MOD_PHASE8, 1.0, true, "game date",
                         "Mercury retrograde and its shadows"},
    [ENG_MOD_RIVALRY] = {"rivalry", ENG_MOD_PHASE8, 1.0, true, "team names (totals)",
                         "rivalry table: rivals play under"},
    [ENG_MOD_STREAK] = {"streak", ENG_MOD_PHASE8, 1.0, true, "the picked team's streak",
                        "streak momentum and regression"},
    [ENG_MOD_SOLAR_FLARE] = {"solar_flare", ENG_MOD_PHASE8, 1.0, true, "X-ray flux or Kp",
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

    /* 5. esoteric: the weighted core, then the boosts in the original's order */
    double e = 0.0, v;
    double numer = 0.0, astro = 0.0, fib = 0.0, vortex = 0.0, daily = 0.0;
    if (on[ENG_MOD_NUMEROLOGY]) {
        eng_num_in_t ni = {now_ms, prop ? in->player : NULL, in->has_birth,
                           in->birth_day, prop_line, spread, NULL};
        char gs[3 * 256 + 1];
        snprintf(gs, sizeof(gs), "%s%s%s", in->home, in->away, prop ? in->player : "");
        ni.game_str = gs;
        numer = eng_numerology(&ni, why) * w[ENG_MOD_NUMEROLOGY];
    }
    if (on[ENG_MOD_ASTRO])
        astro = (why || in->has_now ? eng_astro(now_ms, NULL, why) : g->astro) * w[ENG_MOD_ASTRO];
    if (on[ENG_MOD_FIB])
        fib = ln->fib * w[ENG_MOD_FIB];
    if (on[ENG_MOD_VORTEX])
        vortex = ln->vortex * w[ENG_MOD_VORTEX];
    if (on[ENG_MOD_DAILY_EDGE]) {
        double d = g->daily;
        if (why || in->has_now)
            d = eng_daily_edge(eng_daily_energy(now_ms, why));
        daily = d * w[ENG_MOD_DAILY_EDGE];
    }
    e = numer + astro + fib + vortex + daily;
    part(out, "numerology", numer);
    part(out, "astro", astro);
    part(out, "fibonacci", fib);
    part(out, "vortex", vortex);
    part(out, "daily_edge", daily);

    /* trap gate: inert in the original (D4) */
    v = 0.0;
    if (!orig && on[ENG_MOD_TRAP] && game_pick)
        v = ln->trap * w[ENG_MOD_TRAP];
    e += v;
    part(out, "trap_gate", v);

    /* GLITCH */
    eng_glitch_sig_t gs[ENG_GLITCH__CNT];
    double gw[ENG_GLITCH__CNT];
    static const eng_mod_t gmod[ENG_GLITCH__CNT] = {
        [ENG_GLITCH_CHROME] = ENG_MOD_CHROME,       [ENG_GLITCH_VOID] = ENG_MOD_VOID_MOON,
        [ENG_GLITCH_NOOSPHERE] = ENG_MOD_NOOSPHERE, [ENG_GLITCH_HURST] = ENG_MOD_HURST,
        [ENG_GLITCH_KP] = ENG_MOD_KP,               [ENG_GLITCH_GOLDEN] = ENG_MOD_GOLDEN_RATIO,
        [ENG_GLITCH_PRIME] = ENG_MOD_PRIME,         [ENG_GLITCH_SYMMETRY] = ENG_MOD_SYMMETRY,
    };
    memset(gs, 0, sizeof(gs));
    if (prop && in->has_birth) {
        gs[ENG_GLITCH_CHROME].present = true;
        gs[ENG_GLITCH_CHROME].score =
            eng_chrome(in->birth_day, g->day, &gs[ENG_GLITCH_CHROME].triggered, why);
    }
    gs[ENG_GLITCH_VOID].present = true;
    bool voidm = g->void_moon;
    if (in->has_now) /* the original: the game's date at the request's time of day */
        voidm = eng_moon_void(g->day * 86400000 + (now_ms - eng_cal_days_floor(now_ms) * 86400000),
                              NULL);
    gs[ENG_GLITCH_VOID].score = voidm ? 0.3 : 0.7;
    gs[ENG_GLITCH_VOID].triggered = voidm;
    if (voidm)
        eng_why_add(why, "void moon: the moon is void of course at game time");
    if (in->has_noosphere) {
        gs[ENG_GLITCH_NOOSPHERE].present = true;
        gs[ENG_GLITCH_NOOSPHERE].score = 0.5 + 0.3 * in->noosphere_velocity;
        gs[ENG_GLITCH_NOOSPHERE].triggered = in->noosphere_velocity != 0.0;
    }
    if (in->history_n >= 10) {
        const char *regime = NULL;
        int n = in->history_n > 30 ? 30 : in->history_n;
        double h = eng_hurst(in->history + (in->history_n - n), n, &regime);
        gs[ENG_GLITCH_HURST].present = true;
        gs[ENG_GLITCH_HURST].score = eng_hurst_glitch_score(h);
        gs[ENG_GLITCH_HURST].triggered = strcmp(regime, "RANDOM_WALK") != 0;
        eng_why_add(why, "hurst: H %.3f over %d points, %s", h, n, regime);
    }
    gs[ENG_GLITCH_KP].present = true;
    if (in->has_kp) {
        gs[ENG_GLITCH_KP].score = eng_kp_score(in->kp);
        gs[ENG_GLITCH_KP].triggered = eng_kp_triggered(in->kp);
    } else {
        const char *st = g->schumann_status;
        gs[ENG_GLITCH_KP].score = why ? eng_schumann(g->day, &st, NULL, why) : g->schumann;
        gs[ENG_GLITCH_KP].triggered = eng_schumann_triggered(st);
    }
    if (ln->has_p) {
        gs[ENG_GLITCH_GOLDEN] = (eng_glitch_sig_t){true, ln->golden, ln->golden_t};
        gs[ENG_GLITCH_PRIME] = (eng_glitch_sig_t){true, ln->prime, ln->prime_t};
        gs[ENG_GLITCH_SYMMETRY] = (eng_glitch_sig_t){true, ln->symmetry, ln->symmetry_t};
    }
    for (int i = 0; i < ENG_GLITCH__CNT; i++) {
        gw[i] = w[gmod[i]];
        if (!on[gmod[i]])
            gs[i].present = false;
        if (gs[i].present)
            part(out, eng_score_modules()[gmod[i]].name, gs[i].score);
    }
    v = on[ENG_MOD_GLITCH_ADJ] ? eng_glitch(gs, gw, &out->glitch10, why) * w[ENG_MOD_GLITCH_ADJ]
                               : 0.0;
    e += v;
    part(out, "glitch", v);

    /* vortex energy */
    v = 0.0;
    if (on[ENG_MOD_VORTEX_ENERGY])
        v = ln->vortex_energy * w[ENG_MOD_VORTEX_ENERGY];
    e += v;
    part(out, "vortex_energy", v);

    /* Fibonacci retracement: game picks with the season's range of the line */
    v = 0.0;
    if (on[ENG_MOD_FIB_RETRACEMENT] && game_pick && in->has_season_range &&
        kind != ENG_SCORE_ML)
        v = eng_fib_retracement(kind == ENG_SCORE_SPREAD ? fabs(spread) : total, in->season_low,
                                in->season_high, why) *
            w[ENG_MOD_FIB_RETRACEMENT];
    e += v;
    part(out, "fib_retracement", v);

    /* biorhythm: props with a birth date */
    v = 0.0;
    if (on[ENG_MOD_BIORHYTHM] && prop && in->has_birth)
        v = eng_biorhythm(in->birth_day, g->day, NULL, NULL, NULL, NULL, why) *
            w[ENG_MOD_BIORHYTHM];
    e += v;
    part(out, "biorhythm", v);

    /* Gann: game picks with spread and total */
    v = 0.0;
    if (on[ENG_MOD_GANN] && game_pick)
        v = ln->gann * w[ENG_MOD_GANN];
    e += v;
    part(out, "gann", v);

    /* Founder's Echo: game picks */
    v = 0.0;
    if (on[ENG_MOD_FOUNDERS_ECHO] && game_pick) {
        v = (why ? eng_founders_echo(in->home, in->away, g->year, why) : g->founders) *
            w[ENG_MOD_FOUNDERS_ECHO];
    }
    e += v;
    part(out, "founders_echo", v);

    /* altitude (off by default, as the original's STADIUM_ENABLED; applied once: the original's
     * second addition is a bug, docs/scoring.md) */
    v = 0.0;
    if (on[ENG_MOD_ALTITUDE] && game_pick &&
        (sport_is(in->sport, "nfl") || sport_is(in->sport, "mlb")))
        v = eng_altitude(in->sport, in->home, NULL) * w[ENG_MOD_ALTITUDE];
    e += v;
    part(out, "altitude", v);

    /* Phase 8 */
    eng_phase8_in_t p8 = {0, 0, 0, 0, 0};
    bool trig;
    if (on[ENG_MOD_LUNAR] && kind == ENG_SCORE_TOTAL)
        p8.lunar = eng_lunar_intensity(g->moon_phase, true, over, &trig, why) * w[ENG_MOD_LUNAR];
    if (on[ENG_MOD_MERCURY])
        p8.mercury = (why ? eng_mercury_phase8(g->day, why) : g->mercury) * w[ENG_MOD_MERCURY];
    if (on[ENG_MOD_RIVALRY] && kind == ENG_SCORE_TOTAL && g->rivalry) {
        p8.rivalry = eng_rivalry_value(g->rivalry, over) * w[ENG_MOD_RIVALRY];
        if (why) {
            const char *pair = NULL;
            eng_rivalry(in->sport, in->home, in->away, &pair);
            eng_why_add(why, "rivalry: %s (%s) %s %+.2f", pair ? pair : "",
                        g->rivalry == 2 ? "HIGH" : "MEDIUM", over ? "Over" : "Under",
                        p8.rivalry);
        }
    }
    if (on[ENG_MOD_STREAK] && in->streak != 0)
        p8.streak = eng_streak_momentum(in->streak, true, &trig) * w[ENG_MOD_STREAK];
    if (on[ENG_MOD_SOLAR_FLARE])
        p8.solar = eng_solar_flare(in->has_xray, in->xray_flux, in->has_kp, in->kp, &trig) *
                   w[ENG_MOD_SOLAR_FLARE];
    part(out, "lunar_intensity", p8.lunar);
    part(out, "mercury_retrograde", p8.mercury);
    part(out, "rivalry", p8.rivalry);
    part(out, "streak", p8.streak);
    part(out, "solar_flare", p8.solar);
    v = on[ENG_MOD_PHASE8_SUM] ? eng_phase8(&p8, why) * w[ENG_MOD_PHASE8_SUM] : 0.0;
    e += v;
    part(out, "phase8", v);

    /* surface: NFL/MLB game picks */
    v = 0.0;
    if (on[ENG_MOD_SURFACE] && game_pick &&
        (sport_is(in->sport, "nfl") || sport_is(in->sport, "mlb")))
        v = eng_surface(in->sport, in->home, in->market, in->side, why) * w[ENG_MOD_SURFACE];
    e += v;
    part(out, "surface", v);

    /* MLB park factor: before BASE in Savant (D5), after BASE in the original */
    double park = 0.0;
    if (on[ENG_MOD_PARK_FACTOR] && sport_is(in->sport, "mlb"))
        park = eng_park_factor(in->home, strstr(in->market, "pitcher") == NULL &&
                                             strstr(in->market, "strikeout") == NULL,
                               prop_line, why) *
               w[ENG_MOD_PARK_FACTOR];
    part(out, "park_factor", park);
    if (!orig)
        e += park;
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
