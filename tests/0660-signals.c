/*
 * 0660–0669: the signal rules (engine/signals.h) with hand-computed values: lifecycle and
 * revisions, hysteresis, the contradiction gate with its band, diversity, suspension, game start
 * per partition, line moves. Every emitted revision must also encode (savant.signals.v1 rules).
 */
#include <stdlib.h>

#include "harness.h"
#include "signals.h"

#define REC_MAX 64

/* What the rules emitted, in order. */
typedef struct rec_log {
    int n;
    struct {
        uint32_t slot;
        wire_signal_t sig;
        bool encodes;
    } r[REC_MAX];
} rec_log_t;

static void on_rev(void *arg, uint32_t slot, wire_signal_t *sig)
{
    rec_log_t *log = arg;
    msgpack_sbuffer sb;
    msgpack_packer pk;

    if (log->n >= REC_MAX)
        return;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    log->r[log->n].slot = slot;
    log->r[log->n].sig = *sig;
    log->r[log->n].encodes = wire_encode(WIRE_SIGNAL, sig, &pk, NULL) == SV_OK;
    msgpack_sbuffer_destroy(&sb);
    log->n++;
}

static void conf_default(eng_signal_conf_t *c)
{
    c->game_floor = 7.0;
    c->prop_floor = 6.5;
    c->ev_min = 0.0;
    c->ev_band = 0.01;
    c->band = 0.25;
    c->kelly_fraction = 0.25;
    c->kelly_cap = 0.05;
    c->kelly_step = 0.0025;
    c->per_game = 2;
    c->per_player = 1;
}

/* A scored game-line candidate of event E1 at +150 draftkings, p_model 0.45, GOLD_STAR 7.5. */
static void rec_init(eng_sig_rec_t *r, const char *market, const char *side, bool has_point,
                     double point)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->cand.event_id, sizeof(r->cand.event_id), "E1");
    snprintf(r->cand.market, sizeof(r->cand.market), "%s", market);
    snprintf(r->cand.side, sizeof(r->cand.side), "%s", side);
    if (has_point) {
        r->cand.point = point;
        r->cand.present |= WIRE_CAND_HAS_POINT;
    }
    snprintf(r->book, sizeof(r->book), "draftkings");
    r->price = 150;
    r->dec = 2.5;
    r->books = 5;
    r->p_fair = 0.38;
    r->has_p_model = true;
    r->p_model = 0.45;
    r->scored = true;
    r->ai = 7.0;
    r->research = 8.5;
    r->esoteric = 6.2;
    r->jarvis = 7.0;
    r->base = 7.4;
    r->final = 7.5;
    r->tier = WIRE_TIER_GOLD_STAR;
    r->confluence = WIRE_CONF_STRONG;
    snprintf(r->model, sizeof(r->model), "m1");
}

static const eng_sig_game_t GAME = {"nba", "2026-02-16", 10000, true, 0};

#define EXPECT_REV(log, i, slot_, id, rev_, state_)                                                \
    do {                                                                                           \
        T_ASSERT_INT((log).n, >, (i));                                                             \
        T_ASSERT_INT((log).r[i].slot, ==, (slot_));                                                \
        T_ASSERT_STR((log).r[i].sig.signal_id, (id));                                              \
        T_ASSERT_INT((log).r[i].sig.rev, ==, (rev_));                                              \
        T_ASSERT_INT((log).r[i].sig.state, ==, (state_));                                          \
        T_ASSERT((log).r[i].encodes);                                                              \
    } while (0)

/* Open, material and immaterial changes, hysteresis on the score, withdrawal, re-open. */
int test_0660_signal_lifecycle(void);
int test_0660_signal_lifecycle(void)
{
    eng_signal_conf_t c;
    eng_signals_t *s = NULL;
    eng_sig_rec_t r;
    static rec_log_t log;
    const char *id = "a326eecd54a1"; /* sha1("nba|E1|spreads|BOSTON CELTICS|5.5|")[:12] */
    T_BEGIN;
    conf_default(&c);
    memset(&log, 0, sizeof(log));
    s = eng_signals_new(&c, on_rev, &log);
    T_ASSERT(s);
    rec_init(&r, "spreads", "Boston Celtics", true, 5.5);
    T_ASSERT_INT(eng_signals_note(s, 0, 0, &r), ==, SV_OK);
    T_ASSERT_INT(eng_signals_eval(s, 0, &GAME, 1000), ==, SV_OK);
    EXPECT_REV(log, 0, 0, id, 1, WIRE_SIG_OPEN);
    /* EV = 0.45 * 2.5 - 1 = 0.125; Kelly = (1.5 * 0.45 - 0.55) / 1.5 = 0.0833.. x 0.25 */
    T_ASSERT_DBL(log.r[0].sig.edge, 0.125, 1e-12);
    T_ASSERT_DBL(log.r[0].sig.kelly, 0.0833333333333333 * 0.25, 1e-12);
    T_ASSERT_DBL(log.r[0].sig.stake_units, 2.0, 0);
    T_ASSERT_STR(log.r[0].sig.book, "draftkings");
    T_ASSERT_INT(log.r[0].sig.price, ==, 150);
    T_ASSERT_INT(log.r[0].sig.ts, ==, 1000);
    T_ASSERT_DBL(log.r[0].sig.scores.base, 7.4, 0);
    T_ASSERT_STR(log.r[0].sig.model, "m1");
    T_ASSERT_STR(log.r[0].sig.reasons[0],
                 "EV +12.50% at +150 (draftkings): p 0.4500 (model) vs fair 0.3800");
    T_ASSERT_STR(log.r[0].sig.reasons[1],
                 "stake 2.08% of bankroll (0.25 Kelly, cap 5.00%), GOLD_STAR 2.0 u");
    T_ASSERT(eng_signals_is_open(s, 0));

    /* nothing material: no revision */
    eng_signals_eval(s, 0, &GAME, 1001);
    T_ASSERT_INT(log.n, ==, 1);
    /* Kelly 0.0208 -> (0.69 - 0.54) / 1.5 x 0.25 = 0.025: moved 0.0042 >= step 0.0025 */
    r.p_model = 0.46;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1002);
    EXPECT_REV(log, 1, 0, id, 2, WIRE_SIG_UPDATE);
    T_ASSERT_DBL(log.r[1].sig.kelly, 0.025, 1e-12);
    /* Kelly 0.025 -> 0.0254: below the step */
    r.p_model = 0.461;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1003);
    T_ASSERT_INT(log.n, ==, 2);
    /* price, then book: each a revision */
    r.price = 160;
    r.dec = 2.6;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1004);
    EXPECT_REV(log, 2, 0, id, 3, WIRE_SIG_UPDATE);
    T_ASSERT_INT(log.r[2].sig.price, ==, 160);
    snprintf(r.book, sizeof(r.book), "fanduel");
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1005);
    EXPECT_REV(log, 3, 0, id, 4, WIRE_SIG_UPDATE);
    T_ASSERT_STR(log.r[3].sig.book, "fanduel");
    /* 6.9 EDGE_LEAN: below the floor but within the band: stays open, the tier is a revision */
    r.final = 6.9;
    r.tier = WIRE_TIER_EDGE_LEAN;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1006);
    EXPECT_REV(log, 4, 0, id, 5, WIRE_SIG_UPDATE);
    T_ASSERT_DBL(log.r[4].sig.stake_units, 1.0, 0);
    /* 6.74 < 7.0 - 0.25: withdrawn, with the reason first */
    r.final = 6.74;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1007);
    EXPECT_REV(log, 5, 0, id, 6, WIRE_SIG_WITHDRAWN);
    T_ASSERT_STR(log.r[5].sig.reasons[0],
                 "withdrawn: final 6.7400 below the floor 7.00 minus the band 0.25");
    T_ASSERT_DBL(log.r[5].sig.kelly, 0, 0);
    T_ASSERT_DBL(log.r[5].sig.stake_units, 0, 0);
    T_ASSERT(!eng_signals_is_open(s, 0));
    /* 6.9 again does not re-open (the band holds only open signals) ... */
    r.final = 6.9;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1008);
    T_ASSERT_INT(log.n, ==, 6);
    /* ... 7.0 does, under the same id with the next revision */
    r.final = 7.0;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1009);
    EXPECT_REV(log, 6, 0, id, 7, WIRE_SIG_OPEN);
    /* EV hysteresis: p 0.38 at 2.6 -> EV -0.012 < 0 - 0.01: withdrawn; p 0.3830 (EV -0.0042)
     * would have stayed */
    r.p_model = 0.383;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1010);
    T_ASSERT_INT(log.r[log.n - 1].sig.state, !=, WIRE_SIG_WITHDRAWN);
    r.p_model = 0.38;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &GAME, 1011);
    T_ASSERT_INT(log.r[log.n - 1].sig.state, ==, WIRE_SIG_WITHDRAWN);
    T_ASSERT_CONTAINS(log.r[log.n - 1].sig.reasons[0], "withdrawn: EV -0.0120 not above 0.0000");
end:
    eng_signals_free(s);
    return t_rc_;
}

/* The contradiction gate: of two opposite spreads only the higher opens; the open one keeps its
 * place until the rival beats it by the band; withdrawals come before opens. */
int test_0661_signal_contradiction(void);
int test_0661_signal_contradiction(void)
{
    eng_signal_conf_t c;
    eng_signals_t *s = NULL;
    eng_sig_rec_t home, away;
    static rec_log_t log;
    const char *id_away = "a326eecd54a1", *id_home = "58c825d1bfbc";
    T_BEGIN;
    conf_default(&c);
    memset(&log, 0, sizeof(log));
    s = eng_signals_new(&c, on_rev, &log);
    T_ASSERT(s);
    rec_init(&away, "spreads", "Boston Celtics", true, 5.5);
    rec_init(&home, "spreads", "New York Knicks", true, -5.5);
    home.final = 7.3;
    home.tier = WIRE_TIER_EDGE_LEAN;
    eng_signals_note(s, 0, 0, &home);
    eng_signals_note(s, 0, 1, &away);
    eng_signals_eval(s, 0, &GAME, 2000);
    T_ASSERT_INT(log.n, ==, 1);
    EXPECT_REV(log, 0, 1, id_away, 1, WIRE_SIG_OPEN);
    /* 7.6 < 7.5 + 0.25: the open one stays */
    home.final = 7.6;
    home.tier = WIRE_TIER_GOLD_STAR;
    eng_signals_note(s, 0, 0, &home);
    eng_signals_eval(s, 0, &GAME, 2001);
    T_ASSERT_INT(log.n, ==, 1);
    /* 7.8 > 7.75: the side flips, the withdrawal first */
    home.final = 7.8;
    eng_signals_note(s, 0, 0, &home);
    eng_signals_eval(s, 0, &GAME, 2002);
    T_ASSERT_INT(log.n, ==, 3);
    EXPECT_REV(log, 1, 1, id_away, 2, WIRE_SIG_WITHDRAWN);
    T_ASSERT_STR(log.r[1].sig.reasons[0], "withdrawn: another signal of the game ranks higher "
                                          "(contradiction gate or diversity, spec §7.9)");
    EXPECT_REV(log, 2, 0, id_home, 1, WIRE_SIG_OPEN);
    T_ASSERT_INT(log.r[2].sig.ts, ==, 2002);
end:
    eng_signals_free(s);
    return t_rc_;
}

/* Diversity: at most signal.per_game game lines per game (spread and moneyline of one side are
 * redundant: the higher stays), and signal.per_player props per player. */
int test_0662_signal_diversity(void);
int test_0662_signal_diversity(void)
{
    eng_signal_conf_t c;
    eng_signals_t *s = NULL;
    eng_sig_rec_t sp, to, ml, ml_same, p1, p2;
    static rec_log_t log;
    T_BEGIN;
    conf_default(&c);
    memset(&log, 0, sizeof(log));
    s = eng_signals_new(&c, on_rev, &log);
    T_ASSERT(s);
    rec_init(&sp, "spreads", "New York Knicks", true, -5.5);
    sp.final = 7.9;
    rec_init(&to, "totals", "Over", true, 220.5);
    to.final = 7.8;
    rec_init(&ml, "h2h", "Boston Celtics", false, 0);
    ml.final = 7.7;
    rec_init(&ml_same, "h2h", "New York Knicks", false, 0);
    ml_same.final = 7.6;
    eng_signals_note(s, 0, 0, &sp);
    eng_signals_note(s, 0, 1, &to);
    eng_signals_note(s, 0, 2, &ml);
    eng_signals_note(s, 0, 3, &ml_same);
    eng_signals_eval(s, 0, &GAME, 3000);
    /* h2h Knicks: redundant with the Knicks spread (and opposite to h2h Celtics); h2h Celtics:
     * third game line of the game, over per_game 2 */
    T_ASSERT_INT(log.n, ==, 2);
    T_ASSERT_INT(log.r[0].slot, ==, 0);
    T_ASSERT_INT(log.r[1].slot, ==, 1);
    /* props of game 1: two of one player, one of another */
    rec_init(&p1, "player_points", "Over", true, 25.5);
    snprintf(p1.cand.player, sizeof(p1.cand.player), "Jayson Tatum");
    p1.cand.present |= WIRE_CAND_HAS_PLAYER;
    p1.prop = true;
    p1.final = 6.6; /* props: floor 6.5 */
    p1.tier = WIRE_TIER_EDGE_LEAN;
    p2 = p1;
    snprintf(p2.cand.market, sizeof(p2.cand.market), "player_rebounds");
    p2.cand.point = 8.5;
    p2.final = 6.9;
    eng_signals_note(s, 1, 10, &p1);
    eng_signals_note(s, 1, 11, &p2);
    eng_signals_eval(s, 1, &GAME, 3001);
    T_ASSERT_INT(log.n, ==, 3);
    T_ASSERT_INT(log.r[2].slot, ==, 11);
    T_ASSERT_INT(log.r[2].sig.state, ==, WIRE_SIG_OPEN);
    T_ASSERT_STR(log.r[2].sig.cand.player, "Jayson Tatum");
end:
    eng_signals_free(s);
    return t_rc_;
}

/* Suspension withdraws; the start withdraws through event time of the game's own partition
 * only; a line move withdraws the old id and opens the new one with the next revision. */
int test_0663_signal_withdrawals(void);
int test_0663_signal_withdrawals(void)
{
    eng_signal_conf_t c;
    eng_signals_t *s = NULL;
    eng_sig_rec_t r;
    eng_sig_game_t g = GAME;
    eng_signals_stats_t st;
    static rec_log_t log;
    T_BEGIN;
    conf_default(&c);
    memset(&log, 0, sizeof(log));
    s = eng_signals_new(&c, on_rev, &log);
    T_ASSERT(s);
    rec_init(&r, "spreads", "Boston Celtics", true, 5.5);
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &g, 1000);
    T_ASSERT_INT(log.n, ==, 1);
    /* suspended: no books */
    r.books = 0;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &g, 1001);
    EXPECT_REV(log, 1, 0, "a326eecd54a1", 2, WIRE_SIG_WITHDRAWN);
    T_ASSERT_STR(log.r[1].sig.reasons[0], "withdrawn: market suspended");
    /* back, on partition 3 */
    r.books = 4;
    g.part = 3;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &g, 1002);
    EXPECT_REV(log, 2, 0, "a326eecd54a1", 3, WIRE_SIG_OPEN);
    /* another partition's time passing the start does nothing; this one's before it neither */
    T_ASSERT_INT(eng_signals_advance(s, 0, 20000), ==, SV_OK);
    T_ASSERT_INT(eng_signals_advance(s, 3, 9999), ==, SV_OK);
    T_ASSERT_INT(log.n, ==, 3);
    /* the line moves: the old id goes, the new one opens */
    r.cand.point = 6.5;
    eng_signals_note(s, 0, 0, &r);
    eng_signals_eval(s, 0, &g, 1003);
    T_ASSERT_INT(log.n, ==, 5);
    EXPECT_REV(log, 3, 0, "a326eecd54a1", 4, WIRE_SIG_WITHDRAWN);
    T_ASSERT_STR(log.r[3].sig.reasons[0], "withdrawn: the line moved to 6.5");
    T_ASSERT_DBL(log.r[3].sig.cand.point, 5.5, 0);
    EXPECT_REV(log, 4, 0, "7899eb321ab8", 5, WIRE_SIG_OPEN);
    /* the start: withdrawn at the partition's time */
    T_ASSERT_INT(eng_signals_advance(s, 3, 10000), ==, SV_OK);
    EXPECT_REV(log, 5, 0, "7899eb321ab8", 6, WIRE_SIG_WITHDRAWN);
    T_ASSERT_STR(log.r[5].sig.reasons[0], "withdrawn: game started");
    T_ASSERT_INT(log.r[5].sig.ts, ==, 10000);
    /* after the start nothing opens, and a live game neither */
    eng_signals_eval(s, 0, &g, 10001);
    g.pregame = false;
    eng_signals_eval(s, 0, &g, 900);
    T_ASSERT_INT(log.n, ==, 6);
    eng_signals_stats(s, &st);
    T_ASSERT_INT(st.opened, ==, 3);
    T_ASSERT_INT(st.withdrawn, ==, 3);
    T_ASSERT_INT(st.open_now, ==, 0);
end:
    eng_signals_free(s);
    return t_rc_;
}

/* A game rebuilt (its partition assigned again) forgets its slots: nothing stays open, nothing is
 * withdrawn for a slot that no longer holds what it held, and the next open starts over at rev 1;
 * another game's slots are untouched. */
int test_0665_signal_reset_game(void);
int test_0665_signal_reset_game(void)
{
    eng_signal_conf_t c;
    eng_signals_t *s = NULL;
    eng_sig_rec_t r, r2;
    eng_sig_game_t g2 = GAME;
    eng_signals_stats_t st;
    static rec_log_t log;
    const char *id = "a326eecd54a1"; /* sha1("nba|E1|spreads|BOSTON CELTICS|5.5|")[:12] */
    T_BEGIN;
    conf_default(&c);
    memset(&log, 0, sizeof(log));
    s = eng_signals_new(&c, on_rev, &log);
    T_ASSERT(s);
    rec_init(&r, "spreads", "Boston Celtics", true, 5.5);
    T_ASSERT_INT(eng_signals_note(s, 0, 0, &r), ==, SV_OK);
    T_ASSERT_INT(eng_signals_eval(s, 0, &GAME, 1000), ==, SV_OK);
    EXPECT_REV(log, 0, 0, id, 1, WIRE_SIG_OPEN);
    /* game 1 (E2, slot 4) has a signal open too */
    rec_init(&r2, "spreads", "Boston Celtics", true, 5.5);
    snprintf(r2.cand.event_id, sizeof(r2.cand.event_id), "E2");
    T_ASSERT_INT(eng_signals_note(s, 1, 4, &r2), ==, SV_OK);
    T_ASSERT_INT(eng_signals_eval(s, 1, &g2, 1000), ==, SV_OK);
    T_ASSERT_INT(log.n, ==, 2);
    T_ASSERT_INT(log.r[1].sig.state, ==, WIRE_SIG_OPEN);
    eng_signals_stats(s, &st);
    T_ASSERT_INT(st.open_now, ==, 2);

    eng_signals_reset_game(s, 0);
    T_ASSERT(!eng_signals_is_open(s, 0));
    T_ASSERT(eng_signals_is_open(s, 4));
    eng_signals_stats(s, &st);
    T_ASSERT_INT(st.open_now, ==, 1);
    /* nothing noted since: nothing to say, not even a withdrawal */
    T_ASSERT_INT(eng_signals_eval(s, 0, &GAME, 1001), ==, SV_OK);
    T_ASSERT_INT(log.n, ==, 2);
    /* the rebuilt candidate opens again, its revisions counted afresh */
    T_ASSERT_INT(eng_signals_note(s, 0, 0, &r), ==, SV_OK);
    T_ASSERT_INT(eng_signals_eval(s, 0, &GAME, 1002), ==, SV_OK);
    EXPECT_REV(log, 2, 0, id, 1, WIRE_SIG_OPEN);
    /* a game never noted: nothing happens */
    eng_signals_reset_game(s, 77);
    T_ASSERT(eng_signals_is_open(s, 0) && eng_signals_is_open(s, 4));
end:
    eng_signals_free(s);
    return t_rc_;
}
