/*
 * 0620–0639: Elo ratings (engine/ml/elo.h) and the AI engine's feature vector
 * (engine/ml/features.h). Elo figures are hand-computed with Python (math.log, 10 ** x) from the
 * rules of docs/ai.md and written as digits; the feature vector is checked field by field for a
 * state built here from games, context and odds events, against the arithmetic of the rules
 * (multiplicative de-vig: p = (1/d1) / (1/d1 + 1/d2)).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "market.h"
#include "ml/elo.h"
#include "ml/features.h"
#include "sv_util.h"
#include "wire.h"

#define TS 1767225600000LL /* 2026-01-01T00:00:00Z */
#define HOUR 3600000LL
#define EPS 1e-9

/* ---- Elo ---------------------------------------------------------------------------------- */

int test_0620_elo_win(void);
int test_0620_elo_win(void)
{
    eng_elo_t *elo = eng_elo_new();
    wire_err_t err;
    T_BEGIN;
    T_ASSERT(elo);
    /* nba (K 20, HA 65): E = 1/(1 + 10^(-65/400)) = 0.59246623058433179; home wins by 10:
     * delta = 20 · ln(11) · (1 - E) = 19.544465983750641 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "n1", "nba", "Celtics", "Lakers", 110, 100, &err), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Celtics"), 1519.5444659837506, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Lakers"), 1480.4555340162494, EPS);
    /* Lakers at home win by 3 (mov ln 4): E = 0.53722004540299617, delta 12.830984829942908 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "n2", "nba", "Lakers", "Celtics", 103, 100, &err), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Celtics"), 1506.7134811538076, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Lakers"), 1493.2865188461924, EPS);
    T_ASSERT_INT(eng_elo_team_cnt(elo), ==, 2);
    T_ASSERT_INT(eng_elo_games_cnt(elo), ==, 2);
    T_ASSERT_STR(eng_elo_team_at(elo, 0)->team, "Celtics");
    T_ASSERT_INT(eng_elo_team_at(elo, 0)->games, ==, 2);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Knicks"), ENG_ELO_START, 0); /* never rated */
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

int test_0621_elo_loss_margin(void);
int test_0621_elo_loss_margin(void)
{
    eng_elo_t *elo = eng_elo_new();
    T_BEGIN;
    T_ASSERT(elo);
    /* nfl (K 20, HA 48): home loses by 1, mov max(1, ln 2) = 1: E = 0.56864139188366769,
     * delta = 20 · (0 - E) = -11.372827837673354 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "f1", "nfl", "Bills", "Jets", 20, 21, NULL), ==, SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nfl", "Bills"), 1488.6271721623266, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nfl", "Jets"), 1511.3728278376734, EPS);
    /* the margin factor: a 20-point loss moves by ln(21) times as much (same E, fresh teams) */
    T_ASSERT_INT(eng_elo_apply_result(elo, "f2", "nfl", "Colts", "Titans", 10, 30, NULL), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nfl", "Colts"), 1500 - 11.372827837673354 * log(21.0),
                 EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nfl", "Colts"), 1465.375170467838, EPS);
    /* nhl (K 8, HA 33) and mlb (K 4, HA 24): a one-goal home win moves by K (1 - E) */
    T_ASSERT_INT(eng_elo_apply_result(elo, "h1", "nhl", "Bruins", "Rangers", 3, 2, NULL), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nhl", "Bruins"), 1503.6212118556332, EPS);
    T_ASSERT_INT(eng_elo_apply_result(elo, "m1", "mlb", "Yankees", "Red Sox", 5, 4, NULL), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "mlb", "Yankees"), 1501.8620642210926, EPS);
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

int test_0622_elo_draw(void);
int test_0622_elo_draw(void)
{
    eng_elo_t *elo = eng_elo_new();
    double ph, pd;
    T_BEGIN;
    T_ASSERT(elo);
    /* soccer_epl (soccer_ row: K 20, HA 60, nu 0.8): 1-1, S 0.5, mov 1:
     * E = 0.58549867867180949, delta = 20 · (0.5 - E) = -1.7099735734361898 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "s1", "soccer_epl", "Arsenal", "Chelsea", 1, 1, NULL),
                 ==, SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "soccer_epl", "Arsenal"), 1498.2900264265638, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "soccer_epl", "Chelsea"), 1501.7099735734362, EPS);
    /* Davidson: s = 0.8 sqrt(E (1 - E)), p_home = E / (1 + s), p_draw = s / (1 + s) */
    T_ASSERT_INT(eng_elo_prob(elo, "soccer_epl", "Arsenal", "Chelsea", &ph, &pd), ==, SV_OK);
    T_ASSERT_DBL(ph, 0.41635515574851795, EPS);
    T_ASSERT_DBL(pd, 0.28302765159126347, EPS);
    T_ASSERT_DBL(1 - ph - pd, 0.30061719266021858, EPS);
    T_ASSERT_DBL(ph + pd + 0.30061719266021858, 1.0, EPS);
    /* a 0-0 draw in the nhl also scores 0.5 (no draw probability there) */
    T_ASSERT_INT(eng_elo_apply_result(elo, "h9", "nhl", "Bruins", "Rangers", 0, 0, NULL), ==,
                 SV_OK);
    T_ASSERT_INT(eng_elo_prob(elo, "nhl", "Bruins", "Rangers", &ph, &pd), ==, SV_OK);
    T_ASSERT_DBL(pd, 0.0, 0);
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

/* A games event of the nba. */
static void elo_game(wire_game_t *g, const char *id, wire_game_status_t status, int hs, int as)
{
    memset(g, 0, sizeof(*g));
    g->v = 1;
    g->ts = TS;
    g->commence_ts = TS;
    snprintf(g->event_id, sizeof(g->event_id), "%s", id);
    strcpy(g->sport, "nba");
    strcpy(g->home, "Celtics");
    strcpy(g->away, "Lakers");
    g->status = status;
    if (hs >= 0) {
        g->home_score = hs;
        g->away_score = as;
        g->present = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    }
}

int test_0623_elo_once(void);
int test_0623_elo_once(void)
{
    eng_elo_t *elo = eng_elo_new();
    wire_game_t g;
    wire_err_t err;
    bool applied = true;
    T_BEGIN;
    T_ASSERT(elo);
    /* not results: live with a score, final without scores */
    elo_game(&g, "n1", WIRE_GAME_LIVE, 50, 40);
    T_ASSERT_INT(eng_elo_apply_game(elo, &g, &applied), ==, SV_OK);
    T_ASSERT(!applied);
    elo_game(&g, "n1", WIRE_GAME_FINAL, -1, -1);
    T_ASSERT_INT(eng_elo_apply_game(elo, &g, &applied), ==, SV_OK);
    T_ASSERT(!applied);
    T_ASSERT_INT(eng_elo_games_cnt(elo), ==, 0);
    T_ASSERT_INT(eng_elo_team_cnt(elo), ==, 0);
    /* the final applies once; a repeated (or corrected) final of the same event is ignored */
    elo_game(&g, "n1", WIRE_GAME_FINAL, 110, 100);
    T_ASSERT_INT(eng_elo_apply_game(elo, &g, &applied), ==, SV_OK);
    T_ASSERT(applied);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Celtics"), 1519.5444659837506, EPS);
    elo_game(&g, "n1", WIRE_GAME_FINAL, 90, 100);
    T_ASSERT_INT(eng_elo_apply_game(elo, &g, &applied), ==, SV_OK);
    T_ASSERT(!applied);
    T_ASSERT_INT(eng_elo_apply_result(elo, "n1", "nba", "Celtics", "Lakers", 110, 100, &err), ==,
                 SV_ERR_EXISTS);
    T_ASSERT_STR(err.field, "event_id");
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Celtics"), 1519.5444659837506, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Lakers"), 1480.4555340162494, EPS);
    T_ASSERT_INT(eng_elo_games_cnt(elo), ==, 1);
    /* bad input: named field, nothing changes */
    T_ASSERT_INT(eng_elo_apply_result(elo, "n2", "nba", "Celtics", "Celtics", 1, 0, &err), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "away");
    T_ASSERT_INT(eng_elo_apply_result(elo, "n2", "nba", "Celtics", "Lakers", -1, 0, &err), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "home_score");
    T_ASSERT_INT(eng_elo_apply_result(elo, "", "nba", "Celtics", "Lakers", 1, 0, &err), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "event_id");
    T_ASSERT_INT(eng_elo_apply_result(elo, "n2", "", "Celtics", "Lakers", 1, 0, &err), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "sport");
    T_ASSERT_INT(eng_elo_games_cnt(elo), ==, 1);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Celtics"), 1519.5444659837506, EPS);
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

int test_0624_elo_sports(void);
int test_0624_elo_sports(void)
{
    eng_elo_t *elo = eng_elo_new();
    wire_err_t err;
    double ph = 0, pd = 1;
    T_BEGIN;
    T_ASSERT(elo);
    T_ASSERT(eng_elo_sport("nba") && eng_elo_sport("nba")->k == 20 &&
             eng_elo_sport("nba")->home_adv == 65);
    T_ASSERT(eng_elo_sport("soccer_spain_la_liga") &&
             eng_elo_sport("soccer_spain_la_liga")->draw_nu == 0.8);
    T_ASSERT(!eng_elo_sport("soccer_")); /* a prefix alone is no sport */
    T_ASSERT(!eng_elo_sport("curling"));
    /* the same name in two sports is two teams; a result in one leaves the other alone */
    T_ASSERT_INT(eng_elo_apply_result(elo, "x1", "nba", "Kings", "Jazz", 100, 90, NULL), ==,
                 SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Kings"), 1519.5444659837506, EPS); /* mov ln 11 */
    T_ASSERT_DBL(eng_elo_rating(elo, "nhl", "Kings"), 1500, 0);
    T_ASSERT_INT(eng_elo_apply_result(elo, "x2", "nhl", "Kings", "Jazz", 3, 2, NULL), ==, SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nhl", "Kings"), 1503.6212118556332, EPS);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "Kings"), 1519.5444659837506, EPS);
    /* two soccer leagues are two rating pools with the same constants */
    T_ASSERT_INT(eng_elo_apply_result(elo, "x3", "soccer_epl", "A", "B", 1, 1, NULL), ==, SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "soccer_germany_bundesliga", "A"), 1500, 0);
    T_ASSERT_INT(eng_elo_team_cnt(elo), ==, 6);
    /* a sport without constants: not rated, probability 0.5 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "x4", "curling", "A", "B", 7, 5, &err), ==,
                 SV_ERR_NOENT);
    T_ASSERT_STR(err.field, "sport");
    T_ASSERT_INT(eng_elo_prob(elo, "curling", "A", "B", &ph, &pd), ==, SV_ERR_NOENT);
    T_ASSERT_DBL(ph, 0.5, 0);
    T_ASSERT_DBL(pd, 0.0, 0);
    T_ASSERT_INT(eng_elo_team_cnt(elo), ==, 6);
    T_ASSERT_INT(eng_elo_games_cnt(elo), ==, 3);
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

int test_0625_elo_prob(void);
int test_0625_elo_prob(void)
{
    eng_elo_t *elo = eng_elo_new();
    double ph, pd;
    T_BEGIN;
    T_ASSERT(elo);
    /* unrated teams: the home advantage alone */
    T_ASSERT_INT(eng_elo_prob(elo, "nba", "Celtics", "Lakers", &ph, &pd), ==, SV_OK);
    T_ASSERT_DBL(ph, 0.59246623058433179, EPS);
    T_ASSERT_DBL(pd, 0, 0);
    T_ASSERT_INT(eng_elo_prob(elo, "soccer_epl", "A", "B", &ph, NULL), ==, SV_OK);
    /* E(60) = 0.58549867867180949, s = 0.8 sqrt(E (1 - E)) = 0.39410859493931338 */
    T_ASSERT_DBL(ph, 0.41998068213423262, EPS);
    /* after Celtics 110 - Lakers 100: ratings 1519.5444659837506 / 1480.4555340162494 */
    T_ASSERT_INT(eng_elo_apply_result(elo, "n1", "nba", "Celtics", "Lakers", 110, 100, NULL), ==,
                 SV_OK);
    T_ASSERT_INT(eng_elo_prob(elo, "nba", "Celtics", "Lakers", &ph, &pd), ==, SV_OK);
    T_ASSERT_DBL(ph, 0.64546960931642849, EPS);
    T_ASSERT_INT(eng_elo_prob(elo, "nba", "Lakers", "Celtics", &ph, &pd), ==, SV_OK);
    T_ASSERT_DBL(ph, 0.53722004540299617, EPS);
    T_ASSERT_DBL(ph + (1 - ph - pd), 1.0, 0);
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}

/* ---- features ------------------------------------------------------------------------------ */

int test_0626_feat_hash(void);
int test_0626_feat_hash(void)
{
    const char *names[ENG_FEAT_N];
    T_BEGIN;
    T_ASSERT_INT(ENG_FEAT_N, <=, 16);
    T_ASSERT_STR(eng_feat_names[0], "p_fair");
    T_ASSERT_STR(eng_feat_names[ENG_FEAT_N - 1], "side");
    /* FNV-1a 64 of "savant-features:1\np_fair\nd_p_fair\n...\nside" (Python) */
    T_ASSERT(eng_feat_hash() == 0x3241eb11901e62fbULL);
    T_ASSERT(eng_feat_hash_of(eng_feat_names, ENG_FEAT_N, ENG_FEAT_VERSION) == eng_feat_hash());
    /* another order, another version, one name fewer: other hashes */
    memcpy(names, eng_feat_names, sizeof(names));
    names[0] = eng_feat_names[1];
    names[1] = eng_feat_names[0];
    T_ASSERT(eng_feat_hash_of(names, ENG_FEAT_N, 1) == 0x5a3ce2143f0f65a1ULL);
    T_ASSERT(eng_feat_hash_of(eng_feat_names, ENG_FEAT_N, 2) == 0x742586f8f129fcf8ULL);
    T_ASSERT(eng_feat_hash_of(eng_feat_names, ENG_FEAT_N - 1, 1) != eng_feat_hash());
    /* FNV-1a of the empty list is FNV-1a of the head alone ("savant-features:1") */
    T_ASSERT(eng_feat_hash_of(names, 0, 1) == 0x5262985072b5032fULL);
    T_END;
}

int test_0627_feat_compute(void);
int test_0627_feat_compute(void)
{
    eng_feat_in_t in;
    float x[ENG_FEAT_N];
    T_BEGIN;
    memset(&in, 0, sizeof(in));
    in.p_fair = 0.55, in.d_p_fair = -0.0125, in.best_dec = 2.5, in.line_variance = 1.5;
    in.line = -3.5, in.d_line = 0.5, in.steam = true, in.hours_to_commence = 100;
    in.score_diff = -4, in.period = 2, in.clock_frac = 0.25, in.has_splits = true;
    in.ticket_pct = 62, in.money_pct = 40, in.elo_p = 0.6, in.side = 1;
    eng_feat_compute(&in, x);
    {
        const float want[ENG_FEAT_N] = {0.55f, -0.0125f, 0.4f, 1.5f, -3.5f, 0.5f, 1, 72, -4, 2,
                                        0.25f, 0.62f,    0.4f, 1,    0.6f,  1};
        for (int j = 0; j < ENG_FEAT_N; j++)
            if (x[j] != want[j])
                T_FAILF("feature %d (%s): %.9g, want %.9g", j, eng_feat_names[j], (double)x[j],
                        (double)want[j]);
    }
    /* clamps below, splits unknown, no price, non-finite values */
    memset(&in, 0, sizeof(in));
    in.hours_to_commence = -7.5, in.p_fair = NAN, in.line = INFINITY, in.elo_p = 0.5;
    in.ticket_pct = 90, in.side = -1;
    eng_feat_compute(&in, x);
    {
        const float want[ENG_FEAT_N] = {0, 0, 0, 0, 0, 0, 0, -6, 0, 0, 0, 0.5f, 0.5f, 0, 0.5f, -1};
        for (int j = 0; j < ENG_FEAT_N; j++)
            if (x[j] != want[j])
                T_FAILF("feature %d (%s): %.9g, want %.9g", j, eng_feat_names[j], (double)x[j],
                        (double)want[j]);
    }
    T_END;
}

/* The state of the feature tests: multiplicative de-vig, default steam (3 books, 0.02, 5 min). */
static eng_state_t *ft_state(void)
{
    eng_market_conf_t conf;
    char errstr[256];
    eng_market_conf_defaults(&conf);
    conf.devig = ENG_DEVIG_MULT;
    return eng_state_new(&conf, errstr, sizeof(errstr));
}

static sv_err_t ft_game(eng_state_t *st, int64_t ts, wire_game_status_t status, int period,
                        int clock_s, int hs, int as)
{
    wire_game_t g;
    wire_err_t err;
    eng_game_t *gp = NULL;
    memset(&g, 0, sizeof(g));
    g.v = 1, g.ts = ts, g.commence_ts = TS + 2 * HOUR, g.status = status;
    strcpy(g.event_id, "g1"), strcpy(g.sport, "nba"), strcpy(g.home, "Home"),
        strcpy(g.away, "Away");
    if (period >= 0) {
        g.period = period, g.clock_s = clock_s, g.home_score = hs, g.away_score = as;
        g.present = WIRE_GAME_HAS_PERIOD | WIRE_GAME_HAS_CLOCK_S | WIRE_GAME_HAS_HOME_SCORE |
                    WIRE_GAME_HAS_AWAY_SCORE;
    }
    return eng_state_apply_game(st, &g, &gp, &err);
}

/* A two-way quote in decimal odds (point NAN: h2h). */
static sv_err_t ft_odds(eng_state_t *st, int64_t ts, const char *book, const char *market,
                        double point, double dh, double da, eng_market_t **mk)
{
    wire_odds_t o;
    wire_err_t err;
    memset(&o, 0, sizeof(o));
    o.v = 1, o.ts = ts, o.outcome_cnt = 2;
    strcpy(o.event_id, "g1"), strcpy(o.sport, "nba");
    snprintf(o.book, sizeof(o.book), "%s", book);
    snprintf(o.market, sizeof(o.market), "%s", market);
    strcpy(o.outcomes[0].name, "Home"), strcpy(o.outcomes[1].name, "Away");
    o.outcomes[0].decimal = dh, o.outcomes[1].decimal = da;
    o.outcomes[0].present = o.outcomes[1].present = WIRE_OUTCOME_HAS_DECIMAL;
    if (!isnan(point)) {
        o.outcomes[0].point = point, o.outcomes[1].point = -point;
        o.outcomes[0].present |= WIRE_OUTCOME_HAS_POINT;
        o.outcomes[1].present |= WIRE_OUTCOME_HAS_POINT;
    }
    return eng_state_apply_odds(st, &o, mk, &err);
}

/* multiplicative fair probability of the first of two decimal prices */
static double mul2(double d0, double d1)
{
    return (1 / d0) / (1 / d0 + 1 / d1);
}

/* Compare the filled input and its vector with the expected raw values (want, in vector order
 * but with best_dec in place of best_implied, splits in percent). */
static int ft_check(const eng_feat_in_t *in, const double want[ENG_FEAT_N], bool steam,
                    bool has_splits)
{
    const double got[ENG_FEAT_N] = {in->p_fair,        in->d_p_fair,   in->best_dec,
                                    in->line_variance, in->line,       in->d_line,
                                    in->steam,         in->hours_to_commence,
                                    in->score_diff,    in->period,     in->clock_frac,
                                    in->ticket_pct,    in->money_pct,  in->has_splits,
                                    in->elo_p,         in->side};
    float x[ENG_FEAT_N];
    int ok = 1;
    for (int j = 0; j < ENG_FEAT_N; j++)
        if (fabs(got[j] - want[j]) > 1e-12) {
            fprintf(stderr, "    input %d (%s): %.17g, want %.17g\n", j, eng_feat_names[j], got[j],
                    want[j]);
            ok = 0;
        }
    if (in->steam != steam || in->has_splits != has_splits) {
        fprintf(stderr, "    steam %d has_splits %d\n", in->steam, in->has_splits);
        ok = 0;
    }
    eng_feat_compute(in, x);
    for (int j = 0; j < ENG_FEAT_N; j++) {
        double w = j == 2    ? 1 / want[2]
                   : j == 7  ? fmin(72, fmax(-6, want[7]))
                   : j == 11 ? (has_splits ? want[11] / 100 : 0.5)
                   : j == 12 ? (has_splits ? want[12] / 100 : 0.5)
                             : want[j];
        if (x[j] != (float)w) {
            fprintf(stderr, "    feature %d (%s): %.9g, want %.9g\n", j, eng_feat_names[j],
                    (double)x[j], (double)(float)w);
            ok = 0;
        }
    }
    return ok;
}

/* The index of candidate name in mk->cands. */
static size_t ft_cand(const eng_market_t *mk, const char *name)
{
    for (size_t i = 0; i < mk->cand_cnt; i++)
        if (strcmp(mk->names[mk->cands[i].name], name) == 0)
            return i;
    return SIZE_MAX;
}

/*
 * Game g1 (nba, Home vs Away, starts at TS + 2 h). Elo: one earlier result, Home 110 - Away 100,
 * so elo_p(Home) = 0.64546960931642849. Splits of Away (h2h): 30 / 55. h2h: three books open at
 * Home 2.0 / Away 1.9, then all three move to 1.8 / 2.1 within a minute: steam toward Home.
 * spreads: b1 and b2 at Home -3.5 (1.91 / 1.91), b3 at -4.5: modal -3.5, line variance 1.0.
 * Then the game goes live (period 3, 180 s left of 720, Home 80 - Away 85) and b1 moves h2h
 * to 1.5 / 2.7 forty minutes after the start.
 */
int test_0628_feat_fill(void);
int test_0628_feat_fill(void)
{
    eng_state_t *st = ft_state();
    eng_elo_t *elo = eng_elo_new();
    eng_market_t *mk = NULL, *h2h = NULL;
    eng_feat_in_t in;
    eng_feat_prev_t prev_home = {0}, prev_away = {0};
    wire_context_t c;
    eng_game_t *gp = NULL;
    const double eh = 0.64546960931642849;
    size_t ih, ia;
    T_BEGIN;
    T_ASSERT(st && elo);
    T_ASSERT_INT(eng_elo_apply_result(elo, "g0", "nba", "Home", "Away", 110, 100, NULL), ==,
                 SV_OK);
    T_ASSERT_INT(ft_game(st, TS, WIRE_GAME_SCHEDULED, -1, 0, 0, 0), ==, SV_OK);
    memset(&c, 0, sizeof(c));
    c.v = 1, c.ts = TS, c.kind = WIRE_CTX_SPLITS;
    strcpy(c.event_id, "g1"), strcpy(c.market, "h2h"), strcpy(c.side, "Away");
    c.ticket_pct = 30, c.money_pct = 55;
    T_ASSERT_INT(eng_state_apply_context(st, &c, &gp, NULL), ==, SV_OK);

    /* h2h opens: after b3's quote, one step per candidate (first step: no changes) */
    T_ASSERT_INT(ft_odds(st, TS + 1000, "b1", "h2h", NAN, 2.0, 1.9, &h2h), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 2000, "b2", "h2h", NAN, 2.0, 1.9, &h2h), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 3000, "b3", "h2h", NAN, 2.0, 1.9, &h2h), ==, SV_OK);
    ih = ft_cand(h2h, "Home"), ia = ft_cand(h2h, "Away");
    T_ASSERT(ih != SIZE_MAX && ia != SIZE_MAX);
    eng_feat_fill(&in, st, h2h, ih, elo, &prev_home, h2h->ts);
    {
        const double w[ENG_FEAT_N] = {mul2(2.0, 1.9), 0, 2.0, 0, 0, 0, 0,
                                      (2 * HOUR - 3000) / 3600000.0,
                                      0, 0, 0, 0, 0, 0, eh, 1};
        T_ASSERT(ft_check(&in, w, false, false));
    }
    eng_feat_prev_set(&prev_home, &in);
    eng_feat_fill(&in, st, h2h, ia, elo, &prev_away, h2h->ts);
    {
        const double w[ENG_FEAT_N] = {mul2(1.9, 2.0), 0, 1.9, 0, 0, 0, 0,
                                      (2 * HOUR - 3000) / 3600000.0,
                                      0, 0, 0, 30, 55, 1, 1 - eh, -1};
        T_ASSERT(ft_check(&in, w, false, true));
    }
    eng_feat_prev_set(&prev_away, &in);

    /* all three move toward Home: steam; the change since the previous step */
    T_ASSERT_INT(ft_odds(st, TS + 40000, "b1", "h2h", NAN, 1.8, 2.1, &h2h), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 50000, "b2", "h2h", NAN, 1.8, 2.1, &h2h), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 60000, "b3", "h2h", NAN, 1.8, 2.1, &h2h), ==, SV_OK);
    T_ASSERT_INT(h2h->steam_dir, ==, 1);
    eng_feat_fill(&in, st, h2h, ih, elo, &prev_home, h2h->ts);
    {
        const double w[ENG_FEAT_N] = {mul2(1.8, 2.1), mul2(1.8, 2.1) - mul2(2.0, 1.9), 1.8, 0, 0,
                                      0, 1, (2 * HOUR - 60000) / 3600000.0,
                                      0, 0, 0, 0, 0, 0, eh, 1};
        T_ASSERT(ft_check(&in, w, true, false));
    }
    eng_feat_prev_set(&prev_home, &in);
    eng_feat_fill(&in, st, h2h, ia, elo, &prev_away, h2h->ts);
    {
        const double w[ENG_FEAT_N] = {mul2(2.1, 1.8), mul2(2.1, 1.8) - mul2(1.9, 2.0), 2.1, 0, 0,
                                      0, 0, (2 * HOUR - 60000) / 3600000.0,
                                      0, 0, 0, 30, 55, 1, 1 - eh, -1};
        T_ASSERT(ft_check(&in, w, false, true));
    }
    eng_feat_prev_set(&prev_away, &in);

    /* spreads: modal -3.5 (b1, b2), b3 at -4.5; each side's own line; no prev: no changes */
    T_ASSERT_INT(ft_odds(st, TS + 70000, "b1", "spreads", -3.5, 1.91, 1.91, &mk), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 71000, "b2", "spreads", -3.5, 1.91, 1.91, &mk), ==, SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 72000, "b3", "spreads", -4.5, 1.95, 1.87, &mk), ==, SV_OK);
    eng_feat_fill(&in, st, mk, ft_cand(mk, "Away"), elo, NULL, mk->ts);
    {
        /* Away's splits are h2h's (spreads has none of its own) */
        const double w[ENG_FEAT_N] = {0.5, 0, 1.91, 1.0, 3.5, 0, 0,
                                      (2 * HOUR - 72000) / 3600000.0,
                                      0, 0, 0, 30, 55, 1, 1 - eh, -1};
        T_ASSERT(ft_check(&in, w, false, true));
    }
    {
        eng_feat_prev_t p = {0.6, -2.5, true};
        eng_feat_fill(&in, st, mk, ft_cand(mk, "Home"), NULL, &p, mk->ts);
        /* no Elo given: 0.5 */
        const double w[ENG_FEAT_N] = {0.5, -0.1, 1.91, 1.0, -3.5, -1.0, 0,
                                      (2 * HOUR - 72000) / 3600000.0,
                                      0, 0, 0, 0, 0, 0, 0.5, 1};
        T_ASSERT(ft_check(&in, w, false, false));
    }

    /* in play: period 3, 180 of 720 s left (0.75 elapsed), Home 80 - Away 85 */
    T_ASSERT_INT(ft_game(st, TS + 2 * HOUR + 39 * 60000, WIRE_GAME_LIVE, 3, 180, 80, 85), ==,
                 SV_OK);
    T_ASSERT_INT(ft_odds(st, TS + 2 * HOUR + 40 * 60000, "b1", "h2h", NAN, 1.5, 2.7, &h2h), ==,
                 SV_OK);
    eng_feat_fill(&in, st, h2h, ia, elo, &prev_away, h2h->ts);
    {
        double pa = (mul2(2.7, 1.5) + mul2(2.1, 1.8) + mul2(2.1, 1.8)) / 3;
        const double w[ENG_FEAT_N] = {pa, pa - mul2(2.1, 1.8), 2.7, 0, 0, 0, 0, -40.0 / 60,
                                      5,  3,                   0.75, 30, 55, 1, 1 - eh, -1};
        T_ASSERT(ft_check(&in, w, false, true));
    }
    eng_feat_fill(&in, st, h2h, ih, elo, &prev_home, h2h->ts);
    T_ASSERT_INT(in.score_diff, ==, -5);
    T_ASSERT_INT(in.period, ==, 3);
    /* a totals market: Over +1 / Under -1, no score difference and no Elo */
    {
        wire_odds_t o;
        wire_err_t err;
        memset(&o, 0, sizeof(o));
        o.v = 1, o.ts = TS + 2 * HOUR + 41 * 60000, o.outcome_cnt = 2;
        strcpy(o.event_id, "g1"), strcpy(o.sport, "nba"), strcpy(o.book, "b1");
        strcpy(o.market, "totals");
        strcpy(o.outcomes[0].name, "Over"), strcpy(o.outcomes[1].name, "Under");
        o.outcomes[0].decimal = 2.0, o.outcomes[1].decimal = 1.8;
        o.outcomes[0].point = o.outcomes[1].point = 220.5;
        o.outcomes[0].present = o.outcomes[1].present =
            WIRE_OUTCOME_HAS_DECIMAL | WIRE_OUTCOME_HAS_POINT;
        T_ASSERT_INT(eng_state_apply_odds(st, &o, &mk, &err), ==, SV_OK);
        eng_feat_fill(&in, st, mk, ft_cand(mk, "Under"), elo, NULL, mk->ts);
        const double w[ENG_FEAT_N] = {mul2(1.8, 2.0), 0, 1.8,  0, 220.5, 0, 0, -41.0 / 60,
                                      0,              3, 0.75, 0, 0,     0, 0.5, -1};
        T_ASSERT(ft_check(&in, w, false, false));
    }
    goto end;
end:
    eng_elo_free(elo);
    eng_state_free(st);
    return t_rc_;
}

/* One run of the feature test's events; the vectors of every step go to out (n of them). */
static int ft_run(float *out, size_t cap, size_t *n)
{
    eng_state_t *st = ft_state();
    eng_elo_t *elo = eng_elo_new();
    eng_feat_prev_t prev[ENG_OUTCOMES_MAX] = {{0}};
    static const double prices[][2] = {{2.0, 1.9}, {1.95, 1.95}, {1.8, 2.1}, {1.7, 2.3},
                                       {1.75, 2.2}, {1.6, 2.5}};
    int rc = -1;
    *n = 0;
    if (!st || !elo)
        goto out;
    if (eng_elo_apply_result(elo, "g0", "nba", "Home", "Away", 101, 99, NULL) != SV_OK ||
        ft_game(st, TS, WIRE_GAME_SCHEDULED, -1, 0, 0, 0) != SV_OK)
        goto out;
    for (size_t k = 0; k < SV_ARRAY_SIZE(prices); k++) {
        eng_market_t *mk = NULL;
        if (ft_odds(st, TS + (int64_t)k * 1000, k % 2 ? "b2" : "b1", "h2h", NAN, prices[k][0],
                    prices[k][1], &mk) != SV_OK)
            goto out;
        for (size_t i = 0; i < mk->cand_cnt && *n < cap; i++) {
            eng_feat_in_t in;
            eng_feat_fill(&in, st, mk, i, elo, &prev[mk->cands[i].name], mk->ts);
            eng_feat_compute(&in, out + *n * ENG_FEAT_N);
            eng_feat_prev_set(&prev[mk->cands[i].name], &in);
            (*n)++;
        }
    }
    rc = 0;
out:
    eng_elo_free(elo);
    eng_state_free(st);
    return rc;
}

int test_0629_feat_determinism(void);
int test_0629_feat_determinism(void)
{
    float a[32 * ENG_FEAT_N], b[32 * ENG_FEAT_N];
    size_t na = 0, nb = 0;
    T_BEGIN;
    memset(a, 0, sizeof(a));
    memset(b, 0xff, sizeof(b));
    T_ASSERT_INT(ft_run(a, 32, &na), ==, 0);
    T_ASSERT_INT(ft_run(b, 32, &nb), ==, 0);
    T_ASSERT_INT(na, ==, 12); /* 6 quotes × 2 candidates */
    T_ASSERT_INT(nb, ==, na);
    T_ASSERT(memcmp(a, b, na * ENG_FEAT_N * sizeof(float)) == 0);
    /* the last Home step: b1 1.75/2.2 and b2 1.6/2.5 -> mean of the two fair probabilities */
    T_ASSERT(a[10 * ENG_FEAT_N + 0] == (float)((mul2(1.75, 2.2) + mul2(1.6, 2.5)) / 2));
    T_ASSERT(a[10 * ENG_FEAT_N + 2] == (float)(1 / 1.75)); /* best price: b1 1.75 */
    T_END;
}

/* 0630: the Elo constants come from config (ai.elo). "nba:10:0": K 10, no home advantage, so an
 * even home win by 1 moves each team by 10 · max(1, ln 2) · 0.5 = 5 exactly; a sport not listed
 * is not rated; bad entries are refused naming them. */
int test_0630_elo_config(void);
int test_0630_elo_config(void)
{
    eng_elo_t *elo = eng_elo_new();
    char err[256];
    wire_err_t werr;
    T_BEGIN;
    T_ASSERT(elo);
    T_ASSERT_INT(eng_elo_set_sports(elo, "nba:10:0,soccer_:20:60:0.8", err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(eng_elo_apply_result(elo, "g1", "nba", "A", "B", 101, 100, &werr), ==, SV_OK);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "A"), 1505.0, 1e-9);
    T_ASSERT_DBL(eng_elo_rating(elo, "nba", "B"), 1495.0, 1e-9);
    T_ASSERT_INT(eng_elo_apply_result(elo, "g2", "nfl", "C", "D", 21, 20, &werr), ==, SV_ERR_NOENT);
    T_ASSERT(eng_elo_sport_of(elo, "soccer_epl") != NULL);
    T_ASSERT(eng_elo_sport_of(elo, "nhl") == NULL);
    T_ASSERT(eng_elo_sport("nhl") != NULL); /* the static table is unchanged */
    T_ASSERT_INT(eng_elo_set_sports(elo, "nba:10", err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_STR(err, "ai.elo: 'nba:10' is not sport:K:HOME_ADV[:DRAW_NU]");
    T_ASSERT_INT(eng_elo_set_sports(elo, "nba:0:65", err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_STR(err, "ai.elo: nba: K must be in (0, 1000], HOME_ADV in [-1000, 1000], DRAW_NU in [0, 10]");
    T_ASSERT_INT(eng_elo_set_sports(elo, "nba:20:65,,nhl:8:33", err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_STR(err, "ai.elo: entry 2: empty");
    goto end;
end:
    eng_elo_free(elo);
    return t_rc_;
}
