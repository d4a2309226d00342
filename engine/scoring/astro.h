/*
 * astro — the "Vedic" astro component of the esoteric engine (spec/original-scoring.md §3.2 Astro,
 * §3.6 planetary hour, nakshatra, retrogrades): a planetary-hour ruler from the weekday and the
 * clock hour, a nakshatra from a simple moon age, and a static retrograde table, combined into
 * overall = 0.40 hour + 0.35 nakshatra + 0.25 retro on a 0..100 scale.
 *
 * Time is the game's commence time in ms since the epoch, read in UTC fields (DESIGN.md §8 D1:
 * the original read the server's local wall clock). Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - The hour ruler uses the clock hour 0..23 directly: order[(index(day ruler) + hour) mod 7]
 *   (the VedicAstro variant that feeds the score, not the hour-mod-12 helper of esoteric_engine).
 * - The retrograde table (VedicAstro list, not the Phase 8 Mercury list) is compared on the UTC
 *   date, inclusive at both ends; each planet counts once. retro = 70 + 20 * (sum of the
 *   modifiers of the planets retrograde, summed Mercury, Venus, Mars).
 * - eng_astro() returns overall / 100 * 10 (before the 0.27 weight).
 */
#ifndef SV_ENG_ASTRO_H
#define SV_ENG_ASTRO_H

#include <stdint.h>

#include "why.h"

/**
 * @brief The astro component before its weight.
 * @param ms      game commence time, ms since the epoch UTC
 * @param overall set to the 0..100 overall score (may be NULL)
 * @param why     reasons, may be NULL
 * @returns overall / 100 * 10 (TV14: 6.65 at 2026-02-15 19:30)
 */
double eng_astro(int64_t ms, double *overall, eng_why_t *why);

/** @brief Planetary-hour ruler ("Saturn", "Jupiter", "Mars", "Sun", "Venus", "Mercury", "Moon"). */
const char *eng_astro_hour_ruler(int64_t ms);

/** @brief Modifier of a planet name (Saturn -0.5, Jupiter 1.0, Mars 0.5, Sun 0.8, Venus 0.7,
 *         Mercury 0, Moon 0.3); 0 for an unknown name. */
double eng_astro_planet_mod(const char *planet);

/**
 * @brief Nakshatra number 1..27: age = (whole days since 2024-01-11 + hour/24) mod 29.53,
 *        index = int(age / 29.53 * 27) mod 27, returned as index + 1.
 */
int eng_astro_nakshatra(int64_t ms);

/** @brief Name of nakshatra 1..27 ("Ashwini" … "Revati"); static string. */
const char *eng_astro_nakshatra_name(int nakshatra);

/** @brief Modifier of nakshatra 1..27 by nature: Light/Soft 0.5, Fierce/Sharp 0, others 0.2. */
double eng_astro_nakshatra_mod(int nakshatra);

/**
 * @brief Sum of the modifiers of the planets retrograde on a day (Mercury -0.3, Venus -0.2,
 *        Mars +0.1), from the VedicAstro table.
 * @param day day number of the UTC date
 * @param count set to the number of planets retrograde (may be NULL)
 */
double eng_astro_retro_sum(int64_t day, int *count);

#endif
