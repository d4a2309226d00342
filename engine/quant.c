/*
 * quant — odds conversion, margin removal, arbitrage, EV, Kelly, CLV and P/L (see quant.h and
 * docs/quant.md). Pure functions over small arrays; the two iterative solvers (power, Shin) run a
 * bounded number of steps and fall back to the multiplicative result when the model has no
 * solution, so a caller always gets probabilities that sum to 1.
 */
#include "quant.h"

#include "sv_util.h"

#include <math.h>
#include <string.h>

#define SOLVER_STEPS_MAX 1000 /* bound on any solver loop */

static const char *const devig_names[ENG_DEVIG__CNT] = {
    [ENG_DEVIG_MULT] = "multiplicative",
    [ENG_DEVIG_ADD] = "additive",
    [ENG_DEVIG_POWER] = "power",
    [ENG_DEVIG_SHIN] = "shin",
};

const char *eng_quant_devig_name(eng_devig_t m)
{
    return (unsigned)m < ENG_DEVIG__CNT ? devig_names[m] : "unknown";
}

sv_err_t eng_quant_devig_by_name(const char *name, eng_devig_t *m)
{
    for (int i = 0; i < ENG_DEVIG__CNT; i++) {
        if (strcmp(name, devig_names[i]) == 0) {
            *m = (eng_devig_t)i;
            return SV_OK;
        }
    }
    return SV_ERR_NOENT;
}

double eng_quant_american_to_decimal(int american)
{
    if (american >= 0)
        return 1.0 + (double)american / 100.0;
    return 1.0 + 100.0 / (double)-american;
}

/* Nearest integer, halves away from zero, after absorbing representation error below 1e-6. */
static double round_quoted(double x)
{
    return round(round(x * 1e6) / 1e6);
}

int eng_quant_decimal_to_american(double dec)
{
    double a;
    if (dec >= 2.0) {
        a = round_quoted((dec - 1.0) * 100.0);
        return a > ENG_QUANT_AMERICAN_MAX ? ENG_QUANT_AMERICAN_MAX : (int)a;
    }
    if (!(dec > 1.0) || (dec - 1.0) * ENG_QUANT_AMERICAN_MAX < 100.0)
        return -ENG_QUANT_AMERICAN_MAX;
    a = round_quoted(100.0 / (dec - 1.0));
    if (a > ENG_QUANT_AMERICAN_MAX)
        a = ENG_QUANT_AMERICAN_MAX;
    if (a < 100.0)
        a = 100.0;
    return -(int)a;
}

double eng_quant_implied(double dec)
{
    return 1.0 / dec;
}

double eng_quant_booksum(const double *dec, size_t n)
{
    double b = 0.0;
    for (size_t i = 0; i < n; i++)
        b += 1.0 / dec[i];
    return b;
}

/* n >= 2 and every q in (0, 1]; the sum into *B. */
static bool q_valid(const double *q, size_t n, double *B)
{
    double b = 0.0;
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!(q[i] > 0.0 && q[i] <= 1.0))
            return false;
        b += q[i];
    }
    *B = b;
    return true;
}

sv_err_t eng_quant_devig_mult(const double *q, size_t n, double *p)
{
    double B;
    if (!q_valid(q, n, &B))
        return SV_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        p[i] = q[i] / B;
    return SV_OK;
}

sv_err_t eng_quant_devig_add(const double *q, size_t n, double *p, bool *clamped)
{
    double B, m, sum = 0.0;
    bool neg = false;
    if (!q_valid(q, n, &B))
        return SV_ERR_INVALID;
    m = (B - 1.0) / (double)n;
    for (size_t i = 0; i < n; i++) {
        p[i] = q[i] - m;
        if (p[i] < 0.0) {
            p[i] = 0.0;
            neg = true;
        }
        sum += p[i];
    }
    if (neg) {
        /* sum > 0: the largest q minus m is positive whenever the overround is below n. */
        if (!(sum > 0.0))
            return eng_quant_devig_mult(q, n, p);
        for (size_t i = 0; i < n; i++)
            p[i] /= sum;
    }
    if (clamped)
        *clamped = neg;
    return SV_OK;
}

/* f(k) = sum q^k - 1 and its derivative, for the power method. */
static double power_f(const double *lq, size_t n, double k, double *df)
{
    double f = -1.0, d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = exp(k * lq[i]);
        f += t;
        d += t * lq[i];
    }
    *df = d;
    return f;
}

/* No solution: the multiplicative result, so p still sums to 1, and *param (k or z, when given)
 * gets its neutral value. SV_ERR_RANGE, or the multiplicative method's own error. */
static sv_err_t devig_fallback(const double *q, size_t n, double *p, double *param, double neutral)
{
    sv_err_t rc = eng_quant_devig_mult(q, n, p);
    if (param)
        *param = neutral;
    return rc == SV_OK ? SV_ERR_RANGE : rc;
}

sv_err_t eng_quant_devig_power(const double *q, size_t n, double *p, double *k)
{
    double B, lq[64], lo, hi, x, f, df;
    int steps = 0;

    if (!q_valid(q, n, &B) || n > SV_ARRAY_SIZE(lq))
        return SV_ERR_INVALID;
    for (size_t i = 0; i < n; i++) {
        if (q[i] >= 1.0)
            goto fallback;
        lq[i] = log(q[i]);
    }
    /* f is strictly decreasing from n - 1 at k = 0 to -1 as k grows: bracket the root. */
    lo = 1.0, hi = 1.0;
    if (B > 1.0) {
        hi = 2.0;
        while (power_f(lq, n, hi, &df) > 0.0 && steps++ < SOLVER_STEPS_MAX)
            lo = hi, hi *= 2.0;
    } else if (B < 1.0) {
        lo = 0.5;
        while (power_f(lq, n, lo, &df) < 0.0 && steps++ < SOLVER_STEPS_MAX)
            hi = lo, lo /= 2.0;
    }
    x = lo == hi ? 1.0 : (lo + hi) / 2.0;
    for (steps = 0; lo != hi && steps < SOLVER_STEPS_MAX; steps++) {
        double nx;
        f = power_f(lq, n, x, &df);
        if (f == 0.0)
            break;
        if (f > 0.0)
            lo = x;
        else
            hi = x;
        nx = df < 0.0 ? x - f / df : (lo + hi) / 2.0;
        if (!(nx > lo && nx < hi)) /* Newton left the bracket: bisect instead */
            nx = (lo + hi) / 2.0;
        if (fabs(nx - x) <= ENG_QUANT_TOL) {
            x = nx;
            break;
        }
        x = nx;
    }
    if (steps >= SOLVER_STEPS_MAX)
        goto fallback;
    for (size_t i = 0; i < n; i++)
        p[i] = exp(x * lq[i]);
    if (k)
        *k = x;
    return SV_OK;

fallback:
    return devig_fallback(q, n, p, k, 1.0);
}

/* Shin's probabilities for a given z. */
static void shin_p(const double *q, size_t n, double B, double z, double *p)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (sqrt(z * z + 4.0 * (1.0 - z) * q[i] * q[i] / B) - z) / (2.0 * (1.0 - z));
}

sv_err_t eng_quant_devig_shin(const double *q, size_t n, double *p, double *z)
{
    double B, x = 0.0;

    if (!q_valid(q, n, &B))
        return SV_ERR_INVALID;
    if (!(B > 1.0))
        goto fallback;
    if (n == 2) {
        double a = q[0] - (B - 1.0) / 2.0, c = q[0] * q[0] / B;
        if (!(a > 0.0 && a < 1.0))
            goto fallback;
        x = (c - a * a) / (a * (1.0 - a));
    } else {
        int steps;
        for (steps = 0; steps < SOLVER_STEPS_MAX; steps++) {
            double s = 0.0, nx;
            for (size_t i = 0; i < n; i++)
                s += sqrt(x * x + 4.0 * (1.0 - x) * q[i] * q[i] / B);
            nx = (s - 2.0) / (double)(n - 2);
            if (fabs(nx - x) <= ENG_QUANT_TOL) {
                x = nx;
                break;
            }
            x = nx;
        }
        if (steps >= SOLVER_STEPS_MAX)
            goto fallback;
    }
    if (!(x >= 0.0 && x < 1.0))
        goto fallback;
    shin_p(q, n, B, x, p);
    if (z)
        *z = x;
    return SV_OK;

fallback:
    return devig_fallback(q, n, p, z, 0.0);
}

sv_err_t eng_quant_devig(eng_devig_t m, const double *q, size_t n, double *p)
{
    switch (m) {
    case ENG_DEVIG_MULT: return eng_quant_devig_mult(q, n, p);
    case ENG_DEVIG_ADD: return eng_quant_devig_add(q, n, p, NULL);
    case ENG_DEVIG_POWER: return eng_quant_devig_power(q, n, p, NULL);
    case ENG_DEVIG_SHIN: return eng_quant_devig_shin(q, n, p, NULL);
    default: return SV_ERR_INVALID;
    }
}

bool eng_quant_arb(const double *best, size_t n, double *S, double *profit, double *stakes)
{
    double s = eng_quant_booksum(best, n);
    *S = s;
    *profit = 1.0 / s - 1.0;
    if (stakes)
        for (size_t i = 0; i < n; i++)
            stakes[i] = (1.0 / best[i]) / s;
    return s < 1.0;
}

double eng_quant_ev(double p, double d)
{
    return p * d - 1.0;
}

double eng_quant_kelly(double p, double d, double fraction, double cap)
{
    double b = d - 1.0, f;
    if (!(b > 0.0))
        return 0.0;
    f = (b * p - (1.0 - p)) / b * fraction;
    if (!(f > 0.0))
        return 0.0;
    return f > cap ? cap : f;
}

double eng_quant_clv(double d_bet, double d_close)
{
    return d_bet / d_close - 1.0;
}

double eng_quant_pnl(eng_result_t r, double stake, double d)
{
    switch (r) {
    case ENG_RESULT_WIN: return stake * (d - 1.0);
    case ENG_RESULT_LOSS: return -stake;
    default: return 0.0;
    }
}
