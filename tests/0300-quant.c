/*
 * 0300–0319: the quant library (engine/quant.h) against every vector of spec/quant.md.
 *
 * Vectors given there with full digits are checked to 1e-9; those given to six decimals are
 * checked to half a unit of the last digit (5e-7) and, where a 40-digit value was computed
 * independently (mpmath, from the formulas of spec/quant.md, not from this code), also to 1e-9.
 */
#include <stdint.h>

#include "harness.h"
#include "quant.h"

#define EPS 1e-9
#define EPS6 5e-7

static const double odds3[3] = {2.6, 2.4, 4.3};
static const double odds2[2] = {1.5, 2.74};

static void implied(const double *d, size_t n, double *q)
{
    for (size_t i = 0; i < n; i++)
        q[i] = eng_quant_implied(d[i]);
}

int test_0300_quant_american_to_decimal(void);
int test_0300_quant_american_to_decimal(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_american_to_decimal(150), 2.50, EPS);
    T_ASSERT_DBL(eng_quant_american_to_decimal(-110), 1.9090909090909090, EPS);
    T_ASSERT_DBL(eng_quant_american_to_decimal(-200), 1.50, EPS);
    T_ASSERT_DBL(eng_quant_american_to_decimal(100), 2.0, EPS);
    T_ASSERT_DBL(eng_quant_american_to_decimal(-100), 2.0, EPS);
    T_ASSERT_DBL(eng_quant_american_to_decimal(100000), 1001.0, EPS);
    T_END;
}

int test_0301_quant_decimal_to_american(void);
int test_0301_quant_decimal_to_american(void)
{
    T_BEGIN;
    T_ASSERT_INT(eng_quant_decimal_to_american(2.5), ==, 150);
    T_ASSERT_INT(eng_quant_decimal_to_american(1.0 + 100.0 / 110.0), ==, -110);
    T_ASSERT_INT(eng_quant_decimal_to_american(1.5), ==, -200);
    T_ASSERT_INT(eng_quant_decimal_to_american(2.0), ==, 100);
    T_ASSERT_INT(eng_quant_decimal_to_american(2.15), ==, 115); /* 114.99999... in binary */
    T_ASSERT_INT(eng_quant_decimal_to_american(2.105), ==, 111); /* half: away from zero */
    T_ASSERT_INT(eng_quant_decimal_to_american(1.909), ==, -110); /* 110.011 */
    T_ASSERT_INT(eng_quant_decimal_to_american(1.995), ==, -101); /* 100.50...: nearest is 101 */
    T_ASSERT_INT(eng_quant_decimal_to_american(1.999), ==, -100); /* never inside (-100, 100) */
    T_ASSERT_INT(eng_quant_decimal_to_american(10000.0), ==, 100000); /* clamped */
    T_ASSERT_INT(eng_quant_decimal_to_american(1.0001), ==, -100000); /* clamped */
    /* Every American price survives American -> decimal -> American. */
    for (int a = 100; a <= 100000; a++) {
        T_ASSERT_INT(eng_quant_decimal_to_american(eng_quant_american_to_decimal(a)), ==, a);
        T_ASSERT_INT(eng_quant_decimal_to_american(eng_quant_american_to_decimal(-a)), ==,
                     a == 100 ? 100 : -a);
    }
    T_END;
}

int test_0302_quant_booksum(void);
int test_0302_quant_booksum(void)
{
    double d[2] = {eng_quant_american_to_decimal(-110), eng_quant_american_to_decimal(-110)};
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_implied(2.5), 0.4, EPS);
    T_ASSERT_DBL(eng_quant_booksum(d, 2), 1.0476190476190476, EPS);
    T_ASSERT_DBL(eng_quant_booksum(d, 2) - 1.0, 0.0476190476190476, EPS);
    T_ASSERT_DBL(eng_quant_booksum(odds3, 3), 1.033840, EPS6);
    T_ASSERT_DBL(eng_quant_booksum(odds3, 3), 1.0338401908169350, EPS);
    T_END;
}

int test_0303_quant_devig_mult(void);
int test_0303_quant_devig_mult(void)
{
    double q[3], p[3];
    T_BEGIN;
    implied(odds3, 3, q);
    T_ASSERT_INT(eng_quant_devig_mult(q, 3, p), ==, SV_OK);
    T_ASSERT_DBL(p[0], 0.372026, EPS6);
    T_ASSERT_DBL(p[1], 0.403028, EPS6);
    T_ASSERT_DBL(p[2], 0.224946, EPS6);
    T_ASSERT_DBL(p[0], 0.37202595529920692, EPS);
    T_ASSERT_DBL(p[1], 0.40302811824080750, EPS);
    T_ASSERT_DBL(p[2], 0.22494592645998558, EPS);
    implied(odds2, 2, q);
    T_ASSERT_INT(eng_quant_devig_mult(q, 2, p), ==, SV_OK);
    T_ASSERT_DBL(p[0], 0.646226, EPS6);
    T_ASSERT_DBL(p[1], 0.353774, EPS6);
    T_ASSERT_DBL(p[0], 0.64622641509433962, EPS);
    T_END;
}

int test_0304_quant_devig_add(void);
int test_0304_quant_devig_add(void)
{
    double q[3], p[3];
    bool clamped = true;
    T_BEGIN;
    implied(odds3, 3, q);
    T_ASSERT_INT(eng_quant_devig_add(q, 3, p, &clamped), ==, SV_OK);
    T_ASSERT(!clamped);
    T_ASSERT_DBL(p[0], 0.373335, EPS6);
    T_ASSERT_DBL(p[1], 0.405387, EPS6);
    T_ASSERT_DBL(p[2], 0.221278, EPS6);
    T_ASSERT_DBL(p[0], 0.37333532100973961, EPS);
    T_ASSERT_DBL(p[1], 0.40538660306102167, EPS);
    T_ASSERT_DBL(p[2], 0.22127807592923872, EPS);
    implied(odds2, 2, q);
    T_ASSERT_INT(eng_quant_devig_add(q, 2, p, NULL), ==, SV_OK);
    T_ASSERT_DBL(p[0], 0.6508515815085157, EPS);
    T_ASSERT_DBL(p[1], 0.34914841849148415, EPS);
    T_END;
}

int test_0305_quant_devig_power(void);
int test_0305_quant_devig_power(void)
{
    double q[3], p[3], k = 0;
    T_BEGIN;
    implied(odds3, 3, q);
    T_ASSERT_INT(eng_quant_devig_power(q, 3, p, &k), ==, SV_OK);
    T_ASSERT_DBL(k, 1.032137, EPS6);
    T_ASSERT_DBL(k, 1.0321369539769224, EPS);
    T_ASSERT_DBL(p[0], 0.372984, EPS6);
    T_ASSERT_DBL(p[1], 0.405107, EPS6);
    T_ASSERT_DBL(p[2], 0.221908, EPS6);
    T_ASSERT_DBL(p[0], 0.37298440406870948, EPS);
    T_ASSERT_DBL(p[1], 0.40510716745679758, EPS);
    T_ASSERT_DBL(p[2], 0.22190842847449294, EPS);
    T_ASSERT_DBL(p[0] + p[1] + p[2], 1.0, 1e-12);
    T_END;
}

int test_0306_quant_devig_shin(void);
int test_0306_quant_devig_shin(void)
{
    double q[3], p[3], z = 0;
    T_BEGIN;
    implied(odds3, 3, q);
    T_ASSERT_INT(eng_quant_devig_shin(q, 3, p, &z), ==, SV_OK);
    T_ASSERT_DBL(z, 0.01694251276407055, EPS);
    T_ASSERT_DBL(p[0], 0.37299406033208965, EPS);
    T_ASSERT_DBL(p[1], 0.4047794109200184, EPS);
    T_ASSERT_DBL(p[2], 0.22222652874742752, EPS);
    T_ASSERT_DBL(p[0] + p[1] + p[2], 1.0, 1e-11);
    T_END;
}

int test_0307_quant_shin_two_way(void);
int test_0307_quant_shin_two_way(void)
{
    double q[2], p[2], a[2], z = 0;
    T_BEGIN;
    implied(odds2, 2, q);
    T_ASSERT_INT(eng_quant_devig_shin(q, 2, p, &z), ==, SV_OK);
    T_ASSERT_INT(eng_quant_devig_add(q, 2, a, NULL), ==, SV_OK);
    T_ASSERT_DBL(p[0], 0.6508515815085157, EPS);
    T_ASSERT_DBL(p[1], 0.34914841849148415, EPS);
    T_ASSERT_DBL(p[0], a[0], 1e-12);
    T_ASSERT_DBL(p[1], a[1], 1e-12);
    T_ASSERT(z > 0.0 && z < 0.1);
    T_END;
}

int test_0308_quant_additive_clamp(void);
int test_0308_quant_additive_clamp(void)
{
    /* B = 1.290099, margin per outcome 0.0967 > q[2] = 0.05: the long shot goes negative. */
    static const double d[3] = {1.01, 4.0, 20.0};
    double q[3], p[3];
    bool clamped = false;
    T_BEGIN;
    implied(d, 3, q);
    T_ASSERT_INT(eng_quant_devig_add(q, 3, p, &clamped), ==, SV_OK);
    T_ASSERT(clamped);
    T_ASSERT_DBL(p[0], 0.85353933469966893, EPS);
    T_ASSERT_DBL(p[1], 0.14646066530033107, EPS);
    T_ASSERT_DBL(p[2], 0.0, 0.0);
    T_END;
}

int test_0309_quant_invalid(void);
int test_0309_quant_invalid(void)
{
    double q[3] = {0.5, 0.5, 0.0}, p[3], z = -1, k = -1;
    T_BEGIN;
    T_ASSERT_INT(eng_quant_devig_mult(q, 1, p), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_quant_devig_mult(q, 3, p), ==, SV_ERR_INVALID); /* q[2] = 0 */
    T_ASSERT_INT(eng_quant_devig_add(q, 3, p, NULL), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_quant_devig_power(q, 3, p, NULL), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_quant_devig_shin(q, 3, p, NULL), ==, SV_ERR_INVALID);
    q[2] = 1.5;
    T_ASSERT_INT(eng_quant_devig(ENG_DEVIG_MULT, q, 3, p), ==, SV_ERR_INVALID);
    /* No margin (B = 1): Shin has no insider; it falls back to multiplicative, z = 0. */
    T_ASSERT_INT(eng_quant_devig_shin(q, 2, p, &z), ==, SV_ERR_RANGE);
    T_ASSERT_DBL(z, 0.0, 0.0);
    T_ASSERT_DBL(p[0], 0.5, EPS);
    /* B = 1: the power method gives k = 1 exactly. */
    T_ASSERT_INT(eng_quant_devig_power(q, 2, p, &k), ==, SV_OK);
    T_ASSERT_DBL(k, 1.0, 1e-12);
    /* A certainty (q = 1) has no power solution. */
    q[0] = 1.0, q[1] = 0.1;
    T_ASSERT_INT(eng_quant_devig_power(q, 2, p, &k), ==, SV_ERR_RANGE);
    T_ASSERT_DBL(p[0], 1.0 / 1.1, EPS);
    T_ASSERT_DBL(k, 1.0, 0.0);
    T_END;
}

int test_0310_quant_devig_properties(void);
int test_0310_quant_devig_properties(void)
{
    uint64_t s = 0x2545F4914F6CDD1DULL;
    double q[4] = {0}, p[4], a[4];
    T_BEGIN;
    for (int it = 0; it < 20000; it++) {
        size_t n = 2 + (size_t)(it % 3);
        bool clamped;
        for (size_t i = 0; i < n; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            q[i] = eng_quant_implied(1.05 + (double)(s % 2000) / 100.0); /* 1.05 .. 21.04 */
        }
        {
            /* add a margin of 2..10 % so the market is a plausible book */
            double B = 0.0, m = 1.02 + (double)(it % 9) / 100.0, qmax = 0.0;
            for (size_t i = 0; i < n; i++)
                B += q[i];
            for (size_t i = 0; i < n; i++) {
                q[i] = q[i] / B * m;
                qmax = q[i] > qmax ? q[i] : qmax;
            }
            if (qmax >= 1.0)
                continue; /* not a price a book can quote */
        }
        for (int m = 0; m < ENG_DEVIG__CNT; m++) {
            double sum = 0.0;
            sv_err_t rc = eng_quant_devig((eng_devig_t)m, q, n, p);
            /* Shin has no solution for a long shot additive would make negative: fallback */
            T_ASSERT(rc == SV_OK || (rc == SV_ERR_RANGE && m == ENG_DEVIG_SHIN));
            for (size_t i = 0; i < n; i++) {
                T_ASSERT(p[i] >= 0.0 && p[i] <= 1.0);
                sum += p[i];
            }
            T_ASSERT_DBL(sum, 1.0, 1e-11);
        }
        if (n == 2 && eng_quant_devig_add(q, 2, a, &clamped) == SV_OK && !clamped) {
            T_ASSERT_INT(eng_quant_devig_shin(q, 2, p, NULL), ==, SV_OK);
            T_ASSERT_DBL(p[0], a[0], 1e-12);
        }
    }
    T_END;
}

int test_0311_quant_arb(void);
int test_0311_quant_arb(void)
{
    static const double best[2] = {2.10, 2.05};
    static const double none[2] = {1.90, 1.95};
    double S, profit, st[2];
    T_BEGIN;
    T_ASSERT(eng_quant_arb(best, 2, &S, &profit, st));
    T_ASSERT_DBL(S, 0.963995, EPS6);
    T_ASSERT_DBL(S, 0.96399535423925668, EPS);
    T_ASSERT_DBL(profit, 0.0373, 5e-5); /* +3.73 % */
    T_ASSERT_DBL(profit, 0.037349397590361446, EPS);
    T_ASSERT_DBL(st[0], (1.0 / 2.10) / 0.96399535423925668, EPS);
    T_ASSERT_DBL(st[0] + st[1], 1.0, 1e-12);
    /* stakes equalise the payout: st0 * d0 == st1 * d1 == 1 + profit */
    T_ASSERT_DBL(st[0] * 2.10, 1.0 + profit, EPS);
    T_ASSERT_DBL(st[1] * 2.05, 1.0 + profit, EPS);
    T_ASSERT(!eng_quant_arb(none, 2, &S, &profit, NULL));
    T_ASSERT(profit < 0.0);
    T_END;
}

int test_0312_quant_ev(void);
int test_0312_quant_ev(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_ev(0.55, 2.0), 0.10, EPS);
    T_ASSERT_DBL(eng_quant_ev(0.40, 2.5), 0.0, EPS);
    T_ASSERT_DBL(eng_quant_ev(0.30, 2.5), -0.25, EPS);
    T_END;
}

int test_0313_quant_kelly(void);
int test_0313_quant_kelly(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_kelly(0.55, 2.0, 1.0, 1.0), 0.10, EPS);
    T_ASSERT_DBL(eng_quant_kelly(0.60, 2.0, 1.0, 1.0), 0.20, EPS);
    T_ASSERT_DBL(eng_quant_kelly(0.60, 2.0, 0.25, 1.0), 0.05, EPS);
    T_ASSERT_DBL(eng_quant_kelly(0.60, 2.0, 0.25, 0.03), 0.03, EPS);
    T_ASSERT_DBL(eng_quant_kelly(0.45, 2.0, 1.0, 1.0), 0.0, 0.0); /* no edge: no bet */
    /* b = 1.5, p = .5: (0.75 - 0.5) / 1.5 = 1/6 */
    T_ASSERT_DBL(eng_quant_kelly(0.5, 2.5, 1.0, 1.0), 1.0 / 6.0, EPS);
    T_END;
}

int test_0314_quant_clv(void);
int test_0314_quant_clv(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_clv(2.10, 2.00), 0.05, EPS);
    T_ASSERT_DBL(eng_quant_clv(1.90, 2.00), -0.05, EPS);
    T_ASSERT_DBL(eng_quant_clv(2.0, 2.0), 0.0, EPS);
    T_END;
}

int test_0315_quant_pnl(void);
int test_0315_quant_pnl(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_quant_pnl(ENG_RESULT_WIN, 10.0, 2.5), 15.0, EPS);
    T_ASSERT_DBL(eng_quant_pnl(ENG_RESULT_WIN, 110.0, eng_quant_american_to_decimal(-110)), 100.0,
                 EPS);
    T_ASSERT_DBL(eng_quant_pnl(ENG_RESULT_LOSS, 10.0, 2.5), -10.0, EPS);
    T_ASSERT_DBL(eng_quant_pnl(ENG_RESULT_PUSH, 10.0, 2.5), 0.0, 0.0);
    T_END;
}

int test_0316_quant_devig_names(void);
int test_0316_quant_devig_names(void)
{
    eng_devig_t m = ENG_DEVIG_MULT;
    T_BEGIN;
    T_ASSERT_STR(eng_quant_devig_name(ENG_DEVIG_SHIN), "shin");
    T_ASSERT_STR(eng_quant_devig_name(ENG_DEVIG_POWER), "power");
    T_ASSERT_INT(eng_quant_devig_by_name("additive", &m), ==, SV_OK);
    T_ASSERT_INT(m, ==, ENG_DEVIG_ADD);
    T_ASSERT_INT(eng_quant_devig_by_name("Shin", &m), ==, SV_ERR_NOENT);
    T_END;
}

int test_0317_quant_all_methods_3way(void);
int test_0317_quant_all_methods_3way(void)
{
    /* The dispatcher gives each method's vector of spec/quant.md. */
    static const double want[ENG_DEVIG__CNT][3] = {
        {0.372026, 0.403028, 0.224946},
        {0.373335, 0.405387, 0.221278},
        {0.372984, 0.405107, 0.221908},
        {0.37299406033208965, 0.4047794109200184, 0.22222652874742752},
    };
    double q[3], p[3];
    T_BEGIN;
    implied(odds3, 3, q);
    for (int m = 0; m < ENG_DEVIG__CNT; m++) {
        T_ASSERT_INT(eng_quant_devig((eng_devig_t)m, q, 3, p), ==, SV_OK);
        for (int i = 0; i < 3; i++)
            T_ASSERT_DBL(p[i], want[m][i], m == ENG_DEVIG_SHIN ? EPS : EPS6);
    }
    T_END;
}
