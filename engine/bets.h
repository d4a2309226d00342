/*
 * bets — the click-to-bet lifecycle (DESIGN.md §4, §6; docs/bets.md): a click, from
 * POST /api/v1/bets or savant.clicks.v1, becomes a bet on one validated path; the bet is
 * committed in PostgreSQL before its placement is produced; placement results move it to placed
 * or rejected; when its game ends it is graded (result, odds-aware P/L, closing price, CLV) and
 * a grade produced. Signals open at their game's start are graded too (in units).
 *
 * Validation of a click, in order: the stake (> 0, <= 1e9, cents), the signal is live (open
 * now: its latest revision is open or update), the book (default: the signal's) quotes the
 * signal's candidate at the signal's line now, and its current decimal price is not below the
 * signal's by more than max_price_move (the click's, capped by bets.max_price_move) — a better
 * price is always fine. Then one database function (sv_place_bet) records it under a lock of
 * the user's row: one bet per click_id (a repeat returns the original bet), the stake within
 * the user's max_stake and the day's exposure within daily_exposure.
 * bet_id = "bet-" + the first 24 hex digits of SHA-256("bet|" + click_id): a click always maps
 * to the same bet_id, so a redelivered click or a resent placement names the same bet.
 *
 * Nothing here reads the clock to decide anything: the placement's ts is the click's (a REST
 * click's is the time the request arrived), a grade's is the final game event's. Database
 * times (created_at) are the server's.
 * Owned by the loop thread.
 */
#ifndef SV_ENG_BETS_H
#define SV_ENG_BETS_H

#include <stdbool.h>
#include <stdint.h>

#include "market.h"
#include "store.h"
#include "sv_err.h"
#include "wire.h"

struct event_base;
struct cfg;

typedef struct eng_bets eng_bets_t;

typedef struct eng_bets_conf {
    double max_price_move; /* bets.max_price_move */
    int64_t resend_ms;     /* bets.resend_ms */
    int64_t sweep_ms;      /* bets.sweep_ms */
} eng_bets_conf_t;

void eng_bets_conf_from_cfg(eng_bets_conf_t *conf, const struct cfg *cfg);

/* Produce one output (a placement or a grade) of type t, already validated; key: its message
 * key. The engine produces it with its delivery barrier (kin_hold). */
typedef void(eng_bets_emit_fn)(void *arg, wire_type_t t, const void *ev);

/**
 * @brief The lifecycle on st (borrowed: the engine's market state) and store (borrowed; NULL:
 *        no database, every click answers 503). Emits through emit(arg, …).
 * @returns NULL when out of memory.
 */
eng_bets_t *eng_bets_new(struct event_base *base, const eng_bets_conf_t *conf, eng_state_t *st,
                         eng_store_t *store, eng_bets_emit_fn *emit, void *arg);

/** @brief Register the statements (before eng_store_start). */
sv_err_t eng_bets_prepare(eng_store_t *store);

/** @brief Start the sweep timer (resend pending placements, grade what was missed). */
void eng_bets_start(eng_bets_t *b);

void eng_bets_free(eng_bets_t *b);

/** @brief The store it was made with (NULL: none). */
eng_store_t *eng_bets_store(const eng_bets_t *b);

/**
 * @brief A signal revision was emitted (or rebuilt) for candidate slot (market index × 4 +
 *        candidate): what a click validates against. A withdrawal "game started" remembers the
 *        signal for grading when the game ends. replaying: rebuilding state (nothing written).
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_bets_on_signal(eng_bets_t *b, uint32_t slot, const wire_signal_t *sig,
                            bool replaying);

/** @brief Why a click was refused or what became of it (eng_bets_click's answer). */
typedef struct eng_click_out {
    int status;              /* HTTP status: 201 created, 200 duplicate, 403, 404, 409, 422,
                                503 (PostgreSQL unavailable), 500 */
    const char *field;       /* the field at fault ("" when none) */
    char message[256];       /* for people */
    bool has_current;        /* 409 price moved: the book's current price */
    int current_price;       /* American */
    const char *bet_json;    /* 200/201 (and a recorded rejection): the bet as JSON text
                              * (borrowed for the callback), else NULL */
    bool recorded;           /* the bet (or the recorded rejection) is in the database */
} eng_click_out_t;

typedef void(eng_click_done_fn)(void *ctx, const eng_click_out_t *out);

/**
 * @brief One click on the validated path. user_id: the bettor (users.id). record_rejects: a
 *        click refused by validation is recorded as a rejected bet with the reason (clicks
 *        from the topic, so a redelivery gets the same answer); REST answers instead.
 *        done(ctx, out) is called exactly once, possibly before this returns.
 */
void eng_bets_click(eng_bets_t *b, const wire_click_t *c, int64_t user_id, bool record_rejects,
                    eng_click_done_fn *done, void *ctx);

/** @brief A placement result arrived; done(ctx, rc) once applied (or failed: rc != SV_OK). */
typedef void(eng_bets_done_fn)(void *ctx, sv_err_t rc);
void eng_bets_result(eng_bets_t *b, const wire_placement_result_t *r, eng_bets_done_fn *done,
                     void *ctx);

/**
 * @brief Game g is about to be retired (eng_state_retire_game()): its slots' live signals are
 *        forgotten (a click on one of them is refused as for an unknown signal), so new markets
 *        taking the indices start clean. Placed bets are in the database and stay; a grading
 *        still in flight finds the game gone and says so.
 */
void eng_bets_retire_game(eng_bets_t *b, const eng_game_t *g);

/**
 * @brief Game gi reached an end (final: graded by its score; cancelled or postponed: void) at
 *        event time ts: grade the signals open at its start (emitted now, unless replaying)
 *        and ask the database for its placed bets to grade (not when replaying: the sweep
 *        grades what a restart missed).
 * @returns SV_OK, SV_ERR_NOMEM
 */
sv_err_t eng_bets_game_ended(eng_bets_t *b, uint32_t gi, int64_t ts, bool replaying);

/** @brief The signals history of one revision (written to the database, best effort). */
void eng_bets_history(eng_bets_t *b, const wire_signal_t *sig);

/** @brief Counters (metrics). */
typedef struct eng_bets_stats {
    uint64_t clicks, created, duplicates, refused, unavailable, placements, resent;
    uint64_t results, placed, rejected, results_late, graded, signal_grades;
    uint64_t history_skipped; /* history or signal-grade writes skipped: store down or busy */
} eng_bets_stats_t;
void eng_bets_stats(const eng_bets_t *b, eng_bets_stats_t *st);

/** @brief The bet_id of click_id (see above); out has room for 29 bytes. */
void eng_bets_bet_id(const char *click_id, char out[29]);

#endif
