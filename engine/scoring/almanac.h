/*
 * almanac — the calendar-driven Phase 8 signals (spec/original-scoring.md §3.4 Phase 8): Mercury
 * retrograde by its own Phase 8 table (not the VedicAstro table of astro.h), lunar intensity
 * from a phase value (moon.h eng_moon_phase), and the streak-momentum rule. Each returns its own
 * value; the ±0.5 sum and cap belong to the caller.
 *
 * Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - Mercury: inside a period (inclusive) -0.15; else 1..7 days before its start (pre-shadow)
 *   -0.08; else 1..7 days after its end (post-shadow) -0.05; periods are tried in table order.
 * - Lunar intensity: FULL 0.45 <= phase <= 0.55, NEW phase <= 0.05 or >= 0.95 (inclusive, as in
 *   the original); only TOTAL picks get a value; the quarter windows never trigger.
 * - Streak sign convention: streak > 0 is a winning streak of that length, < 0 a losing streak.
 *   for_team = the pick is on the streaking team. The original's router feeds 0, i.e. nothing.
 */
#ifndef SV_ENG_ALMANAC_H
#define SV_ENG_ALMANAC_H

#include <stdbool.h>
#include <stdint.h>

#include "why.h"

/**
 * @brief Mercury retrograde Phase 8 adjustment for a game date.
 * @param day day number of the game's UTC date
 * @returns -0.15 (retrograde), -0.08 (pre-shadow), -0.05 (post-shadow) or 0
 */
double eng_mercury_phase8(int64_t day, eng_why_t *why);

/**
 * @brief Lunar intensity Phase 8 value from a phase in [0, 1).
 * @param phase     lunar phase (eng_moon_phase())
 * @param is_total  the pick is a TOTAL (other picks get 0)
 * @param over      the side is Over (else Under)
 * @param triggered set to whether the phase is FULL or NEW, for any pick type (may be NULL)
 * @returns FULL: Over +0.25 / Under -0.15; NEW: Over -0.15 / Under +0.20; else 0
 */
double eng_lunar_intensity(double phase, bool is_total, bool over, bool *triggered, eng_why_t *why);

/**
 * @brief Streak momentum Phase 8 value.
 * @param streak   > 0 wins, < 0 losses (length = |streak|)
 * @param for_team the pick is on the streaking team
 * @param triggered set when the rule fires (may be NULL)
 * @returns >= 5 W: for -0.15 / against +0.25; >= 5 L: for +0.2 / against -0.1;
 *          3..4 W: for +0.15 / against -0.05; otherwise (3..4 L included) 0
 */
double eng_streak_momentum(int streak, bool for_team, bool *triggered);

#endif
