/*
 * bench-wire — throughput of the wire codecs on odds messages, the engine's hottest input:
 * decode+validate, validate+encode, and the JSON mapping savant-cat uses. Prints one line per
 * case with messages/s and ns/message. Run by `make bench`; not a test (nothing is asserted).
 *
 *   bench-wire [SECONDS_PER_CASE]   (default 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

#define BENCH_MSGS 1024 /* distinct messages cycled through */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A two- or three-way quote of game i at book b, varied so no two messages are equal. */
static void make_odds(wire_odds_t *o, int i)
{
    static const char *const books[] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                        "caesars",  "bet365",     "circa",   "bovada"};
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = 1764180000000LL + i;
    snprintf(o->event_id, sizeof(o->event_id), "nba-2026-11-26-g%05d", i % 10000);
    strcpy(o->sport, "nba");
    strcpy(o->book, books[i % 8]);
    strcpy(o->market, i % 3 == 0 ? "h2h" : i % 3 == 1 ? "spreads" : "totals");
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, i % 3 == 2 ? "Over" : "Los Angeles Lakers");
    strcpy(o->outcomes[1].name, i % 3 == 2 ? "Under" : "Boston Celtics");
    for (int k = 0; k < 2; k++) {
        o->outcomes[k].price = k == 0 ? -100 - i % 60 : 100 + i % 40;
        o->outcomes[k].present = WIRE_OUTCOME_HAS_PRICE;
        if (i % 3 != 0) {
            o->outcomes[k].point = i % 3 == 1 ? (k == 0 ? -5.5 : 5.5) : 220.5;
            o->outcomes[k].present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
}

static void report(const char *name, long n, double secs, size_t bytes)
{
    printf("%-28s %12.0f msg/s %8.1f ns/msg %10.1f MB/s\n", name, (double)n / secs,
           secs * 1e9 / (double)n, (double)bytes / secs / 1e6);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    static wire_odds_t src[BENCH_MSGS], dst;
    static msgpack_sbuffer bufs[BENCH_MSGS];
    msgpack_sbuffer sb;
    msgpack_packer pk;
    wire_err_t err;
    size_t bytes = 0, total = 0;
    long n;
    double t0, t;

    for (int i = 0; i < BENCH_MSGS; i++) {
        make_odds(&src[i], i);
        msgpack_sbuffer_init(&bufs[i]);
        msgpack_packer_init(&pk, &bufs[i], msgpack_sbuffer_write);
        if (wire_encode(WIRE_ODDS, &src[i], &pk, &err) != SV_OK) {
            fprintf(stderr, "bench-wire: message %d does not encode: %s: %s\n", i, err.field,
                    err.reason);
            return 1;
        }
        total += bufs[i].size;
    }
    printf("odds messages: %d distinct, %.1f bytes on average\n", BENCH_MSGS,
           (double)total / BENCH_MSGS);

    /* decode + validate */
    n = 0, bytes = 0, t0 = now_s();
    do {
        for (int i = 0; i < BENCH_MSGS; i++, n++) {
            if (wire_decode(WIRE_ODDS, bufs[i].data, bufs[i].size, &dst, &err) != SV_OK)
                return 1;
            bytes += bufs[i].size;
        }
    } while ((t = now_s() - t0) < secs);
    report("odds decode+validate", n, t, bytes);

    /* validate + encode into a reused buffer (no allocation once it has grown) */
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    n = 0, bytes = 0, t0 = now_s();
    do {
        for (int i = 0; i < BENCH_MSGS; i++, n++) {
            msgpack_sbuffer_clear(&sb);
            if (wire_encode(WIRE_ODDS, &src[i], &pk, &err) != SV_OK)
                return 1;
            bytes += sb.size;
        }
    } while ((t = now_s() - t0) < secs);
    report("odds validate+encode", n, t, bytes);

    /* struct -> JSON text -> struct, as savant-cat does per line */
    n = 0, bytes = 0, t0 = now_s();
    do {
        for (int i = 0; i < BENCH_MSGS; i += 8, n++) {
            json_t *j = wire_to_json(WIRE_ODDS, &src[i]);
            char *text = json_dumps(j, JSON_COMPACT);
            json_t *back = json_loads(text, 0, NULL);
            if (!back || wire_from_json(WIRE_ODDS, back, &dst, &err) != SV_OK)
                return 1;
            bytes += strlen(text);
            free(text);
            json_decref(j);
            json_decref(back);
        }
    } while ((t = now_s() - t0) < secs);
    report("odds json out+in", n, t, bytes);

    msgpack_sbuffer_destroy(&sb);
    for (int i = 0; i < BENCH_MSGS; i++)
        msgpack_sbuffer_destroy(&bufs[i]);
    return 0;
}
