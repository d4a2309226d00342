/*
 * item — one piece of the engine's latest state as the outside sees it: a candidate's score, a
 * market, or a signal, rendered once as a JSON object. The engine renders every item that changed
 * once per loop turn and hands the same eng_item_t to the Redis cache (engine/cache.h) and to the
 * push subscribers (engine/push.h); both also walk every current item through an
 * eng_item_iter_fn when they need the whole state (a cache rewrite after Redis comes back, a new
 * subscriber's snapshot).
 *
 * Items are borrowed for the duration of the call they are passed to: a callee that keeps one
 * copies what it needs.
 */
#ifndef SV_ENG_ITEM_H
#define SV_ENG_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

typedef enum eng_item_kind {
    ENG_ITEM_SCORE,  /* a candidate's savant.scores.v1 event; key: the candidate key */
    ENG_ITEM_MARKET, /* a market's quotes and derived fields; key: event_id|market|player */
    ENG_ITEM_SIGNAL, /* a signal's latest revision (savant.signals.v1); key: signal_id */
    ENG_ITEM__CNT,
} eng_item_kind_t;

typedef struct eng_item {
    eng_item_kind_t kind;
    const char *key;      /* unique within its kind; no spaces or control characters */
    const char *sport;    /* sport token of its game ("" while the game is unknown) */
    const char *event_id; /* the game */
    const char *market;   /* market token (h2h, spreads, totals, player_points, …) */
    const char *player;   /* props: the player; "" otherwise */
    bool has_tier;        /* score and signal: tier is set (a score of an unknown game has none) */
    wire_tier_t tier;     /* tier when has_tier */
    double final;         /* final score (0 when the candidate is not scored) */
    bool live;            /* signal: open or updated (false: withdrawn); scores, markets: true */
    bool done;            /* its game is over (final, cancelled, postponed): keep for a TTL only */
    int64_t ts;           /* event time of the latest change, ms since the epoch */
    const char *json;     /* the item as one JSON object (no newline), json_len bytes, NUL-ended */
    size_t json_len;
} eng_item_t;

/** @brief Receives one item of a walk. */
typedef void(eng_item_fn)(void *ctx, const eng_item_t *it);

/**
 * @brief Walks every current item of the engine (scores, markets and signals, withdrawn signals
 *        included), calling fn(ctx, item) for each, synchronously, on the loop thread.
 */
typedef void(eng_item_iter_fn)(void *arg, eng_item_fn *fn, void *ctx);

/** @brief "score", "market", "signal". */
const char *eng_item_kind_name(eng_item_kind_t k);

#endif
