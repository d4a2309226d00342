/*
 * bench-market — throughput of the engine core on odds events: the market state alone
 * (eng_state_apply_odds + filling a wire_score_t per touched candidate), and the full path
 * decode (wire_decode) -> state -> fill scores -> wire_encode into a reused buffer. 1,048,576
 * pre-encoded odds events over 12,000 markets (4,000 games x h2h/spreads/totals) and 8 books,
 * prices and lines drifting, event time increasing. Prints events/s and ns/event per case.
 * Run by `make bench`; not a test (nothing is asserted). Both cases announce each event to the
 * state PF_AHEAD events before applying it (eng_state_prefetch_odds; -DPF_AHEAD=0: never).
 *
 *   bench-market [SECONDS_PER_CASE]   (default 2; each case runs whole passes over the events)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "market.h"
#include "wire.h"

#define N_EVENTS (1 << 20)
#ifndef N_GAMES
#define N_GAMES 4000
#endif
#define N_BOOKS 8
#ifndef PF_AHEAD
#define PF_AHEAD 4 /* events decoded (and announced to the state) ahead of the one applied */
#endif
#define PF_RING (PF_AHEAD + 1)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_odds(wire_odds_t *o, long i, uint64_t *s)
{
    static const char *const books[N_BOOKS] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                               "caesars",  "bet365",     "circa",   "bovada"};
    int g, m, drift;
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    g = (int)(*s % N_GAMES);
    m = (int)((*s >> 16) % 3);
    drift = (int)((*s >> 24) % 21) - 10;
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = 1764180000000LL + i;
    snprintf(o->event_id, sizeof(o->event_id), "nba-2026-11-26-g%05d", g);
    strcpy(o->sport, "nba");
    strcpy(o->book, books[(*s >> 32) % N_BOOKS]);
    strcpy(o->market, m == 0 ? "h2h" : m == 1 ? "spreads" : "totals");
    if ((*s >> 40) % 200 == 0)
        return; /* 0.5 % suspensions */
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, m == 2 ? "Over" : "Los Angeles Lakers");
    strcpy(o->outcomes[1].name, m == 2 ? "Under" : "Boston Celtics");
    for (int k = 0; k < 2; k++) {
        int p = k == 0 ? -110 - drift : -110 + drift;
        o->outcomes[k].price = p > -100 ? 100 + (-100 - p) : p; /* skip the gap (-100, 100) */
        o->outcomes[k].present = WIRE_OUTCOME_HAS_PRICE;
        if (m != 0) {
            double line = m == 1 ? -5.5 - (double)((*s >> 48) % 3) : 220.5 + (double)((*s >> 48) % 3);
            o->outcomes[k].point = m == 1 && k == 1 ? -line : line;
            o->outcomes[k].present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
}

/* Decode event n of the stream repeated (event n % N_EVENTS; with shift, its time moved
 * N_EVENTS * (1 + n / N_EVENTS) ms later) into ev, and announce it to the state. */
static sv_err_t decode_next(eng_state_t *st, const uint8_t *blob, const size_t *off, long n,
                            int shift, wire_odds_t *ev)
{
    long i = n % N_EVENTS;
    wire_err_t err;
    if (wire_decode(WIRE_ODDS, blob + off[i], off[i + 1] - off[i], ev, &err) != SV_OK)
        return SV_ERR_DECODE;
    if (shift)
        ev->ts += N_EVENTS * (1 + n / N_EVENTS);
    if (PF_AHEAD)
        eng_state_prefetch_odds(st, ev);
    return SV_OK;
}

static eng_state_t *state_new(void)
{
    eng_market_conf_t conf;
    char errstr[128];
    eng_state_t *st;
    eng_market_conf_defaults(&conf);
    if (!(st = eng_state_new(&conf, errstr, sizeof(errstr)))) {
        fprintf(stderr, "bench-market: %s\n", errstr);
        exit(1);
    }
    return st;
}

static void report(const char *name, long n, double secs)
{
    printf("%-44s %12.0f events/s %8.1f ns/event\n", name, (double)n / secs,
           secs * 1e9 / (double)n);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
    wire_odds_t *src = malloc(sizeof(*src) * 1024), *ring = malloc(sizeof(*ring) * PF_RING);
    uint8_t *blob;
    size_t *off, total = 0, cap = (size_t)N_EVENTS * 200;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    wire_err_t err;
    wire_score_t sc;
    eng_state_stats_t stats;
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    long n, scores;
    eng_state_t *st;

    blob = malloc(cap);
    off = malloc(sizeof(*off) * (N_EVENTS + 1));
    if (!src || !ring || !blob || !off)
        return 1;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    /* Pre-encode every event into one blob (the struct is too big to keep a million of). */
    for (long i = 0; i < N_EVENTS; i++) {
        make_odds(&src[i % 1024], i, &s);
        msgpack_sbuffer_clear(&sb);
        if (wire_encode(WIRE_ODDS, &src[i % 1024], &pk, &err) != SV_OK) {
            fprintf(stderr, "bench-market: event %ld: %s: %s\n", i, err.field, err.reason);
            return 1;
        }
        if (total + sb.size > cap)
            return 1;
        off[i] = total;
        memcpy(blob + total, sb.data, sb.size);
        total += sb.size;
    }
    off[N_EVENTS] = total;
    printf("odds events: %d over %d games x 3 markets and %d books, %.1f bytes on average\n",
           N_EVENTS, N_GAMES, N_BOOKS, (double)total / N_EVENTS);

    /* State only: decode batches of 1024 events outside the timer, time apply + fill only. */
    {
        wire_odds_t *batch = malloc(sizeof(*batch) * 1024);
        double state_t = 0.0;
        long passes = 0;
        if (!batch)
            return 1;
        st = state_new();
        n = 0, scores = 0;
        do {
            for (long i = 0; i < N_EVENTS; i += 1024) {
                double b0;
                for (long k = 0; k < 1024; k++)
                    if (wire_decode(WIRE_ODDS, blob + off[i + k], off[i + k + 1] - off[i + k],
                                    &batch[k], &err) != SV_OK)
                        return 1;
                if (passes > 0) /* later passes: event time must keep increasing */
                    for (long k = 0; k < 1024; k++)
                        batch[k].ts += passes * (long)N_EVENTS;
                b0 = now_s();
                for (long k = 0; k < 1024; k++, n++) {
                    eng_market_t *mk;
                    if (PF_AHEAD && k + PF_AHEAD < 1024)
                        eng_state_prefetch_odds(st, &batch[k + PF_AHEAD]);
                    if (eng_state_apply_odds(st, &batch[k], &mk, NULL) != SV_OK)
                        continue;
                    for (size_t c = 0; c < mk->cand_cnt; c++, scores++)
                        eng_market_score(st, mk, c, &sc);
                }
                state_t += now_s() - b0;
            }
            passes++;
        } while (state_t < secs);
        report("state only (apply + fill scores)", n, state_t);
        printf("  %.2f scores per event\n", (double)scores / (double)n);
        eng_state_stats(st, &stats);
        printf("  markets %zu, games %zu, books %zu; stale %llu, invalid %llu\n", stats.market_cnt,
               stats.game_cnt, stats.book_cnt, (unsigned long long)stats.odds_stale,
               (unsigned long long)stats.odds_invalid);
        eng_state_free(st);
        free(batch);
    }

    /* Full path: decode -> state -> fill -> encode, one fresh state, whole passes. The second
     * and later passes replay the same bytes: their quotes are then stale for every book already
     * holding a newer one, so only the first pass is timed as the steady state. As a batch loop
     * would, events are decoded PF_AHEAD ahead of the one applied and announced to the state
     * (eng_state_prefetch_odds) as they are decoded. */
    st = state_new();
    n = 0, scores = 0;
    t0 = now_s();
    for (long i = 0; i < PF_AHEAD && i < N_EVENTS; i++)
        if (decode_next(st, blob, off, i, 0, &ring[i % PF_RING]) != SV_OK)
            return 1;
    for (long i = 0; i < N_EVENTS; i++, n++) {
        eng_market_t *mk;
        if (i + PF_AHEAD < N_EVENTS &&
            decode_next(st, blob, off, i + PF_AHEAD, 0, &ring[(i + PF_AHEAD) % PF_RING]) != SV_OK)
            return 1;
        if (eng_state_apply_odds(st, &ring[i % PF_RING], &mk, NULL) != SV_OK)
            continue;
        msgpack_sbuffer_clear(&sb);
        for (size_t c = 0; c < mk->cand_cnt; c++, scores++) {
            eng_market_score(st, mk, c, &sc);
            if (wire_encode(WIRE_SCORE, &sc, &pk, &err) != SV_OK)
                return 1;
        }
    }
    t = now_s() - t0;
    report("decode -> state -> encode scores (cold)", n, t);
    /* Warm: the state now holds every market; run the stream again with shifted event time
     * (event n of this run is event n % N_EVENTS of the stream, N_EVENTS * (1 + n / N_EVENTS)
     * ms later). */
    n = 0;
    t0 = now_s();
    for (long i = 0; i < PF_AHEAD; i++)
        if (decode_next(st, blob, off, i, 1, &ring[i % PF_RING]) != SV_OK)
            return 1;
    do {
        for (long i = 0; i < N_EVENTS; i++, n++) {
            eng_market_t *mk;
            if (decode_next(st, blob, off, n + PF_AHEAD, 1, &ring[(n + PF_AHEAD) % PF_RING]) !=
                SV_OK)
                return 1;
            if (eng_state_apply_odds(st, &ring[n % PF_RING], &mk, NULL) != SV_OK)
                continue;
            msgpack_sbuffer_clear(&sb);
            for (size_t c = 0; c < mk->cand_cnt; c++) {
                eng_market_score(st, mk, c, &sc);
                if (wire_encode(WIRE_SCORE, &sc, &pk, &err) != SV_OK)
                    return 1;
            }
        }
    } while ((t = now_s() - t0) < secs);
    report("decode -> state -> encode scores (warm)", n, t);
    eng_state_stats(st, &stats);
    printf("  stale %llu of %llu applied\n", (unsigned long long)stats.odds_stale,
           (unsigned long long)stats.odds);

    eng_state_free(st);
    msgpack_sbuffer_destroy(&sb);
    free(blob);
    free(off);
    free(src);
    free(ring);
    return 0;
}
