/*
 * api_bets — REST routes of bets (docs/api.md): POST /api/v1/bets (click-to-bet, through
 * eng_bets_click like a click of savant.clicks.v1), GET /api/v1/bets (own), GET and DELETE
 * /api/v1/bets/{bet_id} (cancel while pending), GET /api/v1/me/stats, and
 * GET /api/v1/signals/{signal_id}/history (the revisions recorded in PostgreSQL).
 */
#ifndef SV_ENG_API_BETS_H
#define SV_ENG_API_BETS_H

#include "api.h"
#include "bets.h"
#include "store.h"

/** @brief Register the statements (before eng_store_start). */
sv_err_t eng_api_bets_prepare(eng_store_t *store);

/**
 * @brief The click a POST /api/v1/bets body asks for (the route's whole validation of the body):
 *        click_id and signal_id (wire ids), book and event_id (wire ids, optional), stake (a
 *        JSON number or a decimal string), max_price_move (0..1, optional). Fills the fields of c
 *        it names (c->present for max_price_move) and leaves v, ts and user_id to the caller.
 * @param body borrowed; NULL (no body) is refused like a body that is not an object.
 * @returns SV_OK; SV_ERR_DECODE (400: body not a JSON object, err->field "body"); SV_ERR_INVALID
 *          (422: err->field names the field, err->reason says what was expected).
 * @locality any thread
 */
sv_err_t eng_api_bet_body(const json_t *body, wire_click_t *c, wire_err_t *err);

/** @brief Register the routes (bets borrowed, outliving api; its store answers the reads). */
sv_err_t eng_api_bets_register(eng_api_t *api, eng_bets_t *bets);

#endif
