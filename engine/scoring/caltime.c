/*
 * caltime — civil-date arithmetic (see caltime.h). The day-number conversions use the
 * era-of-400-years method (every 400 Gregorian years have exactly 146097 days), so they are exact
 * for any year an int holds.
 */
#include "caltime.h"

#include <stdio.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

bool eng_cal_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int64_t eng_cal_days(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                       /* 0..399 */
    int64_t mp = (month + 9) % 12;                                     /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                        /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               /* 0..146096 */
    return era * 146097 + doe - 719468;
}

void eng_cal_civil(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

int eng_cal_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3) */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int eng_cal_doy(int year, int month, int day)
{
    return (int)(eng_cal_days(year, month, day) - eng_cal_days(year, 1, 1)) + 1;
}

void eng_cal_from_ms(int64_t ms, eng_dt_t *dt)
{
    int64_t days = floor_div(ms, 86400000);
    int64_t rem = ms - days * 86400000;

    memset(dt, 0, sizeof(*dt));
    dt->days = days;
    eng_cal_civil(days, &dt->year, &dt->month, &dt->day);
    dt->hour = (int)(rem / 3600000);
    dt->minute = (int)(rem / 60000 % 60);
    dt->second = (int)(rem / 1000 % 60);
    dt->ms = (int)(rem % 1000);
    dt->weekday = eng_cal_weekday(days);
    dt->doy = eng_cal_doy(dt->year, dt->month, dt->day);
}

int64_t eng_cal_to_ms(int year, int month, int day, int hour, int minute, int second)
{
    return eng_cal_days(year, month, day) * 86400000 +
           ((int64_t)hour * 3600 + (int64_t)minute * 60 + second) * 1000;
}

bool eng_cal_parse_date(const char *s, int64_t *days)
{
    int y, m, d, y2, m2, d2;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *days = eng_cal_days(y, m, d);
    eng_cal_civil(*days, &y2, &m2, &d2);
    return y2 == y && m2 == m && d2 == d;
}

double eng_cal_jd(int64_t ms)
{
    return 2440587.5 + (double)ms / 86400000.0;
}

int eng_cal_yyyymmdd(int64_t days)
{
    int y, m, d;

    eng_cal_civil(days, &y, &m, &d);
    return y * 10000 + m * 100 + d;
}
