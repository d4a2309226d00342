/*
 * savant-score — the explain tool: reads one JSON object per line describing a candidate and its
 * context, runs the engine's scoring pipeline on it (engine/scoring/score.h, the same code the
 * engine runs) and writes one JSON object per line with every engine score, each module's
 * contribution by name, the final score, tier and the reasons. A bad line gets an error object
 * naming the field and the reason; the other lines go on. Input fields: docs/scoring.md.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "scoring/caltime.h"
#include "scoring/pynum.h"
#include "scoring/score.h"
#include "sv_util.h"

extern char **environ;

#define LINE_MAX_BYTES (1 << 20) /* longest input line */
#define LIST_MAX 4096            /* entries of line_history, lines and significant_dates */

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-score [-c FILE] [-X key=value]... [FILE...]\n"
            "\n"
            "Scores candidates with the engine's scoring pipeline and explains every score.\n"
            "Reads one JSON object per line from each FILE (or standard input) and writes one\n"
            "JSON object per line to standard output: ai, research, esoteric, jarvis, base,\n"
            "final, tier, units, confluence, every module's contribution by name, reasons.\n"
            "A bad line gets {\"line\": N, \"error\": \"FIELD: reason\"} and the rest go on.\n"
            "\n"
            "Input fields (docs/scoring.md): sport, home, away, market, side, commence_ts\n"
            "(ms since the epoch or \"YYYY-MM-DDTHH:MM:SSZ\") are required; event_id, player,\n"
            "point, price, home_spread, total, splits{ticket_pct,money_pct,side}, lines[],\n"
            "line_variance, books, espn{spread,total}, season_avg, officials{over_pct,home_bias},\n"
            "weather{temp_f,wind_mph,precip_in,humidity}, def_rank, pace, vacuum, birth_date,\n"
            "line_history[], season_low, season_high, space_weather{kp,xray_flux}, noosphere,\n"
            "streak, significant_dates[], injury, ai are optional; now_ts (the original's\n"
            "request time, to replay its vectors) is optional too.\n"
            "\n"
            "  -c, --config FILE    configuration file (score.* keys shape the scoring)\n"
            "  -X, --set KEY=VALUE  set one configuration key (repeatable)\n"
            "      --dump-config    print the effective configuration and exit\n"
            "      --modules        print the esoteric module registry (Markdown) and exit\n"
            "  -h, --help           this help\n"
            "\n"
            "Exit status: 0 every line scored, 1 some line was bad or a file unreadable,\n"
            "2 bad usage.\n");
}

/* What one input line owns while it is scored. */
typedef struct line_in {
    eng_score_in_t in;
    double history[LIST_MAX];
    int64_t sig_days[LIST_MAX];
} line_in_t;

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
    if (json_array_size(a) > LIST_MAX)
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

/* Fill li->in from one JSON object; 0 or -1 with err naming the field. */
static int parse_candidate(json_t *o, line_in_t *li, char *err, size_t n)
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
    double lines[LIST_MAX];
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
            if (json_array_size(a) > LIST_MAX)
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

/* Output: a tiny writer so doubles print as Python prints them (shortest round trip). */

static void put_str(FILE *out, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

    fputs(t ? t : "null", out);
    free(t);
    json_decref(j);
}

static void put_num(FILE *out, double v)
{
    char b[ENG_PY_REPR_MAX];

    if (!isfinite(v))
        fputs("null", out);
    else
        fputs(eng_py_repr(v, b, sizeof(b)), out);
}

static void put_kv_num(FILE *out, const char *k, double v)
{
    fprintf(out, ",\"%s\":", k);
    put_num(out, v);
}

static void write_score(FILE *out, long line, const eng_score_in_t *in, const eng_score_t *sc,
                        const eng_why_t *why)
{
    static const char *const kinds[] = {"SPREAD", "MONEYLINE", "TOTAL", "PROP"};

    fprintf(out, "{\"line\":%ld,\"sport\":", line);
    put_str(out, in->sport);
    fputs(",\"market\":", out);
    put_str(out, in->market);
    fputs(",\"side\":", out);
    put_str(out, in->side);
    if (*in->player) {
        fputs(",\"player\":", out);
        put_str(out, in->player);
    }
    if (in->has_point)
        put_kv_num(out, "point", in->point);
    fprintf(out, ",\"kind\":\"%s\"", kinds[sc->kind]);
    put_kv_num(out, "ai", sc->ai);
    put_kv_num(out, "research", sc->research);
    put_kv_num(out, "esoteric", sc->esoteric);
    fputs(",\"jarvis\":", out);
    if (sc->has_jarvis)
        put_num(out, sc->jarvis);
    else
        fputs("null", out);
    put_kv_num(out, "base", sc->base);
    put_kv_num(out, "context_score", sc->context_score);
    put_kv_num(out, "context_modifier", sc->context_mod);
    fputs(",\"confluence\":{\"level\":", out);
    put_str(out, sc->confluence);
    put_kv_num(out, "alignment", sc->alignment);
    put_kv_num(out, "boost", sc->confluence_boost);
    fputs("}", out);
    put_kv_num(out, "msrf", sc->msrf);
    put_kv_num(out, "jason", sc->jason);
    put_kv_num(out, "hook", sc->hook);
    put_kv_num(out, "totals_calibration", sc->totals_cal);
    put_kv_num(out, "weather", sc->weather);
    put_kv_num(out, "total_boosts", sc->total_boosts);
    put_kv_num(out, "kp_multiplier", sc->kp_mult);
    put_kv_num(out, "final", sc->final);
    put_kv_num(out, "final_2dp", eng_py_round(sc->final, 2));
    fprintf(out, ",\"titanium\":%s,\"immortal\":%s,\"tier\":", sc->titanium ? "true" : "false",
            sc->immortal ? "true" : "false");
    put_str(out, sc->tier);
    put_kv_num(out, "units", sc->units);
    put_kv_num(out, "glitch", sc->glitch10);
    fputs(",\"modules\":{", out);
    for (int i = 0; i < sc->n_parts; i++) {
        if (i)
            fputc(',', out);
        put_str(out, sc->parts[i].name);
        fputc(':', out);
        put_num(out, sc->parts[i].value);
    }
    fputs("},\"reasons\":[", out);
    for (int i = 0; i < why->n; i++) {
        if (i)
            fputc(',', out);
        put_str(out, eng_why_get(why, i));
    }
    fputs("]}\n", out);
}

static void write_error(FILE *out, long line, const char *err)
{
    fprintf(out, "{\"line\":%ld,\"error\":", line);
    put_str(out, err);
    fputs("}\n", out);
}

/* The registry as a Markdown table (docs/scoring.md holds a copy; test 0490 compares them). */
static void print_modules(FILE *out)
{
    static const char *const groups[] = {"core (weighted)", "boost", "GLITCH signal",
                                         "Phase 8 signal"};
    const eng_mod_def_t *m = eng_score_modules();

    fprintf(out, "| module | group | default weight | on | inputs | what it computes |\n"
                 "|---|---|---|---|---|---|\n");
    for (int i = 0; i < ENG_MOD__CNT; i++)
        fprintf(out, "| `%s` | %s | %.2f | %s | %s | %s |\n", m[i].name, groups[m[i].group],
                m[i].weight, m[i].enabled ? "yes" : "no", m[i].inputs, m[i].doc);
}

/* Score every line of fp; returns the number of bad lines. */
static long score_stream(FILE *fp, const char *name, const eng_score_conf_t *conf, FILE *out)
{
    static line_in_t li;
    static eng_score_t sc;
    static eng_why_t why;
    static char buf[LINE_MAX_BYTES];
    eng_score_game_t game;
    char err[256];
    long lineno = 0, bad_lines = 0;

    while (fgets(buf, sizeof(buf), fp)) {
        size_t len = strlen(buf);
        json_error_t jerr;
        json_t *o;

        lineno++;
        if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
            int c;
            while ((c = fgetc(fp)) != EOF && c != '\n')
                ;
            write_error(out, lineno, "(line): longer than 1 MiB");
            bad_lines++;
            continue;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (len == 0 || buf[strspn(buf, " \t")] == '\0')
            continue;
        o = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr);
        if (!o) {
            snprintf(err, sizeof(err), "(line): not JSON: %s at column %d", jerr.text,
                     jerr.column);
            write_error(out, lineno, err);
            bad_lines++;
            continue;
        }
        if (parse_candidate(o, &li, err, sizeof(err)) != 0) {
            write_error(out, lineno, err);
            bad_lines++;
        } else {
            eng_why_init(&why);
            eng_score_game_prepare(conf, &li.in, &game);
            eng_score_run(conf, &game, &li.in, &sc, &why);
            write_score(out, lineno, &li.in, &sc, &why);
        }
        json_decref(o);
    }
    if (ferror(fp)) {
        fprintf(stderr, "savant-score: reading %s: %s\n", name, strerror(errno));
        bad_lines++;
    }
    return bad_lines;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {"modules", no_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    eng_score_conf_t conf;
    cfg_cli_t cli;
    cfg_t cfg;
    char errstr[512];
    long bad_lines = 0;
    int opt, rc;

    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "h", lopts, NULL)) != -1) {
        switch (opt) {
        case 'h': usage(stdout); return 0;
        case 'M': print_modules(stdout); return 0;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-score")) >= 0)
        return rc;
    if (eng_score_conf_from_cfg(&conf, &cfg, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-score: %s\n", errstr);
        return 1;
    }
    if (optind == argc) {
        bad_lines = score_stream(stdin, "standard input", &conf, stdout);
    } else {
        for (int i = optind; i < argc; i++) {
            FILE *fp = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
            if (!fp) {
                fprintf(stderr, "savant-score: cannot open '%s': %s\n", argv[i], strerror(errno));
                bad_lines++;
                continue;
            }
            bad_lines += score_stream(fp, argv[i], &conf, stdout);
            if (fp != stdin)
                fclose(fp);
        }
    }
    fflush(stdout);
    return bad_lines ? 1 : 0;
}
