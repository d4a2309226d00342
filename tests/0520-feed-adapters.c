/*
 * 0520–0539: the savant-feed adapters (producers/feed_oddsapi.c, producers/feed_csv.c). Each test
 * runs an adapter over a fixture (tests/fixtures/feeds/) or a small file written here, collects
 * every emitted event as one line of text and every report, and compares them with hand-computed
 * expectations: event times from the ISO times of the input (or the CSV's UK kick-off times by
 * the EU summer-time rule), ids, books, prices and scores. Every collected event must also pass
 * wire_validate().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "harness.h"
#include "wire.h"

#define FA_MAX 64     /* events or reports kept */
#define FA_LINE 512   /* bytes of one collected line */

/* What an adapter handed out. */
typedef struct fa_col {
    char ev[FA_MAX][FA_LINE];   /* one line per event */
    int nev;
    char rep[FA_MAX][FA_LINE];  /* "LINE: reason" per report */
    int nrep;
    int invalid;                /* events that failed wire_validate */
    int stop_after;             /* emit returns 1 at this event (1-based); 0 = never */
} fa_col_t;

static void fa_cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fa_cat(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    if (n >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

static const char *const fa_status[] = {"scheduled", "live", "final", "postponed", "cancelled"};

/* "O ts event sport book market[ player]: name aPRICE|dDEC[@point], …" or
 * "G ts event sport league home|away commence status[ h-a]". */
static int fa_emit(wire_type_t t, const void *ev, void *arg)
{
    fa_col_t *c = arg;
    char *b;

    if (wire_validate(t, ev, NULL) != SV_OK)
        c->invalid++;
    if (c->stop_after && c->nev + 1 == c->stop_after)
        return 1;
    if (c->nev == FA_MAX)
        return 0;
    b = c->ev[c->nev++];
    b[0] = '\0';
    if (t == WIRE_ODDS) {
        const wire_odds_t *o = ev;
        fa_cat(b, FA_LINE, "O %lld %s %s %s %s", (long long)o->ts, o->event_id, o->sport, o->book,
               o->market);
        if (o->present & WIRE_ODDS_HAS_PLAYER)
            fa_cat(b, FA_LINE, " %s", o->player);
        fa_cat(b, FA_LINE, ":");
        for (size_t i = 0; i < o->outcome_cnt; i++) {
            const wire_outcome_t *u = &o->outcomes[i];
            fa_cat(b, FA_LINE, "%s %s ", i ? "," : "", u->name);
            if (u->present & WIRE_OUTCOME_HAS_PRICE)
                fa_cat(b, FA_LINE, "a%d", u->price);
            else
                fa_cat(b, FA_LINE, "d%g", u->decimal);
            if (u->present & WIRE_OUTCOME_HAS_POINT)
                fa_cat(b, FA_LINE, "@%g", u->point);
        }
    } else if (t == WIRE_GAME) {
        const wire_game_t *g = ev;
        fa_cat(b, FA_LINE, "G %lld %s %s %s %s|%s %lld %s", (long long)g->ts, g->event_id, g->sport,
               (g->present & WIRE_GAME_HAS_LEAGUE) ? g->league : "-", g->home, g->away,
               (long long)g->commence_ts, fa_status[g->status]);
        if (g->present & WIRE_GAME_HAS_HOME_SCORE)
            fa_cat(b, FA_LINE, " %d", g->home_score);
        if (g->present & WIRE_GAME_HAS_AWAY_SCORE)
            fa_cat(b, FA_LINE, "-%d", g->away_score);
    } else {
        snprintf(b, FA_LINE, "? type %d", (int)t);
    }
    return 0;
}

static void fa_report(const char *file, long line, const char *reason, void *arg)
{
    fa_col_t *c = arg;
    (void)file;
    if (c->nrep < FA_MAX)
        snprintf(c->rep[c->nrep++], FA_LINE, "%ld: %s", line, reason);
}

/* Writes text to a new temporary file; path gets its name (caller unlinks). */
static int fa_file(char *path, size_t size, const char *suffix, const char *text)
{
    FILE *fp;
    int fd;
    snprintf(path, size, "/tmp/savant-0520-XXXXXX%s", suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0)
        return -1;
    fp = fdopen(fd, "wb");
    if (!fp) {
        close(fd);
        return -1;
    }
    fputs(text, fp);
    return fclose(fp) == 0 ? 0 : -1;
}

/* Asserts that c holds exactly the events exp[] (n of them), in order. */
#define FA_ASSERT_EVENTS(c, exp)                                                                   \
    do {                                                                                           \
        T_ASSERT_INT((c)->invalid, ==, 0);                                                         \
        for (int i_ = 0; i_ < (c)->nev && i_ < (int)(sizeof(exp) / sizeof((exp)[0])); i_++)      \
            T_ASSERT_STR((c)->ev[i_], (exp)[i_]);                                                  \
        T_ASSERT_INT((c)->nev, ==, (int)(sizeof(exp) / sizeof((exp)[0])));                         \
    } while (0)

/* 0520: the odds fixture: 2 games × 2 books × 3 markets, American and decimal prices, a market
 * without last_update (takes its bookmaker's), and one record without home_team (reported). */
int test_0520_oddsapi_odds(void);
int test_0520_oddsapi_odds(void)
{
    static fa_col_t c;
    static const char *const exp[] = {
        "G 1769363970000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba NBA Boston Celtics|Los Angeles Lakers 1769386200000 scheduled",
        "O 1769364005000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba draftkings h2h: Boston Celtics a-180, Los Angeles Lakers a155",
        "O 1769364004000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba draftkings spreads: Boston Celtics a-110@-4.5, Los Angeles Lakers a-110@4.5",
        "O 1769363970000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba draftkings totals: Over a-105@229.5, Under a-115@229.5",
        "O 1769364060000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba fanduel h2h: Boston Celtics a-175, Los Angeles Lakers a150",
        "O 1769364062000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba fanduel spreads: Boston Celtics a-112@-4.5, Los Angeles Lakers a-108@4.5",
        "O 1769364060000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba fanduel totals: Over a-110@230, Under a-110@230",
        "G 1769246999000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl EPL Arsenal|Chelsea 1769266800000 scheduled",
        "O 1769247000000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl pinnacle h2h: Arsenal d1.83, Chelsea d4.6, Draw d3.75",
        "O 1769247000000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl pinnacle spreads: Arsenal d2.02@-0.75, Chelsea d1.88@0.75",
        "O 1769246999000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl pinnacle totals: Over d1.95@2.5, Under d1.95@2.5",
        "O 1769247075000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl williamhill h2h: Arsenal d1.8, Chelsea d4.5, Draw d3.6",
        /* "price": 2 (a JSON integer below 100) is a whole decimal price */
        "O 1769247075000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl williamhill spreads: Arsenal d2@-0.75, Chelsea d1.85@0.75",
        "O 1769247075000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl williamhill totals: Over d1.91@2.5, Under d1.91@2.5",
    };
    feed_stats_t st = {0};
    T_BEGIN;
    T_ASSERT_INT(feed_oddsapi_file(t_path("tests/fixtures/feeds/oddsapi-odds.json"), fa_emit,
                                   fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    T_ASSERT_INT(c.nrep, ==, 1);
    T_ASSERT_STR(c.rep[0], "0: [1]: home_team: required field missing");
    T_ASSERT_INT(st.rows, ==, 3);
    T_ASSERT_INT(st.emitted, ==, 14);
    T_ASSERT_INT(st.odds, ==, 12);
    T_ASSERT_INT(st.games, ==, 2);
    T_ASSERT_INT(st.context, ==, 0);
    T_ASSERT_INT(st.skipped, ==, 1);
    T_END;
}

/* 0521: the scores fixture: live (scores, not completed), final (scores listed away first),
 * scheduled (scores and last_update null: ts = commence), an unknown sport and a bad score. */
int test_0521_oddsapi_scores(void);
int test_0521_oddsapi_scores(void)
{
    static fa_col_t c;
    static const char *const exp[] = {
        "G 1769390400000 a1b2c3d4e5f60718293a4b5c6d7e8f90 nba NBA Boston Celtics|Los Angeles Lakers 1769386200000 live 58-61",
        "G 1769274300000 f00dfeedf00dfeedf00dfeedf00dfeed soccer_epl EPL Arsenal|Chelsea 1769266800000 final 2-1",
        "G 1769472000000 5c4ed01ed5c4ed01ed5c4ed01ed5c4ed nhl NHL Boston Bruins|Toronto Maple Leafs 1769472000000 scheduled",
    };
    feed_stats_t st = {0};
    T_BEGIN;
    T_ASSERT_INT(feed_oddsapi_file(t_path("tests/fixtures/feeds/oddsapi-scores.json"), fa_emit,
                                   fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    T_ASSERT_INT(c.nrep, ==, 2);
    T_ASSERT_STR(c.rep[0], "0: [3]: sport_key: unknown sport 'tennis_atp_aus_open'");
    T_ASSERT_STR(c.rep[1], "0: [4]: scores[0].score: not a whole number 0..1000");
    T_ASSERT_INT(st.rows, ==, 5);
    T_ASSERT_INT(st.emitted, ==, 3);
    T_ASSERT_INT(st.games, ==, 3);
    T_ASSERT_INT(st.skipped, ==, 2);
    T_END;
}

/* 0522: shapes and rules: a historical wrapper {"data": [...]}, props split per player, time
 * zones and fractions, unix-second times, a bad price skips its market only, a market without any
 * last_update is skipped, sport keys of every mapped league. */
int test_0522_oddsapi_shapes(void);
int test_0522_oddsapi_shapes(void)
{
    static fa_col_t c;
    static const char text[] =
        "{\"timestamp\": \"2026-01-25T12:00:00Z\", \"data\": [\n"
        " {\"id\": \"p1\", \"sport_key\": \"americanfootball_nfl\", \"commence_time\": 1769380200,\n"
        "  \"home_team\": \"Kansas City Chiefs\", \"away_team\": \"Buffalo Bills\",\n"
        "  \"bookmakers\": [{\"key\": \"dk\", \"last_update\": \"2026-01-25T13:00:00.250+01:00\",\n"
        "   \"markets\": [\n"
        "    {\"key\": \"player_pass_tds\", \"outcomes\": [\n"
        "      {\"name\": \"Over\", \"description\": \"Patrick Mahomes\", \"price\": -130, \"point\": 1.5},\n"
        "      {\"name\": \"Over\", \"description\": \"Josh Allen\", \"price\": 110, \"point\": 1.5},\n"
        "      {\"name\": \"Under\", \"description\": \"Patrick Mahomes\", \"price\": 100, \"point\": 1.5},\n"
        "      {\"name\": \"Under\", \"description\": \"Josh Allen\", \"price\": -140, \"point\": 1.5}]},\n"
        "    {\"key\": \"h2h\", \"last_update\": \"2026-01-25T12:30:00Z\", \"outcomes\": [\n"
        "      {\"name\": \"Kansas City Chiefs\", \"price\": -50},\n"
        "      {\"name\": \"Buffalo Bills\", \"price\": 120}]},\n"
        "    {\"key\": \"totals\", \"last_update\": \"2026-01-25T12:31:00-05:30\", \"outcomes\": []}]}]},\n"
        " {\"id\": \"p2\", \"sport_key\": \"icehockey_nhl\", \"commence_time\": \"2026-01-25T23:00:00Z\",\n"
        "  \"home_team\": \"Boston Bruins\", \"away_team\": \"Toronto Maple Leafs\",\n"
        "  \"bookmakers\": [{\"key\": \"fd\", \"markets\": [{\"key\": \"h2h\", \"outcomes\": [\n"
        "      {\"name\": \"Boston Bruins\", \"price\": 105}, {\"name\": \"Toronto Maple Leafs\", \"price\": -125}]}]}]},\n"
        " {\"id\": \"p3\", \"sport_key\": \"baseball_mlb\", \"commence_time\": \"2026-04-02T23:05Z\",\n"
        "  \"home_team\": \"A\", \"away_team\": \"B\"},\n"
        " {\"id\": \"p4\", \"sport_key\": \"basketball_ncaab\", \"commence_time\": \"2026-02-30T23:05:00Z\",\n"
        "  \"home_team\": \"A\", \"away_team\": \"B\"},\n"
        " {\"id\": \"p5\", \"sport_key\": \"basketball_wnba\", \"commence_time\": \"2026-06-01T23:00:00Z\",\n"
        "  \"home_team\": \"A\", \"away_team\": \"A\"},\n"
        " {\"id\": \"p6\", \"sport_key\": \"americanfootball_ncaaf\", \"commence_time\": \"2026-09-05T16:00:00Z\",\n"
        "  \"home_team\": \"A\", \"away_team\": \"B\", \"last_update\": \"2026-09-05T15:00:00Z\"},\n"
        " {\"id\": \"p7\", \"sport_key\": \"soccer_uefa_europa_conference_league\",\n"
        "  \"commence_time\": \"2026-09-05T16:00:00Z\", \"home_team\": \"A\", \"away_team\": \"B\"}\n"
        "]}\n";
    static const char *const exp[] = {
        /* the game takes the earliest last_update: the bookmaker's 12:00:00.250Z */
        "G 1769342400250 p1 nfl - Kansas City Chiefs|Buffalo Bills 1769380200000 scheduled",
        "O 1769342400250 p1 nfl dk player_pass_tds Patrick Mahomes: Over a-130@1.5, Under a100@1.5",
        "O 1769342400250 p1 nfl dk player_pass_tds Josh Allen: Over a110@1.5, Under a-140@1.5",
        /* h2h: -50 is neither American nor decimal: reported, market skipped */
        "O 1769364060000 p1 nfl dk totals:", /* 12:31-05:30 = 18:01Z; empty = suspended */
        "G 1769382000000 p2 nhl - Boston Bruins|Toronto Maple Leafs 1769382000000 scheduled",
        "G 1775171100000 p3 mlb - A|B 1775171100000 scheduled",
        "G 1788620400000 p6 ncaaf - A|B 1788624000000 scheduled",
    };
    feed_stats_t st = {0};
    char path[128] = "";
    T_BEGIN;
    T_ASSERT_INT(fa_file(path, sizeof(path), ".json", text), ==, 0);
    T_ASSERT_INT(feed_oddsapi_file(path, fa_emit, fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    T_ASSERT_INT(c.nrep, ==, 5);
    T_ASSERT_STR(c.rep[0], "0: [0].bookmakers[0].markets[1]: outcomes[0].price: -50 is not a valid price");
    T_ASSERT_STR(c.rep[1], "0: [1].bookmakers[0].markets[0]: last_update: missing here, in its bookmaker and in its record");
    T_ASSERT_STR(c.rep[2], "0: [3]: commence_time: not an ISO 8601 time");
    T_ASSERT_STR(c.rep[3], "0: [4]: away: must differ from home");
    T_ASSERT_STR(c.rep[4], "0: [6]: sport_key: unknown sport 'soccer_uefa_europa_conference_league'");
    T_ASSERT_INT(st.rows, ==, 7);
    T_ASSERT_INT(st.skipped, ==, 5);
    T_ASSERT_INT(st.games, ==, 4);
    T_ASSERT_INT(st.odds, ==, 3);
end:
    if (path[0])
        unlink(path);
    return t_rc_;
}

/* 0523: whole-file failures and the stop request: a missing file (SV_ERR_IO), text that is not
 * JSON (SV_ERR_DECODE, reported with its line), a JSON scalar, and emit asking to stop. A single
 * event object (the /events/{id}/odds shape) is one record. */
int test_0523_oddsapi_errors(void);
int test_0523_oddsapi_errors(void)
{
    static fa_col_t c;
    feed_stats_t st = {0};
    char p1[128] = "", p2[128] = "", p3[128] = "";
    T_BEGIN;
    T_ASSERT_INT(feed_oddsapi_file("/nonexistent/savant-0523.json", fa_emit, fa_report, &c, &st),
                 ==, SV_ERR_IO);
    T_ASSERT_INT(c.nrep, ==, 1);
    T_ASSERT_STR(c.rep[0], "0: cannot open: No such file or directory");
    T_ASSERT_INT(fa_file(p1, sizeof(p1), ".json", "[\n{\"id\": \"x\",\n oops}\n]\n"), ==, 0);
    T_ASSERT_INT(feed_oddsapi_file(p1, fa_emit, fa_report, &c, &st), ==, SV_ERR_DECODE);
    T_ASSERT_INT(c.nrep, ==, 2);
    T_ASSERT_CONTAINS(c.rep[1], "3: not JSON: ");
    T_ASSERT_INT(fa_file(p2, sizeof(p2), ".json", "42\n"), ==, 0);
    T_ASSERT_INT(feed_oddsapi_file(p2, fa_emit, fa_report, &c, &st), ==, SV_ERR_DECODE);
    T_ASSERT_INT(c.nrep, ==, 3); /* a bare scalar is not a response */
    T_ASSERT_CONTAINS(c.rep[2], "1: not JSON: ");
    T_ASSERT_INT(c.nev, ==, 0);
    T_ASSERT_INT(fa_file(p3, sizeof(p3), ".json",
                         "{\"id\": \"s1\", \"sport_key\": \"basketball_nba\", \"commence_time\": "
                         "\"2026-01-26T00:10:00Z\", \"home_team\": \"H\", \"away_team\": \"A\", "
                         "\"bookmakers\": [{\"key\": \"b\", \"last_update\": \"2026-01-25T18:00:05Z\","
                         " \"markets\": [{\"key\": \"h2h\", \"outcomes\": [{\"name\": \"H\", \"price\": 2.5},"
                         " {\"name\": \"A\", \"price\": 1.6}]}]}]}"),
                 ==, 0);
    memset(&st, 0, sizeof(st));
    c.stop_after = 2;
    T_ASSERT_INT(feed_oddsapi_file(p3, fa_emit, fa_report, &c, &st), ==, SV_ERR_FAIL);
    T_ASSERT_INT(c.nev, ==, 1);
    T_ASSERT_STR(c.ev[0], "G 1769364005000 s1 nba - H|A 1769386200000 scheduled");
    T_ASSERT_INT(st.emitted, ==, 1);
    c.stop_after = 0;
    c.nev = 0;
    memset(&st, 0, sizeof(st));
    T_ASSERT_INT(feed_oddsapi_file(p3, fa_emit, fa_report, &c, &st), ==, SV_OK);
    T_ASSERT_INT(c.nev, ==, 2);
    T_ASSERT_STR(c.ev[1], "O 1769364005000 s1 nba b h2h: H d2.5, A d1.6");
    /* st is added to, so one zeroed struct sums several files */
    T_ASSERT_INT(feed_oddsapi_file(p3, fa_emit, fa_report, &c, &st), ==, SV_OK);
    T_ASSERT_INT(st.rows, ==, 2);
    T_ASSERT_INT(st.emitted, ==, 4);
end:
    if (p1[0])
        unlink(p1);
    if (p2[0])
        unlink(p2);
    if (p3[0])
        unlink(p3);
    return t_rc_;
}

/* 0530: the football-data fixture (BOM, CRLF, quoted fields, "" in a quoted field, a book
 * without prices, a Max triple, a 2-digit year without Time, a trailing row of commas): every
 * event in time order, the two bad rows reported by line; the same twice. */
int test_0530_csv_fixture(void);
int test_0530_csv_fixture(void)
{
    static fa_col_t c, c2;
    static const char *const exp[] = {
        /* 16/08/2024 20:00 BST = 19:00Z = 1723834800000; opening at −24 h */
        "G 1723748400000 fd-e0-20240816-man-united-fulham soccer_e0 E0 Man United|Fulham 1723834800000 scheduled",
        "O 1723748400000 fd-e0-20240816-man-united-fulham soccer_e0 b365 h2h: Man United d1.6, Draw d4.2, Fulham d5.25",
        "O 1723748400000 fd-e0-20240816-man-united-fulham soccer_e0 ps h2h: Man United d1.62, Draw d4.35, Fulham d5.5",
        /* 17/08/2024 12:30 BST = 11:30Z = 1723894200000 */
        "G 1723807800000 fd-e0-20240817-ipswich-liverpool soccer_e0 E0 Ipswich|Liverpool 1723894200000 scheduled",
        "O 1723807800000 fd-e0-20240817-ipswich-liverpool soccer_e0 b365 h2h: Ipswich d6.5, Draw d5, Liverpool d1.44",
        /* 17/08/2024 15:00 BST = 14:00Z = 1723903200000 */
        "G 1723816800000 fd-e0-20240817-brighton-hove-everton soccer_e0 E0 Brighton, Hove|Everton 1723903200000 scheduled",
        "O 1723816800000 fd-e0-20240817-brighton-hove-everton soccer_e0 b365 h2h: Brighton, Hove d1.8, Draw d3.75, Everton d4.5",
        "O 1723816800000 fd-e0-20240817-brighton-hove-everton soccer_e0 ps h2h: Brighton, Hove d1.83, Draw d3.9, Everton d4.6",
        /* closing at −1 min, final at +2 h */
        "O 1723834740000 fd-e0-20240816-man-united-fulham soccer_e0 b365 h2h: Man United d1.57, Draw d4.33, Fulham d5.75",
        "O 1723834740000 fd-e0-20240816-man-united-fulham soccer_e0 ps h2h: Man United d1.59, Draw d4.4, Fulham d5.9",
        "G 1723842000000 fd-e0-20240816-man-united-fulham soccer_e0 E0 Man United|Fulham 1723834800000 final 1-0",
        "O 1723894140000 fd-e0-20240817-ipswich-liverpool soccer_e0 b365 h2h: Ipswich d7, Draw d5.25, Liverpool d1.4",
        "O 1723894140000 fd-e0-20240817-ipswich-liverpool soccer_e0 ps h2h: Ipswich d7.2, Draw d5.4, Liverpool d1.42",
        "G 1723901400000 fd-e0-20240817-ipswich-liverpool soccer_e0 E0 Ipswich|Liverpool 1723894200000 final 0-2",
        "O 1723903140000 fd-e0-20240817-brighton-hove-everton soccer_e0 b365 h2h: Brighton, Hove d1.72, Draw d3.8, Everton d5",
        "O 1723903140000 fd-e0-20240817-brighton-hove-everton soccer_e0 ps h2h: Brighton, Hove d1.74, Draw d3.95, Everton d5.2",
        "G 1723910400000 fd-e0-20240817-brighton-hove-everton soccer_e0 E0 Brighton, Hove|Everton 1723903200000 final 3-0",
        /* 25/01/25, no time: 15:00 GMT = 15:00Z = 1737817200000 */
        "G 1737730800000 fd-e0-20250125-nott-m-forest-southampton soccer_e0 E0 Nott\"m Forest|Southampton 1737817200000 scheduled",
        "O 1737730800000 fd-e0-20250125-nott-m-forest-southampton soccer_e0 b365 h2h: Nott\"m Forest d1.9, Draw d3.6, Southampton d4",
        "G 1737824400000 fd-e0-20250125-nott-m-forest-southampton soccer_e0 E0 Nott\"m Forest|Southampton 1737817200000 final 3-2",
    };
    feed_stats_t st = {0};
    T_BEGIN;
    T_ASSERT_INT(feed_csv_file(t_path("tests/fixtures/feeds/football-data.csv"), fa_emit,
                               fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    T_ASSERT_INT(c.nrep, ==, 2);
    T_ASSERT_STR(c.rep[0], "4: FTHG: not a number of goals: 'x'");
    T_ASSERT_STR(c.rep[1], "6: PSD: decimal price 0.95 not in (1, 10000]");
    T_ASSERT_INT(st.rows, ==, 6);
    T_ASSERT_INT(st.skipped, ==, 2);
    T_ASSERT_INT(st.emitted, ==, 20);
    T_ASSERT_INT(st.games, ==, 8);
    T_ASSERT_INT(st.odds, ==, 12);
    T_ASSERT_INT(feed_csv_file(t_path("tests/fixtures/feeds/football-data.csv"), fa_emit,
                               fa_report, &c2, NULL), ==, SV_OK);
    T_ASSERT_INT(c2.nev, ==, c.nev);
    for (int i = 0; i < c.nev; i++)
        T_ASSERT_STR(c2.ev[i], c.ev[i]);
    T_END;
}

/* 0531: bad rows, each reported with its line and the column, the good rows still emitted. */
int test_0531_csv_bad_rows(void);
int test_0531_csv_bad_rows(void)
{
    static fa_col_t c;
    static const char text[] =
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,WHH,WHD,WHA\n"       /* 1 */
        "E1,10/08/2024,15:00,Leeds,Burnley\n"                                /* 2: too few */
        "E1,10/08/2024,15:00,Leeds,Burnley,1,1,D,2.1,3.3,3.5,9\n"            /* 3: extra */
        "E1,31/02/2024,15:00,Leeds,Burnley,1,1,D,2.1,3.3,3.5\n"              /* 4: date */
        "E1,10/08/2024,25:00,Leeds,Burnley,1,1,D,2.1,3.3,3.5\n"              /* 5: time */
        "E1,10/08/2024,15:00,Leeds,Burnley,1,1,H,2.1,3.3,3.5\n"              /* 6: FTR */
        "E1,10/08/2024,15:00,,Burnley,1,1,D,2.1,3.3,3.5\n"                   /* 7: missing */
        "E1,10/08/2024,15:00,Leeds,Burnley,1,1,D,2.1,,3.5\n"                 /* 8: partial */
        "E1,10/08/2024,15:00,Leeds,Leeds,1,1,D,2.1,3.3,3.5\n"                /* 9: same team */
        "E1,10/08/2024,15:00,Leeds,Burnley,1,1,X,2.1,3.3,3.5\n"              /* 10: FTR */
        "E1,10/08/2024,15:00,Leeds,Burnley,1,1,D,2.1,abc,3.5\n"              /* 11: number */
        "E1,10/08/2024,15:00,Leeds,Burnley,-1,1,D,2.1,3.3,3.5\n"             /* 12: goals */
        "E1,10/8/24,17:30,Leeds,Burnley,2,1,H,2.1,3.3,3.5\n"                 /* 13: good */
        "E1,11/08/2024,15:00,\"Sheff\n Wed\",Burnley,0,0,D,,,\n"             /* 14-15: good */
        "E1,12/08/2024,15:00,\"Leeds,Burnley,0,0,D,,,\n";                    /* 16: quote */
    static const char *const exp[] = {
        "G 1723221000000 fd-e1-20240810-leeds-burnley soccer_e1 E1 Leeds|Burnley 1723307400000 scheduled",
        "O 1723221000000 fd-e1-20240810-leeds-burnley soccer_e1 wh h2h: Leeds d2.1, Draw d3.3, Burnley d3.5",
        "G 1723298400000 fd-e1-20240811-sheff-wed-burnley soccer_e1 E1 Sheff\n Wed|Burnley 1723384800000 scheduled",
        "G 1723314600000 fd-e1-20240810-leeds-burnley soccer_e1 E1 Leeds|Burnley 1723307400000 final 2-1",
        "G 1723392000000 fd-e1-20240811-sheff-wed-burnley soccer_e1 E1 Sheff\n Wed|Burnley 1723384800000 final 0-0",
    };
    static const char *const reps[] = {
        "2: wrong column count: 5 fields, the header has 11",
        "3: wrong column count: 12 fields, the header has 11",
        "4: Date: not a date (dd/mm/yy or dd/mm/yyyy): '31/02/2024'",
        "5: Time: not a time (HH:MM): '25:00'",
        "6: FTR: 'H' disagrees with the score 1-1",
        "7: HomeTeam: missing",
        "8: WHD: missing (the book's other prices are given)",
        "9: game: away: must differ from home",
        "10: FTR: must be H, D or A, not 'X'",
        "11: WHD: not a number: 'abc'",
        "12: FTHG: not a number of goals: '-1'",
        "16: unterminated quoted field",
    };
    feed_stats_t st = {0};
    char path[128] = "";
    T_BEGIN;
    T_ASSERT_INT(fa_file(path, sizeof(path), ".csv", text), ==, 0);
    T_ASSERT_INT(feed_csv_file(path, fa_emit, fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    for (int i = 0; i < c.nrep && i < (int)(sizeof(reps) / sizeof(reps[0])); i++)
        T_ASSERT_STR(c.rep[i], reps[i]);
    T_ASSERT_INT(c.nrep, ==, (int)(sizeof(reps) / sizeof(reps[0])));
    T_ASSERT_INT(st.rows, ==, 14);
    T_ASSERT_INT(st.skipped, ==, 12);
    T_ASSERT_INT(st.emitted, ==, 5);
end:
    if (path[0])
        unlink(path);
    return t_rc_;
}

/* 0532: the header: book triples found by name (VC and its closing VCC, a closing triple
 * without its opening one, Max/Avg/BbMx aggregates and over/under columns ignored), column
 * aliases, LF and lone-CR line ends, and the summer-time edges of 2025 (30 March, 26 October). */
int test_0532_csv_header_time(void);
int test_0532_csv_header_time(void)
{
    static fa_col_t c, d;
    static const char text[] =
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,VCH,VCD,VCA,BbMxH,BbMxD,BbMxA,AvgH,AvgD,"
        "AvgA,B365>2.5,B365<2.5,VCCH,VCCD,VCCA,PSCH,PSCD,PSCA\r"
        "SC0,30/03/2025,00:30,Celtic,Rangers,1,0,H,2.0,3.5,3.6,2.1,3.6,3.7,2.0,3.4,3.5,1.8,2.0,"
        "1.9,3.6,3.8,1.95,3.7,3.9\r"
        "SC0,30/03/2025,02:30,Hearts,Hibernian,0,0,D,,,,,,,,,,,,,,,,,\r"
        "SC0,26/10/2025,01:30,Aberdeen,Motherwell,0,1,A,,,,,,,,,,,,,,,,,\r"
        "SC0,26/10/2025,02:00,Dundee,St Mirren,2,2,D,,,,,,,,,,,,,,,,,\r";
    static const char *const exp[] = {
        /* 00:30 on 30/03 is still GMT: 00:30Z = 1743294600000 */
        "G 1743208200000 fd-sc0-20250330-celtic-rangers soccer_sc0 SC0 Celtic|Rangers 1743294600000 scheduled",
        "O 1743208200000 fd-sc0-20250330-celtic-rangers soccer_sc0 vc h2h: Celtic d2, Draw d3.5, Rangers d3.6",
        /* 02:30 BST = 01:30Z = 1743298200000 */
        "G 1743211800000 fd-sc0-20250330-hearts-hibernian soccer_sc0 SC0 Hearts|Hibernian 1743298200000 scheduled",
        "O 1743294540000 fd-sc0-20250330-celtic-rangers soccer_sc0 vc h2h: Celtic d1.9, Draw d3.6, Rangers d3.8",
        "O 1743294540000 fd-sc0-20250330-celtic-rangers soccer_sc0 ps h2h: Celtic d1.95, Draw d3.7, Rangers d3.9",
        "G 1743301800000 fd-sc0-20250330-celtic-rangers soccer_sc0 SC0 Celtic|Rangers 1743294600000 final 1-0",
        "G 1743305400000 fd-sc0-20250330-hearts-hibernian soccer_sc0 SC0 Hearts|Hibernian 1743298200000 final 0-0",
        /* 01:30 on 26/10 is the first (BST) reading: 00:30Z = 1761438600000 */
        "G 1761352200000 fd-sc0-20251026-aberdeen-motherwell soccer_sc0 SC0 Aberdeen|Motherwell 1761438600000 scheduled",
        /* 02:00 GMT = 02:00Z = 1761444000000 */
        "G 1761357600000 fd-sc0-20251026-dundee-st-mirren soccer_sc0 SC0 Dundee|St Mirren 1761444000000 scheduled",
        "G 1761445800000 fd-sc0-20251026-aberdeen-motherwell soccer_sc0 SC0 Aberdeen|Motherwell 1761438600000 final 0-1",
        "G 1761451200000 fd-sc0-20251026-dundee-st-mirren soccer_sc0 SC0 Dundee|St Mirren 1761444000000 final 2-2",
    };
    static const char alias[] =
        "Div,Date,Home,Away,HG,AG,Res,1XBH,1XBD,1XBA\n"
        "N1,01/12/2024,Ajax,PSV Eindhoven,2,3,A,3.1,3.9,2.05\n";
    static const char *const exp2[] = {
        /* no Time column: 15:00 GMT */
        "G 1732978800000 fd-n1-20241201-ajax-psv-eindhoven soccer_n1 N1 Ajax|PSV Eindhoven 1733065200000 scheduled",
        "O 1732978800000 fd-n1-20241201-ajax-psv-eindhoven soccer_n1 1xb h2h: Ajax d3.1, Draw d3.9, PSV Eindhoven d2.05",
        "G 1733072400000 fd-n1-20241201-ajax-psv-eindhoven soccer_n1 N1 Ajax|PSV Eindhoven 1733065200000 final 2-3",
    };
    feed_stats_t st = {0};
    char path[128] = "", p2[128] = "", p3[128] = "";
    T_BEGIN;
    T_ASSERT_INT(fa_file(path, sizeof(path), ".csv", text), ==, 0);
    T_ASSERT_INT(feed_csv_file(path, fa_emit, fa_report, &c, &st), ==, SV_OK);
    FA_ASSERT_EVENTS(&c, exp);
    T_ASSERT_INT(c.nrep, ==, 0);
    T_ASSERT_INT(fa_file(p2, sizeof(p2), ".csv", alias), ==, 0);
    T_ASSERT_INT(feed_csv_file(p2, fa_emit, fa_report, &d, NULL), ==, SV_OK);
    FA_ASSERT_EVENTS(&d, exp2);
    T_ASSERT_INT(fa_file(p3, sizeof(p3), ".csv", "Div,Date,HomeTeam,FTHG,FTAG,FTR\nE0,1/1/24,A,1,0,H\n"),
                 ==, 0);
    T_ASSERT_INT(feed_csv_file(p3, fa_emit, fa_report, &d, NULL), ==, SV_ERR_DECODE);
    T_ASSERT_INT(d.nrep, ==, 1);
    T_ASSERT_STR(d.rep[0], "1: header: AwayTeam: column missing");
end:
    if (path[0])
        unlink(path);
    if (p2[0])
        unlink(p2);
    if (p3[0])
        unlink(p3);
    return t_rc_;
}

/* 0533: emit asking to stop ends the file with SV_ERR_FAIL; an unreadable file is SV_ERR_IO; an
 * empty file has no header (SV_ERR_DECODE). */
int test_0533_csv_stop_errors(void);
int test_0533_csv_stop_errors(void)
{
    static fa_col_t c;
    feed_stats_t st = {0};
    char path[128] = "";
    T_BEGIN;
    c.stop_after = 3;
    T_ASSERT_INT(feed_csv_file(t_path("tests/fixtures/feeds/football-data.csv"), fa_emit,
                               fa_report, &c, &st), ==, SV_ERR_FAIL);
    T_ASSERT_INT(c.nev, ==, 2);
    T_ASSERT_INT(st.emitted, ==, 2);
    c.stop_after = 0;
    c.nrep = 0;
    T_ASSERT_INT(feed_csv_file("/nonexistent/savant-0533.csv", fa_emit, fa_report, &c, &st), ==,
                 SV_ERR_IO);
    T_ASSERT_STR(c.rep[0], "0: cannot open: No such file or directory");
    T_ASSERT_INT(fa_file(path, sizeof(path), ".csv", "\n\n"), ==, 0);
    T_ASSERT_INT(feed_csv_file(path, fa_emit, fa_report, &c, &st), ==, SV_ERR_DECODE);
    T_ASSERT_STR(c.rep[1], "0: no header row");
end:
    if (path[0])
        unlink(path);
    return t_rc_;
}
