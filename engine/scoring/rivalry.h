/*
 * rivalry — the Phase 8 rivalry signal (spec/original-scoring.md §3.4, table §A.2): 204 known
 * rivalries in five sports as static data; a rivalry TOTAL pick gets an Under boost / Over
 * penalty by intensity (HIGH Under +0.25 / Over −0.15; MEDIUM Under +0.15 / Over −0.08).
 *
 * Pure functions over static const data: no allocation, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - The sport restricts the search to its own block, as in the original
 *   (MAJOR_RIVALRIES.get(sport.upper())): "NBA", "NFL", "NHL", "MLB", "NCAAB", compared without
 *   case; any other sport has no rivalries.
 * - A side matches when ANY of its keywords is a substring of the team name compared without
 *   ASCII case (the original lower-cases the name; keywords are lower-case ASCII).
 * - A pair matches in either orientation (home ~ A and away ~ B, or home ~ B and away ~ A); the
 *   first matching pair in list order wins.
 * - Only TOTAL picks use the value (the caller's rule); eng_rivalry_value() takes the side.
 */
#ifndef SV_ENG_RIVALRY_H
#define SV_ENG_RIVALRY_H

#include <stdbool.h>

#define ENG_RIVALRY_NONE 0
#define ENG_RIVALRY_MEDIUM 1
#define ENG_RIVALRY_HIGH 2
#define ENG_RIVALRY_PAIRS 204 /* pairs in the table (§A.2) */

/**
 * @brief Rivalry level of a game.
 * @param sport sport code ("NBA", …), any case
 * @param home home team name
 * @param away away team name
 * @param pair if not NULL, receives the matching table row "a|b ~ c|d" (static) or NULL
 * @returns ENG_RIVALRY_NONE, ENG_RIVALRY_MEDIUM or ENG_RIVALRY_HIGH
 * @locality any thread
 */
int eng_rivalry(const char *sport, const char *home, const char *away, const char **pair);

/**
 * @brief Number of table rows for a sport (any case), or of the whole table when sport is NULL.
 * @locality any thread
 */
int eng_rivalry_pairs(const char *sport);

/**
 * @brief Phase 8 value of a rivalry for a TOTAL pick.
 * @param level ENG_RIVALRY_*
 * @param over true for Over, false for Under
 * @returns HIGH: Under +0.25 / Over −0.15; MEDIUM: Under +0.15 / Over −0.08; none: 0
 * @locality any thread
 */
double eng_rivalry_value(int level, bool over);

#endif
