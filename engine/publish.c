/*
 * publish — items for the cache and push, rendered once per loop turn (see publish.h).
 */
#include "publish.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "sv_util.h"
#include "view.h"

/* What changed in this turn, per kind: a flag per index and the list of flagged indices. */
typedef struct pub_dirty {
    uint8_t *flag;
    size_t cap;
    uint32_t *list;
    size_t cnt, list_cap;
} pub_dirty_t;

struct eng_pub {
    const eng_state_t *st;
    eng_cands_t *cands;
    eng_view_t *view;
    eng_pub_sink_t sinks[ENG_PUB_SINKS_MAX];
    int sink_cnt;
    pub_dirty_t dirty[ENG_ITEM__CNT];
    pub_dirty_t stale[ENG_ITEM__CNT]; /* changed, not rendered yet (no sink wanted them) */
    wire_score_t sc;        /* scratch */
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
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
        free(p->dirty[k].flag);
        free(p->dirty[k].list);
        free(p->stale[k].flag);
        free(p->stale[k].list);
    }
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

sv_err_t eng_pub_score_dirty(eng_pub_t *p, const eng_market_t *mk, size_t i)
{
    sv_err_t rc = mark(&p->dirty[ENG_ITEM_SCORE], mk->idx * ENG_OUTCOMES_MAX + (uint32_t)i);
    return rc == SV_OK ? mark(&p->dirty[ENG_ITEM_MARKET], mk->idx) : rc;
}

sv_err_t eng_pub_game_dirty(eng_pub_t *p, const eng_game_t *g)
{
    for (size_t m = 0; m < g->market_cnt; m++) {
        const eng_market_t *mk = eng_state_game_market(p->st, g, m);
        if (mark(&p->dirty[ENG_ITEM_MARKET], mk->idx) != SV_OK)
            return SV_ERR_NOMEM;
        for (uint32_t i = 0; i < ENG_OUTCOMES_MAX; i++) {
            uint32_t slot = mk->idx * ENG_OUTCOMES_MAX + i;
            if ((i < mk->cand_cnt && mark(&p->dirty[ENG_ITEM_SCORE], slot) != SV_OK) ||
                (eng_view_get(p->view, ENG_ITEM_SIGNAL, slot) &&
                 mark(&p->dirty[ENG_ITEM_SIGNAL], slot) != SV_OK))
                return SV_ERR_NOMEM;
        }
    }
    return SV_OK;
}

bool eng_pub_pending(const eng_pub_t *p)
{
    for (int k = 0; k < ENG_ITEM__CNT; k++)
        if (p->dirty[k].cnt)
            return true;
    return false;
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

/* Sets entry idx to it with the JSON text of the msgpack value in p->mp. */
static sv_err_t view_set_mp(eng_pub_t *p, uint32_t idx, eng_item_t *it)
{
    sv_err_t rc;

    p->text.size = 0;
    if (wire_msgpack_to_text(p->mp.data, p->mp.size, &p->text, NULL) != SV_OK ||
        msgpack_sbuffer_write(&p->text, "", 1) != 0) {
        p->stats.render_errors++;
        return SV_ERR_NOMEM;
    }
    it->json = p->text.data;
    it->json_len = p->text.size - 1;
    rc = eng_view_set(p->view, idx, it);
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

static sv_err_t render_score(eng_pub_t *p, uint32_t slot)
{
    const eng_market_t *mk = eng_state_market_at(p->st, slot / ENG_OUTCOMES_MAX);
    size_t i = slot % ENG_OUTCOMES_MAX;
    const eng_game_t *g = eng_state_game_at(p->st, mk->game);
    char key[WIRE_KEY_MAX];
    eng_item_t it;

    if (i >= mk->cand_cnt)
        return SV_OK;
    eng_market_score(p->st, mk, i, &p->sc);
    eng_cands_score(p->cands, p->st, mk, i, &p->sc, NULL, NULL);
    if (wire_key(WIRE_SCORE, &p->sc, key, sizeof(key)) != SV_OK)
        return SV_ERR_INVALID;
    item_of_market(&it, ENG_ITEM_SCORE, key, mk, g);
    it.has_tier = (p->sc.present & WIRE_SCORE_HAS_TIER) != 0;
    it.tier = p->sc.tier;
    it.final = p->sc.present & WIRE_SCORE_HAS_FINAL ? p->sc.final : 0.0;
    it.ts = p->sc.ts;
    return encode(p, WIRE_SCORE, &p->sc) == SV_OK ? view_set_mp(p, slot, &it) : SV_ERR_INVALID;
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

static sv_err_t render_market(eng_pub_t *p, uint32_t idx)
{
    const eng_market_t *mk = eng_state_market_at(p->st, idx);
    const eng_game_t *g = eng_state_game_at(p->st, mk->game);
    char key[WIRE_KEY_MAX];
    eng_item_t it;

    snprintf(key, sizeof(key), "%s|%s|%s", mk->event_id, mk->market, mk->player);
    item_of_market(&it, ENG_ITEM_MARKET, key, mk, g);
    it.ts = mk->ts;
    market_mp(p, mk, g);
    return view_set_mp(p, idx, &it);
}

sv_err_t eng_pub_signal(eng_pub_t *p, uint32_t slot, const eng_game_t *g, const wire_signal_t *sig)
{
    eng_item_t it;
    sv_err_t rc;

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
    rc = encode(p, WIRE_SIGNAL, sig) == SV_OK ? view_set_mp(p, slot, &it) : SV_ERR_INVALID;
    return rc == SV_OK ? mark(&p->dirty[ENG_ITEM_SIGNAL], slot) : rc;
}

/* A signal entry whose game has ended since it was rendered gets done set. */
static const eng_item_t *signal_item(eng_pub_t *p, uint32_t slot)
{
    const eng_item_t *it = eng_view_get(p->view, ENG_ITEM_SIGNAL, slot);
    const eng_game_t *g;

    if (!it)
        return NULL;
    g = eng_state_game(p->st, it->event_id);
    if (game_done(g) != it->done) {
        eng_item_t copy = *it;
        copy.done = game_done(g);
        if (eng_view_set(p->view, slot, &copy) != SV_OK)
            return NULL;
        it = eng_view_get(p->view, ENG_ITEM_SIGNAL, slot);
    }
    return it;
}

/* Renders entry idx of kind k from the state; the item, or NULL. */
static const eng_item_t *render(eng_pub_t *p, int k, uint32_t idx)
{
    if (k == ENG_ITEM_SCORE)
        return render_score(p, idx) == SV_OK ? eng_view_get(p->view, ENG_ITEM_SCORE, idx) : NULL;
    if (k == ENG_ITEM_MARKET)
        return render_market(p, idx) == SV_OK ? eng_view_get(p->view, ENG_ITEM_MARKET, idx)
                                              : NULL;
    return signal_item(p, idx);
}

/* Renders every stale entry (before a walk). */
static void render_stale(eng_pub_t *p)
{
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
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
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
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
            for (int s = 0; s < p->sink_cnt; s++)
                if (wants[s])
                    p->sinks[s].put(p->sinks[s].arg, it);
        }
        d->cnt = 0;
    }
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
