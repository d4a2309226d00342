/*
 * 0750–0759: the REST layer (engine/api.h) and the live routes (engine/api_live.h), in process,
 * with libevent's HTTP client on the same loop: authentication (bootstrap token, an asynchronous
 * resolver, its cache, 503 when it cannot say), scopes, the rate limit, 404/405, JSON bodies,
 * CORS, and the live routes' exact bodies. 0751: every route the engine registers is in
 * docs/openapi.yaml and every /api/v1 route there is registered.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include "api.h"
#include "api_live.h"
#include "api_tokens.h"
#include "api_users.h"
#include "api_bets.h"
#include "harness.h"
#include "http.h"
#include "publish.h"

#define T_BOOT "boot-secret-0750"

/* One response. */
typedef struct t_resp {
    int status;
    char body[8192];
    char allow[128], retry[32], acao[128], www[128];
    bool done;
} t_resp_t;

static void t_on_resp(struct evhttp_request *req, void *arg)
{
    t_resp_t *r = arg;
    r->done = true;
    if (!req)
        return;
    struct evkeyvalq *h = evhttp_request_get_input_headers(req);
    struct evbuffer *b = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(b);
    const char *v;
    r->status = evhttp_request_get_response_code(req);
    if (n >= sizeof(r->body))
        n = sizeof(r->body) - 1;
    evbuffer_remove(b, r->body, n);
    r->body[n] = '\0';
    if ((v = evhttp_find_header(h, "Allow")))
        snprintf(r->allow, sizeof(r->allow), "%s", v);
    if ((v = evhttp_find_header(h, "Retry-After")))
        snprintf(r->retry, sizeof(r->retry), "%s", v);
    if ((v = evhttp_find_header(h, "Access-Control-Allow-Origin")))
        snprintf(r->acao, sizeof(r->acao), "%s", v);
    if ((v = evhttp_find_header(h, "WWW-Authenticate")))
        snprintf(r->www, sizeof(r->www), "%s", v);
}

/* A request on base to 127.0.0.1:port; runs the loop until the answer (status 0: none). */
static void t_req(struct event_base *base, int port, enum evhttp_cmd_type m, const char *path,
                  const char *token, const char *origin, const char *body, t_resp_t *r)
{
    struct evhttp_connection *c = evhttp_connection_base_new(base, NULL, "127.0.0.1", (uint16_t)port);
    struct evhttp_request *req = evhttp_request_new(t_on_resp, r);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    char auth[256];

    memset(r, 0, sizeof(*r));
    evhttp_add_header(h, "Host", "127.0.0.1");
    if (token) {
        snprintf(auth, sizeof(auth), "Bearer %s", token);
        evhttp_add_header(h, "Authorization", auth);
    }
    if (origin)
        evhttp_add_header(h, "Origin", origin);
    if (body)
        evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
    evhttp_make_request(c, req, m, path);
    while (!r->done)
        event_base_loop(base, EVLOOP_ONCE);
    evhttp_connection_free(c);
}

/* The test resolver: answers on the next loop turn. */
typedef struct t_lookup {
    struct event_base *base;
    char hash[65];
    eng_api_resolved_fn *done;
    void *ctx;
    int calls;
} t_lookup_t;

static void t_hash(const char *tok, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    unsigned int len = 32;
    EVP_Digest(tok, strlen(tok), md, &len, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

static void t_answer(evutil_socket_t fd, short what, void *arg)
{
    t_lookup_t *l = arg;
    char user[65], down[65];
    eng_api_principal_t p;
    (void)fd;
    (void)what;
    t_hash("user-tok", user);
    t_hash("down-tok", down);
    memset(&p, 0, sizeof(p));
    if (strcmp(l->hash, user) == 0) {
        p.user_id = 7;
        snprintf(p.email, sizeof(p.email), "ann@example.com");
        snprintf(p.role, sizeof(p.role), "user");
        p.scopes = ENG_SCOPE_READ;
        l->done(l->ctx, &p, SV_OK);
    } else if (strcmp(l->hash, down) == 0) {
        l->done(l->ctx, NULL, SV_ERR_UNAVAILABLE);
    } else {
        l->done(l->ctx, NULL, SV_OK);
    }
}

static void t_resolve(void *arg, const char *hash_hex, eng_api_resolved_fn *done, void *ctx)
{
    t_lookup_t *l = arg;
    struct timeval now = {0, 0};
    l->calls++;
    snprintf(l->hash, sizeof(l->hash), "%s", hash_hex);
    l->done = done;
    l->ctx = ctx;
    event_base_once(l->base, -1, EV_TIMEOUT, t_answer, l, &now);
}

static void t_admin_only(eng_api_req_t *r, void *arg)
{
    (void)arg;
    eng_api_reply(r, 200, json_pack("{s:b}", "ok", 1));
}

static void t_echo(eng_api_req_t *r, void *arg)
{
    (void)arg;
    eng_api_reply(r, 201, json_pack("{s:O*,s:s}", "got", r->body, "id", r->params[0]));
}

/* A signal item in pub: nba, GOLD_STAR, final 7.9, event tv25. */
static void t_signal(eng_pub_t *pub)
{
    wire_signal_t *sig = calloc(1, sizeof(*sig));
    sig->v = 1;
    sig->ts = 1771100000050;
    snprintf(sig->signal_id, sizeof(sig->signal_id), "216a20c9c27a");
    sig->rev = 2;
    sig->state = WIRE_SIG_UPDATE;
    snprintf(sig->cand.event_id, sizeof(sig->cand.event_id), "tv25");
    snprintf(sig->cand.market, sizeof(sig->cand.market), "spreads");
    snprintf(sig->cand.side, sizeof(sig->cand.side), "Los Angeles Lakers");
    sig->cand.point = -5.5;
    sig->cand.present = WIRE_CAND_HAS_POINT;
    snprintf(sig->book, sizeof(sig->book), "alpha");
    sig->price = -105;
    sig->p_fair = 0.5;
    sig->p_model = 0.5;
    sig->edge = -0.02;
    sig->scores.final = 7.9;
    sig->tier = WIRE_TIER_GOLD_STAR;
    sig->confluence = WIRE_CONF_STRONG;
    snprintf(sig->model, sizeof(sig->model), "none");
    eng_pub_signal(pub, 0, NULL, sig);
    free(sig);
}

int test_0750_api(void);
int test_0750_api(void)
{
    struct event_base *base = event_base_new();
    eng_http_t *http = NULL;
    eng_api_t *api = NULL;
    eng_state_t *st = NULL;
    eng_cands_t *cands = NULL;
    eng_pub_t *pub = NULL;
    eng_market_conf_t mconf;
    eng_score_conf_t sconf;
    eng_api_conf_t conf = {T_BOOT, 1000.0, 1000, "https://a.example"};
    eng_api_stats_t stats;
    t_lookup_t look = {0};
    t_resp_t r;
    char err[256], want[512], boot_hash[65];
    int port;
    T_BEGIN;
    look.base = base;
    eng_market_conf_defaults(&mconf);
    T_ASSERT((st = eng_state_new(&mconf, err, sizeof(err))));
    eng_score_conf_init(&sconf);
    T_ASSERT((cands = eng_cands_new(&sconf)));
    T_ASSERT((pub = eng_pub_new(st, cands)));
    T_ASSERT((http = eng_http_new(base, "127.0.0.1:0", err, sizeof(err))));
    port = eng_http_port(http);
    T_ASSERT((api = eng_api_new(base, http, &conf, err, sizeof(err))));
    eng_api_set_resolver(api, t_resolve, &look);
    T_ASSERT_INT(eng_api_live_register(api, pub), ==, SV_OK);
    T_ASSERT_INT(eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/admin/x", ENG_SCOPE_ADMIN,
                               t_admin_only, NULL), ==, SV_OK);
    T_ASSERT_INT(eng_api_route(api, EVHTTP_REQ_POST, "/api/v1/things/{id}", 0, t_echo, NULL), ==,
                 SV_OK);
    T_ASSERT_INT(eng_api_route(api, EVHTTP_REQ_POST, "/api/v1/things/{id}", 0, t_echo, NULL), ==,
                 SV_ERR_EXISTS);
    T_ASSERT_INT(eng_api_route(api, EVHTTP_REQ_GET, "/v2/x", 0, t_echo, NULL), ==, SV_ERR_INVALID);
    t_signal(pub);

    /* no token */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", NULL, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 401);
    T_ASSERT_STR(r.body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"missing token "
                         "(Authorization: Bearer TOKEN)\",\"field\":\"token\"}}\n");
    T_ASSERT_STR(r.www, "Bearer realm=\"savant\"");
    /* the bootstrap token: an admin with every scope */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    t_hash(T_BOOT, boot_hash);
    boot_hash[16] = '\0';
    snprintf(want, sizeof(want), "{\"user_id\":0,\"email\":\"bootstrap\",\"role\":\"admin\","
                                 "\"scopes\":[\"read\",\"bet\",\"admin\"],\"token_id\":\"%s\"}\n",
             boot_hash);
    T_ASSERT_STR(r.body, want);
    T_ASSERT_INT(look.calls, ==, 0);
    /* a user token through the resolver (asynchronous), then from the cache */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", "user-tok", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    T_ASSERT_CONTAINS(r.body, "\"user_id\":7,\"email\":\"ann@example.com\",\"role\":\"user\","
                              "\"scopes\":[\"read\"]");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/signals/216a20c9c27a", "user-tok", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    T_ASSERT_INT(look.calls, ==, 1);
    T_ASSERT_CONTAINS(r.body, "\"signal_id\":\"216a20c9c27a\",\"rev\":2,\"state\":\"update\"");
    /* unknown token, a store that cannot say */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", "who-knows", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 401);
    T_ASSERT_STR(r.body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\","
                         "\"field\":\"token\"}}\n");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", "down-tok", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 503);
    T_ASSERT_STR(r.retry, "1");
    T_ASSERT_CONTAINS(r.body, "\"code\":\"unavailable\"");
    /* scopes */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/admin/x", "user-tok", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 403);
    T_ASSERT_STR(r.body, "{\"error\":{\"code\":\"forbidden\",\"message\":\"this token lacks the "
                         "admin scope\",\"field\":\"token\"}}\n");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", "user-tok", NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    /* 404, 405 */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/nothing", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 404);
    T_ASSERT_STR(r.body, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint: "
                         "/api/v1/nothing\",\"field\":\"path\"}}\n");
    t_req(base, port, EVHTTP_REQ_DELETE, "/api/v1/signals", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 405);
    T_ASSERT_STR(r.allow, "GET");
    /* JSON bodies and path parameters */
    t_req(base, port, EVHTTP_REQ_POST, "/api/v1/things/a%20b", T_BOOT, NULL, "{\"x\":[1,2]}", &r);
    T_ASSERT_INT(r.status, ==, 201);
    T_ASSERT_STR(r.body, "{\"got\":{\"x\":[1,2]},\"id\":\"a b\"}\n");
    t_req(base, port, EVHTTP_REQ_POST, "/api/v1/things/a", T_BOOT, NULL, "{\"x\":", &r);
    T_ASSERT_INT(r.status, ==, 400);
    T_ASSERT_CONTAINS(r.body, "\"code\":\"bad_request\",\"message\":\"invalid JSON at line 1");
    T_ASSERT_CONTAINS(r.body, "\"field\":\"body\"}}");
    /* CORS */
    t_req(base, port, EVHTTP_REQ_OPTIONS, "/api/v1/signals", NULL, "https://a.example", NULL, &r);
    T_ASSERT_INT(r.status, ==, 204);
    T_ASSERT_STR(r.acao, "https://a.example");
    t_req(base, port, EVHTTP_REQ_OPTIONS, "/api/v1/signals", NULL, "https://evil.example", NULL, &r);
    T_ASSERT_INT(r.status, ==, 403);
    T_ASSERT_STR(r.acao, "");
    /* the live routes */
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/signals?sport=&min_tier=GOLD_STAR", T_BOOT, NULL,
          NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    T_ASSERT(strncmp(r.body, "{\"count\":1,\"signals\":[{\"v\":1,\"ts\":1771100000050,", 48) == 0);
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/signals?min_tier=TITANIUM_SMASH", T_BOOT, NULL, NULL,
          &r);
    T_ASSERT_STR(r.body, "{\"count\":0,\"signals\":[]}");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/signals?limit=0", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 400);
    T_ASSERT_CONTAINS(r.body, "\"field\":\"limit\"");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/signals/nope", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 404);
    T_ASSERT_CONTAINS(r.body, "\"field\":\"signal_id\"");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/events", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    T_ASSERT_STR(r.body, "{\"count\":1,\"events\":[{\"event_id\":\"tv25\",\"sport\":\"\","
                         "\"markets\":0,\"scores\":0,\"live_signals\":1,\"done\":false}]}\n");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/events?sport=nba", T_BOOT, NULL, NULL, &r);
    T_ASSERT_STR(r.body, "{\"count\":0,\"events\":[]}\n");
    t_req(base, port, EVHTTP_REQ_GET, "/api/v1/events/tv25", T_BOOT, NULL, NULL, &r);
    T_ASSERT_INT(r.status, ==, 200);
    T_ASSERT(strncmp(r.body, "{\"event_id\":\"tv25\",\"scores\":[],\"markets\":[],\"signals\":"
                             "[{\"v\":1,", 62) == 0);
    eng_api_stats(api, &stats);
    T_ASSERT_INT(stats.lookups, ==, 3);
    T_ASSERT_INT(stats.cache_hits, ==, 3);
    T_ASSERT_INT(stats.rate_limited, ==, 0);
    T_ASSERT_INT(stats.forbidden, ==, 1);
    eng_api_free(api);
    api = NULL;
    eng_http_free(http);
    http = NULL;

    /* the rate limit: burst 3, 1/s per token (a 403 or 404 spends nothing): 3 pass, the 4th
     * within the second does not, another token is not affected */
    {
        eng_api_conf_t small = {T_BOOT, 1.0, 3, ""};
        T_ASSERT((http = eng_http_new(base, "127.0.0.1:0", err, sizeof(err))));
        port = eng_http_port(http);
        T_ASSERT((api = eng_api_new(base, http, &small, err, sizeof(err))));
        eng_api_set_resolver(api, t_resolve, &look);
        T_ASSERT_INT(eng_api_live_register(api, pub), ==, SV_OK);
        for (int i = 0; i < 3; i++) {
            t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", T_BOOT, NULL, NULL, &r);
            T_ASSERT_INT(r.status, ==, 200);
            t_req(base, port, EVHTTP_REQ_GET, "/api/v1/nothing", T_BOOT, NULL, NULL, &r);
            T_ASSERT_INT(r.status, ==, 404);
        }
        t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", T_BOOT, NULL, NULL, &r);
        T_ASSERT_INT(r.status, ==, 429);
        T_ASSERT_STR(r.retry, "1");
        T_ASSERT_STR(r.body, "{\"error\":{\"code\":\"rate_limited\",\"message\":\"rate limit: "
                             "1 requests/s, 3 at once\",\"field\":\"\"}}\n");
        t_req(base, port, EVHTTP_REQ_GET, "/api/v1/me", "user-tok", NULL, NULL, &r);
        T_ASSERT_INT(r.status, ==, 200);
        eng_api_stats(api, &stats);
        T_ASSERT_INT(stats.rate_limited, ==, 1);
    }
end:
    eng_api_free(api);
    eng_http_free(http);
    eng_pub_free(pub);
    eng_cands_free(cands);
    eng_state_free(st);
    if (base)
        event_base_free(base);
    return t_rc_;
}

/* docs/openapi.yaml lists every route the engine registers, and registers every /api/v1 route it
 * lists (the push endpoints are the HTTP port's own, outside the REST table). */
int test_0751_openapi_routes(void);
int test_0751_openapi_routes(void)
{
    struct event_base *base = event_base_new();
    eng_http_t *http = NULL;
    eng_api_t *api = NULL;
    eng_api_conf_t conf = {"", 1.0, 1, ""};
    FILE *fp = NULL;
    char line[512], path[256] = "", err[256], have[64][300];
    int nhave = 0;
    const char *m, *p;
    T_BEGIN;
    T_ASSERT((http = eng_http_new(base, "127.0.0.1:0", err, sizeof(err))));
    T_ASSERT((api = eng_api_new(base, http, &conf, err, sizeof(err))));
    T_ASSERT_INT(eng_api_live_register(api, NULL), ==, SV_OK);
    T_ASSERT_INT(eng_api_tokens_register(api, NULL), ==, SV_OK);
    T_ASSERT_INT(eng_api_users_register(api, NULL), ==, SV_OK);
    T_ASSERT_INT(eng_api_bets_register(api, NULL), ==, SV_OK);
    T_ASSERT((fp = fopen(t_path("docs/openapi.yaml"), "r")));
    while (fgets(line, sizeof(line), fp)) {
        char meth[16];
        if (strncmp(line, "  /", 3) == 0) { /* a path */
            if (sscanf(line + 2, "%255[^:]:", path) != 1)
                path[0] = '\0';
            continue;
        }
        if (line[0] != ' ' && line[0] != '\n')
            path[0] = '\0'; /* a new top-level key: out of paths */
        if (strncmp(line, "    ", 4) != 0 || line[4] == ' ' ||
            sscanf(line + 4, "%15[a-z]:", meth) != 1 || !path[0] ||
            strncmp(path, "/api/v1/", 8) != 0 || strncmp(path, "/api/v1/stream", 14) == 0)
            continue;
        if (strcmp(meth, "get") && strcmp(meth, "post") && strcmp(meth, "put") &&
            strcmp(meth, "delete") && strcmp(meth, "patch"))
            continue;
        for (char *c = meth; *c; c++)
            *c = (char)(*c - 'a' + 'A');
        T_ASSERT(nhave < 64);
        snprintf(have[nhave++], sizeof(have[0]), "%s %s", meth, path);
    }
    for (size_t i = 0; eng_api_route_at(api, i, &m, &p); i++) {
        char want[300];
        int k;
        snprintf(want, sizeof(want), "%s %s", m, p);
        for (k = 0; k < nhave && strcmp(have[k], want) != 0; k++)
            ;
        if (k == nhave)
            T_FAILF("route %s is not in docs/openapi.yaml", want);
    }
    for (int k = 0; k < nhave; k++) {
        bool found = false;
        for (size_t i = 0; eng_api_route_at(api, i, &m, &p); i++) {
            char want[300];
            snprintf(want, sizeof(want), "%s %s", m, p);
            found |= strcmp(have[k], want) == 0;
        }
        if (!found)
            T_FAILF("docs/openapi.yaml lists %s, which the engine does not serve", have[k]);
    }
    T_ASSERT_INT(nhave, >=, 4);
end:
    if (fp)
        fclose(fp);
    eng_api_free(api);
    eng_http_free(http);
    if (base)
        event_base_free(base);
    return t_rc_;
}
