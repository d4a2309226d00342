/*
 * clog — the engine's side of the state changelog `savant.state.v1` (issue 9 item 1, decision
 * 0015): which games the input changed, where in the input the engine is, writing their records
 * (engine/snap.h) at a cadence and storing the input offsets only once the records covering them
 * are acknowledged, and restoring records on an assignment.
 *
 * Writing. After a live input of odds, games or context is applied, eng_clog_applied() notes the
 * game as changed and the input's position. A flush — every state.flush_ms, taken when no batch is
 * in flight (kin's gate: every message consumed so far is applied and its outputs acknowledged) —
 * writes one record per changed game to the changelog partition of the game's input partition,
 * then stores the offsets of the batches completed before it (kin_gate_store) when every record
 * is acknowledged. So a committed offset is always covered by records at or after it.
 *
 * Restoring. On an assignment kin reads the changelog partitions to their end; each record
 * (eng_clog_restore) replaces its game's state and remembers the record's position `at`.
 * Consumption resumes at the committed offsets, which may be before `at` (a flush acknowledged,
 * its offsets not committed yet): an input of a restored game before its `at` is already in the
 * state and its outputs were acknowledged before the record was written, so eng_clog_skip() tells
 * the engine to pass it by (no state change, no output). Input from `at` on is applied as usual.
 *
 * Owned by the loop thread. The hot path (applied, skip) allocates only when a game or partition
 * is seen for the first time.
 */
#ifndef SV_ENG_CLOG_H
#define SV_ENG_CLOG_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdint.h>

#include "ai.h"
#include "kin.h"
#include "kout.h"
#include "market.h"
#include "sv_err.h"

/* The input topics whose messages change a game's state (odds, games, context), by index. */
#define ENG_CLOG_INPUTS 3

typedef struct eng_clog eng_clog_t;

/* Counters for /metrics. */
typedef struct eng_clog_stats {
    unsigned long long flushes;           /* flushes that wrote records */
    unsigned long long records_written;   /* records produced */
    unsigned long long records_acked;     /* of them and the tombstones acknowledged */
    unsigned long long tombstones_written; /* tombstones produced (retired games) */
    unsigned long long tombstones_read;   /* tombstones read on assignments */
    unsigned long long bytes_written;     /* their values' bytes */
    unsigned long long records_restored;  /* records applied on assignments */
    unsigned long long records_invalid;   /* records that could not be applied (logged) */
    unsigned long long skipped;           /* inputs passed by: already in a restored record */
    double restore_seconds;               /* wall time of the last restore's record reading */
    size_t dirty;                         /* games changed since their last record */
    size_t in_flight;                     /* flushes whose records are not all acknowledged */
} eng_clog_stats_t;

/**
 * @brief A changelog writer/restorer.
 * @param topic the changelog topic (prefix + state.v1); @param inputs the full names of the
 *        odds, games and context topics (ENG_CLOG_INPUTS, in that order)
 * @param group the consumer group (kafka.group): a record's key is "GROUP|event_id", so groups
 *        sharing the topic keep their own records through compaction (kin reads only its own)
 * @param flush_ms the cadence (state.flush_ms)
 * @returns the object, or NULL (out of memory). All pointers are borrowed and outlive it.
 */
eng_clog_t *eng_clog_new(eng_state_t *st, eng_ai_t *ai, kin_t *kin, kout_t *kout,
                         const char *topic, const char *const inputs[ENG_CLOG_INPUTS],
                         const char *group, int64_t flush_ms);
void eng_clog_free(eng_clog_t *c);

/** @brief The input index (0 odds, 1 games, 2 context) of topic, or -1. */
int eng_clog_input(const eng_clog_t *c, const char *topic);

/**
 * @brief Should live input m (input index `in`) of game event_id be passed by? True when the
 *        game was restored from a record taken after m. Cheap when nothing was restored.
 */
bool eng_clog_skip(eng_clog_t *c, const rd_kafka_message_t *m, int in, const char *event_id);

/**
 * @brief Live input m (input index `in`) was applied; g is the game it changed, or NULL (a
 *        global context record, or nothing changed). Also records the partition's event time ts.
 * @returns SV_OK or SV_ERR_NOMEM.
 */
sv_err_t eng_clog_applied(eng_clog_t *c, const rd_kafka_message_t *m, int in, eng_game_t *g,
                          int64_t ts);

/** @brief kin's gate: a batch completed. Flushes when one is due. */
void eng_clog_gate(eng_clog_t *c);

/** @brief Periodic: a flush is due; done now when no batch is in flight. */
void eng_clog_tick(eng_clog_t *c);

/** @brief Flush now if no batch is in flight (shutdown: the last records). */
void eng_clog_flush_now(eng_clog_t *c);

/**
 * @brief Flush now, a batch in flight or not: only when every output produced so far is
 *        acknowledged (a revoke, after kout_flush), so no record covers an input whose outputs
 *        could still be lost. The partitions' next owner restores what this engine applied and
 *        consumes nothing of it again, even when the offsets cannot be committed any more.
 */
void eng_clog_flush_acked(eng_clog_t *c);

/** @brief The delivery report of a record (the opaque it was produced with). */
void eng_clog_ack(eng_clog_t *c, void *opaque, rd_kafka_resp_err_t err);

/** @brief True when opaque is one of the changelog's (a record's delivery report). */
bool eng_clog_owns(const eng_clog_t *c, const void *opaque);

/**
 * @brief A changelog record read on an assignment: applied to the state (eng_snap_restore), its
 *        position kept for eng_clog_skip(). *g the game (NULL when not applied). A tombstone
 *        (null value) of a game this restore brought back: *g that game and *gone true.
 * @returns SV_OK (also for a record that cannot be applied: counted and logged, the rest
 *          continue), or SV_ERR_NOMEM (the engine stops).
 */
sv_err_t eng_clog_restore(eng_clog_t *c, const rd_kafka_message_t *m, eng_game_t **g,
                          bool *gone);

/**
 * @brief Game g is about to be retired (eng_state_retire_game()): its pending record and restored
 *        position are forgotten, and with tombstone a tombstone for its key goes out with the
 *        next flush (before the offsets it covers are stored), so the changelog's compaction
 *        drops its records and no restore brings it back. A tombstone read on a restore, after
 *        a record of the game, sets eng_clog_restore()'s *gone: the caller retires the game.
 * @returns SV_OK or SV_ERR_NOMEM (nothing changed).
 */
sv_err_t eng_clog_retire(eng_clog_t *c, const eng_game_t *g, bool tombstone);

/**
 * @brief Partitions parts (a mask of partition numbers, mask[p] != 0) are being rebuilt or
 *        leave this engine: forget their games' pending records and restored positions.
 */
void eng_clog_forget(eng_clog_t *c, const uint8_t *mask, size_t mask_len);

/**
 * @brief Was input topic/part/offset of game event_id applied before this engine's state of the
 *        game was taken? *known is false when no restored position says (then the caller decides
 *        by the committed offsets).
 */
bool eng_clog_before(const eng_clog_t *c, const char *event_id, const char *topic, int64_t offset,
                     bool *known);

/** @brief Games restored since the last call, by index (for the engine to re-score them). */
const uint32_t *eng_clog_restored(const eng_clog_t *c, size_t *cnt);
void eng_clog_restored_clear(eng_clog_t *c);

/** @brief The event time of partition part as of the latest record restored of it, or 0. */
int64_t eng_clog_pnow(const eng_clog_t *c, int32_t part);

void eng_clog_stats(const eng_clog_t *c, eng_clog_stats_t *out);

#endif
