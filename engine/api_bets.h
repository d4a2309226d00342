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

/** @brief Register the routes (bets borrowed, outliving api; its store answers the reads). */
sv_err_t eng_api_bets_register(eng_api_t *api, eng_bets_t *bets);

#endif
