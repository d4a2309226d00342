/*
 * bench-snap — state records (engine/snap.h): a state of N games (default 10,000) × 3 markets
 * (h2h, spreads, totals) × 8 books with a full line history (64 points) each, every game
 * encoded as one record (records/s, MB/s, bytes per record), then every record restored into a
 * fresh state (records/s; the first pass creates the games and markets, the next ones overwrite
 * them, as a re-assignment does). No AI engine (the model state adds 2 × n_hid float32 per
 * candidate). Prints the figures; nothing is asserted. Run by `make bench`.
 *
 *   bench-snap [SECONDS] [GAMES] [HISTORY]   (default 2 s per case, 10000 games, history_size
 *                                             64; 80 quotes per market, so it is full up to 80)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "market.h"
#include "snap.h"
#include "wire.h"

#define N_BOOKS 8

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_odds(wire_odds_t *o, int g, int m, int b, int i, uint64_t *s)
{
    static const char *const books[N_BOOKS] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                               "caesars",  "bet365",     "circa",   "bovada"};
    int drift, step;
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    drift = (int)(*s % 21) - 10;
    step = (int)((*s >> 8) % 3) - 1;
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = 1764180000000LL + 1000LL * i;
    snprintf(o->event_id, sizeof(o->event_id), "nba-2026-11-26-g%05d", g);
    strcpy(o->sport, "nba");
    strcpy(o->book, books[b]);
    strcpy(o->market, m == 0 ? "h2h" : m == 1 ? "spreads" : "totals");
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, m == 2 ? "Over" : "Los Angeles Lakers");
    strcpy(o->outcomes[1].name, m == 2 ? "Under" : "Boston Celtics");
    for (int k = 0; k < 2; k++) {
        int p = k == 0 ? -110 - drift : -110 + drift;
        o->outcomes[k].price = p > -100 ? 100 + (-100 - p) : p;
        o->outcomes[k].present = WIRE_OUTCOME_HAS_PRICE;
        if (m) {
            double line = m == 1 ? -4.5 + 0.5 * step : 221.5 + 0.5 * step;
            o->outcomes[k].point = m == 1 && k ? -line : line;
            o->outcomes[k].present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
}

static eng_state_t *state_new(int history)
{
    eng_market_conf_t conf;
    char errstr[128];
    eng_state_t *st;
    eng_market_conf_defaults(&conf);
    conf.history_size = history;
    if (!(st = eng_state_new(&conf, errstr, sizeof(errstr)))) {
        fprintf(stderr, "bench-snap: %s\n", errstr);
        exit(1);
    }
    return st;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
    int n_games = argc > 2 ? atoi(argv[2]) : 10000, history = argc > 3 ? atoi(argv[3]) : 64;
    eng_state_t *st = state_new(history), *fresh = state_new(history);
    static wire_odds_t o;
    uint64_t s = 88172645463325252ULL;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    eng_snap_at_t at;
    size_t *offs = malloc(((size_t)n_games + 1) * sizeof(*offs));
    long passes, n;

    if (!offs)
        return 1;
    /* 80 quotes per market: 8 books × 10 rounds, so the 64-point history is full */
    for (int r = 0; r < 10; r++)
        for (int g = 0; g < n_games; g++)
            for (int m = 0; m < 3; m++)
                for (int b = 0; b < N_BOOKS; b++) {
                    eng_market_t *mk;
                    wire_err_t err;
                    make_odds(&o, g, m, b, r * N_BOOKS + b, &s);
                    if (eng_state_apply_odds(st, &o, &mk, &err) != SV_OK) {
                        fprintf(stderr, "bench-snap: %s: %s\n", err.field, err.reason);
                        return 1;
                    }
                }
    memset(&at, 0, sizeof(at));
    at.part = 0;
    at.pnow = 1764180000000LL;
    at.cnt = 3;
    strcpy(at.pos[0].topic, "savant.odds.v1");
    strcpy(at.pos[1].topic, "savant.games.v1");
    strcpy(at.pos[2].topic, "savant.context.v1");

    /* encode: every game, whole passes, into one reused buffer */
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    t0 = now_s();
    passes = 0;
    do {
        sb.size = 0;
        for (int g = 0; g < n_games; g++) {
            offs[g] = sb.size;
            if (eng_snap_encode(st, NULL, eng_state_game_at(st, (uint32_t)g), &at, &pk) != SV_OK)
                return 1;
        }
        offs[n_games] = sb.size;
        passes++;
        t = now_s() - t0;
    } while (t < secs);
    n = passes * n_games;
    printf("state records: %d games x 3 markets x %d books, %d history points each\n", n_games,
           N_BOOKS, history < 80 ? history : 80);
    printf("%-28s %12.0f records/s %8.1f MB/s %8.0f bytes/record\n", "encode", (double)n / t,
           (double)passes * (double)sb.size / t / 1e6, (double)sb.size / n_games);

    /* restore: every record into a fresh state (pass 1 creates, the next ones overwrite) */
    t0 = now_s();
    passes = 0;
    do {
        for (int g = 0; g < n_games; g++) {
            wire_err_t err;
            if (eng_snap_restore(fresh, NULL, sb.data + offs[g], offs[g + 1] - offs[g], &at, NULL,
                                 &err) != SV_OK) {
                fprintf(stderr, "bench-snap: restore %d: %s: %s\n", g, err.field, err.reason);
                return 1;
            }
        }
        passes++;
        if (passes == 1) {
            t = now_s() - t0;
            printf("%-28s %12.0f records/s %8.1f MB/s %10.0f markets/s\n",
                   "restore (first, creating)", (double)n_games / t, (double)sb.size / t / 1e6,
                   3.0 * n_games / t);
            t0 = now_s();
        }
        t = now_s() - t0;
    } while (passes < 2 || t < secs);
    n = (passes - 1) * n_games;
    /* markets/s: the issue counts state records keyed by market; a record here is a game of 3 */
    printf("%-28s %12.0f records/s %8.1f MB/s %10.0f markets/s\n", "restore (overwriting)",
           (double)n / t, (double)(passes - 1) * (double)sb.size / t / 1e6, 3.0 * (double)n / t);
    msgpack_sbuffer_destroy(&sb);
    free(offs);
    eng_state_free(st);
    eng_state_free(fresh);
    return 0;
}
