/*
 * store — see store.h. A fixed array of connection slots, each with its own state machine
 * (down → resolving → connecting → setup → ready ⇄ busy, back to down on any failure, with a
 * backoff timer that is also the attempt's timeout), one FIFO of waiting queries, and a zero-delay
 * "pump" event that hands waiting queries to idle connections. Sending and callbacks happen only
 * from event callbacks, never from inside eng_store_query*(). Each query owns one allocation
 * (its copied parameters) and a timer on a libevent common timeout (all have the same length).
 *
 * A query whose time is up while it runs is answered at once (SV_ERR_TIMEOUT); its connection
 * stays busy until the server ends the statement (statement_timeout is the same length), and is
 * closed and reopened if that takes longer than another timeout plus a second.
 */
#include "store.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "log.h"
#include "sv_net.h"
#include "sv_util.h"

#define STORE_MOD "store"
#define STORE_NAME_MAX 63        /* bytes of a statement name (PostgreSQL's NAMEDATALEN - 1) */
#define STORE_PARAMS_MAX 65535   /* libpq's limit */
#define STORE_GRACE_EXTRA_MS 1000 /* an abandoned statement may run timeout_ms + this */
#define STORE_REASON_MAX 300

typedef enum store_conn_state {
    STORE_DOWN,       /* no connection; the timer starts the next attempt */
    STORE_RESOLVING,  /* the host name is being looked up (evdns) */
    STORE_CONNECTING, /* PQconnectPoll in progress */
    STORE_SETUP,      /* connected; statement_timeout and the prepares are running */
    STORE_READY,      /* idle, takes a query */
    STORE_BUSY,       /* a query (or an abandoned one) is running */
} store_conn_state_t;

typedef struct store_stmt {
    char *name; /* server-side name */
    char *sql;  /* its text */
    int nparams;
} store_stmt_t;

struct store_conn;

typedef struct store_query {
    struct store_query *prev, *next; /* links in the waiting queue */
    eng_store_t *s;                  /* the store */
    struct store_conn *conn;         /* the connection running it, or NULL: waiting */
    struct event *timer;             /* its timeout */
    int stmt;                        /* index in s->stmts, or -1: sql */
    const char *sql;                 /* ad-hoc SQL (in this allocation), or NULL */
    int nparams;                     /* parameters */
    const char **values;             /* copies (in this allocation); NULL = SQL NULL */
    int *lengths;                    /* byte lengths (binary parameters), or NULL */
    int *formats;                    /* 0 text / 1 binary, or NULL: all text */
    eng_store_cb *cb;                /* called once with the result */
    void *arg;                       /* passed back to cb */
} store_query_t;

/* A host-name lookup in flight. Freed by its callback, which may come after the connection gave
 * up on it: c is then NULL. */
typedef struct store_lookup {
    struct store_conn *c;                  /* the connection waiting, or NULL */
    struct evdns_getaddrinfo_request *req; /* for cancelling */
} store_lookup_t;

typedef struct store_conn {
    eng_store_t *s;                  /* the store */
    int idx;                         /* slot number, for logs */
    store_conn_state_t state;        /* see store_conn_state_t */
    PGconn *pg;                      /* the connection (connecting and later), or NULL */
    evutil_socket_t fd;              /* socket the events watch, or -1 */
    struct event *rd, *wr;           /* read (persistent) and write (while flushing) on fd */
    struct event *timer;             /* down: next attempt; resolving..setup: attempt timeout;
                                      * busy with an abandoned query: its grace */
    store_lookup_t *lookup;          /* lookup in flight, or NULL */
    char hostaddr[INET6_ADDRSTRLEN]; /* the address looked up */
    int64_t backoff_ms;              /* next wait after a failure */
    bool attempted;                  /* an attempt was made before (reconnects) */
    bool flushing;                   /* libpq holds unsent bytes: wr is armed */
    int setup_step;                  /* 0 statement_timeout, 1..n the prepares */
    store_query_t *q;                /* the query running, or NULL (none, or abandoned) */
    PGresult *res;                   /* the result gathered for the command running */
} store_conn_t;

struct eng_store {
    struct event_base *base;          /* the engine's loop */
    int64_t timeout_ms;               /* conf.timeout_ms */
    int64_t backoff_max_ms;           /* conf.backoff_max_ms */
    size_t queue_max;                 /* conf.queue_max (defaulted) */
    const char **kw;                  /* connection keywords (owned; NULL-ended, a slot spare
                                       * for hostaddr) */
    const char **val;                 /* their values (owned) */
    size_t kw_cnt;                    /* entries before the spare */
    bool resolve;                     /* host is a name: look it up, pass hostaddr */
    char *host;                       /* that name (owned) */
    struct evdns_base *dns;           /* resolver, or NULL */
    char where[300];                  /* host/port/dbname for logs (never the password) */
    char timeout_str[24];             /* statement_timeout, ms */
    struct timeval conn_tv;           /* an attempt's timeout */
    struct timeval grace_tv;          /* an abandoned statement's grace */
    const struct timeval *q_tv;       /* the queries' (common) timeout */
    struct timeval q_tv_plain;        /* the same, when no common timeout could be made */

    store_stmt_t *stmts;              /* registered statements */
    size_t stmt_cnt, stmt_cap;
    store_conn_t *conns;              /* the pool */
    size_t conn_cnt;
    store_query_t *qhead, *qtail;     /* waiting queries, oldest first */
    size_t qlen;
    struct event *pump_ev;            /* zero-delay: hand waiting queries to idle connections */

    bool started;                     /* eng_store_start() was called */
    bool down;                        /* no connection up and one failed since the last up */
    bool ever_up;                     /* a connection came up once */
    bool closing;                     /* eng_store_free() runs */
    eng_store_stats_t st;             /* counters (live ones filled on read) */
};

static void store_conn_fail(store_conn_t *c, const char *reason);
static void store_conn_connect(store_conn_t *c, const char *hostaddr);
static void store_pump(eng_store_t *s);

/* ---------------------------------------------------------------------------------------------
 * small helpers
 */

/* PostgreSQL's message on one line, without the trailing newline. */
static void store_pg_msg(char *out, size_t size, const char *msg)
{
    size_t o = 0;

    if (!msg || !*msg)
        msg = "unknown error";
    for (; *msg && o + 1 < size; msg++)
        out[o++] = (*msg == '\n' || *msg == '\r' || *msg == '\t') ? ' ' : *msg;
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

static void store_notice(void *arg, const char *msg)
{
    char line[256], q[300];

    UNUSED(arg);
    store_pg_msg(line, sizeof(line), msg);
    LOG_DEBUG(STORE_MOD, "pg_notice", "msg=%s", log_quote(q, sizeof(q), line));
}

static bool store_conn_is_up(const store_conn_t *c)
{
    return c->state == STORE_READY || c->state == STORE_BUSY;
}

static bool store_any_up(const eng_store_t *s)
{
    for (size_t i = 0; i < s->conn_cnt; i++)
        if (store_conn_is_up(&s->conns[i]))
            return true;
    return false;
}

static bool store_is_error(ExecStatusType st)
{
    return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY;
}

static void store_ms_tv(struct timeval *tv, int64_t ms)
{
    tv->tv_sec = (time_t)(ms / 1000);
    tv->tv_usec = (suseconds_t)((ms % 1000) * 1000);
}

/* ---------------------------------------------------------------------------------------------
 * the waiting queue and finishing queries
 */

static void store_q_push_tail(eng_store_t *s, store_query_t *q)
{
    q->next = NULL;
    q->prev = s->qtail;
    if (s->qtail)
        s->qtail->next = q;
    else
        s->qhead = q;
    s->qtail = q;
    s->qlen++;
}

static void store_q_push_head(eng_store_t *s, store_query_t *q)
{
    q->prev = NULL;
    q->next = s->qhead;
    if (s->qhead)
        s->qhead->prev = q;
    else
        s->qtail = q;
    s->qhead = q;
    s->qlen++;
}

static void store_q_remove(eng_store_t *s, store_query_t *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        s->qhead = q->next;
    if (q->next)
        q->next->prev = q->prev;
    else
        s->qtail = q->prev;
    q->prev = q->next = NULL;
    s->qlen--;
}

/* Count, call the callback, free the query. */
static void store_finish(eng_store_t *s, store_query_t *q, const PGresult *res, sv_err_t rc)
{
    if (q->timer)
        event_free(q->timer);
    q->timer = NULL;
    if (rc == SV_OK) {
        s->st.ok++;
    } else {
        s->st.errors++;
        if (rc == SV_ERR_PG)
            s->st.sql_errors++;
        else if (rc == SV_ERR_TIMEOUT)
            s->st.timeouts++;
        else if (rc == SV_ERR_UNAVAILABLE)
            s->st.unavailable++;
        res = rc == SV_ERR_PG ? res : NULL;
    }
    q->cb(q->arg, res, rc);
    free(q);
}

/* Fail every waiting query (PostgreSQL is down, or the store is closing). */
static void store_fail_waiting(eng_store_t *s)
{
    store_query_t *q;

    while ((q = s->qhead)) {
        store_q_remove(s, q);
        store_finish(s, q, NULL, SV_ERR_UNAVAILABLE);
    }
}

/* ---------------------------------------------------------------------------------------------
 * connection slots
 */

static void store_conn_events_free(store_conn_t *c)
{
    if (c->rd)
        event_free(c->rd);
    if (c->wr)
        event_free(c->wr);
    c->rd = c->wr = NULL;
    c->fd = -1;
    c->flushing = false;
}

static void store_conn_on_io(evutil_socket_t fd, short what, void *arg);

/* (Re)create the events on libpq's current socket (it may change while connecting). */
static bool store_conn_events_bind(store_conn_t *c)
{
    evutil_socket_t fd = PQsocket(c->pg);

    store_conn_events_free(c);
    if (fd < 0)
        return false;
    c->rd = event_new(c->s->base, fd, EV_READ | EV_PERSIST, store_conn_on_io, c);
    c->wr = event_new(c->s->base, fd, EV_WRITE | EV_PERSIST, store_conn_on_io, c);
    if (!c->rd || !c->wr) {
        store_conn_events_free(c);
        return false;
    }
    c->fd = fd;
    return true;
}

static void store_conn_watch(store_conn_t *c, bool rd, bool wr)
{
    if (rd)
        event_add(c->rd, NULL);
    else
        event_del(c->rd);
    if (wr)
        event_add(c->wr, NULL);
    else
        event_del(c->wr);
}

/* Stop waiting for a lookup in flight (its callback frees it). */
static void store_conn_lookup_abandon(store_conn_t *c)
{
    store_lookup_t *lk = c->lookup;

    if (!lk)
        return;
    c->lookup = NULL;
    lk->c = NULL;
    if (lk->req)
        evdns_getaddrinfo_cancel(lk->req);
}

/* Close whatever the slot holds; it is down afterwards (timer stopped, query detached). */
static store_query_t *store_conn_close(store_conn_t *c)
{
    store_query_t *q = c->q;

    c->q = NULL;
    if (q)
        q->conn = NULL;
    store_conn_lookup_abandon(c);
    if (c->timer)
        evtimer_del(c->timer);
    store_conn_events_free(c);
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    PQclear(c->res);
    c->res = NULL;
    c->state = STORE_DOWN;
    return q;
}

/* Send what libpq holds; false when the connection failed. */
static bool store_conn_flush(store_conn_t *c)
{
    int r = PQflush(c->pg);

    if (r < 0)
        return false;
    if (r > 0 && !c->flushing)
        event_add(c->wr, NULL);
    else if (r == 0 && c->flushing)
        event_del(c->wr);
    c->flushing = r > 0;
    return true;
}

/* The store lost its last connection: log once, fail what waits, refuse new queries. */
static void store_went_down(eng_store_t *s, const char *reason, int64_t retry_ms)
{
    char q[STORE_REASON_MAX + 8];

    if (s->down || store_any_up(s))
        return;
    s->down = true;
    LOG_WARN(STORE_MOD, "pg_down",
             "err=SV_ERR_UNAVAILABLE db=%s reason=%s retry_ms=%" PRId64
             " msg=\"queries refused until postgresql is back\"",
             s->where, log_quote(q, sizeof(q), reason), retry_ms);
    store_fail_waiting(s);
}

/* An attempt failed or a connection was lost: close, retry after the backoff. */
static void store_conn_fail(store_conn_t *c, const char *reason)
{
    eng_store_t *s = c->s;
    bool was_up = store_conn_is_up(c);
    int64_t wait = c->backoff_ms;
    struct timeval tv;
    store_query_t *q;
    char qr[STORE_REASON_MAX + 8];

    q = store_conn_close(c);
    s->st.conn_errors++;
    if (!s->closing) {
        store_ms_tv(&tv, wait);
        evtimer_add(c->timer, &tv);
        c->backoff_ms = wait * 2 > s->backoff_max_ms ? s->backoff_max_ms : wait * 2;
    }
    /* per connection: debug only; the store's own changes are logged once (pg_down, pg_up) */
    LOG_DEBUG(STORE_MOD, was_up ? "pg_conn_lost" : "pg_connect_failed",
              "db=%s conn=%d reason=%s retry_ms=%" PRId64, s->where, c->idx,
              log_quote(qr, sizeof(qr), reason), wait);
    if (!s->closing)
        store_went_down(s, reason, wait);
    if (q)
        store_finish(s, q, NULL, SV_ERR_UNAVAILABLE);
}

/* Close a healthy but stuck connection and reopen it at once (not a failure). */
static void store_conn_reset(store_conn_t *c)
{
    struct timeval zero = {0, 0};

    SV_ASSERT(!c->q);
    store_conn_close(c);
    LOG_DEBUG(STORE_MOD, "pg_conn_reset", "db=%s conn=%d reason=\"statement outlived its grace\"",
              c->s->where, c->idx);
    evtimer_add(c->timer, &zero);
}

static void store_conn_ready(store_conn_t *c)
{
    eng_store_t *s = c->s;

    evtimer_del(c->timer);
    c->state = STORE_READY;
    c->backoff_ms = ENG_STORE_BACKOFF_MIN_MS;
    s->st.connects++;
    if (s->down || !s->ever_up) {
        s->down = false;
        s->ever_up = true;
        LOG_INFO(STORE_MOD, "pg_up", "db=%s pool=%zu connects=%" PRIu64, s->where, s->conn_cnt,
                 s->st.connects);
    }
    store_pump(s);
}

/* Send the next set-up command: statement_timeout, then each prepare. */
static void store_conn_setup_send(store_conn_t *c)
{
    eng_store_t *s = c->s;
    char reason[STORE_REASON_MAX], msg[256];
    int ok;

    if (c->setup_step == 0) {
        const char *vals[1] = {s->timeout_str};
        ok = PQsendQueryParams(c->pg, "SELECT set_config('statement_timeout', $1, false)", 1,
                               NULL, vals, NULL, NULL, 0);
    } else {
        const store_stmt_t *st = &s->stmts[c->setup_step - 1];
        ok = PQsendPrepare(c->pg, st->name, st->sql, st->nparams, NULL);
    }
    if (!ok || !store_conn_flush(c)) {
        store_pg_msg(msg, sizeof(msg), PQerrorMessage(c->pg));
        snprintf(reason, sizeof(reason), "set-up: %s", msg);
        store_conn_fail(c, reason);
    }
}

static void store_conn_connected(store_conn_t *c)
{
    if (PQsetnonblocking(c->pg, 1) != 0 || !store_conn_events_bind(c)) {
        store_conn_fail(c, "cannot make the connection non-blocking");
        return;
    }
    store_conn_watch(c, true, false);
    c->state = STORE_SETUP;
    c->setup_step = 0;
    store_conn_setup_send(c);
}

static void store_conn_poll_connect(store_conn_t *c)
{
    PostgresPollingStatusType r = PQconnectPoll(c->pg);
    char reason[STORE_REASON_MAX], msg[256];

    switch (r) {
    case PGRES_POLLING_OK:
        store_conn_connected(c);
        return;
    case PGRES_POLLING_READING:
    case PGRES_POLLING_WRITING:
        /* libpq may have moved to another socket (next address, SSL refused): rebind */
        if (!store_conn_events_bind(c)) {
            store_conn_fail(c, "connect: no socket");
            return;
        }
        store_conn_watch(c, r == PGRES_POLLING_READING, r == PGRES_POLLING_WRITING);
        return;
    case PGRES_POLLING_FAILED:
    default:
        store_pg_msg(msg, sizeof(msg), PQerrorMessage(c->pg));
        snprintf(reason, sizeof(reason), "connect: %s", msg);
        store_conn_fail(c, reason);
        return;
    }
}

/* The command running has returned all its results. */
static void store_conn_command_done(store_conn_t *c)
{
    eng_store_t *s = c->s;
    PGresult *res = c->res;
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    char reason[STORE_REASON_MAX], msg[256];
    store_query_t *q;
    sv_err_t rc;

    c->res = NULL;
    if (c->state == STORE_SETUP) {
        if (store_is_error(st)) {
            store_pg_msg(msg, sizeof(msg),
                         res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
            if (c->setup_step == 0)
                snprintf(reason, sizeof(reason), "set statement_timeout: %s", msg);
            else
                snprintf(reason, sizeof(reason), "prepare %s: %s",
                         s->stmts[c->setup_step - 1].name, msg);
            PQclear(res);
            store_conn_fail(c, reason);
            return;
        }
        PQclear(res);
        if (++c->setup_step <= (int)s->stmt_cnt)
            store_conn_setup_send(c);
        else
            store_conn_ready(c);
        return;
    }

    /* busy: a query's result, or the end of an abandoned one */
    q = c->q;
    if (PQstatus(c->pg) == CONNECTION_BAD ||
        (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))) {
        /* the connection is gone (admin shutdown, crash, network): not the statement's fault */
        store_pg_msg(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
        snprintf(reason, sizeof(reason), "connection lost: %s", msg);
        PQclear(res);
        store_conn_fail(c, reason);
        return;
    }
    c->q = NULL;
    c->state = STORE_READY;
    evtimer_del(c->timer); /* the grace of an abandoned query */
    if (q) {
        q->conn = NULL;
        if (!store_is_error(st))
            rc = SV_OK;
        else if (state && strcmp(state, "57014") == 0)
            rc = SV_ERR_TIMEOUT; /* cancelled by statement_timeout */
        else
            rc = SV_ERR_PG;
        store_finish(s, q, res, rc);
    }
    PQclear(res);
    store_pump(s);
}

/* Socket events of a connected slot (set-up, idle or busy). */
static void store_conn_io(store_conn_t *c, short what)
{
    char reason[STORE_REASON_MAX], msg[256];
    PGnotify *n;

    if ((what & EV_WRITE) && c->flushing && !store_conn_flush(c))
        goto lost;
    if (what & EV_READ) {
        if (!PQconsumeInput(c->pg))
            goto lost;
        if (c->flushing && !store_conn_flush(c))
            goto lost;
    }
    while ((n = PQnotifies(c->pg)))
        PQfreemem(n);
    if (c->state == STORE_READY) {
        if (PQstatus(c->pg) == CONNECTION_BAD)
            goto lost;
        return;
    }
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        ExecStatusType st;

        if (!r) {
            store_conn_command_done(c);
            return;
        }
        st = PQresultStatus(r);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            PQclear(r);
            store_conn_fail(c, "COPY is not supported by the store");
            return;
        }
        /* keep the first error, else the last result */
        if (!c->res) {
            c->res = r;
        } else if (store_is_error(st) && !store_is_error(PQresultStatus(c->res))) {
            PQclear(c->res);
            c->res = r;
        } else {
            PQclear(r);
        }
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        goto lost;
    return;
lost:
    store_pg_msg(msg, sizeof(msg), PQerrorMessage(c->pg));
    snprintf(reason, sizeof(reason), "connection lost: %s", msg);
    store_conn_fail(c, reason);
}

static void store_conn_on_io(evutil_socket_t fd, short what, void *arg)
{
    store_conn_t *c = arg;

    UNUSED(fd);
    switch (c->state) {
    case STORE_CONNECTING:
        store_conn_poll_connect(c);
        return;
    case STORE_SETUP:
    case STORE_READY:
    case STORE_BUSY:
        store_conn_io(c, what);
        return;
    case STORE_DOWN:
    case STORE_RESOLVING:
        return;
    }
}

static void store_conn_on_lookup(int result, struct evutil_addrinfo *res, void *arg)
{
    store_lookup_t *lk = arg;
    store_conn_t *c = lk->c;
    char reason[STORE_REASON_MAX];

    free(lk);
    if (!c) { /* abandoned: timed out, failed, or the store is gone */
        if (res)
            evutil_freeaddrinfo(res);
        return;
    }
    c->lookup = NULL;
    if (result != 0 || !res) {
        snprintf(reason, sizeof(reason), "resolve %s: %s", c->s->host,
                 result ? evutil_gai_strerror(result) : "no address");
        if (res)
            evutil_freeaddrinfo(res);
        store_conn_fail(c, reason);
        return;
    }
    sv_addrinfo_text(res, c->hostaddr, sizeof(c->hostaddr));
    evutil_freeaddrinfo(res);
    store_conn_connect(c, c->hostaddr);
}

/* Start libpq's non-blocking connect (to hostaddr when the host name was looked up). */
static void store_conn_connect(store_conn_t *c, const char *hostaddr)
{
    eng_store_t *s = c->s;
    char reason[STORE_REASON_MAX], msg[256];

    s->kw[s->kw_cnt] = hostaddr ? "hostaddr" : NULL; /* libpq copies what it keeps */
    s->val[s->kw_cnt] = hostaddr;
    c->pg = PQconnectStartParams(s->kw, s->val, 0);
    s->kw[s->kw_cnt] = NULL;
    s->val[s->kw_cnt] = NULL;
    if (!c->pg) {
        store_conn_fail(c, "connect: out of memory");
        return;
    }
    PQsetNoticeProcessor(c->pg, store_notice, c);
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        store_pg_msg(msg, sizeof(msg), PQerrorMessage(c->pg));
        snprintf(reason, sizeof(reason), "connect: %s", msg);
        store_conn_fail(c, reason);
        return;
    }
    c->state = STORE_CONNECTING;
    if (!store_conn_events_bind(c)) {
        store_conn_fail(c, "connect: no socket");
        return;
    }
    store_conn_watch(c, false, true); /* as if PQconnectPoll had said PGRES_POLLING_WRITING */
}

static void store_conn_start(store_conn_t *c)
{
    eng_store_t *s = c->s;
    struct evutil_addrinfo hints;
    struct evdns_getaddrinfo_request *req;
    store_lookup_t *lk;

    if (c->attempted)
        s->st.reconnects++;
    c->attempted = true;
    evtimer_add(c->timer, &s->conn_tv);
    if (!s->resolve) {
        store_conn_connect(c, NULL);
        return;
    }
    if (!(lk = calloc(1, sizeof(*lk)))) {
        store_conn_fail(c, "resolve: out of memory");
        return;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    lk->c = c;
    c->lookup = lk;
    c->state = STORE_RESOLVING;
    req = evdns_getaddrinfo(s->dns, s->host, NULL, &hints, store_conn_on_lookup, lk);
    if (req && c->lookup == lk)
        lk->req = req; /* still in flight (an immediate answer has freed lk already) */
}

static void store_conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    store_conn_t *c = arg;
    char reason[STORE_REASON_MAX];

    UNUSED(fd);
    UNUSED(what);
    switch (c->state) {
    case STORE_DOWN:
        store_conn_start(c);
        return;
    case STORE_RESOLVING:
    case STORE_CONNECTING:
    case STORE_SETUP:
        snprintf(reason, sizeof(reason), "%s timed out after %" PRId64 " ms",
                 c->state == STORE_RESOLVING ? "resolve" : c->state == STORE_CONNECTING ? "connect"
                                                                                   : "set-up",
                 c->s->timeout_ms);
        store_conn_fail(c, reason);
        return;
    case STORE_BUSY:
        if (!c->q) /* an abandoned statement outlived its grace */
            store_conn_reset(c);
        return;
    case STORE_READY:
        return;
    }
}

/* ---------------------------------------------------------------------------------------------
 * queries
 */

/* Hand q to the idle connection c; false when libpq refused it (c is then broken). */
static bool store_conn_send(store_conn_t *c, store_query_t *q)
{
    eng_store_t *s = c->s;
    int ok;

    if (q->stmt >= 0)
        ok = PQsendQueryPrepared(c->pg, s->stmts[q->stmt].name, q->nparams, q->values,
                                 q->lengths, q->formats, 0);
    else
        ok = PQsendQueryParams(c->pg, q->sql, q->nparams, NULL, q->values, q->lengths,
                               q->formats, 0);
    if (!ok)
        return false;
    c->q = q;
    q->conn = c;
    c->state = STORE_BUSY;
    if (!store_conn_flush(c))
        store_conn_fail(c, "connection lost while sending"); /* q fails with it */
    return true;
}

static void store_pump(eng_store_t *s)
{
    char reason[STORE_REASON_MAX], msg[256];

    for (size_t i = 0; i < s->conn_cnt && s->qhead; i++) {
        store_conn_t *c = &s->conns[i];
        store_query_t *q;

        if (c->state != STORE_READY)
            continue;
        q = s->qhead;
        store_q_remove(s, q);
        if (!store_conn_send(c, q)) {
            /* not sent: it keeps its place; the connection is replaced */
            store_q_push_head(s, q);
            store_pg_msg(msg, sizeof(msg), PQerrorMessage(c->pg));
            snprintf(reason, sizeof(reason), "send: %s", msg);
            store_conn_fail(c, reason);
        }
    }
}

static void store_on_pump(evutil_socket_t fd, short what, void *arg)
{
    UNUSED(fd);
    UNUSED(what);
    store_pump(arg);
}

static void store_on_qtimeout(evutil_socket_t fd, short what, void *arg)
{
    store_query_t *q = arg;
    eng_store_t *s = q->s;
    store_conn_t *c = q->conn;

    UNUSED(fd);
    UNUSED(what);
    if (c) {
        /* running: answer now; the server's statement_timeout ends it, else the grace does */
        c->q = NULL;
        q->conn = NULL;
        evtimer_add(c->timer, &s->grace_tv);
        LOG_DEBUG(STORE_MOD, "pg_query_timeout", "db=%s conn=%d running=1", s->where, c->idx);
    } else {
        store_q_remove(s, q);
    }
    store_finish(s, q, NULL, SV_ERR_TIMEOUT);
}

static sv_err_t store_submit(eng_store_t *s, int stmt, const char *sql, int nparams,
                             const char *const *values, const int *lengths, const int *formats,
                             eng_store_cb *cb, void *arg)
{
    size_t bytes = sizeof(store_query_t), sql_len = sql ? strlen(sql) + 1 : 0;
    store_query_t *q;
    char *p;

    if (s->closing || s->down || s->qlen >= s->queue_max) {
        s->st.refused++;
        return SV_ERR_UNAVAILABLE;
    }
    if (nparams < 0 || nparams > STORE_PARAMS_MAX || (nparams > 0 && !values))
        return SV_ERR_INVALID;
    bytes += (size_t)nparams * (sizeof(char *) + 2 * sizeof(int));
    for (int i = 0; i < nparams; i++) {
        if (!values[i])
            continue;
        if (formats && formats[i]) {
            if (!lengths || lengths[i] < 0)
                return SV_ERR_INVALID;
            bytes += (size_t)lengths[i];
        } else {
            bytes += strlen(values[i]) + 1;
        }
    }
    bytes += sql_len;
    if (!(q = calloc(1, bytes)))
        return SV_ERR_NOMEM;
    q->s = s;
    q->stmt = stmt;
    q->nparams = nparams;
    q->cb = cb;
    q->arg = arg;
    p = (char *)(q + 1);
    q->values = (const char **)(void *)p;
    p += (size_t)nparams * sizeof(char *);
    q->lengths = (int *)(void *)p;
    p += (size_t)nparams * sizeof(int);
    q->formats = formats ? (int *)(void *)p : NULL;
    p += (size_t)nparams * sizeof(int);
    for (int i = 0; i < nparams; i++) {
        bool bin = formats && formats[i];
        size_t n;

        if (formats)
            q->formats[i] = bin ? 1 : 0;
        if (!values[i])
            continue;
        n = bin ? (size_t)lengths[i] : strlen(values[i]) + 1;
        memcpy(p, values[i], n);
        q->values[i] = p;
        q->lengths[i] = bin ? lengths[i] : (int)(n - 1);
        p += n;
    }
    if (sql) {
        memcpy(p, sql, sql_len);
        q->sql = p;
    }
    if (nparams == 0) {
        q->values = NULL;
        q->lengths = NULL;
        q->formats = NULL;
    }
    q->timer = evtimer_new(s->base, store_on_qtimeout, q);
    if (!q->timer) {
        free(q);
        return SV_ERR_NOMEM;
    }
    evtimer_add(q->timer, s->q_tv);
    store_q_push_tail(s, q);
    s->st.queries++;
    event_active(s->pump_ev, EV_TIMEOUT, 0);
    return SV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * public
 */

/* Whether a name from pg.dsn needs a lookup: not empty, not a socket directory, not one address,
 * not a list (libpq resolves lists itself). */
static bool store_host_is_name(const char *h)
{
    struct in6_addr a6;
    struct in_addr a4;

    if (!h || !*h || h[0] == '/' || h[0] == '@' || strchr(h, ','))
        return false;
    return inet_pton(AF_INET, h, &a4) != 1 && inet_pton(AF_INET6, h, &a6) != 1;
}

eng_store_t *eng_store_new(struct event_base *base, const eng_store_conf_t *conf, char *errstr,
                           size_t errstr_size)
{
    PQconninfoOption *opts = NULL;
    const char *host = NULL, *hostaddr = NULL, *port = NULL, *dbname = NULL;
    char *perr = NULL, msg[512];
    eng_store_t *s;
    size_t n = 0;
    struct timeval tv;

    if (conf->pool_size < 1 || conf->pool_size > ENG_STORE_POOL_MAX) {
        snprintf(errstr, errstr_size, "pg.pool_size: must be 1..%d (got %" PRId64 ")",
                 ENG_STORE_POOL_MAX, conf->pool_size);
        return NULL;
    }
    if (conf->timeout_ms < 1 || conf->timeout_ms > 86400000) {
        snprintf(errstr, errstr_size, "pg.timeout_ms: must be 1..86400000 (got %" PRId64 ")",
                 conf->timeout_ms);
        return NULL;
    }
    if (conf->backoff_max_ms < ENG_STORE_BACKOFF_MIN_MS || conf->backoff_max_ms > 86400000) {
        snprintf(errstr, errstr_size, "pg.backoff_max_ms: must be %d..86400000 (got %" PRId64 ")",
                 ENG_STORE_BACKOFF_MIN_MS, conf->backoff_max_ms);
        return NULL;
    }
    if (conf->queue_max < 0) {
        snprintf(errstr, errstr_size, "queue_max: must be >= 0 (got %" PRId64 ")",
                 conf->queue_max);
        return NULL;
    }
    if (!conf->dsn || !(opts = PQconninfoParse(conf->dsn, &perr))) {
        store_pg_msg(msg, sizeof(msg), perr ? perr : conf->dsn ? "out of memory" : "missing");
        snprintf(errstr, errstr_size, "pg.dsn: %s", msg);
        PQfreemem(perr);
        return NULL;
    }
    if (!(s = calloc(1, sizeof(*s))))
        goto oom;
    s->base = base;
    s->timeout_ms = conf->timeout_ms;
    s->backoff_max_ms = conf->backoff_max_ms;
    s->queue_max = conf->queue_max ? (size_t)conf->queue_max : ENG_STORE_QUEUE_MAX;
    snprintf(s->timeout_str, sizeof(s->timeout_str), "%" PRId64, conf->timeout_ms);
    store_ms_tv(&s->conn_tv, conf->timeout_ms);
    store_ms_tv(&s->grace_tv, conf->timeout_ms + STORE_GRACE_EXTRA_MS);
    store_ms_tv(&tv, conf->timeout_ms);
    s->q_tv_plain = tv;
    s->q_tv = event_base_init_common_timeout(base, &tv);
    if (!s->q_tv)
        s->q_tv = &s->q_tv_plain;

    /* the connection parameters: what pg.dsn sets, plus our application name */
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val)
            n++;
    s->kw = calloc(n + 3, sizeof(*s->kw));
    s->val = calloc(n + 3, sizeof(*s->val));
    if (!s->kw || !s->val)
        goto oom;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        s->kw[s->kw_cnt] = strdup(o->keyword);
        s->val[s->kw_cnt] = strdup(o->val);
        if (!s->kw[s->kw_cnt] || !s->val[s->kw_cnt]) {
            s->kw_cnt++; /* freed with the others */
            goto oom;
        }
        s->kw_cnt++;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "hostaddr") == 0)
            hostaddr = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            dbname = o->val;
    }
    s->kw[s->kw_cnt] = strdup("fallback_application_name");
    s->val[s->kw_cnt] = strdup("savant-engine");
    s->kw_cnt++;
    if (!s->kw[s->kw_cnt - 1] || !s->val[s->kw_cnt - 1])
        goto oom;
    if (!host)
        host = getenv("PGHOST");
    if (!hostaddr && store_host_is_name(host)) {
        s->resolve = true;
        if (!(s->host = strdup(host)))
            goto oom;
        s->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
                                          EVDNS_BASE_DISABLE_WHEN_INACTIVE);
        if (!s->dns) {
            snprintf(errstr, errstr_size, "pg.dsn: cannot start the resolver for \"%s\"", host);
            PQconninfoFree(opts);
            eng_store_free(s);
            return NULL;
        }
    }
    snprintf(s->where, sizeof(s->where), "%s:%s/%s", host && *host ? host : "(socket)",
             port ? port : "(default)", dbname ? dbname : "(default)");
    PQconninfoFree(opts);
    opts = NULL;

    s->conn_cnt = (size_t)conf->pool_size;
    if (!(s->conns = calloc(s->conn_cnt, sizeof(*s->conns))))
        goto oom;
    for (size_t i = 0; i < s->conn_cnt; i++) {
        store_conn_t *c = &s->conns[i];
        c->s = s;
        c->idx = (int)i;
        c->fd = -1;
        c->state = STORE_DOWN;
        c->backoff_ms = ENG_STORE_BACKOFF_MIN_MS;
        if (!(c->timer = evtimer_new(base, store_conn_on_timer, c)))
            goto oom;
    }
    if (!(s->pump_ev = event_new(base, -1, 0, store_on_pump, s)))
        goto oom;
    return s;
oom:
    snprintf(errstr, errstr_size, "postgresql store: out of memory");
    PQconninfoFree(opts);
    eng_store_free(s);
    return NULL;
}

sv_err_t eng_store_prepare(eng_store_t *s, const char *name, const char *sql, int nparams)
{
    size_t len = name ? strlen(name) : 0;
    store_stmt_t *st;

    if (s->started || len == 0 || len > STORE_NAME_MAX || !sql || !*sql || nparams < 0 ||
        nparams > STORE_PARAMS_MAX)
        return SV_ERR_INVALID;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || ch == '_' || (i > 0 && ch >= '0' && ch <= '9')))
            return SV_ERR_INVALID;
    }
    for (size_t i = 0; i < s->stmt_cnt; i++)
        if (strcmp(s->stmts[i].name, name) == 0)
            return SV_ERR_INVALID;
    if (sv_grow((void **)&s->stmts, &s->stmt_cap, sizeof(*s->stmts), s->stmt_cnt, 16) != SV_OK)
        return SV_ERR_NOMEM;
    st = &s->stmts[s->stmt_cnt];
    st->name = strdup(name);
    st->sql = strdup(sql);
    st->nparams = nparams;
    if (!st->name || !st->sql) {
        free(st->name);
        free(st->sql);
        return SV_ERR_NOMEM;
    }
    s->stmt_cnt++;
    return SV_OK;
}

sv_err_t eng_store_start(eng_store_t *s)
{
    if (s->started)
        return SV_ERR_INVALID;
    s->started = true;
    for (size_t i = 0; i < s->conn_cnt; i++)
        event_active(s->conns[i].timer, EV_TIMEOUT, 0); /* first attempt: the next turn */
    return SV_OK;
}

sv_err_t eng_store_query(eng_store_t *s, const char *name, int nparams,
                         const char *const *values, const int *lengths, const int *formats,
                         eng_store_cb *cb, void *arg)
{
    size_t i;

    if (!s->started && !s->closing) {
        s->st.refused++;
        return SV_ERR_INVALID;
    }
    for (i = 0; i < s->stmt_cnt && strcmp(s->stmts[i].name, name) != 0; i++)
        ;
    if (i == s->stmt_cnt)
        return SV_ERR_NOENT;
    if (nparams != s->stmts[i].nparams)
        return SV_ERR_INVALID;
    return store_submit(s, (int)i, NULL, nparams, values, lengths, formats, cb, arg);
}

sv_err_t eng_store_query_sql(eng_store_t *s, const char *sql, int nparams,
                             const char *const *values, const int *lengths, const int *formats,
                             eng_store_cb *cb, void *arg)
{
    if (!s->started && !s->closing) {
        s->st.refused++;
        return SV_ERR_INVALID;
    }
    if (!sql || !*sql)
        return SV_ERR_INVALID;
    return store_submit(s, -1, sql, nparams, values, lengths, formats, cb, arg);
}

bool eng_store_up(const eng_store_t *s)
{
    return store_any_up(s);
}

void eng_store_stats(const eng_store_t *s, eng_store_stats_t *st)
{
    *st = s->st;
    st->conns_up = 0;
    st->in_flight = 0;
    for (size_t i = 0; i < s->conn_cnt; i++) {
        if (store_conn_is_up(&s->conns[i]))
            st->conns_up++;
        if (s->conns[i].q)
            st->in_flight++;
    }
    st->up = st->conns_up > 0;
    st->down = s->down;
    st->queued = s->qlen;
}

void eng_store_free(eng_store_t *s)
{
    if (!s)
        return;
    s->closing = true;
    for (size_t i = 0; s->conns && i < s->conn_cnt; i++) {
        store_conn_t *c = &s->conns[i];
        store_query_t *q = store_conn_close(c);
        if (q)
            store_finish(s, q, NULL, SV_ERR_UNAVAILABLE);
    }
    store_fail_waiting(s);
    for (size_t i = 0; s->conns && i < s->conn_cnt; i++)
        if (s->conns[i].timer)
            event_free(s->conns[i].timer);
    free(s->conns);
    if (s->pump_ev)
        event_free(s->pump_ev);
    if (s->dns)
        evdns_base_free(s->dns, 0);
    for (size_t i = 0; i < s->stmt_cnt; i++) {
        free(s->stmts[i].name);
        free(s->stmts[i].sql);
    }
    free(s->stmts);
    for (size_t i = 0; s->kw && s->val && i < s->kw_cnt; i++) {
        free((char *)s->kw[i]);
        free((char *)s->val[i]);
    }
    free(s->val);
    free(s->kw);
    free(s->host);
    free(s);
}
