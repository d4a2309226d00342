/*
 * gann — Gann's square of nine boost (spec/original-scoring.md §3.4): the angle of a line is the
 * fractional part of √|x| times 360°; it is resonant within 10° of a multiple of 45°. A resonant
 * spread adds +0.15 (MODERATE) or +0.25 (STRONG: closest key angle 180 or 360), and +0.10 more
 * when the total is resonant too.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - Applies only when spread != 0 and total != 0 (else 0); the caller restricts it to game
 *   picks. With the 220 placeholder total (angle 299.66°) the combined +0.10 never fires.
 * - The closest key angle is the first of equal circular distances, so 0 always beats 360 and
 *   STRONG happens only near 180, as in the original.
 * - Resonance test is the original's: |angle − k| < 10 or |angle − k| > 350 for some k.
 */
#ifndef SV_ENG_GANN_H
#define SV_ENG_GANN_H

#include <stdbool.h>

#include "why.h"

/** Square-of-nine reading of one value. */
typedef struct eng_gann_sq {
    double angle;  /* frac(√|x|)·360, degrees in [0, 360) */
    bool resonant; /* within 10° of a key angle */
    int closest;   /* closest key angle 0, 45, …, 360 */
    int strength;  /* 0 WEAK, 1 MODERATE, 2 STRONG */
} eng_gann_sq_t;

/**
 * @brief Square-of-nine reading of one value.
 * @locality any thread
 */
void eng_gann_square(double x, eng_gann_sq_t *sq);

/**
 * @brief Gann boost of a game pick.
 * @param spread the candidate's spread
 * @param total the candidate's total
 * @param angle if not NULL, receives the spread's angle (0 when not applied)
 * @param why reasons, may be NULL
 * @returns 0, 0.10, 0.15, 0.25 or 0.35
 * @locality any thread
 */
double eng_gann(double spread, double total, double *angle, eng_why_t *why);

#endif
