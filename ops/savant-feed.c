/*
 * savant-feed — the odds, game and context producers: `sim` (the market simulator,
 * producers/feed_sim.c), `oddsapi` (The Odds API v4 JSON files) and `csv` (football-data.co.uk
 * CSV files). Each source hands validated events to this program, which either produces them to
 * Kafka (odds -> PREFIX odds.v1, games -> games.v1, context -> context.v1; key per DESIGN §4;
 * idempotent producer, murmur2 partitioner, Kafka timestamp = event time; every delivery report
 * is awaited before exit) or writes them as JSON lines {"topic","key","value"} with -o. --rate
 * paces the output with the monotonic clock, which only decides when to wait and never shapes a
 * value. SIGINT/SIGTERM stop the source cleanly: what was produced is flushed and the summary
 * printed, exit status 0.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "feed.h"
#include "log.h"
#include "sv_err.h"
#include "sv_kafka.h"
#include "wire.h"

extern char **environ;

static volatile sig_atomic_t feed_stop; /* set by SIGINT/SIGTERM */

/* Delivery reports: counts failures, names the first. */
typedef struct feed_dr {
    long long ok, failed; /* delivered / failed messages */
    char first_err[256];  /* reason of the first failure */
} feed_dr_t;

/* The output side, shared by every source. */
typedef struct feed_out {
    FILE *fp;              /* -o: JSON lines, or NULL for Kafka */
    rd_kafka_t *rk;        /* the producer (Kafka output) */
    char topics[3][WIRE_TOPIC_MAX + 1]; /* odds, games, context topic names */
    msgpack_sbuffer sbuf;  /* encoding buffer */
    msgpack_packer pk;     /* packs into sbuf */
    feed_dr_t dr;          /* delivery reports */
    long long sent;        /* messages handed to librdkafka */
    double rate;           /* --rate events/s, 0 = unpaced */
    struct timespec t0;    /* monotonic time of the first event */
    long long n;           /* events written */
    int failed;            /* an output error happened (errstr says which) */
    char errstr[512];      /* the first output error */
} feed_out_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-feed sim [--seed N] [--games N] [--books N] [--events N] [--rate R]\n"
            "                       [--follow] [--start ISO|MS] [--sports LIST] [--truth FILE]\n"
            "                       [-b BROKERS | -o FILE]\n"
            "       savant-feed oddsapi [-b BROKERS | -o FILE] [--rate R] FILE...\n"
            "       savant-feed csv [-b BROKERS | -o FILE] [--rate R] FILE...\n"
            "       (all also take -c FILE, -X key=value, --dump-config)\n"
            "\n"
            "sim      synthetic market: games in several sports with a latent truth, sharp books\n"
            "         that move first on news and retail books that follow; live scores to final\n"
            "oddsapi  The Odds API v4 /odds or /scores JSON files -> game and odds events\n"
            "csv      football-data.co.uk CSV files -> game events and 3-way odds events\n"
            "\n"
            "Output (default: produce to Kafka; odds, games and context topics, key = event_id):\n"
            "  -b BROKERS      bootstrap servers (default: config kafka.brokers)\n"
            "  -o FILE         write JSON lines {\"topic\",\"key\",\"value\"} to FILE ('-' = stdout)\n"
            "  --rate R        events per second (0 = as fast as possible, the default)\n"
            "sim options:\n"
            "  --seed N        random seed (default 1); the same options give the same events\n"
            "  --games N       games per slate, 1..%d (default 24)\n"
            "  --books N       books, 2..%d (default 8; the first two are sharp)\n"
            "  --events N      stop after N events (default: the end of the slate)\n"
            "  --follow        keep generating new slates\n"
            "  --start T       event time of the slate's start: ms since the epoch or\n"
            "                  YYYY-MM-DD[THH:MM[:SS]][Z] in UTC (default 2026-01-01T00:00Z)\n"
            "  --sports LIST   comma list of nba, nfl, nhl, mlb (default all four)\n"
            "  --truth FILE    write the ground truth (latent probability, result) per game\n"
            "Config:\n",
            FEED_SIM_GAMES_MAX, FEED_SIM_BOOKS_MAX);
    cfg_cli_usage(fp);
    fprintf(fp, "\n"
                "A summary line goes to stderr at the end; bad input rows are reported with file,\n"
                "line and reason and skipped. SIGINT/SIGTERM stop cleanly (exit 0).\n"
                "Exit status: 0 success, 1 failure (unreadable input, undelivered messages), 2 bad\n"
                "usage.\n");
}

static void on_signal(int sig)
{
    (void)sig;
    feed_stop = 1;
}

static void feed_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    feed_dr_t *dr = opaque;
    (void)rk;
    if (m->err) {
        if (!dr->failed++)
            snprintf(dr->first_err, sizeof(dr->first_err), "%s", rd_kafka_err2str(m->err));
    } else {
        dr->ok++;
    }
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
    return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

/* Waits until event n is due at --rate (interrupted by a signal). */
static void feed_pace(feed_out_t *out)
{
    struct timespec now;
    double due, late;

    if (out->rate <= 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (out->n == 0) {
        out->t0 = now;
        return;
    }
    due = (double)out->n / out->rate;
    late = ts_diff(&now, &out->t0);
    if (due > late && !feed_stop) {
        double w = due - late;
        struct timespec req = {(time_t)w, (long)((w - (double)(time_t)w) * 1e9)};
        nanosleep(&req, NULL);
    }
}

static int64_t ev_ts(wire_type_t type, const void *ev)
{
    switch (type) {
    case WIRE_ODDS: return ((const wire_odds_t *)ev)->ts;
    case WIRE_GAME: return ((const wire_game_t *)ev)->ts;
    default: return ((const wire_context_t *)ev)->ts;
    }
}

/* feed_emit_fn: one event to the output. Returns non-zero to stop the source. */
static int feed_emit(wire_type_t type, const void *ev, void *arg)
{
    feed_out_t *out = arg;
    char key[WIRE_KEY_MAX];
    const char *topic;
    wire_err_t werr = {{0}, {0}};
    char buf[300];

    if (feed_stop)
        return 1;
    if (type != WIRE_ODDS && type != WIRE_GAME && type != WIRE_CONTEXT) {
        snprintf(out->errstr, sizeof(out->errstr), "a source emitted a %s event",
                 wire_type_name(type));
        out->failed = 1;
        return 1;
    }
    topic = out->topics[type == WIRE_ODDS ? 0 : type == WIRE_GAME ? 1 : 2];
    if (wire_key(type, ev, key, sizeof(key)) != SV_OK) {
        snprintf(out->errstr, sizeof(out->errstr), "key: too long");
        out->failed = 1;
        return 1;
    }
    feed_pace(out);
    if (feed_stop)
        return 1;
    if (out->fp) {
        json_t *line = json_object(), *val = wire_to_json(type, ev);
        char *s = NULL;
        if (val) {
            json_object_set_new(line, "topic", json_string(topic));
            json_object_set_new(line, "key", json_string(key));
            json_object_set_new(line, "value", val);
            s = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
        }
        json_decref(line);
        if (!s || fprintf(out->fp, "%s\n", s) < 0) {
            snprintf(out->errstr, sizeof(out->errstr), "-o: cannot write: %s",
                     s ? strerror(errno) : "the event has no JSON form");
            free(s);
            out->failed = 1;
            return 1;
        }
        free(s);
    } else {
        rd_kafka_resp_err_t err;
        msgpack_sbuffer_clear(&out->sbuf);
        if (wire_encode(type, ev, &out->pk, &werr) != SV_OK) {
            snprintf(out->errstr, sizeof(out->errstr), "cannot encode a %s event: %s",
                     wire_type_name(type), wire_err_str(&werr, buf, sizeof(buf)));
            out->failed = 1;
            return 1;
        }
        for (;;) {
            err = rd_kafka_producev(out->rk, RD_KAFKA_V_TOPIC(topic),
                                    RD_KAFKA_V_KEY(key, strlen(key)),
                                    RD_KAFKA_V_VALUE(out->sbuf.data, out->sbuf.size),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_TIMESTAMP(ev_ts(type, ev)), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || feed_stop)
                break;
            rd_kafka_poll(out->rk, 100); /* queue full: let deliveries drain */
        }
        if (err) {
            snprintf(out->errstr, sizeof(out->errstr), "cannot produce to '%s': %s", topic,
                     rd_kafka_err2str(err));
            out->failed = 1;
            return 1;
        }
        out->sent++;
        rd_kafka_poll(out->rk, 0);
    }
    out->n++;
    return 0;
}

/* feed_report_fn: a bad input row. */
static void feed_report(const char *file, long line, const char *reason, void *arg)
{
    (void)arg;
    if (line > 0)
        fprintf(stderr, "savant-feed: %s:%ld: %s\n", file, line, reason);
    else
        fprintf(stderr, "savant-feed: %s: %s\n", file, reason);
}

static int parse_long(const char *opt, const char *s, long long lo, long long hi, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    if (errno || end == s || *end || *v < lo || *v > hi) {
        fprintf(stderr, "savant-feed: %s: '%s' is not an integer in %lld..%lld\n", opt, s, lo, hi);
        return -1;
    }
    return 0;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* --start: ms since the epoch, or YYYY-MM-DD[THH:MM[:SS]][Z] (UTC). */
static int parse_start(const char *s, int64_t *ms)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, leap;
    long long v;
    char *end;

    if (s[0] >= '0' && s[0] <= '9' && !strchr(s, '-')) {
        errno = 0;
        v = strtoll(s, &end, 10);
        if (!errno && end != s && !*end && v >= 1 && v <= WIRE_TS_MAX) {
            *ms = v;
            return 0;
        }
    } else if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
        const char *p = s + n;
        if (*p == 'T' || *p == ' ') {
            int k = 0;
            if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &k) != 2 || k != 5)
                goto bad;
            p += 1 + k;
            if (*p == ':') {
                if (sscanf(p + 1, "%2d%n", &sec, &k) != 1 || k != 2)
                    goto bad;
                p += 1 + k;
            }
        }
        if (*p == 'Z')
            p++;
        leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (*p || y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
            (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59)
            goto bad;
        *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
        if (*ms >= 1)
            return 0;
    }
bad:
    fprintf(stderr, "savant-feed: --start: '%s' is not ms since the epoch or "
                    "YYYY-MM-DD[THH:MM[:SS]][Z]\n", s);
    return -1;
}

static int out_open_kafka(feed_out_t *out, const char *brokers, char *errstr, size_t size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-feed", errstr, size) ||
        sv_kafka_conf_set_cli_producer(conf, errstr, size)) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, feed_dr_cb);
    rd_kafka_conf_set_opaque(conf, &out->dr);
    out->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, size);
    if (!out->rk) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    return 0;
}

/* Waits for every delivery report; 0 when all were delivered. */
static int out_flush_kafka(feed_out_t *out, char *errstr, size_t size)
{
    while (rd_kafka_outq_len(out->rk) > 0 && out->dr.ok + out->dr.failed < out->sent)
        rd_kafka_flush(out->rk, 1000);
    if (out->dr.failed || out->dr.ok < out->sent) {
        snprintf(errstr, size, "%lld of %lld messages not delivered: %s",
                 out->sent - out->dr.ok, out->sent,
                 out->dr.first_err[0] ? out->dr.first_err : "unknown");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_SEED = 256, O_GAMES, O_BOOKS, O_EVENTS, O_RATE, O_FOLLOW, O_START, O_SPORTS,
           O_TRUTH };
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {"seed", required_argument, NULL, O_SEED},
        {"games", required_argument, NULL, O_GAMES},
        {"books", required_argument, NULL, O_BOOKS},
        {"events", required_argument, NULL, O_EVENTS},
        {"rate", required_argument, NULL, O_RATE},
        {"follow", no_argument, NULL, O_FOLLOW},
        {"start", required_argument, NULL, O_START},
        {"sports", required_argument, NULL, O_SPORTS},
        {"truth", required_argument, NULL, O_TRUTH},
        {NULL, 0, NULL, 0},
    };
    feed_sim_conf_t sc;
    feed_stats_t st;
    feed_out_t out;
    cfg_cli_t cli;
    cfg_t cfg;
    const char *mode, *brokers = NULL, *outpath = NULL;
    char errstr[512];
    int opt, rc, sim_opts = 0, ret = 1, is_sim;
    long long v;
    char *end;
    sv_err_t err = SV_OK;
    struct sigaction sa;

    memset(&out, 0, sizeof(out));
    memset(&st, 0, sizeof(st));
    feed_sim_conf_init(&sc);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    mode = argv[1][0] == '-' ? NULL : argv[1];
    if (mode && strcmp(mode, "sim") != 0 && strcmp(mode, "oddsapi") != 0 &&
        strcmp(mode, "csv") != 0) {
        fprintf(stderr, "savant-feed: unknown mode '%s' (sim, oddsapi, csv)\n", mode);
        return 2;
    }
    cfg_cli_init(&cli);
    optind = mode ? 2 : 1;
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "b:o:h", lopts, NULL)) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 'o': outpath = optarg; break;
        case 'h': usage(stdout); return 0;
        case O_SEED:
            errno = 0;
            sc.seed = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-') {
                fprintf(stderr, "savant-feed: --seed: '%s' is not an unsigned integer\n", optarg);
                return 2;
            }
            sim_opts++;
            break;
        case O_GAMES:
            if (parse_long("--games", optarg, 1, FEED_SIM_GAMES_MAX, &v))
                return 2;
            sc.games = (int)v;
            sim_opts++;
            break;
        case O_BOOKS:
            if (parse_long("--books", optarg, 2, FEED_SIM_BOOKS_MAX, &v))
                return 2;
            sc.books = (int)v;
            sim_opts++;
            break;
        case O_EVENTS:
            if (parse_long("--events", optarg, 1, 1000000000000LL, &v))
                return 2;
            sc.events = (long)v;
            sim_opts++;
            break;
        case O_RATE:
            errno = 0;
            out.rate = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(out.rate >= 0 && out.rate <= 1e9)) {
                fprintf(stderr, "savant-feed: --rate: '%s' is not a number in 0..1e9\n", optarg);
                return 2;
            }
            break;
        case O_FOLLOW: sc.follow = true; sim_opts++; break;
        case O_START:
            if (parse_start(optarg, &sc.start_ms))
                return 2;
            sim_opts++;
            break;
        case O_SPORTS: sc.sports = optarg; sim_opts++; break;
        case O_TRUTH: sc.truth_path = optarg; sim_opts++; break;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-feed")) >= 0)
        return rc;
    if (!mode) {
        fprintf(stderr, "savant-feed: a mode is needed first (sim, oddsapi, csv)\n");
        return 2;
    }
    is_sim = strcmp(mode, "sim") == 0;
    if (is_sim && optind < argc) {
        fprintf(stderr, "savant-feed: sim: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!is_sim && optind >= argc) {
        fprintf(stderr, "savant-feed: %s needs at least one FILE\n", mode);
        return 2;
    }
    if (!is_sim && sim_opts) {
        fprintf(stderr, "savant-feed: --seed, --games, --books, --events, --follow, --start, "
                        "--sports and --truth are sim options\n");
        return 2;
    }
    if (brokers && outpath) {
        fprintf(stderr, "savant-feed: -b and -o exclude each other\n");
        return 2;
    }
    if (!brokers)
        brokers = cfg.kafka_brokers;
    if (snprintf(out.topics[0], sizeof(out.topics[0]), "%sodds.v1", cfg.kafka_topic_prefix) < 0 ||
        snprintf(out.topics[1], sizeof(out.topics[1]), "%sgames.v1", cfg.kafka_topic_prefix) < 0 ||
        snprintf(out.topics[2], sizeof(out.topics[2]), "%scontext.v1", cfg.kafka_topic_prefix) < 0)
        return 1;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends a --rate wait at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    msgpack_sbuffer_init(&out.sbuf);
    msgpack_packer_init(&out.pk, &out.sbuf, msgpack_sbuffer_write);
    if (outpath) {
        out.fp = strcmp(outpath, "-") == 0 ? stdout : fopen(outpath, "w");
        if (!out.fp) {
            fprintf(stderr, "savant-feed: -o: cannot open '%s': %s\n", outpath, strerror(errno));
            goto done;
        }
    } else if (out_open_kafka(&out, brokers, errstr, sizeof(errstr))) {
        fprintf(stderr, "savant-feed: %s\n", errstr);
        goto done;
    }

    ret = 0;
    if (is_sim) {
        err = feed_sim_run(&sc, feed_emit, &out, &st, errstr, sizeof(errstr));
        if (err != SV_OK && !feed_stop && !out.failed) {
            fprintf(stderr, "savant-feed: sim: %s\n", errstr);
            ret = err == SV_ERR_USAGE ? 2 : 1;
        }
    } else {
        for (int i = optind; i < argc && !feed_stop && !out.failed; i++) {
            err = strcmp(mode, "oddsapi") == 0
                      ? feed_oddsapi_file(argv[i], feed_emit, feed_report, &out, &st)
                      : feed_csv_file(argv[i], feed_emit, feed_report, &out, &st);
            if (err == SV_ERR_IO || err == SV_ERR_DECODE) { /* go on with the next file */
                fprintf(stderr, "savant-feed: %s: not converted (%s)\n", argv[i],
                        sv_err2str(err));
                ret = 1;
            }
        }
    }
    if (out.failed) {
        fprintf(stderr, "savant-feed: %s\n", out.errstr);
        ret = 1;
    }
    if (out.rk && out_flush_kafka(&out, errstr, sizeof(errstr))) {
        fprintf(stderr, "savant-feed: %s\n", errstr);
        ret = 1;
    }
    if (out.fp && fflush(out.fp) != 0) {
        fprintf(stderr, "savant-feed: -o: cannot write: %s\n", strerror(errno));
        ret = 1;
    }
    fprintf(stderr, "savant-feed: %ld events (odds %ld, games %ld, context %ld), %ld skipped\n",
            st.emitted, st.odds, st.games, st.context, st.skipped);

done:
    if (out.fp && out.fp != stdout && fclose(out.fp) != 0 && ret == 0) {
        fprintf(stderr, "savant-feed: -o: cannot write: %s\n", strerror(errno));
        ret = 1;
    }
    if (out.rk)
        rd_kafka_destroy(out.rk);
    msgpack_sbuffer_destroy(&out.sbuf);
    return ret;
}
