/*
 * api_tokens — REST routes of API tokens over the PostgreSQL store (docs/api.md):
 * POST /api/v1/tokens (a new token, returned once; {"scopes":[…]} at most the caller's own,
 * "user_id" for an admin creating one for somebody), GET /api/v1/tokens (the caller's tokens, or
 * ?user_id= for an admin: id, prefix, scopes, created/last used/revoked times — never the token),
 * DELETE /api/v1/tokens/{id} (revoke one's own; an admin any).
 */
#ifndef SV_ENG_API_TOKENS_H
#define SV_ENG_API_TOKENS_H

#include "api.h"
#include "store.h"

/** @brief Prepare the routes' statements on store (before eng_store_start()). */
sv_err_t eng_api_tokens_prepare(eng_store_t *store);

/** @brief Register the routes on api (store borrowed; outlives api). */
sv_err_t eng_api_tokens_register(eng_api_t *api, eng_store_t *store);

#endif
