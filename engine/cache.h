/*
 * cache — the engine's Redis cache: the latest state of every candidate score, market and signal
 * under the key layout of docs/redis.md, a sorted set of live signals per sport, an index of the
 * keys of each game, and a pub/sub channel per sport for fan-out across API processes.
 *
 * The cache talks to Redis through hiredis' asynchronous API on the engine's event_base and never
 * blocks the loop: host names are resolved with evdns, connecting is non-blocking with a timeout,
 * and no call waits for a reply. eng_cache_put() stages the items of one loop turn;
 * eng_cache_flush() turns them into commands that go out together as one pipeline (nothing waits
 * for a reply before the next command is sent).
 *
 * Redis down (a failed or timed-out connect, a lost connection, a refused AUTH/SELECT/PING) or
 * behind (more than pending_max commands awaiting replies): the engine keeps going, items are
 * dropped and counted (never buffered without bound), the failure is counted and logged once per
 * change of state, and the cache reconnects with a backoff (100 ms doubling to backoff_max_ms).
 * Once connected again (or caught up), it rewrites the whole current state, walked through the
 * engine's eng_item_iter_fn, before it resumes normal writes; the rewrite leaves every key of
 * every item the engine holds as the engine holds it (docs/redis.md, "Outages").
 *
 * Ownership: items are borrowed (copied by eng_cache_put()); conf strings are copied.
 */
#ifndef SV_ENG_CACHE_H
#define SV_ENG_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "sv_err.h"

struct event_base;

#define ENG_CACHE_CONNECT_TIMEOUT_MS 2000 /* default of conf.connect_timeout_ms */

/* What the engine configures (config keys redis.*). */
typedef struct eng_cache_conf {
    const char *url;            /* redis.url: redis://[[user]:password@]host[:port][/db] or
                                 * host[:port] (eng_cache_url_parse()) */
    const char *prefix;         /* redis.prefix: of every key and channel, e.g. "savant:" ("" ok) */
    int64_t ttl_final_s;        /* redis.ttl_final_s: TTL of the keys of a finished game, >= 1 */
    int64_t backoff_max_ms;     /* redis.backoff_max_ms: reconnect waits double from 100 ms up
                                 * to this, >= 100 */
    int64_t pending_max;        /* redis.pending_max: commands awaiting replies beyond which the
                                 * items of a turn are dropped (and a rewrite follows), >= 1 */
    int64_t connect_timeout_ms; /* resolving + connecting + AUTH/SELECT, at most this long;
                                 * 0 = ENG_CACHE_CONNECT_TIMEOUT_MS */
} eng_cache_conf_t;

/* A parsed redis.url. */
typedef struct eng_cache_url {
    char host[256];     /* name or address (IPv6 without its brackets) */
    int port;           /* 1..65535 (default 6379) */
    int db;             /* database number, >= 0 (default 0) */
    char user[128];     /* ACL user ("" = none: AUTH password) */
    char password[256]; /* "" = no AUTH; percent-decoded like user */
} eng_cache_url_t;

/* Counters since eng_cache_new(); read with eng_cache_stats(). */
typedef struct eng_cache_stats {
    bool connected;         /* connected and AUTH/SELECT/PING answered */
    bool behind;            /* more than pending_max commands await replies */
    uint64_t puts;          /* items handed to eng_cache_put() */
    uint64_t written;       /* items sent by eng_cache_flush() */
    uint64_t dropped;       /* items not sent (down, behind, or a rewrite due; a rewrite covers
                             * them) */
    uint64_t pipelines;     /* flushes that sent at least one command */
    uint64_t commands;      /* commands sent, rewrites included */
    uint64_t pending;       /* commands awaiting replies */
    uint64_t errors;        /* failed connects (timeouts included), lost connections, refused
                             * AUTH/SELECT/PING, error replies, out of memory */
    uint64_t connects;      /* connections that completed AUTH/SELECT/PING */
    uint64_t reconnects;    /* connection attempts after the first */
    uint64_t rewrites;      /* full rewrites sent */
    uint64_t rewrite_items; /* items sent by rewrites */
} eng_cache_stats_t;

typedef struct eng_cache eng_cache_t;

/**
 * @brief Parse a redis.url: `redis://[[user]:password@]host[:port][/db]` (user and password
 *        percent-decoded; host a name, an IPv4 address or a bracketed IPv6 one) or plain
 *        `host[:port]`.
 * @param errstr filled on error with the key name and the reason (never the password)
 * @returns SV_OK, or SV_ERR_CONFIG (rediss:// and other schemes, empty host, port outside
 *          1..65535, bad db, query strings, over-long parts).
 * @locality any thread
 */
sv_err_t eng_cache_url_parse(const char *url, eng_cache_url_t *u, char *errstr,
                             size_t errstr_size);

/**
 * @brief A new cache on base. It starts connecting at the loop's next turn and does no network
 *        I/O here (a host name makes it read /etc/resolv.conf and /etc/hosts once); until it is
 *        connected, puts are dropped and counted, and the first connection rewrites the whole
 *        state.
 * @param conf copied (strings included)
 * @param iter walks every current item (a rewrite); called on the loop, iter_arg passed back;
 *        must not call back into the cache
 * @returns the cache (caller frees with eng_cache_free()), or NULL with errstr filled (bad
 *          redis.url or conf value: the message names the key; out of memory).
 * @locality the engine loop
 */
eng_cache_t *eng_cache_new(struct event_base *base, const eng_cache_conf_t *conf,
                           eng_item_iter_fn *iter, void *iter_arg, char *errstr,
                           size_t errstr_size);

/**
 * @brief Stage the latest state of an item for the next eng_cache_flush(). The engine puts each
 *        item at most once per turn; a second put of the same key in one turn is written after
 *        the first (the later wins). While Redis is down or behind, the item is dropped and
 *        counted instead (the next rewrite writes it).
 * @param it borrowed: copied before the call returns
 * @locality the engine loop
 */
void eng_cache_put(eng_cache_t *c, const eng_item_t *it);

/**
 * @brief Send the items staged since the last flush as one pipeline (SET, index, live set,
 *        PUBLISH, and the meta hash's ts); never waits for a reply. The engine calls it once
 *        per loop turn, after its puts.
 * @locality the engine loop
 */
void eng_cache_flush(eng_cache_t *c);

/** @brief Copy the counters into st. @locality the engine loop */
void eng_cache_stats(const eng_cache_t *c, eng_cache_stats_t *st);

/** @brief Whether Redis is connected (AUTH/SELECT/PING answered). @locality the engine loop */
bool eng_cache_connected(const eng_cache_t *c);

/**
 * @brief Close the connection (replies still awaited are abandoned), stop the timers and free
 *        everything; NULL is fine. Staged items are not sent. Call it before event_base_free();
 *        a host-name lookup in flight is released by the loop's next turn (one
 *        event_base_loop(base, EVLOOP_NONBLOCK) after this call), else it leaks once at exit.
 * @locality the engine loop, not from inside the iter callback
 */
void eng_cache_free(eng_cache_t *c);

#endif
