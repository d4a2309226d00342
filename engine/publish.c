/*
 * publish — items for the cache and push, rendered once per loop turn (see publish.h).
 */
#include "publish.h"

#include <jansson.h>
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
    uint32_t *sig_game;     /* signal slot → game index + 1 (0: none), for done and walks */
    size_t sig_game_cap;
    wire_score_t sc;        /* scratch */
    eng_pub_stats_t stats;
};

eng_pub_t *eng_pub_new(const eng_state_t *st, eng_cands_t *cands)
{
    eng_pub_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->st = st;
    p->cands = cands;
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
    }
    free(p->sig_game);
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
    if (idx >= d->cap) {
        size_t n = d->cap ? d->cap : 1024;
        uint8_t *f;
        while (n <= idx)
            n *= 2;
        if (!(f = realloc(d->flag, n)))
            return SV_ERR_NOMEM;
        memset(f + d->cap, 0, n - d->cap);
        d->flag = f;
        d->cap = n;
    }
    if (d->flag[idx])
        return SV_OK;
    if (d->cnt == d->list_cap) {
        size_t n = d->list_cap ? d->list_cap * 2 : 1024;
        uint32_t *l = realloc(d->list, n * sizeof(*l));
        if (!l)
            return SV_ERR_NOMEM;
        d->list = l;
        d->list_cap = n;
    }
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

/* Sets entry idx from the JSON object j (consumed); the other fields come from it. */
static sv_err_t view_set_json(eng_pub_t *p, uint32_t idx, eng_item_t *it, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    sv_err_t rc;

    json_decref(j);
    if (!text) {
        p->stats.render_errors++;
        return SV_ERR_NOMEM;
    }
    it->json = text;
    it->json_len = strlen(text);
    rc = eng_view_set(p->view, idx, it);
    free(text);
    if (rc == SV_OK)
        p->stats.rendered[it->kind]++;
    else
        p->stats.render_errors++;
    return rc;
}

static sv_err_t render_score(eng_pub_t *p, uint32_t slot)
{
    const eng_market_t *mk = eng_state_market_at(p->st, slot / ENG_OUTCOMES_MAX);
    size_t i = slot % ENG_OUTCOMES_MAX;
    const eng_game_t *g = eng_state_game(p->st, mk->event_id);
    char key[WIRE_KEY_MAX];
    eng_item_t it;

    if (i >= mk->cand_cnt)
        return SV_OK;
    eng_market_score(p->st, mk, i, &p->sc);
    eng_cands_score(p->cands, p->st, mk, i, &p->sc, NULL, NULL);
    if (wire_key(WIRE_SCORE, &p->sc, key, sizeof(key)) != SV_OK)
        return SV_ERR_INVALID;
    memset(&it, 0, sizeof(it));
    it.kind = ENG_ITEM_SCORE;
    it.key = key;
    it.sport = game_sport(g);
    it.event_id = mk->event_id;
    it.market = mk->market;
    it.player = mk->player;
    it.has_tier = (p->sc.present & WIRE_SCORE_HAS_TIER) != 0;
    it.tier = p->sc.tier;
    it.final = p->sc.present & WIRE_SCORE_HAS_FINAL ? p->sc.final : 0.0;
    it.live = true;
    it.done = game_done(g);
    it.ts = p->sc.ts;
    return view_set_json(p, slot, &it, wire_to_json(WIRE_SCORE, &p->sc));
}

static json_t *market_json(const eng_pub_t *p, const eng_market_t *mk, const eng_game_t *g)
{
    json_t *o = json_object(), *names = json_array(), *quotes = json_array();

    if (!o || !names || !quotes) {
        json_decref(o);
        json_decref(names);
        json_decref(quotes);
        return NULL;
    }
    json_object_set_new(o, "event_id", json_string(mk->event_id));
    json_object_set_new(o, "market", json_string(mk->market));
    if (mk->has_player)
        json_object_set_new(o, "player", json_string(mk->player));
    json_object_set_new(o, "sport", json_string(game_sport(g)));
    json_object_set_new(o, "ts", json_integer(mk->ts));
    json_object_set_new(o, "updates", json_integer((json_int_t)mk->updates));
    for (size_t n = 0; n < mk->name_cnt; n++)
        json_array_append_new(names, json_string(mk->names[n]));
    json_object_set_new(o, "names", names);
    if (mk->has_modal && mk->modal_has_line)
        json_object_set_new(o, "modal_line", json_real(mk->modal_line));
    json_object_set_new(o, "modal_books", json_integer(mk->modal_books));
    json_object_set_new(o, "active_books", json_integer(mk->active_books));
    json_object_set_new(o, "line_variance", json_real(mk->line_variance));
    json_object_set_new(o, "arb", json_boolean(mk->arb));
    if (mk->arb)
        json_object_set_new(o, "arb_profit", json_real(mk->arb_profit));
    json_object_set_new(o, "steam", json_integer(mk->steam_dir));
    for (size_t q = 0; q < mk->quote_cnt; q++) {
        const eng_quote_t *bq = &mk->quotes[q];
        json_t *qo = json_object(), *outs = json_array();
        if (!qo || !outs) {
            json_decref(qo);
            json_decref(outs);
            json_decref(o);
            json_decref(quotes);
            return NULL;
        }
        json_object_set_new(qo, "book", json_string(eng_state_book_name(p->st, bq->book)));
        json_object_set_new(qo, "ts", json_integer(bq->ts));
        for (size_t k = 0; k < bq->n; k++) {
            const eng_out_t *eo = &bq->out[k];
            json_t *oo = json_object();
            json_object_set_new(oo, "name", json_string(mk->names[eo->name]));
            json_object_set_new(oo, "price", json_integer(eo->american));
            json_object_set_new(oo, "decimal", json_real(eo->dec));
            if (eo->has_point)
                json_object_set_new(oo, "point", json_real(eo->point));
            json_array_append_new(outs, oo);
        }
        json_object_set_new(qo, "outcomes", outs); /* empty: suspended */
        json_array_append_new(quotes, qo);
    }
    json_object_set_new(o, "quotes", quotes);
    return o;
}

static sv_err_t render_market(eng_pub_t *p, uint32_t idx)
{
    const eng_market_t *mk = eng_state_market_at(p->st, idx);
    const eng_game_t *g = eng_state_game(p->st, mk->event_id);
    char key[WIRE_KEY_MAX];
    eng_item_t it;

    snprintf(key, sizeof(key), "%s|%s|%s", mk->event_id, mk->market, mk->player);
    memset(&it, 0, sizeof(it));
    it.kind = ENG_ITEM_MARKET;
    it.key = key;
    it.sport = game_sport(g);
    it.event_id = mk->event_id;
    it.market = mk->market;
    it.player = mk->player;
    it.live = true;
    it.done = game_done(g);
    it.ts = mk->ts;
    return view_set_json(p, idx, &it, market_json(p, mk, g));
}

sv_err_t eng_pub_signal(eng_pub_t *p, uint32_t slot, const eng_game_t *g, const wire_signal_t *sig)
{
    eng_item_t it;
    sv_err_t rc;

    if (slot >= p->sig_game_cap) {
        size_t n = p->sig_game_cap ? p->sig_game_cap : 1024;
        uint32_t *a;
        while (n <= slot)
            n *= 2;
        if (!(a = realloc(p->sig_game, n * sizeof(*a))))
            return SV_ERR_NOMEM;
        memset(a + p->sig_game_cap, 0, (n - p->sig_game_cap) * sizeof(*a));
        p->sig_game = a;
        p->sig_game_cap = n;
    }
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
    rc = view_set_json(p, slot, &it, wire_to_json(WIRE_SIGNAL, sig));
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

void eng_pub_flush(eng_pub_t *p)
{
    for (int k = 0; k < ENG_ITEM__CNT; k++) {
        pub_dirty_t *d = &p->dirty[k];
        for (size_t n = 0; n < d->cnt; n++) {
            uint32_t idx = d->list[n];
            const eng_item_t *it = NULL;

            d->flag[idx] = 0;
            if (k == ENG_ITEM_SCORE && render_score(p, idx) == SV_OK)
                it = eng_view_get(p->view, ENG_ITEM_SCORE, idx);
            else if (k == ENG_ITEM_MARKET && render_market(p, idx) == SV_OK)
                it = eng_view_get(p->view, ENG_ITEM_MARKET, idx);
            else if (k == ENG_ITEM_SIGNAL)
                it = signal_item(p, idx);
            if (!it)
                continue;
            for (int s = 0; s < p->sink_cnt; s++)
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
    eng_view_walk(p->view, fn, ctx);
}

void eng_pub_stats(const eng_pub_t *p, eng_pub_stats_t *st)
{
    *st = p->stats;
    for (int k = 0; k < ENG_ITEM__CNT; k++)
        st->held[k] = eng_view_count(p->view, (eng_item_kind_t)k);
}
