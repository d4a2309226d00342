/*
 * phase8 — Phase 8 sum and clamp (see phase8.h).
 */
#include "phase8.h"

#include <math.h>

#include "pynum.h"

double eng_phase8(const eng_phase8_in_t *in, eng_why_t *why)
{
    double t = 0.0, r;

    t += in->lunar;
    t += in->mercury;
    t += in->rivalry;
    t += in->streak;
    t += in->solar;
    r = eng_py_round(fmax(-ENG_PHASE8_CAP, fmin(ENG_PHASE8_CAP, t)), 3);
    if (r != 0.0)
        eng_why_add(why,
                    "phase 8: lunar %+.2f mercury %+.2f rivalry %+.2f streak %+.2f solar %+.3f "
                    "= %+.3f%s",
                    in->lunar, in->mercury, in->rivalry, in->streak, in->solar, r,
                    t != r && fabs(t) > ENG_PHASE8_CAP ? " (capped)" : "");
    return r;
}
