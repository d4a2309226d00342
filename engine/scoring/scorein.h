/*
 * scorein — a candidate described as JSON (savant-score's input line; the fields are listed in
 * docs/scoring.md) into the scoring's eng_score_in_t, with every field checked: a bad value
 * gives "field: reason" (e.g. "splits.ticket_pct: must be between 0 and 100") and nothing else
 * is trusted. Unknown fields are refused, so a misspelt one cannot pass silently.
 */
#ifndef SV_ENG_SCOREIN_H
#define SV_ENG_SCOREIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "score.h"

#define ENG_SCORE_LIST_MAX 4096 /* entries of line_history, lines and significant_dates */

/* One parsed candidate and the arrays its eng_score_in_t points into. */
typedef struct eng_score_req {
    eng_score_in_t in;                        /* strings borrowed from the JSON object */
    double history[ENG_SCORE_LIST_MAX];       /* line_history */
    int64_t sig_days[ENG_SCORE_LIST_MAX];     /* significant_dates as day numbers */
} eng_score_req_t;

/**
 * @brief Fill li->in from one JSON object (a savant-score input line).
 * @param o the object; borrowed, and li->in's strings point into it, so keep it alive while
 *          li is used
 * @returns 0, or -1 with err set to "field: reason"
 * @locality any thread
 */
int eng_score_in_from_json(json_t *o, eng_score_req_t *li, char *err, size_t n);

#endif
