/*
 * score — the JARVIS Savant scoring pipeline: one candidate (event, market, side, player, point)
 * and its context in, every engine score, module contribution, the final score, tier and reasons
 * out (spec/original-scoring.md §7.0 order, with DESIGN.md §8 D1–D8). The engine and
 * savant-score both call it, so the explain tool and the engine give the same numbers.
 *
 * Work is split by what it depends on, so the engine can cache: eng_score_game_prepare() holds
 * everything that depends only on the game (sport, team names, commence time: astro, daily
 * energy, void moon, Schumann, Mercury, moon phase, Founder's Echo, rivalry, the matchup's
 * Jarvis) and is redone only when those change; eng_score_run() does the rest per candidate and
 * allocates nothing.
 *
 * The esoteric modules are rows of a registry table (name, group, default weight, doc); the
 * configuration can switch any of them off or re-weight it (`score.modules`).
 *
 * All functions are pure given their arguments (no clock: every "now" of the original is the
 * game's commence time, D1) and callable from any thread on distinct outputs.
 */
#ifndef SV_ENG_SCORE_H
#define SV_ENG_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "jarvis.h"
#include "sv_err.h"
#include "why.h"

/* Candidate types of the original (§0). */
typedef enum eng_score_kind {
    ENG_SCORE_SPREAD,    /* market spreads */
    ENG_SCORE_ML,        /* market h2h (moneyline, 1X2) */
    ENG_SCORE_TOTAL,     /* market totals */
    ENG_SCORE_PROP,      /* player_* markets */
} eng_score_kind_t;

/* Groups of the module registry. */
typedef enum eng_mod_group {
    ENG_MOD_CORE,   /* weighted core component: value × weight is added to the esoteric score */
    ENG_MOD_BOOST,  /* additive esoteric boost: value × weight (default 1) */
    ENG_MOD_GLITCH, /* GLITCH signal: weight is its weight in the GLITCH weighted average */
    ENG_MOD_PHASE8, /* Phase 8 signal: value × weight enters the Phase 8 sum (clamped ±0.5) */
} eng_mod_group_t;

/* The registry's modules, in the order they are added (the order of §3.1). */
typedef enum eng_mod {
    ENG_MOD_NUMEROLOGY,
    ENG_MOD_ASTRO,
    ENG_MOD_FIB,
    ENG_MOD_VORTEX,
    ENG_MOD_DAILY_EDGE,
    ENG_MOD_TRAP,
    ENG_MOD_GLITCH_ADJ,
    ENG_MOD_VORTEX_ENERGY,
    ENG_MOD_FIB_RETRACEMENT,
    ENG_MOD_BIORHYTHM,
    ENG_MOD_GANN,
    ENG_MOD_FOUNDERS_ECHO,
    ENG_MOD_ALTITUDE,
    ENG_MOD_PHASE8_SUM,
    ENG_MOD_SURFACE,
    ENG_MOD_PARK_FACTOR,
    ENG_MOD_CHROME,
    ENG_MOD_VOID_MOON,
    ENG_MOD_NOOSPHERE,
    ENG_MOD_HURST,
    ENG_MOD_KP,
    ENG_MOD_GOLDEN_RATIO,
    ENG_MOD_PRIME,
    ENG_MOD_SYMMETRY,
    ENG_MOD_LUNAR,
    ENG_MOD_MERCURY,
    ENG_MOD_RIVALRY,
    ENG_MOD_STREAK,
    ENG_MOD_SOLAR_FLARE,
    ENG_MOD__CNT,
} eng_mod_t;

struct eng_mod_ctx; /* what a module reads: the candidate, its cached parts, the reasons */

/**
 * A module's function: its value before the weight (0 when it does not apply). present is set
 * to false when the module does not apply to the candidate (a GLITCH signal then leaves the
 * average); triggered when it fired (GLITCH signals, reported in reasons).
 */
typedef double eng_mod_fn(const struct eng_mod_ctx *ctx, bool *present, bool *triggered);

/* One row of the registry. */
typedef struct eng_mod_def {
    const char *name;     /* config and output name, e.g. "numerology" */
    eng_mod_group_t group;
    eng_mod_fn *fn;       /* computes it */
    double weight;        /* default weight */
    bool enabled;         /* on by default */
    const char *inputs;   /* what it reads, for docs and --help */
    const char *doc;      /* one line: what it computes */
} eng_mod_def_t;

/** @brief The registry: ENG_MOD__CNT rows in eng_mod_t order. @locality any thread */
const eng_mod_def_t *eng_score_modules(void);

/* Behaviour switches. */
typedef enum eng_compat {
    ENG_COMPAT_SAVANT,   /* DESIGN.md §8: side-aware research (D2), Jason of the picked side (D3),
                          * trap gate active (D4), weather/officials/park before BASE (D5) */
    ENG_COMPAT_ORIGINAL, /* the original's behaviour for D2–D5, to reproduce its vectors */
} eng_compat_t;

/* Scoring configuration (from cfg_t via eng_score_conf_from_cfg, or built by hand). */
typedef struct eng_score_conf {
    eng_compat_t compat;              /* score.compat */
    bool hybrid_jarvis;               /* score.jarvis = hybrid */
    double ai_default;                /* AI score when the candidate brings none (score.ai_default) */
    double weight[ENG_MOD__CNT];      /* per module; registry default unless configured */
    bool enabled[ENG_MOD__CNT];       /* per module */
} eng_score_conf_t;

/** @brief Defaults: Savant behaviour, savant Jarvis, AI 5.0, the registry's weights and switches. */
void eng_score_conf_init(eng_score_conf_t *sc);

/**
 * @brief Apply a `score.modules` value: a comma list of `name=off`, `name=on` or `name=WEIGHT`
 *        (a number, 0 <= WEIGHT <= 10), e.g. "biorhythm=off,astro=0.30". Empty does nothing.
 * @returns SV_OK, or SV_ERR_CONFIG with errstr naming the entry and the reason.
 */
sv_err_t eng_score_conf_modules(eng_score_conf_t *sc, const char *spec, char *errstr,
                                size_t errstr_size);

/**
 * @brief The configuration's score.* keys: compat, jarvis, ai_default, modules.
 * @returns SV_OK, or SV_ERR_CONFIG with errstr naming the key and the reason.
 */
sv_err_t eng_score_conf_from_cfg(eng_score_conf_t *sc, const cfg_t *cfg, char *errstr,
                                 size_t errstr_size);

/* One candidate and its context. Strings are borrowed for the duration of the call. Optional
 * values come with a has_ flag. Percentages are 0..100. */
typedef struct eng_score_in {
    const char *sport;        /* "nba", "nfl", … (lower case, as on the wire) */
    const char *event_id;     /* for pick ids; may be "" */
    const char *home, *away;  /* team names as the feed spells them */
    const char *player;       /* props: the player; else "" */
    const char *market;       /* h2h, spreads, totals, player_points, … */
    const char *side;         /* outcome name: a team, Over, Under, Draw */
    bool has_point;
    double point;             /* the candidate's line */
    bool has_price;
    int price;                /* American odds */
    int64_t commence_ms;      /* game start, ms since the epoch, UTC (the scoring's "now", D1) */
    bool has_now;
    int64_t now_ms;           /* replaying the original: its request time ("now"), which drives
                               * astro, numerology's universal day, daily energy and (with the
                               * game's date) the void moon; without it all use commence_ms */
    bool has_home_spread;
    double home_spread;       /* the game's home spread (props read it) */
    bool has_total;
    double total;             /* the game's total (props read it; default 220) */
    /* research */
    bool has_splits;
    double ticket_pct, money_pct; /* of the home side (or Over for totals) */
    bool has_lv;
    double line_variance;     /* max − min of the books' home spread */
    int books;                /* books quoting this market */
    bool has_espn;
    double espn_spread, espn_total; /* second-source lines of the game */
    bool has_season_avg;
    double season_avg;        /* NBA props: the player's season average of the stat */
    bool has_officials;
    double officials_over_pct, officials_home_bias; /* crew tendency: over% (0..1), home bias */
    bool has_weather;
    double temp_f, wind_mph, precip_in, humidity;
    /* context modifier */
    bool has_def_rank;
    int def_rank;             /* opponent's defensive rank vs the position (default 15) */
    bool has_pace;
    double pace;              /* mean pace of the two teams (default: league average) */
    double vacuum;            /* usage vacuum V from injuries (default 0) */
    /* esoteric */
    bool has_birth;
    int64_t birth_day;        /* player's birth date, days since 1970-01-01 */
    const double *history;    /* line history of the market, oldest first (Hurst) */
    int history_n;
    bool has_season_range;
    double season_low, season_high; /* season extremes of |line| (Fibonacci retracement) */
    bool has_kp;
    double kp;                /* planetary K index */
    bool has_xray;
    double xray_flux;         /* GOES X-ray flux, W/m² */
    bool has_noosphere;
    double noosphere_velocity; /* search-trend velocity −1..1 */
    int streak;               /* the picked team's W/L streak: > 0 wins, < 0 losses */
    const int64_t *sig_days;  /* MSRF significant dates (day numbers) */
    int sig_n;
    const char *injury;       /* props: the player's injury status, or NULL */
    /* AI */
    bool has_ai;
    double ai;                /* AI score 0..10 (until the model lands, issue 6) */
} eng_score_in_t;

#define ENG_SCORE_MODS_OUT 48 /* module contributions one result lists */

/* One named contribution in a result. */
typedef struct eng_score_part {
    const char *name;  /* module or pillar name (static) */
    double value;      /* what it added (after its weight), or its score for GLITCH signals */
} eng_score_part_t;

/* Everything the pipeline computed for one candidate. */
typedef struct eng_score {
    eng_score_kind_t kind;
    double ai, research, esoteric, jarvis;
    bool has_jarvis;          /* Jarvis had inputs (false: the original's None) */
    bool immortal;            /* 2178 detected */
    int jarvis_hits;
    double base;
    double context_score, context_mod;
    const char *confluence;   /* level name */
    double alignment;         /* research/esoteric alignment % */
    double confluence_boost, msrf, jason, hook, totals_cal, weather, kp_mult, total_boosts;
    double final;
    bool titanium;
    const char *tier;         /* TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS, or DROPPED */
    double units;
    double glitch10;          /* GLITCH score ×10 (2 dp) */
    int n_parts;
    eng_score_part_t parts[ENG_SCORE_MODS_OUT]; /* esoteric modules then research pillars */
} eng_score_t;

/* What depends only on the game (teams, commence time): computed once per game and reused for
 * each of its candidates until the game's teams or start change. */
typedef struct eng_score_game {
    int64_t commence_ms;          /* the time it was computed for */
    int64_t day;                  /* commence day number */
    int year;                     /* commence year */
    double astro, astro_overall;  /* astro component before its weight; overall 0..100 */
    int energy;                   /* daily energy E */
    double daily;                 /* daily edge before its weight */
    bool void_moon;               /* void-of-course moon at commence */
    double void_conf;             /* its confidence */
    double schumann;              /* Schumann fallback score */
    const char *schumann_status;  /* its status */
    double mercury;               /* Phase 8 Mercury value */
    double moon_phase;            /* lunar-intensity phase 0..1 */
    double founders;              /* Founder's Echo boost */
    int rivalry;                  /* 0 none, 1 MEDIUM, 2 HIGH */
    eng_jarvis_prep_t jarvis;     /* Jarvis of home + away (game candidates) */
} eng_score_game_t;

/* What depends only on the candidate's type, lines and names: computed once per candidate and
 * reused until its line (or the game's spread/total a prop reads) changes. */
typedef struct eng_score_line {
    bool valid;                   /* computed (eng_score_line_matches() compares the key) */
    eng_score_kind_t kind;        /* key: the candidate type */
    double point, spread, total;  /* key: the lines it was computed for (§0 inputs) */
    double prop_line;             /* the §0 prop_line */
    double fib, vortex;           /* core values before their weights */
    double trap;                  /* trap gate value (D4; applied only in Savant mode) */
    double vortex_energy, gann;   /* boosts */
    bool has_p;                   /* the line value P of the GLITCH math signals is non-zero */
    double golden, prime, symmetry; /* their scores */
    bool golden_t, prime_t, symmetry_t; /* triggered */
    bool has_jarvis_prop;         /* props: jarvis holds home + away + player */
    eng_jarvis_prep_t jarvis;     /* props' Jarvis (names only) */
} eng_score_line_t;

/**
 * @brief Compute the per-game part for in's sport, teams and commence time.
 * @locality any thread
 */
void eng_score_game_prepare(const eng_score_conf_t *sc, const eng_score_in_t *in,
                            eng_score_game_t *g);

/**
 * @brief Compute the per-line part of candidate in.
 * @locality any thread
 */
void eng_score_line_prepare(const eng_score_in_t *in, eng_score_line_t *ln);

/** @brief Whether ln was computed for in's type and lines (then it can be reused). */
bool eng_score_line_matches(const eng_score_line_t *ln, const eng_score_in_t *in);

/** @brief The candidate type of a market token (h2h, spreads, totals, player_*). */
eng_score_kind_t eng_score_kind(const char *market);

/**
 * @brief Score one candidate: the order of spec §7.0, with the D2–D5 differences unless
 *        sc->compat is ENG_COMPAT_ORIGINAL. No allocation.
 * @param g the game part of this candidate's game (eng_score_game_prepare), borrowed
 * @param ln the line part (eng_score_line_prepare, matching in), or NULL to compute it here
 * @param why reasons, or NULL (then nothing is formatted; with reasons the cached parts are
 *        recomputed to explain them, giving the same values)
 * @locality any thread
 */
void eng_score_run(const eng_score_conf_t *sc, const eng_score_game_t *g,
                   const eng_score_line_t *ln, const eng_score_in_t *in, eng_score_t *out,
                   eng_why_t *why);

#endif
