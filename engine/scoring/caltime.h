/*
 * caltime — proleptic Gregorian calendar arithmetic on event time, with no time-zone database and
 * no clock: the scoring's dates and times all come from an event's `commence_ts` (UTC, DESIGN.md
 * §8 D1). Day numbers count from 1970-01-01 (day 0); weekday numbering is Python's (Mon = 0 …
 * Sun = 6).
 *
 * Pure functions, callable from any thread.
 */
#ifndef SV_ENG_CALTIME_H
#define SV_ENG_CALTIME_H

#include <stdbool.h>
#include <stdint.h>

/* A broken-down UTC time. */
typedef struct eng_dt {
    int year, month, day;     /* civil date, month 1..12, day 1..31 */
    int hour, minute, second; /* time of day */
    int ms;                   /* milliseconds 0..999 */
    int64_t days;             /* days since 1970-01-01 */
    int weekday;              /* Mon = 0 … Sun = 6 */
    int doy;                  /* day of the year, 1..366 */
} eng_dt_t;

/** @brief Days since 1970-01-01 of a civil date (any year, proleptic Gregorian). */
int64_t eng_cal_days(int year, int month, int day);

/** @brief The civil date of a day number. */
void eng_cal_civil(int64_t days, int *year, int *month, int *day);

/** @brief Weekday of a day number, Mon = 0 … Sun = 6. */
int eng_cal_weekday(int64_t days);

/** @brief Day of the year, 1..366. */
int eng_cal_doy(int year, int month, int day);

/** @brief True for a Gregorian leap year. */
bool eng_cal_leap(int year);

/** @brief Break milliseconds since the epoch (UTC, may be negative) into fields. */
void eng_cal_from_ms(int64_t ms, eng_dt_t *dt);

/** @brief Milliseconds since the epoch of a civil date and time (UTC). */
int64_t eng_cal_to_ms(int year, int month, int day, int hour, int minute, int second);

/**
 * @brief Parse "YYYY-MM-DD" (exactly that form, a real date) into a day number.
 * @returns true on success
 */
bool eng_cal_parse_date(const char *s, int64_t *days);

/** @brief Julian date of a UTC time, fractional day included (JD 2440587.5 = 1970-01-01 00:00). */
double eng_cal_jd(int64_t ms);

/** @brief The date as the integer YYYYMMDD (e.g. 20260215). */
int eng_cal_yyyymmdd(int64_t days);

#endif
