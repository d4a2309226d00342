/*
 * 1101–1149: the Redis cache (engine/cache.c) against real redis-server processes: redis.url
 * parsing and errors, the exact key layout of docs/redis.md (every key under the test's prefix,
 * values byte for byte, TTLs only for finished games, live sets with exact scores, index sets,
 * the meta hash), pub/sub messages as a subscriber sees them, one pipeline per turn (counted on
 * the server), recovery after Redis restarts (data kept and data lost) with writes and a
 * withdrawal while it was down, Redis absent at start / a dead host / a bad password, the backlog
 * limit, host-name resolution, and freeing with work in flight.
 *
 * Tests use the Redis of ops/services (REDIS_PORT) with a prefix of their own, or start their own
 * redis-server on a free port in a temp dir when they need to stop it or configure it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "cache.h"
#include "harness.h"
#include "item.h"

#define T_TTL 3600
#define T_ITEMS_MAX 4096

/* ---------------------------------------------------------------------------------------------
 * small helpers
 */

static double t_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A growable string. */
typedef struct t_sb {
    char *s;
    size_t len, cap;
} t_sb_t;

static void t_sb_addf(t_sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void t_sb_addf(t_sb_t *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void t_sb_free(t_sb_t *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

/* Lines, sorted and joined (a canonical text to compare). */
typedef struct t_lines {
    char **v;
    size_t n, cap;
} t_lines_t;

static void t_lines_add(t_lines_t *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        if (!l->v)
            abort();
    }
    l->v[l->n++] = strdup(s);
}

static int t_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted and joined with '\n' into *out (caller frees); frees the lines. */
static char *t_lines_join(t_lines_t *l)
{
    t_sb_t b = {0};

    qsort(l->v, l->n, sizeof(*l->v), t_strcmp_p);
    t_sb_addf(&b, "%s", "");
    for (size_t i = 0; i < l->n; i++) {
        t_sb_addf(&b, "%s\n", l->v[i]);
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
    return b.s;
}

static int t_free_port(void)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

/* A peer that never answers a SYN: a listener with a full accept queue (a dead host, locally). */
typedef struct t_blackhole {
    int lfd;     /* the listener, never accepting */
    int fill[4]; /* connections filling its queue */
    int port;
} t_blackhole_t;

static int t_blackhole_open(t_blackhole_t *b)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);

    memset(b, 0, sizeof(*b));
    for (int i = 0; i < 4; i++)
        b->fill[i] = -1;
    b->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(b->lfd, 0) != 0 || getsockname(b->lfd, (struct sockaddr *)&sa, &sl) != 0)
        return -1;
    b->port = ntohs(sa.sin_port);
    for (int i = 0; i < 4; i++) {
        b->fill[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (b->fill[i] < 0)
            return -1;
        fcntl(b->fill[i], F_SETFL, O_NONBLOCK);
        if (connect(b->fill[i], (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS)
            return -1;
    }
    usleep(100000);
    return 0;
}

static void t_blackhole_close(t_blackhole_t *b)
{
    for (int i = 0; i < 4; i++)
        if (b->fill[i] >= 0)
            close(b->fill[i]);
    if (b->lfd >= 0)
        close(b->lfd);
    b->lfd = -1;
    for (int i = 0; i < 4; i++)
        b->fill[i] = -1;
}

/* ---------------------------------------------------------------------------------------------
 * redis-server processes and a synchronous client
 */

typedef struct t_redis {
    pid_t pid;     /* 0 when not running */
    int port;
    char dir[128]; /* its temp dir ("" for the shared one) */
} t_redis_t;

/* A synchronous connection (AUTH pw when given), or NULL. */
static redisContext *t_sync(int port, const char *user, const char *pw, int db)
{
    struct timeval tv = {2, 0};
    redisContext *rc = redisConnectWithTimeout("127.0.0.1", port, tv);
    redisReply *r;

    if (!rc || rc->err) {
        if (rc)
            redisFree(rc);
        return NULL;
    }
    redisSetTimeout(rc, tv);
    if (pw) {
        r = user ? redisCommand(rc, "AUTH %s %s", user, pw) : redisCommand(rc, "AUTH %s", pw);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            if (r)
                freeReplyObject(r);
            redisFree(rc);
            return NULL;
        }
        freeReplyObject(r);
    }
    if (db) {
        r = redisCommand(rc, "SELECT %d", db);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            if (r)
                freeReplyObject(r);
            redisFree(rc);
            return NULL;
        }
        freeReplyObject(r);
    }
    return rc;
}

/* Whether a server answers on port (any reply, an auth error included). */
static bool t_redis_answers(int port)
{
    redisContext *rc = t_sync(port, NULL, NULL, 0);
    redisReply *r;
    bool ok;

    if (!rc)
        return false;
    r = redisCommand(rc, "PING");
    ok = r != NULL;
    if (r)
        freeReplyObject(r);
    redisFree(rc);
    return ok;
}

/* Start redis-server on r->port (a free one when 0) in r->dir (made when ""), with extra config
 * arguments (NULL-ended). Returns 0 once it answers. */
static int t_redis_start(t_redis_t *r, const char *const *extra)
{
    char port[16], log[200];
    const char *argv[64];
    int n = 0;

    if (!r->dir[0]) {
        snprintf(r->dir, sizeof(r->dir), "/tmp/savant-t1100.XXXXXX");
        if (!mkdtemp(r->dir))
            return -1;
    }
    if (!r->port)
        r->port = t_free_port();
    snprintf(port, sizeof(port), "%d", r->port);
    snprintf(log, sizeof(log), "%s/redis.log", r->dir);
    argv[n++] = "redis-server";
    argv[n++] = "--bind";
    argv[n++] = "127.0.0.1";
    argv[n++] = "--port";
    argv[n++] = port;
    argv[n++] = "--dir";
    argv[n++] = r->dir;
    argv[n++] = "--save";
    argv[n++] = "";
    argv[n++] = "--appendonly";
    argv[n++] = "no";
    argv[n++] = "--daemonize";
    argv[n++] = "no";
    argv[n++] = "--logfile";
    argv[n++] = log;
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    r->pid = fork();
    if (r->pid < 0) {
        r->pid = 0;
        return -1;
    }
    if (r->pid == 0) {
        execvp("redis-server", (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        if (t_redis_answers(r->port))
            return 0;
        usleep(50000);
    }
    fprintf(stderr, "    redis-server on port %d did not start (log %s)\n", r->port, log);
    return -1;
}

static void t_redis_kill(t_redis_t *r)
{
    if (r->pid > 0) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, NULL, 0);
    }
    r->pid = 0;
}

/* Kill it and remove its dir. */
static void t_redis_stop(t_redis_t *r)
{
    char cmd[200];

    t_redis_kill(r);
    if (r->dir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "    cannot remove %s\n", r->dir);
        r->dir[0] = '\0';
    }
}

/* The Redis of ops/services (REDIS_PORT), or one of our own when run without it. */
static int t_redis_shared(t_redis_t *r)
{
    const char *p = getenv("REDIS_PORT");

    memset(r, 0, sizeof(*r));
    if (p && *p) {
        r->port = atoi(p);
        return t_redis_answers(r->port) ? 0 : -1;
    }
    return t_redis_start(r, NULL);
}

static long long t_info_field(redisContext *rc, const char *field)
{
    redisReply *r = redisCommand(rc, "INFO stats");
    long long v = -1;
    char pat[80];
    const char *at;

    if (!r)
        return -1;
    snprintf(pat, sizeof(pat), "\n%s:", field);
    if (r->type == REDIS_REPLY_STRING && (at = strstr(r->str, pat)))
        v = atoll(at + strlen(pat));
    freeReplyObject(r);
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * the engine's state, as a test keeps it
 */

typedef struct t_item {
    eng_item_kind_t kind;
    char key[96];
    char sport[16];
    char event_id[32];
    char json[600];
    double final;
    bool live, done;
    int64_t ts;
} t_item_t;

typedef struct t_state {
    t_item_t it[T_ITEMS_MAX];
    int n;
} t_state_t;

static void t_item_view(const t_item_t *t, eng_item_t *e)
{
    memset(e, 0, sizeof(*e));
    e->kind = t->kind;
    e->key = t->key;
    e->sport = t->sport;
    e->event_id = t->event_id;
    e->market = "h2h";
    e->player = "";
    e->final = t->final;
    e->live = t->live;
    e->done = t->done;
    e->ts = t->ts;
    e->json = t->json;
    e->json_len = strlen(t->json);
}

static void t_state_iter(void *arg, eng_item_fn *fn, void *ctx)
{
    t_state_t *s = arg;
    eng_item_t e;

    for (int i = 0; i < s->n; i++) {
        t_item_view(&s->it[i], &e);
        fn(ctx, &e);
    }
}

/* Create or change an item of the state, then put it (when c is not NULL). */
static t_item_t *t_set(t_state_t *s, eng_cache_t *c, eng_item_kind_t kind, const char *key,
                       const char *sport, const char *event_id, double final, bool live,
                       bool done, int64_t ts, const char *note)
{
    t_item_t *t = NULL;
    eng_item_t e;

    for (int i = 0; i < s->n; i++)
        if (s->it[i].kind == kind && strcmp(s->it[i].key, key) == 0)
            t = &s->it[i];
    if (!t) {
        if (s->n == T_ITEMS_MAX)
            abort();
        t = &s->it[s->n++];
    }
    t->kind = kind;
    snprintf(t->key, sizeof(t->key), "%s", key);
    snprintf(t->sport, sizeof(t->sport), "%s", sport);
    snprintf(t->event_id, sizeof(t->event_id), "%s", event_id);
    t->final = final;
    t->live = live;
    t->done = done;
    t->ts = ts;
    snprintf(t->json, sizeof(t->json),
             "{\"kind\":\"%s\",\"key\":\"%s\",\"sport\":\"%s\",\"final\":%.17g,\"live\":%s,"
             "\"done\":%s,\"ts\":%lld,\"note\":\"%s \\u00e9 \\\"q\\\"\"}",
             eng_item_kind_name(kind), key, sport, final, live ? "true" : "false",
             done ? "true" : "false", (long long)ts, note);
    if (c) {
        t_item_view(t, &e);
        eng_cache_put(c, &e);
    }
    return t;
}

/* What Redis must hold for state s under prefix: one line per key (see t_dump). */
static char *t_expected(const t_state_t *s, const char *prefix, long long rewrites)
{
    t_lines_t l = {0};
    t_sb_t b = {0};
    int64_t max_ts = INT64_MIN;
    static char done_ev[T_ITEMS_MAX][32];
    int ev_cnt = 0;

    /* values */
    for (int i = 0; i < s->n; i++) {
        const t_item_t *t = &s->it[i];
        b.len = 0;
        t_sb_addf(&b, "string %s%s:%s%s %s", prefix, eng_item_kind_name(t->kind), t->key,
                  t->done ? " ttl" : "", t->json);
        t_lines_add(&l, b.s);
        if (t->ts > max_ts)
            max_ts = t->ts;
    }
    /* index sets: one per event */
    for (int i = 0; i < s->n; i++) {
        const char *ev = s->it[i].event_id[0] ? s->it[i].event_id : "_";
        bool seen = false, any_done = false;
        t_lines_t m = {0};
        char *members;

        for (int k = 0; k < ev_cnt; k++)
            if (strcmp(done_ev[k], ev) == 0)
                seen = true;
        if (seen)
            continue;
        snprintf(done_ev[ev_cnt++], sizeof(done_ev[0]), "%s", ev);
        for (int j = 0; j < s->n; j++) {
            const t_item_t *t = &s->it[j];
            if (strcmp(t->event_id[0] ? t->event_id : "_", ev) != 0)
                continue;
            b.len = 0;
            t_sb_addf(&b, "%s:%s", eng_item_kind_name(t->kind), t->key);
            t_lines_add(&m, b.s);
            any_done |= t->done;
        }
        members = t_lines_join(&m);
        for (char *p = members; *p; p++)
            if (*p == '\n')
                *p = ' ';
        b.len = 0;
        t_sb_addf(&b, "set %sevent:%s:keys%s %s", prefix, ev, any_done ? " ttl" : "", members);
        t_lines_add(&l, b.s);
        free(members);
    }
    /* live sets: one per sport with a live signal */
    ev_cnt = 0;
    for (int i = 0; i < s->n; i++) {
        const t_item_t *t0 = &s->it[i];
        const char *sp = t0->sport[0] ? t0->sport : "_";
        bool seen = false;
        t_lines_t m = {0};
        char *members;

        if (t0->kind != ENG_ITEM_SIGNAL || !t0->live || t0->done)
            continue;
        for (int k = 0; k < ev_cnt; k++)
            if (strcmp(done_ev[k], sp) == 0)
                seen = true;
        if (seen)
            continue;
        snprintf(done_ev[ev_cnt++], sizeof(done_ev[0]), "%s", sp);
        for (int j = 0; j < s->n; j++) {
            const t_item_t *t = &s->it[j];
            if (t->kind != ENG_ITEM_SIGNAL || !t->live || t->done ||
                strcmp(t->sport[0] ? t->sport : "_", sp) != 0)
                continue;
            b.len = 0;
            t_sb_addf(&b, "%s=%.17g", t->key, t->final);
            t_lines_add(&m, b.s);
        }
        members = t_lines_join(&m);
        for (char *p = members; *p; p++)
            if (*p == '\n')
                *p = ' ';
        b.len = 0;
        t_sb_addf(&b, "zset %ssignals:live:%s %s", prefix, sp, members);
        t_lines_add(&l, b.s);
        free(members);
    }
    b.len = 0;
    if (max_ts != INT64_MIN)
        t_sb_addf(&b, "hash %smeta rewrites=%lld ts=%lld ", prefix, rewrites, (long long)max_ts);
    else
        t_sb_addf(&b, "hash %smeta rewrites=%lld ", prefix, rewrites);
    t_lines_add(&l, b.s);
    t_sb_free(&b);
    return t_lines_join(&l);
}

/* Everything Redis holds under prefix, one line per key, sorted: "string KEY[ ttl] VALUE",
 * "set KEY[ ttl] M1 M2 …", "zset KEY M1=SCORE …", "hash KEY F1=V1 …". A TTL must lie in
 * (0, T_TTL]; a bad one is reported in the text. */
static char *t_dump(redisContext *rc, const char *prefix)
{
    t_lines_t keys = {0}, out = {0};
    t_sb_t b = {0};
    char cursor[32] = "0", *joined;

    do {
        redisReply *r = redisCommand(rc, "SCAN %s MATCH %s* COUNT 1000", cursor, prefix);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            if (r)
                freeReplyObject(r);
            t_lines_add(&out, "SCAN failed");
            break;
        }
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements; i++)
            t_lines_add(&keys, r->element[1]->element[i]->str);
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);

    for (size_t i = 0; i < keys.n; i++) {
        const char *k = keys.v[i];
        redisReply *ty = redisCommand(rc, "TYPE %s", k);
        redisReply *ttl = redisCommand(rc, "TTL %s", k);
        redisReply *r = NULL;
        const char *tts = "";
        t_lines_t m = {0};
        char *members;

        if (!ty || !ttl) {
            t_lines_add(&out, "command failed");
            break;
        }
        if (ttl->integer > 0 && ttl->integer <= T_TTL)
            tts = " ttl";
        else if (ttl->integer != -1)
            tts = " BAD-TTL";
        b.len = 0;
        if (strcmp(ty->str, "string") == 0) {
            r = redisCommand(rc, "GET %s", k);
            t_sb_addf(&b, "string %s%s %s", k, tts, r && r->str ? r->str : "?");
        } else if (strcmp(ty->str, "set") == 0) {
            r = redisCommand(rc, "SMEMBERS %s", k);
            for (size_t j = 0; r && j < r->elements; j++)
                t_lines_add(&m, r->element[j]->str);
            members = t_lines_join(&m);
            for (char *p = members; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            t_sb_addf(&b, "set %s%s %s", k, tts, members);
            free(members);
        } else if (strcmp(ty->str, "zset") == 0) {
            r = redisCommand(rc, "ZRANGE %s 0 -1 WITHSCORES", k);
            for (size_t j = 0; r && j + 1 < r->elements; j += 2) {
                char e[200];
                snprintf(e, sizeof(e), "%s=%.17g", r->element[j]->str,
                         strtod(r->element[j + 1]->str, NULL));
                t_lines_add(&m, e);
            }
            members = t_lines_join(&m);
            for (char *p = members; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            t_sb_addf(&b, "zset %s%s %s", k, tts, members);
            free(members);
        } else if (strcmp(ty->str, "hash") == 0) {
            r = redisCommand(rc, "HGETALL %s", k);
            for (size_t j = 0; r && j + 1 < r->elements; j += 2) {
                char e[200];
                snprintf(e, sizeof(e), "%s=%s", r->element[j]->str, r->element[j + 1]->str);
                t_lines_add(&m, e);
            }
            members = t_lines_join(&m);
            for (char *p = members; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            t_sb_addf(&b, "hash %s%s %s", k, tts, members);
            free(members);
        } else {
            t_sb_addf(&b, "%s %s", ty->str, k);
        }
        t_lines_add(&out, b.s);
        if (r)
            freeReplyObject(r);
        freeReplyObject(ty);
        freeReplyObject(ttl);
    }
    for (size_t i = 0; i < keys.n; i++)
        free(keys.v[i]);
    free(keys.v);
    t_sb_free(&b);
    joined = t_lines_join(&out);
    return joined;
}

/* Delete every key under prefix. */
static void t_clear(redisContext *rc, const char *prefix)
{
    redisReply *r = redisCommand(rc, "EVAL %s 0 %s",
                                 "for _,k in ipairs(redis.call('KEYS', ARGV[1]..'*')) do "
                                 "redis.call('DEL', k) end return 1",
                                 prefix);
    if (r)
        freeReplyObject(r);
}

/* ---------------------------------------------------------------------------------------------
 * the loop
 */

static int t_ticks; /* 10 ms ticks seen by t_loop_until: the loop was never stalled */

static void t_on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    t_ticks++;
}

typedef bool(t_cond_fn)(void *arg);

/* Run the loop until cond(arg) holds (cond NULL: for timeout_ms). Returns whether it held. */
static bool t_loop_until(struct event_base *base, t_cond_fn *cond, void *arg, int timeout_ms)
{
    struct timeval tv = {0, 10000};
    struct event *tick = event_new(base, -1, EV_PERSIST, t_on_tick, NULL);
    double end = t_now_ms() + timeout_ms * 1.0;
    bool ok = false;

    event_add(tick, &tv);
    for (;;) {
        if (cond && cond(arg)) {
            ok = true;
            break;
        }
        if (t_now_ms() > end)
            break;
        event_base_loop(base, EVLOOP_ONCE);
    }
    event_free(tick);
    return ok;
}

/* Condition: connected, nothing pending, at least want rewrites, nothing behind. */
typedef struct t_idle_arg {
    eng_cache_t *c;
    uint64_t rewrites;
} t_idle_arg_t;

static bool t_idle(void *arg)
{
    t_idle_arg_t *a = arg;
    eng_cache_stats_t st;

    eng_cache_stats(a->c, &st);
    return st.connected && st.pending == 0 && st.rewrites >= a->rewrites && !st.behind;
}

static bool t_wait_idle(struct event_base *base, eng_cache_t *c, uint64_t rewrites, int ms)
{
    t_idle_arg_t a = {c, rewrites};
    return t_loop_until(base, t_idle, &a, ms);
}

static bool t_disconnected(void *arg)
{
    return !eng_cache_connected(arg);
}

static void t_conf(eng_cache_conf_t *conf, const char *url, const char *prefix)
{
    memset(conf, 0, sizeof(*conf));
    conf->url = url;
    conf->prefix = prefix;
    conf->ttl_final_s = T_TTL;
    conf->backoff_max_ms = 400;
    conf->pending_max = 1000000;
}

/* ---------------------------------------------------------------------------------------------
 * tests
 */

int test_1101_cache_url(void);
int test_1101_cache_url(void)
{
    static const struct {
        const char *url, *host, *user, *password;
        int port, db;
    } good[] = {
        {"redis://127.0.0.1:6380/2", "127.0.0.1", "", "", 6380, 2},
        {"redis://:p%40ss@cache.internal:6379/0", "cache.internal", "", "p@ss", 6379, 0},
        {"redis://default:s3cret@redis.railway.internal:6379", "redis.railway.internal",
         "default", "s3cret", 6379, 0},
        {"redis://alice:a%3Ab@h:1/15", "h", "alice", "a:b", 1, 15},
        {"redis://pw@h:2", "h", "", "pw", 2, 0},
        {"localhost:7000", "localhost", "", "", 7000, 0},
        {"redis-1.example_x", "redis-1.example_x", "", "", 6379, 0},
        {"redis://[::1]:6390/1", "::1", "", "", 6390, 1},
        {"redis://h", "h", "", "", 6379, 0},
        {"redis://h:65535/", "h", "", "", 65535, 0},
    };
    static const struct {
        const char *url, *reason;
    } bad[] = {
        {"", "empty"},
        {"rediss://h:6379", "TLS"},
        {"http://h:80", "unsupported scheme \"http\""},
        {"unix:///tmp/redis.sock", "unsupported scheme"},
        {"redis://:6379", "no host"},
        {"redis://h:0", "port must be 1..65535 (got \"0\")"},
        {"redis://h:65536", "port must be 1..65535"},
        {"redis://h:abc", "port must be 1..65535 (got \"abc\")"},
        {"redis://h:", "port must be 1..65535"},
        {"redis://h:6379/x", "database must be a number"},
        {"redis://h:6379/-1", "database must be a number"},
        {"redis://h:6379/0?timeout=1", "query parameters"},
        {"redis://[::1:6379", "unclosed"},
        {"redis://[zz]:1", "bad IPv6"},
        {"redis://:top%zzsecret@h:1", "bad user or password"},
        {"h:1:2", "unexpected \":2\""},
        {"redis://h h:1", "unexpected"},
        {"redis://:topsecret@h:99999", "port must be"},
        {"alice:topsecret@h:1", "needs the redis://user:password@host:port form"},
    };
    eng_cache_url_t u;
    eng_cache_conf_t conf;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    char err[300];
    T_BEGIN;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        err[0] = '\0';
        if (eng_cache_url_parse(good[i].url, &u, err, sizeof(err)) != SV_OK)
            T_FAILF("%s: %s", good[i].url, err);
        T_ASSERT_STR(u.host, good[i].host);
        T_ASSERT_STR(u.user, good[i].user);
        T_ASSERT_STR(u.password, good[i].password);
        T_ASSERT_INT(u.port, ==, good[i].port);
        T_ASSERT_INT(u.db, ==, good[i].db);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        if (eng_cache_url_parse(bad[i].url, &u, err, sizeof(err)) != SV_ERR_CONFIG)
            T_FAILF("\"%s\" accepted", bad[i].url);
        T_ASSERT_CONTAINS(err, "redis.url: ");
        T_ASSERT_CONTAINS(err, bad[i].reason);
        if (strstr(err, "topsecret") || strstr(err, "top%zz"))
            T_FAILF("error message shows the password: %s", err);
    }

    /* the constructor reports the same, and checks the other values */
    T_ASSERT(base != NULL);
    t_conf(&conf, "redis://h:0/0", "p:");
    c = eng_cache_new(base, &conf, t_state_iter, NULL, err, sizeof(err));
    T_ASSERT(c == NULL);
    T_ASSERT_STR(err, "redis.url: port must be 1..65535 (got \"0\")");
    t_conf(&conf, "redis://h:1/0", "p:");
    conf.ttl_final_s = 0;
    c = eng_cache_new(base, &conf, t_state_iter, NULL, err, sizeof(err));
    T_ASSERT(c == NULL);
    T_ASSERT_CONTAINS(err, "redis.ttl_final_s");
    t_conf(&conf, "redis://h:1/0", "p:");
    conf.backoff_max_ms = 50;
    c = eng_cache_new(base, &conf, t_state_iter, NULL, err, sizeof(err));
    T_ASSERT(c == NULL);
    T_ASSERT_CONTAINS(err, "redis.backoff_max_ms");
    t_conf(&conf, "redis://h:1/0", "p:");
    conf.pending_max = 0;
    c = eng_cache_new(base, &conf, t_state_iter, NULL, err, sizeof(err));
    T_ASSERT(c == NULL);
    T_ASSERT_CONTAINS(err, "redis.pending_max");
end:
    eng_cache_free(c);
    if (base)
        event_base_free(base);
    return t_rc_;
}

/* Exact layout: values, TTLs, index sets, live sets, meta; an item put before the first connect
 * arrives through the first rewrite; a withdrawal and a sport becoming known move members. */
int test_1102_cache_layout(void);
int test_1102_cache_layout(void)
{
    static t_state_t s;
    const char *P = "t1102:";
    t_redis_t R;
    redisContext *rc = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[64], err[256], *want = NULL, *got = NULL;
    T_BEGIN;

    T_ASSERT(t_redis_shared(&R) == 0);
    T_ASSERT((rc = t_sync(R.port, NULL, NULL, 0)) != NULL);
    t_clear(rc, P);
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", R.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);

    /* before the first connection: dropped, then written by the first rewrite */
    t_set(&s, c, ENG_ITEM_SCORE, "g0|h2h|Home0||", "nba", "g0", 6.5, true, false, 1000, "early");
    eng_cache_flush(c);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.dropped, ==, 1);
    T_ASSERT_INT(st.commands, ==, 0);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    free(want);
    free(got);
    want = got = NULL;

    /* a turn of every kind of item */
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home1||", "nba", "g1", 7.25, true, false, 2000, "a");
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Away1||", "nba", "g1", 4.5, true, false, 2000, "b");
    t_set(&s, c, ENG_ITEM_MARKET, "g1|h2h|", "nba", "g1", 0, true, false, 2000, "m");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig1", "nba", "g1", 8.5, true, false, 2001, "open");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig2", "nba", "g1", 7.75, false, false, 2001, "withdrawn");
    t_set(&s, c, ENG_ITEM_SCORE, "g2|h2h|Home2||", "", "g2", 0, true, false, 2002, "unknown");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig4", "", "g2", 6.125, true, false, 2002, "nosport");
    t_set(&s, c, ENG_ITEM_SCORE, "g3|totals|Over|220.5", "nfl", "g3", 9.0, true, true, 2003,
          "final");
    t_set(&s, c, ENG_ITEM_MARKET, "g3|totals|", "nfl", "g3", 0, true, true, 2003, "final m");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig3", "nfl", "g3", 9.5, true, true, 2003, "done");
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Draw||", "nba", "g1", 1.0 / 3.0, true, false, 1999,
          "late");
    eng_cache_flush(c);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.written, ==, 11);
    T_ASSERT_INT(st.pipelines, ==, 1);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    free(want);
    free(got);
    want = got = NULL;

    /* withdraw sig1, sig4's game becomes known, a score changes */
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig1", "nba", "g1", 8.5, false, false, 3000, "withdrawn");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig4", "nhl", "g2", 6.25, true, false, 3001, "known");
    t_set(&s, c, ENG_ITEM_SCORE, "g2|h2h|Home2||", "nhl", "g2", 5.5, true, false, 3001,
          "known");
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home1||", "nba", "g1", 7.5, true, false, 3002, "a2");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.errors, ==, 0);
    T_ASSERT_INT(st.dropped, ==, 1);
    T_ASSERT_INT(st.written, ==, 15);
    T_ASSERT_INT(st.connects, ==, 1);
    T_ASSERT_INT(st.rewrites, ==, 1);
    T_ASSERT_INT(st.rewrite_items, ==, 1);
end:
    free(want);
    free(got);
    eng_cache_free(c);
    if (rc) {
        t_clear(rc, P);
        redisFree(rc);
    }
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* Pub/sub: a subscriber sees the exact messages of scores and signals on the channel of their
 * sport (ch:_ without one), in put order, and nothing for markets. */
int test_1103_cache_publish(void);
int test_1103_cache_publish(void)
{
    static t_state_t s;
    const char *P = "t1103:";
    t_redis_t R;
    redisContext *sub = NULL;
    redisReply *r = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    char url[64], err[256], want[800];
    const t_item_t *sent[3];
    const char *chan[3] = {"t1103:ch:nba", "t1103:ch:nba", "t1103:ch:_"};
    T_BEGIN;

    T_ASSERT(t_redis_shared(&R) == 0);
    T_ASSERT((sub = t_sync(R.port, NULL, NULL, 0)) != NULL);
    r = redisCommand(sub, "SUBSCRIBE t1103:ch:nba t1103:ch:nfl t1103:ch:_");
    T_ASSERT(r != NULL);
    freeReplyObject(r);
    for (int i = 0; i < 2; i++) { /* the other two subscribe confirmations */
        T_ASSERT(redisGetReply(sub, (void **)&r) == REDIS_OK);
        freeReplyObject(r);
    }
    r = NULL;
    snprintf(url, sizeof(url), "127.0.0.1:%d", R.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));

    sent[0] = t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1", 7, true, false, 10, "s");
    t_set(&s, c, ENG_ITEM_MARKET, "g1|h2h|", "nba", "g1", 0, true, false, 10, "market");
    sent[1] = t_set(&s, c, ENG_ITEM_SIGNAL, "sigA", "nba", "g1", 8, true, false, 11, "sig");
    sent[2] = t_set(&s, c, ENG_ITEM_SCORE, "g9|h2h|Home||", "", "g9", 0, true, false, 12, "u");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));

    for (int i = 0; i < 3; i++) {
        T_ASSERT(redisGetReply(sub, (void **)&r) == REDIS_OK);
        T_ASSERT(r->type == REDIS_REPLY_ARRAY && r->elements == 3);
        T_ASSERT_STR(r->element[0]->str, "message");
        T_ASSERT_STR(r->element[1]->str, chan[i]);
        snprintf(want, sizeof(want), "{\"type\":\"%s\",\"data\":%s}",
                 i == 1 ? "signal" : "score", sent[i]->json);
        T_ASSERT_STR(r->element[2]->str, want);
        freeReplyObject(r);
        r = NULL;
    }
    /* nothing more: the market was not published */
    {
        struct timeval tv = {0, 300000};
        redisSetTimeout(sub, tv);
        T_ASSERT(redisGetReply(sub, (void **)&r) != REDIS_OK);
        r = NULL;
    }
end:
    if (r)
        freeReplyObject(r);
    eng_cache_free(c);
    if (sub)
        redisFree(sub);
    {
        redisContext *rc = t_sync(R.port, NULL, NULL, 0);
        if (rc) {
            t_clear(rc, P);
            redisFree(rc);
        }
    }
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* One pipeline per turn: nothing leaves before the flush; after it, 2,000 items (about 6,000
 * commands) reach the server in a number of reads far below the number of puts (a round trip per
 * put would need at least one read per put). */
int test_1104_cache_pipeline(void);
int test_1104_cache_pipeline(void)
{
    static t_state_t s;
    const char *P = "t1104:";
    enum { N = 2000 };
    t_redis_t R;
    redisContext *rc = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st0, st;
    char url[64], err[256], *want = NULL, *got = NULL;
    long long reads0, reads1, cmds0, cmds1;
    T_BEGIN;

    T_ASSERT(t_redis_shared(&R) == 0);
    T_ASSERT((rc = t_sync(R.port, NULL, NULL, 0)) != NULL);
    t_clear(rc, P);
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", R.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    eng_cache_stats(c, &st0);

    cmds0 = t_info_field(rc, "total_commands_processed");
    for (int i = 0; i < N; i++) {
        char key[64], ev[32];
        snprintf(ev, sizeof(ev), "g%d", i / 4);
        snprintf(key, sizeof(key), "g%d|h2h|Side%d||", i / 4, i % 4);
        t_set(&s, c, i % 10 == 9 ? ENG_ITEM_SIGNAL : ENG_ITEM_SCORE, key, "nba", ev,
              5 + (i % 50) / 10.0, true, false, 100 + i, "pipelined");
    }
    /* staged only: no command reaches Redis before the flush */
    t_loop_until(base, NULL, NULL, 100);
    cmds1 = t_info_field(rc, "total_commands_processed");
    T_ASSERT_INT(cmds1 - cmds0, ==, 1); /* the first INFO itself */
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.commands, ==, st0.commands);

    reads0 = t_info_field(rc, "total_reads_processed");
    cmds0 = t_info_field(rc, "total_commands_processed");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 1, 10000));
    reads1 = t_info_field(rc, "total_reads_processed");
    cmds1 = t_info_field(rc, "total_commands_processed");
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.pipelines - st0.pipelines, ==, 1);
    T_ASSERT_INT(st.written, ==, N);
    /* score: SET + PUBLISH; signal: SET + PUBLISH + ZADD; one SADD per game; one HSET meta */
    T_ASSERT_INT(st.commands - st0.commands, ==, 2 * N + N / 10 + N / 4 + 1);
    /* and the two INFO between the measures */
    T_ASSERT_INT(cmds1 - cmds0, ==, (long long)(st.commands - st0.commands) + 2);
    fprintf(stderr, "    %llu commands of %d puts reached redis in %lld reads\n",
            (unsigned long long)(st.commands - st0.commands), N, reads1 - reads0 - 1);
    T_ASSERT_INT(reads1 - reads0, <, N / 10);
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
end:
    free(want);
    free(got);
    eng_cache_free(c);
    if (rc) {
        t_clear(rc, P);
        redisFree(rc);
    }
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* A turn while Redis is down: puts and a flush that must return at once. */
static double t_turn_ms(eng_cache_t *c, t_state_t *s, int i)
{
    double t0 = t_now_ms();
    char key[64];

    snprintf(key, sizeof(key), "g7|h2h|Down%d||", i);
    t_set(s, c, ENG_ITEM_SCORE, key, "nba", "g7", 5, true, false, 9000 + i, "down");
    eng_cache_flush(c);
    return t_now_ms() - t0;
}

/* Restart recovery: Redis with AOF (its data survives a SIGKILL) and ACL auth + SELECT; the
 * engine changes a score, withdraws a signal and adds items while Redis is dead; after the
 * restart the keys equal the engine's state exactly (the stale score replaced, the withdrawn
 * signal out of the live set, a stray index member gone). A second restart with the data lost
 * is rebuilt the same way. */
int test_1105_cache_restart(void);
int test_1105_cache_restart(void)
{
    static t_state_t s;
    const char *P = "t1105:";
    const char *extra[] = {"--appendonly", "yes", "--appendfsync", "always", "--requirepass",
                           "other-secret", "--user", "alice", "on", ">p@ss:w", "~*", "&*", "+@all",
                           NULL};
    t_redis_t R = {0};
    redisContext *rc = NULL;
    redisReply *r;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[96], err[256], cmd[300], *want = NULL, *got = NULL;
    T_BEGIN;

    signal(SIGPIPE, SIG_IGN);
    T_ASSERT(t_redis_start(&R, extra) == 0);
    T_ASSERT((rc = t_sync(R.port, "alice", "p@ss:w", 3)) != NULL);
    snprintf(url, sizeof(url), "redis://alice:p%%40ss%%3Aw@127.0.0.1:%d/3", R.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));

    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1", 7, true, false, 100, "v1");
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Away||", "nba", "g1", 4, true, false, 100, "v1");
    t_set(&s, c, ENG_ITEM_MARKET, "g1|h2h|", "nba", "g1", 0, true, false, 100, "v1");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig1", "nba", "g1", 8, true, false, 101, "open");
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig2", "nba", "g1", 7.5, true, false, 101, "open");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    free(want);
    free(got);
    want = got = NULL;
    /* a stray member the engine does not hold */
    r = redisCommand(rc, "SADD %sevent:g1:keys score:ghost", P);
    T_ASSERT(r && r->integer == 1);
    freeReplyObject(r);
    redisFree(rc);
    rc = NULL;

    /* Redis dies */
    t_redis_kill(&R);
    T_ASSERT(t_loop_until(base, t_disconnected, c, 3000));
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.errors, >=, 1);
    /* the engine goes on: changes, a withdrawal, new items; every turn returns at once */
    {
        double t0 = t_now_ms(), worst = 0, ms;
        t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1", 7.5, true, false, 200, "v2");
        t_set(&s, c, ENG_ITEM_SIGNAL, "sig1", "nba", "g1", 8, false, false, 201, "withdrawn");
        eng_cache_flush(c);
        worst = t_now_ms() - t0;
        ms = t_turn_ms(c, &s, 1);
        worst = ms > worst ? ms : worst;
        t_loop_until(base, NULL, NULL, 600);
        ms = t_turn_ms(c, &s, 2);
        worst = ms > worst ? ms : worst;
        T_ASSERT(worst < 20.0);
    }
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);
    T_ASSERT_INT(st.dropped, ==, 4);
    T_ASSERT_INT(st.reconnects, >=, 2); /* 100 ms, 200 ms, 400 ms waits */
    T_ASSERT_INT(st.errors, >=, 3);

    /* back, with its data (AOF): the rewrite fixes what changed */
    T_ASSERT(t_redis_start(&R, extra) == 0);
    T_ASSERT(t_wait_idle(base, c, 2, 5000));
    T_ASSERT((rc = t_sync(R.port, "alice", "p@ss:w", 3)) != NULL);
    want = t_expected(&s, P, 2);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    free(want);
    free(got);
    want = got = NULL;
    redisFree(rc);
    rc = NULL;

    /* dies again, comes back empty */
    t_redis_kill(&R);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s/appendonlydir'", R.dir);
    T_ASSERT(system(cmd) == 0);
    T_ASSERT(t_loop_until(base, t_disconnected, c, 3000));
    t_set(&s, c, ENG_ITEM_SIGNAL, "sig2", "nba", "g1", 7.75, true, false, 300, "update");
    eng_cache_flush(c);
    T_ASSERT(t_redis_start(&R, extra) == 0);
    T_ASSERT(t_wait_idle(base, c, 3, 5000));
    T_ASSERT((rc = t_sync(R.port, "alice", "p@ss:w", 3)) != NULL);
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.connects, ==, 3);
    T_ASSERT_INT(st.rewrites, ==, 3);
    T_ASSERT_INT(st.rewrite_items, ==, 0 + 7 + 7);
end:
    free(want);
    free(got);
    eng_cache_free(c);
    if (rc)
        redisFree(rc);
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* Redis absent at start, then started; a dead host; a wrong password. The loop never stalls,
 * failures are counted, attempts back off. */
int test_1106_cache_unavailable(void);
int test_1106_cache_unavailable(void)
{
    static t_state_t s;
    const char *P = "t1106:";
    const char *auth[] = {"--requirepass", "right", NULL};
    t_redis_t R = {0}, A = {0};
    t_blackhole_t bh = {.lfd = -1, .fill = {-1, -1, -1, -1}};
    redisContext *rc = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[96], err[256], *want = NULL, *got = NULL;
    int ticks0;
    double t0, worst = 0;
    T_BEGIN;

    signal(SIGPIPE, SIG_IGN);
    /* nothing listens on the port yet */
    R.port = t_free_port();
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", R.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    ticks0 = t_ticks;
    for (int i = 0; i < 10; i++) {
        double ms = t_turn_ms(c, &s, i);
        worst = ms > worst ? ms : worst;
        t_loop_until(base, NULL, NULL, 100);
    }
    T_ASSERT(worst < 20.0);
    T_ASSERT_INT(t_ticks - ticks0, >=, 30);
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);
    T_ASSERT_INT(st.dropped, ==, 10);
    T_ASSERT_INT(st.commands, ==, 0);
    /* attempts at 0, 100, 300, 700 ms: four (three to five on a loaded machine) */
    T_ASSERT_INT(st.errors, >=, 3);
    T_ASSERT_INT(st.errors, <=, 5);
    /* every attempt after the first is a reconnect; one may be under way (counted, not yet
     * failed) when the counters are read */
    T_ASSERT_INT(st.reconnects, >=, st.errors - 1);
    T_ASSERT_INT(st.reconnects, <=, st.errors);
    /* now it starts: the next attempt (400 ms backoff at most) connects and rewrites */
    T_ASSERT(t_redis_start(&R, NULL) == 0);
    T_ASSERT(t_wait_idle(base, c, 1, 3000));
    T_ASSERT((rc = t_sync(R.port, NULL, NULL, 0)) != NULL);
    want = t_expected(&s, P, 1);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    eng_cache_free(c);
    c = NULL;

    /* a dead host (SYNs unanswered): connect attempts time out, the loop goes on */
    T_ASSERT(t_blackhole_open(&bh) == 0);
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", bh.port);
    t_conf(&conf, url, P);
    conf.connect_timeout_ms = 150;
    t0 = t_now_ms();
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    ticks0 = t_ticks;
    t_loop_until(base, NULL, NULL, 900); /* attempts at 0, 250, 600 ms; each times out */
    T_ASSERT(t_now_ms() - t0 < 1700);
    T_ASSERT_INT(t_ticks - ticks0, >=, 30);
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);
    T_ASSERT_INT(st.errors, >=, 2);
    T_ASSERT_INT(st.errors, <=, 3);
    T_ASSERT_INT(st.connects, ==, 0);
    eng_cache_free(c); /* possibly while connecting */
    c = NULL;
    t_blackhole_close(&bh);

    /* a wrong password: the handshake fails, is counted, and is retried */
    T_ASSERT(t_redis_start(&A, auth) == 0);
    snprintf(url, sizeof(url), "redis://:wrong@127.0.0.1:%d/0", A.port);
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    t_loop_until(base, NULL, NULL, 500);
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);
    T_ASSERT_INT(st.connects, ==, 0);
    T_ASSERT_INT(st.commands, >=, 2);
    T_ASSERT_INT(st.errors, >=, 2);
    T_ASSERT_INT(st.reconnects, >=, 1);
end:
    free(want);
    free(got);
    eng_cache_free(c);
    if (rc)
        redisFree(rc);
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    t_redis_stop(&A);
    t_blackhole_close(&bh);
    return t_rc_;
}

/* Backlog: past pending_max the turn is dropped; once the replies drained, a rewrite brings the
 * keys back to the state, and normal writes resume. */
int test_1107_cache_backlog(void);
int test_1107_cache_backlog(void)
{
    static t_state_t s;
    const char *P = "t1107:";
    t_redis_t R;
    redisContext *rc = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[64], err[256], key[64], *want = NULL, *got = NULL;
    T_BEGIN;

    T_ASSERT(t_redis_shared(&R) == 0);
    T_ASSERT((rc = t_sync(R.port, NULL, NULL, 0)) != NULL);
    t_clear(rc, P);
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", R.port);
    t_conf(&conf, url, P);
    conf.pending_max = 10;
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "g%d|h2h|Home||", i);
        t_set(&s, c, i % 5 ? ENG_ITEM_SCORE : ENG_ITEM_SIGNAL, key, "nba", key, 6, true, false,
              50 + i, "t1");
    }
    eng_cache_flush(c);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.pending, >, 10);
    T_ASSERT(!st.behind);
    /* the next turn, before any reply: behind */
    t_set(&s, c, ENG_ITEM_SCORE, "g0|h2h|Home||", "nba", "g0|h2h|Home||", 6, true, false, 90,
          "t2");
    t_set(&s, c, ENG_ITEM_SIGNAL, "g5|h2h|Home||", "nba", "g5|h2h|Home||", 6, false, false, 91,
          "t2 withdrawn");
    eng_cache_flush(c);
    eng_cache_stats(c, &st);
    T_ASSERT(st.behind);
    T_ASSERT_INT(st.dropped, ==, 2);
    T_ASSERT_INT(st.written, ==, 20);
    T_ASSERT(t_wait_idle(base, c, 2, 5000));
    want = t_expected(&s, P, 2);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
    free(want);
    free(got);
    want = got = NULL;
    /* normal writes again */
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1|h2h|Home||", 6.5, true, false, 99,
          "t3");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 2, 5000));
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.written, ==, 21);
    T_ASSERT_INT(st.rewrites, ==, 2);
    T_ASSERT(!st.behind);
    want = t_expected(&s, P, 2);
    got = t_dump(rc, P);
    T_ASSERT_STR(got, want);
end:
    free(want);
    free(got);
    eng_cache_free(c);
    if (rc) {
        t_clear(rc, P);
        redisFree(rc);
    }
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* Host names go through the asynchronous resolver: localhost connects; a name that cannot be
 * resolved fails, is counted, and does not stall the loop; freeing with a lookup in flight is
 * clean. An empty prefix is allowed. */
int test_1108_cache_hostname(void);
int test_1108_cache_hostname(void)
{
    static t_state_t s;
    t_redis_t R = {0};
    redisContext *rc = NULL;
    redisReply *r = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[96], err[256];
    int ticks0;
    T_BEGIN;

    T_ASSERT(t_redis_start(&R, NULL) == 0); /* own server: the empty prefix owns every key */
    snprintf(url, sizeof(url), "redis://localhost:%d/2", R.port);
    t_conf(&conf, url, "");
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1", 7, true, false, 5, "localhost");
    eng_cache_flush(c);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    T_ASSERT((rc = t_sync(R.port, NULL, NULL, 2)) != NULL);
    r = redisCommand(rc, "GET score:g1|h2h|Home||");
    T_ASSERT(r && r->type == REDIS_REPLY_STRING);
    T_ASSERT_STR(r->str, s.it[0].json);
    freeReplyObject(r);
    r = redisCommand(rc, "HGET meta ts");
    T_ASSERT(r && r->type == REDIS_REPLY_STRING);
    T_ASSERT_STR(r->str, "5");
    eng_cache_free(c);
    c = NULL;

    /* .invalid never resolves (RFC 6761) */
    t_conf(&conf, "redis://cache.savant.invalid:6379/0", "t1108:");
    conf.connect_timeout_ms = 200;
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    if (!c)
        T_FAILF("eng_cache_new: %s", err);
    ticks0 = t_ticks;
    t_loop_until(base, NULL, NULL, 600);
    T_ASSERT_INT(t_ticks - ticks0, >=, 20);
    eng_cache_stats(c, &st);
    T_ASSERT(!st.connected);
    T_ASSERT_INT(st.errors, >=, 1);
    /* and freed while a lookup may be in flight */
    t_loop_until(base, NULL, NULL, 120);
end:
    if (r)
        freeReplyObject(r);
    eng_cache_free(c);
    if (base) /* releases a lookup abandoned by the free (docs/redis.md, Limits) */
        event_base_loop(base, EVLOOP_NONBLOCK);
    if (rc)
        redisFree(rc);
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}

/* Freeing with replies awaited, with staged items, while connecting and while waiting to
 * reconnect (run under ASan: nothing leaks, nothing is used after it is freed). */
int test_1109_cache_free_inflight(void);
int test_1109_cache_free_inflight(void)
{
    static t_state_t s;
    const char *P = "t1109:";
    t_redis_t R;
    redisContext *rc = NULL;
    struct event_base *base = event_base_new();
    eng_cache_t *c = NULL;
    eng_cache_conf_t conf;
    eng_cache_stats_t st;
    char url[64], err[256], key[64];
    T_BEGIN;

    T_ASSERT(t_redis_shared(&R) == 0);
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", R.port);
    t_conf(&conf, url, P);

    /* replies awaited */
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof(key), "g%d|h2h|Home||", i);
        t_set(&s, c, ENG_ITEM_SIGNAL, key, "nba", "g1", 7, true, false, i, "x");
    }
    eng_cache_flush(c);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.pending, >, 0);
    eng_cache_free(c);
    c = NULL;

    /* a rewrite due and staged items */
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    T_ASSERT(t_wait_idle(base, c, 1, 5000));
    t_set(&s, c, ENG_ITEM_SCORE, "g1|h2h|Home||", "nba", "g1", 7, true, false, 1, "x");
    eng_cache_free(c);
    c = NULL;

    /* connecting (the first attempt has started) */
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    event_base_loop(base, EVLOOP_NONBLOCK);
    eng_cache_free(c);
    c = NULL;

    /* never started */
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    eng_cache_free(c);
    c = NULL;

    /* a host-name lookup just sent (its answer, if any, comes later); the loop's next turn
     * releases it */
    t_conf(&conf, "redis://cache.savant.invalid:6379/0", P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    event_base_loop(base, EVLOOP_NONBLOCK);
    eng_cache_free(c);
    c = NULL;
    event_base_loop(base, EVLOOP_NONBLOCK);

    /* waiting to reconnect */
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", t_free_port());
    t_conf(&conf, url, P);
    c = eng_cache_new(base, &conf, t_state_iter, &s, err, sizeof(err));
    T_ASSERT(c != NULL);
    t_loop_until(base, NULL, NULL, 150);
    eng_cache_stats(c, &st);
    T_ASSERT_INT(st.errors, >=, 1);
    eng_cache_free(c);
    c = NULL;
    /* nothing of the freed caches is left on the loop */
    T_ASSERT(event_base_loop(base, EVLOOP_NONBLOCK) == 1);
end:
    eng_cache_free(c);
    if ((rc = t_sync(R.port, NULL, NULL, 0))) {
        t_clear(rc, P);
        redisFree(rc);
    }
    if (base)
        event_base_free(base);
    t_redis_stop(&R);
    return t_rc_;
}
