/*
 * fuzz-snap — libFuzzer target: arbitrary bytes as a state record (savant.state.v1,
 * eng_snap_restore in engine/snap.h) restored into a small state (one known game, two markets,
 * three books). A record must be refused with SV_ERR_INVALID naming a field, the state unchanged
 * (every game encodes to the same bytes as before), or restore; then the game's record,
 * restored into a fresh state, encodes to the same bytes again (encode ∘ restore is stable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market.h"
#include "snap.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const wire_err_t *err)
{
    fprintf(stderr, "fuzz property broken: %s (%s: %s)\n", what, err ? err->field : "",
            err ? err->reason : "");
    abort();
}

static eng_state_t *state_new(void)
{
    eng_market_conf_t conf;
    char errstr[128];
    eng_state_t *st;
    wire_game_t g;
    eng_game_t *gp;
    static wire_odds_t o;
    static const char *const books[3] = {"pinnacle", "fanduel", "circa"};

    eng_market_conf_defaults(&conf);
    conf.history_size = 8;
    if (!(st = eng_state_new(&conf, errstr, sizeof(errstr))))
        die("state", NULL);
    memset(&g, 0, sizeof(g));
    g.v = 1;
    g.ts = 1767225600000LL;
    strcpy(g.event_id, "evt1");
    strcpy(g.sport, "nba");
    strcpy(g.home, "Lakers");
    strcpy(g.away, "Celtics");
    g.commence_ts = g.ts + 3600000;
    if (eng_state_apply_game(st, &g, &gp, NULL) != SV_OK)
        die("game", NULL);
    for (int i = 0; i < 12; i++) {
        eng_market_t *mk;
        memset(&o, 0, sizeof(o));
        o.v = 1;
        o.ts = g.ts + 1000 * i;
        strcpy(o.event_id, "evt1");
        strcpy(o.sport, "nba");
        strcpy(o.book, books[i % 3]);
        strcpy(o.market, i % 2 ? "spreads" : "totals");
        o.outcome_cnt = 2;
        strcpy(o.outcomes[0].name, i % 2 ? "Lakers" : "Over");
        strcpy(o.outcomes[1].name, i % 2 ? "Celtics" : "Under");
        for (int k = 0; k < 2; k++) {
            o.outcomes[k].price = k ? -110 + i : -110 - i;
            o.outcomes[k].point = i % 2 ? (k ? 3.5 : -3.5) : 220.5 + (i % 3);
            o.outcomes[k].present = WIRE_OUTCOME_HAS_PRICE | WIRE_OUTCOME_HAS_POINT;
        }
        if (eng_state_apply_odds(st, &o, &mk, NULL) != SV_OK)
            die("odds", NULL);
    }
    return st;
}

static void encode_all(const eng_state_t *st, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    eng_snap_at_t at;
    eng_game_t *g;
    memset(&at, 0, sizeof(at));
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    for (uint32_t i = 0; (g = eng_state_game_at(st, i)); i++)
        if (eng_snap_encode(st, NULL, g, &at, &pk) != SV_OK)
            die("encode", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eng_state_t *st = state_new();
    msgpack_sbuffer before, after;
    eng_snap_at_t at;
    eng_game_t *g = NULL;
    wire_err_t err;
    sv_err_t rc;

    encode_all(st, &before);
    rc = eng_snap_restore(st, NULL, data, size, &at, &g, &err);
    if (rc == SV_ERR_INVALID) {
        if (!err.reason[0])
            die("refused without a reason", &err);
        encode_all(st, &after);
        if (after.size != before.size || memcmp(after.data, before.data, before.size) != 0)
            die("a refused record changed the state", &err);
        msgpack_sbuffer_destroy(&after);
    } else if (rc == SV_OK) {
        eng_state_t *fresh = state_new();
        msgpack_sbuffer one, two;
        msgpack_packer pk;
        eng_game_t *g2;
        msgpack_sbuffer_init(&one);
        msgpack_packer_init(&pk, &one, msgpack_sbuffer_write);
        if (!g || eng_snap_encode(st, NULL, g, &at, &pk) != SV_OK)
            die("an accepted record does not encode", NULL);
        if (eng_snap_restore(fresh, NULL, one.data, one.size, &at, &g2, &err) != SV_OK)
            die("a record encoded from a restored state is refused", &err);
        msgpack_sbuffer_init(&two);
        msgpack_packer_init(&pk, &two, msgpack_sbuffer_write);
        if (eng_snap_encode(fresh, NULL, g2, &at, &pk) != SV_OK)
            die("encode", NULL);
        if (one.size != two.size || memcmp(one.data, two.data, one.size) != 0)
            die("encode after restore is not stable", NULL);
        msgpack_sbuffer_destroy(&one);
        msgpack_sbuffer_destroy(&two);
        eng_state_free(fresh);
    } else if (rc != SV_ERR_NOMEM) {
        die("an unexpected error", &err);
    }
    msgpack_sbuffer_destroy(&before);
    eng_state_free(st);
    return 0;
}
