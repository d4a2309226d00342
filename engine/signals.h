/*
 * signals — the signal rules (DESIGN.md §4 savant.signals.v1, docs/signals.md): which scored
 * candidates become bet signals, their stake, their revisions and their withdrawal.
 *
 * The engine tells this module the latest score of every candidate it scores (eng_signals_note,
 * a compact copy kept per candidate slot) and, after an input, asks it to re-decide the games the
 * input touched (eng_signals_eval) and to let event time pass (eng_signals_advance). Decisions
 * come out through a callback, one wire_signal_t per open, update or withdrawal.
 *
 * A candidate is *eligible* when its game is known and pre-game (status scheduled and event time
 * before the start), it has a price (not suspended), and
 *   - to open: tier TITANIUM_SMASH, GOLD_STAR or EDGE_LEAN, final >= the floor (game lines
 *     score.game_floor, props score.prop_floor), and EV = p*d - 1 > signal.ev_min at the best
 *     price d, with p = p_model (p_fair when there is no model);
 *   - to stay open (hysteresis): tier at least MONITOR, final >= floor - signal.band and
 *     EV > signal.ev_min - signal.ev_band.
 * The eligible candidates of one game then go through the per-game filters of
 * spec/original-scoring.md §7.9 (eng_filter_picks without the floors, top N or sport caps):
 * de-duplication, the contradiction gate (opposite sides of one line: only the higher score),
 * spread/moneyline redundancy and diversity (signal.per_game, signal.per_player). Open signals
 * enter the ranking with final + signal.band, so a rival must beat an open signal by the band
 * to replace it (no flapping between two sides). What survives is open; everything else that was
 * open is withdrawn, with the reason.
 *
 * signal_id = the original's pick id (eng_pick_id: SHA-1 of sport, event, market, side, line,
 * player; 12 hex digits): stable for a candidate, and a new id when the line moves (the old one
 * is withdrawn). rev starts at 1 and grows on every emitted revision of a slot, so it only
 * increases for any one signal_id, also across a withdrawal and a re-open. A revision is emitted
 * on open, on withdrawal, and on a material change: book, price, tier, stake units, or the Kelly
 * fraction moving by signal.kelly_step or more since the last revision.
 *
 * Stake: kelly = eng_quant_kelly(p, d, signal.kelly_fraction, signal.kelly_cap) (TITANIUM_SMASH
 * ×1.25 before the cap, as the original's units table), stake_units = the tier's units.
 *
 * Time is event time, per input partition: "now" is the latest event time seen on the partition
 * that carries the game (all events of a game share one partition, DESIGN.md §4), never the
 * clock and never another partition's time — partitions are consumed in any interleaving, so a
 * global "now" would make the decisions depend on it. The same input gives the same signals. Owned by the loop thread; after a slot's first use
 * nothing here allocates per event.
 */
#ifndef SV_ENG_SIGNALS_H
#define SV_ENG_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "market.h"
#include "scoring/score.h"
#include "sv_err.h"
#include "wire.h"

typedef struct eng_signal_conf {
    double game_floor, prop_floor; /* score.game_floor, score.prop_floor */
    double ev_min, ev_band, band;  /* signal.ev_min, signal.ev_band, signal.band */
    double kelly_fraction, kelly_cap, kelly_step; /* signal.kelly_* */
    int per_game, per_player;      /* signal.per_game, signal.per_player */
} eng_signal_conf_t;

/* The latest score of one candidate, as the rules read it. */
typedef struct eng_sig_rec {
    wire_cand_t cand;                /* the candidate key */
    char book[WIRE_ID_MAX + 1];      /* book of the best price */
    int price;                       /* best price, American */
    double dec;                      /* best price, decimal (> 1 when priced) */
    int books;                       /* books quoting it; 0 = suspended */
    double p_fair;                   /* consensus */
    bool has_p_model;                /* the model scored it */
    double p_model;                  /* when has_p_model */
    bool scored;                     /* the scores below are set (game known) */
    double ai, research, esoteric, jarvis, base, final; /* the scores */
    wire_tier_t tier;                /* when scored */
    wire_confluence_t confluence;    /* when scored */
    bool prop;                       /* a player prop */
    char model[WIRE_ID_MAX + 1];     /* model id ("" when none) */
} eng_sig_rec_t;

/* What the rules need of a game. */
typedef struct eng_sig_game {
    const char *sport;   /* its sport */
    const char *date;    /* "YYYY-MM-DD" of the start (UTC), for the contradiction key */
    int64_t commence_ts; /* start */
    bool pregame;        /* known and status scheduled */
    int32_t part;        /* the Kafka partition its events arrive on (time passes per partition) */
} eng_sig_game_t;

typedef struct eng_signals eng_signals_t;

/**
 * @brief Receives one signal revision. slot is the candidate's slot; sig is filled except the
 *        scoring reasons: the callee may append reasons (sig->reason_cnt < WIRE_REASONS_MAX)
 *        before encoding it. Called synchronously from eval/advance.
 */
typedef void(eng_signal_emit_fn)(void *arg, uint32_t slot, wire_signal_t *sig);

/** @brief The conf from the score.* and signal.* keys of cfg. */
struct cfg;
void eng_signal_conf_from_cfg(eng_signal_conf_t *conf, const struct cfg *cfg);

/** @brief New rules (conf copied), emitting through emit(arg, …); NULL when out of memory. */
eng_signals_t *eng_signals_new(const eng_signal_conf_t *conf, eng_signal_emit_fn *emit, void *arg);

/** @brief Free; NULL is fine. */
void eng_signals_free(eng_signals_t *s);

/**
 * @brief The latest score of candidate slot (a stable index the caller chooses, e.g. market index
 *        × 4 + candidate) of game (a stable game index). Copies rec.
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_note(eng_signals_t *s, uint32_t game, uint32_t slot, const eng_sig_rec_t *rec);

/**
 * @brief eng_signals_note() in place: the record of slot (of game) for the caller to overwrite
 *        with the latest score, or NULL when out of memory. Valid until the next call here.
 */
eng_sig_rec_t *eng_signals_rec(eng_signals_t *s, uint32_t game, uint32_t slot);

/**
 * @brief Re-decide the signals of game as of event time now (the time of the input that touched
 *        it: a game is pre-game while g->pregame and now < its start).
 *        Emits the opens, updates and withdrawals.
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_eval(eng_signals_t *s, uint32_t game, const eng_sig_game_t *g, int64_t now);

/**
 * @brief Event time of partition part moved to now: withdraw the open signals of every game of
 *        that partition that has started (commence_ts <= now). Cheap when nothing starts (a heap
 *        of games by start per partition).
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_advance(eng_signals_t *s, int32_t part, int64_t now);

/**
 * @brief Forget every slot of game: its latest scores, what was said, open or not. For a game
 *        whose state is rebuilt (its partition assigned again: eng_state_reset_game): its
 *        markets' candidates come back in the order the rebuild finds them, so a slot kept from
 *        before would name another candidate, or one the market does not have yet.
 */
void eng_signals_reset_game(eng_signals_t *s, uint32_t game);

/**
 * @brief Game is retired (eng_state_retire_game()): eng_signals_reset_game(), and its start and
 *        partition are forgotten, for a new game taking the index. Nothing is emitted: a game
 *        retires long after it ended, when its signals were withdrawn at its start.
 */
void eng_signals_retire_game(eng_signals_t *s, uint32_t game);

/**
 * @brief Recovery, step 1: forget what was said of every slot of the games on the partitions
 *        re-read (parts[p] != 0 for p < part_cnt), as if never emitted, revision counters
 *        included. Then step 2 for every revision read back from savant.signals.v1 that was
 *        computed from an input before the committed offsets (the inputs from there on are
 *        consumed again and say the rest again, with the same revision numbers), then step 3. Between them the rules' decisions stay as the re-read
 *        input made them; what was said becomes the reference for the next revisions, so the
 *        next eval of a game emits exactly the corrections (an open the topic lacks, a
 *        withdrawal of what the topic says is open but no longer qualifies).
 */
void eng_signals_recover_begin(eng_signals_t *s, const uint8_t *parts, size_t part_cnt);

/**
 * @brief Recovery, step 2: revision said of candidate slot of game (any order, duplicates
 *        fine): the slot's latest said revision (highest rev) becomes its emitted state, and its
 *        revision counter continues after it.
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_recover_said(eng_signals_t *s, uint32_t game, uint32_t slot,
                                  const wire_signal_t *said);

/** @brief Recovery, step 3: recount the open signals and the start heaps. */
sv_err_t eng_signals_recover_end(eng_signals_t *s);

/**
 * @brief Fill r from a candidate's score event sc and, when scored, the scoring result res (BASE
 *        and the engine scores); priced: its market has a modal line (else suspended).
 */
void eng_sig_rec_fill(eng_sig_rec_t *r, const wire_score_t *sc, const eng_score_t *res,
                      bool scored, bool priced, bool prop);

/**
 * @brief eng_signals_eval() for game g of the state (its index gi), as of the event time ts of
 *        the input that touched it, arriving on partition part: pre-game means known, status
 *        scheduled and ts before the start; the date is the start's UTC date.
 */
sv_err_t eng_signals_eval_game(eng_signals_t *s, uint32_t gi, const eng_game_t *g, int32_t part,
                               int64_t ts);

/**
 * @brief Candidate i of mk was just scored (sc, and res when scored): note it (slot mk->idx × 4
 *        + i, in place) and touch its game. A game that is not known and scheduled is not noted
 *        unless the slot has an open signal (nothing reads it; a game becoming known re-scores
 *        every candidate of it).
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_note_score(eng_signals_t *s, const eng_state_t *st, const eng_market_t *mk,
                                size_t i, const wire_score_t *sc, const eng_score_t *res,
                                bool scored);

/** @brief Game gi had candidates re-scored by the current input (eng_signals_decide()). */
sv_err_t eng_signals_touch(eng_signals_t *s, uint32_t gi);

/**
 * @brief After an input of partition part with event time ts: re-decide every game touched
 *        since the last call (eng_signals_eval_game() on st's game), then move the partition's
 *        clock to the latest event time it has carried and withdraw what started
 *        (eng_signals_advance()).
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_signals_decide(eng_signals_t *s, const eng_state_t *st, int32_t part, int64_t ts);

/** @brief Whether the slot has an open signal. */
bool eng_signals_is_open(const eng_signals_t *s, uint32_t slot);

/** @brief Counters. */
typedef struct eng_signals_stats {
    unsigned long long opened, updated, withdrawn, open_now;
} eng_signals_stats_t;
void eng_signals_stats(const eng_signals_t *s, eng_signals_stats_t *st);

#endif
