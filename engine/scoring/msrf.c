/*
 * msrf — MSRF turn-date resonance and its number sets (spec/original-scoring.md §4): top three
 * distinct significant dates, 16 projection operations, points against the VORTEX, IMPORTANT and
 * NORMAL sets, boost by total points. The sets are sorted static tables searched by bisection.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "scoring/caltime.h"
#include "scoring/msrf.h"
#include "scoring/pynum.h"

#define MSRF_PI 3.141592653589793
#define MSRF_PHI 1.618033988749895
#define MSRF_CRV 2.618033988749895 /* φ², as the original writes it */
#define MSRF_HEP 7.0
#define MSRF_US_PER_DAY INT64_C(86400000000)

/* IMPORTANT set, sorted (38). */
static const int16_t msrf_important_tab[] = {
    138, 144, 207, 210, 216, 414, 432, 552, 612, 618, 621, 630, 720, 777,
    828, 864, 888, 936, 945, 990, 1008, 1080, 1116, 1224, 1260, 1332, 1440, 1512,
    1620, 1656, 1728, 1800, 1944, 2016, 2070, 2160, 2178, 2520,
};

/* VORTEX points, one decimal, sorted (19). */
static const double msrf_vortex_tab[] = {
    21.7, 32.6, 43.5, 65.3, 76.2, 84.0, 87.1, 97.8, 123.6, 144.3,
    178.9, 210.4, 217.8, 231.7, 326.7, 435.6, 567.3, 762.3, 871.2,
};

/* NORMAL set, sorted (377). */
static const int16_t msrf_normal_tab[] = {
    12, 21, 24, 36, 40, 42, 48, 49, 51, 52, 54, 56, 59, 60,
    63, 66, 70, 71, 72, 74, 76, 77, 80, 84, 88, 90, 96, 98,
    104, 105, 108, 110, 114, 116, 119, 120, 126, 129, 132, 133, 135, 138,
    140, 144, 147, 153, 154, 162, 168, 176, 180, 182, 186, 189, 196, 204,
    207, 210, 216, 218, 222, 223, 226, 231, 234, 238, 252, 253, 255, 259,
    260, 264, 270, 276, 279, 280, 286, 288, 294, 297, 301, 306, 308, 312,
    315, 324, 330, 336, 343, 351, 354, 360, 363, 364, 365, 372, 378, 385,
    390, 394, 396, 405, 414, 420, 432, 433, 434, 441, 444, 447, 453, 459,
    460, 463, 468, 476, 480, 490, 493, 495, 504, 509, 520, 525, 526, 531,
    534, 539, 540, 544, 552, 555, 558, 563, 565, 567, 572, 573, 576, 582,
    588, 591, 594, 600, 612, 618, 621, 630, 640, 648, 657, 660, 666, 669,
    670, 672, 674, 675, 679, 681, 686, 690, 691, 693, 701, 702, 708, 720,
    726, 728, 730, 732, 735, 744, 756, 765, 770, 774, 777, 780, 789, 791,
    792, 800, 801, 807, 810, 816, 819, 828, 831, 840, 846, 855, 861, 864,
    866, 868, 882, 888, 918, 920, 930, 936, 945, 952, 954, 960, 966, 972,
    980, 990, 1000, 1008, 1019, 1035, 1040, 1042, 1050, 1052, 1056, 1062, 1071, 1074,
    1080, 1083, 1089, 1092, 1096, 1104, 1110, 1111, 1116, 1130, 1134, 1147, 1152, 1155,
    1176, 1177, 1184, 1188, 1190, 1200, 1224, 1242, 1253, 1260, 1279, 1292, 1296, 1300,
    1302, 1315, 1318, 1320, 1332, 1335, 1344, 1350, 1359, 1372, 1380, 1401, 1404, 1416,
    1428, 1440, 1441, 1446, 1449, 1461, 1470, 1485, 1486, 1488, 1512, 1513, 1518, 1530,
    1534, 1554, 1557, 1559, 1560, 1577, 1584, 1585, 1620, 1641, 1656, 1680, 1683, 1701,
    1715, 1728, 1736, 1738, 1764, 1770, 1776, 1785, 1786, 1794, 1800, 1826, 1829, 1836,
    1854, 1855, 1860, 1872, 1890, 1899, 1904, 1905, 1920, 1932, 1944, 1960, 1972, 1980,
    1998, 2016, 2046, 2047, 2070, 2080, 2100, 2103, 2112, 2124, 2133, 2142, 2151, 2160,
    2170, 2178, 2184, 2191, 2205, 2208, 2232, 2235, 2244, 2268, 2269, 2277, 2288, 2292,
    2293, 2294, 2295, 2304, 2310, 2322, 2333, 2346, 2352, 2376, 2380, 2388, 2400, 2401,
    2415, 2418, 2430, 2447, 2448, 2478, 2483, 2484, 2506, 2520, 2556, 2558, 2559,
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool msrf_in(const int16_t *tab, size_t n, int64_t v)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tab[mid] < v)
            lo = mid + 1;
        else if (tab[mid] > v)
            hi = mid;
        else
            return true;
    }
    return false;
}

bool eng_msrf_important(int64_t n)
{
    return msrf_in(msrf_important_tab, N_ELEMS(msrf_important_tab), n);
}

bool eng_msrf_normal(int64_t n)
{
    return msrf_in(msrf_normal_tab, N_ELEMS(msrf_normal_tab), n);
}

bool eng_msrf_normal_hybrid(int64_t n)
{
    return (n <= 1008 && eng_msrf_normal(n)) || n == 2178;
}

bool eng_msrf_vortex(double z1dp)
{
    for (size_t i = 0; i < N_ELEMS(msrf_vortex_tab); i++)
        if (msrf_vortex_tab[i] == z1dp)
            return true;
    return false;
}

int64_t eng_msrf_flip(int64_t n)
{
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n, r = 0;

    while (u) {
        r = r * 10 + u % 10;
        u /= 10;
    }
    return (int64_t)r; /* reversal of at most 19 digits of a value <= 2^63 fits */
}

/* How one operation transforms an interval y (days). */
typedef enum msrf_xf {
    MSRF_XF_ID,   /* float(round(y)) */
    MSRF_XF_FLIP, /* float(flip(round(y))) */
    MSRF_XF_MUL,  /* y·c, or (y/2)·c with half */
    MSRF_XF_DIV,  /* y/c */
} msrf_xf_t;

typedef struct msrf_op {
    const char *name; /* O1 … O16 */
    msrf_xf_t xf;     /* transform kind */
    bool half;        /* y/2 first */
    double c;         /* constant of MUL/DIV */
    int base;         /* 0 = X1, 1 = X2, 2 = X3 */
    double weight;    /* alpha 1.0, beta 0.5 */
} msrf_op_t;

/* The 16 operations, in the original's order (§4). */
static const msrf_op_t msrf_ops[] = {
    {"O1", MSRF_XF_ID, false, 0.0, 2, 1.0},
    {"O2", MSRF_XF_FLIP, false, 0.0, 2, 1.0},
    {"O3", MSRF_XF_DIV, false, MSRF_CRV, 2, 0.5},
    {"O4", MSRF_XF_MUL, true, MSRF_PI, 0, 0.5},
    {"O5", MSRF_XF_DIV, false, MSRF_PHI, 1, 1.0},
    {"O6", MSRF_XF_MUL, true, MSRF_PHI, 1, 1.0},
    {"O7", MSRF_XF_MUL, true, MSRF_CRV, 0, 0.5},
    {"O8", MSRF_XF_MUL, true, MSRF_PI, 1, 0.5},
    {"O9", MSRF_XF_MUL, false, MSRF_PHI, 1, 1.0},
    {"O10", MSRF_XF_MUL, false, MSRF_PI, 0, 1.0},
    {"O11", MSRF_XF_MUL, false, MSRF_PI, 2, 0.5},
    {"O12", MSRF_XF_MUL, false, MSRF_PHI, 2, 0.5},
    {"O13", MSRF_XF_MUL, false, MSRF_CRV, 2, 0.5},
    {"O14", MSRF_XF_DIV, false, MSRF_HEP, 2, 0.5},
    {"O15", MSRF_XF_MUL, true, MSRF_HEP, 1, 1.0},
    {"O16", MSRF_XF_MUL, false, MSRF_HEP, 2, 1.0},
};

static double msrf_transform(const msrf_op_t *op, int64_t y)
{
    double yy;

    switch (op->xf) {
    case MSRF_XF_ID:
        return (double)y;
    case MSRF_XF_FLIP:
        return (double)eng_msrf_flip(y);
    case MSRF_XF_MUL:
        yy = op->half ? (double)y / 2.0 : (double)y;
        return yy * op->c;
    case MSRF_XF_DIV:
        return (double)y / op->c;
    }
    return 0.0;
}

/* Points of a transformed interval (the original's _msrf_points), and which set matched. */
static int msrf_points(double z, const char **set)
{
    double zi = eng_py_round(z, 0);

    if (eng_msrf_vortex(eng_py_round(z, 1))) {
        *set = "VORTEX";
        return 2;
    }
    if (eng_msrf_important((int64_t)zi)) {
        *set = "IMPORTANT";
        return 2;
    }
    if (eng_msrf_normal((int64_t)zi)) {
        *set = "NORMAL";
        return 1;
    }
    return 0;
}

/*
 * base + timedelta(days=z), then .date(): z rounded to whole microseconds (half to even, as
 * CPython's timedelta does), floor to the day. false when out of Python's date range.
 */
static bool msrf_project(int64_t base, double z, int64_t *day)
{
    static const double max_days = 1e8; /* > 9999 years; keeps the microseconds in int64 */
    double us;
    int64_t ius, d;

    if (!(fabs(z) < max_days))
        return false;
    us = nearbyint(z * (double)MSRF_US_PER_DAY);
    ius = (int64_t)us;
    d = ius / MSRF_US_PER_DAY;
    if (ius % MSRF_US_PER_DAY < 0)
        d--;
    d += base;
    if (d < eng_cal_days(1, 1, 1) || d > eng_cal_days(9999, 12, 31))
        return false;
    *day = d;
    return true;
}

double eng_msrf_level(double points, const char **level)
{
    const char *name;
    double boost = 0.0;

    if (points >= 8) {
        name = "EXTREME_RESONANCE";
        boost = 1.0;
    } else if (points >= 5) {
        name = "HIGH_RESONANCE";
        boost = 0.5;
    } else if (points >= 3) {
        name = "MODERATE_RESONANCE";
        boost = 0.25;
    } else if (points >= 1) {
        name = "MILD_RESONANCE";
    } else {
        name = "NO_RESONANCE";
    }
    if (level)
        *level = name;
    return boost;
}

double eng_msrf_boost(const int64_t *sig_days, int n, int64_t target_day, double *points,
                      eng_why_t *why)
{
    int64_t top[3]; /* distinct days, top[0] the latest */
    int ntop = 0;
    int64_t x[3], ys[3];
    double total = 0.0, boost;
    const char *level;

    for (int i = 0; i < n; i++) {
        int64_t d = sig_days[i];
        int k;

        if ((ntop > 0 && d == top[0]) || (ntop > 1 && d == top[1]) || (ntop > 2 && d == top[2]))
            continue;
        for (k = ntop < 3 ? ntop : 3; k > 0 && top[k - 1] < d; k--)
            if (k < 3)
                top[k] = top[k - 1];
        if (k < 3) {
            top[k] = d;
            if (ntop < 3)
                ntop++;
        }
    }
    if (points)
        *points = 0.0;
    if (ntop < 3) {
        eng_why_add(why, "msrf: %d significant date(s), need 3", ntop);
        return 0.0;
    }
    x[0] = top[2];
    x[1] = top[1];
    x[2] = top[0];
    ys[0] = x[1] - x[0];
    ys[1] = x[2] - x[1];
    ys[2] = x[2] - x[0]; /* distinct dates: no zero interval */

    for (size_t o = 0; o < N_ELEMS(msrf_ops); o++) {
        const msrf_op_t *op = &msrf_ops[o];

        for (int j = 0; j < 3; j++) {
            double z = msrf_transform(op, ys[j]);
            int64_t day;
            const char *set = NULL;
            int pts;
            int yy, mm, dd;

            if (fabs(z) < 0.1 || !msrf_project(x[op->base], z, &day))
                continue;
            if (llabs(day - target_day) > 1)
                continue;
            pts = msrf_points(z, &set);
            if (pts == 0)
                continue;
            total += pts * op->weight;
            if (why) {
                eng_cal_civil(day, &yy, &mm, &dd);
                eng_why_add(why,
                            "msrf: %s(%lld days) = %.2f from X%d -> %04d-%02d-%02d, %s %d pts x %.1f",
                            op->name, (long long)ys[j], z, op->base + 1, yy, mm, dd, set, pts,
                            op->weight);
            }
        }
    }

    boost = eng_msrf_level(total, &level);
    if (points)
        *points = total;
    eng_why_add(why, "msrf: %s %.1f points +%.2f", level, total, boost);
    return boost;
}
