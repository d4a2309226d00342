/*
 * api_db — a REST handler's query to the PostgreSQL store, answered later: the request is held
 * (eng_api_hold) while the query runs, and the completion gets it back (NULL when the client went
 * away). A refused query (store down, queue full) is answered 503 with Retry-After at once.
 */
#ifndef SV_ENG_API_DB_H
#define SV_ENG_API_DB_H

#include "api.h"
#include "store.h"

/**
 * @brief The query's completion: r is the request to answer now (NULL: the client is gone);
 *        res and rc as eng_store_cb. ctx is the caller's; it frees it.
 */
typedef void(eng_api_db_fn)(eng_api_req_t *r, const PGresult *res, sv_err_t rc, void *ctx);

/**
 * @brief Run prepared statement stmt with values for r; done(…) follows exactly once unless the
 *        call answers r itself (503 when refused, 500 out of memory) — then it returns non-SV_OK
 *        and the caller frees ctx.
 */
sv_err_t eng_api_db(eng_store_t *store, eng_api_req_t *r, const char *stmt, int n,
                    const char *const *values, eng_api_db_fn *done, void *ctx);

/** @brief Answer r for a failed query: SV_ERR_PG 500, otherwise 503 with Retry-After. */
void eng_api_db_failed(eng_api_req_t *r, sv_err_t rc);

#endif
