/*
 * daily — daily energy and daily edge (see daily.h). The weekday points are a table indexed by
 * Python's weekday number.
 */
#include "daily.h"

#include <stdbool.h>

#include "caltime.h"
#include "moon.h"
#include "pynum.h"

static const int daily_weekday_pts[7] = {-5, 0, 5, 10, 15, 20, 25}; /* Mon .. Sun */
static const char *const daily_weekday_name[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int eng_daily_energy(int64_t ms, eng_why_t *why)
{
    eng_dt_t dt;
    int e = 50, ymd, lp, v;
    bool tesla = false;
    double pd, conf;

    eng_cal_from_ms(ms, &dt);
    ymd = eng_cal_yyyymmdd(dt.days);
    lp = eng_dr_master(eng_digit_sum(ymd));
    if (lp == 11 || lp == 22 || lp == 33) {
        e += 15;
        eng_why_add(why, "daily energy: date life path %d is a master number +15", lp);
    }
    for (v = ymd < 0 ? -ymd : ymd; v > 0; v /= 10) {
        int d = v % 10;
        if (d == 3 || d == 6 || d == 9)
            tesla = true;
    }
    if (tesla) {
        e += 10;
        eng_why_add(why, "daily energy: %08d contains a 3, 6 or 9 +10", ymd);
    }
    pd = eng_moon_simple_age(ms);
    if (pd >= 14.76 && pd < 16.61) {
        e += 20;
        eng_why_add(why, "daily energy: full moon (day %.1f) +20", pd);
    } else if (pd < 1.85) {
        e -= 10;
        eng_why_add(why, "daily energy: new moon (day %.1f) -10", pd);
    }
    e += daily_weekday_pts[dt.weekday];
    if (daily_weekday_pts[dt.weekday] != 0)
        eng_why_add(why, "daily energy: %s %+d", daily_weekday_name[dt.weekday],
                    daily_weekday_pts[dt.weekday]);
    if (eng_moon_void(ms, &conf) && conf > 0.5) {
        e -= 20;
        eng_why_add(why, "daily energy: void-of-course moon (confidence %.2f) -20", conf);
    }
    if (e < 0)
        e = 0;
    if (e > 100)
        e = 100;
    eng_why_add(why, "daily energy: %d", e);
    return e;
}

double eng_daily_edge(int energy)
{
    if (energy >= 85)
        return 10.0;
    if (energy >= 70)
        return 7.0;
    if (energy >= 55)
        return 4.0;
    return 0.0;
}
