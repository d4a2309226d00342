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

/** @brief Prepare the routes' statements on store (before eng_store_start()). */
sv_err_t eng_api_users_prepare(eng_store_t *store);

/** @brief Register the routes on api (store borrowed; outlives api). */
sv_err_t eng_api_users_register(eng_api_t *api, eng_store_t *store);

#endif
