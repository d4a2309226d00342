/*
 * grade — the grade of one bet or signal: result by the market rules shared with the backtest
 * (eng_backtest_settle), profit and loss by spec/quant.md rounded to cents, closing price and
 * closing-line value from the fair close. Pure functions; see grade.h and docs/grading.md.
 */
#include "grade.h"

#include <assert.h>
#include <math.h>

#include "backtest.h"
#include "quant.h"

static const char *const grade_names[ENG_GRADE__CNT] = {
    [ENG_GRADE_WIN] = "win",   [ENG_GRADE_LOSS] = "loss", [ENG_GRADE_PUSH] = "push",
    [ENG_GRADE_VOID] = "void", [ENG_GRADE_OPEN] = "open",
};

const char *eng_grade_result_name(eng_grade_result_t r)
{
    return (unsigned)r < ENG_GRADE__CNT ? grade_names[r] : "?";
}

bool eng_grade_to_wire(eng_grade_result_t r, wire_grade_result_t *w)
{
    switch (r) {
    case ENG_GRADE_WIN: *w = WIRE_GRADE_WIN; return true;
    case ENG_GRADE_LOSS: *w = WIRE_GRADE_LOSS; return true;
    case ENG_GRADE_PUSH: *w = WIRE_GRADE_PUSH; return true;
    case ENG_GRADE_VOID: *w = WIRE_GRADE_VOID; return true;
    default: return false;
    }
}

double eng_grade_round_cents(double x)
{
    /* round() rounds halves away from zero; the inner rounding to 1e-6 cent absorbs
     * representation error (0.505 * 100 = 50.4999...) so that it cannot flip a half. */
    return round(round(x * 100.0 * 1e6) / 1e6) / 100.0;
}

static eng_grade_result_t grade_settle(const eng_grade_bet_t *b, const eng_grade_game_t *g)
{
    if (g->void_game)
        return ENG_GRADE_VOID;
    if (b->player && b->player[0])
        return ENG_GRADE_OPEN; /* props: no player statistics in the feeds */
    switch (eng_backtest_settle(b->market, b->side, b->has_point, b->point, g->home, g->away,
                                g->has_draw, g->home_score, g->away_score)) {
    case ENG_BACKTEST_WIN: return ENG_GRADE_WIN;
    case ENG_BACKTEST_LOSS: return ENG_GRADE_LOSS;
    case ENG_BACKTEST_PUSH: return ENG_GRADE_PUSH;
    default: return ENG_GRADE_OPEN;
    }
}

void eng_grade(const eng_grade_bet_t *b, const eng_grade_game_t *g, eng_grade_out_t *out)
{
    double d;

    assert(b->price >= 100 || b->price <= -100);
    d = eng_quant_american_to_decimal(b->price);
    out->result = grade_settle(b, g);
    switch (out->result) {
    case ENG_GRADE_WIN:
        out->pnl = eng_grade_round_cents(eng_quant_pnl(ENG_RESULT_WIN, b->stake, d));
        break;
    case ENG_GRADE_LOSS: out->pnl = eng_quant_pnl(ENG_RESULT_LOSS, b->stake, d); break;
    default: out->pnl = 0.0; break;
    }
    out->has_close = b->has_close && b->p_close > 0.0 && b->p_close < 1.0;
    out->closing_price = 0;
    out->clv = 0.0;
    if (out->has_close) {
        double d_close = 1.0 / b->p_close;
        out->closing_price = eng_quant_decimal_to_american(d_close);
        out->clv = eng_quant_clv(d, d_close);
    }
}
