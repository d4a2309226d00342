/*
 * api_users — REST routes of users (see api_users.h).
 */
#include "api_users.h"

#include <stdlib.h>
#include <string.h>

#include "api_db.h"
#include "sv_util.h"

#define ST_INSERT "api_user_insert"
#define ST_LIST "api_user_list"
#define ST_GET "api_user_get"
#define USER_MONEY_MAX 1e14 /* the sv_money domain (schemas/sql/0001_init.sql): below 10^14 */
#define USER_COLS                                                                                  \
    "id, email, role, max_stake::text, daily_exposure::text, "                                     \
    "(extract(epoch from created_at) * 1000)::bigint"

sv_err_t eng_api_users_prepare(eng_store_t *store)
{
    sv_err_t rc;
    if ((rc = eng_store_prepare(store, ST_INSERT,
                                "INSERT INTO users (email, role, max_stake, daily_exposure) "
                                "VALUES ($1, $2, coalesce($3::numeric, 100), "
                                "coalesce($4::numeric, 1000)) RETURNING " USER_COLS,
                                4)) != SV_OK ||
        (rc = eng_store_prepare(store, ST_LIST,
                                "SELECT " USER_COLS " FROM users ORDER BY id LIMIT 10000", 0)) !=
            SV_OK)
        return rc;
    return eng_store_prepare(store, ST_GET, "SELECT " USER_COLS " FROM users WHERE id = $1", 1);
}

static json_t *user_json(const PGresult *res, int i)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "id",
                     (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10), "email",
                     PQgetvalue(res, i, 1), "role", PQgetvalue(res, i, 2), "max_stake",
                     PQgetvalue(res, i, 3), "daily_exposure", PQgetvalue(res, i, 4), "created_ms",
                     (json_int_t)strtoll(PQgetvalue(res, i, 5), NULL, 10));
}

static void user_created(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc == SV_ERR_PG && res) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        const char *field = cons && strstr(cons, "max_stake")        ? "max_stake"
                            : cons && strstr(cons, "daily_exposure") ? "daily_exposure"
                            : cons && strstr(cons, "role")           ? "role"
                                                                     : "email";
        if (state && strcmp(state, "23505") == 0)
            return eng_http_error(r->req, 409, "email", "a user with this email exists");
        if (state && (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0))
            return eng_http_error(r->req, 422, field, "not accepted by the database's rules");
    }
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    eng_api_reply(r, 201, user_json(res, 0));
}

/* A money field of the body as text for the database in buf ("" when absent); NULL, or the
 * reason it is refused: a non-number, an amount not above 0, or one beyond the sv_money domain
 * (which also keeps "%.2f" of it short: a larger one would be cut to another number). */
static const char *user_money(const json_t *body, const char *key, char *buf, size_t n)
{
    const json_t *v = json_object_get(body, key);
    buf[0] = '\0';
    if (!v)
        return NULL;
    if (!json_is_number(v) || json_number_value(v) <= 0)
        return "expected a positive amount";
    if (json_number_value(v) >= USER_MONEY_MAX)
        return "expected an amount below 100000000000000";
    snprintf(buf, n, "%.2f", json_number_value(v));
    return NULL;
}

static sv_err_t user_refuse(wire_err_t *err, const char *field, const char *reason)
{
    sv_strlcpy(err->field, field, sizeof(err->field));
    sv_strlcpy(err->reason, reason, sizeof(err->reason));
    return SV_ERR_INVALID;
}

sv_err_t eng_api_user_body(const json_t *body, eng_api_user_req_t *out, wire_err_t *err)
{
    const char *email = body ? json_string_value(json_object_get(body, "email")) : NULL;
    const char *role = body ? json_string_value(json_object_get(body, "role")) : NULL;
    const char *why;

    memset(out, 0, sizeof(*out));
    if (!email || !strchr(email, '@'))
        return user_refuse(err, "email", "expected an email address");
    if (body && json_object_get(body, "role") && !role)
        return user_refuse(err, "role", "expected admin or user");
    role = role ? role : "user";
    if (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0)
        return user_refuse(err, "role", "expected admin or user");
    if ((why = user_money(body, "max_stake", out->max_stake, sizeof(out->max_stake))))
        return user_refuse(err, "max_stake", why);
    if ((why = user_money(body, "daily_exposure", out->daily_exposure,
                          sizeof(out->daily_exposure))))
        return user_refuse(err, "daily_exposure", why);
    out->email = email;
    out->role = role;
    return SV_OK;
}

/* POST /api/v1/users */
static void user_create(eng_api_req_t *r, void *arg)
{
    eng_api_user_req_t u;
    wire_err_t err;
    const char *values[4];

    if (eng_api_user_body(r->body, &u, &err) != SV_OK)
        return eng_http_error(r->req, 422, err.field, err.reason);
    values[0] = u.email;
    values[1] = u.role;
    values[2] = u.max_stake[0] ? u.max_stake : NULL;
    values[3] = u.daily_exposure[0] ? u.daily_exposure : NULL;
    eng_api_db(arg, r, ST_INSERT, 4, values, user_created, NULL);
}

static void user_listed(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    json_t *list;
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    list = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(list, user_json(res, i));
    eng_api_reply(r, 200, json_pack("{s:o}", "users", list));
}

/* GET /api/v1/users */
static void user_list(eng_api_req_t *r, void *arg)
{
    eng_api_db(arg, r, ST_LIST, 0, NULL, user_listed, NULL);
}

static void user_got(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        return;
    if (rc != SV_OK)
        return eng_api_db_failed(r, rc);
    if (PQntuples(res) != 1)
        return eng_http_error(r->req, 404, "id", "no such user");
    eng_api_reply(r, 200, user_json(res, 0));
}

/* GET /api/v1/users/{id} */
static void user_get(eng_api_req_t *r, void *arg)
{
    char *end;
    long long id = strtoll(r->params[0], &end, 10);
    const char *values[1] = {r->params[0]};
    if (*end || id < 1)
        return eng_http_error(r->req, 404, "id", "no such user");
    eng_api_db(arg, r, ST_GET, 1, values, user_got, NULL);
}

sv_err_t eng_api_users_register(eng_api_t *api, eng_store_t *store)
{
    sv_err_t rc;
    if ((rc = eng_api_route(api, EVHTTP_REQ_POST, "/api/v1/users", ENG_SCOPE_ADMIN, user_create,
                            store)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/users", ENG_SCOPE_ADMIN, user_list,
                            store)) != SV_OK)
        return rc;
    return eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/users/{id}", ENG_SCOPE_ADMIN, user_get,
                         store);
}
