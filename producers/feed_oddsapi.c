/*
 * feed_oddsapi — The Odds API v4 adapter of savant-feed: reads one saved response (/odds,
 * /events, /scores, /events/{id}/odds or a /historical wrapper {"data": ...}) and turns each
 * record into Savant events: a game event per record (scheduled from an odds or events record;
 * scheduled, live or final with the scores from a scores record), then one odds event per
 * bookmaker × market (× player for a prop market, whose outcomes carry the player in
 * `description`). Sport keys map to Savant's tokens through a table; prices are American when
 * the JSON holds an integer with |price| >= 100 and decimal otherwise. Event times come from the
 * input's last_update fields (else the commence time), never from the clock. A bad record, bad
 * market or unknown sport is reported with its JSON path ("[2].bookmakers[0].markets[1].
 * outcomes[0].price: ...") and skipped; the rest goes on. Format notes: docs/feeds.md.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "sv_util.h"
#include "wire.h"

#define OA_PATH_MAX 160   /* bytes of a JSON path in a report */
#define OA_REASON_MAX 512 /* bytes of one report */
#define OA_PLAYERS_MAX WIRE_OUTCOMES_MAX /* players of one prop market */

/* The Odds API sport keys with a Savant token of their own; soccer_* keeps its key. */
static const struct {
    const char *key;   /* The Odds API sport_key */
    const char *sport; /* Savant token */
} oa_sports[] = {
    {"basketball_nba", "nba"},     {"americanfootball_nfl", "nfl"},
    {"icehockey_nhl", "nhl"},      {"baseball_mlb", "mlb"},
    {"basketball_ncaab", "ncaab"}, {"americanfootball_ncaaf", "ncaaf"},
    {"basketball_wnba", "wnba"},
};

/* One file's conversion: where events and reports go, and scratch events. */
typedef struct oa_ctx {
    const char *path;        /* the file, for reports */
    feed_emit_fn *emit;      /* receives events */
    feed_report_fn *report;  /* receives bad records; may be NULL */
    void *arg;               /* for emit and report */
    feed_stats_t *st;        /* counters (added to) */
    wire_game_t game;        /* scratch game event */
    wire_odds_t odds;        /* scratch odds event */
} oa_ctx_t;

/* Reports one bad record or market: "<path>: <reason>", and counts it as skipped. */
static void oa_bad(oa_ctx_t *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void oa_bad(oa_ctx_t *c, const char *path, const char *fmt, ...)
{
    char why[OA_REASON_MAX - OA_PATH_MAX - 4], msg[OA_REASON_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof(msg), "%s%s%s", path, *path ? ": " : "", why);
    c->st->skipped++;
    if (c->report)
        c->report(c->path, 0, msg, c->arg);
}

/* Reports a schema failure of a built event: "<path>.<field>: <reason>". */
static void oa_bad_wire(oa_ctx_t *c, const char *path, const wire_err_t *werr)
{
    char buf[WIRE_REASON_MAX + 128];
    oa_bad(c, path, "%s", wire_err_str(werr, buf, sizeof(buf)));
}

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's algorithm). */
static int64_t oa_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads exactly n digits at *p into *v and advances. */
static bool oa_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

/*
 * ISO 8601 date-time to ms since the epoch: "YYYY-MM-DDTHH:MM[:SS[.fff…]][Z|±HH:MM]" (a space
 * may stand for the T; no zone means UTC).
 */
static bool oa_parse_iso(const char *s, int64_t *ms)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec = 0, frac = 0, zh = 0, zm = 0, sign = 0;
    const char *p = s;

    if (!oa_digits(&p, 4, &y) || *p++ != '-' || !oa_digits(&p, 2, &mo) || *p++ != '-' ||
        !oa_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return false;
    p++;
    if (!oa_digits(&p, 2, &h) || *p++ != ':' || !oa_digits(&p, 2, &mi))
        return false;
    if (*p == ':') {
        p++;
        if (!oa_digits(&p, 2, &sec))
            return false;
        if (*p == '.' || *p == ',') {
            int scale = 100;
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            for (; isdigit((unsigned char)*p); p++, scale /= 10)
                frac += (*p - '0') * scale;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        if (!oa_digits(&p, 2, &zh))
            return false;
        if (*p == ':')
            p++;
        if (!oa_digits(&p, 2, &zm))
            return false;
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 60 || zh > 23 || zm > 59)
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    int64_t t = oa_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    t -= (int64_t)sign * (zh * 3600 + zm * 60);
    *ms = t * 1000 + frac;
    return true;
}

/*
 * A time field: an ISO 8601 string, or an integer of Unix seconds (dateFormat=unix).
 * @returns 1 parsed, 0 absent (missing or null), -1 present but bad (reported by the caller)
 */
static int oa_time(const json_t *obj, const char *key, int64_t *ms)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v))
        return oa_parse_iso(json_string_value(v), ms) ? 1 : -1;
    if (json_is_integer(v) && json_integer_value(v) > 0 &&
        json_integer_value(v) < WIRE_TS_MAX / 1000) {
        *ms = (int64_t)json_integer_value(v) * 1000;
        return 1;
    }
    return -1;
}

/* Copies a required string member into dst (size bytes); reports and returns false if bad. */
static bool oa_str(oa_ctx_t *c, const char *path, const json_t *obj, const char *key, char *dst,
                   size_t size)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        oa_bad(c, path, "%s: required field missing", key);
        return false;
    }
    if (!json_is_string(v)) {
        oa_bad(c, path, "%s: must be a string", key);
        return false;
    }
    if (json_string_length(v) >= size) {
        oa_bad(c, path, "%s: longer than %zu bytes", key, size - 1);
        return false;
    }
    if (json_string_length(v) == 0) {
        oa_bad(c, path, "%s: empty", key);
        return false;
    }
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return true;
}

/* The Savant sport token of an Odds API sport key; false for a key without one. */
static bool oa_sport(const char *key, char *sport, size_t size)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(oa_sports); i++)
        if (strcmp(key, oa_sports[i].key) == 0) {
            sv_strlcpy(sport, oa_sports[i].sport, size);
            return true;
        }
    if (strncmp(key, "soccer_", 7) == 0 && key[7] != '\0')
        return sv_strlcpy(sport, key, size) < size;
    return false;
}

/* Hands one event to emit and counts it. Returns non-zero when emit asked to stop. */
static int oa_emit(oa_ctx_t *c, wire_type_t t, const void *ev)
{
    int rc = c->emit(t, ev, c->arg);
    if (rc == 0) {
        c->st->emitted++;
        if (t == WIRE_ODDS)
            c->st->odds++;
        else
            c->st->games++;
    }
    return rc;
}

/*
 * A score as an integer 0..1000 from a string ("112") or an integer.
 * @returns false when it is neither
 */
static bool oa_score(const json_t *v, int *out)
{
    long long x;
    if (json_is_integer(v)) {
        x = json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (!isdigit((unsigned char)*s))
            return false;
        errno = 0;
        x = strtoll(s, &end, 10);
        if (errno || *end != '\0')
            return false;
    } else {
        return false;
    }
    if (x < 0 || x > 1000)
        return false;
    *out = (int)x;
    return true;
}

/*
 * The game event of record rec (at JSON path rp) into c->game, ts = ts_ms; for a scores
 * record also its status and scores. Reports and returns false when the record is bad.
 */
static bool oa_build_game(oa_ctx_t *c, const char *rp, const json_t *rec, int64_t ts_ms)
{
    wire_game_t *g = &c->game;
    char key[WIRE_ID_MAX + 64];
    const json_t *v;
    int64_t commence;
    wire_err_t werr;

    memset(g, 0, sizeof(*g));
    g->v = WIRE_VERSION;
    g->ts = ts_ms;
    if (!oa_str(c, rp, rec, "id", g->event_id, sizeof(g->event_id)) ||
        !oa_str(c, rp, rec, "sport_key", key, sizeof(key)))
        return false;
    if (!oa_sport(key, g->sport, sizeof(g->sport))) {
        oa_bad(c, rp, "sport_key: unknown sport '%s'", key);
        return false;
    }
    if (!oa_str(c, rp, rec, "home_team", g->home, sizeof(g->home)) ||
        !oa_str(c, rp, rec, "away_team", g->away, sizeof(g->away)))
        return false;
    switch (oa_time(rec, "commence_time", &commence)) {
    case 0:
        oa_bad(c, rp, "commence_time: required field missing");
        return false;
    case -1:
        oa_bad(c, rp, "commence_time: not an ISO 8601 time");
        return false;
    default:
        break;
    }
    g->commence_ts = commence;
    if (g->ts == 0)
        g->ts = commence;
    v = json_object_get(rec, "sport_title");
    if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= WIRE_NAME_MAX) {
        memcpy(g->league, json_string_value(v), json_string_length(v) + 1);
        g->present |= WIRE_GAME_HAS_LEAGUE;
    }
    g->status = WIRE_GAME_SCHEDULED;
    v = json_object_get(rec, "completed");
    if (v && !json_is_null(v) && !json_is_boolean(v)) {
        oa_bad(c, rp, "completed: must be true or false");
        return false;
    }
    const json_t *scores = json_object_get(rec, "scores");
    if (scores && !json_is_null(scores) && !json_is_array(scores)) {
        oa_bad(c, rp, "scores: must be an array or null");
        return false;
    }
    if (json_is_array(scores) && json_array_size(scores) > 0)
        g->status = WIRE_GAME_LIVE;
    if (json_is_true(v))
        g->status = WIRE_GAME_FINAL;
    for (size_t i = 0; json_is_array(scores) && i < json_array_size(scores); i++) {
        const json_t *s = json_array_get(scores, i), *nm = json_object_get(s, "name");
        int x;
        if (!json_is_string(nm)) {
            oa_bad(c, rp, "scores[%zu].name: must be a string", i);
            return false;
        }
        if (!oa_score(json_object_get(s, "score"), &x)) {
            oa_bad(c, rp, "scores[%zu].score: not a whole number 0..1000", i);
            return false;
        }
        if (strcmp(json_string_value(nm), g->home) == 0) {
            g->home_score = x;
            g->present |= WIRE_GAME_HAS_HOME_SCORE;
        } else if (strcmp(json_string_value(nm), g->away) == 0) {
            g->away_score = x;
            g->present |= WIRE_GAME_HAS_AWAY_SCORE;
        } else {
            oa_bad(c, rp, "scores[%zu].name: '%s' is neither home_team nor away_team", i,
                   json_string_value(nm));
            return false;
        }
    }
    if (wire_validate(WIRE_GAME, g, &werr) != SV_OK) {
        oa_bad_wire(c, rp, &werr);
        return false;
    }
    return true;
}

/*
 * One outcome into o. Reports (path mp, "outcomes[k]") and returns false when bad.
 */
static bool oa_outcome(oa_ctx_t *c, const char *mp, size_t k, const json_t *oj, wire_outcome_t *o)
{
    const json_t *nm = json_object_get(oj, "name"), *pr = json_object_get(oj, "price"),
                 *pt = json_object_get(oj, "point");

    memset(o, 0, sizeof(*o));
    if (!json_is_object(oj)) {
        oa_bad(c, mp, "outcomes[%zu]: must be an object", k);
        return false;
    }
    if (!json_is_string(nm) || json_string_length(nm) == 0) {
        oa_bad(c, mp, "outcomes[%zu].name: must be a non-empty string", k);
        return false;
    }
    if (json_string_length(nm) > WIRE_NAME_MAX) {
        oa_bad(c, mp, "outcomes[%zu].name: longer than %d bytes", k, WIRE_NAME_MAX);
        return false;
    }
    memcpy(o->name, json_string_value(nm), json_string_length(nm) + 1);
    if (json_is_integer(pr)) {
        json_int_t x = json_integer_value(pr);
        if ((x >= 100 && x <= 100000) || (x <= -100 && x >= -100000)) {
            o->price = (int)x;
            o->present |= WIRE_OUTCOME_HAS_PRICE;
        } else if (x > 1 && x < 100) { /* a whole decimal price such as 2 */
            o->decimal = (double)x;
            o->present |= WIRE_OUTCOME_HAS_DECIMAL;
        } else {
            oa_bad(c, mp, "outcomes[%zu].price: %" JSON_INTEGER_FORMAT " is not a valid price",
                   k, x);
            return false;
        }
    } else if (json_is_real(pr)) {
        double x = json_real_value(pr);
        if (!(x > 1.0 && x <= 10000.0)) {
            oa_bad(c, mp, "outcomes[%zu].price: decimal price %g not in (1, 10000]", k, x);
            return false;
        }
        o->decimal = x;
        o->present |= WIRE_OUTCOME_HAS_DECIMAL;
    } else {
        oa_bad(c, mp, "outcomes[%zu].price: %s", k,
               pr && !json_is_null(pr) ? "must be a number" : "required field missing");
        return false;
    }
    if (pt && !json_is_null(pt)) {
        if (!json_is_number(pt)) {
            oa_bad(c, mp, "outcomes[%zu].point: must be a number", k);
            return false;
        }
        o->point = json_number_value(pt);
        o->present |= WIRE_OUTCOME_HAS_POINT;
    }
    return true;
}

/*
 * One market of one bookmaker: one odds event, or one per player (outcome `description`) of a
 * prop market. Bad markets are reported and skipped.
 * @returns non-zero when emit asked to stop
 */
static int oa_market(oa_ctx_t *c, const char *mp, const json_t *mj, const char *book,
                     int64_t book_ts, int64_t rec_ts)
{
    wire_odds_t *od = &c->odds;
    const json_t *outs = json_object_get(mj, "outcomes");
    const char *players[OA_PLAYERS_MAX];
    size_t nplayers = 0, n;
    int64_t ts = 0;
    wire_err_t werr;

    if (!json_is_object(mj)) {
        oa_bad(c, mp, "must be an object");
        return 0;
    }
    memset(od, 0, offsetof(wire_odds_t, outcomes));
    od->v = WIRE_VERSION;
    sv_strlcpy(od->event_id, c->game.event_id, sizeof(od->event_id));
    sv_strlcpy(od->sport, c->game.sport, sizeof(od->sport));
    if (!oa_str(c, mp, mj, "key", od->market, sizeof(od->market)))
        return 0;
    switch (oa_time(mj, "last_update", &ts)) {
    case -1:
        oa_bad(c, mp, "last_update: not an ISO 8601 time");
        return 0;
    case 0:
        ts = book_ts ? book_ts : rec_ts;
        break;
    default:
        break;
    }
    if (ts == 0) {
        oa_bad(c, mp, "last_update: missing here, in its bookmaker and in its record");
        return 0;
    }
    od->ts = ts;
    if (!json_is_array(outs)) {
        oa_bad(c, mp, "outcomes: must be an array");
        return 0;
    }
    n = json_array_size(outs);
    /* The players of a prop market, in order of first appearance; none for a game market. */
    for (size_t k = 0; k < n; k++) {
        const json_t *d = json_object_get(json_array_get(outs, k), "description");
        size_t p;
        if (!d || json_is_null(d))
            continue;
        if (!json_is_string(d) || json_string_length(d) == 0 ||
            json_string_length(d) > WIRE_NAME_MAX) {
            oa_bad(c, mp, "outcomes[%zu].description: must be a string of 1..%d bytes", k,
                   WIRE_NAME_MAX);
            return 0;
        }
        for (p = 0; p < nplayers; p++)
            if (strcmp(players[p], json_string_value(d)) == 0)
                break;
        if (p == nplayers) {
            if (nplayers == OA_PLAYERS_MAX) {
                oa_bad(c, mp, "outcomes: more than %d players", OA_PLAYERS_MAX);
                return 0;
            }
            players[nplayers++] = json_string_value(d);
        }
    }
    /* Validate every outcome first, so a bad one skips the whole market. */
    for (size_t k = 0; k < n; k++) {
        wire_outcome_t o;
        if (!oa_outcome(c, mp, k, json_array_get(outs, k), &o))
            return 0;
    }
    for (size_t p = 0; p < (nplayers ? nplayers : 1); p++) {
        od->outcome_cnt = 0;
        od->present = 0;
        od->player[0] = '\0';
        if (nplayers) {
            memcpy(od->player, players[p], strlen(players[p]) + 1);
            od->present |= WIRE_ODDS_HAS_PLAYER;
        }
        for (size_t k = 0; k < n; k++) {
            const json_t *oj = json_array_get(outs, k), *d = json_object_get(oj, "description");
            bool mine = nplayers ? json_is_string(d) && strcmp(json_string_value(d), players[p]) == 0
                                 : true;
            if (!mine)
                continue;
            if (od->outcome_cnt == WIRE_OUTCOMES_MAX) {
                oa_bad(c, mp, "outcomes: more than %d", WIRE_OUTCOMES_MAX);
                return 0;
            }
            oa_outcome(c, mp, k, oj, &od->outcomes[od->outcome_cnt++]);
        }
        sv_strlcpy(od->book, book, sizeof(od->book));
        if (wire_validate(WIRE_ODDS, od, &werr) != SV_OK) {
            if (nplayers) {
                char pp[OA_PATH_MAX + 64];
                snprintf(pp, sizeof(pp), "%s (player '%.40s')", mp, players[p]);
                oa_bad_wire(c, pp, &werr);
            } else {
                oa_bad_wire(c, mp, &werr);
            }
            continue;
        }
        if (oa_emit(c, WIRE_ODDS, od))
            return 1;
    }
    return 0;
}

/*
 * The earliest last_update of a record's bookmakers and markets (0 when none parses): the game
 * event of an odds record takes it, so the game precedes its odds.
 */
static int64_t oa_first_update(const json_t *books)
{
    int64_t best = 0, t;
    for (size_t j = 0; j < json_array_size(books); j++) {
        const json_t *b = json_array_get(books, j), *mks = json_object_get(b, "markets");
        if (oa_time(b, "last_update", &t) == 1 && (best == 0 || t < best))
            best = t;
        for (size_t k = 0; k < json_array_size(mks); k++)
            if (oa_time(json_array_get(mks, k), "last_update", &t) == 1 && (best == 0 || t < best))
                best = t;
    }
    return best;
}

/*
 * One record (index i): its game event, then an odds event per bookmaker × market.
 * @returns non-zero when emit asked to stop
 */
static int oa_record(oa_ctx_t *c, size_t i, const json_t *rec)
{
    char rp[OA_PATH_MAX], bp[OA_PATH_MAX], mp[OA_PATH_MAX];
    const json_t *books;
    int64_t rec_ts = 0, game_ts;
    int r;

    snprintf(rp, sizeof(rp), "[%zu]", i);
    c->st->rows++;
    if (!json_is_object(rec)) {
        oa_bad(c, rp, "must be an object");
        return 0;
    }
    books = json_object_get(rec, "bookmakers");
    if (books && !json_is_null(books) && !json_is_array(books)) {
        oa_bad(c, rp, "bookmakers: must be an array");
        return 0;
    }
    r = oa_time(rec, "last_update", &rec_ts);
    if (r < 0) {
        oa_bad(c, rp, "last_update: not an ISO 8601 time");
        return 0;
    }
    game_ts = json_is_array(books) ? oa_first_update(books) : 0;
    if (game_ts == 0)
        game_ts = rec_ts; /* 0: the commence time (oa_build_game) */
    if (!oa_build_game(c, rp, rec, game_ts))
        return 0;
    if (oa_emit(c, WIRE_GAME, &c->game))
        return 1;
    for (size_t j = 0; json_is_array(books) && j < json_array_size(books); j++) {
        const json_t *b = json_array_get(books, j), *mks;
        char book[WIRE_ID_MAX + 1];
        int64_t book_ts = 0;

        snprintf(bp, sizeof(bp), "[%zu].bookmakers[%zu]", i, j);
        if (!json_is_object(b)) {
            oa_bad(c, bp, "must be an object");
            continue;
        }
        if (!oa_str(c, bp, b, "key", book, sizeof(book)))
            continue;
        if (oa_time(b, "last_update", &book_ts) < 0) {
            oa_bad(c, bp, "last_update: not an ISO 8601 time");
            continue;
        }
        mks = json_object_get(b, "markets");
        if (!json_is_array(mks)) {
            oa_bad(c, bp, "markets: must be an array");
            continue;
        }
        for (size_t k = 0; k < json_array_size(mks); k++) {
            snprintf(mp, sizeof(mp), "[%zu].bookmakers[%zu].markets[%zu]", i, j, k);
            if (oa_market(c, mp, json_array_get(mks, k), book, book_ts, rec_ts))
                return 1;
        }
    }
    return 0;
}

sv_err_t feed_oddsapi_file(const char *path, feed_emit_fn *emit, feed_report_fn *report,
                           void *arg, feed_stats_t *st)
{
    feed_stats_t local = {0};
    oa_ctx_t *c = NULL;
    json_t *root = NULL;
    const json_t *recs;
    json_error_t jerr;
    sv_err_t rc = SV_OK;
    FILE *fp = NULL;
    char msg[OA_REASON_MAX];

    fp = fopen(path, "rb");
    if (!fp) {
        snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
        if (report)
            report(path, 0, msg, arg);
        rc = SV_ERR_IO;
        goto out;
    }
    root = json_loadf(fp, 0, &jerr);
    if (!root) {
        if (ferror(fp)) {
            snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
            rc = SV_ERR_IO;
        } else {
            snprintf(msg, sizeof(msg), "not JSON: %s", jerr.text);
            rc = SV_ERR_DECODE;
        }
        if (report)
            report(path, jerr.line > 0 ? jerr.line : 0, msg, arg);
        goto out;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        rc = SV_ERR_NOMEM;
        goto out;
    }
    c->path = path;
    c->emit = emit;
    c->report = report;
    c->arg = arg;
    c->st = st ? st : &local;
    /* An array of records; a historical wrapper {"data": ...}; or a single event object. */
    recs = root;
    if (json_is_object(root) && json_object_get(root, "data"))
        recs = json_object_get(root, "data");
    if (json_is_array(recs)) {
        for (size_t i = 0; i < json_array_size(recs); i++)
            if (oa_record(c, i, json_array_get(recs, i))) {
                rc = SV_ERR_FAIL;
                goto out;
            }
    } else if (json_is_object(recs)) {
        if (oa_record(c, 0, recs))
            rc = SV_ERR_FAIL;
    } else {
        if (report)
            report(path, 0, "not an Odds API response: neither an array nor an object", arg);
        rc = SV_ERR_DECODE;
    }
out:
    free(c);
    json_decref(root);
    if (fp)
        fclose(fp);
    return rc;
}
