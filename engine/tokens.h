/*
 * tokens — API tokens: making them, hashing them, and the bootstrap that gives a fresh install
 * its first admin token (`savant-engine --create-token --user EMAIL --role admin`).
 *
 * A token is "sv_" followed by 32 random bytes (OpenSSL RAND_bytes) in unpadded base64url:
 * 46 characters. The database keeps only its SHA-256 (lower-case hex, api_tokens.token_hash) and
 * its first ENG_TOKEN_PREFIX_LEN characters (api_tokens.prefix, for people to recognise it); the
 * token itself is shown once, to whoever made it. A request's bearer token is checked by hashing
 * it and looking the hash up (SELECT ... WHERE token_hash = $1 AND revoked_at IS NULL).
 *
 * Scopes given by the bootstrap: ENG_TOKEN_SCOPES_ADMIN for role admin, ENG_TOKEN_SCOPES_USER
 * for role user (the REST API decides what each scope allows).
 */
#ifndef SV_ENG_TOKENS_H
#define SV_ENG_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "sv_err.h"

#define ENG_TOKEN_TAG "sv_"                 /* every token starts with it */
#define ENG_TOKEN_RAND_BYTES 32             /* random bytes in a token */
#define ENG_TOKEN_LEN 46                    /* strlen of a token: 3 + 43 base64url characters */
#define ENG_TOKEN_STR (ENG_TOKEN_LEN + 1)   /* a token with its NUL */
#define ENG_TOKEN_HASH_STR 65               /* SHA-256 hex with its NUL */
#define ENG_TOKEN_PREFIX_LEN 8              /* characters kept in api_tokens.prefix */
#define ENG_TOKEN_SCOPES_ADMIN "{admin,read,bet}" /* scopes of a bootstrap admin token */
#define ENG_TOKEN_SCOPES_USER "{read,bet}"        /* scopes of a bootstrap user token */

/**
 * @brief A new random token: "sv_" + base64url(32 bytes from RAND_bytes), no padding.
 * @param out ENG_TOKEN_STR bytes, NUL-terminated on success
 * @returns SV_OK, or SV_ERR_FAIL when the random generator fails (out is then "").
 * @locality any thread
 */
sv_err_t eng_token_new(char out[ENG_TOKEN_STR]);

/**
 * @brief SHA-256 of the token's bytes (strlen(token)), as 64 lower-case hex digits: what
 *        api_tokens.token_hash holds.
 * @param hex ENG_TOKEN_HASH_STR bytes
 * @returns SV_OK, or SV_ERR_NOMEM when libcrypto fails (hex is then "").
 * @locality any thread
 */
sv_err_t eng_token_hash(const char *token, char hex[ENG_TOKEN_HASH_STR]);

/**
 * @brief Whether s has the form of a token ("sv_" and 43 base64url characters that decode to
 *        32 bytes). A cheap filter before any lookup: it says nothing about validity.
 * @locality any thread
 */
bool eng_token_well_formed(const char *s);

/**
 * @brief Make sure a user with this email exists with this role, and give it a new token.
 *        In one transaction: the user is created when no user has this email (compared without
 *        case), else its role is set to role; a new api_tokens row gets the token's hash, prefix
 *        and the role's scopes. Calling it again gives another token (the earlier ones stay
 *        valid). The database must be migrated (eng_migrate()).
 * @param dsn libpq connection string
 * @param email the user's address (users.email rules: 3..254 characters, one '@')
 * @param role "admin" or "user"
 * @param token_out filled with the token (n >= ENG_TOKEN_STR); shown once, never stored
 * @param errstr filled on error (never the token)
 * @returns SV_OK; SV_ERR_INVALID (bad role or email, n too small; nothing written);
 *          SV_ERR_UNAVAILABLE (cannot connect); SV_ERR_PG (a statement failed, e.g. the
 *          tables do not exist; nothing written); SV_ERR_CONFIG (malformed dsn); SV_ERR_FAIL
 *          (no random bytes).
 * @locality any thread; blocks (a command-line action, never on the engine loop)
 */
sv_err_t eng_token_bootstrap(const char *dsn, const char *email, const char *role,
                             char *token_out, size_t n, char *errstr, size_t errstr_size);

#endif
