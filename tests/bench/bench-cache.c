/*
 * bench-cache — throughput of the Redis cache (engine/cache.c) against a real redis-server it
 * starts itself (loopback, free port, temp dir, no persistence). 200,000 score items of about 400
 * bytes of JSON over 5,000 games and 4 sports are written through eng_cache_put() +
 * eng_cache_flush() in turns of T items (the engine flushes once per loop turn), the loop turning
 * without blocking between turns and blocking only while more than 100,000 commands await replies
 * (closed loop: what Redis sustains, nothing dropped). Per turn size it prints items/s, commands
 * per item, the CPU the loop thread spent per item (everything in this process: formatting,
 * hiredis, syscalls; the cost the engine pays per item) and the CPU Redis spent per item. Then it
 * times one full rewrite of the 200,000 items (what a reconnect costs). Run by `make bench`; not a
 * test (nothing about speed is asserted).
 *
 *   bench-cache [SECONDS]   (default 2: the turn size of 1,000 items repeats whole passes for at
 *                            least that long; the other sizes run one pass)
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "cache.h"
#include "item.h"

#define N_ITEMS 200000
#define N_GAMES 5000
#define PENDING_CAP 100000 /* commands awaiting replies before the producer waits */

/* One pre-rendered item. */
typedef struct bitem {
    char key[80];
    char event_id[40];
    const char *sport;
    char *json;
    size_t json_len;
    double final;
} bitem_t;

static bitem_t *items;
static pid_t redis_pid;
static char tmpdir[128];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int free_port(void)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void cleanup(void)
{
    char cmd[200];

    if (redis_pid > 0) {
        kill(redis_pid, SIGKILL);
        waitpid(redis_pid, NULL, 0);
        redis_pid = 0;
    }
    if (tmpdir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench-cache: cannot remove %s\n", tmpdir);
        tmpdir[0] = '\0';
    }
}

/* redis-server on port, dying with us; 0 once it answers PING. */
static int redis_start(int port)
{
    char p[16], log[200];
    pid_t parent = getpid();

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/savant-bench-cache.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = '\0';
        return -1;
    }
    snprintf(p, sizeof(p), "%d", port);
    snprintf(log, sizeof(log), "%s/redis.log", tmpdir);
    redis_pid = fork();
    if (redis_pid < 0)
        return -1;
    if (redis_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", p, "--dir", tmpdir,
               "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", log,
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        redisContext *rc = redisConnect("127.0.0.1", port);
        if (rc && !rc->err) {
            redisReply *r = redisCommand(rc, "PING");
            bool ok = r && r->type == REDIS_REPLY_STATUS;
            if (r)
                freeReplyObject(r);
            redisFree(rc);
            if (ok)
                return 0;
        } else if (rc) {
            redisFree(rc);
        }
        usleep(50000);
    }
    fprintf(stderr, "bench-cache: redis-server did not start (is it installed? log %s)\n", log);
    return -1;
}

/* Redis' own CPU seconds (user + sys), or -1. */
static double redis_cpu_s(redisContext *rc)
{
    redisReply *r = redisCommand(rc, "INFO cpu");
    double v = -1;
    const char *u, *s;

    if (r && r->type == REDIS_REPLY_STRING && (u = strstr(r->str, "used_cpu_user:")) &&
        (s = strstr(r->str, "used_cpu_sys:")))
        v = atof(u + 14) + atof(s + 13);
    if (r)
        freeReplyObject(r);
    return v;
}

static void fill_item(eng_item_t *e, const bitem_t *b, int64_t ts)
{
    memset(e, 0, sizeof(*e));
    e->kind = ENG_ITEM_SCORE;
    e->key = b->key;
    e->sport = b->sport;
    e->event_id = b->event_id;
    e->market = "spreads";
    e->player = "";
    e->has_tier = true;
    e->final = b->final;
    e->live = true;
    e->ts = ts;
    e->json = b->json;
    e->json_len = b->json_len;
}

static void iter_all(void *arg, eng_item_fn *fn, void *ctx)
{
    eng_item_t e;

    (void)arg;
    for (long i = 0; i < N_ITEMS; i++) {
        fill_item(&e, &items[i], 1764180000000LL + i);
        fn(ctx, &e);
    }
}

static void iter_none(void *arg, eng_item_fn *fn, void *ctx)
{
    (void)arg;
    (void)fn;
    (void)ctx;
}

static void make_items(void)
{
    static const char *const sports[4] = {"nba", "nfl", "nhl", "mlb"};
    size_t total = 0;

    items = calloc(N_ITEMS, sizeof(*items));
    if (!items)
        abort();
    for (long i = 0; i < N_ITEMS; i++) {
        bitem_t *b = &items[i];
        long g = i / (N_ITEMS / N_GAMES);
        char buf[600];
        int n;
        b->sport = sports[g % 4];
        snprintf(b->event_id, sizeof(b->event_id), "%s-2026-11-26-g%05ld", b->sport, g);
        snprintf(b->key, sizeof(b->key), "%s|spreads|Side %ld||%ld.5", b->event_id, i % 40,
                 i % 7);
        b->final = 5.0 + (double)(i % 500) / 100.0;
        n = snprintf(buf, sizeof(buf),
                     "{\"v\":1,\"ts\":%lld,\"event_id\":\"%s\",\"market\":\"spreads\","
                     "\"side\":\"Side %ld\",\"point\":%ld.5,\"p_fair\":0.5123456789012345,"
                     "\"best_price\":-105,\"best_decimal\":1.9523809523809523,"
                     "\"best_book\":\"pinnacle\",\"books\":8,\"line_variance\":0.5,"
                     "\"flags\":[\"steam\"],\"p_model\":0.5311,\"ai\":6.25,\"research\":5.5,"
                     "\"esoteric\":4.75,\"jarvis\":6.0,\"final\":%.17g,\"tier\":\"EDGE_LEAN\","
                     "\"confluence\":\"MODERATE\"}",
                     1764180000000LL + i, b->event_id, i % 40, i % 7, b->final);
        b->json = strdup(buf);
        if (!b->json)
            abort();
        b->json_len = (size_t)n;
        total += (size_t)n;
    }
    printf("items: %d score items over %d games and 4 sports, %.0f bytes of JSON on average\n",
           N_ITEMS, N_GAMES, (double)total / N_ITEMS);
}

static bool idle(eng_cache_t *c, uint64_t rewrites)
{
    eng_cache_stats_t st;
    eng_cache_stats(c, &st);
    return st.connected && st.pending == 0 && st.rewrites >= rewrites;
}

static int wait_idle(struct event_base *base, eng_cache_t *c, uint64_t rewrites, double secs)
{
    double end = now_s() + secs;

    while (!idle(c, rewrites)) {
        if (now_s() > end)
            return -1;
        event_base_loop(base, EVLOOP_ONCE);
    }
    return 0;
}

/* Writes the items through turns of `turn` items for at least min_s (whole passes). */
static int run_turns(struct event_base *base, eng_cache_t *c, redisContext *rc, long turn,
                     long max_items, double min_s)
{
    eng_cache_stats_t st0, st;
    eng_item_t e;
    double t0, c0, r0, secs, cpu, rcpu;
    long n = 0;
    int64_t ts = 1764190000000LL;

    eng_cache_stats(c, &st0);
    r0 = redis_cpu_s(rc);
    t0 = now_s();
    c0 = cpu_s();
    do {
        for (long i = 0; i < max_items; i += turn) {
            for (long k = i; k < i + turn && k < max_items; k++) {
                fill_item(&e, &items[k], ts++);
                eng_cache_put(c, &e);
                n++;
            }
            eng_cache_flush(c);
            event_base_loop(base, EVLOOP_NONBLOCK);
            for (;;) {
                eng_cache_stats(c, &st);
                if (st.pending <= PENDING_CAP || !st.connected)
                    break;
                event_base_loop(base, EVLOOP_ONCE);
            }
        }
    } while (now_s() - t0 < min_s);
    if (wait_idle(base, c, 0, 60) != 0) {
        fprintf(stderr, "bench-cache: replies did not arrive\n");
        return -1;
    }
    secs = now_s() - t0;
    cpu = cpu_s() - c0;
    rcpu = redis_cpu_s(rc) - r0;
    eng_cache_stats(c, &st);
    printf("turns of %5ld items: %8ld items in %6.3f s = %9.0f items/s; %.2f commands/item; "
           "loop thread CPU %.2f us/item; redis CPU %.2f us/item; dropped %llu, errors %llu\n",
           turn, n, secs, (double)n / secs,
           (double)(st.commands - st0.commands) / (double)n, cpu * 1e6 / (double)n,
           rcpu * 1e6 / (double)n, (unsigned long long)(st.dropped - st0.dropped),
           (unsigned long long)(st.errors - st0.errors));
    return 0;
}

int main(int argc, char **argv)
{
    static const long turns[] = {1, 10, 100, 1000, 10000};
    double min_s = argc > 1 && atof(argv[1]) > 0 ? atof(argv[1]) : 2.0;
    struct event_base *base = NULL;
    eng_cache_t *c = NULL;
    redisContext *rc = NULL;
    eng_cache_conf_t conf;
    char url[64], err[256];
    int port, rcode = 1;
    double t0, c0, r0;

    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    port = free_port();
    if (port < 0 || redis_start(port) != 0)
        goto out;
    rc = redisConnect("127.0.0.1", port);
    if (!rc || rc->err)
        goto out;
    make_items();
    base = event_base_new();
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d/0", port);
    memset(&conf, 0, sizeof(conf));
    conf.url = url;
    conf.prefix = "bench:";
    conf.ttl_final_s = 86400;
    conf.backoff_max_ms = 1000;
    conf.pending_max = 100000000;
    printf("redis-server on 127.0.0.1:%d; closed loop (at most %d commands awaiting replies)\n",
           port, PENDING_CAP);

    /* writes: an empty walk at connect (no rewrite work), then turns */
    c = eng_cache_new(base, &conf, iter_none, NULL, err, sizeof(err));
    if (!c || wait_idle(base, c, 1, 120) != 0) {
        fprintf(stderr, "bench-cache: no connection (%s)\n", c ? "timeout" : err);
        goto out;
    }
    for (size_t i = 0; i < sizeof(turns) / sizeof(turns[0]); i++) {
        long t = turns[i];
        long n = t == 1 ? N_ITEMS / 10 : N_ITEMS;
        if (run_turns(base, c, rc, t, n, t == 1000 ? min_s : 0) != 0)
            goto out;
    }
    eng_cache_free(c);
    c = NULL;

    /* a full rewrite, as after a reconnect */
    r0 = redis_cpu_s(rc);
    t0 = now_s();
    c0 = cpu_s();
    c = eng_cache_new(base, &conf, iter_all, NULL, err, sizeof(err));
    if (!c || wait_idle(base, c, 1, 120) != 0) {
        fprintf(stderr, "bench-cache: rewrite did not finish\n");
        goto out;
    }
    {
        double secs = now_s() - t0, cpu = cpu_s() - c0, rcpu = redis_cpu_s(rc) - r0;
        eng_cache_stats_t st;
        eng_cache_stats(c, &st);
        printf("full rewrite: %llu items in %.3f s = %.0f items/s (connect included); %.2f "
               "commands/item; loop thread CPU %.2f us/item; redis CPU %.2f us/item\n",
               (unsigned long long)st.rewrite_items, secs, (double)st.rewrite_items / secs,
               (double)st.commands / (double)st.rewrite_items,
               cpu * 1e6 / (double)st.rewrite_items, rcpu * 1e6 / (double)st.rewrite_items);
    }
    rcode = 0;
out:
    eng_cache_free(c);
    if (base)
        event_base_free(base);
    if (rc)
        redisFree(rc);
    cleanup();
    if (items) {
        for (long i = 0; i < N_ITEMS; i++)
            free(items[i].json);
        free(items);
    }
    return rcode;
}
