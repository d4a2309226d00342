/*
 * fuzz-score_line — libFuzzer target: arbitrary bytes as one savant-score input line. The parser
 * (engine/scoring/scorein.h) must accept or refuse with "field: reason"; whatever it accepts goes
 * through the whole scoring pipeline, explained, which must give a final score in 0..10 (the
 * original's weather term after tiering aside, which compat=original only adds) and a known tier.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/score.h"
#include "scoring/scorein.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static eng_score_req_t li;
    static eng_score_t out;
    static eng_why_t why;
    static eng_score_game_t g;
    eng_score_conf_t conf;
    json_error_t jerr;
    char err[256];
    json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);

    if (!o)
        return 0;
    if (eng_score_in_from_json(o, &li, err, sizeof(err)) != 0) {
        if (!strchr(err, ':')) {
            fprintf(stderr, "error without a field: %s\n", err);
            abort();
        }
    } else {
        eng_score_conf_init(&conf);
        eng_why_init(&why);
        eng_score_game_prepare(&conf, &li.in, &g);
        eng_score_run(&conf, &g, NULL, &li.in, &out, &why);
        if (!(out.final >= 0.0 && out.final <= 10.0) || !out.tier || !out.confluence) {
            fprintf(stderr, "bad result: final %.17g tier %s\n", out.final,
                    out.tier ? out.tier : "(null)");
            abort();
        }
    }
    json_decref(o);
    return 0;
}
