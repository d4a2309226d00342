/*
 * 0470–0489: research, context modifier, confluence, Jason Sim, hook, BASE/FINAL, tiers and gates,
 * and the output filters (engine/scoring/{research,context,confluence,final,filters}.h).
 * Expected values come from spec/original-scoring.md §5, §7 and the test vectors TV20–TV23,
 * TV25, TV26, worked by hand or with python3 evaluating the spec's formulas; both the original's
 * behaviour (`original = true`) and Savant's (D2, D3, D5) are checked.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "harness.h"
#include "scoring/confluence.h"
#include "scoring/context.h"
#include "scoring/filters.h"
#include "scoring/final.h"
#include "scoring/research.h"
#include "scoring/why.h"

#define EPS 1e-9

/* TV20/TV25 research inputs: home tickets 62 / money 40, lv 1.0, 8 books. */
static eng_research_in_t tv20_in(int pick, bool original)
{
    eng_research_in_t in;
    memset(&in, 0, sizeof(in));
    in.has_splits = true;
    in.ticket_pct = 62.0;
    in.money_pct = 40.0;
    in.pick = pick;
    in.has_lv = true;
    in.line_variance = 1.0;
    in.books = 8;
    in.espn_spread_diff = NAN;
    in.espn_total_diff = NAN;
    in.original = original;
    return in;
}

int test_0470_public_fade(void);
int test_0470_public_fade(void)
{
    const char *lab = NULL;
    T_BEGIN;
    /* TV20 */
    T_ASSERT(eng_public_fade(50, false, 0, 0, &lab) == 0.0);
    T_ASSERT_STR(lab, "NEUTRAL");
    T_ASSERT(eng_public_fade(62, true, 62, 40, &lab) == 0.5); /* divergence 22, t > 60, m < 45 */
    T_ASSERT_STR(lab, "NEUTRAL");
    T_ASSERT(eng_public_fade(72, false, 0, 0, &lab) == 1.5);
    T_ASSERT_STR(lab, "FADE");
    T_ASSERT(eng_public_fade(80, true, 80, 60, NULL) == 2.0);
    T_ASSERT(eng_public_fade(55, true, 55, 48, &lab) == 0.5);
    T_ASSERT_STR(lab, "LEAN_MONEY");
    T_ASSERT(eng_public_fade(66, true, 66, 50, &lab) == 1.0); /* already a fade: no bonus */
    T_ASSERT_STR(lab, "FADE");
    /* public thresholds: just below, at */
    T_ASSERT(eng_public_fade(64.9, false, 0, 0, NULL) == 0.0);
    T_ASSERT(eng_public_fade(65, false, 0, 0, NULL) == 1.0);
    T_ASSERT(eng_public_fade(69.9, false, 0, 0, NULL) == 1.0);
    T_ASSERT(eng_public_fade(70, false, 0, 0, NULL) == 1.5);
    T_ASSERT(eng_public_fade(74.9, false, 0, 0, NULL) == 1.5);
    T_ASSERT(eng_public_fade(75, false, 0, 0, NULL) == 2.0);
    T_ASSERT(eng_public_fade(79.9, false, 0, 0, NULL) == 2.0);
    T_ASSERT(eng_public_fade(80, false, 0, 0, NULL) == 2.0);
    T_ASSERT(eng_public_fade(150, false, 0, 0, NULL) == 2.0); /* clamped to 100 */
    /* strong divergence: 20 at, 19 below (then the mild rule fires instead) */
    T_ASSERT(eng_public_fade(62, true, 62, 42, &lab) == 0.5);
    T_ASSERT_STR(lab, "NEUTRAL");
    T_ASSERT(eng_public_fade(62, true, 62, 43, &lab) == 0.5);
    T_ASSERT_STR(lab, "LEAN_MONEY");
    T_ASSERT(eng_public_fade(60, true, 60, 40, &lab) == 0.5); /* t not > 60 → mild rule */
    T_ASSERT_STR(lab, "LEAN_MONEY");
    T_ASSERT(eng_public_fade(70, true, 70, 44, NULL) == 2.0);  /* 1.5 + 0.5 */
    T_ASSERT(eng_public_fade(70, true, 70, 46, NULL) == 1.5);  /* m not < 45, already a fade */
    T_ASSERT(eng_public_fade(80, true, 80, 40, NULL) == 2.5);  /* cap 2.5 */
    /* mild divergence: 5 at, 4 below */
    T_ASSERT(eng_public_fade(50, true, 50, 55, NULL) == 0.5);
    T_ASSERT(eng_public_fade(50, true, 50, 54, NULL) == 0.0);
    T_END;
}

int test_0471_sharp_strength(void);
int test_0471_sharp_strength(void)
{
    T_BEGIN;
    T_ASSERT_STR(eng_sharp_strength(4.99), "NONE");
    T_ASSERT_STR(eng_sharp_strength(5.0), "MILD");
    T_ASSERT_STR(eng_sharp_strength(9.99), "MILD");
    T_ASSERT_STR(eng_sharp_strength(10.0), "MODERATE");
    T_ASSERT_STR(eng_sharp_strength(19.99), "MODERATE");
    T_ASSERT_STR(eng_sharp_strength(20.0), "STRONG");
    T_ASSERT_STR(eng_sharp_strength(-22.0), "STRONG"); /* |money − ticket| */
    T_END;
}

int test_0472_research_tv20(void);
int test_0472_research_tv20(void)
{
    eng_research_in_t in;
    eng_research_out_t out;
    eng_why_t why;
    T_BEGIN;
    /* original: 3.0 + 3.0 + 1.5 + 0.5 + 0.5 = 8.5 for both sides */
    in = tv20_in(ENG_PICK_HOME, true);
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 8.5, EPS);
    T_ASSERT_STR(out.sharp_strength, "STRONG");
    T_ASSERT_INT(out.sharp_side, ==, ENG_PICK_AWAY);
    T_ASSERT_INT(out.public_side, ==, ENG_PICK_HOME);
    T_ASSERT(out.sharp == 3.0 && out.base == 3.0 && out.line == 1.5);
    T_ASSERT(out.public_fade == 0.5 && out.liquidity == 0.5 && out.espn == 0.0);
    in = tv20_in(ENG_PICK_AWAY, true);
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 8.5, EPS);
    /* Savant D2: home 3.0 + 1.5 + 0.5 = 5.0; away 8.5 */
    in = tv20_in(ENG_PICK_HOME, false);
    eng_why_init(&why);
    T_ASSERT_DBL(eng_research(&in, &out, &why), 5.0, EPS);
    T_ASSERT(out.sharp == 0.0 && out.public_fade == 0.0);
    T_ASSERT_INT(why.n, ==, 5);
    T_ASSERT_CONTAINS(eng_why_get(&why, 1), "sharp money STRONG is on the away side");
    T_ASSERT_CONTAINS(eng_why_get(&why, 2), "goes to the side opposite the public (home)");
    in = tv20_in(ENG_PICK_AWAY, false);
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 8.5, EPS);
    T_ASSERT(out.sharp == 3.0 && out.public_fade == 0.5);
    /* mirrored splits (home 38 / 60): original 8.5 both (public 38 → LEAN_MONEY 0.5);
     * Savant home 8.5, away 5.0 */
    in = tv20_in(ENG_PICK_HOME, true);
    in.ticket_pct = 38.0;
    in.money_pct = 60.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 8.5, EPS);
    T_ASSERT_STR(out.public_label, "LEAN_MONEY");
    in.original = false;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 8.5, EPS);
    T_ASSERT_INT(out.sharp_side, ==, ENG_PICK_HOME);
    T_ASSERT_INT(out.public_side, ==, ENG_PICK_AWAY);
    in.pick = ENG_PICK_AWAY;
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 5.0, EPS);
    /* totals: Over reads as the home side of the (Over) splits */
    in = tv20_in(ENG_PICK_OVER, false);
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 5.0, EPS);
    in = tv20_in(ENG_PICK_UNDER, false);
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 8.5, EPS);
    /* props: side-agnostic → the original's 8.5 */
    in = tv20_in(ENG_PICK_NONE, false);
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 8.5, EPS);
    /* public heavy on home (tickets 80, money 78): fade 2.0 goes to away in Savant mode */
    in = tv20_in(ENG_PICK_AWAY, false);
    in.ticket_pct = 80.0;
    in.money_pct = 78.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.5 + 1.5 + 2.0 + 0.5, EPS);
    T_ASSERT_STR(out.sharp_strength, "NONE");
    in.pick = ENG_PICK_HOME;
    T_ASSERT_DBL(eng_research(&in, NULL, NULL), 2.5 + 1.5 + 0.5, EPS);
    T_END;
}

int test_0473_research_pillars(void);
int test_0473_research_pillars(void)
{
    eng_research_in_t in;
    eng_research_out_t out;
    T_BEGIN;
    memset(&in, 0, sizeof(in));
    in.espn_spread_diff = NAN;
    in.espn_total_diff = NAN;
    in.original = true;
    /* nothing known: base 2.0 */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    T_ASSERT_STR(out.sharp_strength, "NONE");
    T_ASSERT_INT(out.sharp_side, ==, ENG_PICK_NONE);
    /* splits base: |m − t| 3 → 3.0, 2.9 → 2.5 */
    in.has_splits = true;
    in.ticket_pct = 50.0;
    in.money_pct = 53.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 3.0, EPS);
    in.money_pct = 52.9;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.5, EPS);
    in.has_splits = false;
    /* line variance (rounded to 1 dp, strict >): 0.45 → 0.5 → 0; 0.55 → 0.6 → 1.5; 1.5 → 1.5;
     * 1.55 → 1.6 → 3.0 */
    in.has_lv = true;
    in.line_variance = 0.45;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.line_variance = 0.5;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.line_variance = 0.55;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 3.5, EPS);
    in.line_variance = 1.5;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 3.5, EPS);
    in.line_variance = 1.55;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 5.0, EPS);
    in.has_lv = false;
    /* ESPN */
    in.has_espn = true;
    in.espn_spread_diff = 0.5;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.5, EPS);
    in.espn_spread_diff = 0.6;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.25, EPS);
    in.espn_spread_diff = 1.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.25, EPS);
    in.espn_spread_diff = 1.1; /* falls to totals */
    in.espn_total_diff = 1.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.5, EPS);
    in.espn_spread_diff = NAN;
    in.espn_total_diff = 2.0;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.25, EPS);
    in.espn_total_diff = 2.1;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.has_espn = false;
    /* liquidity */
    in.books = 2;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.books = 3;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.1, EPS);
    in.books = 4;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.1, EPS);
    in.books = 5;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.3, EPS);
    in.books = 7;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.3, EPS);
    in.books = 8;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.5, EPS);
    in.books = 0;
    /* NBA prop line difficulty: (line − avg)/avg < −0.15 → +0.3, > 0.15 → −0.2 */
    in.has_season_avg = true;
    in.season_avg = 20.0;
    in.prop_line = 16.9;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.3, EPS);
    in.prop_line = 17.0; /* exactly −0.15: no */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.prop_line = 23.0; /* exactly 0.15: no */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 2.0, EPS);
    in.prop_line = 23.1;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 1.8, EPS);
    T_ASSERT(out.line_difficulty == -0.2);
    in.has_season_avg = false;
    /* the min(10) cap comes before the post-adjustments */
    in.has_splits = true;
    in.ticket_pct = 80.0;
    in.money_pct = 40.0; /* STRONG 3.0, base 3.0, fade 2.5 */
    in.has_lv = true;
    in.line_variance = 2.0; /* 3.0 */
    in.books = 8;           /* 0.5 → sum 12.0 → 10 */
    in.has_season_avg = true;
    in.prop_line = 10.0; /* +0.3 */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 10.3, EPS);
    T_END;
}

int test_0474_weather_officials(void);
int test_0474_weather_officials(void)
{
    eng_research_in_t in;
    eng_research_out_t out;
    T_BEGIN;
    /* §3.5 research penalty */
    T_ASSERT_DBL(eng_weather_research(50, 14.9, 0.09, 79.9), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 15, 0, 0), -0.10, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 19.9, 0, 0), -0.10, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 20, 0, 0), -0.15, EPS);
    T_ASSERT_DBL(eng_weather_research(31.9, 0, 0, 0), -0.10, EPS);
    T_ASSERT_DBL(eng_weather_research(32, 0, 0, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 0, 0.1, 0), -0.05, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 0, 0.29, 0), -0.05, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 0, 0.3, 0), -0.10, EPS);
    T_ASSERT_DBL(eng_weather_research(50, 0, 0, 80), -0.05, EPS);
    T_ASSERT_DBL(eng_weather_research(20, 25, 1.0, 90), -0.35, EPS); /* −0.40 floored */
    T_ASSERT_DBL(eng_weather_research(NAN, NAN, NAN, NAN), 0.0, EPS);
    /* officials, tendency store */
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, true, 0.55, 0), 0.3, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, true, 0.549, 0), 0.15, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, true, 0.52, 0), 0.15, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, true, 0.519, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_UNDER, true, 0.45, 0), 0.3, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_UNDER, true, 0.48, 0), 0.15, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_UNDER, true, 0.481, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_UNDER, true, 0.60, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_HOME, true, 0, 0.03), 0.2, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_HOME, true, 0, 0.015), 0.1, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_HOME, true, 0, 0.014), 0.0, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_AWAY, true, 0, -0.03), 0.2, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_AWAY, true, 0, 0.03), 0.0, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_NONE, true, 0.9, 0.9), 0.0, EPS);
    /* static fallback: linear, capped ±0.5 */
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, false, 0.56, 0), 0.3, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_UNDER, false, 0.56, 0), -0.3, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_OVER, false, 0.70, 0), 0.5, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_HOME, false, 0, 0.04), 0.2, EPS);
    T_ASSERT_DBL(eng_officials(ENG_PICK_AWAY, false, 0, 0.2), -0.5, EPS);
    /* D5: original keeps officials out of the BASE research (gates only); Savant adds them */
    in = tv20_in(ENG_PICK_HOME, true);
    in.has_officials = true;
    in.officials_db = true;
    in.officials_home_bias = 0.03;
    in.has_weather = true;
    in.weather_sport = true;
    in.temp_f = 20.0; /* −0.10 */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 8.4, EPS);
    T_ASSERT_DBL(out.research_gates, 8.6, EPS);
    T_ASSERT_DBL(out.officials, 0.2, EPS);
    in.original = false; /* Savant home: 5.0 − 0.10 + 0.2 */
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 5.1, EPS);
    T_ASSERT_DBL(out.research_gates, 5.1, EPS);
    /* weather applies only to weather sports */
    in.weather_sport = false;
    T_ASSERT_DBL(eng_research(&in, &out, NULL), 5.2, EPS);
    T_END;
}

int test_0475_context(void);
int test_0475_context(void)
{
    double ctx = 0;
    T_BEGIN;
    /* TV25: NBA def rank 10, pace 101, vacuum 0 → 7.0968, 5.5, 5.0 → 6.20 → +0.084 */
    T_ASSERT_DBL(eng_context_def("NBA", 10), 7.096774193548388, 1e-12);
    T_ASSERT_DBL(eng_context_pace(101), 5.5, EPS);
    T_ASSERT_DBL(eng_context_vacuum(0), 5.0, EPS);
    T_ASSERT(eng_context_modifier(eng_context_def("NBA", 10), eng_context_pace(101),
                                  eng_context_vacuum(0), 0.0, &ctx) == 0.084);
    T_ASSERT(ctx == 6.2);
    /* defaults: rank 15; T 32 / 30 / 350 */
    T_ASSERT_DBL(eng_context_def("nba", 0), 5.483870967741935, 1e-12);
    T_ASSERT_DBL(eng_context_def("MLB", 15), 5.172413793103448, 1e-12);
    T_ASSERT_DBL(eng_context_def("NCAAB", -1), 9.598853868194842, 1e-12);
    T_ASSERT_DBL(eng_context_def("NFL", 1), 10.0, EPS);
    T_ASSERT_DBL(eng_context_def("NHL", 32), 0.0, EPS);
    T_ASSERT_DBL(eng_context_def("NHL", 40), 0.0, EPS); /* clamped */
    /* league-average paces; MLB/NHL/NFL sit below 90 → 0 */
    T_ASSERT_DBL(eng_context_league_pace("NBA"), 98.5, EPS);
    T_ASSERT_DBL(eng_context_league_pace("NFL"), 63.5, EPS);
    T_ASSERT_DBL(eng_context_league_pace("MLB"), 4.3, EPS);
    T_ASSERT_DBL(eng_context_league_pace("NHL"), 31.0, EPS);
    T_ASSERT_DBL(eng_context_league_pace("NCAAB"), 68.0, EPS);
    T_ASSERT_DBL(eng_context_pace(eng_context_league_pace("NBA")), 4.25, EPS);
    T_ASSERT_DBL(eng_context_pace(eng_context_league_pace("NHL")), 0.0, EPS);
    T_ASSERT_DBL(eng_context_pace(90), 0.0, EPS);
    T_ASSERT_DBL(eng_context_pace(110), 10.0, EPS);
    T_ASSERT_DBL(eng_context_pace(115), 10.0, EPS);
    T_ASSERT_DBL(eng_context_vacuum(25), 10.0, EPS);
    T_ASSERT_DBL(eng_context_vacuum(-30), 0.0, EPS);
    T_ASSERT_DBL(eng_context_vacuum_fallback(2), 10.0, EPS);
    T_ASSERT_DBL(eng_context_vacuum_fallback(7), 25.0, EPS);
    /* modifier clamp ±0.35; neutral 5 → 0 */
    T_ASSERT(eng_context_modifier(10, 10, 10, 0, NULL) == 0.35);
    T_ASSERT(eng_context_modifier(0, 0, 0, 0, NULL) == -0.35);
    T_ASSERT(eng_context_modifier(5, 5, 5, 0, NULL) == 0.0);
    /* travel, first match */
    T_ASSERT_DBL(eng_context_travel(0, 0, ENG_TRAVEL_NONE), -0.5, EPS);
    T_ASSERT_DBL(eng_context_travel(1, 1500, ENG_TRAVEL_NONE), 0.0, EPS);
    T_ASSERT_DBL(eng_context_travel(1, 1501, ENG_TRAVEL_HIGH), -0.35, EPS);
    T_ASSERT_DBL(eng_context_travel(2, 2000, ENG_TRAVEL_HIGH), -0.4, EPS);
    T_ASSERT_DBL(eng_context_travel(2, 1000, ENG_TRAVEL_MEDIUM), 0.0, EPS);
    T_ASSERT_DBL(eng_context_travel(2, 1001, ENG_TRAVEL_MEDIUM), -0.2, EPS);
    /* TV25 with −0.35 travel: round(6.198387… − 0.35, 2) = 5.85 → +0.059 */
    T_ASSERT(eng_context_modifier(eng_context_def("NBA", 10), 5.5, 5.0, -0.35, &ctx) == 0.059);
    T_ASSERT(ctx == 5.85);
    T_END;
}

int test_0476_confluence(void);
int test_0476_confluence(void)
{
    eng_confluence_t c;
    T_BEGIN;
    /* TV21 */
    eng_confluence(8.5, 6.022, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "MODERATE");
    T_ASSERT(c.boost == 0.3 && !c.harmonic);
    T_ASSERT_DBL(c.alignment, 75.22, 1e-9);
    eng_confluence(8.0, 8.0, false, true, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "HARMONIC_CONVERGENCE"); /* JARVIS_PERFECT 1.5 + 1.0 */
    T_ASSERT(c.boost == 2.5 && c.harmonic);
    eng_confluence(7.6, 7.9, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "HARMONIC_CONVERGENCE"); /* PERFECT 1.5 + 1.0 */
    T_ASSERT(c.boost == 2.5);
    eng_confluence(6.0, 4.0, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "STRONG"); /* exactly 80.0% */
    T_ASSERT(c.boost == 1.0);
    eng_confluence(6.0, 3.5, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "MODERATE");
    eng_confluence(5.0, 1.0, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "MODERATE"); /* exactly 60% */
    eng_confluence(5.0, 0.9, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "DIVERGENT");
    T_ASSERT(c.boost == 0.0);
    /* just below 80 */
    eng_confluence(6.0, 3.9, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "MODERATE");
    /* IMMORTAL > JARVIS_PERFECT > PERFECT, all renamed by the harmonic override */
    eng_confluence(8.0, 8.0, true, true, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "HARMONIC_CONVERGENCE");
    T_ASSERT(c.boost == 2.5);
    /* both high but 75% aligned: MODERATE 0.3 + 1.0 = 1.3 (R 10, E 7.5) */
    eng_confluence(10.0, 7.5, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "HARMONIC_CONVERGENCE");
    T_ASSERT_DBL(c.boost, 1.3, EPS);
    /* 7.5 is "high"; 7.49 is not */
    eng_confluence(7.49, 7.5, false, false, true, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "STRONG");
    T_ASSERT(!c.harmonic);
    /* STRONG needs jarvis_active, sharp or jason ≠ 0; otherwise it falls to MODERATE */
    eng_confluence(6.0, 5.0, false, false, false, false, 0, &c, NULL);
    T_ASSERT_STR(c.level, "MODERATE");
    eng_confluence(6.0, 5.0, false, false, false, true, 0, &c, NULL);
    T_ASSERT_STR(c.level, "STRONG");
    eng_confluence(6.0, 5.0, false, false, false, false, -0.5, &c, NULL);
    T_ASSERT_STR(c.level, "STRONG");
    T_END;
}

int test_0477_jason_sim(void);
int test_0477_jason_sim(void)
{
    double w = 0;
    bool blk = false;
    T_BEGIN;
    /* TV22, original (always the away side's probability) */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, true, -5.5, 7.38, true, &w, &blk, NULL) == -0.5);
    T_ASSERT(w == 25.0 && !blk);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 5.5, 7.38, true, &w, NULL, NULL) == 0.8);
    T_ASSERT(w == 75.0);
    T_ASSERT(eng_jason_sim(ENG_MKT_ML, false, 0, 7.0, true, &w, &blk, NULL) == -1.5);
    T_ASSERT(w == 50.0 && blk);
    T_ASSERT(eng_jason_sim(ENG_MKT_ML, false, 0, 7.3, true, NULL, &blk, NULL) == -0.5);
    T_ASSERT(!blk);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 1.5, 7.38, true, &w, NULL, NULL) == 0.0);
    T_ASSERT_DBL(w, 57.5, 1e-9);
    T_ASSERT(eng_jason_sim(ENG_MKT_TOTAL, false, 224.5, 7.38, true, &w, NULL, NULL) == 0.0);
    T_ASSERT(eng_jason_sim(ENG_MKT_PROP, false, 25.5, 7.0, true, NULL, NULL, NULL) == 0.0);
    /* thresholds: 61 at (+2.2 → 61.0), below (+2.1 → 60.5) */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 2.2, 7.0, true, NULL, NULL, NULL) == 0.8);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 2.1, 7.0, true, NULL, NULL, NULL) == 0.0);
    /* 52 at (+0.4 → 52.0) with BASE just below / at 7.2 */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 0.4, 7.19, true, NULL, &blk, NULL) == -1.5);
    T_ASSERT(blk);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 0.4, 7.2, true, NULL, &blk, NULL) == -0.5);
    T_ASSERT(!blk);
    /* 55: +0.9 → 54.5 → −0.5; +1.0 → 55.00000000000001 (binary) → 0 */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 0.9, 7.5, true, NULL, NULL, NULL) == -0.5);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 1.0, 7.5, true, NULL, NULL, NULL) == 0.0);
    /* clamp to 25–75 % */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 12.0, 7.5, true, &w, NULL, NULL) == 0.8);
    T_ASSERT(w == 75.0);
    /* Savant D3: the picked side's probability */
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, true, -5.5, 7.38, false, &w, NULL, NULL) == 0.8);
    T_ASSERT(w == 75.0);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 5.5, 7.38, false, &w, NULL, NULL) == -0.5);
    T_ASSERT(w == 25.0);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 5.5, 7.0, false, NULL, &blk, NULL) == -1.5);
    T_ASSERT(blk);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, 1.5, 7.38, false, &w, NULL, NULL) == -0.5);
    T_ASSERT_DBL(w, 42.5, 1e-9);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, false, -2.2, 7.0, false, &w, NULL, NULL) == 0.8);
    T_ASSERT(eng_jason_sim(ENG_MKT_SPREAD, true, -2.1, 7.0, false, &w, NULL, NULL) == 0.0);
    T_ASSERT(eng_jason_sim(ENG_MKT_ML, true, -3.0, 7.0, false, &w, NULL, NULL) == -1.5);
    T_ASSERT(w == 50.0); /* moneylines read 50% in both modes */
    T_END;
}

int test_0478_hook(void);
int test_0478_hook(void)
{
    eng_why_t why;
    T_BEGIN;
    /* TV23 */
    eng_why_init(&why);
    T_ASSERT(eng_hook("NFL", -3.5, &why) == -0.25);
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_STR(eng_why_get(&why, 0), "hook: NFL favourite on 3.5 -0.25");
    T_ASSERT(eng_hook("NFL", 3.5, NULL) == -0.25);
    T_ASSERT(eng_hook("NFL", -3.0, NULL) == 0.15);
    T_ASSERT(eng_hook("NFL", 3.0, NULL) == -0.05);
    T_ASSERT(eng_hook("NFL", -7.5, NULL) == -0.20);
    T_ASSERT(eng_hook("NBA", 5.5, NULL) == -0.10);
    T_ASSERT(eng_hook("NBA", -7.5, NULL) == -0.10);
    T_ASSERT(eng_hook("NBA", 6.0, NULL) == 0.0);
    /* the rest of the NFL table */
    T_ASSERT(eng_hook("NFL", 6.5, NULL) == -0.15);
    T_ASSERT(eng_hook("NFL", -10.5, NULL) == -0.10);
    T_ASSERT(eng_hook("NFL", 13.5, NULL) == -0.05);
    T_ASSERT(eng_hook("NFL", -14.5, NULL) == -0.05);
    T_ASSERT(eng_hook("NFL", -7.0, NULL) == 0.10);
    T_ASSERT(eng_hook("NFL", 7.0, NULL) == -0.05);
    T_ASSERT(eng_hook("NFL", -10.0, NULL) == 0.05);
    T_ASSERT(eng_hook("NFL", 10.0, NULL) == -0.05);
    T_ASSERT(eng_hook("NFL", 4.0, NULL) == 0.0);
    T_ASSERT(eng_hook("NFL", 0.0, NULL) == 0.0);
    T_ASSERT(eng_hook("nfl", 3.5, NULL) == -0.25);
    T_ASSERT(eng_hook("NBA", 3.5, NULL) == 0.0);
    T_ASSERT(eng_hook("NHL", 3.5, NULL) == 0.0);
    T_ASSERT(eng_hook("NCAAF", 3.5, NULL) == 0.0);
    T_END;
}

static eng_final_in_t final_in(double base)
{
    eng_final_in_t in;
    memset(&in, 0, sizeof(in));
    in.base = base;
    in.kp_mult = 1.0;
    in.original = true;
    return in;
}

int test_0479_base_final(void);
int test_0479_base_final(void)
{
    eng_final_in_t in;
    double tb = 0;
    T_BEGIN;
    /* TV25 BASE = 0.25·7 + 0.35·8.5 + 0.15·6.202 + 0.25·7 */
    T_ASSERT_DBL(eng_base(7.0, 8.5, 6.202, true, 7.0), 7.4053, 1e-12);
    T_ASSERT_DBL(eng_base(7.0, 8.5, 6.202, false, 7.0), 7.4053 - 1.75, 1e-12);
    /* TV25 Lakers: 7.4053 + 0.084 + (0.3 − 0.5) − 0.10 = 7.1893 */
    in = final_in(eng_base(7.0, 8.5, 6.202, true, 7.0));
    in.context_mod = 0.084;
    in.confluence = 0.3;
    in.jason = -0.5;
    in.hook = -0.10;
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 7.1893, 1e-12);
    T_ASSERT_DBL(tb, -0.2, 1e-12);
    /* Celtics: Jason +0.8 → boosts 1.1 → 8.4893 */
    in.jason = 0.8;
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 8.4893, 1e-12);
    T_ASSERT_DBL(tb, 1.1, 1e-12);
    /* TV26 NHL total: 8.0 + 0.3 − 4.0 = 4.3 (no lower bound on boosts) */
    in = final_in(8.0);
    in.confluence = 0.3;
    in.totals_cal = eng_totals_calibration("NHL");
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 4.3, 1e-12);
    T_ASSERT_DBL(tb, -3.7, 1e-12);
    /* boosts capped at 1.5 from above */
    in = final_in(7.0);
    in.confluence = 2.5;
    in.msrf = 1.0;
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 8.5, 1e-12);
    T_ASSERT(tb == 1.5);
    in.confluence = 1.0;
    in.msrf = 0.49;
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 8.49, 1e-12);
    /* per-term caps */
    in = final_in(5.0);
    in.context_mod = 0.5; /* → 0.35 */
    in.msrf = -3.0;       /* → −1.0 */
    in.jason = -2.0;      /* → −1.5 */
    in.serp = -1.0;       /* → 0 */
    in.hook = 0.15;       /* key-number bonus → 0 */
    in.expert = 1.0;      /* → 0.35 */
    in.prop_corr = -1.0;  /* → −0.2 */
    T_ASSERT_DBL(eng_final(&in, &tb, NULL), 5.0 + 0.35 - 2.5 + 0.35 - 0.2, 1e-12);
    in = final_in(5.0);
    in.hook = -0.5; /* → −0.25 */
    in.serp = 9.0;  /* → 4.3, then the 1.5 cap */
    T_ASSERT_DBL(eng_final(&in, NULL, NULL), 6.25, 1e-12);
    /* 0–10 clamp */
    in = final_in(9.8);
    in.confluence = 1.5;
    T_ASSERT(eng_final(&in, NULL, NULL) == 10.0);
    in = final_in(0.5);
    in.totals_cal = -4.0;
    T_ASSERT(eng_final(&in, NULL, NULL) == 0.0);
    /* Kp multiplier */
    T_ASSERT(eng_kp_multiplier(3.0) == 1.0);
    T_ASSERT(eng_kp_multiplier(4.99) == 1.0);
    T_ASSERT(eng_kp_multiplier(5.0) == 0.95);
    T_ASSERT(eng_kp_multiplier(6.99) == 0.95);
    T_ASSERT(eng_kp_multiplier(7.0) == 0.90);
    T_ASSERT(eng_kp_multiplier(NAN) == 1.0);
    in = final_in(9.8);
    in.confluence = 1.5;
    in.kp_mult = eng_kp_multiplier(7.0);
    T_ASSERT_DBL(eng_final(&in, NULL, NULL), 9.0, 1e-12); /* clamp 10, then ×0.90 */
    /* totals calibration */
    T_ASSERT(eng_totals_calibration("NCAAB") == -0.75);
    T_ASSERT(eng_totals_calibration("nhl") == -4.0);
    T_ASSERT(eng_totals_calibration("NBA") == 0.0);
    /* D5: weather inside (Savant) vs after tiering (original) */
    in = final_in(7.0);
    in.weather = -0.5;
    T_ASSERT_DBL(eng_final(&in, NULL, NULL), 7.0, 1e-12);
    T_ASSERT_DBL(eng_final_post_tier(7.0, -0.5, true), 6.5, 1e-12);
    in.original = false;
    T_ASSERT_DBL(eng_final(&in, NULL, NULL), 6.5, 1e-12);
    T_ASSERT_DBL(eng_final_post_tier(6.5, -0.5, false), 6.5, 1e-12);
    in.base = 0.2; /* Savant clamps after weather */
    T_ASSERT(eng_final(&in, NULL, NULL) == 0.0);
    T_ASSERT_DBL(eng_final_post_tier(0.2, -0.5, true), -0.3, 1e-12); /* original: not re-clamped */
    T_END;
}

int test_0480_weather_final(void);
int test_0480_weather_final(void)
{
    T_BEGIN;
    T_ASSERT_DBL(eng_weather_final(60, 10, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_final(31.9, 0, 0), -0.5, EPS);
    T_ASSERT_DBL(eng_weather_final(32, 0, 0), -0.3, EPS);
    T_ASSERT_DBL(eng_weather_final(39.9, 0, 0), -0.3, EPS);
    T_ASSERT_DBL(eng_weather_final(40, 0, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_final(90, 0, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_final(90.1, 0, 0), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(95, 0, 0), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(95.1, 0, 0), -0.3, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 15, 0), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 15.1, 0), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 20, 0), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 20.1, 0), -0.4, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 25, 0), -0.4, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 25.1, 0), -0.5, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.1), 0.0, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.11), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.25), -0.2, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.26), -0.4, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.5), -0.4, EPS);
    T_ASSERT_DBL(eng_weather_final(60, 0, 0.51), -0.6, EPS);
    T_ASSERT_DBL(eng_weather_final(35, 18, 0.2), -0.7, EPS);
    T_ASSERT_DBL(eng_weather_final(20, 30, 1.0), -1.0, EPS); /* −1.6 capped */
    T_ASSERT_DBL(eng_weather_final(NAN, NAN, NAN), 0.0, EPS);
    T_END;
}

int test_0481_titanium_tiers(void);
int test_0481_titanium_tiers(void)
{
    eng_why_t why;
    T_BEGIN;
    /* TV26 Titanium (ai 8.2, research 8.5, esoteric 6.0, jarvis 8.0) */
    T_ASSERT(eng_titanium(8.6, 8.2, 8.5, 6.0, true, 8.0));
    T_ASSERT(!eng_titanium(7.9, 8.2, 8.5, 6.0, true, 8.0));
    T_ASSERT(eng_titanium(8.0, 8.2, 8.5, 6.0, true, 8.0));
    T_ASSERT(!eng_titanium(8.6, 8.2, 8.5, 6.0, false, 8.0)); /* no Jarvis: 2 of 4 */
    T_ASSERT(!eng_titanium(8.6, 8.2, 8.5, 6.0, true, 7.99));
    T_ASSERT(eng_titanium(9.0, 8.0, 8.0, 8.0, false, 0));
    T_ASSERT_STR(eng_tier(8.6, 7.0, "DIVERGENT", 8.2, 8.5, 6.0, true, 8.0, true, NULL),
                 "TITANIUM_SMASH");
    /* TV26 gates: GOLD band, base 6.7 < 6.8 → EDGE_LEAN; with DIVERGENT → MONITOR */
    eng_why_init(&why);
    T_ASSERT_STR(eng_tier(7.8, 6.7, "STRONG", 7.0, 8.5, 6.0, true, 6.5, false, &why),
                 "EDGE_LEAN");
    T_ASSERT_INT(why.n, ==, 1);
    T_ASSERT_STR(eng_tier(7.8, 6.7, "DIVERGENT", 7.0, 8.5, 6.0, true, 6.5, false, NULL),
                 "MONITOR");
    T_ASSERT_STR(eng_tier(7.8, 6.8, "STRONG", 7.0, 8.5, 6.0, true, 6.5, false, NULL),
                 "GOLD_STAR");
    /* GOLD band ignores the confluence gate unless a gate fails */
    T_ASSERT_STR(eng_tier(7.8, 6.8, "DIVERGENT", 7.0, 8.5, 6.0, true, 6.5, false, NULL),
                 "GOLD_STAR");
    /* bands */
    T_ASSERT_STR(eng_band(7.5), "GOLD_STAR");
    T_ASSERT_STR(eng_band(7.49), "EDGE_LEAN");
    T_ASSERT_STR(eng_band(6.5), "EDGE_LEAN");
    T_ASSERT_STR(eng_band(6.49), "MONITOR");
    T_ASSERT_STR(eng_band(5.5), "MONITOR");
    T_ASSERT_STR(eng_band(5.49), "PASS");
    T_ASSERT_STR(eng_tier(5.0, 7.0, "PERFECT", 9, 9, 9, true, 9, false, NULL), "PASS");
    T_ASSERT_STR(eng_tier(6.0, 7.0, "PERFECT", 9, 9, 9, true, 9, false, NULL), "MONITOR");
    /* alignment gate: 2 of 4 engines >= 6.5 */
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.8, 6.5, 5.5, false, 0, false, NULL),
                 "EDGE_LEAN"); /* aligned (AI, R) but the hard gate misses Jarvis */
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.8, 6.49, 5.5, true, 6.4, false, NULL),
                 "EDGE_LEAN"); /* only AI >= 6.5 → alignment fails → EDGE */
    /* hard gates, each just below */
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.8, 6.5, 5.5, true, 6.5, false, NULL),
                 "GOLD_STAR");
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.79, 6.5, 5.5, true, 6.5, false, NULL),
                 "EDGE_LEAN");
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.8, 6.5, 5.49, true, 6.5, false, NULL),
                 "EDGE_LEAN");
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 6.8, 6.5, 5.5, true, 6.49, false, NULL),
                 "EDGE_LEAN"); /* (alignment still 2: AI, R) */
    T_ASSERT_STR(eng_tier(8.0, 7.0, "STRONG", 7.0, 6.49, 5.5, true, 7.0, false, NULL),
                 "EDGE_LEAN");
    /* EDGE gates: base 6.0, alignment, confluence level */
    T_ASSERT_STR(eng_tier(7.0, 6.0, "MODERATE", 7.0, 7.0, 5.0, true, 5.0, false, NULL),
                 "EDGE_LEAN");
    T_ASSERT_STR(eng_tier(7.0, 5.99, "MODERATE", 7.0, 7.0, 5.0, true, 5.0, false, NULL),
                 "MONITOR");
    T_ASSERT_STR(eng_tier(7.0, 6.0, "MODERATE", 7.0, 6.0, 5.0, true, 5.0, false, NULL),
                 "MONITOR");
    T_ASSERT_STR(eng_tier(7.0, 6.0, "DIVERGENT", 7.0, 7.0, 5.0, true, 5.0, false, NULL),
                 "MONITOR");
    T_ASSERT_STR(eng_tier(7.0, 6.0, "HARMONIC_CONVERGENCE", 7.0, 7.0, 5.0, true, 5.0, false,
                          NULL),
                 "EDGE_LEAN");
    T_END;
}

int test_0482_tier_helpers(void);
int test_0482_tier_helpers(void)
{
    const char *lab = NULL;
    T_BEGIN;
    T_ASSERT(eng_tier_units("TITANIUM_SMASH") == 2.5);
    T_ASSERT(eng_tier_units("GOLD_STAR") == 2.0);
    T_ASSERT(eng_tier_units("EDGE_LEAN") == 1.0);
    T_ASSERT(eng_tier_units("ML_DOG_LOTTO") == 0.5);
    T_ASSERT(eng_tier_units("MONITOR") == 0.0);
    T_ASSERT(eng_tier_units("PASS") == 0.0);
    T_ASSERT(eng_tier_units(NULL) == 0.0);
    T_ASSERT_STR(eng_tier_down("TITANIUM_SMASH"), "GOLD_STAR");
    T_ASSERT_STR(eng_tier_down("GOLD_STAR"), "EDGE_LEAN");
    T_ASSERT_STR(eng_tier_down("EDGE_LEAN"), "MONITOR");
    T_ASSERT_STR(eng_tier_down("MONITOR"), "PASS");
    T_ASSERT_STR(eng_tier_down("PASS"), "PASS");
    T_ASSERT_INT(eng_tier_confidence("TITANIUM_SMASH", &lab), ==, 95);
    T_ASSERT_STR(lab, "SMASH");
    T_ASSERT_INT(eng_tier_confidence("GOLD_STAR", &lab), ==, 95);
    T_ASSERT_INT(eng_tier_confidence("EDGE_LEAN", &lab), ==, 80);
    T_ASSERT_STR(lab, "HIGH");
    T_ASSERT_INT(eng_tier_confidence("MONITOR", &lab), ==, 60);
    T_ASSERT_STR(lab, "MEDIUM");
    T_ASSERT_INT(eng_tier_confidence("PASS", &lab), ==, 30);
    T_ASSERT_STR(lab, "LOW");
    T_ASSERT_INT(eng_injury_status("OUT"), ==, ENG_INJURY_DROP);
    T_ASSERT_INT(eng_injury_status("Doubtful"), ==, ENG_INJURY_DROP);
    T_ASSERT_INT(eng_injury_status("SUSPENDED"), ==, ENG_INJURY_DROP);
    T_ASSERT_INT(eng_injury_status("DNP"), ==, ENG_INJURY_DROP);
    T_ASSERT_INT(eng_injury_status("INACTIVE"), ==, ENG_INJURY_DROP);
    T_ASSERT_INT(eng_injury_status("QUESTIONABLE"), ==, ENG_INJURY_DOWNGRADE);
    T_ASSERT_INT(eng_injury_status("probable"), ==, ENG_INJURY_DOWNGRADE);
    T_ASSERT_INT(eng_injury_status("GTD"), ==, ENG_INJURY_DOWNGRADE);
    T_ASSERT_INT(eng_injury_status("ACTIVE"), ==, ENG_INJURY_NONE);
    T_ASSERT_INT(eng_injury_status(NULL), ==, ENG_INJURY_NONE);
    T_END;
}

/* One TV25 candidate scored from the engine values given in the vector. */
typedef struct {
    double final;
    double base;
    const char *tier;
} tv25_t;

static tv25_t tv25_score(bool pick_home, double point, bool original)
{
    eng_research_in_t rin = tv20_in(pick_home ? ENG_PICK_HOME : ENG_PICK_AWAY, original);
    eng_confluence_t conf;
    eng_final_in_t fin = final_in(0);
    double ai = 7.0, esoteric = 6.202, jarvis = 7.0, research, jason;
    tv25_t r;

    research = eng_research(&rin, NULL, NULL);
    fin.base = eng_base(ai, research, esoteric, true, jarvis);
    fin.context_mod = eng_context_modifier(eng_context_def("NBA", 10), eng_context_pace(101),
                                           eng_context_vacuum(0), 0, NULL);
    jason = eng_jason_sim(ENG_MKT_SPREAD, pick_home, point, fin.base, original, NULL, NULL, NULL);
    eng_confluence(research, esoteric, false, true, true, true, jason, &conf, NULL);
    fin.confluence = conf.boost;
    fin.jason = jason;
    fin.hook = eng_hook("NBA", point, NULL);
    fin.original = original;
    r.final = eng_final(&fin, NULL, NULL);
    r.base = fin.base;
    r.tier = eng_tier(r.final, fin.base, conf.level, ai, research, esoteric, true, jarvis,
                      eng_titanium(r.final, ai, research, esoteric, true, jarvis), NULL);
    return r;
}

static void tv25_pick(eng_pick_t *p, const char *side, double line, tv25_t s)
{
    memset(p, 0, sizeof(*p));
    p->sport = "NBA";
    p->event_id = "lal-bos";
    p->market = "spreads";
    p->side = side;
    p->book = "draftkings";
    p->date = "2026-02-16";
    p->line = line;
    p->has_line = true;
    p->score = s.final;
    p->tier = s.tier;
}

int test_0483_tv25_end_to_end(void);
int test_0483_tv25_end_to_end(void)
{
    tv25_t lal, bos;
    eng_pick_t picks[2];
    T_BEGIN;
    /* original: Lakers −5.5 → 7.1893 EDGE_LEAN; Celtics +5.5 → 8.4893 GOLD_STAR */
    lal = tv25_score(true, -5.5, true);
    bos = tv25_score(false, 5.5, true);
    T_ASSERT_DBL(lal.base, 7.4053, 1e-12);
    T_ASSERT_DBL(lal.final, 7.1893, 1e-12);
    T_ASSERT_STR(lal.tier, "EDGE_LEAN");
    T_ASSERT_DBL(bos.final, 8.4893, 1e-12);
    T_ASSERT_STR(bos.tier, "GOLD_STAR");
    /* the contradiction gate keeps the underdog */
    tv25_pick(&picks[0], "Los Angeles Lakers", -5.5, lal);
    tv25_pick(&picks[1], "Boston Celtics", 5.5, bos);
    T_ASSERT_INT(eng_filter_picks(picks, 2, NULL), ==, 1);
    T_ASSERT_STR(picks[0].side, "Boston Celtics");
    T_ASSERT(picks[0].keep && !picks[1].keep);
    /* Savant (D2 research 5.0 for the Lakers, D3 Jason +0.8 for the Lakers):
     * Lakers BASE 6.1803, STRONG 1.0 + 0.8 → capped 1.5 → 7.6643, GOLD band but BASE < 6.8
     * → EDGE_LEAN; Celtics 8.5 research, Jason −0.5 → 7.1893 EDGE_LEAN */
    lal = tv25_score(true, -5.5, false);
    bos = tv25_score(false, 5.5, false);
    T_ASSERT_DBL(lal.base, 6.1803, 1e-12);
    T_ASSERT_DBL(lal.final, 7.6643, 1e-12);
    T_ASSERT_STR(lal.tier, "EDGE_LEAN");
    T_ASSERT_DBL(bos.final, 7.1893, 1e-12);
    T_ASSERT_STR(bos.tier, "EDGE_LEAN");
    tv25_pick(&picks[0], "Boston Celtics", 5.5, bos);
    tv25_pick(&picks[1], "Los Angeles Lakers", -5.5, lal);
    T_ASSERT_INT(eng_filter_picks(picks, 2, NULL), ==, 1);
    T_ASSERT_STR(picks[0].side, "Los Angeles Lakers");
    T_END;
}

int test_0484_pick_id(void);
int test_0484_pick_id(void)
{
    char id[13], id2[13];
    T_BEGIN;
    /* sha1("NBA|evt1|spreads|BOSTON CELTICS|5.5|")[:12] */
    eng_pick_id("NBA", "evt1", "spreads", "Boston Celtics", 5.5, "", id);
    T_ASSERT_STR(id, "b214638f5c4a");
    eng_pick_id("NBA", "evt1", "spreads", "Los Angeles Lakers", -5.5, NULL, id);
    T_ASSERT_STR(id, "3171ad218746");
    eng_pick_id("NHL", "TeamA@TeamB", "points", "Over", 25.50, "Player A", id);
    T_ASSERT_STR(id, "a074c0af67e3");
    eng_pick_id("NBA", "evt1", "h2h", "Boston Celtics", 0.0, "", id); /* "…|0.0|" */
    T_ASSERT_STR(id, "f6fd8ffd699c");
    eng_pick_id("NBA", "evt1", "totals", "Over", 224.5, "", id);
    T_ASSERT_STR(id, "1b8d0253a8b6");
    eng_pick_id("NBA", "evt1", "totals", "Over", 224.456, "", id); /* round(…, 2) = 224.46 */
    T_ASSERT_STR(id, "d80901c2d31d");
    /* D7: the side is in the id */
    eng_pick_id("NBA", "evt1", "totals", "Under", 224.5, "", id2);
    T_ASSERT(strcmp(id2, "1b8d0253a8b6") != 0);
    /* case of the side does not matter */
    eng_pick_id("NBA", "evt1", "totals", "OVER", 224.5, "", id2);
    T_ASSERT_STR(id2, "1b8d0253a8b6");
    T_END;
}

static void mk(eng_pick_t *p, const char *sport, const char *ev, const char *market,
               const char *side, double line, const char *player, double score, const char *book,
               bool prop)
{
    memset(p, 0, sizeof(*p));
    p->sport = sport;
    p->event_id = ev;
    p->market = market;
    p->side = side;
    p->line = line;
    p->has_line = true;
    p->player = player;
    p->score = score;
    p->book = book;
    p->date = "2026-02-16";
    p->prop = prop;
    p->prop_type = prop ? market : NULL;
    p->tier = score >= 7.5 ? "GOLD_STAR" : "EDGE_LEAN";
}

int test_0485_filter_dedupe_floors(void);
int test_0485_filter_dedupe_floors(void)
{
    eng_pick_t p[8];
    eng_filter_conf_t c;
    T_BEGIN;
    /* same bet at three books: highest score wins */
    mk(&p[0], "NHL", "TeamA@TeamB", "points", "Over", 25.5, "Player A", 7.5, "betmgm", true);
    mk(&p[1], "NHL", "TeamA@TeamB", "points", "Over", 25.5, "Player A", 8.2, "fanduel", true);
    mk(&p[2], "NHL", "TeamA@TeamB", "points", "Over", 25.5, "Player A", 7.9, "draftkings", true);
    T_ASSERT_INT(eng_filter_picks(p, 3, NULL), ==, 1);
    T_ASSERT_STR(p[0].book, "fanduel");
    T_ASSERT_STR(p[0].pick_id, "a074c0af67e3");
    /* tie: preferred book order; unknown books last */
    mk(&p[0], "NHL", "A@B", "points", "Over", 25.5, "Player A", 8.0, "betmgm", true);
    mk(&p[1], "NHL", "A@B", "points", "Over", 25.5, "Player A", 8.0, "draftkings", true);
    mk(&p[2], "NHL", "A@B", "points", "Over", 25.5, "Player A", 8.0, "fanduel", true);
    T_ASSERT_INT(eng_filter_picks(p, 3, NULL), ==, 1);
    T_ASSERT_STR(p[0].book, "draftkings");
    mk(&p[0], "NHL", "A@B", "points", "Over", 25.5, "Player A", 8.0, "bovada", true);
    mk(&p[1], "NHL", "A@B", "points", "Over", 25.5, "Player A", 8.0, "Pinnacle", true);
    T_ASSERT_INT(eng_filter_picks(p, 2, NULL), ==, 1);
    T_ASSERT_STR(p[0].book, "Pinnacle");
    /* floors: games 7.0, props 6.5; MONITOR/PASS dropped; sorted by score */
    mk(&p[0], "NBA", "e1", "spreads", "A", 3.5, NULL, 6.99, "draftkings", false);
    mk(&p[1], "NBA", "e2", "spreads", "B", 3.5, NULL, 7.0, "draftkings", false);
    mk(&p[2], "NBA", "e3", "player_points", "Over", 20.5, "P1", 6.49, "draftkings", true);
    mk(&p[3], "NBA", "e4", "player_points", "Over", 20.5, "P2", 6.5, "draftkings", true);
    mk(&p[4], "NBA", "e5", "spreads", "C", 3.5, NULL, 9.0, "draftkings", false);
    p[4].tier = "MONITOR";
    mk(&p[5], "NBA", "e6", "spreads", "D", 3.5, NULL, 8.0, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 6, NULL), ==, 3);
    T_ASSERT(p[0].score == 8.0 && p[1].score == 7.0 && p[2].score == 6.5);
    T_ASSERT(p[0].keep && p[1].keep && p[2].keep && !p[3].keep && !p[4].keep && !p[5].keep);
    /* the game floor override is clamped to [5, 10] */
    eng_filter_conf_init(&c);
    c.game_floor = 4.0;
    mk(&p[0], "NBA", "e1", "spreads", "A", 3.5, NULL, 5.0, "draftkings", false);
    mk(&p[1], "NBA", "e2", "spreads", "B", 3.5, NULL, 4.99, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 2, &c), ==, 1);
    T_ASSERT(p[0].score == 5.0);
    /* equal scores sort by pick_id */
    mk(&p[0], "NBA", "e1", "spreads", "Boston Celtics", 5.5, "", 8.0, "draftkings", false);
    mk(&p[1], "NBA", "e2", "spreads", "Boston Celtics", 5.5, "", 8.0, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 2, NULL), ==, 2);
    T_ASSERT(strcmp(p[0].pick_id, p[1].pick_id) < 0);
    T_ASSERT_INT(eng_filter_picks(p, 0, NULL), ==, 0);
    T_END;
}

int test_0486_filter_contradictions(void);
int test_0486_filter_contradictions(void)
{
    eng_pick_t p[8];
    eng_filter_conf_t c;
    T_BEGIN;
    eng_filter_conf_init(&c);
    c.per_player = 5;
    c.per_game = 5;
    /* totals: any line, Over vs Under → the higher only */
    mk(&p[0], "NBA", "e1", "totals", "Under", 226.5, NULL, 7.5, "draftkings", false);
    mk(&p[1], "NBA", "e1", "totals", "Over", 224.5, NULL, 8.0, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 2, &c), ==, 1);
    T_ASSERT_STR(p[0].side, "Over");
    /* props: same line Over/Under → one; different lines → both */
    mk(&p[0], "NBA", "e1", "player_points", "Over", 25.5, "P1", 7.0, "draftkings", true);
    mk(&p[1], "NBA", "e1", "player_points", "Under", 25.5, "P1", 7.2, "draftkings", true);
    mk(&p[2], "NBA", "e1", "player_points", "Over", 26.5, "P1", 6.9, "draftkings", true);
    T_ASSERT_INT(eng_filter_picks(p, 3, &c), ==, 2);
    T_ASSERT_STR(p[0].side, "Under");
    T_ASSERT(p[1].line == 26.5);
    /* spreads: |line| keys; different |line| do not contradict */
    mk(&p[0], "NBA", "e1", "spreads", "Lakers", -6.5, NULL, 7.6, "draftkings", false);
    mk(&p[1], "NBA", "e1", "spreads", "Celtics", 5.5, NULL, 7.4, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 2, &c), ==, 2);
    /* moneyline: different teams contradict */
    mk(&p[0], "NBA", "e1", "h2h", "Lakers", 0, NULL, 7.6, "draftkings", false);
    mk(&p[1], "NBA", "e1", "h2h", "Celtics", 0, NULL, 7.4, "draftkings", false);
    p[0].has_line = p[1].has_line = false;
    T_ASSERT_INT(eng_filter_picks(p, 2, &c), ==, 1);
    T_ASSERT_STR(p[0].side, "Lakers");
    /* props and games are gated separately; other dates/events do not match */
    mk(&p[0], "NBA", "e1", "totals", "Over", 224.5, NULL, 8.0, "draftkings", false);
    mk(&p[1], "NBA", "e2", "totals", "Under", 224.5, NULL, 7.9, "draftkings", false);
    mk(&p[2], "NBA", "e3", "totals", "Under", 224.5, NULL, 7.8, "draftkings", false);
    mk(&p[3], "NBA", "e3", "totals", "Over", 224.5, NULL, 7.7, "draftkings", false);
    p[3].date = "2026-02-17";
    T_ASSERT_INT(eng_filter_picks(p, 4, &c), ==, 4);
    /* redundancy: spread and moneyline on the same team → the higher */
    mk(&p[0], "NBA", "e1", "h2h", "Celtics", 0, NULL, 7.5, "draftkings", false);
    mk(&p[1], "NBA", "e1", "spreads", "Celtics", 5.5, NULL, 8.0, "draftkings", false);
    mk(&p[2], "NBA", "e2", "h2h", "Celtics", 0, NULL, 7.4, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 3, &c), ==, 2);
    T_ASSERT_STR(p[0].market, "spreads");
    T_ASSERT_STR(p[1].event_id, "e2");
    T_END;
}

int test_0487_filter_diversity_caps(void);
int test_0487_filter_diversity_caps(void)
{
    eng_pick_t p[12];
    eng_filter_conf_t c;
    T_BEGIN;
    /* games: <= 2 per game */
    mk(&p[0], "NBA", "e1", "spreads", "Celtics", 5.5, NULL, 9.0, "draftkings", false);
    mk(&p[1], "NBA", "e1", "totals", "Over", 224.5, NULL, 8.5, "draftkings", false);
    mk(&p[2], "NBA", "e1", "h2h", "Lakers", 0, NULL, 8.0, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 3, NULL), ==, 2);
    T_ASSERT_STR(p[2].market, "h2h");
    /* props: <= 1 per player, <= 2 per game */
    mk(&p[0], "NBA", "e1", "player_points", "Over", 20.5, "P1", 9.0, "draftkings", true);
    mk(&p[1], "NBA", "e1", "player_assists", "Over", 5.5, "P1", 8.5, "draftkings", true);
    mk(&p[2], "NBA", "e1", "player_points", "Over", 18.5, "P2", 8.0, "draftkings", true);
    mk(&p[3], "NBA", "e1", "player_points", "Over", 12.5, "P3", 7.9, "draftkings", true);
    mk(&p[4], "NBA", "e2", "player_points", "Over", 12.5, "P4", 7.8, "draftkings", true);
    T_ASSERT_INT(eng_filter_picks(p, 5, NULL), ==, 3);
    T_ASSERT_STR(p[0].player, "P1");
    T_ASSERT_STR(p[1].player, "P2");
    T_ASSERT_STR(p[2].player, "P4");
    /* top N per kind, then the per-sport cap */
    eng_filter_conf_init(&c);
    c.top_n = 3;
    for (int i = 0; i < 5; i++) {
        static const char *ev[] = {"g1", "g2", "g3", "g4", "g5"};
        mk(&p[i], "NBA", ev[i], "spreads", "X", 3.5, NULL, 9.0 - i * 0.1, "draftkings", false);
    }
    T_ASSERT_INT(eng_filter_picks(p, 5, &c), ==, 3);
    T_ASSERT_DBL(p[2].score, 8.8, 1e-12);
    c.top_n = 10;
    c.per_sport = 2;
    mk(&p[0], "NBA", "g1", "spreads", "X", 3.5, NULL, 9.0, "draftkings", false);
    mk(&p[1], "NBA", "g2", "spreads", "X", 3.5, NULL, 8.9, "draftkings", false);
    mk(&p[2], "NBA", "g3", "player_points", "Over", 20.5, "P1", 8.8, "draftkings", true);
    mk(&p[3], "NHL", "h1", "spreads", "Y", 1.5, NULL, 8.7, "draftkings", false);
    T_ASSERT_INT(eng_filter_picks(p, 4, &c), ==, 3);
    T_ASSERT_STR(p[2].sport, "NHL");
    T_ASSERT(!p[3].keep && p[3].prop);
    T_END;
}
