/*
 * moon — the Moon as the original's esoteric signals see it (spec/original-scoring.md §3.6 void of
 * course, §3.2 daily energy's simple moon age, §3.4 Phase 8 lunar-intensity phase): the
 * truncated 10-term Meeus longitude series, the statistical void-of-course model built on it, the
 * fallback synodic phase, and the integer-day "moon age" counted from 2024-01-11.
 *
 * All inputs are event times in ms since the epoch, UTC (DESIGN.md §8 D1: the original's
 * "now" and its naive datetimes become the game's commence time, read in UTC fields).
 * Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - The Julian date is computed like the original's get_julian_date(): the Meeus calendar formula
 *   with day + hour/24 + minute/1440 + second/86400 (milliseconds ignored), not eng_cal_jd(), so
 *   the longitude matches the original bit for bit.
 * - The lunar-intensity phase is always the original's fallback formula (the production path with
 *   UTC-aware datetimes); the naive-datetime case that forces 0.5 (FULL) is a bug we do not copy.
 * - eng_moon_void() reports the confidence rounded to 2 dp, as the original returns it (the daily
 *   energy rule compares that rounded value with 0.5).
 */
#ifndef SV_ENG_MOON_H
#define SV_ENG_MOON_H

#include <stdbool.h>
#include <stdint.h>

/** @brief Ecliptic longitude of the Moon in degrees [0, 360) at @p ms (10-term Meeus series). */
double eng_moon_longitude(int64_t ms);

/** @brief Zodiac sign index 0 (Aries) .. 11 (Pisces) of a longitude: int(lon / 30) mod 12. */
int eng_moon_sign(double longitude);

/** @brief English name of a sign index 0..11 ("Aries" … "Pisces"); static string. */
const char *eng_moon_sign_name(int sign);

/** @brief Hours until the Moon leaves its sign: (30 - deg) / (13.176358 / 24), unrounded. */
double eng_moon_hours_to_sign_change(int64_t ms);

/**
 * @brief Void-of-course Moon (statistical model): with deg = longitude mod 30, void when
 *        deg >= 22 (confidence min(0.95, 0.5 + (deg - 22) * 0.056)) or else when the UTC hour is
 *        14..18 and deg >= 15 (confidence 0.35).
 * @param confidence set to the confidence rounded to 2 dp, 0.0 when not void (may be NULL)
 * @returns true when void
 */
bool eng_moon_void(int64_t ms, double *confidence);

/**
 * @brief The lunar-intensity phase in [0, 1): days = (t - 2000-01-01T18:14Z) in seconds / 86400,
 *        phase = (days mod 29.530588853) / 29.530588853 (Python's floor-mod, so earlier times
 *        are fine).
 */
double eng_moon_phase(int64_t ms);

/**
 * @brief The daily-energy moon age pd: whole days from 2024-01-11 to the UTC date of @p ms,
 *        mod 29.53 (Python float mod, result in [0, 29.53)).
 */
double eng_moon_simple_age(int64_t ms);

#endif
