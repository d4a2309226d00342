/*
 * signals — the signal rules (see signals.h).
 */
#include "signals.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "quant.h"
#include "scoring/caltime.h"
#include "scoring/filters.h"
#include "scoring/final.h"
#include "sv_util.h"

#define SIG_ID_LEN 13 /* 12 hex digits and a NUL */

/* One candidate slot: its latest score and what was last emitted for it. */
typedef struct sig_slot {
    bool used;            /* noted at least once */
    bool open;            /* a signal is open (last emitted state open or update) */
    uint32_t game;        /* its game */
    int rev;              /* last revision emitted for this slot (any id) */
    char id[SIG_ID_LEN];  /* id of the open signal (or of the last one) */
    eng_sig_rec_t rec;    /* the latest score */
    eng_sig_rec_t last;   /* the record of the last revision emitted */
    double last_kelly;    /* kelly of the last revision */
    double last_units;    /* stake units of the last revision */
    int said_rev;         /* recovery: rev of the latest revision read back (0: none) */
} sig_slot_t;

typedef struct sig_game {
    uint32_t *slots;          /* its slots, in order of first note */
    size_t slot_cnt, slot_cap;
    int open_cnt;             /* slots with an open signal */
    int64_t commence_ts;      /* start as last evaluated */
    bool in_heap;             /* has an entry in the start heap of its partition */
    int32_t part;             /* its partition */
} sig_game_t;

typedef struct sig_heap_ent {
    int64_t ts;
    uint32_t game;
} sig_heap_ent_t;

/* Games with open signals by start: a min-heap. */
typedef struct sig_heap {
    sig_heap_ent_t *ent;
    size_t cnt, cap;
} sig_heap_t;

struct eng_signals {
    eng_signal_conf_t conf;
    eng_signal_emit_fn *emit;
    void *arg;
    sig_slot_t *slots;
    size_t slot_cap;
    sig_game_t *games;
    size_t game_cap;
    sig_heap_t *heaps;         /* per partition */
    size_t heap_cap;
    eng_pick_t *picks;         /* scratch for one game's eligible candidates */
    uint32_t *touched;         /* games touched by the current input */
    uint8_t *touched_flag;     /* per game index: in touched */
    size_t touched_cnt, touched_cap, touched_flag_cap;
    int64_t *part_now;         /* per partition: the latest event time it carried */
    size_t part_now_cap;
    size_t picks_cap;
    wire_signal_t sig;         /* the revision being emitted */
    eng_signals_stats_t stats;
};

static sig_heap_t *heap_of(eng_signals_t *s, int32_t part);
static sv_err_t heap_push(sig_heap_t *h, int64_t ts, uint32_t game);

void eng_signal_conf_from_cfg(eng_signal_conf_t *conf, const struct cfg *cfg)
{
    conf->game_floor = cfg->score_game_floor;
    conf->prop_floor = cfg->score_prop_floor;
    conf->ev_min = cfg->signal_ev_min;
    conf->ev_band = cfg->signal_ev_band;
    conf->band = cfg->signal_band;
    conf->kelly_fraction = cfg->signal_kelly_fraction;
    conf->kelly_cap = cfg->signal_kelly_cap;
    conf->kelly_step = cfg->signal_kelly_step;
    conf->per_game = (int)cfg->signal_per_game;
    conf->per_player = (int)cfg->signal_per_player;
}

eng_signals_t *eng_signals_new(const eng_signal_conf_t *conf, eng_signal_emit_fn *emit, void *arg)
{
    eng_signals_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->conf = *conf;
    s->emit = emit;
    s->arg = arg;
    return s;
}

void eng_signals_free(eng_signals_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->game_cap; i++)
        free(s->games[i].slots);
    free(s->games);
    free(s->slots);
    for (size_t i = 0; i < s->heap_cap; i++)
        free(s->heaps[i].ent);
    free(s->heaps);
    free(s->picks);
    free(s->touched);
    free(s->touched_flag);
    free(s->part_now);
    free(s);
}

/* Adds slot to game's list (first sight). */
static sv_err_t slot_attach(eng_signals_t *s, uint32_t game, uint32_t slot)
{
    sig_slot_t *sl;

    if (sv_grow((void **)&s->slots, &s->slot_cap, sizeof(*s->slots), slot, 64) != SV_OK ||
        sv_grow((void **)&s->games, &s->game_cap, sizeof(*s->games), game, 64) != SV_OK)
        return SV_ERR_NOMEM;
    sl = &s->slots[slot];
    if (!sl->used) {
        sig_game_t *g = &s->games[game];
        if (g->slot_cnt == g->slot_cap) {
            size_t n = g->slot_cap ? g->slot_cap * 2 : 8;
            uint32_t *p = realloc(g->slots, n * sizeof(*p));
            if (!p)
                return SV_ERR_NOMEM;
            g->slots = p;
            g->slot_cap = n;
        }
        g->slots[g->slot_cnt++] = slot;
        sl->used = true;
        sl->game = game;
    }
    return SV_OK;
}

eng_sig_rec_t *eng_signals_rec(eng_signals_t *s, uint32_t game, uint32_t slot)
{
    if (!(slot < s->slot_cap && s->slots[slot].used) && slot_attach(s, game, slot) != SV_OK)
        return NULL;
    return &s->slots[slot].rec;
}

sv_err_t eng_signals_note(eng_signals_t *s, uint32_t game, uint32_t slot, const eng_sig_rec_t *rec)
{
    eng_sig_rec_t *r = eng_signals_rec(s, game, slot);
    if (!r)
        return SV_ERR_NOMEM;
    *r = *rec;
    return SV_OK;
}

void eng_signals_reset_game(eng_signals_t *s, uint32_t game)
{
    sig_game_t *g;
    unsigned long long n;

    if (game >= s->game_cap)
        return; /* nothing noted for it */
    g = &s->games[game];
    for (size_t i = 0; i < g->slot_cnt; i++)
        memset(&s->slots[g->slots[i]], 0, sizeof(s->slots[0]));
    n = (unsigned long long)g->open_cnt;
    s->stats.open_now -= n < s->stats.open_now ? n : s->stats.open_now;
    g->slot_cnt = 0;
    g->open_cnt = 0; /* an entry left in the start heap finds nothing open */
}

void eng_signals_retire_game(eng_signals_t *s, uint32_t game)
{
    sig_game_t *g;

    eng_signals_reset_game(s, game);
    if (game >= s->game_cap)
        return;
    g = &s->games[game];
    /* an entry left in a start heap (in_heap) stays true to it: a game taking the index later
     * is pushed again, or moved to its own heap and time, when that entry comes up */
    g->commence_ts = 0;
    g->part = -1;
}

void eng_signals_recover_begin(eng_signals_t *s, const uint8_t *parts, size_t part_cnt)
{
    for (size_t i = 0; i < s->slot_cap; i++) {
        sig_slot_t *sl = &s->slots[i];
        size_t p;
        if (!sl->used)
            continue;
        p = (size_t)s->games[sl->game].part;
        if (p < part_cnt && parts[p]) {
            sl->open = false;
            sl->said_rev = 0;
            sl->rev = 0; /* counts on from the latest revision said before the committed offsets */
        }
    }
}

sv_err_t eng_signals_recover_said(eng_signals_t *s, uint32_t game, uint32_t slot,
                                  const wire_signal_t *said)
{
    sig_slot_t *sl;
    eng_sig_rec_t *l;
    bool had;

    if (slot_attach(s, game, slot) != SV_OK)
        return SV_ERR_NOMEM;
    sl = &s->slots[slot];
    if (said->rev <= sl->said_rev)
        return SV_OK; /* an older revision of the slot */
    had = sl->said_rev > 0 || sl->rec.cand.event_id[0];
    sl->said_rev = said->rev;
    if (said->rev > sl->rev)
        sl->rev = said->rev;
    sl->open = said->state != WIRE_SIG_WITHDRAWN;
    sv_strlcpy(sl->id, said->signal_id, sizeof(sl->id));
    l = &sl->last;
    memset(l, 0, sizeof(*l));
    l->cand = said->cand;
    sv_strlcpy(l->book, said->book, sizeof(l->book));
    l->price = said->price;
    l->dec = eng_quant_american_to_decimal(said->price);
    l->books = 1;
    l->p_fair = said->p_fair;
    l->has_p_model = strcmp(said->model, "none") != 0;
    l->p_model = said->p_model;
    l->scored = true;
    l->ai = said->scores.ai;
    l->research = said->scores.research;
    l->esoteric = said->scores.esoteric;
    l->jarvis = said->scores.jarvis;
    l->base = said->scores.base;
    l->final = said->scores.final;
    l->tier = said->tier;
    l->confluence = said->confluence;
    l->prop = (said->cand.present & WIRE_CAND_HAS_PLAYER) != 0;
    sv_strlcpy(l->model, l->has_p_model ? said->model : "", sizeof(l->model));
    sl->last_kelly = said->kelly;
    sl->last_units = said->stake_units;
    if (!had)
        sl->rec = *l; /* never scored in the re-read: what was said is all there is */
    return SV_OK;
}

sv_err_t eng_signals_recover_end(eng_signals_t *s)
{
    s->stats.open_now = 0;
    for (size_t gi = 0; gi < s->game_cap; gi++) {
        sig_game_t *g = &s->games[gi];
        g->open_cnt = 0;
        for (size_t i = 0; i < g->slot_cnt; i++)
            g->open_cnt += s->slots[g->slots[i]].open;
        s->stats.open_now += (unsigned long long)g->open_cnt;
        if (g->open_cnt > 0 && !g->in_heap) {
            sig_heap_t *h = heap_of(s, g->part);
            if (!h || heap_push(h, g->commence_ts, (uint32_t)gi) != SV_OK)
                return SV_ERR_NOMEM;
            g->in_heap = true;
        }
    }
    return SV_OK;
}

void eng_sig_rec_fill(eng_sig_rec_t *r, const wire_score_t *sc, const eng_score_t *res,
                      bool scored, bool priced, bool prop)
{
    r->cand = sc->cand;
    sv_strlcpy(r->book, sc->best_book, sizeof(r->book));
    r->price = sc->best_price;
    r->dec = sc->books > 0 ? sc->best_decimal : 0.0;
    r->books = priced ? sc->books : 0;
    r->p_fair = sc->p_fair;
    r->has_p_model = (sc->present & WIRE_SCORE_HAS_P_MODEL) != 0;
    r->p_model = r->has_p_model ? sc->p_model : 0.0;
    scored = scored && res && (sc->present & WIRE_SCORE_HAS_TIER);
    r->scored = scored;
    r->ai = scored ? res->ai : 0.0;
    r->research = scored ? res->research : 0.0;
    r->esoteric = scored ? res->esoteric : 0.0;
    r->jarvis = scored ? res->jarvis : 0.0;
    r->base = scored ? res->base : 0.0;
    r->final = scored ? sc->final : 0.0;
    r->tier = scored ? sc->tier : WIRE_TIER_PASS;
    r->confluence = scored ? sc->confluence : WIRE_CONF_DIVERGENT;
    r->prop = prop;
    sv_strlcpy(r->model, sc->present & WIRE_SCORE_HAS_MODEL ? sc->model : "", sizeof(r->model));
}

sv_err_t eng_signals_eval_game(eng_signals_t *s, uint32_t gi, const eng_game_t *g, int32_t part,
                               int64_t ts)
{
    eng_sig_game_t sg;
    char date[16] = "";

    sg.pregame = g->known && g->status == WIRE_GAME_SCHEDULED;
    if (sg.pregame && ts < g->commence_ts) { /* the date is read only before the start */
        eng_dt_t dt;
        eng_cal_from_ms(g->commence_ts, &dt);
        snprintf(date, sizeof(date), "%04d-%02d-%02d", dt.year % 10000, dt.month, dt.day);
    }
    sg.sport = g->known ? g->sport : "";
    sg.date = date;
    sg.commence_ts = g->commence_ts;
    sg.part = part;
    return eng_signals_eval(s, gi, &sg, ts);
}

sv_err_t eng_signals_note_score(eng_signals_t *s, const eng_state_t *st, const eng_market_t *mk,
                                size_t i, const wire_score_t *sc, const eng_score_t *res,
                                bool scored)
{
    uint32_t slot = mk->idx * ENG_OUTCOMES_MAX + (uint32_t)i;
    const eng_game_t *g = eng_state_game_at(st, mk->game);
    eng_sig_rec_t *r;

    if ((g && g->known && g->status == WIRE_GAME_SCHEDULED) || eng_signals_is_open(s, slot)) {
        if (!(r = eng_signals_rec(s, mk->game, slot)))
            return SV_ERR_NOMEM;
        eng_sig_rec_fill(r, sc, res, scored, mk->has_modal, mk->has_player);
    }
    return eng_signals_touch(s, mk->game);
}

sv_err_t eng_signals_touch(eng_signals_t *s, uint32_t gi)
{
    if (sv_grow((void **)&s->touched_flag, &s->touched_flag_cap, 1, gi, 1024) != SV_OK)
        return SV_ERR_NOMEM;
    if (s->touched_flag[gi])
        return SV_OK;
    if (sv_grow((void **)&s->touched, &s->touched_cap, sizeof(*s->touched), s->touched_cnt,
                256) != SV_OK)
        return SV_ERR_NOMEM;
    s->touched_flag[gi] = 1;
    s->touched[s->touched_cnt++] = gi;
    return SV_OK;
}

sv_err_t eng_signals_decide(eng_signals_t *s, const eng_state_t *st, int32_t part, int64_t ts)
{
    size_t pi = part < 0 ? 0 : (size_t)part;
    sv_err_t rc = SV_OK;

    for (size_t n = 0; n < s->touched_cnt; n++) {
        const eng_game_t *g = eng_state_game_at(st, s->touched[n]);
        s->touched_flag[s->touched[n]] = 0;
        if (g && rc == SV_OK)
            rc = eng_signals_eval_game(s, s->touched[n], g, part, ts);
    }
    s->touched_cnt = 0;
    if (rc != SV_OK ||
        sv_grow((void **)&s->part_now, &s->part_now_cap, sizeof(*s->part_now), pi, 64) != SV_OK)
        return SV_ERR_NOMEM;
    if (ts > s->part_now[pi])
        s->part_now[pi] = ts;
    return eng_signals_advance(s, part, s->part_now[pi]);
}

bool eng_signals_is_open(const eng_signals_t *s, uint32_t slot)
{
    return slot < s->slot_cap && s->slots[slot].open;
}

void eng_signals_stats(const eng_signals_t *s, eng_signals_stats_t *st)
{
    *st = s->stats;
}

/* --- the start heap --- */

static void heap_swap(sig_heap_ent_t *a, sig_heap_ent_t *b)
{
    sig_heap_ent_t t = *a;
    *a = *b;
    *b = t;
}

static bool heap_less(const sig_heap_ent_t *a, const sig_heap_ent_t *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->game < b->game);
}

static sv_err_t heap_push(sig_heap_t *h, int64_t ts, uint32_t game)
{
    size_t i;

    if (h->cnt == h->cap) {
        size_t n = h->cap ? h->cap * 2 : 64;
        sig_heap_ent_t *p = realloc(h->ent, n * sizeof(*p));
        if (!p)
            return SV_ERR_NOMEM;
        h->ent = p;
        h->cap = n;
    }
    i = h->cnt++;
    h->ent[i].ts = ts;
    h->ent[i].game = game;
    while (i > 0 && heap_less(&h->ent[i], &h->ent[(i - 1) / 2])) {
        heap_swap(&h->ent[i], &h->ent[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    return SV_OK;
}

static void heap_pop(sig_heap_t *h)
{
    size_t i = 0;

    h->ent[0] = h->ent[--h->cnt];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->cnt && heap_less(&h->ent[l], &h->ent[m]))
            m = l;
        if (r < h->cnt && heap_less(&h->ent[r], &h->ent[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(&h->ent[i], &h->ent[m]);
        i = m;
    }
}

/* The heap of partition part (>= 0; a negative partition is kept as 0). */
static sig_heap_t *heap_of(eng_signals_t *s, int32_t part)
{
    size_t i = part < 0 ? 0 : (size_t)part;
    if (sv_grow((void **)&s->heaps, &s->heap_cap, sizeof(*s->heaps), i, 64) != SV_OK)
        return NULL;
    return &s->heaps[i];
}

/* Same candidate key: event, market, side, player and line. */
static bool cand_same_line(const wire_cand_t *a, const wire_cand_t *b)
{
    return a->present == b->present && strcmp(a->event_id, b->event_id) == 0 &&
           strcmp(a->market, b->market) == 0 && strcmp(a->side, b->side) == 0 &&
           strcmp(a->player, b->player) == 0 &&
           (!(a->present & WIRE_CAND_HAS_POINT) || a->point == b->point);
}

/* --- emitting --- */

static double sig_prob(const eng_sig_rec_t *r)
{
    return r->has_p_model ? r->p_model : r->p_fair;
}

static double sig_ev(const eng_sig_rec_t *r)
{
    return r->dec > 1.0 ? eng_quant_ev(sig_prob(r), r->dec) : -1.0;
}

static double sig_kelly(const eng_signals_t *s, const eng_sig_rec_t *r)
{
    double f = s->conf.kelly_fraction;
    if (r->dec <= 1.0)
        return 0.0;
    if (r->scored && r->tier == WIRE_TIER_TITANIUM_SMASH)
        f *= 1.25; /* the original's units table: TITANIUM Kelly ×1.25 */
    return eng_quant_kelly(sig_prob(r), r->dec, f, s->conf.kelly_cap);
}

static double sig_units(const eng_sig_rec_t *r)
{
    return r->scored ? eng_tier_units(wire_tier_name(r->tier)) : 0.0;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static void add_reason(wire_signal_t *sig, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(wire_signal_t *sig, const char *fmt, ...)
{
    va_list ap;
    if (sig->reason_cnt >= WIRE_REASONS_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(sig->reasons[sig->reason_cnt], sizeof(sig->reasons[0]), fmt, ap);
    va_end(ap);
    sig->reason_cnt++;
}

/* Emits a revision of slot sl built from r (state st; why: the withdrawal reason or NULL). */
static void emit_rev(eng_signals_t *s, uint32_t slot, sig_slot_t *sl, const eng_sig_rec_t *r,
                     wire_signal_state_t st, int64_t now, const char *why)
{
    wire_signal_t *sig = &s->sig;
    double p = sig_prob(r), ev = sig_ev(r);
    bool live = st != WIRE_SIG_WITHDRAWN;
    double kelly = live ? sig_kelly(s, r) : 0.0, units = live ? sig_units(r) : 0.0;

    memset(sig, 0, offsetof(wire_signal_t, reasons));
    sig->v = WIRE_VERSION;
    sig->ts = now;
    sv_strlcpy(sig->signal_id, sl->id, sizeof(sig->signal_id));
    sig->rev = ++sl->rev;
    sig->state = st;
    sig->cand = r->cand;
    sv_strlcpy(sig->book, r->book, sizeof(sig->book));
    sig->price = r->price;
    sig->p_fair = clampd(r->p_fair, 0.0, 1.0);
    sig->p_model = clampd(p, 0.0, 1.0);
    sig->edge = clampd(ev, -1.0, 100.0);
    sig->kelly = kelly;
    sig->stake_units = units;
    sig->scores.ai = r->ai;
    sig->scores.research = r->research;
    sig->scores.esoteric = r->esoteric;
    sig->scores.jarvis = r->jarvis;
    sig->scores.base = r->base;
    sig->scores.final = r->final;
    sig->confluence = r->confluence;
    sig->tier = r->tier;
    sv_strlcpy(sig->model, r->model[0] ? r->model : "none", sizeof(sig->model));
    if (!live)
        add_reason(sig, "withdrawn: %s", why);
    add_reason(sig, "EV %+.2f%% at %+d (%s): p %.4f (%s) vs fair %.4f", ev * 100.0, r->price,
               r->book, p, r->has_p_model ? "model" : "consensus", r->p_fair);
    if (live)
        add_reason(sig, "stake %.2f%% of bankroll (%.2f Kelly, cap %.2f%%), %s %.1f u",
                   kelly * 100.0,
                   s->conf.kelly_fraction * (r->tier == WIRE_TIER_TITANIUM_SMASH ? 1.25 : 1.0),
                   s->conf.kelly_cap * 100.0, wire_tier_name(r->tier), units);
    sl->last = *r;
    sl->last_kelly = kelly;
    sl->last_units = units;
    if (st == WIRE_SIG_OPEN)
        s->stats.opened++;
    else if (st == WIRE_SIG_UPDATE)
        s->stats.updated++;
    else
        s->stats.withdrawn++;
    s->emit(s->arg, slot, sig);
}

static void withdraw(eng_signals_t *s, uint32_t slot, int64_t now, const char *why)
{
    sig_slot_t *sl = &s->slots[slot];
    sig_game_t *g = &s->games[sl->game];
    if (!sl->open)
        return;
    sl->open = false;
    g->open_cnt--;
    s->stats.open_now--;
    /* the latest record when it is still the same signal, else what was last emitted */
    emit_rev(s, slot, sl,
             cand_same_line(&sl->rec.cand, &sl->last.cand) ? &sl->rec : &sl->last,
             WIRE_SIG_WITHDRAWN, now, why);
}

/* --- deciding --- */


/* Why slot sl cannot be a signal now (NULL: eligible). buf holds a formatted reason. */
static const char *ineligible(const eng_signals_t *s, const sig_slot_t *sl, bool started,
                              char *buf, size_t size)
{
    const eng_sig_rec_t *r = &sl->rec;
    const eng_signal_conf_t *c = &s->conf;
    double floor = r->prop ? c->prop_floor : c->game_floor, ev;
    bool held = sl->open && cand_same_line(&r->cand, &sl->last.cand);

    if (started)
        return "game started";
    if (r->books <= 0 || r->dec <= 1.0)
        return "market suspended";
    if (!r->scored)
        return "not scored";
    ev = sig_ev(r);
    if (held) {
        if (r->tier > WIRE_TIER_MONITOR) {
            snprintf(buf, size, "tier %s", wire_tier_name(r->tier));
            return buf;
        }
        if (r->final < floor - c->band) {
            snprintf(buf, size, "final %.4f below the floor %.2f minus the band %.2f", r->final,
                     floor, c->band);
            return buf;
        }
        if (!(ev > c->ev_min - c->ev_band)) {
            snprintf(buf, size, "EV %+.4f not above %.4f minus the band %.4f", ev, c->ev_min,
                     c->ev_band);
            return buf;
        }
        return NULL;
    }
    if (r->tier > WIRE_TIER_EDGE_LEAN) {
        snprintf(buf, size, "tier %s", wire_tier_name(r->tier));
        return buf;
    }
    if (r->final < floor) {
        snprintf(buf, size, "final %.4f below the floor %.2f", r->final, floor);
        return buf;
    }
    if (!(ev > c->ev_min)) {
        snprintf(buf, size, "EV %+.4f not above %.4f", ev, c->ev_min);
        return buf;
    }
    return NULL;
}

/* Index of the slot whose record holds the side string p (the filters reorder the picks). */
static uint32_t pick_slot(const eng_signals_t *s, const sig_game_t *g, const char *side)
{
    for (size_t i = 0; i < g->slot_cnt; i++)
        if (s->slots[g->slots[i]].rec.cand.side == side)
            return g->slots[i];
    return UINT32_MAX;
}

sv_err_t eng_signals_eval(eng_signals_t *s, uint32_t game, const eng_sig_game_t *gi, int64_t now)
{
    sig_game_t *g;
    eng_filter_conf_t fc;
    char buf[WIRE_REASON_MAX];
    bool started;
    int n = 0;

    if (game >= s->game_cap)
        return SV_OK; /* nothing noted for it */
    g = &s->games[game];
    g->commence_ts = gi->commence_ts;
    g->part = gi->part < 0 ? 0 : gi->part; /* no partition: kept as 0 */
    started = !gi->pregame || now >= gi->commence_ts;
    if (started && g->open_cnt == 0)
        return SV_OK; /* nothing can open, nothing to withdraw */
    if (sv_grow((void **)&s->picks, &s->picks_cap, sizeof(*s->picks), g->slot_cnt, 64) != SV_OK)
        return SV_ERR_NOMEM;

    /* a line move makes a new signal id: the old one is withdrawn first */
    for (size_t i = 0; i < g->slot_cnt; i++) {
        sig_slot_t *sl = &s->slots[g->slots[i]];
        if (sl->open && !cand_same_line(&sl->rec.cand, &sl->last.cand)) {
            char pt[WIRE_POINT_STR_MAX];
            wire_point_str(sl->rec.cand.point, pt, sizeof(pt));
            snprintf(buf, sizeof(buf), "the line moved to %s", pt);
            withdraw(s, g->slots[i], now, buf);
        }
    }
    for (size_t i = 0; i < g->slot_cnt; i++) {
        sig_slot_t *sl = &s->slots[g->slots[i]];
        const eng_sig_rec_t *r = &sl->rec;
        eng_pick_t *p;

        if (ineligible(s, sl, started, buf, sizeof(buf)))
            continue;
        p = &s->picks[n++];
        memset(p, 0, sizeof(*p));
        p->sport = gi->sport;
        p->event_id = r->cand.event_id;
        p->market = r->cand.market;
        p->side = r->cand.side;
        p->player = r->cand.present & WIRE_CAND_HAS_PLAYER ? r->cand.player : NULL;
        p->book = r->book;
        p->date = gi->date;
        p->line = r->cand.present & WIRE_CAND_HAS_POINT ? r->cand.point : 0.0;
        p->has_line = (r->cand.present & WIRE_CAND_HAS_POINT) != 0;
        p->score = r->final + (sl->open ? s->conf.band : 0.0);
        p->tier = wire_tier_name(r->tier);
        p->prop = r->prop;
    }
    eng_filter_conf_init(&fc);
    fc.skip_floors = true;
    fc.top_n = INT_MAX;
    fc.per_sport = INT_MAX;
    fc.per_game = s->conf.per_game;
    fc.per_player = s->conf.per_player;
    if (n > 0)
        eng_filter_picks(s->picks, n, &fc);

    /* withdrawals first, then opens and updates, each in the filters' order */
    for (size_t i = 0; i < g->slot_cnt; i++) {
        uint32_t slot = g->slots[i];
        sig_slot_t *sl = &s->slots[slot];
        const char *why;
        bool kept = false;

        if (!sl->open)
            continue;
        for (int k = 0; k < n; k++)
            if (s->picks[k].side == sl->rec.cand.side) {
                kept = s->picks[k].keep;
                break;
            }
        if (kept)
            continue;
        why = ineligible(s, sl, started, buf, sizeof(buf));
        withdraw(s, slot, now, why ? why : "another signal of the game ranks higher "
                                           "(contradiction gate or diversity, spec §7.9)");
    }
    for (int k = 0; k < n; k++) {
        eng_pick_t *p = &s->picks[k];
        uint32_t slot;
        sig_slot_t *sl;

        if (!p->keep)
            continue;
        slot = pick_slot(s, g, p->side);
        SV_ASSERT(slot != UINT32_MAX);
        sl = &s->slots[slot];
        if (!sl->open) {
            sv_strlcpy(sl->id, p->pick_id, sizeof(sl->id));
            sl->open = true;
            g->open_cnt++;
            s->stats.open_now++;
            if (!g->in_heap) {
                sig_heap_t *h = heap_of(s, g->part);
                if (!h || heap_push(h, g->commence_ts, game) != SV_OK)
                    return SV_ERR_NOMEM;
                g->in_heap = true;
            }
            emit_rev(s, slot, sl, &sl->rec, WIRE_SIG_OPEN, now, NULL);
        } else {
            const eng_sig_rec_t *r = &sl->rec, *l = &sl->last;
            if (strcmp(r->book, l->book) != 0 || r->price != l->price || r->tier != l->tier ||
                sig_units(r) != sl->last_units ||
                fabs(sig_kelly(s, r) - sl->last_kelly) >= s->conf.kelly_step)
                emit_rev(s, slot, sl, r, WIRE_SIG_UPDATE, now, NULL);
        }
    }
    return SV_OK;
}

sv_err_t eng_signals_advance(eng_signals_t *s, int32_t part, int64_t now)
{
    sig_heap_t *h;

    part = part < 0 ? 0 : part;
    if (!(h = heap_of(s, part)))
        return SV_ERR_NOMEM;
    while (h->cnt > 0 && h->ent[0].ts <= now) {
        uint32_t game = h->ent[0].game;
        sig_game_t *g = &s->games[game];

        heap_pop(h);
        g->in_heap = false;
        if (g->open_cnt == 0)
            continue;
        if (g->commence_ts > now || g->part != part) {
            /* the start moved later, or the game is on another partition now: wait there */
            sig_heap_t *gh = heap_of(s, g->part);
            h = heap_of(s, part); /* heap_of may have moved the heaps */
            if (!gh || !h || heap_push(gh, g->commence_ts, game) != SV_OK)
                return SV_ERR_NOMEM;
            g->in_heap = true;
            continue;
        }
        for (size_t i = 0; i < g->slot_cnt; i++)
            withdraw(s, g->slots[i], now, "game started");
    }
    return SV_OK;
}
