/*
 * store — the engine's PostgreSQL pool: a few libpq connections on the engine's event_base,
 * prepared statements, a bounded queue of waiting queries, a timeout per query, and results
 * delivered to a callback on the loop.
 *
 * The store never blocks the loop: connecting is PQconnectStartParams/PQconnectPoll driven by
 * socket events (a host name in pg.dsn is resolved first with evdns and handed to libpq as
 * hostaddr), every connection is non-blocking (PQsetnonblocking), and queries go out only as
 * PQsendQueryPrepared or PQsendQueryParams: SQL text is a constant of the program and every value
 * is a parameter, never spliced into SQL. Each connection runs one query at a time; waiting
 * queries are sent in submission order as connections free up. Every connection prepares all the
 * statements registered with eng_store_prepare() (and sets statement_timeout = timeout_ms) before
 * it takes queries.
 *
 * Each query runs in its own implicit transaction, possibly on another connection than the
 * previous one: work that must be atomic is one statement (data-modifying CTEs, INSERT ... ON
 * CONFLICT) or a server-side function.
 *
 * PostgreSQL down (no connection up, and an attempt failed or a connection was lost since it was
 * last up): eng_store_query*() refuses at once with SV_ERR_UNAVAILABLE (callers answer 503 with
 * Retry-After), waiting queries fail with SV_ERR_UNAVAILABLE, each connection retries with a
 * backoff (100 ms doubling to backoff_max_ms), and "pg_down" / "pg_up" are logged once per change.
 * Before the first connection is up, queries wait in the queue (bounded by their timeout).
 *
 * Ownership: conf strings, statement names and SQL, and query parameters are copied; a result is
 * borrowed by the callback and valid until it returns.
 */
#ifndef SV_ENG_STORE_H
#define SV_ENG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "sv_err.h"

struct event_base;

#define ENG_STORE_QUEUE_MAX 1024    /* default of conf.queue_max */
#define ENG_STORE_POOL_MAX 64       /* largest pool_size */
#define ENG_STORE_BACKOFF_MIN_MS 100 /* first reconnect wait */

/* What the engine configures (config keys pg.*). */
typedef struct eng_store_conf {
    const char *dsn;        /* pg.dsn: libpq key=value string or postgresql:// URI */
    int64_t pool_size;      /* pg.pool_size: connections, 1..ENG_STORE_POOL_MAX */
    int64_t timeout_ms;     /* pg.timeout_ms: a query (from submission to its result) and a
                             * connection attempt (resolve + connect + prepare) take at most this
                             * long; also the server's statement_timeout; >= 1 */
    int64_t backoff_max_ms; /* pg.backoff_max_ms: reconnect waits double from 100 ms up to this,
                             * >= 100 */
    int64_t queue_max;      /* queries allowed to wait for a connection; 0 =
                             * ENG_STORE_QUEUE_MAX */
} eng_store_conf_t;

/* Counters since eng_store_new(); read with eng_store_stats(). */
typedef struct eng_store_stats {
    bool up;               /* at least one connection takes queries (eng_store_up()) */
    bool down;             /* queries are refused: no connection up, and an attempt failed or
                            * a connection was lost since one was last up */
    uint64_t conns_up;     /* connections up (idle or running a query) */
    uint64_t queries;      /* queries accepted by eng_store_query*() */
    uint64_t ok;           /* accepted queries completed with SV_OK */
    uint64_t errors;       /* accepted queries completed with an error (any: the next three,
                            * connection lost, store freed) */
    uint64_t sql_errors;   /* ... of which PostgreSQL refused the statement (SV_ERR_PG) */
    uint64_t timeouts;     /* ... of which took longer than timeout_ms (SV_ERR_TIMEOUT) */
    uint64_t unavailable;  /* ... of which were failed because PostgreSQL went away */
    uint64_t refused;      /* queries refused at once: down, queue full, not started */
    uint64_t connects;     /* connections that came up (statements prepared) */
    uint64_t conn_errors;  /* failed connection attempts and lost connections */
    uint64_t reconnects;   /* connection attempts after each connection's first */
    uint64_t in_flight;    /* queries sent, result awaited (at most pool_size) */
    uint64_t queued;       /* queries waiting for a connection */
} eng_store_stats_t;

/**
 * The result of one accepted query; called exactly once, on the loop, never from inside the
 * eng_store_query*() call that accepted it.
 * @param arg what was given with the query
 * @param res the result when rc is SV_OK (PGRES_TUPLES_OK or PGRES_COMMAND_OK) or SV_ERR_PG (the
 *        error: PQresultErrorField(res, PG_DIAG_SQLSTATE), e.g. "23505" for a unique
 *        violation); NULL otherwise. Borrowed: valid until the callback returns.
 * @param rc SV_OK; SV_ERR_PG; SV_ERR_TIMEOUT (timeout_ms passed, or the server cancelled it by
 *        statement_timeout); SV_ERR_UNAVAILABLE (the connection was lost or the store is being
 *        freed: a statement that was in flight may or may not have been committed, so writes
 *        must be idempotent, e.g. keyed by click_id); SV_ERR_NOMEM.
 * The callback may submit queries; it must not call eng_store_free().
 */
typedef void eng_store_cb(void *arg, const PGresult *res, sv_err_t rc);

typedef struct eng_store eng_store_t;

/**
 * @brief A new store on base; no network I/O until eng_store_start().
 * @param conf copied (strings included)
 * @returns the store (caller frees with eng_store_free()), or NULL with errstr filled (a
 *          malformed pg.dsn or a conf value out of range: the message names the key and never
 *          contains the password; out of memory).
 * @locality the engine loop
 */
eng_store_t *eng_store_new(struct event_base *base, const eng_store_conf_t *conf, char *errstr,
                           size_t errstr_size);

/**
 * @brief Register a statement every connection prepares before taking queries (PQsendPrepare;
 *        parameter types inferred by the server: cast in the SQL, "$1::bigint", where it
 *        cannot tell). Before eng_store_start() only.
 * @param name [a-z_][a-z0-9_]*, at most 63 bytes, unique in the store
 * @param sql one statement with parameters $1..$nparams (copied)
 * @param nparams 0..65535
 * @returns SV_OK; SV_ERR_INVALID (already started, bad or duplicate name, empty sql, nparams out
 *          of range); SV_ERR_NOMEM.
 * @locality the engine loop
 */
sv_err_t eng_store_prepare(eng_store_t *s, const char *name, const char *sql, int nparams);

/**
 * @brief Start connecting every connection of the pool (at the loop's next turn).
 * @returns SV_OK, or SV_ERR_INVALID when already started.
 * @locality the engine loop
 */
sv_err_t eng_store_start(eng_store_t *s);

/**
 * @brief Run a prepared statement with parameters (PQsendQueryPrepared, text results).
 * @param name a statement registered with eng_store_prepare()
 * @param nparams must equal its nparams
 * @param values nparams parameters; values[i] NULL is SQL NULL; copied before the call returns
 * @param lengths byte lengths of the binary parameters (NULL when all are text)
 * @param formats per parameter 0 (text, NUL-terminated) or 1 (binary); NULL: all text
 * @param cb called once with the result if, and only if, SV_OK is returned
 * @returns SV_OK (accepted: cb will be called); SV_ERR_UNAVAILABLE (refused at once: PostgreSQL
 *          is down, or queue_max queries are waiting; answer 503 with Retry-After);
 *          SV_ERR_NOENT (no such statement); SV_ERR_INVALID (nparams differs, not started, a
 *          binary parameter without its length); SV_ERR_NOMEM. cb is not called on refusal.
 * @locality the engine loop (callbacks included)
 */
sv_err_t eng_store_query(eng_store_t *s, const char *name, int nparams,
                         const char *const *values, const int *lengths, const int *formats,
                         eng_store_cb *cb, void *arg);

/**
 * @brief Run one SQL statement with parameters (PQsendQueryParams, text results): for statements
 *        too rare to prepare. sql must be a constant of the program: values go in parameters
 *        ($1..), never into the text.
 * @param sql one statement (copied)
 * @returns as eng_store_query() (no SV_ERR_NOENT).
 * @locality the engine loop (callbacks included)
 */
sv_err_t eng_store_query_sql(eng_store_t *s, const char *sql, int nparams,
                             const char *const *values, const int *lengths, const int *formats,
                             eng_store_cb *cb, void *arg);

/** @brief Whether a connection takes queries (for /readyz). @locality the engine loop */
bool eng_store_up(const eng_store_t *s);

/** @brief Copy the counters into st. @locality the engine loop */
void eng_store_stats(const eng_store_t *s, eng_store_stats_t *st);

/**
 * @brief Close every connection and free everything; NULL is fine. Every query still waiting or
 *        in flight gets its callback with SV_ERR_UNAVAILABLE before this returns (queries
 *        submitted from those callbacks are refused). A host-name lookup in flight is released by
 *        the loop's next turn (one event_base_loop(base, EVLOOP_NONBLOCK) after this call), else
 *        it leaks once at exit. Call it before event_base_free().
 * @locality the engine loop, not from inside a store callback
 */
void eng_store_free(eng_store_t *s);

#endif
