/*
 * features — THE feature vector of the AI engine (issue 6, docs/ai.md "## Features"): the one
 * definition both the engine (LSTM inference, engine/ml/lstm.h) and `savant-replay dataset`
 * (training data) use, so the two cannot drift. A caller fills a plain eng_feat_in_t, from the
 * market state with eng_feat_fill() or by hand, and eng_feat_compute() turns it into the
 * ENG_FEAT_N raw float features in the order of eng_feat_names (the model normalises them with
 * the statistics in its file). eng_feat_hash() identifies the schema (names, order, version); a
 * model file stores it and the engine refuses a model trained on another schema.
 *
 * A vector is about one candidate (one outcome of a market at the modal line) at one moment.
 * `savant-replay dataset` takes a step after every odds event the state applies to the market;
 * the engine advances each candidate's LSTM state on the same events. Nothing here allocates,
 * reads a clock or keeps state: the change features come from an eng_feat_prev_t the caller
 * keeps per candidate.
 */
#ifndef SV_ENG_FEATURES_H
#define SV_ENG_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elo.h"
#include "market.h"

#define ENG_FEAT_N 16        /* features per step */
#define ENG_FEAT_VERSION 1   /* schema version, part of the hash */
#define ENG_FEAT_HOURS_MIN (-6.0)
#define ENG_FEAT_HOURS_MAX 72.0

/* The feature names, in vector order (docs/ai.md lists what each one is). */
extern const char *const eng_feat_names[ENG_FEAT_N];

/* What a vector is computed from: natural quantities, as the state holds them. */
typedef struct eng_feat_in {
    double p_fair;            /* consensus fair probability of the candidate */
    double d_p_fair;          /* its change since this candidate's previous step (0 on the first) */
    double best_dec;          /* best decimal price of the candidate (> 1) */
    double line_variance;     /* max − min of the market's main line over the live books */
    double line;              /* the candidate's line (0 without one) */
    double d_line;            /* its change since the previous step */
    bool steam;               /* steam is moving toward this outcome */
    double hours_to_commence; /* (commence − now) / 1 h, unclamped; negative in play, 0 unknown */
    int score_diff;           /* in play: the outcome's side's score minus the other's (0 else) */
    int period;               /* in play: the period (0 else) */
    double clock_frac;        /* in play: fraction of the period elapsed, 0..1 (0 else) */
    bool has_splits;          /* splits of this side are known */
    double ticket_pct;        /* its ticket share, 0..100 (when has_splits) */
    double money_pct;         /* its money share, 0..100 (when has_splits) */
    double elo_p;             /* pre-game Elo probability of this outcome (0.5 when unknown) */
    int side;                 /* +1 home team or Over, −1 away team or Under, 0 other */
} eng_feat_in_t;

/* The previous step of one candidate (the caller keeps one per candidate slot, zeroed at start). */
typedef struct eng_feat_prev {
    double p_fair; /* its p_fair */
    double line;   /* its line */
    bool set;      /* a previous step exists */
} eng_feat_prev_t;

/**
 * @brief The hash of the schema: FNV-1a 64 over the bytes of "savant-features:" VERSION, then
 *        for each name a '\n' and the name (docs/ai.md). Changes when a name, the order, the
 *        count or the version changes. @locality any thread
 */
uint64_t eng_feat_hash(void);

/** @brief The same hash for any list of names and version (eng_feat_hash() is this over
 *         eng_feat_names and ENG_FEAT_VERSION). @locality any thread */
uint64_t eng_feat_hash_of(const char *const *names, size_t n, int version);

/**
 * @brief The raw feature vector of in: copies and maps (best price to implied probability 1/d,
 *        splits to 0..1 or 0.5 when unknown, flags to 0/1, hours clamped to [−6, 72]); a value
 *        that is not finite becomes 0. No allocation. @locality any thread
 */
void eng_feat_compute(const eng_feat_in_t *in, float x[ENG_FEAT_N]);

/**
 * @brief Fill in (overwritten entirely) for candidate cand < mk->cand_cnt of mk from the state
 *        (its game, splits and the Elo ratings) at event time now_ms (the market's mk->ts for a
 *        step after an odds event). No allocation.
 * @param elo  may be NULL (elo_p 0.5)
 * @param prev the candidate's previous step (borrowed; NULL or !set: the changes are 0); update
 *             it afterwards with eng_feat_prev_set()
 * @locality the state's owner thread
 */
void eng_feat_fill(eng_feat_in_t *in, const eng_state_t *st, const eng_market_t *mk, size_t cand,
                   const eng_elo_t *elo, const eng_feat_prev_t *prev, int64_t now_ms);

/** @brief Record in as the candidate's previous step. @locality any thread */
void eng_feat_prev_set(eng_feat_prev_t *prev, const eng_feat_in_t *in);

#endif
