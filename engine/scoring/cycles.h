/*
 * cycles — a player's personal cycles against the game date (spec/original-scoring.md §3.4
 * Biorhythm, §3.3 GLITCH Chrome resonance): the 23/28/33-day biorhythm sines with their boost,
 * and the "chromatic" interval between the birth and game days of the year with its GLITCH score.
 * The life path number lives in numerology.h (eng_num_life_path).
 *
 * Dates are day numbers (days since 1970-01-01); the game date is the UTC date of the commence
 * time. Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - The biorhythm state uses the unrounded mean; *p, *e, *i report the values rounded to 1 dp
 *   (Python round, as the original reports them).
 * - The 1990-01-01 placeholder birth date (the original's "unknown") gives boost 0, state
 *   "UNKNOWN" and p = e = i = 0.
 */
#ifndef SV_ENG_CYCLES_H
#define SV_ENG_CYCLES_H

#include <stdbool.h>
#include <stdint.h>

#include "why.h"

/**
 * @brief Biorhythm boost: d = game_day - birth_day; P, E, I = sin(2 pi d / 23|28|33) * 100;
 *        mean > 50 PEAK +0.3, > 0 RISING +0.15, > -50 FALLING 0, else LOW -0.2.
 * @param p, e, i set to the cycles rounded to 1 dp (each may be NULL)
 * @param state   set to "PEAK", "RISING", "FALLING", "LOW" or "UNKNOWN" (may be NULL)
 * @param why     reasons, may be NULL
 * @returns +0.3, +0.15, 0 or -0.2
 */
double eng_biorhythm(int64_t birth_day, int64_t game_day, double *p, double *e, double *i,
                     const char **state, eng_why_t *why);

/**
 * @brief Chrome resonance GLITCH score: a = doy(birth) mod 12, b = doy(game) mod 12,
 *        k = |a - b|, k > 6 -> 12 - k; k = 0 1.0, 1 0.3, 2 0.5, 3 0.65, 4 0.7, 5 0.85, 6 0.25.
 * @param triggered set to score >= 0.7 (may be NULL)
 * @param why       reasons, may be NULL
 */
double eng_chrome(int64_t birth_day, int64_t game_day, bool *triggered, eng_why_t *why);

#endif
