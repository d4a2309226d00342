/*
 * context — defensive rank, pace, vacuum and travel into the bounded context modifier (see
 * context.h).
 */
#include "context.h"

#include <math.h>
#include <stddef.h>
#include <strings.h>

#include "pynum.h"

typedef struct {
    const char *sport; /* sport code */
    double teams;      /* T of the defensive formula */
    double pace;       /* league-average pace */
} league_t;

static const league_t LEAGUES[] = {
    {"NBA", 32.0, 98.5}, {"NFL", 32.0, 63.5}, {"NHL", 32.0, 31.0},
    {"MLB", 30.0, 4.3},  {"NCAAB", 350.0, 68.0},
};

static const league_t OTHER = {"", 350.0, 98.5};

static const league_t *league(const char *sport)
{
    for (size_t i = 0; sport && i < sizeof(LEAGUES) / sizeof(LEAGUES[0]); i++)
        if (strcasecmp(sport, LEAGUES[i].sport) == 0)
            return &LEAGUES[i];
    return &OTHER;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

double eng_context_def(const char *sport, int rank)
{
    double t = league(sport)->teams;
    double r = rank > 0 ? (double)rank : 15.0;
    return clampd((t - r) / (t - 1.0) * 10.0, 0.0, 10.0);
}

double eng_context_league_pace(const char *sport)
{
    return league(sport)->pace;
}

double eng_context_pace(double pace)
{
    return clampd((pace - 90.0) / 20.0 * 10.0, 0.0, 10.0);
}

double eng_context_vacuum(double v)
{
    return clampd(5.0 + v / 5.0, 0.0, 10.0);
}

double eng_context_vacuum_fallback(int n_out)
{
    return n_out <= 0 ? 0.0 : fmin(25.0, 5.0 * n_out);
}

double eng_context_travel(int rest_days, double miles, int impact)
{
    if (rest_days == 0)
        return -0.5;
    if (rest_days == 1 && miles > 1500.0)
        return -0.35;
    if (impact == ENG_TRAVEL_HIGH)
        return -0.4;
    if (impact == ENG_TRAVEL_MEDIUM && miles > 1000.0)
        return -0.2;
    return 0.0;
}

double eng_context_modifier(double def_score, double pace_score, double vac_score,
                            double travel_adj, double *context_score)
{
    double raw = 0.5 * def_score + 0.3 * pace_score + 0.2 * vac_score;
    double ctx = eng_py_round(raw + travel_adj, 2);
    double mod = eng_py_round(clampd((ctx - 5.0) / 5.0 * 0.35, -0.35, 0.35), 3);

    if (context_score)
        *context_score = ctx;
    return mod;
}
