/*
 * 0400–0409: Python-compatible numbers (engine/scoring/pynum.h) and calendar arithmetic
 * (engine/scoring/caltime.h). Expected values are what CPython 3 prints for the same inputs.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "scoring/caltime.h"
#include "scoring/pynum.h"

int test_0400_py_round(void);
int test_0400_py_round(void)
{
    T_BEGIN;
    T_ASSERT(eng_py_round(8.645, 2) == 8.64);   /* stored as 8.64499999… */
    T_ASSERT(eng_py_round(0.125, 2) == 0.12);   /* exact tie: to even */
    T_ASSERT(eng_py_round(0.375, 2) == 0.38);   /* exact tie: to even */
    T_ASSERT(eng_py_round(2.675, 2) == 2.67);
    T_ASSERT(eng_py_round(7.1893, 2) == 7.19);
    T_ASSERT(eng_py_round(6.31, 2) == 6.31);
    T_ASSERT(eng_py_round(0.0845, 3) == 0.085); /* stored as 0.0845000000000000006… */
    T_ASSERT(eng_py_round(-2.5, 0) == -2.0);
    T_ASSERT(eng_py_round(3.5, 0) == 4.0);
    T_END;
}

int test_0401_py_repr(void);
int test_0401_py_repr(void)
{
    char b[ENG_PY_REPR_MAX];
    T_BEGIN;
    T_ASSERT_STR(eng_py_repr(220.0, b, sizeof(b)), "220.0");
    T_ASSERT_STR(eng_py_repr(-5.5, b, sizeof(b)), "-5.5");
    T_ASSERT_STR(eng_py_repr(0.1, b, sizeof(b)), "0.1");
    T_ASSERT_STR(eng_py_repr(0.1 + 0.2, b, sizeof(b)), "0.30000000000000004");
    T_ASSERT_STR(eng_py_repr(224.5, b, sizeof(b)), "224.5");
    T_ASSERT_STR(eng_py_repr(36.9, b, sizeof(b)), "36.9");
    T_ASSERT_STR(eng_py_repr(1e16, b, sizeof(b)), "1e+16");
    T_ASSERT_STR(eng_py_repr(123456789012345.0, b, sizeof(b)), "123456789012345.0");
    T_ASSERT_STR(eng_py_repr(0.0001, b, sizeof(b)), "0.0001");
    T_ASSERT_STR(eng_py_repr(0.00001, b, sizeof(b)), "1e-05");
    T_ASSERT_STR(eng_py_repr(1.5e-7, b, sizeof(b)), "1.5e-07");
    T_ASSERT_STR(eng_py_repr(0.0, b, sizeof(b)), "0.0");
    T_ASSERT_STR(eng_py_repr(-0.0, b, sizeof(b)), "-0.0");
    T_ASSERT_STR(eng_py_repr(100.0, b, sizeof(b)), "100.0");
    T_END;
}

int test_0402_digit_roots(void);
int test_0402_digit_roots(void)
{
    T_BEGIN;
    T_ASSERT_INT(eng_digit_sum(2178), ==, 18);
    T_ASSERT_INT(eng_dr(2178), ==, 9);
    T_ASSERT_INT(eng_dr(0), ==, 0);
    T_ASSERT_INT(eng_dr(2245), ==, 4);
    T_ASSERT_INT(eng_dr(29), ==, 2);       /* 29 -> 11 -> 2 without the master stop */
    T_ASSERT_INT(eng_dr_master(29), ==, 11); /* stops at 11 */
    T_ASSERT_INT(eng_dr_master(191), ==, 11);
    T_ASSERT_INT(eng_dr_master(22), ==, 22);
    T_ASSERT_INT(eng_dr_master(33), ==, 33);
    T_ASSERT_INT(eng_dr_master(44), ==, 8);
    T_ASSERT_INT(eng_dr_master(156), ==, 3);
    T_ASSERT_INT(eng_dr_master(-331), ==, 7);
    T_END;
}

int test_0403_calendar(void);
int test_0403_calendar(void)
{
    eng_dt_t dt;
    int64_t d;
    int y, m, dd;
    T_BEGIN;
    T_ASSERT_INT(eng_cal_days(1970, 1, 1), ==, 0);
    T_ASSERT_INT(eng_cal_days(2000, 1, 1), ==, 10957);
    T_ASSERT_INT(eng_cal_days(1969, 12, 31), ==, -1);
    T_ASSERT_INT(eng_cal_days(2026, 2, 15), ==, 20499);
    eng_cal_civil(20499, &y, &m, &dd);
    T_ASSERT_INT(y * 10000 + m * 100 + dd, ==, 20260215);
    T_ASSERT_INT(eng_cal_weekday(eng_cal_days(2026, 2, 15)), ==, 6); /* Sunday */
    T_ASSERT_INT(eng_cal_weekday(eng_cal_days(2025, 2, 12)), ==, 2); /* Wednesday */
    T_ASSERT_INT(eng_cal_doy(2026, 2, 15), ==, 46);
    T_ASSERT_INT(eng_cal_doy(1984, 12, 30), ==, 365);
    T_ASSERT_INT(eng_cal_doy(2024, 12, 31), ==, 366);
    /* TV12: days from 1984-12-30 to 2026-02-15 */
    T_ASSERT_INT(eng_cal_days(2026, 2, 15) - eng_cal_days(1984, 12, 30), ==, 15022);
    eng_cal_from_ms(INT64_C(1771201800000), &dt); /* 2026-02-16T00:30:00Z */
    T_ASSERT_INT(dt.year, ==, 2026);
    T_ASSERT_INT(dt.month, ==, 2);
    T_ASSERT_INT(dt.day, ==, 16);
    T_ASSERT_INT(dt.hour, ==, 0);
    T_ASSERT_INT(dt.minute, ==, 30);
    T_ASSERT_INT(dt.weekday, ==, 0);
    T_ASSERT_INT(dt.doy, ==, 47);
    T_ASSERT_INT(eng_cal_to_ms(2026, 2, 16, 0, 30, 0), ==, INT64_C(1771201800000));
    eng_cal_from_ms(-1, &dt);
    T_ASSERT_INT(dt.year * 10000 + dt.month * 100 + dt.day, ==, 19691231);
    T_ASSERT_INT(dt.hour * 3600 + dt.minute * 60 + dt.second, ==, 86399);
    T_ASSERT(eng_cal_parse_date("1984-12-30", &d));
    T_ASSERT_INT(d, ==, eng_cal_days(1984, 12, 30));
    T_ASSERT(!eng_cal_parse_date("2025-02-29", &d));
    T_ASSERT(!eng_cal_parse_date("2025-2-28", &d));
    T_ASSERT(!eng_cal_parse_date("2025-02-28x", &d));
    T_ASSERT(eng_cal_parse_date("2024-02-29", &d));
    T_ASSERT_INT(eng_cal_yyyymmdd(eng_cal_days(2026, 2, 15)), ==, 20260215);
    T_ASSERT_DBL(eng_cal_jd(0), 2440587.5, 1e-9);
    T_ASSERT_DBL(eng_cal_jd(eng_cal_to_ms(2000, 1, 1, 12, 0, 0)), 2451545.0, 1e-9);
    T_END;
}

/* The fast paths of eng_py_round and eng_py_repr against their definitions (correctly rounded
 * decimal conversion by glibc; shortest round-trip precision), over 150,000 values shaped like
 * the scoring's (lines in halves and quarters, scores with few decimals, ties) and random ones;
 * the repr's digits are compared with the shortest %g form that reads back. */
static double ref_round(double x, int n)
{
    char b[400];
    snprintf(b, sizeof(b), "%.*f", n, x);
    return strtod(b, NULL);
}

static void ref_repr(double x, char *out, size_t size)
{
    char t[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(t, sizeof(t), "%.*g", p, x);
        if (strtod(t, NULL) == x)
            break;
    }
    snprintf(out, size, "%.*g", p, x);
}

int test_0404_pynum_fast_paths(void);
int test_0404_pynum_fast_paths(void)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
    char a[ENG_PY_REPR_MAX], b[64];
    T_BEGIN;
    for (long i = 0; i < 150000; i++) {
        double x;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        switch (i % 4) {
        case 0: x = (double)((int64_t)(s % 20001) - 10000) / 4.0; break;      /* lines */
        case 1: x = (double)((int64_t)(s % 2000001) - 1000000) / 10000.0; break; /* 4 dp */
        case 2: x = (double)(s % 100000) / 1000.0 + 0.0005; break;           /* near ties */
        default: x = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 2000.0; break;
        }
        for (int n = 0; n <= 4; n++)
            if (eng_py_round(x, n) != ref_round(x, n))
                T_FAILF("round(%.17g, %d): %.17g vs %.17g", x, n, eng_py_round(x, n),
                        ref_round(x, n));
        eng_py_repr(x, a, sizeof(a));
        if (strtod(a, NULL) != x)
            T_FAILF("repr(%.17g) = %s does not read back", x, a);
        ref_repr(x, b, sizeof(b));
        /* same significant digits as the shortest %g form */
        {
            char da[40], db[40];
            int na = 0, nb = 0;
            const char *p;
            for (p = a; *p && *p != 'e'; p++)
                if (*p >= '0' && *p <= '9' && !(na == 0 && *p == '0'))
                    da[na++] = *p;
            for (p = b; *p && *p != 'e'; p++)
                if (*p >= '0' && *p <= '9' && !(nb == 0 && *p == '0'))
                    db[nb++] = *p;
            while (na > 1 && da[na - 1] == '0')
                na--;
            while (nb > 1 && db[nb - 1] == '0')
                nb--;
            if (na != nb || memcmp(da, db, (size_t)na) != 0)
                T_FAILF("repr(%.17g) = %s, shortest digits are %s", x, a, b);
        }
    }
    T_END;
}
