/*
 * msrf — MSRF turn-date resonance (spec/original-scoring.md §4), the live post-base boost:
 * from the last three significant dates X1 < X2 < X3 (our own graded high-score hits), 16
 * operations with π, φ, φ² and 7 project the intervals forward; a projection landing within a
 * day of the game's date scores points when the transformed interval is one of the MSRF
 * "sacred" numbers. Also the three number sets themselves, which the hybrid Jarvis (§2.8) uses.
 *
 * Decisions:
 *  - Dates are day numbers (days since 1970-01-01, caltime.h). The input may be in any order
 *    and hold duplicates: it is de-duplicated and only the three latest distinct days are used
 *    (the original's "dedupe, sort, keep last 5, need >= 3" then "last three" is the same
 *    thing). Fewer than three distinct days: boost 0, points 0.
 *  - "projected = base + z days, take its date": like Python's timedelta(days=z), z is rounded
 *    to the nearest microsecond (half to even) and the date is the floor of base + z. A
 *    projection outside years 1..9999 is skipped, as Python's OverflowError is.
 *  - Points are returned unrounded (they are sums of multiples of 0.5, so exact).
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_MSRF_H
#define SV_ENG_MSRF_H

#include <stdbool.h>
#include <stdint.h>

#include "scoring/why.h"

/**
 * @brief MSRF turn-date boost for a game on target_day (§4).
 * @param sig_days   significant dates as day numbers, any order, duplicates allowed; borrowed
 * @param n          entries in sig_days (0 allowed, sig_days may then be NULL)
 * @param target_day the game's date (UTC date of commence time, D1)
 * @param points     if not NULL, set to the weighted resonance points
 * @param why        optional reasons: each operation that hits and the resulting level
 * @returns 1.0 (points >= 8, EXTREME), 0.5 (>= 5, HIGH), 0.25 (>= 3, MODERATE), else 0
 * @locality any thread
 */
double eng_msrf_boost(const int64_t *sig_days, int n, int64_t target_day, double *points,
                      eng_why_t *why);

/**
 * @brief The level and boost of a points total (§4): >= 8 EXTREME_RESONANCE 1.0, >= 5
 *        HIGH_RESONANCE 0.5, >= 3 MODERATE_RESONANCE 0.25, >= 1 MILD_RESONANCE 0, else
 *        NO_RESONANCE 0. (Totals of 7.5 or more need rare date patterns: none exist with both
 *        intervals under 200 days.)
 * @param level if not NULL, set to the level name (static)
 * @returns the boost
 */
double eng_msrf_level(double points, const char **level);

/** @brief n is in the MSRF IMPORTANT set (38 numbers, 138 … 2520). */
bool eng_msrf_important(int64_t n);

/** @brief n is in the full MSRF NORMAL set (377 numbers, 12 … 2559). */
bool eng_msrf_normal(int64_t n);

/**
 * @brief n is in the NORMAL set the hybrid Jarvis uses (§2.8): the NORMAL set truncated at
 *        1008, plus 2178.
 */
bool eng_msrf_normal_hybrid(int64_t n);

/**
 * @brief z1dp (a value already rounded to one decimal with eng_py_round(z, 1)) is one of the
 *        19 VORTEX points (21.7 … 871.2); exact comparison of doubles, as Python's set lookup.
 */
bool eng_msrf_vortex(double z1dp);

/** @brief Digits of |n| reversed ("flip"): 2178 -> 8712, 120 -> 21, 0 -> 0. */
int64_t eng_msrf_flip(int64_t n);

#endif
