/*
 * bench-e2e — end-to-end throughput and latency of savant-engine through a real Kafka protocol
 * path. It starts its own savant-broker (4 partitions) and savant-engine as child processes
 * (found through SAVANT_BIN_DIR, default "bin"), then produces pre-encoded odds events at full
 * speed (as fast as the pipeline takes them: at most LEAD_MAX inputs ahead of the scores) or at
 * RATE events/s for SECONDS, each stamped with the wall-clock ms at send time as
 * its `ts`, and consumes savant.scores.v1 from the end in a second thread: a score's `ts` is the
 * `ts` of the input that caused it, so receipt time minus score.ts is the event-to-output latency.
 * After producing it waits until every input has given its two scores or the output stops
 * growing for 2 s, prints input and output rates and p50/p99/max latency, stops the children
 * with SIGTERM and exits 0; on any failure it kills the children and exits 1. Run by
 * `make bench`; not a test (nothing about speed is asserted).
 *
 * CACHE none runs the engine without Redis (redis.url=none); redis gives it its own redis-server
 * (a child too) so every changed score and market goes to Redis once per loop turn; without
 * CACHE it runs itself twice, none then redis, for the comparison docs/performance.md records.
 *
 *   bench-e2e [SECONDS [RATE [CACHE]]]   (default 5 s, at least 2; RATE 0 = full speed, the
 *                                         default; CACHE none | redis)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "wire.h"

#define SV_STR_(x) #x
#define SV_STR(x) SV_STR_(x)
#define N_GAMES 3400            /* x h2h/spreads/totals = 10,200 markets */
#define N_BOOKS 8
#define N_EVENTS (1 << 16)      /* distinct pre-encoded odds events, cycled */
#define N_PARTITIONS 4
#define CANDS_PER_INPUT 2       /* every market here is two-way */
#define LAT_SAMPLE_MAX 2000000  /* latencies kept (reservoir sample beyond) */
#define TS_PLACEHOLDER 4000000000000LL /* encoded, then patched with the send time */
#define WARMUP_S 60             /* engine joined and scoring, at most */
#define BOOTSTRAP_S 15          /* broker ready, at most */
#define FLUSH_S 60              /* every input acknowledged after producing, at most */
#define QUIET_S 2               /* output count unchanged this long: done */
#define STOP_S 10               /* a child exits after SIGTERM, at most, then SIGKILL */
/* Inputs sent but not yet scored, at most: the mock broker keeps only the newest few MB of each
 * partition and drops the rest, so an open-loop producer at full speed (~1 M events/s here)
 * outruns the engine and the engine's consumer finds its next offset gone ("offset out of
 * range", then a jump). Staying this close keeps every input on the broker until it is read. */
#define LEAD_MAX 20000
#define TOPIC_ODDS "savant.odds.v1"
#define TOPIC_SCORES "savant.scores.v1"

/* A child process: the broker or the engine. */
typedef struct child {
    const char *name; /* "savant-broker" */
    pid_t pid;        /* 0 before start */
    bool exited;      /* reaped */
    int status;       /* waitpid status once reaped */
    char log[512];    /* its stdout and stderr */
} child_t;

/* One pre-encoded input. */
typedef struct input {
    unsigned char *buf; /* msgpack value, owned */
    size_t len;         /* bytes in buf */
    size_t ts_off;      /* offset of the 8 big-endian ts bytes in buf */
    char key[WIRE_ID_MAX + 1]; /* event_id */
} input_t;

/* What the consumer thread records; counters are read by the main thread. */
typedef struct sink {
    rd_kafka_t *rk;                   /* the scores consumer */
    atomic_bool stop;                 /* set by main: leave the loop */
    atomic_ullong outputs;            /* measured scores received */
    atomic_ullong bad;                /* scores that did not decode */
    atomic_llong last_rx_ms;          /* wall clock of the last measured score */
    int32_t *lat;                     /* latency sample, ms */
    size_t lat_cnt;                   /* entries in lat */
    int64_t lat_max;                  /* over every score, not just the sample */
    uint64_t rng;                     /* reservoir sampling */
    char err[256];                    /* first decode error */
} sink_t;

static child_t broker = {.name = "savant-broker"}, engine = {.name = "savant-engine"},
               redis = {.name = "redis-server"};
static char tmpdir[256];
static unsigned long long acked, ack_failed;
static int64_t last_ack_ms;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* True while c runs; reaps it (once) when it has exited. */
static bool child_alive(child_t *c)
{
    if (!c->pid || c->exited)
        return false;
    if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
        c->exited = true;
        return false;
    }
    return true;
}

static void child_describe_exit(const child_t *c, char *buf, size_t size)
{
    if (WIFEXITED(c->status))
        snprintf(buf, size, "exit status %d", WEXITSTATUS(c->status));
    else if (WIFSIGNALED(c->status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(c->status));
    else
        snprintf(buf, size, "status 0x%x", c->status);
}

/* Starts bin/name with argv, stdout and stderr to its log; it dies with us (PDEATHSIG). */
static int child_start(child_t *c, const char *bin_dir, char *const argv[])
{
    char path[512];
    pid_t parent = getpid();

    snprintf(path, sizeof(path), "%s/%s", bin_dir, c->name);
    snprintf(c->log, sizeof(c->log), "%s/%s.log", tmpdir, c->name);
    if (access(path, X_OK) != 0) {
        fprintf(stderr, "bench-e2e: cannot run '%s': %s (build it with make, or set "
                        "SAVANT_BIN_DIR)\n", path, strerror(errno));
        return -1;
    }
    c->pid = fork();
    if (c->pid < 0) {
        fprintf(stderr, "bench-e2e: fork: %s\n", strerror(errno));
        c->pid = 0;
        return -1;
    }
    if (c->pid == 0) {
        int fd = open(c->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(path, argv);
        fprintf(stderr, "bench-e2e: exec '%s': %s\n", path, strerror(errno));
        _exit(127);
    }
    return 0;
}

/* SIGTERM (or SIGKILL when force), then wait at most STOP_S before SIGKILL. */
static void child_stop(child_t *c, bool force)
{
    if (!child_alive(c))
        return;
    kill(c->pid, force ? SIGKILL : SIGTERM);
    for (int i = 0; i < STOP_S * 20 && child_alive(c); i++)
        sleep_ms(50);
    if (child_alive(c)) {
        fprintf(stderr, "bench-e2e: %s did not stop within %d s after SIGTERM; killing it\n",
                c->name, STOP_S);
        kill(c->pid, SIGKILL);
        if (waitpid(c->pid, &c->status, 0) == c->pid)
            c->exited = true;
    }
}

static void show_log_tail(const child_t *c)
{
    char line[1024], *lines[20] = {0};
    int n = 0;
    FILE *fp = c->log[0] ? fopen(c->log, "r") : NULL;

    if (!fp)
        return;
    while (fgets(line, sizeof(line), fp)) {
        free(lines[n % 20]);
        lines[n % 20] = strdup(line);
        n++;
    }
    fclose(fp);
    fprintf(stderr, "--- last lines of %s:\n", c->log);
    for (int i = n > 20 ? n - 20 : 0; i < n; i++)
        fputs(lines[i % 20] ? lines[i % 20] : "", stderr);
    for (int i = 0; i < 20; i++)
        free(lines[i]);
}

/* Any failure: say what, kill the children, keep their logs, exit 1. */
static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    char how[64];

    fprintf(stderr, "bench-e2e: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    child_stop(&engine, true);
    child_stop(&redis, true);
    child_stop(&broker, true);
    for (int i = 0; i < 2; i++) {
        child_t *c = i == 0 ? &engine : &broker;
        if (c->exited && !WIFSIGNALED(c->status)) {
            child_describe_exit(c, how, sizeof(how));
            fprintf(stderr, "bench-e2e: %s: %s\n", c->name, how);
        }
        show_log_tail(c);
    }
    if (tmpdir[0])
        fprintf(stderr, "bench-e2e: logs kept in %s\n", tmpdir);
    exit(1);
}

static void check_children(void)
{
    char how[64];
    if (!child_alive(&broker)) {
        child_describe_exit(&broker, how, sizeof(how));
        die("savant-broker exited unexpectedly (%s)", how);
    }
    if (engine.pid && !child_alive(&engine)) {
        child_describe_exit(&engine, how, sizeof(how));
        die("savant-engine exited unexpectedly (%s)", how);
    }
}

static void be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

/* Odds event i: a random game, market and book, prices drifting, lines fixed per market. */
static void make_odds(wire_odds_t *o, uint64_t *s, const char *event_prefix)
{
    static const char *const books[N_BOOKS] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                               "caesars",  "bet365",     "circa",   "bovada"};
    int g, m, drift;

    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    g = (int)(*s % N_GAMES);
    m = (int)((*s >> 16) % 3);
    drift = (int)((*s >> 24) % 21) - 10;
    memset(o, 0, sizeof(*o));
    o->v = WIRE_VERSION;
    o->ts = TS_PLACEHOLDER;
    snprintf(o->event_id, sizeof(o->event_id), "%s%05d", event_prefix, g);
    strcpy(o->sport, "nba");
    strcpy(o->book, books[(*s >> 32) % N_BOOKS]);
    strcpy(o->market, m == 0 ? "h2h" : m == 1 ? "spreads" : "totals");
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, m == 2 ? "Over" : "Los Angeles Lakers");
    strcpy(o->outcomes[1].name, m == 2 ? "Under" : "Boston Celtics");
    for (int k = 0; k < 2; k++) {
        int p = k == 0 ? -110 - drift : -110 + drift;
        o->outcomes[k].price = p > -100 ? 100 + (-100 - p) : p; /* skip the gap (-100, 100) */
        o->outcomes[k].present = WIRE_OUTCOME_HAS_PRICE;
        if (m != 0) {
            double line = m == 1 ? -1.5 - (double)(g % 10) : 200.5 + (double)(g % 40);
            o->outcomes[k].point = m == 1 && k == 1 ? -line : line;
            o->outcomes[k].present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
}

/* Encodes o into in, finding where its ts placeholder sits so the send time can be patched in. */
static void input_encode(input_t *in, const wire_odds_t *o)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    wire_err_t err;
    unsigned char want[8];
    char ebuf[300];

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (wire_encode(WIRE_ODDS, o, &pk, &err) != SV_OK)
        die("odds event does not encode: %s", wire_err_str(&err, ebuf, sizeof(ebuf)));
    be64(want, (uint64_t)TS_PLACEHOLDER);
    in->ts_off = 0;
    for (size_t i = 1; i + 8 <= sb.size; i++)
        if (((unsigned char)sb.data[i - 1] == 0xcf || (unsigned char)sb.data[i - 1] == 0xd3) &&
            memcmp(sb.data + i, want, 8) == 0) {
            in->ts_off = i;
            break;
        }
    if (!in->ts_off)
        die("cannot find the encoded ts in an odds event (not a 64-bit integer?)");
    in->buf = (unsigned char *)sb.data; /* taken from sb */
    in->len = sb.size;
    snprintf(in->key, sizeof(in->key), "%s", o->event_id);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (!ack_failed++)
            fprintf(stderr, "bench-e2e: delivery failed: %s\n", rd_kafka_err2str(m->err));
        return;
    }
    acked++;
    last_ack_ms = wall_ms();
}

/* Sends in with its ts set to now; waits (polling) while the local queue is full. */
static void send_input(rd_kafka_t *rk, rd_kafka_topic_t *rkt, input_t *in)
{
    for (int tries = 0;; tries++) {
        int64_t ts = wall_ms();
        rd_kafka_resp_err_t err;

        be64(in->buf + in->ts_off, (uint64_t)ts);
        err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(in->key, strlen(in->key)),
                                RD_KAFKA_V_VALUE(in->buf, in->len), RD_KAFKA_V_TIMESTAMP(ts),
                                RD_KAFKA_V_END);
        if (!err)
            return;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            die("produce: %s", rd_kafka_err2str(err));
        if (tries > 30000) /* 30 s with a full queue: the broker is not taking anything */
            die("produce: the local queue stayed full for 30 s");
        rd_kafka_poll(rk, 1);
        if (tries % 1000 == 999)
            check_children();
    }
}

static rd_kafka_conf_t *conf_new(const char *brokers, const char *const kv[])
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];

    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof(errstr)))
        die("config: %s", errstr);
    for (size_t i = 0; kv[i]; i += 2)
        if (rd_kafka_conf_set(conf, kv[i], kv[i + 1], errstr, sizeof(errstr)))
            die("config %s: %s", kv[i], errstr);
    return conf;
}

/* Assigns every partition of the scores topic at its current end (high watermark). Not a group
 * member: librdkafka 2.0 wants a group.id for rd_kafka_assign(), but nothing subscribes or
 * commits under it. */
static rd_kafka_t *consumer_new(const char *brokers)
{
    static const char *const kv[] = {"client.id", "bench-e2e-consumer", "group.id", "bench-e2e-reader",
                                     "enable.auto.commit",
                                     "false", "fetch.wait.max.ms", "10", "fetch.error.backoff.ms",
                                     "10", NULL};
    rd_kafka_conf_t *conf = conf_new(brokers, kv);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(N_PARTITIONS);
    char errstr[256];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    rd_kafka_resp_err_t err;

    if (!rk)
        die("consumer: %s", errstr);
    for (int p = 0; p < N_PARTITIONS; p++) {
        int64_t lo, hi;
        if ((err = rd_kafka_query_watermark_offsets(rk, TOPIC_SCORES, p, &lo, &hi, 10000)))
            die("cannot read the end of %s [%d]: %s", TOPIC_SCORES, p, rd_kafka_err2str(err));
        rd_kafka_topic_partition_list_add(parts, TOPIC_SCORES, p)->offset = hi;
    }
    if ((err = rd_kafka_assign(rk, parts)))
        die("cannot assign %s: %s", TOPIC_SCORES, rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(parts);
    return rk;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* Records one score: its latency into the reservoir sample. */
static void sink_record(sink_t *sk, const rd_kafka_message_t *m, wire_score_t *sc)
{
    wire_err_t err;
    int64_t now = wall_ms(), lat;
    unsigned long long n;

    if (wire_decode(WIRE_SCORE, m->payload, m->len, sc, &err) != SV_OK) {
        if (!atomic_fetch_add(&sk->bad, 1))
            wire_err_str(&err, sk->err, sizeof(sk->err));
        return;
    }
    if (strncmp(sc->cand.event_id, "warmup-", 7) == 0)
        return; /* a late score of the warm-up */
    lat = now - sc->ts;
    if (lat > sk->lat_max)
        sk->lat_max = lat;
    n = atomic_fetch_add(&sk->outputs, 1) + 1;
    atomic_store(&sk->last_rx_ms, now);
    if (lat > INT32_MAX)
        lat = INT32_MAX;
    if (sk->lat_cnt < LAT_SAMPLE_MAX)
        sk->lat[sk->lat_cnt++] = (int32_t)lat;
    else if (xorshift(&sk->rng) % n < LAT_SAMPLE_MAX)
        sk->lat[xorshift(&sk->rng) % LAT_SAMPLE_MAX] = (int32_t)lat;
}

static void *sink_main(void *arg)
{
    sink_t *sk = arg;
    static wire_score_t sc;

    while (!atomic_load(&sk->stop)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(sk->rk, 100);
        if (!m)
            continue;
        if (!m->err)
            sink_record(sk, m, &sc);
        else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && !sk->err[0])
            snprintf(sk->err, sizeof(sk->err), "consume: %s", rd_kafka_message_errstr(m));
        rd_kafka_message_destroy(m);
    }
    return NULL;
}

/* Until the engine has joined and scores: send one warm-up quote every 2 s, wait for its 2. */
static void warm_up(rd_kafka_t *prk, rd_kafka_topic_t *rkt, rd_kafka_t *crk)
{
    wire_odds_t *o = calloc(1, sizeof(*o));
    input_t in;
    uint64_t s = 42;
    int seen = 0;
    double t0 = mono_s(), last_send = 0;
    static wire_score_t sc;
    wire_err_t err;

    if (!o)
        die("out of memory");
    make_odds(o, &s, "warmup-");
    input_encode(&in, o);
    while (seen < CANDS_PER_INPUT) {
        rd_kafka_message_t *m;
        if (mono_s() - t0 > WARMUP_S)
            die("savant-engine gave no score within %d s of the warm-up quote", WARMUP_S);
        check_children();
        if (mono_s() - last_send >= 2) {
            send_input(prk, rkt, &in);
            last_send = mono_s();
        }
        rd_kafka_poll(prk, 0);
        if (!(m = rd_kafka_consumer_poll(crk, 100)))
            continue;
        if (!m->err && wire_decode(WIRE_SCORE, m->payload, m->len, &sc, &err) == SV_OK &&
            strncmp(sc.cand.event_id, "warmup-", 7) == 0)
            seen++;
        rd_kafka_message_destroy(m);
    }
    free(in.buf);
    free(o);
}

/* The engine's own totals: its last log line (event=stopped). */
static void show_engine_totals(void)
{
    char line[1024], last[1024] = "";
    FILE *fp = fopen(engine.log, "r");

    if (!fp)
        return;
    while (fgets(line, sizeof(line), fp))
        if (strstr(line, "event=stopped"))
            snprintf(last, sizeof(last), "%s", line);
    fclose(fp);
    if (last[0])
        printf("  engine: %s", strstr(last, "consumed=") ? strstr(last, "consumed=") : last);
}

/* With the cache attached: what reached Redis (its own counters, read before it stops). */
static void show_redis_totals(void)
{
    char cmd[128], line[256];
    FILE *fp;

    if (!redis.pid)
        return;
    snprintf(cmd, sizeof(cmd), "redis-cli -p %d dbsize 2>/dev/null",
             30000 + (int)(getpid() % 20000));
    if ((fp = popen(cmd, "r"))) {
        if (fgets(line, sizeof(line), fp))
            printf("  redis: %s keys held at the end\n", strtok(line, "\r\n"));
        pclose(fp);
    }
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    static const char *const pkv[] = {"client.id", "bench-e2e-producer", "partitioner",
                                      "murmur2_random", "enable.idempotence", "true",
                                      "linger.ms", "5", "queue.buffering.max.messages", "500000",
                                      NULL};
    double secs = argc > 1 ? atof(argv[1]) : 5.0, rate = argc > 2 ? atof(argv[2]) : 0;
    const char *bin_dir = getenv("SAVANT_BIN_DIR"), *cache = argc > 3 ? argv[3] : NULL;
    char bootstrap_file[300], brokers[512] = "", brokers_x[600], errstr[256], how[64];
    char redis_x[128] = "redis.url=none", redis_port[16], redis_dir[300];
    char *broker_argv[] = {(char *)"savant-broker", (char *)"--partitions", (char *)"4",
                           (char *)"--bootstrap-file", bootstrap_file, NULL};
    char *engine_argv[] = {(char *)"savant-engine", (char *)"-X", brokers_x, (char *)"-X",
                           (char *)"kafka.group=bench-e2e", (char *)"-X",
                           (char *)"http.listen=127.0.0.1:0", (char *)"-X", redis_x, NULL};
    char *redis_argv[] = {(char *)"redis-server", (char *)"--bind", (char *)"127.0.0.1",
                          (char *)"--port", redis_port, (char *)"--save", (char *)"",
                          (char *)"--appendonly", (char *)"no", (char *)"--dir", redis_dir, NULL};
    static input_t inputs[N_EVENTS];
    static sink_t sink;
    wire_odds_t *o = calloc(1, sizeof(*o));
    rd_kafka_conf_t *pconf;
    rd_kafka_t *prk = NULL;
    rd_kafka_topic_t *rkt;
    pthread_t thr;
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    unsigned long long sent = 0, outputs, expected, prev, waits = 0;
    double t0, t_end, t_last_change, t_flushed, bytes = 0;
    int64_t start_ms;
    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

    if (argc > 4 || secs <= 0 || rate < 0 ||
        (cache && strcmp(cache, "none") != 0 && strcmp(cache, "redis") != 0)) {
        fprintf(stderr, "usage: bench-e2e [SECONDS [RATE [none|redis]]]   (RATE 0 = full speed)\n");
        return 1;
    }
    if (!cache) { /* both, one after the other, each in a process of its own */
        char sbuf[32], rbuf[32];
        int rc = 0;
        snprintf(sbuf, sizeof(sbuf), "%g", secs);
        snprintf(rbuf, sizeof(rbuf), "%g", rate);
        for (int k = 0; k < 2 && rc == 0; k++) {
            pid_t pid = fork();
            int st;
            if (pid == 0) {
                execl("/proc/self/exe", argv[0], sbuf, rbuf, k ? "redis" : "none", (char *)NULL);
                _exit(127);
            }
            if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
                rc = 1;
        }
        return rc;
    }
    if (secs < 2) {
        fprintf(stderr, "bench-e2e: %.3g s is too short to measure; running 2 s\n", secs);
        secs = 2;
    }
    if (!bin_dir || !*bin_dir)
        bin_dir = "bin";
    if (!o || !(sink.lat = malloc(sizeof(*sink.lat) * LAT_SAMPLE_MAX)))
        die("out of memory");
    signal(SIGPIPE, SIG_IGN);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/bench-e2e.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = 0;
        die("mkdtemp: %s", strerror(errno));
    }
    snprintf(bootstrap_file, sizeof(bootstrap_file), "%s/bootstrap", tmpdir);

    /* inputs first: the children should not wait for us */
    for (size_t i = 0; i < N_EVENTS; i++) {
        make_odds(o, &s, "nba-2026-11-26-g");
        input_encode(&inputs[i], o);
        bytes += (double)inputs[i].len;
    }

    if (child_start(&broker, bin_dir, broker_argv) != 0)
        die("cannot start savant-broker");
    for (t0 = mono_s(); !brokers[0]; sleep_ms(50)) {
        FILE *fp = fopen(bootstrap_file, "r");
        if (fp) {
            if (fgets(brokers, sizeof(brokers), fp))
                brokers[strcspn(brokers, "\r\n")] = 0;
            fclose(fp);
        }
        if (!brokers[0]) {
            check_children();
            if (mono_s() - t0 > BOOTSTRAP_S)
                die("savant-broker wrote no bootstrap file within %d s", BOOTSTRAP_S);
        }
    }
    snprintf(brokers_x, sizeof(brokers_x), "kafka.brokers=%s", brokers);
    if (strcmp(cache, "redis") == 0) {
        int port = 30000 + (int)(getpid() % 20000);
        snprintf(redis_port, sizeof(redis_port), "%d", port);
        snprintf(redis_dir, sizeof(redis_dir), "%s", tmpdir);
        if (child_start(&redis, "/usr/bin", redis_argv) != 0)
            die("cannot start redis-server (ops/install-deps test)");
        snprintf(redis_x, sizeof(redis_x), "redis.url=redis://127.0.0.1:%d/0", port);
    }
    if (child_start(&engine, bin_dir, engine_argv) != 0)
        die("cannot start savant-engine");

    pconf = conf_new(brokers, pkv);
    rd_kafka_conf_set_dr_msg_cb(pconf, on_delivery);
    prk = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof(errstr));
    if (!prk)
        die("producer: %s", errstr);
    pconf = NULL; /* owned by prk */
    rkt = rd_kafka_topic_new(prk, TOPIC_ODDS, NULL);
    sink.rk = consumer_new(brokers);
    sink.rng = 0x2545f4914f6cdd1dULL;

    warm_up(prk, rkt, sink.rk);
    if (rd_kafka_flush(prk, 10000))
        die("the warm-up quote was not acknowledged within 10 s");
    acked = ack_failed = 0;

    if (pthread_create(&thr, NULL, sink_main, &sink) != 0)
        die("cannot start the consumer thread");
    start_ms = wall_ms();
    t0 = mono_s();
    for (size_t i = 0;; i++) {
        if ((i & 255) == 0) {
            double el = mono_s() - t0;
            if (el >= secs)
                break;
            rd_kafka_poll(prk, 0);
            if ((i & 65535) == 0)
                check_children();
            while (((rate > 0 && (double)sent >= rate * (mono_s() - t0)) ||
                    sent - atomic_load(&sink.outputs) / CANDS_PER_INPUT > LEAD_MAX) &&
                   mono_s() - t0 < secs) {
                rd_kafka_poll(prk, 1);
                if (++waits % 1000 == 0)
                    check_children();
            }
        }
        send_input(prk, rkt, &inputs[i % N_EVENTS]);
        sent++;
    }
    t_end = mono_s();
    /* acknowledged: poll until all are, bounded, while watching the children */
    while (rd_kafka_outq_len(prk) > 0 && mono_s() - t_end < FLUSH_S) {
        rd_kafka_poll(prk, 100);
        check_children();
    }
    t_flushed = mono_s();
    if (rd_kafka_outq_len(prk) > 0)
        die("%d inputs still unacknowledged %d s after producing stopped",
            rd_kafka_outq_len(prk), FLUSH_S);
    if (ack_failed)
        die("%llu inputs failed delivery", ack_failed);

    /* outputs: until all expected arrived, or no new one for QUIET_S */
    expected = acked * CANDS_PER_INPUT;
    prev = atomic_load(&sink.outputs);
    t_last_change = mono_s();
    while ((outputs = atomic_load(&sink.outputs)) < expected) {
        if (outputs != prev)
            prev = outputs, t_last_change = mono_s();
        else if (mono_s() - t_last_change >= QUIET_S)
            break;
        if (atomic_load(&sink.bad) || sink.err[0])
            break;
        check_children();
        sleep_ms(50);
    }
    atomic_store(&sink.stop, true);
    pthread_join(thr, NULL);
    outputs = atomic_load(&sink.outputs);
    if (atomic_load(&sink.bad))
        die("%llu scores did not decode, the first: %s", atomic_load(&sink.bad), sink.err);
    if (sink.err[0])
        die("%s", sink.err);
    if (!outputs || !sink.lat_cnt)
        die("no score arrived from %llu inputs", acked);

    qsort(sink.lat, sink.lat_cnt, sizeof(*sink.lat), cmp_i32);
    {
        double out_secs = (double)(atomic_load(&sink.last_rx_ms) - start_ms) / 1e3;
        double ack_secs = (double)(last_ack_ms - start_ms) / 1e3;
        size_t n = sink.lat_cnt;
        printf("bench-e2e: savant-broker (%d partitions) + savant-engine, %d games x "
               "h2h/spreads/totals = %d markets, %d books, %d distinct odds events of %.0f bytes "
               "on average, %s, Redis cache %s\n",
               N_PARTITIONS, N_GAMES, N_GAMES * 3, N_BOOKS, N_EVENTS, bytes / N_EVENTS,
               rate > 0 ? "paced" : "full speed (at most " SV_STR(LEAD_MAX) " inputs ahead of the scores)",
               strcmp(cache, "redis") == 0 ? "attached (its own redis-server)" : "off (redis.url=none)");
        if (rate > 0)
            printf("  target rate               %12.0f events/s\n", rate);
        printf("  inputs produced           %12llu in %.2f s = %9.0f events/s\n", sent,
               t_end - t0, (double)sent / (t_end - t0));
        printf("  inputs acknowledged       %12llu in %.2f s = %9.0f events/s (last ack %.2f s "
               "after producing stopped)\n",
               acked, ack_secs, (double)acked / ack_secs, t_flushed - t_end);
        printf("  score events received     %12llu in %.2f s = %9.0f events/s (from the first "
               "input to the last score)\n",
               outputs, out_secs, (double)outputs / out_secs);
        printf("  inputs processed          %12llu of %llu (%.2f %%)%s\n",
               outputs / CANDS_PER_INPUT, acked,
               100.0 * (double)outputs / (double)(expected ? expected : 1),
               outputs < expected ? " (the output stopped growing for 2 s)" : "");
        printf("  event-to-score latency    p50 %lld ms  p99 %lld ms  max %lld ms (%zu samples)\n",
               (long long)sink.lat[(n - 1) / 2], (long long)sink.lat[(size_t)((double)n * 0.99 + 0.999) - 1],
               (long long)sink.lat_max, n);
        printf("  note: producer and consumer (this process, 2 threads), savant-broker and "
               "savant-engine are separate processes sharing the same %d cores\n", ncpu);
    }

    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(prk);
    rd_kafka_consumer_close(sink.rk);
    rd_kafka_destroy(sink.rk);
    child_stop(&engine, false);
    show_redis_totals();
    child_stop(&redis, false);
    child_stop(&broker, false);
    for (int i = 0; i < 2; i++) {
        child_t *c = i == 0 ? &engine : &broker;
        if (!c->exited || !WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0) {
            child_describe_exit(c, how, sizeof(how));
            fprintf(stderr, "bench-e2e: %s did not stop cleanly (%s)\n", c->name, how);
            show_log_tail(c);
            fprintf(stderr, "bench-e2e: logs kept in %s\n", tmpdir);
            return 1;
        }
    }
    show_engine_totals();
    if (getenv("BENCH_E2E_KEEP")) {
        fprintf(stderr, "bench-e2e: logs kept in %s (BENCH_E2E_KEEP)\n", tmpdir);
        tmpdir[0] = 0;
    }
    for (size_t i = 0; i < N_EVENTS; i++)
        free(inputs[i].buf);
    free(sink.lat);
    free(o);
    if (tmpdir[0]) {
        unlink(engine.log);
        unlink(broker.log);
        if (redis.log[0])
            unlink(redis.log);
        unlink(bootstrap_file);
        rmdir(tmpdir);
    }
    return 0;
}
