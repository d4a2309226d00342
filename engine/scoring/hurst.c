/*
 * hurst — simplified R/S Hurst exponent (see hurst.h). Sums run left to right as Python's sum()
 * and loops do, so H agrees to the bit.
 */
#include "hurst.h"

#include <math.h>

#include "pynum.h"

double eng_hurst(const double *series, int n, const char **regime)
{
    double sum = 0.0, mean, run = 0.0, lo = 0.0, hi = 0.0, var = 0.0, s, rs, h;
    int i, m;

    if (n < ENG_HURST_MIN_POINTS) {
        if (regime)
            *regime = "INSUFFICIENT_DATA";
        return 0.5;
    }
    m = n - 1;
    for (i = 1; i < n; i++)
        sum += series[i] - series[i - 1];
    mean = sum / m;
    for (i = 1; i < n; i++) {
        double r = series[i] - series[i - 1];
        run += r - mean;
        if (i == 1 || run > hi)
            hi = run;
        if (i == 1 || run < lo)
            lo = run;
        var += (r - mean) * (r - mean);
    }
    var = var / m;
    s = var > 0 ? sqrt(var) : 1;
    rs = s > 0 ? (hi - lo) / s : 0;
    h = rs > 0 && n > 1 ? log(rs + 1) / log(n) : 0.5;
    h = fmax(0.0, fmin(1.0, h));
    if (regime)
        *regime = h > 0.55 ? "TRENDING" : h < 0.45 ? "MEAN_REVERTING" : "RANDOM_WALK";
    return eng_py_round(h, 3);
}

double eng_hurst_glitch_score(double h)
{
    return 0.5 + fabs(h - 0.5);
}
