/*
 * api_auth — REST tokens from the PostgreSQL store (see api_auth.h).
 */
#include "api_auth.h"

#include <stdlib.h>
#include <string.h>

#include "sv_util.h"

#define AUTH_STMT "api_token_lookup"

/* One lookup in flight. */
typedef struct auth_q {
    eng_api_resolved_fn *done;
    void *ctx;
} auth_q_t;

sv_err_t eng_api_auth_prepare(eng_store_t *store)
{
    return eng_store_prepare(store, AUTH_STMT,
                             "SELECT u.id, u.email, u.role, t.scopes::text FROM api_tokens t "
                             "JOIN users u ON u.id = t.user_id "
                             "WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                             1);
}

/* "{admin,read,bet}" → ENG_SCOPE_* bits. */
static unsigned auth_scopes(const char *s)
{
    unsigned bits = 0;
    if (strstr(s, "read"))
        bits |= ENG_SCOPE_READ;
    if (strstr(s, "bet"))
        bits |= ENG_SCOPE_BET;
    if (strstr(s, "admin"))
        bits |= ENG_SCOPE_ADMIN;
    return bits;
}

static void auth_done(void *arg, const PGresult *res, sv_err_t rc)
{
    auth_q_t *q = arg;
    eng_api_principal_t p;

    if (rc != SV_OK) {
        q->done(q->ctx, NULL, SV_ERR_UNAVAILABLE);
    } else if (PQntuples(res) != 1) {
        q->done(q->ctx, NULL, SV_OK);
    } else {
        memset(&p, 0, sizeof(p));
        p.user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        sv_strlcpy(p.email, PQgetvalue(res, 0, 1), sizeof(p.email));
        sv_strlcpy(p.role, PQgetvalue(res, 0, 2), sizeof(p.role));
        p.scopes = auth_scopes(PQgetvalue(res, 0, 3));
        q->done(q->ctx, &p, SV_OK);
    }
    free(q);
}

void eng_api_auth_resolve(void *arg, const char *hash_hex, eng_api_resolved_fn *done, void *ctx)
{
    eng_store_t *store = arg;
    auth_q_t *q = malloc(sizeof(*q));
    const char *values[1] = {hash_hex};

    if (!q) {
        done(ctx, NULL, SV_ERR_UNAVAILABLE);
        return;
    }
    q->done = done;
    q->ctx = ctx;
    if (eng_store_query(store, AUTH_STMT, 1, values, NULL, NULL, auth_done, q) != SV_OK) {
        free(q);
        done(ctx, NULL, SV_ERR_UNAVAILABLE);
    }
}
