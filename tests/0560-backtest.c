/*
 * 0560–0579: savant-replay backtest and dataset (engine/backtest.h). A tiny recording is written
 * here with wire_encode() + wire_rec_write(): four NBA games with one book (multiplicative de-vig,
 * so every fair probability is a ratio of two prices), one finished with a win, one with a spread
 * push, one never finished, one cancelled, plus a bad line, a dead letter, an unknown sport, a
 * stale quote and a message of another topic. Every expected number below is computed by hand
 * from those prices and results (see the comments).
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <msgpack.h>

#include "backtest.h"
#include "cfg.h"
#include "harness.h"
#include "ml/features.h"
#include "wire.h"
#include "wire_rec.h"

#define T0 1764180000000LL /* 2025-11-26T18:00:00Z: start of g1 */
#define HOUR 3600000LL

/* A fresh temp dir into buf; NULL on failure. */
static char *bt_tmpdir(char *buf, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, size, "%s/savant-bt.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(buf);
}

static int bt_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove the temp dir and everything in it. */
static void bt_rm_rf(const char *dir)
{
    nftw(dir, bt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Encode ev of type t and write it as one recorded message of topic; returns 0 or -1. */
static int bt_put(FILE *fp, const char *topic, wire_type_t t, const void *ev, const char *key)
{
    static int64_t offset;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    wire_err_t err;
    int rc = -1;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (wire_encode(t, ev, &pk, &err) != SV_OK) {
        fprintf(stderr, "    encode: %s: %s\n", err.field, err.reason);
        goto out;
    }
    if (wire_rec_write(fp, topic, 0, offset++, T0, key, strlen(key), sb.data, sb.size) != SV_OK)
        goto out;
    rc = 0;
out:
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

static int bt_game(FILE *fp, const char *id, const char *home, const char *away, int64_t commence,
                   int64_t ts, wire_game_status_t status, int hs, int as)
{
    wire_game_t g;
    memset(&g, 0, sizeof(g));
    g.v = 1;
    g.ts = ts;
    snprintf(g.event_id, sizeof(g.event_id), "%s", id);
    snprintf(g.sport, sizeof(g.sport), "nba");
    snprintf(g.home, sizeof(g.home), "%s", home);
    snprintf(g.away, sizeof(g.away), "%s", away);
    g.commence_ts = commence;
    g.status = status;
    if (hs >= 0) {
        g.home_score = hs;
        g.away_score = as;
        g.present = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    }
    return bt_put(fp, "savant.games.v1", WIRE_GAME, &g, id);
}

/* One quote of two outcomes in decimal odds (point NAN: none). */
static int bt_odds(FILE *fp, const char *sport, const char *id, const char *market, int64_t ts,
                   const char *n1, double d1, double p1, const char *n2, double d2, double p2)
{
    wire_odds_t o;
    memset(&o, 0, sizeof(o));
    o.v = 1;
    o.ts = ts;
    snprintf(o.event_id, sizeof(o.event_id), "%s", id);
    snprintf(o.sport, sizeof(o.sport), "%s", sport);
    snprintf(o.book, sizeof(o.book), "b1");
    snprintf(o.market, sizeof(o.market), "%s", market);
    o.outcome_cnt = 2;
    snprintf(o.outcomes[0].name, sizeof(o.outcomes[0].name), "%s", n1);
    snprintf(o.outcomes[1].name, sizeof(o.outcomes[1].name), "%s", n2);
    o.outcomes[0].decimal = d1;
    o.outcomes[1].decimal = d2;
    o.outcomes[0].present = o.outcomes[1].present = WIRE_OUTCOME_HAS_DECIMAL;
    if (!isnan(p1)) {
        o.outcomes[0].point = p1;
        o.outcomes[1].point = p2;
        o.outcomes[0].present |= WIRE_OUTCOME_HAS_POINT;
        o.outcomes[1].present |= WIRE_OUTCOME_HAS_POINT;
    }
    return bt_put(fp, "savant.odds.v1", WIRE_ODDS, &o, id);
}

#define BOS "Boston Celtics"
#define LAL "Los Angeles Lakers"
#define MIA "Miami Heat"
#define CHI "Chicago Bulls"

/* The tiny recording (see the file comment); returns 0 or -1. */
static int bt_recording(const char *path)
{
    FILE *fp = fopen(path, "w");
    int rc = 0;
    const int64_t T1 = T0 + 24 * HOUR;
    static const uint8_t junk[] = {0xc1, 0x00, 0x01};

    if (!fp)
        return -1;
    /* g1: BOS 110 - LAL 100 */
    rc |= bt_game(fp, "g1", BOS, LAL, T0, T0 - 2 * HOUR, WIRE_GAME_SCHEDULED, -1, -1);
    rc |= bt_odds(fp, "nba", "g1", "h2h", T0 - HOUR, BOS, 1.8, NAN, LAL, 2.2, NAN);
    rc |= bt_odds(fp, "nba", "g1", "spreads", T0 - 3500000, BOS, 1.9, -4.5, LAL, 1.9, 4.5);
    rc |= bt_odds(fp, "nba", "g1", "totals", T0 - 3400000, "Over", 1.9, 220.5, "Under", 1.9,
                  220.5);
    rc |= bt_odds(fp, "nba", "g1", "h2h", T0 - HOUR / 2, BOS, 1.75, NAN, LAL, 2.25, NAN);
    /* stale: older than the quote held */
    rc |= bt_odds(fp, "nba", "g1", "h2h", T0 - 2 * HOUR, BOS, 1.2, NAN, LAL, 5.0, NAN);
    /* in play (after the start): not a pre-start score */
    rc |= bt_odds(fp, "nba", "g1", "h2h", T0 + 600000, BOS, 1.5, NAN, LAL, 2.9, NAN);
    rc |= bt_game(fp, "g1", BOS, LAL, T0, T0 + 9000000, WIRE_GAME_FINAL, 110, 100);
    /* g2: MIA 100 - CHI 97 (MIA -3.0 pushes) */
    rc |= bt_game(fp, "g2", MIA, CHI, T1, T0, WIRE_GAME_SCHEDULED, -1, -1);
    rc |= bt_odds(fp, "nba", "g2", "spreads", T0 + HOUR, MIA, 2.0, -3.0, CHI, 2.0, 3.0);
    rc |= bt_odds(fp, "nba", "g2", "h2h", T0 + 2 * HOUR, MIA, 1.5, NAN, CHI, 3.0, NAN);
    rc |= bt_game(fp, "g2", MIA, CHI, T1, T1 + 3 * HOUR, WIRE_GAME_FINAL, 100, 97);
    /* g3: never finishes */
    rc |= bt_game(fp, "g3", "Denver Nuggets", "Utah Jazz", T1, T0, WIRE_GAME_SCHEDULED, -1, -1);
    rc |= bt_odds(fp, "nba", "g3", "h2h", T0 + HOUR, "Denver Nuggets", 2.0, NAN, "Utah Jazz", 2.0,
                  NAN);
    /* g4: cancelled */
    rc |= bt_game(fp, "g4", "Phoenix Suns", "Dallas Mavericks", T1, T0, WIRE_GAME_SCHEDULED, -1,
                  -1);
    rc |= bt_odds(fp, "nba", "g4", "h2h", T0 + HOUR, "Phoenix Suns", 1.9, NAN, "Dallas Mavericks",
                  1.9, NAN);
    rc |= bt_game(fp, "g4", "Phoenix Suns", "Dallas Mavericks", T1, T0 + 2 * HOUR,
                  WIRE_GAME_CANCELLED, -1, -1);
    /* bad input: a line that is no JSON, bytes that are no msgpack, an unknown sport, another
     * topic */
    fputs("this is not a recording line\n", fp);
    rc |= wire_rec_write(fp, "savant.odds.v1", 0, 100, T0, "g9", 2, junk, sizeof(junk)) != SV_OK;
    rc |= bt_odds(fp, "curling", "g9", "h2h", T0, "A", 1.9, NAN, "B", 1.9, NAN);
    rc |= wire_rec_write(fp, "savant.scores.v1", 0, 7, T0, "x", 1, junk, sizeof(junk)) != SV_OK;
    if (fclose(fp) != 0)
        rc = -1;
    return rc ? -1 : 0;
}

static char *bt_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static long bt_file_size(const char *dir, const char *name)
{
    char p[1024];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static double bt_num(const json_t *o, const char *path)
{
    char buf[256], *save = NULL;
    const json_t *v = o;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = json_object_get(v, t);
    return v && json_is_number(v) ? json_number_value(v) : NAN;
}

/* Run a mode with argv (NULL-terminated list); quiet. */
static int bt_run(bool dataset, const char **args)
{
    char *argv[32];
    int argc = 0;
    cfg_t cfg;
    cfg_defaults(&cfg);
    argv[argc++] = (char *)(dataset ? "dataset" : "backtest");
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return dataset ? eng_dataset_main(argc, argv, &cfg) : eng_backtest_main(argc, argv, &cfg);
}

int test_0560_backtest_settle(void);
int test_0560_backtest_settle(void)
{
    T_BEGIN;
    /* h2h two-way: higher score wins; a tie pushes */
    T_ASSERT_INT(eng_backtest_settle("h2h", BOS, false, 0, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_WIN);
    T_ASSERT_INT(eng_backtest_settle("h2h", LAL, false, 0, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_LOSS);
    T_ASSERT_INT(eng_backtest_settle("h2h", LAL, false, 0, BOS, LAL, false, 99, 100), ==,
                 ENG_BACKTEST_WIN);
    T_ASSERT_INT(eng_backtest_settle("h2h", BOS, false, 0, BOS, LAL, false, 20, 20), ==,
                 ENG_BACKTEST_PUSH);
    /* h2h three-way: Draw wins a tie, the teams lose it */
    T_ASSERT_INT(eng_backtest_settle("h2h", "Draw", false, 0, "Arsenal", "Chelsea", true, 1, 1),
                 ==, ENG_BACKTEST_WIN);
    T_ASSERT_INT(eng_backtest_settle("h2h", "Draw", false, 0, "Arsenal", "Chelsea", true, 2, 1),
                 ==, ENG_BACKTEST_LOSS);
    T_ASSERT_INT(eng_backtest_settle("h2h", "Arsenal", false, 0, "Arsenal", "Chelsea", true, 1, 1),
                 ==, ENG_BACKTEST_LOSS);
    T_ASSERT_INT(eng_backtest_settle("h2h", "Chelsea", false, 0, "Arsenal", "Chelsea", true, 1, 2),
                 ==, ENG_BACKTEST_WIN);
    /* spreads: own score + point against the other's */
    T_ASSERT_INT(eng_backtest_settle("spreads", BOS, true, -4.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_WIN);   /* 105.5 > 100 */
    T_ASSERT_INT(eng_backtest_settle("spreads", LAL, true, 4.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_LOSS);  /* 104.5 < 110 */
    T_ASSERT_INT(eng_backtest_settle("spreads", BOS, true, -10.0, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_PUSH);  /* 100 = 100 */
    T_ASSERT_INT(eng_backtest_settle("spreads", LAL, true, 10.0, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_PUSH);  /* 110 = 110 */
    T_ASSERT_INT(eng_backtest_settle("spreads", LAL, true, 12.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_WIN);   /* 112.5 > 110 */
    T_ASSERT_INT(eng_backtest_settle("spreads", BOS, true, -12.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_LOSS);  /* 97.5 < 100 */
    /* totals: the sum against the point */
    T_ASSERT_INT(eng_backtest_settle("totals", "Over", true, 220.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_LOSS);  /* 210 < 220.5 */
    T_ASSERT_INT(eng_backtest_settle("totals", "Under", true, 220.5, BOS, LAL, false, 110, 100),
                 ==, ENG_BACKTEST_WIN);
    T_ASSERT_INT(eng_backtest_settle("totals", "Over", true, 210.0, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_PUSH);
    T_ASSERT_INT(eng_backtest_settle("totals", "Under", true, 210.0, BOS, LAL, false, 110, 100),
                 ==, ENG_BACKTEST_PUSH);
    T_ASSERT_INT(eng_backtest_settle("totals", "Over", true, 209.5, BOS, LAL, false, 110, 100), ==,
                 ENG_BACKTEST_WIN);
    /* what cannot be settled */
    T_ASSERT_INT(eng_backtest_settle("player_points", "Over", true, 25.5, BOS, LAL, false, 1, 0),
                 ==, ENG_BACKTEST_OPEN);
    T_ASSERT_INT(eng_backtest_settle("h2h", "Somebody", false, 0, BOS, LAL, false, 1, 0), ==,
                 ENG_BACKTEST_OPEN);
    T_ASSERT_INT(eng_backtest_settle("spreads", BOS, false, 0, BOS, LAL, false, 1, 0), ==,
                 ENG_BACKTEST_OPEN);
    T_ASSERT_INT(eng_backtest_settle("totals", BOS, true, 200, BOS, LAL, false, 1, 0), ==,
                 ENG_BACKTEST_OPEN);
    T_END;
}

static int bt_report_check(const char *dir)
{
    char rec[1024], out[512];
    json_t *r = NULL;
    json_error_t je;
    const json_t *bl, *cal, *attr;
    T_BEGIN;
    snprintf(rec, sizeof(rec), "%s/rec.jsonl", dir);
    snprintf(out, sizeof(out), "%s/rep", dir);
    T_ASSERT_INT(bt_recording(rec), ==, 0);
    {
        const char *args[] = {rec,     "-o",       out,        "-X", "market.devig=multiplicative",
                              "--tiers", "any", "--stake", "1",  "-q", NULL};
        T_ASSERT_INT(bt_run(false, args), ==, 0);
    }
    snprintf(rec, sizeof(rec), "%s/report.json", out);
    r = json_load_file(rec, 0, &je);
    T_ASSERT(r);
    /* input: 21 lines, 1 not JSON; 20 messages: 9 odds applied (g1 5, g2 2, g3 1, g4 1) and 1
     * stale, 7 games (g1 2, g2 2, g3 1, g4 2), a junk value and a curling quote are dead
     * letters, the scores message is ignored */
    T_ASSERT_DBL(bt_num(r, "input.messages"), 20, 0);
    T_ASSERT_DBL(bt_num(r, "input.odds"), 9, 0);
    T_ASSERT_DBL(bt_num(r, "input.games"), 7, 0);
    T_ASSERT_DBL(bt_num(r, "input.stale"), 1, 0);
    T_ASSERT_DBL(bt_num(r, "input.dead_letters"), 2, 0);
    T_ASSERT_DBL(bt_num(r, "input.ignored"), 1, 0);
    T_ASSERT_DBL(bt_num(r, "input.bad_lines"), 1, 0);
    /* every pre-start candidate is a bet of 1 unit: g1 6, g2 4, g3 2 (open), g4 2 (void) */
    T_ASSERT_DBL(bt_num(r, "signals"), 14, 0);
    T_ASSERT_DBL(bt_num(r, "bets.count"), 14, 0);
    T_ASSERT_DBL(bt_num(r, "bets.settled"), 12, 0);
    T_ASSERT_DBL(bt_num(r, "bets.open"), 2, 0);
    T_ASSERT_DBL(bt_num(r, "bets.wins"), 4, 0);   /* BOS h2h, BOS -4.5, Under, MIA h2h */
    T_ASSERT_DBL(bt_num(r, "bets.losses"), 4, 0); /* LAL h2h, LAL +4.5, Over, CHI h2h */
    T_ASSERT_DBL(bt_num(r, "bets.pushes"), 4, 0); /* MIA -3, CHI +3, g4 void x2 */
    T_ASSERT_DBL(bt_num(r, "bets.staked"), 12, 0);
    /* P/L: +0.75 -1 +0.9 -1 -1 +0.9 (g1) +0.5 -1 (g2) = -0.95 */
    T_ASSERT_DBL(bt_num(r, "bets.pnl"), -0.95, 1e-12);
    T_ASSERT_DBL(bt_num(r, "bets.roi"), -0.95 / 12, 1e-12);
    T_ASSERT_DBL(bt_num(r, "bets.hit_rate"), 0.5, 0);
    /* CLV = best * p_fair - 1: 1.75*0.5625-1 = 2.25*0.4375-1 = -0.015625; 1.9*0.5-1 = -0.05 for
     * g1's spreads and totals (4) and g4 (2); 0 for g2 and g3 (6): mean -0.33125/14 */
    T_ASSERT_DBL(bt_num(r, "bets.clv_mean"), -0.33125 / 14, 1e-12);
    /* the market: h2h of g1 (0.5625 won, 0.4375 lost) and g2 (2/3 won, 1/3 lost) */
    T_ASSERT_DBL(bt_num(r, "market.n"), 4, 0);
    T_ASSERT_DBL(bt_num(r, "market.brier"), (2 * 0.4375 * 0.4375 + 2.0 / 9.0) / 4, 1e-12);
    T_ASSERT_DBL(bt_num(r, "market.log_loss"), -(log(0.5625) + log(2.0 / 3.0)) / 2, 1e-12);
    T_ASSERT(json_is_null(json_object_get(r, "model")));
    cal = json_object_get(r, "calibration");
    T_ASSERT_INT(json_array_size(cal), ==, 10);
    {
        static const int count[10] = {0, 0, 0, 1, 1, 1, 1, 0, 0, 0};
        static const double pred[10] = {0, 0, 0, 1.0 / 3, 0.4375, 0.5625, 2.0 / 3, 0, 0, 0};
        static const double obs[10] = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
        for (size_t k = 0; k < 10; k++) {
            const json_t *b = json_array_get(cal, k);
            T_ASSERT_DBL(bt_num(b, "lo"), k / 10.0, 1e-15);
            T_ASSERT_DBL(bt_num(b, "count"), count[k], 0);
            if (!count[k]) {
                T_ASSERT(json_is_null(json_object_get(b, "mean_predicted")));
                T_ASSERT(json_is_null(json_object_get(b, "observed")));
            } else {
                T_ASSERT_DBL(bt_num(b, "mean_predicted"), pred[k], 1e-12);
                T_ASSERT_DBL(bt_num(b, "observed"), obs[k], 0);
            }
        }
    }
    /* bets in commence order, then key: g1 first */
    bl = json_object_get(r, "bet_list");
    T_ASSERT_INT(json_array_size(bl), ==, 14);
    T_ASSERT_STR(json_string_value(json_object_get(json_array_get(bl, 0), "key")),
                 "g1|h2h|Boston Celtics||");
    T_ASSERT_DBL(bt_num(json_array_get(bl, 0), "decimal"), 1.75, 0);
    T_ASSERT_DBL(bt_num(json_array_get(bl, 0), "p_fair"), 0.5625, 1e-12);
    T_ASSERT_DBL(bt_num(json_array_get(bl, 0), "pnl"), 0.75, 1e-12);
    T_ASSERT_STR(json_string_value(json_object_get(json_array_get(bl, 0), "result")), "win");
    T_ASSERT_STR(json_string_value(json_object_get(json_array_get(bl, 2), "key")),
                 "g1|spreads|Boston Celtics||-4.5");
    /* attribution: every settled bet is on one side of each module */
    attr = json_object_get(r, "attribution");
    T_ASSERT_INT(json_array_size(attr), >=, 38);
    for (size_t k = 0; k < json_array_size(attr); k++) {
        const json_t *a = json_array_get(attr, k);
        T_ASSERT_DBL(bt_num(a, "fired.bets") + bt_num(a, "not_fired.bets"), 12, 0);
        T_ASSERT_DBL(bt_num(a, "fired.pnl") + bt_num(a, "not_fired.pnl"), -0.95, 1e-12);
    }
    T_ASSERT_INT(bt_file_size(out, "pnl.png"), >, 0);
    T_ASSERT_INT(bt_file_size(out, "calibration.png"), >, 0);
    T_ASSERT_INT(bt_file_size(out, "report.md"), >, 0);
    goto end;
end:
    json_decref(r);
    return t_rc_;
}

/* Run check in a fresh temp dir, removed afterwards. */
static int bt_in_tmpdir(int (*check)(const char *dir))
{
    char dir[256];
    int rc;
    if (!bt_tmpdir(dir, sizeof(dir))) {
        fprintf(stderr, "    mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    rc = check(dir);
    bt_rm_rf(dir);
    return rc;
}

int test_0561_backtest_report(void);
int test_0561_backtest_report(void)
{
    return bt_in_tmpdir(bt_report_check);
}

/* A 64-bit LCG (Knuth's MMIX constants): the busy recording's fixed-seed randomness. */
static uint64_t bt_rand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* A busier recording for determinism: 12 games, 3 markets, 5 books, moving prices (an LCG with
 * a fixed seed), finals for most games. */
static int bt_busy_recording(const char *path)
{
    static const char *const teams[] = {
        "Boston Celtics", "Los Angeles Lakers", "Miami Heat",     "Chicago Bulls",
        "Denver Nuggets", "Utah Jazz",          "Phoenix Suns",   "Dallas Mavericks",
        "Golden State Warriors", "Sacramento Kings", "New York Knicks", "Brooklyn Nets",
        "Atlanta Hawks",  "Orlando Magic",      "Detroit Pistons", "Indiana Pacers",
        "Toronto Raptors", "Houston Rockets",   "Memphis Grizzlies", "Portland Trail Blazers",
        "Milwaukee Bucks", "Cleveland Cavaliers", "Charlotte Hornets", "Washington Wizards"};
    FILE *fp = fopen(path, "w");
    uint64_t s = 12345;
    int rc = 0;

    if (!fp)
        return -1;
    for (int g = 0; g < 12; g++) {
        char id[16];
        const char *home = teams[2 * g], *away = teams[2 * g + 1];
        int64_t commence = T0 + g * 3 * HOUR;
        double spread = -((double)(bt_rand(&s) % 20) - 10.0) / 2.0; /* -5 .. +5 by 0.5 */
        double total = 210.5 + (double)(bt_rand(&s) % 20);
        snprintf(id, sizeof(id), "b%02d", g);
        rc |= bt_game(fp, id, home, away, commence, commence - 12 * HOUR, WIRE_GAME_SCHEDULED,
                      -1, -1);
        for (int u = 0; u < 10; u++) {
            int64_t ts = commence - (10 - u) * HOUR;
            for (int b = 0; b < 5; b++) {
                wire_odds_t o;
                double ph = 0.35 + (double)(bt_rand(&s) % 300) / 1000.0, m = 1.04;
                for (int mkt = 0; mkt < 3; mkt++) {
                    memset(&o, 0, sizeof(o));
                    o.v = 1;
                    o.ts = ts + b * 1000 + mkt;
                    snprintf(o.event_id, sizeof(o.event_id), "%s", id);
                    snprintf(o.sport, sizeof(o.sport), "nba");
                    snprintf(o.book, sizeof(o.book), "book%d", b);
                    snprintf(o.market, sizeof(o.market), "%s",
                             mkt == 0 ? "h2h" : mkt == 1 ? "spreads" : "totals");
                    o.outcome_cnt = 2;
                    snprintf(o.outcomes[0].name, sizeof(o.outcomes[0].name), "%s",
                             mkt == 2 ? "Over" : home);
                    snprintf(o.outcomes[1].name, sizeof(o.outcomes[1].name), "%s",
                             mkt == 2 ? "Under" : away);
                    double p0 = mkt == 0 ? ph : 0.45 + (double)(bt_rand(&s) % 100) / 1000.0;
                    o.outcomes[0].decimal = floor(100.0 / (p0 * m)) / 100.0;
                    o.outcomes[1].decimal = floor(100.0 / ((1 - p0) * m)) / 100.0;
                    o.outcomes[0].present = o.outcomes[1].present = WIRE_OUTCOME_HAS_DECIMAL;
                    if (mkt) {
                        double pt = mkt == 1 ? spread + (u > 5 && b < 2 ? 0.5 : 0.0) : total;
                        o.outcomes[0].point = pt;
                        o.outcomes[1].point = mkt == 1 ? -pt : pt;
                        o.outcomes[0].present |= WIRE_OUTCOME_HAS_POINT;
                        o.outcomes[1].present |= WIRE_OUTCOME_HAS_POINT;
                    }
                    rc |= bt_put(fp, "savant.odds.v1", WIRE_ODDS, &o, id);
                }
            }
        }
        int hs = 90 + (int)(bt_rand(&s) % 40);
        if (g % 5 != 4)
            rc |= bt_game(fp, id, home, away, commence, commence + 3 * HOUR, WIRE_GAME_FINAL,
                          hs, 90 + (int)(bt_rand(&s) % 40));
    }
    if (fclose(fp) != 0)
        rc = -1;
    return rc ? -1 : 0;
}

static int bt_determinism_check(const char *dir)
{
    char rec[512], o1[512], o2[512], p1[600], p2[600];
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    json_t *r = NULL;
    json_error_t je;
    T_BEGIN;
    snprintf(rec, sizeof(rec), "%s/busy.jsonl", dir);
    snprintf(o1, sizeof(o1), "%s/r1", dir);
    snprintf(o2, sizeof(o2), "%s/r2", dir);
    T_ASSERT_INT(bt_busy_recording(rec), ==, 0);
    {
        const char *args1[] = {rec, "-o", o1, "-q", NULL};
        const char *args2[] = {"-q", "--output", o2, rec, NULL};
        T_ASSERT_INT(bt_run(false, args1), ==, 0);
        T_ASSERT_INT(bt_run(false, args2), ==, 0);
    }
    snprintf(p1, sizeof(p1), "%s/report.json", o1);
    snprintf(p2, sizeof(p2), "%s/report.json", o2);
    T_ASSERT((a = bt_slurp(p1, &la)) != NULL);
    T_ASSERT((b = bt_slurp(p2, &lb)) != NULL);
    T_ASSERT_INT(la, ==, lb);
    T_ASSERT(memcmp(a, b, la) == 0);
    T_ASSERT(!strstr(a, dir)); /* no paths in the report */
    r = json_loads(a, 0, &je);
    T_ASSERT(r);
    /* 12 games x 10 updates x 5 books x 3 markets; 12 schedules + 10 finals */
    T_ASSERT_DBL(bt_num(r, "input.messages"), 1822, 0);
    T_ASSERT_DBL(bt_num(r, "input.odds"), 1800, 0);
    T_ASSERT_DBL(bt_num(r, "input.games"), 22, 0);
    T_ASSERT_STR(json_string_value(json_object_get(json_object_get(r, "rule"), "stake")),
                 "tier_units");
    /* the default rule: the engine's signal rules with the shipped model */
    T_ASSERT_DBL(bt_num(r, "rule.signals.game_floor"), 7.0, 0);
    T_ASSERT_DBL(bt_num(r, "rule.signals.band"), 0.25, 0);
    T_ASSERT(json_is_string(json_object_get(r, "model")));
    T_ASSERT(strncmp(json_string_value(json_object_get(r, "model")), "lstm-", 5) == 0);
    /* the market forecast: both sides of each of the 10 finished h2h markets, but a tie (a
     * push) leaves both out */
    T_ASSERT(bt_num(r, "market.n") <= 20 && bt_num(r, "market.n") >= 2);
    free(a);
    free(b);
    a = b = NULL;
    snprintf(p1, sizeof(p1), "%s/report.md", o1);
    snprintf(p2, sizeof(p2), "%s/report.md", o2);
    T_ASSERT((a = bt_slurp(p1, &la)) != NULL);
    T_ASSERT((b = bt_slurp(p2, &lb)) != NULL);
    T_ASSERT(la == lb && memcmp(a, b, la) == 0);
    T_ASSERT_INT(bt_file_size(o1, "pnl.png"), >, 0);
    T_ASSERT_INT(bt_file_size(o1, "calibration.png"), >, 0);
    /* a different config gives a different report: the de-vig method is part of it */
    {
        const char *args3[] = {rec, "-o", o2, "-q", "-X", "market.devig=additive", NULL};
        free(b);
        b = NULL;
        T_ASSERT_INT(bt_run(false, args3), ==, 0);
        snprintf(p2, sizeof(p2), "%s/report.json", o2);
        T_ASSERT((b = bt_slurp(p2, &lb)) != NULL);
        T_ASSERT(strstr(b, "\"devig\": \"additive\""));
    }
    /* the interim rule: tiers, no model */
    {
        const char *args4[] = {rec, "-o", o2, "-q", "--rule", "tiers", NULL};
        json_decref(r);
        r = NULL;
        free(b);
        b = NULL;
        T_ASSERT_INT(bt_run(false, args4), ==, 0);
        snprintf(p2, sizeof(p2), "%s/report.json", o2);
        T_ASSERT((b = bt_slurp(p2, &lb)) != NULL);
        r = json_loads(b, 0, &je);
        T_ASSERT(r);
        T_ASSERT_INT(json_array_size(json_object_get(json_object_get(r, "rule"), "tiers")), ==, 3);
        T_ASSERT(json_is_null(json_object_get(r, "model")));
    }
    goto end;
end:
    free(a);
    free(b);
    json_decref(r);
    return t_rc_;
}

int test_0562_backtest_determinism(void);
int test_0562_backtest_determinism(void)
{
    return bt_in_tmpdir(bt_determinism_check);
}

/* The expected step k of a dataset line: each feature is the float eng_feat_compute() gives,
 * so the JSON number read back must round to the float of the hand-computed value. */
static int bt_step_eq(const json_t *steps, size_t k, const double *want)
{
    const json_t *st = json_array_get(steps, k);
    if (json_array_size(st) != ENG_FEAT_N)
        return 0;
    for (size_t j = 0; j < ENG_FEAT_N; j++) {
        double v = json_number_value(json_array_get(st, j));
        if (!json_is_number(json_array_get(st, j)) || (float)v != (float)want[j]) {
            fprintf(stderr, "    step %zu feature %zu (%s): %.9g, want %.9g\n", k, j,
                    eng_feat_names[j], v, (double)(float)want[j]);
            return 0;
        }
    }
    return 1;
}

/* The dataset test's extra game g5 (LAL at home to BOS, after g1's result), appended to the
 * shared recording: splits of BOS, a pre-game quote, a live update and an in-play quote, a
 * final. */
static int bt_dataset_extra(const char *path)
{
    const int64_t T1 = T0 + 24 * HOUR;
    FILE *fp = fopen(path, "a");
    wire_game_t g;
    wire_context_t c;
    int rc = 0;

    if (!fp)
        return -1;
    rc |= bt_game(fp, "g5", LAL, BOS, T1, T0 + 3 * HOUR, WIRE_GAME_SCHEDULED, -1, -1);
    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = T0 + 3 * HOUR, c.kind = WIRE_CTX_SPLITS;
    strcpy(c.event_id, "g5"), strcpy(c.market, "h2h"), strcpy(c.side, BOS);
    c.ticket_pct = 70, c.money_pct = 40;
    c.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_MARKET | WIRE_CTX_HAS_SIDE |
                WIRE_CTX_HAS_TICKET_PCT | WIRE_CTX_HAS_MONEY_PCT;
    rc |= bt_put(fp, "savant.context.v1", WIRE_CONTEXT, &c, "g5");
    rc |= bt_odds(fp, "nba", "g5", "h2h", T0 + 4 * HOUR, LAL, 2.5, NAN, BOS, 1.6, NAN);
    memset(&g, 0, sizeof(g));
    g.v = 1, g.ts = T1 + 30 * 60000, g.commence_ts = T1, g.status = WIRE_GAME_LIVE;
    strcpy(g.event_id, "g5"), strcpy(g.sport, "nba"), strcpy(g.home, LAL), strcpy(g.away, BOS);
    g.period = 2, g.clock_s = 360, g.home_score = 50, g.away_score = 55;
    g.present = WIRE_GAME_HAS_PERIOD | WIRE_GAME_HAS_CLOCK_S | WIRE_GAME_HAS_HOME_SCORE |
                WIRE_GAME_HAS_AWAY_SCORE;
    rc |= bt_put(fp, "savant.games.v1", WIRE_GAME, &g, "g5");
    rc |= bt_odds(fp, "nba", "g5", "h2h", T1 + 31 * 60000, LAL, 2.0, NAN, BOS, 2.0, NAN);
    rc |= bt_game(fp, "g5", LAL, BOS, T1, T1 + 3 * HOUR, WIRE_GAME_FINAL, 100, 98);
    if (fclose(fp) != 0)
        rc = -1;
    return rc ? -1 : 0;
}

#define BT_DS_LINES 17 /* header + 8 markets × 2 outcomes */

/*
 * The features (docs/ai.md): p_fair, d_p_fair, best_implied, line_variance, line, d_line, steam,
 * hours_to_commence, score_diff, period, clock_frac, split_ticket, split_money, has_splits,
 * elo_p, side. One book: line_variance 0, never steam (market.steam_books 3). Multiplicative
 * de-vig: p = (1/d1) / (1/d1 + 1/d2). Elo (nba: K 20, HA 65): before g1's result every team is
 * 1500, so the home side's elo_p is e0 = 1/(1 + 10^(-65/400)); g1 (BOS 110 - LAL 100 at BOS)
 * moves BOS up and LAL down by dl = 20 · ln(11) · (1 - e0), so in g5 (LAL at home)
 * elo_p(LAL) = 1/(1 + 10^(-(65 - 2 dl)/400)).
 */
static int bt_dataset_check(const char *dir)
{
    char rec[512], out[512];
    char *text = NULL, *save = NULL;
    size_t len = 0;
    json_t *ln[BT_DS_LINES] = {NULL};
    json_error_t je;
    int n = 0;
    const double pm1 = (1 / 1.8) / (1 / 1.8 + 1 / 2.2);    /* 0.55 */
    const double pm2 = (1 / 1.75) / (1 / 1.75 + 1 / 2.25); /* 0.5625 */
    const double pm3 = (1 / 1.5) / (1 / 1.5 + 1 / 2.9);    /* 2.9 / 4.4 */
    const double e0 = 1 / (1 + pow(10, -65.0 / 400));
    const double dl = 20 * log(11) * (1 - e0);
    const double e5 = 1 / (1 + pow(10, -(65 - 2 * dl) / 400));
    const double p5 = (1 / 2.5) / (1 / 2.5 + 1 / 1.6);
    char hash[32];
    T_BEGIN;
    snprintf(rec, sizeof(rec), "%s/rec.jsonl", dir);
    snprintf(out, sizeof(out), "%s/ds.jsonl", dir);
    T_ASSERT_INT(bt_recording(rec), ==, 0);
    T_ASSERT_INT(bt_dataset_extra(rec), ==, 0);
    {
        const char *args[] = {rec, "-o", out, "-q", "-X", "market.devig=multiplicative", NULL};
        T_ASSERT_INT(bt_run(true, args), ==, 0);
    }
    T_ASSERT((text = bt_slurp(out, &len)) != NULL);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        T_ASSERT(n < BT_DS_LINES);
        ln[n] = json_loads(l, 0, &je);
        T_ASSERT(ln[n]);
        n++;
    }
    T_ASSERT_INT(n, ==, BT_DS_LINES);
    /* header: the names of engine/ml/features.h and the schema hash */
    T_ASSERT_INT(json_array_size(json_object_get(ln[0], "features")), ==, ENG_FEAT_N);
    for (size_t j = 0; j < ENG_FEAT_N; j++)
        T_ASSERT_STR(json_string_value(json_array_get(json_object_get(ln[0], "features"), j)),
                     eng_feat_names[j]);
    T_ASSERT_STR(json_string_value(json_array_get(json_object_get(ln[0], "features"), 7)),
                 "hours_to_commence");
    snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)eng_feat_hash());
    T_ASSERT_STR(json_string_value(json_object_get(ln[0], "feature_hash")), hash);
    {
        /* one line per market outcome, markets in order of first appearance, then names */
        static const char *const keys[BT_DS_LINES - 1][2] = {
            {"g1|h2h|", BOS},     {"g1|h2h|", LAL},       {"g1|spreads|", BOS},
            {"g1|spreads|", LAL}, {"g1|totals|", "Over"}, {"g1|totals|", "Under"},
            {"g2|spreads|", MIA}, {"g2|spreads|", CHI},   {"g2|h2h|", MIA},
            {"g2|h2h|", CHI},     {"g3|h2h|", "Denver Nuggets"}, {"g3|h2h|", "Utah Jazz"},
            {"g4|h2h|", "Phoenix Suns"}, {"g4|h2h|", "Dallas Mavericks"},
            {"g5|h2h|", LAL},     {"g5|h2h|", BOS}};
        /* 1 win, 0 loss, 0.5 push or void, -1 null (never finished) */
        static const double labels[BT_DS_LINES - 1] = {1, 0, 1, 0, 0, 1, 0.5, 0.5,
                                                       1, 0, -1, -1, 0.5, 0.5, 1, 0};
        for (int i = 0; i < BT_DS_LINES - 1; i++) {
            const json_t *o = ln[i + 1];
            T_ASSERT_STR(json_string_value(json_object_get(o, "key")), keys[i][0]);
            T_ASSERT_STR(json_string_value(json_object_get(o, "side")), keys[i][1]);
            T_ASSERT_STR(json_string_value(json_object_get(o, "sport")), "nba");
            if (labels[i] < 0)
                T_ASSERT(json_is_null(json_object_get(o, "label")));
            else
                T_ASSERT_DBL(bt_num(o, "label"), labels[i], 0);
        }
    }
    {
        /* g1 h2h: three steps each (the stale quote makes none); the third is in play (10 min
         * after the start, no score or period yet) */
        const json_t *bos = json_object_get(ln[1], "steps"), *lal = json_object_get(ln[2], "steps");
        const double b0[16] = {pm1, 0, 1 / 1.8, 0, 0, 0, 0, 1.0, 0, 0, 0, 0.5, 0.5, 0, e0, 1};
        const double b1[16] = {pm2, pm2 - pm1, 1 / 1.75, 0, 0, 0, 0, 0.5,
                               0,   0,         0,        0.5, 0.5, 0, e0, 1};
        const double b2[16] = {pm3, pm3 - pm2, 1 / 1.5, 0, 0, 0, 0, -1.0 / 6,
                               0,   0,         0,       0.5, 0.5, 0, e0, 1};
        const double l2[16] = {1 - pm3, (1 - pm3) - (1 - pm2), 1 / 2.9, 0, 0, 0, 0, -1.0 / 6,
                               0,       0,                     0,       0.5, 0.5, 0, 1 - e0, -1};
        T_ASSERT_INT(json_array_size(bos), ==, 3);
        T_ASSERT_INT(json_array_size(lal), ==, 3);
        T_ASSERT(bt_step_eq(bos, 0, b0));
        T_ASSERT(bt_step_eq(bos, 1, b1));
        T_ASSERT(bt_step_eq(bos, 2, b2));
        T_ASSERT(bt_step_eq(lal, 2, l2));
    }
    {
        /* lines are each outcome's own point; totals have no Elo (0.5); side +1 Over, -1 Under */
        const double sb[16] = {0.5, 0, 1 / 1.9, 0, -4.5, 0, 0, 3500000.0 / 3600000.0,
                               0,   0, 0,       0.5, 0.5, 0, e0, 1};
        const double sl[16] = {0.5, 0, 1 / 1.9, 0, 4.5, 0, 0, 3500000.0 / 3600000.0,
                               0,   0, 0,       0.5, 0.5, 0, 1 - e0, -1};
        const double tu[16] = {0.5, 0, 1 / 1.9, 0, 220.5, 0, 0, 3400000.0 / 3600000.0,
                               0,   0, 0,       0.5, 0.5,   0, 0.5, -1};
        T_ASSERT(bt_step_eq(json_object_get(ln[3], "steps"), 0, sb));
        T_ASSERT(bt_step_eq(json_object_get(ln[4], "steps"), 0, sl));
        T_ASSERT(bt_step_eq(json_object_get(ln[6], "steps"), 0, tu));
    }
    {
        /* g2 (24 h after g1, quotes 23 h and 22 h before its start): MIA and CHI never played a
         * rated game, so Elo is the home advantage alone; g4 cancelled */
        const double g2s[16] = {0.5, 0, 0.5, 0, 3.0, 0, 0, 23, 0, 0, 0, 0.5, 0.5, 0, 1 - e0, -1};
        const double g2h[16] = {(1 / 1.5) / (1 / 1.5 + 1 / 3.0), 0, 1 / 1.5, 0, 0, 0, 0, 22,
                                0, 0, 0, 0.5, 0.5, 0, e0, 1};
        const double g4h[16] = {0.5, 0, 1 / 1.9, 0, 0, 0, 0, 23, 0, 0, 0, 0.5, 0.5, 0, e0, 1};
        T_ASSERT(bt_step_eq(json_object_get(ln[8], "steps"), 0, g2s));
        T_ASSERT(bt_step_eq(json_object_get(ln[9], "steps"), 0, g2h));
        T_ASSERT(bt_step_eq(json_object_get(ln[13], "steps"), 0, g4h));
    }
    {
        /* g5: 20 h before the start, Elo after g1's result, BOS has splits (70 / 40); then in
         * play: 31 min after the start, period 2 with 360 of 720 s left, LAL 50 - BOS 55 */
        const json_t *lal = json_object_get(ln[15], "steps"), *bos = json_object_get(ln[16], "steps");
        const double l0[16] = {p5, 0, 1 / 2.5, 0, 0, 0, 0, 20, 0, 0, 0, 0.5, 0.5, 0, e5, 1};
        const double b0[16] = {1 - p5, 0, 1 / 1.6, 0, 0, 0, 0, 20,
                               0,      0, 0,       0.7, 0.4, 1, 1 - e5, -1};
        const double l1[16] = {0.5, 0.5 - p5, 0.5, 0, 0, 0, 0, -31.0 / 60,
                               -5,  2,        0.5, 0.5, 0.5, 0, e5, 1};
        const double b1[16] = {0.5, 0.5 - (1 - p5), 0.5, 0, 0, 0, 0, -31.0 / 60,
                               5,   2,               0.5, 0.7, 0.4, 1, 1 - e5, -1};
        T_ASSERT_INT(json_array_size(lal), ==, 2);
        T_ASSERT(bt_step_eq(lal, 0, l0));
        T_ASSERT(bt_step_eq(bos, 0, b0));
        T_ASSERT(bt_step_eq(lal, 1, l1));
        T_ASSERT(bt_step_eq(bos, 1, b1));
    }
    goto end;
end:
    for (int i = 0; i < BT_DS_LINES; i++)
        json_decref(ln[i]);
    free(text);
    return t_rc_;
}

int test_0563_dataset(void);
int test_0563_dataset(void)
{
    return bt_in_tmpdir(bt_dataset_check);
}

static int bt_usage_check(const char *dir)
{
    char rec[512], out[512], missing[512];
    T_BEGIN;
    snprintf(rec, sizeof(rec), "%s/rec.jsonl", dir);
    snprintf(out, sizeof(out), "%s/out", dir);
    snprintf(missing, sizeof(missing), "%s/nope.jsonl", dir);
    T_ASSERT_INT(bt_recording(rec), ==, 0);
    {
        const char *a1[] = {rec, NULL};                                  /* no -o */
        const char *a2[] = {"-o", out, NULL};                            /* no FILE */
        const char *a3[] = {rec, "-o", out, "--bogus", NULL};            /* unknown option */
        const char *a4[] = {rec, "-o", out, "--tiers", "PLATINUM", NULL}; /* unknown tier */
        const char *a5[] = {rec, "-o", out, "--stake", "-1", NULL};      /* bad stake */
        const char *a6[] = {rec, "-o", out, "-X", "market.nope=1", NULL}; /* unknown key */
        const char *a7[] = {rec, rec, "-o", out, NULL};                  /* two FILEs */
        const char *a8[] = {missing, "-o", out, "-q", NULL};             /* unreadable */
        T_ASSERT_INT(bt_run(false, a1), ==, 2);
        T_ASSERT_INT(bt_run(false, a2), ==, 2);
        T_ASSERT_INT(bt_run(false, a3), ==, 2);
        T_ASSERT_INT(bt_run(false, a4), ==, 2);
        T_ASSERT_INT(bt_run(false, a5), ==, 2);
        T_ASSERT_INT(bt_run(false, a6), ==, 2);
        T_ASSERT_INT(bt_run(false, a7), ==, 2);
        T_ASSERT_INT(bt_run(false, a8), ==, 1);
        T_ASSERT_INT(bt_run(true, a1), ==, 2);
        T_ASSERT_INT(bt_run(true, a4), ==, 2); /* --tiers is backtest only */
        T_ASSERT_INT(bt_run(true, a8), ==, 1);
    }
    T_END;
}

int test_0564_backtest_usage(void);
int test_0564_backtest_usage(void)
{
    return bt_in_tmpdir(bt_usage_check);
}
