/*
 * fuzz-push_sub — libFuzzer target: arbitrary bytes as a push subscriber's subscribe message
 * (eng_push_filter_from_json) and as its query string (eng_push_filter_from_query), the two
 * decoders of engine/push.c. Either accepts or refuses with an error naming a field and a reason;
 * a refusal leaves the filter untouched; an accepted filter holds only valid values (sport and
 * market tokens, an event id, a known tier, known kinds) and matching an item with it is safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const wire_err_t *err)
{
    fprintf(stderr, "fuzz property broken: %s (%s: %s)\n", what, err ? err->field : "",
            err ? err->reason : "");
    abort();
}

static int token_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > WIRE_TOKEN_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* The invariants of an accepted filter. */
static void check_filter(const eng_push_filter_t *f)
{
    eng_item_t it;
    if (f->sport_cnt > ENG_PUSH_SPORTS_MAX)
        die("too many sports", NULL);
    for (size_t i = 0; i < f->sport_cnt; i++)
        if (!token_ok(f->sports[i]))
            die("a sport is not a token", NULL);
    if (f->market[0] && !token_ok(f->market))
        die("the market is not a token", NULL);
    for (const char *p = f->event_id; *p; p++)
        if (*p <= ' ' || *p > '~' || *p == '|')
            die("a bad byte in event_id", NULL);
    if (f->kinds == 0 || (f->kinds & ~((1u << ENG_ITEM__CNT) - 1)))
        die("kinds out of range", NULL);
    if (f->has_min_tier && (f->min_tier < WIRE_TIER_TITANIUM_SMASH || f->min_tier > WIRE_TIER_PASS))
        die("min_tier out of range", NULL);
    memset(&it, 0, sizeof(it));
    it.kind = ENG_ITEM_SCORE;
    it.key = "k";
    it.sport = f->sport_cnt ? f->sports[0] : "nba";
    it.event_id = f->event_id[0] ? f->event_id : "e";
    it.market = f->market[0] ? f->market : "h2h";
    it.player = "";
    it.has_tier = true;
    it.tier = WIRE_TIER_TITANIUM_SMASH;
    it.live = true;
    it.json = "{}";
    it.json_len = 2;
    if ((f->kinds & (1u << ENG_ITEM_SCORE)) && !eng_push_filter_match(f, &it))
        die("a filter refuses the item made to match it", NULL);
}

static void check_refusal(sv_err_t rc, const wire_err_t *err, const eng_push_filter_t *before,
                          const eng_push_filter_t *after)
{
    if (rc != SV_ERR_INVALID)
        die("unexpected error code", err);
    if (!err->reason[0] || strlen(err->field) >= sizeof(err->field))
        die("an error without a reason", err);
    if (memcmp(before, after, sizeof(*before)) != 0)
        die("a refusal changed the filter", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eng_push_filter_t f, g;
    wire_err_t err;
    char token[64], *q;
    sv_err_t rc;

    eng_push_filter_init(&f);
    memcpy(&g, &f, sizeof(f));
    memset(&err, 0, sizeof(err));
    rc = eng_push_filter_from_json(&f, (const char *)data, size, &err);
    if (rc == SV_OK)
        check_filter(&f);
    else
        check_refusal(rc, &err, &g, &f);

    q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    eng_push_filter_init(&f);
    memcpy(&g, &f, sizeof(f));
    memset(&err, 0, sizeof(err));
    rc = eng_push_filter_from_query(&f, q, token, sizeof(token), &err);
    if (rc == SV_OK) {
        check_filter(&f);
        if (strlen(token) >= sizeof(token))
            die("token overflow", NULL);
    } else {
        check_refusal(rc, &err, &g, &f);
    }
    free(q);
    return 0;
}
