/*
 * daily — the daily energy E and the daily-edge component of the esoteric engine
 * (spec/original-scoring.md §3.2 Daily edge and Daily energy E): date numerology, a Tesla digit
 * check, the simple moon age, the weekday and the void-of-course Moon, summed from 50 and
 * clamped to 0..100; the edge maps E to 10/7/4/0 before the 0.15 weight.
 *
 * Time is the game's commence time, ms since the epoch UTC (DESIGN.md §8 D1: the original used
 * the server clock once per request). Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - The date, weekday and moon age are those of the UTC date of the commence time; the void check
 *   uses the commence time itself (void with rounded confidence > 0.5 -> -20).
 * - Moon age thresholds: Full Moon 14.76 <= pd < 16.61 (+20), New Moon pd < 1.85 (-10).
 */
#ifndef SV_ENG_DAILY_H
#define SV_ENG_DAILY_H

#include <stdint.h>

#include "why.h"

/**
 * @brief Daily energy E in 0..100: 50; +15 when dr*(digit sum of YYYYMMDD) is 11/22/33; +10 when
 *        any digit of YYYYMMDD is 3, 6 or 9; moon age Full +20 / New -10; weekday Mon -5, Tue 0,
 *        Wed +5, Thu +10, Fri +15, Sat +20, Sun +25; -20 when the Moon is void with confidence
 *        > 0.5; clamped to 0..100.
 * @param ms  game commence time, ms since the epoch UTC
 * @param why reasons, may be NULL
 */
int eng_daily_energy(int64_t ms, eng_why_t *why);

/** @brief Daily edge before its weight: E >= 85 -> 10, >= 70 -> 7, >= 55 -> 4, else 0. */
double eng_daily_edge(int energy);

#endif
