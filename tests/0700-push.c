/*
 * 0700-push — the engine's HTTP port (engine/http.h) and push subscribers (engine/push.h).
 *
 * Each in-process test runs an event_base with eng_http + eng_api + eng_push on 127.0.0.1:0, a
 * test item store as the snapshot source and a test token resolver standing in for the
 * PostgreSQL store (answers at once or after a delay, or "unavailable"), and talks to it with real clients: Debian's
 * python3-websockets and Python's http.client (tests/ws-client.py, run as a child process whose
 * JSON-lines output is compared exactly), and raw sockets written here for what a polite client
 * library will not do (never read, never answer a ping, send unmasked frames).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "api.h"
#include "harness.h"
#include "http.h"
#include "item.h"
#include "push.h"
#include "sv_util.h"
#include "tokens.h"

#define T_TOKEN "s3cret-token"
#define T_PY "/usr/bin/python3"

/* ---------------------------------------------------------------------------------------- */
/* environment: loop, http, api, push, item store, token resolver */

/* A token lookup the test resolver answers later. */
typedef struct t_lookup {
    struct t_lookup *next;
    struct t_res *res;
    struct event *ev;            /* the delay */
    char hash[65];
    eng_api_resolved_fn *done;
    void *ctx;
} t_lookup_t;

/* The test resolver: known tokens by their SHA-256, answered after delay_ms (0: at once). */
typedef struct t_res {
    struct event_base *base;
    int delay_ms;
    bool down;                   /* answer SV_ERR_UNAVAILABLE */
    bool revoked;                /* "user-read" is revoked */
    unsigned calls;              /* lookups asked */
    t_lookup_t *pending;         /* not yet answered */
} t_res_t;

typedef struct t_env {
    struct event_base *base;
    eng_http_t *http;
    eng_api_t *api;
    t_res_t res;
    eng_push_t *push;
    int port;
    const eng_item_t *items; /* the snapshot source */
    size_t item_cnt;
    char dir[64];            /* temp dir for client output */
} t_env_t;

static void t_iter(void *arg, eng_item_fn *fn, void *ctx)
{
    t_env_t *env = arg;
    for (size_t i = 0; i < env->item_cnt; i++)
        fn(ctx, &env->items[i]);
}

static eng_item_t t_item(eng_item_kind_t kind, const char *key, const char *sport,
                         const char *event_id, const char *market, int tier, bool live,
                         const char *json)
{
    eng_item_t it;
    memset(&it, 0, sizeof(it));
    it.kind = kind;
    it.key = key;
    it.sport = sport;
    it.event_id = event_id;
    it.market = market;
    it.player = "";
    it.has_tier = tier >= 0;
    it.tier = tier >= 0 ? (wire_tier_t)tier : WIRE_TIER_PASS;
    it.live = live;
    it.ts = 1;
    it.json = json;
    it.json_len = strlen(json);
    return it;
}

/* The store's tokens: "user-read" (read and bet), "user-bet" (bet only: no read scope),
 * "user-two" (read). */
static void t_res_answer(t_res_t *res, const char *hash, eng_api_resolved_fn *done, void *ctx)
{
    static const struct {
        const char *token;
        unsigned scopes;
    } known[] = {{"user-read", ENG_SCOPE_READ | ENG_SCOPE_BET},
                 {"user-bet", ENG_SCOPE_BET},
                 {"user-two", ENG_SCOPE_READ}};
    eng_api_principal_t p;

    if (res->down) {
        done(ctx, NULL, SV_ERR_UNAVAILABLE);
        return;
    }
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        char h[65];
        if (eng_token_hash(known[i].token, h) != SV_OK || strcmp(h, hash) != 0)
            continue;
        if (i == 0 && res->revoked)
            break;
        memset(&p, 0, sizeof(p));
        p.user_id = 7 + (int64_t)i;
        snprintf(p.email, sizeof(p.email), "%s@example.com", known[i].token);
        snprintf(p.role, sizeof(p.role), "user");
        p.scopes = known[i].scopes;
        done(ctx, &p, SV_OK);
        return;
    }
    done(ctx, NULL, SV_OK);
}

static void t_res_later(evutil_socket_t fd, short what, void *arg)
{
    t_lookup_t *l = arg, **pp;
    (void)fd;
    (void)what;
    for (pp = &l->res->pending; *pp != l; pp = &(*pp)->next)
        ;
    *pp = l->next;
    t_res_answer(l->res, l->hash, l->done, l->ctx);
    event_free(l->ev);
    free(l);
}

static void t_resolve(void *arg, const char *hash_hex, eng_api_resolved_fn *done, void *ctx)
{
    t_res_t *res = arg;
    struct timeval tv = {res->delay_ms / 1000, (res->delay_ms % 1000) * 1000};
    t_lookup_t *l;

    res->calls++;
    if (!res->delay_ms) {
        t_res_answer(res, hash_hex, done, ctx);
        return;
    }
    l = calloc(1, sizeof(*l));
    l->res = res;
    snprintf(l->hash, sizeof(l->hash), "%s", hash_hex);
    l->done = done;
    l->ctx = ctx;
    l->ev = evtimer_new(res->base, t_res_later, l);
    evtimer_add(l->ev, &tv);
    l->next = res->pending;
    res->pending = l;
}

/* Answer whatever is still pending (as the store does when it is freed). */
static void t_res_release(t_res_t *res)
{
    while (res->pending)
        t_res_later(-1, 0, res->pending);
}

/* The bootstrap token of the next t_env_start() (NULL: T_TOKEN). */
static const char *t_bootstrap;

static void t_conf_default(eng_push_conf_t *c)
{
    memset(c, 0, sizeof(*c));
    c->queue_max = 4096;
    c->out_max_bytes = 4 << 20;
    c->ping_s = 20;
    c->idle_s = 60;
    c->max_subscribers = 100;
}

static int t_env_start(t_env_t *env, const eng_push_conf_t *conf, const eng_item_t *items,
                       size_t n)
{
    char errstr[256];
    eng_push_conf_t c;

    memset(env, 0, sizeof(*env));
    signal(SIGPIPE, SIG_IGN);
    env->items = items;
    env->item_cnt = n;
    snprintf(env->dir, sizeof(env->dir), "/tmp/savant-push.XXXXXX");
    if (!mkdtemp(env->dir))
        return -1;
    if (!conf) {
        t_conf_default(&c);
        conf = &c;
    }
    env->base = event_base_new();
    env->http = env->base ? eng_http_new(env->base, "127.0.0.1:0", errstr, sizeof(errstr)) : NULL;
    if (!env->http) {
        fprintf(stderr, "    eng_http_new: %s\n", errstr);
        return -1;
    }
    env->port = eng_http_port(env->http);
    {
        eng_api_conf_t ac;
        memset(&ac, 0, sizeof(ac));
        ac.bootstrap_token = t_bootstrap ? t_bootstrap : T_TOKEN;
        env->api = eng_api_new(env->base, env->http, &ac, errstr, sizeof(errstr));
        if (!env->api) {
            fprintf(stderr, "    eng_api_new: %s\n", errstr);
            return -1;
        }
        env->res.base = env->base;
        if (!t_bootstrap || *t_bootstrap) /* an empty bootstrap: no store either */
            eng_api_set_resolver(env->api, t_resolve, &env->res);
    }
    env->push = eng_push_new(env->base, env->http, env->api, conf, t_iter, env, errstr,
                             sizeof(errstr));
    if (!env->push) {
        fprintf(stderr, "    eng_push_new: %s\n", errstr);
        return -1;
    }
    return 0;
}

static void t_env_stop(t_env_t *env)
{
    char cmd[128];
    eng_push_free(env->push);
    t_res_release(&env->res); /* the store is freed before the API (engine/main.c) */
    eng_api_free(env->api);
    eng_http_free(env->http);
    if (env->base)
        event_base_free(env->base);
    if (env->dir[0] && strncmp(env->dir, "/tmp/savant-push.", 17) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "    cannot remove %s\n", env->dir);
    }
    memset(env, 0, sizeof(*env));
}

/* Run the loop for about ms milliseconds. */
static void t_pump(t_env_t *env, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    event_base_loopexit(env->base, &tv);
    event_base_dispatch(env->base);
}

static double t_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static eng_push_stats_t t_st(t_env_t *env)
{
    eng_push_stats_t st;
    eng_push_stats(env->push, &st);
    return st;
}

/* Pump until cond (an expression over the stats `st`) holds or secs pass, then assert it. */
#define T_WAIT(env, secs, cond)                                                                    \
    do {                                                                                           \
        double t_dl_ = t_now() + (secs);                                                           \
        eng_push_stats_t st = t_st(env);                                                           \
        while (!(cond) && t_now() < t_dl_) {                                                       \
            t_pump(env, 2);                                                                        \
            st = t_st(env);                                                                        \
        }                                                                                          \
        if (!(cond))                                                                               \
            T_FAILF("timed out waiting for %s", #cond);                                            \
    } while (0)

/* ---------------------------------------------------------------------------------------- */
/* child clients (tests/ws-client.py) */

static pid_t t_spawn(t_env_t *env, const char *name, const char *const *args)
{
    static char script[4096];
    char out[128];
    const char *argv[24];
    size_t n = 0;
    pid_t pid;

    snprintf(out, sizeof(out), "%s/%s.out", env->dir, name);
    snprintf(script, sizeof(script), "%s", t_path("tests/ws-client.py"));
    argv[n++] = T_PY;
    argv[n++] = script;
    for (; *args && n < SV_ARRAY_SIZE(argv) - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
        execv(T_PY, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Whether pid has exited (reaped); *status its exit code. */
static bool t_child_done(pid_t pid, int *status)
{
    int st;
    if (waitpid(pid, &st, WNOHANG) != pid)
        return false;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return true;
}

static char *t_slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *buf;
    long n;
    if (!fp)
        return strdup("");
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n)
        buf[0] = '\0';
    fclose(fp);
    return buf;
}

static char *t_output(t_env_t *env, const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s.out", env->dir, name);
    return t_slurp(path);
}

/* The lines of text that do not start with `skip` ("" keeps all). */
static char *t_lines_without(const char *text, const char *skip)
{
    char *out = calloc(1, strlen(text) + 1), *o = out;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (!*skip || strncmp(p, skip, strlen(skip)) != 0) {
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    return out;
}

static char *t_url(t_env_t *env, const char *scheme, const char *path_query)
{
    static char url[8][512];
    static int n;
    char *u = url[n++ % 8];
    snprintf(u, sizeof(url[0]), "%s://127.0.0.1:%d%s", scheme, env->port, path_query);
    return u;
}

/* ---------------------------------------------------------------------------------------- */
/* raw sockets */

typedef struct t_raw {
    int fd;
    unsigned char *buf;
    size_t len, cap;
    bool eof;
} t_raw_t;

typedef struct t_frame {
    int fin, opcode;
    size_t len;
    char *payload; /* NUL-terminated copy */
} t_frame_t;

static int t_raw_connect(t_env_t *env, t_raw_t *r, int rcvbuf)
{
    struct sockaddr_in sa;
    memset(r, 0, sizeof(*r));
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->fd < 0)
        return -1;
    if (rcvbuf > 0)
        setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)env->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        return -1;
    fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

static void t_raw_close(t_raw_t *r)
{
    if (r->fd > 0)
        close(r->fd);
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

static int t_raw_send(t_env_t *env, t_raw_t *r, const void *data, size_t len)
{
    const char *p = data;
    double dl = t_now() + 10;
    while (len) {
        ssize_t n = send(r->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR) && t_now() < dl) {
            t_pump(env, 1);
        } else {
            return -1;
        }
    }
    return 0;
}

/* Read what is there (no waiting); returns bytes read. */
static size_t t_raw_poll(t_raw_t *r)
{
    size_t total = 0;
    for (;;) {
        ssize_t n;
        if (r->cap - r->len < 65536) {
            r->cap = r->cap ? r->cap * 2 : 1 << 17;
            r->buf = realloc(r->buf, r->cap);
        }
        n = recv(r->fd, r->buf + r->len, r->cap - r->len - 1, 0);
        if (n > 0) {
            r->len += (size_t)n;
            total += (size_t)n;
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            r->eof = true;
        break;
    }
    if (r->buf)
        r->buf[r->len] = '\0';
    return total;
}

static void t_raw_consume(t_raw_t *r, size_t n)
{
    memmove(r->buf, r->buf + n, r->len - n);
    r->len -= n;
    r->buf[r->len] = '\0';
}

/* Parse one server frame from the buffer: 1 when one was taken, 0 when incomplete. */
static int t_frame_parse(t_raw_t *r, t_frame_t *f)
{
    size_t hl = 2, len;
    const unsigned char *b = r->buf;
    if (r->len < 2)
        return 0;
    len = b[1] & 0x7f;
    if (len == 126) {
        if (r->len < 4)
            return 0;
        len = (size_t)b[2] << 8 | b[3];
        hl = 4;
    } else if (len == 127) {
        if (r->len < 10)
            return 0;
        len = 0;
        for (int i = 0; i < 8; i++)
            len = len << 8 | b[2 + i];
        hl = 10;
    }
    if (b[1] & 0x80)
        hl += 4; /* a server never masks; tolerate it for the parse */
    if (r->len < hl + len)
        return 0;
    f->fin = b[0] >> 7;
    f->opcode = b[0] & 0x0f;
    f->len = len;
    f->payload = malloc(len + 1);
    memcpy(f->payload, b + hl, len);
    f->payload[len] = '\0';
    t_raw_consume(r, hl + len);
    return 1;
}

/* Wait (pumping the loop) for one frame: 1, or 0 on timeout, -1 on EOF. */
static int t_raw_frame(t_env_t *env, t_raw_t *r, t_frame_t *f, double secs)
{
    double dl = t_now() + secs;
    for (;;) {
        t_raw_poll(r);
        if (t_frame_parse(r, f))
            return 1;
        if (r->eof)
            return -1;
        if (t_now() > dl)
            return 0;
        t_pump(env, 1);
    }
}

static void t_frame_free(t_frame_t *f)
{
    free(f->payload);
    f->payload = NULL;
}

/* Close frame payload → code and reason. */
static int t_close_code(const t_frame_t *f, const char **reason)
{
    *reason = f->len > 2 ? f->payload + 2 : "";
    return f->len >= 2 ? ((unsigned char)f->payload[0] << 8 | (unsigned char)f->payload[1]) : 0;
}

/* Wait for the end of an HTTP response head; returns the status, the head consumed. */
static int t_raw_head(t_env_t *env, t_raw_t *r, double secs, char *head, size_t head_size)
{
    double dl = t_now() + secs;
    for (;;) {
        char *end;
        t_raw_poll(r);
        if (r->buf && (end = strstr((char *)r->buf, "\r\n\r\n"))) {
            size_t hl = (size_t)(end - (char *)r->buf) + 4;
            int status = 0;
            if (head)
                snprintf(head, head_size, "%.*s", (int)hl, (char *)r->buf);
            sscanf((char *)r->buf, "HTTP/1.%*d %d", &status);
            t_raw_consume(r, hl);
            return status;
        }
        if (r->eof || t_now() > dl)
            return -1;
        t_pump(env, 1);
    }
}

/* Read until EOF (pumping); the buffer then holds the rest of the stream. */
static void t_raw_until_eof(t_env_t *env, t_raw_t *r, double secs)
{
    double dl = t_now() + secs;
    while (!r->eof && t_now() < dl) {
        t_raw_poll(r);
        if (!r->eof)
            t_pump(env, 1);
    }
}

/* After t_raw_head(): wait for Content-Length bytes of body (head holds the head). */
static void t_raw_body(t_env_t *env, t_raw_t *r, const char *head, char *body, size_t body_size)
{
    const char *cl = strcasestr(head, "\r\nContent-Length:");
    size_t want = cl ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
    double dl = t_now() + 10;
    while (r->len < want && !r->eof && t_now() < dl) {
        t_pump(env, 1);
        t_raw_poll(r);
    }
    snprintf(body, body_size, "%.*s", (int)(r->len < want ? r->len : want),
             r->buf ? (char *)r->buf : "");
    t_raw_consume(r, r->len < want ? r->len : want);
}

/* One HTTP/1.1 request with Connection: close; returns the status, body copied. */
static int t_http(t_env_t *env, const char *method, const char *target, const char *headers,
                  const char *req_body, char *body, size_t body_size, char *head,
                  size_t head_size)
{
    t_raw_t r;
    size_t size = 256 + strlen(target) + (headers ? strlen(headers) : 0) +
                  (req_body ? strlen(req_body) : 0);
    char *req = malloc(size);
    int status;
    if (req_body)
        snprintf(req, size,
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                 "Content-Length: %zu\r\n\r\n%s",
                 method, target, headers ? headers : "", strlen(req_body), req_body);
    else
        snprintf(req, size, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n",
                 method, target, headers ? headers : "");
    if (t_raw_connect(env, &r, 0) != 0 || t_raw_send(env, &r, req, strlen(req)) != 0) {
        free(req);
        t_raw_close(&r);
        return -1;
    }
    free(req);
    status = t_raw_head(env, &r, 10, head, head_size);
    t_raw_until_eof(env, &r, 10);
    if (body)
        snprintf(body, body_size, "%s", r.buf ? (char *)r.buf : "");
    t_raw_close(&r);
    return status;
}

#define T_WS_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define T_WS_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

/* Open a WebSocket with a raw socket; returns the HTTP status (101 on success). */
static int t_ws_open(t_env_t *env, t_raw_t *r, const char *target, const char *extra,
                     int rcvbuf, char *head, size_t head_size)
{
    char req[2048];
    snprintf(req, sizeof(req),
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: " T_WS_KEY "\r\n"
             "Sec-WebSocket-Version: 13\r\n%s\r\n",
             target, extra ? extra : "");
    if (t_raw_connect(env, r, rcvbuf) != 0 || t_raw_send(env, r, req, strlen(req)) != 0)
        return -1;
    return t_raw_head(env, r, 10, head, head_size);
}

/* Send one client frame (masked unless told otherwise). */
static int t_ws_send(t_env_t *env, t_raw_t *r, int opcode, const void *payload, size_t len,
                     bool mask, bool fin)
{
    unsigned char hdr[14], key[4] = {0x12, 0x34, 0x56, 0x78};
    unsigned char *buf = malloc(len + 14);
    size_t hl = 2;
    int rc;
    hdr[0] = (unsigned char)((fin ? 0x80 : 0) | opcode);
    if (len < 126) {
        hdr[1] = (unsigned char)len;
    } else if (len < 65536) {
        hdr[1] = 126;
        hdr[2] = (unsigned char)(len >> 8);
        hdr[3] = (unsigned char)len;
        hl = 4;
    } else {
        hdr[1] = 127;
        for (int i = 0; i < 8; i++)
            hdr[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
        hl = 10;
    }
    if (mask) {
        hdr[1] |= 0x80;
        memcpy(hdr + hl, key, 4);
        hl += 4;
    }
    memcpy(buf, hdr, hl);
    for (size_t i = 0; i < len; i++)
        buf[hl + i] = ((const unsigned char *)payload)[i] ^ (mask ? key[i % 4] : 0);
    rc = t_raw_send(env, r, buf, hl + len);
    free(buf);
    return rc;
}


/* ---------------------------------------------------------------------------------------- */
/* 0700, 0701: filters */

int test_0700_push_filter_parse(void);
int test_0700_push_filter_parse(void)
{
    T_BEGIN;
    eng_push_filter_t f;
    wire_err_t err;
    char tok[64];
    const char *j;

    eng_push_filter_init(&f);
    T_ASSERT_INT(f.kinds, ==, (1u << ENG_ITEM_SIGNAL) | (1u << ENG_ITEM_SCORE));
    T_ASSERT_INT(f.sport_cnt, ==, 0);
    T_ASSERT(!f.has_min_tier);

    j = "{\"op\":\"subscribe\",\"sports\":[\"nba\",\"nfl\",\"nba\"],\"event_id\":\"evt-1\","
        "\"market\":\"spreads\",\"min_tier\":\"EDGE_LEAN\",\"kinds\":[\"signals\",\"markets\"]}";
    T_ASSERT_INT(eng_push_filter_from_json(&f, j, strlen(j), &err), ==, SV_OK);
    T_ASSERT_INT(f.sport_cnt, ==, 2);
    T_ASSERT_STR(f.sports[0], "nba");
    T_ASSERT_STR(f.sports[1], "nfl");
    T_ASSERT_STR(f.event_id, "evt-1");
    T_ASSERT_STR(f.market, "spreads");
    T_ASSERT(f.has_min_tier);
    T_ASSERT_INT(f.min_tier, ==, WIRE_TIER_EDGE_LEAN);
    T_ASSERT_INT(f.kinds, ==, (1u << ENG_ITEM_SIGNAL) | (1u << ENG_ITEM_MARKET));

    /* nulls and a bare op: the defaults */
    j = "{\"op\":\"subscribe\",\"sports\":null,\"market\":null,\"min_tier\":null}";
    T_ASSERT_INT(eng_push_filter_from_json(&f, j, strlen(j), &err), ==, SV_OK);
    T_ASSERT_INT(f.sport_cnt, ==, 0);
    T_ASSERT(!f.market[0] && !f.has_min_tier);

    /* each error names its field and leaves the filter alone */
    {
        static const struct {
            const char *json, *field;
        } bad[] = {
            {"", ""},
            {"[1]", ""},
            {"{\"op\":\"subscribe\",\"op\":\"subscribe\"}", ""},
            {"{\"sports\":[\"nba\"]}", "op"},
            {"{\"op\":\"unsubscribe\"}", "op"},
            {"{\"op\":\"subscribe\",\"sports\":\"nba\"}", "sports"},
            {"{\"op\":\"subscribe\",\"sports\":[\"nba\",\"NBA\"]}", "sports[1]"},
            {"{\"op\":\"subscribe\",\"sports\":[\"nba\",3]}", "sports[1]"},
            {"{\"op\":\"subscribe\",\"event_id\":\"a|b\"}", "event_id"},
            {"{\"op\":\"subscribe\",\"event_id\":7}", "event_id"},
            {"{\"op\":\"subscribe\",\"market\":\"Spreads\"}", "market"},
            {"{\"op\":\"subscribe\",\"min_tier\":\"PLATINUM\"}", "min_tier"},
            {"{\"op\":\"subscribe\",\"kinds\":[]}", "kinds"},
            {"{\"op\":\"subscribe\",\"kinds\":[\"odds\"]}", "kinds[0]"},
            {"{\"op\":\"subscribe\",\"sport\":[\"nba\"]}", "sport"},
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(bad); i++) {
            eng_push_filter_t g = f;
            memset(&err, 0, sizeof(err));
            T_ASSERT_INT(eng_push_filter_from_json(&g, bad[i].json, strlen(bad[i].json), &err), ==,
                         SV_ERR_INVALID);
            T_ASSERT_STR(err.field, bad[i].field);
            T_ASSERT(err.reason[0]);
            T_ASSERT(memcmp(&g, &f, sizeof(f)) == 0);
        }
    }
    {
        char many[2048] = "{\"op\":\"subscribe\",\"sports\":[";
        for (int i = 0; i < ENG_PUSH_SPORTS_MAX + 1; i++)
            snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"s%d\"", i ? "," : "",
                     i);
        strcat(many, "]}");
        T_ASSERT_INT(eng_push_filter_from_json(&f, many, strlen(many), &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, "sports[32]");
    }

    /* query strings */
    T_ASSERT_INT(eng_push_filter_from_query(&f, "token=abc%2Bd&sports=nba,nfl&kinds=signals"
                                                "&min_tier=GOLD_STAR&event_id=e%7C1&market=h2h",
                                            tok, sizeof(tok), &err),
                 ==, SV_ERR_INVALID); /* %7C is '|' */
    T_ASSERT_STR(err.field, "event_id");
    T_ASSERT_STR(tok, "");
    T_ASSERT_INT(eng_push_filter_from_query(&f, "token=abc%2Bd&sports=nba,nfl&kinds=signals"
                                                "&min_tier=GOLD_STAR&event_id=e1&market=h2h",
                                            tok, sizeof(tok), &err),
                 ==, SV_OK);
    T_ASSERT_STR(tok, "abc+d");
    T_ASSERT_INT(f.sport_cnt, ==, 2);
    T_ASSERT_STR(f.sports[1], "nfl");
    T_ASSERT_INT(f.kinds, ==, 1u << ENG_ITEM_SIGNAL);
    T_ASSERT_INT(f.min_tier, ==, WIRE_TIER_GOLD_STAR);
    T_ASSERT_STR(f.event_id, "e1");
    T_ASSERT_STR(f.market, "h2h");
    T_ASSERT_INT(eng_push_filter_from_query(&f, NULL, tok, sizeof(tok), &err), ==, SV_OK);
    T_ASSERT_STR(tok, "");
    T_ASSERT_INT(f.kinds, ==, (1u << ENG_ITEM_SIGNAL) | (1u << ENG_ITEM_SCORE));
    {
        static const struct {
            const char *q, *field;
        } bad[] = {
            {"foo=1", "foo"},
            {"sports=nba,,nfl", "sports"},
            {"sports=", "sports"},
            {"kinds=scores,odds", "kinds"},
            {"min_tier=gold", "min_tier"},
            {"market=", "market"},
            {"token=a&token=b", "token"},
            {"event_id=", "event_id"},
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(bad); i++) {
            memset(&err, 0, sizeof(err));
            T_ASSERT_INT(eng_push_filter_from_query(&f, bad[i].q, tok, sizeof(tok), &err), ==,
                         SV_ERR_INVALID);
            T_ASSERT_STR(err.field, bad[i].field);
        }
    }
    T_END;
}

int test_0701_push_filter_match(void);
int test_0701_push_filter_match(void)
{
    T_BEGIN;
    eng_push_filter_t f;
    eng_item_t score = t_item(ENG_ITEM_SCORE, "e1|h2h|A||", "nba", "e1", "h2h",
                              WIRE_TIER_GOLD_STAR, true, "{}");
    eng_item_t untiered = t_item(ENG_ITEM_SCORE, "e2|h2h|A||", "", "e2", "h2h", -1, true, "{}");
    eng_item_t market = t_item(ENG_ITEM_MARKET, "e1|h2h|", "nba", "e1", "h2h", -1, true, "{}");
    eng_item_t sig = t_item(ENG_ITEM_SIGNAL, "sig1", "nfl", "e3", "spreads", WIRE_TIER_MONITOR,
                            true, "{}");
    eng_item_t gone = t_item(ENG_ITEM_SIGNAL, "sig2", "nfl", "e3", "spreads", WIRE_TIER_PASS,
                             false, "{}");

    eng_push_filter_init(&f);
    T_ASSERT(eng_push_filter_match(&f, &score));
    T_ASSERT(eng_push_filter_match(&f, &untiered));
    T_ASSERT(!eng_push_filter_match(&f, &market)); /* markets only when asked for */
    T_ASSERT(eng_push_filter_match(&f, &sig));
    T_ASSERT(eng_push_filter_match(&f, &gone));

    f.kinds = 1u << ENG_ITEM_MARKET;
    T_ASSERT(eng_push_filter_match(&f, &market));
    T_ASSERT(!eng_push_filter_match(&f, &score));

    eng_push_filter_init(&f);
    strcpy(f.sports[0], "nfl");
    strcpy(f.sports[1], "nhl");
    f.sport_cnt = 2;
    T_ASSERT(!eng_push_filter_match(&f, &score));
    T_ASSERT(!eng_push_filter_match(&f, &untiered)); /* unknown sport "" */
    T_ASSERT(eng_push_filter_match(&f, &sig));

    eng_push_filter_init(&f);
    strcpy(f.event_id, "e1");
    T_ASSERT(eng_push_filter_match(&f, &score));
    T_ASSERT(!eng_push_filter_match(&f, &sig));
    strcpy(f.market, "spreads");
    T_ASSERT(!eng_push_filter_match(&f, &score));

    eng_push_filter_init(&f);
    f.has_min_tier = true;
    f.min_tier = WIRE_TIER_GOLD_STAR;
    T_ASSERT(eng_push_filter_match(&f, &score));     /* GOLD_STAR passes GOLD_STAR */
    T_ASSERT(!eng_push_filter_match(&f, &untiered)); /* no tier: fails any min_tier */
    T_ASSERT(!eng_push_filter_match(&f, &sig));      /* MONITOR is below GOLD_STAR */
    T_ASSERT(eng_push_filter_match(&f, &gone));      /* a withdrawal always passes min_tier */
    f.min_tier = WIRE_TIER_TITANIUM_SMASH;
    T_ASSERT(!eng_push_filter_match(&f, &score));
    f.min_tier = WIRE_TIER_PASS;
    T_ASSERT(eng_push_filter_match(&f, &sig));
    T_END;
}

/* ---------------------------------------------------------------------------------------- */
/* 0702: the HTTP port */

static void t_hello(struct evhttp_request *req, void *arg)
{
    eng_http_reply_json(req, 200, arg);
}

static void t_fail_field(struct evhttp_request *req, void *arg)
{
    char body[64];
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    UNUSED(arg);
    snprintf(body, sizeof(body), "%.*s", (int)evbuffer_get_length(in),
             (char *)evbuffer_pullup(in, -1));
    eng_http_error(req, 422, "stake", strcmp(body, "{}") == 0 ? "must be \"positive\"\n" : "?");
}

int test_0702_http_routes(void);
int test_0702_http_routes(void)
{
    T_BEGIN;
    static char hi[] = "{\"hi\":1}", empty[] = "{}", prefix1[] = "{\"prefix\":1}",
                prefix2[] = "{\"prefix\":2}", exact[] = "{\"exact\":1}";
    char errstr[256], body[4096], head[2048];
    t_env_t env;

    memset(&env, 0, sizeof(env));
    env.base = event_base_new();
    T_ASSERT(!eng_http_new(env.base, "127.0.0.1", errstr, sizeof(errstr)));
    T_ASSERT_CONTAINS(errstr, "http.listen");
    T_ASSERT(!eng_http_new(env.base, "127.0.0.1:99999", errstr, sizeof(errstr)));
    T_ASSERT(!eng_http_new(env.base, "[::1:80", errstr, sizeof(errstr)));
    env.http = eng_http_new(env.base, "127.0.0.1:0", errstr, sizeof(errstr));
    T_ASSERT(env.http);
    env.port = eng_http_port(env.http);
    T_ASSERT_INT(env.port, >, 0);

    T_ASSERT_INT(eng_http_route(env.http, "/hello", t_hello, hi), ==, SV_OK);
    T_ASSERT_INT(eng_http_route(env.http, "/hello", t_hello, empty), ==, SV_ERR_EXISTS);
    T_ASSERT_INT(eng_http_route(env.http, "nope", t_hello, empty), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_http_route_methods(env.http, "/api/v1/bets", EVHTTP_REQ_POST, false,
                                        t_fail_field, NULL),
                 ==, SV_OK);
    T_ASSERT_INT(eng_http_route_methods(env.http, "/files/", EVHTTP_REQ_GET, true, t_hello, prefix1),
                 ==, SV_OK);
    T_ASSERT_INT(eng_http_route_methods(env.http, "/files/a/", EVHTTP_REQ_GET, true, t_hello, prefix2),
                 ==, SV_OK);
    T_ASSERT_INT(eng_http_route_methods(env.http, "/files/exact", EVHTTP_REQ_GET, false, t_hello, exact),
                 ==, SV_OK);

    T_ASSERT_INT(t_http(&env, "GET", "/hello", NULL, NULL, body, sizeof(body), head, sizeof(head)),
                 ==, 200);
    T_ASSERT_STR(body, "{\"hi\":1}\n");
    T_ASSERT_CONTAINS(head, "Content-Type: application/json");
    T_ASSERT_INT(t_http(&env, "GET", "/hello?x=1", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                 200);
    T_ASSERT_INT(t_http(&env, "HEAD", "/hello", NULL, NULL, body, sizeof(body), NULL, 0), ==, 200);
    T_ASSERT_STR(body, "");

    /* unknown path, wrong method: JSON errors naming the field */
    T_ASSERT_INT(t_http(&env, "GET", "/nothing/here", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                 404);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such endpoint: "
                       "/nothing/here\",\"field\":\"path\"}}\n");
    T_ASSERT_INT(t_http(&env, "DELETE", "/hello", NULL, NULL, body, sizeof(body), head,
                        sizeof(head)),
                 ==, 405);
    T_ASSERT_STR(body,
                 "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"/hello takes GET, HEAD\",\"field\":\"method\"}}\n");
    T_ASSERT_CONTAINS(head, "Allow: GET, HEAD");
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/bets", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                 405);
    T_ASSERT_INT(t_http(&env, "PATCH", "/api/v1/bets", NULL, NULL, body, sizeof(body), NULL, 0),
                 ==, 405);

    /* eng_http_error escapes its text; the body reaches the handler */
    T_ASSERT_INT(t_http(&env, "POST", "/api/v1/bets", NULL, "{}", body, sizeof(body), NULL, 0), ==,
                 422);
    T_ASSERT_STR(body,
                 "{\"error\":{\"code\":\"unprocessable\",\"message\":\"must be \\\"positive\\\"\\n\",\"field\":\"stake\"}}\n");

    /* prefixes: an exact route beats them, the longest prefix wins */
    T_ASSERT_INT(t_http(&env, "GET", "/files/exact", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                 200);
    T_ASSERT_STR(body, "{\"exact\":1}\n");
    T_ASSERT_INT(t_http(&env, "GET", "/files/x", NULL, NULL, body, sizeof(body), NULL, 0), ==, 200);
    T_ASSERT_STR(body, "{\"prefix\":1}\n");
    T_ASSERT_INT(t_http(&env, "GET", "/files/a/b", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                 200);
    T_ASSERT_STR(body, "{\"prefix\":2}\n");
    T_ASSERT_INT(t_http(&env, "GET", "/files", NULL, NULL, body, sizeof(body), NULL, 0), ==, 404);

    /* limits: an oversized header block and body are refused by evhttp itself */
    {
        static char big[12000];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        char hdr[12100];
        snprintf(hdr, sizeof(hdr), "X-Big: %s\r\n", big);
        T_ASSERT_INT(t_http(&env, "GET", "/hello", hdr, NULL, body, sizeof(body), NULL, 0), >=,
                     400);
    }
    {
        char *huge = malloc(ENG_HTTP_MAX_BODY_SIZE + 100);
        memset(huge, 'x', ENG_HTTP_MAX_BODY_SIZE + 99);
        huge[ENG_HTTP_MAX_BODY_SIZE + 99] = '\0';
        int st = t_http(&env, "POST", "/api/v1/bets", NULL, huge, body, sizeof(body), NULL, 0);
        free(huge);
        T_ASSERT(st == 413 || st == -1);
    }
    goto end;
end:
    eng_http_free(env.http);
    if (env.base)
        event_base_free(env.base);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0703: WebSocket snapshot, updates in order, conflation (python3-websockets) */

int test_0703_push_ws_snapshot_updates(void);
int test_0703_push_ws_snapshot_updates(void)
{
    T_BEGIN;
    eng_item_t items[] = {
        t_item(ENG_ITEM_SCORE, "e1|h2h|Home||", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
               "{\"key\":\"s1\",\"v\":1}"),
        t_item(ENG_ITEM_SIGNAL, "g1", "nba", "e1", "h2h", WIRE_TIER_EDGE_LEAN, true,
               "{\"key\":\"g1\",\"v\":1}"),
        t_item(ENG_ITEM_SIGNAL, "g2", "nba", "e1", "h2h", WIRE_TIER_MONITOR, false,
               "{\"key\":\"g2\",\"state\":\"withdrawn\"}"),
        t_item(ENG_ITEM_MARKET, "e1|h2h|", "nba", "e1", "h2h", -1, true, "{\"key\":\"m1\"}"),
    };
    const char *args[] = {NULL, "--count", "7", "--seconds", "30", NULL};
    t_env_t env;
    pid_t pid = -1;
    int status = -1;
    char *out = NULL;
    eng_push_stats_t st;

    T_ASSERT_INT(t_env_start(&env, NULL, items, SV_ARRAY_SIZE(items)), ==, 0);
    args[0] = t_url(&env, "ws", "/api/v1/stream?token=" T_TOKEN);
    pid = t_spawn(&env, "c", args);
    T_ASSERT_INT(pid, >, 0);
    T_WAIT(&env, 20, st.accepted >= 1);
    {
        eng_item_t u[] = {
            t_item(ENG_ITEM_SCORE, "e1|h2h|Home||", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"s1\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "e1|h2h|Home||", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"s1\",\"v\":3}"),
            t_item(ENG_ITEM_SIGNAL, "g1", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"g1\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "e1|h2h|Home||", "nba", "e1", "h2h", WIRE_TIER_EDGE_LEAN, true,
                   "{\"key\":\"s1\",\"v\":4}"),
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(u); i++)
            eng_push_publish(env.push, &u[i]);
        eng_push_flush(env.push);
    }
    t_pump(&env, 20);
    {
        eng_item_t u[] = {
            t_item(ENG_ITEM_SCORE, "e1|h2h|Away||", "nba", "e1", "h2h", WIRE_TIER_PASS, true,
                   "{\"key\":\"s2\",\"v\":1}"),
            t_item(ENG_ITEM_MARKET, "e1|h2h|", "nba", "e1", "h2h", -1, true,
                   "{\"key\":\"m1\",\"v\":2}"),
            t_item(ENG_ITEM_SIGNAL, "g2", "nba", "e1", "h2h", WIRE_TIER_MONITOR, false,
                   "{\"key\":\"g2\",\"rev\":2,\"state\":\"withdrawn\"}"),
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(u); i++)
            eng_push_publish(env.push, &u[i]);
        eng_push_flush(env.push);
    }
    {
        double dl = t_now() + 30;
        while (!t_child_done(pid, &status) && t_now() < dl)
            t_pump(&env, 5);
        T_ASSERT_INT(status, ==, 0);
        pid = -1;
    }
    out = t_output(&env, "c");
    T_ASSERT_STR(out, "{\"type\":\"score\",\"data\":{\"key\":\"s1\",\"v\":1}}\n"
                      "{\"type\":\"signal\",\"data\":{\"key\":\"g1\",\"v\":1}}\n"
                      "{\"type\":\"snapshot_end\",\"count\":2}\n"
                      "{\"type\":\"score\",\"data\":{\"key\":\"s1\",\"v\":4}}\n"
                      "{\"type\":\"signal\",\"data\":{\"key\":\"g1\",\"v\":2}}\n"
                      "{\"type\":\"score\",\"data\":{\"key\":\"s2\",\"v\":1}}\n"
                      "{\"type\":\"signal\",\"data\":{\"key\":\"g2\",\"rev\":2,\"state\":"
                      "\"withdrawn\"}}\n");
    T_WAIT(&env, 10, st.subscribers == 0);
    st = t_st(&env);
    T_ASSERT_INT(st.accepted, ==, 1);
    T_ASSERT_INT(st.snapshot_items, ==, 2);
    T_ASSERT_INT(st.published, ==, 6); /* the market matched nobody */
    T_ASSERT_INT(st.conflated, ==, 2); /* s1 v2 and v3 */
    T_ASSERT_INT(st.sent, ==, 4);
    T_ASSERT_INT(st.closed, ==, 1);
    T_ASSERT_INT(st.queued, ==, 0);
    goto end;
end:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    free(out);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0704: filters on the wire: URL filters, a subscribe replacing one, bad subscribes */

int test_0704_push_ws_filters(void);
int test_0704_push_ws_filters(void)
{
    T_BEGIN;
    eng_item_t items[] = {
        t_item(ENG_ITEM_SCORE, "a", "nba", "e1", "h2h", WIRE_TIER_TITANIUM_SMASH, true,
               "{\"k\":\"a\"}"),
        t_item(ENG_ITEM_SCORE, "b", "nfl", "e2", "spreads", WIRE_TIER_GOLD_STAR, true,
               "{\"k\":\"b\"}"),
        t_item(ENG_ITEM_SCORE, "c", "nfl", "e3", "h2h", WIRE_TIER_MONITOR, true, "{\"k\":\"c\"}"),
        t_item(ENG_ITEM_SIGNAL, "d", "nfl", "e2", "spreads", WIRE_TIER_GOLD_STAR, true,
               "{\"k\":\"d\"}"),
        t_item(ENG_ITEM_SIGNAL, "e", "nfl", "e3", "totals", WIRE_TIER_EDGE_LEAN, true,
               "{\"k\":\"e\"}"),
        t_item(ENG_ITEM_MARKET, "f", "nfl", "e2", "spreads", -1, true, "{\"k\":\"f\"}"),
        t_item(ENG_ITEM_MARKET, "g", "nba", "e1", "h2h", -1, true, "{\"k\":\"g\"}"),
        t_item(ENG_ITEM_SCORE, "h", "", "e9", "h2h", -1, true, "{\"k\":\"h\"}"),
    };
    static const char *const names[4] = {"a", "b", "c", "d"};
    const char *args[4][12];
    pid_t pid[4] = {-1, -1, -1, -1};
    int status;
    char *out[4] = {NULL, NULL, NULL, NULL};
    t_env_t env;

    T_ASSERT_INT(t_env_start(&env, NULL, items, SV_ARRAY_SIZE(items)), ==, 0);
    memset(args, 0, sizeof(args));
    args[0][0] = t_url(&env, "ws", "/api/v1/stream?token=" T_TOKEN "&sports=nfl&min_tier=GOLD_STAR");
    args[0][1] = "--count";
    args[0][2] = "6";
    args[1][0] = t_url(&env, "ws", "/api/v1/stream?kinds=markets&market=spreads&token=" T_TOKEN);
    args[1][1] = "--count";
    args[1][2] = "3";
    args[2][0] = t_url(&env, "ws", "/api/v1/stream?token=" T_TOKEN "&kinds=signals");
    args[2][1] = "--count";
    args[2][2] = "6";
    args[2][3] = "--subscribe";
    args[2][4] = "{\"op\":\"subscribe\",\"sports\":[\"nba\"],\"kinds\":[\"scores\"],"
                 "\"event_id\":\"e1\"}";
    args[3][0] = t_url(&env, "ws", "/api/v1/stream?token=" T_TOKEN "&kinds=markets&market=zzz");
    args[3][1] = "--count";
    args[3][2] = "4";
    args[3][3] = "--subscribe";
    args[3][4] = "{\"op\":\"sub\"}";
    args[3][5] = "--subscribe";
    args[3][6] = "{\"op\":\"subscribe\",\"min_tier\":\"PLATINUM\"}";
    args[3][7] = "--subscribe";
    args[3][8] = "{\"op\":\"subscribe\",\"sports\":[\"NBA\"]}";
    for (int i = 0; i < 4; i++) {
        size_t n = 0;
        while (args[i][n])
            n++;
        args[i][n++] = "--seconds";
        args[i][n++] = "30";
        pid[i] = t_spawn(&env, names[i], args[i]);
        T_ASSERT_INT(pid[i], >, 0);
    }
    T_WAIT(&env, 20, st.accepted >= 4 && st.subscribes >= 1);
    {
        eng_item_t u[] = {
            t_item(ENG_ITEM_SCORE, "a", "nba", "e1", "h2h", WIRE_TIER_TITANIUM_SMASH, true,
                   "{\"k\":\"a\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "b", "nfl", "e2", "spreads", WIRE_TIER_GOLD_STAR, true,
                   "{\"k\":\"b\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "c", "nfl", "e3", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"k\":\"c\",\"v\":2}"),
            t_item(ENG_ITEM_SIGNAL, "e", "nfl", "e3", "totals", WIRE_TIER_PASS, false,
                   "{\"k\":\"e\",\"state\":\"withdrawn\"}"),
            t_item(ENG_ITEM_MARKET, "f", "nfl", "e2", "spreads", -1, true, "{\"k\":\"f\",\"v\":2}"),
            t_item(ENG_ITEM_MARKET, "g", "nba", "e1", "h2h", -1, true, "{\"k\":\"g\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "h", "", "e9", "h2h", -1, true, "{\"k\":\"h\",\"v\":2}"),
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(u); i++)
            eng_push_publish(env.push, &u[i]);
        eng_push_flush(env.push);
    }
    for (int i = 0; i < 4; i++) {
        double dl = t_now() + 30;
        status = -1;
        while (!t_child_done(pid[i], &status) && t_now() < dl)
            t_pump(&env, 5);
        T_ASSERT_INT(status, ==, 0);
        pid[i] = -1;
        out[i] = t_output(&env, names[i]);
    }
    T_ASSERT_STR(out[0], "{\"type\":\"score\",\"data\":{\"k\":\"b\"}}\n"
                         "{\"type\":\"signal\",\"data\":{\"k\":\"d\"}}\n"
                         "{\"type\":\"snapshot_end\",\"count\":2}\n"
                         "{\"type\":\"score\",\"data\":{\"k\":\"b\",\"v\":2}}\n"
                         "{\"type\":\"score\",\"data\":{\"k\":\"c\",\"v\":2}}\n"
                         "{\"type\":\"signal\",\"data\":{\"k\":\"e\",\"state\":\"withdrawn\"}}\n");
    T_ASSERT_STR(out[1], "{\"type\":\"market\",\"data\":{\"k\":\"f\"}}\n"
                         "{\"type\":\"snapshot_end\",\"count\":1}\n"
                         "{\"type\":\"market\",\"data\":{\"k\":\"f\",\"v\":2}}\n");
    T_ASSERT_STR(out[2], "{\"type\":\"signal\",\"data\":{\"k\":\"d\"}}\n"
                         "{\"type\":\"signal\",\"data\":{\"k\":\"e\"}}\n"
                         "{\"type\":\"snapshot_end\",\"count\":2}\n"
                         "{\"type\":\"score\",\"data\":{\"k\":\"a\"}}\n"
                         "{\"type\":\"snapshot_end\",\"count\":1}\n"
                         "{\"type\":\"score\",\"data\":{\"k\":\"a\",\"v\":2}}\n");
    T_ASSERT_STR(out[3],
                 "{\"type\":\"snapshot_end\",\"count\":0}\n"
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"expected \\\"subscribe\\\"\",\"field\":\"op\"}\n"
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"expected a tier "
                 "(TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS)\",\"field\":\"min_tier\"}\n"
                 "{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"expected a sport token "
                 "([a-z0-9_], 1 to 32 bytes)\",\"field\":\"sports[0]\"}\n");
    T_ASSERT_INT(t_st(&env).subscribes, ==, 1);
    goto end;
end:
    for (int i = 0; i < 4; i++) {
        if (pid[i] > 0) {
            kill(pid[i], SIGKILL);
            waitpid(pid[i], NULL, 0);
        }
        free(out[i]);
    }
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0705: refusals: auth, filters, handshake, capacity */

/* A WebSocket handshake that is refused: status, and the JSON body. */
static int t_ws_refused(t_env_t *env, const char *target, const char *extra, char *body,
                        size_t body_size, char *head, size_t head_size)
{
    t_raw_t r;
    char h[2048];
    int status = t_ws_open(env, &r, target, extra, 0, h, sizeof(h));
    body[0] = '\0';
    if (status > 0)
        t_raw_body(env, &r, h, body, body_size);
    if (head)
        snprintf(head, head_size, "%s", h);
    t_raw_close(&r);
    return status;
}

int test_0705_push_refusals(void);
int test_0705_push_refusals(void)
{
    T_BEGIN;
    char body[2048], head[2048];
    eng_push_conf_t conf;
    t_env_t env, env2;
    t_raw_t r1, r2;
    pid_t pid = -1;
    int status;
    char *out = NULL;

    memset(&env2, 0, sizeof(env2));
    memset(&r1, 0, sizeof(r1));
    memset(&r2, 0, sizeof(r2));
    t_conf_default(&conf);
    conf.max_subscribers = 2;
    T_ASSERT_INT(t_env_start(&env, &conf, NULL, 0), ==, 0);

    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream?token=" T_TOKEN, NULL, NULL, body,
                        sizeof(body), head, sizeof(head)),
                 ==, 426);
    T_ASSERT_CONTAINS(body, "{\"error\":{\"code\":\"upgrade_required\",");
    T_ASSERT_CONTAINS(head, "Upgrade: websocket");
    T_ASSERT_INT(t_http(&env, "POST", "/api/v1/stream", NULL, "{}", body, sizeof(body), NULL, 0),
                 ==, 405);
    T_ASSERT_CONTAINS(body, "\"field\":\"method\"");

    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream", NULL, body, sizeof(body), head,
                              sizeof(head)),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"missing token "
                       "(Authorization: Bearer TOKEN, or ?token=TOKEN)\",\"field\":\"token\"}}\n");
    T_ASSERT_CONTAINS(head, "WWW-Authenticate: Bearer");
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=wrong", NULL, body, sizeof(body), NULL,
                              0),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\",\"field\":\"token\"}}\n");
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=" T_TOKEN "x", NULL, body, sizeof(body),
                              NULL, 0),
                 ==, 401);
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream", "Authorization: Bearer wrong\r\n", body,
                              sizeof(body), NULL, 0),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\",\"field\":\"token\"}}\n");
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream", "Authorization: Basic Zm9vOmJhcg==\r\n",
                              body, sizeof(body), NULL, 0),
                 ==, 401);
    T_ASSERT_CONTAINS(body, "\"field\":\"token\"");
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=" T_TOKEN "&sports=NBA", NULL, body,
                              sizeof(body), NULL, 0),
                 ==, 400);
    T_ASSERT_CONTAINS(body, "{\"error\":{\"code\":\"bad_request\",");
    T_ASSERT_CONTAINS(body, "\"field\":\"sports\"}}");
    {
        /* the handshake itself: version, key */
        t_raw_t r;
        char req[512];
        snprintf(req, sizeof(req),
                 "GET /api/v1/stream?token=" T_TOKEN " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: " T_WS_KEY "\r\n"
                 "Sec-WebSocket-Version: 8\r\n\r\n");
        T_ASSERT_INT(t_raw_connect(&env, &r, 0), ==, 0);
        T_ASSERT_INT(t_raw_send(&env, &r, req, strlen(req)), ==, 0);
        status = t_raw_head(&env, &r, 10, head, sizeof(head));
        t_raw_body(&env, &r, head, body, sizeof(body));
        t_raw_close(&r);
        T_ASSERT_INT(status, ==, 426);
        T_ASSERT_CONTAINS(head, "Sec-WebSocket-Version: 13");
        T_ASSERT_CONTAINS(body, "\"field\":\"Sec-WebSocket-Version\"");
        snprintf(req, sizeof(req),
                 "GET /api/v1/stream?token=" T_TOKEN " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: short\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n");
        T_ASSERT_INT(t_raw_connect(&env, &r, 0), ==, 0);
        T_ASSERT_INT(t_raw_send(&env, &r, req, strlen(req)), ==, 0);
        status = t_raw_head(&env, &r, 10, head, sizeof(head));
        t_raw_body(&env, &r, head, body, sizeof(body));
        t_raw_close(&r);
        T_ASSERT_INT(status, ==, 400);
        T_ASSERT_CONTAINS(body, "\"field\":\"Sec-WebSocket-Key\"");
    }

    /* SSE */
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream/sse?token=" T_TOKEN "&min_tier=gold", NULL,
                        NULL, body, sizeof(body), NULL, 0),
                 ==, 400);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"bad_request\",\"message\":\"expected a tier "
                       "(TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS)\",\"field\":\"min_tier\"}}\n");
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream/sse?token=" T_TOKEN "&foo=1", NULL, NULL, body,
                        sizeof(body), NULL, 0),
                 ==, 400);
    T_ASSERT_CONTAINS(body, "{\"error\":{\"code\":\"bad_request\",");
    T_ASSERT_CONTAINS(body, "\"field\":\"foo\"}}");
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream/sse", NULL, NULL, body, sizeof(body), NULL, 0),
                 ==, 401);
    T_ASSERT_CONTAINS(body, "{\"error\":{\"code\":\"unauthorized\",");
    T_ASSERT_CONTAINS(body, "\"field\":\"token\"}}");

    /* real clients see the same */
    {
        const char *args[] = {t_url(&env, "ws", "/api/v1/stream?token=nope"), "--seconds", "20",
                              NULL};
        pid = t_spawn(&env, "ws401", args);
        double dl = t_now() + 30;
        status = -1;
        while (!t_child_done(pid, &status) && t_now() < dl)
            t_pump(&env, 5);
        pid = -1;
        T_ASSERT_INT(status, ==, 0);
        out = t_output(&env, "ws401");
        T_ASSERT_STR(out, "{\"http_status\":401}\n");
        free(out);
        out = NULL;
    }
    {
        const char *args[] = {t_url(&env, "http", "/api/v1/stream/sse?token=nope"), "--seconds",
                              "20", NULL};
        pid = t_spawn(&env, "sse401", args);
        double dl = t_now() + 30;
        status = -1;
        while (!t_child_done(pid, &status) && t_now() < dl)
            t_pump(&env, 5);
        pid = -1;
        T_ASSERT_INT(status, ==, 0);
        out = t_output(&env, "sse401");
        T_ASSERT_STR(out, "{\"http_status\":401,\"body\":{\"error\":{\"code\":\"unauthorized\","
                          "\"message\":\"invalid token\",\"field\":\"token\"}}}\n");
    }

    /* capacity: the third subscriber gets 503 */
    T_ASSERT_INT(t_ws_open(&env, &r1, "/api/v1/stream", "Authorization: Bearer " T_TOKEN "\r\n", 0,
                           head, sizeof(head)),
                 ==, 101);
    T_ASSERT_CONTAINS(head, "Sec-WebSocket-Accept: " T_WS_ACCEPT "\r\n");
    {
        char req[256];
        snprintf(req, sizeof(req), "GET /api/v1/stream/sse?token=%s HTTP/1.1\r\nHost: x\r\n\r\n",
                 T_TOKEN);
        T_ASSERT_INT(t_raw_connect(&env, &r2, 0), ==, 0);
        T_ASSERT_INT(t_raw_send(&env, &r2, req, strlen(req)), ==, 0);
        T_ASSERT_INT(t_raw_head(&env, &r2, 10, head, sizeof(head)), ==, 200);
        T_ASSERT_CONTAINS(head, "Content-Type: text/event-stream");
    }
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=" T_TOKEN, NULL, body, sizeof(body),
                              NULL, 0),
                 ==, 503);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unavailable\",\"message\":\"too many subscribers "
                       "(push.max_subscribers = 2)\",\"field\":\"\"}}\n");
    T_ASSERT_INT(t_st(&env).accepted, ==, 2);
    T_ASSERT_INT(t_st(&env).refused, ==, 15);

    /* no bootstrap token and no token store refuses everyone */
    t_conf_default(&conf);
    t_bootstrap = "";
    T_ASSERT_INT(t_env_start(&env2, &conf, NULL, 0), ==, 0);
    t_bootstrap = NULL;
    T_ASSERT_INT(t_ws_refused(&env2, "/api/v1/stream?token=", NULL, body, sizeof(body), NULL, 0),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"missing token "
                       "(Authorization: Bearer TOKEN, or ?token=TOKEN)\",\"field\":\"token\"}}\n");
    T_ASSERT_INT(t_ws_refused(&env2, "/api/v1/stream", "Authorization: Bearer x\r\n", body,
                              sizeof(body), NULL, 0),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\","
                       "\"field\":\"token\"}}\n");
    T_ASSERT_INT(t_ws_refused(&env2, "/api/v1/stream?token=" T_TOKEN, NULL, body, sizeof(body),
                              NULL, 0),
                 ==, 401);
    goto end;
end:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    free(out);
    t_raw_close(&r1);
    t_raw_close(&r2);
    t_env_stop(&env2);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0706: SSE with a real client (http.client): snapshot, updates, conflation, keepalive */

int test_0706_push_sse(void);
int test_0706_push_sse(void)
{
    T_BEGIN;
    eng_item_t items[] = {
        t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
               "{\"key\":\"s1\",\"v\":1}"),
        t_item(ENG_ITEM_SIGNAL, "g1", "nba", "e1", "h2h", WIRE_TIER_EDGE_LEAN, true,
               "{\"key\":\"g1\",\"v\":1}"),
        t_item(ENG_ITEM_SCORE, "n1", "nfl", "e2", "h2h", WIRE_TIER_GOLD_STAR, true,
               "{\"key\":\"n1\",\"v\":1}"),
    };
    const char *args[] = {NULL, "--count", "6", "--seconds", "30", "--comments", NULL};
    eng_push_conf_t conf;
    t_env_t env;
    pid_t pid = -1;
    int status = -1;
    char *out = NULL, *events = NULL;

    t_conf_default(&conf);
    conf.ping_s = 1;
    T_ASSERT_INT(t_env_start(&env, &conf, items, SV_ARRAY_SIZE(items)), ==, 0);
    args[0] = t_url(&env, "http", "/api/v1/stream/sse?token=" T_TOKEN "&sports=nba");
    pid = t_spawn(&env, "sse", args);
    T_WAIT(&env, 20, st.accepted >= 1);
    {
        eng_item_t u[] = {
            t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"s1\",\"v\":2}"),
            t_item(ENG_ITEM_SIGNAL, "g1", "nba", "e1", "h2h", WIRE_TIER_EDGE_LEAN, true,
                   "{\"key\":\"g1\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"s1\",\"v\":3}"),
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(u); i++)
            eng_push_publish(env.push, &u[i]);
        eng_push_flush(env.push);
    }
    t_pump(&env, 1600); /* a keepalive comment goes out meanwhile */
    {
        eng_item_t u[] = {
            t_item(ENG_ITEM_SCORE, "n1", "nfl", "e2", "h2h", WIRE_TIER_GOLD_STAR, true,
                   "{\"key\":\"n1\",\"v\":2}"),
            t_item(ENG_ITEM_SCORE, "s2", "nba", "e1", "h2h", WIRE_TIER_PASS, true,
                   "{\"key\":\"s2\",\"v\":1}"),
        };
        for (size_t i = 0; i < SV_ARRAY_SIZE(u); i++)
            eng_push_publish(env.push, &u[i]);
        eng_push_flush(env.push);
    }
    {
        double dl = t_now() + 30;
        while (!t_child_done(pid, &status) && t_now() < dl)
            t_pump(&env, 5);
        T_ASSERT_INT(status, ==, 0);
        pid = -1;
    }
    out = t_output(&env, "sse");
    events = t_lines_without(out, "{\"comment\":");
    T_ASSERT_STR(events, "{\"event\":\"score\",\"data\":{\"key\":\"s1\",\"v\":1}}\n"
                         "{\"event\":\"signal\",\"data\":{\"key\":\"g1\",\"v\":1}}\n"
                         "{\"event\":\"snapshot_end\",\"data\":{\"count\":2}}\n"
                         "{\"event\":\"score\",\"data\":{\"key\":\"s1\",\"v\":3}}\n"
                         "{\"event\":\"signal\",\"data\":{\"key\":\"g1\",\"v\":2}}\n"
                         "{\"event\":\"score\",\"data\":{\"key\":\"s2\",\"v\":1}}\n");
    T_ASSERT_CONTAINS(out, "{\"comment\":\"ping\"}\n");
    /* the client hung up: noticed (EOF, or the next keepalive write fails) */
    T_WAIT(&env, 10, st.subscribers == 0 && st.closed == 1);
    T_ASSERT_INT(t_st(&env).conflated, ==, 1);
    T_ASSERT_INT(t_st(&env).sent, ==, 3);
    goto end;
end:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    free(out);
    free(events);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0707: a WebSocket subscriber that never reads is disconnected; another is served meanwhile */

/* Count complete data frames in r's buffer (consumed); *close set by a close frame. */
static size_t t_drain_frames(t_raw_t *r, t_frame_t *close_f)
{
    size_t n = 0;
    t_frame_t f;
    t_raw_poll(r);
    while (t_frame_parse(r, &f)) {
        if (f.opcode == 1)
            n++;
        if (f.opcode == 8 && close_f && !close_f->payload)
            *close_f = f;
        else
            t_frame_free(&f);
    }
    return n;
}

int test_0707_push_ws_slow(void);
int test_0707_push_ws_slow(void)
{
    T_BEGIN;
    eng_push_conf_t conf;
    t_env_t env;
    t_raw_t slow, fast;
    t_frame_t f, fclose;
    char pad[4001], json[4100], key[32], head[2048];
    size_t published = 0, fast_got = 0, slow_got = 0;
    const char *reason;
    int turns = 0, extra = 0;

    memset(&slow, 0, sizeof(slow));
    memset(&fast, 0, sizeof(fast));
    memset(&f, 0, sizeof(f));
    memset(&fclose, 0, sizeof(fclose));
    t_conf_default(&conf);
    conf.queue_max = 64;
    conf.out_max_bytes = 65536;
    T_ASSERT_INT(t_env_start(&env, &conf, NULL, 0), ==, 0);
    T_ASSERT_INT(t_ws_open(&env, &slow, "/api/v1/stream?token=" T_TOKEN, NULL, 4096, head,
                           sizeof(head)),
                 ==, 101);
    T_ASSERT_INT(t_raw_frame(&env, &slow, &f, 10), ==, 1);
    T_ASSERT_STR(f.payload, "{\"type\":\"snapshot_end\",\"count\":0}");
    t_frame_free(&f);
    T_ASSERT_INT(t_ws_open(&env, &fast, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head,
                           sizeof(head)),
                 ==, 101);
    T_ASSERT_INT(t_raw_frame(&env, &fast, &f, 10), ==, 1);
    t_frame_free(&f);

    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    /* 16 distinct 4 KB updates per turn; the slow one stops reading */
    for (turns = 0; turns < 20000 && extra < 20; turns++) {
        for (int i = 0; i < 16; i++) {
            eng_item_t it;
            snprintf(key, sizeof(key), "k%06zu", published);
            snprintf(json, sizeof(json), "{\"key\":\"%s\",\"pad\":\"%s\"}", key, pad);
            it = t_item(ENG_ITEM_SCORE, key, "nba", "e1", "h2h", WIRE_TIER_PASS, true, json);
            eng_push_publish(env.push, &it);
            published++;
        }
        eng_push_flush(env.push);
        t_pump(&env, 1);
        fast_got += t_drain_frames(&fast, NULL);
        if (t_st(&env).disconnected_slow)
            extra++; /* keep going a little: the fast one must not notice */
    }
    T_ASSERT_INT(t_st(&env).disconnected_slow, ==, 1);
    {
        double dl = t_now() + 20;
        while (fast_got < published && t_now() < dl) {
            t_pump(&env, 1);
            fast_got += t_drain_frames(&fast, NULL);
        }
    }
    T_ASSERT_INT(fast_got, ==, published);
    T_ASSERT(!fast.eof);

    /* now the slow one reads: what was sent, then the close frame with the reason, then EOF */
    {
        double dl = t_now() + 20;
        while (!fclose.payload && t_now() < dl) {
            slow_got += t_drain_frames(&slow, &fclose);
            if (!fclose.payload)
                t_pump(&env, 1);
        }
    }
    T_ASSERT(fclose.payload);
    T_ASSERT_INT(t_close_code(&fclose, &reason), ==, 1008);
    T_ASSERT_STR(reason, "slow consumer: 64 updates pending");
    T_ASSERT_INT(slow_got, >, 0);
    T_ASSERT_INT(slow_got, <, published);
    t_raw_until_eof(&env, &slow, 10);
    T_ASSERT(slow.eof);
    T_ASSERT_INT(slow.len, ==, 0); /* nothing after the close frame */
    t_raw_close(&slow);
    T_WAIT(&env, 10, st.subscribers == 1 && st.ws == 1);
    {
        eng_push_stats_t st = t_st(&env);
        T_ASSERT_INT(st.dropped, >=, 64);
        T_ASSERT_INT(st.sent, ==, published + slow_got);
        T_ASSERT_INT(st.published, ==, published);
        T_ASSERT_INT(st.queued, ==, 0);
    }
    goto end;
end:
    t_frame_free(&fclose);
    t_raw_close(&slow);
    t_raw_close(&fast);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0708: keepalive: a client that never answers pings is closed for idle; one that does stays */

int test_0708_push_ws_keepalive(void);
int test_0708_push_ws_keepalive(void)
{
    T_BEGIN;
    eng_push_conf_t conf;
    t_env_t env;
    t_raw_t mute, polite;
    t_frame_t f, fclose;
    char head[2048];
    int mute_pings = 0, polite_pings = 0;
    bool polite_closed = false;
    const char *reason;
    double t0, dl;

    memset(&mute, 0, sizeof(mute));
    memset(&polite, 0, sizeof(polite));
    memset(&fclose, 0, sizeof(fclose));
    t_conf_default(&conf);
    conf.ping_s = 1;
    conf.idle_s = 2;
    T_ASSERT_INT(t_env_start(&env, &conf, NULL, 0), ==, 0);
    T_ASSERT_INT(t_ws_open(&env, &mute, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head,
                           sizeof(head)),
                 ==, 101);
    T_ASSERT_INT(t_ws_open(&env, &polite, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head,
                           sizeof(head)),
                 ==, 101);
    t0 = t_now();
    dl = t0 + 4.5;
    while (t_now() < dl) {
        t_pump(&env, 10);
        t_raw_poll(&mute);
        while (t_frame_parse(&mute, &f)) {
            if (f.opcode == 9)
                mute_pings++;
            if (f.opcode == 8 && !fclose.payload)
                fclose = f;
            else
                t_frame_free(&f);
        }
        t_raw_poll(&polite);
        while (t_frame_parse(&polite, &f)) {
            if (f.opcode == 9) {
                polite_pings++;
                T_ASSERT_STR(f.payload, "savant");
                T_ASSERT_INT(t_ws_send(&env, &polite, 0xA, f.payload, f.len, true, true), ==, 0);
            }
            if (f.opcode == 8)
                polite_closed = true;
            t_frame_free(&f);
        }
    }
    T_ASSERT(fclose.payload);
    T_ASSERT_INT(t_close_code(&fclose, &reason), ==, 1001);
    T_ASSERT_STR(reason, "idle timeout");
    T_ASSERT_INT(mute_pings, >=, 1);
    T_ASSERT(mute.eof); /* the server half-closed after its close frame */
    T_ASSERT(!polite_closed);
    T_ASSERT(!polite.eof);
    T_ASSERT_INT(polite_pings, >=, 3);
    T_ASSERT_INT(t_st(&env).disconnected_idle, ==, 1);
    /* the mute client finally hangs up; the polite one is the only subscriber left */
    t_raw_close(&mute);
    T_WAIT(&env, 10, st.subscribers == 1);
    goto end;
end:
    t_frame_free(&fclose);
    t_raw_close(&mute);
    t_raw_close(&polite);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0709: SSE: a subscriber that never reads is ended with `event: error`; one that hangs up is
 * noticed */

int test_0709_push_sse_slow_and_gone(void);
int test_0709_push_sse_slow_and_gone(void)
{
    T_BEGIN;
    eng_push_conf_t conf;
    t_env_t env;
    t_raw_t slow, gone;
    char pad[4001], json[4100], key[32], head[2048], req[256];
    size_t published = 0;

    memset(&slow, 0, sizeof(slow));
    memset(&gone, 0, sizeof(gone));
    t_conf_default(&conf);
    conf.queue_max = 16;
    conf.out_max_bytes = 65536;
    T_ASSERT_INT(t_env_start(&env, &conf, NULL, 0), ==, 0);
    snprintf(req, sizeof(req), "GET /api/v1/stream/sse?token=%s HTTP/1.1\r\nHost: x\r\n\r\n",
             T_TOKEN);
    T_ASSERT_INT(t_raw_connect(&env, &slow, 4096), ==, 0);
    T_ASSERT_INT(t_raw_send(&env, &slow, req, strlen(req)), ==, 0);
    T_ASSERT_INT(t_raw_head(&env, &slow, 10, head, sizeof(head)), ==, 200);
    T_ASSERT_CONTAINS(head, "Cache-Control: no-cache");
    T_ASSERT_CONTAINS(head, "Transfer-Encoding: chunked");
    T_ASSERT_INT(t_raw_connect(&env, &gone, 0), ==, 0);
    T_ASSERT_INT(t_raw_send(&env, &gone, req, strlen(req)), ==, 0);
    T_ASSERT_INT(t_raw_head(&env, &gone, 10, head, sizeof(head)), ==, 200);
    T_WAIT(&env, 5, st.sse == 2);
    t_raw_close(&gone); /* hangs up at once */
    T_WAIT(&env, 10, st.sse == 1 && st.closed == 1);

    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    for (int turn = 0; turn < 20000 && !t_st(&env).disconnected_slow; turn++) {
        for (int i = 0; i < 8; i++) {
            eng_item_t it;
            snprintf(key, sizeof(key), "k%06zu", published++);
            snprintf(json, sizeof(json), "{\"key\":\"%s\",\"pad\":\"%s\"}", key, pad);
            it = t_item(ENG_ITEM_SCORE, key, "nba", "e1", "h2h", WIRE_TIER_PASS, true, json);
            eng_push_publish(env.push, &it);
        }
        eng_push_flush(env.push);
        t_pump(&env, 1);
    }
    T_ASSERT_INT(t_st(&env).disconnected_slow, ==, 1);
    t_raw_until_eof(&env, &slow, 20);
    T_ASSERT(slow.eof);
    T_ASSERT_CONTAINS((char *)slow.buf,
                      "event: error\ndata: {\"message\":\"slow consumer: 16 updates pending\"}\n\n");
    {
        /* the chunked stream ends properly after the error event */
        size_t n = slow.len;
        T_ASSERT_INT(n, >, 5);
        T_ASSERT_STR((char *)slow.buf + n - 5, "0\r\n\r\n");
    }
    T_WAIT(&env, 10, st.subscribers == 0);
    T_ASSERT_INT(t_st(&env).dropped, >=, 16);
    goto end;
end:
    t_raw_close(&slow);
    t_raw_close(&gone);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0710: the WebSocket protocol as wslay enforces it, and our answers */

/* Open a subscriber and read its (empty) snapshot_end. */
static int t_ws_ready(t_env_t *env, t_raw_t *r)
{
    t_frame_t f;
    int rc;
    char head[2048];
    if (t_ws_open(env, r, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head, sizeof(head)) != 101)
        return -1;
    rc = t_raw_frame(env, r, &f, 10);
    if (rc == 1) {
        rc = strcmp(f.payload, "{\"type\":\"snapshot_end\",\"count\":0}") == 0 ? 0 : -1;
        t_frame_free(&f);
        return rc;
    }
    return -1;
}

/* Expect a close frame with code (and reason prefix), then EOF. */
static int t_expect_close(t_env_t *env, t_raw_t *r, int code, const char *reason_prefix)
{
    t_frame_t f;
    const char *reason;
    int got;
    for (;;) {
        int rc = t_raw_frame(env, r, &f, 10);
        if (rc != 1) {
            if (getenv("T_DEBUG"))
                fprintf(stderr, "    no close frame: %d (eof %d, %zu bytes left)\n", rc, r->eof, r->len);
            return -1;
        }
        if (getenv("T_DEBUG"))
            fprintf(stderr, "    frame op %d len %zu\n", f.opcode, f.len);
        if (f.opcode == 8)
            break;
        t_frame_free(&f);
    }
    got = t_close_code(&f, &reason);
    if (getenv("T_DEBUG"))
        fprintf(stderr, "    close frame %d \"%s\"\n", got, reason);
    if (got != code || strncmp(reason, reason_prefix, strlen(reason_prefix)) != 0) {
        fprintf(stderr, "    close %d \"%s\", expected %d \"%s\"\n", got, reason, code,
                reason_prefix);
        t_frame_free(&f);
        return -1;
    }
    t_frame_free(&f);
    t_raw_until_eof(env, r, 10);
    return r->eof ? 0 : -1;
}

int test_0710_push_ws_protocol(void);
int test_0710_push_ws_protocol(void)
{
    T_BEGIN;
    t_env_t env;
    t_raw_t r;
    t_frame_t f;
    char *big = NULL;
    const char *sub = "{\"op\":\"subscribe\",\"kinds\":[\"markets\"]}";

    memset(&r, 0, sizeof(r));
    memset(&f, 0, sizeof(f));
    T_ASSERT_INT(t_env_start(&env, NULL, NULL, 0), ==, 0);

    /* ping → pong with the same payload; then a clean close handshake started by the client */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x9, "abc", 3, true, true), ==, 0);
    T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
    T_ASSERT_INT(f.opcode, ==, 0xA);
    T_ASSERT_STR(f.payload, "abc");
    t_frame_free(&f);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x8, "\x03\xe8" "bye", 5, true, true), ==, 0);
    T_ASSERT_INT(t_expect_close(&env, &r, 1000, ""), ==, 0);
    t_raw_close(&r);

    /* a fragmented subscribe (text + continuation) is one message */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x1, sub, 10, true, false), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x0, sub + 10, strlen(sub) - 10, true, true), ==, 0);
    T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
    T_ASSERT_STR(f.payload, "{\"type\":\"snapshot_end\",\"count\":0}");
    t_frame_free(&f);
    T_ASSERT_INT(t_st(&env).subscribes, ==, 1);
    t_raw_close(&r);

    /* an unmasked client frame is a protocol error: 1002 */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x1, sub, strlen(sub), false, true), ==, 0);
    T_ASSERT_INT(t_expect_close(&env, &r, 1002, ""), ==, 0);
    t_raw_close(&r);

    /* a message over ENG_PUSH_MSG_MAX: 1009 */
    big = malloc(ENG_PUSH_MSG_MAX + 10);
    memset(big, ' ', ENG_PUSH_MSG_MAX + 10);
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x1, big, ENG_PUSH_MSG_MAX + 10, true, true), ==, 0);
    T_ASSERT_INT(t_expect_close(&env, &r, 1009, ""), ==, 0);
    t_raw_close(&r);

    /* binary: 1003 */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x2, "\x01\x02", 2, true, true), ==, 0);
    T_ASSERT_INT(t_expect_close(&env, &r, 1003, "binary messages are not supported"), ==, 0);
    t_raw_close(&r);

    /* invalid UTF-8 in a text message: 1007 */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    T_ASSERT_INT(t_ws_send(&env, &r, 0x1, "\xff\xfe", 2, true, true), ==, 0);
    T_ASSERT_INT(t_expect_close(&env, &r, 1007, ""), ==, 0);
    t_raw_close(&r);

    /* a client that vanishes without a close frame */
    T_ASSERT_INT(t_ws_ready(&env, &r), ==, 0);
    t_raw_close(&r);
    T_WAIT(&env, 10, st.subscribers == 0);
    T_ASSERT_INT(t_st(&env).closed, ==, 7);
    T_ASSERT_INT(t_st(&env).accepted, ==, 7);
    goto end;
end:
    free(big);
    t_frame_free(&f);
    t_raw_close(&r);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0711: many connections come and go (descriptor reuse across the evhttp takeover) */

int test_0711_push_churn(void);
int test_0711_push_churn(void)
{
    T_BEGIN;
    eng_item_t items[] = {
        t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_GOLD_STAR, true,
               "{\"key\":\"s1\"}"),
    };
    t_env_t env;
    t_raw_t r;
    t_frame_t f;
    char head[2048], body[512], req[1024];
    int ws = 0, sse = 0;

    memset(&r, 0, sizeof(r));
    memset(&f, 0, sizeof(f));
    T_ASSERT_INT(t_env_start(&env, NULL, items, SV_ARRAY_SIZE(items)), ==, 0);
    for (int i = 0; i < 150; i++) {
        T_ASSERT_INT(t_ws_open(&env, &r, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head,
                               sizeof(head)),
                     ==, 101);
        ws++;
        if (i % 3 == 0) {
            T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
            T_ASSERT_STR(f.payload, "{\"type\":\"score\",\"data\":{\"key\":\"s1\"}}");
            t_frame_free(&f);
        }
        t_raw_close(&r);
        if (i % 5 == 0)
            T_ASSERT_INT(t_http(&env, "GET", "/nope", NULL, NULL, body, sizeof(body), NULL, 0), ==,
                         404);
        if (i % 10 == 0) {
            snprintf(req, sizeof(req),
                     "GET /api/v1/stream/sse?token=%s HTTP/1.1\r\nHost: x\r\n\r\n", T_TOKEN);
            T_ASSERT_INT(t_raw_connect(&env, &r, 0), ==, 0);
            T_ASSERT_INT(t_raw_send(&env, &r, req, strlen(req)), ==, 0);
            T_ASSERT_INT(t_raw_head(&env, &r, 10, head, sizeof(head)), ==, 200);
            t_raw_close(&r);
            sse++;
        }
        t_pump(&env, 1);
    }
    /* a client that sends its first frame with the handshake, before the 101 */
    {
        const char *sub = "{\"op\":\"subscribe\",\"kinds\":[\"markets\"]}";
        unsigned char frame[128], key[4] = {1, 2, 3, 4};
        size_t n = strlen(sub), off;
        snprintf(req, sizeof(req),
                 "GET /api/v1/stream?token=%s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
                 T_TOKEN, T_WS_KEY);
        off = strlen(req);
        frame[0] = 0x81;
        frame[1] = (unsigned char)(0x80 | n);
        memcpy(frame + 2, key, 4);
        for (size_t i = 0; i < n; i++)
            frame[6 + i] = (unsigned char)sub[i] ^ key[i % 4];
        memcpy(req + off, frame, 6 + n);
        T_ASSERT_INT(t_raw_connect(&env, &r, 0), ==, 0);
        T_ASSERT_INT(t_raw_send(&env, &r, req, off + 6 + n), ==, 0);
        T_ASSERT_INT(t_raw_head(&env, &r, 10, head, sizeof(head)), ==, 101);
        ws++;
        T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1); /* snapshot of the URL filter */
        t_frame_free(&f);
        T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
        T_ASSERT_STR(f.payload, "{\"type\":\"snapshot_end\",\"count\":1}");
        t_frame_free(&f);
        T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1); /* the subscribe's snapshot */
        T_ASSERT_STR(f.payload, "{\"type\":\"snapshot_end\",\"count\":0}");
        t_frame_free(&f);
        t_raw_close(&r);
    }
    T_WAIT(&env, 10, st.subscribers == 0);
    T_ASSERT_INT(t_st(&env).accepted, ==, ws + sse);
    T_ASSERT_INT(t_st(&env).closed, ==, ws + sse);
    goto end;
end:
    t_frame_free(&f);
    t_raw_close(&r);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0712: freeing the push server (and the HTTP port, in either order) with subscribers on */

int test_0712_push_teardown(void);
int test_0712_push_teardown(void)
{
    T_BEGIN;
    t_env_t env;
    t_raw_t w, s;
    char head[2048], req[256];

    memset(&w, 0, sizeof(w));
    memset(&s, 0, sizeof(s));
    snprintf(req, sizeof(req), "GET /api/v1/stream/sse?token=%s HTTP/1.1\r\nHost: x\r\n\r\n",
             T_TOKEN);
    for (int order = 0; order < 2; order++) {
        T_ASSERT_INT(t_env_start(&env, NULL, NULL, 0), ==, 0);
        T_ASSERT_INT(t_ws_ready(&env, &w), ==, 0);
        T_ASSERT_INT(t_raw_connect(&env, &s, 0), ==, 0);
        T_ASSERT_INT(t_raw_send(&env, &s, req, strlen(req)), ==, 0);
        T_ASSERT_INT(t_raw_head(&env, &s, 10, head, sizeof(head)), ==, 200);
        {
            /* something queued and unflushed when the end comes */
            eng_item_t it = t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_PASS,
                                   true, "{}");
            eng_push_publish(env.push, &it);
        }
        if (order == 0) {
            eng_push_free(env.push);
            env.push = NULL;
            t_pump(&env, 50); /* evhttp writes the end of the SSE stream */
            T_ASSERT_INT(t_expect_close(&env, &w, 1001, "server shutting down"), ==, 0);
            t_raw_until_eof(&env, &s, 10);
            T_ASSERT_CONTAINS((char *)s.buf,
                              "event: error\ndata: {\"message\":\"server shutting down\"}\n\n");
        } else {
            eng_http_free(env.http); /* evhttp closes the SSE connection */
            env.http = NULL;
            t_raw_until_eof(&env, &s, 10);
            T_ASSERT(s.eof);
            eng_push_free(env.push);
            env.push = NULL;
            T_ASSERT_INT(t_expect_close(&env, &w, 1001, "server shutting down"), ==, 0);
        }
        t_raw_close(&w);
        t_raw_close(&s);
        t_env_stop(&env);
    }
    goto end;
end:
    t_raw_close(&w);
    t_raw_close(&s);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0713: a subscriber that keeps its connection alive but stops reading is disconnected once its
 * unsent bytes stay above push.out_max_bytes for push.idle_s */

int test_0713_push_ws_slow_bytes(void);
int test_0713_push_ws_slow_bytes(void)
{
    T_BEGIN;
    eng_push_conf_t conf;
    t_env_t env;
    t_raw_t r;
    t_frame_t f, fclose;
    char pad[4001], json[4100], key[32], head[2048];
    const char *reason;
    size_t published = 0;
    double dl, next_pong = 0;

    memset(&r, 0, sizeof(r));
    memset(&fclose, 0, sizeof(fclose));
    t_conf_default(&conf);
    conf.out_max_bytes = 65536;
    conf.ping_s = 1;
    conf.idle_s = 2;
    T_ASSERT_INT(t_env_start(&env, &conf, NULL, 0), ==, 0);
    T_ASSERT_INT(t_ws_open(&env, &r, "/api/v1/stream?token=" T_TOKEN, NULL, 4096, head,
                           sizeof(head)),
                 ==, 101);
    T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
    t_frame_free(&f);
    memset(pad, 'y', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    /* 12 MB of distinct updates (more than the kernel buffers hold), 100 per turn; the client
     * never reads but sends a pong now and then, so it is never idle */
    dl = t_now() + 20;
    while (t_now() < dl && !t_st(&env).disconnected_slow) {
        if (published < 3000) {
            for (int i = 0; i < 100; i++) {
                eng_item_t it;
                snprintf(key, sizeof(key), "k%06zu", published++);
                snprintf(json, sizeof(json), "{\"key\":\"%s\",\"pad\":\"%s\"}", key, pad);
                it = t_item(ENG_ITEM_SCORE, key, "nba", "e1", "h2h", WIRE_TIER_PASS, true, json);
                eng_push_publish(env.push, &it);
            }
            eng_push_flush(env.push);
        }
        if (t_now() >= next_pong) {
            T_ASSERT_INT(t_ws_send(&env, &r, 0xA, "hb", 2, true, true), ==, 0);
            next_pong = t_now() + 0.3;
        }
        t_pump(&env, 5);
    }
    T_ASSERT_INT(t_st(&env).disconnected_slow, ==, 1);
    T_ASSERT_INT(t_st(&env).disconnected_idle, ==, 0);
    dl = t_now() + 20;
    while (!fclose.payload && t_now() < dl) {
        t_drain_frames(&r, &fclose);
        if (!fclose.payload)
            t_pump(&env, 1);
    }
    T_ASSERT(fclose.payload);
    T_ASSERT_INT(t_close_code(&fclose, &reason), ==, 1008);
    T_ASSERT_CONTAINS(reason, "slow consumer: ");
    T_ASSERT_CONTAINS(reason, " bytes unsent for 2 s");
    goto end;
end:
    t_frame_free(&fclose);
    t_raw_close(&r);
    t_env_stop(&env);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------- */
/* 0714: tokens of the store (the test resolver stands in for PostgreSQL): asynchronous lookup,
 * the API's cache, scope, store down, revocation, clients gone while waiting, teardown while
 * waiting (run under ASan: nothing is used after it is freed) */

/* Send a request on a new raw socket without waiting for the answer. */
static int t_raw_request(t_env_t *env, t_raw_t *r, const char *req)
{
    if (t_raw_connect(env, r, 0) != 0)
        return -1;
    return t_raw_send(env, r, req, strlen(req));
}

#define T_WS_REQ(target)                                                                           \
    "GET " target " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"          \
    "Sec-WebSocket-Key: " T_WS_KEY "\r\nSec-WebSocket-Version: 13\r\n\r\n"

int test_0714_push_store_tokens(void);
int test_0714_push_store_tokens(void)
{
    T_BEGIN;
    eng_item_t items[1];
    eng_api_stats_t ast;
    t_env_t env;
    t_raw_t r, g1, g2;
    t_frame_t f;
    char head[2048], body[2048];
    unsigned calls;
    double t0;

    memset(&r, 0, sizeof(r));
    memset(&g1, 0, sizeof(g1));
    memset(&g2, 0, sizeof(g2));
    memset(&f, 0, sizeof(f));
    items[0] = t_item(ENG_ITEM_SCORE, "s1", "nba", "e1", "h2h", WIRE_TIER_PASS, true, "{\"k\":1}");
    T_ASSERT_INT(t_env_start(&env, NULL, items, 1), ==, 0);
    env.res.delay_ms = 200;

    /* a store token subscribes over WebSocket once the store has answered */
    t0 = t_now();
    T_ASSERT_INT(t_ws_open(&env, &r, "/api/v1/stream?token=user-read", NULL, 0, head,
                           sizeof(head)),
                 ==, 101);
    T_ASSERT(t_now() - t0 >= 0.15);
    T_ASSERT_INT(env.res.calls, ==, 1);
    T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
    T_ASSERT_STR(f.payload, "{\"type\":\"score\",\"data\":{\"k\":1}}");
    t_frame_free(&f);
    T_ASSERT_INT(t_raw_frame(&env, &r, &f, 10), ==, 1);
    T_ASSERT_STR(f.payload, "{\"type\":\"snapshot_end\",\"count\":1}");
    t_frame_free(&f);
    t_raw_close(&r);

    /* SSE, the token in the header: the API's cache answers, no second lookup */
    T_ASSERT_INT(t_raw_request(&env, &r,
                               "GET /api/v1/stream/sse HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer user-read\r\n\r\n"),
                 ==, 0);
    T_ASSERT_INT(t_raw_head(&env, &r, 10, head, sizeof(head)), ==, 200);
    T_ASSERT_CONTAINS(head, "Content-Type: text/event-stream");
    t_raw_close(&r);
    T_ASSERT_INT(env.res.calls, ==, 1);
    eng_api_stats(env.api, &ast);
    T_ASSERT_INT(ast.lookups, ==, 1);
    T_ASSERT_INT(ast.cache_hits, ==, 1);

    /* the bootstrap token needs no lookup */
    T_ASSERT_INT(t_ws_open(&env, &r, "/api/v1/stream?token=" T_TOKEN, NULL, 0, head, sizeof(head)),
                 ==, 101);
    t_raw_close(&r);
    T_ASSERT_INT(env.res.calls, ==, 1);

    /* no read scope: 403 */
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=user-bet", NULL, body, sizeof(body),
                              NULL, 0),
                 ==, 403);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"forbidden\",\"message\":\"this token lacks the read "
                       "scope\",\"field\":\"token\"}}\n");
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream/sse?token=user-bet", NULL, NULL, body,
                        sizeof(body), NULL, 0),
                 ==, 403);
    T_ASSERT_CONTAINS(body, "\"code\":\"forbidden\"");

    /* unknown: 401, like the REST routes */
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=nope", NULL, body, sizeof(body), head,
                              sizeof(head)),
                 ==, 401);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"invalid token\","
                       "\"field\":\"token\"}}\n");
    T_ASSERT_CONTAINS(head, "WWW-Authenticate: Bearer realm=\"savant\"");

    /* the store down: 503 with Retry-After, nothing cached */
    env.res.down = true;
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=user-two", NULL, body, sizeof(body),
                              head, sizeof(head)),
                 ==, 503);
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unavailable\",\"message\":\"the token store is "
                       "unavailable; retry\",\"field\":\"\"}}\n");
    T_ASSERT_CONTAINS(head, "Retry-After: 1");
    T_ASSERT_INT(t_http(&env, "GET", "/api/v1/stream/sse?token=user-two", NULL, NULL, body,
                        sizeof(body), NULL, 0),
                 ==, 503);
    env.res.down = false;
    T_ASSERT_INT(t_raw_request(&env, &r,
                               "GET /api/v1/stream/sse?token=user-two HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ==, 0);
    T_ASSERT_INT(t_raw_head(&env, &r, 10, head, sizeof(head)), ==, 200);
    t_raw_close(&r);

    /* clients gone while their token is looked up (one known, one not) */
    env.res.delay_ms = 300;
    calls = env.res.calls;
    T_ASSERT_INT(t_raw_request(&env, &g1, T_WS_REQ("/api/v1/stream?token=user-gone")), ==, 0);
    T_ASSERT_INT(t_raw_request(&env, &g2,
                               "GET /api/v1/stream/sse?token=user-two HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ==, 0);
    /* user-two is cached: its SSE subscriber is in at once; user-gone waits */
    T_ASSERT_INT(t_raw_head(&env, &g2, 10, head, sizeof(head)), ==, 200);
    t_raw_close(&g2);
    T_ASSERT_INT(t_raw_request(&env, &g2,
                               "GET /api/v1/stream/sse?token=user-gone2 HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ==, 0);
    t_pump(&env, 50);
    T_ASSERT_INT(t_st(&env).waiting, ==, 2);
    T_ASSERT_INT(env.res.calls, ==, calls + 2);
    t_raw_close(&g1);
    t_raw_close(&g2);
    t_pump(&env, 600); /* the answers come after the clients left (evhttp does not read a
                        * connection whose request is unanswered: the answer finds it closed) */
    T_ASSERT_INT(t_st(&env).waiting, ==, 0);
    T_ASSERT(env.res.pending == NULL);

    /* a revoked token is refused once the API's cache has expired (ENG_API_TOKEN_CACHE_MS) */
    env.res.delay_ms = 0;
    env.res.revoked = true;
    T_ASSERT_INT(t_raw_request(&env, &r,
                               "GET /api/v1/stream/sse?token=user-read HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ==, 0);
    T_ASSERT_INT(t_raw_head(&env, &r, 10, head, sizeof(head)), ==, 200); /* still cached */
    t_raw_close(&r);
    t_pump(&env, ENG_API_TOKEN_CACHE_MS + 200);
    T_ASSERT_INT(t_ws_refused(&env, "/api/v1/stream?token=user-read", NULL, body, sizeof(body),
                              NULL, 0),
                 ==, 401);

    /* push freed while a lookup is in flight: the client gets 503, the late answer goes nowhere */
    env.res.delay_ms = 300;
    T_ASSERT_INT(t_raw_request(&env, &g1, T_WS_REQ("/api/v1/stream?token=user-late")), ==, 0);
    t_pump(&env, 50);
    T_ASSERT_INT(t_st(&env).waiting, ==, 1);
    eng_push_free(env.push);
    env.push = NULL;
    T_ASSERT_INT(t_raw_head(&env, &g1, 10, head, sizeof(head)), ==, 503);
    t_raw_body(&env, &g1, head, body, sizeof(body));
    T_ASSERT_STR(body, "{\"error\":{\"code\":\"unavailable\",\"message\":\"server shutting down\","
                       "\"field\":\"\"}}\n");
    t_pump(&env, 400); /* the answer arrives for a cancelled lookup */
    T_ASSERT(env.res.pending == NULL);
    t_raw_close(&g1);
    t_env_stop(&env);

    /* valid tokens whose clients left before the answer: subscribed, then found gone */
    T_ASSERT_INT(t_env_start(&env, NULL, items, 1), ==, 0);
    env.res.delay_ms = 200;
    T_ASSERT_INT(t_raw_request(&env, &g1, T_WS_REQ("/api/v1/stream?token=user-two")), ==, 0);
    T_ASSERT_INT(t_raw_request(&env, &g2,
                               "GET /api/v1/stream/sse?token=user-read HTTP/1.1\r\nHost: x\r\n\r\n"),
                 ==, 0);
    t_pump(&env, 50);
    T_ASSERT_INT(t_st(&env).waiting, ==, 2);
    t_raw_close(&g1);
    t_raw_close(&g2);
    {
        double dl = t_now() + 10;
        while ((t_st(&env).waiting || t_st(&env).subscribers) && t_now() < dl)
            t_pump(&env, 20);
    }
    T_ASSERT_INT(t_st(&env).waiting, ==, 0);
    T_ASSERT_INT(t_st(&env).subscribers, ==, 0);

    /* the HTTP server freed while a lookup is in flight: the waiting request goes with it */
    T_ASSERT_INT(t_raw_request(&env, &g1, T_WS_REQ("/api/v1/stream?token=user-bet")), ==, 0);
    t_pump(&env, 50);
    T_ASSERT_INT(t_st(&env).waiting, ==, 1);
    eng_http_free(env.http);
    env.http = NULL;
    T_ASSERT_INT(t_st(&env).waiting, ==, 0);
    T_ASSERT_INT(t_st(&env).gone_waiting, ==, 1);
    t_pump(&env, 300);
    T_ASSERT(env.res.pending == NULL);
    goto end;
end:
    t_frame_free(&f);
    t_raw_close(&r);
    t_raw_close(&g1);
    t_raw_close(&g2);
    t_env_stop(&env);
    return t_rc_;
}
