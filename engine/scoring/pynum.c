/*
 * pynum — Python-compatible rounding, float repr and digit roots (see pynum.h). Rounding and the
 * repr lean on glibc's printf/strtod, which convert exactly (correctly rounded, ties to even in
 * the default rounding mode), the same guarantee Python's dtoa gives.
 */
#include "pynum.h"

#include "sv_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double p10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

double eng_py_round(double x, int ndigits)
{
    char buf[400];
    double y, fl, f;

    if (!isfinite(x))
        return x;
    if (ndigits < 0)
        ndigits = 0;
    if (ndigits > 15)
        ndigits = 15;
    /* Fast path: when x·10^n is not within a whisker of a half, the error of the product (at
     * most an ulp) cannot change which integer is nearest, and integer / 10^n is correctly
     * rounded by IEEE division, i.e. the same double strtod gives for the decimal. */
    y = x * p10[ndigits];
    if (fabs(y) < 4503599627370496.0) { /* 2^52 */
        fl = floor(y);
        f = y - fl;
        if (fabs(f - 0.5) > 1e-6)
            return (f > 0.5 ? fl + 1.0 : fl) / p10[ndigits];
    }
    snprintf(buf, sizeof(buf), "%.*f", ndigits, x);
    return strtod(buf, NULL);
}

char *eng_py_repr(double x, char *buf, size_t size)
{
    char tmp[40];
    int prec, exp10;

    if (isnan(x)) {
        snprintf(buf, size, "nan");
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, size, "%s", x < 0 ? "-inf" : "inf");
        return buf;
    }
    if (x == 0) {
        snprintf(buf, size, "%s", signbit(x) ? "-0.0" : "0.0");
        return buf;
    }
    { /* fast path for the lines and scores the scoring prints (m / 10^k exactly) */
        char out[SV_DECIMAL_MAX + 1];
        int n = sv_fmt_decimal(x, out);
        if (n > 0) {
            out[n] = '\0';
            snprintf(buf, size, "%s", out);
            return buf;
        }
    }
    /* shortest precision that reads back to the same double */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    /* tmp = [-]d.ddde[+-]XX: split into digits and exponent */
    char digits[20];
    size_t nd = 0;
    const char *p = tmp;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    digits[nd] = '\0';
    exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';

    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            for (size_t i = 1; i < nd; i++)
                out[o++] = digits[i];
        }
        o += (size_t)snprintf(out + o, sizeof(out) - o, "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -exp10 - 1; i++)
            out[o++] = '0';
        for (size_t i = 0; i < nd; i++)
            out[o++] = digits[i];
    } else {
        size_t intlen = (size_t)exp10 + 1;
        for (size_t i = 0; i < intlen; i++)
            out[o++] = i < nd ? digits[i] : '0';
        out[o++] = '.';
        if (nd > intlen)
            for (size_t i = intlen; i < nd; i++)
                out[o++] = digits[i];
        else
            out[o++] = '0';
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
    return buf;
}

double eng_py_fmod(double x, double m)
{
    double r = fmod(x, m);

    if (r != 0.0) {
        if ((r < 0.0) != (m < 0.0))
            r += m;
    } else {
        r = copysign(0.0, m);
    }
    return r;
}

int eng_digit_sum(int64_t n)
{
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int s = 0;

    while (u) {
        s += (int)(u % 10);
        u /= 10;
    }
    return s;
}

int eng_dr(int64_t n)
{
    int64_t v = n < 0 ? -n : n;

    while (v > 9)
        v = eng_digit_sum(v);
    return (int)v;
}

int eng_dr_master(int64_t n)
{
    int64_t v = n < 0 ? -n : n;

    while (v > 9 && v != 11 && v != 22 && v != 33)
        v = eng_digit_sum(v);
    return (int)v;
}
