/*
 * retire — when the engine forgets an ended game (decision 0016): a game that reached a terminal
 * status (final, cancelled) is retired once its partition's event time has passed the end by
 * state.retire_after_s; the engine then frees its slots in every module for new games to reuse.
 * Its event_id is remembered for as long again, and an input of a retired game arriving in that
 * time is passed by (counted), so a late quote does not bring the game back as a placeholder.
 *
 * Time is event time per input partition (the latest event time the partition carried), as for
 * the signal rules: all events of a game share a partition, so when a game retires, and whether
 * an input finds it retired, depend only on that partition's input, never on how partitions
 * interleave or on the clock. The same input gives the same retirements.
 *
 * Owned by the loop thread. Allocates when a partition or a retirement is first seen beyond the
 * queues' capacity; a queue entry is about 90 bytes and lives for retire_after of event time.
 */
#ifndef SV_ENG_RETIRE_H
#define SV_ENG_RETIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sv_err.h"
#include "wire.h"

typedef struct eng_retire eng_retire_t;

/** @brief Retirement after after_ms of event time (0: games are never retired); NULL on OOM. */
eng_retire_t *eng_retire_new(int64_t after_ms);

/** @brief Free; NULL is fine. */
void eng_retire_free(eng_retire_t *r);

/**
 * @brief An input of partition part with event time ts was read: the partition's clock moves to
 *        the latest event time it has carried. @returns that clock.
 */
int64_t eng_retire_clock(eng_retire_t *r, int32_t part, int64_t ts);

/**
 * @brief Game index gi (event_id) of partition part ended at the partition's clock (with ts, the
 *        event time of the input that ended it): it is due to retire after_ms later. A game
 *        scheduled twice retires at the first time that finds it still ended.
 * @returns SV_OK or SV_ERR_NOMEM. Nothing is scheduled when after_ms is 0.
 */
sv_err_t eng_retire_schedule(eng_retire_t *r, uint32_t gi, const char *event_id, int32_t part,
                             int64_t ts);

/**
 * @brief The next game of partition part due at its clock: true with *gi and event_id (a buffer
 *        of WIRE_ID_MAX + 1) filled and the entry removed, false when none is due. The caller
 *        checks the game at *gi still is event_id and still ended (an index reused, a game
 *        rebuilt since, are no longer due).
 */
bool eng_retire_next(eng_retire_t *r, int32_t part, uint32_t *gi, char *event_id);

/**
 * @brief Game event_id of partition part was retired now (its clock): inputs of it are passed by
 *        until the clock passes now + after_ms.
 * @returns SV_OK or SV_ERR_NOMEM (then it is not remembered).
 */
sv_err_t eng_retire_mark(eng_retire_t *r, const char *event_id, int32_t part);

/** @brief Whether game event_id is retired and remembered as of partition part's clock. */
bool eng_retire_is(const eng_retire_t *r, const char *event_id, int32_t part);

/**
 * @brief Partitions of mask (mask[p] != 0) are rebuilt or leave: their due games and remembered
 *        retirements are dropped, and their clocks reset (a re-read schedules them again).
 */
void eng_retire_forget(eng_retire_t *r, const uint8_t *mask, size_t mask_len);

/** @brief Counters. */
typedef struct eng_retire_stats {
    unsigned long long scheduled; /* games scheduled */
    unsigned long long passed_by; /* inputs of retired games passed by (eng_retire_is() true) */
    size_t due;                   /* games scheduled, not retired yet */
    size_t remembered;            /* retired games remembered */
} eng_retire_stats_t;
void eng_retire_stats(const eng_retire_t *r, eng_retire_stats_t *st);

/** @brief Count an input passed by. */
void eng_retire_count_passed(eng_retire_t *r);

#endif
