/*
 * api_tokens — the REST routes of API tokens (see api_tokens.h), over the PostgreSQL store.
 */
#include "api_tokens.h"

#include "api_db.h"

#include <stdlib.h>
#include <string.h>

#include "sv_util.h"
#include "tokens.h"

#define ST_INSERT "api_token_insert"
#define ST_LIST "api_token_list"
#define ST_REVOKE "api_token_revoke"

/* What a token creation keeps for its answer. */
typedef struct tok_q {
    char token[ENG_TOKEN_STR];
    json_t *scopes; /* the new token's scopes */
} tok_q_t;

sv_err_t eng_api_tokens_prepare(eng_store_t *store)
{
    sv_err_t rc;
    if ((rc = eng_store_prepare(store, ST_INSERT,
                                "INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) "
                                "SELECT u.id, $2, $3, $4::text[] FROM users u WHERE u.id = $1 "
                                "RETURNING id",
                                4)) != SV_OK ||
        (rc = eng_store_prepare(store, ST_LIST,
                                "SELECT id, prefix, scopes::text, "
                                "(extract(epoch from created_at) * 1000)::bigint, "
                                "(extract(epoch from last_used_at) * 1000)::bigint, "
                                "(extract(epoch from revoked_at) * 1000)::bigint "
                                "FROM api_tokens WHERE user_id = $1 ORDER BY id",
                                1)) != SV_OK)
        return rc;
    return eng_store_prepare(store, ST_REVOKE,
                             "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 "
                             "AND ($2::bigint = 0 OR user_id = $2) AND revoked_at IS NULL "
                             "RETURNING id",
                             2);
}

/* The user a request acts for: ?user_id= / "user_id" for an admin, else the caller. 0 when the
 * caller is the bootstrap token and named nobody. */
static int64_t tok_subject(const eng_api_req_t *r, int64_t asked)
{
    return asked > 0 && (r->who->scopes & ENG_SCOPE_ADMIN) ? asked : r->who->user_id;
}

static void tok_free(tok_q_t *q)
{
    json_decref(q->scopes);
    free(q);
}

static void tok_created(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    tok_q_t *q = ctx;
    if (!r) {
        /* the client went away */
    } else if (rc != SV_OK) {
        eng_api_db_failed(r, rc);
    } else if (PQntuples(res) != 1) {
        eng_http_error(r->req, 404, "user_id", "no such user");
    } else {
        char prefix[ENG_TOKEN_PREFIX_LEN + 1];
        sv_strlcpy(prefix, q->token, sizeof(prefix));
        eng_api_reply(r, 201,
                      json_pack("{s:I,s:s,s:s,s:O}", "id",
                                (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10), "token",
                                q->token, "prefix", prefix, "scopes", q->scopes));
    }
    tok_free(q);
}

static sv_err_t tok_refuse(int *status, wire_err_t *err, int code, const char *field,
                           const char *reason)
{
    *status = code;
    sv_strlcpy(err->field, field, sizeof(err->field));
    sv_strlcpy(err->reason, reason, sizeof(err->reason));
    return SV_ERR_INVALID;
}

sv_err_t eng_api_token_body(const json_t *body, const eng_api_principal_t *who,
                            eng_api_token_req_t *out, int *status, wire_err_t *err)
{
    json_t *scopes = body ? json_object_get(body, "scopes") : NULL;
    json_t *uid = body ? json_object_get(body, "user_id") : NULL;
    unsigned want = 0;
    int64_t subject;
    size_t i;
    json_t *s;

    if (uid && (!json_is_integer(uid) || json_integer_value(uid) < 1))
        return tok_refuse(status, err, 422, "user_id", "expected a user id (a positive integer)");
    if (uid && !(who->scopes & ENG_SCOPE_ADMIN))
        return tok_refuse(status, err, 403, "user_id", "only an admin creates tokens for others");
    subject = uid ? (int64_t)json_integer_value(uid) : who->user_id;
    if (subject == 0)
        return tok_refuse(status, err, 422, "user_id", "the bootstrap token names the user");
    if (scopes && !json_is_array(scopes))
        return tok_refuse(status, err, 422, "scopes", "expected a list of read, bet, admin");
    json_array_foreach(scopes, i, s) {
        const char *v = json_string_value(s);
        unsigned bit = !v ? 0 : !strcmp(v, "read") ? ENG_SCOPE_READ : !strcmp(v, "bet") ? ENG_SCOPE_BET
                                : !strcmp(v, "admin") ? ENG_SCOPE_ADMIN : 0;
        if (!bit || (want & bit))
            return tok_refuse(status, err, 422, "scopes",
                              "expected distinct scopes of read, bet, admin");
        want |= bit;
    }
    if (!scopes)
        want = who->scopes & (ENG_SCOPE_READ | ENG_SCOPE_BET);
    if (want & ~who->scopes)
        return tok_refuse(status, err, 403, "scopes", "a token cannot grant more than its own scopes");
    out->user_id = subject;
    out->scopes = want;
    return SV_OK;
}

/* POST /api/v1/tokens {"scopes":[…]?, "user_id":N? (admin)} */
static void tok_create(eng_api_req_t *r, void *arg)
{
    eng_store_t *store = arg;
    char hash[ENG_TOKEN_HASH_STR], idbuf[24], arr[128] = "{", prefix[ENG_TOKEN_PREFIX_LEN + 1];
    const char *values[4];
    eng_api_token_req_t tr;
    wire_err_t err;
    int status;
    tok_q_t *q;

    if (eng_api_token_body(r->body, r->who, &tr, &status, &err) != SV_OK)
        return eng_http_error(r->req, status, err.field, err.reason);
    if (!(q = calloc(1, sizeof(*q))) || !(q->scopes = json_array())) {
        free(q);
        return eng_http_error(r->req, 500, "", "out of memory");
    }
    static const char *const names[] = {"read", "bet", "admin"};
    for (int k = 0; k < 3; k++)
        if (tr.scopes & (1u << k)) {
            json_array_append_new(q->scopes, json_string(names[k]));
            snprintf(arr + strlen(arr), sizeof(arr) - strlen(arr), "%s%s", arr[1] ? "," : "", names[k]);
        }
    snprintf(arr + strlen(arr), sizeof(arr) - strlen(arr), "}");
    if (eng_token_new(q->token) != SV_OK || eng_token_hash(q->token, hash) != SV_OK) {
        tok_free(q);
        return eng_http_error(r->req, 500, "", "cannot make a token");
    }
    sv_strlcpy(prefix, q->token, sizeof(prefix));
    snprintf(idbuf, sizeof(idbuf), "%lld", (long long)tr.user_id);
    values[0] = idbuf;
    values[1] = hash;
    values[2] = prefix;
    values[3] = arr;
    if (eng_api_db(store, r, ST_INSERT, 4, values, tok_created, q) != SV_OK)
        tok_free(q);
}

static void tok_listed(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r) {
        /* the client went away */
    } else if (rc != SV_OK) {
        eng_api_db_failed(r, rc);
    } else {
        json_t *list = json_array();
        for (int i = 0; i < PQntuples(res); i++) {
            json_t *o = json_pack("{s:I,s:s,s:s}", "id",
                                  (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10), "prefix",
                                  PQgetvalue(res, i, 1), "scopes_pg", PQgetvalue(res, i, 2));
            json_t *sc = json_array();
            const char *t = PQgetvalue(res, i, 2);
            if (strstr(t, "read"))
                json_array_append_new(sc, json_string("read"));
            if (strstr(t, "bet"))
                json_array_append_new(sc, json_string("bet"));
            if (strstr(t, "admin"))
                json_array_append_new(sc, json_string("admin"));
            json_object_del(o, "scopes_pg");
            json_object_set_new(o, "scopes", sc);
            for (int c = 3; c <= 5; c++) {
                static const char *const k[] = {"created_ms", "last_used_ms", "revoked_ms"};
                json_object_set_new(o, k[c - 3],
                                    PQgetisnull(res, i, c)
                                        ? json_null()
                                        : json_integer(strtoll(PQgetvalue(res, i, c), NULL, 10)));
            }
            json_array_append_new(list, o);
        }
        eng_api_reply(r, 200, json_pack("{s:o}", "tokens", list));
    }
}

/* GET /api/v1/tokens[?user_id=N (admin)] */
static void tok_list(eng_api_req_t *r, void *arg)
{
    eng_store_t *store = arg;
    const char *u = evhttp_find_header(&r->query, "user_id");
    char idbuf[24];
    const char *values[1] = {idbuf};
    int64_t subject = tok_subject(r, u ? strtoll(u, NULL, 10) : 0);

    if (subject == 0)
        return eng_http_error(r->req, 422, "user_id", "the bootstrap token names the user");
    snprintf(idbuf, sizeof(idbuf), "%lld", (long long)subject);
    eng_api_db(store, r, ST_LIST, 1, values, tok_listed, NULL);
}

static void tok_revoked(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx)
{
    UNUSED(ctx);
    if (!r)
        ; /* the client went away */
    else if (rc != SV_OK)
        eng_api_db_failed(r, rc);
    else if (PQntuples(res) != 1)
        eng_http_error(r->req, 404, "id", "no such live token of yours");
    else
        evhttp_send_reply(r->req, 204, "No Content", NULL);
}

/* DELETE /api/v1/tokens/{id}: revoke (own; an admin any). */
static void tok_revoke(eng_api_req_t *r, void *arg)
{
    eng_store_t *store = arg;
    char *end, owner[24];
    long long id = strtoll(r->params[0], &end, 10);
    const char *values[2] = {r->params[0], owner};

    if (*end || id < 1)
        return eng_http_error(r->req, 404, "id", "no such token");
    snprintf(owner, sizeof(owner), "%lld",
             (long long)(r->who->scopes & ENG_SCOPE_ADMIN ? 0 : r->who->user_id));
    eng_api_db(store, r, ST_REVOKE, 2, values, tok_revoked, NULL);
}

sv_err_t eng_api_tokens_register(eng_api_t *api, eng_store_t *store)
{
    sv_err_t rc;
    if ((rc = eng_api_route(api, EVHTTP_REQ_POST, "/api/v1/tokens", 0, tok_create, store)) != SV_OK ||
        (rc = eng_api_route(api, EVHTTP_REQ_GET, "/api/v1/tokens", 0, tok_list, store)) != SV_OK)
        return rc;
    return eng_api_route(api, EVHTTP_REQ_DELETE, "/api/v1/tokens/{id}", 0, tok_revoke, store);
}
