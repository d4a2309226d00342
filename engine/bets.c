/*
 * bets — the click-to-bet lifecycle (see bets.h, docs/bets.md).
 */
#include "bets.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cfg.h"
#include "grade.h"
#include "htab.h"
#include "log.h"
#include "quant.h"
#include "sv_util.h"
#include "tokens.h"

#define ST_PLACE "bets_place"
#define ST_BY_CLICK "bets_by_click"
#define ST_RESULT "bets_result"
#define ST_GAME "bets_game_placed"
#define ST_GRADE "bets_grade"
#define ST_SIG_GRADE "bets_signal_grade"
#define ST_HISTORY "bets_history"
#define ST_RESEND "bets_resend"
#define ST_OPEN_EVENTS "bets_open_events"
#define BETS_SWEEP_LIMIT "500"
#define BETS_BEST_EFFORT_QUEUED 256 /* history and signal-grade writes are skipped while more
                                     * queries than this wait at the store: clicks come first */
#define BETS_RESULTS_INFLIGHT 64 /* placement results sent to PostgreSQL at once; more wait here
                                  * (their input batch waits too), not in the store's queue */

/* What a click validates against: the latest revision of a candidate slot's signal. */
typedef struct bet_live {
    bool used;                      /* a revision was seen */
    bool open;                      /* open or update */
    char id[WIRE_ID_MAX + 1];       /* its signal_id */
    wire_cand_t cand;               /* its candidate */
    char book[WIRE_ID_MAX + 1];     /* book of its price */
    int price;                      /* its price */
    double stake_units;             /* its stake */
} bet_live_t;

/* A signal open when its game started: graded when the game ends. */
typedef struct bet_started {
    uint32_t game;
    uint32_t slot;
    wire_signal_t sig;              /* the withdrawal "game started" (the last said values) */
} bet_started_t;

struct eng_bets {
    struct event_base *base;
    eng_bets_conf_t conf;
    eng_state_t *st;
    eng_store_t *store;
    eng_bets_emit_fn *emit;
    void *arg;
    bet_live_t *live;               /* per slot */
    size_t live_cap;
    eng_htab_t ids;                 /* signal_id -> slot (the id each used slot has now) */
    bet_started_t *started;
    size_t started_cnt, started_cap;
    struct event *sweep_ev;
    struct result_job **rq;         /* placement results waiting to be sent (FIFO) */
    size_t rq_head, rq_cnt, rq_cap;
    size_t results_inflight;
    eng_bets_stats_t stats;
};

void eng_bets_conf_from_cfg(eng_bets_conf_t *conf, const struct cfg *cfg)
{
    conf->max_price_move = cfg->bets_max_price_move;
    conf->resend_ms = cfg->bets_resend_ms;
    conf->sweep_ms = cfg->bets_sweep_ms;
}

void eng_bets_bet_id(const char *click_id, char out[29])
{
    char in[WIRE_ID_MAX + 8], hex[ENG_TOKEN_HASH_STR];
    snprintf(in, sizeof(in), "bet|%s", click_id);
    SV_ASSERT(eng_token_hash(in, hex) == SV_OK);
    snprintf(out, 29, "bet-%.24s", hex);
}

/* ---- statements -------------------------------------------------------------------------- */

#define BET_COLS                                                                                   \
    "bet_id, click_id, user_id, signal_id, event_id, market, side, player, point, book, price, "  \
    "stake::float8, sv_ts_to_ms(created_at)"

sv_err_t eng_bets_prepare(eng_store_t *store)
{
    static const struct {
        const char *name, *sql;
        int n;
    } st[] = {
        {ST_PLACE,
         "SELECT outcome, bet::text, detail FROM sv_place_bet($1, $2, $3::bigint, $4, $5, $6, $7, "
         "$8, $9::numeric, $10, $11::integer, $12::numeric, $13, $14)",
         14},
        {ST_BY_CLICK, "SELECT user_id, sv_bet_json(b)::text FROM bets b WHERE click_id = $1", 1},
        {ST_RESULT,
         "SELECT outcome, status FROM sv_bet_result($1, $2::boolean, $3::integer, $4)", 4},
        {ST_GAME,
         "SELECT bet_id, signal_id, market, side, player, point::float8, placed_price, "
         "stake::float8 FROM bets WHERE event_id = $1 AND status = 'placed' ORDER BY bet_id",
         1},
        {ST_GRADE, "SELECT sv_grade_bet($1, $2, $3::numeric, $4::integer, $5::float8, $6::bigint)",
         6},
        {ST_SIG_GRADE,
         "INSERT INTO grades (signal_id, result, pnl, closing_price, clv, ts) "
         "VALUES ($1, $2, $3::numeric, $4::integer, $5::float8, sv_ms_to_ts($6::bigint)) "
         "ON CONFLICT (signal_id) WHERE bet_id IS NULL DO UPDATE SET result = excluded.result, "
         "pnl = excluded.pnl, closing_price = excluded.closing_price, clv = excluded.clv, "
         "ts = excluded.ts",
         6},
        {ST_HISTORY,
         "INSERT INTO signals_history (signal_id, rev, state, event_id, market, side, player, "
         "point, book, price, p_fair, p_model, edge, kelly, stake_units, final, tier, ts) "
         "VALUES ($1, $2::integer, $3, $4, $5, $6, $7, $8::numeric, $9, $10::integer, "
         "$11::float8, $12::float8, $13::float8, $14::float8, $15::float8, $16::float8, $17, "
         "sv_ms_to_ts($18::bigint)) ON CONFLICT DO NOTHING",
         18},
        {ST_RESEND,
         "UPDATE bets SET updated_at = now() WHERE bet_id IN (SELECT bet_id FROM bets WHERE "
         "status = 'pending' AND updated_at < now() - $1::bigint * interval '1 millisecond' "
         "ORDER BY created_at LIMIT " BETS_SWEEP_LIMIT ") AND status = 'pending' RETURNING " BET_COLS,
         1},
        {ST_OPEN_EVENTS,
         "SELECT DISTINCT event_id FROM bets WHERE status = 'placed' AND player IS NULL "
         "ORDER BY 1 LIMIT "
         BETS_SWEEP_LIMIT,
         0},
    };
    sv_err_t rc;
    for (size_t i = 0; i < SV_ARRAY_SIZE(st); i++)
        if ((rc = eng_store_prepare(store, st[i].name, st[i].sql, st[i].n)) != SV_OK)
            return rc;
    return SV_OK;
}

/* ---- life ---------------------------------------------------------------------------------- */

static void bets_sweep(evutil_socket_t fd, short what, void *arg);
struct result_job;
static void result_drop(struct result_job *j);
static bool best_effort_ok(eng_bets_t *b);

eng_bets_t *eng_bets_new(struct event_base *base, const eng_bets_conf_t *conf, eng_state_t *st,
                         eng_store_t *store, eng_bets_emit_fn *emit, void *arg)
{
    eng_bets_t *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->base = base;
    b->conf = *conf;
    b->st = st;
    b->store = store;
    b->emit = emit;
    b->arg = arg;
    eng_htab_init(&b->ids);
    b->sweep_ev = event_new(base, -1, EV_PERSIST, bets_sweep, b);
    if (!b->sweep_ev) {
        free(b);
        return NULL;
    }
    return b;
}

void eng_bets_start(eng_bets_t *b)
{
    struct timeval tv = {(time_t)(b->conf.sweep_ms / 1000), (suseconds_t)(b->conf.sweep_ms % 1000) * 1000};
    if (b->store)
        event_add(b->sweep_ev, &tv);
}

void eng_bets_free(eng_bets_t *b)
{
    if (!b)
        return;
    event_free(b->sweep_ev);
    while (b->rq_cnt > 0) { /* results never sent: their bets stay pending (resent later) */
        struct result_job *j = b->rq[b->rq_head];
        b->rq_head = (b->rq_head + 1) % b->rq_cap;
        b->rq_cnt--;
        result_drop(j);
        free(j);
    }
    free(b->rq);
    eng_htab_release(&b->ids);
    free(b->live);
    free(b->started);
    free(b);
}

eng_store_t *eng_bets_store(const eng_bets_t *b)
{
    return b->store;
}

void eng_bets_stats(const eng_bets_t *b, eng_bets_stats_t *st)
{
    *st = b->stats;
}

/* ---- what clicks validate against ---------------------------------------------------------- */

static bet_live_t *live_find(const eng_bets_t *b, const char *id)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&b->ids, eng_htab_hash_str(0, id), &it);
    while ((v = eng_htab_next(&b->ids, &it)) != ENG_HTAB_NONE)
        if (strcmp(b->live[v].id, id) == 0)
            return &b->live[v];
    return NULL;
}

/* Whether id already maps to slot. */
static bool ids_has(const eng_bets_t *b, uint64_t h, uint32_t slot)
{
    eng_htab_it_t it;
    uint32_t v;
    eng_htab_probe(&b->ids, h, &it);
    while ((v = eng_htab_next(&b->ids, &it)) != ENG_HTAB_NONE)
        if (v == slot)
            return true;
    return false;
}

/* Remember the signal open when its game started (withdrawal sig), at its last open revision
 * (l: the price and stake it was open with; the withdrawal carries a stake of 0). */
static sv_err_t started_add(eng_bets_t *b, uint32_t slot, const wire_signal_t *sig,
                            const bet_live_t *l)
{
    const eng_market_t *mk = eng_state_market_at(b->st, slot / ENG_OUTCOMES_MAX);
    bet_started_t *s;
    for (size_t i = 0; i < b->started_cnt; i++)
        if (strcmp(b->started[i].sig.signal_id, sig->signal_id) == 0)
            return SV_OK; /* said again (a recovery) */
    if (sv_grow((void **)&b->started, &b->started_cap, sizeof(*b->started), b->started_cnt, 16) !=
        SV_OK)
        return SV_ERR_NOMEM;
    s = &b->started[b->started_cnt++];
    s->game = mk->game;
    s->slot = slot;
    s->sig = *sig;
    s->sig.price = l->price;
    s->sig.stake_units = l->stake_units;
    sv_strlcpy(s->sig.book, l->book, sizeof(s->sig.book));
    return SV_OK;
}

sv_err_t eng_bets_on_signal(eng_bets_t *b, uint32_t slot, const wire_signal_t *sig, bool replaying)
{
    bet_live_t *l;
    uint64_t h = eng_htab_hash_str(0, sig->signal_id);

    UNUSED(replaying);
    if (sv_grow((void **)&b->live, &b->live_cap, sizeof(*b->live), slot, 64) != SV_OK)
        return SV_ERR_NOMEM;
    if (!ids_has(b, h, slot) && eng_htab_insert(&b->ids, h, slot) != SV_OK)
        return SV_ERR_NOMEM;
    l = &b->live[slot];
    if (l->used && strcmp(l->id, sig->signal_id) != 0) /* a new id (the line moved) */
        eng_htab_remove(&b->ids, eng_htab_hash_str(0, l->id), slot);
    if (sig->state == WIRE_SIG_WITHDRAWN && sig->reason_cnt > 0 && l->used && l->open &&
        strcmp(sig->reasons[0], "withdrawn: game started") == 0 &&
        started_add(b, slot, sig, l) != SV_OK)
        return SV_ERR_NOMEM;
    l->used = true;
    l->open = sig->state != WIRE_SIG_WITHDRAWN;
    sv_strlcpy(l->id, sig->signal_id, sizeof(l->id));
    l->cand = sig->cand;
    sv_strlcpy(l->book, sig->book, sizeof(l->book));
    l->price = sig->price;
    l->stake_units = sig->stake_units;
    return SV_OK;
}

/* The market and candidate index of the slot's candidate. */
static const eng_market_t *slot_market(const eng_bets_t *b, uint32_t slot)
{
    return eng_state_market_at(b->st, slot / ENG_OUTCOMES_MAX);
}

static size_t name_index(const eng_market_t *mk, const char *side)
{
    for (size_t k = 0; k < mk->name_cnt; k++)
        if (strcmp(mk->names[k], side) == 0)
            return k;
    return ENG_OUTCOMES_MAX;
}

/* The current American price of book for the slot's candidate at cand's line; false when the
 * book does not quote it now. */
static bool book_price(const eng_bets_t *b, const eng_market_t *mk, const wire_cand_t *cand,
                       const char *book, int *price)
{
    size_t name = name_index(mk, cand->side);
    bool has_point = (cand->present & WIRE_CAND_HAS_POINT) != 0;
    if (name == ENG_OUTCOMES_MAX)
        return false;
    for (size_t q = 0; q < mk->quote_cnt; q++) {
        const eng_quote_t *qt = &mk->quotes[q];
        if (strcmp(eng_state_book_name(b->st, qt->book), book) != 0)
            continue;
        for (size_t k = 0; k < qt->n; k++) {
            const eng_out_t *o = &qt->out[k];
            if (o->name != name || o->has_point != has_point ||
                (has_point && fabs(o->point - cand->point) > 1e-9))
                continue;
            *price = o->american;
            return true;
        }
        return false;
    }
    return false;
}

/* ---- clicks -------------------------------------------------------------------------------- */

typedef struct click_job {
    eng_bets_t *b;
    wire_click_t c;
    int64_t user_id;
    bool record;
    eng_click_done_fn *done;
    void *ctx;
    eng_click_out_t fail;       /* the validation failure, while the click_id is looked up */
    wire_placement_t pl;        /* the placement, when the bet is created */
} click_job_t;

static void click_finish(click_job_t *j, eng_click_out_t *o)
{
    j->done(j->ctx, o);
    free(j);
}

static void out_set(eng_click_out_t *o, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void out_set(eng_click_out_t *o, int status, const char *field, const char *fmt, ...)
{
    va_list ap;
    memset(o, 0, sizeof(*o));
    o->status = status;
    o->field = field;
    va_start(ap, fmt);
    vsnprintf(o->message, sizeof(o->message), fmt, ap);
    va_end(ap);
}

static void out_db_failed(eng_click_out_t *o, sv_err_t rc, const PGresult *res)
{
    if (rc == SV_ERR_PG)
        out_set(o, 500, "", "the database refused the bet: %s",
                res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "?");
    else
        out_set(o, 503, "", "PostgreSQL is unavailable or busy: retry later");
}

static void click_placed(void *arg, const PGresult *res, sv_err_t rc)
{
    click_job_t *j = arg;
    eng_bets_t *b = j->b;
    eng_click_out_t o;
    const char *outcome, *detail;

    if (rc != SV_OK || PQntuples(res) != 1) {
        if (rc == SV_OK)
            rc = SV_ERR_PG;
        out_db_failed(&o, rc, res);
        b->stats.unavailable += rc != SV_ERR_PG;
        return click_finish(j, &o);
    }
    outcome = PQgetvalue(res, 0, 0);
    detail = PQgetvalue(res, 0, 2);
    if (strcmp(outcome, "created") == 0) {
        if (j->fail.status) { /* a recorded rejection */
            o = j->fail;
            o.recorded = true;
            o.bet_json = PQgetvalue(res, 0, 1);
            b->stats.refused++;
            return click_finish(j, &o);
        }
        b->stats.created++;
        b->stats.placements++;
        b->emit(b->arg, WIRE_PLACEMENT, &j->pl);
        out_set(&o, 201, "", "bet recorded; placement sent");
        o.recorded = true;
        o.bet_json = PQgetvalue(res, 0, 1);
        LOG_DEBUG("bets", "bet_created", "bet_id=%s click_id=%s user=%lld stake=%.2f price=%d",
                 j->pl.bet_id, j->c.click_id, (long long)j->user_id, j->c.stake, j->pl.price);
        return click_finish(j, &o);
    }
    if (strcmp(outcome, "duplicate") == 0) {
        b->stats.duplicates++;
        out_set(&o, 200, "click_id", "a repeat of an earlier click: its bet");
        o.recorded = true;
        o.bet_json = PQgetvalue(res, 0, 1);
        return click_finish(j, &o);
    }
    b->stats.refused++;
    if (strcmp(outcome, "click_taken") == 0)
        out_set(&o, 409, "click_id", "click_id is already used by another user");
    else if (strcmp(outcome, "no_user") == 0)
        out_set(&o, 403, "user_id", "no such user");
    else if (strcmp(outcome, "max_stake") == 0)
        out_set(&o, 422, "stake", "stake %.2f is above the user's max_stake %s", j->c.stake,
                detail);
    else if (strcmp(outcome, "exposure") == 0) {
        char lim[64] = "", used[64] = "";
        sscanf(detail, "%63s %63s", lim, used);
        out_set(&o, 422, "stake",
                "stake %.2f would take today's exposure from %s above the user's daily_exposure %s",
                j->c.stake, used, lim);
    } else
        out_set(&o, 500, "", "unexpected outcome '%s'", outcome);
    click_finish(j, &o);
}

static void fmt_money(char *buf, size_t n, double x)
{
    snprintf(buf, n, "%.2f", x);
}

/* Record the bet (j->fail.status == 0) or the rejection (j->fail). */
static void click_record(click_job_t *j, const wire_cand_t *cand, const char *book, int price)
{
    eng_bets_t *b = j->b;
    char bet_id[29], user[24], point[SV_DECIMAL_MAX + 1], pr[16], stake[48];
    char reason[300];
    const char *v[14];
    eng_click_out_t o;
    sv_err_t rc;

    eng_bets_bet_id(j->c.click_id, bet_id);
    snprintf(user, sizeof(user), "%lld", (long long)j->user_id);
    point[sv_fmt_decimal(cand->point, point)] = '\0';
    snprintf(pr, sizeof(pr), "%d", price);
    fmt_money(stake, sizeof(stake), j->c.stake);
    snprintf(reason, sizeof(reason), "%s%s%s", j->fail.field && *j->fail.field ? j->fail.field : "",
             j->fail.field && *j->fail.field ? ": " : "", j->fail.message);
    v[0] = bet_id;
    v[1] = j->c.click_id;
    v[2] = user;
    v[3] = j->c.signal_id;
    v[4] = cand->event_id;
    v[5] = cand->market;
    v[6] = cand->side;
    v[7] = cand->present & WIRE_CAND_HAS_PLAYER ? cand->player : NULL;
    v[8] = cand->present & WIRE_CAND_HAS_POINT ? point : NULL;
    v[9] = book;
    v[10] = pr;
    v[11] = stake;
    v[12] = j->fail.status ? "rejected" : "pending";
    v[13] = j->fail.status ? reason : NULL;
    if (!j->fail.status) {
        wire_placement_t *p = &j->pl;
        memset(p, 0, sizeof(*p));
        p->v = WIRE_VERSION;
        p->ts = j->c.ts;
        sv_strlcpy(p->bet_id, bet_id, sizeof(p->bet_id));
        sv_strlcpy(p->click_id, j->c.click_id, sizeof(p->click_id));
        sv_strlcpy(p->user_id, user, sizeof(p->user_id));
        sv_strlcpy(p->signal_id, j->c.signal_id, sizeof(p->signal_id));
        p->cand = *cand;
        sv_strlcpy(p->book, book, sizeof(p->book));
        p->price = price;
        p->stake = strtod(stake, NULL);
    }
    rc = eng_store_query(b->store, ST_PLACE, 14, v, NULL, NULL, click_placed, j);
    if (rc != SV_OK) {
        b->stats.unavailable++;
        out_db_failed(&o, rc, NULL);
        click_finish(j, &o);
    }
}

/* A click that failed validation: the click_id's bet if it has one (a repeat gets the original
 * bet), else the failure. */
static void click_looked_up(void *arg, const PGresult *res, sv_err_t rc)
{
    click_job_t *j = arg;
    eng_click_out_t o;

    if (rc != SV_OK) {
        out_db_failed(&o, rc, res);
        j->b->stats.unavailable += rc != SV_ERR_PG;
        return click_finish(j, &o);
    }
    if (PQntuples(res) == 1) {
        if (strtoll(PQgetvalue(res, 0, 0), NULL, 10) != j->user_id) {
            out_set(&o, 409, "click_id", "click_id is already used by another user");
        } else {
            j->b->stats.duplicates++;
            out_set(&o, 200, "click_id", "a repeat of an earlier click: its bet");
            o.recorded = true;
            o.bet_json = PQgetvalue(res, 0, 1);
        }
        return click_finish(j, &o);
    }
    j->b->stats.refused++;
    o = j->fail;
    click_finish(j, &o);
}

static void click_refuse(click_job_t *j)
{
    eng_click_out_t o;
    const char *v[1] = {j->c.click_id};
    sv_err_t rc = eng_store_query(j->b->store, ST_BY_CLICK, 1, v, NULL, NULL, click_looked_up, j);
    if (rc != SV_OK) {
        j->b->stats.unavailable++;
        out_db_failed(&o, rc, NULL);
        click_finish(j, &o);
    }
}

void eng_bets_click(eng_bets_t *b, const wire_click_t *c, int64_t user_id, bool record_rejects,
                    eng_click_done_fn *done, void *ctx)
{
    click_job_t *j;
    eng_click_out_t o;
    const bet_live_t *l;
    const eng_market_t *mk;
    const char *book;
    double m, d_sig, d_now;
    int now_price;

    b->stats.clicks++;
    if (!b->store) {
        out_set(&o, 503, "", "bets need PostgreSQL (pg.dsn is none)");
        return done(ctx, &o);
    }
    if (!(c->stake > 0 && c->stake <= 1e9) || fabs(c->stake * 100 - round(c->stake * 100)) > 1e-6) {
        out_set(&o, 422, "stake", "expected an amount > 0 and <= 1000000000 with at most 2 decimals");
        return done(ctx, &o);
    }
    if (!(j = calloc(1, sizeof(*j)))) {
        out_set(&o, 500, "", "out of memory");
        return done(ctx, &o);
    }
    j->b = b;
    j->c = *c;
    j->user_id = user_id;
    j->record = record_rejects;
    j->done = done;
    j->ctx = ctx;
    l = live_find(b, c->signal_id);
    if (!l) {
        out_set(&j->fail, 404, "signal_id", "no such signal");
        return click_refuse(j);
    }
    if (c->event_id[0] && strcmp(c->event_id, l->cand.event_id) != 0) {
        out_set(&j->fail, 422, "event_id", "the signal is about event %s", l->cand.event_id);
        return click_refuse(j);
    }
    if (!l->open) {
        out_set(&j->fail, 409, "signal_id", "the signal is not live (withdrawn)");
        goto refused_live;
    }
    book = c->book[0] ? c->book : l->book;
    mk = slot_market(b, (uint32_t)(l - b->live));
    if (!book_price(b, mk, &l->cand, book, &now_price)) {
        out_set(&j->fail, 409, "book", "book %s does not offer this side at this line now", book);
        goto refused_live;
    }
    m = c->present & WIRE_CLICK_HAS_MAX_PRICE_MOVE ? c->max_price_move : b->conf.max_price_move;
    d_sig = eng_quant_american_to_decimal(l->price);
    d_now = eng_quant_american_to_decimal(now_price);
    if (d_now < d_sig * (1 - m) - 1e-12) {
        out_set(&j->fail, 409, "price",
                "the price moved: %s now offers %+d, the signal said %+d (max_price_move %g)",
                book, now_price, l->price, m);
        j->fail.has_current = true;
        j->fail.current_price = now_price;
        goto refused_live;
    }
    return click_record(j, &l->cand, book, now_price);

refused_live:
    if (record_rejects) /* a redelivered click meets its original bet in sv_place_bet */
        return click_record(j, &l->cand, c->book[0] ? c->book : l->book,
                            j->fail.has_current ? j->fail.current_price : l->price);
    click_refuse(j);
}

/* ---- placement results --------------------------------------------------------------------- */

typedef struct result_job {
    eng_bets_t *b;
    wire_placement_result_t r;
    eng_bets_done_fn *done;
    void *ctx;
} result_job_t;

static void results_pump(eng_bets_t *b);

/* A result never sent (the engine stops): its bet stays pending and is resent later. */
static void result_drop(result_job_t *j)
{
    j->done(j->ctx, SV_ERR_UNAVAILABLE);
}

static void result_applied(void *arg, const PGresult *res, sv_err_t rc)
{
    result_job_t *j = arg;
    eng_bets_t *b = j->b;

    b->results_inflight--;
    if (rc == SV_OK && PQntuples(res) == 1) {
        const char *outcome = PQgetvalue(res, 0, 0), *status = PQgetvalue(res, 0, 1);
        if (strcmp(outcome, "applied") == 0) {
            if (j->r.status == WIRE_PLACE_ACCEPTED)
                b->stats.placed++;
            else
                b->stats.rejected++;
            LOG_DEBUG("bets", "bet_result", "bet_id=%s status=%s", j->r.bet_id, status);
        } else {
            b->stats.results_late++;
            if (strcmp(outcome, "unknown") == 0)
                LOG_WARN("bets", "result_unknown_bet", "bet_id=%s", j->r.bet_id);
            else if (strcmp(status, "void") == 0 && j->r.status == WIRE_PLACE_ACCEPTED)
                LOG_WARN("bets", "placed_after_cancel",
                         "bet_id=%s the book accepted a bet cancelled meanwhile", j->r.bet_id);
        }
    } else {
        LOG_WARN("bets", "result_not_applied", "bet_id=%s err=%s (the pending bet's placement is "
                 "resent after bets.resend_ms)", j->r.bet_id, sv_err2str(rc == SV_OK ? SV_ERR_PG : rc));
    }
    j->done(j->ctx, rc);
    free(j);
    results_pump(b);
}

/* Send waiting results while fewer than BETS_RESULTS_INFLIGHT are at PostgreSQL. */
static void results_pump(eng_bets_t *b)
{
    while (b->rq_cnt > 0 && b->results_inflight < BETS_RESULTS_INFLIGHT) {
        result_job_t *j = b->rq[b->rq_head];
        char price[16];
        const char *v[4];
        sv_err_t rc;

        b->rq_head = (b->rq_head + 1) % b->rq_cap;
        b->rq_cnt--;
        snprintf(price, sizeof(price), "%d", j->r.price);
        v[0] = j->r.bet_id;
        v[1] = j->r.status == WIRE_PLACE_ACCEPTED ? "true" : "false";
        v[2] = j->r.present & WIRE_PRES_HAS_PRICE ? price : NULL;
        v[3] = j->r.present & WIRE_PRES_HAS_REASON ? j->r.reason : "rejected by the book";
        rc = eng_store_query(b->store, ST_RESULT, 4, v, NULL, NULL, result_applied, j);
        if (rc == SV_OK) {
            b->results_inflight++;
            continue;
        }
        LOG_WARN("bets", "result_not_applied", "bet_id=%s err=%s (the pending bet's placement is "
                 "resent after bets.resend_ms)", j->r.bet_id, sv_err2str(rc));
        j->done(j->ctx, rc);
        free(j);
    }
}

void eng_bets_result(eng_bets_t *b, const wire_placement_result_t *r, eng_bets_done_fn *done,
                     void *ctx)
{
    result_job_t *j;

    b->stats.results++;
    if (!b->store)
        return done(ctx, SV_ERR_UNAVAILABLE);
    if (b->rq_cnt == b->rq_cap) {
        size_t cap = b->rq_cap ? b->rq_cap * 2 : 64;
        result_job_t **n = malloc(cap * sizeof(*n));
        if (!n)
            return done(ctx, SV_ERR_NOMEM);
        for (size_t i = 0; i < b->rq_cnt; i++)
            n[i] = b->rq[(b->rq_head + i) % b->rq_cap];
        free(b->rq);
        b->rq = n;
        b->rq_cap = cap;
        b->rq_head = 0;
    }
    if (!(j = calloc(1, sizeof(*j))))
        return done(ctx, SV_ERR_NOMEM);
    j->b = b;
    j->r = *r;
    j->done = done;
    j->ctx = ctx;
    b->rq[(b->rq_head + b->rq_cnt) % b->rq_cap] = j;
    b->rq_cnt++;
    results_pump(b);
}

/* ---- grading ------------------------------------------------------------------------------- */

static char what_signal_grade[] = "signal_grade", what_history[] = "signals_history";

static void noop_cb(void *arg, const PGresult *res, sv_err_t rc)
{
    UNUSED(arg);
    if (rc != SV_OK)
        LOG_WARN("bets", "write_failed", "what=%s err=%s msg=\"%s\"", (const char *)arg,
                 sv_err2str(rc), res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "");
}

/* The game's end as the grader reads it; false when gi has not ended. */
static bool game_of(const eng_bets_t *b, uint32_t gi, eng_grade_game_t *gg)
{
    const eng_game_t *g = eng_state_game_at(b->st, gi);
    const uint32_t both = WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    memset(gg, 0, sizeof(*gg));
    if (!g || !g->known)
        return false;
    gg->home = g->home;
    gg->away = g->away;
    if (g->status == WIRE_GAME_CANCELLED || g->status == WIRE_GAME_POSTPONED) {
        gg->void_game = true;
        return true;
    }
    if (g->status != WIRE_GAME_FINAL || (g->present & both) != both)
        return false;
    gg->home_score = g->home_score;
    gg->away_score = g->away_score;
    return true;
}

/* The close of side of the market event|market|player, as the grader reads it. */
static void close_of(const eng_bets_t *b, const char *event_id, const char *market,
                     const char *player, const char *side, eng_grade_bet_t *gb, bool *has_draw)
{
    const eng_market_t *mk = eng_state_market(b->st, event_id, market, player);
    size_t name;
    *has_draw = false;
    gb->has_close = false;
    if (!mk)
        return;
    *has_draw = name_index(mk, "Draw") != ENG_OUTCOMES_MAX;
    name = name_index(mk, side);
    if (!mk->close_set || name == ENG_OUTCOMES_MAX)
        return;
    for (size_t i = 0; i < mk->cand_cnt; i++)
        if (mk->cands[i].name == name && mk->close_p[i] > 0 && mk->close_p[i] < 1) {
            gb->has_close = true;
            gb->p_close = mk->close_p[i];
        }
}

/* The wire grade of an outcome (closing price and CLV: the bet's own price and 0 without a
 * close, as the wire needs both). */
static void grade_fill(wire_grade_t *w, const eng_grade_out_t *o, int price, int64_t ts)
{
    w->v = WIRE_VERSION;
    w->ts = ts;
    w->result = WIRE_GRADE_VOID;
    (void)eng_grade_to_wire(o->result, &w->result); /* OPEN is never graded */
    w->pnl = o->pnl;
    w->closing_price = o->has_close ? o->closing_price : price;
    /* the wire (and the database) hold CLV within -1..100: a +20000 price against a 0.9 close
     * would be about 180 */
    w->clv = o->has_close ? fmin(o->clv, 100) : 0;
}

typedef struct grade_job {
    eng_bets_t *b;
    wire_grade_t w;
} grade_job_t;

static void bet_graded(void *arg, const PGresult *res, sv_err_t rc)
{
    grade_job_t *j = arg;
    if (rc == SV_OK && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        j->b->stats.graded++;
        j->b->emit(j->b->arg, WIRE_GRADE, &j->w);
        LOG_INFO("bets", "bet_graded", "bet_id=%s result=%d pnl=%.2f clv=%.4f", j->w.bet_id,
                 (int)j->w.result, j->w.pnl, j->w.clv);
    } else if (rc != SV_OK) {
        LOG_WARN("bets", "grade_failed", "bet_id=%s err=%s msg=\"%s\" (retried by the sweep)",
                 j->w.bet_id, sv_err2str(rc),
                 res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "");
    }
    free(j);
}

static const char *status_of(eng_grade_result_t r)
{
    switch (r) {
    case ENG_GRADE_WIN: return "won";
    case ENG_GRADE_LOSS: return "lost";
    case ENG_GRADE_PUSH: return "push";
    default: return "void";
    }
}

typedef struct game_job {
    eng_bets_t *b;
    char event_id[WIRE_ID_MAX + 1]; /* the game (by key: it may be retired, its index reused,
                                     * before the answer comes) */
    int64_t ts;
} game_job_t;

static void game_bets(void *arg, const PGresult *res, sv_err_t rc)
{
    game_job_t *gj = arg;
    eng_bets_t *b = gj->b;
    const eng_game_t *g = eng_state_game(b->st, gj->event_id);
    eng_grade_game_t gg;

    if (rc != SV_OK || !g || !game_of(b, g->idx, &gg)) {
        if (rc != SV_OK)
            LOG_WARN("bets", "grade_failed", "event=%s err=%s (retried by the sweep)",
                     gj->event_id, sv_err2str(rc));
        else if (!g)
            LOG_WARN("bets", "grade_failed", "event=%s err=\"game retired before the answer\"",
                     gj->event_id);
        free(gj);
        return;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        eng_grade_bet_t gb;
        eng_grade_out_t o;
        grade_job_t *j;
        char pnl[48], close[16], clv[32], ts[24];
        const char *v[6];
        const char *player = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);

        memset(&gb, 0, sizeof(gb));
        gb.market = PQgetvalue(res, i, 2);
        gb.side = PQgetvalue(res, i, 3);
        gb.player = player;
        gb.has_point = !PQgetisnull(res, i, 5);
        gb.point = gb.has_point ? strtod(PQgetvalue(res, i, 5), NULL) : 0;
        gb.price = atoi(PQgetvalue(res, i, 6));
        gb.stake = strtod(PQgetvalue(res, i, 7), NULL);
        close_of(b, gj->event_id, gb.market, player, gb.side, &gb,
                 &gg.has_draw);
        eng_grade(&gb, &gg, &o);
        if (o.result == ENG_GRADE_OPEN)
            continue; /* props: no player statistics in the feeds */
        if (!(j = calloc(1, sizeof(*j))))
            break;
        j->b = b;
        grade_fill(&j->w, &o, gb.price, gj->ts);
        sv_strlcpy(j->w.bet_id, PQgetvalue(res, i, 0), sizeof(j->w.bet_id));
        sv_strlcpy(j->w.signal_id, PQgetvalue(res, i, 1), sizeof(j->w.signal_id));
        j->w.present = WIRE_GRADE_HAS_BET_ID | WIRE_GRADE_HAS_SIGNAL_ID;
        fmt_money(pnl, sizeof(pnl), o.pnl);
        snprintf(close, sizeof(close), "%d", j->w.closing_price);
        snprintf(clv, sizeof(clv), "%.17g", j->w.clv);
        snprintf(ts, sizeof(ts), "%lld", (long long)gj->ts);
        o.has_close = o.has_close && isfinite(j->w.clv);
        v[0] = j->w.bet_id;
        v[1] = status_of(o.result);
        v[2] = pnl;
        v[3] = o.has_close ? close : NULL;
        v[4] = o.has_close ? clv : NULL;
        v[5] = ts;
        if (eng_store_query(b->store, ST_GRADE, 6, v, NULL, NULL, bet_graded, j) != SV_OK)
            free(j);
    }
    free(gj);
}

/* Ask for the placed bets of game gi (graded in game_bets). */
static void grade_bets_of(eng_bets_t *b, uint32_t gi, int64_t ts)
{
    game_job_t *gj;
    const char *v[1];
    if (!b->store || !(gj = calloc(1, sizeof(*gj))))
        return;
    gj->b = b;
    sv_strlcpy(gj->event_id, eng_state_game_at(b->st, gi)->event_id, sizeof(gj->event_id));
    gj->ts = ts;
    v[0] = gj->event_id;
    if (eng_store_query(b->store, ST_GAME, 1, v, NULL, NULL, game_bets, gj) != SV_OK)
        free(gj);
}

void eng_bets_retire_game(eng_bets_t *b, const eng_game_t *g)
{
    size_t keep = 0;

    for (size_t m = 0; m < g->market_cnt; m++) {
        uint32_t mi = eng_state_game_market(b->st, g, m)->idx;
        for (uint32_t slot = mi * ENG_OUTCOMES_MAX; slot < (mi + 1) * ENG_OUTCOMES_MAX; slot++) {
            if (slot >= b->live_cap || !b->live[slot].used)
                continue;
            eng_htab_remove(&b->ids, eng_htab_hash_str(0, b->live[slot].id), slot);
            memset(&b->live[slot], 0, sizeof(b->live[slot]));
        }
    }
    for (size_t i = 0; i < b->started_cnt; i++) /* graded when it ended: normally none left */
        if (b->started[i].game != g->idx)
            b->started[keep++] = b->started[i];
    b->started_cnt = keep;
}

sv_err_t eng_bets_game_ended(eng_bets_t *b, uint32_t gi, int64_t ts, bool replaying)
{
    eng_grade_game_t gg;
    size_t keep = 0;

    if (!game_of(b, gi, &gg))
        return SV_OK;
    for (size_t i = 0; i < b->started_cnt; i++) {
        bet_started_t *s = &b->started[i];
        const wire_signal_t *sig = &s->sig;
        eng_grade_bet_t gb;
        eng_grade_out_t o;
        wire_grade_t w;

        if (s->game != gi) {
            b->started[keep++] = *s;
            continue;
        }
        memset(&gb, 0, sizeof(gb));
        gb.market = sig->cand.market;
        gb.side = sig->cand.side;
        gb.player = sig->cand.present & WIRE_CAND_HAS_PLAYER ? sig->cand.player : NULL;
        gb.has_point = (sig->cand.present & WIRE_CAND_HAS_POINT) != 0;
        gb.point = sig->cand.point;
        gb.price = sig->price;
        gb.stake = sig->stake_units;
        close_of(b, sig->cand.event_id, gb.market, gb.player, gb.side, &gb, &gg.has_draw);
        eng_grade(&gb, &gg, &o);
        if (o.result == ENG_GRADE_OPEN || replaying)
            continue;
        memset(&w, 0, sizeof(w));
        grade_fill(&w, &o, sig->price, ts);
        sv_strlcpy(w.signal_id, sig->signal_id, sizeof(w.signal_id));
        w.present = WIRE_GRADE_HAS_SIGNAL_ID;
        b->stats.signal_grades++;
        b->emit(b->arg, WIRE_GRADE, &w);
        if (best_effort_ok(b)) {
            char pnl[48], close[16], clv[32], t[24];
            /* o.result is not OPEN here: its name is the grades table's result */
            const char *v[6] = {w.signal_id, eng_grade_result_name(o.result), pnl,
                                o.has_close ? close : NULL, o.has_close ? clv : NULL, t};
            snprintf(pnl, sizeof(pnl), "%.6f", w.pnl);
            snprintf(close, sizeof(close), "%d", w.closing_price);
            snprintf(clv, sizeof(clv), "%.17g", w.clv);
            snprintf(t, sizeof(t), "%lld", (long long)ts);
            eng_store_query(b->store, ST_SIG_GRADE, 6, v, NULL, NULL, noop_cb, what_signal_grade);
        }
    }
    b->started_cnt = keep;
    if (!replaying)
        grade_bets_of(b, gi, ts);
    return SV_OK;
}

/* Whether a best-effort write may go to the store now (up, and its queue short). */
static bool best_effort_ok(eng_bets_t *b)
{
    eng_store_stats_t st;
    if (!b->store || !eng_store_up(b->store))
        return false;
    eng_store_stats(b->store, &st);
    if (st.queued <= BETS_BEST_EFFORT_QUEUED)
        return true;
    b->stats.history_skipped++;
    return false;
}

void eng_bets_history(eng_bets_t *b, const wire_signal_t *sig)
{
    char rev[16], point[SV_DECIMAL_MAX + 1], price[16], pf[32], pm[32], edge[32], kelly[32],
        units[32], fin[32], ts[24];
    const char *v[18];
    if (!best_effort_ok(b))
        return;
    snprintf(rev, sizeof(rev), "%d", sig->rev);
    point[sv_fmt_decimal(sig->cand.point, point)] = '\0';
    snprintf(price, sizeof(price), "%d", sig->price);
    snprintf(pf, sizeof(pf), "%.17g", sig->p_fair);
    snprintf(pm, sizeof(pm), "%.17g", sig->p_model);
    snprintf(edge, sizeof(edge), "%.17g", sig->edge);
    snprintf(kelly, sizeof(kelly), "%.17g", sig->kelly);
    snprintf(units, sizeof(units), "%.17g", sig->stake_units);
    snprintf(fin, sizeof(fin), "%.17g", sig->scores.final);
    snprintf(ts, sizeof(ts), "%lld", (long long)sig->ts);
    v[0] = sig->signal_id;
    v[1] = rev;
    v[2] = sig->state == WIRE_SIG_OPEN ? "open" : sig->state == WIRE_SIG_UPDATE ? "update" : "withdrawn";
    v[3] = sig->cand.event_id;
    v[4] = sig->cand.market;
    v[5] = sig->cand.side;
    v[6] = sig->cand.present & WIRE_CAND_HAS_PLAYER ? sig->cand.player : NULL;
    v[7] = sig->cand.present & WIRE_CAND_HAS_POINT ? point : NULL;
    v[8] = sig->book;
    v[9] = price;
    v[10] = pf;
    v[11] = pm;
    v[12] = edge;
    v[13] = kelly;
    v[14] = units;
    v[15] = fin;
    v[16] = wire_tier_name(sig->tier);
    v[17] = ts;
    eng_store_query(b->store, ST_HISTORY, 18, v, NULL, NULL, noop_cb, what_history);
}

/* ---- the sweep ----------------------------------------------------------------------------- */

static void resend_got(void *arg, const PGresult *res, sv_err_t rc)
{
    eng_bets_t *b = arg;
    if (rc != SV_OK)
        return;
    for (int i = 0; i < PQntuples(res); i++) {
        wire_placement_t p;
        memset(&p, 0, sizeof(p));
        p.v = WIRE_VERSION;
        sv_strlcpy(p.bet_id, PQgetvalue(res, i, 0), sizeof(p.bet_id));
        sv_strlcpy(p.click_id, PQgetvalue(res, i, 1), sizeof(p.click_id));
        sv_strlcpy(p.user_id, PQgetvalue(res, i, 2), sizeof(p.user_id));
        sv_strlcpy(p.signal_id, PQgetvalue(res, i, 3), sizeof(p.signal_id));
        sv_strlcpy(p.cand.event_id, PQgetvalue(res, i, 4), sizeof(p.cand.event_id));
        sv_strlcpy(p.cand.market, PQgetvalue(res, i, 5), sizeof(p.cand.market));
        sv_strlcpy(p.cand.side, PQgetvalue(res, i, 6), sizeof(p.cand.side));
        if (!PQgetisnull(res, i, 7)) {
            sv_strlcpy(p.cand.player, PQgetvalue(res, i, 7), sizeof(p.cand.player));
            p.cand.present |= WIRE_CAND_HAS_PLAYER;
        }
        if (!PQgetisnull(res, i, 8)) {
            p.cand.point = strtod(PQgetvalue(res, i, 8), NULL);
            p.cand.present |= WIRE_CAND_HAS_POINT;
        }
        sv_strlcpy(p.book, PQgetvalue(res, i, 9), sizeof(p.book));
        p.price = atoi(PQgetvalue(res, i, 10));
        p.stake = strtod(PQgetvalue(res, i, 11), NULL);
        p.ts = strtoll(PQgetvalue(res, i, 12), NULL, 10);
        b->stats.resent++;
        b->stats.placements++;
        LOG_INFO("bets", "placement_resent", "bet_id=%s", p.bet_id);
        b->emit(b->arg, WIRE_PLACEMENT, &p);
    }
}

static void open_events_got(void *arg, const PGresult *res, sv_err_t rc)
{
    eng_bets_t *b = arg;
    eng_grade_game_t gg;
    if (rc != SV_OK)
        return;
    for (int i = 0; i < PQntuples(res); i++) {
        const eng_game_t *g = eng_state_game(b->st, PQgetvalue(res, i, 0));
        const eng_market_t *mk;
        if (!g || g->market_cnt == 0)
            continue;
        mk = eng_state_game_market(b->st, g, 0);
        if (game_of(b, mk->game, &gg))
            grade_bets_of(b, mk->game, g->ts);
    }
}

static void bets_sweep(evutil_socket_t fd, short what, void *arg)
{
    eng_bets_t *b = arg;
    char ms[24];
    const char *v[1] = {ms};
    UNUSED(fd);
    UNUSED(what);
    if (!eng_store_up(b->store))
        return;
    snprintf(ms, sizeof(ms), "%lld", (long long)b->conf.resend_ms);
    eng_store_query(b->store, ST_RESEND, 1, v, NULL, NULL, resend_got, b);
    eng_store_query(b->store, ST_OPEN_EVENTS, 0, NULL, NULL, NULL, open_events_got, b);
}
