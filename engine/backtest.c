/*
 * backtest — savant-replay's offline modes over a recording: one loop reads the file
 * (wire_rec_read), decodes each message of the odds, games and context topics (wire_decode),
 * applies it to an eng_state_t and, for `backtest`, scores the touched candidates through the
 * engine's own eng_market_score() + eng_cands_score() exactly as savant-engine does (the same
 * events re-score the same candidates). The default rule (--rule signals) runs the engine's
 * signal rules over the scores, with the AI model of ai.model stepped on every odds event as in
 * the engine: every signal still open when its game starts becomes a bet at the price and units
 * of its last revision. The interim rule of issue 5 (--rule tiers, or --tiers) instead bets every
 * candidate whose last pre-start score is in a signal tier, at that score's best price, without
 * a model. Bets are settled against the final results and the report is written. `dataset` keeps, per market outcome, the AI engine's
 * feature vector (engine/ml/features.h, with Elo ratings fed by the final results read so far)
 * at every odds update and writes them with the outcome label as JSON lines.
 *
 * Sums run in file order and every number is printed with eng_py_repr(), so the same recording
 * and configuration give the same report.json and dataset bytes; the wall clock only paces the
 * progress line.
 */
#include "backtest.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ai.h"
#include "cands.h"
#include "htab.h"
#include "market.h"
#include "ml/elo.h"
#include "ml/features.h"
#include "quant.h"
#include "scoring/pynum.h"
#include "scoring/score.h"
#include "signals.h"
#include "sv_util.h"
#include "wire.h"
#include "wire_rec.h"

#define ENG_BT_ATTR_MAX 64     /* attribution names (module and pillar names) */
#define ENG_BT_DLQ_PRINT 10    /* dead letters printed one by one; the rest are only counted */
#define ENG_BT_NBINS 10        /* calibration bins */
#define ENG_BT_LOGLOSS_EPS 1e-15 /* probabilities are clipped to [eps, 1 - eps] for log loss */

/* The tiers, in order; a signal-tier set is a bit mask over them. */
static const char *const eng_bt_tiers[] = {"TITANIUM_SMASH", "GOLD_STAR", "EDGE_LEAN",
                                           "MONITOR",        "PASS",      "DROPPED"};
#define ENG_BT_TIERS_DEFAULT 0x7u /* TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN */

/* The research pillars eng_score_run() lists after the modules. */
static const char *const eng_bt_pillars[] = {
    "research.sharp",  "research.line_variance",   "research.public_fade",
    "research.splits_base", "research.espn",      "research.liquidity",
    "research.line_difficulty", "research.weather", "research.officials"};

/* The last pre-start score of one candidate key. */
typedef struct eng_bt_snap {
    char key[WIRE_KEY_MAX];     /* candidate key */
    const eng_market_t *mk;     /* its market (stable until eng_state_free) */
    uint8_t name;               /* index into mk->names */
    bool has_point;             /* the candidate has a line */
    double point;               /* its line */
    int64_t ts;                 /* event time of the score */
    double p_fair;              /* consensus fair probability */
    double best_dec;            /* best decimal price */
    int best_american;          /* the same in American odds */
    char book[WIRE_ID_MAX + 1]; /* book of the best price */
    bool scored;                /* the scoring ran (the game was known) */
    const char *tier;           /* static tier name, when scored */
    double units;               /* the tier's units (eng_tier_units(), via the scoring result) */
    uint64_t fired;             /* attribution names with a non-zero contribution */
} eng_bt_snap_t;

/* One settled or open bet (report order: commence, then key). */
typedef struct eng_bt_bet {
    const eng_bt_snap_t *sn;  /* its score */
    int64_t commence_ts;      /* its game's start */
    double stake;             /* units */
    eng_backtest_result_t r;  /* settlement (PUSH also for void games) */
    bool vd;                  /* the game was cancelled or postponed */
    double pnl;               /* profit and loss (0 while open) */
    double clv;               /* eng_quant_clv(best, 1/p_fair) */
} eng_bt_bet_t;

/* Dataset: the steps of one market outcome (a candidate name of one market). */
typedef struct eng_bt_series {
    float *steps;             /* ENG_FEAT_N per step (eng_feat_compute()) */
    int64_t *ts;              /* event time of each step */
    double *line;             /* the candidate's line at each step (0 without one) */
    size_t n, cap;            /* steps, allocated */
    bool has_point;           /* a step had a line (spreads, totals, props) */
    eng_feat_prev_t prev;     /* the previous step, for the change features */
} eng_bt_series_t;

/* Win/loss/push counters of a group of bets. */
typedef struct eng_bt_tally {
    long bets, wins, losses, pushes; /* settled bets and their results */
    double staked, pnl;              /* units */
} eng_bt_tally_t;

/* The open signal of a candidate slot: its last revision (signals rule). */
typedef struct eng_bt_sig {
    bool open;                  /* a signal is open */
    wire_cand_t cand;           /* its candidate */
    char book[WIRE_ID_MAX + 1]; /* book of its price */
    int price;                  /* American */
    double p_fair;              /* consensus at the revision */
    wire_tier_t tier;           /* tier */
    double units;               /* stake units */
    int64_t ts;                 /* event time of the revision */
} eng_bt_sig_t;

enum { ENG_BT_RULE_SIGNALS, ENG_BT_RULE_TIERS };

/* One run over a recording. */
typedef struct eng_bt {
    cfg_t cfg;                        /* effective configuration */
    bool dataset;                     /* dataset mode (no scoring) */
    bool quiet;                       /* no progress */
    unsigned tiers;                   /* signal tiers (bit mask over eng_bt_tiers) */
    double flat_stake;                /* > 0: stake of every bet instead of the tier's units */
    int rule;                         /* ENG_BT_RULE_SIGNALS or ENG_BT_RULE_TIERS */
    eng_ai_t *ai;                     /* signals rule: the model of ai.model (NULL: none) */
    eng_signals_t *signals;           /* signals rule: the engine's signal rules */
    eng_bt_sig_t *sig_open;           /* per candidate slot: the open signal */
    size_t sig_open_cap;
    eng_bt_snap_t *sig_bets;          /* signals open at their game's start: the bets */
    size_t sig_bet_cnt, sig_bet_cap;
    unsigned long long sig_revs;      /* signal revisions the rules emitted */
    bool sig_nomem;                   /* the signals rule ran out of memory */
    bool applied;                     /* the message just read was applied */
    int64_t applied_ts;               /* its event time */
    eng_state_t *st;                  /* the market state */
    eng_cands_t *cands;               /* the scorer (backtest) */
    union {                           /* decoded input, reused */
        wire_odds_t odds;
        wire_game_t game;
        wire_context_t context;
    } in;
    wire_score_t sc;                  /* reused score */
    eng_score_t res;                  /* reused scoring result */
    /* input counters */
    unsigned long long msgs, odds, games, context, ignored, dead, stale, bad_lines;
    /* backtest */
    eng_bt_snap_t *snaps;             /* per candidate key, first-seen order */
    size_t snap_cnt, snap_cap;
    eng_htab_t snap_ix;               /* key hash -> index in snaps */
    const char *attr[ENG_BT_ATTR_MAX]; /* attribution names (static strings) */
    size_t attr_cnt;
    /* dataset */
    eng_bt_series_t *series;          /* per market index × ENG_OUTCOMES_MAX + name index */
    size_t series_cap;
    eng_elo_t *elo;                   /* ratings from the final results read so far */
    /* progress */
    unsigned long long total;         /* lines in the file (0: unknown) */
    struct timespec t0, tlast;        /* start, last progress output */
    bool tty;                         /* stderr is a terminal */
} eng_bt_t;

/* ---- settlement ---------------------------------------------------------------------------- */

static eng_backtest_result_t eng_bt_cmp(double a, double b)
{
    return a > b ? ENG_BACKTEST_WIN : a < b ? ENG_BACKTEST_LOSS : ENG_BACKTEST_PUSH;
}

eng_backtest_result_t eng_backtest_settle(const char *market, const char *side, bool has_point,
                                          double point, const char *home, const char *away,
                                          bool has_draw, int home_score, int away_score)
{
    double h = home_score, a = away_score;

    if (strcmp(market, "h2h") == 0) {
        if (strcmp(side, "Draw") == 0)
            return home_score == away_score ? ENG_BACKTEST_WIN : ENG_BACKTEST_LOSS;
        if (strcmp(side, home) != 0 && strcmp(side, away) != 0)
            return ENG_BACKTEST_OPEN;
        if (home_score == away_score)
            return has_draw ? ENG_BACKTEST_LOSS : ENG_BACKTEST_PUSH;
        return strcmp(side, home) == 0 ? eng_bt_cmp(h, a) : eng_bt_cmp(a, h);
    }
    if (strcmp(market, "spreads") == 0 && has_point) {
        if (strcmp(side, home) == 0)
            return eng_bt_cmp(h + point, a);
        if (strcmp(side, away) == 0)
            return eng_bt_cmp(a + point, h);
        return ENG_BACKTEST_OPEN;
    }
    if (strcmp(market, "totals") == 0 && has_point) {
        if (strcmp(side, "Over") == 0)
            return eng_bt_cmp(h + a, point);
        if (strcmp(side, "Under") == 0)
            return eng_bt_cmp(point, h + a);
    }
    return ENG_BACKTEST_OPEN;
}

static bool eng_bt_has_draw(const eng_market_t *mk)
{
    for (size_t k = 0; k < mk->name_cnt; k++)
        if (strcmp(mk->names[k], "Draw") == 0)
            return true;
    return false;
}

/* The result of side name of mk at the given line; *vd for a cancelled/postponed game. */
static eng_backtest_result_t eng_bt_result(const eng_state_t *st, const eng_market_t *mk,
                                           size_t name, bool has_point, double point, bool *vd)
{
    const eng_game_t *gm = eng_state_game(st, mk->event_id);
    const uint32_t both = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;

    *vd = false;
    if (!gm || !gm->known || mk->has_player)
        return ENG_BACKTEST_OPEN;
    if (gm->status == WIRE_GAME_CANCELLED || gm->status == WIRE_GAME_POSTPONED) {
        *vd = true;
        return ENG_BACKTEST_PUSH;
    }
    if (gm->status != WIRE_GAME_FINAL || (gm->present & both) != both)
        return ENG_BACKTEST_OPEN;
    return eng_backtest_settle(mk->market, mk->names[name], has_point, point, gm->home, gm->away,
                               eng_bt_has_draw(mk), gm->home_score, gm->away_score);
}

/* ---- progress ------------------------------------------------------------------------------ */

static double eng_bt_since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void eng_bt_progress(eng_bt_t *bt, bool last)
{
    struct timespec now;
    double el, rate;

    if (bt->quiet)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!last && eng_bt_since(&bt->tlast, &now) < (bt->tty ? 0.2 : 5.0))
        return;
    bt->tlast = now;
    el = eng_bt_since(&bt->t0, &now);
    rate = el > 0 ? (double)bt->msgs / el : 0.0;
    if (last) {
        fprintf(stderr, "%s%s: %llu messages in %.1f s (%.0f msg/s)\n", bt->tty ? "\r\033[K" : "",
                bt->dataset ? "dataset" : "backtest", bt->msgs, el, rate);
        return;
    }
    if (bt->total && rate > 0 && bt->total > bt->msgs)
        fprintf(stderr, "%s  %llu/%llu  %.0f msg/s  ETA %.0fs%s", bt->tty ? "\r\033[K" : "",
                bt->msgs, bt->total, rate, (double)(bt->total - bt->msgs) / rate,
                bt->tty ? "" : "\n");
    else
        fprintf(stderr, "%s  %llu  %.0f msg/s%s", bt->tty ? "\r\033[K" : "", bt->msgs, rate,
                bt->tty ? "" : "\n");
}

/* Lines of a seekable file (the progress total), then back to the start; 0 when unknown. */
static unsigned long long eng_bt_count_lines(FILE *fp)
{
    char buf[65536];
    unsigned long long n = 0;
    size_t got;

    if (fseeko(fp, 0, SEEK_SET) != 0)
        return 0;
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
        for (size_t i = 0; i < got; i++)
            n += buf[i] == '\n';
    if (fseeko(fp, 0, SEEK_SET) != 0)
        return 0;
    clearerr(fp);
    return n;
}

/* ---- the loop ------------------------------------------------------------------------------ */

static bool eng_bt_sport_known(const eng_bt_t *bt, const char *sport)
{
    return cfg_sports_match(bt->cfg.market_sports, sport);
}

static size_t eng_bt_attr_index(eng_bt_t *bt, const char *name)
{
    for (size_t k = 0; k < bt->attr_cnt; k++)
        if (bt->attr[k] == name)
            return k;
    for (size_t k = 0; k < bt->attr_cnt; k++)
        if (strcmp(bt->attr[k], name) == 0)
            return k;
    if (bt->attr_cnt == ENG_BT_ATTR_MAX)
        return ENG_BT_ATTR_MAX;
    bt->attr[bt->attr_cnt] = name;
    return bt->attr_cnt++;
}

static void eng_bt_attr_init(eng_bt_t *bt)
{
    const eng_mod_def_t *md = eng_score_modules();
    for (int m = 0; m < ENG_MOD__CNT; m++)
        bt->attr[bt->attr_cnt++] = md[m].name;
    for (size_t k = 0; k < SV_ARRAY_SIZE(eng_bt_pillars); k++)
        bt->attr[bt->attr_cnt++] = eng_bt_pillars[k];
}

static unsigned eng_bt_tier_bit(const char *tier)
{
    for (size_t k = 0; k < SV_ARRAY_SIZE(eng_bt_tiers); k++)
        if (strcmp(tier, eng_bt_tiers[k]) == 0)
            return 1u << k;
    return 0;
}

/* The snapshot of key, or NULL (nothing is created). */
static eng_bt_snap_t *eng_bt_snap_find(const eng_bt_t *bt, const char *key)
{
    eng_htab_it_t it;
    uint32_t v;

    eng_htab_probe(&bt->snap_ix, eng_htab_hash_str(0, key), &it);
    while ((v = eng_htab_next(&bt->snap_ix, &it)) != ENG_HTAB_NONE)
        if (strcmp(bt->snaps[v].key, key) == 0)
            return &bt->snaps[v];
    return NULL;
}

/* The snapshot of key, created when new; NULL when out of memory. */
static eng_bt_snap_t *eng_bt_snap(eng_bt_t *bt, const char *key)
{
    uint64_t h = eng_htab_hash_str(0, key);
    eng_bt_snap_t *found = eng_bt_snap_find(bt, key);

    if (found)
        return found;
    if (bt->snap_cnt == bt->snap_cap) {
        size_t cap = bt->snap_cap ? bt->snap_cap * 2 : 256;
        eng_bt_snap_t *p = realloc(bt->snaps, cap * sizeof(*p));
        if (!p)
            return NULL;
        bt->snaps = p;
        bt->snap_cap = cap;
    }
    if (eng_htab_insert(&bt->snap_ix, h, (uint32_t)bt->snap_cnt) != SV_OK)
        return NULL;
    memset(&bt->snaps[bt->snap_cnt], 0, sizeof(bt->snaps[0]));
    sv_strlcpy(bt->snaps[bt->snap_cnt].key, key, WIRE_KEY_MAX);
    return &bt->snaps[bt->snap_cnt++];
}

/* Score every candidate of mk as the engine does, keeping each key's last pre-start score. */
static sv_err_t eng_bt_score_market(eng_bt_t *bt, const eng_market_t *mk)
{
    const eng_game_t *gm = eng_state_game(bt->st, mk->event_id);
    char key[WIRE_KEY_MAX];

    if (bt->signals && eng_signals_touch(bt->signals, mk->game) != SV_OK)
        return SV_ERR_NOMEM;
    for (size_t i = 0; i < mk->cand_cnt; i++) {
        const eng_cand_t *cd = &mk->cands[i];
        eng_bt_snap_t *sn;
        bool scored;

        if (gm && gm->known && mk->ts >= gm->commence_ts)
            return SV_OK; /* in play: the score (ts = mk->ts) is not a pre-start one */
        eng_market_score(bt->st, mk, i, &bt->sc);
        scored = eng_cands_score(bt->cands, bt->st, mk, i, &bt->sc, &bt->res, NULL);
        if (bt->signals && eng_signals_note_score(bt->signals, bt->st, mk, i, &bt->sc, &bt->res,
                                                  scored) != SV_OK)
            return SV_ERR_NOMEM;
        if (wire_cand_key(&bt->sc.cand, key, sizeof(key)) != SV_OK)
            continue;
        if (!(sn = eng_bt_snap(bt, key)))
            return SV_ERR_NOMEM;
        sn->mk = mk;
        sn->name = cd->name;
        sn->has_point = cd->has_point;
        sn->point = cd->point;
        sn->ts = bt->sc.ts;
        sn->p_fair = bt->sc.p_fair;
        sn->best_dec = bt->sc.best_decimal;
        sn->best_american = bt->sc.best_price;
        sv_strlcpy(sn->book, bt->sc.best_book, sizeof(sn->book));
        sn->scored = scored;
        sn->tier = scored ? bt->res.tier : NULL;
        sn->units = scored ? bt->res.units : 0.0;
        sn->fired = 0;
        if (scored && (bt->rule == ENG_BT_RULE_SIGNALS || (eng_bt_tier_bit(sn->tier) & bt->tiers)))
            for (int k = 0; k < bt->res.n_parts; k++) {
                size_t ix = eng_bt_attr_index(bt, bt->res.parts[k].name);
                if (ix < ENG_BT_ATTR_MAX && bt->res.parts[k].value != 0.0)
                    sn->fired |= 1ull << ix;
            }
    }
    return SV_OK;
}

/* Dataset: the series of name k of mk (grown as needed), or NULL when out of memory. */
static eng_bt_series_t *eng_bt_series(eng_bt_t *bt, const eng_market_t *mk, size_t k)
{
    size_t ix = (size_t)mk->idx * ENG_OUTCOMES_MAX + k;
    eng_bt_series_t *se;

    if (ix >= bt->series_cap) {
        size_t cap = bt->series_cap ? bt->series_cap : 64 * ENG_OUTCOMES_MAX;
        while (cap <= ix)
            cap *= 2;
        eng_bt_series_t *p = realloc(bt->series, cap * sizeof(*p));
        if (!p)
            return NULL;
        memset(p + bt->series_cap, 0, (cap - bt->series_cap) * sizeof(*p));
        bt->series = p;
        bt->series_cap = cap;
    }
    se = &bt->series[ix];
    if (se->n == se->cap) {
        size_t cap = se->cap ? se->cap * 2 : 16;
        float *s = realloc(se->steps, cap * ENG_FEAT_N * sizeof(*s));
        if (!s)
            return NULL;
        se->steps = s;
        int64_t *t = realloc(se->ts, cap * sizeof(*t));
        if (!t)
            return NULL;
        se->ts = t;
        double *l = realloc(se->line, cap * sizeof(*l));
        if (!l)
            return NULL;
        se->line = l;
        se->cap = cap;
    }
    return se;
}

/* Dataset: one step of every candidate of mk after an odds update (eng_feat_fill() at the
 * market's event time, then eng_feat_compute()). */
static sv_err_t eng_bt_step(eng_bt_t *bt, const eng_market_t *mk)
{
    for (size_t i = 0; i < mk->cand_cnt; i++) {
        eng_bt_series_t *se = eng_bt_series(bt, mk, mk->cands[i].name);
        eng_feat_in_t fin;

        if (!se)
            return SV_ERR_NOMEM;
        eng_feat_fill(&fin, bt->st, mk, i, bt->elo, &se->prev, mk->ts);
        eng_feat_compute(&fin, se->steps + se->n * ENG_FEAT_N);
        eng_feat_prev_set(&se->prev, &fin);
        se->has_point |= mk->cands[i].has_point;
        se->line[se->n] = fin.line;
        se->ts[se->n++] = mk->ts;
    }
    return SV_OK;
}

static sv_err_t eng_bt_touched(eng_bt_t *bt, const eng_market_t *mk)
{
    return bt->dataset ? SV_OK : eng_bt_score_market(bt, mk);
}

static sv_err_t eng_bt_touched_game(eng_bt_t *bt, const eng_game_t *g)
{
    sv_err_t rc = SV_OK;
    for (size_t i = 0; i < g->market_cnt && rc == SV_OK; i++)
        rc = eng_bt_touched(bt, eng_state_game_market(bt->st, g, i));
    return rc;
}

static void eng_bt_dead(eng_bt_t *bt, const wire_rec_t *rec, long line, const wire_err_t *werr)
{
    char e[300];
    if (bt->dead++ < ENG_BT_DLQ_PRINT)
        fprintf(stderr, "savant-replay: line %ld (%s offset %lld): dead letter: %s\n", line,
                rec->topic, (long long)rec->offset, wire_err_str(werr, e, sizeof(e)));
}

/* Whether topic ends with ".suffix" (or is suffix). */
static bool eng_bt_topic_is(const char *topic, const char *suffix)
{
    size_t tl = strlen(topic), sl = strlen(suffix);
    return tl >= sl && strcmp(topic + tl - sl, suffix) == 0 &&
           (tl == sl || topic[tl - sl - 1] == '.');
}

/* Apply one recorded message as the engine does; SV_ERR_NOMEM is the only failure. */
static sv_err_t eng_bt_apply_one(eng_bt_t *bt, const wire_rec_t *rec, long line)
{
    wire_err_t werr;
    wire_type_t t;
    sv_err_t rc;

    if (eng_bt_topic_is(rec->topic, "odds.v1"))
        t = WIRE_ODDS;
    else if (eng_bt_topic_is(rec->topic, "games.v1"))
        t = WIRE_GAME;
    else if (eng_bt_topic_is(rec->topic, "context.v1"))
        t = WIRE_CONTEXT;
    else {
        bt->ignored++;
        return SV_OK;
    }
    if (rec->value_len == 0) {
        snprintf(werr.field, sizeof(werr.field), "%s", "");
        snprintf(werr.reason, sizeof(werr.reason), "empty message (tombstone)");
        eng_bt_dead(bt, rec, line, &werr);
        return SV_OK;
    }
    if (wire_decode(t, rec->value, rec->value_len, &bt->in, &werr) != SV_OK) {
        eng_bt_dead(bt, rec, line, &werr);
        return SV_OK;
    }
    if ((t == WIRE_ODDS && !eng_bt_sport_known(bt, bt->in.odds.sport)) ||
        (t == WIRE_GAME && !eng_bt_sport_known(bt, bt->in.game.sport))) {
        snprintf(werr.field, sizeof(werr.field), "sport");
        snprintf(werr.reason, sizeof(werr.reason), "unknown sport '%s' (market.sports)",
                 t == WIRE_ODDS ? bt->in.odds.sport : bt->in.game.sport);
        eng_bt_dead(bt, rec, line, &werr);
        return SV_OK;
    }
    if (t == WIRE_ODDS) {
        eng_market_t *mk = NULL;
        rc = eng_state_apply_odds(bt->st, &bt->in.odds, &mk, &werr);
        if (rc == SV_OK) {
            bt->odds++;
            bt->applied = true;
            bt->applied_ts = bt->in.odds.ts;
            if (bt->ai)
                eng_ai_on_odds(bt->ai, bt->st, mk, bt->in.odds.ts);
            return bt->dataset ? eng_bt_step(bt, mk) : eng_bt_touched(bt, mk);
        }
    } else if (t == WIRE_GAME) {
        eng_game_t *g = eng_state_game(bt->st, bt->in.game.event_id);
        bool was_known = g && g->known;
        int64_t commence = was_known ? g->commence_ts : 0;
        char home[WIRE_NAME_MAX + 1] = "", away[WIRE_NAME_MAX + 1] = "";
        char sport[WIRE_TOKEN_MAX + 1] = "";
        if (was_known) {
            sv_strlcpy(home, g->home, sizeof(home));
            sv_strlcpy(away, g->away, sizeof(away));
            sv_strlcpy(sport, g->sport, sizeof(sport));
        }
        g = NULL;
        rc = eng_state_apply_game(bt->st, &bt->in.game, &g, &werr);
        if (rc == SV_OK) {
            bt->games++;
            bt->applied = true;
            bt->applied_ts = bt->in.game.ts;
            if (bt->ai)
                eng_ai_on_game(bt->ai, &bt->in.game);
            if (bt->signals && g && g->market_cnt > 0 &&
                eng_signals_touch(bt->signals, eng_state_game_market(bt->st, g, 0)->game) != SV_OK)
                return SV_ERR_NOMEM;
            if (bt->elo && eng_elo_apply_game(bt->elo, &bt->in.game, NULL) != SV_OK)
                return SV_ERR_NOMEM;
            if (g && (!was_known || commence != g->commence_ts || strcmp(home, g->home) != 0 ||
                      strcmp(away, g->away) != 0 || strcmp(sport, g->sport) != 0))
                return eng_bt_touched_game(bt, g);
            return SV_OK;
        }
    } else {
        eng_game_t *g = NULL;
        rc = eng_state_apply_context(bt->st, &bt->in.context, &g, &werr);
        if (rc == SV_OK) {
            bt->context++;
            bt->applied = true;
            bt->applied_ts = bt->in.context.ts;
            if (g)
                return eng_bt_touched_game(bt, g);
            for (size_t i = 0, n = eng_state_market_cnt(bt->st); i < n && rc == SV_OK; i++) {
                eng_market_t *mk = eng_state_market_at(bt->st, i);
                if (bt->in.context.kind != WIRE_CTX_PLAYER ||
                    (mk->has_player && strcmp(mk->player, bt->in.context.player) == 0))
                    rc = eng_bt_touched(bt, mk);
            }
            return rc;
        }
    }
    if (rc == SV_ERR_STALE) {
        bt->stale++;
        return SV_OK;
    }
    if (rc == SV_ERR_NOMEM)
        return rc;
    eng_bt_dead(bt, rec, line, &werr);
    return SV_OK;
}

/* One message: applied, then (signals rule) the rules decide as the engine's loop does after it. */
static sv_err_t eng_bt_apply(eng_bt_t *bt, const wire_rec_t *rec, long line)
{
    sv_err_t rc;

    bt->applied = false;
    rc = eng_bt_apply_one(bt, rec, line);
    if (rc == SV_OK && bt->signals && bt->applied)
        rc = eng_signals_decide(bt->signals, bt->st, rec->partition, bt->applied_ts);
    return rc;
}

/* Signals rule: the open signal of slot becomes a bet (a snapshot of its last revision). */
static sv_err_t eng_bt_sig_bet(eng_bt_t *bt, uint32_t slot, const eng_bt_sig_t *o)
{
    const eng_market_t *mk = eng_state_market_at(bt->st, slot / ENG_OUTCOMES_MAX);
    const eng_bt_snap_t *score;
    eng_bt_snap_t *sn;
    size_t k;

    for (k = 0; k < mk->name_cnt; k++)
        if (strcmp(mk->names[k], o->cand.side) == 0)
            break;
    if (k == mk->name_cnt)
        return SV_OK; /* cannot happen: the side is one of the market's names */
    if (sv_grow((void **)&bt->sig_bets, &bt->sig_bet_cap, sizeof(*bt->sig_bets), bt->sig_bet_cnt,
                64) != SV_OK)
        return SV_ERR_NOMEM;
    sn = &bt->sig_bets[bt->sig_bet_cnt++];
    memset(sn, 0, sizeof(*sn));
    if (wire_cand_key(&o->cand, sn->key, sizeof(sn->key)) != SV_OK)
        sn->key[0] = '\0';
    sn->mk = mk;
    sn->name = (uint8_t)k;
    sn->has_point = (o->cand.present & WIRE_CAND_HAS_POINT) != 0;
    sn->point = o->cand.point;
    sn->ts = o->ts;
    sn->p_fair = o->p_fair;
    sn->best_american = o->price;
    sn->best_dec = eng_quant_american_to_decimal(o->price);
    sv_strlcpy(sn->book, o->book, sizeof(sn->book));
    sn->scored = true;
    sn->tier = wire_tier_name(o->tier);
    sn->units = o->units;
    score = eng_bt_snap_find(bt, sn->key);
    sn->fired = score ? score->fired : 0;
    return SV_OK;
}

/* Signals rule: a revision from the rules. A signal still open when its game starts is a bet at
 * its last revision; one withdrawn for any other reason is not. */
static void eng_bt_on_rev(void *arg, uint32_t slot, wire_signal_t *sig)
{
    eng_bt_t *bt = arg;
    eng_bt_sig_t *o;

    bt->sig_revs++;
    if (bt->sig_nomem || sv_grow((void **)&bt->sig_open, &bt->sig_open_cap,
                                 sizeof(*bt->sig_open), slot, 256) != SV_OK) {
        bt->sig_nomem = true;
        return;
    }
    o = &bt->sig_open[slot];
    if (sig->state != WIRE_SIG_WITHDRAWN) {
        o->open = true;
        o->cand = sig->cand;
        sv_strlcpy(o->book, sig->book, sizeof(o->book));
        o->price = sig->price;
        o->p_fair = sig->p_fair;
        o->tier = sig->tier;
        o->units = sig->stake_units;
        o->ts = sig->ts;
        return;
    }
    if (o->open && sig->reason_cnt > 0 &&
        strcmp(sig->reasons[0], "withdrawn: game started") == 0 &&
        eng_bt_sig_bet(bt, slot, o) != SV_OK)
        bt->sig_nomem = true;
    o->open = false;
}

static volatile sig_atomic_t eng_bt_stop; /* SIGINT/SIGTERM while reading */

static void eng_bt_on_signal(int sig)
{
    UNUSED(sig);
    eng_bt_stop = 1;
}

/* Read the whole recording; returns 0 or 1 (error printed). SIGINT/SIGTERM stop it (1). */
static int eng_bt_read(eng_bt_t *bt, const char *path)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    wire_rec_reader_t *rd = NULL;
    wire_rec_t *rec = NULL;
    char errstr[512];
    int rc = 1;

    if (!fp) {
        fprintf(stderr, "savant-replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    bt->tty = isatty(STDERR_FILENO);
    if (!bt->quiet && fp != stdin)
        bt->total = eng_bt_count_lines(fp);
    clock_gettime(CLOCK_MONOTONIC, &bt->t0);
    bt->tlast = bt->t0;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = eng_bt_on_signal;
    sigemptyset(&sa.sa_mask);
    eng_bt_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rec = malloc(sizeof(*rec));
    rd = wire_rec_reader_new(fp, path);
    if (!rec || !rd) {
        fprintf(stderr, "savant-replay: out of memory\n");
        goto out;
    }
    for (;;) {
        sv_err_t err;
        if (eng_bt_stop) {
            fprintf(stderr, "%ssavant-replay: interrupted after %llu messages; nothing written\n",
                    bt->tty && !bt->quiet ? "\r\033[K" : "", bt->msgs);
            goto out;
        }
        err = wire_rec_read(rd, rec, errstr, sizeof(errstr));
        if (err == SV_AGAIN)
            break;
        if (err == SV_ERR_DECODE) {
            bt->bad_lines++;
            fprintf(stderr, "savant-replay: %s\n", errstr);
            continue;
        }
        if (err != SV_OK) {
            fprintf(stderr, "savant-replay: %s\n", errstr);
            goto out;
        }
        bt->msgs++;
        if (eng_bt_apply(bt, rec, wire_rec_line(rd)) != SV_OK) {
            fprintf(stderr, "savant-replay: out of memory\n");
            goto out;
        }
        if ((bt->msgs & 1023) == 0)
            eng_bt_progress(bt, false);
    }
    eng_bt_progress(bt, true);
    if (bt->dead > ENG_BT_DLQ_PRINT)
        fprintf(stderr, "savant-replay: %llu dead letters in all\n", bt->dead);
    rc = 0;
out:
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    wire_rec_reader_free(rd);
    free(rec);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

/* ---- JSON and Markdown output -------------------------------------------------------------- */

/* A number as Python's repr (shortest round trip); null when not finite. */
static void eng_bt_num(FILE *fp, double x)
{
    char buf[ENG_PY_REPR_MAX];
    if (!isfinite(x))
        fputs("null", fp);
    else
        fputs(eng_py_repr(x, buf, sizeof(buf)), fp);
}

/* a / b, or NaN (printed as null) when b is 0. */
static double eng_bt_ratio(double a, double b)
{
    return b != 0.0 ? a / b : NAN;
}

static void eng_bt_tally_add(eng_bt_tally_t *t, const eng_bt_bet_t *b)
{
    if (b->r == ENG_BACKTEST_OPEN)
        return;
    t->bets++;
    t->wins += b->r == ENG_BACKTEST_WIN;
    t->losses += b->r == ENG_BACKTEST_LOSS;
    t->pushes += b->r == ENG_BACKTEST_PUSH;
    t->staked += b->stake;
    t->pnl += b->pnl;
}

static void eng_bt_tally_json(FILE *fp, const eng_bt_tally_t *t)
{
    fprintf(fp, "{\"bets\": %ld, \"wins\": %ld, \"losses\": %ld, \"pushes\": %ld, \"hit_rate\": ",
            t->bets, t->wins, t->losses, t->pushes);
    eng_bt_num(fp, eng_bt_ratio((double)t->wins, (double)(t->wins + t->losses)));
    fputs(", \"staked\": ", fp);
    eng_bt_num(fp, t->staked);
    fputs(", \"pnl\": ", fp);
    eng_bt_num(fp, t->pnl);
    fputs(", \"roi\": ", fp);
    eng_bt_num(fp, eng_bt_ratio(t->pnl, t->staked));
    fputc('}', fp);
}

static const char *eng_bt_result_name(const eng_bt_bet_t *b)
{
    static const char *const names[] = {"win", "loss", "push", "open"};
    return b->vd ? "void" : names[b->r];
}

static int eng_bt_bet_cmp(const void *a, const void *b)
{
    const eng_bt_bet_t *x = a, *y = b;
    if (x->commence_ts != y->commence_ts)
        return x->commence_ts < y->commence_ts ? -1 : 1;
    return strcmp(x->sn->key, y->sn->key);
}

/* Markdown number: 4 decimals for people (report.json has the exact values), "—" when
 * undefined. */
static void eng_bt_md_num(FILE *fp, double x)
{
    if (!isfinite(x))
        fputs("—", fp);
    else
        fprintf(fp, "%.4f", x == 0.0 ? 0.0 : x);
}

/* Everything the report prints, computed once. */
typedef struct eng_bt_sum {
    eng_bt_bet_t *bets;                     /* sorted */
    size_t bet_cnt;
    long open;                              /* bets not settled */
    eng_bt_tally_t all;                     /* settled bets */
    double clv_sum;                         /* over bets with p_fair > 0 */
    long clv_n;
    long n_prob;                            /* h2h candidates scored for Brier/log loss */
    double brier, logloss;                  /* sums */
    long bin_n[ENG_BT_NBINS];               /* calibration */
    double bin_p[ENG_BT_NBINS], bin_y[ENG_BT_NBINS];
    eng_bt_tally_t fired[ENG_BT_ATTR_MAX], not_fired[ENG_BT_ATTR_MAX];
} eng_bt_sum_t;

/* One bet on the candidate of sn (its game gm, its result r, vd: void game). */
static void eng_bt_bet_add(const eng_bt_t *bt, eng_bt_sum_t *s, const eng_bt_snap_t *sn,
                           const eng_game_t *gm, eng_backtest_result_t r, bool vd)
{
    eng_bt_bet_t *b = &s->bets[s->bet_cnt++];

    b->sn = sn;
    b->commence_ts = gm->commence_ts;
    b->stake = bt->flat_stake > 0 ? bt->flat_stake : sn->units;
    b->r = r;
    b->vd = vd;
    b->pnl = r == ENG_BACKTEST_OPEN ? 0.0
             : eng_quant_pnl(r == ENG_BACKTEST_WIN    ? ENG_RESULT_WIN
                             : r == ENG_BACKTEST_LOSS ? ENG_RESULT_LOSS
                                                      : ENG_RESULT_PUSH,
                             b->stake, sn->best_dec);
    b->clv = sn->p_fair > 0 ? eng_quant_clv(sn->best_dec, 1.0 / sn->p_fair) : NAN;
}

static int eng_bt_summarise(eng_bt_t *bt, eng_bt_sum_t *s)
{
    memset(s, 0, sizeof(*s));
    s->bets = calloc(bt->snap_cnt + bt->sig_bet_cnt + 1, sizeof(*s->bets));
    if (!s->bets)
        return -1;
    for (size_t i = 0; i < bt->snap_cnt; i++) {
        const eng_bt_snap_t *sn = &bt->snaps[i];
        const eng_game_t *gm = eng_state_game(bt->st, sn->mk->event_id);
        bool vd;
        eng_backtest_result_t r;

        if (!gm || !gm->known || sn->ts >= gm->commence_ts)
            continue; /* no pre-start score */
        r = eng_bt_result(bt->st, sn->mk, sn->name, sn->has_point, sn->point, &vd);
        if (strcmp(sn->mk->market, "h2h") == 0 && !vd &&
            (r == ENG_BACKTEST_WIN || r == ENG_BACKTEST_LOSS)) {
            double p = sn->p_fair, y = r == ENG_BACKTEST_WIN ? 1.0 : 0.0;
            double pc = p < ENG_BT_LOGLOSS_EPS       ? ENG_BT_LOGLOSS_EPS
                        : p > 1 - ENG_BT_LOGLOSS_EPS ? 1 - ENG_BT_LOGLOSS_EPS
                                                     : p;
            int bin = (int)(p * ENG_BT_NBINS);
            bin = bin < 0 ? 0 : bin >= ENG_BT_NBINS ? ENG_BT_NBINS - 1 : bin;
            s->n_prob++;
            s->brier += (p - y) * (p - y);
            s->logloss += -(y * log(pc) + (1.0 - y) * log(1.0 - pc));
            s->bin_n[bin]++;
            s->bin_p[bin] += p;
            s->bin_y[bin] += y;
        }
        if (bt->rule != ENG_BT_RULE_TIERS || !sn->scored ||
            !(eng_bt_tier_bit(sn->tier) & bt->tiers))
            continue;
        eng_bt_bet_add(bt, s, sn, gm, r, vd);
    }
    for (size_t i = 0; i < bt->sig_bet_cnt; i++) { /* signals rule */
        const eng_bt_snap_t *sn = &bt->sig_bets[i];
        const eng_game_t *gm = eng_state_game(bt->st, sn->mk->event_id);
        bool vd;
        eng_backtest_result_t r = eng_bt_result(bt->st, sn->mk, sn->name, sn->has_point,
                                                sn->point, &vd);
        if (gm)
            eng_bt_bet_add(bt, s, sn, gm, r, vd);
    }
    qsort(s->bets, s->bet_cnt, sizeof(*s->bets), eng_bt_bet_cmp);
    for (size_t i = 0; i < s->bet_cnt; i++) {
        const eng_bt_bet_t *b = &s->bets[i];
        if (isfinite(b->clv)) {
            s->clv_sum += b->clv;
            s->clv_n++;
        }
        if (b->r == ENG_BACKTEST_OPEN) {
            s->open++;
            continue;
        }
        eng_bt_tally_add(&s->all, b);
        for (size_t k = 0; k < bt->attr_cnt; k++)
            eng_bt_tally_add(b->sn->fired >> k & 1 ? &s->fired[k] : &s->not_fired[k], b);
    }
    return 0;
}

static void eng_bt_tiers_json(FILE *fp, unsigned tiers)
{
    bool first = true;
    fputc('[', fp);
    for (size_t k = 0; k < SV_ARRAY_SIZE(eng_bt_tiers); k++)
        if (tiers >> k & 1) {
            fprintf(fp, "%s\"%s\"", first ? "" : ", ", eng_bt_tiers[k]);
            first = false;
        }
    fputc(']', fp);
}

static void eng_bt_report_json(FILE *fp, const eng_bt_t *bt, const eng_bt_sum_t *s)
{
    fputs("{\n", fp);
    fprintf(fp, "  \"input\": {\"messages\": %llu, \"odds\": %llu, \"games\": %llu, "
                "\"context\": %llu, \"ignored\": %llu, \"stale\": %llu, \"dead_letters\": %llu, "
                "\"bad_lines\": %llu},\n",
            bt->msgs, bt->odds, bt->games, bt->context, bt->ignored, bt->stale, bt->dead,
            bt->bad_lines);
    if (bt->rule == ENG_BT_RULE_TIERS) {
        fputs("  \"rule\": {\"tiers\": ", fp);
        eng_bt_tiers_json(fp, bt->tiers);
    } else {
        fputs("  \"rule\": {\"signals\": {\"game_floor\": ", fp);
        eng_bt_num(fp, bt->cfg.score_game_floor);
        fputs(", \"prop_floor\": ", fp);
        eng_bt_num(fp, bt->cfg.score_prop_floor);
        fputs(", \"ev_min\": ", fp);
        eng_bt_num(fp, bt->cfg.signal_ev_min);
        fputs(", \"ev_band\": ", fp);
        eng_bt_num(fp, bt->cfg.signal_ev_band);
        fputs(", \"band\": ", fp);
        eng_bt_num(fp, bt->cfg.signal_band);
        fprintf(fp, ", \"per_game\": %lld, \"per_player\": %lld, \"revisions\": %llu}",
                (long long)bt->cfg.signal_per_game, (long long)bt->cfg.signal_per_player,
                bt->sig_revs);
    }
    fputs(", \"stake\": ", fp);
    if (bt->flat_stake > 0)
        eng_bt_num(fp, bt->flat_stake);
    else
        fputs("\"tier_units\"", fp);
    fputs(", \"devig\": ", fp);
    sv_json_str(fp, eng_quant_devig_name((eng_devig_t)bt->cfg.market_devig));
    fputs("},\n", fp);
    fprintf(fp, "  \"candidates\": %zu,\n  \"signals\": %zu,\n", bt->snap_cnt, s->bet_cnt);
    fprintf(fp, "  \"bets\": {\"count\": %zu, \"settled\": %ld, \"open\": %ld, \"wins\": %ld, "
                "\"losses\": %ld, \"pushes\": %ld, \"staked\": ",
            s->bet_cnt, s->all.bets, s->open, s->all.wins, s->all.losses, s->all.pushes);
    eng_bt_num(fp, s->all.staked);
    fputs(", \"pnl\": ", fp);
    eng_bt_num(fp, s->all.pnl);
    fputs(", \"roi\": ", fp);
    eng_bt_num(fp, eng_bt_ratio(s->all.pnl, s->all.staked));
    fputs(", \"hit_rate\": ", fp);
    eng_bt_num(fp, eng_bt_ratio((double)s->all.wins, (double)(s->all.wins + s->all.losses)));
    fputs(", \"clv_mean\": ", fp);
    eng_bt_num(fp, eng_bt_ratio(s->clv_sum, (double)s->clv_n));
    fputs("},\n", fp);
    fprintf(fp, "  \"market\": {\"n\": %ld, \"brier\": ", s->n_prob);
    eng_bt_num(fp, eng_bt_ratio(s->brier, (double)s->n_prob));
    fputs(", \"log_loss\": ", fp);
    eng_bt_num(fp, eng_bt_ratio(s->logloss, (double)s->n_prob));
    fputs("},\n  \"model\": ", fp);
    if (bt->ai && eng_ai_model_id(bt->ai))
        sv_json_str(fp, eng_ai_model_id(bt->ai));
    else
        fputs("null", fp);
    fputs(",\n  \"calibration\": [\n", fp);
    for (int k = 0; k < ENG_BT_NBINS; k++) {
        fputs("    {\"lo\": ", fp);
        eng_bt_num(fp, k / 10.0);
        fputs(", \"hi\": ", fp);
        eng_bt_num(fp, (k + 1) / 10.0);
        fprintf(fp, ", \"count\": %ld, \"mean_predicted\": ", s->bin_n[k]);
        eng_bt_num(fp, eng_bt_ratio(s->bin_p[k], (double)s->bin_n[k]));
        fputs(", \"observed\": ", fp);
        eng_bt_num(fp, eng_bt_ratio(s->bin_y[k], (double)s->bin_n[k]));
        fprintf(fp, "}%s\n", k + 1 < ENG_BT_NBINS ? "," : "");
    }
    fputs("  ],\n  \"attribution\": [\n", fp);
    for (size_t k = 0; k < bt->attr_cnt; k++) {
        fputs("    {\"name\": ", fp);
        sv_json_str(fp, bt->attr[k]);
        fputs(", \"fired\": ", fp);
        eng_bt_tally_json(fp, &s->fired[k]);
        fputs(", \"not_fired\": ", fp);
        eng_bt_tally_json(fp, &s->not_fired[k]);
        fprintf(fp, "}%s\n", k + 1 < bt->attr_cnt ? "," : "");
    }
    fputs("  ],\n  \"bet_list\": [\n", fp);
    for (size_t i = 0; i < s->bet_cnt; i++) {
        const eng_bt_bet_t *b = &s->bets[i];
        fputs("    {\"key\": ", fp);
        sv_json_str(fp, b->sn->key);
        fprintf(fp, ", \"commence_ts\": %lld, \"ts\": %lld, \"tier\": \"%s\", \"stake\": ",
                (long long)b->commence_ts, (long long)b->sn->ts, b->sn->tier);
        eng_bt_num(fp, b->stake);
        fputs(", \"book\": ", fp);
        sv_json_str(fp, b->sn->book);
        fprintf(fp, ", \"price\": %d, \"decimal\": ", b->sn->best_american);
        eng_bt_num(fp, b->sn->best_dec);
        fputs(", \"p_fair\": ", fp);
        eng_bt_num(fp, b->sn->p_fair);
        fprintf(fp, ", \"result\": \"%s\", \"pnl\": ", eng_bt_result_name(b));
        eng_bt_num(fp, b->pnl);
        fputs(", \"clv\": ", fp);
        eng_bt_num(fp, b->clv);
        fprintf(fp, "}%s\n", i + 1 < s->bet_cnt ? "," : "");
    }
    fputs("  ]\n}\n", fp);
}

static void eng_bt_md_tally(FILE *fp, const eng_bt_tally_t *t)
{
    fprintf(fp, "%ld | ", t->bets);
    eng_bt_md_num(fp, eng_bt_ratio((double)t->wins, (double)(t->wins + t->losses)));
    fputs(" | ", fp);
    eng_bt_md_num(fp, t->pnl);
    fputs(" | ", fp);
    eng_bt_md_num(fp, eng_bt_ratio(t->pnl, t->staked));
}

static void eng_bt_report_md(FILE *fp, const eng_bt_t *bt, const eng_bt_sum_t *s)
{
    fputs("# Backtest report\n\n## Input\n\n| messages | odds | games | context | ignored | stale "
          "| dead letters | bad lines |\n|---|---|---|---|---|---|---|---|\n", fp);
    fprintf(fp, "| %llu | %llu | %llu | %llu | %llu | %llu | %llu | %llu |\n\n", bt->msgs,
            bt->odds, bt->games, bt->context, bt->ignored, bt->stale, bt->dead, bt->bad_lines);
    if (bt->rule == ENG_BT_RULE_TIERS) {
        fputs("## Bets\n\nRule: the last pre-start score in a signal tier; tiers: ", fp);
        for (size_t k = 0, first = 1; k < SV_ARRAY_SIZE(eng_bt_tiers); k++)
            if (bt->tiers >> k & 1) {
                fprintf(fp, "%s%s", first ? "" : ", ", eng_bt_tiers[k]);
                first = 0;
            }
    } else {
        fprintf(fp, "## Bets\n\nRule: the engine's signals (docs/signals.md) still open at their "
                    "game's start, at their last revision (%llu revisions); model: %s",
                bt->sig_revs, bt->ai && eng_ai_model_id(bt->ai) ? eng_ai_model_id(bt->ai) : "none");
    }
    fputs("; stake: ", fp);
    if (bt->flat_stake > 0) {
        eng_bt_num(fp, bt->flat_stake);
        fputs(" units", fp);
    } else {
        fputs("the tier's units", fp);
    }
    fprintf(fp, ".\n\n| candidates | signals | settled | open | wins | losses | pushes | staked "
                "| P/L | ROI | hit rate | mean CLV |\n|---|---|---|---|---|---|---|---|---|---|---|"
                "---|\n| %zu | %zu | %ld | %ld | %ld | %ld | %ld | ",
            bt->snap_cnt, s->bet_cnt, s->all.bets, s->open, s->all.wins, s->all.losses,
            s->all.pushes);
    eng_bt_md_num(fp, s->all.staked);
    fputs(" | ", fp);
    eng_bt_md_num(fp, s->all.pnl);
    fputs(" | ", fp);
    eng_bt_md_num(fp, eng_bt_ratio(s->all.pnl, s->all.staked));
    fputs(" | ", fp);
    eng_bt_md_num(fp, eng_bt_ratio((double)s->all.wins, (double)(s->all.wins + s->all.losses)));
    fputs(" | ", fp);
    eng_bt_md_num(fp, eng_bt_ratio(s->clv_sum, (double)s->clv_n));
    fputs(" |\n\n![cumulative P/L](pnl.png)\n\n## Probabilities\n\n| forecast | n | Brier | "
          "log loss |\n|---|---|---|---|\n| de-vigged market | ", fp);
    fprintf(fp, "%ld | ", s->n_prob);
    eng_bt_md_num(fp, eng_bt_ratio(s->brier, (double)s->n_prob));
    fputs(" | ", fp);
    eng_bt_md_num(fp, eng_bt_ratio(s->logloss, (double)s->n_prob));
    fputs(" |\n| model | — | — | — |\n\n### Calibration (de-vigged market, h2h)\n\n"
          "| bin | count | mean predicted | observed |\n|---|---|---|---|\n", fp);
    for (int k = 0; k < ENG_BT_NBINS; k++) {
        fprintf(fp, "| %.1f–%.1f | %ld | ", k / 10.0, (k + 1) / 10.0, s->bin_n[k]);
        eng_bt_md_num(fp, eng_bt_ratio(s->bin_p[k], (double)s->bin_n[k]));
        fputs(" | ", fp);
        eng_bt_md_num(fp, eng_bt_ratio(s->bin_y[k], (double)s->bin_n[k]));
        fputs(" |\n", fp);
    }
    fputs("\n![calibration](calibration.png)\n\n## Attribution\n\n| module | fired: bets | hit "
          "rate | P/L | ROI | not fired: bets | hit rate | P/L | ROI |\n"
          "|---|---|---|---|---|---|---|---|---|\n", fp);
    for (size_t k = 0; k < bt->attr_cnt; k++) {
        fprintf(fp, "| %s | ", bt->attr[k]);
        eng_bt_md_tally(fp, &s->fired[k]);
        fputs(" | ", fp);
        eng_bt_md_tally(fp, &s->not_fired[k]);
        fputs(" |\n", fp);
    }
    fputs("\n## Bets in commence order\n\n| key | tier | stake | book | price | p_fair | result | "
          "P/L | CLV |\n|---|---|---|---|---|---|---|---|---|\n", fp);
    for (size_t i = 0; i < s->bet_cnt; i++) {
        const eng_bt_bet_t *b = &s->bets[i];
        fprintf(fp, "| %s | %s | ", b->sn->key, b->sn->tier);
        eng_bt_md_num(fp, b->stake);
        fprintf(fp, " | %s | %+d | ", b->sn->book, b->sn->best_american);
        eng_bt_md_num(fp, b->sn->p_fair);
        fprintf(fp, " | %s | ", eng_bt_result_name(b));
        eng_bt_md_num(fp, b->pnl);
        fputs(" | ", fp);
        eng_bt_md_num(fp, b->clv);
        fputs(" |\n", fp);
    }
}

/* ---- files and gnuplot --------------------------------------------------------------------- */

/* Open dir/name for writing; prints the error. */
static FILE *eng_bt_create(const char *dir, const char *name)
{
    char path[4096];
    FILE *fp;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!(fp = fopen(path, "w")))
        fprintf(stderr, "savant-replay: %s: %s\n", path, strerror(errno));
    return fp;
}

/* Close fp, reporting a write error; returns 0 or 1. */
static int eng_bt_close(FILE *fp, const char *dir, const char *name)
{
    if (ferror(fp) | (fclose(fp) != 0)) {
        fprintf(stderr, "savant-replay: %s/%s: write error\n", dir, name);
        return 1;
    }
    return 0;
}

static int eng_bt_plots(const char *dir, const eng_bt_sum_t *s)
{
    FILE *fp;
    double cum = 0;
    bool any_cal = false, any_bet;
    pid_t pid;
    int status;

    if (!(fp = eng_bt_create(dir, "pnl.dat")))
        return 1;
    fputs("# bet cumulative_pnl (settled bets in commence order)\n0 0.0\n", fp);
    for (size_t i = 0, n = 0; i < s->bet_cnt; i++) {
        char buf[ENG_PY_REPR_MAX];
        if (s->bets[i].r == ENG_BACKTEST_OPEN)
            continue;
        cum += s->bets[i].pnl;
        fprintf(fp, "%zu %s\n", ++n, eng_py_repr(cum, buf, sizeof(buf)));
    }
    any_bet = cum != 0.0 || s->all.bets > 0;
    if (eng_bt_close(fp, dir, "pnl.dat"))
        return 1;
    if (!(fp = eng_bt_create(dir, "calibration.dat")))
        return 1;
    fputs("# bin_mid mean_predicted observed count\n", fp);
    for (int k = 0; k < ENG_BT_NBINS; k++) {
        char a[ENG_PY_REPR_MAX], b[ENG_PY_REPR_MAX];
        if (!s->bin_n[k])
            continue;
        any_cal = true;
        fprintf(fp, "%.2f %s %s %ld\n", (k + 0.5) / 10.0,
                eng_py_repr(s->bin_p[k] / (double)s->bin_n[k], a, sizeof(a)),
                eng_py_repr(s->bin_y[k] / (double)s->bin_n[k], b, sizeof(b)), s->bin_n[k]);
    }
    if (eng_bt_close(fp, dir, "calibration.dat"))
        return 1;
    if (!(fp = eng_bt_create(dir, "plots.gp")))
        return 1;
    fprintf(fp,
            "# gnuplot script of savant-replay backtest (run in the report directory)\n"
            "set terminal pngcairo size 900,540\n"
            "set grid\n"
            "set output 'pnl.png'\n"
            "set title 'Cumulative P/L of the simulated bets (commence order)'\n"
            "set xlabel 'bet'\n"
            "set ylabel 'units'\n"
            "%s"
            "plot 'pnl.dat' using 1:2 with lines linewidth 2 title 'cumulative P/L'\n"
            "set autoscale\n"
            "set output 'calibration.png'\n"
            "set title 'Calibration of the de-vigged market (h2h)'\n"
            "set key top left\n"
            "set xlabel 'predicted probability'\n"
            "set ylabel 'observed frequency'\n"
            "set xrange [0:1]\n"
            "set yrange [0:1]\n"
            "plot x with lines dashtype 2 title 'perfect'%s\n"
            "unset output\n",
            any_bet ? "" : "set xrange [0:1]\nset yrange [-1:1]\n", any_cal ? ", 'calibration.dat' using 2:3 with linespoints pointtype 7 title 'market'"
                    : "");
    if (eng_bt_close(fp, dir, "plots.gp"))
        return 1;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "savant-replay: gnuplot: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        char *const args[] = {(char *)"gnuplot", (char *)"plots.gp", NULL};
        if (chdir(dir) != 0)
            _exit(126);
        execvp(args[0], args);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "savant-replay: gnuplot: wait: %s\n", strerror(errno));
            return 1;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        fprintf(stderr, "savant-replay: gnuplot: not found (install the gnuplot package; the "
                        "data and script are in %s)\n", dir);
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "savant-replay: gnuplot: failed on %s/plots.gp (status %d)\n", dir,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 1;
    }
    return 0;
}

static int eng_bt_report(eng_bt_t *bt, const char *dir)
{
    eng_bt_sum_t *s = malloc(sizeof(*s));
    FILE *fp;
    int rc = 1;

    if (!s || eng_bt_summarise(bt, s) != 0) {
        fprintf(stderr, "savant-replay: out of memory\n");
        free(s);
        return 1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "savant-replay: %s: %s\n", dir, strerror(errno));
        goto out;
    }
    if (!(fp = eng_bt_create(dir, "report.json")))
        goto out;
    eng_bt_report_json(fp, bt, s);
    if (eng_bt_close(fp, dir, "report.json"))
        goto out;
    if (!(fp = eng_bt_create(dir, "report.md")))
        goto out;
    eng_bt_report_md(fp, bt, s);
    if (eng_bt_close(fp, dir, "report.md"))
        goto out;
    if (eng_bt_plots(dir, s))
        goto out;
    fprintf(stderr, "savant-replay: backtest: %zu bets (%ld settled), P/L ", s->bet_cnt,
            s->all.bets);
    eng_bt_md_num(stderr, s->all.pnl);
    fprintf(stderr, " units; report in %s\n", dir);
    rc = 0;
out:
    free(s->bets);
    free(s);
    return rc;
}

/* ---- dataset output ------------------------------------------------------------------------ */

/* A float as the shortest decimal that reads back as the same float. */
static void eng_bt_fnum(FILE *fp, float x)
{
    char buf[32];
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, (double)x);
        if (strtof(buf, NULL) == x)
            break;
    }
    fputs(buf, fp);
}

/* One dataset line: the steps of name k of mk and its label. */
static void eng_bt_dataset_line(FILE *fp, const eng_bt_t *bt, const eng_market_t *mk, size_t k,
                                const eng_bt_series_t *se)
{
    const eng_game_t *gm = eng_state_game(bt->st, mk->event_id);
    char key[WIRE_ID_MAX + WIRE_TOKEN_MAX + WIRE_NAME_MAX + 3];
    size_t close = se->n - 1;
    eng_backtest_result_t r;
    bool vd;

    /* the label's line: the last pre-start step's (else the last step's) */
    if (gm && gm->known)
        for (size_t j = se->n; j-- > 0;)
            if (se->ts[j] < gm->commence_ts) {
                close = j;
                break;
            }
    r = eng_bt_result(bt->st, mk, k, se->has_point, se->line[close], &vd);
    snprintf(key, sizeof(key), "%s|%s|%s", mk->event_id, mk->market, mk->player);
    fputs("{\"key\": ", fp);
    sv_json_str(fp, key);
    fputs(", \"sport\": ", fp);
    sv_json_str(fp, gm && gm->known ? gm->sport : "");
    fputs(", \"side\": ", fp);
    sv_json_str(fp, mk->names[k]);
    fputs(", \"steps\": [", fp);
    for (size_t j = 0; j < se->n; j++) {
        fputs(j ? ", [" : "[", fp);
        for (int f = 0; f < ENG_FEAT_N; f++) {
            if (f)
                fputs(", ", fp);
            eng_bt_fnum(fp, se->steps[j * ENG_FEAT_N + (size_t)f]);
        }
        fputc(']', fp);
    }
    fputs("], \"label\": ", fp);
    if (r == ENG_BACKTEST_OPEN)
        fputs("null", fp);
    else
        fputs(r == ENG_BACKTEST_WIN ? "1.0" : r == ENG_BACKTEST_LOSS ? "0.0" : "0.5", fp);
    fputs("}\n", fp);
}

static int eng_bt_dataset_write(eng_bt_t *bt, const char *out)
{
    FILE *fp = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
    size_t written = 0;

    if (!fp) {
        fprintf(stderr, "savant-replay: %s: %s\n", out, strerror(errno));
        return 1;
    }
    fputs("{\"features\": [", fp);
    for (int k = 0; k < ENG_FEAT_N; k++)
        fprintf(fp, "%s\"%s\"", k ? ", " : "", eng_feat_names[k]);
    fprintf(fp, "], \"feature_hash\": \"%016llx\"}\n", (unsigned long long)eng_feat_hash());
    for (size_t i = 0, n = eng_state_market_cnt(bt->st); i < n; i++) {
        const eng_market_t *mk = eng_state_market_at(bt->st, i);
        for (size_t k = 0; k < mk->name_cnt; k++) {
            size_t ix = (size_t)mk->idx * ENG_OUTCOMES_MAX + k;
            const eng_bt_series_t *se = ix < bt->series_cap ? &bt->series[ix] : NULL;
            if (!se || !se->n)
                continue;
            eng_bt_dataset_line(fp, bt, mk, k, se);
            written++;
        }
    }
    if (fp != stdout) {
        if (ferror(fp) | (fclose(fp) != 0)) {
            fprintf(stderr, "savant-replay: %s: write error\n", out);
            return 1;
        }
    } else if (fflush(fp) != 0) {
        fprintf(stderr, "savant-replay: stdout: write error\n");
        return 1;
    }
    fprintf(stderr, "savant-replay: dataset: %zu sequences written to %s\n", written, out);
    return 0;
}

/* ---- command lines ------------------------------------------------------------------------- */

static void eng_bt_usage(FILE *fp, bool dataset)
{
    if (dataset)
        fprintf(fp,
                "usage: savant-replay dataset FILE -o OUT [-c FILE] [-X key=value]... [-q]\n"
                "\n"
                "Replays the recording FILE through the engine's market state (no Kafka) and\n"
                "writes OUT ('-' = stdout) as JSON lines: a header {\"features\": [...],\n"
                "\"feature_hash\": \"...\"}, then per market outcome (event_id|market|player and\n"
                "side) the AI engine's feature vector at every odds update and the outcome's\n"
                "label (1 win, 0 loss, 0.5 push/void, null open).\n"
                "\n"
                "  -o, --output OUT       the dataset file\n"
                "  -c, --config FILE      config file applied on top of the current one\n"
                "  -X, --set key=value    config override (market.*)\n"
                "  -q, --quiet            no progress on stderr\n"
                "      --dump-config      print the effective configuration and exit\n"
                "  -h, --help             this text\n");
    else
        fprintf(fp,
                "usage: savant-replay backtest FILE -o DIR [-c FILE] [-X key=value]... "
                "[--rule signals|tiers] [--tiers LIST] [--stake UNITS] [-q]\n"
                "\n"
                "Runs the engine's scoring offline over the recording FILE (no Kafka, Redis or\n"
                "PostgreSQL) and simulates bets: with --rule signals (the default) the engine's\n"
                "signal rules (docs/signals.md, signal.* keys) with the model of ai.model, a bet\n"
                "on every signal still open when its game starts, at its last revision's price\n"
                "and units; with --rule tiers (the interim rule, no model) a bet on every\n"
                "candidate whose last pre-start score is in a signal tier. It settles them with\n"
                "the final results and writes DIR/report.json, report.md, pnl.png and\n"
                "calibration.png (gnuplot). Same file and configuration give the same report.json.\n"
                "\n"
                "  -o, --output DIR       report directory (created when missing)\n"
                "  -c, --config FILE      config file applied on top of the current one\n"
                "  -X, --set key=value    config override (market.*, score.*, signal.*, ai.*)\n"
                "      --rule RULE        signals (default) or tiers\n"
                "      --tiers LIST       tiers rule: signal tiers, comma list or 'any' (default\n"
                "                         TITANIUM_SMASH,GOLD_STAR,EDGE_LEAN); implies --rule tiers\n"
                "      --stake UNITS      flat stake for every bet instead of the tier's units\n"
                "  -q, --quiet            no progress on stderr\n"
                "      --dump-config      print the effective configuration and exit\n"
                "  -h, --help             this text\n");
    fprintf(fp, "\nExit status: 0 success, 1 failure, 2 bad usage.\n");
}

static int eng_bt_parse_tiers(const char *arg, unsigned *tiers)
{
    char buf[256];
    char *save = NULL;

    if (strcmp(arg, "any") == 0) {
        *tiers = (1u << SV_ARRAY_SIZE(eng_bt_tiers)) - 1;
        return 0;
    }
    *tiers = 0;
    sv_strlcpy(buf, arg, sizeof(buf));
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned bit = eng_bt_tier_bit(t);
        if (!bit) {
            fprintf(stderr, "savant-replay: --tiers: unknown tier '%s'\n", t);
            return -1;
        }
        *tiers |= bit;
    }
    if (!*tiers) {
        fprintf(stderr, "savant-replay: --tiers: empty list\n");
        return -1;
    }
    return 0;
}

/* Parse the mode's arguments into bt, *in and *out; returns -1 to go on, else the exit status. */
static int eng_bt_args(int argc, char **argv, const cfg_t *cfg, eng_bt_t *bt, const char **in,
                       const char **out)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"config", required_argument, NULL, 'c'},
        {"set", required_argument, NULL, 'X'},    {"tiers", required_argument, NULL, 'T'},
        {"stake", required_argument, NULL, 'S'},  {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {"dump-config", no_argument, NULL, 'D'},
        {"rule", required_argument, NULL, 'R'},   {NULL, 0, NULL, 0},
    };
    bool dump = false, rule_set = false;
    const char *conf_file = NULL, *sets[64];
    size_t nsets = 0;
    char errstr[512];
    int opt;

    bt->cfg = *cfg;
    bt->tiers = ENG_BT_TIERS_DEFAULT;
    optind = 0;
    opterr = 1;
    while ((opt = getopt_long(argc, argv, "o:c:X:qh", opts, NULL)) != -1) {
        switch (opt) {
        case 'o':
            *out = optarg;
            break;
        case 'c':
            conf_file = optarg;
            break;
        case 'X':
            if (nsets == SV_ARRAY_SIZE(sets)) {
                fprintf(stderr, "savant-replay: too many -X options\n");
                return 2;
            }
            sets[nsets++] = optarg;
            break;
        case 'T':
            if (bt->dataset || eng_bt_parse_tiers(optarg, &bt->tiers) != 0)
                return 2;
            bt->rule = ENG_BT_RULE_TIERS; /* --tiers is the tiers rule */
            break;
        case 'R':
            if (bt->dataset || (strcmp(optarg, "signals") != 0 && strcmp(optarg, "tiers") != 0)) {
                fprintf(stderr, "savant-replay: --rule: '%s' is not signals or tiers%s\n", optarg,
                        bt->dataset ? " (backtest only)" : "");
                return 2;
            }
            rule_set = true;
            bt->rule = strcmp(optarg, "signals") == 0 ? ENG_BT_RULE_SIGNALS : ENG_BT_RULE_TIERS;
            break;
        case 'S': {
            char *end;
            errno = 0;
            bt->flat_stake = strtod(optarg, &end);
            if (bt->dataset || errno || *end || end == optarg || !(bt->flat_stake > 0) ||
                bt->flat_stake > 1e6) {
                fprintf(stderr, "savant-replay: --stake: '%s' is not a number in (0, 1e6]\n",
                        optarg);
                return 2;
            }
            break;
        }
        case 'q':
            bt->quiet = true;
            break;
        case 'D':
            dump = true;
            break;
        case 'h':
            eng_bt_usage(stdout, bt->dataset);
            return 0;
        default:
            eng_bt_usage(stderr, bt->dataset);
            return 2;
        }
    }
    while (optind < argc) { /* getopt_long moved the operands to the end */
        if (*in) {
            fprintf(stderr, "savant-replay: unexpected argument '%s'\n", argv[optind]);
            return 2;
        }
        *in = argv[optind++];
    }
    if (rule_set && bt->rule == ENG_BT_RULE_SIGNALS && bt->tiers != ENG_BT_TIERS_DEFAULT) {
        fprintf(stderr, "savant-replay: --tiers belongs to --rule tiers\n");
        return 2;
    }
    if ((!*in || !*out) && !dump) {
        fprintf(stderr, "savant-replay: %s needs %s\n", bt->dataset ? "dataset" : "backtest",
                !*in ? "a recording FILE" : bt->dataset ? "-o OUT" : "-o DIR");
        eng_bt_usage(stderr, bt->dataset);
        return 2;
    }
    if (conf_file && cfg_load_file(&bt->cfg, conf_file, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-replay: %s\n", errstr);
        return 1;
    }
    for (size_t i = 0; i < nsets; i++) {
        const char *eq = strchr(sets[i], '=');
        char key[128];
        if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
            fprintf(stderr, "savant-replay: -X: expected key=value, got '%s'\n", sets[i]);
            return 2;
        }
        memcpy(key, sets[i], (size_t)(eq - sets[i]));
        key[eq - sets[i]] = '\0';
        if (cfg_set(&bt->cfg, key, eq + 1, "-X", errstr, sizeof(errstr)) != SV_OK) {
            fprintf(stderr, "savant-replay: %s\n", errstr);
            return 2;
        }
    }
    if (dump) {
        cfg_dump(&bt->cfg, stdout);
        return 0;
    }
    return -1;
}

static int eng_bt_setup(eng_bt_t *bt)
{
    eng_market_conf_t mconf;
    char errstr[512];

    eng_market_conf_defaults(&mconf);
    mconf.devig = (eng_devig_t)bt->cfg.market_devig;
    mconf.steam_threshold = bt->cfg.market_steam_threshold;
    mconf.steam_books = (int)bt->cfg.market_steam_books;
    mconf.steam_window_ms = bt->cfg.market_steam_window_ms;
    mconf.history_size = (int)bt->cfg.market_history_size;
    if (!(bt->st = eng_state_new(&mconf, errstr, sizeof(errstr)))) {
        fprintf(stderr, "savant-replay: %s\n", errstr);
        return 1;
    }
    if (bt->dataset && !(bt->elo = eng_elo_new())) {
        fprintf(stderr, "savant-replay: out of memory creating the Elo ratings\n");
        return 1;
    }
    if (bt->dataset && eng_elo_set_sports(bt->elo, bt->cfg.ai_elo, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-replay: %s\n", errstr);
        return 1;
    }
    if (!bt->dataset) {
        eng_score_conf_t sconf;
        if (eng_score_conf_from_cfg(&sconf, &bt->cfg, errstr, sizeof(errstr)) != SV_OK) {
            fprintf(stderr, "savant-replay: %s\n", errstr);
            return 1;
        }
        if (!(bt->cands = eng_cands_new(&sconf))) {
            fprintf(stderr, "savant-replay: out of memory creating the scorer\n");
            return 1;
        }
        eng_bt_attr_init(bt);
    }
    if (!bt->dataset && bt->rule == ENG_BT_RULE_SIGNALS) {
        eng_signal_conf_t gconf;
        char model[4096];
        eng_ai_model_path(bt->cfg.ai_model, model, sizeof(model));
        if (!(bt->ai = eng_ai_new(model, bt->cfg.ai_elo, errstr, sizeof(errstr)))) {
            fprintf(stderr, "savant-replay: %s\n", errstr);
            return 1;
        }
        eng_cands_set_ai(bt->cands, bt->ai);
        eng_signal_conf_from_cfg(&gconf, &bt->cfg);
        if (!(bt->signals = eng_signals_new(&gconf, eng_bt_on_rev, bt))) {
            fprintf(stderr, "savant-replay: out of memory creating the signal rules\n");
            return 1;
        }
    }
    return 0;
}

/* Signals rule, at the end of the recording: signals still open (their game did not start in
 * it) are bets too (open ones, unless the game has a result). */
static int eng_bt_sig_finish(eng_bt_t *bt)
{
    for (size_t slot = 0; slot < bt->sig_open_cap && !bt->sig_nomem; slot++)
        if (bt->sig_open[slot].open && eng_bt_sig_bet(bt, (uint32_t)slot, &bt->sig_open[slot]) != SV_OK)
            bt->sig_nomem = true;
    if (bt->sig_nomem) {
        fprintf(stderr, "savant-replay: out of memory in the signal rules\n");
        return 1;
    }
    return 0;
}

static void eng_bt_free(eng_bt_t *bt)
{
    if (!bt)
        return;
    for (size_t i = 0; i < bt->series_cap; i++) {
        free(bt->series[i].steps);
        free(bt->series[i].ts);
        free(bt->series[i].line);
    }
    free(bt->series);
    eng_elo_free(bt->elo);
    free(bt->snaps);
    eng_htab_release(&bt->snap_ix);
    eng_signals_free(bt->signals);
    eng_cands_free(bt->cands);
    eng_ai_free(bt->ai);
    free(bt->sig_open);
    free(bt->sig_bets);
    eng_state_free(bt->st);
    free(bt);
}

static int eng_bt_main(int argc, char **argv, const cfg_t *cfg, bool dataset)
{
    eng_bt_t *bt = calloc(1, sizeof(*bt));
    const char *in = NULL, *out = NULL;
    int rc;

    if (!bt) {
        fprintf(stderr, "savant-replay: out of memory\n");
        return 1;
    }
    bt->dataset = dataset;
    eng_htab_init(&bt->snap_ix);
    if ((rc = eng_bt_args(argc, argv, cfg, bt, &in, &out)) >= 0)
        goto out;
    if ((rc = eng_bt_setup(bt)) != 0)
        goto out;
    if ((rc = eng_bt_read(bt, in)) != 0)
        goto out;
    if (bt->signals && (rc = eng_bt_sig_finish(bt)) != 0)
        goto out;
    rc = dataset ? eng_bt_dataset_write(bt, out) : eng_bt_report(bt, out);
out:
    eng_bt_free(bt);
    return rc;
}

int eng_backtest_main(int argc, char **argv, const cfg_t *cfg)
{
    return eng_bt_main(argc, argv, cfg, false);
}

int eng_dataset_main(int argc, char **argv, const cfg_t *cfg)
{
    return eng_bt_main(argc, argv, cfg, true);
}
