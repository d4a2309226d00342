/*
 * api — the REST API v1 layer on the engine's HTTP port (engine/http.h): a route table of
 * method + path pattern ("/api/v1/signals/{signal_id}") + the scope a route needs, in front of it
 * authentication (Authorization: Bearer TOKEN on every route), scopes (403), a per-token rate
 * limit (token bucket, 429 with Retry-After), CORS, JSON bodies, and the JSON errors of the whole
 * port ({"error":{"code","message","field"}}, eng_http_error()). docs/api.md describes it,
 * docs/openapi.yaml lists every route (test 0751 checks both ways).
 *
 * Tokens: a request's token is hashed (SHA-256, eng_token_hash()) and looked up — first the
 * configured api.bootstrap_token (an admin with every scope, compared in constant time), then the
 * resolver set with eng_api_set_resolver() (the PostgreSQL store's api_tokens table),
 * asynchronously; the request waits for the answer without blocking the loop. Resolved tokens are
 * cached for ENG_API_TOKEN_CACHE_MS (a revoked token stops working within that time). Other
 * endpoints of the port (the push endpoints, engine/push.h) authenticate through the same rules
 * and cache with eng_api_authenticate() and refuse like the REST routes with
 * eng_api_auth_refuse().
 *
 * Time: the rate limit and the token cache read the monotonic clock; nothing they decide enters
 * an event or a stored value. Everything runs on the loop thread of the event_base.
 */
#ifndef SV_ENG_API_H
#define SV_ENG_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "cfg.h"
#include "http.h"
#include "sv_err.h"

#define ENG_API_PARAMS_MAX 4          /* {name} segments one pattern may have */
#define ENG_API_PARAM_MAX 256         /* bytes of one path parameter value */
#define ENG_API_TOKEN_CACHE_MS 5000   /* how long a resolved token is trusted without a lookup */

/* Scopes: bits a token holds and a route needs. */
#define ENG_SCOPE_READ (1u << 0)  /* signals, events, markets, own bets and stats */
#define ENG_SCOPE_BET (1u << 1)   /* place and cancel own bets */
#define ENG_SCOPE_ADMIN (1u << 2) /* users and everybody's tokens */
#define ENG_SCOPE_ALL (ENG_SCOPE_READ | ENG_SCOPE_BET | ENG_SCOPE_ADMIN)

/* Who made a request. */
typedef struct eng_api_principal {
    int64_t user_id;    /* users.id (0: the bootstrap token) */
    char email[256];    /* the user's email */
    char role[16];      /* admin, user */
    unsigned scopes;    /* ENG_SCOPE_* */
    char token_id[17];  /* the first 16 hex digits of the token's hash (logs, rate limit) */
} eng_api_principal_t;

/* One authenticated request, as a handler sees it (valid until it answers). */
typedef struct eng_api_req {
    struct evhttp_request *req;                      /* answer it exactly once */
    const eng_api_principal_t *who;                  /* the caller */
    int param_cnt;                                   /* {name} values in params */
    char params[ENG_API_PARAMS_MAX][ENG_API_PARAM_MAX]; /* path parameters, percent-decoded */
    struct evkeyvalq query;                          /* query parameters, decoded */
    json_t *body;                                    /* the JSON body (POST, PUT), else NULL */
} eng_api_req_t;

typedef struct eng_api eng_api_t;

/** @brief Serves one request; must answer r->req (now or later, exactly once). */
typedef void(eng_api_handler_fn)(eng_api_req_t *r, void *arg);

/**
 * @brief Answers a token lookup: p is the principal, or NULL for an unknown or revoked token;
 *        rc SV_ERR_UNAVAILABLE when the store cannot say (the request gets 503).
 */
typedef void(eng_api_resolved_fn)(void *ctx, const eng_api_principal_t *p, sv_err_t rc);

/**
 * @brief Looks up the token whose SHA-256 is hash_hex (64 lower-case hex digits) and calls
 *        done(ctx, …) exactly once, now or later, on the loop.
 */
typedef void(eng_api_resolve_fn)(void *arg, const char *hash_hex, eng_api_resolved_fn *done,
                                 void *ctx);

/* Settings (config keys api.*). */
typedef struct eng_api_conf {
    const char *bootstrap_token; /* api.bootstrap_token ("" = none); copied */
    double rate_rps;             /* api.rate_limit_rps */
    int64_t rate_burst;          /* api.rate_limit_burst */
    const char *cors_origins;    /* api.cors_origins; copied */
} eng_api_conf_t;

/** @brief conf from the effective configuration (strings point into cfg). */
void eng_api_conf_from_cfg(eng_api_conf_t *conf, const cfg_t *cfg);

/**
 * @brief The REST layer on http: takes the prefix /api/v1/ (exact routes registered on http, such
 *        as the push endpoints, keep priority).
 * @returns the API, freed with eng_api_free(); NULL with errstr filled.
 */
eng_api_t *eng_api_new(struct event_base *base, eng_http_t *http, const eng_api_conf_t *conf,
                       char *errstr, size_t errstr_size);

/** @brief Where tokens other than the bootstrap token are looked up (NULL: nowhere). */
void eng_api_set_resolver(eng_api_t *api, eng_api_resolve_fn *fn, void *arg);

/**
 * @brief Route method (one EVHTTP_REQ_*) on pattern: "/api/v1/" followed by segments, a segment
 *        "{name}" matching any one non-empty segment. scope: the ENG_SCOPE_* bits the caller must
 *        hold (0: any authenticated caller).
 * @returns SV_OK; SV_ERR_EXISTS (same method and pattern); SV_ERR_INVALID (bad pattern);
 *          SV_ERR_NOMEM
 */
sv_err_t eng_api_route(eng_api_t *api, unsigned method, const char *pattern, unsigned scope,
                       eng_api_handler_fn *fn, void *arg);

/** @brief Route i (i < count): its method name ("GET", …) and pattern; false past the end. */
bool eng_api_route_at(const eng_api_t *api, size_t i, const char **method, const char **pattern);

/*
 * A request a handler answers later (after a database query): eng_api_hold() copies what the
 * answer needs and watches the connection; eng_api_held_req() gives the request back to be
 * answered at once, or NULL when the client went away meanwhile (evhttp freed it: answer
 * nothing); eng_api_held_free() afterwards.
 */
typedef struct eng_api_held eng_api_held_t;
eng_api_held_t *eng_api_hold(const eng_api_req_t *r);
eng_api_req_t *eng_api_held_req(eng_api_held_t *h);
void eng_api_held_free(eng_api_held_t *h);

/** @brief Answer r with status and the JSON value j (consumed). */
void eng_api_reply(eng_api_req_t *r, int status, json_t *j);

/*
 * Authentication for the port's other endpoints (push): the same rules, cache and counters as the
 * REST routes, without a route (no rate limit). A lookup in flight is an eng_api_auth_t.
 */
typedef struct eng_api_auth eng_api_auth_t;

/**
 * @brief Authenticate a bearer token as the REST routes do: the bootstrap token (constant-time
 *        compare), else a cached answer younger than ENG_API_TOKEN_CACHE_MS, else the resolver
 *        (asynchronous). done(ctx, p, rc) is called exactly once unless cancelled first: p the
 *        principal (borrowed, valid until done returns), NULL for an unknown or revoked token
 *        (or no resolver, or token "" or too long); rc SV_ERR_UNAVAILABLE when the store cannot
 *        say (or eng_api_free() came first).
 * @param token borrowed for the call (only its hash is kept).
 * @returns NULL when done has already been called (before this returns); else the lookup in
 *          flight, valid until done is called or eng_api_auth_cancel().
 * @locality main loop
 */
eng_api_auth_t *eng_api_authenticate(eng_api_t *api, const char *token, eng_api_resolved_fn *done,
                                     void *ctx);

/**
 * @brief Give up a lookup in flight (its client went away): done will never be called; the
 *        answer, when it comes, still fills the cache.
 * @locality main loop, not from inside its done
 */
void eng_api_auth_cancel(eng_api_auth_t *a);

/**
 * @brief Refuse req as the REST routes refuse a caller, given eng_api_authenticate()'s answer:
 *        rc != SV_OK: 503 with Retry-After: 1; p NULL: 401 "invalid token" with WWW-Authenticate;
 *        p without every bit of scope: 403. Counted in eng_api_stats().
 * @returns true when req was answered (refused); false when p holds scope (req untouched).
 * @locality main loop
 */
bool eng_api_auth_refuse(eng_api_t *api, struct evhttp_request *req, const eng_api_principal_t *p,
                         sv_err_t rc, unsigned scope);

/** @brief Counters: requests, unauthorized, forbidden, rate limited, lookups, cache hits. */
typedef struct eng_api_stats {
    uint64_t requests, unauthorized, forbidden, rate_limited, lookups, cache_hits, unavailable;
} eng_api_stats_t;
void eng_api_stats(const eng_api_t *api, eng_api_stats_t *st);

/**
 * @brief Free the API; requests still waiting for a token lookup are answered 503, and
 *        eng_api_authenticate() lookups not cancelled get done(ctx, NULL, SV_ERR_UNAVAILABLE).
 *        Free the resolver's owner first: it must answer (or drop, never later answer) its
 *        pending lookups before this. NULL is fine.
 */
void eng_api_free(eng_api_t *api);

#endif
