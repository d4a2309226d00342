/*
 * cands — connects the market state to the scoring pipeline: for one candidate of a market it
 * gathers what the scoring reads from the state (the game's teams and start, the game's spread
 * and total, splits, line variance, books, line history, the player's birth date and injury,
 * officials, weather, space weather), runs eng_score_run() and writes the scores, tier and
 * confluence into the candidate's savant.scores.v1 event.
 *
 * The per-game part of the scoring (astro, moon, daily energy, Schumann, Founder's Echo,
 * rivalry, Jarvis of the matchup) is computed once per game and cached here until the game's
 * teams or start change. A candidate whose game has not arrived yet (odds before the games
 * event) is left with its market-level fields only.
 *
 * Owned by the engine's loop thread; nothing here allocates per event after a game's first use.
 */
#ifndef SV_ENG_CANDS_H
#define SV_ENG_CANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ai.h"
#include "market.h"
#include "scoring/score.h"
#include "wire.h"

typedef struct eng_cands eng_cands_t;

/**
 * @brief A scorer with configuration conf (copied).
 * @returns the scorer (free with eng_cands_free()), or NULL when out of memory.
 */
eng_cands_t *eng_cands_new(const eng_score_conf_t *conf);

/** @brief Free the scorer; NULL is fine. */
void eng_cands_free(eng_cands_t *c);

/**
 * @brief Take p_model and the AI score from ai (borrowed; NULL: the candidate's AI score is
 *        score.ai_default and no p_model is emitted).
 */
void eng_cands_set_ai(eng_cands_t *c, const eng_ai_t *ai);

/**
 * @brief Add the scoring fields (p_model, ai, research, esoteric, jarvis, final, tier, confluence) of
 *        candidate i of mk to sc, which eng_market_score() has filled.
 * @param out when not NULL, receives the full result (modules, research pillars)
 * @param why reasons, or NULL
 * @returns true when scored; false when the game is not known yet (sc then gains only p_model)
 * @locality owner thread
 */
bool eng_cands_score(eng_cands_t *c, const eng_state_t *st, const eng_market_t *mk, size_t i,
                     wire_score_t *sc, eng_score_t *out, eng_why_t *why);

/** @brief Forget what was computed for game index game (it is retired: eng_state_retire_game()),
 *         so a new game taking the index, and markets taking its markets' indices, start anew. */
void eng_cands_reset_game(eng_cands_t *c, uint32_t game);

/** @brief Candidates scored so far. */
unsigned long long eng_cands_scored(const eng_cands_t *c);

#endif
