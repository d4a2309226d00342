/*
 * push — live score and signal updates for subscribers on the engine's HTTP port: a WebSocket
 * endpoint (/api/v1/stream, RFC 6455, framing by wslay) and a Server-Sent Events endpoint
 * (/api/v1/stream/sse). docs/push.md is the protocol a client sees.
 *
 * A subscriber authenticates with a token — the REST API's rules, through eng_api_authenticate():
 * the bootstrap token or a token of the store, with the read scope; while the store looks it up
 * the request waits without blocking the loop — chooses a filter (sports, event, market, minimum
 * tier, kinds), gets a snapshot of the matching items, then every change as JSON. The engine
 * hands each changed item to eng_push_publish() once per loop turn and calls eng_push_flush()
 * after the last one. publish renders the item once into a reference-counted message; each
 * matching subscriber's queue holds a reference, keyed by (kind, key): a newer update of a key
 * already queued replaces the older one in place (conflation). flush writes queued messages
 * while the subscriber's socket has fewer than push.out_max_bytes unsent; the rest waits for the
 * socket to drain. A subscriber with more than push.queue_max distinct keys waiting, or whose
 * socket stays above push.out_max_bytes for push.idle_s, is disconnected with a reason; nothing
 * here blocks the loop or grows without bound. Keepalive: WebSocket pings (and an idle timeout)
 * and SSE comment lines every push.ping_s.
 *
 * ENG_ITEM_MARKET items are pushed too, but only to subscribers that ask for kind "markets"
 * (the default kinds are signals and scores). Withdrawn signals are pushed as updates (they pass
 * a min_tier filter, so a subscriber learns that a signal it holds is gone) and left out of
 * snapshots.
 *
 * Everything here runs on the loop thread of the event_base given to eng_push_new().
 */
#ifndef SV_ENG_PUSH_H
#define SV_ENG_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "api.h"
#include "cfg.h"
#include "http.h"
#include "item.h"
#include "sv_err.h"
#include "wire.h"

#define ENG_PUSH_PATH_WS "/api/v1/stream"      /* WebSocket endpoint */
#define ENG_PUSH_PATH_SSE "/api/v1/stream/sse" /* Server-Sent Events endpoint */
#define ENG_PUSH_SPORTS_MAX 32                 /* sports one filter may list */
#define ENG_PUSH_MSG_MAX 16384                 /* bytes of a message a client may send */

/* What a subscriber wants; an empty field matches everything. */
typedef struct eng_push_filter {
    unsigned kinds;                                     /* bit (1u << eng_item_kind_t) per kind */
    size_t sport_cnt;                                   /* 0: any sport */
    char sports[ENG_PUSH_SPORTS_MAX][WIRE_TOKEN_MAX + 1]; /* sport tokens */
    char event_id[WIRE_ID_MAX + 1];                     /* "": any game */
    char market[WIRE_TOKEN_MAX + 1];                    /* "": any market */
    bool has_min_tier;                                  /* min_tier is set */
    wire_tier_t min_tier;                               /* this tier or better */
} eng_push_filter_t;

/* Settings (config keys push.*). */
typedef struct eng_push_conf {
    size_t queue_max;       /* distinct keys one subscriber may have waiting */
    size_t out_max_bytes;   /* unsent bytes on one socket beyond which nothing more is written */
    int ping_s;             /* seconds between keepalive pings */
    int idle_s;             /* WebSocket: seconds without a frame before "idle timeout" */
    size_t max_subscribers; /* subscribers at once; more get 503 */
} eng_push_conf_t;

/* Counters since eng_push_new() (gauges: now). */
typedef struct eng_push_stats {
    size_t subscribers;              /* gauge: connected (WebSocket + SSE), closing ones included */
    size_t ws, sse;                  /* gauge: of which WebSocket, SSE */
    size_t queued;                   /* gauge: updates waiting in all queues */
    size_t waiting;                  /* gauge: subscribers waiting for their token's lookup */
    uint64_t accepted;               /* subscriptions accepted */
    uint64_t refused;                /* refused: 400, 401, 403, 426, 503 */
    uint64_t gone_waiting;           /* clients gone while their token was looked up */
    uint64_t subscribes;             /* WebSocket subscribe messages applied */
    uint64_t published;              /* items given to eng_push_publish() that matched someone */
    uint64_t sent;                   /* update messages written to subscribers (sum) */
    uint64_t snapshot_items;         /* snapshot messages written to subscribers (sum) */
    uint64_t conflated;              /* queued updates replaced by a newer one of their key */
    uint64_t dropped;                /* queued updates lost when their subscriber left */
    uint64_t disconnected_slow;      /* subscribers disconnected as slow consumers */
    uint64_t disconnected_idle;      /* WebSocket subscribers closed for idle timeout */
    uint64_t closed;                 /* subscribers gone otherwise (client close, errors) */
} eng_push_stats_t;

typedef struct eng_push eng_push_t;

/** @brief Fill conf from the effective configuration. */
void eng_push_conf_from_cfg(eng_push_conf_t *conf, const cfg_t *cfg);

/**
 * @brief Start serving subscribers: registers ENG_PUSH_PATH_WS and ENG_PUSH_PATH_SSE on http.
 * @param api authenticates subscribers (eng_api_authenticate(); scope ENG_SCOPE_READ needed);
 *        borrowed, must outlive push (free push first: it cancels its lookups); NULL refuses
 *        everyone.
 * @param conf copied.
 * @param snapshot_iter walks the engine's current items for a new subscriber's snapshot;
 *        called synchronously with arg.
 * @returns the push server, freed with eng_push_free(); NULL with errstr filled.
 * @locality main loop
 */
eng_push_t *eng_push_new(struct event_base *base, eng_http_t *http, eng_api_t *api,
                         const eng_push_conf_t *conf, eng_item_iter_fn *snapshot_iter, void *arg,
                         char *errstr, size_t errstr_size);

/**
 * @brief Queue one changed item for every subscriber whose filter it matches (conflated by
 *        kind and key). Cheap when nobody matches: nothing is rendered.
 * @param it borrowed for the call.
 * @locality main loop
 */
void eng_push_publish(eng_push_t *push, const eng_item_t *it);

/**
 * @brief Write what is queued, up to each subscriber's push.out_max_bytes of unsent data. The
 *        engine calls it once per loop turn after its publishes.
 * @locality main loop
 */
void eng_push_flush(eng_push_t *push);

/** @brief The counters. @locality main loop */
void eng_push_stats(const eng_push_t *push, eng_push_stats_t *st);

/**
 * @brief Close every subscriber (WebSocket: close 1001 "server shutting down", written without
 *        waiting; SSE: the stream is ended), answer those still waiting for their token's lookup
 *        503 (the lookups are cancelled) and free. Call it before or after eng_http_free();
 *        accepts NULL.
 * @locality main loop (not from inside a push or http callback)
 */
void eng_push_free(eng_push_t *push);

/** @brief The default filter: kinds signals and scores, every sport, game, market and tier. */
void eng_push_filter_init(eng_push_filter_t *f);

/**
 * @brief Whether an item passes the filter: its kind is wanted; its sport is listed (when
 *        sports are); same event_id and market (when set); with min_tier, it has a tier at least
 *        that good — except a withdrawn signal, which always passes min_tier.
 * @locality any
 */
bool eng_push_filter_match(const eng_push_filter_t *f, const eng_item_t *it);

/**
 * @brief Parse a WebSocket subscribe message, e.g. {"op":"subscribe","sports":["nba"],
 *        "event_id":"…","market":"spreads","min_tier":"EDGE_LEAN","kinds":["signals"]}, into f
 *        (fields left out take the defaults of eng_push_filter_init()).
 * @returns SV_OK; SV_ERR_INVALID with err naming the field ("op", "sports[1]", …) and why. On
 *          error f is unchanged.
 * @locality any
 */
sv_err_t eng_push_filter_from_json(eng_push_filter_t *f, const char *text, size_t len,
                                   wire_err_t *err);

/**
 * @brief Parse a query string ("token=…&sports=nba,nfl&kinds=signals&min_tier=GOLD_STAR",
 *        percent-decoded) into f and the token (token[0] = '\0' when absent). Unknown parameters
 *        are errors.
 * @param query borrowed; NULL or "" gives the defaults.
 * @returns SV_OK; SV_ERR_INVALID with err naming the parameter. On error f is unchanged.
 * @locality any
 */
sv_err_t eng_push_filter_from_query(eng_push_filter_t *f, const char *query, char *token,
                                    size_t token_size, wire_err_t *err);

#endif
