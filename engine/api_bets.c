/*
 * api_bets — REST routes of bets (see api_bets.h).
 */
#include "api_bets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "api_db.h"
#include "http.h"
#include "sv_util.h"

#define ST_LIST "api_bets_list"
#define ST_GET "api_bets_get"
#define ST_CANCEL "api_bets_cancel"
#define ST_STATS "api_bets_stats"
#define ST_HISTORY "api_signal_history"
#define LIST_LIMIT_MAX 1000

sv_err_t eng_api_bets_prepare(eng_store_t *store)
{
    sv_err_t rc;
    if ((rc = eng_store_prepare(
             store, ST_LIST,
             "SELECT sv_bet_json(b)::text FROM bets b WHERE user_id = $1::bigint AND "
             "($2::text IS NULL OR status = $2) ORDER BY created_at DESC, bet_id LIMIT $3::integer",
             3)) != SV_OK ||
        (rc = eng_store_prepare(store, ST_GET,
                                "SELECT user_id, sv_bet_json(b)::text FROM bets b WHERE bet_id = $1",
                                1)) != SV_OK ||
        (rc = eng_store_prepare(store, ST_CANCEL,
                                "SELECT outcome, bet::text FROM sv_cancel_bet($1, $2::bigint)", 2)) !=
            SV_OK ||
        (rc = eng_store_prepare(store, ST_STATS, "SELECT sv_user_stats($1::bigint)::text", 1)) !=
            SV_OK)
        return rc;
    return eng_store_prepare(
        store, ST_HISTORY,
        "SELECT json_build_object('signal_id', signal_id, 'rev', rev, 'state', "
        "state, 'event_id', event_id, 'market', market, 'side', side, 'player', player, 'point', "
        "point, 'book', book, 'price', price, 'p_fair', p_fair, 'p_model', p_model, 'edge', edge, "
        "'kelly', kelly, 'stake_units', stake_units, 'final', final, 'tier', tier, 'ts', "
        "sv_ts_to_ms(ts))::text FROM signals_history WHERE signal_id = $1 ORDER BY rev",
        1);
}

/* Reply with the JSON text j as PostgreSQL wrote it: no round trip through jansson, whose reals
 * print with 17 digits (-0.030569 would become -0.030568999999999999); PostgreSQL writes numeric
 * exactly and float8 in the shortest form that reads back the same. */
static void reply_text(eng_api_req_t *r, int status, const char *j)
{
    eng_http_reply_json(r->req, status, j);
}

/* Reply {"KEY":[rows…]} with each row's column 0, a JSON object as PostgreSQL wrote it. */
static void reply_rows(eng_api_req_t *r, const char *key, const PGresult *res)
{
    struct evbuffer *b = evbuffer_new();
    char *text;
    size_t n;

    if (!b)
        return eng_http_error(r->req, 500, "", "out of memory");
    evbuffer_add_printf(b, "{\"%s\":[", key);
    for (int i = 0; i < PQntuples(res); i++)
        evbuffer_add_printf(b, "%s%s", i ? "," : "", PQgetvalue(res, i, 0));
    evbuffer_add(b, "]}", 3); /* with the NUL */
    n = evbuffer_get_length(b);
    text = (char *)evbuffer_pullup(b, (ev_ssize_t)n);
    if (text)
        eng_http_reply_json(r->req, 200, text);
    else
        eng_http_error(r->req, 500, "", "out of memory");
    evbuffer_free(b);
}

/* --- POST /api/v1/bets ---------------------------------------------------------------------- */

static void bet_clicked(void *ctx, const eng_click_out_t *o)
{
    eng_api_held_t *h = ctx;
    eng_api_req_t *r = eng_api_held_req(h);

    if (r) {
        if (o->status == 503) {
            eng_api_db_failed(r, SV_ERR_UNAVAILABLE);
        } else if ((o->status == 200 || o->status == 201) && o->bet_json) {
            reply_text(r, o->status, o->bet_json);
        } else if (o->has_current) {
            eng_api_reply(r, o->status,
                          json_pack("{s:{s:s,s:s,s:s,s:i}}", "error", "code",
                                    eng_http_error_code(o->status), "message", o->message, "field",
                                    o->field ? o->field : "", "current_price", o->current_price));
        } else {
            eng_http_error(r->req, o->status, o->field, o->message);
        }
    }
    eng_api_held_free(h);
}

/* A wire id: 1..64 bytes of printable ASCII without '|'. */
static bool id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > WIRE_ID_MAX)
        return false;
    for (; *s; s++)
        if (*s < ' ' || *s > '~' || *s == '|')
            return false;
    return true;
}

/* The stake: a JSON number or a decimal string ("25.00"). */
static bool stake_of(const json_t *v, double *out)
{
    char *end;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    if (json_is_string(v) && *json_string_value(v)) {
        *out = strtod(json_string_value(v), &end);
        return *end == '\0' && isfinite(*out);
    }
    return false;
}

static sv_err_t bet_refuse(wire_err_t *err, sv_err_t rc, const char *field, const char *reason)
{
    sv_strlcpy(err->field, field, sizeof(err->field));
    sv_strlcpy(err->reason, reason, sizeof(err->reason));
    return rc;
}

sv_err_t eng_api_bet_body(const json_t *body, wire_click_t *c, wire_err_t *err)
{
    const char *click_id, *signal_id, *book, *event_id;
    const json_t *mpm;

    memset(c, 0, sizeof(*c));
    if (!body || !json_is_object(body))
        return bet_refuse(err, SV_ERR_DECODE, "body", "expected a JSON object");
    click_id = json_string_value(json_object_get(body, "click_id"));
    signal_id = json_string_value(json_object_get(body, "signal_id"));
    book = json_string_value(json_object_get(body, "book"));
    event_id = json_string_value(json_object_get(body, "event_id"));
    if (!id_ok(click_id))
        return bet_refuse(err, SV_ERR_INVALID, "click_id",
                          "expected 1..64 printable ASCII characters without '|'");
    if (!id_ok(signal_id))
        return bet_refuse(err, SV_ERR_INVALID, "signal_id", "expected a signal id");
    if (json_object_get(body, "book") && !id_ok(book))
        return bet_refuse(err, SV_ERR_INVALID, "book", "expected a book id");
    if (json_object_get(body, "event_id") && !id_ok(event_id))
        return bet_refuse(err, SV_ERR_INVALID, "event_id", "expected an event id");
    if (!stake_of(json_object_get(body, "stake"), &c->stake))
        return bet_refuse(err, SV_ERR_INVALID, "stake",
                          "expected an amount (number or decimal string)");
    if ((mpm = json_object_get(body, "max_price_move"))) {
        if (!json_is_number(mpm) || !(json_number_value(mpm) >= 0 && json_number_value(mpm) <= 1))
            return bet_refuse(err, SV_ERR_INVALID, "max_price_move", "expected a fraction 0..1");
        c->max_price_move = json_number_value(mpm);
        c->present |= WIRE_CLICK_HAS_MAX_PRICE_MOVE;
    }
    sv_strlcpy(c->click_id, click_id, sizeof(c->click_id));
    sv_strlcpy(c->signal_id, signal_id, sizeof(c->signal_id));
    if (book)
        sv_strlcpy(c->book, book, sizeof(c->book));
    if (event_id)
        sv_strlcpy(c->event_id, event_id, sizeof(c->event_id));
    return SV_OK;
}

static void bet_place(eng_api_req_t *r, void *arg)
{
    eng_bets_t *bets = arg;
    wire_click_t c;
    wire_err_t err;
    eng_api_held_t *h;
    struct timespec now;
    sv_err_t rc;

    if (r->who->user_id <= 0)
        return eng_http_error(r->req, 403, "", "the bootstrap token is no user: bet with a user's token");
    if ((rc = eng_api_bet_body(r->body, &c, &err)) != SV_OK)
        return eng_http_error(r->req, rc == SV_ERR_DECODE ? 400 : 422, err.field, err.reason);
    c.v = WIRE_VERSION;
    /* a REST click's event time is when it arrived: the request is the input */
    clock_gettime(CLOCK_REALTIME, &now);
    c.ts = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    snprintf(c.user_id, sizeof(c.user_id), "%lld", (long long)r->who->user_id);
    if (!(h = eng_api_hold(r)))
        return eng_http_error(r->req, 500, "", "out of memory");
    eng_bets_click(bets, &c, r->who->user_id, false, bet_clicked, h);
}

/* --- GET /api/v1/bets, GET/DELETE /api/v1/bets/{bet_id} ------------------------------------- */

static void bets_listed(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    reply_rows(r, "bets", res);
}

static void bets_list(eng_api_req_t *r, void *arg)
{
    const char *status = evhttp_find_header(&r->query, "status");
    const char *lim = evhttp_find_header(&r->query, "limit");
    char user[24], limit[16];
    const char *v[3] = {user, status, limit};
    long n = 100;
    static const char *const statuses[] = {"pending", "placed", "rejected", "won",
                                           "lost",    "push",   "void"};
    bool ok = !status;

    for (size_t i = 0; status && i < SV_ARRAY_SIZE(statuses); i++)
        ok = ok || strcmp(status, statuses[i]) == 0;
    if (!ok)
        return eng_http_error(r->req, 422, "status",
                              "expected pending, placed, rejected, won, lost, push or void");
    if (lim) {
        char *end;
        n = strtol(lim, &end, 10);
        if (*end || n < 1 || n > LIST_LIMIT_MAX)
            return eng_http_error(r->req, 422, "limit", "expected 1..1000");
    }
    snprintf(user, sizeof(user), "%lld", (long long)r->who->user_id);
    snprintf(limit, sizeof(limit), "%ld", n);
    eng_api_db(eng_bets_store(arg), r, ST_LIST, 3, v, bets_listed, NULL);
}

static void bet_got(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    /* another user's bet is "no such bet" to a user (an admin sees every bet) */
    if (PQntuples(res) != 1 || (strcmp(r->who->role, "admin") != 0 &&
                                strtoll(PQgetvalue(res, 0, 0), NULL, 10) != r->who->user_id))
        return eng_http_error(r->req, 404, "bet_id", "no such bet");
    reply_text(r, 200, PQgetvalue(res, 0, 1));
}

static void bet_get(eng_api_req_t *r, void *arg)
{
    const char *v[1] = {r->params[0]};
    eng_api_db(eng_bets_store(arg), r, ST_GET, 1, v, bet_got, NULL);
}

static void bet_cancelled(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    const char *outcome;
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    outcome = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "unknown";
    if (strcmp(outcome, "cancelled") == 0)
        return reply_text(r, 200, PQgetvalue(res, 0, 1));
    if (strcmp(outcome, "not_pending") == 0) {
        json_error_t jerr;
        json_t *bet = json_loads(PQgetvalue(res, 0, 1), 0, &jerr);
        const char *st = json_string_value(json_object_get(bet, "status"));
        char msg[128];
        snprintf(msg, sizeof(msg), "only a pending bet can be cancelled; this one is %s",
                 st ? st : "?");
        json_decref(bet);
        return eng_http_error(r->req, 409, "bet_id", msg);
    }
    eng_http_error(r->req, 404, "bet_id", "no such bet");
}

static void bet_cancel(eng_api_req_t *r, void *arg)
{
    char user[24];
    const char *v[2] = {r->params[0], user};
    snprintf(user, sizeof(user), "%lld", (long long)r->who->user_id);
    eng_api_db(eng_bets_store(arg), r, ST_CANCEL, 2, v, bet_cancelled, NULL);
}

/* --- GET /api/v1/me/stats, GET /api/v1/signals/{signal_id}/history --------------------------- */

static void text_got(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
        return eng_http_error(r->req, 404, "", "no such user");
    reply_text(r, 200, PQgetvalue(res, 0, 0));
}

static void me_stats(eng_api_req_t *r, void *arg)
{
    char user[24];
    const char *v[1] = {user};
    if (r->who->user_id <= 0)
        return eng_http_error(r->req, 404, "", "the bootstrap token is no user");
    snprintf(user, sizeof(user), "%lld", (long long)r->who->user_id);
    eng_api_db(eng_bets_store(arg), r, ST_STATS, 1, v, text_got, NULL);
}

static void history_got(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    if (PQntuples(res) == 0)
        return eng_http_error(r->req, 404, "signal_id", "no recorded revisions of this signal");
    reply_rows(r, "revisions", res);
}

static void signal_history(eng_api_req_t *r, void *arg)
{
    const char *v[1] = {r->params[0]};
    eng_api_db(eng_bets_store(arg), r, ST_HISTORY, 1, v, history_got, NULL);
}

sv_err_t eng_api_bets_register(eng_api_t *api, eng_bets_t *bets)
{
    sv_err_t rc;
    if ((rc = eng_api_route(api, EVHTTP_REQ_POST, "/api/v1/bets", ENG_SCOPE_BET, bet_place,
                            bets)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/bets", ENG_SCOPE_READ, bets_list,
                            bets)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/bets/{bet_id}", ENG_SCOPE_READ, bet_get,
                            bets)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_DELETE, "/api/v1/bets/{bet_id}", ENG_SCOPE_BET,
                            bet_cancel, bets)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/me/stats", ENG_SCOPE_READ, me_stats,
                            bets)) != SV_OK)
        return rc;
    return eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/signals/{signal_id}/history",
                         ENG_SCOPE_READ, signal_history, bets);
}
