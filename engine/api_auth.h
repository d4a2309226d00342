/*
 * api_auth — REST tokens looked up in the PostgreSQL store (engine/store.h): the resolver
 * eng_api_set_resolver() takes. A token is found by the SHA-256 of it (the only form stored,
 * schemas/sql/0001_init.sql), unrevoked, with its user's id, email, role and the token's scopes.
 */
#ifndef SV_ENG_API_AUTH_H
#define SV_ENG_API_AUTH_H

#include "api.h"
#include "store.h"

/** @brief Prepare the lookup statement on store (before eng_store_start()). */
sv_err_t eng_api_auth_prepare(eng_store_t *store);

/** @brief The resolver (an eng_api_resolve_fn); arg is the eng_store_t. */
void eng_api_auth_resolve(void *arg, const char *hash_hex, eng_api_resolved_fn *done, void *ctx);

#endif
