/*
 * ai — the AI engine inside savant-engine (DESIGN.md §8 D6, docs/ai.md): an incremental LSTM
 * over each market outcome's odds events and per-sport Elo ratings. Every odds event that
 * touches a market advances each of its candidates' LSTM state by one step with the shared
 * feature vector (engine/ml/features.h) and gives p_model; final game results update Elo, whose
 * pre-game probability is one of the features. The AI score that enters BASE maps p_model
 * against the market's consensus: ai = clamp(5 + 50 · (p_model − p_fair), 0, 10).
 *
 * The model comes from the file `ai.model` names; it is refused at start-up when its feature
 * schema or architecture does not match (the engine never serves an untrained or mismatched
 * model). With `ai.model` empty there is no model: candidates get no p_model and the scoring's
 * `score.ai_default`.
 *
 * Owned by the engine's loop thread. State per candidate slot (market index × outcomes) is
 * allocated when a market is first seen, never per event.
 */
#ifndef SV_ENG_AI_H
#define SV_ENG_AI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "market.h"
#include "ml/elo.h"
#include "ml/lstm.h"
#include "wire.h"

typedef struct eng_ai eng_ai_t;

/**
 * @brief The AI engine with the model file at path ("" or NULL: no model) and the Elo
 *        constants of `ai.elo` (elo_spec, see eng_elo_set_sports()).
 * @returns the engine (free with eng_ai_free()), or NULL with errstr naming the file and why.
 */
eng_ai_t *eng_ai_new(const char *path, const char *elo_spec, char *errstr, size_t errstr_size);

/** @brief Free it; NULL is fine. */
void eng_ai_free(eng_ai_t *ai);

/** @brief The model's id, or NULL without a model. */
const char *eng_ai_model_id(const eng_ai_t *ai);

/**
 * @brief Where the model file of config key ai.model is: a relative path is tried from the
 *        working directory, then from the install root (the directory above the one holding
 *        the running binary, i.e. the source tree for bin/); out gets the configured path when
 *        neither has it (so an error names it). "" stays "" (no model).
 */
void eng_ai_model_path(const char *cfg_path, char *out, size_t size);

/**
 * @brief Advance every candidate of mk by one step (after eng_state_apply_odds() accepted an
 *        event at event time ts). Also while replaying, so recovered state matches.
 */
void eng_ai_on_odds(eng_ai_t *ai, const eng_state_t *st, const eng_market_t *mk, int64_t ts);

/** @brief Apply a game event's final result to Elo (ignored unless final with both scores). */
void eng_ai_on_game(eng_ai_t *ai, const wire_game_t *g);

/**
 * @brief Forget the model state of mk's candidates (LSTM h and c, the change features'
 *        previous step, p_model), as if it had never been stepped: with eng_state_reset_game()
 *        before a partition is re-read. The Elo ratings stay (a result is applied once per game).
 * @locality owner thread
 */
void eng_ai_reset_market(eng_ai_t *ai, const eng_market_t *mk);

/**
 * @brief Candidate i of mk's latest p_model.
 * @returns true when the model has stepped it at least once
 */
bool eng_ai_p_model(const eng_ai_t *ai, const eng_market_t *mk, size_t i, double *p_model);

/* The model state of one candidate slot, as a state record holds it (engine/snap.c). */
typedef struct eng_ai_slot_state {
    float h[ENG_LSTM_HID_MAX]; /* LSTM hidden state (the model's n_hid entries used) */
    float c[ENG_LSTM_HID_MAX]; /* LSTM cell state */
    double prev_p_fair;        /* the change features' previous step: p_fair */
    double prev_line;          /* … and line */
    bool prev_set;             /* a previous step exists */
    float p;                   /* latest p_model */
    bool has;                  /* stepped at least once */
} eng_ai_slot_state_t;

/** @brief The model's hidden units, 0 without a model. */
int eng_ai_n_hid(const eng_ai_t *ai);

/** @brief The Elo ratings the AI engine keeps (borrowed, valid until eng_ai_free()). */
eng_elo_t *eng_ai_elo(const eng_ai_t *ai);

/**
 * @brief Candidate slot i < ENG_OUTCOMES_MAX of mk's model state into s.
 * @returns false (s zeroed) when the slot holds nothing (never stepped, or reset).
 * @locality owner thread
 */
bool eng_ai_slot_get(const eng_ai_t *ai, const eng_market_t *mk, size_t i,
                     eng_ai_slot_state_t *s);

/**
 * @brief Set candidate slot i < ENG_OUTCOMES_MAX of mk's model state to s (restoring a state
 *        record). @returns SV_OK or SV_ERR_NOMEM. @locality owner thread
 */
sv_err_t eng_ai_slot_set(eng_ai_t *ai, const eng_market_t *mk, size_t i,
                         const eng_ai_slot_state_t *s);

/** @brief The AI score 0..10 of p_model against the consensus p_fair (docs/ai.md). */
double eng_ai_score(double p_model, double p_fair);

#endif
