/*
 * linesig — golden ratio, prime resonance and numerical symmetry of a line (see linesig.h).
 */
#include "linesig.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pynum.h"

#define LS_PHI 1.6180339887

static const int ls_primes[] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                                43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
static const double ls_mults[] = {1, 2, 5, 10};
static const double ls_divs[] = {10, 100};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

double eng_golden_ratio(double p, bool *triggered)
{
    double best = INFINITY;
    bool found = false;
    int i;

    if (p != 0) {
        for (i = 0; i < NELEM(ls_mults); i++) {
            double target = LS_PHI * ls_mults[i];
            double diff = fabs(p - target) / target;
            if (diff < 0.02 && diff < best) {
                best = diff;
                found = true;
            }
        }
        for (i = 0; i < NELEM(ls_divs); i++) {
            double diff = fabs(p / ls_divs[i] - LS_PHI) / LS_PHI;
            if (diff < 0.05 && diff < best) {
                best = diff;
                found = true;
            }
        }
    }
    if (triggered)
        *triggered = found;
    if (!found)
        return 0.5;
    return best < 0.02 ? 0.8 : 0.65;
}

static bool ls_is_prime(int64_t n, int count)
{
    int i;

    for (i = 0; i < count; i++)
        if (ls_primes[i] == n)
            return true;
    return false;
}

static int64_t ls_trunc(double x)
{
    return x < 9.2e18 ? (int64_t)x : INT64_MAX; /* int() of a line-sized value */
}

double eng_prime_resonance(double p, bool *triggered)
{
    int64_t iv = ls_trunc(fabs(p)), hv = ls_trunc(fabs(p) * 2), dist, best;
    int hits = 0, i;

    if (ls_is_prime(iv, NELEM(ls_primes)))
        hits++;
    if (ls_is_prime(hv, NELEM(ls_primes)))
        hits++;
    if (ls_is_prime(eng_digit_sum(iv), 10))
        hits++;
    if (triggered)
        *triggered = hits > 0;
    if (hits >= 2)
        return 0.75;
    if (hits == 1)
        return 0.65;
    best = INT64_MAX;
    for (i = 0; i < NELEM(ls_primes); i++) {
        dist = ls_primes[i] > iv ? ls_primes[i] - iv : iv - ls_primes[i];
        if (dist < best)
            best = dist;
    }
    return best <= 1 ? 0.55 : 0.5;
}

double eng_symmetry(double p, bool *triggered)
{
    char r[ENG_PY_REPR_MAX], s[ENG_PY_REPR_MAX];
    size_t n = 0, i, mid;
    int kinds = 0;
    bool same = true, digits = true, asc = true, desc = true, pal = true;

    eng_py_repr(fabs(p), r, sizeof(r));
    for (i = 0; r[i]; i++)
        if (r[i] != '.' && r[i] != '-')
            s[n++] = r[i];
    s[n] = '\0';
    if (triggered)
        *triggered = false;

    for (i = 0; i < n; i++) {
        if (s[i] != s[n - 1 - i])
            pal = false;
        if (s[i] != s[0])
            same = false;
        if (s[i] < '0' || s[i] > '9')
            digits = false;
        if (i > 0 && s[i] - s[i - 1] != 1)
            asc = false;
        if (i > 0 && s[i] - s[i - 1] != -1)
            desc = false;
    }
    if (pal && n >= 2)
        kinds++;
    if (same && n >= 2)
        kinds++;
    if (n >= 4) {
        mid = n / 2;
        /* s[:mid] == reversed(s[mid:]): only possible when the lengths match (even n) */
        if (n - mid == mid) {
            bool mirror = true;
            for (i = 0; i < mid; i++)
                if (s[i] != s[n - 1 - i])
                    mirror = false;
            if (mirror)
                kinds++;
        }
    }
    if (n >= 3) {
        if (!digits)
            return 0.5; /* the original's int(d) raises: CALCULATION_ERROR, score 0.5 */
        if (asc || desc)
            kinds++;
    }
    if (kinds == 0)
        return 0.5;
    if (triggered)
        *triggered = true;
    return kinds >= 2 ? 0.75 : 0.65;
}
