/*
 * glitch — the GLITCH protocol aggregation (spec/original-scoring.md §3.3): a weighted average of
 * the GLITCH signals that are present, scaled to 0–10 and rounded to 2 decimals, turned into the
 * additive esoteric adjustment (glitch_10 − 5.0) × 0.15 (range ±0.75). The per-signal scores are
 * computed elsewhere (chrome, void moon, noosphere, Kp/Schumann) or in hurst.h / linesig.h.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 *
 * Decisions (copied into docs/scoring.md by the integrator):
 * - Sums run in the spec table's order (chrome, void, noosphere, hurst, kp/schumann, golden,
 *   prime, symmetry) as weighted += s·w, total += w; then glitch = weighted / total; this order
 *   gives TV17's 6.31 and 6.91 exactly.
 * - Nothing present: the original's glitch is 0.5, so glitch_10 = 5.0 and the adjustment is 0.
 * - Kp-index and Schumann share one slot; the caller fills it with whichever applies.
 */
#ifndef SV_ENG_GLITCH_H
#define SV_ENG_GLITCH_H

#include <stdbool.h>

#include "why.h"

/** One GLITCH signal as computed by its module. */
typedef struct eng_glitch_sig {
    bool present;   /* the signal is available for this candidate */
    double score;   /* its score, 0..1 */
    bool triggered; /* it fired (reported in reasons, does not change the score) */
} eng_glitch_sig_t;

/* Signal slots, in the order the original sums them. */
enum {
    ENG_GLITCH_CHROME,
    ENG_GLITCH_VOID,
    ENG_GLITCH_NOOSPHERE,
    ENG_GLITCH_HURST,
    ENG_GLITCH_KP, /* Kp-index, or Schumann when Kp is unavailable */
    ENG_GLITCH_GOLDEN,
    ENG_GLITCH_PRIME,
    ENG_GLITCH_SYMMETRY,
    ENG_GLITCH__CNT
};

/** The original's weights: 0.20, 0.12, 0.15, 0.25, 0.33, 0.04, 0.03, 0.03. */
extern const double eng_glitch_default_weights[ENG_GLITCH__CNT];

/**
 * @brief Name of a GLITCH slot ("chrome", "void_moon", …) for reasons and explain output.
 * @returns a static string, "?" for an index out of range
 * @locality any thread
 */
const char *eng_glitch_name(int slot);

/**
 * @brief GLITCH aggregation.
 * @param sig the signals, indexed by slot (borrowed)
 * @param weights the weights, indexed by slot (usually eng_glitch_default_weights)
 * @param glitch10 if not NULL, receives round(10·glitch, 2) (5.0 when nothing is present)
 * @param why reasons, may be NULL
 * @returns glitch_adj = (glitch10 − 5.0) × 0.15
 * @locality any thread
 */
double eng_glitch(const eng_glitch_sig_t sig[ENG_GLITCH__CNT],
                  const double weights[ENG_GLITCH__CNT], double *glitch10, eng_why_t *why);

#endif
