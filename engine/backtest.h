/*
 * backtest — the offline modes of savant-replay: `backtest` runs the engine's own code path
 * (market state, quant, candidate scoring) over a recording (schemas/wire_rec.h) without Kafka,
 * Redis or PostgreSQL, takes the signals the rule of docs/replay.md picks at each candidate's last
 * pre-start score, settles them against the games' final results and writes a report directory
 * (report.json, report.md, pnl.png, calibration.png); `dataset` writes, per market, the sequence
 * of feature vectors at each odds update with the outcome label, for the AI issue's LSTM.
 *
 * Both are deterministic: the same recording and configuration give the same bytes (event time
 * only; the wall clock drives nothing but the progress line on stderr).
 */
#ifndef SV_ENG_BACKTEST_H
#define SV_ENG_BACKTEST_H

#include <stdbool.h>

#include "cfg.h"

/**
 * @brief `savant-replay backtest FILE -o DIR [-c FILE] [-X key=value]... [--tiers LIST]
 *        [--stake UNITS] [-q]`.
 * @param argv argv[0] is the mode name ("backtest"), the rest its arguments; borrowed
 * @param cfg  the effective configuration (borrowed); -c/-X given here are applied on a copy
 * @returns the exit status: 0 success, 1 failure (unreadable input, unwritable DIR, gnuplot
 *          missing or failing), 2 bad usage. Errors are printed as "savant-replay: …".
 * @locality main thread (uses getopt; forks gnuplot)
 */
int eng_backtest_main(int argc, char **argv, const cfg_t *cfg);

/**
 * @brief `savant-replay dataset FILE -o OUT [-c FILE] [-X key=value]... [-q]`.
 * @returns the exit status as eng_backtest_main().
 * @locality main thread
 */
int eng_dataset_main(int argc, char **argv, const cfg_t *cfg);

/* The settlement of one candidate against a game's result. */
typedef enum eng_backtest_result {
    ENG_BACKTEST_WIN,
    ENG_BACKTEST_LOSS,
    ENG_BACKTEST_PUSH,
    ENG_BACKTEST_OPEN, /* cannot be settled: a prop, or a side that is no team, Draw, Over, Under */
} eng_backtest_result_t;

/**
 * @brief Settle a side of a finished game. h2h: the side's team wins when its score is higher;
 *        Draw wins on a tie; a tie in a market without a Draw outcome is a push. spreads: the
 *        side's score + point against the other's (equal: push). totals: home + away against
 *        point, Over wins above, Under below, equal is a push. Anything else is OPEN.
 * @param has_draw the market has a "Draw" outcome (3-way)
 * @returns the result. @locality any thread
 */
eng_backtest_result_t eng_backtest_settle(const char *market, const char *side, bool has_point,
                                          double point, const char *home, const char *away,
                                          bool has_draw, int home_score, int away_score);

#endif
