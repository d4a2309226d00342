/*
 * api_live — REST routes over the engine's live items (see api_live.h). Item JSON is copied into
 * the reply as it is (no re-encoding), so a reply carries exactly what Redis and push carry.
 */
#include "api_live.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "sv_util.h"
#include "wire.h"

#define LIVE_LIMIT_DEFAULT 100
#define LIVE_LIMIT_MAX 10000

/* A walk's filter and what it collected. */
typedef struct live_walk {
    eng_item_kind_t kind; /* wanted kind, or ENG_ITEM__CNT for any */
    const char *event_id; /* NULL: any */
    const char *key;      /* NULL: any */
    const char *sport;    /* NULL: any */
    bool live_only;       /* signals: open ones only */
    bool has_min_tier;
    wire_tier_t min_tier;
    const eng_item_t **items;
    size_t cnt, cap;
    bool nomem;
} live_walk_t;

static void live_collect(void *ctx, const eng_item_t *it)
{
    live_walk_t *w = ctx;

    if ((w->kind != ENG_ITEM__CNT && it->kind != w->kind) ||
        (w->event_id && strcmp(it->event_id, w->event_id) != 0) ||
        (w->key && strcmp(it->key, w->key) != 0) || (w->sport && strcmp(it->sport, w->sport) != 0) ||
        (w->live_only && !it->live) ||
        (w->has_min_tier && (!it->has_tier || it->tier > w->min_tier)))
        return;
    if (sv_grow((void **)&w->items, &w->cap, sizeof(*w->items), w->cnt, 64) != SV_OK) {
        w->nomem = true;
        return;
    }
    w->items[w->cnt++] = it;
}

/* Best final first, then key (stable). */
static int live_cmp(const void *a, const void *b)
{
    const eng_item_t *x = *(const eng_item_t *const *)a, *y = *(const eng_item_t *const *)b;
    if (x->final != y->final)
        return x->final > y->final ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Appends "name":[items of kind k] (comma-separated raw JSON) to b. */
static void live_array(struct evbuffer *b, const char *name, const live_walk_t *w,
                       eng_item_kind_t k, size_t limit)
{
    size_t n = 0;
    evbuffer_add_printf(b, "\"%s\":[", name);
    for (size_t i = 0; i < w->cnt && n < limit; i++)
        if (k == ENG_ITEM__CNT || w->items[i]->kind == k) {
            if (n++)
                evbuffer_add(b, ",", 1);
            evbuffer_add(b, w->items[i]->json, w->items[i]->json_len);
        }
    evbuffer_add(b, "]", 1);
}

static void live_send(eng_api_req_t *r, struct evbuffer *b)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Cache-Control", "no-store");
    evhttp_send_reply(r->req, 200, "OK", b);
}

/* GET /api/v1/me */
static void live_me(eng_api_req_t *r, void *arg)
{
    json_t *scopes = json_array();
    UNUSED(arg);
    if (r->who->scopes & ENG_SCOPE_READ)
        json_array_append_new(scopes, json_string("read"));
    if (r->who->scopes & ENG_SCOPE_BET)
        json_array_append_new(scopes, json_string("bet"));
    if (r->who->scopes & ENG_SCOPE_ADMIN)
        json_array_append_new(scopes, json_string("admin"));
    eng_api_reply(r, 200,
                  json_pack("{s:I,s:s,s:s,s:o,s:s}", "user_id", (json_int_t)r->who->user_id,
                            "email", r->who->email, "role", r->who->role, "scopes", scopes,
                            "token_id", r->who->token_id));
}

/* GET /api/v1/signals?sport=&min_tier=&limit=&state=live|all */
static void live_signals(eng_api_req_t *r, void *arg)
{
    eng_pub_t *pub = arg;
    live_walk_t w;
    const char *sport = evhttp_find_header(&r->query, "sport");
    const char *tier = evhttp_find_header(&r->query, "min_tier");
    const char *lim = evhttp_find_header(&r->query, "limit");
    const char *state = evhttp_find_header(&r->query, "state");
    struct evbuffer *b;
    long limit = LIVE_LIMIT_DEFAULT;

    memset(&w, 0, sizeof(w));
    w.kind = ENG_ITEM_SIGNAL;
    w.sport = sport && *sport ? sport : NULL;
    w.live_only = true;
    if (state && strcmp(state, "all") == 0)
        w.live_only = false;
    else if (state && strcmp(state, "live") != 0)
        return eng_http_error(r->req, 400, "state", "expected live or all");
    if (tier && wire_tier_by_name(tier, &w.min_tier) != SV_OK)
        return eng_http_error(r->req, 400, "min_tier",
                              "expected a tier (TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS)");
    w.has_min_tier = tier != NULL;
    if (lim) {
        char *end;
        limit = strtol(lim, &end, 10);
        if (*end || end == lim || limit < 1 || limit > LIVE_LIMIT_MAX)
            return eng_http_error(r->req, 400, "limit", "expected an integer 1..10000");
    }
    eng_pub_walk(pub, live_collect, &w);
    if (w.nomem || !(b = evbuffer_new())) {
        free(w.items);
        return eng_http_error(r->req, 500, "", "out of memory");
    }
    if (w.cnt > 1)
        qsort(w.items, w.cnt, sizeof(*w.items), live_cmp);
    evbuffer_add_printf(b, "{\"count\":%zu,", w.cnt < (size_t)limit ? w.cnt : (size_t)limit);
    live_array(b, "signals", &w, ENG_ITEM__CNT, (size_t)limit);
    evbuffer_add(b, "}", 1);
    live_send(r, b);
    evbuffer_free(b);
    free(w.items);
}

/* GET /api/v1/signals/{signal_id} */
static void live_signal(eng_api_req_t *r, void *arg)
{
    eng_pub_t *pub = arg;
    live_walk_t w;
    struct evbuffer *b;

    memset(&w, 0, sizeof(w));
    w.kind = ENG_ITEM_SIGNAL;
    w.key = r->params[0];
    eng_pub_walk(pub, live_collect, &w);
    if (w.cnt == 0) {
        free(w.items);
        return eng_http_error(r->req, 404, "signal_id", "no such signal");
    }
    if (!(b = evbuffer_new())) {
        free(w.items);
        return eng_http_error(r->req, 500, "", "out of memory");
    }
    evbuffer_add(b, w.items[0]->json, w.items[0]->json_len);
    live_send(r, b);
    evbuffer_free(b);
    free(w.items);
}

/* GET /api/v1/events/{event_id} */
static void live_event(eng_api_req_t *r, void *arg)
{
    eng_pub_t *pub = arg;
    live_walk_t w;
    struct evbuffer *b;

    memset(&w, 0, sizeof(w));
    w.kind = ENG_ITEM__CNT;
    w.event_id = r->params[0];
    eng_pub_walk(pub, live_collect, &w);
    if (w.cnt == 0) {
        free(w.items);
        return eng_http_error(r->req, 404, "event_id", "no such event");
    }
    if (w.nomem || !(b = evbuffer_new())) {
        free(w.items);
        return eng_http_error(r->req, 500, "", "out of memory");
    }
    if (w.cnt > 1)
        qsort(w.items, w.cnt, sizeof(*w.items), live_cmp);
    evbuffer_add(b, "{\"event_id\":", 12);
    {
        json_t *id = json_string(r->params[0]);
        char *t = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
        evbuffer_add(b, t ? t : "\"\"", t ? strlen(t) : 2);
        free(t);
        json_decref(id);
    }
    evbuffer_add(b, ",", 1);
    live_array(b, "scores", &w, ENG_ITEM_SCORE, LIVE_LIMIT_MAX);
    evbuffer_add(b, ",", 1);
    live_array(b, "markets", &w, ENG_ITEM_MARKET, LIVE_LIMIT_MAX);
    evbuffer_add(b, ",", 1);
    live_array(b, "signals", &w, ENG_ITEM_SIGNAL, LIVE_LIMIT_MAX);
    evbuffer_add(b, "}", 1);
    live_send(r, b);
    evbuffer_free(b);
    free(w.items);
}

/* By event id, then kind (stable). */
static int live_cmp_event(const void *a, const void *b)
{
    const eng_item_t *x = *(const eng_item_t *const *)a, *y = *(const eng_item_t *const *)b;
    int c = strcmp(x->event_id, y->event_id);
    return c ? c : (int)x->kind - (int)y->kind;
}

/* GET /api/v1/events?sport=: every game the engine holds items of, by event id, with what it
 * has of it (the details: /api/v1/events/{event_id}). */
static void live_events(eng_api_req_t *r, void *arg)
{
    eng_pub_t *pub = arg;
    live_walk_t w;
    json_t *list = json_array(), *ev = NULL;
    const char *sport = evhttp_find_header(&r->query, "sport");
    size_t n = 0;

    memset(&w, 0, sizeof(w));
    w.kind = ENG_ITEM__CNT;
    w.sport = sport;
    eng_pub_walk(pub, live_collect, &w);
    if (w.nomem || !list) {
        free(w.items);
        json_decref(list);
        return eng_http_error(r->req, 500, "", "out of memory");
    }
    if (w.cnt > 1)
        qsort(w.items, w.cnt, sizeof(*w.items), live_cmp_event);
    for (size_t i = 0; i < w.cnt; i++) {
        const eng_item_t *it = w.items[i];
        const char *key = it->kind == ENG_ITEM_SCORE    ? "scores"
                          : it->kind == ENG_ITEM_MARKET ? "markets"
                                                        : "live_signals";
        if (i == 0 || strcmp(it->event_id, w.items[i - 1]->event_id) != 0) {
            ev = json_pack("{s:s,s:s,s:i,s:i,s:i,s:b}", "event_id", it->event_id, "sport",
                           it->sport, "markets", 0, "scores", 0, "live_signals", 0, "done",
                           it->done);
            json_array_append_new(list, ev);
            n++;
        }
        if (ev && (it->kind != ENG_ITEM_SIGNAL || it->live))
            json_object_set_new(ev, key,
                                json_integer(json_integer_value(json_object_get(ev, key)) + 1));
    }
    free(w.items);
    eng_api_reply(r, 200, json_pack("{s:I,s:o}", "count", (json_int_t)n, "events", list));
}

sv_err_t eng_api_live_register(eng_api_t *api, eng_pub_t *pub)
{
    sv_err_t rc;
    if ((rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/me", 0, live_me, pub)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/signals", ENG_SCOPE_READ, live_signals,
                            pub)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/events", ENG_SCOPE_READ, live_events,
                            pub)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/signals/{signal_id}", ENG_SCOPE_READ,
                            live_signal, pub)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/events/{event_id}", ENG_SCOPE_READ,
                            live_event, pub)) != SV_OK)
        return rc;
    return SV_OK;
}
