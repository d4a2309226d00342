/*
 * 0752: the validation of the REST API's POST bodies, as the routes and tests/fuzz/fuzz-api_body
 * call it: eng_api_bet_body (POST /api/v1/bets), eng_api_token_body (POST /api/v1/tokens) and
 * eng_api_user_body (POST /api/v1/users) — what each accepts and the exact error of each refusal
 * (the field and reason a 400/403/422 answer carries).
 */
#include <stdlib.h>
#include <string.h>

#include "api_bets.h"
#include "api_tokens.h"
#include "api_users.h"
#include "harness.h"

static json_t *t_json(const char *text)
{
    json_error_t je;
    return json_loads(text, 0, &je);
}

/* eng_api_bet_body on text: its return code, err filled on a refusal. */
static sv_err_t t_bet(const char *text, wire_click_t *c, wire_err_t *err)
{
    json_t *j = text ? t_json(text) : NULL;
    sv_err_t rc = eng_api_bet_body(j, c, err);
    json_decref(j);
    return rc;
}

int test_0752_api_bodies(void);
int test_0752_api_bodies(void)
{
    static const struct {
        const char *body, *field, *reason;
        sv_err_t rc;
    } bad_bets[] = {
        {NULL, "body", "expected a JSON object", SV_ERR_DECODE},
        {"[1]", "body", "expected a JSON object", SV_ERR_DECODE},
        {"{}", "click_id", "expected 1..64 printable ASCII characters without '|'", SV_ERR_INVALID},
        {"{\"click_id\":\"a|b\",\"signal_id\":\"s\",\"stake\":1}", "click_id",
         "expected 1..64 printable ASCII characters without '|'", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"stake\":1}", "signal_id", "expected a signal id", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"signal_id\":\"s\",\"book\":null,\"stake\":1}", "book",
         "expected a book id", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"signal_id\":\"s\",\"event_id\":\"\",\"stake\":1}", "event_id",
         "expected an event id", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"signal_id\":\"s\",\"stake\":\"1e999\"}", "stake",
         "expected an amount (number or decimal string)", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"signal_id\":\"s\",\"stake\":\"12x\"}", "stake",
         "expected an amount (number or decimal string)", SV_ERR_INVALID},
        {"{\"click_id\":\"c\",\"signal_id\":\"s\",\"stake\":1,\"max_price_move\":2}",
         "max_price_move", "expected a fraction 0..1", SV_ERR_INVALID},
    };
    static const eng_api_principal_t boot = {.user_id = 0, .scopes = ENG_SCOPE_ALL};
    static const eng_api_principal_t admin = {.user_id = 1, .scopes = ENG_SCOPE_ALL};
    static const eng_api_principal_t user = {.user_id = 7,
                                             .scopes = ENG_SCOPE_READ | ENG_SCOPE_BET};
    static const struct {
        const eng_api_principal_t *who;
        const char *body, *field, *reason;
        int status;
    } bad_tokens[] = {
        {&user, "{\"user_id\":0}", "user_id", "expected a user id (a positive integer)", 422},
        {&user, "{\"user_id\":3}", "user_id", "only an admin creates tokens for others", 403},
        {&boot, "{}", "user_id", "the bootstrap token names the user", 422},
        {&user, "{\"scopes\":\"read\"}", "scopes", "expected a list of read, bet, admin", 422},
        {&user, "{\"scopes\":[\"read\",\"read\"]}", "scopes",
         "expected distinct scopes of read, bet, admin", 422},
        {&user, "{\"scopes\":[\"admin\"]}", "scopes",
         "a token cannot grant more than its own scopes", 403},
    };
    static const struct {
        const char *body, *field, *reason;
    } bad_users[] = {
        {"{}", "email", "expected an email address"},
        {"{\"email\":\"nobody\"}", "email", "expected an email address"},
        {"{\"email\":\"a@b\",\"role\":7}", "role", "expected admin or user"},
        {"{\"email\":\"a@b\",\"role\":\"root\"}", "role", "expected admin or user"},
        {"{\"email\":\"a@b\",\"max_stake\":-1}", "max_stake", "expected a positive amount"},
        {"{\"email\":\"a@b\",\"daily_exposure\":\"5\"}", "daily_exposure",
         "expected a positive amount"},
    };
    wire_click_t c;
    wire_err_t err;
    eng_api_token_req_t tr;
    eng_api_user_req_t u;
    json_t *j = NULL;
    int status;
    T_BEGIN;

    T_ASSERT_INT(t_bet("{\"click_id\":\"c-1\",\"signal_id\":\"sig\",\"stake\":\"12.50\",\"book\":"
                       "\"dk\",\"event_id\":\"e1\",\"max_price_move\":0.05}",
                       &c, &err),
                 ==, SV_OK);
    T_ASSERT_STR(c.click_id, "c-1");
    T_ASSERT_STR(c.signal_id, "sig");
    T_ASSERT_STR(c.book, "dk");
    T_ASSERT_STR(c.event_id, "e1");
    T_ASSERT_DBL(c.stake, 12.5, 0);
    T_ASSERT_DBL(c.max_price_move, 0.05, 0);
    T_ASSERT_INT(c.present & WIRE_CLICK_HAS_MAX_PRICE_MOVE, !=, 0);
    T_ASSERT_INT(t_bet("{\"click_id\":\"c\",\"signal_id\":\"s\",\"stake\":3}", &c, &err), ==, SV_OK);
    T_ASSERT_STR(c.book, "");
    T_ASSERT_INT(c.present, ==, 0);
    for (size_t i = 0; i < sizeof(bad_bets) / sizeof(bad_bets[0]); i++) {
        memset(&err, 0, sizeof(err));
        T_ASSERT_INT(t_bet(bad_bets[i].body, &c, &err), ==, bad_bets[i].rc);
        T_ASSERT_STR(err.field, bad_bets[i].field);
        T_ASSERT_STR(err.reason, bad_bets[i].reason);
    }

    T_ASSERT_INT(eng_api_token_body(NULL, &user, &tr, &status, &err), ==, SV_OK);
    T_ASSERT_INT(tr.user_id, ==, 7);
    T_ASSERT_INT(tr.scopes, ==, ENG_SCOPE_READ | ENG_SCOPE_BET);
    T_ASSERT((j = t_json("{\"scopes\":[\"admin\",\"read\"],\"user_id\":42}")));
    T_ASSERT_INT(eng_api_token_body(j, &admin, &tr, &status, &err), ==, SV_OK);
    T_ASSERT_INT(tr.user_id, ==, 42);
    T_ASSERT_INT(tr.scopes, ==, ENG_SCOPE_ADMIN | ENG_SCOPE_READ);
    json_decref(j);
    j = NULL;
    for (size_t i = 0; i < sizeof(bad_tokens) / sizeof(bad_tokens[0]); i++) {
        T_ASSERT((j = t_json(bad_tokens[i].body)));
        status = 0;
        T_ASSERT_INT(eng_api_token_body(j, bad_tokens[i].who, &tr, &status, &err), ==,
                     SV_ERR_INVALID);
        T_ASSERT_INT(status, ==, bad_tokens[i].status);
        T_ASSERT_STR(err.field, bad_tokens[i].field);
        T_ASSERT_STR(err.reason, bad_tokens[i].reason);
        json_decref(j);
        j = NULL;
    }

    T_ASSERT((j = t_json("{\"email\":\"a@example.com\",\"role\":\"admin\",\"max_stake\":50,"
                         "\"daily_exposure\":500.5}")));
    T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_OK);
    T_ASSERT_STR(u.email, "a@example.com");
    T_ASSERT_STR(u.role, "admin");
    T_ASSERT_STR(u.max_stake, "50.00");
    T_ASSERT_STR(u.daily_exposure, "500.50");
    json_decref(j);
    T_ASSERT((j = t_json("{\"email\":\"b@example.com\"}")));
    T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_OK);
    T_ASSERT_STR(u.role, "user");
    T_ASSERT_STR(u.max_stake, "");
    T_ASSERT_STR(u.daily_exposure, "");
    json_decref(j);
    j = NULL;
    T_ASSERT_INT(eng_api_user_body(NULL, &u, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "email");
    /* fuzz-api_body found it: an amount of 10^28 or more no longer fit "%.2f" in 32 bytes and
     * reached the database cut to another number; amounts stop below the sv_money domain's 10^14 */
    /* the input as found (tests/fuzz/corpus/api_body/regress-huge-amount) */
    T_ASSERT((j = t_json("{\"email\":\"a@\",\"role\":\"admin\",\"daily_exposure\":53333333"
                         "3333333333333333333333333333333333333333333333333333333333333333"
                         "333333333333333333333333333333333333333333333333.5}")));
    T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "daily_exposure");
    T_ASSERT_STR(err.reason, "expected an amount below 100000000000000");
    json_decref(j);
    T_ASSERT((j = t_json("{\"email\":\"a@b\",\"max_stake\":1e14}")));
    T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err.field, "max_stake");
    T_ASSERT_STR(err.reason, "expected an amount below 100000000000000");
    json_decref(j);
    T_ASSERT((j = t_json("{\"email\":\"a@b\",\"max_stake\":99999999999999.5}")));
    T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_OK);
    T_ASSERT_STR(u.max_stake, "99999999999999.50");
    json_decref(j);
    j = NULL;
    for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++) {
        T_ASSERT((j = t_json(bad_users[i].body)));
        T_ASSERT_INT(eng_api_user_body(j, &u, &err), ==, SV_ERR_INVALID);
        T_ASSERT_STR(err.field, bad_users[i].field);
        T_ASSERT_STR(err.reason, bad_users[i].reason);
        json_decref(j);
        j = NULL;
    }
    T_END;
}
