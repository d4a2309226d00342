/*
 * scorein — JSON candidate lines into eng_score_in_t (see scorein.h).
 */
#include "scorein.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "caltime.h"
#include "pynum.h"


/* Field checks: each returns 0, or -1 with err set to "field: reason". */

static int bad(char *err, size_t n, const char *field, const char *reason)
{
    snprintf(err, n, "%s: %s", field, reason);
    return -1;
}

static int get_str(json_t *o, const char *key, const char *path, bool req, const char **out,
                   char *err, size_t n)
{
    json_t *v = json_object_get(o, key);

    if (!v || json_is_null(v)) {
        if (req)
            return bad(err, n, path, "is required");
        return 0;
    }
    if (!json_is_string(v))
        return bad(err, n, path, "must be a string");
    *out = json_string_value(v);
    return 0;
}

static int get_num(json_t *o, const char *key, const char *path, bool *has, double *out,
                   double lo, double hi, char *err, size_t n)
{
    json_t *v = json_object_get(o, key);
    char why[96];

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return bad(err, n, path, "must be a number");
    *out = json_number_value(v);
    if (!isfinite(*out) || *out < lo || *out > hi) {
        snprintf(why, sizeof(why), "must be between %g and %g", lo, hi);
        return bad(err, n, path, why);
    }
    if (has)
        *has = true;
    return 0;
}

static int get_int(json_t *o, const char *key, const char *path, bool *has, int *out, int lo,
                   int hi, char *err, size_t n)
{
    json_t *v = json_object_get(o, key);
    char why[96];

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return bad(err, n, path, "must be an integer");
    if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(why, sizeof(why), "must be between %d and %d", lo, hi);
        return bad(err, n, path, why);
    }
    *out = (int)json_integer_value(v);
    if (has)
        *has = true;
    return 0;
}

/* Refuse keys outside the allowed list (a misspelt field must not pass silently). */
static int only_keys(json_t *o, const char *const *allowed, const char *prefix, char *err,
                     size_t n)
{
    const char *k;
    json_t *v;
    char path[160];

    json_object_foreach(o, k, v) {
        size_t i;
        for (i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], k) == 0)
                break;
        if (!allowed[i]) {
            snprintf(path, sizeof(path), "%s%s", prefix, k);
            return bad(err, n, path, "unknown field");
        }
    }
    return 0;
}

/* commence_ts: integer ms since the epoch, or "YYYY-MM-DDTHH:MM:SS[.sss]Z". */
static int get_time(json_t *o, const char *key, bool req, bool *has, int64_t *ms, char *err,
                    size_t n)
{
    json_t *v = json_object_get(o, key);
    int64_t day;
    char date[11];
    int hh, mm, ss, used = 0;

    if (!v || json_is_null(v))
        return req ? bad(err, n, key, "is required") : 0;
    if (has)
        *has = true;
    if (json_is_integer(v)) {
        *ms = json_integer_value(v);
        if (*ms < 0 || *ms > INT64_C(32503680000000))
            return bad(err, n, key, "must be between 0 and 32503680000000 (year 3000)");
        return 0;
    }
    if (!json_is_string(v))
        return bad(err, n, key, "must be an integer (ms) or an ISO 8601 UTC time");
    const char *s = json_string_value(v);
    if (strlen(s) < 20 || s[10] != 'T')
        return bad(err, n, key, "must look like 2026-02-16T00:30:00Z");
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!eng_cal_parse_date(date, &day) ||
        sscanf(s + 11, "%2d:%2d:%2d%n", &hh, &mm, &ss, &used) != 3 || used != 8 || hh > 23 ||
        mm > 59 || ss > 59 || strcmp(s + 19, "Z") != 0)
        return bad(err, n, key, "must look like 2026-02-16T00:30:00Z");
    *ms = day * 86400000 + ((int64_t)hh * 3600 + mm * 60 + ss) * 1000;
    return 0;
}

static int get_list(json_t *o, const char *key, double *vals, int *cnt, double lo, double hi,
                    char *err, size_t n)
{
    json_t *a = json_object_get(o, key), *v;
    size_t i;
    char path[64];

    *cnt = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a))
        return bad(err, n, key, "must be a list of numbers");
    if (json_array_size(a) > ENG_SCORE_LIST_MAX)
        return bad(err, n, key, "has more than 4096 entries");
    json_array_foreach(a, i, v) {
        snprintf(path, sizeof(path), "%s[%zu]", key, i);
        if (!json_is_number(v))
            return bad(err, n, path, "must be a number");
        vals[i] = json_number_value(v);
        if (vals[i] < lo || vals[i] > hi)
            return bad(err, n, path, "is out of range");
    }
    *cnt = (int)json_array_size(a);
    return 0;
}

static bool is_prop_market(const char *m)
{
    return strncmp(m, "player_", 7) == 0;
}

int eng_score_in_from_json(json_t *o, eng_score_req_t *li, char *err, size_t n)
{
    static const char *const top[] = {
        "sport", "event_id", "home", "away", "player", "market", "side", "point", "price",
        "commence_ts", "home_spread", "total", "splits", "lines", "line_variance", "books",
        "espn", "season_avg", "officials", "weather", "def_rank", "pace", "vacuum",
        "birth_date", "line_history", "season_low", "season_high", "space_weather",
        "noosphere", "streak", "significant_dates", "injury", "ai", "now_ts", NULL};
    static const char *const k_splits[] = {"ticket_pct", "money_pct", "side", NULL};
    static const char *const k_espn[] = {"spread", "total", NULL};
    static const char *const k_off[] = {"over_pct", "home_bias", NULL};
    static const char *const k_wx[] = {"temp_f", "wind_mph", "precip_in", "humidity", NULL};
    static const char *const k_sw[] = {"kp", "xray_flux", NULL};
    eng_score_in_t *in = &li->in;
    const char *s = NULL;
    json_t *sub;
    double lines[ENG_SCORE_LIST_MAX];
    int nlines = 0;

    memset(in, 0, sizeof(*in));
    in->event_id = "";
    in->player = "";
    if (!json_is_object(o))
        return bad(err, n, "(line)", "must be a JSON object");
    if (only_keys(o, top, "", err, n) || get_str(o, "sport", "sport", true, &in->sport, err, n) ||
        get_str(o, "event_id", "event_id", false, &in->event_id, err, n) ||
        get_str(o, "home", "home", true, &in->home, err, n) ||
        get_str(o, "away", "away", true, &in->away, err, n) ||
        get_str(o, "player", "player", false, &in->player, err, n) ||
        get_str(o, "market", "market", true, &in->market, err, n) ||
        get_str(o, "side", "side", true, &in->side, err, n) || get_time(o, "commence_ts", true, NULL, &in->commence_ms, err, n) ||
        get_time(o, "now_ts", false, &in->has_now, &in->now_ms, err, n) ||
        get_num(o, "point", "point", &in->has_point, &in->point, -1000, 1000, err, n) ||
        get_int(o, "price", "price", &in->has_price, &in->price, -100000, 100000, err, n) ||
        get_num(o, "home_spread", "home_spread", &in->has_home_spread, &in->home_spread, -1000,
                1000, err, n) ||
        get_num(o, "total", "total", &in->has_total, &in->total, 0, 10000, err, n) ||
        get_num(o, "line_variance", "line_variance", &in->has_lv, &in->line_variance, 0, 1000,
                err, n) ||
        get_int(o, "books", "books", NULL, &in->books, 0, 1000, err, n) ||
        get_num(o, "season_avg", "season_avg", &in->has_season_avg, &in->season_avg, 0, 10000,
                err, n) ||
        get_int(o, "def_rank", "def_rank", &in->has_def_rank, &in->def_rank, 1, 400, err, n) ||
        get_num(o, "pace", "pace", &in->has_pace, &in->pace, 0, 1000, err, n) ||
        get_num(o, "vacuum", "vacuum", NULL, &in->vacuum, 0, 1000, err, n) ||
        get_num(o, "season_low", "season_low", &in->has_season_range, &in->season_low, 0, 10000,
                err, n) ||
        get_num(o, "season_high", "season_high", NULL, &in->season_high, 0, 10000, err, n) ||
        get_num(o, "noosphere", "noosphere", &in->has_noosphere, &in->noosphere_velocity, -1, 1,
                err, n) ||
        get_int(o, "streak", "streak", NULL, &in->streak, -1000, 1000, err, n) ||
        get_str(o, "injury", "injury", false, &in->injury, err, n) ||
        get_num(o, "ai", "ai", &in->has_ai, &in->ai, 0, 10, err, n))
        return -1;
    if (!*in->sport || !*in->home || !*in->away || !*in->market || !*in->side)
        return bad(err, n,
                   !*in->sport  ? "sport"
                   : !*in->home ? "home"
                   : !*in->away ? "away"
                   : !*in->market ? "market"
                                  : "side",
                   "must not be empty");
    if (strcmp(in->home, in->away) == 0)
        return bad(err, n, "away", "must differ from home");
    if (in->has_price && in->price > -100 && in->price < 100)
        return bad(err, n, "price", "American odds need |price| >= 100");
    if (is_prop_market(in->market) != (*in->player != '\0'))
        return bad(err, n, "player", is_prop_market(in->market)
                                         ? "is required for a player_* market"
                                         : "is only for player_* markets");
    if (strcmp(in->market, "spreads") == 0 || strcmp(in->market, "totals") == 0 ||
        is_prop_market(in->market)) {
        if (!in->has_point)
            return bad(err, n, "point", "is required for this market");
    } else if (strcmp(in->market, "h2h") != 0) {
        return bad(err, n, "market", "must be h2h, spreads, totals or player_*");
    }
    if ((strcmp(in->market, "totals") == 0 || is_prop_market(in->market)) &&
        strcmp(in->side, "Over") != 0 && strcmp(in->side, "Under") != 0)
        return bad(err, n, "side", "must be Over or Under for this market");
    if ((strcmp(in->market, "spreads") == 0 || strcmp(in->market, "h2h") == 0) &&
        strcmp(in->side, in->home) != 0 && strcmp(in->side, in->away) != 0 &&
        !(strcmp(in->market, "h2h") == 0 && strcmp(in->side, "Draw") == 0))
        return bad(err, n, "side", "must be the home or the away team");
    if (in->has_season_range && !json_object_get(o, "season_high"))
        return bad(err, n, "season_high", "is required with season_low");
    if (in->has_season_range && in->season_high < in->season_low)
        return bad(err, n, "season_high", "must be >= season_low");

    if ((sub = json_object_get(o, "splits")) && !json_is_null(sub)) {
        const char *side = NULL;
        bool ht = false, hm = false;
        if (!json_is_object(sub))
            return bad(err, n, "splits", "must be an object");
        if (only_keys(sub, k_splits, "splits.", err, n) ||
            get_num(sub, "ticket_pct", "splits.ticket_pct", &ht, &in->ticket_pct, 0, 100, err, n) ||
            get_num(sub, "money_pct", "splits.money_pct", &hm, &in->money_pct, 0, 100, err, n) ||
            get_str(sub, "side", "splits.side", false, &side, err, n))
            return -1;
        if (!ht || !hm)
            return bad(err, n, ht ? "splits.money_pct" : "splits.ticket_pct", "is required");
        /* percentages are held for the home side (Over for totals) */
        if (side) {
            bool first = strcmp(side, in->home) == 0 || strcmp(side, "Over") == 0 ||
                         strcmp(side, "home") == 0;
            bool second = strcmp(side, in->away) == 0 || strcmp(side, "Under") == 0 ||
                          strcmp(side, "away") == 0;
            if (!first && !second)
                return bad(err, n, "splits.side", "must be the home or away team, Over or Under");
            if (second) {
                in->ticket_pct = 100 - in->ticket_pct;
                in->money_pct = 100 - in->money_pct;
            }
        }
        in->has_splits = true;
    }
    if (get_list(o, "lines", lines, &nlines, -1000, 1000, err, n))
        return -1;
    if (nlines >= 2 && !in->has_lv) {
        double lo = lines[0], hi = lines[0];
        for (int i = 1; i < nlines; i++) {
            lo = lines[i] < lo ? lines[i] : lo;
            hi = lines[i] > hi ? lines[i] : hi;
        }
        in->has_lv = true;
        in->line_variance = eng_py_round(hi - lo, 1);
    }
    if (nlines && !json_object_get(o, "books"))
        in->books = nlines;
    if ((sub = json_object_get(o, "espn")) && !json_is_null(sub)) {
        bool hs = false, ht = false;
        if (!json_is_object(sub))
            return bad(err, n, "espn", "must be an object");
        if (only_keys(sub, k_espn, "espn.", err, n) ||
            get_num(sub, "spread", "espn.spread", &hs, &in->espn_spread, -1000, 1000, err, n) ||
            get_num(sub, "total", "espn.total", &ht, &in->espn_total, 0, 10000, err, n))
            return -1;
        if (!hs || !ht)
            return bad(err, n, hs ? "espn.total" : "espn.spread", "is required");
        in->has_espn = true;
    }
    if ((sub = json_object_get(o, "officials")) && !json_is_null(sub)) {
        bool ho = false, hb = false;
        if (!json_is_object(sub))
            return bad(err, n, "officials", "must be an object");
        if (only_keys(sub, k_off, "officials.", err, n) ||
            get_num(sub, "over_pct", "officials.over_pct", &ho, &in->officials_over_pct, 0, 1, err,
                    n) ||
            get_num(sub, "home_bias", "officials.home_bias", &hb, &in->officials_home_bias, -1, 1,
                    err, n))
            return -1;
        if (!ho || !hb)
            return bad(err, n, ho ? "officials.home_bias" : "officials.over_pct", "is required");
        in->has_officials = true;
    }
    if ((sub = json_object_get(o, "weather")) && !json_is_null(sub)) {
        bool h[4] = {false, false, false, false};
        if (!json_is_object(sub))
            return bad(err, n, "weather", "must be an object");
        if (only_keys(sub, k_wx, "weather.", err, n) ||
            get_num(sub, "temp_f", "weather.temp_f", &h[0], &in->temp_f, -100, 150, err, n) ||
            get_num(sub, "wind_mph", "weather.wind_mph", &h[1], &in->wind_mph, 0, 300, err, n) ||
            get_num(sub, "precip_in", "weather.precip_in", &h[2], &in->precip_in, 0, 100, err, n) ||
            get_num(sub, "humidity", "weather.humidity", &h[3], &in->humidity, 0, 100, err, n))
            return -1;
        for (int i = 0; i < 4; i++)
            if (!h[i])
                return bad(err, n, (const char *[]){"weather.temp_f", "weather.wind_mph",
                                                    "weather.precip_in", "weather.humidity"}[i],
                           "is required");
        in->has_weather = true;
    }
    if ((sub = json_object_get(o, "space_weather")) && !json_is_null(sub)) {
        if (!json_is_object(sub))
            return bad(err, n, "space_weather", "must be an object");
        if (only_keys(sub, k_sw, "space_weather.", err, n) ||
            get_num(sub, "kp", "space_weather.kp", &in->has_kp, &in->kp, 0, 9, err, n) ||
            get_num(sub, "xray_flux", "space_weather.xray_flux", &in->has_xray, &in->xray_flux, 0,
                    1, err, n))
            return -1;
    }
    if (get_str(o, "birth_date", "birth_date", false, &s, err, n))
        return -1;
    if (s) {
        if (!eng_cal_parse_date(s, &in->birth_day))
            return bad(err, n, "birth_date", "must be a date YYYY-MM-DD");
        in->has_birth = true;
    }
    if (get_list(o, "line_history", li->history, &in->history_n, -10000, 10000, err, n))
        return -1;
    in->history = li->history;
    {
        json_t *a = json_object_get(o, "significant_dates"), *v;
        size_t i;
        char path[64];
        if (a && !json_is_null(a)) {
            if (!json_is_array(a))
                return bad(err, n, "significant_dates", "must be a list of dates");
            if (json_array_size(a) > ENG_SCORE_LIST_MAX)
                return bad(err, n, "significant_dates", "has more than 4096 entries");
            json_array_foreach(a, i, v) {
                snprintf(path, sizeof(path), "significant_dates[%zu]", i);
                if (!json_is_string(v) || !eng_cal_parse_date(json_string_value(v), &li->sig_days[i]))
                    return bad(err, n, path, "must be a date YYYY-MM-DD");
            }
            in->sig_n = (int)json_array_size(a);
        }
        in->sig_days = li->sig_days;
    }
    return 0;
}

