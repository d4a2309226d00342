/*
 * pynum — the number rules the original (Python) scoring depends on, reproduced bit for bit
 * (spec/original-scoring.md §10): round(x, n) half-to-even on the exact binary value, str(float)
 * as the shortest round-trip repr with ".0" kept for integral values, and the digit roots dr()
 * and dr*() with the master stop at 11, 22, 33.
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_PYNUM_H
#define SV_ENG_PYNUM_H

#include <stddef.h>
#include <stdint.h>

#define ENG_PY_REPR_MAX 32 /* buffer size that holds any eng_py_repr() result */

/**
 * @brief Python's round(x, ndigits) for 0 <= ndigits <= 15: the decimal nearest to the exact
 *        binary value of x, halves to even (8.645 -> 8.64 because 8.645 is stored as
 *        8.6449999...). NaN and infinities are returned unchanged.
 */
double eng_py_round(double x, int ndigits);

/**
 * @brief Python's repr(float) / str(float): the shortest string that reads back to x, in fixed
 *        notation with ".0" for integral values ("220.0", "-5.5", "0.1") and Python's exponent
 *        form outside 1e-4 <= |x| < 1e16 ("1e-05", "1e+16"); "nan", "inf", "-inf".
 * @param buf at least ENG_PY_REPR_MAX bytes
 * @returns buf
 */
char *eng_py_repr(double x, char *buf, size_t size);

/** @brief Python's float x % m: fmod with the sign of the divisor (-1 % 360 is 359). */
double eng_py_fmod(double x, double m);

/** @brief Sum of the decimal digits of |n|. */
int eng_digit_sum(int64_t n);

/** @brief dr(n): repeated digit sum of |n| until <= 9 (no master stop); dr(0) = 0. */
int eng_dr(int64_t n);

/**
 * @brief dr*(n): like eng_dr() but stops as soon as the running value is 11, 22 or 33 (the
 *        master stop), including when n itself is one of them.
 */
int eng_dr_master(int64_t n);

#endif
