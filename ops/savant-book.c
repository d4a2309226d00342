/*
 * savant-book — the sportsbook adapter simulator: consumes placements (savant.placements.v1) in a
 * consumer group, decides each one by fixed, deterministic rules, and produces its
 * placement_result (savant.placement-results.v1, keyed by bet_id). It speaks exactly the topics a
 * real sportsbook or payment adapter speaks, for the demo and the tests; docs/sportsbook.md is the
 * contract and the manual.
 *
 * A result is a pure function of the placement's bytes and the options: no wall clock, no random
 * state, no memory of earlier messages. So a placement delivered twice (at-least-once) is answered
 * twice with the same bytes, and the engine treats results idempotently. The result's ts is the
 * placement's ts (event time). --latency-ms only holds a result back before it is produced.
 *
 * At-least-once: every consumed message becomes a job in its partition's list, in offset order.
 * A job is done when its result is acknowledged by the broker (an invalid message is done at
 * once: reported on stderr, counted, skipped). The offset after the longest run of done jobs at the
 * head of a partition is stored, and auto-commit (kafka.commit_interval_ms) and the final commit at
 * exit write it to the group: an offset is never committed before its result is acknowledged.
 *
 * One libevent loop and one thread: the consumer queue and the producer's delivery reports wake
 * the loop through sv_kafka_qev, latency holds are timers, SIGINT/SIGTERM are signal events.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <librdkafka/rdkafka.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "sv_err.h"
#include "sv_kafka.h"
#include "sv_util.h"
#include "wire.h"

#define BOOK_BOOKS_MAX 64          /* entries of --books */
#define BOOK_INFLIGHT_MAX 10000    /* valid placements awaiting their result's acknowledgement */
#define BOOK_DRAIN_MAX 1000        /* messages taken per loop turn before other events run */
#define BOOK_LATENCY_MAX 600000    /* --latency-ms upper bound */
#define BOOK_PRICE_MOVE_MAX 10000  /* --price-move upper bound, in points */
#define BOOK_FLUSH_MS 10000        /* longest wait for acknowledgements at a revoke or at exit */
#define BOOK_CLOSE_MS 5000         /* longest wait for leaving the group at exit */
#define BOOK_AMERICAN_MAX 100000   /* |American odds| allowed by the schema */

extern char **environ;

/* The decision rules (options); a result depends on nothing else but the placement. */
typedef struct book_rules {
    double max_stake;                          /* reject stakes above; <= 0: no limit */
    char max_stake_str[SV_DECIMAL_MAX + 32];   /* max_stake as printed in the reason */
    double reject_rate;                        /* fraction rejected by the hash, 0..1 */
    uint64_t seed;                             /* seed of the hashes */
    const char *books[BOOK_BOOKS_MAX];         /* books served (into books_buf); none: all */
    size_t n_books;                            /* entries in books */
    char *books_buf;                           /* owned copy of --books, split at commas */
    int price_move;                            /* points a moved price gets worse by; 0: off */
    double price_move_rate;                    /* fraction of accepted bets whose price moves */
} book_rules_t;

/* Why a placement got its result (for the counters and the debug line). */
typedef enum book_why {
    BOOK_WHY_ACCEPTED,
    BOOK_WHY_MOVED,      /* accepted at a worse price */
    BOOK_WHY_NOT_SERVED, /* book not in --books */
    BOOK_WHY_OVER_LIMIT, /* stake above --max-stake */
    BOOK_WHY_BY_RATE,    /* chosen by --reject-rate */
} book_why_t;

/* The options of the command line that are not configuration keys. */
typedef struct book_opts {
    const char *brokers; /* -b, or kafka.brokers */
    const char *group;   /* --group */
    int latency_ms;      /* --latency-ms */
    bool exit_at_end;    /* -e */
    bool verbose;        /* -v: librdkafka debug */
} book_opts_t;

typedef enum book_job_state {
    BOOK_JOB_HELD,   /* decided; waiting for its latency timer */
    BOOK_JOB_SENT,   /* produced; waiting for the delivery report */
    BOOK_JOB_DONE,   /* acknowledged, or an invalid message: its offset may be committed */
    BOOK_JOB_FAILED, /* not delivered: its partition's offsets stop before it */
} book_job_state_t;

struct book;

/* One consumed message, from consumption until its offset may be stored. */
typedef struct book_job {
    struct book_job *next;       /* next job of its partition (offset order) */
    struct book *bk;             /* the simulator */
    int32_t part;                /* input partition */
    int64_t offset;              /* input offset */
    book_job_state_t state;      /* see book_job_state_t */
    bool orphan;                 /* its partition was revoked while it was SENT: the DR frees it */
    struct event *timer;         /* latency hold, or NULL */
    int64_t ts;                  /* event time: the placement's ts, also the message timestamp */
    char key[WIRE_ID_MAX + 1];   /* bet_id, the result's key */
    void *val;                   /* the result's msgpack bytes (owned) */
    size_t len;                  /* bytes in val */
} book_job_t;

/* The jobs of one input partition, oldest first. */
typedef struct book_part {
    book_job_t *head, *tail; /* in flight, offset order */
    bool assigned;           /* currently ours */
    bool eof;                /* at the end of the partition (for -e) */
} book_part_t;

/* What happened, for the summary line. */
typedef struct book_counts {
    unsigned long long consumed;  /* messages of the placements topic */
    unsigned long long accepted;  /* results with status accepted (price moved or not) */
    unsigned long long moved;     /* of those, at a worse price */
    unsigned long long rejected;  /* results with status rejected */
    unsigned long long not_served, over_limit, by_rate; /* rejected, by reason */
    unsigned long long invalid;   /* messages that did not decode: skipped */
    unsigned long long delivered; /* results acknowledged by the broker */
    unsigned long long failed;    /* results not delivered: a Kafka error */
    unsigned long long abandoned; /* results given up: forced stop, partitions lost */
} book_counts_t;

typedef struct book {
    const book_opts_t *o;            /* options (borrowed) */
    const book_rules_t *rules;       /* decision rules (borrowed) */
    char topic_in[WIRE_TOPIC_MAX + 1];  /* PREFIXplacements.v1 */
    char topic_out[WIRE_TOPIC_MAX + 1]; /* PREFIXplacement-results.v1 */
    struct event_base *base;         /* the loop */
    rd_kafka_t *rkc;                 /* consumer (group member) */
    rd_kafka_t *rkp;                 /* producer of the results */
    sv_kafka_qev_t qc, qp;           /* consumer queue, producer main queue on the loop */
    struct event *sig_int, *sig_term; /* SIGINT, SIGTERM */
    const struct timeval *hold_tv;   /* the common timeout of --latency-ms */
    book_part_t *parts;              /* indexed by partition number */
    size_t parts_cap;                /* entries in parts */
    size_t inflight;                 /* valid placements not yet acknowledged (or failed) */
    size_t orphans;                  /* jobs detached at a revoke, awaiting their DR */
    bool paused;                     /* consumption waits for inflight to drop */
    bool stopping;                   /* no new input; exit once nothing is in flight */
    bool forced;                     /* second signal: exit without waiting */
    int rc;                          /* exit status */
    book_counts_t n;                 /* counters */
} book_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-book [-b BROKERS] [--group GROUP] [--books LIST] [--max-stake X]\n"
            "                   [--reject-rate R] [--seed S] [--price-move P] [--price-move-rate F]\n"
            "                   [--latency-ms N] [-e] [-v] [-c FILE] [-X key=value]... [--dump-config]\n"
            "\n"
            "The sportsbook adapter simulator: consumes placements (PREFIXplacements.v1) in a\n"
            "consumer group and answers each with a placement_result on PREFIXplacement-results.v1,\n"
            "keyed by bet_id, decided by deterministic rules (docs/sportsbook.md). An offset is\n"
            "committed only after its result is acknowledged; a placement seen twice is answered\n"
            "twice with the same bytes. The result's ts is the placement's ts.\n"
            "\n"
            "Rules, in this order (the first that applies decides):\n"
            "  --books LIST          books served, comma-separated; others are rejected with\n"
            "                        'book not served' (default: every book)\n"
            "  --max-stake X         stakes above X are rejected with 'stake above the book's\n"
            "                        limit X' (default: no limit)\n"
            "  --reject-rate R       reject the fraction R (0..1) of bet_ids chosen by a hash of\n"
            "                        (seed, bet_id), reason 'rejected by the book' (default 0)\n"
            "  --seed S              seed of the hashes, an unsigned 64-bit integer (default 0)\n"
            "  otherwise accepted at the requested price, except:\n"
            "  --price-move P        the placed price is P points worse for the bettor (American\n"
            "                        odds, +100 and -100 adjacent) for the accepted bets chosen by\n"
            "                        a hash of (seed, bet_id) (default 0: never)\n"
            "  --price-move-rate F   fraction of accepted bets whose price moves (default 0.5)\n"
            "\n"
            "  --latency-ms N        hold each result N ms before producing it (default 0; never\n"
            "                        changes a result's bytes)\n"
            "  --group GROUP         consumer group (default savant-book)\n"
            "  -e, --exit-at-end     exit once every assigned partition is at its end and every\n"
            "                        result is acknowledged\n"
            "  -b BROKERS            bootstrap servers (default: config kafka.brokers)\n"
            "  -c FILE               config file; -X key=value sets a config key (repeatable);\n"
            "                        kafka.topic_prefix, kafka.session_timeout_ms,\n"
            "                        kafka.commit_interval_ms and kafka.fetch_wait_max_ms apply\n"
            "  --dump-config         print the effective configuration and exit\n"
            "  -v                    librdkafka debug logging\n"
            "  -h, --help            this text\n"
            "\n"
            "SIGINT/SIGTERM: finish what is in flight, commit, print a summary line, exit 0 (a\n"
            "second signal exits at once; what is not acknowledged is redone by the next run).\n"
            "Exit status: 0 success, 1 failure (results not delivered, Kafka errors), 2 bad usage.\n");
}

/* ---- the decision: a pure function of the placement and the rules ---- */

/* FNV-1a 64 of s, then MurmurHash3's 64-bit finaliser (FNV alone mixes the high bits poorly). */
static uint64_t book_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* A uniform draw in [0, 1) fixed by (tag, seed, bet_id): the hash of "tag:seed:bet_id", top 53
 * bits. docs/sportsbook.md gives the same in Python. */
static double book_draw(const char *tag, uint64_t seed, const char *bet_id)
{
    char buf[32 + 24 + WIRE_ID_MAX + 1];

    snprintf(buf, sizeof(buf), "%s:%" PRIu64 ":%s", tag, seed, bet_id);
    return (double)(book_hash(buf) >> 11) * 0x1p-53;
}

/* American odds made `points` worse for the bettor, counting +100 and -100 as the same point
 * (so +102 worse by 5 is -103), clamped to the schema's -100000. */
static int book_price_worse(int price, int points)
{
    long c = price >= 100 ? price - 100L : price + 100L; /* +100 -> 0, +150 -> 50, -110 -> -10 */

    c -= points;
    if (c < -(BOOK_AMERICAN_MAX - 100))
        c = -(BOOK_AMERICAN_MAX - 100);
    return (int)(c >= 0 ? c + 100 : c - 100);
}

static bool book_serves(const book_rules_t *r, const char *book)
{
    if (r->n_books == 0)
        return true;
    for (size_t i = 0; i < r->n_books; i++)
        if (strcmp(r->books[i], book) == 0)
            return true;
    return false;
}

/* Fills res (a placement_result) for pl; returns why. */
static book_why_t book_decide(const book_rules_t *r, const wire_placement_t *pl,
                              wire_placement_result_t *res)
{
    book_why_t why = BOOK_WHY_ACCEPTED;

    memset(res, 0, sizeof(*res));
    res->v = 1;
    res->ts = pl->ts;
    sv_strlcpy(res->bet_id, pl->bet_id, sizeof(res->bet_id));
    if (!book_serves(r, pl->book)) {
        why = BOOK_WHY_NOT_SERVED;
        snprintf(res->reason, sizeof(res->reason), "book not served");
    } else if (r->max_stake > 0 && pl->stake > r->max_stake) {
        why = BOOK_WHY_OVER_LIMIT;
        snprintf(res->reason, sizeof(res->reason), "stake above the book's limit %s",
                 r->max_stake_str);
    } else if (r->reject_rate > 0 && book_draw("reject", r->seed, pl->bet_id) < r->reject_rate) {
        why = BOOK_WHY_BY_RATE;
        snprintf(res->reason, sizeof(res->reason), "rejected by the book");
    }
    if (why != BOOK_WHY_ACCEPTED) {
        res->status = WIRE_PLACE_REJECTED;
        res->present = WIRE_PRES_HAS_REASON;
        return why;
    }
    res->status = WIRE_PLACE_ACCEPTED;
    res->price = pl->price;
    res->present = WIRE_PRES_HAS_PRICE;
    if (r->price_move > 0 && book_draw("price", r->seed, pl->bet_id) < r->price_move_rate) {
        res->price = book_price_worse(pl->price, r->price_move);
        why = BOOK_WHY_MOVED;
    }
    return why;
}

/* ---- jobs and offsets ---- */

static void book_stop(book_t *bk, int rc);
static void book_check_end(book_t *bk);

static void book_job_free(book_job_t *job)
{
    if (!job)
        return;
    if (job->timer)
        event_free(job->timer);
    free(job->val);
    free(job);
}

static book_part_t *book_part(book_t *bk, int32_t p)
{
    if (p < 0 || sv_grow((void **)&bk->parts, &bk->parts_cap, sizeof(*bk->parts), (size_t)p, 16))
        return NULL;
    return &bk->parts[p];
}

/* Pops the done jobs at the head of partition p and stores the offset after the last of them. */
static void book_advance(book_t *bk, int32_t p)
{
    book_part_t *bp = &bk->parts[p];
    int64_t next = -1;

    while (bp->head && bp->head->state == BOOK_JOB_DONE) {
        book_job_t *job = bp->head;
        bp->head = job->next;
        if (!bp->head)
            bp->tail = NULL;
        next = job->offset + 1;
        book_job_free(job);
    }
    if (next >= 0 && bp->assigned) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        rd_kafka_resp_err_t err;

        rd_kafka_topic_partition_list_add(l, bk->topic_in, p)->offset = next;
        err = rd_kafka_offsets_store(bk->rkc, l);
        if (!err)
            err = l->elems[0].err;
        if (err) /* revoked meanwhile: the next owner redoes the rest */
            LOG_WARN("book", "offset_store_failed", "topic=%s part=%d offset=%" PRId64 " err=%s",
                     bk->topic_in, (int)p, next, rd_kafka_err2name(err));
        else
            LOG_DEBUG("book", "offset_stored", "topic=%s part=%d offset=%" PRId64, bk->topic_in,
                      (int)p, next);
        rd_kafka_topic_partition_list_destroy(l);
    }
}

static void book_append(book_part_t *bp, book_job_t *job)
{
    if (bp->tail)
        bp->tail->next = job;
    else
        bp->head = job;
    bp->tail = job;
}

/* Hands the job's result to the producer; a failure fails the job (and the run). */
static void book_produce(book_t *bk, book_job_t *job)
{
    rd_kafka_resp_err_t err;

    job->state = BOOK_JOB_SENT;
    err = rd_kafka_producev(bk->rkp, RD_KAFKA_V_TOPIC(bk->topic_out),
                            RD_KAFKA_V_KEY(job->key, strlen(job->key)),
                            RD_KAFKA_V_VALUE(job->val, job->len),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(job->ts),
                            RD_KAFKA_V_OPAQUE(job), RD_KAFKA_V_END);
    free(job->val);
    job->val = NULL;
    LOG_DEBUG("book", "produced", "topic=%s part=%d offset=%" PRId64 " bet_id=%s err=%s",
              bk->topic_in, (int)job->part, job->offset, job->key, rd_kafka_err2name(err));
    if (err) {
        /* the queue holds far more than BOOK_INFLIGHT_MAX: any error here is not transient */
        LOG_ERROR("book", "produce_failed", "topic=%s key=%s err=%s", bk->topic_out, job->key,
                  rd_kafka_err2name(err));
        job->state = BOOK_JOB_FAILED;
        bk->n.failed++;
        bk->inflight--;
        book_stop(bk, 1);
    }
}

/* Latency timer: the held result is produced now. */
static void book_on_hold(evutil_socket_t fd, short what, void *arg)
{
    book_job_t *job = arg;
    UNUSED(fd);
    UNUSED(what);
    event_free(job->timer);
    job->timer = NULL;
    book_produce(job->bk, job);
}

/* Delivery report of one result (producer main queue, on the loop or inside a flush). */
static void book_on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    book_t *bk = opaque;
    book_job_t *job = m->_private;
    UNUSED(rk);

    bk->inflight--;
    if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        bk->n.abandoned++; /* purged at a forced exit: redone by the next run */
        LOG_DEBUG("book", "abandoned", "topic=%s key=%s", bk->topic_out, job->key);
        job->state = BOOK_JOB_FAILED;
    } else if (m->err) {
        bk->n.failed++;
        LOG_ERROR("book", "delivery_failed", "topic=%s key=%s err=%s msg=\"%s\"", bk->topic_out,
                  job->key, rd_kafka_err2name(m->err), rd_kafka_err2str(m->err));
        job->state = BOOK_JOB_FAILED;
        book_stop(bk, 1);
    } else {
        bk->n.delivered++;
        job->state = BOOK_JOB_DONE;
    }
    if (job->orphan) {
        bk->orphans--;
        book_job_free(job);
    } else {
        book_advance(bk, job->part);
    }
    if (bk->paused && bk->inflight <= BOOK_INFLIGHT_MAX / 2) {
        bk->paused = false;
        sv_kafka_qev_wake(&bk->qc);
    }
    if (bk->stopping && bk->inflight == 0)
        event_base_loopbreak(bk->base);
    book_check_end(bk);
}

/* One placement message: decode, decide, encode, then hold or produce. */
static void book_handle(book_t *bk, const rd_kafka_message_t *m)
{
    book_part_t *bp = book_part(bk, m->partition);
    book_job_t *job = calloc(1, sizeof(*job));
    wire_placement_t pl;
    wire_placement_result_t res;
    wire_err_t werr = {{0}, {0}};
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    char ebuf[300];
    book_why_t why;
    sv_err_t err;

    if (!job || !bp) {
        free(job);
        LOG_ERROR("book", "out_of_memory", "topic=%s part=%d offset=%" PRId64, bk->topic_in,
                  (int)m->partition, (int64_t)m->offset);
        book_stop(bk, 1);
        return;
    }
    job->bk = bk;
    job->part = m->partition;
    job->offset = m->offset;
    bk->n.consumed++;
    bp->eof = false;

    memset(&pl, 0, sizeof(pl));
    err = wire_decode(WIRE_PLACEMENT, m->payload, m->len, &pl, &werr);
    wire_release(WIRE_PLACEMENT, &pl); /* a placement owns nothing; its fields stay readable */
    if (err != SV_OK) {
        char q[400];
        bk->n.invalid++;
        LOG_WARN("book", "invalid_placement",
                 "topic=%s part=%d offset=%" PRId64 " err=%s msg=%s", bk->topic_in,
                 (int)m->partition, (int64_t)m->offset, sv_err2name(err),
                 log_quote(q, sizeof(q), wire_err_str(&werr, ebuf, sizeof(ebuf))));
        job->state = BOOK_JOB_DONE; /* skipped: its offset is committed with the others */
        book_append(bp, job);
        book_advance(bk, m->partition);
        return;
    }

    why = book_decide(bk->rules, &pl, &res);
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    err = wire_encode(WIRE_PLACEMENT_RESULT, &res, &pk, &werr);
    if (err == SV_OK)
        err = wire_key(WIRE_PLACEMENT_RESULT, &res, job->key, sizeof(job->key));
    if (err != SV_OK) { /* a valid placement always gives a valid result: a bug if it does not */
        LOG_ERROR("book", "encode_failed", "topic=%s part=%d offset=%" PRId64 " err=%s msg=\"%s\"",
                  bk->topic_in, (int)m->partition, (int64_t)m->offset, sv_err2name(err),
                  wire_err_str(&werr, ebuf, sizeof(ebuf)));
        msgpack_sbuffer_destroy(&sbuf);
        job->state = BOOK_JOB_FAILED;
        book_append(bp, job);
        bk->n.failed++;
        book_stop(bk, 1);
        return;
    }
    job->len = sbuf.size;
    job->val = msgpack_sbuffer_release(&sbuf);
    job->ts = pl.ts;
    switch (why) {
    case BOOK_WHY_ACCEPTED: bk->n.accepted++; break;
    case BOOK_WHY_MOVED: bk->n.accepted++; bk->n.moved++; break;
    case BOOK_WHY_NOT_SERVED: bk->n.rejected++; bk->n.not_served++; break;
    case BOOK_WHY_OVER_LIMIT: bk->n.rejected++; bk->n.over_limit++; break;
    case BOOK_WHY_BY_RATE: bk->n.rejected++; bk->n.by_rate++; break;
    }
    LOG_DEBUG("book", "placement", "topic=%s part=%d offset=%" PRId64 " bet_id=%s status=%s",
              bk->topic_in, (int)m->partition, (int64_t)m->offset, pl.bet_id,
              res.status == WIRE_PLACE_ACCEPTED ? "accepted" : "rejected");
    book_append(bp, job);
    bk->inflight++;
    if (bk->hold_tv) {
        job->state = BOOK_JOB_HELD;
        /* the hold counts from now, not from the loop's cached time (older by this turn's work) */
        event_base_update_cache_time(bk->base);
        job->timer = evtimer_new(bk->base, book_on_hold, job);
        if (!job->timer || evtimer_add(job->timer, bk->hold_tv) != 0) {
            if (job->timer)
                event_free(job->timer);
            job->timer = NULL;
            book_produce(bk, job); /* no timer: no latency rather than no result */
        }
    } else {
        book_produce(bk, job);
    }
}

/* ---- consumer group ---- */

/* Finishes everything in flight before the partitions go: held results are produced now, the
 * results are waited for (at most flush_ms), and the stored offsets are committed (async: the
 * group's leave or unassign completes the commit). What is still not acknowledged then is detached
 * (its DR frees it) and redone by the partitions' next owner. flush_ms 0 (forced exit, partitions
 * lost): held results are abandoned instead of produced. */
static void book_finish_inflight(book_t *bk, int flush_ms)
{
    rd_kafka_resp_err_t err;

    for (size_t p = 0; p < bk->parts_cap; p++)
        for (book_job_t *job = bk->parts[p].head; job; job = job->next) {
            if (job->state != BOOK_JOB_HELD)
                continue;
            event_free(job->timer);
            job->timer = NULL;
            if (flush_ms > 0) {
                book_produce(bk, job);
            } else {
                job->state = BOOK_JOB_FAILED; /* freed below */
                bk->inflight--;
                bk->n.abandoned++;
            }
        }
    if (rd_kafka_outq_len(bk->rkp) > 0 &&
        rd_kafka_flush(bk->rkp, flush_ms) != RD_KAFKA_RESP_ERR_NO_ERROR && flush_ms > 0)
        LOG_ERROR("book", "flush_timeout", "topic=%s unacknowledged=%d", bk->topic_out,
                  rd_kafka_outq_len(bk->rkp));
    err = rd_kafka_commit(bk->rkc, NULL, 1 /* async */);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        LOG_ERROR("book", "commit_failed", "topic=%s err=%s", bk->topic_in, rd_kafka_err2name(err));
        if (!bk->rc)
            bk->rc = 1;
    }
    for (size_t p = 0; p < bk->parts_cap; p++) {
        book_part_t *bp = &bk->parts[p];
        book_job_t *job = bp->head, *next;
        for (; job; job = next) {
            next = job->next;
            job->next = NULL;
            if (job->state == BOOK_JOB_SENT) {
                job->orphan = true;
                bk->orphans++;
            } else {
                book_job_free(job);
            }
        }
        bp->head = bp->tail = NULL;
        bp->assigned = bp->eof = false;
    }
}

/* Partitions go (rebalance, or leaving the group): finish, then let them go. Lost partitions
 * (session expired) are already someone else's: nothing of theirs can be committed. */
static void book_revoke(book_t *bk, rd_kafka_t *rk)
{
    book_finish_inflight(bk, bk->forced || rd_kafka_assignment_lost(rk) ? 0 : BOOK_FLUSH_MS);
    rd_kafka_assign(rk, NULL);
}

static void book_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    book_t *bk = opaque;
    char list[512];
    size_t off = 0;

    list[0] = '\0';
    for (int i = 0; i < parts->cnt && off < sizeof(list) - 16; i++)
        off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d", i ? "," : "",
                                (int)parts->elems[i].partition);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < parts->cnt; i++) {
            book_part_t *bp = book_part(bk, parts->elems[i].partition);
            if (bp) {
                bp->assigned = true;
                bp->eof = false;
            }
        }
        LOG_INFO("book", "assigned", "topic=%s parts=%s", bk->topic_in, list);
        rd_kafka_assign(rk, parts);
    } else {
        LOG_INFO("book", "revoked", "topic=%s parts=%s", bk->topic_in, list);
        book_revoke(bk, rk);
    }
}

/* -e: every assigned partition at its end and nothing in flight: done. */
static void book_check_end(book_t *bk)
{
    size_t assigned = 0;

    if (!bk->o->exit_at_end || bk->stopping || bk->inflight)
        return;
    for (size_t p = 0; p < bk->parts_cap; p++) {
        if (!bk->parts[p].assigned)
            continue;
        if (!bk->parts[p].eof || bk->parts[p].head)
            return;
        assigned++;
    }
    if (assigned)
        book_stop(bk, 0);
}

/* The consumer queue became non-empty: take messages until it is empty, the in-flight limit is
 * reached, or a turn's share is done. */
static void book_on_consumer(void *arg)
{
    book_t *bk = arg;

    for (int i = 0; i < BOOK_DRAIN_MAX; i++) {
        rd_kafka_message_t *m;

        if (bk->stopping)
            return;
        if (bk->inflight >= BOOK_INFLIGHT_MAX) {
            bk->paused = true; /* book_on_delivery wakes us */
            return;
        }
        m = rd_kafka_consumer_poll(bk->rkc, 0);
        if (!m)
            return;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            book_part_t *bp = book_part(bk, m->partition);
            if (bp)
                bp->eof = true;
            rd_kafka_message_destroy(m);
            book_check_end(bk);
            continue;
        }
        if (m->err) {
            rd_kafka_resp_err_t merr = m->err;
            LOG_ERROR("book", "consume_error", "topic=%s part=%d err=%s msg=\"%s\"", bk->topic_in,
                      (int)m->partition, rd_kafka_err2name(merr), rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            if (merr == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                merr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                merr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                merr == RD_KAFKA_RESP_ERR__FATAL)
                book_stop(bk, 1);
            continue;
        }
        book_handle(bk, m);
        rd_kafka_message_destroy(m);
    }
    sv_kafka_qev_wake(&bk->qc); /* more may be queued: come back after other events */
}

/* The producer's main queue became non-empty: serve the delivery reports. */
static void book_on_producer(void *arg)
{
    book_t *bk = arg;
    while (rd_kafka_poll(bk->rkp, 0) > 0) {
    }
}

/* ---- life cycle ---- */

/* Stop taking input; the loop ends once what is in flight is done (at once if nothing is). */
static void book_stop(book_t *bk, int rc)
{
    if (rc > bk->rc)
        bk->rc = rc;
    if (!bk->stopping)
        LOG_INFO("book", "stopping", "inflight=%zu", bk->inflight);
    bk->stopping = true;
    if (bk->inflight == 0 || bk->forced)
        event_base_loopbreak(bk->base);
}

static void book_on_signal(evutil_socket_t sig, short what, void *arg)
{
    book_t *bk = arg;
    UNUSED(what);
    if (bk->stopping) {
        LOG_WARN("book", "forced_stop", "signal=%d inflight=%zu", (int)sig, bk->inflight);
        bk->forced = true;
        event_base_loopbreak(bk->base);
        return;
    }
    LOG_INFO("book", "signal", "signal=%d", (int)sig);
    book_stop(bk, 0);
}

static rd_kafka_conf_t *book_kconf_new(const book_t *bk, const char *client_id, char *errstr,
                                       size_t size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", bk->o->brokers, errstr, size) ||
        sv_kafka_conf_set(conf, "client.id", client_id, errstr, size) ||
        (bk->o->verbose &&
         sv_kafka_conf_set(conf, "debug", "broker,topic,msg,cgrp", errstr, size))) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

/* Creates both clients and attaches them to the loop. */
static sv_err_t book_start(book_t *bk, const cfg_t *cfg, char *errstr, size_t size)
{
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_topic_partition_list_t *sub = NULL;
    char num[32];
    int64_t session = cfg->kafka_session_timeout_ms;

    /* the producer: murmur2 partitioner, idempotent, 30 s message timeout (sv_kafka) */
    if (!(conf = book_kconf_new(bk, "savant-book", errstr, size)) ||
        sv_kafka_conf_set_cli_producer(conf, errstr, size))
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, book_on_delivery);
    rd_kafka_conf_set_opaque(conf, bk);
    if (!(bk->rkp = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, size)))
        goto fail;
    conf = NULL;

    /* the consumer: offsets stored by us once acknowledged, committed by auto-commit and at exit */
    if (!(conf = book_kconf_new(bk, "savant-book", errstr, size)))
        goto fail;
    snprintf(num, sizeof(num), "%" PRId64, session);
    if (sv_kafka_conf_set(conf, "group.id", bk->o->group, errstr, size) ||
        sv_kafka_conf_set(conf, "session.timeout.ms", num, errstr, size) ||
        sv_kafka_conf_set(conf, "heartbeat.interval.ms", session >= 3000 ? "1000" : "300", errstr,
                          size) ||
        sv_kafka_conf_set(conf, "enable.auto.offset.store", "false", errstr, size) ||
        sv_kafka_conf_set(conf, "enable.auto.commit", "true", errstr, size) ||
        sv_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, size) ||
        sv_kafka_conf_set(conf, "enable.partition.eof", bk->o->exit_at_end ? "true" : "false",
                          errstr, size))
        goto fail;
    snprintf(num, sizeof(num), "%" PRId64, cfg->kafka_commit_interval_ms);
    if (sv_kafka_conf_set(conf, "auto.commit.interval.ms", num, errstr, size))
        goto fail;
    snprintf(num, sizeof(num), "%" PRId64, cfg->kafka_fetch_wait_max_ms);
    if (sv_kafka_conf_set(conf, "fetch.wait.max.ms", num, errstr, size))
        goto fail;
    rd_kafka_conf_set_rebalance_cb(conf, book_rebalance);
    rd_kafka_conf_set_opaque(conf, bk);
    if (!(bk->rkc = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, size)))
        goto fail;
    conf = NULL;
    rd_kafka_poll_set_consumer(bk->rkc);
    sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, bk->topic_in, RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(bk->rkc, sub)) {
        snprintf(errstr, size, "cannot subscribe to '%s'", bk->topic_in);
        goto fail;
    }
    rd_kafka_topic_partition_list_destroy(sub);
    sub = NULL;

    if (sv_kafka_qev_start(&bk->qp, bk->base, rd_kafka_queue_get_main(bk->rkp), book_on_producer,
                           bk, errstr, size) != SV_OK ||
        sv_kafka_qev_start(&bk->qc, bk->base, rd_kafka_queue_get_consumer(bk->rkc),
                           book_on_consumer, bk, errstr, size) != SV_OK)
        goto fail;
    return SV_OK;
fail:
    if (sub)
        rd_kafka_topic_partition_list_destroy(sub);
    if (conf)
        rd_kafka_conf_destroy(conf);
    return SV_ERR_KAFKA;
}

/* After the loop: finish what is in flight (unless forced), commit, leave the group (each step
 * bounded, so a broker that is gone cannot hold the exit), and free every job. */
static void book_close(book_t *bk)
{
    if (bk->rkc && bk->rkp) {
        rd_kafka_queue_t *q = rd_kafka_queue_new(bk->rkc);
        rd_kafka_error_t *error;
        int waited = 0;

        book_finish_inflight(bk, bk->forced ? 0 : BOOK_FLUSH_MS);
        error = rd_kafka_consumer_close_queue(bk->rkc, q);
        if (error) {
            LOG_ERROR("book", "close_failed", "err=%s", rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
        } else {
            while (!rd_kafka_consumer_closed(bk->rkc) && waited < BOOK_CLOSE_MS) {
                rd_kafka_event_t *rkev = rd_kafka_queue_poll(q, 100);
                if (rkev && rd_kafka_event_type(rkev) == RD_KAFKA_EVENT_REBALANCE) {
                    LOG_INFO("book", "revoked", "topic=%s", bk->topic_in);
                    book_revoke(bk, bk->rkc);
                }
                if (rkev)
                    rd_kafka_event_destroy(rkev);
                waited += 100;
            }
            if (!rd_kafka_consumer_closed(bk->rkc))
                LOG_WARN("book", "close_timeout", "waited_ms=%d", waited);
        }
        rd_kafka_queue_destroy(q);
    }
    sv_kafka_qev_stop(&bk->qc);
    sv_kafka_qev_stop(&bk->qp);
    if (bk->rkp && rd_kafka_outq_len(bk->rkp) > 0) {
        /* results never acknowledged: fail their DRs so their jobs are freed */
        rd_kafka_purge(bk->rkp, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(bk->rkp, 1000);
    }
    if (bk->rkp)
        rd_kafka_poll(bk->rkp, 0);
    if (bk->rkc)
        rd_kafka_destroy_flags(bk->rkc, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    if (bk->rkp)
        rd_kafka_destroy(bk->rkp);
    if (bk->orphans)
        LOG_WARN("book", "unacknowledged", "results=%zu", bk->orphans);
    for (size_t p = 0; p < bk->parts_cap; p++) {
        book_job_t *job = bk->parts[p].head, *next;
        for (; job; job = next) {
            next = job->next;
            book_job_free(job);
        }
    }
    free(bk->parts);
    bk->parts = NULL;
    bk->parts_cap = 0;
}

/* ---- options ---- */

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* --books: a comma list of book ids (printable ASCII without '|', 1..64 bytes). */
static int parse_books(book_rules_t *r, const char *s, char *errstr, size_t size)
{
    char *save = NULL, *tok;

    free(r->books_buf);
    r->n_books = 0;
    if (!(r->books_buf = strdup(s))) {
        snprintf(errstr, size, "out of memory");
        return -1;
    }
    if (!*s || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,")) {
        snprintf(errstr, size, "--books: '%s' has an empty entry", s);
        return -1;
    }
    for (tok = strtok_r(r->books_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t n = strlen(tok);
        if (n > WIRE_ID_MAX) {
            snprintf(errstr, size, "--books: '%s' is longer than %d bytes", tok, WIRE_ID_MAX);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (tok[i] < 0x20 || tok[i] > 0x7e || tok[i] == '|') {
                snprintf(errstr, size, "--books: '%s' is not a book id (printable ASCII, no '|')",
                         tok);
                return -1;
            }
        if (r->n_books == BOOK_BOOKS_MAX) {
            snprintf(errstr, size, "--books: more than %d books", BOOK_BOOKS_MAX);
            return -1;
        }
        r->books[r->n_books++] = tok;
    }
    return 0;
}

enum {
    OPT_GROUP = 256,
    OPT_BOOKS,
    OPT_MAX_STAKE,
    OPT_REJECT_RATE,
    OPT_SEED,
    OPT_PRICE_MOVE,
    OPT_PRICE_MOVE_RATE,
    OPT_LATENCY,
};

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"group", required_argument, NULL, OPT_GROUP},
        {"books", required_argument, NULL, OPT_BOOKS},
        {"max-stake", required_argument, NULL, OPT_MAX_STAKE},
        {"reject-rate", required_argument, NULL, OPT_REJECT_RATE},
        {"seed", required_argument, NULL, OPT_SEED},
        {"price-move", required_argument, NULL, OPT_PRICE_MOVE},
        {"price-move-rate", required_argument, NULL, OPT_PRICE_MOVE_RATE},
        {"latency-ms", required_argument, NULL, OPT_LATENCY},
        {"exit-at-end", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    book_opts_t o = {NULL, "savant-book", 0, false, false};
    book_rules_t rules;
    book_t bk;
    cfg_cli_t cli;
    cfg_t cfg;
    char errstr[512];
    int opt, rc = 2;

    memset(&rules, 0, sizeof(rules));
    rules.price_move_rate = 0.5;
    memset(&bk, 0, sizeof(bk));
    sv_kafka_qev_init(&bk.qc);
    sv_kafka_qev_init(&bk.qp);
    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "b:G:evh", lopts, NULL)) != -1) {
        switch (opt) {
        case 'b': o.brokers = optarg; break;
        case 'G':
        case OPT_GROUP:
            if (!*optarg || strlen(optarg) > 255) {
                fprintf(stderr, "savant-book: --group: '%s' is not 1 to 255 bytes\n", optarg);
                goto out;
            }
            o.group = optarg;
            break;
        case 'e': o.exit_at_end = true; break;
        case 'v': o.verbose = true; break;
        case OPT_BOOKS:
            if (parse_books(&rules, optarg, errstr, sizeof(errstr))) {
                fprintf(stderr, "savant-book: %s\n", errstr);
                goto out;
            }
            break;
        case OPT_MAX_STAKE:
            if (parse_double(optarg, 0, 1e9, &rules.max_stake) || rules.max_stake <= 0) {
                fprintf(stderr, "savant-book: --max-stake: '%s' is not a number in (0, 1e9]\n",
                        optarg);
                goto out;
            }
            break;
        case OPT_REJECT_RATE:
            if (parse_double(optarg, 0, 1, &rules.reject_rate)) {
                fprintf(stderr, "savant-book: --reject-rate: '%s' is not a number in [0, 1]\n",
                        optarg);
                goto out;
            }
            break;
        case OPT_SEED:
            if (parse_u64(optarg, &rules.seed)) {
                fprintf(stderr, "savant-book: --seed: '%s' is not an unsigned 64-bit integer\n",
                        optarg);
                goto out;
            }
            break;
        case OPT_PRICE_MOVE:
            if (parse_int(optarg, 0, BOOK_PRICE_MOVE_MAX, &rules.price_move)) {
                fprintf(stderr, "savant-book: --price-move: '%s' is not an integer in [0, %d]\n",
                        optarg, BOOK_PRICE_MOVE_MAX);
                goto out;
            }
            break;
        case OPT_PRICE_MOVE_RATE:
            if (parse_double(optarg, 0, 1, &rules.price_move_rate)) {
                fprintf(stderr, "savant-book: --price-move-rate: '%s' is not a number in [0, 1]\n",
                        optarg);
                goto out;
            }
            break;
        case OPT_LATENCY:
            if (parse_int(optarg, 0, BOOK_LATENCY_MAX, &o.latency_ms)) {
                fprintf(stderr, "savant-book: --latency-ms: '%s' is not an integer in [0, %d]\n",
                        optarg, BOOK_LATENCY_MAX);
                goto out;
            }
            break;
        case 'h':
            usage(stdout);
            rc = 0;
            goto out;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "savant-book: unexpected argument '%s'\n", argv[optind]);
        goto out;
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-book")) >= 0)
        goto out;
    rc = 1;
    if (o.verbose)
        log_level_set(LOG_LVL_DEBUG);
    if (!o.brokers)
        o.brokers = cfg.kafka_brokers;
    if (rules.max_stake > 0) {
        int n = sv_fmt_decimal(rules.max_stake, rules.max_stake_str);
        if (n > 0)
            rules.max_stake_str[n] = '\0';
        else
            snprintf(rules.max_stake_str, sizeof(rules.max_stake_str), "%.17g", rules.max_stake);
    }

    bk.o = &o;
    bk.rules = &rules;
    snprintf(bk.topic_in, sizeof(bk.topic_in), "%splacements.v1", cfg.kafka_topic_prefix);
    snprintf(bk.topic_out, sizeof(bk.topic_out), "%splacement-results.v1", cfg.kafka_topic_prefix);
    if (!(bk.base = event_base_new())) {
        fprintf(stderr, "savant-book: cannot create the event loop\n");
        goto out;
    }
    if (o.latency_ms > 0) {
        struct timeval tv = {o.latency_ms / 1000, (o.latency_ms % 1000) * 1000};
        bk.hold_tv = event_base_init_common_timeout(bk.base, &tv);
        if (!bk.hold_tv) {
            fprintf(stderr, "savant-book: cannot set up the latency timer\n");
            goto out;
        }
    }
    bk.sig_int = evsignal_new(bk.base, SIGINT, book_on_signal, &bk);
    bk.sig_term = evsignal_new(bk.base, SIGTERM, book_on_signal, &bk);
    if (!bk.sig_int || !bk.sig_term || evsignal_add(bk.sig_int, NULL) ||
        evsignal_add(bk.sig_term, NULL)) {
        fprintf(stderr, "savant-book: cannot install the signal handlers\n");
        goto out;
    }
    if (book_start(&bk, &cfg, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-book: %s\n", errstr);
        goto out;
    }
    {
        char books[1024] = "all";
        size_t off = 0;
        for (size_t i = 0; i < rules.n_books && off < sizeof(books) - 1; i++)
            off += (size_t)snprintf(books + off, sizeof(books) - off, "%s%s", i ? "," : "",
                                    rules.books[i]);
        if (off >= sizeof(books))
            off = sizeof(books) - 1;
        LOG_INFO("book", "started",
                 "group=%s in=%s out=%s books=%s max_stake=%s reject_rate=%g seed=%" PRIu64
                 " price_move=%d price_move_rate=%g latency_ms=%d",
                 o.group, bk.topic_in, bk.topic_out, books,
                 rules.max_stake > 0 ? rules.max_stake_str : "none", rules.reject_rate, rules.seed,
                 rules.price_move, rules.price_move_rate, o.latency_ms);
    }
    event_base_dispatch(bk.base);
    rc = bk.rc;

out:
    book_close(&bk);
    if (bk.base) {
        LOG_INFO("book", "summary",
                 "consumed=%llu accepted=%llu moved=%llu rejected=%llu not_served=%llu "
                 "over_limit=%llu by_rate=%llu invalid=%llu delivered=%llu failed=%llu abandoned=%llu",
                 bk.n.consumed, bk.n.accepted, bk.n.moved, bk.n.rejected, bk.n.not_served,
                 bk.n.over_limit, bk.n.by_rate, bk.n.invalid, bk.n.delivered, bk.n.failed,
                 bk.n.abandoned);
        rc = rc ? rc : bk.rc;
        if (!rc && bk.forced && (bk.n.abandoned || bk.orphans))
            rc = 1; /* a forced exit left results unacknowledged */
    }
    if (bk.sig_int)
        event_free(bk.sig_int);
    if (bk.sig_term)
        event_free(bk.sig_term);
    if (bk.base)
        event_base_free(bk.base);
    free(rules.books_buf);
    return rc;
}
