/*
 * venue — stadium facts and the esoteric boosts that read them (spec/original-scoring.md §3.4):
 * altitude (NFL/MLB), playing surface (NFL/MLB) and the MLB park factor. The spec gives no venue
 * data, so the tables are small static data keyed by team-name keywords (lower-case substrings,
 * compared without ASCII case) and hold only public venue facts we are sure of; a team not in a
 * table has no effect. The tables are data, meant to be extended.
 *
 * Pure functions over static const data: no allocation, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - Altitude: feet >= 5000 -> MLB +0.8, NFL +0.3; >= 3000 -> +0.2; else 0; other sports 0. The
 *   original gates it behind STADIUM_ENABLED (default false) and adds it from two consecutive
 *   blocks, i.e. twice; eng_altitude() returns the single value and the caller decides both.
 * - Surface: NFL/MLB only. TURF: a market naming passing ("pass") +0.10, rushing ("rush") −0.05,
 *   a totals market on the Over +0.05 (scoring); GRASS: rushing +0.05. The spec elides the rest
 *   of the grass rule ("…"), so nothing else is applied. Prop values do not depend on the side
 *   (the spec names none); the totals value applies to Over only.
 * - Park factor: f outside [0.95, 1.05] (strict); batter (f − 1)·avg·0.5, pitcher (1 − f)·avg·0.3,
 *   avg = prop_line or 3.5 when the line is 0. Factors are approximate multi-year run factors from
 *   public park-factor tables, listed only for the parks clearly outside the band.
 */
#ifndef SV_ENG_VENUE_H
#define SV_ENG_VENUE_H

#include <stdbool.h>

#include "why.h"

/**
 * @brief Altitude boost of a game at the home team's venue.
 * @param sport "NFL" or "MLB" (any case); other sports give 0
 * @param home home team name
 * @param feet if not NULL, receives the venue's altitude (0 when unknown)
 * @returns 0.8, 0.3, 0.2 or 0 (the single value; see the decisions above)
 * @locality any thread
 */
double eng_altitude(const char *sport, const char *home, int *feet);

/**
 * @brief The altitude rule alone: feet >= 5000 -> MLB 0.8, NFL 0.3; >= 3000 -> 0.2; else 0;
 *        sports other than NFL and MLB 0.
 * @locality any thread
 */
double eng_altitude_boost(const char *sport, int feet);

/**
 * @brief Surface boost of a pick at the home team's venue.
 * @param sport "NFL" or "MLB" (any case); other sports give 0
 * @param home home team name
 * @param market market key ("totals", "player_pass_yds", "player_rush_yds", …)
 * @param side "Over", "Under" or a team (only Over matters, for totals)
 * @param why reasons, may be NULL
 * @returns +0.10, +0.05, 0 or −0.05
 * @locality any thread
 */
double eng_surface(const char *sport, const char *home, const char *market, const char *side,
                   eng_why_t *why);

/**
 * @brief MLB park factor of the home team's park, 1.0 when not in the table.
 * @locality any thread
 */
double eng_park_factor_of(const char *home);

/**
 * @brief The park-factor rule alone: 0 when 0.95 <= f <= 1.05, else batter (f − 1)·avg·0.5,
 *        pitcher (1 − f)·avg·0.3 with avg = prop_line, or 3.5 when prop_line is 0.
 * @locality any thread
 */
double eng_park_adj(double f, bool batter, double prop_line);

/**
 * @brief MLB park-factor adjustment (added to esoteric after BASE, §7.0 step 9).
 * @param home home team name (the caller applies it to MLB only)
 * @param batter true for a batter prop, false for a pitcher prop
 * @param prop_line the prop line (0 -> average 3.5)
 * @param why reasons, may be NULL
 * @returns the adjustment, 0 when the factor is within [0.95, 1.05]
 * @locality any thread
 */
double eng_park_factor(const char *home, bool batter, double prop_line, eng_why_t *why);

#endif
