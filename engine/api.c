/*
 * api — the REST API v1 layer (see api.h).
 */
#include "api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/queue.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>

#include "htab.h"
#include "log.h"
#include "sv_util.h"
#include "tokens.h"

#define API_PREFIX "/api/v1/"
#define API_SEGS_MAX 16       /* segments of a path or pattern */
#define API_TOKEN_MAX 512     /* bytes of a bearer token */
#define API_CACHE_MAX 65536   /* tokens remembered (resolved or refused) */

/* One route. */
typedef struct api_route {
    unsigned method;          /* one EVHTTP_REQ_* */
    char *pattern;            /* as registered */
    char *segs[API_SEGS_MAX]; /* its segments after /api/v1/ (pointers into pattern copy) */
    char *copy;               /* the split copy */
    int seg_cnt;
    unsigned scope;           /* ENG_SCOPE_* needed */
    eng_api_handler_fn *fn;
    void *arg;
} api_route_t;

/* What is known of one token (by the SHA-256 of it). */
typedef struct api_tok {
    char hash[65];            /* hex */
    bool known;               /* a principal (false: refused) */
    eng_api_principal_t p;
    int64_t checked_ms;       /* when the store last answered */
    double tokens;            /* rate limit bucket */
    int64_t refill_ms;        /* its last refill */
} api_tok_t;

/* A token lookup in flight: a REST request waiting for it (route set), or an
 * eng_api_authenticate() caller (route NULL, done set until answered or cancelled). */
typedef struct eng_api_auth {
    struct eng_api_auth *next, *prev;
    eng_api_t *api;
    struct evhttp_request *req;  /* REST: NULL once the client went away */
    const api_route_t *route;    /* REST: the route; NULL for eng_api_authenticate() */
    eng_api_req_t r;             /* REST: params filled */
    eng_api_resolved_fn *done;   /* eng_api_authenticate(): NULL once cancelled */
    void *ctx;                   /* its argument */
    bool in_resolve;             /* inside api->resolve(): the caller frees */
    bool answered;               /* the resolver answered from inside api->resolve() */
    char hash[ENG_TOKEN_HASH_STR];
} api_wait_t;

/* What the synchronous part of authentication found. */
typedef enum api_auth_now {
    API_AUTH_KNOWN,   /* a principal: the bootstrap token or a cached one */
    API_AUTH_UNKNOWN, /* refused: cached as unknown, no resolver, empty or too long */
    API_AUTH_ASK,     /* the resolver must be asked */
    API_AUTH_FAILED,  /* the token could not be hashed */
} api_auth_now_t;

struct eng_api {
    struct event_base *base;
    eng_http_t *http;
    char bootstrap[API_TOKEN_MAX + 1];
    char bootstrap_hash[ENG_TOKEN_HASH_STR]; /* its SHA-256, hex */
    double rate_rps;
    double rate_burst;
    char cors[1024];
    eng_api_resolve_fn *resolve;
    void *resolve_arg;
    api_route_t *routes;
    size_t route_cnt, route_cap;
    api_tok_t *toks;           /* the token cache */
    size_t tok_cnt, tok_cap;
    eng_htab_t tok_ix;         /* hash → toks[] */
    api_wait_t waits;          /* list head of requests waiting for a lookup */
    eng_api_stats_t stats;
};

static const struct {
    unsigned bit;
    const char *name;
} api_methods[] = {
    {EVHTTP_REQ_GET, "GET"}, {EVHTTP_REQ_POST, "POST"},     {EVHTTP_REQ_PUT, "PUT"},
    {EVHTTP_REQ_DELETE, "DELETE"}, {EVHTTP_REQ_PATCH, "PATCH"},
};

static const char *api_method_name(unsigned m)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(api_methods); i++)
        if (api_methods[i].bit == m)
            return api_methods[i].name;
    return "?";
}

static int64_t api_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void eng_api_conf_from_cfg(eng_api_conf_t *conf, const cfg_t *cfg)
{
    conf->bootstrap_token = cfg->api_bootstrap_token;
    conf->rate_rps = cfg->api_rate_limit_rps;
    conf->rate_burst = cfg->api_rate_limit_burst;
    conf->cors_origins = cfg->api_cors_origins;
}

void eng_api_set_resolver(eng_api_t *api, eng_api_resolve_fn *fn, void *arg)
{
    api->resolve = fn;
    api->resolve_arg = arg;
}

void eng_api_stats(const eng_api_t *api, eng_api_stats_t *st)
{
    *st = api->stats;
}

/* Splits s (modified) at '/' into segs; the number of segments, or -1 when too many/empty. */
static int api_split(char *s, char **segs)
{
    int n = 0;
    for (char *p = s; *p;) {
        char *e = strchr(p, '/');
        if (n == API_SEGS_MAX)
            return -1;
        segs[n++] = p;
        if (!e)
            break;
        *e = '\0';
        p = e + 1;
        if (!*p)
            return -1; /* a trailing slash */
    }
    return n;
}

sv_err_t eng_api_route(eng_api_t *api, unsigned method, const char *pattern, unsigned scope,
                       eng_api_handler_fn *fn, void *arg)
{
    api_route_t *r;
    int params = 0;

    if (strncmp(pattern, API_PREFIX, strlen(API_PREFIX)) != 0 || !pattern[strlen(API_PREFIX)] ||
        !strcmp(api_method_name(method), "?"))
        return SV_ERR_INVALID;
    for (size_t i = 0; i < api->route_cnt; i++)
        if (api->routes[i].method == method && strcmp(api->routes[i].pattern, pattern) == 0)
            return SV_ERR_EXISTS;
    if (sv_grow((void **)&api->routes, &api->route_cap, sizeof(*api->routes), api->route_cnt, 16) !=
        SV_OK)
        return SV_ERR_NOMEM;
    r = &api->routes[api->route_cnt];
    memset(r, 0, sizeof(*r));
    if (!(r->pattern = strdup(pattern)) || !(r->copy = strdup(pattern + strlen(API_PREFIX)))) {
        free(r->pattern);
        return SV_ERR_NOMEM;
    }
    r->seg_cnt = api_split(r->copy, r->segs);
    for (int i = 0; i < r->seg_cnt; i++)
        params += r->segs[i][0] == '{';
    if (r->seg_cnt <= 0 || params > ENG_API_PARAMS_MAX) {
        free(r->pattern);
        free(r->copy);
        return SV_ERR_INVALID;
    }
    r->method = method;
    r->scope = scope;
    r->fn = fn;
    r->arg = arg;
    api->route_cnt++;
    return SV_OK;
}

bool eng_api_route_at(const eng_api_t *api, size_t i, const char **method, const char **pattern)
{
    if (i >= api->route_cnt)
        return false;
    *method = api_method_name(api->routes[i].method);
    *pattern = api->routes[i].pattern;
    return true;
}

/* Whether route r matches the path's segments; fills the parameters into out. */
static bool api_match(const api_route_t *r, char **segs, int n, eng_api_req_t *out)
{
    int k = 0;
    if (n != r->seg_cnt)
        return false;
    for (int i = 0; i < n; i++) {
        if (r->segs[i][0] == '{') {
            char *dec = evhttp_uridecode(segs[i], 0, NULL);
            if (!dec)
                return false;
            if (!*dec || strlen(dec) >= ENG_API_PARAM_MAX) {
                free(dec);
                return false;
            }
            if (out)
                sv_strlcpy(out->params[k], dec, sizeof(out->params[k]));
            k++;
            free(dec);
        } else if (strcmp(r->segs[i], segs[i]) != 0) {
            return false;
        }
    }
    if (out)
        out->param_cnt = k;
    return true;
}

struct eng_api_held {
    eng_api_req_t r;         /* r.req NULL once the client is gone; no query, no body */
    eng_api_principal_t who; /* r.who points here: the caller's copy lives on a returned stack */
    bool watching;           /* the connection's close callback points here */
};

static void api_held_closed(struct evhttp_connection *evcon, void *arg)
{
    eng_api_held_t *h = arg;
    UNUSED(evcon);
    h->r.req = NULL;
    h->watching = false;
}

eng_api_held_t *eng_api_hold(const eng_api_req_t *r)
{
    eng_api_held_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->r = *r;
    if (r->who) {
        h->who = *r->who;
        h->r.who = &h->who;
    }
    h->r.body = NULL;
    TAILQ_INIT(&h->r.query);
    evhttp_connection_set_closecb(evhttp_request_get_connection(r->req), api_held_closed, h);
    h->watching = true;
    return h;
}

eng_api_req_t *eng_api_held_req(eng_api_held_t *h)
{
    if (!h->r.req)
        return NULL;
    if (h->watching) /* answered now: evhttp may free the request once the reply is out */
        evhttp_connection_set_closecb(evhttp_request_get_connection(h->r.req), NULL, NULL);
    h->watching = false;
    return &h->r;
}

void eng_api_held_free(eng_api_held_t *h)
{
    if (!h)
        return;
    if (h->watching && h->r.req)
        evhttp_connection_set_closecb(evhttp_request_get_connection(h->r.req), NULL, NULL);
    free(h);
}

void eng_api_reply(eng_api_req_t *r, int status, json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!text) {
        eng_http_error(r->req, 500, "", "out of memory");
        return;
    }
    eng_http_reply_json(r->req, status, text);
    free(text);
}

/* CORS headers for an allowed Origin; true when the origin is allowed (or none was sent). */
static bool api_cors(eng_api_t *api, struct evhttp_request *req)
{
    const char *origin = eng_http_header(req, "Origin");
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    bool ok = false;

    if (!origin || !api->cors[0])
        return !origin;
    if (strcmp(api->cors, "*") == 0) {
        ok = true;
    } else {
        size_t ol = strlen(origin);
        for (const char *p = api->cors; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n == ol && strncmp(p, origin, n) == 0)
                ok = true;
            p += n + (e ? 1 : 0);
        }
    }
    if (ok) {
        evhttp_add_header(out, "Access-Control-Allow-Origin", strcmp(api->cors, "*") == 0 ? "*" : origin);
        evhttp_add_header(out, "Vary", "Origin");
        evhttp_add_header(out, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        evhttp_add_header(out, "Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        evhttp_add_header(out, "Access-Control-Max-Age", "600");
    }
    return ok;
}

static api_tok_t *api_tok_find(eng_api_t *api, const char *hash)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&api->tok_ix, eng_htab_hash_str(0, hash), &it);
    while ((v = eng_htab_next(&api->tok_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(api->toks[v].hash, hash) == 0)
            return &api->toks[v];
    return NULL;
}

/* The cache entry of hash, created when new (NULL when full or out of memory). */
static api_tok_t *api_tok_get(eng_api_t *api, const char *hash)
{
    api_tok_t *t = api_tok_find(api, hash);
    if (t)
        return t;
    if (api->tok_cnt >= API_CACHE_MAX ||
        sv_grow((void **)&api->toks, &api->tok_cap, sizeof(*api->toks), api->tok_cnt, 64) != SV_OK ||
        eng_htab_insert(&api->tok_ix, eng_htab_hash_str(0, hash), (uint32_t)api->tok_cnt) != SV_OK)
        return NULL;
    t = &api->toks[api->tok_cnt++];
    memset(t, 0, sizeof(*t));
    sv_strlcpy(t->hash, hash, sizeof(t->hash));
    t->tokens = api->rate_burst;
    t->refill_ms = api_now_ms();
    return t;
}

static void api_unauthorized(eng_api_t *api, struct evhttp_request *req, const char *why)
{
    api->stats.unauthorized++;
    evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                      "Bearer realm=\"savant\"");
    eng_http_error(req, 401, "token", why);
}

static void api_forbidden(eng_api_t *api, struct evhttp_request *req, unsigned scope)
{
    char msg[128];
    api->stats.forbidden++;
    snprintf(msg, sizeof(msg), "this token lacks the %s scope",
             scope & ENG_SCOPE_ADMIN ? "admin" : scope & ENG_SCOPE_BET ? "bet" : "read");
    eng_http_error(req, 403, "token", msg);
}

static void api_unavailable(eng_api_t *api, struct evhttp_request *req)
{
    api->stats.unavailable++;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "1");
    eng_http_error(req, 503, "", "the token store is unavailable; retry");
}

/* The caller is known: scope, rate limit, query and body, then the handler. */
static void api_run(eng_api_t *api, const api_route_t *route, eng_api_req_t *r, api_tok_t *t,
                    const eng_api_principal_t *who)
{
    struct evhttp_request *req = r->req;
    const char *q;

    if ((who->scopes & route->scope) != route->scope) {
        api_forbidden(api, req, route->scope);
        return;
    }
    if (t) { /* token bucket */
        int64_t now = api_now_ms();
        t->tokens += (double)(now - t->refill_ms) * api->rate_rps / 1000.0;
        if (t->tokens > api->rate_burst)
            t->tokens = api->rate_burst;
        t->refill_ms = now;
        if (t->tokens < 1.0) {
            char secs[32], msg[96];
            snprintf(secs, sizeof(secs), "%d", (int)ceil((1.0 - t->tokens) / api->rate_rps));
            snprintf(msg, sizeof(msg), "rate limit: %g requests/s, %g at once", api->rate_rps,
                     api->rate_burst);
            api->stats.rate_limited++;
            evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", secs);
            eng_http_error(req, 429, "", msg);
            return;
        }
        t->tokens -= 1.0;
    }
    r->who = who;
    TAILQ_INIT(&r->query);
    q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
    if (q && evhttp_parse_query_str(q, &r->query) != 0) {
        evhttp_clear_headers(&r->query);
        eng_http_error(req, 400, "query", "malformed query string");
        return;
    }
    r->body = NULL;
    if (route->method & (EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH)) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        size_t n = evbuffer_get_length(in);
        json_error_t je;
        if (n > 0) {
            r->body = json_loadb((const char *)evbuffer_pullup(in, -1), n, 0, &je);
            if (!r->body || !json_is_object(r->body)) {
                char msg[256];
                if (r->body)
                    snprintf(msg, sizeof(msg), "expected a JSON object");
                else
                    snprintf(msg, sizeof(msg), "invalid JSON at line %d column %d: %s", je.line,
                             je.column, je.text);
                json_decref(r->body);
                r->body = NULL;
                evhttp_clear_headers(&r->query);
                eng_http_error(req, 400, "body", msg);
                return;
            }
        }
    }
    route->fn(r, route->arg);
    json_decref(r->body);
    r->body = NULL;
    evhttp_clear_headers(&r->query);
}

static void api_wait_unlink(api_wait_t *w)
{
    w->prev->next = w->next;
    w->next->prev = w->prev;
}

/* The client of a waiting request went away. evhttp frees a request still attached to the
 * connection; one it detached (the client hung up before the answer) is ours to free. */
static void api_wait_closed(struct evhttp_connection *evcon, void *arg)
{
    api_wait_t *w = arg;
    UNUSED(evcon);
    if (w->req && !evhttp_request_get_connection(w->req))
        evhttp_request_free(w->req);
    w->req = NULL;
}

/* The synchronous part of authentication: token hashed into hash; with API_AUTH_KNOWN, *who is
 * the caller and *t its cache entry (NULL when the cache is full). */
static api_auth_now_t api_auth_now(eng_api_t *api, const char *token, char hash[ENG_TOKEN_HASH_STR],
                                   eng_api_principal_t *who, api_tok_t **t)
{
    api_tok_t *c;

    *t = NULL;
    hash[0] = '\0';
    if (!token[0] || strlen(token) > API_TOKEN_MAX)
        return API_AUTH_UNKNOWN;
    if (eng_token_hash(token, hash) != SV_OK)
        return API_AUTH_FAILED;
    if (api->bootstrap[0] &&
        CRYPTO_memcmp(hash, api->bootstrap_hash, ENG_TOKEN_HASH_STR - 1) == 0) {
        memset(who, 0, sizeof(*who));
        sv_strlcpy(who->email, "bootstrap", sizeof(who->email));
        sv_strlcpy(who->role, "admin", sizeof(who->role));
        who->scopes = ENG_SCOPE_ALL;
        sv_strlcpy(who->token_id, hash, sizeof(who->token_id));
        *t = api_tok_get(api, hash);
        return API_AUTH_KNOWN;
    }
    c = api_tok_find(api, hash);
    if (c && api_now_ms() - c->checked_ms < ENG_API_TOKEN_CACHE_MS) {
        api->stats.cache_hits++;
        if (!c->known)
            return API_AUTH_UNKNOWN;
        *who = c->p;
        *t = c;
        return API_AUTH_KNOWN;
    }
    return api->resolve ? API_AUTH_ASK : API_AUTH_UNKNOWN;
}

static void api_resolved(void *ctx, const eng_api_principal_t *p, sv_err_t rc)
{
    api_wait_t *w = ctx;
    eng_api_t *api = w->api;
    eng_api_principal_t who;
    api_tok_t *t = NULL;

    api_wait_unlink(w);
    if (rc == SV_OK) { /* remember the answer, whoever still waits for it */
        t = api_tok_get(api, w->hash);
        if (t) {
            t->known = p != NULL;
            if (p)
                t->p = *p;
            t->checked_ms = api_now_ms();
            sv_strlcpy(t->p.token_id, w->hash, sizeof(t->p.token_id));
        }
    }
    if (p) {
        who = *p;
        sv_strlcpy(who.token_id, w->hash, sizeof(who.token_id));
    }
    if (!w->route) { /* eng_api_authenticate() */
        if (w->done)
            w->done(w->ctx, rc == SV_OK && p ? &who : NULL, rc);
    } else if (w->req) {
        evhttp_connection_set_closecb(evhttp_request_get_connection(w->req), NULL, NULL);
        if (rc != SV_OK)
            api_unavailable(api, w->req);
        else if (!p)
            api_unauthorized(api, w->req, "invalid token");
        else
            api_run(api, w->route, &w->r, t, &who);
    }
    if (w->in_resolve)
        w->answered = true; /* the caller of api->resolve() frees it */
    else
        free(w);
}

/* Ask the resolver about w (filled by the caller, linked here). false when it answered at once
 * (w is then freed). */
static bool api_ask(eng_api_t *api, api_wait_t *w)
{
    w->api = api;
    w->next = api->waits.next;
    w->prev = &api->waits;
    api->waits.next->prev = w;
    api->waits.next = w;
    api->stats.lookups++;
    w->in_resolve = true;
    api->resolve(api->resolve_arg, w->hash, api_resolved, w);
    w->in_resolve = false;
    if (w->answered) {
        free(w);
        return false;
    }
    return true;
}

eng_api_auth_t *eng_api_authenticate(eng_api_t *api, const char *token, eng_api_resolved_fn *done,
                                     void *ctx)
{
    char hash[ENG_TOKEN_HASH_STR];
    eng_api_principal_t who;
    api_tok_t *t;
    api_wait_t *w;

    switch (api_auth_now(api, token, hash, &who, &t)) {
    case API_AUTH_KNOWN:
        done(ctx, &who, SV_OK);
        return NULL;
    case API_AUTH_UNKNOWN:
        done(ctx, NULL, SV_OK);
        return NULL;
    case API_AUTH_FAILED:
        done(ctx, NULL, SV_ERR_UNAVAILABLE);
        return NULL;
    case API_AUTH_ASK:
        break;
    }
    if (!(w = calloc(1, sizeof(*w)))) {
        done(ctx, NULL, SV_ERR_UNAVAILABLE);
        return NULL;
    }
    w->done = done;
    w->ctx = ctx;
    sv_strlcpy(w->hash, hash, sizeof(w->hash));
    return api_ask(api, w) ? w : NULL;
}

void eng_api_auth_cancel(eng_api_auth_t *a)
{
    a->done = NULL;
    a->ctx = NULL;
}

bool eng_api_auth_refuse(eng_api_t *api, struct evhttp_request *req, const eng_api_principal_t *p,
                         sv_err_t rc, unsigned scope)
{
    if (rc != SV_OK) {
        api_unavailable(api, req);
        return true;
    }
    if (!p) {
        api_unauthorized(api, req, "invalid token");
        return true;
    }
    if ((p->scopes & scope) != scope) {
        api_forbidden(api, req, scope);
        return true;
    }
    return false;
}

/* Every request under /api/v1/. */
static void api_on_request(struct evhttp_request *req, void *arg)
{
    eng_api_t *api = arg;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    unsigned method = (unsigned)evhttp_request_get_command(req), allow = 0;
    char copy[1024], *segs[API_SEGS_MAX], hash[ENG_TOKEN_HASH_STR];
    const char *auth;
    const api_route_t *route = NULL;
    eng_api_principal_t who;
    eng_api_req_t r;
    api_tok_t *t;
    api_wait_t *w;
    int n;

    api->stats.requests++;
    memset(&r, 0, sizeof(r));
    r.req = req;
    if (!api_cors(api, req) && method == EVHTTP_REQ_OPTIONS) {
        eng_http_error(req, 403, "Origin", "this origin may not call the API (api.cors_origins)");
        return;
    }
    if (method == EVHTTP_REQ_OPTIONS) { /* CORS preflight: no token needed */
        evhttp_send_reply(req, 204, "No Content", NULL);
        return;
    }
    if (!path || strlen(path) >= sizeof(copy) || strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0) {
        eng_http_error(req, 404, "path", "no such endpoint");
        return;
    }
    sv_strlcpy(copy, path + strlen(API_PREFIX), sizeof(copy));
    n = api_split(copy, segs);
    for (size_t i = 0; n > 0 && i < api->route_cnt; i++)
        if (api_match(&api->routes[i], segs, n, NULL)) {
            allow |= api->routes[i].method;
            if (api->routes[i].method == method ||
                (method == EVHTTP_REQ_HEAD && api->routes[i].method == EVHTTP_REQ_GET))
                route = &api->routes[i];
        }
    if (!allow) {
        char msg[1100];
        snprintf(msg, sizeof(msg), "no such endpoint: %s", path);
        eng_http_error(req, 404, "path", msg);
        return;
    }
    if (!route) {
        char list[128] = "", msg[200];
        for (size_t i = 0; i < SV_ARRAY_SIZE(api_methods); i++)
            if (allow & api_methods[i].bit)
                snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                         list[0] ? ", " : "", api_methods[i].name);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", list);
        snprintf(msg, sizeof(msg), "%s takes %s", path, list);
        eng_http_error(req, 405, "method", msg);
        return;
    }
    api_match(route, segs, n, &r);
    auth = eng_http_header(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
        api_unauthorized(api, req, "missing token (Authorization: Bearer TOKEN)");
        return;
    }
    switch (api_auth_now(api, auth + 7, hash, &who, &t)) {
    case API_AUTH_KNOWN:
        api_run(api, route, &r, t, &who);
        return;
    case API_AUTH_UNKNOWN:
        api_unauthorized(api, req, "invalid token");
        return;
    case API_AUTH_FAILED:
        api_unavailable(api, req);
        return;
    case API_AUTH_ASK:
        break;
    }
    if (!(w = calloc(1, sizeof(*w)))) {
        eng_http_error(req, 500, "", "out of memory");
        return;
    }
    w->req = req;
    w->route = route;
    w->r = r;
    sv_strlcpy(w->hash, hash, sizeof(w->hash));
    evhttp_connection_set_closecb(evhttp_request_get_connection(req), api_wait_closed, w);
    api_ask(api, w);
}

eng_api_t *eng_api_new(struct event_base *base, eng_http_t *http, const eng_api_conf_t *conf,
                       char *errstr, size_t errstr_size)
{
    eng_api_t *api = calloc(1, sizeof(*api));

    if (!api) {
        snprintf(errstr, errstr_size, "out of memory creating the API");
        return NULL;
    }
    api->base = base;
    api->http = http;
    api->waits.next = api->waits.prev = &api->waits;
    sv_strlcpy(api->bootstrap, conf->bootstrap_token ? conf->bootstrap_token : "",
               sizeof(api->bootstrap));
    if (eng_token_hash(api->bootstrap, api->bootstrap_hash) != SV_OK) {
        snprintf(errstr, errstr_size, "cannot hash api.bootstrap_token");
        free(api);
        return NULL;
    }
    api->rate_rps = conf->rate_rps > 0 ? conf->rate_rps : 20;
    api->rate_burst = conf->rate_burst > 0 ? (double)conf->rate_burst : 40;
    sv_strlcpy(api->cors, conf->cors_origins ? conf->cors_origins : "", sizeof(api->cors));
    eng_htab_init(&api->tok_ix);
    if (eng_http_route_methods(http, API_PREFIX,
                               EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                   EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS,
                               true, api_on_request, api) != SV_OK) {
        snprintf(errstr, errstr_size, "cannot route %s on the HTTP port", API_PREFIX);
        eng_api_free(api);
        return NULL;
    }
    return api;
}

void eng_api_free(eng_api_t *api)
{
    if (!api)
        return;
    while (api->waits.next != &api->waits) {
        api_wait_t *w = api->waits.next;
        api_wait_unlink(w);
        if (w->route && w->req) {
            evhttp_connection_set_closecb(evhttp_request_get_connection(w->req), NULL, NULL);
            eng_http_error(w->req, 503, "", "server shutting down");
        } else if (!w->route && w->done) {
            w->done(w->ctx, NULL, SV_ERR_UNAVAILABLE);
        }
        free(w); /* the resolver's owner was freed first and answered its lookups (api.h) */
    }
    for (size_t i = 0; i < api->route_cnt; i++) {
        free(api->routes[i].pattern);
        free(api->routes[i].copy);
    }
    free(api->routes);
    free(api->toks);
    eng_htab_release(&api->tok_ix);
    free(api);
}
