/*
 * kin — the engine's Kafka input: a consumer-group member whose queue wakes the libevent loop
 * (rd_kafka_queue_io_event_enable on a pipe; no polling thread, no timer while idle), drained in
 * batches with an at-least-once barrier.
 *
 * A batch is up to batch_max messages drained without blocking; each is handed to the message
 * callback. While the callback produces outputs it calls kin_hold() once per output, and each
 * output's delivery report calls kin_release(). When the batch is drained and every output is
 * acknowledged, the offsets after the batch's messages are stored (auto-commit writes them to the
 * group every kafka.commit_interval_ms), and the next batch starts. So an offset is never
 * committed before every output of its message is acknowledged (DESIGN.md §6).
 *
 * State recovery: when partitions are assigned (at start, or taken over from another engine),
 * kin first re-reads each of them from its beginning up to the group's committed offset with a
 * separate, group-less consumer, handing every message to the callback with replay = true, and
 * only then starts consuming them. The state is thus what it was when those offsets were
 * committed, so work redone after a crash gives the same bytes. This blocks the loop for the
 * length of the re-read (once per assignment); the state changelog (savant.state.v1) will
 * replace it.
 *
 * Exactly-once (kafka.exactly_once): each batch is one Kafka transaction of the transactional
 * producer — begun before the batch's first message, and once every output is acknowledged the
 * batch's offsets are sent to it (send_offsets_to_transaction) and it is committed. Auto-commit is
 * off and the consumer reads with isolation.level=read_committed. A transactional error stops
 * the input (kin_failed()); a restart resumes from the last committed transaction.
 */
#ifndef SV_KIN_H
#define SV_KIN_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <librdkafka/rdkafka.h>

#include "cfg.h"
#include "sv_err.h"

typedef struct kin kin_t;

/*
 * Called on the loop for each consumed message; m is borrowed until the callback returns.
 * replay: the message is re-read to rebuild state after a partition was assigned (see
 * kin_new): apply it, emit nothing (its outputs were emitted when it was first handled).
 */
typedef void (kin_msg_cb)(const rd_kafka_message_t *m, bool replay, void *arg);

/**
 * @brief Join group kafka.group, subscribe to the topics and attach to base.
 * @param topics full topic names, borrowed for the call
 * @param txn exactly-once mode: the transactional producer (borrowed, outlives kin); NULL for
 *            at-least-once
 * @returns the consumer, or NULL with errstr filled. Caller frees with kin_free().
 * @locality main loop
 */
kin_t *kin_new(struct event_base *base, const cfg_t *cfg, const char *const *topics,
               size_t topic_cnt, size_t batch_max, rd_kafka_t *txn, kin_msg_cb *cb, void *arg,
               char *errstr, size_t errstr_size);

/* Called on the loop when a recovery (the re-read after an assignment) has ended; parts: the
 * input partitions it re-read (borrowed for the call). */
typedef void (kin_echo_done_cb)(void *arg, const rd_kafka_topic_partition_list_t *parts);

/**
 * @brief Also re-read topic — an output of the engine, e.g. savant.signals.v1, keyed like the
 *        inputs so its partition p belongs with input partition p — on every recovery: for each
 *        partition number re-read, the topic's partition from its beginning to its end, each
 *        message handed to the callback with replay = true (its topic tells it apart). done(arg,
 *        parts) follows every recovery, once the re-read is complete, before
 *        consumption resumes: the engine reconciles what it rebuilt with what it had said.
 *        Call before the loop runs. @locality main loop
 */
void kin_set_echo(kin_t *ki, const char *topic, kin_echo_done_cb *done);

/**
 * @brief begin(arg, parts) is called on every assignment, before the re-read, with the input
 *        partitions assigned (borrowed for the call): the engine forgets what it holds of them
 *        (it may have held them before, and more of their input than the committed offsets
 *        cover), so the re-read rebuilds their state as a first read would (decision 0014).
 *        Call before the loop runs. @locality main loop
 */
void kin_set_recover(kin_t *ki, kin_echo_done_cb *begin);

/** @brief revoked(arg, parts) is called when partitions are taken away, before they are
 *         released. Call before the loop runs. @locality main loop */
void kin_set_revoke(kin_t *ki, kin_echo_done_cb *revoked);

/**
 * @brief Use a state changelog (at-least-once mode; decision 0015):
 *        - on every assignment, before anything else is re-read, the changelog's partitions with
 *          the assigned partition numbers are read from their beginning to their end, each message
 *          handed to the message callback with replay = true (its topic tells it apart); the
 *          inputs are then re-read only for assigned partitions whose changelog partition held no
 *          record (a changelog started late) — never from the beginning otherwise;
 *        - a completed batch's offsets are not stored: they accumulate until
 *          kin_gate_take(), and gate(arg) is called after each batch completes, when every
 *          message consumed so far has been applied and all its outputs acknowledged (the state
 *          is exactly that of the offsets taken).
 *        Call before the loop runs. @locality main loop
 */
typedef void(kin_gate_cb)(void *arg);
void kin_set_changelog(kin_t *ki, const char *topic, kin_gate_cb *gate);

/**
 * @brief The offsets of the batches completed since the last call (caller owns the list; an empty
 *        list when none). Store them with kin_gate_store() once what covers them is durable.
 * @locality main loop
 */
rd_kafka_topic_partition_list_t *kin_gate_take(kin_t *ki);

/** @brief Partitions whose completed offsets are held back for the next flush. */
int kin_gate_held(const kin_t *ki);

/** @brief Store offsets taken by kin_gate_take() (committed by the next auto-commit) and free
 *         the list. @locality main loop */
void kin_gate_store(kin_t *ki, rd_kafka_topic_partition_list_t *offsets);

/** @brief One more output of the current batch awaits acknowledgement. @locality main loop */
void kin_hold(kin_t *ki);

/**
 * @brief An output is about to be produced outside the handling of a message (a REST click's
 *        placement, a resend, a grade after a database answer). Exactly-once: when no batch is
 *        in flight, starts one with no messages — its transaction is begun here and committed
 *        once the outputs held meanwhile are acknowledged — so the output has a transaction to
 *        join. At-least-once, or a batch in flight: nothing. Call before kin_hold().
 * @locality main loop
 */
void kin_begin_output(kin_t *ki);

/** @brief An output of the current batch was acknowledged. @locality main loop */
void kin_release(kin_t *ki);

/**
 * @brief Stop taking new batches; the batch in flight still completes and stores its offsets.
 * @locality main loop
 */
void kin_stop(kin_t *ki);

/** @brief True when no batch is in flight (after kin_stop: safe to close). */
bool kin_idle(const kin_t *ki);

/** @brief True after a transaction failed (exactly-once): input stopped, exit non-zero. */
bool kin_failed(const kin_t *ki);

/* Receives one assigned partition's lag: messages after the consumer's position. */
typedef void(kin_lag_fn)(void *arg, const char *topic, int32_t partition, int64_t lag);

/**
 * @brief The consumer lag of every assigned partition whose position and high watermark are
 *        known: high watermark (as of the last fetch, cached by librdkafka) - position. Never
 *        blocks (no request to the broker). @locality main loop
 */
void kin_lag_each(const kin_t *ki, kin_lag_fn *fn, void *arg);

/** @brief Messages re-read to rebuild state so far. */
unsigned long long kin_replayed(const kin_t *ki);

/** @brief Changelog records read to restore state so far. */
unsigned long long kin_restored_total(const kin_t *ki);

/** @brief Changelog records of other consumer groups passed by (their key is not "GROUP|…"). */
unsigned long long kin_foreign_total(const kin_t *ki);

/** @brief Messages consumed so far. */
unsigned long long kin_consumed(const kin_t *ki);

/**
 * @brief Commit the stored offsets and leave the group, waiting at most timeout_ms in all
 * (blocks: shutdown only). Exactly-once: a transaction still open (the batch in flight did not
 * complete) is aborted first, within half of timeout_ms, and its queued outputs are purged.
 * @returns SV_OK; SV_ERR_TIMEOUT when a transaction had to be aborted or the group was not left
 * in time; SV_ERR_KAFKA after a failure (all logged).
 * @locality main loop, after it stopped
 */
sv_err_t kin_close(kin_t *ki, int timeout_ms);

/** @brief Detach from the loop and destroy the consumer. Accepts NULL. */
void kin_free(kin_t *ki);

#endif
