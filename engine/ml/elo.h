/*
 * elo — per-sport Elo team ratings of the AI engine (issue 6, docs/ai.md "## Elo"): every team
 * starts at 1500; each final result (a games event with status final and both scores) moves the
 * two teams by K · max(1, ln(|margin| + 1)) · (S − E), where E = 1 / (1 + 10^(−(Rh + HA − Ra)/400))
 * is the home side's expected score and S is 1, 0.5 (a draw) or 0. K and the home advantage HA
 * come from a table per sport (nba, nfl, nhl, mlb, soccer_*; config `ai.elo`); soccer also gets a draw
 * probability (Davidson: p_draw = ν·√(pH·pA) / (pH + pA + ν·√(pH·pA)), ν = 0.8). A game is
 * applied once, by event_id; a repeated final is ignored. Ratings are keyed by (sport, team):
 * the same name in two sports is two teams.
 *
 * Deterministic: the ratings depend only on the results and the order they were applied in;
 * nothing reads a clock. An eng_elo_t allocates when it first sees a team or applies a game,
 * never on a lookup (eng_elo_prob() and eng_elo_rating() allocate nothing).
 */
#ifndef SV_ENG_ELO_H
#define SV_ENG_ELO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sv_err.h"
#include "wire.h"

#define ENG_ELO_START 1500.0 /* rating of a team never rated */

/* The constants of one sport (a row of the static table). */
typedef struct eng_elo_sport {
    const char *sport; /* sport token, or a prefix ending in '_' ("soccer_" matches soccer_epl) */
    double k;          /* K factor */
    double home_adv;   /* home advantage in rating points */
    double draw_nu;    /* Davidson ν of the draw probability; 0 = no draws predicted */
} eng_elo_sport_t;

/* One rated team. */
typedef struct eng_elo_team {
    char sport[WIRE_TOKEN_MAX + 1]; /* sport token as on the wire */
    char team[WIRE_NAME_MAX + 1];   /* team name */
    double rating;                  /* current rating */
    uint32_t games;                 /* results applied */
} eng_elo_team_t;

typedef struct eng_elo eng_elo_t;

/**
 * @brief The constants of sport (exact token, or the "soccer_" prefix row), or NULL when the
 *        sport has none (it is not rated).
 * @returns a pointer into the static table. @locality any thread
 */
const eng_elo_sport_t *eng_elo_sport(const char *sport);

/** @brief Like eng_elo_sport(), in elo's own table (eng_elo_set_sports()). */
const eng_elo_sport_t *eng_elo_sport_of(const eng_elo_t *elo, const char *sport);

/**
 * @brief Replace elo's constants with a config value (`ai.elo`): a comma list of
 *        sport:K:HOME_ADV[:DRAW_NU], a sport ending in '_' matching a prefix, e.g.
 *        "nba:20:65,soccer_:20:60:0.8". Sports not listed are not rated. Call before any result.
 * @returns SV_OK, or SV_ERR_CONFIG with errstr naming the entry and the reason.
 */
sv_err_t eng_elo_set_sports(eng_elo_t *elo, const char *spec, char *errstr, size_t errstr_size);

/**
 * @brief A new, empty set of ratings (constants: the static table until eng_elo_set_sports()).
 * @returns the ratings (caller frees with eng_elo_free()), or NULL when out of memory.
 * @locality any thread; the object is then used by one thread
 */
eng_elo_t *eng_elo_new(void);

/** @brief Free the ratings; NULL is fine. @locality owner thread */
void eng_elo_free(eng_elo_t *elo);

/**
 * @brief Apply one final result.
 * @param event_id the game (a result is applied once per event_id)
 * @param err      out (may be NULL): field and reason when the result is not applied
 * @returns SV_OK (both ratings moved); SV_ERR_EXISTS (event_id was applied before: ignored);
 *          SV_ERR_NOENT (the sport has no constants: ignored); SV_ERR_INVALID (home equals away,
 *          a negative score, an empty name); SV_ERR_NOMEM. On any error nothing changed.
 * @locality owner thread
 */
sv_err_t eng_elo_apply_result(eng_elo_t *elo, const char *event_id, const char *sport,
                              const char *home, const char *away, int home_score, int away_score,
                              wire_err_t *err);

/**
 * @brief Apply a games event when it is a final result (status final with both scores);
 *        anything else is no result and leaves the ratings alone. Call it for games events the
 *        market state accepted (eng_state_apply_game() returned SV_OK).
 * @param g       borrowed (a validated wire_game_t)
 * @param applied out (may be NULL): the ratings moved
 * @returns SV_OK (applied, or not a result, or a repeated final, or a sport without constants:
 *          *applied says which), SV_ERR_NOMEM.
 * @locality owner thread
 */
sv_err_t eng_elo_apply_game(eng_elo_t *elo, const wire_game_t *g, bool *applied);

/**
 * @brief The pre-game probabilities of a game: p_home = E (with the home advantage) for a sport
 *        without draws (p_draw 0); with draws (soccer) p_home = pH / (1 + ν·s),
 *        p_draw = ν·s / (1 + ν·s), s = √(pH·pA), pH = E, pA = 1 − E. The away probability is
 *        1 − p_home − p_draw. Teams never rated count as ENG_ELO_START. No allocation.
 * @param p_home, p_draw out (p_draw may be NULL)
 * @returns SV_OK; SV_ERR_NOENT (the sport has no constants: p_home 0.5, p_draw 0).
 * @locality owner thread
 */
sv_err_t eng_elo_prob(const eng_elo_t *elo, const char *sport, const char *home, const char *away,
                      double *p_home, double *p_draw);

/** @brief The rating of team in sport (ENG_ELO_START when never rated). No allocation. */
double eng_elo_rating(const eng_elo_t *elo, const char *sport, const char *team);

/** @brief Teams rated; eng_elo_team_at(elo, i) gives them in order of first appearance (the
 *         pointer is valid until the next apply). */
size_t eng_elo_team_cnt(const eng_elo_t *elo);
const eng_elo_team_t *eng_elo_team_at(const eng_elo_t *elo, size_t i);

/** @brief Results applied (distinct event_ids). */
size_t eng_elo_games_cnt(const eng_elo_t *elo);

/**
 * @brief The rating and results applied of team in sport.
 * @returns false (rating ENG_ELO_START, games 0) when the team was never rated. No allocation.
 */
bool eng_elo_team_get(const eng_elo_t *elo, const char *sport, const char *team, double *rating,
                      uint32_t *games);

/**
 * @brief Set team's rating and results applied in sport (adding the team when new): restoring a
 *        state record (engine/snap.c), which only raises games.
 * @returns SV_OK or SV_ERR_NOMEM (nothing changed). @locality owner thread
 */
sv_err_t eng_elo_team_set(eng_elo_t *elo, const char *sport, const char *team, double rating,
                          uint32_t games);

/** @brief Whether the final result of event_id was applied. No allocation. */
bool eng_elo_applied(const eng_elo_t *elo, const char *event_id);

/**
 * @brief Mark event_id's result applied without moving any rating (its effect came with the
 *        ratings of a state record), so a repeated final is ignored.
 * @returns SV_OK; SV_ERR_EXISTS (already applied); SV_ERR_INVALID (event_id empty or longer than
 *          WIRE_ID_MAX); SV_ERR_NOMEM. @locality owner thread
 */
sv_err_t eng_elo_mark_applied(eng_elo_t *elo, const char *event_id);

#endif
