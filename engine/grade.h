/*
 * grade — grading one bet or signal against its game (docs/grading.md): the result by the market
 * rules of eng_backtest_settle(), odds-aware profit and loss in cents, and the closing price and
 * closing-line value from the consensus fair probability of the same side at the close.
 *
 * Every function is pure: no allocation, no global state, no clock. Player props are not graded
 * (no feed carries player statistics): they stay ENG_GRADE_OPEN, as does any side the market rules
 * cannot settle, unless the game is void (cancelled or postponed), which voids every bet.
 */
#ifndef SV_ENG_GRADE_H
#define SV_ENG_GRADE_H

#include <stdbool.h>

#include "wire.h"

typedef enum eng_grade_result {
    ENG_GRADE_WIN,
    ENG_GRADE_LOSS,
    ENG_GRADE_PUSH,
    ENG_GRADE_VOID, /* the game was cancelled or postponed: the stake comes back */
    ENG_GRADE_OPEN, /* not graded: a prop, or a side the market rules cannot settle */
    ENG_GRADE__CNT,
} eng_grade_result_t;

/* A finished game, or a cancelled/postponed one. Strings borrowed for the call. */
typedef struct eng_grade_game {
    const char *home;   /* home team name */
    const char *away;   /* away team name */
    int home_score;     /* final score (ignored when void_game) */
    int away_score;     /* final score (ignored when void_game) */
    bool has_draw;      /* the h2h market has a "Draw" outcome (3-way) */
    bool void_game;     /* cancelled or postponed: every bet is void */
} eng_grade_game_t;

/* What was bet (a placed bet, or a signal at its price). Strings borrowed for the call. */
typedef struct eng_grade_bet {
    const char *market; /* market token: h2h, spreads, totals, player_points, ... */
    const char *side;   /* outcome name: a team, "Draw", "Over", "Under" */
    const char *player; /* props: the player; NULL or "" for game lines */
    bool has_point;     /* point is set (spreads, totals) */
    double point;       /* the side's line: its handicap (spreads) or the total (totals) */
    int price;          /* American odds the bet was placed at, |price| >= 100 */
    double stake;       /* money, or units for a signal; finite, >= 0 */
    bool has_close;     /* p_close is set */
    double p_close;     /* consensus fair probability of the same side at the close
                           (last before the start); used only when in (0, 1) */
} eng_grade_bet_t;

typedef struct eng_grade_out {
    eng_grade_result_t result; /* the grade */
    double pnl;                /* win: stake (d - 1) rounded to cents, halves away from zero;
                                  loss: -stake; push, void, open: 0 */
    bool has_close;            /* closing_price and clv are set (p_close was in (0, 1)) */
    int closing_price;         /* American odds of the fair close 1 / p_close */
    double clv;                /* closing-line value d_bet / d_close - 1 */
} eng_grade_out_t;

/**
 * @brief Grade bet b against game g. void_game gives VOID whatever the market; a prop (player
 *        set) gives OPEN; otherwise eng_backtest_settle() decides (h2h, spreads, totals), and
 *        what it leaves OPEN stays OPEN. The close is computed whenever b->p_close is in (0, 1),
 *        whatever the result.
 * @param b the bet (borrowed); g the game (borrowed)
 * @param out filled completely
 * @locality any thread
 */
void eng_grade(const eng_grade_bet_t *b, const eng_grade_game_t *g, eng_grade_out_t *out);

/**
 * @brief Round an amount of money to cents (0.01), halves away from zero, after absorbing binary
 *        representation error below 1e-6 of a cent (0.505 is 0.51, not 0.50).
 * @locality any thread
 */
double eng_grade_round_cents(double x);

/** @brief "win", "loss", "push", "void", "open" ("?" when out of range). @locality any thread */
const char *eng_grade_result_name(eng_grade_result_t r);

/**
 * @brief The savant.grades.v1 result of a grade.
 * @param w out: the wire result (untouched for OPEN)
 * @returns false for ENG_GRADE_OPEN (nothing to publish yet), true otherwise.
 * @locality any thread
 */
bool eng_grade_to_wire(eng_grade_result_t r, wire_grade_result_t *w);

#endif
