/*
 * moon — Meeus longitude, void-of-course model, fallback phase and simple age (see moon.h). Every
 * expression keeps the original's operation order so results agree with CPython bit for bit.
 */
#include "moon.h"

#include <math.h>

#include "caltime.h"
#include "pynum.h"

#define MOON_DEG_PER_DAY 13.176358
#define SYNODIC 29.530588853
#define DEG2RAD (3.141592653589793 / 180.0) /* CPython math.radians() factor */

static const char *const moon_signs[12] = {
    "Aries", "Taurus",  "Gemini",      "Cancer",    "Leo",      "Virgo",
    "Libra", "Scorpio", "Sagittarius", "Capricorn", "Aquarius", "Pisces",
};

/* get_julian_date() of the original, on the UTC fields of ms. */
static double moon_jd(int64_t ms)
{
    eng_dt_t dt;
    int year, month;
    double day;
    int a, b;

    eng_cal_from_ms(ms, &dt);
    year = dt.year;
    month = dt.month;
    day = dt.day + dt.hour / 24.0 + dt.minute / 1440.0 + dt.second / 86400.0;
    if (month <= 2) {
        year -= 1;
        month += 12;
    }
    a = (int)(year / 100.0);
    b = 2 - a + (int)(a / 4.0);
    return (double)(int64_t)(365.25 * (year + 4716)) + (double)(int64_t)(30.6001 * (month + 1)) +
           day + b - 1524.5;
}

double eng_moon_longitude(int64_t ms)
{
    double t = (moon_jd(ms) - 2451545.0) / 36525;
    double lp, d, m, mp, f, lon;

    lp = eng_py_fmod(218.3164477 + 481267.88123421 * t - 0.0015786 * pow(t, 2) + pow(t, 3) / 538841 -
                     pow(t, 4) / 65194000,
                 360);
    d = eng_py_fmod(297.8501921 + 445267.1114034 * t - 0.0018819 * pow(t, 2) + pow(t, 3) / 545868 -
                    pow(t, 4) / 113065000,
                360);
    m = eng_py_fmod(357.5291092 + 35999.0502909 * t - 0.0001536 * pow(t, 2) + pow(t, 3) / 24490000,
                360);
    mp = eng_py_fmod(134.9633964 + 477198.8675055 * t + 0.0087414 * pow(t, 2) + pow(t, 3) / 69699 -
                     pow(t, 4) / 14712000,
                 360);
    f = eng_py_fmod(93.2720950 + 483202.0175233 * t - 0.0036539 * pow(t, 2) - pow(t, 3) / 3526000 +
                    pow(t, 4) / 863310000,
                360);
    d *= DEG2RAD;
    m *= DEG2RAD;
    mp *= DEG2RAD;
    f *= DEG2RAD;

    lon = lp;
    lon += 6.288774 * sin(mp);
    lon += 1.274027 * sin(2 * d - mp);
    lon += 0.658314 * sin(2 * d);
    lon += 0.213618 * sin(2 * mp);
    lon -= 0.185116 * sin(m);
    lon -= 0.114332 * sin(2 * f);
    lon += 0.058793 * sin(2 * d - 2 * mp);
    lon += 0.057066 * sin(2 * d - m - mp);
    lon += 0.053322 * sin(2 * d + mp);
    lon += 0.045758 * sin(2 * d - m);
    return eng_py_fmod(lon, 360);
}

int eng_moon_sign(double longitude)
{
    int s = (int)(longitude / 30) % 12;

    return s < 0 ? s + 12 : s;
}

const char *eng_moon_sign_name(int sign)
{
    return moon_signs[((sign % 12) + 12) % 12];
}

double eng_moon_hours_to_sign_change(int64_t ms)
{
    double deg = eng_py_fmod(eng_moon_longitude(ms), 30);

    return (30 - deg) / (MOON_DEG_PER_DAY / 24);
}

bool eng_moon_void(int64_t ms, double *confidence)
{
    double deg = eng_py_fmod(eng_moon_longitude(ms), 30);
    double conf = 0.0;
    bool is_void = false;
    eng_dt_t dt;

    eng_cal_from_ms(ms, &dt);
    if (deg >= 22) {
        is_void = true;
        conf = 0.5 + (deg - 22) * 0.056;
        if (conf > 0.95)
            conf = 0.95;
    } else if (dt.hour >= 14 && dt.hour <= 18 && deg >= 15) {
        is_void = true;
        conf = 0.35;
    }
    if (confidence)
        *confidence = eng_py_round(conf, 2);
    return is_void;
}

double eng_moon_phase(int64_t ms)
{
    int64_t ref = eng_cal_to_ms(2000, 1, 1, 18, 14, 0);
    /* timedelta.total_seconds(): microseconds / 10**6, correctly rounded */
    double secs = (double)((ms - ref) * 1000) / 1e6;
    double days = secs / 86400;

    return eng_py_fmod(days, SYNODIC) / SYNODIC;
}

double eng_moon_simple_age(int64_t ms)
{
    eng_dt_t dt;

    eng_cal_from_ms(ms, &dt);
    return eng_py_fmod((double)(dt.days - eng_cal_days(2024, 1, 11)), 29.53);
}
