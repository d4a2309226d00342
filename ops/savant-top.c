/*
 * savant-top — a live terminal view of the engine's output: reads savant.scores.v1 from the
 * beginning, keeps the latest score of every candidate key (the topic is compacted by key, so
 * the latest is the state) and redraws a table of the top candidates by final score: game,
 * market, side and line, best price and book, consensus fair probability, final score, tier and
 * confluence. `make demo` runs it in the foreground; --once prints the table once the topic has
 * been read to its end (for scripts and tests).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "sv_kafka.h"
#include "sv_util.h"
#include "wire.h"

extern char **environ;

#define TOP_CAP 65536     /* candidate keys held (a power of two) */
#define TOP_PARTS_MAX 1024 /* partitions tracked for the end of the topic */

/* The latest score of one candidate key. */
typedef struct top_ent {
    char key[WIRE_KEY_MAX];
    wire_score_t sc;
    bool used;
} top_ent_t;

static volatile sig_atomic_t top_stop;
static top_ent_t *top_tab;
static size_t top_cnt, top_scored;
static bool top_full;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-top [-b BROKERS] [-n ROWS] [-i SECONDS] [--once] [-c FILE] [-X key=value]...\n"
            "\n"
            "Live view of savant.scores.v1: the top candidates by final score, refreshed every\n"
            "-i seconds (default 1) until Ctrl-C. Reads the topic from the beginning and keeps the\n"
            "latest score per candidate key.\n"
            "\n"
            "  -b BROKERS      bootstrap servers (default: config kafka.brokers)\n"
            "  -n ROWS         rows shown (default 20)\n"
            "  -i SECONDS      refresh interval (default 1)\n"
            "      --once      read the topic to its end, print the table once (no screen control)\n"
            "  -c FILE         config file; -X key=value sets a config key (repeatable)\n"
            "      --dump-config  print the effective configuration and exit\n"
            "\n"
            "Exit status: 0 success, 1 failure, 2 bad usage.\n");
}

static void on_signal(int sig)
{
    UNUSED(sig);
    top_stop = 1;
}

static uint64_t top_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void top_put(const char *key, const wire_score_t *sc)
{
    size_t i = (size_t)top_hash(key) & (TOP_CAP - 1);

    while (top_tab[i].used && strcmp(top_tab[i].key, key) != 0)
        i = (i + 1) & (TOP_CAP - 1);
    if (!top_tab[i].used) {
        if (top_cnt >= TOP_CAP * 3 / 4) {
            top_full = true;
            return;
        }
        top_tab[i].used = true;
        sv_strlcpy(top_tab[i].key, key, sizeof(top_tab[i].key));
        top_cnt++;
    } else if (top_tab[i].sc.present & WIRE_SCORE_HAS_FINAL) {
        top_scored--;
    }
    top_tab[i].sc = *sc;
    if (sc->present & WIRE_SCORE_HAS_FINAL)
        top_scored++;
}

/* Best first: final score, then the key (a stable, deterministic order). */
static int top_cmp(const void *a, const void *b)
{
    const top_ent_t *x = *(const top_ent_t *const *)a, *y = *(const top_ent_t *const *)b;

    if (x->sc.final != y->sc.final)
        return x->sc.final > y->sc.final ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void top_draw(FILE *out, int rows, long long msgs, double rate, bool screen)
{
    static top_ent_t *order[TOP_CAP];
    size_t n = 0;

    for (size_t i = 0; i < TOP_CAP; i++)
        if (top_tab[i].used && (top_tab[i].sc.present & WIRE_SCORE_HAS_FINAL))
            order[n++] = &top_tab[i];
    qsort(order, n, sizeof(order[0]), top_cmp);
    if (screen)
        fputs("\033[H\033[2J", out);
    fprintf(out, "savant-top: %lld score events, %zu candidates (%zu scored)", msgs, top_cnt,
            top_scored);
    if (screen)
        fprintf(out, ", %.0f events/s; Ctrl-C to quit", rate);
    fprintf(out, "%s\n\n", top_full ? " [table full: new candidates not shown]" : "");
    fprintf(out, "%-26s %-13s %-28s %-20s %6s %6s %-14s %s\n", "GAME", "MARKET", "SIDE",
            "BEST PRICE", "P_FAIR", "FINAL", "TIER", "CONFLUENCE");
    for (size_t i = 0; i < n && (int)i < rows; i++) {
        const wire_score_t *s = &order[i]->sc;
        char side[64], best[48];
        if (s->cand.present & WIRE_CAND_HAS_POINT)
            snprintf(side, sizeof(side), "%.20s%s%.20s %+.1f", s->cand.player,
                     *s->cand.player ? " " : "", s->cand.side, s->cand.point);
        else
            snprintf(side, sizeof(side), "%.20s%s%.20s", s->cand.player,
                     *s->cand.player ? " " : "", s->cand.side);
        snprintf(best, sizeof(best), "%+d @ %.12s", s->best_price, s->best_book);
        fprintf(out, "%-26.26s %-13.13s %-28.28s %-20.20s %6.3f %6.2f %-14s %s\n",
                s->cand.event_id, s->cand.market, side, best, s->p_fair, s->final,
                (s->present & WIRE_SCORE_HAS_TIER) ? wire_tier_name(s->tier) : "-",
                (s->present & WIRE_SCORE_HAS_CONFLUENCE)
                    ? (s->confluence == WIRE_CONF_HARMONIC_CONVERGENCE
                           ? "HARMONIC" /* the column is narrow */
                           : wire_confluence_name(s->confluence))
                    : "-");
    }
    if (n == 0)
        fprintf(out, "(no scored candidates yet: the engine scores a market once its game is known)\n");
    fflush(out);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {"once", no_argument, NULL, 'O'},
        {NULL, 0, NULL, 0},
    };
    const char *brokers = NULL;
    int rows = 20, opt, rc, nparts = 0, eof_cnt = 0;
    double interval = 1.0;
    bool once = false;
    char *end, errstr[512], topic[320];
    static unsigned char eof_seen[TOP_PARTS_MAX];
    cfg_cli_t cli;
    cfg_t cfg;
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    rd_kafka_topic_partition_list_t *parts = NULL;
    const struct rd_kafka_metadata *md = NULL;
    long long msgs = 0, msgs_at_draw = 0;
    double last_draw;

    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "b:n:i:h", lopts, NULL)) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 'n':
            errno = 0;
            rows = (int)strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || rows < 1 || rows > 10000) {
                fprintf(stderr, "savant-top: -n: '%s' is not a row count 1..10000\n", optarg);
                return 2;
            }
            break;
        case 'i':
            interval = strtod(optarg, &end);
            if (end == optarg || *end || !(interval >= 0.1 && interval <= 3600)) {
                fprintf(stderr, "savant-top: -i: '%s' is not a number of seconds 0.1..3600\n",
                        optarg);
                return 2;
            }
            break;
        case 'O': once = true; break;
        case 'h': usage(stdout); return 0;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "savant-top: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-top")) >= 0)
        return rc;
    if (!brokers)
        brokers = cfg.kafka_brokers;
    snprintf(topic, sizeof(topic), "%sscores.v1", cfg.kafka_topic_prefix);
    top_tab = calloc(TOP_CAP, sizeof(*top_tab));
    if (!top_tab) {
        fprintf(stderr, "savant-top: out of memory\n");
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    conf = rd_kafka_conf_new();
    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "client.id", "savant-top", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "group.id", "savant-top-nogroup", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, sizeof(errstr)))
        goto fail;
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail;
    conf = NULL;
    rd_kafka_poll_set_consumer(rk);
    {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        rd_kafka_topic_destroy(rkt);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            snprintf(errstr, sizeof(errstr), "cannot read metadata of '%s': %s", topic,
                     rd_kafka_err2str(err ? err : md->topic_cnt ? md->topics[0].err
                                                                 : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
            goto fail;
        }
        nparts = md->topics[0].partition_cnt;
        parts = rd_kafka_topic_partition_list_new(nparts);
        for (int i = 0; i < nparts; i++)
            rd_kafka_topic_partition_list_add(parts, topic, md->topics[0].partitions[i].id)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
        if (rd_kafka_assign(rk, parts)) {
            snprintf(errstr, sizeof(errstr), "cannot assign the partitions of '%s'", topic);
            goto fail;
        }
    }

    last_draw = mono_s();
    while (!top_stop) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        double now = mono_s();

        if (!once && now - last_draw >= interval) {
            top_draw(stdout, rows, msgs, (double)(msgs - msgs_at_draw) / (now - last_draw),
                     isatty(1));
            msgs_at_draw = msgs;
            last_draw = now;
        }
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->partition >= 0 && m->partition < TOP_PARTS_MAX && !eof_seen[m->partition]) {
                eof_seen[m->partition] = 1;
                eof_cnt++;
            }
            rd_kafka_message_destroy(m);
            if (once && eof_cnt >= nparts)
                break;
            continue;
        }
        if (m->err) {
            fprintf(stderr, "savant-top: consume error: %s\n", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->partition >= 0 && m->partition < TOP_PARTS_MAX && eof_seen[m->partition]) {
            eof_seen[m->partition] = 0;
            eof_cnt--;
        }
        {
            static wire_score_t sc;
            wire_err_t werr;
            char key[WIRE_KEY_MAX];
            msgs++;
            if (wire_decode(WIRE_SCORE, m->payload, m->len, &sc, &werr) == SV_OK &&
                wire_key(WIRE_SCORE, &sc, key, sizeof(key)) == SV_OK)
                top_put(key, &sc);
        }
        rd_kafka_message_destroy(m);
    }
    if (once)
        top_draw(stdout, rows, msgs, 0.0, false);
    rc = 0;
    goto out;

fail:
    fprintf(stderr, "savant-top: %s\n", errstr);
    rc = 1;
out:
    if (conf)
        rd_kafka_conf_destroy(conf);
    if (md)
        rd_kafka_metadata_destroy(md);
    if (parts)
        rd_kafka_topic_partition_list_destroy(parts);
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    free(top_tab);
    return rc;
}
