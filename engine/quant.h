/*
 * quant — the pure numbers of betting markets (spec/quant.md): odds conversion, implied
 * probability and overround, margin removal by the multiplicative, additive, power and Shin
 * methods, arbitrage across best prices, expected value, Kelly stake, closing-line value and
 * odds-aware profit and loss.
 *
 * Every function is pure: no allocation, no global state, no clock, so the same inputs give the
 * same bits on every call. Probabilities are plain doubles in [0, 1]; odds are decimal unless a
 * name says American. Functions that can fail on their input return sv_err_t and leave a defined
 * fallback in their outputs (documented per function); the others take inputs the caller has
 * already validated (decimal odds > 1, as schemas/wire.c guarantees).
 */
#ifndef SV_ENG_QUANT_H
#define SV_ENG_QUANT_H

#include <stdbool.h>
#include <stddef.h>

#include "sv_err.h"

/* Margin-removal methods, in the order of spec/quant.md. The names are config values. */
typedef enum eng_devig {
    ENG_DEVIG_MULT,  /* multiplicative (basic normalisation): p = q / B */
    ENG_DEVIG_ADD,   /* additive: p = q - (B - 1) / n, clamped and renormalised */
    ENG_DEVIG_POWER, /* power: p = q^k with sum 1 */
    ENG_DEVIG_SHIN,  /* Shin's insider model (the default for the consensus) */
    ENG_DEVIG__CNT,
} eng_devig_t;

/* Result of a settled bet, for eng_quant_pnl(). */
typedef enum eng_result {
    ENG_RESULT_WIN,
    ENG_RESULT_LOSS,
    ENG_RESULT_PUSH, /* also a void bet: the stake comes back */
} eng_result_t;

#define ENG_QUANT_TOL 1e-12     /* convergence tolerance of the power and Shin solvers */
#define ENG_QUANT_AMERICAN_MAX 100000 /* |American odds| the wire carries; conversions clamp to it */

/** @brief The method's config name ("multiplicative", "additive", "power", "shin"). */
const char *eng_quant_devig_name(eng_devig_t m);

/** @brief Look a method up by config name; SV_ERR_NOENT if unknown. */
sv_err_t eng_quant_devig_by_name(const char *name, eng_devig_t *m);

/**
 * @brief American odds to decimal: +A -> 1 + A/100, -A -> 1 + 100/A.
 * @param american |american| >= 100 (the wire's rule)
 * @returns decimal odds > 1. @locality any thread
 */
double eng_quant_american_to_decimal(int american);

/**
 * @brief Decimal odds to American as books quote them: d >= 2 gives +round((d - 1) * 100),
 *        d < 2 gives -round(100 / (d - 1)); round is to the nearest integer with halves away from
 *        zero, taken after the quotient is rounded to 1e-6 so that binary representation error
 *        (2.15 - 1 = 1.1499999...) cannot flip a half. A result between -100 and +100 is
 *        impossible (d = 2 gives +100); the magnitude is clamped to ENG_QUANT_AMERICAN_MAX.
 * @param dec decimal odds > 1
 * @returns American odds, 100 <= |result| <= ENG_QUANT_AMERICAN_MAX. @locality any thread
 */
int eng_quant_decimal_to_american(double dec);

/** @brief Implied probability 1/dec of decimal odds > 1. @locality any thread */
double eng_quant_implied(double dec);

/**
 * @brief The booksum B = sum of 1/dec[i] over n decimal odds; the overround is B - 1.
 * @locality any thread
 */
double eng_quant_booksum(const double *dec, size_t n);

/**
 * @brief Multiplicative de-vig: p[i] = q[i] / B.
 * @param q implied probabilities, each in (0, 1]; n >= 2
 * @param p out: n fair probabilities summing to 1 (may alias q)
 * @returns SV_OK, or SV_ERR_INVALID when n < 2 or a q[i] is not in (0, 1] (p untouched).
 * @locality any thread
 */
sv_err_t eng_quant_devig_mult(const double *q, size_t n, double *p);

/**
 * @brief Additive de-vig: p[i] = q[i] - (B - 1)/n. A long shot can go negative: such p[i] are
 *        clamped to 0 and the rest renormalised multiplicatively to sum 1, and *clamped is set.
 * @param clamped out (may be NULL): whether any p[i] was clamped
 * @returns as eng_quant_devig_mult(). @locality any thread
 */
sv_err_t eng_quant_devig_add(const double *q, size_t n, double *p, bool *clamped);

/**
 * @brief Power de-vig: p[i] = q[i]^k with k solved so that sum p[i] = 1, by Newton's method
 *        safeguarded by bisection on a bracket, to |step| <= ENG_QUANT_TOL (k > 1 when B > 1).
 * @param k out (may be NULL): the exponent
 * @returns SV_OK; SV_ERR_INVALID as eng_quant_devig_mult(); SV_ERR_RANGE when a q[i] is 1
 *          (no k exists): p then holds the multiplicative result and k is 1.
 * @locality any thread
 */
sv_err_t eng_quant_devig_power(const double *q, size_t n, double *p, double *k);

/**
 * @brief Shin de-vig: p[i] = (sqrt(z^2 + 4 (1 - z) q[i]^2 / B) - z) / (2 (1 - z)) with the insider
 *        share z. For n >= 3, z comes from the fixed-point iteration of Jullien and Salanie,
 *        z <- (sum sqrt(z^2 + 4 (1 - z) q[i]^2 / B) - 2) / (n - 2), from z = 0 until the step is
 *        <= ENG_QUANT_TOL. For n = 2 that iteration is undefined and Shin equals additive, so z is
 *        taken in closed form from that identity: z = (c - a^2) / (a (1 - a)), a = q[0] - (B-1)/2,
 *        c = q[0]^2 / B.
 * @param z out (may be NULL): the insider share
 * @returns SV_OK; SV_ERR_INVALID as eng_quant_devig_mult(); SV_ERR_RANGE when the model has no
 *          solution in [0, 1) (B <= 1, a long shot the additive rule would make negative, or no
 *          convergence in 1000 steps): p then holds the multiplicative result and z is 0.
 * @locality any thread
 */
sv_err_t eng_quant_devig_shin(const double *q, size_t n, double *p, double *z);

/**
 * @brief De-vig by method m (dispatch over the four functions above; no extra outputs).
 * @returns as the method's function; on SV_ERR_RANGE p holds the documented fallback.
 * @locality any thread
 */
sv_err_t eng_quant_devig(eng_devig_t m, const double *q, size_t n, double *p);

/**
 * @brief Arbitrage across the best decimal price of each of the n outcomes of one market:
 *        S = sum 1/best[i]; an arbitrage exists when S < 1, its profit is 1/S - 1 per unit
 *        staked in total, with stake shares (1/best[i]) / S.
 * @param S out: the sum; profit out: 1/S - 1 (negative when there is no arbitrage)
 * @param stakes out (may be NULL): n stake shares summing to 1
 * @returns whether S < 1. @locality any thread
 */
bool eng_quant_arb(const double *best, size_t n, double *S, double *profit, double *stakes);

/** @brief Expected value per unit staked at decimal odds d with probability p: p*d - 1. */
double eng_quant_ev(double p, double d);

/**
 * @brief Kelly stake: f* = (b p - (1 - p)) / b with b = d - 1, times fraction, clamped to
 *        [0, cap] (no edge gives 0).
 * @param fraction of Kelly to use (e.g. 0.25); cap the largest fraction of bankroll returned
 * @locality any thread
 */
double eng_quant_kelly(double p, double d, double fraction, double cap);

/** @brief Closing-line value of a bet at decimal d_bet against the close d_close: d_bet/d_close - 1. */
double eng_quant_clv(double d_bet, double d_close);

/**
 * @brief Profit and loss of a settled bet: a win pays stake (d - 1), a loss costs the stake, a
 *        push (or void) returns it (0). @locality any thread
 */
double eng_quant_pnl(eng_result_t r, double stake, double d);

#endif
