/*
 * api_users — REST routes of users (admin scope), over the PostgreSQL store (docs/api.md):
 * POST /api/v1/users {"email","role"?,"max_stake"?,"daily_exposure"?} (201; 409 when the email is
 * taken), GET /api/v1/users (all, by id), GET /api/v1/users/{id}. Money is returned as the exact
 * decimal string the database holds ("100.00").
 */
#ifndef SV_ENG_API_USERS_H
#define SV_ENG_API_USERS_H

#include "api.h"
#include "store.h"
#include "wire.h"

/** @brief Prepare the routes' statements on store (before eng_store_start()). */
sv_err_t eng_api_users_prepare(eng_store_t *store);

/* What a POST /api/v1/users body asks for. */
typedef struct eng_api_user_req {
    const char *email;       /* borrowed from the body: contains '@' */
    const char *role;        /* "admin" or "user" (the default) */
    char max_stake[32];      /* "%.2f" of an amount in (0, 10^14); "" when absent (the default) */
    char daily_exposure[32]; /* the same */
} eng_api_user_req_t;

/**
 * @brief The route's whole validation of a POST /api/v1/users body: an email, a role, amounts
 *        above 0 and below 10^14 (the sv_money domain); the database checks the rest of the
 *        amounts' rules and the email's uniqueness.
 * @param body borrowed, outliving out->email; NULL (no body) is refused for want of an email.
 * @returns SV_OK with *out filled; SV_ERR_INVALID (422) with err naming the field and what was
 *          expected.
 * @locality any thread
 */
sv_err_t eng_api_user_body(const json_t *body, eng_api_user_req_t *out, wire_err_t *err);

/** @brief Register the routes on api (store borrowed; outlives api). */
sv_err_t eng_api_users_register(eng_api_t *api, eng_store_t *store);

#endif
