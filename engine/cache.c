/*
 * cache — see cache.h. One hiredis asynchronous connection attached to the engine's loop, a
 * connection state machine (down → resolving → connecting → handshake → up, back to down on any
 * failure, with a backoff timer and a timeout covering resolve + connect + AUTH/SELECT/PING), the items
 * staged for the current turn (copied into an arena), and a command formatter writing the Redis
 * protocol into one reusable buffer that hiredis copies into its output buffer. Replies are only
 * counted: a normal write's reply lowers the backlog, an error reply is counted and logged once
 * per connection. A rewrite (after every connect, and after a backlog drained) is started from a
 * zero-delay event on the loop, never from inside a hiredis callback.
 */
#include "cache.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "htab.h"
#include "log.h"
#include "sv_net.h"
#include "sv_util.h"

#define CACHE_MOD "cache"
#define CACHE_BACKOFF_MIN_MS 100
#define CACHE_PORT_DEFAULT 6379
#define CACHE_HDR_RESERVE 24 /* bytes kept in front of a command for its "*argc\r\n" */
#define CACHE_NO_TS INT64_MIN

typedef enum cache_conn {
    CACHE_DOWN,       /* no connection; the retry timer is armed */
    CACHE_RESOLVING,  /* the host name is being looked up (evdns) */
    CACHE_CONNECTING, /* non-blocking TCP connect in progress */
    CACHE_HANDSHAKE,  /* connected; AUTH/SELECT replies awaited */
    CACHE_UP,         /* ready for writes */
} cache_conn_t;

/* One item staged for the turn: its strings live in the turn arena. */
typedef struct cache_rec {
    eng_item_kind_t kind; /* score, market, signal */
    bool live;            /* signal: open or updated */
    bool done;            /* its game is over */
    double final;         /* live-set score */
    int64_t ts;           /* event time */
    size_t key, sport, event_id, json;     /* offsets in the arena (NUL-ended) */
    size_t key_len, sport_len, event_len, json_len; /* their lengths */
} cache_rec_t;

/* What the command writers read of an item, whether staged or walked. */
typedef struct cache_view {
    eng_item_kind_t kind;
    bool live, done;
    double final;
    int64_t ts;
    const char *key, *sport, *event_id, *json; /* sport and event_id: "_" when empty */
    size_t key_len, sport_len, event_len, json_len;
} cache_view_t;

/* A host-name lookup in flight. It is freed by its callback, which may come after the cache is
 * gone: c is cleared when the cache stops waiting for it. */
typedef struct cache_lookup {
    eng_cache_t *c;                        /* the cache waiting, or NULL */
    struct evdns_getaddrinfo_request *req; /* for cancelling */
} cache_lookup_t;

/* A piece of an argument (arguments are concatenations: prefix + "score:" + key). */
typedef struct cache_piece {
    const char *s;
    size_t n;
} cache_piece_t;

struct eng_cache {
    struct event_base *base;     /* the engine's loop */
    eng_item_iter_fn *iter;      /* walks the engine's current items */
    void *iter_arg;              /* passed back to iter */
    char *prefix;                /* conf.prefix, owned */
    size_t prefix_len;           /* strlen(prefix) */
    int64_t ttl_s;               /* conf.ttl_final_s */
    int64_t backoff_max_ms;      /* conf.backoff_max_ms */
    uint64_t pending_max;        /* conf.pending_max */
    int64_t connect_timeout_ms;  /* conf.connect_timeout_ms (defaulted) */
    eng_cache_url_t url;         /* parsed conf.url */
    bool host_numeric;           /* url.host is an address: no lookup */
    struct evdns_base *dns;      /* resolver (host names only), or NULL */
    cache_lookup_t *lookup;      /* lookup in flight, or NULL */
    char addr[INET6_ADDRSTRLEN]; /* address connected to */

    redisAsyncContext *ac;       /* the connection (any state but down/resolving), or NULL */
    cache_conn_t conn;           /* connection state */
    bool closing;                /* we are freeing ac: its disconnect callback only forgets it */
    bool handshake_failed;       /* AUTH/SELECT failed on this connection (already counted) */
    int handshake_left;          /* AUTH/SELECT replies awaited */
    bool attempted;              /* a connection attempt was made before */
    bool down_logged;            /* "redis_down" logged since the last "redis_up" */
    bool err_logged;             /* an error reply was logged on this connection */
    bool need_rewrite;           /* the whole state must be rewritten before normal writes */
    bool unknown_sport_signals;  /* a signal without sport was written: others leave that set */
    bool send_failed;            /* hiredis refused a command (connection going away) */
    bool oom;                    /* a buffer could not grow: the command being built is void */
    int64_t backoff_ms;          /* next reconnect wait */
    uint64_t pending_norm;       /* replies awaited for normal writes */
    uint64_t pending_rw;         /* replies awaited for rewrite commands */
    int64_t meta_ts;             /* latest ts written to the meta hash (CACHE_NO_TS: none) */
    struct event *retry_ev;      /* backoff timer: starts a connection attempt */
    struct event *timeout_ev;    /* an attempt (resolve + connect + handshake) took too long */
    struct event *kick_ev;       /* zero-delay: start a due rewrite outside hiredis callbacks */

    char *arena;                 /* the turn's item strings */
    size_t arena_len, arena_cap;
    cache_rec_t *recs;           /* the turn's items, in put order */
    size_t rec_cnt, rec_cap;

    char *cmd;                   /* the command being formatted (protocol text) */
    size_t cmd_len, cmd_cap;
    int cmd_argc;                /* its arguments so far */

    eng_htab_t seen;             /* rewrite: events whose index set was reset (hash → idx) */
    char *seen_buf;              /* rewrite: their event_ids, NUL-ended, back to back */
    size_t seen_len, seen_cap;
    size_t *seen_off;            /* rewrite: offset of each in seen_buf */
    size_t seen_cnt, seen_cap2;
    size_t rw_items;             /* rewrite: items walked */
    int64_t rw_max_ts;           /* rewrite: latest ts walked */

    eng_cache_stats_t st;        /* counters (pending and connected filled on read) */
};

static const cache_piece_t cache_kind_pfx[ENG_ITEM__CNT] = {
    {"score:", 6},
    {"market:", 7},
    {"signal:", 7},
};

/* ---------------------------------------------------------------------------------------------
 * redis.url
 */

static int cache_hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into out (size bytes); false when too long or a bad escape. */
static bool cache_pct_decode(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '%') {
            if (i + 2 >= n)
                return false;
            int hi = cache_hexval(s[i + 1]);
            int lo = cache_hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            ch = (char)(hi * 16 + lo);
            i += 2;
        }
        if (ch == '\0' || o + 1 >= size)
            return false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return true;
}

/* Digits only, value lo..hi; false otherwise. */
static bool cache_parse_uint(const char *s, size_t n, long lo, long hi, long *out)
{
    long v = 0;

    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool cache_host_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_';
}

sv_err_t eng_cache_url_parse(const char *url, eng_cache_url_t *u, char *errstr,
                             size_t errstr_size)
{
    const char *p, *sep, *host, *end;
    size_t host_len;
    bool has_scheme = false;
    long v;

    memset(u, 0, sizeof(*u));
    u->port = CACHE_PORT_DEFAULT;
    if (!url || !*url) {
        snprintf(errstr, errstr_size, "redis.url: empty (want redis://host:port/db)");
        return SV_ERR_CONFIG;
    }
    p = url;
    sep = strstr(url, "://");
    if (sep) {
        size_t sl = (size_t)(sep - url);
        if (sl == 6 && strncmp(url, "rediss", 6) == 0) {
            snprintf(errstr, errstr_size,
                     "redis.url: rediss:// (TLS) is not supported by hiredis 0.14; use redis://");
            return SV_ERR_CONFIG;
        }
        if (sl != 5 || strncmp(url, "redis", 5) != 0) {
            snprintf(errstr, errstr_size,
                     "redis.url: unsupported scheme \"%.*s\" (want redis://host:port/db or "
                     "host:port)",
                     (int)(sl > 32 ? 32 : sl), url);
            return SV_ERR_CONFIG;
        }
        has_scheme = true;
        p = sep + 3;
        /* userinfo: up to the last '@' before the path */
        end = p + strcspn(p, "/?#");
        const char *at = NULL;
        for (const char *q = p; q < end; q++)
            if (*q == '@')
                at = q;
        if (at) {
            const char *colon = memchr(p, ':', (size_t)(at - p));
            bool ok;
            if (colon) {
                ok = cache_pct_decode(p, (size_t)(colon - p), u->user, sizeof(u->user)) &&
                     cache_pct_decode(colon + 1, (size_t)(at - colon - 1), u->password,
                                      sizeof(u->password));
            } else { /* redis://password@host, as redis-cli reads it */
                ok = cache_pct_decode(p, (size_t)(at - p), u->password, sizeof(u->password));
            }
            if (!ok) {
                snprintf(errstr, errstr_size,
                         "redis.url: bad user or password (a bad %%-escape, a NUL, or too long)");
                return SV_ERR_CONFIG;
            }
            p = at + 1;
        }
    } else if (strchr(url, '@')) { /* never echo what may be a password */
        snprintf(errstr, errstr_size,
                 "redis.url: a user or password needs the redis://user:password@host:port form");
        return SV_ERR_CONFIG;
    }

    /* host */
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close) {
            snprintf(errstr, errstr_size, "redis.url: unclosed '[' in the host");
            return SV_ERR_CONFIG;
        }
        host = p + 1;
        host_len = (size_t)(close - host);
        for (size_t i = 0; i < host_len; i++)
            if (cache_hexval(host[i]) < 0 && host[i] != ':' && host[i] != '.') {
                snprintf(errstr, errstr_size, "redis.url: bad IPv6 address \"%.*s\"",
                         (int)(host_len > 64 ? 64 : host_len), host);
                return SV_ERR_CONFIG;
            }
        p = close + 1;
    } else {
        host = p;
        while (cache_host_char(*p))
            p++;
        host_len = (size_t)(p - host);
    }
    if (host_len == 0) {
        snprintf(errstr, errstr_size, "redis.url: no host");
        return SV_ERR_CONFIG;
    }
    if (host_len >= sizeof(u->host)) {
        snprintf(errstr, errstr_size, "redis.url: host longer than %zu bytes",
                 sizeof(u->host) - 1);
        return SV_ERR_CONFIG;
    }
    memcpy(u->host, host, host_len);
    u->host[host_len] = '\0';

    /* port */
    if (*p == ':') {
        p++;
        size_t n = strspn(p, "0123456789");
        if (!cache_parse_uint(p, n, 1, 65535, &v)) {
            const char *bad = p;
            size_t bl = strcspn(p, "/?#");
            snprintf(errstr, errstr_size, "redis.url: port must be 1..65535 (got \"%.*s\")",
                     (int)(bl > 32 ? 32 : bl), bad);
            return SV_ERR_CONFIG;
        }
        u->port = (int)v;
        p += n;
    }

    /* db */
    if (*p == '/') {
        p++;
        size_t n = strspn(p, "0123456789");
        if (n > 0 || (*p != '\0')) {
            if (!cache_parse_uint(p, n, 0, 2147483647L, &v)) {
                size_t bl = strcspn(p, "?#");
                snprintf(errstr, errstr_size,
                         "redis.url: database must be a number >= 0 (got \"%.*s\")",
                         (int)(bl > 32 ? 32 : bl), p);
                return SV_ERR_CONFIG;
            }
            u->db = (int)v;
            p += n;
        }
    }
    if (*p == '?' || *p == '#') {
        snprintf(errstr, errstr_size, "redis.url: query parameters are not supported");
        return SV_ERR_CONFIG;
    }
    if (*p != '\0') {
        snprintf(errstr, errstr_size, "redis.url: unexpected \"%.32s\" after the host%s", p,
                 has_scheme ? "" : " (want host:port or redis://host:port/db)");
        return SV_ERR_CONFIG;
    }
    return SV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * buffers and the command formatter
 */

/* Make room for need more bytes in *buf (len used of *cap); false when out of memory. */
static bool cache_reserve(char **buf, size_t *cap, size_t len, size_t need)
{
    size_t want = len + need, cap2;
    char *nb;

    if (want <= *cap)
        return true;
    cap2 = *cap ? *cap : 4096;
    while (cap2 < want)
        cap2 *= 2;
    nb = realloc(*buf, cap2);
    if (!nb)
        return false;
    *buf = nb;
    *cap = cap2;
    return true;
}

static void cache_cmd_begin(eng_cache_t *c)
{
    c->cmd_len = CACHE_HDR_RESERVE;
    c->cmd_argc = 0;
    c->oom = false;
}

/* Append one argument made of cnt pieces (a bulk string). */
static void cache_arg_v(eng_cache_t *c, const cache_piece_t *pc, int cnt)
{
    size_t total = 0;
    char hdr[32];
    int hl;

    for (int i = 0; i < cnt; i++)
        total += pc[i].n;
    hl = snprintf(hdr, sizeof(hdr), "$%zu\r\n", total);
    if (c->oom || !cache_reserve(&c->cmd, &c->cmd_cap, c->cmd_len, (size_t)hl + total + 2)) {
        c->oom = true;
        return;
    }
    memcpy(c->cmd + c->cmd_len, hdr, (size_t)hl);
    c->cmd_len += (size_t)hl;
    for (int i = 0; i < cnt; i++) {
        memcpy(c->cmd + c->cmd_len, pc[i].s, pc[i].n);
        c->cmd_len += pc[i].n;
    }
    c->cmd[c->cmd_len++] = '\r';
    c->cmd[c->cmd_len++] = '\n';
    c->cmd_argc++;
}

static void cache_arg(eng_cache_t *c, const char *s, size_t n)
{
    cache_piece_t pc = {s, n};
    cache_arg_v(c, &pc, 1);
}

static void cache_arg_str(eng_cache_t *c, const char *s)
{
    cache_arg(c, s, strlen(s));
}

static void cache_arg_i64(eng_cache_t *c, int64_t v)
{
    char b[32];
    int n = snprintf(b, sizeof(b), "%" PRId64, v);
    cache_arg(c, b, (size_t)n);
}

/* A double as Redis reads it back bit for bit (non-finite values as 0). */
static void cache_arg_dbl(eng_cache_t *c, double v)
{
    char b[40];
    int n = snprintf(b, sizeof(b), "%.17g", isfinite(v) ? v : 0.0);
    cache_arg(c, b, (size_t)n);
}

/* prefix + middle + tail as one argument (a key or a channel). */
static void cache_arg_key(eng_cache_t *c, const char *mid, size_t mid_len, const char *tail,
                          size_t tail_len)
{
    cache_piece_t pc[3] = {{c->prefix, c->prefix_len}, {mid, mid_len}, {tail, tail_len}};
    cache_arg_v(c, pc, 3);
}

/* prefix + "event:" + event_id + ":keys" */
static void cache_arg_index(eng_cache_t *c, const cache_view_t *v)
{
    cache_piece_t pc[4] = {
        {c->prefix, c->prefix_len}, {"event:", 6}, {v->event_id, v->event_len}, {":keys", 5}};
    cache_arg_v(c, pc, 4);
}

/* The item's own key: prefix + "score:" + key. */
static void cache_arg_item_key(eng_cache_t *c, const cache_view_t *v)
{
    cache_arg_key(c, cache_kind_pfx[v->kind].s, cache_kind_pfx[v->kind].n, v->key, v->key_len);
}

/* The index member: "score:" + key. */
static void cache_arg_member(eng_cache_t *c, const cache_view_t *v)
{
    cache_piece_t pc[2] = {cache_kind_pfx[v->kind], {v->key, v->key_len}};
    cache_arg_v(c, pc, 2);
}

static void cache_on_reply(redisAsyncContext *ac, void *r, void *priv);
static void cache_on_rewrite_reply(redisAsyncContext *ac, void *r, void *priv);
static void cache_on_handshake(redisAsyncContext *ac, void *r, void *priv);

/* Hand the formatted command to hiredis (queued; written when the socket is writable). */
static void cache_cmd_send(eng_cache_t *c, redisCallbackFn *fn)
{
    char hdr[16];
    int hl;

    if (c->oom || c->send_failed || !c->ac) {
        c->send_failed = true;
        return;
    }
    hl = snprintf(hdr, sizeof(hdr), "*%d\r\n", c->cmd_argc);
    SV_ASSERT(hl > 0 && hl <= CACHE_HDR_RESERVE);
    memcpy(c->cmd + CACHE_HDR_RESERVE - hl, hdr, (size_t)hl);
    if (redisAsyncFormattedCommand(c->ac, fn, c, c->cmd + CACHE_HDR_RESERVE - hl,
                                   c->cmd_len - CACHE_HDR_RESERVE + (size_t)hl) != REDIS_OK) {
        c->send_failed = true;
        return;
    }
    c->st.commands++;
    if (fn == cache_on_reply)
        c->pending_norm++;
    else if (fn == cache_on_rewrite_reply)
        c->pending_rw++;
    else
        c->handshake_left++;
}

/* ---------------------------------------------------------------------------------------------
 * the commands of an item
 */

/* SET key json [EX ttl] */
static void cache_write_value(eng_cache_t *c, const cache_view_t *v, redisCallbackFn *fn)
{
    cache_cmd_begin(c);
    cache_arg(c, "SET", 3);
    cache_arg_item_key(c, v);
    cache_arg(c, v->json, v->json_len);
    if (v->done) {
        cache_arg(c, "EX", 2);
        cache_arg_i64(c, c->ttl_s);
    }
    cache_cmd_send(c, fn);
}

/* The live set of its sport: ZADD when live (and the game not over), ZREM otherwise; a signal
 * of a known sport also leaves signals:live:_ when it may have been there. */
static void cache_write_live(eng_cache_t *c, const cache_view_t *v, bool also_unknown,
                             redisCallbackFn *fn)
{
    bool in = v->live && !v->done;

    cache_cmd_begin(c);
    cache_arg(c, in ? "ZADD" : "ZREM", 4);
    cache_arg_key(c, "signals:live:", 13, v->sport, v->sport_len);
    if (in)
        cache_arg_dbl(c, v->final);
    cache_arg(c, v->key, v->key_len);
    cache_cmd_send(c, fn);
    if (also_unknown && !(v->sport_len == 1 && v->sport[0] == '_')) {
        cache_cmd_begin(c);
        cache_arg(c, "ZREM", 4);
        cache_arg_key(c, "signals:live:", 13, "_", 1);
        cache_arg(c, v->key, v->key_len);
        cache_cmd_send(c, fn);
    }
}

/* PUBLISH prefix ch:sport {"type":"score","data":json} */
static void cache_write_publish(eng_cache_t *c, const cache_view_t *v)
{
    const char *type = v->kind == ENG_ITEM_SCORE ? "{\"type\":\"score\",\"data\":"
                                                   : "{\"type\":\"signal\",\"data\":";
    cache_piece_t msg[3] = {{type, strlen(type)}, {v->json, v->json_len}, {"}", 1}};

    cache_cmd_begin(c);
    cache_arg(c, "PUBLISH", 7);
    cache_arg_key(c, "ch:", 3, v->sport, v->sport_len);
    cache_arg_v(c, msg, 3);
    cache_cmd_send(c, cache_on_reply);
}

static void cache_view_of_item(cache_view_t *v, const eng_item_t *it)
{
    v->kind = it->kind;
    v->live = it->live;
    v->done = it->done;
    v->final = it->final;
    v->ts = it->ts;
    v->key = it->key;
    v->key_len = strlen(it->key);
    v->sport = it->sport && *it->sport ? it->sport : "_";
    v->sport_len = strlen(v->sport);
    v->event_id = it->event_id && *it->event_id ? it->event_id : "_";
    v->event_len = strlen(v->event_id);
    v->json = it->json;
    v->json_len = it->json_len;
}

static void cache_view_of_rec(const eng_cache_t *c, cache_view_t *v, const cache_rec_t *r)
{
    v->kind = r->kind;
    v->live = r->live;
    v->done = r->done;
    v->final = r->final;
    v->ts = r->ts;
    v->key = c->arena + r->key;
    v->key_len = r->key_len;
    v->sport = c->arena + r->sport;
    v->sport_len = r->sport_len;
    v->event_id = c->arena + r->event_id;
    v->event_len = r->event_len;
    v->json = c->arena + r->json;
    v->json_len = r->json_len;
}

/* ---------------------------------------------------------------------------------------------
 * connection
 */

static void cache_log_down(eng_cache_t *c, const char *reason)
{
    char q[300];

    if (c->down_logged) {
        LOG_DEBUG(CACHE_MOD, "redis_retry_failed", "addr=%s:%d reason=%s", c->url.host,
                  c->url.port, log_quote(q, sizeof(q), reason));
        return;
    }
    c->down_logged = true;
    LOG_WARN(CACHE_MOD, "redis_down",
             "err=SV_ERR_REDIS addr=%s:%d reason=%s retry_ms=%" PRId64
             " msg=\"writes dropped until redis is back, then the cache is rewritten\"",
             c->url.host, c->url.port, log_quote(q, sizeof(q), reason), c->backoff_ms);
}

static void cache_schedule_retry(eng_cache_t *c)
{
    struct timeval tv = {.tv_sec = c->backoff_ms / 1000, .tv_usec = (c->backoff_ms % 1000) * 1000};

    c->conn = CACHE_DOWN;
    evtimer_add(c->retry_ev, &tv);
    c->backoff_ms = c->backoff_ms * 2 > c->backoff_max_ms ? c->backoff_max_ms : c->backoff_ms * 2;
}

/* An attempt failed or a connection was lost (ac already gone): count, log, retry later. */
static void cache_went_down(eng_cache_t *c, const char *reason, bool count)
{
    if (count)
        c->st.errors++;
    evtimer_del(c->timeout_ev);
    c->need_rewrite = true;
    cache_log_down(c, reason);
    cache_schedule_retry(c);
}

/* Free our connection from outside hiredis callbacks (timeouts, eng_cache_free). */
static void cache_conn_close(eng_cache_t *c)
{
    redisAsyncContext *ac = c->ac;

    if (!ac)
        return;
    c->closing = true;
    redisAsyncFree(ac); /* abandons pending replies (callbacks get NULL) */
    c->closing = false;
    c->ac = NULL;
}

static void cache_up(eng_cache_t *c)
{
    evtimer_del(c->timeout_ev);
    c->conn = CACHE_UP;
    c->backoff_ms = CACHE_BACKOFF_MIN_MS;
    c->st.connects++;
    c->down_logged = false;
    c->err_logged = false;
    c->need_rewrite = true;
    LOG_INFO(CACHE_MOD, "redis_up", "addr=%s:%d db=%d connects=%" PRIu64 " rewrite=1",
             c->url.host, c->url.port, c->url.db, c->st.connects);
    event_active(c->kick_ev, EV_TIMEOUT, 0);
}

static void cache_count_error_reply(eng_cache_t *c, const redisReply *r)
{
    char q[300];

    c->st.errors++;
    if (c->err_logged)
        return;
    c->err_logged = true;
    LOG_WARN(CACHE_MOD, "redis_error_reply", "err=SV_ERR_REDIS addr=%s:%d reply=%s",
             c->url.host, c->url.port, log_quote(q, sizeof(q), r->str ? r->str : ""));
}

static void cache_on_handshake(redisAsyncContext *ac, void *r, void *priv)
{
    eng_cache_t *c = priv;
    const redisReply *rep = r;
    char reason[300];

    UNUSED(ac);
    c->handshake_left--;
    if (!rep || c->handshake_failed)
        return; /* connection lost (the disconnect callback handles it), or already failing */
    if (rep->type == REDIS_REPLY_ERROR) {
        c->st.errors++;
        c->handshake_failed = true;
        snprintf(reason, sizeof(reason), "handshake: %s", rep->str ? rep->str : "error");
        c->need_rewrite = true;
        cache_log_down(c, reason);
        redisAsyncDisconnect(c->ac); /* after the replies awaited; then the disconnect cb */
        return;
    }
    if (c->handshake_left == 0 && c->conn == CACHE_HANDSHAKE)
        cache_up(c);
}

static void cache_on_connect(const redisAsyncContext *cac, int status)
{
    eng_cache_t *c = cac->data;
    char reason[300];

    if (status != REDIS_OK) {
        /* hiredis frees the context after this returns, without the disconnect callback */
        snprintf(reason, sizeof(reason), "connect: %s", cac->errstr ? cac->errstr : "failed");
        c->ac = NULL;
        cache_went_down(c, reason, true);
        return;
    }
    c->conn = CACHE_HANDSHAKE;
    c->handshake_failed = false;
    c->handshake_left = 0;
    redisEnableKeepAlive(&c->ac->c);
    if (c->url.password[0]) {
        cache_cmd_begin(c);
        cache_arg(c, "AUTH", 4);
        if (c->url.user[0] && strcmp(c->url.user, "default") != 0)
            cache_arg_str(c, c->url.user);
        cache_arg_str(c, c->url.password);
        cache_cmd_send(c, cache_on_handshake);
    }
    if (c->url.db != 0) {
        cache_cmd_begin(c);
        cache_arg(c, "SELECT", 6);
        cache_arg_i64(c, c->url.db);
        cache_cmd_send(c, cache_on_handshake);
    }
    /* and a PING: up only once a Redis has answered (not merely a TCP peer) */
    cache_cmd_begin(c);
    cache_arg(c, "PING", 4);
    cache_cmd_send(c, cache_on_handshake);
    if (c->send_failed) {
        /* out of memory: leave the connection to the attempt's timeout (freeing it from
         * inside hiredis' connect handling is not safe in 0.14) */
        c->send_failed = false;
        c->handshake_failed = true;
        c->st.errors++;
        cache_log_down(c, "handshake: out of memory");
        return;
    }
}

static void cache_on_disconnect(const redisAsyncContext *cac, int status)
{
    eng_cache_t *c = cac->data;
    char reason[300];

    c->ac = NULL; /* hiredis frees it after this returns */
    c->pending_norm = c->pending_rw = 0;
    c->handshake_left = 0;
    if (c->closing)
        return;
    if (c->handshake_failed) {
        cache_went_down(c, "handshake failed", false); /* counted and logged already */
        return;
    }
    snprintf(reason, sizeof(reason), "connection lost: %s",
             status == REDIS_OK ? "closed" : (cac->errstr ? cac->errstr : "error"));
    cache_went_down(c, reason, true);
}

static void cache_connect_addr(eng_cache_t *c, const char *addr)
{
    redisAsyncContext *ac;
    char reason[300];

    snprintf(c->addr, sizeof(c->addr), "%s", addr);
    ac = redisAsyncConnect(addr, c->url.port);
    if (!ac) {
        cache_went_down(c, "connect: out of memory", true);
        return;
    }
    if (ac->err) {
        snprintf(reason, sizeof(reason), "connect: %s", ac->errstr);
        redisAsyncFree(ac); /* not attached to the loop yet */
        cache_went_down(c, reason, true);
        return;
    }
    ac->data = c;
    if (redisLibeventAttach(ac, c->base) != REDIS_OK) {
        redisAsyncFree(ac);
        cache_went_down(c, "connect: cannot attach to the loop", true);
        return;
    }
    redisAsyncSetConnectCallback(ac, cache_on_connect);
    redisAsyncSetDisconnectCallback(ac, cache_on_disconnect);
    c->ac = ac;
    c->conn = CACHE_CONNECTING;
}

static void cache_on_lookup(int result, struct evutil_addrinfo *res, void *arg)
{
    cache_lookup_t *lk = arg;
    eng_cache_t *c = lk->c;
    char addr[INET6_ADDRSTRLEN], reason[300];

    free(lk);
    if (!c) { /* abandoned: timed out, or the cache is gone */
        if (res)
            evutil_freeaddrinfo(res);
        return;
    }
    c->lookup = NULL;
    if (result != 0 || !res) {
        snprintf(reason, sizeof(reason), "resolve %s: %s", c->url.host,
                 result ? evutil_gai_strerror(result) : "no address");
        if (res)
            evutil_freeaddrinfo(res);
        cache_went_down(c, reason, true);
        return;
    }
    sv_addrinfo_text(res, addr, sizeof(addr));
    evutil_freeaddrinfo(res);
    cache_connect_addr(c, addr);
}

/* Stop waiting for a lookup in flight (its callback will free it). */
static void cache_lookup_abandon(eng_cache_t *c)
{
    cache_lookup_t *lk = c->lookup;

    if (!lk)
        return;
    c->lookup = NULL;
    lk->c = NULL;
    if (lk->req)
        evdns_getaddrinfo_cancel(lk->req);
}

static void cache_on_retry(evutil_socket_t fd, short what, void *arg)
{
    eng_cache_t *c = arg;
    int64_t ms = c->connect_timeout_ms;
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

    UNUSED(fd);
    UNUSED(what);
    if (c->conn != CACHE_DOWN)
        return;
    if (c->attempted)
        c->st.reconnects++;
    c->attempted = true;
    evtimer_add(c->timeout_ev, &tv);
    if (c->host_numeric) {
        cache_connect_addr(c, c->url.host);
        return;
    }
    struct evutil_addrinfo hints;
    cache_lookup_t *lk = calloc(1, sizeof(*lk));
    if (!lk) {
        cache_went_down(c, "resolve: out of memory", true);
        return;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    lk->c = c;
    c->lookup = lk;
    c->conn = CACHE_RESOLVING;
    struct evdns_getaddrinfo_request *req =
        evdns_getaddrinfo(c->dns, c->url.host, NULL, &hints, cache_on_lookup, lk);
    if (req && c->lookup == lk)
        lk->req = req; /* still in flight (an immediate answer has freed lk already) */
}

static void cache_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    eng_cache_t *c = arg;
    char reason[120];

    UNUSED(fd);
    UNUSED(what);
    snprintf(reason, sizeof(reason), "%s timed out after %" PRId64 " ms",
             c->conn == CACHE_RESOLVING ? "resolve" : c->conn == CACHE_CONNECTING ? "connect"
                                                                                 : "handshake",
             c->connect_timeout_ms);
    switch (c->conn) {
    case CACHE_RESOLVING:
        cache_lookup_abandon(c);
        break;
    case CACHE_CONNECTING:
    case CACHE_HANDSHAKE:
        cache_conn_close(c);
        break;
    case CACHE_DOWN:
    case CACHE_UP:
        return;
    }
    cache_went_down(c, reason, true);
}

/* ---------------------------------------------------------------------------------------------
 * backlog and rewrite
 */

/* Something was not written: rewrite everything once the backlog allows it. */
static void cache_want_rewrite(eng_cache_t *c)
{
    c->need_rewrite = true;
    if (c->conn == CACHE_UP && c->pending_norm == 0)
        event_active(c->kick_ev, EV_TIMEOUT, 0);
}

/* Whether normal writes go out now; notices a backlog past pending_max. */
static bool cache_writable(eng_cache_t *c)
{
    if (c->conn != CACHE_UP || c->need_rewrite)
        return false;
    if (c->pending_norm > c->pending_max) {
        c->need_rewrite = true;
        c->st.behind = true;
        LOG_WARN(CACHE_MOD, "redis_behind",
                 "err=SV_ERR_REDIS pending=%" PRIu64 " pending_max=%" PRIu64
                 " msg=\"writes dropped until redis catches up, then the cache is rewritten\"",
                 c->pending_norm, c->pending_max);
        return false;
    }
    return true;
}

static void cache_reply_common(eng_cache_t *c, const redisReply *rep)
{
    if (rep && rep->type == REDIS_REPLY_ERROR)
        cache_count_error_reply(c, rep);
}

static void cache_on_reply(redisAsyncContext *ac, void *r, void *priv)
{
    eng_cache_t *c = priv;

    UNUSED(ac);
    if (c->pending_norm > 0)
        c->pending_norm--;
    cache_reply_common(c, r);
    if (r && c->pending_norm == 0 && c->need_rewrite && c->conn == CACHE_UP)
        event_active(c->kick_ev, EV_TIMEOUT, 0);
}

static void cache_on_rewrite_reply(redisAsyncContext *ac, void *r, void *priv)
{
    eng_cache_t *c = priv;

    UNUSED(ac);
    if (c->pending_rw > 0)
        c->pending_rw--;
    cache_reply_common(c, r);
}

/* Whether this rewrite has reset the index set of v's event already; remembers it if not. */
static bool cache_seen_event(eng_cache_t *c, const cache_view_t *v)
{
    uint64_t h = eng_htab_hash_str(0, v->event_id);
    eng_htab_it_t it;
    uint32_t idx;

    eng_htab_probe(&c->seen, h, &it);
    while ((idx = eng_htab_next(&c->seen, &it)) != ENG_HTAB_NONE)
        if (strcmp(c->seen_buf + c->seen_off[idx], v->event_id) == 0)
            return true;
    if (c->seen_cnt == c->seen_cap2) {
        size_t n = c->seen_cap2 ? c->seen_cap2 * 2 : 256;
        size_t *no = realloc(c->seen_off, n * sizeof(*no));
        if (!no)
            goto oom;
        c->seen_off = no;
        c->seen_cap2 = n;
    }
    if (!cache_reserve(&c->seen_buf, &c->seen_cap, c->seen_len, v->event_len + 1))
        goto oom;
    if (eng_htab_insert(&c->seen, h, (uint32_t)c->seen_cnt) != SV_OK)
        goto oom;
    memcpy(c->seen_buf + c->seen_len, v->event_id, v->event_len + 1);
    c->seen_off[c->seen_cnt++] = c->seen_len;
    c->seen_len += v->event_len + 1;
    return false;
oom:
    c->oom = true; /* the rewrite is abandoned and retried */
    c->send_failed = true;
    return true;
}

/* One item of a rewrite: its value, its index set (reset once per event), its live set. */
static void cache_rewrite_item(void *ctx, const eng_item_t *it)
{
    eng_cache_t *c = ctx;
    cache_view_t v;

    if (c->send_failed)
        return;
    cache_view_of_item(&v, it);
    c->rw_items++;
    if (v.ts > c->rw_max_ts)
        c->rw_max_ts = v.ts;
    cache_write_value(c, &v, cache_on_rewrite_reply);
    if (!cache_seen_event(c, &v)) {
        cache_cmd_begin(c);
        cache_arg(c, "DEL", 3);
        cache_arg_index(c, &v);
        cache_cmd_send(c, cache_on_rewrite_reply);
    }
    cache_cmd_begin(c);
    cache_arg(c, "SADD", 4);
    cache_arg_index(c, &v);
    cache_arg_member(c, &v);
    cache_cmd_send(c, cache_on_rewrite_reply);
    if (v.done) {
        cache_cmd_begin(c);
        cache_arg(c, "EXPIRE", 6);
        cache_arg_index(c, &v);
        cache_arg_i64(c, c->ttl_s);
        cache_cmd_send(c, cache_on_rewrite_reply);
    }
    if (v.kind == ENG_ITEM_SIGNAL) {
        if (v.sport_len == 1 && v.sport[0] == '_')
            c->unknown_sport_signals = true;
        cache_write_live(c, &v, true, cache_on_rewrite_reply);
    }
}

static void cache_rewrite(eng_cache_t *c)
{
    uint64_t cmds0 = c->st.commands;

    if (c->conn != CACHE_UP || !c->need_rewrite || c->pending_norm > 0 || !c->ac)
        return;
    eng_htab_release(&c->seen);
    c->seen_len = c->seen_cnt = 0;
    c->send_failed = false;
    c->rw_items = 0;
    c->rw_max_ts = CACHE_NO_TS;
    c->iter(c->iter_arg, cache_rewrite_item, c);
    if (c->rw_max_ts != CACHE_NO_TS) {
        cache_cmd_begin(c);
        cache_arg(c, "HSET", 4);
        cache_arg_key(c, "meta", 4, "", 0);
        cache_arg(c, "ts", 2);
        cache_arg_i64(c, c->rw_max_ts);
        cache_cmd_send(c, cache_on_rewrite_reply);
    }
    cache_cmd_begin(c);
    cache_arg(c, "HINCRBY", 7);
    cache_arg_key(c, "meta", 4, "", 0);
    cache_arg(c, "rewrites", 8);
    cache_arg_i64(c, 1);
    cache_cmd_send(c, cache_on_rewrite_reply);
    eng_htab_release(&c->seen);
    c->seen_len = c->seen_cnt = 0;
    if (c->send_failed) {
        /* out of memory, or the connection is going away: its callbacks retry later */
        c->send_failed = false;
        LOG_WARN(CACHE_MOD, "rewrite_incomplete", "err=SV_ERR_REDIS items=%zu", c->rw_items);
        if (c->ac && !(c->ac->c.flags & (REDIS_DISCONNECTING | REDIS_FREEING))) {
            /* out of memory, the connection is fine: start over on a fresh one */
            cache_conn_close(c);
            cache_went_down(c, "out of memory during a rewrite", true);
        }
        return;
    }
    c->meta_ts = c->rw_max_ts;
    c->need_rewrite = false;
    c->st.behind = false;
    c->st.rewrites++;
    c->st.rewrite_items += c->rw_items;
    LOG_INFO(CACHE_MOD, "rewrite", "items=%zu commands=%" PRIu64 " rewrites=%" PRIu64,
             c->rw_items, c->st.commands - cmds0, c->st.rewrites);
}

static void cache_on_kick(evutil_socket_t fd, short what, void *arg)
{
    UNUSED(fd);
    UNUSED(what);
    cache_rewrite(arg);
}

/* ---------------------------------------------------------------------------------------------
 * public
 */

eng_cache_t *eng_cache_new(struct event_base *base, const eng_cache_conf_t *conf,
                           eng_item_iter_fn *iter, void *iter_arg, char *errstr,
                           size_t errstr_size)
{
    eng_cache_t *c;
    const char *prefix = conf->prefix ? conf->prefix : "";
    struct in6_addr a6;
    struct in_addr a4;

    if (conf->ttl_final_s < 1) {
        snprintf(errstr, errstr_size, "redis.ttl_final_s: must be >= 1 (got %" PRId64 ")",
                 conf->ttl_final_s);
        return NULL;
    }
    if (conf->backoff_max_ms < CACHE_BACKOFF_MIN_MS) {
        snprintf(errstr, errstr_size, "redis.backoff_max_ms: must be >= %d (got %" PRId64 ")",
                 CACHE_BACKOFF_MIN_MS, conf->backoff_max_ms);
        return NULL;
    }
    if (conf->pending_max < 1) {
        snprintf(errstr, errstr_size, "redis.pending_max: must be >= 1 (got %" PRId64 ")",
                 conf->pending_max);
        return NULL;
    }
    if (conf->connect_timeout_ms < 0) {
        snprintf(errstr, errstr_size, "connect timeout: must be >= 0 ms (got %" PRId64 ")",
                 conf->connect_timeout_ms);
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(errstr, errstr_size, "redis cache: out of memory");
        return NULL;
    }
    if (eng_cache_url_parse(conf->url, &c->url, errstr, errstr_size) != SV_OK) {
        free(c);
        return NULL;
    }
    c->base = base;
    c->iter = iter;
    c->iter_arg = iter_arg;
    c->prefix = strdup(prefix);
    c->prefix_len = strlen(prefix);
    c->ttl_s = conf->ttl_final_s;
    c->backoff_max_ms = conf->backoff_max_ms;
    c->pending_max = (uint64_t)conf->pending_max;
    c->connect_timeout_ms =
        conf->connect_timeout_ms ? conf->connect_timeout_ms : ENG_CACHE_CONNECT_TIMEOUT_MS;
    c->backoff_ms = CACHE_BACKOFF_MIN_MS;
    c->conn = CACHE_DOWN;
    c->need_rewrite = true;
    c->meta_ts = CACHE_NO_TS;
    eng_htab_init(&c->seen);
    c->host_numeric = inet_pton(AF_INET, c->url.host, &a4) == 1 ||
                      inet_pton(AF_INET6, c->url.host, &a6) == 1;
    c->retry_ev = evtimer_new(base, cache_on_retry, c);
    c->timeout_ev = evtimer_new(base, cache_on_timeout, c);
    c->kick_ev = event_new(base, -1, 0, cache_on_kick, c);
    if (!c->prefix || !c->retry_ev || !c->timeout_ev || !c->kick_ev)
        goto oom;
    if (!c->host_numeric) {
        c->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
                                          EVDNS_BASE_DISABLE_WHEN_INACTIVE);
        if (!c->dns) {
            snprintf(errstr, errstr_size, "redis.url: cannot start the resolver for \"%s\"",
                     c->url.host);
            eng_cache_free(c);
            return NULL;
        }
    }
    /* the first attempt at the loop's next turn: no I/O here */
    event_active(c->retry_ev, EV_TIMEOUT, 0);
    return c;
oom:
    snprintf(errstr, errstr_size, "redis cache: out of memory");
    eng_cache_free(c);
    return NULL;
}

void eng_cache_put(eng_cache_t *c, const eng_item_t *it)
{
    size_t kl, sl, el, need;
    const char *sport, *event_id;
    cache_rec_t *r;

    c->st.puts++;
    if (!cache_writable(c)) {
        c->st.dropped++;
        return;
    }
    sport = it->sport && *it->sport ? it->sport : "_";
    event_id = it->event_id && *it->event_id ? it->event_id : "_";
    kl = strlen(it->key);
    sl = strlen(sport);
    el = strlen(event_id);
    need = kl + sl + el + it->json_len + 4;
    if (c->rec_cnt == c->rec_cap) {
        size_t n = c->rec_cap ? c->rec_cap * 2 : 256;
        cache_rec_t *nr = realloc(c->recs, n * sizeof(*nr));
        if (!nr)
            goto oom;
        c->recs = nr;
        c->rec_cap = n;
    }
    if (!cache_reserve(&c->arena, &c->arena_cap, c->arena_len, need))
        goto oom;
    r = &c->recs[c->rec_cnt++];
    r->kind = it->kind;
    r->live = it->live;
    r->done = it->done;
    r->final = it->final;
    r->ts = it->ts;
    r->key = c->arena_len;
    r->key_len = kl;
    memcpy(c->arena + c->arena_len, it->key, kl + 1);
    c->arena_len += kl + 1;
    r->sport = c->arena_len;
    r->sport_len = sl;
    memcpy(c->arena + c->arena_len, sport, sl + 1);
    c->arena_len += sl + 1;
    r->event_id = c->arena_len;
    r->event_len = el;
    memcpy(c->arena + c->arena_len, event_id, el + 1);
    c->arena_len += el + 1;
    r->json = c->arena_len;
    r->json_len = it->json_len;
    memcpy(c->arena + c->arena_len, it->json, it->json_len);
    c->arena[c->arena_len + it->json_len] = '\0';
    c->arena_len += it->json_len + 1;
    return;
oom:
    /* the item is lost from this turn: a rewrite puts it back */
    c->st.dropped++;
    c->st.errors++;
    cache_want_rewrite(c);
}

void eng_cache_flush(eng_cache_t *c)
{
    size_t n = c->rec_cnt, i, j;
    int64_t max_ts = CACHE_NO_TS;
    uint64_t cmds0 = c->st.commands;
    cache_view_t v;

    if (n == 0)
        return;
    c->rec_cnt = 0;
    c->arena_len = 0;
    if (!cache_writable(c)) {
        c->st.dropped += n;
        return;
    }
    c->send_failed = false;
    for (i = 0; i < n; i = j) {
        bool any_done = false;
        const cache_rec_t *r0 = &c->recs[i];

        /* a run of items of one game: one SADD for its index set */
        for (j = i; j < n; j++) {
            const cache_rec_t *r = &c->recs[j];
            if (r->event_len != r0->event_len ||
                memcmp(c->arena + r->event_id, c->arena + r0->event_id, r0->event_len) != 0)
                break;
            cache_view_of_rec(c, &v, r);
            any_done |= v.done;
            if (v.ts > max_ts)
                max_ts = v.ts;
            cache_write_value(c, &v, cache_on_reply);
            if (v.kind != ENG_ITEM_MARKET)
                cache_write_publish(c, &v);
            if (v.kind == ENG_ITEM_SIGNAL) {
                if (v.sport_len == 1 && v.sport[0] == '_')
                    c->unknown_sport_signals = true;
                cache_write_live(c, &v, c->unknown_sport_signals, cache_on_reply);
            }
        }
        cache_view_of_rec(c, &v, r0);
        cache_cmd_begin(c);
        cache_arg(c, "SADD", 4);
        cache_arg_index(c, &v);
        for (size_t k = i; k < j; k++) {
            cache_view_t vk;
            cache_view_of_rec(c, &vk, &c->recs[k]);
            cache_arg_member(c, &vk);
        }
        cache_cmd_send(c, cache_on_reply);
        if (any_done) {
            cache_cmd_begin(c);
            cache_arg(c, "EXPIRE", 6);
            cache_arg_index(c, &v);
            cache_arg_i64(c, c->ttl_s);
            cache_cmd_send(c, cache_on_reply);
        }
    }
    if (max_ts != CACHE_NO_TS && (c->meta_ts == CACHE_NO_TS || max_ts > c->meta_ts)) {
        cache_cmd_begin(c);
        cache_arg(c, "HSET", 4);
        cache_arg_key(c, "meta", 4, "", 0);
        cache_arg(c, "ts", 2);
        cache_arg_i64(c, max_ts);
        cache_cmd_send(c, cache_on_reply);
        c->meta_ts = max_ts;
    }
    if (c->st.commands > cmds0)
        c->st.pipelines++;
    if (c->send_failed) {
        /* out of memory or the connection is going away: what was not sent is rewritten */
        c->send_failed = false;
        c->st.dropped += n;
        c->st.errors++;
        cache_want_rewrite(c);
        return;
    }
    c->st.written += n;
}

void eng_cache_stats(const eng_cache_t *c, eng_cache_stats_t *st)
{
    *st = c->st;
    st->connected = c->conn == CACHE_UP;
    st->pending = c->pending_norm + c->pending_rw + (uint64_t)c->handshake_left;
}

bool eng_cache_connected(const eng_cache_t *c)
{
    return c->conn == CACHE_UP;
}

void eng_cache_free(eng_cache_t *c)
{
    if (!c)
        return;
    cache_lookup_abandon(c);
    cache_conn_close(c);
    if (c->dns)
        evdns_base_free(c->dns, 0);
    if (c->retry_ev)
        event_free(c->retry_ev);
    if (c->timeout_ev)
        event_free(c->timeout_ev);
    if (c->kick_ev)
        event_free(c->kick_ev);
    eng_htab_release(&c->seen);
    free(c->seen_buf);
    free(c->seen_off);
    free(c->arena);
    free(c->recs);
    free(c->cmd);
    free(c->prefix);
    free(c);
}
