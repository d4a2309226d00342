/*
 * confluence — Research/Esoteric alignment into a level and a boost (see confluence.h).
 */
#include "confluence.h"

#include <math.h>

#define HIGH 7.5           /* both_high and harmonic threshold */
#define HARMONIC_BOOST 1.0 /* added by the override */

void eng_confluence(double research, double esoteric, bool immortal, bool any_trigger,
                    bool jarvis_active, bool sharp_present, double jason, eng_confluence_t *out,
                    eng_why_t *why)
{
    double align = (1.0 - fabs(research - esoteric) / 10.0) * 100.0;
    bool both_high = research >= HIGH && esoteric >= HIGH;
    const char *level;
    double boost;

    if (immortal && both_high && align >= 80.0) {
        level = "IMMORTAL";
        boost = 1.5;
    } else if (any_trigger && both_high && align >= 80.0) {
        level = "JARVIS_PERFECT";
        boost = 1.5;
    } else if (both_high && align >= 80.0) {
        level = "PERFECT";
        boost = 1.5;
    } else if (align >= 80.0 && (jarvis_active || sharp_present || jason != 0.0)) {
        level = "STRONG";
        boost = 1.0;
    } else if (align >= 60.0) {
        level = "MODERATE";
        boost = 0.3;
    } else {
        level = "DIVERGENT";
        boost = 0.0;
    }
    out->harmonic = both_high;
    if (both_high) {
        eng_why_add(why, "confluence: %s %.1f%% + harmonic convergence (R %.2f, E %.2f) +%.2f",
                    level, align, research, esoteric, boost + HARMONIC_BOOST);
        level = "HARMONIC_CONVERGENCE";
        boost += HARMONIC_BOOST;
    } else {
        eng_why_add(why, "confluence: %s (alignment %.1f%%) +%.2f", level, align, boost);
    }
    out->level = level;
    out->boost = boost;
    out->alignment = align;
}
