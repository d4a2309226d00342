/*
 * 0491: the caches give the same bits. For a spread of candidates (every type, home/away,
 * Over/Under, lines that are Fibonacci, Gann, golden or trap values, props with birth dates and
 * histories) eng_score_run() with the per-line part prepared by eng_score_line_prepare() gives
 * the same eng_score_t, byte for byte, as with nothing cached; and a line part is recognised as
 * stale when the line moves.
 */
#include <string.h>

#include "harness.h"
#include "scoring/score.h"

int test_0491_score_cache(void);
int test_0491_score_cache(void)
{
    static const char *const markets[] = {"spreads", "h2h", "totals", "player_points"};
    static const double points[] = {-14.0, -10.5, -7.0, -5.5, -3.0, 0.5, 4.0, 8.0, 16.5, 36.9};
    static eng_score_t a, b;
    static double hist[25];
    eng_score_conf_t conf;
    eng_score_game_t g;
    eng_score_line_t ln;
    eng_score_in_t in;
    int checked = 0;
    T_BEGIN;
    for (int i = 0; i < 25; i++)
        hist[i] = -3.0 - (i % 5) * 0.5;
    for (int compat = 0; compat < 2; compat++) {
        eng_score_conf_init(&conf);
        conf.compat = compat ? ENG_COMPAT_ORIGINAL : ENG_COMPAT_SAVANT;
        for (int m = 0; m < 4; m++)
            for (int p = 0; p < 10; p++)
                for (int side = 0; side < 2; side++) {
                    memset(&in, 0, sizeof(in));
                    in.sport = p % 3 ? "nba" : "nfl";
                    in.event_id = "e";
                    in.home = "Kansas City Chiefs";
                    in.away = "Buffalo Bills";
                    in.market = markets[m];
                    in.player = m == 3 ? "Patrick Mahomes" : "";
                    in.side = m >= 2 ? (side ? "Under" : "Over") : (side ? in.away : in.home);
                    in.has_point = m != 1;
                    in.point = m == 2 ? 200.0 + points[p] * 2 : side ? -points[p] : points[p];
                    in.commence_ms = 1771201800000LL + p * 86400000LL * 11;
                    in.has_home_spread = m == 3;
                    in.home_spread = -points[p];
                    in.has_splits = true;
                    in.ticket_pct = 55 + p;
                    in.money_pct = 40 + 3 * p;
                    in.has_birth = m == 3;
                    in.birth_day = 9000 + p * 37;
                    in.history = hist;
                    in.history_n = 5 + 2 * p;
                    eng_score_game_prepare(&conf, &in, &g);
                    eng_score_line_prepare(&in, &ln);
                    T_ASSERT(eng_score_line_matches(&ln, &in));
                    eng_score_run(&conf, &g, NULL, &in, &a, NULL);
                    eng_score_run(&conf, &g, &ln, &in, &b, NULL);
                    if (memcmp(&a, &b, sizeof(a)) != 0)
                        T_FAILF("%s %s %g: cached line part differs (final %.17g vs %.17g)",
                                in.market, in.side, in.point, a.final, b.final);
                    checked++;
                    if (in.has_point) {
                        in.point += 0.5;
                        T_ASSERT(!eng_score_line_matches(&ln, &in));
                    }
                }
    }
    T_ASSERT_INT(checked, ==, 160);
    T_END;
}
