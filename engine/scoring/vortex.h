/*
 * vortex — Tesla 3-6-9 signals on a line (spec/original-scoring.md §3.2, §3.4): the weighted
 * vortex pattern component of the magnitude M and the additive vortex-energy boost of the line.
 * Both reduce with dr() WITHOUT the master stop (§10 hazard 6). Vortex energy reads the digits of
 * Python's str(|X|); lines are always doubles (DESIGN D8), so 220 reads as "220.0" -> "2200".
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - eng_vortex_pattern() returns min(0.7, 5·mod) × 10, the component BEFORE its weight 0.08.
 * - eng_vortex_energy() returns the boost only when the signal is triggered (score >= 7.0), as the
 *   original applies it; TV25's spread −5.5 (score 5.5) gets 0. Triggered implies perfect or
 *   tesla in practice, so the +0.1 branch is kept for faithfulness but is unreachable for real
 *   lines. X = 0 gives score 5.0, not triggered.
 * - The reported score is min(10, round(score, 2)); "triggered" uses the unrounded score.
 */
#ifndef SV_ENG_VORTEX_H
#define SV_ENG_VORTEX_H

#include <stdbool.h>

#include "why.h"

#define ENG_VORTEX_WEIGHT 0.08 /* ESOTERIC_WEIGHTS["vortex"] */

/* Which value vortex energy read, which decides its context bonus. */
typedef enum { ENG_VE_PROP, ENG_VE_TOTAL, ENG_VE_SPREAD } eng_ve_ctx_t;

/**
 * @brief Vortex pattern (§3.2): V = int(|M·10|); dr(V) in {3,6,9} mod 0.15, in {1,2,4,5,7,8}
 *        0.08, V = 0 gives 0.
 * @param m the magnitude (eng_magnitude())
 * @param why reasons, may be NULL
 * @returns min(0.7, 5·mod) × 10, the component before its weight (ENG_VORTEX_WEIGHT)
 * @locality any thread
 */
double eng_vortex_pattern(double m, eng_why_t *why);

/**
 * @brief Vortex energy (§3.4) of the score of a value in a context, without choosing X.
 * @param x the value (its absolute value is used)
 * @param ctx context: spread adds 0.5 for |x| in {3,6,9,3.5,6.5,9.5}; total adds 0.3 for root 9
 * @param score if not NULL, receives min(10, round(score, 2)) (5.0 for x = 0)
 * @param triggered if not NULL, receives score >= 7.0
 * @param why reasons, may be NULL
 * @returns the boost: triggered and perfect 0.3, triggered and tesla 0.2, triggered 0.1, else 0
 * @locality any thread
 */
double eng_vortex_energy_of(double x, eng_ve_ctx_t ctx, double *score, bool *triggered,
                            eng_why_t *why);

/**
 * @brief Vortex energy boost of a candidate: X = prop_line if non-zero (context prop), else total
 *        if non-zero (context total), else |spread| (context spread); then eng_vortex_energy_of().
 * @param score if not NULL, receives the rounded vortex score
 * @param triggered if not NULL, receives whether it triggered
 * @param why reasons, may be NULL
 * @returns the boost 0, 0.1, 0.2 or 0.3
 * @locality any thread
 */
double eng_vortex_energy(double prop_line, double total, double spread, double *score,
                         bool *triggered, eng_why_t *why);

#endif
