/*
 * fib — the Fibonacci family of esoteric signals (spec/original-scoring.md §3.1, §3.2, §3.4): the
 * line magnitude M that the Fibonacci and vortex components read, Fibonacci alignment of M, and
 * the Fibonacci retracement boost of a line inside its season range, plus the season label
 * ("2025-26", September rollover) that season extremes are keyed by.
 *
 * Pure functions: no allocation, no global state, callable from any thread. Reasons go to an
 * optional eng_why_t (NULL = none).
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - eng_fib_align() returns min(0.6, 6·mod) × 10, i.e. the component BEFORE its weight 0.10; the
 *   caller multiplies by the weight last, as the original does (EXACT gives 0.6000000000000001
 *   after the weight, NEAR 0.30000000000000004, PHI 0.42000000000000004).
 * - The reason text names the weighted contribution (value × 0.10) with two decimals.
 * - eng_fib_retracement() returns 0 when high == low (the original returns an error dict there,
 *   which the caller treats as no signal). The 3-point "near" window is strict (< 3).
 */
#ifndef SV_ENG_FIB_H
#define SV_ENG_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "why.h"

#define ENG_FIB_WEIGHT 0.10       /* ESOTERIC_WEIGHTS["fib"] */
#define ENG_SEASON_LABEL_MAX 16   /* buffer size for eng_season_label() */

/**
 * @brief The magnitude M of §3.1 that Fibonacci alignment and the vortex pattern read.
 *        Props: |prop_line|, else |spread|, else |total/10| when total != 220, else 0.
 *        Games: |spread|, else |total|/10 when total != 220, else |prop_line| (so a TOTAL
 *        candidate whose point is exactly 220 gets M = 220, as in the original).
 *        "else" means "when the previous value is 0".
 * @param prop true for a player-prop candidate
 * @returns M >= 0
 * @locality any thread
 */
double eng_magnitude(bool prop, double prop_line, double spread, double total);

/**
 * @brief Fibonacci alignment of M (§3.2): EXACT (M is one of 1,1,2,…,610) mod 0.10; else NEAR
 *        (|M − nearest| <= 0.5) 0.05; else PHI (M/f in [1.5, 1.7] for f in the first ten
 *        entries) 0.07; else 0.
 * @param m the magnitude (eng_magnitude())
 * @param kind if not NULL, receives "EXACT", "NEAR", "PHI" or "NONE" (static strings)
 * @param why reasons, may be NULL
 * @returns min(0.6, 6·mod) × 10, the component before its weight (see ENG_FIB_WEIGHT)
 * @locality any thread
 */
double eng_fib_align(double m, const char **kind, eng_why_t *why);

/**
 * @brief Fibonacci retracement boost (§3.4): pct = (line − low)/(high − low)·100; the nearest of
 *        23.6/38.2/50/61.8/78.6 (ties to the first); near when closer than 3 points.
 * @param line the current line (the caller passes |spread| or the total, as it keys the season)
 * @param season_low season low of the same quantity
 * @param season_high season high of the same quantity
 * @param why reasons, may be NULL
 * @returns 0.35 near 50 % ("REVERSAL_ZONE"), 0.20 near another level, else 0; 0 when high == low
 * @locality any thread
 */
double eng_fib_retracement(double line, double season_low, double season_high, eng_why_t *why);

/**
 * @brief First year of the season a day belongs to: its year from September on, else the year
 *        before (September rollover).
 * @param days day number (days since 1970-01-01, UTC date of the game)
 * @locality any thread
 */
int eng_season_year(int64_t days);

/**
 * @brief The season label "YYYY-YY" of a day, e.g. 2026-02-15 -> "2025-26", 2025-09-01 ->
 *        "2025-26", 2025-08-31 -> "2024-25".
 * @param buf at least ENG_SEASON_LABEL_MAX bytes
 * @returns buf
 * @locality any thread
 */
char *eng_season_label(int64_t days, char *buf, size_t size);

#endif
