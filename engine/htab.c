/*
 * htab — open addressing with linear probing from hash to index (see htab.h). The string hash
 * reads eight bytes at a time and ends with a 64-bit avalanche, so keys that differ in one byte
 * land far apart.
 */
#include "htab.h"

#include <stdlib.h>
#include <string.h>

#define HTAB_MIN_CAP 16
#define MIX_K 0x9E3779B97F4A7C15ULL

static uint64_t avalanche(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

/* The t < 8 bytes at s as a little-endian word, zero-extended (what copying them into a zeroed
 * word gives on a little-endian host) without a variable-length memcpy, which gcc made a call:
 * two overlapping loads for 4..7 bytes, three byte loads for 1..3. */
static inline uint64_t tail_word(const char *s, size_t t)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const unsigned char *u = (const unsigned char *)s;
    if (t >= 4) {
        uint32_t a, b;
        memcpy(&a, u, sizeof(a));
        memcpy(&b, u + t - 4, sizeof(b));
        return (uint64_t)a | (uint64_t)b << (8 * (t - 4));
    }
    if (t)
        return (uint64_t)u[0] | (uint64_t)u[t / 2] << (8 * (t / 2)) |
               (uint64_t)u[t - 1] << (8 * (t - 1));
    return 0;
#else
    uint64_t w = 0;
    memcpy(&w, s, t);
    return w;
#endif
}

uint64_t eng_htab_hash_str(uint64_t seed, const char *s)
{
    size_t n = strlen(s), i = 0;
    uint64_t h = seed ^ (n * MIX_K), w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * MIX_K;
        h ^= h >> 29;
    }
    w = tail_word(s + i, n - i);
    h = (h ^ w ^ 0xFF) * MIX_K; /* 0xFF: the end of one string, so "ab"+"c" != "a"+"bc" */
    return avalanche(h);
}

/* One string into h: its words, then its tail with its length (which ends it). */
static inline uint64_t mix_str(uint64_t h, const char *s)
{
    size_t n = strlen(s), i = 0;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * MIX_K;
        h ^= h >> 29;
    }
    w = tail_word(s + i, n - i);
    h = (h ^ w ^ ((uint64_t)n << 56 | 0xFF)) * MIX_K;
    return h ^ (h >> 29);
}

uint64_t eng_htab_hash_str3(const char *a, const char *b, const char *c)
{
    return avalanche(mix_str(mix_str(mix_str(MIX_K, a), b), c));
}

void eng_htab_init(eng_htab_t *ht)
{
    memset(ht, 0, sizeof(*ht));
}

void eng_htab_release(eng_htab_t *ht)
{
    free(ht->slot);
    eng_htab_init(ht);
}

static uint64_t norm(uint64_t h)
{
    return h ? h : 1;
}

void eng_htab_prefetch(const eng_htab_t *ht, uint64_t h)
{
    if (ht->cap)
        __builtin_prefetch(&ht->slot[norm(h) & (ht->cap - 1)], 0);
}

void eng_htab_probe(const eng_htab_t *ht, uint64_t h, eng_htab_it_t *it)
{
    it->h = norm(h);
    it->pos = ht->cap ? (size_t)(it->h & (ht->cap - 1)) : 0;
    it->left = ht->cap;
}

uint32_t eng_htab_next(const eng_htab_t *ht, eng_htab_it_t *it)
{
    while (it->left > 0) {
        size_t p = it->pos;
        it->pos = (p + 1) & (ht->cap - 1);
        it->left--;
        if (ht->slot[p].hash == 0) {
            it->left = 0;
            break;
        }
        if (ht->slot[p].hash == it->h)
            return ht->slot[p].val;
    }
    return ENG_HTAB_NONE;
}

static void put(eng_htab_slot_t *slot, size_t cap, uint64_t h, uint32_t v)
{
    size_t p = (size_t)(h & (cap - 1));
    while (slot[p].hash != 0)
        p = (p + 1) & (cap - 1);
    slot[p].hash = h;
    slot[p].val = v;
}

sv_err_t eng_htab_insert(eng_htab_t *ht, uint64_t h, uint32_t val)
{
    h = norm(h);
    if ((ht->cnt + 1) * 2 > ht->cap) {
        size_t cap = ht->cap ? ht->cap * 2 : HTAB_MIN_CAP;
        eng_htab_slot_t *ns = calloc(cap, sizeof(*ns));
        if (!ns)
            return SV_ERR_NOMEM;
        for (size_t i = 0; i < ht->cap; i++)
            if (ht->slot[i].hash)
                put(ns, cap, ht->slot[i].hash, ht->slot[i].val);
        free(ht->slot);
        ht->slot = ns;
        ht->cap = cap;
    }
    put(ht->slot, ht->cap, h, val);
    ht->cnt++;
    return SV_OK;
}

/* Backward-shift deletion: the entries after the hole that probed past it move back into it, so
 * no probe ever stops early at a hole and no tombstone is needed. */
bool eng_htab_remove(eng_htab_t *ht, uint64_t h, uint32_t val)
{
    size_t mask = ht->cap - 1, p, q;

    if (ht->cap == 0)
        return false;
    h = norm(h);
    for (p = (size_t)(h & mask);; p = (p + 1) & mask) {
        if (ht->slot[p].hash == 0)
            return false;
        if (ht->slot[p].hash == h && ht->slot[p].val == val)
            break;
    }
    for (q = (p + 1) & mask; ht->slot[q].hash != 0; q = (q + 1) & mask) {
        size_t home = (size_t)(ht->slot[q].hash & mask);
        /* the entry at q may fill the hole at p unless its home lies in (p, q] */
        bool stays = p <= q ? (home > p && home <= q) : (home > p || home <= q);
        if (!stays) {
            ht->slot[p] = ht->slot[q];
            p = q;
        }
    }
    ht->slot[p].hash = 0;
    ht->slot[p].val = 0;
    ht->cnt--;
    return true;
}
