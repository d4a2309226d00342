/*
 * bench-score — candidates scored per second by the scoring pipeline (engine/scoring/score.h),
 * the path the engine runs for every touched candidate: the per-game and per-line parts cached
 * (prepared once, as the engine does), eng_score_run() per candidate without reasons. Also the
 * cost of the per-game part, of a candidate with nothing cached, and of an explained candidate
 * (reasons formatted, savant-score's path).
 * Run by `make bench`; nothing is asserted.
 *
 *   bench-score [SECONDS_PER_CASE]   (default 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scoring/score.h"

#define N_GAMES 1000 /* distinct games */
#define N_CANDS 8    /* candidates per game: spread x2, h2h x2, totals x2, prop x2 */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const teams[] = {
    "Los Angeles Lakers", "Boston Celtics",     "Chicago Bulls",     "New York Knicks",
    "Miami Heat",         "Denver Nuggets",     "Phoenix Suns",      "Dallas Mavericks",
    "Golden State Warriors", "Milwaukee Bucks", "Houston Rockets",   "Utah Jazz",
    "Atlanta Hawks",      "Orlando Magic",      "Detroit Pistons",   "Indiana Pacers"};
static const char *const players[] = {"LeBron James", "Jayson Tatum", "Nikola Jokic",
                                      "Luka Doncic"};

static char game_home[N_GAMES][64], game_away[N_GAMES][64];
static eng_score_in_t cands[N_GAMES][N_CANDS];
static eng_score_game_t games[N_GAMES];
static eng_score_line_t lines[N_GAMES][N_CANDS];
static double hist[20];

static void make(void)
{
    for (int g = 0; g < N_GAMES; g++) {
        int h = g % 16, a = (g / 16 + 1 + g % 16) % 16;
        if (a == h)
            a = (a + 1) % 16;
        snprintf(game_home[g], sizeof(game_home[g]), "%s", teams[h]);
        snprintf(game_away[g], sizeof(game_away[g]), "%s", teams[a]);
        for (int c = 0; c < N_CANDS; c++) {
            eng_score_in_t *in = &cands[g][c];
            memset(in, 0, sizeof(*in));
            in->sport = "nba";
            in->event_id = "";
            in->home = game_home[g];
            in->away = game_away[g];
            in->player = "";
            in->commence_ms = 1771201800000LL + (int64_t)g * 3600000 * 7;
            in->has_splits = true;
            in->ticket_pct = 40 + g % 30;
            in->money_pct = 35 + (g * 7) % 40;
            in->has_lv = true;
            in->line_variance = (g % 5) * 0.5;
            in->books = 8;
            in->history = hist;
            in->history_n = 20;
            in->has_home_spread = true;
            in->home_spread = -0.5 - g % 12;
            in->has_total = true;
            in->total = 210.5 + g % 30;
            switch (c / 2) {
            case 0:
                in->market = "spreads";
                in->side = c % 2 ? in->away : in->home;
                in->has_point = true;
                in->point = c % 2 ? -in->home_spread : in->home_spread;
                break;
            case 1: in->market = "h2h"; in->side = c % 2 ? in->away : in->home; break;
            case 2:
                in->market = "totals";
                in->side = c % 2 ? "Under" : "Over";
                in->has_point = true;
                in->point = in->total;
                break;
            default:
                in->market = "player_points";
                in->player = players[g % 4];
                in->side = c % 2 ? "Under" : "Over";
                in->has_point = true;
                in->point = 20.5 + g % 10;
                in->has_birth = true;
                in->birth_day = 5478 + g;
                break;
            }
        }
    }
    for (int i = 0; i < 20; i++)
        hist[i] = -3.0 - (i % 7) * 0.5;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    static eng_score_t out;
    static eng_why_t why;
    eng_score_conf_t conf;
    double t0, t;
    long n;
    double sink = 0;

    eng_score_conf_init(&conf);
    make();

    /* the per-game part */
    n = 0;
    t0 = now_s();
    do {
        for (int g = 0; g < N_GAMES; g++)
            eng_score_game_prepare(&conf, &cands[g][0], &games[g]);
        n += N_GAMES;
    } while ((t = now_s()) - t0 < secs);
    printf("%-44s %12.0f games/s %9.1f ns/game\n", "per-game part (eng_score_game_prepare)",
           n / (t - t0), (t - t0) * 1e9 / n);

    /* candidates with the per-game and per-line parts cached (the engine's path) */
    for (int g = 0; g < N_GAMES; g++)
        for (int c = 0; c < N_CANDS; c++)
            eng_score_line_prepare(&cands[g][c], &lines[g][c]);
    n = 0;
    t0 = now_s();
    do {
        for (int g = 0; g < N_GAMES; g++)
            for (int c = 0; c < N_CANDS; c++) {
                eng_score_run(&conf, &games[g], &lines[g][c], &cands[g][c], &out, NULL);
                sink += out.final;
            }
        n += N_GAMES * N_CANDS;
    } while ((t = now_s()) - t0 < secs);
    printf("%-44s %12.0f cands/s %9.1f ns/cand\n", "candidates scored (game and line cached)",
           n / (t - t0), (t - t0) * 1e9 / n);

    /* candidates with only the per-game part cached */
    n = 0;
    t0 = now_s();
    do {
        for (int g = 0; g < N_GAMES; g++)
            for (int c = 0; c < N_CANDS; c++) {
                eng_score_run(&conf, &games[g], NULL, &cands[g][c], &out, NULL);
                sink += out.final;
            }
        n += N_GAMES * N_CANDS;
    } while ((t = now_s()) - t0 < secs);
    printf("%-44s %12.0f cands/s %9.1f ns/cand\n", "candidates scored (game cached, line not)",
           n / (t - t0), (t - t0) * 1e9 / n);

    /* explained (reasons), savant-score's path */
    n = 0;
    t0 = now_s();
    do {
        for (int g = 0; g < N_GAMES; g++)
            for (int c = 0; c < N_CANDS; c++) {
                eng_why_init(&why);
                eng_score_run(&conf, &games[g], &lines[g][c], &cands[g][c], &out, &why);
                sink += out.final;
            }
        n += N_GAMES * N_CANDS;
    } while ((t = now_s()) - t0 < secs);
    printf("%-44s %12.0f cands/s %9.1f ns/cand\n", "candidates explained (reasons formatted)",
           n / (t - t0), (t - t0) * 1e9 / n);
    if (sink == 42.4242)
        printf("\n");
    return 0;
}
