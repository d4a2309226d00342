/*
 * hurst — the simplified R/S Hurst exponent of a line's history (spec/original-scoring.md §3.6)
 * and its GLITCH score 0.5 + |H − 0.5| (§3.3).
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - eng_hurst() returns H rounded to 3 decimals, the original's "h_value", because that rounded
 *   value is what the GLITCH score reads (TV19: 0.38629… -> 0.386 -> score 0.614). The regime is
 *   decided on the unrounded H (> 0.55 TRENDING, < 0.45 MEAN_REVERTING).
 * - Fewer than 20 points: H = 0.5, regime "INSUFFICIENT_DATA". GLITCH counts Hurst as present from
 *   10 snapshots on and as triggered whenever the regime is not RANDOM_WALK, so 10–19 points give
 *   score 0.5, triggered (the caller applies the >= 10 rule and the ≤ 30 newest points).
 */
#ifndef SV_ENG_HURST_H
#define SV_ENG_HURST_H

#define ENG_HURST_MIN_POINTS 20 /* below this H is 0.5, INSUFFICIENT_DATA */

/**
 * @brief Hurst exponent by simplified R/S over the first differences of a series.
 * @param series values, oldest first (borrowed, read only)
 * @param n number of values
 * @param regime if not NULL, receives "TRENDING", "MEAN_REVERTING", "RANDOM_WALK" or
 *        "INSUFFICIENT_DATA" (static strings)
 * @returns round(H, 3) in [0, 1]
 * @locality any thread
 */
double eng_hurst(const double *series, int n, const char **regime);

/**
 * @brief GLITCH score of a Hurst exponent: 0.5 + |h − 0.5|.
 * @locality any thread
 */
double eng_hurst_glitch_score(double h);

#endif
