/*
 * savant-top — a live terminal view of the engine's output: reads savant.scores.v1 from the
 * beginning, keeps the latest score of every candidate key (the topic is compacted by key, so
 * the latest is the state) and redraws a table of the top candidates by final score: game,
 * market, side and line, best price and book, consensus fair probability, final score, tier and
 * confluence. Below it, once savant.signals.v1 holds any, the live signals (latest revision per
 * signal_id, best final first) and the most recent revisions (open, update, withdrawn) as they
 * arrive. `make demo` runs it in the foreground; --once prints the view once both topics have
 * been read to their end (for scripts and tests).
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
#define TOP_PARTS_MAX 1024 /* partitions tracked for the end of a topic */
#define TOP_SIG_CAP 4096  /* signal ids held (a power of two) */
#define TOP_RECENT 8      /* recent signal revisions shown */

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

/* The latest revision of one signal, and the recent revisions in arrival order (a ring). */
typedef struct top_sig {
    wire_signal_t sig;
    bool used;
} top_sig_t;
static top_sig_t *sig_tab;
static size_t sig_cnt;
static bool sig_full;
static wire_signal_t sig_recent[TOP_RECENT];
static long long sig_msgs;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-top [-b BROKERS] [-n ROWS] [-i SECONDS] [--once] [-c FILE] [-X key=value]...\n"
            "\n"
            "Live view of savant.scores.v1: the top candidates by final score, refreshed every\n"
            "-i seconds (default 1) until Ctrl-C. Reads the topic from the beginning and keeps the\n"
            "latest score per candidate key. Once savant.signals.v1 holds signals, they follow:\n"
            "the live ones (latest revision per signal_id) and the last revisions as they come.\n"
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

static void sig_put(const wire_signal_t *sig)
{
    size_t i = (size_t)top_hash(sig->signal_id) & (TOP_SIG_CAP - 1);

    memmove(&sig_recent[1], &sig_recent[0], sizeof(sig_recent[0]) * (TOP_RECENT - 1));
    sig_recent[0] = *sig;
    sig_msgs++;
    while (sig_tab[i].used && strcmp(sig_tab[i].sig.signal_id, sig->signal_id) != 0)
        i = (i + 1) & (TOP_SIG_CAP - 1);
    if (!sig_tab[i].used) {
        if (sig_cnt >= TOP_SIG_CAP * 3 / 4) {
            sig_full = true;
            return;
        }
        sig_tab[i].used = true;
        sig_cnt++;
    } else if (sig_tab[i].sig.rev > sig->rev) {
        return; /* an older revision (redelivered): keep the newer */
    }
    sig_tab[i].sig = *sig;
}

static int sig_cmp(const void *a, const void *b)
{
    const wire_signal_t *x = *(const wire_signal_t *const *)a, *y = *(const wire_signal_t *const *)b;

    if (x->scores.final != y->scores.final)
        return x->scores.final > y->scores.final ? -1 : 1;
    return strcmp(x->signal_id, y->signal_id);
}

/* "Player Side +1.5" or "Side" into buf. */
static void side_str(const wire_cand_t *c, char *buf, size_t size)
{
    if (c->present & WIRE_CAND_HAS_POINT)
        snprintf(buf, size, "%.20s%s%.20s %+.1f", c->player, *c->player ? " " : "", c->side,
                 c->point);
    else
        snprintf(buf, size, "%.20s%s%.20s", c->player, *c->player ? " " : "", c->side);
}

static void sig_draw(FILE *out, int rows)
{
    static const wire_signal_t *order[TOP_SIG_CAP];
    static const char *const states[] = {"open", "update", "withdrawn"};
    size_t n = 0;

    if (sig_msgs == 0)
        return;
    for (size_t i = 0; i < TOP_SIG_CAP; i++)
        if (sig_tab[i].used && sig_tab[i].sig.state != WIRE_SIG_WITHDRAWN)
            order[n++] = &sig_tab[i].sig;
    qsort(order, n, sizeof(order[0]), sig_cmp);
    fprintf(out, "\nsignals: %lld revisions, %zu live%s\n", sig_msgs, n,
            sig_full ? " [table full: new signals not shown]" : "");
    fprintf(out, "%-12s %-4s %-26s %-13s %-28s %-20s %6s %6s %6s %-14s\n", "SIGNAL", "REV",
            "GAME", "MARKET", "SIDE", "PRICE", "EDGE", "KELLY", "FINAL", "TIER");
    for (size_t i = 0; i < n && (int)i < rows; i++) {
        const wire_signal_t *g = order[i];
        char side[64], price[48];
        side_str(&g->cand, side, sizeof(side));
        snprintf(price, sizeof(price), "%+d @ %.12s", g->price, g->book);
        fprintf(out, "%-12s %-4d %-26.26s %-13.13s %-28.28s %-20.20s %5.1f%% %5.2f%% %6.2f %-14s\n",
                g->signal_id, g->rev, g->cand.event_id, g->cand.market, side, price,
                g->edge * 100.0, g->kelly * 100.0, g->scores.final, wire_tier_name(g->tier));
    }
    fprintf(out, "recent revisions (newest first):\n");
    for (int i = 0; i < TOP_RECENT && i < sig_msgs; i++) {
        const wire_signal_t *g = &sig_recent[i];
        char side[64];
        side_str(&g->cand, side, sizeof(side));
        fprintf(out, "  %-9s %s rev %d  %.26s %s %s %+d @ %s%s%s\n", states[g->state],
                g->signal_id, g->rev, g->cand.event_id, g->cand.market, side, g->price, g->book,
                g->state == WIRE_SIG_WITHDRAWN && g->reason_cnt ? "  " : "",
                g->state == WIRE_SIG_WITHDRAWN && g->reason_cnt ? g->reasons[0] : "");
    }
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
    sig_draw(out, rows);
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
    char *end, errstr[512], topic[320], sig_topic[320];
    static unsigned char eof_seen[2][TOP_PARTS_MAX]; /* [0] scores, [1] signals */
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
    snprintf(sig_topic, sizeof(sig_topic), "%ssignals.v1", cfg.kafka_topic_prefix);
    top_tab = calloc(TOP_CAP, sizeof(*top_tab));
    sig_tab = calloc(TOP_SIG_CAP, sizeof(*sig_tab));
    if (!top_tab || !sig_tab) {
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
    parts = rd_kafka_topic_partition_list_new(64);
    for (int t = 0; t < 2; t++) {
        const char *name = t ? sig_topic : topic;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, name, NULL);
        rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        rd_kafka_topic_destroy(rkt);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            snprintf(errstr, sizeof(errstr), "cannot read metadata of '%s': %s", name,
                     rd_kafka_err2str(err ? err : md->topic_cnt ? md->topics[0].err
                                                                 : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
            goto fail;
        }
        nparts += md->topics[0].partition_cnt;
        for (int i = 0; i < md->topics[0].partition_cnt; i++)
            rd_kafka_topic_partition_list_add(parts, name, md->topics[0].partitions[i].id)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(md);
        md = NULL;
    }
    if (rd_kafka_assign(rk, parts)) {
        snprintf(errstr, sizeof(errstr), "cannot assign the partitions of the scores and signals topics");
        goto fail;
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
        int t = m->rkt && strcmp(rd_kafka_topic_name(m->rkt), sig_topic) == 0;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->partition >= 0 && m->partition < TOP_PARTS_MAX && !eof_seen[t][m->partition]) {
                eof_seen[t][m->partition] = 1;
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
        if (m->partition >= 0 && m->partition < TOP_PARTS_MAX && eof_seen[t][m->partition]) {
            eof_seen[t][m->partition] = 0;
            eof_cnt--;
        }
        if (t) {
            static wire_signal_t sig;
            wire_err_t werr;
            if (wire_decode(WIRE_SIGNAL, m->payload, m->len, &sig, &werr) == SV_OK)
                sig_put(&sig);
        } else {
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
    free(sig_tab);
    return rc;
}
