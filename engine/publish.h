/*
 * publish — the engine's latest state as items (engine/item.h) for the Redis cache and the push
 * subscribers. The engine hands over each score it emits (its bytes) and each signal revision,
 * and marks a game that ended; once per loop turn eng_pub_flush() renders each changed item once
 * — however many events touched it during the turn — into the view
 * (engine/view.h), gives it to every sink (cache, push) and flushes the sinks. Walks (a cache
 * rewrite, a snapshot) read the view.
 *
 * Items: ENG_ITEM_SCORE per candidate key ever emitted (the latest savant.scores.v1 event of that
 * key as JSON; a candidate whose line moves gets a new key, and the old key keeps its last score,
 * as the compacted topic does), ENG_ITEM_MARKET per market (its quotes per book and derived
 * fields, key event_id|market|player), ENG_ITEM_SIGNAL per signal_id ever emitted (its latest
 * revision; a line move withdraws the old id and may open a new one). done is set once the game
 * is final, cancelled or postponed.
 *
 * Owned by the loop thread. Rendering uses jansson and allocates; it runs at most once per
 * changed item per loop turn, never per event, and not at all while no sink wants items (then
 * the item is rendered when a walk needs it) — except a score whose candidate's line moves on
 * before the flush: it is rendered for its old key at once (eng_pub_score_dirty()).
 */
#ifndef SV_ENG_PUBLISH_H
#define SV_ENG_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "cands.h"
#include "item.h"
#include "market.h"
#include "sv_err.h"
#include "wire.h"

typedef struct eng_pub eng_pub_t;

/* A consumer of items: put() for every changed item, then flush() once per turn. wants(), when
 * set, says whether the sink takes items now (a cache that is down, a push server without
 * subscribers do not): items nobody takes are not rendered at the flush but marked stale, and
 * rendered when a walk needs them (a cache rewrite, a snapshot). */
typedef struct eng_pub_sink {
    void (*put)(void *arg, const eng_item_t *it);
    void (*flush)(void *arg);
    bool (*wants)(void *arg);
    void *arg;
} eng_pub_sink_t;

#define ENG_PUB_SINKS_MAX 4

/** @brief A publisher over st and cands (borrowed); NULL when out of memory. */
eng_pub_t *eng_pub_new(const eng_state_t *st, eng_cands_t *cands);

/** @brief Free; NULL is fine. */
void eng_pub_free(eng_pub_t *p);

/** @brief Add a sink (at most ENG_PUB_SINKS_MAX). */
void eng_pub_add_sink(eng_pub_t *p, const eng_pub_sink_t *sink);

/**
 * @brief Candidate i of mk was scored and sc emitted on savant.scores.v1: the entry of sc's key
 *        gets exactly sc, and the market is re-rendered, at the flush. sc is copied now, so a
 *        move of the candidate's line (a new key) before the flush still leaves the old key
 *        holding the score last emitted for it. A score item is never re-computed from the state.
 * @param sc the score as emitted (borrowed)
 * @param mp sc's msgpack bytes as emitted (mp_len bytes, borrowed), or NULL to encode sc here
 * @locality main loop
 */
sv_err_t eng_pub_score_dirty(eng_pub_t *p, const eng_market_t *mk, size_t i,
                             const wire_score_t *sc, const void *mp, size_t mp_len);

/** @brief Every item of game g (scores, markets, signals; the keys its candidates' lines have
 *         left included) is re-rendered or re-sent (e.g. it ended: they get the TTL). */
sv_err_t eng_pub_game_dirty(eng_pub_t *p, const eng_game_t *g);

/**
 * @brief Game g is about to be retired (eng_state_retire_game()): its markets' items (markets,
 *        every score key and signal id they ever had) leave the view, so walks (a cache
 *        rewrite, a snapshot) no longer show them, and their ids and entries are given to new
 *        keys. Nothing is sent: Redis lets their keys expire (they were done, with the TTL).
 * @returns SV_OK or SV_ERR_NOMEM (then some of them may have left).
 */
sv_err_t eng_pub_retire_game(eng_pub_t *p, const eng_game_t *g);

/** @brief A signal revision of candidate slot (market index × 4 + candidate) of game g. */
sv_err_t eng_pub_signal(eng_pub_t *p, uint32_t slot, const eng_game_t *g, const wire_signal_t *sig);

/** @brief Something waits for eng_pub_flush(). */
bool eng_pub_pending(const eng_pub_t *p);

/** @brief Render what changed, give it to the sinks, flush them. */
void eng_pub_flush(eng_pub_t *p);

/** @brief Walk every current item (an eng_item_iter_fn; arg is the eng_pub_t); stale items are
 *        rendered first. */
void eng_pub_walk(void *arg, eng_item_fn *fn, void *ctx);

/** @brief Counters: items rendered, per kind, and items currently held per kind. */
typedef struct eng_pub_stats {
    unsigned long long rendered[ENG_ITEM__CNT];
    unsigned long long render_errors;
    unsigned long long deferred;   /* changed items left unrendered: no sink wanted them */
    unsigned long long displaced;  /* scores whose line moved on before a flush rendered them */
    size_t held[ENG_ITEM__CNT];
} eng_pub_stats_t;
void eng_pub_stats(const eng_pub_t *p, eng_pub_stats_t *st);

#endif
