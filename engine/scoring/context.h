/*
 * context — the context modifier of spec/original-scoring.md §5.4 (Pillars 13–15: defensive
 * rank, pace, usage vacuum, plus travel fatigue): a bounded term (±0.35) added after BASE, not an
 * engine.
 *
 * Decisions where the spec leaves a choice (copied to docs/scoring.md):
 *  - The original's static position-vs-team defensive-rank and team-pace tables are not in the
 *    spec. Savant uses the original's defaults unless an input is given: rank 15 (any rank <= 0
 *    means "unknown"), the league-average pace of eng_context_league_pace(), vacuum 0.
 *  - Sports are matched case-insensitively ("NBA", "nba"). A sport without a league-average pace
 *    (NCAAF, soccer, …) gets 98.5, the NBA value, so the pace score is neutral-ish rather than 0;
 *    this is a Savant choice, the original has no entry.
 *  - Travel is added to the weighted sum before the 2-dp rounding (the original adds it to its
 *    unrounded context_raw); with no travel this is exactly round(0.5·def + 0.3·pace + 0.2·vac, 2).
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_CONTEXT_H
#define SV_ENG_CONTEXT_H

#include <stdbool.h>

/** Travel-module impact levels for eng_context_travel(). */
enum eng_travel_impact { ENG_TRAVEL_NONE = 0, ENG_TRAVEL_MEDIUM = 1, ENG_TRAVEL_HIGH = 2 };

/**
 * @brief Defensive score: clamp((T − rank)/(T − 1)·10, 0, 10) with T = 32 for NBA/NFL/NHL,
 *        30 for MLB, 350 otherwise. rank <= 0 → the default 15.
 * @returns the defensive score, 0–10
 */
double eng_context_def(const char *sport, int rank);

/**
 * @brief League-average pace: NBA 98.5, NFL 63.5, MLB 4.3, NHL 31.0, NCAAB 68.0, other 98.5.
 * @returns the pace in the sport's own unit
 */
double eng_context_league_pace(const char *sport);

/**
 * @brief Pace score: clamp((pace − 90)/20·10, 0, 10) (pace = mean of the two teams' paces).
 * @returns the pace score, 0–10
 */
double eng_context_pace(double pace);

/**
 * @brief Vacuum score: clamp(5 + v/5, 0, 10).
 * @returns the vacuum score, 0–10
 */
double eng_context_vacuum(double v);

/**
 * @brief Fallback usage vacuum without usage data: 5 per OUT/DOUBTFUL player, at most 25.
 * @returns the vacuum V for eng_context_vacuum()
 */
double eng_context_vacuum_fallback(int n_out);

/**
 * @brief Travel adjustment, first match: rest 0 (back-to-back) −0.5; rest 1 and > 1500 mi
 *        −0.35; impact HIGH −0.4; impact MEDIUM and > 1000 mi −0.2; else 0.
 * @param impact enum eng_travel_impact
 * @returns the adjustment, −0.5 … 0
 */
double eng_context_travel(int rest_days, double miles, int impact);

/**
 * @brief The context modifier: context = round(0.5·def + 0.3·pace + 0.2·vac + travel, 2);
 *        modifier = round(clamp((context − 5)/5·0.35, −0.35, 0.35), 3). TV25: def 7.0968,
 *        pace 5.5, vac 5.0 → context 6.2 → +0.084.
 * @param context_score if not NULL, receives the rounded context score
 * @returns the modifier (±0.35)
 */
double eng_context_modifier(double def_score, double pace_score, double vac_score,
                            double travel_adj, double *context_score);

#endif
