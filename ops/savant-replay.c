/*
 * savant-replay — recordings of Savant topics (schemas/wire_rec.h) and what is done with them.
 *
 *   record:   reads the chosen topics from the first offset to the end as of the start of the
 *             recording (or the --from/--to range, by offset or by timestamp), and writes every
 *             message with its coordinates and timestamp to a file, merged in one deterministic
 *             order: by timestamp, then topic name, partition, offset. Nothing waits for new
 *             messages: the high watermarks read first mark the end.
 *   replay:   produces each recorded message (same key and value bytes, the recorded timestamp as
 *             the Kafka timestamp) in file order, so the order per key is kept; optionally only
 *             some topics, under another prefix, at a rate or at a multiple of the recorded pace.
 *   backtest, dataset: the offline engine runs of engine/backtest.h, called with their own
 *             arguments.
 *
 * The wall clock paces replay and drives the progress line; it never shapes the file's contents.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "backtest.h"
#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "sv_err.h"
#include "sv_kafka.h"
#include "wire_rec.h"

#define REP_TOPICS_MAX 64         /* -t topics of one command line */
#define REP_STALL_S 30            /* record fails when no message arrives for this long */
#define REP_PROGRESS_PLAIN_S 5.0  /* period of the progress line when stderr is not a TTY */
#define REP_PROGRESS_TTY_S 0.2    /* refresh of the progress line on a TTY */
#define REP_TOPIC_NAME_MAX 249    /* Kafka's limit on a topic name */

extern char **environ;

static volatile sig_atomic_t rep_stop; /* set by SIGINT/SIGTERM */

/* A --from or --to bound: an offset (per partition) or a timestamp (ms). */
typedef struct rep_bound {
    enum { REP_BOUND_NONE, REP_BOUND_OFFSET, REP_BOUND_TS } kind;
    int64_t v; /* the offset or the timestamp in ms */
} rep_bound_t;

/* Options of record and replay. */
typedef struct rep_opts {
    const char *brokers;                  /* -b, or kafka.brokers */
    const char *topics[REP_TOPICS_MAX];   /* -t, split at commas (pointers into topics_buf) */
    int n_topics;                         /* entries used in topics */
    char *topics_buf[REP_TOPICS_MAX];     /* copies of the -t arguments (owned) */
    int n_topics_buf;                     /* entries used in topics_buf */
    rep_bound_t from, to;                 /* --from, --to */
    const char *out;                      /* -o FILE */
    const char *file;                     /* replay's FILE */
    const char *prefix;                   /* --prefix P, or NULL */
    double rate;                          /* --rate R, messages/s; 0 = unpaced */
    double speed;                         /* --speed X; 0 = unpaced */
    int quiet;                            /* -q: no progress, no summary */
    int verbose;                          /* -v: librdkafka debug */
} rep_opts_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-replay record -b BROKERS -t TOPIC[,TOPIC...] [--from X] [--to Y] -o FILE\n"
            "       savant-replay replay FILE [-b BROKERS] [-t TOPIC[,TOPIC...]] [--prefix P]\n"
            "                            [--rate R | --speed X]\n"
            "       savant-replay backtest FILE -o DIR [-c FILE] [-X key=value]... (see backtest --help)\n"
            "       savant-replay dataset FILE -o OUT [-c FILE] [-X key=value]... (see dataset --help)\n"
            "       (record and replay also take -c FILE, -X key=value, --dump-config, -q, -v)\n"
            "\n"
            "record writes every message of the topics, from the beginning to the end as of the\n"
            "  start (high watermarks read first; no waiting for new messages), one JSON line each\n"
            "  (docs/replay.md), merged by timestamp, then topic, partition and offset.\n"
            "  --from X, --to Y  the range [X, Y): X and Y are offsets (plain integers, applied per\n"
            "                    partition) or timestamps (2026-02-16T00:30:00Z, 2026-02-16T00:30:00.250Z\n"
            "                    or ms:1764180000000); --from is included, --to is not\n"
            "  -o FILE           the recording (written as FILE.part, renamed when complete; - = stdout)\n"
            "replay produces each recorded message to its topic in file order (order per key kept),\n"
            "  with the same key and value bytes and the recorded timestamp; waits for every delivery.\n"
            "  -t TOPIC          replay only these recorded topics (repeatable, comma list)\n"
            "  --prefix P        rename: P replaces the recorded topic's name up to and including its\n"
            "                    first '.' (savant.odds.v1 with --prefix test. -> test.odds.v1)\n"
            "  --rate R          R messages per second\n"
            "  --speed X         X times the recorded pace (the gaps between timestamps / X)\n"
            "                    (neither, or 0: as fast as possible)\n"
            "\n"
            "  -b BROKERS        bootstrap servers (default: config kafka.brokers)\n"
            "  -c FILE           config file; -X key=value sets a config key (repeatable)\n"
            "  --dump-config     print the effective configuration and exit\n"
            "  -q                no progress line and no summary\n"
            "  -v                librdkafka debug logging\n"
            "\n"
            "Progress goes to stderr: one updating line on a TTY, a plain line every 5 s otherwise.\n"
            "Exit status: 0 success, 1 failure (bad lines or undelivered messages included), 2 bad usage.\n");
}

static void on_signal(int sig)
{
    (void)sig;
    rep_stop = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- progress ---- */

/* The progress display of one run (stderr). */
typedef struct rep_prog {
    bool on;           /* shown at all (not -q) */
    bool tty;          /* stderr is a terminal: one updating line */
    bool drawn;        /* a TTY line is on screen */
    long long total;   /* expected count, or -1 when unknown */
    double t0;         /* start (monotonic s) */
    double last;       /* last line shown */
} rep_prog_t;

static void prog_start(rep_prog_t *p, bool on, long long total)
{
    p->on = on;
    p->tty = isatty(2);
    p->drawn = false;
    p->total = total;
    p->t0 = p->last = now_s();
}

/* Shows done/total, rate and ETA when it is time to. */
static void prog_update(rep_prog_t *p, long long done)
{
    double t, el, rate;
    char eta[48] = "";

    if (!p->on)
        return;
    t = now_s();
    if (t - p->last < (p->tty ? REP_PROGRESS_TTY_S : REP_PROGRESS_PLAIN_S))
        return;
    p->last = t;
    el = t - p->t0;
    rate = el > 0 ? (double)done / el : 0;
    if (p->total >= 0 && rate > 0 && done <= p->total)
        snprintf(eta, sizeof(eta), "  ETA %.0fs", (double)(p->total - done) / rate);
    if (p->tty) {
        if (p->total >= 0)
            fprintf(stderr, "\r\033[K  %lld/%lld  %.0f msg/s%s", done, p->total, rate, eta);
        else
            fprintf(stderr, "\r\033[K  %lld  %.0f msg/s", done, rate);
        p->drawn = true;
    } else if (p->total >= 0) {
        fprintf(stderr, "savant-replay: %lld/%lld messages, %.0f msg/s%s\n", done, p->total, rate,
                eta);
    } else {
        fprintf(stderr, "savant-replay: %lld messages, %.0f msg/s\n", done, rate);
    }
    fflush(stderr);
}

/* Clears the TTY line; the caller prints the summary next. */
static void prog_end(rep_prog_t *p)
{
    if (p->on && p->tty && p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = false;
}

/* ---- arguments ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads n digits at *s into *v. */
static int digits(const char **s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return -1;
        *v = *v * 10 + (**s - '0');
    }
    return 0;
}

/* YYYY-MM-DDTHH:MM[:SS[.fff]]Z as ms since the epoch. */
static int parse_iso(const char *s, int64_t *ms)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec = 0, frac = 0;

    if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
        digits(&s, 2, &d) || (*s != 'T' && *s != 't') || !*s++ || digits(&s, 2, &h) ||
        *s++ != ':' || digits(&s, 2, &mi))
        return -1;
    if (*s == ':') {
        s++;
        if (digits(&s, 2, &sec))
            return -1;
        if (*s == '.') {
            int scale = 100, n = 0;
            s++;
            while (*s >= '0' && *s <= '9') {
                if (n++ < 3) {
                    frac += (*s - '0') * scale;
                    scale /= 10;
                }
                s++;
            }
            if (n == 0)
                return -1;
        }
    }
    if ((*s != 'Z' && *s != 'z') || s[1])
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)sec * 1000 + frac;
    return 0;
}

/* --from/--to: N (offset), ms:N or an ISO 8601 UTC time. */
static int parse_bound(const char *opt, const char *s, rep_bound_t *b)
{
    char *end;
    long long v;

    if (strncmp(s, "ms:", 3) == 0) {
        errno = 0;
        v = strtoll(s + 3, &end, 10);
        if (errno || end == s + 3 || *end || v < 0)
            goto bad;
        b->kind = REP_BOUND_TS;
        b->v = v;
        return 0;
    }
    if (*s >= '0' && *s <= '9' && strchr(s, '-') == NULL) {
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end)
            goto bad;
        b->kind = REP_BOUND_OFFSET;
        b->v = v;
        return 0;
    }
    if (parse_iso(s, &b->v) == 0) {
        b->kind = REP_BOUND_TS;
        return 0;
    }
bad:
    fprintf(stderr,
            "savant-replay: %s: '%s' is not an offset (N), ms:N or a UTC time like "
            "2026-02-16T00:30:00Z\n", opt, s);
    return -1;
}

static int parse_pos_double(const char *opt, const char *s, double *v)
{
    char *end;

    errno = 0;
    *v = strtod(s, &end);
    if (errno || end == s || *end || !(*v >= 0) || *v > 1e9) {
        fprintf(stderr, "savant-replay: %s: '%s' is not a number >= 0\n", opt, s);
        return -1;
    }
    return 0;
}

/* Adds the comma list s to o->topics; duplicates are dropped. */
static int add_topics(rep_opts_t *o, const char *s)
{
    char *copy, *tok, *save = NULL;

    if (o->n_topics_buf >= REP_TOPICS_MAX || !(copy = strdup(s))) {
        fprintf(stderr, "savant-replay: -t: too many topics\n");
        return -1;
    }
    o->topics_buf[o->n_topics_buf++] = copy;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int dup = 0;
        if (strlen(tok) > REP_TOPIC_NAME_MAX ||
            strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                strlen(tok)) {
            fprintf(stderr, "savant-replay: -t: '%s' is not a topic name ([A-Za-z0-9._-], at most %d)\n",
                    tok, REP_TOPIC_NAME_MAX);
            return -1;
        }
        for (int i = 0; i < o->n_topics; i++)
            dup |= strcmp(o->topics[i], tok) == 0;
        if (dup)
            continue;
        if (o->n_topics >= REP_TOPICS_MAX) {
            fprintf(stderr, "savant-replay: -t: more than %d topics\n", REP_TOPICS_MAX);
            return -1;
        }
        o->topics[o->n_topics++] = tok;
    }
    return 0;
}

static rd_kafka_conf_t *kconf_new(const rep_opts_t *o, char *errstr, size_t size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", o->brokers, errstr, size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-replay", errstr, size) ||
        (o->verbose && sv_kafka_conf_set(conf, "debug", "broker,topic,msg", errstr, size))) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

/* ---- record ---- */

/* One consumed message kept until the file is written. */
typedef struct rec_msg {
    int topic;          /* index into the topic table */
    int32_t partition;
    int64_t offset;
    int64_t ts;         /* Kafka timestamp, -1 when none */
    bool has_key;
    uint32_t key_len;
    uint32_t value_len;
    uint8_t *data;      /* key bytes then value bytes (owned) */
} rec_msg_t;

/* One partition to read. */
typedef struct rec_part {
    int topic;          /* index into the topic table */
    int32_t partition;
    int64_t start, end; /* offsets to read: [start, end) */
    bool done;          /* reached end */
} rec_part_t;

/* A recording in progress. */
typedef struct rec_run {
    const char *const *topics; /* the topic names (borrowed) */
    int *rank;            /* rank[i]: position of topics[i] in name order (owned) */
    rec_part_t *parts;    /* partitions (owned) */
    int n_parts, cap_parts;
    rec_msg_t *msgs;      /* messages (owned) */
    size_t n_msgs, cap_msgs;
} rec_run_t;

static const rec_run_t *rec_sort_run; /* the run qsort compares in (one at a time) */

static int rec_cmp(const void *a, const void *b)
{
    const rec_msg_t *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->topic != y->topic)
        return rec_sort_run->rank[x->topic] - rec_sort_run->rank[y->topic];
    if (x->partition != y->partition)
        return x->partition < y->partition ? -1 : 1;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return 0;
}

static void rec_run_release(rec_run_t *r)
{
    for (size_t i = 0; i < r->n_msgs; i++)
        free(r->msgs[i].data);
    free(r->msgs);
    free(r->parts);
    free(r->rank);
}

/* Keeps a copy of m; returns 0 or -1 (out of memory). */
static int rec_keep(rec_run_t *r, int topic, const rd_kafka_message_t *m, int64_t ts)
{
    rec_msg_t *k;

    if (r->n_msgs == r->cap_msgs) {
        size_t cap = r->cap_msgs ? r->cap_msgs * 2 : 1024;
        rec_msg_t *nm = realloc(r->msgs, cap * sizeof(*nm));
        if (!nm)
            return -1;
        r->msgs = nm;
        r->cap_msgs = cap;
    }
    k = &r->msgs[r->n_msgs];
    k->topic = topic;
    k->partition = m->partition;
    k->offset = m->offset;
    k->ts = ts;
    k->has_key = m->key != NULL;
    k->key_len = (uint32_t)(m->key ? m->key_len : 0);
    k->value_len = (uint32_t)m->len;
    k->data = malloc((size_t)k->key_len + k->value_len + 1);
    if (!k->data)
        return -1;
    if (k->key_len)
        memcpy(k->data, m->key, k->key_len);
    if (k->value_len)
        memcpy(k->data + k->key_len, m->payload, k->value_len);
    r->n_msgs++;
    return 0;
}

/* The partitions of every topic and their [start, end) from the watermarks and the bounds. */
static int rec_plan(rd_kafka_t *rk, const rep_opts_t *o, rec_run_t *r, long long *total,
                    char *errstr, size_t size)
{
    *total = 0;
    for (int t = 0; t < o->n_topics; t++) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topics[t], NULL);
        rd_kafka_resp_err_t err;

        if (!rkt) {
            snprintf(errstr, size, "-t: cannot use topic '%s'", o->topics[t]);
            return -1;
        }
        err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        rd_kafka_topic_destroy(rkt);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            snprintf(errstr, size, "-t: cannot read metadata of '%s': %s", o->topics[t],
                     rd_kafka_err2str(err ? err
                                          : md->topic_cnt ? md->topics[0].err
                                                          : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
            if (md)
                rd_kafka_metadata_destroy(md);
            return -1;
        }
        for (int i = 0; i < md->topics[0].partition_cnt; i++) {
            int32_t p = md->topics[0].partitions[i].id;
            int64_t lo, hi, start, end;
            rec_part_t *rp;

            err = rd_kafka_query_watermark_offsets(rk, o->topics[t], p, &lo, &hi, 10000);
            if (err) {
                snprintf(errstr, size, "cannot read the offsets of %s [%" PRId32 "]: %s",
                         o->topics[t], p, rd_kafka_err2str(err));
                rd_kafka_metadata_destroy(md);
                return -1;
            }
            start = lo;
            end = hi;
            if (o->from.kind == REP_BOUND_OFFSET && o->from.v > start)
                start = o->from.v;
            if (o->to.kind == REP_BOUND_OFFSET && o->to.v < end)
                end = o->to.v;
            if (start >= end)
                continue;
            if (r->n_parts == r->cap_parts) {
                int cap = r->cap_parts ? r->cap_parts * 2 : 16;
                rec_part_t *np = realloc(r->parts, (size_t)cap * sizeof(*np));
                if (!np) {
                    snprintf(errstr, size, "out of memory");
                    rd_kafka_metadata_destroy(md);
                    return -1;
                }
                r->parts = np;
                r->cap_parts = cap;
            }
            rp = &r->parts[r->n_parts++];
            rp->topic = t;
            rp->partition = p;
            rp->start = start;
            rp->end = end;
            rp->done = false;
            *total += end - start;
        }
        rd_kafka_metadata_destroy(md);
    }
    return 0;
}

static rec_part_t *rec_part_find(rec_run_t *r, const char *topic, int32_t partition)
{
    for (int i = 0; i < r->n_parts; i++)
        if (r->parts[i].partition == partition && strcmp(r->topics[r->parts[i].topic], topic) == 0)
            return &r->parts[i];
    return NULL;
}

/* Marks rp done and stops fetching it. */
static void rec_part_done(rd_kafka_t *rk, rec_run_t *r, rec_part_t *rp, int *left)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);

    rp->done = true;
    (*left)--;
    rd_kafka_topic_partition_list_add(l, r->topics[rp->topic], rp->partition);
    rd_kafka_pause_partitions(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
}

/* Reads every planned partition up to its end. */
static int rec_consume(rd_kafka_t *rk, const rep_opts_t *o, rec_run_t *r, long long total,
                       long long *consumed, char *errstr, size_t size)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(r->n_parts ? r->n_parts : 1);
    rep_prog_t prog;
    int left = r->n_parts;
    double last_msg;
    long long done = 0;

    for (int i = 0; i < r->n_parts; i++)
        rd_kafka_topic_partition_list_add(l, r->topics[r->parts[i].topic], r->parts[i].partition)
            ->offset = r->parts[i].start;
    if (r->n_parts && rd_kafka_assign(rk, l)) {
        rd_kafka_topic_partition_list_destroy(l);
        snprintf(errstr, size, "cannot assign the partitions");
        return -1;
    }
    rd_kafka_topic_partition_list_destroy(l);
    prog_start(&prog, !o->quiet, total);
    last_msg = now_s();
    while (left > 0) {
        rd_kafka_message_t *m;
        rec_part_t *rp;

        if (rep_stop) {
            prog_end(&prog);
            snprintf(errstr, size, "interrupted after %lld of %lld messages", done, total);
            return -1;
        }
        m = rd_kafka_consumer_poll(rk, 200);
        prog_update(&prog, done);
        if (!m) {
            if (now_s() - last_msg > REP_STALL_S) {
                prog_end(&prog);
                snprintf(errstr, size, "no message for %d s with %d partition(s) unfinished",
                         REP_STALL_S, left);
                return -1;
            }
            continue;
        }
        last_msg = now_s();
        if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            rd_kafka_resp_err_t merr = m->err;
            prog_end(&prog);
            fprintf(stderr, "savant-replay: consume error: %s\n", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            if (merr == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                merr == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                merr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                merr == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE ||
                merr == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
                snprintf(errstr, size, "cannot read on");
                return -1;
            }
            continue;
        }
        rp = m->rkt ? rec_part_find(r, rd_kafka_topic_name(m->rkt), m->partition) : NULL;
        if (!rp || rp->done) {
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            /* at the partition's current end, which is at or past the planned one */
            if (m->offset >= rp->end)
                rec_part_done(rk, r, rp, &left);
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->offset >= rp->start && m->offset < rp->end) {
            rd_kafka_timestamp_type_t tstype;
            int64_t ts = rd_kafka_message_timestamp(m, &tstype);
            if (tstype == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0)
                ts = -1;
            done++;
            if ((o->from.kind != REP_BOUND_TS || (ts >= 0 && ts >= o->from.v)) &&
                (o->to.kind != REP_BOUND_TS || (ts >= 0 && ts < o->to.v)) &&
                rec_keep(r, rp->topic, m, ts) < 0) {
                rd_kafka_message_destroy(m);
                prog_end(&prog);
                snprintf(errstr, size, "out of memory after %zu messages", r->n_msgs);
                return -1;
            }
        }
        if (m->offset >= rp->end - 1)
            rec_part_done(rk, r, rp, &left);
        rd_kafka_message_destroy(m);
    }
    prog_end(&prog);
    *consumed = done;
    return 0;
}

/* Writes the sorted messages to o->out (through OUT.part and a rename). */
static int rec_write(const rep_opts_t *o, rec_run_t *r, char *errstr, size_t size)
{
    bool to_stdout = strcmp(o->out, "-") == 0;
    char *tmp = NULL;
    FILE *fp;
    int rc = -1;

    if (to_stdout) {
        fp = stdout;
    } else {
        if (asprintf(&tmp, "%s.part", o->out) < 0) {
            tmp = NULL;
            snprintf(errstr, size, "out of memory");
            return -1;
        }
        fp = fopen(tmp, "w");
        if (!fp) {
            snprintf(errstr, size, "-o: cannot create '%s': %s", tmp, strerror(errno));
            goto out;
        }
    }
    for (size_t i = 0; i < r->n_msgs; i++) {
        const rec_msg_t *m = &r->msgs[i];
        if (wire_rec_write(fp, r->topics[m->topic], m->partition, m->offset, m->ts,
                           m->has_key ? m->data : NULL, m->key_len, m->data + m->key_len,
                           m->value_len) != SV_OK) {
            snprintf(errstr, size, "-o: cannot write '%s': %s", to_stdout ? "-" : tmp,
                     strerror(errno));
            if (!to_stdout) {
                fclose(fp);
                unlink(tmp);
            }
            goto out;
        }
    }
    if (to_stdout) {
        if (fflush(stdout) != 0) {
            snprintf(errstr, size, "-o: cannot write to stdout: %s", strerror(errno));
            goto out;
        }
    } else {
        if (fclose(fp) != 0) {
            snprintf(errstr, size, "-o: cannot write '%s': %s", tmp, strerror(errno));
            unlink(tmp);
            goto out;
        }
        if (rename(tmp, o->out) != 0) {
            snprintf(errstr, size, "-o: cannot rename '%s' to '%s': %s", tmp, o->out,
                     strerror(errno));
            unlink(tmp);
            goto out;
        }
    }
    rc = 0;
out:
    free(tmp);
    return rc;
}

static int rep_record(const rep_opts_t *o)
{
    char errstr[512];
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    rec_run_t r;
    long long total = 0, consumed = 0;
    int rc = 1;

    memset(&r, 0, sizeof(r));
    r.topics = o->topics;
    r.rank = calloc((size_t)o->n_topics, sizeof(int));
    if (!r.rank) {
        snprintf(errstr, sizeof(errstr), "out of memory");
        goto fail;
    }
    for (int i = 0; i < o->n_topics; i++)
        for (int j = 0; j < o->n_topics; j++)
            r.rank[i] += strcmp(o->topics[j], o->topics[i]) < 0;

    conf = kconf_new(o, errstr, sizeof(errstr));
    if (!conf)
        goto fail;
    /* librdkafka needs a group.id for a consumer handle even when only assign() is used */
    if (sv_kafka_conf_set(conf, "group.id", "savant-replay-nogroup", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "enable.auto.offset.store", "false", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, sizeof(errstr)) ||
        sv_kafka_conf_set(conf, "auto.offset.reset", "error", errstr, sizeof(errstr)))
        goto fail;
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail;
    conf = NULL;
    rd_kafka_poll_set_consumer(rk);

    if (rec_plan(rk, o, &r, &total, errstr, sizeof(errstr)) < 0 ||
        rec_consume(rk, o, &r, total, &consumed, errstr, sizeof(errstr)) < 0)
        goto fail;
    rec_sort_run = &r;
    if (r.n_msgs > 1)
        qsort(r.msgs, r.n_msgs, sizeof(r.msgs[0]), rec_cmp);
    rec_sort_run = NULL;
    if (rec_write(o, &r, errstr, sizeof(errstr)) < 0)
        goto fail;
    if (!o->quiet)
        fprintf(stderr,
                "savant-replay: recorded %zu messages (%lld read) of %d topic(s), %d partition(s), to %s\n",
                r.n_msgs, consumed, o->n_topics, r.n_parts, o->out);
    rc = 0;
    goto out;

fail:
    fprintf(stderr, "savant-replay: %s\n", errstr);
out:
    if (conf)
        rd_kafka_conf_destroy(conf);
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    rec_run_release(&r);
    return rc;
}

/* ---- replay ---- */

/* Delivery reports: counts failures, names the first. */
typedef struct rep_dr {
    long long ok, failed; /* delivered / failed messages */
    char first_err[300];  /* the first failure */
} rep_dr_t;

static void rep_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    rep_dr_t *dr = opaque;
    (void)rk;
    if (m->err) {
        if (!dr->failed++)
            snprintf(dr->first_err, sizeof(dr->first_err), "%s: %s",
                     m->rkt ? rd_kafka_topic_name(m->rkt) : "?", rd_kafka_err2str(m->err));
    } else {
        dr->ok++;
    }
}

/* Lines of a regular file (for the progress total); -1 when it cannot be known. */
static long long count_lines(FILE *fp)
{
    char buf[65536];
    long long n = 0;
    size_t got;
    long pos = ftell(fp);
    int last = '\n';

    if (pos < 0)
        return -1;
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
        for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))) != NULL; p++)
            n++;
        last = buf[got - 1];
    }
    if (last != '\n')
        n++;
    clearerr(fp);
    if (fseek(fp, pos, SEEK_SET) != 0)
        return -1;
    return n;
}

/* The topic a recorded one is replayed to (see --prefix in usage). */
static int rep_rename(const char *prefix, const char *topic, char *out, size_t size)
{
    const char *dot;
    int n;

    if (!prefix)
        n = snprintf(out, size, "%s", topic);
    else if ((dot = strchr(topic, '.')) != NULL)
        n = snprintf(out, size, "%s%s", prefix, dot + 1);
    else
        n = snprintf(out, size, "%s%s", prefix, topic);
    return n < 0 || (size_t)n >= size || n == 0 ? -1 : 0;
}

/* Waits until the monotonic time due, serving delivery reports meanwhile. */
static void rep_wait_until(rd_kafka_t *rk, double due)
{
    double t;

    while (!rep_stop && (t = now_s()) < due) {
        double ms = (due - t) * 1000;
        rd_kafka_poll(rk, ms > 100 ? 100 : (int)ms + 1);
    }
}

static int rep_replay(const rep_opts_t *o)
{
    char errstr[512], topic[REP_TOPIC_NAME_MAX + 2];
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    wire_rec_reader_t *rd = NULL;
    FILE *fp = NULL;
    rep_dr_t dr = {0, 0, {0}};
    rep_prog_t prog;
    wire_rec_t rec;
    long long sent = 0, other = 0, bad = 0, lines_total;
    int64_t ts_first = -1, ts_max = -1;
    double t0 = 0;
    int rc = 1;
    sv_err_t err;

    if (strcmp(o->file, "-") == 0) {
        fp = stdin;
    } else if (!(fp = fopen(o->file, "r"))) {
        fprintf(stderr, "savant-replay: cannot open '%s': %s\n", o->file, strerror(errno));
        return 1;
    }
    lines_total = count_lines(fp);
    rd = wire_rec_reader_new(fp, o->file);
    conf = kconf_new(o, errstr, sizeof(errstr));
    if (!rd || !conf) {
        if (!rd)
            snprintf(errstr, sizeof(errstr), "out of memory");
        goto fail;
    }
    /* The murmur2 partitioner, as every Savant producer: a key lands in the partition the
     * original producer chose (same partition count); idempotence keeps the order per partition. */
    if (sv_kafka_conf_set_cli_producer(conf, errstr, sizeof(errstr)))
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, rep_dr_cb);
    rd_kafka_conf_set_opaque(conf, &dr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail;
    conf = NULL;

    prog_start(&prog, !o->quiet, lines_total);
    while (!rep_stop && (err = wire_rec_read(rd, &rec, errstr, sizeof(errstr))) != SV_AGAIN) {
        rd_kafka_resp_err_t kerr;
        bool want = o->n_topics == 0;

        prog_update(&prog, wire_rec_line(rd));
        if (err == SV_ERR_IO)
            goto fail;
        if (err != SV_OK) {
            prog_end(&prog);
            fprintf(stderr, "savant-replay: %s (line skipped)\n", errstr);
            bad++;
            continue;
        }
        for (int i = 0; i < o->n_topics && !want; i++)
            want = strcmp(o->topics[i], rec.topic) == 0;
        if (!want) {
            other++;
            continue;
        }
        if (rep_rename(o->prefix, rec.topic, topic, sizeof(topic)) < 0 ||
            strlen(topic) > REP_TOPIC_NAME_MAX) {
            prog_end(&prog);
            fprintf(stderr, "savant-replay: %s:%ld: topic: '%s' renamed with --prefix is too long "
                            "(line skipped)\n", o->file, wire_rec_line(rd), rec.topic);
            bad++;
            continue;
        }
        if (sent == 0)
            t0 = now_s();
        if (o->rate > 0) {
            rep_wait_until(rk, t0 + (double)sent / o->rate);
        } else if (o->speed > 0 && rec.ts >= 0) {
            if (ts_first < 0)
                ts_first = ts_max = rec.ts;
            if (rec.ts > ts_max)
                ts_max = rec.ts; /* time never runs backwards: an earlier ts goes at once */
            rep_wait_until(rk, t0 + (double)(ts_max - ts_first) / 1000.0 / o->speed);
        }
        if (rep_stop)
            break;
        for (;;) {
            kerr = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                     RD_KAFKA_V_KEY(rec.has_key ? rec.key : NULL,
                                                    rec.has_key ? rec.key_len : 0),
                                     RD_KAFKA_V_VALUE(rec.value_len ? rec.value : NULL,
                                                      rec.value_len),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_TIMESTAMP(rec.ts >= 0 ? rec.ts : 0),
                                     RD_KAFKA_V_END);
            if (kerr != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                break;
            rd_kafka_poll(rk, 100); /* queue full: let deliveries drain */
        }
        if (kerr) {
            snprintf(errstr, sizeof(errstr), "%s:%ld: cannot produce to '%s': %s", o->file,
                     wire_rec_line(rd), topic, rd_kafka_err2str(kerr));
            goto fail;
        }
        sent++;
        rd_kafka_poll(rk, 0);
    }
    /* Everything accepted is delivered (or has failed) before anything is reported. */
    while (dr.ok + dr.failed < sent)
        rd_kafka_flush(rk, 1000);
    prog_end(&prog);
    if (!o->quiet)
        fprintf(stderr,
                "savant-replay: replayed %lld messages from %s: %lld delivered, %lld failed, "
                "%lld bad line(s) skipped, %lld of other topics skipped%s\n",
                sent, o->file, dr.ok, dr.failed, bad, other, rep_stop ? " (interrupted)" : "");
    if (dr.failed)
        fprintf(stderr, "savant-replay: %lld of %lld messages not delivered, first: %s\n",
                dr.failed, sent, dr.first_err);
    rc = dr.failed || bad || rep_stop ? 1 : 0;
    goto out;

fail:
    fprintf(stderr, "savant-replay: %s\n", errstr);
    rc = 1;
    if (rk)
        rd_kafka_flush(rk, 5000);
out:
    if (conf)
        rd_kafka_conf_destroy(conf);
    if (rk)
        rd_kafka_destroy(rk);
    wire_rec_reader_free(rd);
    if (fp && fp != stdin)
        fclose(fp);
    return rc;
}

/* ---- main ---- */

/* backtest and dataset parse their own arguments (engine/backtest.h). */
static int rep_offline(int argc, char **argv, const char *mode)
{
    cfg_cli_t cli;
    cfg_t cfg;
    int rc;

    cfg_cli_init(&cli);
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-replay")) >= 0)
        return rc;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return strcmp(mode, "backtest") == 0 ? eng_backtest_main(argc, argv, &cfg)
                                         : eng_dataset_main(argc, argv, &cfg);
}

int main(int argc, char **argv)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_PREFIX, OPT_RATE, OPT_SPEED };
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"prefix", required_argument, NULL, OPT_PREFIX},
        {"rate", required_argument, NULL, OPT_RATE},
        {"speed", required_argument, NULL, OPT_SPEED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    rep_opts_t o;
    const char *mode;
    cfg_cli_t cli;
    cfg_t cfg;
    int opt, rc = 2, have_rate = 0, have_speed = 0;

    memset(&o, 0, sizeof(o));
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    mode = argv[1][0] == '-' ? NULL : argv[1];
    if (mode && (strcmp(mode, "backtest") == 0 || strcmp(mode, "dataset") == 0))
        return rep_offline(argc - 1, argv + 1, mode);
    if (mode && strcmp(mode, "record") != 0 && strcmp(mode, "replay") != 0) {
        fprintf(stderr, "savant-replay: unknown mode '%s' (record, replay, backtest, dataset)\n",
                mode);
        return 2;
    }
    cfg_cli_init(&cli);
    optind = mode ? 2 : 1;
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "b:t:o:qvh", lopts, NULL)) != -1) {
        switch (opt) {
        case 'b': o.brokers = optarg; break;
        case 't':
            if (add_topics(&o, optarg) < 0)
                goto out;
            break;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'v': o.verbose = 1; break;
        case OPT_FROM:
            if (parse_bound("--from", optarg, &o.from) < 0)
                goto out;
            break;
        case OPT_TO:
            if (parse_bound("--to", optarg, &o.to) < 0)
                goto out;
            break;
        case OPT_PREFIX:
            if (strlen(optarg) > REP_TOPIC_NAME_MAX - 1 ||
                strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                    strlen(optarg)) {
                fprintf(stderr, "savant-replay: --prefix: '%s' is not made of [A-Za-z0-9._-]\n",
                        optarg);
                goto out;
            }
            o.prefix = optarg;
            break;
        case OPT_RATE:
            if (parse_pos_double("--rate", optarg, &o.rate) < 0)
                goto out;
            have_rate = 1;
            break;
        case OPT_SPEED:
            if (parse_pos_double("--speed", optarg, &o.speed) < 0)
                goto out;
            have_speed = 1;
            break;
        case 'h': usage(stdout); rc = 0; goto out;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            goto out;
        }
    }
    if (mode && strcmp(mode, "replay") == 0 && optind < argc)
        o.file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "savant-replay: unexpected argument '%s'\n", argv[optind]);
        goto out;
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-replay")) >= 0)
        goto out;
    rc = 2;
    if (o.verbose)
        log_level_set(LOG_LVL_DEBUG);
    if (!mode) {
        fprintf(stderr, "savant-replay: a mode is needed first (record, replay, backtest, dataset)\n");
        goto out;
    }
    if (!o.brokers)
        o.brokers = cfg.kafka_brokers;
    if (strcmp(mode, "record") == 0) {
        if (!o.n_topics || !o.out) {
            fprintf(stderr, "savant-replay: record needs -t TOPIC and -o FILE\n");
            goto out;
        }
        if (o.prefix || have_rate || have_speed) {
            fprintf(stderr, "savant-replay: --prefix, --rate and --speed are replay options\n");
            goto out;
        }
        if (o.from.kind != REP_BOUND_NONE && o.to.kind == o.from.kind && o.to.v < o.from.v) {
            fprintf(stderr, "savant-replay: --to is before --from\n");
            goto out;
        }
    } else {
        if (!o.file) {
            fprintf(stderr, "savant-replay: replay needs FILE\n");
            goto out;
        }
        if (o.out || o.from.kind != REP_BOUND_NONE || o.to.kind != REP_BOUND_NONE) {
            fprintf(stderr, "savant-replay: -o, --from and --to are record options\n");
            goto out;
        }
        if (have_rate && have_speed) {
            fprintf(stderr, "savant-replay: --rate and --speed exclude each other\n");
            goto out;
        }
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    rc = strcmp(mode, "record") == 0 ? rep_record(&o) : rep_replay(&o);
out:
    for (int i = 0; i < o.n_topics_buf; i++)
        free(o.topics_buf[i]);
    return rc;
}
