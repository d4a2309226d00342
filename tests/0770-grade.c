/*
 * 0770–0779: grading one bet or signal (engine/grade.h) with hand-computed values: every game-line
 * rule of spec/original-system.md §5.1 as the engine applies it (h2h 2- and 3-way, spreads,
 * totals), void games, props and unknown sides left open, odds-aware P/L in cents, closing price
 * and CLV (spec/quant.md "Evaluation").
 */
#include "grade.h"
#include "harness.h"

#define EPS 1e-9

/* Lakers (home) 110 - Celtics (away) 105: margin 5, total 215. */
static const eng_grade_game_t nba = {"Lakers", "Celtics", 110, 105, false, false};
/* 100 - 100: a tie in a 2-way market. */
static const eng_grade_game_t nba_tie = {"Lakers", "Celtics", 100, 100, false, false};
/* Soccer, 3-way h2h: 1 - 1 and 2 - 1. */
static const eng_grade_game_t epl_draw = {"Arsenal", "Chelsea", 1, 1, true, false};
static const eng_grade_game_t epl_home = {"Arsenal", "Chelsea", 2, 1, true, false};
/* Postponed: scores meaningless. */
static const eng_grade_game_t nba_void = {"Lakers", "Celtics", 0, 0, false, true};

/* A game-line bet without a close. */
static eng_grade_bet_t bet(const char *market, const char *side, bool has_point, double point,
                           int price, double stake)
{
    eng_grade_bet_t b = {market, side, NULL, has_point, point, price, stake, false, 0.0};
    return b;
}

static eng_grade_out_t grade(eng_grade_bet_t b, const eng_grade_game_t *g)
{
    eng_grade_out_t o;
    eng_grade(&b, g, &o);
    return o;
}

int test_0770_grade_h2h(void);
int test_0770_grade_h2h(void)
{
    eng_grade_out_t o;
    T_BEGIN;
    /* Lakers won 110-105 at -150: d = 1 + 100/150, win pays 100 * 2/3 = 66.666.. -> 66.67 */
    o = grade(bet("h2h", "Lakers", false, 0, -150, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 66.67, EPS);
    T_ASSERT(!o.has_close);
    /* Celtics lost at +130: -stake */
    o = grade(bet("h2h", "Celtics", false, 0, 130, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT_DBL(o.pnl, -100.0, EPS);
    /* 2-way tie: push for both teams, stake back (0) */
    o = grade(bet("h2h", "Lakers", false, 0, -150, 100), &nba_tie);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    o = grade(bet("h2h", "Celtics", false, 0, 130, 100), &nba_tie);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    /* 3-way 1-1: Draw at +240 wins 10 * 2.4 = 24.00; the teams lose (no push with a Draw) */
    o = grade(bet("h2h", "Draw", false, 0, 240, 10), &epl_draw);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 24.0, EPS);
    o = grade(bet("h2h", "Arsenal", false, 0, 150, 10), &epl_draw);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT_DBL(o.pnl, -10.0, EPS);
    o = grade(bet("h2h", "Chelsea", false, 0, 200, 10), &epl_draw);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    /* 3-way 2-1: Draw loses, Arsenal at +150 wins 10 * 1.5 = 15.00 */
    o = grade(bet("h2h", "Draw", false, 0, 240, 10), &epl_home);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT_DBL(o.pnl, -10.0, EPS);
    o = grade(bet("h2h", "Arsenal", false, 0, 150, 10), &epl_home);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 15.0, EPS);
    T_END;
}

int test_0771_grade_spreads(void);
int test_0771_grade_spreads(void)
{
    eng_grade_out_t o;
    T_BEGIN;
    /* home Lakers -4.5: 110 - 4.5 = 105.5 > 105 win; at -110, 100 * 100/110 = 90.909 -> 90.91 */
    o = grade(bet("spreads", "Lakers", true, -4.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 90.91, EPS);
    /* home Lakers -5.5: 104.5 < 105 loss */
    o = grade(bet("spreads", "Lakers", true, -5.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT_DBL(o.pnl, -100.0, EPS);
    /* away Celtics +4.5: 109.5 < 110 loss */
    o = grade(bet("spreads", "Celtics", true, 4.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    /* away Celtics +7.5: 112.5 > 110 win; at -105, 50 * 100/105 = 47.619 -> 47.62 */
    o = grade(bet("spreads", "Celtics", true, 7.5, -105, 50), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 47.62, EPS);
    /* integer line, margin 5: Lakers -5 (105 vs 105) and Celtics +5 (110 vs 110) push */
    o = grade(bet("spreads", "Lakers", true, -5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    o = grade(bet("spreads", "Celtics", true, 5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    /* a spread without its point cannot be settled */
    o = grade(bet("spreads", "Lakers", false, 0, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    T_END;
}

int test_0772_grade_totals(void);
int test_0772_grade_totals(void)
{
    eng_grade_out_t o;
    T_BEGIN;
    /* combined 215: Over 214.5 wins (+100: 100.00), Under 214.5 loses */
    o = grade(bet("totals", "Over", true, 214.5, 100, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    T_ASSERT_DBL(o.pnl, 100.0, EPS);
    o = grade(bet("totals", "Under", true, 214.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT_DBL(o.pnl, -100.0, EPS);
    /* Under 220.5 wins, Over 220.5 loses */
    o = grade(bet("totals", "Under", true, 220.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    o = grade(bet("totals", "Over", true, 220.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    /* on the number: both push */
    o = grade(bet("totals", "Over", true, 215, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    o = grade(bet("totals", "Under", true, 215, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_PUSH);
    T_END;
}

int test_0773_grade_void_open(void);
int test_0773_grade_void_open(void)
{
    eng_grade_bet_t b;
    eng_grade_out_t o;
    T_BEGIN;
    /* void game: every market is void, pnl 0 */
    o = grade(bet("h2h", "Lakers", false, 0, -150, 100), &nba_void);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_VOID);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    o = grade(bet("totals", "Over", true, 214.5, -110, 100), &nba_void);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_VOID);
    o = grade(bet("SHARP", "Lakers", false, 0, -110, 100), &nba_void);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_VOID);
    /* a prop: not graded (no player statistics) ... */
    b = bet("player_points", "Over", true, 25.5, -115, 100);
    b.player = "LeBron James";
    o = grade(b, &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    /* ... unless its game is void */
    o = grade(b, &nba_void);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_VOID);
    /* "" as player is a game line */
    b = bet("h2h", "Lakers", false, 0, -150, 100);
    b.player = "";
    o = grade(b, &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
    /* unknown sides and markets stay open */
    o = grade(bet("h2h", "Knicks", false, 0, 120, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    o = grade(bet("spreads", "Knicks", true, 3.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    o = grade(bet("totals", "Yes", true, 214.5, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    o = grade(bet("SHARP", "Lakers", false, 0, -110, 100), &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_OPEN);
    T_ASSERT_DBL(o.pnl, 0.0, 0.0);
    T_END;
}

int test_0774_grade_pnl(void);
int test_0774_grade_pnl(void)
{
    static const struct {
        int price;
        double stake, win; /* win = stake (d - 1) to cents */
    } v[] = {
        {-110, 100, 90.91}, /* 100 * 100/110 = 90.9090.. */
        {150, 100, 150.00}, /* 100 * 1.5 */
        {-105, 10, 9.52},   /* 10 * 100/105 = 9.5238.. */
        {100, 100, 100.00}, /* even money */
        {-250, 100, 40.00}, /* 100 * 100/250 */
        {-250, 10, 4.00},   /* 10 * 0.4 */
        {-110, 50, 45.45},  /* 50 * 100/110 = 45.4545.. */
        {-110, 11, 10.00},  /* 11 * 100/110 */
        {-115, 3, 2.61},    /* 3 * 100/115 = 2.6086.. */
        {101, 0.5, 0.51},   /* 0.5 * 1.01 = 0.505 exactly: half away from zero */
        {105, 1, 1.05},     /* (2.05 - 1) is 1.0499999.. in binary */
        {-200, 1.5, 0.75},  /* 1.5 * 0.5 */
    };
    eng_grade_out_t o;
    T_BEGIN;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        o = grade(bet("h2h", "Lakers", false, 0, v[i].price, v[i].stake), &nba);
        T_ASSERT_INT(o.result, ==, ENG_GRADE_WIN);
        if (fabs(o.pnl - v[i].win) > EPS)
            T_FAILF("win at %d stake %g: %.17g, want %.2f", v[i].price, v[i].stake, o.pnl,
                    v[i].win);
        o = grade(bet("h2h", "Celtics", false, 0, v[i].price, v[i].stake), &nba);
        T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
        T_ASSERT_DBL(o.pnl, -v[i].stake, 0.0);
    }
    /* the rounding itself: halves away from zero on both signs */
    T_ASSERT_DBL(eng_grade_round_cents(0.505), 0.51, EPS);
    T_ASSERT_DBL(eng_grade_round_cents(-0.505), -0.51, EPS);
    T_ASSERT_DBL(eng_grade_round_cents(1.005), 1.01, EPS);
    T_ASSERT_DBL(eng_grade_round_cents(2.675), 2.68, EPS);
    T_ASSERT_DBL(eng_grade_round_cents(0.5049), 0.50, EPS);
    T_ASSERT_DBL(eng_grade_round_cents(0.0), 0.0, 0.0);
    T_END;
}

int test_0775_grade_clv(void);
int test_0775_grade_clv(void)
{
    eng_grade_bet_t b;
    eng_grade_out_t o;
    T_BEGIN;
    /* +150 (d 2.5), p_close 0.45: d_close 2.2222.., closing +round(122.22) = +122,
     * CLV = 2.5 * 0.45 - 1 = 0.125 */
    b = bet("h2h", "Lakers", false, 0, 150, 100);
    b.has_close = true;
    b.p_close = 0.45;
    o = grade(b, &nba);
    T_ASSERT(o.has_close);
    T_ASSERT_INT(o.closing_price, ==, 122);
    T_ASSERT_DBL(o.clv, 0.125, EPS);
    T_ASSERT_DBL(o.pnl, 150.0, EPS);
    /* -110 (d 21/11), p_close 0.5: d_close 2.0, closing +100, CLV = 21/22 - 1 = -1/22 */
    b.price = -110;
    b.p_close = 0.5;
    o = grade(b, &nba);
    T_ASSERT_INT(o.closing_price, ==, 100);
    T_ASSERT_DBL(o.clv, -1.0 / 22.0, EPS);
    /* -110, p_close 0.55: d_close 20/11, closing -round(100 / (9/11)) = -round(122.2..) = -122,
     * CLV = (21/11) / (20/11) - 1 = 0.05 */
    b.p_close = 0.55;
    o = grade(b, &nba);
    T_ASSERT_INT(o.closing_price, ==, -122);
    T_ASSERT_DBL(o.clv, 0.05, EPS);
    /* p_close 0.6: d_close 5/3, closing -round(100 / (2/3)) = -150; at -150 CLV is 0 */
    b.price = -150;
    b.p_close = 0.6;
    o = grade(b, &nba);
    T_ASSERT_INT(o.closing_price, ==, -150);
    T_ASSERT_DBL(o.clv, 0.0, EPS);
    /* the close is independent of the result: a loss, a void game, an open prop */
    b.price = 150;
    b.p_close = 0.45;
    b.side = "Celtics";
    o = grade(b, &nba);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_LOSS);
    T_ASSERT(o.has_close);
    T_ASSERT_DBL(o.clv, 0.125, EPS);
    o = grade(b, &nba_void);
    T_ASSERT_INT(o.result, ==, ENG_GRADE_VOID);
    T_ASSERT(o.has_close);
    T_ASSERT_INT(o.closing_price, ==, 122);
    /* p_close outside (0, 1), NaN, or not given: no close */
    b.p_close = 0.0;
    T_ASSERT(!grade(b, &nba).has_close);
    b.p_close = 1.0;
    T_ASSERT(!grade(b, &nba).has_close);
    b.p_close = -0.2;
    T_ASSERT(!grade(b, &nba).has_close);
    b.p_close = NAN;
    T_ASSERT(!grade(b, &nba).has_close);
    b.p_close = 0.45;
    b.has_close = false;
    o = grade(b, &nba);
    T_ASSERT(!o.has_close);
    T_ASSERT_INT(o.closing_price, ==, 0);
    T_ASSERT_DBL(o.clv, 0.0, 0.0);
    T_END;
}

int test_0776_grade_names(void);
int test_0776_grade_names(void)
{
    wire_grade_result_t w = WIRE_GRADE_WIN;
    T_BEGIN;
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE_WIN), "win");
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE_LOSS), "loss");
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE_PUSH), "push");
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE_VOID), "void");
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE_OPEN), "open");
    T_ASSERT_STR(eng_grade_result_name(ENG_GRADE__CNT), "?");
    T_ASSERT(eng_grade_to_wire(ENG_GRADE_LOSS, &w));
    T_ASSERT_INT(w, ==, WIRE_GRADE_LOSS);
    T_ASSERT(eng_grade_to_wire(ENG_GRADE_PUSH, &w));
    T_ASSERT_INT(w, ==, WIRE_GRADE_PUSH);
    T_ASSERT(eng_grade_to_wire(ENG_GRADE_VOID, &w));
    T_ASSERT_INT(w, ==, WIRE_GRADE_VOID);
    T_ASSERT(eng_grade_to_wire(ENG_GRADE_WIN, &w));
    T_ASSERT_INT(w, ==, WIRE_GRADE_WIN);
    T_ASSERT(!eng_grade_to_wire(ENG_GRADE_OPEN, &w));
    T_ASSERT_INT(w, ==, WIRE_GRADE_WIN); /* untouched */
    T_END;
}
