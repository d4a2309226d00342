/*
 * view — the latest rendered items (see view.h).
 */
#include "view.h"

#include "sv_util.h"

#include <stdlib.h>
#include <string.h>

/* One entry: the item, whose strings point into buf. */
typedef struct view_ent {
    eng_item_t it;
    char *buf;   /* key, sport, event_id, market, player, json: NUL-ended, one after another */
    size_t cap;  /* bytes allocated at buf */
} view_ent_t;

typedef struct view_kind {
    view_ent_t *ents; /* by index; it.key == NULL: never set */
    size_t cap;
    size_t cnt;       /* entries set */
} view_kind_t;

struct eng_view {
    view_kind_t kind[ENG_ITEM__CNT];
};

eng_view_t *eng_view_new(void)
{
    return calloc(1, sizeof(eng_view_t));
}

void eng_view_free(eng_view_t *v)
{
    if (!v)
        return;
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
        for (size_t i = 0; i < v->kind[k].cap; i++)
            free(v->kind[k].ents[i].buf);
        free(v->kind[k].ents);
    }
    free(v);
}

static char *put(char *p, const char *s, size_t n, const char **out)
{
    memcpy(p, s, n);
    p[n] = '\0';
    *out = p;
    return p + n + 1;
}

sv_err_t eng_view_set(eng_view_t *v, uint32_t idx, const eng_item_t *it)
{
    view_kind_t *vk = &v->kind[it->kind];
    view_ent_t *e;
    size_t lk = strlen(it->key), ls = strlen(it->sport), le = strlen(it->event_id),
           lm = strlen(it->market), lp = strlen(it->player);
    size_t need = lk + ls + le + lm + lp + it->json_len + 6;
    char *p;

    if (sv_grow((void **)&vk->ents, &vk->cap, sizeof(*vk->ents), idx, 256) != SV_OK)
        return SV_ERR_NOMEM;
    e = &vk->ents[idx];
    if (need > e->cap) {
        size_t n = need + need / 4 + 64;
        char *b = realloc(e->buf, n);
        if (!b)
            return SV_ERR_NOMEM;
        e->buf = b;
        e->cap = n;
    }
    if (!e->it.key)
        vk->cnt++;
    e->it = *it;
    p = e->buf;
    p = put(p, it->key, lk, &e->it.key);
    p = put(p, it->sport, ls, &e->it.sport);
    p = put(p, it->event_id, le, &e->it.event_id);
    p = put(p, it->market, lm, &e->it.market);
    p = put(p, it->player, lp, &e->it.player);
    put(p, it->json, it->json_len, &e->it.json);
    return SV_OK;
}

void eng_view_clear(eng_view_t *v, eng_item_kind_t k, uint32_t idx)
{
    view_kind_t *vk = &v->kind[k];
    if (idx < vk->cap && vk->ents[idx].it.key) {
        vk->ents[idx].it.key = NULL; /* its buffer stays, for the next entry of this index */
        vk->cnt--;
    }
}

const eng_item_t *eng_view_get(const eng_view_t *v, eng_item_kind_t k, uint32_t idx)
{
    const view_kind_t *vk = &v->kind[k];
    return idx < vk->cap && vk->ents[idx].it.key ? &vk->ents[idx].it : NULL;
}

void eng_view_walk(const eng_view_t *v, eng_item_fn *fn, void *ctx)
{
    for (int k = 0; k < ENG_ITEM__CNT; k++)
        for (size_t i = 0; i < v->kind[k].cap; i++)
            if (v->kind[k].ents[i].it.key)
                fn(ctx, &v->kind[k].ents[i].it);
}

size_t eng_view_count(const eng_view_t *v, eng_item_kind_t k)
{
    return v->kind[k].cnt;
}
