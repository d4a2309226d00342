/*
 * filters — the output filtering pipeline of spec/original-scoring.md §7.9, run per request over
 * the scored candidates: stable pick ids, de-duplication across books, the sort, the score floors,
 * the contradiction gate, spread/moneyline redundancy, diversity, top N and the per-sport cap.
 * It works in place on an array the caller owns and allocates nothing.
 *
 * pick_id = first 12 hex digits of SHA-1 of "SPORT|event|market|SIDE|round(line,2)|player", as
 * the original's _make_pick_id: sport and market as given, the side upper-cased (ASCII), the line
 * printed as Python prints the float round(line, 2) ("25.5", "-5.5", "220.0"; no line → "0.0",
 * D8: always a double), player empty for game picks. The side is part of the id, so every side is
 * its own candidate (D7). Only ASCII letters are upper-cased (Python's str.upper() also maps
 * non-ASCII letters, so a side such as "Málaga" hashes differently from the original).
 *
 * Steps of eng_filter_picks() (every pick's keep is recomputed; none is skipped up front):
 *  1. pick_id for every pick; de-dupe by pick_id keeping the highest score, then the preferred
 *     book order draftkings, fanduel, betmgm, caesars, pinnacle (others after, case-insensitive),
 *     then the earlier input position.
 *  2. Sort by (−score, pick_id, selection = player or side, matchup = event_id); stable.
 *  3. Floors: props score >= prop_floor, game picks score >= game_floor (clamped to [5, 10]);
 *     tiers other than TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN dropped (a NULL tier too).
 *  4. Contradiction gate, props and games separately: key SPORT|date|event|MARKET|prop_type|
 *     subject|line_key (subject = player or "Game"; line_key = |line| "%.1f" for spread markets,
 *     "ANY" for game totals, else the line "%.1f"); a key group with opposite sides (Over vs
 *     Under for totals/props, different sides for spread/moneyline/h2h) keeps only its highest
 *     score (first in sort order). Then redundancy: a game's spread and moneyline pick on the same
 *     side keep only the higher.
 *  5. Diversity in score order: props <= per_player per player and <= per_game per event;
 *     game picks <= per_game per event.
 *  6. Top N props and top N game picks, then <= per_sport per sport combined, by score.
 *  7. Kept picks are moved to the front in sort order, dropped picks follow (sorted the same).
 *
 * Decisions (copied to docs/scoring.md): sport, market and prop_type compare case-insensitively in
 * the contradiction key; market kinds are found by substring of the upper-cased market like the
 * original ("SPREAD"; "MONEYLINE", "H2H" or exactly "ML"; "TOTAL"; "PROP"/"PLAYER_" or the prop
 * flag); NULL strings read as "".
 *
 * Not thread-safe on one array; different arrays may be filtered concurrently.
 */
#ifndef SV_ENG_FILTERS_H
#define SV_ENG_FILTERS_H

#include <stdbool.h>

typedef struct eng_pick {
    char pick_id[13];      /* filled by eng_filter_picks() */
    const char *sport;     /* "NBA", … (borrowed) */
    const char *event_id;  /* event (borrowed) */
    const char *market;    /* "spreads", "h2h", "totals", "player_points", … (borrowed) */
    const char *side;      /* team name, "Over", "Under" (borrowed) */
    const char *player;    /* player for props, NULL or "" for games (borrowed) */
    const char *book;      /* book key, e.g. "draftkings" (borrowed) */
    const char *date;      /* game date, e.g. "2026-02-16" (borrowed) */
    const char *prop_type; /* prop stat type for props, NULL for games (borrowed) */
    double line;           /* the point / prop line */
    bool has_line;         /* false: the line reads as 0 (moneylines) */
    double score;          /* final score as the filters compare it (eng_final_post_tier) */
    const char *tier;      /* tier name (static string) */
    bool prop;             /* a player prop (floors, diversity and top N are per kind) */
    bool keep;             /* output: survived every step */
} eng_pick_t;

typedef struct eng_filter_conf {
    double game_floor; /* MIN_FINAL_SCORE, 7.0; clamped to [5.0, 10.0] */
    double prop_floor; /* MIN_PROPS_SCORE, 6.5 */
    int top_n;         /* per kind (props, games), 10 */
    int per_sport;     /* combined cap per sport, 8 */
    int per_player;    /* props per player, 1 */
    int per_game;      /* picks per event (props and games each), 2 */
    bool skip_floors;  /* skip step 3 (the caller applied its own floors; signals.c), false */
} eng_filter_conf_t;

/** @brief The defaults: 7.0, 6.5, 10, 8, 1, 2, floors applied. */
void eng_filter_conf_init(eng_filter_conf_t *conf);

/**
 * @brief pick_id of one pick (see the file comment).
 * @param out 13 bytes: 12 lower-case hex digits and a NUL
 */
void eng_pick_id(const char *sport, const char *event_id, const char *market, const char *side,
                 double line, const char *player, char out[13]);

/**
 * @brief Run the §7.9 pipeline over picks[0..n): sets pick_id and keep, reorders in place
 *        (kept first, by score), returns the number kept.
 * @param conf NULL → eng_filter_conf_init() defaults
 */
int eng_filter_picks(eng_pick_t *picks, int n, const eng_filter_conf_t *conf);

#endif
