/*
 * bench-push — push fan-out: updates per second delivered to 1,000 WebSocket subscribers on
 * loopback. The server (eng_http + eng_push, in this process) runs on the main thread's loop;
 * a second thread holds 1,000 raw non-blocking client sockets (handshake, then reading frames
 * with epoll). Each loop turn publishes a batch of updates over 2,000 distinct keys (one shared
 * message per update, referenced by every subscriber's queue) and flushes; the clients count
 * every data frame and sample the publish-to-receive latency carried in the JSON. Prints
 * deliveries/s summed over subscribers, the publish rate, conflation, and latency p50/p99.
 * Run by `make bench`; not a test (nothing is asserted).
 *
 *   bench-push [SECONDS]   (default 3: time spent publishing; then the backlog drains)
 *   BENCH_PUSH_DEBUG=1     reports the set-up phases (and connects the listen backlog delayed)
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "http.h"
#include "push.h"
#include "sv_util.h"

#define N_SUBS 1000
#define N_KEYS 2000
#define BATCH 100                   /* updates published per loop turn */
#define SAMPLE_EVERY 64             /* latency sampled on one frame in this many */
#define MAX_SAMPLES (1 << 20)
#define CONN_BUF (1 << 16)

typedef struct conn {
    int fd;
    int state;           /* 0: waiting for 101, 1: reading frames */
    size_t len;          /* bytes buffered */
    unsigned char *buf;  /* CONN_BUF bytes */
} conn_t;

static int g_port;
static atomic_int g_ready;          /* clients that saw their snapshot_end */
static atomic_int g_stop;           /* tell the client thread to stop */
static atomic_ulong g_frames;       /* data frames received (snapshot_end excluded) */
static uint64_t *g_samples;         /* latency samples, ns (client thread only) */
static size_t g_nsamples;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Consume complete frames in c->buf. */
static void conn_frames(conn_t *c, uint64_t *seen)
{
    size_t off = 0;
    unsigned long frames = 0;
    while (c->len - off >= 2) {
        const unsigned char *b = c->buf + off;
        size_t hl = 2, len = b[1] & 0x7f;
        if (len == 126) {
            if (c->len - off < 4)
                break;
            len = (size_t)b[2] << 8 | b[3];
            hl = 4;
        } else if (len == 127) {
            if (c->len - off < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; i++)
                len = len << 8 | b[2 + i];
            hl = 10;
        }
        if (c->len - off < hl + len)
            break;
        if ((b[0] & 0x0f) == 1) {
            const char *p = (const char *)b + hl;
            if (len > 14 && memcmp(p, "{\"type\":\"snap", 13) == 0) {
                atomic_fetch_add(&g_ready, 1);
            } else {
                frames++;
                if (++*seen % SAMPLE_EVERY == 0 && g_nsamples < MAX_SAMPLES) {
                    const char *t = memmem(p, len, "\"t\":", 4);
                    if (t) {
                        uint64_t sent = strtoull(t + 4, NULL, 10), now = now_ns();
                        if (now >= sent)
                            g_samples[g_nsamples++] = now - sent;
                    }
                }
            }
        }
        off += hl + len;
    }
    if (frames)
        atomic_fetch_add(&g_frames, frames);
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
}

static void *clients_main(void *arg)
{
    static const char req[] = "GET /api/v1/stream?token=bench HTTP/1.1\r\nHost: x\r\n"
                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
    conn_t *conns = calloc(N_SUBS, sizeof(*conns));
    struct epoll_event evs[256];
    int ep = epoll_create1(EPOLL_CLOEXEC);
    uint64_t seen = 0;
    UNUSED(arg);

    for (int i = 0; i < N_SUBS; i++) {
        struct sockaddr_in sa;
        struct epoll_event ev;
        conn_t *c = &conns[i];
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)g_port);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        uint64_t tc = now_ns();
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        c->buf = malloc(CONN_BUF);
        if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
            send(c->fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1)) {
            fprintf(stderr, "bench-push: client %d: %s\n", i, strerror(errno));
            exit(1);
        }
        if (getenv("BENCH_PUSH_DEBUG") && now_ns() - tc > 100000000u)
            fprintf(stderr, "bench-push: connect %d took %.3f s\n", i, (double)(now_ns() - tc) / 1e9);
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    }
    if (getenv("BENCH_PUSH_DEBUG"))
        fprintf(stderr, "bench-push: %d clients connected\n", N_SUBS);
    while (!atomic_load(&g_stop)) {
        int n = epoll_wait(ep, evs, 256, 50);
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            for (;;) {
                ssize_t r = recv(c->fd, c->buf + c->len, CONN_BUF - c->len, 0);
                if (r <= 0)
                    break;
                c->len += (size_t)r;
                if (c->state == 0) {
                    unsigned char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
                    if (!end)
                        continue;
                    if (memcmp(c->buf, "HTTP/1.1 101", 12) != 0) {
                        fprintf(stderr, "bench-push: handshake refused: %.40s\n", c->buf);
                        exit(1);
                    }
                    c->state = 1;
                    memmove(c->buf, end + 4, c->len - (size_t)(end + 4 - c->buf));
                    c->len -= (size_t)(end + 4 - c->buf);
                }
                conn_frames(c, &seen);
                if (c->len == CONN_BUF) {
                    fprintf(stderr, "bench-push: a frame larger than the client buffer\n");
                    exit(1);
                }
            }
        }
    }
    for (int i = 0; i < N_SUBS; i++) {
        close(conns[i].fd);
        free(conns[i].buf);
    }
    free(conns);
    close(ep);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 && atof(argv[1]) > 0 ? atof(argv[1]) : 3.0;
    struct rlimit rl;
    char errstr[256], json[256], key[32];
    eng_push_conf_t conf;
    eng_push_stats_t st;
    struct event_base *base;
    eng_http_t *http;
    eng_push_t *push;
    eng_api_t *api = NULL;
    eng_api_conf_t aconf;
    pthread_t th;
    uint64_t t0, t1, t2, seq = 0, deadline;

    signal(SIGPIPE, SIG_IGN);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4 * N_SUBS) {
        rl.rlim_cur = rl.rlim_max < 4 * N_SUBS ? rl.rlim_max : 4 * N_SUBS;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    memset(&conf, 0, sizeof(conf));
    conf.queue_max = 4096;
    conf.out_max_bytes = 256 * 1024;
    conf.ping_s = 3600;
    conf.idle_s = 3600;
    conf.max_subscribers = 2 * N_SUBS;
    base = event_base_new();
    http = base ? eng_http_new(base, "127.0.0.1:0", errstr, sizeof(errstr)) : NULL;
    memset(&aconf, 0, sizeof(aconf));
    aconf.bootstrap_token = "bench"; /* subscribers authenticate through the API (engine/api.h) */
    api = http ? eng_api_new(base, http, &aconf, errstr, sizeof(errstr)) : NULL;
    push = api ? eng_push_new(base, http, api, &conf, NULL, NULL, errstr, sizeof(errstr)) : NULL;
    if (!push) {
        fprintf(stderr, "bench-push: %s\n", errstr);
        return 1;
    }
    g_port = eng_http_port(http);
    g_samples = malloc(sizeof(*g_samples) * MAX_SAMPLES);
    pthread_create(&th, NULL, clients_main, NULL);

    /* all subscribed */
    deadline = now_ns() + 30000000000ull;
    while (atomic_load(&g_ready) < N_SUBS && now_ns() < deadline)
        event_base_loop(base, EVLOOP_ONCE);
    if (atomic_load(&g_ready) < N_SUBS) {
        fprintf(stderr, "bench-push: only %d of %d subscribers ready\n", atomic_load(&g_ready),
                N_SUBS);
        return 1;
    }

    if (getenv("BENCH_PUSH_DEBUG"))
        fprintf(stderr, "bench-push: %d subscribers ready\n", N_SUBS);
    /* publish for `secs`, a batch per loop turn */
    t0 = now_ns();
    t1 = t0 + (uint64_t)(secs * 1e9);
    while (now_ns() < t1) {
        for (int i = 0; i < BATCH; i++, seq++) {
            eng_item_t it;
            int n;
            snprintf(key, sizeof(key), "nba-g%04d|h2h|Home||", (int)(seq % N_KEYS));
            n = snprintf(json, sizeof(json),
                         "{\"key\":\"%s\",\"final\":7.25,\"tier\":\"GOLD_STAR\",\"seq\":%llu,"
                         "\"t\":%llu}",
                         key, (unsigned long long)seq, (unsigned long long)now_ns());
            memset(&it, 0, sizeof(it));
            it.kind = ENG_ITEM_SCORE;
            it.key = key;
            it.sport = "nba";
            it.event_id = "g";
            it.market = "h2h";
            it.player = "";
            it.has_tier = true;
            it.tier = WIRE_TIER_GOLD_STAR;
            it.live = true;
            it.json = json;
            it.json_len = (size_t)n;
            eng_push_publish(push, &it);
        }
        eng_push_flush(push);
        event_base_loop(base, EVLOOP_NONBLOCK);
    }
    /* drain what was handed to the sockets */
    eng_push_stats(push, &st);
    deadline = now_ns() + 20000000000ull;
    while (atomic_load(&g_frames) < st.sent + 0 && now_ns() < deadline) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        eng_push_stats(push, &st);
        if (!st.queued && atomic_load(&g_frames) < st.sent)
            usleep(100);
    }
    t2 = now_ns();
    atomic_store(&g_stop, 1);
    pthread_join(th, NULL);
    eng_push_stats(push, &st);
    {
        double el = (double)(t2 - t0) / 1e9;
        unsigned long got = atomic_load(&g_frames);
        uint64_t p50 = 0, p99 = 0;
        if (g_nsamples) {
            qsort(g_samples, g_nsamples, sizeof(*g_samples), cmp_u64);
            p50 = g_samples[g_nsamples / 2];
            p99 = g_samples[g_nsamples * 99 / 100];
        }
        printf("%-44s %12.0f updates/s delivered (%d subscribers, %lu frames in %.2f s)\n",
               "push fan-out, WebSocket, loopback", (double)got / el, N_SUBS, got, el);
        printf("%-44s %12.0f updates/s published (%llu updates, %d keys, batches of %d)\n",
               "push publish", (double)seq / ((double)(t1 - t0) / 1e9), (unsigned long long)seq,
               N_KEYS, BATCH);
        printf("%-44s %12llu conflated, %llu slow disconnects, latency p50 %.2f ms p99 %.2f ms\n",
               "push queues", (unsigned long long)st.conflated,
               (unsigned long long)st.disconnected_slow, (double)p50 / 1e6, (double)p99 / 1e6);
    }
    eng_push_free(push);
    eng_api_free(api);
    eng_http_free(http);
    event_base_free(base);
    free(g_samples);
    return 0;
}
