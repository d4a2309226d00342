/*
 * gann — square of nine (see gann.h).
 */
#include "gann.h"

#include <math.h>

#include "pynum.h"

static const int gann_keys[] = {0, 45, 90, 135, 180, 225, 270, 315, 360};
#define GANN_N ((int)(sizeof(gann_keys) / sizeof(gann_keys[0])))

void eng_gann_square(double x, eng_gann_sq_t *sq)
{
    double r = sqrt(fabs(x)), best = INFINITY;
    int i;

    sq->angle = (r - trunc(r)) * 360;
    sq->resonant = false;
    sq->closest = 0;
    for (i = 0; i < GANN_N; i++) {
        double d = fabs(sq->angle - gann_keys[i]);
        double c = fmin(fmin(d, fabs(sq->angle - gann_keys[i] + 360)),
                        fabs(sq->angle - gann_keys[i] - 360));
        if (d < 10 || d > 350)
            sq->resonant = true;
        if (c < best) {
            best = c;
            sq->closest = gann_keys[i];
        }
    }
    if (!sq->resonant)
        sq->strength = 0;
    else if (sq->closest == 180 || sq->closest == 360)
        sq->strength = 2;
    else
        sq->strength = 1;
}

double eng_gann(double spread, double total, double *angle, eng_why_t *why)
{
    eng_gann_sq_t s, t;
    double boost = 0.0;
    char b[ENG_PY_REPR_MAX];

    if (angle)
        *angle = 0.0;
    if (spread == 0 || total == 0)
        return 0.0;
    eng_gann_square(spread, &s);
    eng_gann_square(total, &t);
    if (angle)
        *angle = s.angle;
    if (s.strength == 2)
        boost = 0.25;
    else if (s.strength == 1)
        boost = 0.15;
    if (s.resonant && t.resonant)
        boost += 0.10;
    if (boost != 0.0) {
        eng_py_repr(spread, b, sizeof(b));
        eng_why_add(why, "gann: spread %s at %.1f deg near %d (%s%s) +%.2f", b, s.angle,
                    s.closest, s.strength == 2 ? "STRONG" : "MODERATE",
                    t.resonant ? ", total resonant too" : "", boost);
    }
    return boost;
}
