/*
 * linesig — the three "math glitch" signals of a line that feed GLITCH (spec/original-scoring.md
 * §3.3): golden-ratio alignment, prime resonance and numerical symmetry of the primary value
 * P = prop_line if non-zero, else spread (the signed point for SPREAD candidates, e.g. −5.5).
 * Each returns a GLITCH score in 0.5 … 0.8 and whether it "triggered".
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - Golden ratio uses φ = 1.6180339887 (the original's constant here), strict "<" for the 2 % and
 *   5 % windows, no reference value (the GLITCH caller passes none); P = 0 gives 0.5.
 * - Symmetry reads Python's str(|P|) of a double (DESIGN D8: 8 -> "8.0" -> "80"); P = 0 reads
 *   "00", which is a palindrome and repeating (0.75, triggered), as in the original. A string
 *   with a non-digit ("1e-05") makes the original's sequential check raise, so it scores 0.5.
 * - Prime: int(|P|) and int(2|P|) truncate; the nearest prime is the first of equal distances.
 */
#ifndef SV_ENG_LINESIG_H
#define SV_ENG_LINESIG_H

#include <stdbool.h>

/**
 * @brief Golden-ratio alignment: P within 2 % of φ×{1,2,5,10}, or P/10, P/100 within 5 % of φ;
 *        0.8 if the best relative difference is < 0.02, else 0.65; no alignment 0.5.
 * @param triggered if not NULL, receives whether any alignment was found
 * @returns the score 0.5, 0.65 or 0.8
 * @locality any thread
 */
double eng_golden_ratio(double p, bool *triggered);

/**
 * @brief Prime resonance: hits are int(|P|) prime (< 100), int(2|P|) prime, digit sum of
 *        int(|P|) among the first ten primes; >= 2 hits 0.75, 1 hit 0.65, else a prime within 1
 *        of int(|P|) 0.55, else 0.5.
 * @param triggered if not NULL, receives whether any hit was found
 * @locality any thread
 */
double eng_prime_resonance(double p, bool *triggered);

/**
 * @brief Numerical symmetry of str(|P|) without '.': palindrome (len >= 2), all one digit
 *        (len >= 2), mirror (len >= 4), ascending/descending by 1 (len >= 3); >= 2 kinds 0.75,
 *        1 kind 0.65, else 0.5.
 * @param triggered if not NULL, receives whether any kind was found
 * @locality any thread
 */
double eng_symmetry(double p, bool *triggered);

#endif
