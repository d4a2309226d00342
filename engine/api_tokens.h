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
#include "wire.h"

/** @brief Prepare the routes' statements on store (before eng_store_start()). */
sv_err_t eng_api_tokens_prepare(eng_store_t *store);

/* What a POST /api/v1/tokens body asks for. */
typedef struct eng_api_token_req {
    int64_t user_id; /* whose token: the caller's, or "user_id" (an admin only) */
    unsigned scopes; /* ENG_SCOPE_* of the new token: "scopes", else the caller's read and bet */
} eng_api_token_req_t;

/**
 * @brief The route's whole validation of a POST /api/v1/tokens body for the caller who.
 * @param body borrowed; NULL (no body) asks for defaults.
 * @returns SV_OK with *out filled; SV_ERR_INVALID with *status (422 a bad field, 403 a field the
 *          caller may not ask for) and err (the field and what was expected); *out untouched.
 * @locality any thread
 */
sv_err_t eng_api_token_body(const json_t *body, const eng_api_principal_t *who,
                            eng_api_token_req_t *out, int *status, wire_err_t *err);

/** @brief Register the routes on api (store borrowed; outlives api). */
sv_err_t eng_api_tokens_register(eng_api_t *api, eng_store_t *store);

#endif
