/*
 * api_live — the REST routes that read the engine's live state (the items of engine/publish.h,
 * the same JSON Redis and push carry): GET /api/v1/me, /api/v1/signals (live signals, best final
 * first; ?sport=, ?min_tier=, ?limit=), /api/v1/signals/{signal_id} (latest revision, withdrawn
 * ones too) and /api/v1/events/{event_id} (the game's scores, markets and signals). docs/api.md.
 */
#ifndef SV_ENG_API_LIVE_H
#define SV_ENG_API_LIVE_H

#include "api.h"
#include "publish.h"
#include "sv_err.h"

/** @brief Register the routes on api, reading pub (borrowed; outlives api). */
sv_err_t eng_api_live_register(eng_api_t *api, eng_pub_t *pub);

#endif
