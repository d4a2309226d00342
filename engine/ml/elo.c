/*
 * elo — per-sport Elo ratings (see elo.h): a static table of constants per sport, the teams in an
 * array in order of first appearance with an index by (sport, team), and the set of applied
 * event_ids with its own index. Every number comes from the results in the order they were
 * applied, with the arithmetic written once (elo_expect, elo_split), so eng_elo_prob() and the
 * update agree bit for bit.
 */
#include "elo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "sv_util.h"

/* Constants per sport (docs/ai.md "## Elo"). A row ending in '_' matches every token with that
 * prefix. nba is the original's NBA Elo (spec/original-scoring.md §7.7). */
static const eng_elo_sport_t elo_sports[] = {
    {"nba", 20.0, 65.0, 0.0},
    {"nfl", 20.0, 48.0, 0.0},
    {"nhl", 8.0, 33.0, 0.0},
    {"mlb", 4.0, 24.0, 0.0},
    {"soccer_", 20.0, 60.0, 0.8},
};

typedef struct elo_game {
    char event_id[WIRE_ID_MAX + 1]; /* an applied result */
} elo_game_t;

#define ELO_SPORTS_MAX 32     /* rows of a configured table */
#define ELO_SPORT_NAME_MAX 33 /* bytes of a row's sport (a token or a prefix ending in '_') */

struct eng_elo {
    eng_elo_sport_t sports[ELO_SPORTS_MAX]; /* this instance's constants (default: the table) */
    char sport_names[ELO_SPORTS_MAX][ELO_SPORT_NAME_MAX];
    size_t sport_cnt;
    eng_elo_team_t *teams;  /* first-appearance order */
    size_t team_cnt, team_cap;
    eng_htab_t team_ix;     /* hash(sport, team) -> index in teams */
    elo_game_t *games;      /* applied event_ids, in order */
    size_t game_cnt, game_cap;
    eng_htab_t game_ix;     /* hash(event_id) -> index in games */
};

static const eng_elo_sport_t *elo_find(const eng_elo_sport_t *tab, size_t cnt, const char *sport)
{
    for (size_t i = 0; i < cnt; i++) {
        const char *s = tab[i].sport;
        size_t n = strlen(s);
        if (s[n - 1] == '_' ? strncmp(sport, s, n) == 0 && sport[n] != '\0'
                            : strcmp(sport, s) == 0)
            return &tab[i];
    }
    return NULL;
}

const eng_elo_sport_t *eng_elo_sport(const char *sport)
{
    return elo_find(elo_sports, SV_ARRAY_SIZE(elo_sports), sport);
}

const eng_elo_sport_t *eng_elo_sport_of(const eng_elo_t *elo, const char *sport)
{
    return elo_find(elo->sports, elo->sport_cnt, sport);
}

sv_err_t eng_elo_set_sports(eng_elo_t *elo, const char *spec, char *errstr, size_t errstr_size)
{
    eng_elo_sport_t tab[ELO_SPORTS_MAX];
    char names[ELO_SPORTS_MAX][ELO_SPORT_NAME_MAX];
    size_t cnt = 0;
    const char *p = spec;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char row[128], *f[5], *save = NULL, *tok;
        int nf = 0;
        double k, ha, nu = 0.0;
        char *e1, *e2, *e3 = NULL;

        if (len == 0 || len >= sizeof(row) || cnt == ELO_SPORTS_MAX) {
            snprintf(errstr, errstr_size, "ai.elo: entry %zu: %s", cnt + 1,
                     len == 0 ? "empty" : cnt == ELO_SPORTS_MAX ? "more than 32 sports" : "too long");
            return SV_ERR_CONFIG;
        }
        memcpy(row, p, len);
        row[len] = '\0';
        for (tok = strtok_r(row, ":", &save); tok && nf < 5; tok = strtok_r(NULL, ":", &save))
            f[nf++] = tok;
        if (nf < 3 || nf > 4 || strlen(f[0]) >= ELO_SPORT_NAME_MAX) {
            snprintf(errstr, errstr_size, "ai.elo: '%.*s' is not sport:K:HOME_ADV[:DRAW_NU]",
                     (int)len, p);
            return SV_ERR_CONFIG;
        }
        k = strtod(f[1], &e1);
        ha = strtod(f[2], &e2);
        if (nf == 4)
            nu = strtod(f[3], &e3);
        if (*e1 || *e2 || (e3 && *e3) || !(k > 0 && k <= 1000) || !(ha >= -1000 && ha <= 1000) ||
            !(nu >= 0 && nu <= 10)) {
            snprintf(errstr, errstr_size,
                     "ai.elo: %s: K must be in (0, 1000], HOME_ADV in [-1000, 1000], DRAW_NU in "
                     "[0, 10]", f[0]);
            return SV_ERR_CONFIG;
        }
        sv_strlcpy(names[cnt], f[0], sizeof(names[cnt]));
        tab[cnt] = (eng_elo_sport_t){NULL, k, ha, nu};
        cnt++;
        p = end ? end + 1 : p + len;
    }
    for (size_t i = 0; i < cnt; i++) {
        memcpy(elo->sport_names[i], names[i], sizeof(names[i]));
        elo->sports[i] = tab[i];
        elo->sports[i].sport = elo->sport_names[i];
    }
    elo->sport_cnt = cnt;
    return SV_OK;
}

eng_elo_t *eng_elo_new(void)
{
    eng_elo_t *elo = calloc(1, sizeof(*elo));
    if (!elo)
        return NULL;
    eng_htab_init(&elo->team_ix);
    eng_htab_init(&elo->game_ix);
    for (size_t i = 0; i < SV_ARRAY_SIZE(elo_sports); i++) {
        sv_strlcpy(elo->sport_names[i], elo_sports[i].sport, sizeof(elo->sport_names[i]));
        elo->sports[i] = elo_sports[i];
        elo->sports[i].sport = elo->sport_names[i];
    }
    elo->sport_cnt = SV_ARRAY_SIZE(elo_sports);
    return elo;
}

void eng_elo_free(eng_elo_t *elo)
{
    if (!elo)
        return;
    eng_htab_release(&elo->team_ix);
    eng_htab_release(&elo->game_ix);
    free(elo->teams);
    free(elo->games);
    free(elo);
}

/* Index of (sport, team) in teams, or ENG_HTAB_NONE. */
static uint32_t elo_team_find(const eng_elo_t *elo, const char *sport, const char *team,
                              uint64_t h)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&elo->team_ix, h, &it);
    while ((v = eng_htab_next(&elo->team_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(elo->teams[v].team, team) == 0 && strcmp(elo->teams[v].sport, sport) == 0)
            return v;
    return ENG_HTAB_NONE;
}

static bool elo_game_seen(const eng_elo_t *elo, const char *event_id, uint64_t h)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&elo->game_ix, h, &it);
    while ((v = eng_htab_next(&elo->game_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(elo->games[v].event_id, event_id) == 0)
            return true;
    return false;
}

/* Index of (sport, team), added at ENG_ELO_START when new; ENG_HTAB_NONE when out of memory. */
static uint32_t elo_team_get(eng_elo_t *elo, const char *sport, const char *team)
{
    uint64_t h = eng_htab_hash_str3(sport, team, "");
    uint32_t v = elo_team_find(elo, sport, team, h);
    eng_elo_team_t *t;

    if (v != ENG_HTAB_NONE)
        return v;
    if (elo->team_cnt == elo->team_cap) {
        size_t cap = elo->team_cap ? elo->team_cap * 2 : 64;
        eng_elo_team_t *p = realloc(elo->teams, cap * sizeof(*p));
        if (!p)
            return ENG_HTAB_NONE;
        elo->teams = p;
        elo->team_cap = cap;
    }
    if (eng_htab_insert(&elo->team_ix, h, (uint32_t)elo->team_cnt) != SV_OK)
        return ENG_HTAB_NONE;
    t = &elo->teams[elo->team_cnt];
    memset(t, 0, sizeof(*t));
    sv_strlcpy(t->sport, sport, sizeof(t->sport));
    sv_strlcpy(t->team, team, sizeof(t->team));
    t->rating = ENG_ELO_START;
    return (uint32_t)elo->team_cnt++;
}

/* The home side's expected score. */
static double elo_expect(const eng_elo_sport_t *sp, double rh, double ra)
{
    return 1.0 / (1.0 + pow(10.0, -(rh + sp->home_adv - ra) / 400.0));
}

/* Home and draw probabilities from the expected score e (Davidson when the sport has draws). */
static void elo_split(const eng_elo_sport_t *sp, double e, double *p_home, double *p_draw)
{
    if (sp->draw_nu > 0) {
        double s = sp->draw_nu * sqrt(e * (1.0 - e));
        double den = e + (1.0 - e) + s;
        *p_home = e / den;
        *p_draw = s / den;
    } else {
        *p_home = e;
        *p_draw = 0.0;
    }
}

static sv_err_t elo_fail(wire_err_t *err, sv_err_t rc, const char *field, const char *reason)
{
    if (err) {
        sv_strlcpy(err->field, field, sizeof(err->field));
        sv_strlcpy(err->reason, reason, sizeof(err->reason));
    }
    return rc;
}

sv_err_t eng_elo_apply_result(eng_elo_t *elo, const char *event_id, const char *sport,
                              const char *home, const char *away, int home_score, int away_score,
                              wire_err_t *err)
{
    const eng_elo_sport_t *sp;
    uint64_t gh;
    uint32_t ih, ia;
    double e, s, mov, delta;
    int margin;

    if (!*event_id || strlen(event_id) > WIRE_ID_MAX)
        return elo_fail(err, SV_ERR_INVALID, "event_id", "must be 1..64 bytes");
    if (!*sport || strlen(sport) > WIRE_TOKEN_MAX)
        return elo_fail(err, SV_ERR_INVALID, "sport", "must be 1..32 bytes");
    if (!*home || strlen(home) > WIRE_NAME_MAX)
        return elo_fail(err, SV_ERR_INVALID, "home", "must be 1..96 bytes");
    if (!*away || strlen(away) > WIRE_NAME_MAX)
        return elo_fail(err, SV_ERR_INVALID, "away", "must be 1..96 bytes");
    if (strcmp(home, away) == 0)
        return elo_fail(err, SV_ERR_INVALID, "away", "must differ from home");
    if (home_score < 0)
        return elo_fail(err, SV_ERR_INVALID, "home_score", "must be >= 0");
    if (away_score < 0)
        return elo_fail(err, SV_ERR_INVALID, "away_score", "must be >= 0");
    if (!(sp = eng_elo_sport_of(elo, sport)))
        return elo_fail(err, SV_ERR_NOENT, "sport", "no Elo constants for this sport");
    gh = eng_htab_hash_str(0, event_id);
    if (elo_game_seen(elo, event_id, gh))
        return elo_fail(err, SV_ERR_EXISTS, "event_id", "result already applied");
    if (elo->game_cnt == elo->game_cap) {
        size_t cap = elo->game_cap ? elo->game_cap * 2 : 64;
        elo_game_t *p = realloc(elo->games, cap * sizeof(*p));
        if (!p)
            return elo_fail(err, SV_ERR_NOMEM, "", "out of memory");
        elo->games = p;
        elo->game_cap = cap;
    }
    if ((ih = elo_team_get(elo, sport, home)) == ENG_HTAB_NONE ||
        (ia = elo_team_get(elo, sport, away)) == ENG_HTAB_NONE ||
        eng_htab_insert(&elo->game_ix, gh, (uint32_t)elo->game_cnt) != SV_OK)
        return elo_fail(err, SV_ERR_NOMEM, "", "out of memory");
    sv_strlcpy(elo->games[elo->game_cnt++].event_id, event_id, sizeof(elo->games[0].event_id));

    e = elo_expect(sp, elo->teams[ih].rating, elo->teams[ia].rating);
    s = home_score > away_score ? 1.0 : home_score < away_score ? 0.0 : 0.5;
    margin = abs(home_score - away_score);
    mov = fmax(1.0, log((double)margin + 1.0));
    delta = sp->k * mov * (s - e);
    elo->teams[ih].rating += delta;
    elo->teams[ia].rating -= delta;
    elo->teams[ih].games++;
    elo->teams[ia].games++;
    return SV_OK;
}

sv_err_t eng_elo_apply_game(eng_elo_t *elo, const wire_game_t *g, bool *applied)
{
    const uint32_t both = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    sv_err_t rc;

    if (applied)
        *applied = false;
    if (g->status != WIRE_GAME_FINAL || (g->present & both) != both)
        return SV_OK;
    rc = eng_elo_apply_result(elo, g->event_id, g->sport, g->home, g->away, g->home_score,
                              g->away_score, NULL);
    if (rc == SV_OK && applied)
        *applied = true;
    return rc == SV_ERR_NOMEM ? rc : SV_OK;
}

double eng_elo_rating(const eng_elo_t *elo, const char *sport, const char *team)
{
    uint32_t v = elo_team_find(elo, sport, team, eng_htab_hash_str3(sport, team, ""));
    return v == ENG_HTAB_NONE ? ENG_ELO_START : elo->teams[v].rating;
}

sv_err_t eng_elo_prob(const eng_elo_t *elo, const char *sport, const char *home, const char *away,
                      double *p_home, double *p_draw)
{
    const eng_elo_sport_t *sp = eng_elo_sport_of(elo, sport);
    double pd;

    if (!sp) {
        *p_home = 0.5;
        if (p_draw)
            *p_draw = 0.0;
        return SV_ERR_NOENT;
    }
    elo_split(sp, elo_expect(sp, eng_elo_rating(elo, sport, home), eng_elo_rating(elo, sport, away)),
              p_home, &pd);
    if (p_draw)
        *p_draw = pd;
    return SV_OK;
}

size_t eng_elo_team_cnt(const eng_elo_t *elo)
{
    return elo->team_cnt;
}

const eng_elo_team_t *eng_elo_team_at(const eng_elo_t *elo, size_t i)
{
    return &elo->teams[i];
}

size_t eng_elo_games_cnt(const eng_elo_t *elo)
{
    return elo->game_cnt;
}

bool eng_elo_team_get(const eng_elo_t *elo, const char *sport, const char *team, double *rating,
                      uint32_t *games)
{
    uint32_t v = elo_team_find(elo, sport, team, eng_htab_hash_str3(sport, team, ""));
    if (v == ENG_HTAB_NONE) {
        *rating = ENG_ELO_START;
        *games = 0;
        return false;
    }
    *rating = elo->teams[v].rating;
    *games = elo->teams[v].games;
    return true;
}

sv_err_t eng_elo_team_set(eng_elo_t *elo, const char *sport, const char *team, double rating,
                          uint32_t games)
{
    uint32_t v = elo_team_get(elo, sport, team);
    if (v == ENG_HTAB_NONE)
        return SV_ERR_NOMEM;
    elo->teams[v].rating = rating;
    elo->teams[v].games = games;
    return SV_OK;
}

bool eng_elo_applied(const eng_elo_t *elo, const char *event_id)
{
    return elo_game_seen(elo, event_id, eng_htab_hash_str(0, event_id));
}

sv_err_t eng_elo_mark_applied(eng_elo_t *elo, const char *event_id)
{
    uint64_t gh;
    if (!*event_id || strlen(event_id) > WIRE_ID_MAX)
        return SV_ERR_INVALID;
    gh = eng_htab_hash_str(0, event_id);
    if (elo_game_seen(elo, event_id, gh))
        return SV_ERR_EXISTS;
    if (elo->game_cnt == elo->game_cap) {
        size_t cap = elo->game_cap ? elo->game_cap * 2 : 64;
        elo_game_t *p = realloc(elo->games, cap * sizeof(*p));
        if (!p)
            return SV_ERR_NOMEM;
        elo->games = p;
        elo->game_cap = cap;
    }
    if (eng_htab_insert(&elo->game_ix, gh, (uint32_t)elo->game_cnt) != SV_OK)
        return SV_ERR_NOMEM;
    sv_strlcpy(elo->games[elo->game_cnt++].event_id, event_id, sizeof(elo->games[0].event_id));
    return SV_OK;
}
