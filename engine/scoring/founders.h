/*
 * founders — Founder's Echo, an additive esoteric boost (spec/original-scoring.md §3.4, table
 * §A.1): a team "resonates" when the upper-case ordinal gematria g of its name equals the digit
 * sum ys of its founding year, or g mod ys = 0, or (game year − founding year) mod g = 0.
 *
 * Reproduced exactly, quirks included:
 *  - The founding year is looked up by exact, case-sensitive nickname ("Lakers"); a full name
 *    such as "Los Angeles Lakers" is not a key and gets year 1900 (ys 10), as in the original.
 *  - A name without ASCII letters has g = 0, and 0 mod ys = 0, so it resonates.
 *  - The gematria is eng_gem_upper_ordinal(): ASCII letters only (gematria.h decision).
 *  - The game year is the UTC year of the game's commence time (D1), not the wall clock.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_FOUNDERS_H
#define SV_ENG_FOUNDERS_H

#include <stdbool.h>

#include "scoring/why.h"

/**
 * @brief Founding year of a team nickname from the §A.1 table (119 keys, exact match).
 * @param name borrowed; NULL = ""
 * @returns the year, or 1900 when the name is not a key
 */
int eng_founders_year(const char *name);

/** @brief Founder's Echo resonance of one team for a game in game_year. */
bool eng_founders_resonates(const char *name, int game_year);

/**
 * @brief Founder's Echo boost of a game (§3.4): +0.20 when one team resonates, +0.35 when
 *        both do, else 0.
 * @param home, away team names as the feed gives them, borrowed; NULL = ""
 * @param game_year  UTC year of the game's commence time
 * @param why        optional reasons: each resonating team and why
 * @returns 0, 0.20 or 0.35
 * @locality any thread
 */
double eng_founders_echo(const char *home, const char *away, int game_year, eng_why_t *why);

#endif
