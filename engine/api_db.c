/*
 * api_db — REST queries to the store (see api_db.h).
 */
#include "api_db.h"

#include <stdlib.h>

typedef struct db_q {
    eng_api_held_t *held;
    eng_api_db_fn *done;
    void *ctx;
} db_q_t;

void eng_api_db_failed(eng_api_req_t *r, sv_err_t rc)
{
    if (rc == SV_ERR_PG) {
        eng_http_error(r->req, 500, "", "the database refused the request");
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(r->req), "Retry-After", "1");
    eng_http_error(r->req, 503, "", "the database is unavailable; retry");
}

static void db_done(void *arg, const PGresult *res, sv_err_t rc)
{
    db_q_t *q = arg;
    q->done(eng_api_held_req(q->held), res, rc, q->ctx);
    eng_api_held_free(q->held);
    free(q);
}

sv_err_t eng_api_db(eng_store_t *store, eng_api_req_t *r, const char *stmt, int n,
                    const char *const *values, eng_api_db_fn *done, void *ctx)
{
    db_q_t *q = malloc(sizeof(*q));

    if (!q || !(q->held = eng_api_hold(r))) {
        free(q);
        eng_http_error(r->req, 500, "", "out of memory");
        return SV_ERR_NOMEM;
    }
    q->done = done;
    q->ctx = ctx;
    if (eng_store_query(store, stmt, n, values, NULL, NULL, db_done, q) != SV_OK) {
        eng_api_held_free(q->held);
        free(q);
        eng_api_db_failed(r, SV_ERR_UNAVAILABLE);
        return SV_ERR_UNAVAILABLE;
    }
    return SV_OK;
}
