/*
 * spacew — space-weather and date-seeded "physics" signals of the esoteric engine
 * (spec/original-scoring.md §3.3 Kp-index and Schumann rows, §3.4 Phase 8 solar flare, §7.2 Kp
 * multiplier on FINAL, §10 hazard 3): CPython's Mersenne Twister reproduced bit for bit, the
 * Schumann fallback that it drives, and the rules that turn a Kp index or a GOES X-ray flux into
 * a GLITCH score, a trigger, a FINAL multiplier and a Phase 8 chaos value.
 *
 * Pure functions (the generator state is the caller's): no allocation, no globals, no clock.
 * Callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - eng_mt_seed() takes the non-negative seed as uint64_t; the key words are its 32-bit words,
 *   least significant first, with at least one word (seed 0 -> key [0]), exactly as CPython's
 *   random.seed(int) does for seeds below 2^64.
 * - eng_schumann() takes a day number; the seed is the integer YYYYMMDD of that (UTC) day.
 * - eng_solar_flare() returns the Phase 8 contribution, i.e. chaos_boost x 0.5 when triggered and
 *   0 otherwise: X-ray data present -> X class (flux >= 1e-4) 0.15, M class (>= 1e-5) 0.075,
 *   quieter 0 (no Kp fallback once X-ray data is present); without X-ray data the Kp fallback:
 *   Kp >= 7 -> 0.05, 6 <= Kp < 7 -> 0.025, Kp < 6 -> 0 (Kp 5..6 has a chaos value but is not
 *   triggered, so it adds nothing).
 */
#ifndef SV_ENG_SPACEW_H
#define SV_ENG_SPACEW_H

#include <stdbool.h>
#include <stdint.h>

#include "why.h"

#define ENG_MT_N 624 /* MT19937 state words */

/* MT19937 state, as CPython's random.Random holds it. Embedded; no _release needed. */
typedef struct eng_mt {
    uint32_t mt[ENG_MT_N]; /* state vector */
    int i;                 /* next word to temper; ENG_MT_N forces a regeneration */
} eng_mt_t;

/**
 * @brief Seed like CPython's random.seed(seed) for a non-negative int: init_by_array() with the
 *        32-bit words of seed (least significant first, at least one word).
 * @param m state to initialise (caller owned)
 * @locality any thread; m must not be shared
 */
void eng_mt_seed(eng_mt_t *m, uint64_t seed);

/** @brief The next raw 32-bit output (genrand_uint32). */
uint32_t eng_mt_next(eng_mt_t *m);

/**
 * @brief CPython's random.random(): (a * 2^26 + b) / 2^53 with a = next >> 5, b = next >> 6.
 * @returns a double in [0, 1)
 */
double eng_mt_random(eng_mt_t *m);

/**
 * @brief The Schumann fallback of GLITCH (used when no Kp reading is present): seed with the
 *        integer YYYYMMDD of @p day, dev = (random() - 0.5) * 1.0; |dev| < 0.1 "NORMAL",
 *        < 0.3 "SLIGHTLY_ELEVATED"/"SLIGHTLY_DEPRESSED" (by the sign of dev), else
 *        "ELEVATED"/"DEPRESSED" (dev > 0 elevated). The status uses the unrounded dev.
 * @param day    day number (days since 1970-01-01) of the game's UTC date
 * @param status set to a static string (may be NULL)
 * @param hz     set to round(7.83 + dev, 2) (may be NULL)
 * @param why    reasons, may be NULL
 * @returns the GLITCH score: 0.7 NORMAL, 0.5 when the status contains "ELEVATED", else 0.6
 */
double eng_schumann(int64_t day, const char **status, double *hz, eng_why_t *why);

/** @brief GLITCH "triggered" for Schumann: the status contains "ELEVATED". */
bool eng_schumann_triggered(const char *status);

/** @brief GLITCH Kp score: Kp <= 2 0.8; <= 3 0.7; <= 4 0.5; <= 5 0.4; else 0.3. */
double eng_kp_score(double kp);

/** @brief GLITCH Kp trigger: Kp <= 2 or Kp > 4. */
bool eng_kp_triggered(double kp);

/* The Kp multiplier on FINAL (§7.2) is eng_kp_multiplier() in final.h. */

/**
 * @brief Phase 8 solar-flare contribution, already scaled x0.5 (see the file comment).
 * @param has_xray  a live GOES X-ray flux is present
 * @param xray_flux the flux in W/m^2 (read only when has_xray)
 * @param has_kp    a Kp reading is present (read only when !has_xray)
 * @param kp        the Kp index
 * @param triggered set to whether the signal fired (may be NULL)
 * @returns 0.15, 0.075, 0.05, 0.025 or 0
 */
double eng_solar_flare(bool has_xray, double xray_flux, bool has_kp, double kp, bool *triggered);

#endif
