/*
 * features — the AI engine's feature vector (see features.h): the name table, its FNV-1a hash,
 * the mapping from an eng_feat_in_t to the raw floats, and the filling of an eng_feat_in_t from
 * the market state (candidate, market, game, splits) and the Elo ratings. The per-sport clock
 * table below says how long a period is and which way the clock runs.
 */
#include "features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv_util.h"

const char *const eng_feat_names[ENG_FEAT_N] = {
    "p_fair",      "d_p_fair",    "best_implied", "line_variance", "line",
    "d_line",      "steam",       "hours_to_commence", "score_diff", "period",
    "clock_frac",  "split_ticket", "split_money", "has_splits",    "elo_p",
    "side",
};

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* Clock of a sport: seconds per period and whether the clock counts up over the whole game
 * (soccer: 0..45' in the first half, 45'..90' in the second) or down within each period. */
typedef struct feat_clock {
    const char *sport; /* token, or a prefix ending in '_' */
    int period_s;      /* seconds per period; 0 = no clock (innings) */
    bool counts_up;    /* soccer style */
} feat_clock_t;

static const feat_clock_t feat_clocks[] = {
    {"nba", 720, false},  {"wnba", 600, false},  {"ncaab", 1200, false}, {"nfl", 900, false},
    {"ncaaf", 900, false}, {"nhl", 1200, false}, {"mlb", 0, false},      {"soccer_", 2700, true},
};

static uint64_t feat_fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t eng_feat_hash_of(const char *const *names, size_t n, int version)
{
    char head[48];
    uint64_t h;

    snprintf(head, sizeof(head), "savant-features:%d", version);
    h = feat_fnv(FNV_OFFSET, head);
    for (size_t i = 0; i < n; i++)
        h = feat_fnv(feat_fnv(h, "\n"), names[i]);
    return h;
}

uint64_t eng_feat_hash(void)
{
    return eng_feat_hash_of(eng_feat_names, ENG_FEAT_N, ENG_FEAT_VERSION);
}

/* v as a float, 0 when not finite. */
static float feat_f(double v)
{
    return isfinite(v) ? (float)v : 0.0f;
}

void eng_feat_compute(const eng_feat_in_t *in, float x[ENG_FEAT_N])
{
    double hours = in->hours_to_commence;

    if (hours < ENG_FEAT_HOURS_MIN)
        hours = ENG_FEAT_HOURS_MIN;
    if (hours > ENG_FEAT_HOURS_MAX)
        hours = ENG_FEAT_HOURS_MAX;
    x[0] = feat_f(in->p_fair);
    x[1] = feat_f(in->d_p_fair);
    x[2] = in->best_dec > 1.0 ? feat_f(1.0 / in->best_dec) : 0.0f;
    x[3] = feat_f(in->line_variance);
    x[4] = feat_f(in->line);
    x[5] = feat_f(in->d_line);
    x[6] = in->steam ? 1.0f : 0.0f;
    x[7] = feat_f(hours);
    x[8] = (float)in->score_diff;
    x[9] = (float)in->period;
    x[10] = feat_f(in->clock_frac);
    x[11] = in->has_splits ? feat_f(in->ticket_pct / 100.0) : 0.5f;
    x[12] = in->has_splits ? feat_f(in->money_pct / 100.0) : 0.5f;
    x[13] = in->has_splits ? 1.0f : 0.0f;
    x[14] = feat_f(in->elo_p);
    x[15] = (float)in->side;
}

static const feat_clock_t *feat_clock(const char *sport)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(feat_clocks); i++) {
        const char *s = feat_clocks[i].sport;
        size_t n = strlen(s);
        if (s[n - 1] == '_' ? strncmp(sport, s, n) == 0 : strcmp(sport, s) == 0)
            return &feat_clocks[i];
    }
    return NULL;
}

/* Fraction of the current period elapsed (0 when the sport or the clock is unknown). */
static double feat_clock_frac(const eng_game_t *gm)
{
    const feat_clock_t *ck = feat_clock(gm->sport);
    double f;

    if (!ck || !ck->period_s || !(gm->present & WIRE_GAME_HAS_CLOCK_S))
        return 0.0;
    if (ck->counts_up) {
        int period = gm->present & WIRE_GAME_HAS_PERIOD && gm->period > 0 ? gm->period : 1;
        f = (double)(gm->clock_s - (period - 1) * ck->period_s) / ck->period_s;
    } else {
        f = 1.0 - (double)gm->clock_s / ck->period_s;
    }
    return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

/* The splits of side in market, else (h2h and spreads share a side) in the other of the two. */
static const eng_splits_t *feat_splits(const eng_game_t *gm, const char *market, const char *side)
{
    const char *alt = strcmp(market, "h2h") == 0       ? "spreads"
                      : strcmp(market, "spreads") == 0 ? "h2h"
                                                        : NULL;
    const eng_splits_t *found = NULL;

    for (size_t i = 0; i < gm->splits_cnt; i++) {
        const eng_splits_t *sp = &gm->splits[i];
        if (strcmp(sp->side, side) != 0)
            continue;
        if (strcmp(sp->market, market) == 0)
            return sp;
        if (!found && alt && strcmp(sp->market, alt) == 0)
            found = sp;
    }
    return found;
}

void eng_feat_fill(eng_feat_in_t *in, const eng_state_t *st, const eng_market_t *mk, size_t cand,
                   const eng_elo_t *elo, const eng_feat_prev_t *prev, int64_t now_ms)
{
    const eng_cand_t *cd = &mk->cands[cand];
    const char *name = mk->names[cd->name];
    const eng_game_t *gm = eng_state_game(st, mk->event_id);
    bool known = gm && gm->known;
    bool team_market = strcmp(mk->market, "h2h") == 0 || strcmp(mk->market, "spreads") == 0;
    bool in_play;

    memset(in, 0, sizeof(*in));
    in->p_fair = cd->p_fair;
    in->best_dec = cd->best_dec;
    in->line_variance = mk->line_variance;
    in->line = cd->has_point ? cd->point : 0.0;
    if (prev && prev->set) {
        in->d_p_fair = in->p_fair - prev->p_fair;
        in->d_line = in->line - prev->line;
    }
    in->steam = cd->steam;
    in->elo_p = 0.5;

    if (strcmp(name, "Over") == 0)
        in->side = 1;
    else if (strcmp(name, "Under") == 0)
        in->side = -1;
    else if (known && !mk->has_player && strcmp(name, gm->home) == 0)
        in->side = 1;
    else if (known && !mk->has_player && strcmp(name, gm->away) == 0)
        in->side = -1;

    if (gm) {
        const eng_splits_t *sp = feat_splits(gm, mk->market, name);
        if (sp) {
            in->has_splits = true;
            in->ticket_pct = sp->ticket_pct;
            in->money_pct = sp->money_pct;
        }
    }
    if (!known)
        return;

    in->hours_to_commence = (double)(gm->commence_ts - now_ms) / 3600000.0;
    in_play = gm->status == WIRE_GAME_LIVE || now_ms >= gm->commence_ts;
    if (in_play) {
        const uint32_t both = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
        if ((gm->present & both) == both && team_market && !mk->has_player) {
            int d = gm->home_score - gm->away_score;
            in->score_diff = in->side == 1 && strcmp(name, gm->home) == 0    ? d
                             : in->side == -1 && strcmp(name, gm->away) == 0 ? -d
                             : strcmp(name, "Draw") == 0                     ? -abs(d)
                                                                             : 0;
        }
        if (gm->present & WIRE_GAME_HAS_PERIOD)
            in->period = gm->period;
        in->clock_frac = feat_clock_frac(gm);
    }

    if (elo && team_market && !mk->has_player) {
        double ph, pd;
        if (eng_elo_prob(elo, gm->sport, gm->home, gm->away, &ph, &pd) == SV_OK) {
            if (strcmp(name, gm->home) == 0)
                in->elo_p = ph;
            else if (strcmp(name, gm->away) == 0)
                in->elo_p = 1.0 - ph - pd;
            else if (strcmp(name, "Draw") == 0 && strcmp(mk->market, "h2h") == 0)
                in->elo_p = pd;
        }
    }
}

void eng_feat_prev_set(eng_feat_prev_t *prev, const eng_feat_in_t *in)
{
    prev->p_fair = in->p_fair;
    prev->line = in->line;
    prev->set = true;
}
