/*
 * confluence — agreement between the Research and Esoteric engines (spec/original-scoring.md
 * §7.4, JarvisSavantEngine.calculate_confluence) with the harmonic-convergence override, giving a
 * level name and a boost that enters the capped total of post-base boosts (§7.2).
 *
 * alignment = (1 − |research − esoteric|/10)·100, computed in that order in doubles (§10.7).
 * Levels, first match: IMMORTAL (2178 ∧ both ≥ 7.5 ∧ align ≥ 80) 1.5; JARVIS_PERFECT (any
 * trigger ∧ both high ∧ align ≥ 80) 1.5; PERFECT (both high ∧ align ≥ 80) 1.5; STRONG
 * (align ≥ 80 ∧ (jarvis_active ∨ sharp ∨ jason ≠ 0)) 1.0; MODERATE (align ≥ 60) 0.3;
 * DIVERGENT 0. Override: research ≥ 7.5 ∧ esoteric ≥ 7.5 → level HARMONIC_CONVERGENCE, boost
 * + 1.0 (so 2.5 or 1.3; the 1.5 total-boost cap of eng_final() applies later).
 *
 * Decision (copied to docs/scoring.md): the levels are one if/elif chain, so align ≥ 80 without
 * any of STRONG's conditions (jarvis inactive, no sharp money, Jason 0) falls through to MODERATE;
 * in the live original jarvis_active is always true, so this case does not arise there.
 *
 * Pure function: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_CONFLUENCE_H
#define SV_ENG_CONFLUENCE_H

#include <stdbool.h>

#include "why.h"

typedef struct eng_confluence {
    const char *level; /* IMMORTAL, JARVIS_PERFECT, PERFECT, STRONG, MODERATE, DIVERGENT or
                          HARMONIC_CONVERGENCE (static string) */
    double boost;      /* confluence boost, before the total-boost cap */
    double alignment;  /* (1 − |R − E|/10)·100, unrounded */
    bool harmonic;     /* the harmonic-convergence override fired */
} eng_confluence_t;

/**
 * @brief Confluence of one candidate.
 * @param immortal the 2178 trigger was detected by Jarvis
 * @param any_trigger any Jarvis trigger hit
 * @param jarvis_active Jarvis had its inputs (always true in the live original)
 * @param sharp_present the game has a sharp signal (strength not NONE)
 * @param jason the Jason Sim boost (only "≠ 0" matters)
 * @locality any thread
 */
void eng_confluence(double research, double esoteric, bool immortal, bool any_trigger,
                    bool jarvis_active, bool sharp_present, double jason, eng_confluence_t *out,
                    eng_why_t *why);

#endif
