/*
 * 0320–0349: the market state (engine/market.h) — quote replacement, suspension, stale quotes,
 * the modal line and line variance, 3-way markets, steam, arbitrage, best price ties, candidates
 * as wire_score_t, determinism of the encoded scores, capacity, name checks, games and context.
 *
 * Expected values are worked out by hand from spec/quant.md (written as the arithmetic in the
 * assertions, or as digits computed with exact fractions outside this code), never copied from
 * the program's output. With two outcomes Shin equals additive, which keeps the hand work short.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "htab.h"
#include "market.h"
#include "retire.h"
#include "wire.h"

#define TS 1767225600000LL /* 2026-01-01T00:00:00Z */
#define EPS 1e-9

/* decimal of American a */
static double am(int a)
{
    return a > 0 ? 1.0 + a / 100.0 : 1.0 + 100.0 / -a;
}

/* additive (= Shin) fair probability of the first of two decimal prices */
static double add2(double d0, double d1)
{
    double q0 = 1.0 / d0, q1 = 1.0 / d1;
    return q0 - (q0 + q1 - 1.0) / 2.0;
}

static void odds_init(wire_odds_t *o, int64_t ts, const char *ev, const char *book,
                      const char *market)
{
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = ts;
    snprintf(o->event_id, sizeof(o->event_id), "%s", ev);
    strcpy(o->sport, "nba");
    snprintf(o->book, sizeof(o->book), "%s", book);
    snprintf(o->market, sizeof(o->market), "%s", market);
}

/* Add an outcome: American price (dec 0) or decimal; point when has_point. */
static void out_add(wire_odds_t *o, const char *name, int price, double dec, int has_point,
                    double point)
{
    wire_outcome_t *oc = &o->outcomes[o->outcome_cnt++];
    snprintf(oc->name, sizeof(oc->name), "%s", name);
    if (dec > 0) {
        oc->decimal = dec;
        oc->present = WIRE_OUTCOME_HAS_DECIMAL;
    } else {
        oc->price = price;
        oc->present = WIRE_OUTCOME_HAS_PRICE;
    }
    if (has_point) {
        oc->point = point;
        oc->present |= WIRE_OUTCOME_HAS_POINT;
    }
}

/* A 2-way h2h quote in American odds. */
static sv_err_t h2h(eng_state_t *st, int64_t ts, const char *ev, const char *book, int home,
                    int away, eng_market_t **mk)
{
    static wire_odds_t o;
    wire_err_t err;
    odds_init(&o, ts, ev, book, "h2h");
    if (home)
        out_add(&o, "Home", home, 0, 0, 0);
    if (away)
        out_add(&o, "Away", away, 0, 0, 0);
    return eng_state_apply_odds(st, &o, mk, &err);
}

/* A spreads quote: home at line `line` (away at -line). */
static sv_err_t spread(eng_state_t *st, int64_t ts, const char *book, double line, int home,
                       int away, eng_market_t **mk)
{
    static wire_odds_t o;
    odds_init(&o, ts, "g1", book, "spreads");
    out_add(&o, "Home", home, 0, 1, line);
    out_add(&o, "Away", away, 0, 1, -line);
    return eng_state_apply_odds(st, &o, mk, NULL);
}

static sv_err_t game(eng_state_t *st, int64_t ts, const char *ev, wire_game_status_t status)
{
    wire_game_t g;
    eng_game_t *gp;
    memset(&g, 0, sizeof(g));
    g.v = 1;
    g.ts = ts;
    snprintf(g.event_id, sizeof(g.event_id), "%s", ev);
    strcpy(g.sport, "nba");
    strcpy(g.home, "Home");
    strcpy(g.away, "Away");
    g.commence_ts = TS + 3600000;
    g.status = status;
    return eng_state_apply_game(st, &g, &gp, NULL);
}

static eng_state_t *state_new(void)
{
    eng_market_conf_t conf;
    char errstr[128];
    eng_market_conf_defaults(&conf);
    return eng_state_new(&conf, errstr, sizeof(errstr));
}

/* The candidate of mk named side, or NULL. */
static const eng_cand_t *cand(const eng_market_t *mk, const char *side)
{
    for (size_t i = 0; i < mk->cand_cnt; i++)
        if (strcmp(mk->names[mk->cands[i].name], side) == 0)
            return &mk->cands[i];
    return NULL;
}

int test_0320_market_replacement(void);
int test_0320_market_replacement(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    const eng_cand_t *c;
    T_BEGIN;
    T_ASSERT(st);
    T_ASSERT_INT(h2h(st, TS, "g1", "a", -110, -110, &mk), ==, SV_OK);
    T_ASSERT(mk);
    T_ASSERT_DBL(cand(mk, "Home")->p_fair, 0.5, EPS);
    T_ASSERT_INT(h2h(st, TS + 1000, "g1", "a", -150, 130, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->quote_cnt, ==, 1);
    T_ASSERT_INT(mk->cand_cnt, ==, 2);
    c = cand(mk, "Home");
    T_ASSERT_DBL(c->p_fair, 0.6 - (0.6 + 1.0 / 2.3 - 1.0) / 2.0, EPS);
    T_ASSERT_DBL(c->p_fair, 0.5826086956521739, EPS);
    T_ASSERT_INT(c->books, ==, 1);
    T_ASSERT_INT(c->best_american, ==, -150);
    T_ASSERT_DBL(c->best_dec, 1.0 + 100.0 / 150.0, EPS);
    T_ASSERT_INT(cand(mk, "Away")->best_american, ==, 130);
    T_ASSERT_INT(mk->ts, ==, TS + 1000);
    T_ASSERT_INT(mk->updates, ==, 2);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0321_market_suspension(void);
int test_0321_market_suspension(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    const eng_cand_t *c;
    T_BEGIN;
    T_ASSERT_INT(h2h(st, TS, "g1", "a", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS, "g1", "b", 120, -140, &mk), ==, SV_OK);
    c = cand(mk, "Home");
    T_ASSERT_INT(c->books, ==, 2);
    T_ASSERT_DBL(c->p_fair, (0.5 + add2(2.2, am(-140))) / 2.0, EPS);
    T_ASSERT_STR(eng_state_book_name(st, c->best_book), "b");
    /* b suspends: gone from the consensus and the best price */
    T_ASSERT_INT(h2h(st, TS + 1, "g1", "b", 0, 0, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->active_books, ==, 1);
    c = cand(mk, "Home");
    T_ASSERT_INT(c->books, ==, 1);
    T_ASSERT_DBL(c->p_fair, 0.5, EPS);
    T_ASSERT_STR(eng_state_book_name(st, c->best_book), "a");
    T_ASSERT_INT(c->best_american, ==, -110);
    /* a suspends too: no candidate left */
    T_ASSERT_INT(h2h(st, TS + 2, "g1", "a", 0, 0, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->cand_cnt, ==, 0);
    T_ASSERT(!mk->has_modal);
    /* b comes back */
    T_ASSERT_INT(h2h(st, TS + 3, "g1", "b", 120, -140, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->cand_cnt, ==, 2);
    T_ASSERT_DBL(cand(mk, "Home")->p_fair, add2(2.2, am(-140)), EPS);
    T_ASSERT_INT(cand(mk, "Home")->books, ==, 1);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0322_market_stale(void);
int test_0322_market_stale(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    eng_state_stats_t s;
    wire_odds_t o;
    wire_err_t err;
    T_BEGIN;
    T_ASSERT_INT(h2h(st, TS + 2000, "g1", "a", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS + 1000, "g1", "a", -200, 170, &mk), ==, SV_ERR_STALE);
    T_ASSERT(mk == NULL);
    mk = eng_state_market(st, "g1", "h2h", NULL);
    T_ASSERT(mk);
    T_ASSERT_INT(cand(mk, "Home")->best_american, ==, -110); /* ignored */
    T_ASSERT_INT(mk->updates, ==, 1);
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.odds_stale, ==, 1);
    T_ASSERT_INT(s.odds, ==, 1);
    /* the reason names the field */
    odds_init(&o, TS, "g1", "a", "h2h");
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_STALE);
    T_ASSERT_STR(err.field, "ts");
    T_ASSERT_CONTAINS(err.reason, "older");
    /* an equal ts is a correction: it replaces */
    T_ASSERT_INT(h2h(st, TS + 2000, "g1", "a", -120, 100, &mk), ==, SV_OK);
    T_ASSERT_INT(cand(mk, "Home")->best_american, ==, -120);
    /* another book's older quote is fine: ordering is per book */
    T_ASSERT_INT(h2h(st, TS + 500, "g1", "b", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(cand(mk, "Home")->books, ==, 2);
    T_ASSERT_INT(mk->ts, ==, TS + 2000);
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.odds_stale, ==, 2);
    T_ASSERT_INT(s.odds, ==, 3);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0323_market_modal_line(void);
int test_0323_market_modal_line(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    const eng_cand_t *c;
    T_BEGIN;
    T_ASSERT_INT(game(st, TS, "g1", WIRE_GAME_SCHEDULED), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS, "a", -5.5, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS, "b", -5.5, -105, -115, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS, "c", -6.5, 100, -120, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS, "d", -4.5, -120, 100, &mk), ==, SV_OK);
    T_ASSERT(mk->modal_has_line);
    T_ASSERT_DBL(mk->modal_line, -5.5, 0);
    T_ASSERT_INT(mk->modal_books, ==, 2);
    T_ASSERT_DBL(mk->line_variance, 2.0, EPS); /* -4.5 - (-6.5), over all books */
    T_ASSERT_INT(mk->cand_cnt, ==, 2);
    c = &mk->cands[0];
    T_ASSERT_STR(mk->names[c->name], "Home"); /* the home team is the reference */
    T_ASSERT(c->has_point);
    T_ASSERT_DBL(c->point, -5.5, 0);
    T_ASSERT_DBL(c->p_fair, (0.5 + add2(am(-105), am(-115))) / 2.0, EPS);
    T_ASSERT_DBL(c->p_fair, 0.4943278502552467, EPS);
    T_ASSERT_INT(c->books, ==, 2);
    T_ASSERT_INT(c->best_american, ==, -105);
    T_ASSERT_STR(eng_state_book_name(st, c->best_book), "b");
    c = &mk->cands[1];
    T_ASSERT_STR(mk->names[c->name], "Away");
    T_ASSERT_DBL(c->point, 5.5, 0);
    T_ASSERT_INT(c->best_american, ==, -110);
    T_ASSERT_STR(eng_state_book_name(st, c->best_book), "a");
    /* d moves to -6.5: 2 books at -5.5, 2 at -6.5: the smaller line wins the tie */
    T_ASSERT_INT(spread(st, TS + 1, "d", -6.5, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_DBL(mk->modal_line, -6.5, 0);
    T_ASSERT_DBL(mk->line_variance, 1.0, EPS);
    T_ASSERT_DBL(mk->cands[0].p_fair, (add2(2.0, am(-120)) + 0.5) / 2.0, EPS);
    /* alternates in one quote: the main line is the one priced closest to even */
    {
        wire_odds_t o;
        odds_init(&o, TS + 2, "g1", "a", "spreads");
        out_add(&o, "Home", 150, 0, 1, -7.5);
        out_add(&o, "Away", -180, 0, 1, 7.5);
        out_add(&o, "Home", -110, 0, 1, -5.5);
        out_add(&o, "Away", -110, 0, 1, 5.5);
        T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
        T_ASSERT_DBL(mk->quotes[0].line, -5.5, 0);
        T_ASSERT_INT(mk->quotes[0].n, ==, 2);
        T_ASSERT_DBL(mk->modal_line, -6.5, 0); /* still 2 books at -6.5 vs 2 at -5.5 */
    }
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0324_market_three_way(void);
int test_0324_market_three_way(void)
{
    eng_market_conf_t conf;
    eng_state_t *st = state_new(), *st2 = NULL;
    eng_market_t *mk = NULL;
    wire_odds_t o;
    char errstr[64];
    T_BEGIN;
    T_ASSERT_INT(game(st, TS, "g1", WIRE_GAME_SCHEDULED), ==, SV_OK);
    odds_init(&o, TS, "g1", "a", "h2h");
    out_add(&o, "Home", 0, 2.6, 0, 0);
    out_add(&o, "Draw", 0, 2.4, 0, 0);
    out_add(&o, "Away", 0, 4.3, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT_INT(mk->cand_cnt, ==, 3);
    T_ASSERT_STR(mk->names[mk->cands[0].name], "Home");
    T_ASSERT_STR(mk->names[mk->cands[1].name], "Draw");
    T_ASSERT_STR(mk->names[mk->cands[2].name], "Away");
    /* the Shin vector of spec/quant.md */
    T_ASSERT_DBL(mk->cands[0].p_fair, 0.37299406033208965, EPS);
    T_ASSERT_DBL(mk->cands[1].p_fair, 0.4047794109200184, EPS);
    T_ASSERT_DBL(mk->cands[2].p_fair, 0.22222652874742752, EPS);
    T_ASSERT_INT(mk->cands[0].best_american, ==, 160);
    T_ASSERT_INT(mk->cands[1].best_american, ==, 140);
    T_ASSERT_INT(mk->cands[2].best_american, ==, 330);
    T_ASSERT(!mk->arb);
    T_ASSERT_DBL(mk->arb_sum, 1.033840, 5e-7);
    T_ASSERT(!mk->cands[0].has_point);
    T_ASSERT_DBL(mk->line_variance, 0.0, 0);
    /* every method is available per quote (on demand); the configured one makes the consensus
     * and is held, with the same bits eng_quant_devig() gives */
    T_ASSERT_DBL(eng_quote_devig(&mk->quotes[0], ENG_DEVIG_MULT, 1), 0.403028, 5e-7);
    T_ASSERT_DBL(eng_quote_devig(&mk->quotes[0], ENG_DEVIG_ADD, 1), 0.405387, 5e-7);
    T_ASSERT_DBL(eng_quote_devig(&mk->quotes[0], ENG_DEVIG_POWER, 1), 0.405107, 5e-7);
    T_ASSERT_DBL(eng_quote_devig(&mk->quotes[0], ENG_DEVIG_SHIN, 1), 0.4047794109200184, EPS);
    {
        const double q[3] = {1.0 / 2.6, 1.0 / 2.4, 1.0 / 4.3};
        for (int m = 0; m < ENG_DEVIG__CNT; m++) {
            double p[3];
            (void)eng_quant_devig((eng_devig_t)m, q, 3, p);
            for (size_t k = 0; k < 3; k++)
                T_ASSERT(eng_quote_devig(&mk->quotes[0], (eng_devig_t)m, k) == p[k]);
        }
        for (size_t k = 0; k < 3; k++)
            T_ASSERT(mk->quotes[0].out[k].p == eng_quote_devig(&mk->quotes[0], ENG_DEVIG_SHIN, k));
    }
    eng_market_conf_defaults(&conf);
    conf.devig = ENG_DEVIG_POWER;
    st2 = eng_state_new(&conf, errstr, sizeof(errstr));
    T_ASSERT_INT(eng_state_apply_odds(st2, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT_DBL(mk->cands[0].p_fair, 0.372984, 5e-7);
    T_ASSERT_DBL(mk->cands[2].p_fair, 0.221908, 5e-7);
end:
    eng_state_free(st);
    eng_state_free(st2);
    return t_rc_;
}

/* Four books at -110/-110, then some of them move the home side to -130/+110. */
static eng_state_t *steam_setup(void)
{
    eng_market_conf_t conf;
    eng_state_t *st;
    eng_market_t *mk;
    char errstr[64];
    eng_market_conf_defaults(&conf);
    conf.steam_threshold = 0.02;
    conf.steam_books = 3;
    conf.steam_window_ms = 60000;
    st = eng_state_new(&conf, errstr, sizeof(errstr));
    h2h(st, TS, "g1", "a", -110, -110, &mk);
    h2h(st, TS, "g1", "b", -110, -110, &mk);
    h2h(st, TS, "g1", "c", -110, -110, &mk);
    h2h(st, TS, "g1", "d", -110, -110, &mk);
    return st;
}

int test_0325_market_steam(void);
int test_0325_market_steam(void)
{
    eng_state_t *st = steam_setup();
    eng_market_t *mk = NULL;
    T_BEGIN;
    /* 1/1.769 - 1/1.909 = 0.5652 - 0.5238 = 0.041 > 0.02: each is a move toward Home */
    T_ASSERT_INT(h2h(st, TS + 10000, "g1", "a", -130, 110, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS + 11000, "g1", "b", -130, 110, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->steam_dir, ==, 0); /* two books only */
    T_ASSERT_INT(h2h(st, TS + 12000, "g1", "c", -130, 110, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->steam_dir, ==, 1);
    T_ASSERT(cand(mk, "Home")->steam);
    T_ASSERT(!cand(mk, "Away")->steam);
    {
        wire_score_t sc;
        eng_market_score(st, mk, 0, &sc);
        T_ASSERT_INT(sc.flag_cnt, ==, 1);
        T_ASSERT_STR(sc.flags[0], "steam");
    }
    /* an event past the window of a's move: only b and c count */
    T_ASSERT_INT(h2h(st, TS + 70001, "g1", "d", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->steam_dir, ==, 0);
    eng_state_free(st);

    /* the third move comes outside the window of the first */
    st = steam_setup();
    h2h(st, TS + 10000, "g1", "a", -130, 110, &mk);
    h2h(st, TS + 11000, "g1", "b", -130, 110, &mk);
    h2h(st, TS + 70001, "g1", "c", -130, 110, &mk);
    T_ASSERT_INT(mk->steam_dir, ==, 0);
    eng_state_free(st);

    /* small steps add up from the anchor: -110 -> -115 -> -120 is 0.0216 > 0.02 */
    st = steam_setup();
    h2h(st, TS + 1000, "g1", "a", -115, -105, &mk);
    T_ASSERT_INT(mk->quotes[0].move_dir, ==, 0);
    h2h(st, TS + 2000, "g1", "a", -120, 100, &mk);
    T_ASSERT_INT(mk->quotes[0].move_dir, ==, 1);
    /* opposite directions do not make steam */
    h2h(st, TS + 3000, "g1", "b", -130, 110, &mk);
    h2h(st, TS + 4000, "g1", "c", 110, -130, &mk);
    T_ASSERT_INT(mk->quotes[2].move_dir, ==, -1);
    T_ASSERT_INT(mk->steam_dir, ==, 0);
    h2h(st, TS + 5000, "g1", "d", 110, -130, &mk);
    T_ASSERT_INT(mk->steam_dir, ==, 0); /* 2 up, 2 down */
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0326_market_arb(void);
int test_0326_market_arb(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    wire_odds_t o;
    wire_score_t sc;
    T_BEGIN;
    odds_init(&o, TS, "g1", "a", "h2h");
    out_add(&o, "Home", 0, 2.10, 0, 0);
    out_add(&o, "Away", 0, 1.80, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT(!mk->arb);
    odds_init(&o, TS, "g1", "b", "h2h");
    out_add(&o, "Home", 0, 1.80, 0, 0);
    out_add(&o, "Away", 0, 2.05, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT(mk->arb);
    T_ASSERT_DBL(mk->arb_sum, 1.0 / 2.10 + 1.0 / 2.05, EPS);
    T_ASSERT_DBL(mk->arb_sum, 0.963995, 5e-7);
    T_ASSERT_DBL(mk->arb_profit, 0.037349397590361446, EPS); /* +3.73 % */
    T_ASSERT_STR(eng_state_book_name(st, cand(mk, "Home")->best_book), "a");
    T_ASSERT_STR(eng_state_book_name(st, cand(mk, "Away")->best_book), "b");
    T_ASSERT_INT(cand(mk, "Home")->best_american, ==, 110);
    T_ASSERT_INT(cand(mk, "Away")->best_american, ==, 105);
    for (size_t i = 0; i < 2; i++) {
        eng_market_score(st, mk, i, &sc);
        T_ASSERT_INT(sc.flag_cnt, ==, 1);
        T_ASSERT_STR(sc.flags[0], "arb");
    }
    /* b suspends: one book cannot be an arbitrage here */
    odds_init(&o, TS + 1, "g1", "b", "h2h");
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT(!mk->arb);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0327_market_best_price_ties(void);
int test_0327_market_best_price_ties(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    T_BEGIN;
    /* the same price at three books: the smallest book id wins, whatever the arrival order */
    T_ASSERT_INT(h2h(st, TS, "g1", "zeta", 100, -120, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS, "g1", "alpha", 100, -125, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS, "g1", "mid", 100, -130, &mk), ==, SV_OK);
    T_ASSERT_STR(eng_state_book_name(st, cand(mk, "Home")->best_book), "alpha");
    T_ASSERT_STR(eng_state_book_name(st, cand(mk, "Away")->best_book), "zeta");
    T_ASSERT_INT(cand(mk, "Home")->books, ==, 3);
    /* a strictly better price wins regardless of the name */
    T_ASSERT_INT(h2h(st, TS + 1, "g1", "mid", 101, -130, &mk), ==, SV_OK);
    T_ASSERT_STR(eng_state_book_name(st, cand(mk, "Home")->best_book), "mid");
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0328_market_score(void);
int test_0328_market_score(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    wire_score_t sc;
    wire_odds_t o;
    char key[WIRE_KEY_MAX];
    T_BEGIN;
    T_ASSERT_INT(game(st, TS, "g1", WIRE_GAME_SCHEDULED), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS + 5, "g1", "a", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS + 9, "g1", "b", 105, -125, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->cand_cnt, ==, 2);
    eng_market_score(st, mk, 0, &sc);
    T_ASSERT_INT(wire_validate(WIRE_SCORE, &sc, NULL), ==, SV_OK);
    T_ASSERT_INT(sc.v, ==, 1);
    T_ASSERT_INT(sc.ts, ==, TS + 9);
    T_ASSERT_STR(sc.cand.event_id, "g1");
    T_ASSERT_STR(sc.cand.market, "h2h");
    T_ASSERT_STR(sc.cand.side, "Home");
    T_ASSERT_INT(sc.cand.present, ==, 0);
    T_ASSERT_DBL(sc.p_fair, 0.4830623306233062, EPS);
    T_ASSERT_DBL(sc.p_fair, (0.5 + add2(2.05, 1.8)) / 2.0, EPS);
    T_ASSERT_INT(sc.best_price, ==, 105);
    T_ASSERT_DBL(sc.best_decimal, 2.05, EPS);
    T_ASSERT_STR(sc.best_book, "b");
    T_ASSERT_INT(sc.books, ==, 2);
    T_ASSERT_DBL(sc.line_variance, 0.0, 0);
    T_ASSERT_INT(sc.flag_cnt, ==, 0);
    T_ASSERT_INT(sc.present, ==, 0);
    eng_market_score(st, mk, 1, &sc);
    T_ASSERT_STR(sc.cand.side, "Away");
    T_ASSERT_DBL(sc.p_fair, 0.5169376693766937, EPS);
    T_ASSERT_INT(sc.best_price, ==, -110);
    T_ASSERT_STR(sc.best_book, "a");
    /* a prop: player and point in the key */
    odds_init(&o, TS + 20, "g1", "a", "player_points");
    strcpy(o.player, "Jane Doe");
    o.present |= WIRE_ODDS_HAS_PLAYER;
    out_add(&o, "Over", -115, 0, 1, 24.5);
    out_add(&o, "Under", -105, 0, 1, 24.5);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, NULL), ==, SV_OK);
    T_ASSERT(mk == eng_state_market(st, "g1", "player_points", "Jane Doe"));
    eng_market_score(st, mk, 0, &sc);
    T_ASSERT_INT(wire_validate(WIRE_SCORE, &sc, NULL), ==, SV_OK);
    T_ASSERT_INT(wire_cand_key(&sc.cand, key, sizeof(key)), ==, SV_OK);
    T_ASSERT_STR(key, "g1|player_points|Over|Jane Doe|24.5");
    T_ASSERT_DBL(sc.p_fair, add2(am(-115), am(-105)), EPS);
    T_ASSERT_INT(sc.best_price, ==, -115);
end:
    eng_state_free(st);
    return t_rc_;
}

/* A deterministic pseudo-random feed over a few markets; every score encoded into sb. */
static sv_err_t feed(eng_state_t *st, msgpack_sbuffer *sb)
{
    static const char *const books[] = {"a", "b", "c", "d", "e"};
    msgpack_packer pk;
    uint64_t s = 88172645463325252ULL;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    for (int i = 0; i < 3000; i++) {
        wire_odds_t o;
        eng_market_t *mk;
        char ev[16];
        sv_err_t rc;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        snprintf(ev, sizeof(ev), "g%d", (int)(s % 7));
        odds_init(&o, TS + i * 100 - (int)(s % 500), ev, books[(s >> 8) % 5],
                  (s >> 16) % 2 ? "spreads" : "totals");
        if ((s >> 20) % 17 != 0) {
            double line = -3.0 - (double)((s >> 24) % 3);
            int p1 = -100 - (int)((s >> 28) % 40), p2 = 100 + (int)((s >> 34) % 30);
            int ou = strcmp(o.market, "totals") == 0;
            out_add(&o, ou ? "Over" : "Home", p1, 0, 1, ou ? 200.0 - line : line);
            out_add(&o, ou ? "Under" : "Away", p2, 0, 1, ou ? 200.0 - line : -line);
        }
        rc = eng_state_apply_odds(st, &o, &mk, NULL);
        if (rc == SV_ERR_STALE)
            continue;
        if (rc != SV_OK)
            return rc;
        for (size_t k = 0; k < mk->cand_cnt; k++) {
            wire_score_t sc;
            eng_market_score(st, mk, k, &sc);
            if ((rc = wire_encode(WIRE_SCORE, &sc, &pk, NULL)) != SV_OK)
                return rc;
        }
    }
    return SV_OK;
}

int test_0329_market_determinism(void);
int test_0329_market_determinism(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer sa, sb;
    eng_state_stats_t s;
    T_BEGIN;
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    T_ASSERT_INT(feed(a, &sa), ==, SV_OK);
    T_ASSERT_INT(feed(b, &sb), ==, SV_OK);
    T_ASSERT(sa.size > 10000);
    T_ASSERT_INT(sa.size, ==, sb.size);
    T_ASSERT(memcmp(sa.data, sb.data, sa.size) == 0);
    eng_state_stats(a, &s);
    T_ASSERT(s.odds_stale > 0); /* the feed has out-of-order quotes */
end:
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}

/* A reset forgets every input of a game and its markets: fed again, the state gives the same
 * scores, byte for byte, as a state that never saw them (what a partition's re-read relies on). */
int test_0336_market_reset(void);
int test_0336_market_reset(void)
{
    eng_state_t *a = state_new(), *b = state_new();
    msgpack_sbuffer sa, sb, again;
    eng_market_t *mk;
    eng_game_t *g;
    uint32_t idx;
    T_BEGIN;
    msgpack_sbuffer_init(&sa);
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&again);
    T_ASSERT_INT(game(a, TS - 1000, "g3", WIRE_GAME_FINAL), ==, SV_OK);
    T_ASSERT_INT(feed(a, &sa), ==, SV_OK);
    T_ASSERT_INT(feed(b, &sb), ==, SV_OK);
    mk = eng_state_market(a, "g3", "spreads", NULL);
    T_ASSERT(mk && mk->quote_cnt > 0 && mk->hist_cnt > 0 && mk->cand_cnt == 2);
    idx = mk->idx;
    /* fed twice without a reset: later quotes at the same event time apply again */
    for (uint32_t i = 0; (g = eng_state_game_at(a, i)); i++)
        eng_state_reset_game(a, g);
    g = eng_state_game(a, "g3");
    T_ASSERT(g && !g->known && g->home[0] == '\0' && g->status == WIRE_GAME_SCHEDULED);
    T_ASSERT_INT(g->market_cnt, ==, 2);
    T_ASSERT(eng_state_market(a, "g3", "spreads", NULL) == mk);
    T_ASSERT_INT(mk->idx, ==, idx);
    T_ASSERT_INT(mk->quote_cnt, ==, 0);
    T_ASSERT_INT(mk->hist_cnt, ==, 0);
    T_ASSERT_INT(mk->cand_cnt, ==, 0);
    T_ASSERT_INT(mk->updates, ==, 0);
    T_ASSERT(!mk->has_modal && !mk->close_set);
    T_ASSERT_STR(mk->event_id, "g3");
    T_ASSERT_INT(feed(a, &again), ==, SV_OK);
    T_ASSERT_INT(again.size, ==, sb.size);
    T_ASSERT(memcmp(again.data, sb.data, sb.size) == 0);
end:
    msgpack_sbuffer_destroy(&sa);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&again);
    eng_state_free(a);
    eng_state_free(b);
    return t_rc_;
}

int test_0330_market_capacity(void);
int test_0330_market_capacity(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    eng_state_stats_t s;
    char ev[32], book[16];
    T_BEGIN;
    for (int i = 0; i < 20000; i++) {
        snprintf(ev, sizeof(ev), "ev-%d", i);
        snprintf(book, sizeof(book), "book%d", i % 40);
        T_ASSERT_INT(h2h(st, TS + i, ev, book, 100 + i % 1000, -(100 + i % 1000), &mk), ==,
                     SV_OK);
    }
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.market_cnt, ==, 20000);
    T_ASSERT_INT(s.game_cnt, ==, 20000);
    T_ASSERT_INT(s.book_cnt, ==, 40);
    for (int i = 0; i < 20000; i++) {
        snprintf(ev, sizeof(ev), "ev-%d", i);
        mk = eng_state_market(st, ev, "h2h", "");
        T_ASSERT(mk);
        T_ASSERT_STR(mk->event_id, ev);
        T_ASSERT_INT(mk->idx, ==, i);
        T_ASSERT(eng_state_market_at(st, (size_t)i) == mk);
        T_ASSERT_INT(cand(mk, "Home")->best_american, ==, 100 + i % 1000);
        T_ASSERT(eng_state_game(st, ev) != NULL);
    }
    T_ASSERT(eng_state_market(st, "ev-20000", "h2h", NULL) == NULL);
    T_ASSERT(eng_state_market(st, "ev-1", "spreads", NULL) == NULL);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0331_market_invalid_names(void);
int test_0331_market_invalid_names(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    eng_state_stats_t s;
    wire_odds_t o;
    wire_err_t err;
    T_BEGIN;
    /* before the game is known, any names go */
    T_ASSERT_INT(h2h(st, TS, "g2", "a", 100, -120, &mk), ==, SV_OK);
    T_ASSERT_INT(game(st, TS, "g1", WIRE_GAME_SCHEDULED), ==, SV_OK);
    odds_init(&o, TS, "g1", "a", "h2h");
    out_add(&o, "Home", -110, 0, 0, 0);
    out_add(&o, "Lakers", -110, 0, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "outcomes[1].name");
    T_ASSERT_CONTAINS(err.reason, "Lakers");
    T_ASSERT(eng_state_market(st, "g1", "h2h", NULL) == NULL); /* nothing created */
    odds_init(&o, TS, "g1", "a", "spreads");
    out_add(&o, "Draw", -110, 0, 1, 0.5);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    odds_init(&o, TS, "g1", "a", "totals");
    out_add(&o, "Over", -110, 0, 1, 220.5);
    out_add(&o, "Ovr", -110, 0, 1, 220.5);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err.reason, "Over or Under");
    /* Draw is fine in h2h */
    odds_init(&o, TS, "g1", "a", "h2h");
    out_add(&o, "Draw", 300, 0, 0, 0);
    out_add(&o, "Away", 200, 0, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_OK);
    /* more than ENG_OUTCOMES_MAX names in one market (unknown game, so no name check) */
    odds_init(&o, TS, "g3", "a", "h2h");
    out_add(&o, "A", 300, 0, 0, 0);
    out_add(&o, "B", 300, 0, 0, 0);
    out_add(&o, "C", 300, 0, 0, 0);
    out_add(&o, "D", 300, 0, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_OK);
    out_add(&o, "E", 300, 0, 0, 0);
    o.ts++;
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "outcomes");
    T_ASSERT_INT(eng_state_market(st, "g3", "h2h", NULL)->name_cnt, ==, 4);
    /* names a market took before its game was known are checked once it is known; names that
     * passed against the known game keep passing, a new bad one is still refused */
    odds_init(&o, TS, "g4", "a", "h2h");
    out_add(&o, "X", 300, 0, 0, 0);
    out_add(&o, "Y", 300, 0, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_OK);
    T_ASSERT_INT(game(st, TS, "g4", WIRE_GAME_SCHEDULED), ==, SV_OK);
    o.ts++;
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "outcomes[0].name");
    T_ASSERT_INT(h2h(st, TS + 2, "g4", "a", -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(h2h(st, TS + 3, "g4", "b", -120, 100, &mk), ==, SV_OK);
    odds_init(&o, TS + 4, "g4", "a", "h2h");
    out_add(&o, "Home", -110, 0, 0, 0);
    out_add(&o, "Y", -110, 0, 0, 0);
    T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "outcomes[1].name");
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.odds_invalid, ==, 6);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0332_market_games(void);
int test_0332_market_games(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    eng_game_t *gp = NULL;
    eng_state_stats_t s;
    wire_game_t g;
    wire_err_t err;
    T_BEGIN;
    /* odds first: a placeholder game holds the market */
    T_ASSERT_INT(h2h(st, TS, "g1", "a", -110, -110, &mk), ==, SV_OK);
    gp = eng_state_game(st, "g1");
    T_ASSERT(gp && !gp->known);
    T_ASSERT_INT(gp->market_cnt, ==, 1);
    T_ASSERT(eng_state_game_market(st, gp, 0) == mk);
    T_ASSERT_INT(game(st, TS + 10, "g1", WIRE_GAME_LIVE), ==, SV_OK);
    T_ASSERT(gp->known);
    T_ASSERT_STR(gp->home, "Home");
    T_ASSERT_INT(gp->status, ==, WIRE_GAME_LIVE);
    T_ASSERT_INT(game(st, TS + 5, "g1", WIRE_GAME_SCHEDULED), ==, SV_ERR_STALE);
    T_ASSERT_INT(game(st, TS + 10, "g1", WIRE_GAME_LIVE), ==, SV_OK); /* equal: correction */
    T_ASSERT_INT(game(st, TS + 20, "g1", WIRE_GAME_FINAL), ==, SV_OK);
    T_ASSERT_INT(game(st, TS + 30, "g1", WIRE_GAME_LIVE), ==, SV_ERR_INVALID);
    T_ASSERT_INT(game(st, TS + 30, "g1", WIRE_GAME_FINAL), ==, SV_OK); /* score correction */
    T_ASSERT_INT(gp->status, ==, WIRE_GAME_FINAL);
    memset(&g, 0, sizeof(g));
    g.v = 1, g.ts = TS + 40, g.commence_ts = TS, g.status = WIRE_GAME_FINAL;
    strcpy(g.event_id, "g1"), strcpy(g.sport, "nba"), strcpy(g.home, "Other"),
        strcpy(g.away, "Away");
    T_ASSERT_INT(eng_state_apply_game(st, &g, &gp, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "home");
    T_ASSERT(gp == NULL);
    /* postponed games may be rescheduled */
    T_ASSERT_INT(game(st, TS, "g2", WIRE_GAME_POSTPONED), ==, SV_OK);
    T_ASSERT_INT(game(st, TS + 1, "g2", WIRE_GAME_SCHEDULED), ==, SV_OK);
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.games, ==, 6);
    T_ASSERT_INT(s.games_stale, ==, 1);
    T_ASSERT_INT(s.games_invalid, ==, 2);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0333_market_context(void);
int test_0333_market_context(void)
{
    eng_state_t *st = state_new();
    eng_game_t *gp = NULL;
    eng_state_stats_t s;
    wire_context_t c;
    T_BEGIN;
    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS + 10, c.kind = WIRE_CTX_SPLITS;
    strcpy(c.event_id, "g1"), strcpy(c.market, "h2h"), strcpy(c.side, "Home");
    c.ticket_pct = 70, c.money_pct = 40;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT(gp && gp->splits_cnt == 1);
    c.ts = TS + 5, c.ticket_pct = 10;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_ERR_STALE);
    gp = eng_state_game(st, "g1");
    T_ASSERT_DBL(gp->splits[0].ticket_pct, 70, 0);
    strcpy(c.side, "Away"); /* another side is another record */
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT_INT(gp->splits_cnt, ==, 2);

    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS, c.kind = WIRE_CTX_INJURY;
    strcpy(c.event_id, "g1"), strcpy(c.team, "Home"), strcpy(c.player, "Jane Doe");
    c.status = WIRE_INJ_OUT;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    c.ts = TS + 1, c.status = WIRE_INJ_QUESTIONABLE;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT_INT(gp->injury_cnt, ==, 1);
    T_ASSERT_INT(gp->injuries[0].status, ==, WIRE_INJ_QUESTIONABLE);

    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS, c.kind = WIRE_CTX_PLAYER;
    strcpy(c.player, "Jane Doe"), strcpy(c.birth_date, "1999-02-03");
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT(gp == NULL);
    T_ASSERT_STR(eng_state_player(st, "Jane Doe")->birth_date, "1999-02-03");

    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS + 7, c.kind = WIRE_CTX_SPACE_WEATHER, c.kp = 5.0;
    c.present = WIRE_CTX_HAS_KP;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    c.ts = TS + 6;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_ERR_STALE);
    T_ASSERT_DBL(eng_state_space_weather(st)->kp, 5.0, 0);

    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS, c.kind = WIRE_CTX_WEATHER;
    strcpy(c.event_id, "g1"), c.temp_f = 41, c.wind_mph = 12;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT_DBL(gp->weather.wind_mph, 12, 0);
    c.kind = WIRE_CTX_OFFICIALS, strcpy(c.lead, "Ref One");
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);
    T_ASSERT_STR(gp->officials.lead, "Ref One");
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.context, ==, 8);
    T_ASSERT_INT(s.context_stale, ==, 2);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0334_market_history(void);
int test_0334_market_history(void)
{
    eng_market_conf_t conf;
    eng_state_t *st;
    eng_market_t *mk = NULL;
    char errstr[64];
    T_BEGIN;
    eng_market_conf_defaults(&conf);
    conf.history_size = 3;
    st = eng_state_new(&conf, errstr, sizeof(errstr));
    T_ASSERT(st);
    T_ASSERT_INT(spread(st, TS + 1, "a", -5.5, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS + 2, "a", -5.5, -120, 100, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS + 3, "a", -6.0, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS + 4, "a", -6.5, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(spread(st, TS + 5, "a", -7.0, -110, -110, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->hist_cnt, ==, 3);
    T_ASSERT_INT(eng_market_history(st, mk, 0)->ts, ==, TS + 3);
    T_ASSERT_INT(eng_market_history(st, mk, 2)->ts, ==, TS + 5);
    T_ASSERT_DBL(eng_market_history(st, mk, 1)->point, -6.5, 0);
    T_ASSERT_DBL(eng_market_history(st, mk, 1)->p_first, 0.5, EPS);
    T_ASSERT(eng_market_history(st, mk, 2)->has_point);
end:
    eng_state_free(st);
    return t_rc_;
}

int test_0335_market_conf(void);
int test_0335_market_conf(void)
{
    eng_market_conf_t conf;
    eng_state_t *st = NULL;
    char errstr[64] = "";
    T_BEGIN;
    eng_market_conf_defaults(&conf);
    T_ASSERT_INT(conf.devig, ==, ENG_DEVIG_SHIN);
    conf.max_books = 33;
    T_ASSERT((st = eng_state_new(&conf, errstr, sizeof(errstr))) == NULL);
    T_ASSERT_CONTAINS(errstr, "max_books");
    eng_market_conf_defaults(&conf);
    conf.max_books = 2;
    st = eng_state_new(&conf, errstr, sizeof(errstr));
    T_ASSERT(st);
    {
        eng_market_t *mk;
        T_ASSERT_INT(h2h(st, TS, "g1", "a", -110, -110, &mk), ==, SV_OK);
        T_ASSERT_INT(h2h(st, TS, "g1", "b", -110, -110, &mk), ==, SV_OK);
        T_ASSERT_INT(h2h(st, TS, "g1", "c", -110, -110, &mk), ==, SV_ERR_INVALID);
        T_ASSERT_INT(h2h(st, TS + 1, "g1", "b", -120, 100, &mk), ==, SV_OK);
    }
end:
    eng_state_free(st);
    return t_rc_;
}

/* Retiring half of 3,000 games: they are no longer found, counted or walked; the rest are found
 * with their prices (the hash index shifted entries back over the holes); 1,500 new games then
 * take exactly the freed indices, start empty, and the state does not grow. */
int test_0343_market_retire(void);
int test_0343_market_retire(void)
{
    eng_state_t *st = state_new();
    eng_market_t *mk = NULL;
    eng_game_t *g;
    eng_state_stats_t s;
    char ev[32];
    uint8_t *freed = NULL;
    T_BEGIN;
    T_ASSERT(st);
    for (int i = 0; i < 3000; i++) {
        snprintf(ev, sizeof(ev), "ev-%d", i);
        T_ASSERT_INT(h2h(st, TS + i, ev, "b1", 100 + i % 500, -(100 + i % 500), &mk), ==, SV_OK);
        T_ASSERT_INT(mk->idx, ==, i);
    }
    T_ASSERT_INT(game(st, TS, "ev-2", WIRE_GAME_FINAL), ==, SV_OK);
    for (int i = 0; i < 3000; i += 2) {
        snprintf(ev, sizeof(ev), "ev-%d", i);
        g = eng_state_game(st, ev);
        T_ASSERT(g && g->market_cnt == 1);
        T_ASSERT_INT(eng_state_retire_game(st, g), ==, SV_OK);
        T_ASSERT_STR(g->event_id, "");
        T_ASSERT_INT(g->market_cnt, ==, 0);
        T_ASSERT(!g->known);
        T_ASSERT_INT(eng_state_market_at(st, (size_t)i)->quote_cnt, ==, 0);
        T_ASSERT_STR(eng_state_market_at(st, (size_t)i)->event_id, "");
    }
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.market_cnt, ==, 1500);
    T_ASSERT_INT(s.game_cnt, ==, 1500);
    T_ASSERT_INT(eng_state_market_cnt(st), ==, 3000); /* entries, free ones included */
    for (int i = 0; i < 3000; i++) {
        snprintf(ev, sizeof(ev), "ev-%d", i);
        mk = eng_state_market(st, ev, "h2h", "");
        if (i % 2 == 0) {
            T_ASSERT(mk == NULL);
            T_ASSERT(eng_state_game(st, ev) == NULL);
            continue;
        }
        T_ASSERT(mk && mk->idx == (uint32_t)i);
        T_ASSERT_INT(cand(mk, "Home")->best_american, ==, 100 + i % 500);
        T_ASSERT(eng_state_game(st, ev) == eng_state_game_at(st, (uint32_t)i));
    }
    /* new games take the freed indices (each once), empty and keyed anew */
    T_ASSERT((freed = calloc(3000, 1)) != NULL);
    for (int i = 0; i < 1500; i++) {
        snprintf(ev, sizeof(ev), "nw-%d", i);
        T_ASSERT_INT(h2h(st, TS + i, ev, "b2", 150, -170, &mk), ==, SV_OK);
        T_ASSERT(mk->idx < 3000 && mk->idx % 2 == 0 && !freed[mk->idx]);
        freed[mk->idx] = 1;
        T_ASSERT_INT(mk->game, ==, mk->idx); /* one market per game: the game's index too */
        T_ASSERT_STR(mk->event_id, ev);
        T_ASSERT_INT(mk->quote_cnt, ==, 1);
        T_ASSERT_INT(mk->hist_cnt, ==, 1);
        T_ASSERT_INT(mk->updates, ==, 1);
        T_ASSERT(!mk->close_set);
        T_ASSERT_INT(cand(mk, "Home")->best_american, ==, 150);
        T_ASSERT_STR(eng_state_book_name(st, mk->cands[0].best_book), "b2");
        g = eng_state_game(st, ev);
        T_ASSERT(g && !g->known && g->part == -1 && g->market_cnt == 1);
    }
    eng_state_stats(st, &s);
    T_ASSERT_INT(s.market_cnt, ==, 3000);
    T_ASSERT_INT(s.game_cnt, ==, 3000);
    T_ASSERT_INT(eng_state_market_cnt(st), ==, 3000);
    T_ASSERT(eng_state_game_at(st, 3000) == NULL);
    /* the next new one is appended */
    T_ASSERT_INT(h2h(st, TS, "last", "b1", 110, -130, &mk), ==, SV_OK);
    T_ASSERT_INT(mk->idx, ==, 3000);
end:
    free(freed);
    eng_state_free(st);
    return t_rc_;
}

/* The hash index against a plain list, over inserts and removes that collide on purpose (few
 * distinct hashes, many values each; small tables that wrap around). */
int test_0344_htab_remove(void);
int test_0344_htab_remove(void)
{
    enum { N = 4000 };
    static uint64_t hs[N];
    static uint8_t in[N];
    eng_htab_t ht;
    uint64_t x = 88172645463325252ULL;
    T_BEGIN;
    eng_htab_init(&ht);
    for (int i = 0; i < N; i++)
        hs[i] = (uint64_t)(i % 37) * 0x9E3779B97F4A7C15ULL + (i % 5 == 0 ? 0 : 1); /* 0 included */
    for (int step = 0; step < 60000; step++) {
        uint32_t v;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        v = (uint32_t)(x % N);
        if (in[v]) {
            T_ASSERT(eng_htab_remove(&ht, hs[v], v));
            T_ASSERT(!eng_htab_remove(&ht, hs[v], v));
            in[v] = 0;
        } else {
            T_ASSERT_INT(eng_htab_insert(&ht, hs[v], v), ==, SV_OK);
            in[v] = 1;
        }
        if (step % 997 == 0 || step == 59999) {
            size_t cnt = 0;
            for (uint32_t k = 0; k < N; k++) {
                eng_htab_it_t it;
                uint32_t got;
                bool found = false;
                eng_htab_probe(&ht, hs[k], &it);
                while ((got = eng_htab_next(&ht, &it)) != ENG_HTAB_NONE)
                    found |= got == k;
                T_ASSERT_INT(found, ==, in[k]);
                cnt += in[k];
            }
            T_ASSERT_INT(ht.cnt, ==, cnt);
        }
    }
end:
    eng_htab_release(&ht);
    return t_rc_;
}

/* When games retire (engine/retire.h): per partition clock, due in order, remembered for as long
 * again, forgotten with their partition. */
int test_0345_retire_queue(void);
int test_0345_retire_queue(void)
{
    eng_retire_t *r = eng_retire_new(1000), *off = eng_retire_new(0);
    eng_retire_stats_t s;
    uint32_t gi = 0;
    char id[WIRE_ID_MAX + 1];
    uint8_t mask[4] = {0, 1, 0, 0};
    T_BEGIN;
    T_ASSERT(r && off);
    T_ASSERT_INT(eng_retire_clock(r, 0, 5000), ==, 5000);
    T_ASSERT_INT(eng_retire_clock(r, 0, 4000), ==, 5000); /* the latest time carried */
    T_ASSERT_INT(eng_retire_schedule(r, 7, "a", 0, 4500), ==, SV_OK); /* due 5000 + 1000 */
    T_ASSERT_INT(eng_retire_schedule(r, 8, "b", 0, 5500), ==, SV_OK); /* due 5500 + 1000 */
    T_ASSERT_INT(eng_retire_schedule(r, 9, "c", 1, 100), ==, SV_OK);  /* partition 1: 1100 */
    T_ASSERT(!eng_retire_next(r, 0, &gi, id));
    eng_retire_clock(r, 0, 5999);
    T_ASSERT(!eng_retire_next(r, 0, &gi, id));
    eng_retire_clock(r, 0, 6000);
    T_ASSERT(eng_retire_next(r, 0, &gi, id));
    T_ASSERT_INT(gi, ==, 7);
    T_ASSERT_STR(id, "a");
    T_ASSERT(!eng_retire_next(r, 0, &gi, id));
    T_ASSERT(!eng_retire_next(r, 1, &gi, id)); /* partition 1's clock is 0: another partition's
                                                * time never retires its games */
    T_ASSERT_INT(eng_retire_mark(r, "a", 0), ==, SV_OK); /* remembered until 6000 + 1000 */
    T_ASSERT(eng_retire_is(r, "a", 0));
    T_ASSERT(!eng_retire_is(r, "b", 0));
    eng_retire_clock(r, 0, 6999);
    T_ASSERT(eng_retire_is(r, "a", 0));
    eng_retire_clock(r, 0, 7000);
    T_ASSERT(!eng_retire_is(r, "a", 0)); /* over, even before it is pruned */
    eng_retire_stats(r, &s);
    T_ASSERT_INT(s.remembered, ==, 1);
    T_ASSERT_INT(s.due, ==, 1 + 1);
    T_ASSERT(eng_retire_next(r, 0, &gi, id)); /* b, due 6500; prunes a */
    T_ASSERT_INT(gi, ==, 8);
    T_ASSERT_STR(id, "b");
    eng_retire_stats(r, &s);
    T_ASSERT_INT(s.remembered, ==, 0);
    T_ASSERT_INT(s.scheduled, ==, 3);
    /* partition 1 is rebuilt: its due game and clock go */
    T_ASSERT_INT(eng_retire_mark(r, "c", 1), ==, SV_OK);
    T_ASSERT(eng_retire_is(r, "c", 1));
    eng_retire_forget(r, mask, sizeof(mask));
    T_ASSERT(!eng_retire_is(r, "c", 1));
    eng_retire_clock(r, 1, 5000);
    T_ASSERT(!eng_retire_next(r, 1, &gi, id));
    eng_retire_stats(r, &s);
    T_ASSERT_INT(s.due, ==, 0);
    T_ASSERT_INT(s.remembered, ==, 0);
    /* many marks come and go: the entries are reused */
    for (int i = 0; i < 5000; i++) {
        char e[16];
        snprintf(e, sizeof(e), "m%d", i);
        eng_retire_clock(r, 2, 10000 + (int64_t)i * 100);
        T_ASSERT_INT(eng_retire_mark(r, e, 2), ==, SV_OK);
        T_ASSERT(!eng_retire_next(r, 2, &gi, id)); /* prunes what is over */
    }
    eng_retire_stats(r, &s);
    T_ASSERT_INT(s.remembered, ==, 10); /* marks of the last 1,000 ms: 4990 to 4999 */
    T_ASSERT(eng_retire_is(r, "m4999", 2));
    T_ASSERT(eng_retire_is(r, "m4990", 2));
    T_ASSERT(!eng_retire_is(r, "m4989", 2));
    /* 0: never */
    T_ASSERT_INT(eng_retire_schedule(off, 1, "x", 0, 1), ==, SV_OK);
    eng_retire_clock(off, 0, INT64_MAX / 2);
    T_ASSERT(!eng_retire_next(off, 0, &gi, id));
end:
    eng_retire_free(r);
    eng_retire_free(off);
    return t_rc_;
}
