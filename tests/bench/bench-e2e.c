/*
 * bench-e2e — end-to-end throughput and latency of savant-engine through a real Kafka protocol
 * path. It starts its own savant-broker (4 partitions) and savant-engine as child processes
 * (found through SAVANT_BIN_DIR, default "bin"), produces pre-encoded odds events, and consumes
 * savant.scores.v1 and savant.signals.v1 from the end in a second thread: an output's `ts` is the
 * `ts` of the input that caused it, so the receipt time minus the input's time is the
 * event-to-output latency. Latencies go into a log-linear histogram (common/sv_hist.h: µs,
 * within 0.78 %, nothing allocated per sample). On any failure it kills the children and exits
 * 1. Run by `make bench` and `make bench-sweep`; not a test (nothing about speed is asserted).
 *
 * Two ways of producing:
 *  - full speed (RATE 0): as fast as the pipeline takes them, at most LEAD_MAX inputs ahead of the
 *    scores; each input's ts is the wall-clock ms at send, latency = receipt − ts (ms resolution,
 *    up to 1 ms pessimistic).
 *  - constant rate (RATE > 0): input i has the intended send time t0 + i/RATE and is sent as soon
 *    as that time has come (never earlier). Its ts is the intended time in ms (the wire's unit),
 *    and latency is measured from the *intended* time in µs: the consumer finds i again from the
 *    score's ts and market (the schedule is known: among the inputs intended in that ms, the first
 *    on that market). A producer that stalls (the engine behind, LEAD_MAX reached, the machine
 *    busy) therefore adds its delay to the latency instead of hiding it (coordinated omission).
 *    All RATE × SECONDS inputs are sent, late if need be (at most SECONDS + max(SECONDS, 10) s).
 *
 *   bench-e2e [SECONDS [RATE [none|redis]]]   one run as before (default 5 s, at least 2; RATE 0
 *                                             = full speed; no CACHE: none then redis); games
 *                                             unknown to the engine, so no signal opens
 *   bench-e2e --sweep RATES [SECONDS [none|redis]]
 *                 one broker and engine, the N_GAMES games announced first (scheduled, starting in
 *                 7 days, so candidates are scored into tiers and signals open), then one phase of
 *                 SECONDS (default 10) per rate of the comma-separated list RATES (events/s), each
 *                 drained before the next; one table row per rate
 *   bench-e2e --memory GAMES[,GAMES...]
 *                 per count, a fresh engine (no cache): the games announced, then one quote of each
 *                 of 8 books for each game × h2h/spreads/totals; (VmRSS after − before) / markets
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#include "market.h"
#include "sv_hist.h"
#include "wire.h"

#define SV_STR_(x) #x
#define SV_STR(x) SV_STR_(x)
#define N_GAMES 3400            /* x h2h/spreads/totals = 10,200 markets */
#define N_BOOKS 8
#define N_EVENTS (1 << 16)      /* distinct pre-encoded odds events, cycled */
#define N_PARTITIONS 4
#define CANDS_PER_INPUT 2       /* every market here is two-way */
#define PHASES_MAX 32           /* rates in one sweep, at most */
#define TS_PLACEHOLDER 4000000000000LL /* encoded, then patched with the send time */
#define WARMUP_S 60             /* engine joined and scoring, at most */
#define BOOTSTRAP_S 15          /* broker ready, at most */
#define FLUSH_S 60              /* every input acknowledged after producing, at most */
#define QUIET_S 2               /* output count unchanged this long: done */
#define STOP_S 10               /* a child exits after SIGTERM, at most, then SIGKILL */
#define EVENT_PREFIX "nba-2026-11-26-g"
/* Inputs sent but not yet scored, at most: the mock broker keeps only the newest few MB of each
 * partition and drops the rest, so an open-loop producer at full speed (~1 M events/s here)
 * outruns the engine and the engine's consumer finds its next offset gone ("offset out of
 * range", then a jump). Staying this close keeps every input on the broker until it is read. */
#define LEAD_MAX 20000
#define TOPIC_ODDS "savant.odds.v1"
#define TOPIC_GAMES "savant.games.v1"
#define TOPIC_CONTEXT "savant.context.v1"
#define TOPIC_SCORES "savant.scores.v1"
#define TOPIC_SIGNALS "savant.signals.v1"

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
    int market;         /* game × 3 + (h2h 0, spreads 1, totals 2) */
    char key[WIRE_ID_MAX + 1]; /* event_id */
} input_t;

/* One measured phase: a rate held for some seconds. Written by main before the phase starts
 * (published through sink.phase_cnt); its histograms and counters are written by the consumer
 * thread only, and main reads them once the phase has drained (every score in, or none for
 * QUIET_S), when nothing more arrives for it. */
typedef struct phase {
    int64_t t0_us;         /* intended time of input 0, wall clock µs */
    double rate;           /* events/s; 0 = full speed (ts is the send time) */
    sv_hist_t score;       /* event-to-score latency, µs */
    sv_hist_t signal;      /* event-to-signal latency, µs */
    unsigned long long unmatched;  /* outputs whose input was not found (latency from ts) */
    unsigned long long sig_state[3]; /* signals received: open, update, withdrawn */
    unsigned long long tiers[5];     /* scores received per tier, TITANIUM_SMASH .. PASS */
    double final_max;                /* the highest final score received */
} phase_t;

/* What the consumer thread records; counters are read by the main thread. */
typedef struct sink {
    rd_kafka_t *rk;                   /* the scores and signals consumer */
    atomic_bool stop;                 /* set by main: leave the loop */
    atomic_ullong outputs;            /* measured scores received */
    atomic_ullong signals;            /* measured signals received */
    atomic_ullong bad;                /* outputs that did not decode */
    atomic_llong last_rx_us;          /* wall clock of the last measured score */
    atomic_int phase_cnt;             /* phases[0 .. phase_cnt-1] are set up */
    phase_t *phases;                  /* PHASES_MAX, allocated by main */
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

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
static int n_games = N_GAMES; /* games of the workload (--memory changes it) */

static void be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

static const char *const teams[30] = {
    "Atlanta Hawks",        "Boston Celtics",        "Brooklyn Nets",        "Charlotte Hornets",
    "Chicago Bulls",        "Cleveland Cavaliers",   "Dallas Mavericks",     "Denver Nuggets",
    "Detroit Pistons",      "Golden State Warriors", "Houston Rockets",      "Indiana Pacers",
    "Los Angeles Clippers", "Los Angeles Lakers",    "Memphis Grizzlies",    "Miami Heat",
    "Milwaukee Bucks",      "Minnesota Timberwolves", "New Orleans Pelicans", "New York Knicks",
    "Oklahoma City Thunder", "Orlando Magic",        "Philadelphia 76ers",   "Phoenix Suns",
    "Portland Trail Blazers", "Sacramento Kings",    "San Antonio Spurs",    "Toronto Raptors",
    "Utah Jazz",            "Washington Wizards"};

/* The home and away teams of game g: every pairing of the 30 NBA teams in turn. */
static const char *team_home(int g)
{
    return teams[g % 30];
}

static const char *team_away(int g)
{
    return teams[(g % 30 + 1 + (g / 30) % 29) % 30];
}

/* The quote of book b for market m (h2h, spreads, totals) of game g, prices off by drift; one
 * book per game (b == g % N_BOOKS) prices the first outcome 30 cents better than the rest. */
static void fill_odds(wire_odds_t *o, int g, int m, int b, int drift)
{
    static const char *const books[N_BOOKS] = {"pinnacle", "draftkings", "fanduel", "betmgm",
                                               "caesars",  "bet365",     "circa",   "bovada"};

    memset(o, 0, sizeof(*o));
    o->v = WIRE_VERSION;
    o->ts = TS_PLACEHOLDER;
    snprintf(o->event_id, sizeof(o->event_id), EVENT_PREFIX "%05d", g);
    strcpy(o->sport, "nba");
    strcpy(o->book, books[b]);
    strcpy(o->market, m == 0 ? "h2h" : m == 1 ? "spreads" : "totals");
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, m == 2 ? "Over" : team_home(g));
    strcpy(o->outcomes[1].name, m == 2 ? "Under" : team_away(g));
    for (int k = 0; k < 2; k++) {
        int p = k == 0 ? -110 - drift + (b == g % N_BOOKS ? 30 : 0) : -110 + drift;
        o->outcomes[k].price = p > -100 ? 200 + p : p; /* -95 is +105: skip the gap (-100, 100) */
        o->outcomes[k].present = WIRE_OUTCOME_HAS_PRICE;
        if (m != 0) {
            double line = m == 1 ? -1.5 - (double)(g % 10) : 200.5 + (double)(g % 40);
            o->outcomes[k].point = m == 1 && k == 1 ? -line : line;
            o->outcomes[k].present |= WIRE_OUTCOME_HAS_POINT;
        }
    }
}

/* A random odds event: a random game, market and book, prices drifting, lines fixed per market.
 * Returns its market number (game × 3 + market). */
static int make_odds(wire_odds_t *o, uint64_t *s)
{
    int g, m;

    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    g = (int)(*s % (uint64_t)n_games);
    m = (int)((*s >> 16) % 3);
    fill_odds(o, g, m, (int)((*s >> 32) % N_BOOKS), (int)((*s >> 24) % 21) - 10);
    return g * 3 + m;
}

/* The market number of an output's candidate, -1 when it is not one of ours. */
static int cand_market(const wire_cand_t *c)
{
    char *end;
    long g;

    if (strncmp(c->event_id, EVENT_PREFIX, sizeof(EVENT_PREFIX) - 1) != 0)
        return -1;
    g = strtol(c->event_id + sizeof(EVENT_PREFIX) - 1, &end, 10);
    if (*end || g < 0 || g >= n_games)
        return -1;
    return (int)g * 3 + (c->market[0] == 'h' ? 0 : c->market[0] == 's' ? 1 : 2);
}

/* Encodes o into in, finding where its ts placeholder sits so the send time can be patched in. */
static void input_encode(input_t *in, const wire_odds_t *o, int market)
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
    in->market = market;
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

/* Sends in with its ts set to ts_ms (the wall clock at send when ts_ms < 0); waits (polling)
 * while the local queue is full. */
static void send_input(rd_kafka_t *rk, rd_kafka_topic_t *rkt, input_t *in, int64_t ts_ms)
{
    for (int tries = 0;; tries++) {
        int64_t ts = ts_ms >= 0 ? ts_ms : wall_ms();
        rd_kafka_resp_err_t err;

        be64(in->buf + in->ts_off, (uint64_t)ts);
        err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY(in->key, strlen(in->key)),
                                RD_KAFKA_V_VALUE(in->buf, in->len), RD_KAFKA_V_TIMESTAMP(wall_ms()),
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

/* Assigns every partition of the scores and signals topics at their current end (high
 * watermark). Not a group member: librdkafka 2.0 wants a group.id for rd_kafka_assign(), but
 * nothing subscribes or commits under it. */
static rd_kafka_t *consumer_new(const char *brokers)
{
    static const char *const kv[] = {"client.id", "bench-e2e-consumer", "group.id", "bench-e2e-reader",
                                     "enable.auto.commit",
                                     "false", "fetch.wait.max.ms", "10", "fetch.error.backoff.ms",
                                     "10", NULL};
    static const char *const topics[] = {TOPIC_SCORES, TOPIC_SIGNALS};
    rd_kafka_conf_t *conf = conf_new(brokers, kv);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(2 * N_PARTITIONS);
    char errstr[256];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    rd_kafka_resp_err_t err;

    if (!rk)
        die("consumer: %s", errstr);
    for (int t = 0; t < 2; t++)
        for (int p = 0; p < N_PARTITIONS; p++) {
            int64_t lo, hi;
            if ((err = rd_kafka_query_watermark_offsets(rk, topics[t], p, &lo, &hi, 10000)))
                die("cannot read the end of %s [%d]: %s", topics[t], p, rd_kafka_err2str(err));
            rd_kafka_topic_partition_list_add(parts, topics[t], p)->offset = hi;
        }
    if ((err = rd_kafka_assign(rk, parts)))
        die("cannot assign %s and %s: %s", TOPIC_SCORES, TOPIC_SIGNALS, rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(parts);
    return rk;
}

/* The intended time (µs) of the input that caused an output of market mk with event time ts_ms,
 * found in phase ph's schedule: the first input intended in that ms on that market; -1 if none. */
static int64_t phase_intended(const phase_t *ph, const input_t *inputs, int64_t ts_ms, int mk)
{
    double per = 1e6 / ph->rate;
    int64_t i = (int64_t)((double)(ts_ms * 1000 - ph->t0_us) / per) - 2;

    for (i = i < 0 ? 0 : i;; i++) {
        int64_t it = ph->t0_us + (int64_t)((double)i * per);
        if (it / 1000 > ts_ms)
            return -1;
        if (it / 1000 == ts_ms && inputs[i % N_EVENTS].market == mk)
            return it;
    }
}

static const input_t *sink_inputs; /* the pre-encoded inputs, read-only during the phases */

/* The phase an output with event time ts_ms belongs to (phases do not overlap in time). */
static phase_t *sink_phase(sink_t *sk, int64_t ts_ms)
{
    int n = atomic_load(&sk->phase_cnt);
    for (int k = n - 1; k >= 0; k--)
        if (sk->phases[k].t0_us / 1000 <= ts_ms)
            return &sk->phases[k];
    return NULL;
}

/* Latency in µs of an output received at rx_us, caused by an input of market mk at ts_ms. */
static uint64_t sink_latency(phase_t *ph, int64_t rx_us, int64_t ts_ms, int mk)
{
    int64_t from = ts_ms * 1000, lat;

    if (ph->rate > 0) {
        int64_t it = mk >= 0 ? phase_intended(ph, sink_inputs, ts_ms, mk) : -1;
        if (it >= 0)
            from = it;
        else
            ph->unmatched++;
    }
    lat = rx_us - from;
    return lat > 0 ? (uint64_t)lat : 0;
}

/* Records one output: its latency into its phase's histogram. */
static void sink_record(sink_t *sk, const rd_kafka_message_t *m, wire_score_t *sc,
                        wire_signal_t *sg)
{
    wire_err_t err;
    int64_t now = wall_us();
    bool is_signal = strcmp(rd_kafka_topic_name(m->rkt), TOPIC_SIGNALS) == 0;
    const wire_cand_t *cand;
    int64_t ts;
    phase_t *ph;

    if (wire_decode(is_signal ? WIRE_SIGNAL : WIRE_SCORE, m->payload, m->len,
                    is_signal ? (void *)sg : (void *)sc, &err) != SV_OK) {
        if (!atomic_fetch_add(&sk->bad, 1))
            wire_err_str(&err, sk->err, sizeof(sk->err));
        return;
    }
    cand = is_signal ? &sg->cand : &sc->cand;
    ts = is_signal ? sg->ts : sc->ts;
    if (strncmp(cand->event_id, "warmup-", 7) == 0 || !(ph = sink_phase(sk, ts)))
        return; /* the warm-up, or before the first phase (the games announced) */
    if (is_signal) {
        sv_hist_record(&ph->signal, sink_latency(ph, now, ts, cand_market(cand)));
        if ((unsigned)sg->state < 3)
            ph->sig_state[sg->state]++;
        atomic_fetch_add(&sk->signals, 1);
        return;
    }
    sv_hist_record(&ph->score, sink_latency(ph, now, ts, cand_market(cand)));
    if ((unsigned)sc->tier < 5)
        ph->tiers[sc->tier]++;
    if (sc->final > ph->final_max)
        ph->final_max = sc->final;
    atomic_fetch_add(&sk->outputs, 1);
    atomic_store(&sk->last_rx_us, now);
}

static void *sink_main(void *arg)
{
    sink_t *sk = arg;
    static wire_score_t sc;
    static wire_signal_t sg;

    while (!atomic_load(&sk->stop)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(sk->rk, 100);
        if (!m)
            continue;
        if (!m->err)
            sink_record(sk, m, &sc, &sg);
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
    int seen = 0;
    double t0 = mono_s(), last_send = 0;
    static wire_score_t sc;
    wire_err_t err;

    if (!o)
        die("out of memory");
    fill_odds(o, 0, 0, 0, 0);
    snprintf(o->event_id, sizeof(o->event_id), "warmup-%05d", 0);
    input_encode(&in, o, -1);
    while (seen < CANDS_PER_INPUT) {
        rd_kafka_message_t *m;
        if (mono_s() - t0 > WARMUP_S)
            die("savant-engine gave no score within %d s of the warm-up quote", WARMUP_S);
        check_children();
        if (mono_s() - last_send >= 2) {
            send_input(prk, rkt, &in, -1);
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

/* Resident set of the engine, kB (from /proc), -1 when unreadable. */
static long engine_rss_kb(void)
{
    char path[64], line[256];
    long kb = -1;
    FILE *fp;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)engine.pid);
    if (!(fp = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof(line), fp))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(fp);
    return kb;
}

static void sleep_us(int64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The run: children, producer, consumer thread. */
static rd_kafka_t *prk;
static rd_kafka_topic_t *rkt_odds;
static sink_t sink;
static pthread_t sink_thr;
static char bootstrap_file[300];
static const char *run_cache = "none";

/* Starts the broker (and Redis when cache is "redis") and the engine, the producer and the
 * consumer, waits until the engine scores, then starts the consumer thread. */
static void run_start(const char *bin_dir, const char *cache)
{
    static const char *const pkv[] = {"client.id", "bench-e2e-producer", "partitioner",
                                      "murmur2_random", "enable.idempotence", "true",
                                      "linger.ms", "5", "queue.buffering.max.messages", "500000",
                                      NULL};
    static char brokers[512], brokers_x[600], redis_x[128] = "redis.url=none", redis_port[16],
                                                redis_dir[300];
    static char *broker_argv[] = {(char *)"savant-broker", (char *)"--partitions", (char *)"4",
                                  (char *)"--bootstrap-file", bootstrap_file, NULL};
    static char *engine_argv[] = {(char *)"savant-engine", (char *)"-X", brokers_x, (char *)"-X",
                                  (char *)"kafka.group=bench-e2e", (char *)"-X",
                                  (char *)"http.listen=127.0.0.1:0", (char *)"-X", redis_x, NULL};
    static char *redis_argv[] = {(char *)"redis-server", (char *)"--bind", (char *)"127.0.0.1",
                                 (char *)"--port", redis_port, (char *)"--save", (char *)"",
                                 (char *)"--appendonly", (char *)"no", (char *)"--dir", redis_dir,
                                 NULL};
    rd_kafka_conf_t *pconf;
    char errstr[256];
    double t0;

    run_cache = cache;
    signal(SIGPIPE, SIG_IGN);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/bench-e2e.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = 0;
        die("mkdtemp: %s", strerror(errno));
    }
    snprintf(bootstrap_file, sizeof(bootstrap_file), "%s/bootstrap", tmpdir);
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
    rkt_odds = rd_kafka_topic_new(prk, TOPIC_ODDS, NULL);
    sink.rk = consumer_new(brokers);
    if (!(sink.phases = calloc(PHASES_MAX, sizeof(*sink.phases))))
        die("out of memory");

    warm_up(prk, rkt_odds, sink.rk);
    if (rd_kafka_flush(prk, 10000))
        die("the warm-up quote was not acknowledged within 10 s");
    acked = ack_failed = 0;
    if (pthread_create(&sink_thr, NULL, sink_main, &sink) != 0)
        die("cannot start the consumer thread");
}

/* Announces every game to the engine (scheduled, starting in 7 days) and waits 2 s for it to
 * read them, so the odds that follow are scored into tiers and can open signals. */
static void announce_games(void)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(prk, TOPIC_GAMES, NULL);
    rd_kafka_topic_t *rkt_cx = rd_kafka_topic_new(prk, TOPIC_CONTEXT, NULL);
    wire_game_t gm;
    wire_context_t cx;
    wire_err_t err;
    char ebuf[300];

    for (int g = 0; g < n_games; g++) {
        msgpack_sbuffer sb;
        msgpack_packer pk;
        rd_kafka_resp_err_t rerr;

        memset(&gm, 0, sizeof(gm));
        gm.v = WIRE_VERSION;
        gm.ts = wall_ms();
        snprintf(gm.event_id, sizeof(gm.event_id), EVENT_PREFIX "%05d", g);
        strcpy(gm.sport, "nba");
        strcpy(gm.home, team_home(g));
        strcpy(gm.away, team_away(g));
        gm.commence_ts = gm.ts + 7LL * 86400 * 1000;
        gm.status = WIRE_GAME_SCHEDULED;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        if (wire_encode(WIRE_GAME, &gm, &pk, &err) != SV_OK)
            die("game event does not encode: %s", wire_err_str(&err, ebuf, sizeof(ebuf)));
        while ((rerr = rd_kafka_producev(prk, RD_KAFKA_V_RKT(rkt),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                         RD_KAFKA_V_KEY(gm.event_id, strlen(gm.event_id)),
                                         RD_KAFKA_V_VALUE(sb.data, sb.size), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(prk, 10);
        msgpack_sbuffer_destroy(&sb);
        if (rerr)
            die("produce a game event: %s", rd_kafka_err2str(rerr));
        /* betting splits: the money on the home side of the spread (research: sharp money) */
        memset(&cx, 0, sizeof(cx));
        cx.v = WIRE_VERSION;
        cx.ts = gm.ts;
        cx.kind = WIRE_CTX_SPLITS;
        snprintf(cx.event_id, sizeof(cx.event_id), "%s", gm.event_id);
        strcpy(cx.market, "spreads");
        strcpy(cx.side, gm.home);
        cx.ticket_pct = 30;
        cx.money_pct = 75;
        cx.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_MARKET | WIRE_CTX_HAS_SIDE |
                     WIRE_CTX_HAS_TICKET_PCT | WIRE_CTX_HAS_MONEY_PCT;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        if (wire_encode(WIRE_CONTEXT, &cx, &pk, &err) != SV_OK)
            die("context event does not encode: %s", wire_err_str(&err, ebuf, sizeof(ebuf)));
        while ((rerr = rd_kafka_producev(prk, RD_KAFKA_V_RKT(rkt_cx),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                         RD_KAFKA_V_KEY(cx.event_id, strlen(cx.event_id)),
                                         RD_KAFKA_V_VALUE(sb.data, sb.size), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(prk, 10);
        msgpack_sbuffer_destroy(&sb);
        if (rerr)
            die("produce a context event: %s", rd_kafka_err2str(rerr));
    }
    if (rd_kafka_flush(prk, 30000))
        die("the game events were not acknowledged within 30 s");
    rd_kafka_topic_destroy(rkt);
    rd_kafka_topic_destroy(rkt_cx);
    acked = ack_failed = 0;
    sleep_ms(2000);
}

/* What one phase measured (its histograms stay in sink.phases[k]). */
typedef struct result {
    double rate;                  /* offered, events/s (0 = full speed) */
    unsigned long long sent;      /* inputs produced */
    unsigned long long unsent;    /* scheduled but not sent within the deadline */
    unsigned long long acked;     /* inputs acknowledged by the broker */
    unsigned long long outputs;   /* scores received */
    unsigned long long backlog;   /* inputs not yet scored when producing ended */
    double send_s;                /* from the first intended send to the last send */
    double out_s;                 /* from the first intended send to the last score */
    double flush_s;               /* last ack after producing ended */
    int64_t late_max_us;          /* the producer's largest delay behind the schedule */
} result_t;

/* Produces for phase k: at rate (0 = full speed) for secs, then waits until every input gave its
 * scores or the output stopped growing for QUIET_S. */
static void run_phase(int k, double rate, double secs, const input_t *inputs, result_t *r)
{
    phase_t *ph = &sink.phases[k];
    unsigned long long out0 = atomic_load(&sink.outputs), n = 0, waits = 0, outputs, prev;
    double per = rate > 0 ? 1e6 / rate : 0, deadline_us = (secs + (secs > 10 ? secs : 10)) * 1e6;
    double t_end, t_last_change;
    int64_t start_us;

    memset(r, 0, sizeof(*r));
    r->rate = rate;
    sv_hist_init(&ph->score);
    sv_hist_init(&ph->signal);
    ph->rate = rate;
    acked = ack_failed = 0;
    start_us = ph->t0_us = wall_us() + (rate > 0 ? 2000 : 0);
    atomic_store(&sink.phase_cnt, k + 1);
    if (rate > 0)
        n = (unsigned long long)(rate * secs + 0.5);
    for (unsigned long long i = 0;; i++) {
        int64_t ts_ms = -1;
        if (rate > 0) {
            int64_t it = ph->t0_us + (int64_t)((double)i * per), now;
            if (i >= n)
                break;
            for (;;) {
                unsigned long long done = (atomic_load(&sink.outputs) - out0) / CANDS_PER_INPUT;
                now = wall_us();
                if (now >= it && r->sent - done <= LEAD_MAX)
                    break;
                if ((double)(now - ph->t0_us) > deadline_us)
                    goto stop;
                if (now >= it || it - now > 1500)
                    rd_kafka_poll(prk, 1);
                else
                    sleep_us(it - now);
                if (++waits % 1000 == 0)
                    check_children();
            }
            if (now - it > r->late_max_us)
                r->late_max_us = now - it;
            ts_ms = it / 1000;
        } else if ((i & 255) == 0) {
            if ((double)(wall_us() - start_us) >= secs * 1e6)
                break;
            while (r->sent - (atomic_load(&sink.outputs) - out0) / CANDS_PER_INPUT > LEAD_MAX &&
                   (double)(wall_us() - start_us) < secs * 1e6) {
                rd_kafka_poll(prk, 1);
                if (++waits % 1000 == 0)
                    check_children();
            }
        }
        send_input(prk, rkt_odds, (input_t *)&inputs[i % N_EVENTS], ts_ms);
        r->sent++;
        if ((i & 255) == 0) {
            rd_kafka_poll(prk, 0);
            if ((i & 65535) == 0)
                check_children();
        }
    }
stop:
    r->unsent = rate > 0 ? n - r->sent : 0;
    r->send_s = (double)(wall_us() - start_us) / 1e6;
    r->backlog = r->sent - (atomic_load(&sink.outputs) - out0) / CANDS_PER_INPUT;
    t_end = mono_s();
    while (rd_kafka_outq_len(prk) > 0 && mono_s() - t_end < FLUSH_S) {
        rd_kafka_poll(prk, 100);
        check_children();
    }
    r->flush_s = mono_s() - t_end;
    if (rd_kafka_outq_len(prk) > 0)
        die("%d inputs still unacknowledged %d s after producing stopped",
            rd_kafka_outq_len(prk), FLUSH_S);
    if (ack_failed)
        die("%llu inputs failed delivery", ack_failed);
    r->acked = acked;
    prev = atomic_load(&sink.outputs);
    t_last_change = mono_s();
    while ((outputs = atomic_load(&sink.outputs)) - out0 < acked * CANDS_PER_INPUT) {
        if (outputs != prev)
            prev = outputs, t_last_change = mono_s();
        else if (mono_s() - t_last_change >= QUIET_S)
            break;
        if (atomic_load(&sink.bad) || sink.err[0])
            break;
        check_children();
        sleep_ms(50);
    }
    sleep_ms(200); /* the last signals of the phase */
    if (atomic_load(&sink.bad))
        die("%llu outputs did not decode, the first: %s", atomic_load(&sink.bad), sink.err);
    if (sink.err[0])
        die("%s", sink.err);
    r->outputs = atomic_load(&sink.outputs) - out0;
    r->out_s = (double)(atomic_load(&sink.last_rx_us) - start_us) / 1e6;
    if (!r->outputs)
        die("no score arrived from %llu inputs", acked);
}

/* Stops everything; returns 0 when every child stopped cleanly. */
static int run_stop(void)
{
    char how[64];

    atomic_store(&sink.stop, true);
    pthread_join(sink_thr, NULL);
    rd_kafka_topic_destroy(rkt_odds);
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
    free(sink.phases);
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

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

/* The pre-encoded inputs, random over n_games. */
static input_t *inputs_new(double *avg_bytes)
{
    input_t *inputs = calloc(N_EVENTS, sizeof(*inputs));
    wire_odds_t *o = calloc(1, sizeof(*o));
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    double bytes = 0;

    if (!inputs || !o)
        die("out of memory");
    for (size_t i = 0; i < N_EVENTS; i++) {
        int mk = make_odds(o, &s);
        input_encode(&inputs[i], o, mk);
        bytes += (double)inputs[i].len;
    }
    free(o);
    *avg_bytes = bytes / N_EVENTS;
    sink_inputs = inputs;
    return inputs;
}

static void inputs_free(input_t *inputs)
{
    for (size_t i = 0; inputs && i < N_EVENTS; i++)
        free(inputs[i].buf);
    free(inputs);
}

/* One run as before issue 9's sweep: one rate, the old report. */
static int main_single(const char *bin_dir, double secs, double rate, const char *cache)
{
    double avg;
    input_t *inputs = inputs_new(&avg);
    result_t r;
    const phase_t *ph;
    int rc;

    run_start(bin_dir, cache);
    run_phase(0, rate, secs, inputs, &r);
    ph = &sink.phases[0];
    printf("bench-e2e: savant-broker (%d partitions) + savant-engine, %d games x "
           "h2h/spreads/totals = %d markets, %d books, %d distinct odds events of %.0f bytes "
           "on average, %s, Redis cache %s\n",
           N_PARTITIONS, n_games, n_games * 3, N_BOOKS, N_EVENTS, avg,
           rate > 0 ? "constant rate (latency from the intended send time)"
                    : "full speed (at most " SV_STR(LEAD_MAX) " inputs ahead of the scores)",
           strcmp(cache, "redis") == 0 ? "attached (its own redis-server)" : "off (redis.url=none)");
    if (rate > 0)
        printf("  target rate               %12.0f events/s\n", rate);
    printf("  inputs produced           %12llu in %.2f s = %9.0f events/s\n", r.sent, r.send_s,
           (double)r.sent / r.send_s);
    printf("  inputs acknowledged       %12llu (last ack %.2f s after producing stopped)\n",
           r.acked, r.flush_s);
    printf("  score events received     %12llu in %.2f s = %9.0f events/s (from the first "
           "input to the last score)\n",
           r.outputs, r.out_s, (double)r.outputs / r.out_s);
    printf("  inputs processed          %12llu of %llu (%.2f %%)%s\n", r.outputs / CANDS_PER_INPUT,
           r.acked, 100.0 * (double)r.outputs / (double)(r.acked ? r.acked * CANDS_PER_INPUT : 1),
           r.outputs < r.acked * CANDS_PER_INPUT ? " (the output stopped growing for 2 s)" : "");
    printf("  event-to-score latency    p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  "
           "max %.1f ms (%" PRIu64 " samples)\n",
           ms(sv_hist_value_at(&ph->score, 50)), ms(sv_hist_value_at(&ph->score, 90)),
           ms(sv_hist_value_at(&ph->score, 99)), ms(sv_hist_value_at(&ph->score, 99.9)),
           ms(ph->score.max), ph->score.count);
    printf("  note: producer and consumer (this process, 2 threads), savant-broker and "
           "savant-engine are separate processes sharing the same %d cores\n",
           (int)sysconf(_SC_NPROCESSORS_ONLN));
    rc = run_stop();
    inputs_free(inputs);
    return rc;
}

/* The rate sweep: one engine, one phase per rate, one table row per phase. */
static int main_sweep(const char *bin_dir, const char *rates, double secs, const char *cache)
{
    double avg, rate[PHASES_MAX];
    int nr = 0, rc;
    input_t *inputs;
    char *list = strdup(rates), *save = NULL;

    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (nr == PHASES_MAX || (rate[nr] = atof(t)) <= 0) {
            fprintf(stderr, "bench-e2e: --sweep wants up to %d positive rates, comma-separated\n",
                    PHASES_MAX);
            return 2;
        }
        nr++;
    }
    free(list);
    if (!nr)
        return 2;
    inputs = inputs_new(&avg);
    run_start(bin_dir, cache);
    announce_games();
    printf("bench-e2e --sweep: savant-broker (%d partitions) + savant-engine, Redis cache %s, "
           "%d games announced (scheduled) x h2h/spreads/totals = %d markets, %d books, odds "
           "events of %.0f bytes on average; constant rate, %.0f s per rate, latency from each "
           "input's intended send time; producer and consumer threads, broker and engine share "
           "%d cores\n",
           N_PARTITIONS, strcmp(cache, "redis") == 0 ? "attached" : "off", n_games, n_games * 3,
           N_BOOKS, avg, secs, (int)sysconf(_SC_NPROCESSORS_ONLN));
    printf("| offered ev/s | achieved ev/s | scores/s | score p50 | p90 | p99 | p99.9 | max (ms) "
           "| score samples | backlog at end | kept up | signals (open/upd/wdr) | signal p50 / p99 / max (ms) |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    for (int k = 0; k < nr; k++) {
        result_t r;
        const phase_t *ph = &sink.phases[k];
        double achieved;
        bool kept;

        run_phase(k, rate[k], secs, inputs, &r);
        achieved = (double)r.sent / r.send_s;
        kept = !r.unsent && achieved >= 0.98 * rate[k] && (double)r.backlog <= rate[k];
        printf("| %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %" PRIu64
               " | %llu | %s | %" PRIu64 " (%llu/%llu/%llu) | ",
               rate[k], achieved, (double)r.outputs / r.out_s, ms(sv_hist_value_at(&ph->score, 50)),
               ms(sv_hist_value_at(&ph->score, 90)), ms(sv_hist_value_at(&ph->score, 99)),
               ms(sv_hist_value_at(&ph->score, 99.9)), ms(ph->score.max), ph->score.count,
               r.backlog, kept ? "yes" : "no", ph->signal.count, ph->sig_state[0],
               ph->sig_state[1], ph->sig_state[2]);
        if (ph->signal.count)
            printf("%.2f / %.2f / %.2f |\n", ms(sv_hist_value_at(&ph->signal, 50)),
                   ms(sv_hist_value_at(&ph->signal, 99)), ms(ph->signal.max));
        else
            printf("— |\n");
        printf("  (rate %.0f: scores per tier TITANIUM_SMASH %llu, GOLD_STAR %llu, EDGE_LEAN %llu, "
               "MONITOR %llu, PASS %llu; highest final %.2f)\n",
               rate[k], ph->tiers[0], ph->tiers[1], ph->tiers[2], ph->tiers[3], ph->tiers[4],
               ph->final_max);
        if (r.unsent || ph->unmatched || r.outputs < r.acked * CANDS_PER_INPUT)
            printf("  (rate %.0f: %llu inputs not sent in time, %llu outputs not matched to their "
                   "input, %llu of %llu scores arrived; producer at most %.1f ms behind)\n",
                   rate[k], r.unsent, ph->unmatched, r.outputs, r.acked * CANDS_PER_INPUT,
                   (double)r.late_max_us / 1000);
        fflush(stdout);
    }
    printf("  kept up = every scheduled input sent, achieved >= 98 %% of offered, and at most 1 s "
           "of input not yet scored when producing ended (backlog, in inputs)\n");
    rc = run_stop();
    inputs_free(inputs);
    return rc;
}

/* Memory: one fresh engine holding games × 3 markets × 8 books. */
static int main_memory_one(const char *bin_dir, int games)
{
    wire_odds_t *o = calloc(1, sizeof(*o));
    input_t in;
    unsigned long long sent = 0, expected, prev, outputs, waits = 0;
    long rss0, rss1;
    double t0, t_last_change;
    int rc;

    if (!o)
        die("out of memory");
    n_games = games;
    run_start(bin_dir, "none");
    sleep_ms(500);
    rss0 = engine_rss_kb();
    announce_games();
    sink.phases[0].t0_us = wall_us() - 1000000;
    atomic_store(&sink.phase_cnt, 1);
    t0 = mono_s();
    for (int g = 0; g < games; g++)
        for (int m = 0; m < 3; m++)
            for (int b = 0; b < N_BOOKS; b++) {
                fill_odds(o, g, m, b, (g + b) % 5);
                input_encode(&in, o, g * 3 + m);
                while (sent - atomic_load(&sink.outputs) / CANDS_PER_INPUT > LEAD_MAX) {
                    rd_kafka_poll(prk, 1);
                    if (++waits % 1000 == 0)
                        check_children();
                }
                send_input(prk, rkt_odds, &in, -1);
                free(in.buf);
                if ((++sent & 255) == 0)
                    rd_kafka_poll(prk, 0);
            }
    if (rd_kafka_flush(prk, FLUSH_S * 1000))
        die("inputs still unacknowledged %d s after producing stopped", FLUSH_S);
    expected = sent * CANDS_PER_INPUT;
    prev = atomic_load(&sink.outputs);
    t_last_change = mono_s();
    while ((outputs = atomic_load(&sink.outputs)) < expected) {
        if (outputs != prev)
            prev = outputs, t_last_change = mono_s();
        else if (mono_s() - t_last_change >= QUIET_S)
            break;
        check_children();
        sleep_ms(50);
    }
    sleep_ms(1000);
    rss1 = engine_rss_kb();
    printf("| %d | %d | %llu | %llu | %.1f | %ld | %ld | %.0f | %.0f |\n", games, games * 3, sent,
           outputs, mono_s() - t0, rss0 / 1024, rss1 / 1024,
           (double)(rss1 - rss0) * 1024.0 / (games * 3.0),
           (double)(rss1 - rss0) * 1024.0 / (games * 3.0 * N_BOOKS));
    fflush(stdout);
    rc = run_stop();
    free(o);
    return rc;
}

int main(int argc, char **argv)
{
    const char *bin_dir = getenv("SAVANT_BIN_DIR");

    if (!bin_dir || !*bin_dir)
        bin_dir = "bin";
    prctl(PR_SET_TIMERSLACK, 1000UL); /* 1 µs: the schedule's short sleeps */
    if (argc > 1 && strcmp(argv[1], "--sweep") == 0) {
        double secs = argc > 3 ? atof(argv[3]) : 10.0;
        const char *cache = argc > 4 ? argv[4] : "none";
        if (argc < 3 || argc > 5 || secs < 1 ||
            (strcmp(cache, "none") != 0 && strcmp(cache, "redis") != 0)) {
            fprintf(stderr, "usage: bench-e2e --sweep RATE[,RATE...] [SECONDS [none|redis]]\n");
            return 2;
        }
        return main_sweep(bin_dir, argv[2], secs, cache);
    }
    if (argc > 1 && strcmp(argv[1], "--memory-one") == 0 && argc == 3 && atoi(argv[2]) > 0 &&
        atoi(argv[2]) <= 99999)
        return main_memory_one(bin_dir, atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "--memory") == 0) {
        char *list, *save = NULL;
        int rc = 0;
        if (argc != 3) {
            fprintf(stderr, "usage: bench-e2e --memory GAMES[,GAMES...]   (each 1..99999)\n");
            return 2;
        }
        printf("bench-e2e --memory: sizeof eng_market_t %zu, eng_quote_t %zu, eng_game_t %zu "
               "bytes; per count a fresh engine (no cache) holds the games announced and one "
               "quote of each of %d books per market; RSS from /proc/<engine>/status\n",
               sizeof(eng_market_t), sizeof(eng_quote_t), sizeof(eng_game_t), N_BOOKS);
        printf("| games | markets | quotes sent | scores | s | RSS before (MiB) | RSS after (MiB) "
               "| bytes/market | bytes/quote |\n|---|---|---|---|---|---|---|---|---|\n");
        fflush(stdout);
        list = strdup(argv[2]);
        for (char *t = strtok_r(list, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
            pid_t pid = fork();
            int st;
            if (pid == 0) {
                execl("/proc/self/exe", argv[0], "--memory-one", t, (char *)NULL);
                _exit(127);
            }
            if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
                rc = 1;
        }
        free(list);
        return rc;
    }
    {
        double secs = argc > 1 ? atof(argv[1]) : 5.0, rate = argc > 2 ? atof(argv[2]) : 0;
        const char *cache = argc > 3 ? argv[3] : NULL;

        if (argc > 4 || secs <= 0 || rate < 0 ||
            (cache && strcmp(cache, "none") != 0 && strcmp(cache, "redis") != 0)) {
            fprintf(stderr, "usage: bench-e2e [SECONDS [RATE [none|redis]]]   (RATE 0 = full "
                            "speed)\n       bench-e2e --sweep RATE[,RATE...] [SECONDS "
                            "[none|redis]]\n       bench-e2e --memory GAMES[,GAMES...]\n");
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
                    execl("/proc/self/exe", argv[0], sbuf, rbuf, k ? "redis" : "none",
                          (char *)NULL);
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
        return main_single(bin_dir, secs, rate, cache);
    }
}
