/*
 * kin — Kafka input of the engine: group consumer on the loop, batches, the at-least-once
 * barrier between a batch's outputs and its offsets.
 */
#include "kin.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sv_kafka.h"
#include "sv_util.h"

#define KIN_PARTS_MAX 1024 /* partition numbers a changelog restore tracks */

struct kin {
    rd_kafka_t *rk;                          /* the consumer */
    sv_kafka_qev_t qev;                      /* its consumer queue on the loop */
    struct event *done_ev;                   /* runs kin_batch_complete outside any callback */
    kin_msg_cb *cb;                          /* per message */
    void *cb_arg;                            /* its argument */
    size_t batch_max;                        /* messages per batch */
    rd_kafka_topic_partition_list_t *batch;  /* next offsets of the batch in flight */
    size_t pending;                          /* outputs of the batch not yet acknowledged */
    bool in_flight;                          /* a batch is drained, waiting for its acks */
    bool stopping;                           /* kin_stop() called */
    rd_kafka_t *txn;                         /* exactly-once: the transactional producer */
    bool txn_open;                           /* a transaction is open for the batch */
    bool failed;                             /* a transaction failed: no more input */
    bool closed;                             /* kin_close() ran (even if it timed out) */
    unsigned long long consumed;             /* messages handed to cb */
    unsigned long long replayed;             /* messages re-read to rebuild state */
    const cfg_t *cfg;                        /* borrowed; outlives kin */
    char echo[256];                          /* output topic also re-read on recovery, or "" */
    kin_echo_done_cb *echo_done;             /* called after each recovery that re-read it */
    kin_echo_done_cb *recover_begin;         /* called before each re-read */
    kin_echo_done_cb *revoked;               /* called before partitions are released */
    char changelog[256];                     /* the state changelog topic, or "" */
    kin_gate_cb *gate;                       /* called after each batch with a changelog */
    rd_kafka_topic_partition_list_t *gated;  /* completed batches' offsets, not stored yet */
    unsigned restored[KIN_PARTS_MAX];        /* changelog records of partition p, last recovery */
    unsigned long long restored_total;       /* changelog records read */
    unsigned long long foreign_total;        /* changelog records of other groups passed by */
};

/* True when the last changelog read restored records of partition p: its input is not re-read. */
static bool kin_restored(const kin_t *ki, int32_t p)
{
    return ki->changelog[0] && p >= 0 && p < KIN_PARTS_MAX && ki->restored[p] > 0;
}

/* Records that offset `off` of topic/partition is done: the stored offset becomes off + 1. */
static void kin_batch_note(kin_t *ki, const char *topic, int32_t part, int64_t off)
{
    rd_kafka_topic_partition_t *tp =
        rd_kafka_topic_partition_list_find(ki->batch, topic, part);
    if (!tp)
        tp = rd_kafka_topic_partition_list_add(ki->batch, topic, part);
    if (off + 1 > tp->offset)
        tp->offset = off + 1;
}

/* Logs a transactional error and stops all input: the uncommitted transaction is aborted by
 * the coordinator and its outputs stay invisible to read_committed consumers; a restart resumes
 * from the last committed transaction. */
static void kin_txn_fail(kin_t *ki, const char *what, rd_kafka_error_t *error)
{
    LOG_ERROR("kin", "transaction_failed", "step=%s err=%s msg=\"%s\"", what,
              rd_kafka_error_name(error), rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
    ki->failed = true;
    ki->stopping = true;
}

/* Exactly-once: the batch's offsets join its transaction, which is then committed. Both calls
 * wait for the transaction coordinator (two round trips per batch): the one place the loop
 * waits, bounded by transaction.timeout.ms. */
static void kin_txn_commit(kin_t *ki)
{
    rd_kafka_consumer_group_metadata_t *cgmd = rd_kafka_consumer_group_metadata(ki->rk);
    rd_kafka_error_t *error = NULL;

    if (ki->batch->cnt > 0)
        error = rd_kafka_send_offsets_to_transaction(ki->txn, ki->batch, cgmd, -1);
    rd_kafka_consumer_group_metadata_destroy(cgmd);
    if (error) {
        kin_txn_fail(ki, "send_offsets", error);
        return;
    }
    error = rd_kafka_commit_transaction(ki->txn, -1);
    if (error) {
        kin_txn_fail(ki, "commit", error);
        return;
    }
    ki->txn_open = false;
}

/* Every output of the batch is acknowledged: store its offsets and allow the next batch. */
static void kin_batch_complete(kin_t *ki)
{
    if (ki->txn) {
        kin_txn_commit(ki);
        rd_kafka_topic_partition_list_destroy(ki->batch);
        ki->batch = rd_kafka_topic_partition_list_new(16);
    } else if (ki->gate) {
        for (int i = 0; i < ki->batch->cnt; i++) { /* offsets only grow within a batch list */
            const rd_kafka_topic_partition_t *b = &ki->batch->elems[i];
            rd_kafka_topic_partition_t *g =
                rd_kafka_topic_partition_list_find(ki->gated, b->topic, b->partition);
            if (!g)
                g = rd_kafka_topic_partition_list_add(ki->gated, b->topic, b->partition);
            if (b->offset > g->offset)
                g->offset = b->offset;
        }
        rd_kafka_topic_partition_list_destroy(ki->batch);
        ki->batch = rd_kafka_topic_partition_list_new(16);
        ki->in_flight = false;
        ki->gate(ki->cb_arg);
    } else if (ki->batch->cnt > 0) {
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(ki->rk, ki->batch);
        /* a partition revoked meanwhile refuses its offset: its next owner redoes the work */
        if (err)
            LOG_WARN("kin", "offsets_store_failed", "err=%s", rd_kafka_err2name(err));
        rd_kafka_topic_partition_list_destroy(ki->batch);
        ki->batch = rd_kafka_topic_partition_list_new(16);
    }
    ki->in_flight = false;
    if (!ki->stopping)
        sv_kafka_qev_wake(&ki->qev); /* messages may already wait: the pipe fires once */
}

static void kin_drain(kin_t *ki)
{
    size_t n = 0;

    if (ki->in_flight || ki->stopping)
        return;
    while (n < ki->batch_max) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ki->rk, 0);
        if (!m)
            break;
        if (ki->txn && !ki->txn_open && !m->err) {
            rd_kafka_error_t *error = rd_kafka_begin_transaction(ki->txn);
            if (error) {
                kin_txn_fail(ki, "begin", error);
                rd_kafka_message_destroy(m);
                return;
            }
            ki->txn_open = true;
        }
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                LOG_WARN("kin", "consume_error", "err=%s msg=\"%s\"", rd_kafka_err2name(m->err),
                         rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        ki->cb(m, false, ki->cb_arg);
        ki->consumed++;
        kin_batch_note(ki, rd_kafka_topic_name(m->rkt), m->partition, m->offset);
        rd_kafka_message_destroy(m);
        n++;
    }
    if (n == 0)
        return;
    ki->in_flight = true;
    if (ki->pending == 0)
        event_active(ki->done_ev, 0, 0);
}

static void kin_on_queue(void *arg)
{
    kin_drain(arg);
}

void kin_hold(kin_t *ki)
{
    ki->pending++;
}

/* Batch completion runs from its own event, never inside a librdkafka callback: the
 * transactional calls it makes must not be made from one (they would wait on themselves). */
static void kin_on_done(evutil_socket_t fd, short what, void *arg)
{
    kin_t *ki = arg;
    UNUSED(fd);
    UNUSED(what);
    if (ki->in_flight && ki->pending == 0)
        kin_batch_complete(ki);
}

void kin_lag_each(const kin_t *ki, kin_lag_fn *fn, void *arg)
{
    rd_kafka_topic_partition_list_t *parts = NULL;

    if (rd_kafka_assignment(ki->rk, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR || !parts)
        return;
    if (rd_kafka_position(ki->rk, parts) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        for (int i = 0; i < parts->cnt; i++) {
            const rd_kafka_topic_partition_t *tp = &parts->elems[i];
            int64_t lo = -1, hi = -1, pos;
            /* the high watermark of the last fetch response: cached, never a request */
            if (rd_kafka_get_watermark_offsets(ki->rk, tp->topic, tp->partition, &lo, &hi) !=
                    RD_KAFKA_RESP_ERR_NO_ERROR ||
                hi < 0)
                continue;
            pos = tp->offset >= 0 ? tp->offset : lo;
            if (pos < 0)
                continue;
            fn(arg, tp->topic, tp->partition, hi > pos ? hi - pos : 0);
        }
    }
    rd_kafka_topic_partition_list_destroy(parts);
}

void kin_begin_output(kin_t *ki)
{
    rd_kafka_error_t *error;
    if (ki->in_flight || !ki->txn || ki->failed)
        return;
    if (!ki->txn_open) {
        if ((error = rd_kafka_begin_transaction(ki->txn))) {
            kin_txn_fail(ki, "begin", error);
            return;
        }
        ki->txn_open = true;
    }
    ki->in_flight = true; /* a batch of no messages: completes (commits) when its outputs are acked */
}

void kin_release(kin_t *ki)
{
    SV_ASSERT(ki->pending > 0);
    if (--ki->pending == 0 && ki->in_flight)
        event_active(ki->done_ev, 0, 0);
}

void kin_stop(kin_t *ki)
{
    ki->stopping = true;
}

bool kin_idle(const kin_t *ki)
{
    return !ki->in_flight;
}

unsigned long long kin_replayed(const kin_t *ki)
{
    return ki->replayed;
}

void kin_set_echo(kin_t *ki, const char *topic, kin_echo_done_cb *done)
{
    snprintf(ki->echo, sizeof(ki->echo), "%s", topic);
    ki->echo_done = done;
}

void kin_set_recover(kin_t *ki, kin_echo_done_cb *begin)
{
    ki->recover_begin = begin;
}

void kin_set_revoke(kin_t *ki, kin_echo_done_cb *revoked)
{
    ki->revoked = revoked;
}

void kin_set_changelog(kin_t *ki, const char *topic, kin_gate_cb *gate)
{
    snprintf(ki->changelog, sizeof(ki->changelog), "%s", topic);
    ki->gate = gate;
    if (!ki->gated)
        ki->gated = rd_kafka_topic_partition_list_new(16);
}

rd_kafka_topic_partition_list_t *kin_gate_take(kin_t *ki)
{
    rd_kafka_topic_partition_list_t *t = ki->gated;
    ki->gated = rd_kafka_topic_partition_list_new(16);
    return t;
}

int kin_gate_held(const kin_t *ki)
{
    return ki->gated ? ki->gated->cnt : 0;
}

void kin_gate_store(kin_t *ki, rd_kafka_topic_partition_list_t *offsets)
{
    if (offsets->cnt > 0) {
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(ki->rk, offsets);
        /* a partition revoked meanwhile refuses its offset: its next owner redoes the work */
        if (err)
            LOG_WARN("kin", "offsets_store_failed", "err=%s", rd_kafka_err2name(err));
    }
    rd_kafka_topic_partition_list_destroy(offsets);
}

unsigned long long kin_restored_total(const kin_t *ki)
{
    return ki->restored_total;
}

unsigned long long kin_foreign_total(const kin_t *ki)
{
    return ki->foreign_total;
}

unsigned long long kin_consumed(const kin_t *ki)
{
    return ki->consumed;
}

/* One partition being re-read: its own queue (not forwarded to the consumer's), its next
 * message, and where to stop. */
typedef struct kin_rq {
    rd_kafka_queue_t *q;
    rd_kafka_message_t *head; /* the next message to hand over, or NULL */
    int64_t want;             /* input: stop before this offset (the committed one) */
    bool echo;                /* the echo topic: read to its end, not merged */
    bool done;
} kin_rq_t;

/* Fills rq's head (waiting for it), or marks rq done: at the committed offset, at the
 * partition's end, or on an error. Messages of the echo topic are handed over at once. */
static void kin_rq_fill(kin_t *ki, kin_rq_t *rq)
{
    while (!rq->done && !rq->head) {
        rd_kafka_message_t *m = rd_kafka_consume_queue(rq->q, 1000);
        if (!m)
            continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                LOG_WARN("kin", rq->echo ? "echo_error" : "replay_error", "topic=%s part=%d err=%s",
                         m->rkt ? rd_kafka_topic_name(m->rkt) : "", (int)m->partition,
                         rd_kafka_err2name(m->err));
            /* at the end; an echo error (no such partition) gives up on it, an input error is
             * retried by librdkafka and waited for */
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF || rq->echo)
                rq->done = true;
        } else if (rq->echo) {
            ki->cb(m, true, ki->cb_arg);
        } else if (m->offset >= rq->want) {
            rq->done = true;
        } else {
            rq->head = m;
            continue;
        }
        rd_kafka_message_destroy(m);
    }
}

/* A group-less consumer for re-reading (librdkafka wants a group.id even for assign(); it never
 * joins or commits), or NULL with errstr filled. */
static rd_kafka_t *kin_reader_new(kin_t *ki, char *errstr, size_t errstr_size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    char gid[300];

    snprintf(gid, sizeof(gid), "%s.replay", ki->cfg->kafka_group);
    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", ki->cfg->kafka_brokers, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-engine-replay", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "group.id", gid, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "fetch.wait.max.ms", "10", errstr, errstr_size)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size)))
        rd_kafka_conf_destroy(conf);
    return rk;
}

/* Opens a reader of from (its partitions assigned, each served from its own queue, created
 * before any fetch can report on it: an end reported earlier would go to the consumer's queue,
 * never read): *rkp, and *rqsp with from->cnt entries. Close with kin_reader_close(), also on
 * an error (then errstr says what). */
static sv_err_t kin_reader_open(kin_t *ki, const rd_kafka_topic_partition_list_t *from,
                                rd_kafka_t **rkp, kin_rq_t **rqsp, char *errstr,
                                size_t errstr_size)
{
    if (!(*rkp = kin_reader_new(ki, errstr, errstr_size)))
        return SV_ERR_KAFKA;
    if (!(*rqsp = calloc((size_t)from->cnt, sizeof(**rqsp)))) {
        snprintf(errstr, errstr_size, "out of memory");
        return SV_ERR_NOMEM;
    }
    if (rd_kafka_assign(*rkp, from)) {
        snprintf(errstr, errstr_size, "cannot assign the partitions to read");
        return SV_ERR_KAFKA;
    }
    for (int i = 0; i < from->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &from->elems[i];
        if (!((*rqsp)[i].q = rd_kafka_queue_get_partition(*rkp, tp->topic, tp->partition))) {
            snprintf(errstr, errstr_size, "no queue for %.200s [%d]", tp->topic,
                     (int)tp->partition);
            return SV_ERR_KAFKA;
        }
        rd_kafka_queue_forward((*rqsp)[i].q, NULL);
    }
    return SV_OK;
}

static void kin_reader_close(rd_kafka_t *rk, kin_rq_t *rqs, int cnt)
{
    for (int i = 0; rqs && i < cnt; i++) {
        if (rqs[i].head)
            rd_kafka_message_destroy(rqs[i].head);
        if (rqs[i].q)
            rd_kafka_queue_destroy(rqs[i].q);
    }
    free(rqs);
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
}

/*
 * Re-reads parts (offsets: the group's committed ones) from the beginning up to those offsets
 * with a group-less consumer, handing each message to the callback as a replay. The input
 * partitions are merged by message timestamp (ties: the order of parts), so the topics of one
 * partition are re-applied in the order they were produced — the order a caught-up engine first
 * read them in — not topic by topic (decision 0014).
 * @returns SV_OK, or SV_ERR_KAFKA when the re-read could not be done (logged).
 */
static sv_err_t kin_replay(kin_t *ki, const rd_kafka_topic_partition_list_t *parts)
{
    rd_kafka_topic_partition_list_t *from = rd_kafka_topic_partition_list_new(parts->cnt);
    rd_kafka_t *rk = NULL;
    kin_rq_t *rqs = NULL;
    char errstr[256];
    int inputs;
    sv_err_t rc = SV_ERR_KAFKA;

    for (int i = 0; i < parts->cnt; i++)
        if (parts->elems[i].offset > 0 && !kin_restored(ki, parts->elems[i].partition))
            rd_kafka_topic_partition_list_add(from, parts->elems[i].topic,
                                              parts->elems[i].partition)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
    inputs = from->cnt;
    /* the echo topic: the same partition numbers (of partitions re-read or restored), each read
     * to its end */
    for (int i = 0; ki->echo[0] && i < parts->cnt; i++)
        if ((parts->elems[i].offset > 0 || kin_restored(ki, parts->elems[i].partition)) &&
            !rd_kafka_topic_partition_list_find(from, ki->echo, parts->elems[i].partition))
            rd_kafka_topic_partition_list_add(from, ki->echo, parts->elems[i].partition)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
    if (from->cnt == 0) {
        rc = SV_OK;
        goto out;
    }
    if (kin_reader_open(ki, from, &rk, &rqs, errstr, sizeof(errstr)) != SV_OK)
        goto fail;
    for (int i = 0; i < from->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &from->elems[i];
        rqs[i].echo = i >= inputs;
        rqs[i].want = rqs[i].echo ? INT64_MAX
                                  : rd_kafka_topic_partition_list_find(
                                        (rd_kafka_topic_partition_list_t *)parts, tp->topic,
                                        tp->partition)->offset;
    }
    for (int i = inputs; i < from->cnt; i++) /* the echo: read through first, order is moot */
        kin_rq_fill(ki, &rqs[i]);
    for (;;) {
        kin_rq_t *next = NULL;
        int64_t next_ts = 0;
        rd_kafka_timestamp_type_t tstype;

        for (int i = 0; i < inputs; i++) {
            kin_rq_t *rq = &rqs[i];
            int64_t ts;
            kin_rq_fill(ki, rq);
            if (!rq->head)
                continue;
            ts = rd_kafka_message_timestamp(rq->head, &tstype);
            if (!next || ts < next_ts) {
                next = rq;
                next_ts = ts;
            }
        }
        if (!next)
            break;
        ki->cb(next->head, true, ki->cb_arg);
        ki->replayed++;
        if (next->head->offset + 1 >= next->want)
            next->done = true;
        rd_kafka_message_destroy(next->head);
        next->head = NULL;
    }
    rc = SV_OK;
    goto out;
fail:
    LOG_ERROR("kin", "replay_failed", "msg=\"%s\"", errstr);
out:
    kin_reader_close(rk, rqs, from->cnt);
    rd_kafka_topic_partition_list_destroy(from);
    return rc;
}

/* A changelog record of this engine's group: its key is "GROUP|event_id" (engine/clog.c).
 * Groups sharing the topic each read only their own; a record of another group, or one written
 * before the key had the group, is passed by. */
static bool kin_own_record(const kin_t *ki, const rd_kafka_message_t *m)
{
    size_t n = strlen(ki->cfg->kafka_group);
    return m->key && m->key_len > n && ((const char *)m->key)[n] == '|' &&
           memcmp(m->key, ki->cfg->kafka_group, n) == 0;
}

/*
 * The changelog: its partitions with the partition numbers of parts, each read from its
 * beginning to its end, every record handed to the callback as a replay; ki->restored[p] counts
 * the records of partition p. @returns SV_OK, or SV_ERR_KAFKA (logged; some records may have
 * been handed over: the caller forgets them and re-reads the input instead).
 */
static sv_err_t kin_read_changelog(kin_t *ki, const rd_kafka_topic_partition_list_t *parts)
{
    rd_kafka_topic_partition_list_t *from = rd_kafka_topic_partition_list_new(parts->cnt);
    rd_kafka_t *rk = NULL;
    kin_rq_t *rqs = NULL;
    char errstr[256];
    sv_err_t rc = SV_ERR_KAFKA;

    memset(ki->restored, 0, sizeof(ki->restored));
    for (int i = 0; i < parts->cnt; i++)
        if (!rd_kafka_topic_partition_list_find(from, ki->changelog, parts->elems[i].partition))
            rd_kafka_topic_partition_list_add(from, ki->changelog, parts->elems[i].partition)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (from->cnt == 0) {
        rc = SV_OK;
        goto out;
    }
    if (kin_reader_open(ki, from, &rk, &rqs, errstr, sizeof(errstr)) != SV_OK)
        goto fail;
    for (int i = 0; i < from->cnt; i++) {
        kin_rq_t *rq = &rqs[i];
        int32_t p = from->elems[i].partition;
        while (!rq->done) {
            rd_kafka_message_t *m = rd_kafka_consume_queue(rq->q, 1000);
            if (!m)
                continue;
            if (m->err) {
                /* at its end; on an error (no such topic) the whole restore is given up and
                 * the input re-read instead (kin_rebalance): slower, never wrong */
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    snprintf(errstr, sizeof(errstr), "partition %d: %s", (int)p,
                             rd_kafka_err2name(m->err));
                    rd_kafka_message_destroy(m);
                    goto fail;
                }
                rq->done = true;
            } else if (!kin_own_record(ki, m)) {
                ki->foreign_total++; /* another group's record (it keeps its own) */
            } else {
                ki->cb(m, true, ki->cb_arg);
                if (p >= 0 && p < KIN_PARTS_MAX)
                    ki->restored[p]++;
                ki->restored_total++;
            }
            rd_kafka_message_destroy(m);
        }
    }
    rc = SV_OK;
    goto out;
fail:
    LOG_WARN("kin", "changelog_failed", "msg=\"%s\" then=re-read", errstr);
out:
    kin_reader_close(rk, rqs, from->cnt);
    rd_kafka_topic_partition_list_destroy(from);
    return rc;
}

/* Rebalancing (eager: the range assignor, so partition p of every input topic has one owner;
 * cooperative protocols are handled too): the assigned partitions are forgotten by the engine and
 * re-read up to their committed offsets (kin_replay) before consumption starts; revoked ones are
 * released. */
static void kin_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    kin_t *ki = opaque;
    rd_kafka_error_t *error = NULL;
    bool coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;

    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_topic_partition_list_t *committed = rd_kafka_topic_partition_list_copy(parts);
        rd_kafka_resp_err_t cerr = rd_kafka_committed(rk, committed, 10000);
        if (cerr) {
            LOG_ERROR("kin", "committed_failed", "err=%s", rd_kafka_err2name(cerr));
            ki->failed = true;
            ki->stopping = true;
        } else {
            if (ki->recover_begin)
                ki->recover_begin(ki->cb_arg, committed);
            if (ki->changelog[0] && kin_read_changelog(ki, committed) != SV_OK) {
                /* slower, never wrong: forget what was restored and re-read the input */
                memset(ki->restored, 0, sizeof(ki->restored));
                if (ki->recover_begin)
                    ki->recover_begin(ki->cb_arg, committed);
            }
            if (kin_replay(ki, committed) != SV_OK) {
                ki->failed = true;
                ki->stopping = true;
            } else if (ki->echo_done) {
                ki->echo_done(ki->cb_arg, committed);
            }
        }
        rd_kafka_topic_partition_list_destroy(committed);
        LOG_INFO("kin", "assigned", "partitions=%d replayed=%llu restored=%llu", parts->cnt,
                 ki->replayed, ki->restored_total);
        if (coop)
            error = rd_kafka_incremental_assign(rk, parts);
        else if ((err = rd_kafka_assign(rk, parts)))
            LOG_ERROR("kin", "assign_failed", "err=%s", rd_kafka_err2name(err));
    } else {
        LOG_INFO("kin", "revoked", "partitions=%d", parts->cnt);
        if (ki->revoked)
            ki->revoked(ki->cb_arg, parts);
        /* offsets held back for a changelog flush that will not come for these partitions:
         * their next owner (maybe this engine again) starts from the committed ones */
        for (int i = 0; ki->gated && i < parts->cnt; i++) {
            const rd_kafka_topic_partition_t *tp = &parts->elems[i];
            rd_kafka_topic_partition_list_del(ki->gated, tp->topic, tp->partition);
            /* likewise a batch still in flight: once complete, its offsets of these partitions
             * would go to the gate and be stored after a re-assignment, past the rebuilt state */
            if (!ki->txn)
                rd_kafka_topic_partition_list_del(ki->batch, tp->topic, tp->partition);
        }
        if (coop)
            error = rd_kafka_incremental_unassign(rk, parts);
        else
            rd_kafka_assign(rk, NULL);
    }
    if (error) {
        LOG_ERROR("kin", "rebalance_failed", "err=%s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
}

kin_t *kin_new(struct event_base *base, const cfg_t *cfg, const char *const *topics,
               size_t topic_cnt, size_t batch_max, rd_kafka_t *txn, kin_msg_cb *cb, void *arg,
               char *errstr, size_t errstr_size)
{
    kin_t *ki = calloc(1, sizeof(*ki));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *sub = NULL;
    char num[32];

    if (!ki) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    sv_kafka_qev_init(&ki->qev);
    ki->cb = cb;
    ki->cb_arg = arg;
    ki->batch_max = batch_max;
    ki->txn = txn;
    ki->cfg = cfg;
    ki->batch = rd_kafka_topic_partition_list_new(16);
    sv_kafka_conf_set_log(conf);
    snprintf(num, sizeof(num), "%" PRId64, (int64_t)cfg->kafka_commit_interval_ms);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", cfg->kafka_brokers, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-engine", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "group.id", cfg->kafka_group, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "enable.auto.offset.store", "false", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "enable.auto.commit", txn ? "false" : "true", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "isolation.level", "read_committed", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "auto.commit.interval.ms", num, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "partition.assignment.strategy", "range", errstr, errstr_size))
        goto fail;
    snprintf(num, sizeof(num), "%" PRId64, (int64_t)cfg->kafka_fetch_wait_max_ms);
    if (sv_kafka_conf_set(conf, "fetch.wait.max.ms", num, errstr, errstr_size))
        goto fail;
    snprintf(num, sizeof(num), "%" PRId64, (int64_t)cfg->kafka_session_timeout_ms);
    if (sv_kafka_conf_set(conf, "session.timeout.ms", num, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "heartbeat.interval.ms",
              cfg->kafka_session_timeout_ms >= 3000 ? "1000" : "300", errstr, errstr_size))
        goto fail;
    rd_kafka_conf_set_rebalance_cb(conf, kin_rebalance);
    rd_kafka_conf_set_opaque(conf, ki);
    ki->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size);
    if (!ki->rk)
        goto fail;
    conf = NULL;
    rd_kafka_poll_set_consumer(ki->rk);
    sub = rd_kafka_topic_partition_list_new((int)topic_cnt);
    for (size_t i = 0; i < topic_cnt; i++)
        rd_kafka_topic_partition_list_add(sub, topics[i], RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(ki->rk, sub)) {
        snprintf(errstr, errstr_size, "cannot subscribe to the input topics");
        goto fail;
    }
    ki->done_ev = event_new(base, -1, 0, kin_on_done, ki);
    if (!ki->done_ev) {
        snprintf(errstr, errstr_size, "cannot create the batch event");
        goto fail;
    }
    if (sv_kafka_qev_start(&ki->qev, base, rd_kafka_queue_get_consumer(ki->rk), kin_on_queue, ki,
                           errstr, errstr_size) != SV_OK)
        goto fail;
    rd_kafka_topic_partition_list_destroy(sub);
    return ki;
fail:
    if (sub)
        rd_kafka_topic_partition_list_destroy(sub);
    if (conf)
        rd_kafka_conf_destroy(conf);
    kin_free(ki);
    return NULL;
}

bool kin_failed(const kin_t *ki)
{
    return ki->failed;
}

/* Exactly-once, at close: the batch in flight did not complete (shutdown deadline, failed step),
 * so its transaction is aborted now instead of being left to the coordinator, which would hold
 * read_committed readers of the outputs back until transaction.timeout.ms. Its outputs still
 * queued are purged. Bounded by timeout_ms: with the coordinator unreachable the abort gives up
 * and the coordinator aborts the transaction when it times out. */
static void kin_txn_abort(kin_t *ki, int timeout_ms)
{
    rd_kafka_error_t *error = rd_kafka_abort_transaction(ki->txn, timeout_ms);

    ki->txn_open = false;
    if (error) {
        LOG_WARN("kin", "transaction_abort_failed", "err=%s msg=\"%s\"", rd_kafka_error_name(error),
                 rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return;
    }
    LOG_WARN("kin", "transaction_aborted", "msg=\"batch in flight not completed at close\"");
}

sv_err_t kin_close(kin_t *ki, int timeout_ms)
{
    sv_err_t rc = ki->failed ? SV_ERR_KAFKA : SV_OK;
    rd_kafka_queue_t *q = rd_kafka_queue_new(ki->rk);
    rd_kafka_error_t *error;
    int waited = 0;

    if (ki->txn_open) {
        kin_txn_abort(ki, timeout_ms / 2);
        waited = timeout_ms / 2; /* at most: the rest is for leaving the group */
        if (rc == SV_OK)
            rc = SV_ERR_TIMEOUT;
    }
    /* At-least-once: commit the stored offsets; leaving the group waits for the commit. With
     * exactly-once they were committed with each transaction. */
    if (!ki->txn) {
        rd_kafka_resp_err_t err = rd_kafka_commit(ki->rk, NULL, 1 /* async */);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
            LOG_ERROR("kin", "commit_failed", "err=%s", rd_kafka_err2name(err));
            rc = SV_ERR_KAFKA;
        }
    }
    error = rd_kafka_consumer_close_queue(ki->rk, q);
    if (error) {
        LOG_ERROR("kin", "close_failed", "err=%s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        rc = SV_ERR_KAFKA;
    } else {
        while (!rd_kafka_consumer_closed(ki->rk) && waited < timeout_ms) {
            rd_kafka_event_t *rkev = rd_kafka_queue_poll(q, 100);
            if (rkev) {
                if (rd_kafka_event_type(rkev) == RD_KAFKA_EVENT_REBALANCE) {
                    /* leaving: release what is revoked (cooperative) or everything */
                    rd_kafka_error_t *uerr = NULL;
                    if (strcmp(rd_kafka_rebalance_protocol(ki->rk), "COOPERATIVE") == 0)
                        uerr = rd_kafka_incremental_unassign(
                            ki->rk, rd_kafka_event_topic_partition_list(rkev));
                    else
                        rd_kafka_assign(ki->rk, NULL);
                    if (uerr)
                        rd_kafka_error_destroy(uerr);
                }
                rd_kafka_event_destroy(rkev);
            }
            waited += 100;
        }
        if (!rd_kafka_consumer_closed(ki->rk)) {
            LOG_WARN("kin", "close_timeout", "waited_ms=%d", waited); /* offsets may be redone */
            rc = SV_ERR_TIMEOUT;
        }
    }
    rd_kafka_queue_destroy(q);
    ki->closed = true;
    return rc;
}

void kin_free(kin_t *ki)
{
    if (!ki)
        return;
    sv_kafka_qev_stop(&ki->qev);
    if (ki->done_ev)
        event_free(ki->done_ev);
    if (ki->rk) /* after kin_close, never block again on the group */
        rd_kafka_destroy_flags(ki->rk, ki->closed ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0);
    if (ki->batch)
        rd_kafka_topic_partition_list_destroy(ki->batch);
    if (ki->gated)
        rd_kafka_topic_partition_list_destroy(ki->gated);
    free(ki);
}
