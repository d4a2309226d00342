/*
 * publish — items for the cache and push, rendered once per loop turn (see publish.h).
 */
#include "publish.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "sv_util.h"
#include "view.h"

/* What changed in this turn, per kind: a flag per index and the list of flagged indices. */
typedef struct pub_dirty {
    uint8_t *flag;
    size_t cap;
    uint32_t *list;
    size_t cnt, list_cap;
} pub_dirty_t;

/* What is marked changed: a score slot (market index x ENG_OUTCOMES_MAX + candidate: its latest
 * emission goes to the entry of its key), a market (its index, rendered from the state), a
 * signal (its key id), a score key id (the view entry as it is: a key the candidate's line left
 * within the turn, or a key of a game that ended). */
enum { PUB_SCORE_SLOT = ENG_ITEM_SCORE, PUB_MARKET = ENG_ITEM_MARKET, PUB_SIGNAL = ENG_ITEM_SIGNAL,
       PUB_SCORE_ID, PUB__CNT };

/* The view entries of scores and signals are per key, not per slot: a candidate whose line moves
 * gets a new key (the point is part of it), and the old key keeps its last value, as on the
 * topics (docs/redis.md, "Keys"). An id per distinct key, in the order first seen. */
typedef struct pub_keys {
    eng_htab_t ht;     /* hash of the key -> id (the view entry holds the full key) */
    uint32_t *next;    /* per id: 1 + the next id of the same market, 0 at the end */
    size_t next_cap;
    uint32_t *head;    /* per market index: 1 + its latest id, 0 for none */
    size_t head_cap;
    uint32_t cnt;      /* ids given */
    uint32_t *free;    /* ids of retired keys, given again last in first out */
    size_t free_cnt, free_cap;
} pub_keys_t;

/* A score slot's latest emission (savant.scores.v1 bytes): what its key holds. Rendered into the
 * view at the flush, or earlier when the candidate's line moves on (a new key) before it. */
typedef struct pub_pend {
    bool unrendered;   /* emitted since the slot was last rendered */
    bool has_tier;     /* the item fields of that score */
    wire_tier_t tier;
    double final;
    int64_t ts;
    char *buf;         /* its key, NUL, its msgpack (mlen bytes) */
    size_t cap, mlen;
} pub_pend_t;

struct eng_pub {
    const eng_state_t *st;
    eng_cands_t *cands;
    eng_view_t *view;
    eng_pub_sink_t sinks[ENG_PUB_SINKS_MAX];
    int sink_cnt;
    pub_dirty_t dirty[PUB__CNT];
    pub_dirty_t stale[PUB__CNT]; /* changed, not rendered yet (no sink wanted them) */
    pub_keys_t keys[ENG_ITEM__CNT]; /* scores and signals (markets: the market index) */
    pub_pend_t *pend;       /* per score slot */
    size_t pend_cap;
    pub_dirty_t sent;       /* score ids put by this flush (a key goes out once per flush) */
    uint32_t pend_last;     /* the score id render_score() rendered last */
    msgpack_sbuffer mp;     /* scratch: an item's msgpack */
    msgpack_packer pk;      /* writes into mp */
    msgpack_sbuffer text;   /* scratch: its JSON text */
    eng_pub_stats_t stats;
};

eng_pub_t *eng_pub_new(const eng_state_t *st, eng_cands_t *cands)
{
    eng_pub_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->st = st;
    p->cands = cands;
    msgpack_sbuffer_init(&p->mp);
    msgpack_sbuffer_init(&p->text);
    msgpack_packer_init(&p->pk, &p->mp, msgpack_sbuffer_write);
    if (!(p->view = eng_view_new())) {
        free(p);
        return NULL;
    }
    return p;
}

void eng_pub_free(eng_pub_t *p)
{
    if (!p)
        return;
    for (int k = 0; k < PUB__CNT; k++) {
        free(p->dirty[k].flag);
        free(p->dirty[k].list);
        free(p->stale[k].flag);
        free(p->stale[k].list);
    }
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
        eng_htab_release(&p->keys[k].ht);
        free(p->keys[k].next);
        free(p->keys[k].head);
        free(p->keys[k].free);
    }
    for (size_t i = 0; i < p->pend_cap; i++)
        free(p->pend[i].buf);
    free(p->pend);
    free(p->sent.flag);
    free(p->sent.list);
    msgpack_sbuffer_destroy(&p->mp);
    msgpack_sbuffer_destroy(&p->text);
    eng_view_free(p->view);
    free(p);
}

void eng_pub_add_sink(eng_pub_t *p, const eng_pub_sink_t *sink)
{
    SV_ASSERT(p->sink_cnt < ENG_PUB_SINKS_MAX);
    p->sinks[p->sink_cnt++] = *sink;
}

static sv_err_t mark(pub_dirty_t *d, uint32_t idx)
{
    if (sv_grow((void **)&d->flag, &d->cap, 1, idx, 1024) != SV_OK)
        return SV_ERR_NOMEM;
    if (d->flag[idx])
        return SV_OK;
    if (sv_grow((void **)&d->list, &d->list_cap, sizeof(*d->list), d->cnt, 1024) != SV_OK)
        return SV_ERR_NOMEM;
    d->flag[idx] = 1;
    d->list[d->cnt++] = idx;
    return SV_OK;
}

static bool game_done(const eng_game_t *g)
{
    return g && g->known &&
           (g->status == WIRE_GAME_FINAL || g->status == WIRE_GAME_CANCELLED ||
            g->status == WIRE_GAME_POSTPONED);
}

static const char *game_sport(const eng_game_t *g)
{
    return g && g->known ? g->sport : "";
}

/* The id of key among the entries of kind k, or ENG_HTAB_NONE. */
static uint32_t key_find(const eng_pub_t *p, eng_item_kind_t k, const char *key)
{
    const pub_keys_t *ks = &p->keys[k];
    eng_htab_it_t hi;
    uint32_t id;

    eng_htab_probe(&ks->ht, eng_htab_hash_str((uint64_t)k + 1, key), &hi);
    while ((id = eng_htab_next(&ks->ht, &hi)) != ENG_HTAB_NONE) {
        const eng_item_t *it = eng_view_get(p->view, k, id);
        if (it && strcmp(it->key, key) == 0)
            return id;
    }
    return ENG_HTAB_NONE;
}

/* Sets the entry of it->key (kind score or signal, of market index mkidx) to it, giving the key
 * an id the first time; *id its id. */
static sv_err_t key_set(eng_pub_t *p, uint32_t mkidx, const eng_item_t *it, uint32_t *id)
{
    pub_keys_t *ks = &p->keys[it->kind];
    uint32_t n = key_find(p, it->kind, it->key);

    if (n != ENG_HTAB_NONE) {
        *id = n;
        return eng_view_set(p->view, n, it);
    }
    n = ks->free_cnt > 0 ? ks->free[ks->free_cnt - 1] : ks->cnt;
    if (sv_grow((void **)&ks->next, &ks->next_cap, sizeof(*ks->next), n, 1024) != SV_OK ||
        sv_grow((void **)&ks->head, &ks->head_cap, sizeof(*ks->head), mkidx, 256) != SV_OK ||
        eng_view_set(p->view, n, it) != SV_OK)
        return SV_ERR_NOMEM;
    if (eng_htab_insert(&ks->ht, eng_htab_hash_str((uint64_t)it->kind + 1, it->key), n) != SV_OK)
        return SV_ERR_NOMEM; /* id n not given: the next new key overwrites the entry */
    ks->next[n] = ks->head[mkidx];
    ks->head[mkidx] = n + 1;
    if (ks->free_cnt > 0 && ks->free[ks->free_cnt - 1] == n)
        ks->free_cnt--;
    else
        ks->cnt++;
    *id = n;
    return SV_OK;
}

/* Sets the entry of it with the JSON text of the msgpack value mp (len bytes): a market's entry is
 * its index mkidx, a score's or signal's the id of its key (of market index mkidx); *id the
 * entry's index. */
static sv_err_t view_set_mp(eng_pub_t *p, uint32_t mkidx, eng_item_t *it, const void *mp,
                            size_t len, uint32_t *id)
{
    sv_err_t rc;

    p->text.size = 0;
    if (wire_msgpack_to_text(mp, len, &p->text, NULL) != SV_OK ||
        msgpack_sbuffer_write(&p->text, "", 1) != 0) {
        p->stats.render_errors++;
        return SV_ERR_NOMEM;
    }
    it->json = p->text.data;
    it->json_len = p->text.size - 1;
    if (it->kind == ENG_ITEM_MARKET) {
        *id = mkidx;
        rc = eng_view_set(p->view, mkidx, it);
    } else {
        rc = key_set(p, mkidx, it, id);
    }
    if (rc == SV_OK)
        p->stats.rendered[it->kind]++;
    else
        p->stats.render_errors++;
    return rc;
}

/* Encodes event ev of type t into p->mp. */
static sv_err_t encode(eng_pub_t *p, wire_type_t t, const void *ev)
{
    p->mp.size = 0;
    if (wire_encode(t, ev, &p->pk, NULL) != SV_OK) {
        p->stats.render_errors++;
        return SV_ERR_INVALID;
    }
    return SV_OK;
}

/* The fields every item of market mk (of game g) shares: a live item, done once g is over. */
static void item_of_market(eng_item_t *it, eng_item_kind_t kind, const char *key,
                           const eng_market_t *mk, const eng_game_t *g)
{
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    it->key = key;
    it->sport = game_sport(g);
    it->event_id = mk->event_id;
    it->market = mk->market;
    it->player = mk->player;
    it->live = true;
    it->done = game_done(g);
}

/* Renders the emission pe of a slot of market mk into the entry of its key; *id the entry. */
static sv_err_t pend_render(eng_pub_t *p, const eng_market_t *mk, pub_pend_t *pe, uint32_t *id)
{
    const eng_game_t *g = eng_state_game_at(p->st, mk->game);
    size_t klen = strlen(pe->buf);
    eng_item_t it;

    item_of_market(&it, ENG_ITEM_SCORE, pe->buf, mk, g);
    it.has_tier = pe->has_tier;
    it.tier = pe->tier;
    it.final = pe->final;
    it.ts = pe->ts;
    if (view_set_mp(p, mk->idx, &it, pe->buf + klen + 1, pe->mlen, id) != SV_OK)
        return SV_ERR_NOMEM;
    pe->unrendered = false;
    return SV_OK;
}

/* The line of a slot moved before its previous emission (pe) reached the view: that emission is
 * what its key holds from now on, so it goes in the view now and out at the flush. */
static sv_err_t displace(eng_pub_t *p, const eng_market_t *mk, pub_pend_t *pe)
{
    uint32_t id;

    if (pend_render(p, mk, pe, &id) != SV_OK)
        return SV_ERR_NOMEM;
    p->stats.displaced++;
    return mark(&p->dirty[PUB_SCORE_ID], id);
}

sv_err_t eng_pub_score_dirty(eng_pub_t *p, const eng_market_t *mk, size_t i,
                             const wire_score_t *sc, const void *mp, size_t mp_len)
{
    uint32_t slot = mk->idx * ENG_OUTCOMES_MAX + (uint32_t)i;
    char key[WIRE_KEY_MAX];
    sv_err_t rc;

    {
        pub_pend_t *pe;
        size_t klen, need;

        if (wire_key(WIRE_SCORE, sc, key, sizeof(key)) != SV_OK)
            return SV_ERR_INVALID;
        if (sv_grow((void **)&p->pend, &p->pend_cap, sizeof(*p->pend), slot, 1024) != SV_OK)
            return SV_ERR_NOMEM;
        pe = &p->pend[slot];
        if (pe->unrendered && strcmp(pe->buf, key) != 0 && (rc = displace(p, mk, pe)) != SV_OK)
            return rc;
        if (!mp) {
            if (encode(p, WIRE_SCORE, sc) != SV_OK)
                return SV_ERR_INVALID;
            mp = p->mp.data;
            mp_len = p->mp.size;
        }
        klen = strlen(key);
        need = klen + 1 + mp_len;
        if (need > pe->cap) {
            char *b = realloc(pe->buf, need + need / 4 + 64);
            if (!b)
                return SV_ERR_NOMEM;
            pe->buf = b;
            pe->cap = need + need / 4 + 64;
        }
        memcpy(pe->buf, key, klen + 1);
        memcpy(pe->buf + klen + 1, mp, mp_len);
        pe->mlen = mp_len;
        pe->has_tier = (sc->present & WIRE_SCORE_HAS_TIER) != 0;
        pe->tier = sc->tier;
        pe->final = sc->present & WIRE_SCORE_HAS_FINAL ? sc->final : 0.0;
        pe->ts = sc->ts;
        pe->unrendered = true;
    }
    rc = mark(&p->dirty[PUB_SCORE_SLOT], slot);
    return rc == SV_OK ? mark(&p->dirty[PUB_MARKET], mk->idx) : rc;
}

/* Marks every entry of kind k (PUB_SIGNAL or PUB_SCORE_ID) of market mk: every key its
 * candidates ever had. */
static sv_err_t mark_market_keys(eng_pub_t *p, int k, const eng_market_t *mk)
{
    const pub_keys_t *ks = &p->keys[k == PUB_SIGNAL ? ENG_ITEM_SIGNAL : ENG_ITEM_SCORE];
    uint32_t n = mk->idx < ks->head_cap ? ks->head[mk->idx] : 0;

    for (; n; n = ks->next[n - 1])
        if (mark(&p->dirty[k], n - 1) != SV_OK)
            return SV_ERR_NOMEM;
    return SV_OK;
}

sv_err_t eng_pub_game_dirty(eng_pub_t *p, const eng_game_t *g)
{
    for (size_t m = 0; m < g->market_cnt; m++) {
        const eng_market_t *mk = eng_state_game_market(p->st, g, m);
        if (mark(&p->dirty[PUB_MARKET], mk->idx) != SV_OK)
            return SV_ERR_NOMEM;
        if (mark_market_keys(p, PUB_SCORE_ID, mk) != SV_OK ||
            mark_market_keys(p, PUB_SIGNAL, mk) != SV_OK)
            return SV_ERR_NOMEM;
    }
    return SV_OK;
}

sv_err_t eng_pub_retire_game(eng_pub_t *p, const eng_game_t *g)
{
    for (size_t m = 0; m < g->market_cnt; m++) {
        const eng_market_t *mk = eng_state_game_market(p->st, g, m);
        static const eng_item_kind_t kinds[] = {ENG_ITEM_SCORE, ENG_ITEM_SIGNAL};
        for (size_t ki = 0; ki < 2; ki++) {
            eng_item_kind_t k = kinds[ki];
            pub_keys_t *ks = &p->keys[k];
            uint32_t n;
            if (mk->idx >= ks->head_cap)
                continue;
            for (n = ks->head[mk->idx]; n; n = ks->next[n - 1]) {
                const eng_item_t *it = eng_view_get(p->view, k, n - 1);
                if (sv_grow((void **)&ks->free, &ks->free_cap, sizeof(*ks->free), ks->free_cnt,
                            256) != SV_OK)
                    return SV_ERR_NOMEM;
                if (it)
                    eng_htab_remove(&ks->ht, eng_htab_hash_str((uint64_t)k + 1, it->key), n - 1);
                eng_view_clear(p->view, k, n - 1); /* a mark left on the id finds nothing */
                ks->free[ks->free_cnt++] = n - 1;
            }
            ks->head[mk->idx] = 0;
        }
        for (uint32_t i = 0; i < ENG_OUTCOMES_MAX; i++) {
            uint32_t slot = mk->idx * ENG_OUTCOMES_MAX + i;
            if (slot < p->pend_cap)
                p->pend[slot].unrendered = false; /* a mark left on the slot renders nothing */
        }
        eng_view_clear(p->view, ENG_ITEM_MARKET, mk->idx);
    }
    return SV_OK;
}

bool eng_pub_pending(const eng_pub_t *p)
{
    for (int k = 0; k < PUB__CNT; k++)
        if (p->dirty[k].cnt)
            return true;
    return false;
}

/* Renders score slot's latest emission into the entry of its key (never from the state: what a
 * key holds is what was emitted for it, byte for byte); the item, or NULL (nothing new). */
static const eng_item_t *render_score(eng_pub_t *p, uint32_t slot)
{
    pub_pend_t *pe = slot < p->pend_cap ? &p->pend[slot] : NULL;
    uint32_t id;

    if (!pe || !pe->unrendered ||
        pend_render(p, eng_state_market_at(p->st, slot / ENG_OUTCOMES_MAX), pe, &id) != SV_OK)
        return NULL;
    p->pend_last = id;
    return eng_view_get(p->view, ENG_ITEM_SCORE, id);
}

static void pk_str(msgpack_packer *pk, const char *v)
{
    size_t n = strlen(v);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, v, n);
}

/* The market as a msgpack map into p->mp (then rendered as JSON like every item): event_id,
 * market, player?, sport, ts, updates, names, modal_line?, modal_books, active_books,
 * line_variance, arb, arb_profit?, steam, quotes [{book, ts, outcomes [{name, price, decimal,
 * point?}]}] (empty outcomes: suspended). */
static void market_mp(eng_pub_t *p, const eng_market_t *mk, const eng_game_t *g)
{
    msgpack_packer *pk = &p->pk;
    bool line = mk->has_modal && mk->modal_has_line;

    p->mp.size = 0;
    msgpack_pack_map(pk, 12 + (mk->has_player ? 1 : 0) + (line ? 1 : 0) + (mk->arb ? 1 : 0));
    pk_str(pk, "event_id");
    pk_str(pk, mk->event_id);
    pk_str(pk, "market");
    pk_str(pk, mk->market);
    if (mk->has_player) {
        pk_str(pk, "player");
        pk_str(pk, mk->player);
    }
    pk_str(pk, "sport");
    pk_str(pk, game_sport(g));
    pk_str(pk, "ts");
    msgpack_pack_int64(pk, mk->ts);
    pk_str(pk, "updates");
    msgpack_pack_uint64(pk, mk->updates);
    pk_str(pk, "names");
    msgpack_pack_array(pk, mk->name_cnt);
    for (size_t n = 0; n < mk->name_cnt; n++)
        pk_str(pk, mk->names[n]);
    if (line) {
        pk_str(pk, "modal_line");
        msgpack_pack_double(pk, mk->modal_line);
    }
    pk_str(pk, "modal_books");
    msgpack_pack_int(pk, mk->modal_books);
    pk_str(pk, "active_books");
    msgpack_pack_int(pk, mk->active_books);
    pk_str(pk, "line_variance");
    msgpack_pack_double(pk, mk->line_variance);
    pk_str(pk, "arb");
    mk->arb ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
    if (mk->arb) {
        pk_str(pk, "arb_profit");
        msgpack_pack_double(pk, mk->arb_profit);
    }
    pk_str(pk, "steam");
    msgpack_pack_int(pk, mk->steam_dir);
    pk_str(pk, "quotes");
    msgpack_pack_array(pk, mk->quote_cnt);
    for (size_t q = 0; q < mk->quote_cnt; q++) {
        const eng_quote_t *bq = &mk->quotes[q];
        msgpack_pack_map(pk, 3);
        pk_str(pk, "book");
        pk_str(pk, eng_state_book_name(p->st, bq->book));
        pk_str(pk, "ts");
        msgpack_pack_int64(pk, bq->ts);
        pk_str(pk, "outcomes");
        msgpack_pack_array(pk, bq->n);
        for (size_t k = 0; k < bq->n; k++) {
            const eng_out_t *eo = &bq->out[k];
            msgpack_pack_map(pk, 3 + (eo->has_point ? 1 : 0));
            pk_str(pk, "name");
            pk_str(pk, mk->names[eo->name]);
            pk_str(pk, "price");
            msgpack_pack_int(pk, eo->american);
            pk_str(pk, "decimal");
            msgpack_pack_double(pk, eo->dec);
            if (eo->has_point) {
                pk_str(pk, "point");
                msgpack_pack_double(pk, eo->point);
            }
        }
    }
}


static const eng_item_t *render_market(eng_pub_t *p, uint32_t idx)
{
    const eng_market_t *mk = eng_state_market_at(p->st, idx);
    const eng_game_t *g = eng_state_game_at(p->st, mk->game);
    char key[WIRE_KEY_MAX];
    eng_item_t it;
    uint32_t id;

    if (!mk->event_id[0])
        return NULL; /* retired since it was marked */
    snprintf(key, sizeof(key), "%s|%s|%s", mk->event_id, mk->market, mk->player);
    item_of_market(&it, ENG_ITEM_MARKET, key, mk, g);
    it.ts = mk->ts;
    market_mp(p, mk, g);
    if (view_set_mp(p, idx, &it, p->mp.data, p->mp.size, &id) != SV_OK)
        return NULL;
    return eng_view_get(p->view, ENG_ITEM_MARKET, idx);
}

sv_err_t eng_pub_signal(eng_pub_t *p, uint32_t slot, const eng_game_t *g, const wire_signal_t *sig)
{
    eng_item_t it;
    uint32_t id;

    memset(&it, 0, sizeof(it));
    it.kind = ENG_ITEM_SIGNAL;
    it.key = sig->signal_id;
    it.sport = game_sport(g);
    it.event_id = sig->cand.event_id;
    it.market = sig->cand.market;
    it.player = sig->cand.present & WIRE_CAND_HAS_PLAYER ? sig->cand.player : "";
    it.has_tier = true;
    it.tier = sig->tier;
    it.final = sig->scores.final;
    it.live = sig->state != WIRE_SIG_WITHDRAWN;
    it.done = game_done(g);
    it.ts = sig->ts;
    if (encode(p, WIRE_SIGNAL, sig) != SV_OK)
        return SV_ERR_INVALID;
    if (view_set_mp(p, slot / ENG_OUTCOMES_MAX, &it, p->mp.data, p->mp.size, &id) != SV_OK)
        return SV_ERR_NOMEM;
    return mark(&p->dirty[PUB_SIGNAL], id);
}

/* The entry id of kind k (signal or score key) as it is, with done set when its game has ended
 * since it was rendered. */
static const eng_item_t *entry_item(eng_pub_t *p, eng_item_kind_t k, uint32_t id)
{
    const eng_item_t *it = eng_view_get(p->view, k, id);
    const eng_game_t *g;

    if (!it)
        return NULL;
    g = eng_state_game(p->st, it->event_id);
    if (game_done(g) != it->done) {
        eng_item_t copy = *it;
        copy.done = game_done(g);
        if (eng_view_set(p->view, id, &copy) != SV_OK)
            return NULL;
        it = eng_view_get(p->view, k, id);
    }
    return it;
}

/* Renders what mark kind k, index idx stands for; the item, or NULL. */
static const eng_item_t *render(eng_pub_t *p, int k, uint32_t idx)
{
    if (k == PUB_SCORE_SLOT)
        return render_score(p, idx);
    if (k == PUB_MARKET)
        return render_market(p, idx);
    return entry_item(p, k == PUB_SIGNAL ? ENG_ITEM_SIGNAL : ENG_ITEM_SCORE, idx);
}

/* Renders every stale entry (before a walk). */
static void render_stale(eng_pub_t *p)
{
    for (int k = 0; k < PUB__CNT; k++) {
        pub_dirty_t *st = &p->stale[k];
        for (size_t n = 0; n < st->cnt; n++) {
            uint32_t idx = st->list[n];
            if (st->flag[idx] == 1) /* 2: rendered since it went stale */
                render(p, k, idx);
            st->flag[idx] = 0;
        }
        st->cnt = 0;
    }
}

void eng_pub_flush(eng_pub_t *p)
{
    bool wants[ENG_PUB_SINKS_MAX], any = false;

    for (int s = 0; s < p->sink_cnt; s++) {
        wants[s] = !p->sinks[s].wants || p->sinks[s].wants(p->sinks[s].arg);
        any |= wants[s];
    }
    for (int k = 0; k < PUB__CNT; k++) {
        pub_dirty_t *d = &p->dirty[k];
        for (size_t n = 0; n < d->cnt; n++) {
            uint32_t idx = d->list[n];
            const eng_item_t *it;

            d->flag[idx] = 0;
            if (!any) { /* nobody takes it now: render it when a walk needs it */
                pub_dirty_t *st = &p->stale[k];
                if (idx < st->cap && st->flag[idx])
                    st->flag[idx] = 1; /* listed already */
                else if (mark(st, idx) != SV_OK)
                    p->stats.render_errors++;
                p->stats.deferred++;
                continue;
            }
            if (idx < p->stale[k].cap && p->stale[k].flag[idx])
                p->stale[k].flag[idx] = 2; /* rendered below: the stale entry is moot */
            if (!(it = render(p, k, idx)))
                continue;
            if (it->kind == ENG_ITEM_SCORE) { /* the same key again (its line came back): once */
                uint32_t id = k == PUB_SCORE_ID ? idx : p->pend_last;
                if (id < p->sent.cap && p->sent.flag[id])
                    continue;
                if (mark(&p->sent, id) != SV_OK)
                    p->stats.render_errors++;
            }
            for (int s = 0; s < p->sink_cnt; s++)
                if (wants[s])
                    p->sinks[s].put(p->sinks[s].arg, it);
        }
        d->cnt = 0;
    }
    for (size_t n = 0; n < p->sent.cnt; n++)
        p->sent.flag[p->sent.list[n]] = 0;
    p->sent.cnt = 0;
    for (int s = 0; s < p->sink_cnt; s++)
        if (p->sinks[s].flush)
            p->sinks[s].flush(p->sinks[s].arg);
}

void eng_pub_walk(void *arg, eng_item_fn *fn, void *ctx)
{
    eng_pub_t *p = arg;
    render_stale(p);
    eng_view_walk(p->view, fn, ctx);
}

void eng_pub_stats(const eng_pub_t *p, eng_pub_stats_t *st)
{
    *st = p->stats;
    for (int k = 0; k < ENG_ITEM__CNT; k++)
        st->held[k] = eng_view_count(p->view, (eng_item_kind_t)k);
}
