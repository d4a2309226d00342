/*
 * feed_csv — the football-data.co.uk adapter of savant-feed: reads one results-and-odds CSV (a
 * header row naming the columns Div, Date, Time, HomeTeam, AwayTeam, FTHG, FTAG, FTR and any
 * number of per-book 1X2 decimal triples such as B365H/B365D/B365A or the closing PSCH/PSCD/PSCA)
 * and turns every match row into Savant events: the game as scheduled a day before kick-off,
 * one 3-way h2h odds event per book with opening prices at kick-off − 24 h and one per book with
 * closing prices at kick-off − 1 min, and the game as final with its score at kick-off + 2 h.
 * All events of the file are handed out in event-time order (ties in row, then column order),
 * so a replay never sees a result before the prices that preceded it. Kick-off times are UK
 * local time converted to UTC by the EU summer-time rule; nothing reads the clock. The parser
 * takes RFC 4180 quoting, CRLF/LF/CR line ends and a UTF-8 BOM. A bad row (missing field,
 * unparsable date or number, decimal price <= 1, wrong column count, a result that disagrees
 * with the score) is reported as "line 7: FTHG: not a number" and skipped. Format and mapping:
 * docs/feeds.md.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "sv_util.h"
#include "wire.h"

#define CSV_TRIPLES_MAX 64        /* book column triples used per file */
#define CSV_REASON_MAX 512        /* bytes of one report */
#define CSV_DIV_MAX (WIRE_TOKEN_MAX - 7) /* "soccer_" + the division */
#define CSV_TEAM_SLUG_MAX 21      /* bytes of a team in the event id (keeps it <= 64) */
#define CSV_OPEN_BEFORE_MS (24 * 3600 * 1000LL) /* opening prices: kick-off − 24 h */
#define CSV_CLOSE_BEFORE_MS (60 * 1000LL)       /* closing prices: kick-off − 1 min */
#define CSV_FINAL_AFTER_MS (2 * 3600 * 1000LL)  /* final result: kick-off + 2 h */
#define CSV_DEFAULT_KICKOFF_MIN (15 * 60)       /* no Time column: 15:00 UK time */

/* Aggregate columns (market maximum / average), not books: skipped. */
static const char *const csv_aggregates[] = {"Max", "Avg", "BbMx", "BbAv"};

/* Book prefixes whose name + "C" is their closing triple even when the opening one is absent. */
static const char *const csv_books[] = {"B365", "BF", "BFD", "BFE", "BMGM", "BS", "BV", "BW",
                                        "CL",   "GB", "IW",  "LB",  "1XB",  "PS", "SB", "SJ",
                                        "SO",   "SY", "VC",  "WH"};

/* One record of the CSV: its fields, NUL-terminated, in buf. */
typedef struct csv_rec {
    char *buf;     /* field bytes */
    size_t len;    /* bytes used in buf */
    size_t cap;    /* bytes allocated */
    size_t *off;   /* start of field i in buf */
    size_t n;      /* fields */
    size_t off_cap;
    long line;     /* 1-based line where the record starts */
} csv_rec_t;

/* A cursor over the file's bytes. */
typedef struct csv_reader {
    const char *p;   /* next byte */
    const char *end; /* one past the last byte */
    long line;       /* 1-based line of p */
} csv_reader_t;

/* A triple of 1X2 decimal columns of one book. */
typedef struct csv_triple {
    char book[WIRE_ID_MAX + 1]; /* lower-cased prefix: b365, ps, wh */
    int col[3];                 /* home, draw, away column */
    bool closing;               /* a closing-price triple (PSCH, B365CH, …) */
} csv_triple_t;

/* One good match row. */
typedef struct csv_row {
    long line;                        /* where it was read */
    int64_t commence;                 /* kick-off, ms UTC */
    int hg, ag;                       /* full-time goals */
    char event_id[WIRE_ID_MAX + 1];   /* fd-<div>-<yyyymmdd>-<home>-<away> */
    char sport[WIRE_TOKEN_MAX + 1];   /* soccer_<div> */
    char league[WIRE_NAME_MAX + 1];   /* Div as written */
    char home[WIRE_NAME_MAX + 1];     /* HomeTeam */
    char away[WIRE_NAME_MAX + 1];     /* AwayTeam */
} csv_row_t;

/* What to emit, sorted by (ts, seq). */
typedef struct csv_item {
    int64_t ts;   /* event time */
    size_t seq;   /* generation order: row, then kind and column */
    size_t row;   /* index into rows */
    int kind;     /* CSV_ITEM_* */
    int triple;   /* for odds: the triple */
} csv_item_t;

enum { CSV_ITEM_SCHEDULED, CSV_ITEM_ODDS, CSV_ITEM_FINAL };

/* The file being converted. */
typedef struct csv_file {
    const char *path;               /* for reports */
    feed_emit_fn *emit;
    feed_report_fn *report;         /* may be NULL */
    void *arg;
    feed_stats_t *st;               /* counters (added to) */
    size_t nhdr;                    /* header fields */
    int c_div, c_date, c_time, c_home, c_away, c_hg, c_ag, c_res; /* columns, -1 absent */
    csv_triple_t triples[CSV_TRIPLES_MAX];
    int ntriples;
    csv_row_t *rows;                /* good rows */
    size_t nrows, rows_cap;
    const csv_rec_t *hdr;           /* the header record (column names) */
    double *px;                     /* rows × ntriples × 3 prices; NAN = not quoted */
    size_t px_cap;                  /* doubles allocated */
    wire_odds_t odds;               /* scratch */
    wire_game_t game;               /* scratch */
} csv_file_t;

static void csv_reportf(csv_file_t *f, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void csv_reportf(csv_file_t *f, long line, const char *fmt, ...)
{
    char msg[CSV_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (f->report)
        f->report(f->path, line, msg, f->arg);
}

/* --- reading --- */

/* The whole file into *data (caller frees). */
static sv_err_t csv_slurp(const char *path, char **data, size_t *len, char *why, size_t why_size)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    sv_err_t rc = SV_OK;

    if (!fp) {
        snprintf(why, why_size, "cannot open: %s", strerror(errno));
        return SV_ERR_IO;
    }
    for (;;) {
        if (cap - n < 65536) {
            char *nb = realloc(buf, cap ? cap * 2 : 131072);
            if (!nb) {
                snprintf(why, why_size, "out of memory");
                rc = SV_ERR_IO;
                goto out;
            }
            buf = nb;
            cap = cap ? cap * 2 : 131072;
        }
        size_t r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0) {
            if (ferror(fp)) {
                snprintf(why, why_size, "read error: %s", strerror(errno));
                rc = SV_ERR_IO;
            }
            break;
        }
    }
out:
    fclose(fp);
    if (rc != SV_OK) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return SV_OK;
}

static bool csv_put(csv_rec_t *rec, char ch)
{
    if (rec->len == rec->cap) {
        size_t cap = rec->cap ? rec->cap * 2 : 1024;
        char *nb = realloc(rec->buf, cap);
        if (!nb)
            return false;
        rec->buf = nb;
        rec->cap = cap;
    }
    rec->buf[rec->len++] = ch;
    return true;
}

static bool csv_field_start(csv_rec_t *rec)
{
    if (rec->n == rec->off_cap) {
        size_t cap = rec->off_cap ? rec->off_cap * 2 : 64;
        size_t *no = realloc(rec->off, cap * sizeof(*no));
        if (!no)
            return false;
        rec->off = no;
        rec->off_cap = cap;
    }
    rec->off[rec->n++] = rec->len;
    return true;
}

/* Consumes a line end at r->p (LF, CRLF or a lone CR); false when there is none. */
static bool csv_eol(csv_reader_t *r)
{
    if (r->p < r->end && *r->p == '\n') {
        r->p++;
    } else if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
    } else {
        return false;
    }
    r->line++;
    return true;
}

/*
 * The next record into rec. Unquoted fields are trimmed of blanks; a quoted field keeps its
 * bytes, "" is one quote, and it may span lines (a CRLF inside becomes LF).
 * @returns 1 a record, 0 the end of the file, -1 out of memory or an unterminated quote
 *          (the rest of the file is consumed; *why says which)
 */
static int csv_next(csv_reader_t *r, csv_rec_t *rec, const char **why)
{
    rec->n = 0;
    rec->len = 0;
    rec->line = r->line;
    if (r->p >= r->end)
        return 0;
    for (;;) {
        if (!csv_field_start(rec))
            goto nomem;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    *why = "unterminated quoted field";
                    return -1;
                }
                char ch = *r->p++;
                if (ch == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        r->p++;
                    } else {
                        break;
                    }
                } else if (ch == '\r' || ch == '\n') {
                    if (ch == '\r' && r->p < r->end && *r->p == '\n')
                        r->p++;
                    r->line++;
                    ch = '\n';
                }
                if (!csv_put(rec, ch))
                    goto nomem;
            }
            /* Anything between the closing quote and the separator is kept as is. */
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                if (!csv_put(rec, *r->p++))
                    goto nomem;
        } else {
            size_t start;
            while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
                r->p++;
            start = rec->len;
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                if (!csv_put(rec, *r->p++))
                    goto nomem;
            while (rec->len > start && (rec->buf[rec->len - 1] == ' ' ||
                                        rec->buf[rec->len - 1] == '\t'))
                rec->len--;
        }
        if (!csv_put(rec, '\0'))
            goto nomem;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        csv_eol(r);
        return 1;
    }
nomem:
    *why = "out of memory";
    return -1;
}

static const char *csv_get(const csv_rec_t *rec, int col)
{
    return col >= 0 && (size_t)col < rec->n ? rec->buf + rec->off[col] : "";
}

/* Whether every field of rec is empty (a blank line or a row of commas). */
static bool csv_blank(const csv_rec_t *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        if (rec->buf[rec->off[i]] != '\0')
            return false;
    return true;
}

/* --- the header --- */

static int csv_col(const csv_rec_t *hdr, const char *const *names)
{
    for (; *names; names++)
        for (size_t i = 0; i < hdr->n; i++)
            if (strcmp(hdr->buf + hdr->off[i], *names) == 0)
                return (int)i;
    return -1;
}

static int csv_col1(const csv_rec_t *hdr, const char *prefix, char suffix)
{
    char name[256];
    snprintf(name, sizeof(name), "%s%c", prefix, suffix);
    const char *names[] = {name, NULL};
    return csv_col(hdr, names);
}

static bool csv_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Finds the columns and the book triples; reports and returns false when a column is missing. */
static bool csv_header(csv_file_t *f, csv_rec_t *hdr)
{
    static const char *const n_div[] = {"Div", NULL}, *const n_date[] = {"Date", NULL},
                             *const n_time[] = {"Time", NULL},
                             *const n_home[] = {"HomeTeam", "Home", "HT", NULL},
                             *const n_away[] = {"AwayTeam", "Away", "AT", NULL},
                             *const n_hg[] = {"FTHG", "HG", NULL},
                             *const n_ag[] = {"FTAG", "AG", NULL},
                             *const n_res[] = {"FTR", "Res", NULL};
    static const char *const need[] = {"Div", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR"};
    char *first = hdr->buf + hdr->off[0];

    if ((unsigned char)first[0] == 0xef && (unsigned char)first[1] == 0xbb &&
        (unsigned char)first[2] == 0xbf)
        hdr->off[0] += 3;
    f->nhdr = hdr->n;
    f->c_div = csv_col(hdr, n_div);
    f->c_date = csv_col(hdr, n_date);
    f->c_time = csv_col(hdr, n_time);
    f->c_home = csv_col(hdr, n_home);
    f->c_away = csv_col(hdr, n_away);
    f->c_hg = csv_col(hdr, n_hg);
    f->c_ag = csv_col(hdr, n_ag);
    f->c_res = csv_col(hdr, n_res);
    const int cols[] = {f->c_div, f->c_date, f->c_home, f->c_away, f->c_hg, f->c_ag, f->c_res};
    for (size_t i = 0; i < SV_ARRAY_SIZE(cols); i++)
        if (cols[i] < 0) {
            csv_reportf(f, hdr->line, "header: %s: column missing", need[i]);
            return false;
        }
    for (size_t i = 0; i < hdr->n && f->ntriples < CSV_TRIPLES_MAX; i++) {
        const char *name = hdr->buf + hdr->off[i];
        size_t len = strlen(name);
        char prefix[WIRE_ID_MAX + 1];
        bool agg = false;
        csv_triple_t *t = &f->triples[f->ntriples];

        if (len < 2 || len > WIRE_ID_MAX || name[len - 1] != 'H')
            continue;
        memcpy(prefix, name, len - 1);
        prefix[len - 1] = '\0';
        for (size_t k = 0; prefix[k]; k++)
            if (!isalnum((unsigned char)prefix[k]))
                agg = true; /* not a book prefix (B365>2.5, …) */
        for (size_t k = 0; k < SV_ARRAY_SIZE(csv_aggregates); k++)
            if (strncmp(prefix, csv_aggregates[k], strlen(csv_aggregates[k])) == 0)
                agg = true;
        if (agg)
            continue;
        t->col[0] = (int)i;
        t->col[1] = csv_col1(hdr, prefix, 'D');
        t->col[2] = csv_col1(hdr, prefix, 'A');
        if (t->col[1] < 0 || t->col[2] < 0)
            continue;
        t->closing = false;
        if (len - 1 >= 2 && prefix[len - 2] == 'C') {
            char open[WIRE_ID_MAX + 1];
            memcpy(open, prefix, len - 2);
            open[len - 2] = '\0';
            if (csv_in(open, csv_books, SV_ARRAY_SIZE(csv_books)) ||
                (csv_col1(hdr, open, 'H') >= 0 && csv_col1(hdr, open, 'D') >= 0 &&
                 csv_col1(hdr, open, 'A') >= 0)) {
                t->closing = true;
                prefix[len - 2] = '\0';
            }
        }
        for (size_t k = 0; prefix[k]; k++)
            t->book[k] = (char)tolower((unsigned char)prefix[k]);
        t->book[strlen(prefix)] = '\0';
        f->ntriples++;
    }
    return true;
}

/* --- a row --- */

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's algorithm). */
static int64_t csv_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The day number of the last Sunday of month m (31 days long) of year y. */
static int64_t csv_last_sunday(int y, int m)
{
    int64_t d = csv_days_from_civil(y, m, 31);
    int64_t wd = ((d % 7) + 7 + 4) % 7; /* 0 = Sunday; day 0 was a Thursday */
    return d - wd;
}

/*
 * UK local time (day number, minute of the day) to ms UTC: British Summer Time (UTC+1) runs from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (the EU
 * rule). In the repeated hour of October the first (summer-time) reading is taken.
 */
static int64_t csv_uk_to_utc(int y, int64_t day, int minute)
{
    int64_t local = day * 86400 + minute * 60;
    int64_t bst_start = csv_last_sunday(y, 3) * 86400 + 3600;
    int64_t bst_end = csv_last_sunday(y, 10) * 86400 + 3600;
    int64_t guess = local - 3600;
    return (guess >= bst_start && guess < bst_end ? guess : local) * 1000;
}

/* "dd/mm/yy" or "dd/mm/yyyy" (yy >= 90 is 19yy, else 20yy). */
static bool csv_date(const char *s, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0};
    int k = 0;

    for (const char *p = s;; p++) {
        if (isdigit((unsigned char)*p)) {
            if (++digits[k] > 4)
                return false;
            part[k] = part[k] * 10 + (*p - '0');
        } else if (*p == '/' && k < 2 && digits[k] > 0) {
            k++;
        } else if (*p == '\0' && k == 2) {
            break;
        } else {
            return false;
        }
    }
    if (digits[0] > 2 || digits[1] > 2 || (digits[2] != 2 && digits[2] != 4))
        return false;
    *d = part[0];
    *m = part[1];
    *y = digits[2] == 2 ? (part[2] >= 90 ? 1900 : 2000) + part[2] : part[2];
    if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] || *y < 1971 || *y > 2099)
        return false;
    if (*m == 2 && *d == 29 && !(*y % 4 == 0 && (*y % 100 != 0 || *y % 400 == 0)))
        return false;
    return true;
}

/* "HH:MM" (also "H:MM") to the minute of the day. */
static bool csv_time(const char *s, int *minute)
{
    int h = 0, mi = 0, nh = 0;
    const char *p = s;
    for (; isdigit((unsigned char)*p) && nh < 2; p++, nh++)
        h = h * 10 + (*p - '0');
    if (nh == 0 || *p++ != ':' || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
        p[2] != '\0')
        return false;
    mi = (p[0] - '0') * 10 + (p[1] - '0');
    if (h > 23 || mi > 59)
        return false;
    *minute = h * 60 + mi;
    return true;
}

/* A whole number of goals, 0..1000. */
static bool csv_goals(const char *s, int *out)
{
    long x = 0;
    if (!*s)
        return false;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || x > 1000)
            return false;
        x = x * 10 + (*p - '0');
    }
    if (x > 1000)
        return false;
    *out = (int)x;
    return true;
}

/* Appends the slug of s (lower-case ASCII letters and digits, runs of others as one '-'). */
static void csv_slug(char *dst, size_t *len, size_t max_add, const char *s)
{
    size_t start = *len;
    bool dash = false;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) && ch < 0x80) {
            bool sep = dash && *len > start;
            if (*len - start + sep + 1 > max_add)
                break;
            if (sep)
                dst[(*len)++] = '-';
            dash = false;
            dst[(*len)++] = (char)tolower(ch);
        } else {
            dash = true;
        }
    }
    while (*len > start && dst[*len - 1] == '-')
        (*len)--;
    if (*len == start) /* nothing ASCII in it */
        dst[(*len)++] = 'x';
    dst[*len] = '\0';
}

/* A decimal price cell. */
static bool csv_price(const char *s, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !isfinite(x))
        return false;
    *out = x;
    return true;
}

/* The 3-way h2h odds event of row r and triple t into f->odds. */
static void csv_build_odds(csv_file_t *f, const csv_row_t *r, const double *px, int t)
{
    wire_odds_t *od = &f->odds;
    const char *names[3] = {r->home, "Draw", r->away};

    memset(od, 0, offsetof(wire_odds_t, outcomes));
    od->v = WIRE_VERSION;
    od->ts = r->commence - (f->triples[t].closing ? CSV_CLOSE_BEFORE_MS : CSV_OPEN_BEFORE_MS);
    sv_strlcpy(od->event_id, r->event_id, sizeof(od->event_id));
    sv_strlcpy(od->sport, r->sport, sizeof(od->sport));
    sv_strlcpy(od->book, f->triples[t].book, sizeof(od->book));
    sv_strlcpy(od->market, "h2h", sizeof(od->market));
    od->outcome_cnt = 3;
    for (int k = 0; k < 3; k++) {
        wire_outcome_t *o = &od->outcomes[k];
        memset(o, 0, sizeof(*o));
        sv_strlcpy(o->name, names[k], sizeof(o->name));
        o->decimal = px[t * 3 + k];
        o->present = WIRE_OUTCOME_HAS_DECIMAL;
    }
}

/* The game event of row r into f->game: scheduled, or final with the score. */
static void csv_build_game(csv_file_t *f, const csv_row_t *r, bool final)
{
    wire_game_t *g = &f->game;
    memset(g, 0, sizeof(*g));
    g->v = WIRE_VERSION;
    g->ts = final ? r->commence + CSV_FINAL_AFTER_MS : r->commence - CSV_OPEN_BEFORE_MS;
    sv_strlcpy(g->event_id, r->event_id, sizeof(g->event_id));
    sv_strlcpy(g->sport, r->sport, sizeof(g->sport));
    sv_strlcpy(g->league, r->league, sizeof(g->league));
    g->present |= WIRE_GAME_HAS_LEAGUE;
    sv_strlcpy(g->home, r->home, sizeof(g->home));
    sv_strlcpy(g->away, r->away, sizeof(g->away));
    g->commence_ts = r->commence;
    g->status = WIRE_GAME_SCHEDULED;
    if (final) {
        g->status = WIRE_GAME_FINAL;
        g->home_score = r->hg;
        g->away_score = r->ag;
        g->present |= WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    }
}

/* Copies a name cell; false (why filled) when it is longer than the wire allows. */
static bool csv_name(char *dst, const char *col, const char *s, char *why, size_t why_size)
{
    if (strlen(s) > WIRE_NAME_MAX) {
        snprintf(why, why_size, "%s: longer than %d bytes", col, WIRE_NAME_MAX);
        return false;
    }
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

/*
 * Parses and checks one data record into r and its prices into px (ntriples × 3, NAN where a
 * book gave none). @returns false with why filled ("FTHG: not a number") for a bad row
 */
static bool csv_row(csv_file_t *f, const csv_rec_t *rec, csv_row_t *r, double *px, char *why,
                    size_t why_size)
{
    static const char *const colname[] = {"Div", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG",
                                          "FTR"};
    const int cols[] = {f->c_div, f->c_date, f->c_home, f->c_away, f->c_hg, f->c_ag, f->c_res};
    int y, mo, d, minute = CSV_DEFAULT_KICKOFF_MIN;
    const char *res, *tm;
    char date8[40];
    size_t len;
    wire_err_t werr;
    char wbuf[WIRE_REASON_MAX + 128];

    memset(r, 0, sizeof(*r));
    r->line = rec->line;
    if (rec->n < f->nhdr) {
        snprintf(why, why_size, "wrong column count: %zu fields, the header has %zu", rec->n,
                 f->nhdr);
        return false;
    }
    for (size_t i = f->nhdr; i < rec->n; i++)
        if (rec->buf[rec->off[i]] != '\0') {
            snprintf(why, why_size, "wrong column count: %zu fields, the header has %zu", rec->n,
                     f->nhdr);
            return false;
        }
    for (size_t i = 0; i < SV_ARRAY_SIZE(cols); i++)
        if (*csv_get(rec, cols[i]) == '\0') {
            snprintf(why, why_size, "%s: missing", colname[i]);
            return false;
        }
    if (!csv_date(csv_get(rec, f->c_date), &y, &mo, &d)) {
        snprintf(why, why_size, "Date: not a date (dd/mm/yy or dd/mm/yyyy): '%.32s'",
                 csv_get(rec, f->c_date));
        return false;
    }
    tm = csv_get(rec, f->c_time);
    if (*tm && !csv_time(tm, &minute)) {
        snprintf(why, why_size, "Time: not a time (HH:MM): '%.32s'", tm);
        return false;
    }
    r->commence = csv_uk_to_utc(y, csv_days_from_civil(y, mo, d), minute);
    if (!csv_goals(csv_get(rec, f->c_hg), &r->hg)) {
        snprintf(why, why_size, "FTHG: not a number of goals: '%.32s'", csv_get(rec, f->c_hg));
        return false;
    }
    if (!csv_goals(csv_get(rec, f->c_ag), &r->ag)) {
        snprintf(why, why_size, "FTAG: not a number of goals: '%.32s'", csv_get(rec, f->c_ag));
        return false;
    }
    res = csv_get(rec, f->c_res);
    if (strcmp(res, "H") != 0 && strcmp(res, "D") != 0 && strcmp(res, "A") != 0) {
        snprintf(why, why_size, "FTR: must be H, D or A, not '%.32s'", res);
        return false;
    }
    if (res[0] != (r->hg > r->ag ? 'H' : r->hg < r->ag ? 'A' : 'D')) {
        snprintf(why, why_size, "FTR: '%s' disagrees with the score %d-%d", res, r->hg, r->ag);
        return false;
    }
    /* Identity: sport, league, teams, event id. */
    const char *div = csv_get(rec, f->c_div);
    if (strlen(div) > CSV_DIV_MAX) {
        snprintf(why, why_size, "Div: longer than %d bytes", CSV_DIV_MAX);
        return false;
    }
    len = (size_t)snprintf(r->sport, sizeof(r->sport), "soccer_");
    for (const char *p = div; *p; p++)
        r->sport[len++] = isalnum((unsigned char)*p) && (unsigned char)*p < 0x80
                              ? (char)tolower((unsigned char)*p)
                              : '_';
    r->sport[len] = '\0';
    if (!csv_name(r->league, "Div", div, why, why_size) ||
        !csv_name(r->home, "HomeTeam", csv_get(rec, f->c_home), why, why_size) ||
        !csv_name(r->away, "AwayTeam", csv_get(rec, f->c_away), why, why_size))
        return false;
    len = (size_t)snprintf(r->event_id, sizeof(r->event_id), "fd-");
    csv_slug(r->event_id, &len, 8, div);
    snprintf(date8, sizeof(date8), "-%04d%02d%02d-", y, mo, d);
    memcpy(r->event_id + len, date8, 10);
    len += 10;
    csv_slug(r->event_id, &len, CSV_TEAM_SLUG_MAX, r->home);
    r->event_id[len++] = '-';
    csv_slug(r->event_id, &len, CSV_TEAM_SLUG_MAX, r->away);
    /* Prices: a book with all three cells empty did not quote the match. */
    for (int t = 0; t < f->ntriples; t++) {
        const csv_triple_t *tr = &f->triples[t];
        int empty = 0;
        for (int k = 0; k < 3; k++)
            empty += *csv_get(rec, tr->col[k]) == '\0';
        for (int k = 0; k < 3; k++) {
            const char *cell = csv_get(rec, tr->col[k]), *cname = csv_get(f->hdr, tr->col[k]);
            double x;
            px[t * 3 + k] = NAN;
            if (empty == 3)
                continue;
            if (*cell == '\0') {
                snprintf(why, why_size, "%s: missing (the book's other prices are given)", cname);
                return false;
            }
            if (!csv_price(cell, &x)) {
                snprintf(why, why_size, "%s: not a number: '%.32s'", cname, cell);
                return false;
            }
            if (!(x > 1.0) || x > 10000.0) {
                snprintf(why, why_size, "%s: decimal price %s not in (1, 10000]", cname, cell);
                return false;
            }
            px[t * 3 + k] = x;
        }
    }
    /* What the row's events must pass (names as UTF-8, team names distinct, …). */
    csv_build_game(f, r, true);
    if (wire_validate(WIRE_GAME, &f->game, &werr) != SV_OK) {
        snprintf(why, why_size, "game: %s", wire_err_str(&werr, wbuf, sizeof(wbuf)));
        return false;
    }
    for (int t = 0; t < f->ntriples; t++) {
        if (isnan(px[t * 3]))
            continue;
        csv_build_odds(f, r, px, t);
        if (wire_validate(WIRE_ODDS, &f->odds, &werr) != SV_OK) {
            snprintf(why, why_size, "%s odds: %s", f->triples[t].book,
                     wire_err_str(&werr, wbuf, sizeof(wbuf)));
            return false;
        }
    }
    return true;
}

/* --- emitting --- */

static int csv_item_cmp(const void *a, const void *b)
{
    const csv_item_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hands one event to emit and counts it. Returns non-zero when emit asked to stop. */
static int csv_emit(csv_file_t *f, wire_type_t t, const void *ev)
{
    int rc = f->emit(t, ev, f->arg);
    if (rc == 0) {
        f->st->emitted++;
        if (t == WIRE_ODDS)
            f->st->odds++;
        else
            f->st->games++;
    }
    return rc;
}

/* Builds the time-ordered item list of every good row and emits it. */
static sv_err_t csv_emit_all(csv_file_t *f)
{
    size_t n = 0, cap = f->nrows * (2 + (size_t)f->ntriples);
    csv_item_t *items = cap ? malloc(cap * sizeof(*items)) : NULL;
    sv_err_t rc = SV_OK;

    if (cap && !items)
        return SV_ERR_NOMEM;
    for (size_t i = 0; i < f->nrows; i++) {
        const csv_row_t *r = &f->rows[i];
        const double *px = f->px ? f->px + i * (size_t)f->ntriples * 3 : NULL;
        items[n] = (csv_item_t){r->commence - CSV_OPEN_BEFORE_MS, n, i, CSV_ITEM_SCHEDULED, -1};
        n++;
        for (int t = 0; t < f->ntriples; t++) {
            if (isnan(px[t * 3]))
                continue;
            int64_t ts = r->commence -
                         (f->triples[t].closing ? CSV_CLOSE_BEFORE_MS : CSV_OPEN_BEFORE_MS);
            items[n] = (csv_item_t){ts, n, i, CSV_ITEM_ODDS, t};
            n++;
        }
        items[n] = (csv_item_t){r->commence + CSV_FINAL_AFTER_MS, n, i, CSV_ITEM_FINAL, -1};
        n++;
    }
    if (n)
        qsort(items, n, sizeof(*items), csv_item_cmp);
    for (size_t k = 0; k < n; k++) {
        const csv_item_t *it = &items[k];
        const csv_row_t *r = &f->rows[it->row];
        int stop;
        if (it->kind == CSV_ITEM_ODDS) {
            csv_build_odds(f, r, f->px + it->row * (size_t)f->ntriples * 3, it->triple);
            stop = csv_emit(f, WIRE_ODDS, &f->odds);
        } else {
            csv_build_game(f, r, it->kind == CSV_ITEM_FINAL);
            stop = csv_emit(f, WIRE_GAME, &f->game);
        }
        if (stop) {
            rc = SV_ERR_FAIL;
            break;
        }
    }
    free(items);
    return rc;
}

/* Room for one more row and its prices. */
static bool csv_grow(csv_file_t *f)
{
    size_t per = (size_t)f->ntriples * 3;
    if (f->nrows == f->rows_cap) {
        size_t cap = f->rows_cap ? f->rows_cap * 2 : 256;
        csv_row_t *nr = realloc(f->rows, cap * sizeof(*nr));
        if (!nr)
            return false;
        f->rows = nr;
        f->rows_cap = cap;
    }
    if (per && (f->nrows + 1) * per > f->px_cap) {
        size_t cap = f->px_cap ? f->px_cap * 2 : 256 * per;
        double *np = realloc(f->px, cap * sizeof(*np));
        if (!np)
            return false;
        f->px = np;
        f->px_cap = cap;
    }
    return true;
}

sv_err_t feed_csv_file(const char *path, feed_emit_fn *emit, feed_report_fn *report, void *arg,
                       feed_stats_t *st)
{
    feed_stats_t local = {0};
    csv_file_t *f = NULL;
    csv_rec_t hdr = {0}, rec = {0};
    csv_reader_t rd;
    char *data = NULL, why[CSV_REASON_MAX];
    const char *perr = NULL;
    size_t len = 0;
    sv_err_t rc;
    int r;

    rc = csv_slurp(path, &data, &len, why, sizeof(why));
    if (rc != SV_OK) {
        if (report)
            report(path, 0, why, arg);
        goto out;
    }
    f = calloc(1, sizeof(*f));
    if (!f) {
        rc = SV_ERR_NOMEM;
        goto out;
    }
    f->path = path;
    f->emit = emit;
    f->report = report;
    f->arg = arg;
    f->st = st ? st : &local;
    f->hdr = &hdr;
    rd = (csv_reader_t){data, data + len, 1};
    do
        r = csv_next(&rd, &hdr, &perr);
    while (r == 1 && csv_blank(&hdr));
    if (r != 1) {
        csv_reportf(f, r == 0 ? 0 : hdr.line, "%s", r == 0 ? "no header row" : perr);
        rc = SV_ERR_DECODE;
        goto out;
    }
    if (!csv_header(f, &hdr)) {
        rc = SV_ERR_DECODE;
        goto out;
    }
    while ((r = csv_next(&rd, &rec, &perr)) != 0) {
        if (r < 0) {
            f->st->rows++;
            f->st->skipped++;
            csv_reportf(f, rec.line, "%s", perr);
            break;
        }
        if (csv_blank(&rec))
            continue;
        f->st->rows++;
        if (!csv_grow(f)) {
            rc = SV_ERR_NOMEM;
            goto out;
        }
        /* px is NULL while the header has no book columns (nothing to index) */
        if (!csv_row(f, &rec, &f->rows[f->nrows],
                     f->px ? f->px + f->nrows * (size_t)f->ntriples * 3 : NULL, why,
                     sizeof(why))) {
            f->st->skipped++;
            csv_reportf(f, rec.line, "%s", why);
            continue;
        }
        f->nrows++;
    }
    rc = csv_emit_all(f);
out:
    if (f) {
        free(f->rows);
        free(f->px);
    }
    free(f);
    free(hdr.buf);
    free(hdr.off);
    free(rec.buf);
    free(rec.off);
    free(data);
    return rc;
}
