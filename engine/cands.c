/*
 * cands — state → scoring input → scores (see cands.h).
 */
#include "cands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/caltime.h"
#include "scoring/pynum.h"
#include "sv_util.h"

#define HIST_MAX 30 /* newest line-history points the Hurst signal reads (the original's 30) */

/* The cached per-game part and what it was computed from. */
typedef struct cand_game {
    bool valid;
    uint32_t gen;       /* bumped whenever g is recomputed (line parts hold names too) */
    int64_t commence_ms;
    char home[WIRE_NAME_MAX + 1], away[WIRE_NAME_MAX + 1], sport[WIRE_TOKEN_MAX + 1];
    eng_score_game_t g;
} cand_game_t;

/* The cached per-line part of one candidate slot (market index × ENG_OUTCOMES_MAX + i). */
typedef struct cand_line {
    uint32_t gen;       /* the game part's gen it was computed with */
    uint32_t game;      /* and that game's index */
    eng_score_line_t ln;
} cand_line_t;

struct eng_cands {
    eng_score_conf_t conf;
    const eng_ai_t *ai; /* p_model and the AI score, or NULL */
    cand_game_t *games; /* indexed by the market's game index */
    size_t games_cap;
    cand_line_t *lines; /* indexed by market index × ENG_OUTCOMES_MAX + candidate */
    size_t lines_cap;
    unsigned long long scored;
    eng_score_t res;    /* scratch result when the caller wants none */
};

eng_cands_t *eng_cands_new(const eng_score_conf_t *conf)
{
    eng_cands_t *c = calloc(1, sizeof(*c));

    if (c)
        c->conf = *conf;
    return c;
}

void eng_cands_free(eng_cands_t *c)
{
    if (!c)
        return;
    free(c->games);
    free(c->lines);
    free(c);
}

void eng_cands_set_ai(eng_cands_t *c, const eng_ai_t *ai)
{
    c->ai = ai;
}

void eng_cands_reset_game(eng_cands_t *c, uint32_t game)
{
    if (game < c->games_cap)
        c->games[game].valid = false; /* its next use recomputes it with a new gen, which makes
                                       * every line part of its markets' slots stale too */
}

unsigned long long eng_cands_scored(const eng_cands_t *c)
{
    return c->scored;
}

static bool same_name(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* The game's home spread and total from its spreads and totals markets, when quoted. */
static void game_lines(const eng_state_t *st, const eng_game_t *gm, eng_score_in_t *in,
                       const eng_market_t **spreads_out)
{
    const eng_market_t *sp = eng_state_market(st, gm->event_id, "spreads", NULL);
    const eng_market_t *to = eng_state_market(st, gm->event_id, "totals", NULL);

    *spreads_out = sp;
    if (sp && sp->has_modal && sp->modal_has_line) {
        in->has_home_spread = true;
        in->home_spread = same_name(sp->names[0], gm->home) ? sp->modal_line : -sp->modal_line;
    }
    if (to && to->has_modal && to->modal_has_line) {
        in->has_total = true;
        in->total = to->modal_line;
    }
}

/* Splits of the candidate's market (spreads splits for props and markets without their own),
 * held for the home side (Over for totals), as the scoring expects. */
static void game_splits(const eng_game_t *gm, const eng_market_t *mk, eng_score_in_t *in)
{
    const eng_splits_t *best = NULL;

    for (int pass = 0; pass < 2 && !best; pass++) {
        const char *want = pass == 0 ? mk->market : "spreads";
        for (size_t i = 0; i < gm->splits_cnt; i++)
            if (strcmp(gm->splits[i].market, want) == 0 &&
                (!best || gm->splits[i].ts > best->ts))
                best = &gm->splits[i];
    }
    if (!best)
        return;
    bool first = same_name(best->side, gm->home) || same_name(best->side, "Over");
    bool second = same_name(best->side, gm->away) || same_name(best->side, "Under");
    if (!first && !second)
        return;
    in->has_splits = true;
    in->ticket_pct = first ? best->ticket_pct : 100 - best->ticket_pct;
    in->money_pct = first ? best->money_pct : 100 - best->money_pct;
}

static const eng_score_game_t *game_part(eng_cands_t *c, const eng_market_t *mk,
                                         const eng_game_t *gm, const eng_score_in_t *in)
{
    cand_game_t *cg;

    if (mk->game >= c->games_cap) {
        size_t cap = c->games_cap ? c->games_cap : 256;
        while (cap <= mk->game)
            cap *= 2;
        cand_game_t *n = realloc(c->games, cap * sizeof(*n));
        if (!n)
            return NULL;
        memset(n + c->games_cap, 0, (cap - c->games_cap) * sizeof(*n));
        c->games = n;
        c->games_cap = cap;
    }
    cg = &c->games[mk->game];
    if (!cg->valid || cg->commence_ms != gm->commence_ts || strcmp(cg->home, gm->home) != 0 ||
        strcmp(cg->away, gm->away) != 0 || strcmp(cg->sport, gm->sport) != 0) {
        eng_score_game_prepare(&c->conf, in, &cg->g);
        cg->valid = true;
        cg->gen++;
        cg->commence_ms = gm->commence_ts;
        sv_strlcpy(cg->home, gm->home, sizeof(cg->home));
        sv_strlcpy(cg->away, gm->away, sizeof(cg->away));
        sv_strlcpy(cg->sport, gm->sport, sizeof(cg->sport));
    }
    return &cg->g;
}

/* The line part of slot i of mk, recomputed when its lines or its game's names changed. */
static const eng_score_line_t *line_part(eng_cands_t *c, const eng_market_t *mk, size_t i,
                                         const eng_score_in_t *in)
{
    size_t slot = (size_t)mk->idx * ENG_OUTCOMES_MAX + i;
    uint32_t gen = c->games[mk->game].gen;
    cand_line_t *cl;

    if (slot >= c->lines_cap) {
        size_t cap = c->lines_cap ? c->lines_cap : 1024;
        while (cap <= slot)
            cap *= 2;
        cand_line_t *n = realloc(c->lines, cap * sizeof(*n));
        if (!n)
            return NULL; /* computed inside eng_score_run instead */
        memset(n + c->lines_cap, 0, (cap - c->lines_cap) * sizeof(*n));
        c->lines = n;
        c->lines_cap = cap;
    }
    cl = &c->lines[slot];
    if (cl->gen != gen || cl->game != mk->game || !eng_score_line_matches(&cl->ln, in)) {
        eng_score_line_prepare(in, &cl->ln);
        cl->gen = gen;
        cl->game = mk->game;
    }
    return &cl->ln;
}

static wire_confluence_t conf_level(const char *s)
{
    wire_confluence_t c;
    return wire_confluence_by_name(s, &c) == SV_OK ? c : WIRE_CONF_DIVERGENT;
}

static wire_tier_t tier_of(const char *s)
{
    wire_tier_t t;
    return wire_tier_by_name(s, &t) == SV_OK ? t : WIRE_TIER_PASS; /* DROPPED (injured player) */
}

bool eng_cands_score(eng_cands_t *c, const eng_state_t *st, const eng_market_t *mk, size_t i,
                     wire_score_t *sc, eng_score_t *out, eng_why_t *why)
{
    const eng_game_t *gm = eng_state_game(st, mk->event_id);
    const eng_cand_t *cd = &mk->cands[i];
    const eng_market_t *spreads = NULL;
    const eng_space_weather_t *sw = eng_state_space_weather(st);
    const eng_score_game_t *g;
    double hist[HIST_MAX];
    eng_score_in_t in;
    int vac_players = 0;
    double p_model = 0.0;
    bool has_p_model;

    /* p_model needs no game: the model steps on every odds event */
    has_p_model = c->ai && eng_ai_p_model(c->ai, mk, i, &p_model);
    if (has_p_model) {
        sc->p_model = p_model;
        sv_strlcpy(sc->model, eng_ai_model_id(c->ai), sizeof(sc->model));
        sc->present |= WIRE_SCORE_HAS_P_MODEL | WIRE_SCORE_HAS_MODEL;
    }
    if (!gm || !gm->known)
        return false;
    memset(&in, 0, sizeof(in));
    in.sport = gm->sport;
    in.event_id = gm->event_id;
    in.home = gm->home;
    in.away = gm->away;
    in.player = mk->has_player ? mk->player : "";
    in.market = mk->market;
    in.side = mk->names[cd->name];
    in.has_point = cd->has_point;
    in.point = cd->point;
    in.has_price = true;
    in.price = cd->best_american;
    in.commence_ms = gm->commence_ts;
    game_lines(st, gm, &in, &spreads);
    game_splits(gm, mk, &in);
    /* line variance of the game: the books' home spread (the original's sharp signal) */
    const eng_market_t *lvm = spreads ? spreads : mk;
    if (lvm->active_books >= 2 && lvm->modal_has_line) {
        in.has_lv = true;
        in.line_variance = eng_py_round(lvm->line_variance, 1);
    }
    in.books = mk->active_books;
    if (gm->officials.ts && (gm->officials.present & WIRE_CTX_HAS_OVER_PCT) &&
        (gm->officials.present & WIRE_CTX_HAS_HOME_BIAS)) {
        in.has_officials = true;
        in.officials_over_pct = gm->officials.over_pct;
        in.officials_home_bias = gm->officials.home_bias;
    }
    if (gm->weather.ts && !((gm->weather.present & WIRE_CTX_HAS_INDOOR) && gm->weather.indoor)) {
        in.has_weather = true;
        in.temp_f = gm->weather.temp_f;
        in.wind_mph = gm->weather.wind_mph;
        in.precip_in = gm->weather.precip_in;
        in.humidity = gm->weather.humidity;
    }
    for (size_t k = 0; k < gm->injury_cnt; k++) {
        const eng_injury_t *ij = &gm->injuries[k];
        if (ij->status == WIRE_INJ_OUT || ij->status == WIRE_INJ_DOUBTFUL)
            vac_players++;
        if (mk->has_player && strcmp(ij->player, mk->player) == 0)
            in.injury = wire_injury_status_name(ij->status);
    }
    in.vacuum = vac_players * 5 > 25 ? 25 : vac_players * 5;
    if (mk->has_player) {
        const eng_player_t *pl = eng_state_player(st, mk->player);
        if (pl && eng_cal_parse_date(pl->birth_date, &in.birth_day))
            in.has_birth = true;
    }
    if (mk->hist_cnt) {
        size_t n = mk->hist_cnt > HIST_MAX ? HIST_MAX : mk->hist_cnt;
        int k = 0;
        for (size_t h = mk->hist_cnt - n; h < mk->hist_cnt; h++) {
            const eng_hist_t *hp = eng_market_history(st, mk, h);
            if (hp->has_point)
                hist[k++] = hp->point;
        }
        in.history = hist;
        in.history_n = k;
    }
    if (sw->ts && (sw->present & WIRE_CTX_HAS_KP)) {
        in.has_kp = true;
        in.kp = sw->kp;
    }
    if (sw->ts && (sw->present & WIRE_CTX_HAS_XRAY_FLUX)) {
        in.has_xray = true;
        in.xray_flux = sw->xray_flux;
    }
    if (has_p_model) {
        in.has_ai = true;
        in.ai = eng_ai_score(p_model, cd->p_fair);
    }
    if (!(g = game_part(c, mk, gm, &in)))
        return false;
    if (!out)
        out = &c->res;
    eng_score_run(&c->conf, g, line_part(c, mk, i, &in), &in, out, why);
    c->scored++;
    sc->ai = out->ai;
    sc->research = out->research;
    sc->esoteric = out->esoteric;
    sc->final = out->final;
    sc->present |= WIRE_SCORE_HAS_AI | WIRE_SCORE_HAS_RESEARCH | WIRE_SCORE_HAS_ESOTERIC |
                   WIRE_SCORE_HAS_FINAL | WIRE_SCORE_HAS_TIER | WIRE_SCORE_HAS_CONFLUENCE;
    if (out->has_jarvis) {
        sc->jarvis = out->jarvis;
        sc->present |= WIRE_SCORE_HAS_JARVIS;
    }
    sc->tier = tier_of(out->tier);
    sc->confluence = conf_level(out->confluence);
    return true;
}
