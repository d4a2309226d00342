/*
 * jarvis — the JARVIS engine (Engine 4) of the original scoring, production "savant" v16
 * additive model (spec/original-scoring.md §1.3, §2): trigger detection on the simple gematria
 * sum of home+away(+player), the stacked 0.7^i trigger contributions, the props gematria
 * sub-signal, Goldilocks, and the Jarvis-class helpers (2178 property, large-spread trap, mid
 * spread) and the hybrid Jarvis+Ophis blend (§2.8, off by default in the original).
 *
 * Split for caching: eng_jarvis_prepare() does everything that depends only on the names (once
 * per candidate's names); eng_jarvis_finish() adds the spread-dependent part.
 *
 * Decisions:
 *  - Trigger table order (it is the REDUCTION scan order): 2178, 201, 33, 93, 322, 666, 888,
 *    369, 1656, 552, 138 (§2.1). Live contributions as §2.1; Phoenix numbers default to 0.5.
 *  - The reduction of v is the original's _reduce_to_single: v itself when v <= 9 (so 0 and
 *    negative integers reduce to themselves and never hit), else dr*(v).
 *  - Hit names are static strings: the table name for DIRECT/REDUCTION hits, "POWER_NUMBER"
 *    and "TESLA_REDUCTION" for the other two kinds (the original formats "POWER 44" /
 *    "TESLA 3"; the number is in the hit's number field).
 *  - game_str = home + away (+ player) concatenated; its simple sum is the sum of the three
 *    names' sums (only letters count). NULL names are "". Inputs are invalid (no score, "None"
 *    in the original) when game_str is empty or both team names are empty.
 *  - The trap (§2.6) is the function only; DESIGN D4 makes it active in Savant and the caller
 *    decides where to apply it. Non-finite spreads are never Goldilocks / trap.
 *  - Mid spread (§2.7): outside Goldilocks the adjustment and zone position are 0.
 *  - Hybrid (§2.8): the original's "before or 4.5" is kept (before == 0 or NaN -> 4.5); msrf is
 *    rounded to 4 dp before the blend, as the original's clamped_score; result rounded to 2 dp.
 *    With both team names empty the original returns None: we return before unchanged, msrf 0.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_JARVIS_H
#define SV_ENG_JARVIS_H

#include <stdbool.h>
#include <stdint.h>

#include "scoring/why.h"

#define ENG_JARVIS_BASELINE 4.5
#define ENG_JARVIS_HITS_MAX 16 /* more than the 14 hits one value can produce */

typedef enum eng_hit_kind {
    ENG_HIT_DIRECT,    /* v is a trigger number */
    ENG_HIT_REDUCTION, /* dr*(v) equals a trigger's stored reduction */
    ENG_HIT_POWER,     /* v in 11, 22, … 99 */
    ENG_HIT_TESLA,     /* dr*(v) in 3, 6, 9; number = dr*(v) */
} eng_hit_kind_t;

typedef struct eng_jarvis_hit {
    int number;          /* trigger number (TESLA: the reduction 3/6/9; POWER: v) */
    eng_hit_kind_t kind; /* how it was hit */
    const char *name;    /* static: "THE IMMORTAL" …, "POWER_NUMBER", "TESLA_REDUCTION" */
    double base;         /* live contribution before the stacking decay */
    double contrib;      /* base · 0.7^i after sorting (eng_jarvis_triggers: = base) */
} eng_jarvis_hit_t;

/** @brief Name of a hit kind: "DIRECT", "REDUCTION", "POWER_NUMBER", "TESLA_REDUCTION". */
const char *eng_jarvis_kind_name(eng_hit_kind_t kind);

/**
 * @brief The trigger hits of a value, in detection order (§1.3: DIRECT, REDUCTION in table
 *        order, POWER, TESLA), each with its live base contribution (§2.2 step 3); contrib =
 *        base (no sorting or decay here).
 * @param hits array of max entries (may be NULL when max is 0)
 * @returns the number of hits (hits beyond max are counted but not stored)
 */
int eng_jarvis_triggers(int64_t v, eng_jarvis_hit_t *hits, int max);

/**
 * @brief The original's legacy total_boost of a value (§1.3, §2.4): table boost for DIRECT,
 *        half of it for REDUCTION, 3 for POWER, 2 for TESLA; summed and capped at 20.
 */
double eng_jarvis_legacy_boost(int64_t v);

/* Everything of a Jarvis score that depends only on the names (cache per candidate names). */
typedef struct eng_jarvis_prep {
    bool valid;          /* inputs present; false: no Jarvis score */
    int64_t sum;         /* simple gematria of game_str */
    int n_hits;          /* trigger hits (jarvis_hits_count) */
    eng_jarvis_hit_t hits[ENG_JARVIS_HITS_MAX]; /* sorted, decayed (§2.2 steps 3–4) */
    double trigger_sum;  /* Σ contrib, summed in sorted order */
    bool immortal;       /* a hit on 2178 */
    double gem_strength; /* gematria sub-signal strength 0..1 (0 when not computed) */
    double gem_contrib;  /* +1.5 STRONG, +0.8 MODERATE, else 0 */
} eng_jarvis_prep_t;

/**
 * @brief Compute the name-dependent part of a Jarvis score (§2.2 steps 1–5).
 * @param home   home team name, borrowed; NULL = ""
 * @param away   away team name, borrowed; NULL = ""
 * @param player player name for props, NULL or "" for game candidates; the gematria sub-signal
 *               (§2.4) is computed only when player and home are both non-empty
 * @param jp     filled in
 * @locality any thread
 */
void eng_jarvis_prepare(const char *home, const char *away, const char *player,
                        eng_jarvis_prep_t *jp);

typedef struct eng_jarvis_out {
    bool has_rs;        /* false: inputs missing (jarvis_rs None) */
    double rs;          /* jarvis_rs, 0..10, 2 dp (0 when !has_rs) */
    bool immortal;      /* immortal_detected */
    int hits;           /* jarvis_hits_count */
    bool any_trigger;   /* at least one trigger hit (for JARVIS_PERFECT confluence) */
    bool goldilocks;    /* 4 <= |spread| <= 9 */
    double gem_contrib; /* gematria sub-signal contribution */
    double trigger_sum; /* Σ decayed trigger contributions */
} eng_jarvis_out_t;

/**
 * @brief Finish a Jarvis score with the candidate's spread (§2.2 steps 6–7):
 *        rs = round(clamp(4.5 + Σcontrib + gematria + goldilocks, 0, 10), 2).
 * @param jp     from eng_jarvis_prepare(), borrowed
 * @param spread the candidate's spread (SPREAD: its own signed point; props: the home spread;
 *               others 0)
 * @param out    if not NULL, filled in
 * @param why    optional reasons: each hit (number, name, kind, contribution), the gematria
 *               signal, Goldilocks, or the baseline when nothing fired
 * @returns rs (0 when the inputs are missing)
 */
double eng_jarvis_finish(const eng_jarvis_prep_t *jp, double spread, eng_jarvis_out_t *out,
                         eng_why_t *why);

/**
 * @brief The "immortal" property of §2.5: n > 0, n·4 equals n with its digits reversed, and
 *        dr(n) = 9. True for 2178 (2178·4 = 8712), also 21978, 219978, …
 */
bool eng_jarvis_validate_2178(int64_t n);

/**
 * @brief Large-spread trap gate (§2.6; active in Savant per D4): |s| >= 14 -> -0.20
 *        (MASSIVE_SPREAD); 10 <= |s| < 14 and total > 0 and |s|/total > 0.05 -> -0.15;
 *        10 <= |s| < 14 and total <= 0 -> -0.10; else 0.
 * @param level if not NULL, set to "TRAP" or "CLEAR" (static)
 * @param why   optional reason when the trap fires
 * @returns the modifier (<= 0)
 */
double eng_jarvis_trap(double spread, double total, const char **level, eng_why_t *why);

/**
 * @brief Mid-spread signal (§2.7): Goldilocks 4.0 <= |s| <= 9.0 -> adjustment 0.20 and
 *        zone_position = 1 − ||s| − 6.5| / 2.5; else 0 and 0. (The Jarvis score itself only uses
 *        the Goldilocks flag, +0.5, in eng_jarvis_finish().)
 * @param zone_position if not NULL, set
 * @returns the adjustment
 */
double eng_jarvis_mid_spread(double spread, double *zone_position);

/**
 * @brief Hybrid Jarvis+Ophis (§2.8): Ophis z-values from the game date and S = simple(home +
 *        away) are scored against the MSRF sets (IMPORTANT 0.6, hybrid NORMAL 0.3, reversed
 *        digits 0.45 / 0.225), capped at 2.0 = msrf; target = 0.55·before + 0.45·5·msrf;
 *        rs = clamp(before + clamp(target − before, ±0.75), 0, 10), rounded to 2 dp.
 * @param before   the savant jarvis_rs (0 or NaN: 4.5, as the original's "or 4.5")
 * @param game_day the game's date, days since 1970-01-01 (UTC, D1)
 * @param msrf     if not NULL, set to the msrf component (0..2, 4 dp)
 * @param why      optional reasons: each scoring z-value and the blend
 * @returns the hybrid jarvis_rs
 */
double eng_jarvis_hybrid(double before, int64_t game_day, const char *home, const char *away,
                         double *msrf, eng_why_t *why);

#endif
