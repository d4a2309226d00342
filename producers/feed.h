/*
 * feed — the event sources behind savant-feed: the market simulator (feed_sim.c) and the
 * adapters for The Odds API v4 JSON (feed_oddsapi.c) and football-data.co.uk CSV (feed_csv.c).
 * Each turns its input into validated Savant events (schemas/wire_events.h) handed one at a time
 * to a callback; savant-feed (ops/savant-feed.c) encodes and produces them (key = event_id) or
 * writes them as JSON lines. Sources read no clock: event times come from the input (or, for the
 * simulator, from its --start time and seed), so the same input gives the same events.
 *
 * Bad input rows are reported through the report callback with file, line and reason and
 * skipped; the stats count what was read, emitted and skipped.
 */
#ifndef SV_FEED_H
#define SV_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sv_err.h"
#include "wire.h"

/**
 * Receives each event, valid per wire_validate(): type is WIRE_ODDS, WIRE_GAME or WIRE_CONTEXT and
 * ev points to the matching wire_*_t, borrowed until the call returns. Returning non-zero stops
 * the source (it returns SV_ERR_FAIL after cleaning up).
 */
typedef int feed_emit_fn(wire_type_t type, const void *ev, void *arg);

/** Receives one bad input row: file name, 1-based line (0 when not line-based), reason. */
typedef void feed_report_fn(const char *file, long line, const char *reason, void *arg);

/* What a source did. */
typedef struct feed_stats {
    long rows;     /* input rows or records read */
    long emitted;  /* events handed to emit, all types */
    long skipped;  /* bad rows reported and skipped */
    long odds, games, context; /* emitted by type */
} feed_stats_t;

/* --- the simulator (feed_sim.c) --- */

/* Simulator settings; feed_sim_conf_init() gives the defaults. */
typedef struct feed_sim_conf {
    uint64_t seed;        /* --seed (default 1) */
    int games;            /* --games: games per slate (default 24) */
    int books;            /* --books: 2..16 (default 8; the first two are "sharp") */
    long events;          /* --events N: stop after N events (0 = end of the slate) */
    bool follow;          /* --follow: generate slate after slate */
    int64_t start_ms;     /* --start: event time of the first event (default 2026-01-01T00:00Z) */
    const char *sports;   /* comma list (default "nba,nfl,nhl,mlb") */
    const char *truth_path; /* --truth FILE: ground truth JSON lines, or NULL */
} feed_sim_conf_t;

/** @brief Fill conf with the defaults above. */
void feed_sim_conf_init(feed_sim_conf_t *conf);

/**
 * @brief Run the simulator: emit games, odds (spreads, totals, h2h from every book), splits and
 *        in-play game updates up to each game's final result, in event-time order.
 * @returns SV_OK at the end (or after conf->events), SV_ERR_FAIL when emit stopped it,
 *          SV_ERR_IO when the truth file could not be written (errstr says why).
 * @locality any thread; no globals (two simulators may run at once)
 */
sv_err_t feed_sim_run(const feed_sim_conf_t *conf, feed_emit_fn *emit, void *arg,
                      feed_stats_t *st, char *errstr, size_t errstr_size);

/* The simulator's fixed counts per game (docs/feeds.md gives every counting rule). */
#define FEED_SIM_SHOCKS 2        /* news shocks before each game */
#define FEED_SIM_DRIFTS 4        /* single-market retail re-quotes per game (books > 2) */
#define FEED_SIM_GAMES_MAX 1000  /* largest --games */
#define FEED_SIM_BOOKS_MAX 16    /* largest --books */

/* --- adapters (feed_oddsapi.c, feed_csv.c) --- */

/**
 * @brief Convert one The Odds API v4 file (an /odds or /scores response: a JSON array of
 *        events; spec/original-system.md §2.1) into game and odds events. The sport key maps to
 *        Savant's sport tokens (basketball_nba -> nba, …; unknown keys are reported and skipped).
 * @returns SV_OK (bad records reported and skipped), SV_ERR_IO (unreadable file),
 *          SV_ERR_DECODE (not JSON at all), SV_ERR_FAIL (emit stopped it)
 */
sv_err_t feed_oddsapi_file(const char *path, feed_emit_fn *emit, feed_report_fn *report,
                           void *arg, feed_stats_t *st);

/**
 * @brief Convert one football-data.co.uk CSV file into game events (with the final result) and
 *        3-way h2h odds events (opening and closing quotes per book column set).
 * @returns as feed_oddsapi_file()
 */
sv_err_t feed_csv_file(const char *path, feed_emit_fn *emit, feed_report_fn *report, void *arg,
                       feed_stats_t *st);

#endif
