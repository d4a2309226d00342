/*
 * htab — the open-addressing index the engine's state uses to find games, markets, books and
 * players by string key without allocating per lookup.
 *
 * The table maps a 64-bit hash to a 32-bit value (an index into the caller's own array, which
 * holds the full key). A hash can collide, so a lookup walks every slot with the same hash and the
 * caller compares the full key on each hit (eng_htab_probe/eng_htab_next). Linear probing, the
 * capacity a power of two, doubled when the load would pass 1/2, hash and value in one 16-byte
 * slot; an entry is removed by shifting the entries after it back (no tombstones), so a table
 * whose keys come and go stays as short to probe as one that only grows. Nothing here depends on iteration order, so the caller's
 * arrays, in insertion order, stay the only order that reaches an output.
 */
#ifndef SV_ENG_HTAB_H
#define SV_ENG_HTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sv_err.h"

#define ENG_HTAB_NONE UINT32_MAX /* "no value": end of a probe */

/* One slot: hash and value side by side, so a probe hit costs one cache line. */
typedef struct eng_htab_slot {
    uint64_t hash; /* 0 = empty (stored hashes are never 0) */
    uint32_t val;  /* the value */
} eng_htab_slot_t;

typedef struct eng_htab {
    eng_htab_slot_t *slot; /* cap slots */
    size_t cap;     /* slots, a power of two (0 before the first insert) */
    size_t cnt;     /* entries */
} eng_htab_t;

/* A probe over the slots of one hash: start with eng_htab_probe(), then eng_htab_next(). */
typedef struct eng_htab_it {
    uint64_t h;  /* the hash probed (normalised) */
    size_t pos;  /* next slot to look at */
    size_t left; /* slots left before giving up */
} eng_htab_it_t;

/** @brief The hash of a NUL-terminated string, chained from seed (0 to start a key). */
uint64_t eng_htab_hash_str(uint64_t seed, const char *s);

/** @brief The hash of three NUL-terminated strings as one key (one final mix: cheaper than
 *         chaining eng_htab_hash_str(); "ab","c" and "a","bc" hash apart). */
uint64_t eng_htab_hash_str3(const char *a, const char *b, const char *c);

/** @brief An empty table (no allocation until the first insert). */
void eng_htab_init(eng_htab_t *ht);

/** @brief Free the table's arrays; the table is empty and reusable afterwards. */
void eng_htab_release(eng_htab_t *ht);

/** @brief Start loading the slot a probe for hash h begins at (a hint; no effect on results). */
void eng_htab_prefetch(const eng_htab_t *ht, uint64_t h);

/** @brief Start a probe for hash h. */
void eng_htab_probe(const eng_htab_t *ht, uint64_t h, eng_htab_it_t *it);

/**
 * @brief The next value stored under the probe's hash, or ENG_HTAB_NONE when there is none left.
 * @locality the state's owner thread
 */
uint32_t eng_htab_next(const eng_htab_t *ht, eng_htab_it_t *it);

/**
 * @brief Add h -> val (the caller has checked the full key is absent); grows by doubling.
 * @returns SV_OK or SV_ERR_NOMEM (the table is unchanged).
 */
sv_err_t eng_htab_insert(eng_htab_t *ht, uint64_t h, uint32_t val);

/**
 * @brief Remove the entry h -> val (the caller's full key matched it).
 * @returns true when it was there (and is gone), false otherwise (the table is unchanged).
 */
bool eng_htab_remove(eng_htab_t *ht, uint64_t h, uint32_t val);

#endif
