/*
 * final — from the four engine scores to the final score and tier (spec/original-scoring.md §7):
 * BASE (Option A weights), the post-base terms and their caps, the Kp multiplier, Jason Sim (the
 * fallback simulation), hook discipline, the totals calibration, the weather final modifier,
 * Titanium, the score band with its quality gates and the GOLD_STAR hard gates, the props injury
 * downgrade, units and confidence.
 *
 * Savant differs from the original here (DESIGN.md §8), selected by `original`:
 *  - D3: Jason Sim reads the probability of the picked side. The original always reads the away
 *    side's probability, computed as if the candidate's own point were the home spread.
 *  - D5: the original adds the weather modifier to FINAL after tiering (not re-clamped, not
 *    re-tiered). Savant adds it inside eng_final() before the 0–10 clamp and the Kp multiplier,
 *    so the tier is taken from the same number. In original mode eng_final() ignores
 *    in->weather and the caller adds it after tiering with eng_final_post_tier().
 *
 * Decisions where the spec leaves a choice (copied to docs/scoring.md):
 *  - Jason Sim implements the no-BallDontLie fallback only (Savant has no BDL feed): TOTAL and
 *    PROP candidates always get 0 (fallback projection = the line, variance MED); win% is
 *    100·p unrounded; `spread` is the candidate's own point from the picked team's view
 *    (0 for moneylines). In Savant mode the home probability is computed from the home spread
 *    (−point for an away pick) and the picked side's probability is read, which equals
 *    clamp(0.5 − point/20, 0.25, 0.75): favourites now get the +0.8 and underdogs the penalty.
 *  - Sport names compare case-insensitively (hook, totals calibration). eng_hook() is for SPREAD
 *    candidates; the caller passes 0 for other markets.
 *  - The weather final modifier sums its temperature, wind and precipitation steps (each a
 *    first-match chain) and clamps the sum to ±1.0; NaN inputs are ignored.
 *  - eng_final() returns the unrounded FINAL (tiers use it); display rounds to 2 dp.
 *  - Kp: eng_kp_multiplier() maps Kp to 0.90/0.95/1; the multiplier is an input of eng_final().
 *  - Tier gates: a GOLD_STAR band failing the base (BASE >= 6.8) or alignment (2 of 4 engines
 *    >= 6.5) gate drops to EDGE_LEAN, or to MONITOR when the confluence level is DIVERGENT,
 *    without re-checking the EDGE gates; an EDGE_LEAN band failing base (>= 6.0), alignment or
 *    confluence (level in IMMORTAL, JARVIS_PERFECT, PERFECT, HARMONIC_CONVERGENCE, STRONG,
 *    MODERATE) drops to MONITOR. Then the GOLD_STAR hard gates (AI >= 6.8, research >= 6.5,
 *    Jarvis >= 6.5 and present, esoteric >= 5.5) drop a GOLD_STAR to EDGE_LEAN. Titanium skips
 *    the gates. A missing Jarvis never counts as >= a threshold.
 *
 * Pure functions: no allocation, no global state, callable from any thread. Tier names are
 * static strings.
 */
#ifndef SV_ENG_FINAL_H
#define SV_ENG_FINAL_H

#include <stdbool.h>

#include "why.h"

/** Candidate market kinds for Jason Sim. */
enum eng_final_mkt { ENG_MKT_SPREAD = 0, ENG_MKT_ML = 1, ENG_MKT_TOTAL = 2, ENG_MKT_PROP = 3 };

/** Props injury handling (§7.3 step 5). */
enum eng_final_injury { ENG_INJURY_NONE = 0, ENG_INJURY_DOWNGRADE = 1, ENG_INJURY_DROP = 2 };

/**
 * @brief Jason Sim boost (§7.7, fallback without BallDontLie). SPREAD/ML: win% >= 61 → +0.8;
 *        else win% <= 52 and base < 7.2 → −1.5 (blocked); else win% <= 55 → −0.5; else 0.
 *        TOTAL/PROP → 0. TV22.
 * @param market enum eng_final_mkt
 * @param pick_home the candidate picks the home team (used only in Savant mode)
 * @param spread the candidate's own point (picked team's view); 0 for moneylines
 * @param base BASE of the candidate
 * @param win_pct if not NULL, the win% that was read (50 for TOTAL/PROP)
 * @param blocked if not NULL, set when the −1.5 "blocked" rule fired (a flag, not a filter)
 * @returns the boost: 0.8, 0, −0.5 or −1.5
 */
double eng_jason_sim(int market, bool pick_home, double spread, double base, bool original,
                     double *win_pct, bool *blocked, eng_why_t *why);

/**
 * @brief Hook discipline, raw value (§7.8, TV23): NFL |line| 3.5 −0.25, 7.5 −0.20, 6.5 −0.15,
 *        10.5 −0.10, 13.5/14.5 −0.05; whole 3/7/10: favourite (point < 0) +0.15/+0.10/+0.05,
 *        underdog −0.05; NBA |line| 5.5 or 7.5 −0.10; other sports 0. eng_final() clips it to
 *        [−0.25, 0].
 * @returns the raw hook value
 */
double eng_hook(const char *sport, double point, eng_why_t *why);

/**
 * @brief BASE = 0.25·ai + 0.35·research + 0.15·esoteric + 0.25·jarvis (no Jarvis → 0).
 * @returns BASE (research/esoteric before officials and park in the original)
 */
double eng_base(double ai, double research, double esoteric, bool has_jarvis, double jarvis);

/**
 * @brief Kp multiplier on FINAL: Kp >= 7 → 0.90, >= 5 → 0.95, else 1 (NaN → 1).
 * @returns the multiplier
 */
double eng_kp_multiplier(double kp);

/**
 * @brief Sport totals calibration for TOTAL picks: NHL −4.0, NCAAB −0.75, other 0.
 * @returns the calibration term (enters the total boosts)
 */
double eng_totals_calibration(const char *sport);

/**
 * @brief Weather final modifier (§3.5): temp < 32 −0.5 / < 40 −0.3 / > 95 −0.3 / > 90 −0.2;
 *        wind > 25 −0.5 / > 20 −0.4 / > 15 −0.2; precip > 0.5 −0.6 / > 0.25 −0.4 / > 0.1 −0.2;
 *        sum clamped to ±1.0. Outdoor games only (the caller decides).
 * @returns the modifier, −1.0 … 0
 */
double eng_weather_final(double temp_f, double wind_mph, double precip_in);

typedef struct eng_final_in {
    double base;        /* BASE (eng_base) */
    double context_mod; /* context modifier, clamped ±0.35 */
    double confluence;  /* confluence boost incl. harmonic, no own cap */
    double msrf;        /* MSRF boost, clamped ±1.0 */
    double jason;       /* Jason Sim boost, clamped ±1.5 */
    double serp;        /* SERP boost, clamped [0, 4.3] */
    double ensemble;    /* ensemble adjustment (±0.5 or 0) */
    double totals_cal;  /* totals calibration (TOTAL picks) */
    double hook;        /* raw hook value, clipped [−0.25, 0] */
    double expert;      /* expert consensus, clamped [0, 0.35] */
    double prop_corr;   /* prop correlation, clamped ±0.20 */
    double kp_mult;     /* Kp multiplier (eng_kp_multiplier), 1 when unknown */
    double weather;     /* weather final modifier (Savant: inside; original: ignored here) */
    bool original;      /* reproduce the original's placement of weather */
} eng_final_in_t;

/**
 * @brief FINAL = clamp(base + context + min(1.5, confluence + msrf + jason + serp + ensemble +
 *        totals_cal) + hook + expert + prop_corr [+ weather in Savant mode], 0, 10) × kp_mult.
 *        TV25: 7.4053 + 0.084 − 0.2 − 0.10 = 7.1893; TV26 NHL total 8.0 + 0.3 − 4.0 = 4.3.
 * @param total_boosts if not NULL, the capped total of boosts
 * @returns the unrounded FINAL used for tiering
 */
double eng_final(const eng_final_in_t *in, double *total_boosts, eng_why_t *why);

/**
 * @brief The caller's post-tier step: original mode adds the weather modifier (clamped ±1.0,
 *        not re-clamped to 0–10); Savant mode returns final unchanged (weather already inside).
 * @returns the score the filters compare
 */
double eng_final_post_tier(double final, double weather, bool original);

/**
 * @brief Titanium: final >= 8.0 and at least 3 of {ai, research, esoteric, jarvis} >= 8.0
 *        (research/esoteric after officials and park; a missing Jarvis does not count).
 * @returns true for TITANIUM_SMASH
 */
bool eng_titanium(double final, double ai, double research, double esoteric, bool has_jarvis,
                  double jarvis);

/**
 * @brief Score band: >= 7.5 GOLD_STAR, >= 6.5 EDGE_LEAN, >= 5.5 MONITOR, else PASS.
 * @returns the band name (static string)
 */
const char *eng_band(double final);

/**
 * @brief The tier (§7.3): TITANIUM_SMASH if titanium, else the band with the quality gates and
 *        the GOLD_STAR hard gates (see the file comment). TV25, TV26.
 * @param confluence_level the level of eng_confluence()
 * @returns "TITANIUM_SMASH", "GOLD_STAR", "EDGE_LEAN", "MONITOR" or "PASS"
 */
const char *eng_tier(double final, double base, const char *confluence_level, double ai,
                     double research, double esoteric, bool has_jarvis, double jarvis,
                     bool titanium, eng_why_t *why);

/**
 * @brief Units: TITANIUM_SMASH 2.5, GOLD_STAR 2.0, EDGE_LEAN 1.0, ML_DOG_LOTTO 0.5, else 0.
 * @returns stake units
 */
double eng_tier_units(const char *tier);

/**
 * @brief One step down: TITANIUM_SMASH → GOLD_STAR → EDGE_LEAN → MONITOR → PASS → PASS
 *        (ML_DOG_LOTTO → MONITOR; unknown → PASS).
 * @returns the lower tier (static string)
 */
const char *eng_tier_down(const char *tier);

/**
 * @brief Confidence: TITANIUM_SMASH/GOLD_STAR 95 "SMASH", EDGE_LEAN 80 "HIGH", MONITOR 60
 *        "MEDIUM", anything else 30 "LOW".
 * @param label if not NULL, set to the static label
 * @returns the confidence score
 */
int eng_tier_confidence(const char *tier, const char **label);

/**
 * @brief Props injury status (case-insensitive): OUT, DOUBTFUL, SUSPENDED, DNP, INACTIVE → DROP;
 *        QUESTIONABLE, PROBABLE, GTD → DOWNGRADE (eng_tier_down once); anything else NONE.
 * @returns enum eng_final_injury
 */
int eng_injury_status(const char *status);

#endif
