/*
 * snap — one game's state as one record of the state changelog `savant.state.v1` (issue 9 item 1,
 * decision 0015): the game (its fields and context: splits, injuries, officials, weather), each
 * of its markets (per-book quotes, line history, close), the model state of each market's
 * candidates (LSTM h and c, the previous step's features, p_model) and the Elo ratings of its two
 * teams, with where in the input the record was taken (`at`: the next offset of each input
 * topic's partition, the partition, its event time).
 *
 * The record is a msgpack map (docs/schemas.md "State records"); key: the game's event_id.
 * Everything derived (a market's modal line, candidates, best prices, steam, arbitrage) is not
 * stored: the restore recomputes it from the quotes with the same code, so a restored state
 * scores the next input exactly as the state it was taken from (test 0338). Floats round-trip
 * bit for bit (float64; the LSTM's float32 as float32).
 *
 * The engine writes the games its input changed at a cadence and before the offsets they cover
 * are committed; on an assignment it restores the partitions' records before consuming.
 */
#ifndef SV_ENG_SNAP_H
#define SV_ENG_SNAP_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "ai.h"
#include "market.h"
#include "sv_err.h"
#include "wire.h"

#define ENG_SNAP_TOPICS_MAX 8   /* input topics a position names */
#define ENG_SNAP_TOPIC_MAX 255  /* longest topic name */

/* Where in the input a record was taken. */
typedef struct eng_snap_at {
    int32_t part;   /* the input partition (of every input topic) the game is keyed to */
    int64_t pnow;   /* that partition's event time when taken (the signal rules' clock) */
    size_t cnt;     /* entries in pos */
    struct {
        char topic[ENG_SNAP_TOPIC_MAX + 1];
        int64_t offset; /* the next offset of topic's partition `part` not applied yet */
    } pos[ENG_SNAP_TOPICS_MAX];
} eng_snap_at_t;

/**
 * @brief Write game g's record into pk: the game, every market of g, the model state of their
 *        candidates (ai may be NULL: none written) and the ratings of g's home and away teams
 *        (when the sport is rated), with at.
 * @returns SV_OK, or SV_ERR_NOMEM (pk's buffer could not grow).
 * @locality owner thread
 */
sv_err_t eng_snap_encode(const eng_state_t *st, const eng_ai_t *ai, const eng_game_t *g,
                         const eng_snap_at_t *at, msgpack_packer *pk);

/**
 * @brief Make the state hold exactly the record buf (len bytes): the game is created or
 *        overwritten (g->part set to at->part), each market in the record created or
 *        overwritten (its quotes, history, close; derived fields recomputed), markets of the
 *        game the record does not name reset (eng_state_reset_game semantics), the model state
 *        of their candidates set (when ai is not NULL), a team's Elo rating set to the record's
 *        when the record has seen more of its results than elo holds, and a final result the
 *        record had applied marked applied. at gets the record's position; *g (may be NULL) the
 *        game.
 * @returns SV_OK; SV_ERR_INVALID with err naming the field and the reason when the record is
 *          malformed (then nothing changed); SV_ERR_NOMEM (the game may be partly restored:
 *          the engine then stops, like on any out-of-memory).
 * @locality owner thread
 */
sv_err_t eng_snap_restore(eng_state_t *st, eng_ai_t *ai, const void *buf, size_t len,
                          eng_snap_at_t *at, eng_game_t **g, wire_err_t *err);

#endif
