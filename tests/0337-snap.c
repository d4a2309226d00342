/*
 * 0337–0342, 0346: state records (engine/snap.h): a game's record restored into a fresh state
 * encodes to the same bytes and gives markets with the same derived fields; the restored state
 * scores further odds exactly as the original; the LSTM state and Elo ratings come back bit for bit;
 * malformed records (every truncation, hand-made bad fields) are refused naming the field and
 * change nothing; a market's quotes, the line history and LSTM vectors are bins (the quotes'
 * books entries of the record's "books"), and the array forms records were first written with
 * still restore to the same state; a game with more books than a record's table keeps the quote
 * arrays for the markets past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "ai.h"
#include "harness.h"
#include "market.h"
#include "ml/elo.h"
#include "ml/features.h"
#include "ml/lstm.h"
#include "snap.h"
#include "wire.h"
#include "wire_mp.h"

#define TS 1767225600000LL /* 2026-01-01T00:00:00Z */

static const char *const books[8] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                     "caesars",  "bet365",     "circa",   "bovada"};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

static int am_fix(int p)
{
    return p > -100 && p < 100 ? (p >= 0 ? 100 + p : -100 + p) : p;
}

/* One odds event of game ev, market kind m (0 h2h, 1 spreads, 2 totals, 3 a prop), at ts. */
static void make_odds(wire_odds_t *o, uint64_t *s, int64_t ts, const char *ev, int m, bool three)
{
    uint64_t r = rnd(s);
    int drift = (int)((r >> 8) % 21) - 10, step = (int)((r >> 30) % 5) - 2;
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = ts;
    snprintf(o->event_id, sizeof(o->event_id), "%s", ev);
    strcpy(o->sport, three ? "soccer_epl" : "nba");
    strcpy(o->book, books[r % 8]);
    strcpy(o->market, m == 0 ? "h2h" : m == 1 ? "spreads" : m == 2 ? "totals" : "player_points");
    if (m == 3) {
        strcpy(o->player, "LeBron James");
        o->present |= WIRE_ODDS_HAS_PLAYER;
    }
    if ((r >> 20) % 25 == 0)
        return; /* a suspension */
    for (int k = 0; k < 2; k++) {
        wire_outcome_t *oc = &o->outcomes[o->outcome_cnt++];
        strcpy(oc->name, m >= 2 ? (k ? "Under" : "Over") : (k ? "Away" : "Home"));
        oc->price = am_fix(k == 0 ? -110 - drift : -110 + drift);
        oc->present = WIRE_OUTCOME_HAS_PRICE;
        if (m >= 1) {
            double line = m == 1 ? -3.5 + 0.5 * step : m == 2 ? 220.5 + 0.5 * step : 25.5 + step;
            oc->point = m == 1 && k ? -line : line;
            oc->present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
    if (three && m == 0) {
        wire_outcome_t *oc = &o->outcomes[o->outcome_cnt++];
        strcpy(oc->name, "Draw");
        oc->decimal = 3.2 + 0.01 * drift;
        oc->present = WIRE_OUTCOME_HAS_DECIMAL;
    }
}

static sv_err_t apply_game(eng_state_t *st, eng_ai_t *ai, int64_t ts, const char *ev,
                           const char *sport, wire_game_status_t status, int hs, int as)
{
    wire_game_t g;
    eng_game_t *gp;
    sv_err_t rc;
    memset(&g, 0, sizeof(g));
    g.v = 1;
    g.ts = ts;
    snprintf(g.event_id, sizeof(g.event_id), "%s", ev);
    snprintf(g.sport, sizeof(g.sport), "%s", sport);
    strcpy(g.league, "League");
    strcpy(g.home, "Home");
    strcpy(g.away, "Away");
    g.commence_ts = TS + 3600000;
    g.status = status;
    g.present = WIRE_GAME_HAS_LEAGUE;
    if (status != WIRE_GAME_SCHEDULED) {
        g.period = 2;
        g.clock_s = 431;
        g.home_score = hs;
        g.away_score = as;
        g.present |= WIRE_GAME_HAS_PERIOD | WIRE_GAME_HAS_CLOCK_S | WIRE_GAME_HAS_HOME_SCORE |
                     WIRE_GAME_HAS_AWAY_SCORE;
    }
    rc = eng_state_apply_game(st, &g, &gp, NULL);
    if (rc == SV_OK && ai)
        eng_ai_on_game(ai, &g);
    return rc;
}

static sv_err_t apply_ctx(eng_state_t *st, const char *ev)
{
    wire_context_t c;
    eng_game_t *g;
    sv_err_t rc;
    memset(&c, 0, sizeof(c));
    c.v = 1;
    c.ts = TS + 5;
    snprintf(c.event_id, sizeof(c.event_id), "%s", ev);
    c.kind = WIRE_CTX_SPLITS;
    strcpy(c.market, "h2h");
    strcpy(c.side, "Home");
    c.ticket_pct = 61.5;
    c.money_pct = 38.25;
    if ((rc = eng_state_apply_context(st, &c, &g, NULL)) != SV_OK)
        return rc;
    c.kind = WIRE_CTX_INJURY;
    strcpy(c.team, "Home");
    strcpy(c.player, "Star Guard");
    c.status = WIRE_INJ_QUESTIONABLE;
    c.impact = 0.7;
    c.present = WIRE_CTX_HAS_IMPACT;
    if ((rc = eng_state_apply_context(st, &c, &g, NULL)) != SV_OK)
        return rc;
    c.kind = WIRE_CTX_OFFICIALS;
    strcpy(c.lead, "Ref One");
    c.crew_cnt = 2;
    strcpy(c.crew[0], "Ref Two");
    strcpy(c.crew[1], "Ref Three");
    c.over_pct = 0.52;
    c.present = WIRE_CTX_HAS_CREW | WIRE_CTX_HAS_OVER_PCT;
    if ((rc = eng_state_apply_context(st, &c, &g, NULL)) != SV_OK)
        return rc;
    c.kind = WIRE_CTX_WEATHER;
    c.temp_f = 41.5;
    c.wind_mph = 12.25;
    c.precip_in = 0.1;
    c.humidity = 80;
    c.indoor = false;
    c.present = WIRE_CTX_HAS_INDOOR;
    return eng_state_apply_context(st, &c, &g, NULL);
}

/* n odds events over games g1 (nba, 4 markets), g2 (soccer, 3-way h2h) and g3 (placeholder),
 * from ts0, 1 s apart; every touched candidate's score encoded into out (may be NULL); the AI
 * (may be NULL) stepped. */
static sv_err_t feed(eng_state_t *st, eng_ai_t *ai, uint64_t seed, int64_t ts0, int n,
                     msgpack_sbuffer *out)
{
    static wire_odds_t o;
    static const char *const evs[3] = {"g1", "g2", "g3"};
    uint64_t s = seed;
    msgpack_packer pk;
    if (out)
        msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    for (int i = 0; i < n; i++) {
        uint64_t r = rnd(&s);
        int g = (int)(r % 3), m = (int)((r >> 8) % (g == 0 ? 4 : 3));
        eng_market_t *mk;
        sv_err_t rc;
        make_odds(&o, &s, ts0 + 1000LL * i, evs[g], m, g == 1);
        rc = eng_state_apply_odds(st, &o, &mk, NULL);
        if (rc == SV_ERR_STALE)
            continue;
        if (rc != SV_OK)
            return rc;
        if (ai)
            eng_ai_on_odds(ai, st, mk, o.ts);
        for (size_t k = 0; out && k < mk->cand_cnt; k++) {
            wire_score_t sc;
            double p;
            eng_market_score(st, mk, k, &sc);
            if ((rc = wire_encode(WIRE_SCORE, &sc, &pk, NULL)) != SV_OK)
                return rc;
            if (ai && eng_ai_p_model(ai, mk, k, &p))
                msgpack_pack_double(&pk, p);
        }
    }
    return SV_OK;
}

static eng_state_t *state_new(void)
{
    eng_market_conf_t conf;
    char errstr[128];
    eng_market_conf_defaults(&conf);
    return eng_state_new(&conf, errstr, sizeof(errstr));
}

/* The state of the tests: games with context, 11 markets, 8 books, > history_size points. */
static sv_err_t build(eng_state_t *st, eng_ai_t *ai)
{
    sv_err_t rc;
    if ((rc = apply_game(st, ai, TS, "g1", "nba", WIRE_GAME_SCHEDULED, 0, 0)) != SV_OK ||
        (rc = apply_game(st, ai, TS, "g2", "soccer_epl", WIRE_GAME_LIVE, 1, 1)) != SV_OK ||
        (rc = apply_ctx(st, "g1")) != SV_OK ||
        (rc = feed(st, ai, 0x5eed, TS + 1000, 3000, NULL)) != SV_OK)
        return rc;
    /* the close of g1's markets, as the engine keeps it */
    for (size_t i = 0; i < eng_state_market_cnt(st); i++) {
        eng_market_t *mk = eng_state_market_at(st, i);
        if (strcmp(mk->event_id, "g1") != 0)
            continue;
        for (size_t k = 0; k < mk->cand_cnt; k++)
            mk->close_p[k] = mk->cands[k].p_fair;
        mk->close_set = true;
    }
    return SV_OK;
}

static void at_fill(eng_snap_at_t *at, int32_t part)
{
    memset(at, 0, sizeof(*at));
    at->part = part;
    at->pnow = TS + 99;
    at->cnt = 2;
    strcpy(at->pos[0].topic, "savant.odds.v1");
    at->pos[0].offset = 1234;
    strcpy(at->pos[1].topic, "savant.games.v1");
    at->pos[1].offset = 56;
}

/* Every game of st encoded, one record after another, into sb (fresh). */
static sv_err_t encode_all(const eng_state_t *st, const eng_ai_t *ai, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    eng_snap_at_t at;
    eng_game_t *g;
    sv_err_t rc;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    at_fill(&at, 3);
    for (uint32_t i = 0; (g = eng_state_game_at(st, i)); i++)
        if ((rc = eng_snap_encode(st, ai, g, &at, &pk)) != SV_OK)
            return rc;
    return SV_OK;
}

/* One game's record into sb (fresh). */
static sv_err_t encode_game(const eng_state_t *st, const eng_ai_t *ai, const char *ev,
                            msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    eng_snap_at_t at;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    at_fill(&at, 3);
    return eng_snap_encode(st, ai, eng_state_game(st, ev), &at, &pk);
}

/* Restore every game of a into b, one record each. */
static sv_err_t copy_games(const eng_state_t *a, const eng_ai_t *ai_a, eng_state_t *b,
                           eng_ai_t *ai_b, wire_err_t *err)
{
    eng_game_t *g;
    for (uint32_t i = 0; (g = eng_state_game_at(a, i)); i++) {
        msgpack_sbuffer sb;
        eng_snap_at_t at;
        eng_game_t *gb;
        sv_err_t rc = encode_game(a, ai_a, g->event_id, &sb);
        if (rc == SV_OK)
            rc = eng_snap_restore(b, ai_b, sb.data, sb.size, &at, &gb, err);
        msgpack_sbuffer_destroy(&sb);
        if (rc != SV_OK)
            return rc;
        if (gb != eng_state_game(b, g->event_id) || gb->part != 3 || at.cnt != 2 ||
            at.pos[1].offset != 56 || strcmp(at.pos[0].topic, "savant.odds.v1") != 0)
            return SV_ERR_INVALID;
    }
    return SV_OK;
}

/* The derived fields of two markets are the same bits (best_book compared by name). */
static bool derived_eq(const eng_state_t *a, const eng_market_t *x, const eng_state_t *b,
                       const eng_market_t *y)
{
    if (x->has_modal != y->has_modal || x->modal_has_line != y->modal_has_line ||
        x->arb != y->arb || x->steam_dir != y->steam_dir || x->cand_cnt != y->cand_cnt ||
        x->modal_books != y->modal_books || x->active_books != y->active_books ||
        memcmp(&x->modal_line, &y->modal_line, sizeof(double)) != 0 ||
        memcmp(&x->line_variance, &y->line_variance, sizeof(double)) != 0 ||
        memcmp(&x->arb_sum, &y->arb_sum, sizeof(double)) != 0 ||
        memcmp(&x->arb_profit, &y->arb_profit, sizeof(double)) != 0)
        return false;
    for (size_t i = 0; i < x->cand_cnt; i++) {
        eng_cand_t cx = x->cands[i], cy = y->cands[i];
        if (strcmp(eng_state_book_name(a, cx.best_book), eng_state_book_name(b, cy.best_book)))
            return false;
        cx.best_book = cy.best_book = 0;
        if (memcmp(&cx, &cy, sizeof(cx)) != 0)
            return false;
    }
    return true;
}

int test_0337_snap_roundtrip(void);
int test_0337_snap_roundtrip(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer sa, sb;
    wire_err_t err = {{0}, {0}};
    size_t suspended = 0, moved = 0, full_hist = 0, props = 0;
    T_BEGIN;
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    T_ASSERT(a && b);
    T_ASSERT_INT(build(a, NULL), ==, SV_OK);
    T_ASSERT_INT(eng_state_market_cnt(a), ==, 10);
    /* what the state must exercise */
    for (size_t i = 0; i < eng_state_market_cnt(a); i++) {
        const eng_market_t *mk = eng_state_market_at(a, i);
        for (size_t q = 0; q < mk->quote_cnt; q++) {
            suspended += mk->quotes[q].n == 0;
            moved += mk->quotes[q].move_dir != 0;
        }
        full_hist += mk->hist_cnt == 64 && mk->updates > 64;
        props += mk->has_player;
        T_ASSERT_INT(mk->quote_cnt, ==, 8);
    }
    T_ASSERT(suspended > 0 && moved > 0 && props == 1);
    T_ASSERT_INT(full_hist, ==, 10);
    msgpack_sbuffer_destroy(&sa);
    T_ASSERT_INT(encode_all(a, NULL, &sa), ==, SV_OK);
    T_ASSERT_INT(copy_games(a, NULL, b, NULL, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&sb);
    T_ASSERT_INT(encode_all(b, NULL, &sb), ==, SV_OK);
    T_ASSERT(sa.size > 10000);
    T_ASSERT_INT(sa.size, ==, sb.size);
    T_ASSERT(memcmp(sa.data, sb.data, sa.size) == 0);
    T_ASSERT_INT(eng_state_market_cnt(b), ==, 10);
    for (size_t i = 0; i < eng_state_market_cnt(a); i++) {
        const eng_market_t *x = eng_state_market_at(a, i);
        const eng_market_t *y = eng_state_market(b, x->event_id, x->market, x->player);
        T_ASSERT(y != NULL);
        T_ASSERT(derived_eq(a, x, b, y));
        T_ASSERT_INT(y->hist_cnt, ==, x->hist_cnt);
        for (size_t h = 0; h < x->hist_cnt; h++)
            T_ASSERT(memcmp(eng_market_history(a, x, h), eng_market_history(b, y, h),
                            sizeof(eng_hist_t)) == 0);
        T_ASSERT(memcmp(x->close_p, y->close_p, sizeof(x->close_p)) == 0);
        T_ASSERT(x->close_set == y->close_set);
    }
    {
        const eng_game_t *ga = eng_state_game(a, "g1"), *gb = eng_state_game(b, "g1");
        T_ASSERT(gb && gb->known && gb->splits_cnt == 1 && gb->injury_cnt == 1);
        T_ASSERT(memcmp(&ga->officials, &gb->officials, sizeof(ga->officials)) == 0);
        T_ASSERT(memcmp(&ga->weather, &gb->weather, sizeof(ga->weather)) == 0);
        T_ASSERT_STR(gb->injuries[0].player, "Star Guard");
        T_ASSERT(!eng_state_game(b, "g3")->known);
    }
    /* restoring the same records again over the restored state changes nothing */
    T_ASSERT_INT(copy_games(a, NULL, b, NULL, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&sb);
    T_ASSERT_INT(encode_all(b, NULL, &sb), ==, SV_OK);
    T_ASSERT(sa.size == sb.size && memcmp(sa.data, sb.data, sa.size) == 0);
end:
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}

/* The restored state scores further odds byte for byte as the original. */
int test_0338_snap_same_future(void);
int test_0338_snap_same_future(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer sa, sb;
    wire_err_t err;
    T_BEGIN;
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    T_ASSERT_INT(build(a, NULL), ==, SV_OK);
    T_ASSERT_INT(copy_games(a, NULL, b, NULL, &err), ==, SV_OK);
    T_ASSERT_INT(feed(a, NULL, 0xfeed, TS + 4000000, 2000, &sa), ==, SV_OK);
    T_ASSERT_INT(feed(b, NULL, 0xfeed, TS + 4000000, 2000, &sb), ==, SV_OK);
    T_ASSERT(sa.size > 100000);
    T_ASSERT_INT(sa.size, ==, sb.size);
    T_ASSERT(memcmp(sa.data, sb.data, sa.size) == 0);
end:
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}

/* A small LSTM model file (16 inputs, 8 hidden units) in a fresh directory. */
static const char *model_file(void)
{
    static char dir[64], path[96];
    eng_lstm_model_t *m = malloc(sizeof(*m));
    char errstr[256];
    bool ok;
    snprintf(dir, sizeof(dir), "/tmp/savant-0339.XXXXXX");
    if (!m || !mkdtemp(dir)) {
        free(m);
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/m.svlstm", dir);
    eng_lstm_init(m, ENG_FEAT_N, 8, eng_feat_hash(), 7);
    ok = eng_lstm_save(path, m, errstr, sizeof(errstr)) == SV_OK;
    free(m);
    return ok ? path : NULL;
}

static void model_rm(const char *path)
{
    char dir[96];
    snprintf(dir, sizeof(dir), "%s", path);
    unlink(path);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
}

/* The model state comes back bit for bit: the same inputs give the same p_model bits. */
int test_0339_snap_ai(void);
int test_0339_snap_ai(void)
{
    const char *path = model_file();
    char errstr[256];
    eng_ai_t *ai_a = NULL, *ai_b = NULL;
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer sa, sb;
    wire_err_t err;
    size_t stepped = 0;
    T_BEGIN;
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    T_ASSERT(path);
    ai_a = eng_ai_new(path, "nba:20:65", errstr, sizeof(errstr));
    ai_b = eng_ai_new(path, "nba:20:65", errstr, sizeof(errstr));
    T_ASSERT(ai_a && ai_b);
    T_ASSERT_INT(eng_ai_n_hid(ai_a), ==, 8);
    T_ASSERT_INT(build(a, ai_a), ==, SV_OK);
    for (size_t i = 0; i < eng_state_market_cnt(a); i++) {
        double p;
        stepped += eng_ai_p_model(ai_a, eng_state_market_at(a, i), 0, &p);
    }
    T_ASSERT_INT(stepped, ==, 10);
    T_ASSERT_INT(copy_games(a, ai_a, b, ai_b, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    T_ASSERT_INT(encode_all(a, ai_a, &sa), ==, SV_OK);
    T_ASSERT_INT(encode_all(b, ai_b, &sb), ==, SV_OK);
    T_ASSERT(sa.size == sb.size && memcmp(sa.data, sb.data, sa.size) == 0);
    for (size_t i = 0; i < eng_state_market_cnt(a); i++) {
        const eng_market_t *x = eng_state_market_at(a, i);
        const eng_market_t *y = eng_state_market(b, x->event_id, x->market, x->player);
        for (size_t k = 0; k < x->cand_cnt; k++) {
            double pa, pb;
            T_ASSERT(eng_ai_p_model(ai_a, x, k, &pa) && eng_ai_p_model(ai_b, y, k, &pb));
            T_ASSERT(memcmp(&pa, &pb, sizeof(pa)) == 0);
        }
    }
    /* the same further inputs: p_model after every step, bit for bit (feed() writes them) */
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    T_ASSERT_INT(feed(a, ai_a, 0xabc, TS + 4000000, 1000, &sa), ==, SV_OK);
    T_ASSERT_INT(feed(b, ai_b, 0xabc, TS + 4000000, 1000, &sb), ==, SV_OK);
    T_ASSERT(sa.size > 50000);
    T_ASSERT(sa.size == sb.size && memcmp(sa.data, sb.data, sa.size) == 0);
    /* without the AI engine on restore, the state still restores (the model state is skipped) */
    {
        eng_state_t *c = state_new();
        wire_err_t e2;
        T_ASSERT_INT(copy_games(a, ai_a, c, NULL, &e2), ==, SV_OK);
        eng_state_free(c);
    }
end:
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    eng_state_free(a);
    eng_state_free(b);
    eng_ai_free(ai_a);
    eng_ai_free(ai_b);
    if (path)
        model_rm(path);
    return t_rc_;
}

/* Elo: the ratings after finals come back; a record with fewer results does not lower a newer
 * rating; a final the record had applied is not applied again. */
int test_0340_snap_elo(void);
int test_0340_snap_elo(void)
{
    char errstr[256];
    eng_ai_t *ai_a = eng_ai_new("", "nba:20:65", errstr, sizeof(errstr));
    eng_ai_t *ai_b = eng_ai_new("", "nba:20:65", errstr, sizeof(errstr));
    eng_ai_t *ai_c = eng_ai_new("", "nba:20:65", errstr, sizeof(errstr));
    eng_state_t *a = state_new(), *b = state_new(), *c = state_new();
    msgpack_sbuffer sb;
    wire_err_t err;
    double ra, rb, r;
    uint32_t ga, gb, n;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    T_ASSERT(ai_a && ai_b && ai_c);
    /* two earlier finals of the same teams, then this game's */
    T_ASSERT_INT(apply_game(a, ai_a, TS, "e1", "nba", WIRE_GAME_FINAL, 110, 100), ==, SV_OK);
    T_ASSERT_INT(apply_game(a, ai_a, TS, "e2", "nba", WIRE_GAME_FINAL, 90, 101), ==, SV_OK);
    T_ASSERT_INT(apply_game(a, ai_a, TS, "e3", "nba", WIRE_GAME_FINAL, 120, 99), ==, SV_OK);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_a), "nba", "Home", &ra, &ga));
    T_ASSERT_INT(ga, ==, 3);
    msgpack_sbuffer_destroy(&sb);
    T_ASSERT_INT(encode_game(a, ai_a, "e3", &sb), ==, SV_OK);
    T_ASSERT_INT(eng_snap_restore(b, ai_b, sb.data, sb.size, NULL, NULL, &err), ==, SV_OK);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_b), "nba", "Home", &rb, &gb));
    T_ASSERT(memcmp(&ra, &rb, sizeof(ra)) == 0 && gb == 3);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_b), "nba", "Away", &rb, &gb) && gb == 3);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_a), "nba", "Away", &ra, &ga));
    T_ASSERT(memcmp(&ra, &rb, sizeof(ra)) == 0);
    T_ASSERT(eng_elo_applied(eng_ai_elo(ai_b), "e3"));
    T_ASSERT(!eng_elo_applied(eng_ai_elo(ai_b), "e1")); /* only this game's final */
    /* the final arrives again (a re-read): not applied twice */
    T_ASSERT_INT(apply_game(b, ai_b, TS, "e3", "nba", WIRE_GAME_FINAL, 120, 99), ==, SV_OK);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_b), "nba", "Home", &rb, &gb) && gb == 3);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_a), "nba", "Home", &ra, &ga));
    T_ASSERT(memcmp(&ra, &rb, sizeof(ra)) == 0);
    /* c has seen more results of Home than the record: its rating stays */
    for (int i = 0; i < 5; i++) {
        char ev[16];
        snprintf(ev, sizeof(ev), "x%d", i);
        T_ASSERT_INT(apply_game(c, ai_c, TS, ev, "nba", WIRE_GAME_FINAL, 100 + i, 90), ==, SV_OK);
    }
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_c), "nba", "Home", &r, &n) && n == 5);
    T_ASSERT_INT(eng_snap_restore(c, ai_c, sb.data, sb.size, NULL, NULL, &err), ==, SV_OK);
    T_ASSERT(eng_elo_team_get(eng_ai_elo(ai_c), "nba", "Home", &rb, &gb));
    T_ASSERT(memcmp(&r, &rb, sizeof(r)) == 0 && gb == 5);
    T_ASSERT(eng_elo_applied(eng_ai_elo(ai_c), "e3"));
end:
    msgpack_sbuffer_destroy(&sb);
    eng_state_free(a);
    eng_state_free(b);
    eng_state_free(c);
    eng_ai_free(ai_a);
    eng_ai_free(ai_b);
    eng_ai_free(ai_c);
    return t_rc_;
}

/* Offset of the first occurrence of the msgpack fixstr key k in buf, just after it; 0 none. */
static size_t key_at(const msgpack_sbuffer *sb, const char *k)
{
    size_t n = strlen(k);
    for (size_t i = 0; i + 1 + n <= sb->size; i++)
        if ((uint8_t)sb->data[i] == (0xa0 | n) && memcmp(sb->data + i + 1, k, n) == 0)
            return i + 1 + n;
    return 0;
}

/* Restore buf[0..len) with a copy of sb's bytes where [off, off+cut) is replaced by rep. */
static sv_err_t restore_patched(eng_state_t *st, const msgpack_sbuffer *sb, size_t off, size_t cut,
                                const void *rep, size_t rep_len, wire_err_t *err)
{
    size_t len = sb->size - cut + rep_len;
    char *b = malloc(len);
    sv_err_t rc;
    memcpy(b, sb->data, off);
    memcpy(b + off, rep, rep_len);
    memcpy(b + off + rep_len, sb->data + off + cut, sb->size - off - cut);
    rc = eng_snap_restore(st, NULL, b, len, NULL, NULL, err);
    free(b);
    return rc;
}

int test_0341_snap_malformed(void);
int test_0341_snap_malformed(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer rec, before, after;
    wire_err_t err;
    size_t off, invalid = 0;
    T_BEGIN;
    msgpack_sbuffer_init(&rec);
    msgpack_sbuffer_init(&before);
    msgpack_sbuffer_init(&after);
    /* a record of a small game: context, 2 markets, 3 books, history */
    T_ASSERT_INT(apply_game(a, NULL, TS, "g1", "nba", WIRE_GAME_SCHEDULED, 0, 0), ==, SV_OK);
    T_ASSERT_INT(apply_ctx(a, "g1"), ==, SV_OK);
    {
        static wire_odds_t o;
        uint64_t s = 11;
        eng_market_t *mk;
        for (int i = 0; i < 12; i++) {
            make_odds(&o, &s, TS + 1000 * i, "g1", i % 2 + 1, false);
            strcpy(o.book, books[i % 3]);
            T_ASSERT_INT(eng_state_apply_odds(a, &o, &mk, NULL), ==, SV_OK);
        }
    }
    /* b holds another state the bad records must leave alone (g1 included) */
    T_ASSERT_INT(build(b, NULL), ==, SV_OK);
    msgpack_sbuffer_destroy(&rec);
    T_ASSERT_INT(encode_game(a, NULL, "g1", &rec), ==, SV_OK);
    msgpack_sbuffer_destroy(&before);
    T_ASSERT_INT(encode_all(b, NULL, &before), ==, SV_OK);
    for (size_t len = 0; len < rec.size; len++) {
        sv_err_t rc = eng_snap_restore(b, NULL, rec.data, len, NULL, NULL, &err);
        if (rc != SV_ERR_INVALID)
            T_FAILF("truncated at %zu of %zu: %d", len, rec.size, (int)rc);
        invalid++;
        if (len % 64 == 0 || len + 1 == rec.size) {
            msgpack_sbuffer_destroy(&after);
            T_ASSERT_INT(encode_all(b, NULL, &after), ==, SV_OK);
            T_ASSERT(after.size == before.size &&
                     memcmp(after.data, before.data, before.size) == 0);
        }
    }
    T_ASSERT_INT(invalid, ==, rec.size);
    msgpack_sbuffer_destroy(&after);
    T_ASSERT_INT(encode_all(b, NULL, &after), ==, SV_OK);
    T_ASSERT(after.size == before.size && memcmp(after.data, before.data, before.size) == 0);

    /* hand-made bad fields, each refused with its field named */
    T_ASSERT((off = key_at(&rec, "status")) > 0);
    T_ASSERT_INT(restore_patched(b, &rec, off, 1, "\x09", 1, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "g.status");
    T_ASSERT_CONTAINS(err.reason, "out of range");
    T_ASSERT((off = key_at(&rec, "known")) > 0);
    T_ASSERT_INT(restore_patched(b, &rec, off, 1, "\x01", 1, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "g.known");
    T_ASSERT_CONTAINS(err.reason, "boolean");
    T_ASSERT((off = key_at(&rec, "v")) > 0);
    T_ASSERT_INT(restore_patched(b, &rec, off, 1, "\x02", 1, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "v");
    {
        char longs[2 + 40];
        longs[0] = (char)0xd9;
        longs[1] = 40;
        memset(longs + 2, 'x', 40);
        T_ASSERT((off = key_at(&rec, "sport")) > 0);
        T_ASSERT((uint8_t)rec.data[off] == 0xa3); /* "nba" */
        T_ASSERT_INT(restore_patched(b, &rec, off, 4, longs, sizeof(longs), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "g.sport");
        T_ASSERT_CONTAINS(err.reason, "0..32 bytes");
    }
    {
        /* the first quote's line: bytes 8..15 of the "q" bin (3 quotes of 2 outcomes: bin16) */
        static const uint8_t nan[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f}; /* little-endian NaN */
        T_ASSERT((off = key_at(&rec, "q")) > 0);
        T_ASSERT((uint8_t)rec.data[off] == 0xc5);
        T_ASSERT_INT(restore_patched(b, &rec, off + 3 + 8, 8, nan, sizeof(nan), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].line");
        T_ASSERT_CONTAINS(err.reason, "finite");
    }
    /* more names than a market holds: the names array announces 5 */
    T_ASSERT((off = key_at(&rec, "names")) > 0);
    T_ASSERT((uint8_t)rec.data[off] == 0x92);
    T_ASSERT_INT(restore_patched(b, &rec, off, 1, "\x95", 1, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "m[0].names");
    /* an unknown injury status (the 3rd entry of the injury array) */
    T_ASSERT((off = key_at(&rec, "inj")) > 0);
    {
        size_t p = off + 2; /* fixarray of injuries, fixarray 7 */
        p += 1 + ((uint8_t)rec.data[p] & 0x1f); /* team */
        p += 1 + ((uint8_t)rec.data[p] & 0x1f); /* player */
        T_ASSERT((uint8_t)rec.data[p] == WIRE_INJ_QUESTIONABLE);
        T_ASSERT_INT(restore_patched(b, &rec, p, 1, "\x07", 1, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "g.inj[0].status");
    }
    /* trailing bytes */
    T_ASSERT_INT(restore_patched(b, &rec, rec.size, 0, "\xc0", 1, &err), ==, SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err.reason, "trailing");
    /* nothing of it changed b */
    msgpack_sbuffer_destroy(&after);
    T_ASSERT_INT(encode_all(b, NULL, &after), ==, SV_OK);
    T_ASSERT(after.size == before.size && memcmp(after.data, before.data, before.size) == 0);
    /* and the record itself restores */
    T_ASSERT_INT(eng_snap_restore(b, NULL, rec.data, rec.size, NULL, NULL, &err), ==, SV_OK);
end:
    msgpack_sbuffer_destroy(&rec);
    msgpack_sbuffer_destroy(&before);
    msgpack_sbuffer_destroy(&after);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}

/* The value of key k of market mi of the record in sb: its offset, its length into *len; 0 when
 * the record has none. */
static size_t mkt_val(const msgpack_sbuffer *sb, size_t mi, const char *k, size_t *len)
{
    const uint8_t *b = (const uint8_t *)sb->data;
    wire_mp_reader_t r;
    wire_mp_val_t v, key;
    wire_mp_init(&r, sb->data, sb->size);
    if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_MAP)
        return 0;
    for (uint32_t i = 0, n = v.len; i < n; i++) {
        if (wire_mp_next(&r, &key))
            return 0;
        if (key.kind != WIRE_MP_STR || key.len != 1 || key.ptr[0] != 'm') {
            if (wire_mp_skip(&r, 1))
                return 0;
            continue;
        }
        if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_ARRAY || mi >= v.len)
            return 0;
        for (size_t j = 0; j < mi; j++)
            if (wire_mp_skip(&r, 2))
                return 0;
        if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_MAP)
            return 0;
        for (uint32_t j = 0, nm = v.len; j < nm; j++) {
            size_t off;
            if (wire_mp_next(&r, &key) || key.kind != WIRE_MP_STR)
                return 0;
            off = (size_t)(r.p - b);
            if (wire_mp_skip(&r, 3))
                return 0;
            if (key.len == strlen(k) && memcmp(key.ptr, k, key.len) == 0) {
                *len = (size_t)(r.p - b) - off;
                return off;
            }
        }
        return 0;
    }
    return 0;
}

/* The value of entry e of the first model slot of market mi ("ai"[0][e]); as mkt_val. */
static size_t slot_val(const msgpack_sbuffer *sb, size_t mi, size_t e, size_t *len)
{
    const uint8_t *b = (const uint8_t *)sb->data;
    wire_mp_reader_t r;
    wire_mp_val_t v;
    size_t off = mkt_val(sb, mi, "ai", len);
    if (!off)
        return 0;
    wire_mp_init(&r, b + off, *len);
    if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_ARRAY || !v.len || wire_mp_next(&r, &v) ||
        v.kind != WIRE_MP_ARRAY || e >= v.len)
        return 0;
    for (size_t j = 0; j < e; j++)
        if (wire_mp_skip(&r, 4))
            return 0;
    off = (size_t)(r.p - b);
    if (wire_mp_skip(&r, 4))
        return 0;
    *len = (size_t)(r.p - b) - off;
    return off;
}

/* Copy the value at r (one whole value) to out as it is. */
static bool copy_val(wire_mp_reader_t *r, msgpack_sbuffer *out)
{
    const uint8_t *p = r->p;
    return wire_mp_skip(r, 1) == SV_OK && msgpack_sbuffer_write(out, (const char *)p,
                                                                  (size_t)(r->p - p)) == 0;
}

/* A bin of float32 (the LSTM h or c) at r written to pk as the array of floats it replaced. */
static bool f32s_to_array(wire_mp_reader_t *r, msgpack_packer *pk)
{
    wire_mp_val_t v;
    if (wire_mp_next(r, &v) || v.kind != WIRE_MP_BIN || v.len % 4)
        return false;
    msgpack_pack_array(pk, v.len / 4);
    for (uint32_t k = 0; k < v.len / 4; k++) {
        float f;
        memcpy(&f, v.ptr + 4 * k, 4); /* little-endian host */
        msgpack_pack_float(pk, f);
    }
    return true;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t u;
    memcpy(&u, p, 8); /* little-endian host */
    return u;
}

static double le_dbl(const uint8_t *p)
{
    double x;
    memcpy(&x, p, 8); /* little-endian host */
    return x;
}

/* A "q" bin (the quotes of a market) at r written to pk as the array of 11-entry arrays it
 * replaced, each book as its id from the record's books (cnt of them). */
static bool quotes_to_array(wire_mp_reader_t *r, msgpack_packer *pk, const wire_mp_val_t *books,
                            size_t cnt)
{
    wire_mp_val_t v;
    const uint8_t *p, *end;
    size_t n = 0;
    if (wire_mp_next(r, &v) || v.kind != WIRE_MP_BIN)
        return false;
    for (p = v.ptr, end = p + v.len; p < end; p += 60 + 30 * p[59])
        n++;
    msgpack_pack_array(pk, n);
    for (p = v.ptr; p < end; p += 60 + 30 * p[59]) {
        if (p[56] >= cnt)
            return false;
        msgpack_pack_array(pk, 11);
        msgpack_pack_str(pk, books[p[56]].len);
        msgpack_pack_str_body(pk, books[p[56]].ptr, books[p[56]].len);
        msgpack_pack_int64(pk, (int64_t)le64(p));
        msgpack_pack_double(pk, le_dbl(p + 8));
        msgpack_pack_int64(pk, (int64_t)le64(p + 16));
        msgpack_pack_int8(pk, (int8_t)p[58]);
        msgpack_pack_uint8(pk, p[57]);
        msgpack_pack_array(pk, p[59]);
        for (size_t k = 0; k < p[59]; k++) {
            const uint8_t *o = p + 60 + 30 * k;
            int32_t am;
            memcpy(&am, o + 24, 4);
            msgpack_pack_array(pk, 6);
            msgpack_pack_double(pk, le_dbl(o));
            msgpack_pack_double(pk, le_dbl(o + 8));
            msgpack_pack_double(pk, le_dbl(o + 16));
            msgpack_pack_int32(pk, am);
            msgpack_pack_uint8(pk, o[28]);
            if (o[29])
                msgpack_pack_true(pk);
            else
                msgpack_pack_false(pk);
        }
        msgpack_pack_double(pk, le_dbl(p + 24));
        msgpack_pack_int64(pk, (int64_t)le64(p + 32));
        msgpack_pack_double(pk, le_dbl(p + 40));
        msgpack_pack_double(pk, le_dbl(p + 48));
    }
    return true;
}

/* The record in sb rewritten into out (fresh) in the first layout: no "books", each market's "q"
 * an array of 11-entry arrays (the book by its id), "h" an array of [ts, p_first, point,
 * has_point] arrays, each model slot's h and c arrays of float32. */
static bool to_arrays(const msgpack_sbuffer *sb, msgpack_sbuffer *out)
{
    wire_mp_reader_t r;
    wire_mp_val_t v, key, books[64];
    size_t book_cnt = 0;
    msgpack_packer pk;
    const uint8_t *p;
    msgpack_sbuffer_init(out);
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    wire_mp_init(&r, sb->data, sb->size);
#define RAW(from) msgpack_sbuffer_write(out, (const char *)(from), (size_t)(r.p - (from)))
    if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_MAP)
        return false;
    msgpack_pack_map(&pk, v.len - 1); /* without "books" */
    for (uint32_t i = 0, n = v.len; i < n; i++) {
        p = r.p;
        if (wire_mp_next(&r, &key))
            return false;
        if (key.len == 5 && memcmp(key.ptr, "books", 5) == 0) {
            wire_mp_val_t a;
            if (wire_mp_next(&r, &a) || a.kind != WIRE_MP_ARRAY || a.len > 64)
                return false;
            for (book_cnt = 0; book_cnt < a.len; book_cnt++)
                if (wire_mp_next(&r, &books[book_cnt]) || books[book_cnt].kind != WIRE_MP_STR)
                    return false;
            continue;
        }
        RAW(p);
        if (key.len != 1 || key.ptr[0] != 'm') {
            if (!copy_val(&r, out))
                return false;
            continue;
        }
        p = r.p;
        if (wire_mp_next(&r, &v) || v.kind != WIRE_MP_ARRAY)
            return false;
        RAW(p);
        for (uint32_t mi = 0, nm = v.len; mi < nm; mi++) {
            wire_mp_val_t mv;
            p = r.p;
            if (wire_mp_next(&r, &mv) || mv.kind != WIRE_MP_MAP)
                return false;
            RAW(p);
            for (uint32_t j = 0; j < mv.len; j++) {
                p = r.p;
                if (wire_mp_next(&r, &key))
                    return false;
                RAW(p);
                if (key.len == 1 && key.ptr[0] == 'q') {
                    if (!quotes_to_array(&r, &pk, books, book_cnt))
                        return false;
                } else if (key.len == 1 && key.ptr[0] == 'h') {
                    wire_mp_val_t h;
                    if (wire_mp_next(&r, &h) || h.kind != WIRE_MP_BIN || h.len % 25)
                        return false;
                    msgpack_pack_array(&pk, h.len / 25);
                    for (uint32_t k = 0; k < h.len / 25; k++) {
                        const uint8_t *q = h.ptr + 25 * k;
                        int64_t ts;
                        double pf, pt;
                        memcpy(&ts, q, 8); /* little-endian host */
                        memcpy(&pf, q + 8, 8);
                        memcpy(&pt, q + 16, 8);
                        msgpack_pack_array(&pk, 4);
                        msgpack_pack_int64(&pk, ts);
                        msgpack_pack_double(&pk, pf);
                        msgpack_pack_double(&pk, pt);
                        if (q[24])
                            msgpack_pack_true(&pk);
                        else
                            msgpack_pack_false(&pk);
                    }
                } else if (key.len == 2 && memcmp(key.ptr, "ai", 2) == 0) {
                    wire_mp_val_t a;
                    p = r.p;
                    if (wire_mp_next(&r, &a) || a.kind != WIRE_MP_ARRAY)
                        return false;
                    RAW(p);
                    for (uint32_t s = 0; s < a.len; s++) {
                        wire_mp_val_t e;
                        p = r.p;
                        if (wire_mp_next(&r, &e) || e.kind != WIRE_MP_ARRAY || e.len != 8)
                            return false;
                        RAW(p);
                        for (int k = 0; k < 6; k++)
                            if (!copy_val(&r, out))
                                return false;
                        if (!f32s_to_array(&r, &pk) || !f32s_to_array(&r, &pk))
                            return false;
                    }
                } else if (!copy_val(&r, out)) {
                    return false;
                }
            }
        }
    }
#undef RAW
    return r.p == r.end;
}

/* The bin forms: the quotes, the history and the LSTM vectors are one bin each; a bin of the wrong length or
 * holding a NaN (or another bad value) is refused naming the field and changes nothing; a record
 * in the first layout (arrays) restores to the same state as its bin form. */
int test_0342_snap_bin_forms(void);
int test_0342_snap_bin_forms(void)
{
    const char *path = model_file();
    char errstr[256];
    eng_ai_t *ai_a = NULL, *ai_b = NULL, *ai_c = NULL;
    eng_state_t *a = state_new(), *b = state_new(), *c = state_new();
    msgpack_sbuffer rec, old, rb, rc_, before, after;
    wire_err_t err;
    size_t off, len, off_h, len_h, off_c, len_c;
    T_BEGIN;
    msgpack_sbuffer_init(&rec);
    msgpack_sbuffer_init(&old);
    msgpack_sbuffer_init(&rb);
    msgpack_sbuffer_init(&rc_);
    msgpack_sbuffer_init(&before);
    msgpack_sbuffer_init(&after);
    T_ASSERT(path);
    ai_a = eng_ai_new(path, "nba:20:65", errstr, sizeof(errstr));
    ai_b = eng_ai_new(path, "nba:20:65", errstr, sizeof(errstr));
    ai_c = eng_ai_new(path, "nba:20:65", errstr, sizeof(errstr));
    T_ASSERT(ai_a && ai_b && ai_c);
    T_ASSERT_INT(build(a, ai_a), ==, SV_OK);
    msgpack_sbuffer_destroy(&rec);
    T_ASSERT_INT(encode_game(a, ai_a, "g1", &rec), ==, SV_OK);

    /* the layout: "h" a bin16 of 64 points of 25 bytes; the slot's h and c a bin8 of 8 float32 */
    T_ASSERT((off = mkt_val(&rec, 0, "h", &len)) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xc5);
    T_ASSERT_INT(len, ==, 3 + 64 * 25);
    T_ASSERT_INT(((uint8_t)rec.data[off + 1] << 8 | (uint8_t)rec.data[off + 2]), ==, 64 * 25);
    {
        const eng_market_t *mk = eng_state_game_market(a, eng_state_game(a, "g1"), 0);
        const eng_hist_t *h0 = eng_market_history(a, mk, 0);
        int64_t ts;
        double pf;
        memcpy(&ts, rec.data + off + 3, 8); /* little-endian host */
        memcpy(&pf, rec.data + off + 3 + 8, 8);
        T_ASSERT_INT(ts, ==, h0->ts);
        T_ASSERT(memcmp(&pf, &h0->p_first, 8) == 0);
        T_ASSERT_INT(rec.data[off + 3 + 24], ==, h0->has_point ? 1 : 0);
    }
    T_ASSERT((off_h = slot_val(&rec, 0, 6, &len_h)) > 0);
    T_ASSERT((off_c = slot_val(&rec, 0, 7, &len_c)) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off_h], ==, 0xc4);
    T_ASSERT_INT((uint8_t)rec.data[off_h + 1], ==, 8 * 4);
    T_ASSERT_INT(len_h, ==, 2 + 8 * 4);
    T_ASSERT_INT(len_c, ==, 2 + 8 * 4);

    /* "q" a bin of 60 bytes per quote and 30 per outcome, each book an entry of "books" */
    {
        const eng_market_t *mk = eng_state_game_market(a, eng_state_game(a, "g1"), 0);
        const eng_quote_t *q0 = &mk->quotes[0], *q1 = &mk->quotes[1];
        size_t want = 0, boff, blen;
        int64_t ts;
        double dec;
        for (size_t i = 0; i < mk->quote_cnt; i++)
            want += 60 + 30 * (size_t)mk->quotes[i].n;
        T_ASSERT(mk->quote_cnt == 8 && q0->n == 2);
        T_ASSERT((off = mkt_val(&rec, 0, "q", &len)) > 0);
        T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xc5);
        T_ASSERT_INT(len, ==, 3 + want);
        T_ASSERT_INT(((uint8_t)rec.data[off + 1] << 8 | (uint8_t)rec.data[off + 2]), ==, want);
        memcpy(&ts, rec.data + off + 3, 8); /* little-endian host */
        T_ASSERT_INT(ts, ==, q0->ts);
        T_ASSERT_INT((uint8_t)rec.data[off + 3 + 56], ==, 0); /* the first book of "books" */
        T_ASSERT_INT((uint8_t)rec.data[off + 3 + 59], ==, 2);
        memcpy(&dec, rec.data + off + 3 + 60 + 30, 8); /* out[1].dec */
        T_ASSERT(memcmp(&dec, &q0->out[1].dec, 8) == 0);
        T_ASSERT_INT((uint8_t)rec.data[off + 3 + 60 + 30 + 28], ==, q0->out[1].name);
        T_ASSERT_INT((uint8_t)rec.data[off + 3 + 60 + 60 + 56], ==, 1);
        T_ASSERT(q1->book != q0->book);
        T_ASSERT((boff = key_at(&rec, "books")) > 0);
        T_ASSERT_INT((uint8_t)rec.data[boff], ==, 0x98); /* the 8 books */
        blen = strlen(eng_state_book_name(a, q0->book));
        T_ASSERT_INT((uint8_t)rec.data[boff + 1], ==, 0xa0 | blen);
        T_ASSERT(memcmp(rec.data + boff + 2, eng_state_book_name(a, q0->book), blen) == 0);
        T_ASSERT((boff = key_at(&rec, "m")) > key_at(&rec, "books"));
    }

    /* the array form of the same record restores to the same state */
    T_ASSERT(to_arrays(&rec, &old));
    T_ASSERT(old.size > rec.size);
    T_ASSERT(key_at(&old, "books") == 0);
    T_ASSERT((off = mkt_val(&old, 0, "h", &len)) > 0);
    T_ASSERT_INT((uint8_t)old.data[off], ==, 0xdc); /* array16 of 64 */
    T_ASSERT((off = mkt_val(&old, 0, "q", &len)) > 0);
    T_ASSERT_INT((uint8_t)old.data[off], ==, 0x98); /* fixarray of 8 quotes */
    T_ASSERT_INT((uint8_t)old.data[off + 1], ==, 0x9b); /* of 11 entries */
    T_ASSERT_INT(eng_snap_restore(b, ai_b, rec.data, rec.size, NULL, NULL, &err), ==, SV_OK);
    T_ASSERT_INT(eng_snap_restore(c, ai_c, old.data, old.size, NULL, NULL, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&rb);
    msgpack_sbuffer_destroy(&rc_);
    T_ASSERT_INT(encode_game(b, ai_b, "g1", &rb), ==, SV_OK);
    T_ASSERT_INT(encode_game(c, ai_c, "g1", &rc_), ==, SV_OK);
    T_ASSERT(rb.size == rec.size && memcmp(rb.data, rec.data, rec.size) == 0);
    T_ASSERT(rc_.size == rec.size && memcmp(rc_.data, rec.data, rec.size) == 0);
    for (size_t i = 0; i < eng_state_market_cnt(b); i++) {
        const eng_market_t *x = eng_state_market_at(b, i);
        const eng_market_t *y = eng_state_market(c, x->event_id, x->market, x->player);
        T_ASSERT(y && derived_eq(b, x, c, y));
        for (size_t k = 0; k < x->cand_cnt; k++) {
            double pb, pc;
            T_ASSERT(eng_ai_p_model(ai_b, x, k, &pb) && eng_ai_p_model(ai_c, y, k, &pc));
            T_ASSERT(memcmp(&pb, &pc, sizeof(pb)) == 0);
        }
    }

    /* bad bins, each refused with the field named; b stays as it is */
    msgpack_sbuffer_destroy(&before);
    T_ASSERT_INT(encode_all(b, ai_b, &before), ==, SV_OK);
    T_ASSERT((off = mkt_val(&rec, 0, "h", &len)) > 0);
    {
        uint8_t short_bin[2 + 24] = {0xc4, 24};
        T_ASSERT_INT(restore_patched(b, &rec, off, len, short_bin, sizeof(short_bin), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].h");
        T_ASSERT_CONTAINS(err.reason, "25-byte");
    }
    {
        static const uint8_t nan64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f}; /* little-endian NaN */
        static const uint8_t inf64[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0xff}; /* -inf */
        static const uint8_t neg[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        T_ASSERT_INT(restore_patched(b, &rec, off + 3 + 25 + 8, 8, nan64, 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].h[1].p_first");
        T_ASSERT_CONTAINS(err.reason, "finite");
        T_ASSERT_INT(restore_patched(b, &rec, off + 3 + 25 * 63 + 16, 8, inf64, 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].h[63].point");
        T_ASSERT_CONTAINS(err.reason, "finite");
        T_ASSERT_INT(restore_patched(b, &rec, off + 3 + 25 * 2, 8, neg, 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].h[2].ts");
        T_ASSERT_CONTAINS(err.reason, "out of range");
        T_ASSERT_INT(restore_patched(b, &rec, off + 3 + 24, 1, "\x02", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].h[0].has_point");
    }
    T_ASSERT_INT(restore_patched(b, &rec, off, len, "\xa1x", 2, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "m[0].h");
    T_ASSERT_CONTAINS(err.reason, "bin or an array");
    {
        static const uint8_t nan32[4] = {0, 0, 0xc0, 0x7f}; /* little-endian float32 NaN */
        uint8_t five[2 + 5] = {0xc4, 5};
        uint8_t long_bin[3 + 4 * 65] = {0xc5, 1, 4}; /* bin16 of 65 float32 */
        T_ASSERT_INT(restore_patched(b, &rec, off_h + 2 + 4 * 3, 4, nan32, 4, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].ai[0].h[3]");
        T_ASSERT_CONTAINS(err.reason, "finite");
        T_ASSERT_INT(restore_patched(b, &rec, off_c, len_c, five, sizeof(five), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].ai[0].c");
        T_ASSERT_CONTAINS(err.reason, "float32");
        T_ASSERT_INT(restore_patched(b, &rec, off_h, len_h, long_bin, sizeof(long_bin), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].ai[0].h");
        T_ASSERT_CONTAINS(err.reason, "at most 64");
    }
    /* bad "q" bins: wrong length, bad values, a book past the record's table */
    T_ASSERT((off = mkt_val(&rec, 0, "q", &len)) > 0);
    {
        uint8_t cut[2 + 200] = {0xc4, 200}; /* quote 0 whole (120), quote 1 cut at 80 */
        static const uint8_t nan64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
        static const uint8_t inf64[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x7f};
        static const uint8_t neg[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        size_t q = off + 3; /* the bin's bytes */
        memcpy(cut + 2, rec.data + q, 200);
        T_ASSERT_INT(restore_patched(b, &rec, off, len, cut, sizeof(cut), &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q");
        T_ASSERT_CONTAINS(err.reason, "whole quotes");
        T_ASSERT_CONTAINS(err.reason, "80 bytes left at quote 1");
        cut[1] = 59; /* less than one quote's fixed part */
        T_ASSERT_INT(restore_patched(b, &rec, off, len, cut, 2 + 59, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q");
        T_ASSERT_CONTAINS(err.reason, "whole quotes");
        /* a NaN decimal price of quote 1's second outcome */
        T_ASSERT_INT(restore_patched(b, &rec, q + 120 + 60 + 30, 8, nan64, 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[1].out[1].dec");
        T_ASSERT_CONTAINS(err.reason, "finite");
        /* an infinite anchor line of quote 2 */
        T_ASSERT_INT(restore_patched(b, &rec, q + 240 + 48, 8, inf64, 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[2].anchor_line");
        T_ASSERT_CONTAINS(err.reason, "finite");
        /* a negative event time */
        T_ASSERT_INT(restore_patched(b, &rec, q + 16, 8, neg, 8, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].move_ts");
        T_ASSERT_CONTAINS(err.reason, "out of range");
        /* a zero price */
        T_ASSERT_INT(restore_patched(b, &rec, q + 60, 8, "\0\0\0\0\0\0\0\0", 8, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].out[0].dec");
        T_ASSERT_CONTAINS(err.reason, "> 0");
        /* out-of-range bytes: flags, move_dir, n, name, has_point */
        T_ASSERT_INT(restore_patched(b, &rec, q + 57, 1, "\x20", 1, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].flags");
        T_ASSERT_INT(restore_patched(b, &rec, q + 58, 1, "\x02", 1, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].move_dir");
        T_ASSERT_INT(restore_patched(b, &rec, q + 59, 1, "\x05", 1, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].n");
        T_ASSERT_INT(restore_patched(b, &rec, q + 60 + 28, 1, "\x04", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].out[0].name");
        T_ASSERT_INT(restore_patched(b, &rec, q + 60 + 29, 1, "\x02", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].out[0].has_point");
        /* a name index the market has no name for (2 names) */
        T_ASSERT_INT(restore_patched(b, &rec, q + 60 + 28, 1, "\x03", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[0].out[0].name");
        T_ASSERT_CONTAINS(err.reason, "no such name");
        /* a book past the record's 8 books, and a book twice in one market */
        T_ASSERT_INT(restore_patched(b, &rec, q + 120 + 56, 1, "\x08", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[1].book");
        T_ASSERT_CONTAINS(err.reason, "no such entry");
        T_ASSERT_INT(restore_patched(b, &rec, q + 120 + 56, 1, "\x00", 1, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "m[0].q[1].book");
        T_ASSERT_CONTAINS(err.reason, "repeated");
    }
    /* "books" after "m": refused (the quotes name entries of the table they come before) */
    {
        size_t bk = key_at(&rec, "books") - 6, mk = key_at(&rec, "m") - 2, bl = mk - bk;
        uint8_t *sw = malloc(rec.size);
        T_ASSERT(sw != NULL);
        memcpy(sw, rec.data, rec.size);
        T_ASSERT((uint8_t)rec.data[bk] == 0xa5 && (uint8_t)rec.data[mk] == 0xa1);
        /* the "m" entry runs up to "ai_model" (the record has a model) */
        {
            size_t mend = key_at(&rec, "ai_model") - 9;
            memcpy(sw + bk, rec.data + mk, mend - mk);
            memcpy(sw + bk + (mend - mk), rec.data + bk, bl);
        }
        T_ASSERT_INT(eng_snap_restore(b, ai_b, sw, rec.size, NULL, NULL, &err), ==,
                     SV_ERR_INVALID);
        /* the first quote names an entry of a table not read yet */
        T_ASSERT_STR(err.field, "m[0].q[0].book");
        T_ASSERT_CONTAINS(err.reason, "no such entry of the record's books (0)");
        free(sw);
    }
    msgpack_sbuffer_destroy(&after);
    T_ASSERT_INT(encode_all(b, ai_b, &after), ==, SV_OK);
    T_ASSERT(after.size == before.size && memcmp(after.data, before.data, before.size) == 0);
end:
    msgpack_sbuffer_destroy(&rec);
    msgpack_sbuffer_destroy(&old);
    msgpack_sbuffer_destroy(&rb);
    msgpack_sbuffer_destroy(&rc_);
    msgpack_sbuffer_destroy(&before);
    msgpack_sbuffer_destroy(&after);
    eng_state_free(a);
    eng_state_free(b);
    eng_state_free(c);
    eng_ai_free(ai_a);
    eng_ai_free(ai_b);
    eng_ai_free(ai_c);
    if (path)
        model_rm(path);
    return t_rc_;
}

/* A game whose quotes name more books than a record's book table holds (64): the markets with a
 * book past it keep the first layout's quote arrays, the others are bins; the record restores to
 * the same state, and encodes to the same bytes again. */
int test_0346_snap_many_books(void);
int test_0346_snap_many_books(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer rec, again;
    wire_err_t err;
    size_t off, len;
    T_BEGIN;
    msgpack_sbuffer_init(&rec);
    msgpack_sbuffer_init(&again);
    T_ASSERT(a && b);
    {
        static wire_odds_t o;
        uint64_t s = 5;
        eng_market_t *mk;
        /* market m quoted by books m*32 .. m*32+31: 96 distinct books */
        for (int m = 0; m < 3; m++)
            for (int k = 0; k < 32; k++) {
                make_odds(&o, &s, TS + 1000 * (m * 32 + k), "gb", m, false);
                snprintf(o.book, sizeof(o.book), "book%02d", m * 32 + k);
                T_ASSERT_INT(eng_state_apply_odds(a, &o, &mk, NULL), ==, SV_OK);
            }
    }
    msgpack_sbuffer_destroy(&rec);
    T_ASSERT_INT(encode_game(a, NULL, "gb", &rec), ==, SV_OK);
    T_ASSERT((off = key_at(&rec, "books")) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xdc); /* array16 of 64 */
    T_ASSERT_INT((uint8_t)rec.data[off + 2], ==, 64);
    T_ASSERT((off = mkt_val(&rec, 0, "q", &len)) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xc5); /* a bin */
    T_ASSERT((off = mkt_val(&rec, 1, "q", &len)) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xc5);
    T_ASSERT((off = mkt_val(&rec, 2, "q", &len)) > 0);
    T_ASSERT_INT((uint8_t)rec.data[off], ==, 0xdc); /* array16 of 32 quotes */
    T_ASSERT_INT(eng_snap_restore(b, NULL, rec.data, rec.size, NULL, NULL, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&again);
    T_ASSERT_INT(encode_game(b, NULL, "gb", &again), ==, SV_OK);
    T_ASSERT(again.size == rec.size && memcmp(again.data, rec.data, rec.size) == 0);
    for (size_t i = 0; i < eng_state_market_cnt(a); i++) {
        const eng_market_t *x = eng_state_market_at(a, i);
        const eng_market_t *y = eng_state_market(b, x->event_id, x->market, x->player);
        T_ASSERT(y && y->quote_cnt == 32 && derived_eq(a, x, b, y));
    }
    /* restored again over itself: the same */
    T_ASSERT_INT(eng_snap_restore(b, NULL, rec.data, rec.size, NULL, NULL, &err), ==, SV_OK);
    msgpack_sbuffer_destroy(&again);
    T_ASSERT_INT(encode_game(b, NULL, "gb", &again), ==, SV_OK);
    T_ASSERT(again.size == rec.size && memcmp(again.data, rec.data, rec.size) == 0);
end:
    msgpack_sbuffer_destroy(&rec);
    msgpack_sbuffer_destroy(&again);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}
