/*
 * phase8 — the Phase 8 esoteric sum (spec/original-scoring.md §3.4): lunar intensity, Mercury
 * retrograde, rivalry, streak momentum and solar flare values, summed in that order and clamped
 * to ±0.5. The values are computed elsewhere (rivalry by rivalry.h); a value is 0 when its signal
 * did not fire or does not apply to the pick.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - The clamped sum is rounded to 3 decimals, as the original's phase8_boost is
 *   (round(total_boost, 3)); this only removes float noise (−0.15 + 0.25 -> 0.1).
 * - The caller puts the home and away streak values, already summed home first, into `streak`,
 *   and the solar value already scaled by 0.5.
 */
#ifndef SV_ENG_PHASE8_H
#define SV_ENG_PHASE8_H

#include "why.h"

/** The five Phase 8 values of one pick. */
typedef struct eng_phase8_in {
    double lunar;   /* lunar intensity (TOTAL picks, when triggered) */
    double mercury; /* Mercury retrograde / shadow adjustment */
    double rivalry; /* rivalry value (TOTAL picks), eng_rivalry_value() */
    double streak;  /* streak momentum, home + away */
    double solar;   /* solar flare chaos boost × 0.5 */
} eng_phase8_in_t;

#define ENG_PHASE8_CAP 0.5 /* |sum| cap */

/**
 * @brief Phase 8 boost: the five values summed in order, clamped to ±0.5, rounded to 3 decimals.
 * @param in the values (borrowed)
 * @param why reasons, may be NULL (one reason when the result is not 0)
 * @locality any thread
 */
double eng_phase8(const eng_phase8_in_t *in, eng_why_t *why);

#endif
