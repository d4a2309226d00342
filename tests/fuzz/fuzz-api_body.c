/*
 * fuzz-api_body — libFuzzer target: arbitrary bytes as the JSON body of the REST API's POST
 * routes, loaded as engine/api.c loads a body (json_loadb, an object or 400) and validated by the
 * routes' own functions: eng_api_bet_body (POST /api/v1/bets), eng_api_token_body
 * (POST /api/v1/tokens, for four callers: the bootstrap token, an admin, a user, a read-only
 * user) and eng_api_user_body (POST /api/v1/users). Each must accept or refuse with the status
 * the route sends and an error naming a field and a reason; what it accepts holds only values
 * the rest of the route may rely on (wire ids, a finite stake, scopes the caller holds, …).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_bets.h"
#include "api_tokens.h"
#include "api_users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const wire_err_t *err)
{
    fprintf(stderr, "fuzz property broken: %s (%s: %s)\n", what, err ? err->field : "",
            err ? err->reason : "");
    abort();
}

static void check_refusal(const wire_err_t *err, const char *const *fields)
{
    if (!err->reason[0] || strlen(err->field) >= sizeof(err->field) ||
        strlen(err->reason) >= sizeof(err->reason))
        die("an error without a reason", err);
    for (; *fields; fields++)
        if (strcmp(err->field, *fields) == 0)
            return;
    die("an error naming an unexpected field", err);
}

/* A wire id, as the route promises eng_bets_click: 1..64 printable ASCII bytes without '|'. */
static int id_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0 || n > WIRE_ID_MAX || n == cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < ' ' || s[i] > '~' || s[i] == '|')
            return 0;
    return 1;
}

static void check_bet(const json_t *body)
{
    static const char *const fields[] = {"body", "click_id", "signal_id", "book",
                                         "event_id", "stake", "max_price_move", NULL};
    wire_click_t c;
    wire_err_t err;
    sv_err_t rc;

    memset(&err, 0, sizeof(err));
    rc = eng_api_bet_body(body, &c, &err);
    if (rc == SV_OK) {
        if (!id_ok(c.click_id, sizeof(c.click_id)) || !id_ok(c.signal_id, sizeof(c.signal_id)))
            die("an accepted bet without its ids", NULL);
        if ((c.book[0] && !id_ok(c.book, sizeof(c.book))) ||
            (c.event_id[0] && !id_ok(c.event_id, sizeof(c.event_id))))
            die("an accepted bet with a bad book or event_id", NULL);
        if (!isfinite(c.stake))
            die("an accepted bet with a stake that is no number", NULL);
        if ((c.present & WIRE_CLICK_HAS_MAX_PRICE_MOVE) &&
            !(c.max_price_move >= 0 && c.max_price_move <= 1))
            die("an accepted bet with max_price_move out of 0..1", NULL);
        if (strcmp(c.click_id, json_string_value(json_object_get(body, "click_id"))) != 0)
            die("click_id changed on the way", NULL);
    } else if (rc == SV_ERR_DECODE) {
        if (body && json_is_object(body))
            die("an object refused as not an object", &err);
        check_refusal(&err, fields);
    } else if (rc == SV_ERR_INVALID) {
        check_refusal(&err, fields);
    } else {
        die("eng_api_bet_body: unexpected error code", &err);
    }
}

static void check_token(const json_t *body)
{
    static const char *const fields[] = {"user_id", "scopes", NULL};
    static const eng_api_principal_t who[] = {
        {.user_id = 0, .role = "admin", .scopes = ENG_SCOPE_ALL},
        {.user_id = 1, .role = "admin", .scopes = ENG_SCOPE_ALL},
        {.user_id = 7, .role = "user", .scopes = ENG_SCOPE_READ | ENG_SCOPE_BET},
        {.user_id = 9, .role = "user", .scopes = ENG_SCOPE_READ},
    };
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        eng_api_token_req_t tr = {-1, ~0u};
        wire_err_t err;
        int status = 0;
        sv_err_t rc;

        memset(&err, 0, sizeof(err));
        rc = eng_api_token_body(body, &who[i], &tr, &status, &err);
        if (rc == SV_OK) {
            if (tr.user_id < 1)
                die("a token for no user", NULL);
            if (!(who[i].scopes & ENG_SCOPE_ADMIN) && tr.user_id != who[i].user_id)
                die("a token for somebody else without the admin scope", NULL);
            if (tr.scopes & ~who[i].scopes)
                die("a token with more scopes than its creator", NULL);
        } else if (rc == SV_ERR_INVALID) {
            if (status != 422 && status != 403)
                die("a token refusal with an unexpected status", &err);
            if (tr.user_id != -1 || tr.scopes != ~0u)
                die("a refusal filled the request", &err);
            check_refusal(&err, fields);
        } else {
            die("eng_api_token_body: unexpected error code", &err);
        }
    }
}

static void check_money(const char *text, size_t cap)
{
    char *end;
    double v;
    if (strnlen(text, cap) == cap)
        die("an amount without its end", NULL);
    if (!text[0])
        return;
    v = strtod(text, &end);
    if (*end || !(v >= 0) || !strchr(text, '.'))
        die("an amount that is not a decimal", NULL);
}

static void check_user(const json_t *body)
{
    static const char *const fields[] = {"email", "role", "max_stake", "daily_exposure", NULL};
    eng_api_user_req_t u;
    wire_err_t err;
    sv_err_t rc;

    memset(&err, 0, sizeof(err));
    rc = eng_api_user_body(body, &u, &err);
    if (rc == SV_OK) {
        if (!u.email || !strchr(u.email, '@'))
            die("a user without an email", NULL);
        if (!u.role || (strcmp(u.role, "admin") != 0 && strcmp(u.role, "user") != 0))
            die("a user with an unknown role", NULL);
        check_money(u.max_stake, sizeof(u.max_stake));
        check_money(u.daily_exposure, sizeof(u.daily_exposure));
    } else if (rc == SV_ERR_INVALID) {
        check_refusal(&err, fields);
    } else {
        die("eng_api_user_body: unexpected error code", &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    /* as engine/api.c reads a POST body: anything but an object is a 400 before any route */
    json_t *body = size ? json_loadb((const char *)data, size, 0, &je) : NULL;

    check_bet(body && json_is_object(body) ? body : NULL);
    if (body && !json_is_object(body)) {
        check_bet(body); /* the function's own guard */
        json_decref(body);
        return 0;
    }
    check_token(body);
    check_user(body);
    json_decref(body);
    return 0;
}
