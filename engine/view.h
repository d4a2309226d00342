/*
 * view — the engine's latest rendered items (engine/item.h): one entry per score key, market
 * and signal id, holding the item's JSON and the fields subscribers and the cache filter
 * on. The engine re-renders an entry when what it shows changed (once per loop turn) and walks
 * the entries when the cache rewrites Redis or a push subscriber asks for a snapshot, so neither
 * re-renders anything.
 *
 * Entries are indexed per kind by a dense index the caller chooses (engine/publish.c: the
 * market index for markets, an id per distinct key for scores and signals), and walked in kind
 * order, then index order. Owned by the loop thread.
 */
#ifndef SV_ENG_VIEW_H
#define SV_ENG_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "sv_err.h"

typedef struct eng_view eng_view_t;

/** @brief An empty view, or NULL when out of memory. */
eng_view_t *eng_view_new(void);

/** @brief Free the view and every entry; NULL is fine. */
void eng_view_free(eng_view_t *v);

/**
 * @brief Set entry idx of kind it->kind to a copy of it (strings and JSON copied).
 * @returns SV_OK, SV_ERR_NOMEM (the entry keeps its previous value)
 */
sv_err_t eng_view_set(eng_view_t *v, uint32_t idx, const eng_item_t *it);

/** @brief Entry idx of kind k is no more (as if never set); its memory is kept for the next set
 *         of idx. */
void eng_view_clear(eng_view_t *v, eng_item_kind_t k, uint32_t idx);

/** @brief Entry idx of kind k, or NULL when never set. Valid until the next set of it. */
const eng_item_t *eng_view_get(const eng_view_t *v, eng_item_kind_t k, uint32_t idx);

/** @brief Calls fn(ctx, item) for every entry: scores, then markets, then signals. */
void eng_view_walk(const eng_view_t *v, eng_item_fn *fn, void *ctx);

/** @brief Entries set of kind k. */
size_t eng_view_count(const eng_view_t *v, eng_item_kind_t k);

#endif
