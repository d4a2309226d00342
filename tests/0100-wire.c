/*
 * 0101–0140: the wire schemas (schemas/wire.h) — round trips of every event type through msgpack
 * and JSON with byte-identical encodings, every validation rule with its field path and reason,
 * malformed msgpack, unknown keys, message keys, topics and the generic msgpack → JSON converter.
 *
 * Rule tests start from one valid JSON event per type, patch it, convert it to msgpack with
 * msgpack-c (a "orig" string becomes a binary) and check that wire_decode and wire_from_json both
 * reject it with the expected field and reason.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sv_util.h"
#include "wire.h"
#include "wire_mp.h"

#define TS 1767225600000LL /* 2026-01-01T00:00:00Z */

/* ---- helpers ---------------------------------------------------------------------------- */

/* JSON → msgpack with msgpack-c: integers as ints, reals as float64; a string under "orig" as bin. */
static void pack_json(msgpack_packer *pk, const json_t *j, const char *key)
{
    const char *k;
    json_t *v;
    size_t n;

    switch (json_typeof(j)) {
    case JSON_OBJECT:
        msgpack_pack_map(pk, json_object_size(j));
        json_object_keylen_foreach((json_t *)j, k, n, v)
        {
            msgpack_pack_str_with_body(pk, k, n);
            pack_json(pk, v, k);
        }
        break;
    case JSON_ARRAY:
        msgpack_pack_array(pk, json_array_size(j));
        for (size_t i = 0; i < json_array_size(j); i++)
            pack_json(pk, json_array_get(j, i), NULL);
        break;
    case JSON_STRING:
        if (key && strcmp(key, "orig") == 0)
            msgpack_pack_bin_with_body(pk, json_string_value(j), json_string_length(j));
        else
            msgpack_pack_str_with_body(pk, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: msgpack_pack_int64(pk, json_integer_value(j)); break;
    case JSON_REAL: msgpack_pack_double(pk, json_real_value(j)); break;
    case JSON_TRUE: msgpack_pack_true(pk); break;
    case JSON_FALSE: msgpack_pack_false(pk); break;
    default: msgpack_pack_nil(pk); break;
    }
}

/* Parses text (NUL escapes allowed); aborts on a typo in a test. */
static json_t *jparse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        fprintf(stderr, "    bad test JSON (%s): %s\n", je.text, text);
        abort();
    }
    return j;
}

/* base + patch − del (comma-separated top-level keys) as a JSON object. */
static json_t *jmake(const char *base, const char *patch, const char *del)
{
    json_t *j = jparse(base);
    if (patch) {
        json_t *p = jparse(patch);
        json_object_update(j, p);
        json_decref(p);
    }
    if (del) {
        char buf[256];
        char *save = NULL;
        snprintf(buf, sizeof(buf), "%s", del);
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            json_object_del(j, tok);
    }
    return j;
}

static void sb_pack_json(msgpack_sbuffer *sb, const json_t *j)
{
    msgpack_packer pk;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    pack_json(&pk, j, NULL);
}

/* Decodes msgpack bytes from an exact-size heap copy, so ASan sees every read past the end. */
static sv_err_t decode_exact(wire_type_t t, const void *buf, size_t len, void *ev, wire_err_t *err)
{
    void *copy = malloc(len ? len : 1);
    sv_err_t rc;
    memcpy(copy, buf, len);
    rc = wire_decode(t, copy, len, ev, err);
    if (t == WIRE_DLQ) /* orig borrowed the copy */
        ((wire_dlq_t *)ev)->orig = NULL, ((wire_dlq_t *)ev)->orig_len = 0;
    free(copy);
    return rc;
}

/*
 * One rule check: base patched must give, from msgpack and from JSON, SV_OK (field NULL) or
 * SV_ERR_SCHEMA with err.field == field and reason containing `reason`.
 */
static int check1(wire_type_t t, const char *base, const char *patch, const char *del,
                  const char *field, const char *reason)
{
    json_t *j = jmake(base, patch, del);
    void *ev = calloc(1, wire_struct_size(t));
    msgpack_sbuffer sb;
    wire_err_t err;
    sv_err_t rc;
    T_BEGIN;
    sb_pack_json(&sb, j);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            rc = decode_exact(t, sb.data, sb.size, ev, &err);
        else
            rc = wire_from_json(t, j, ev, &err);
        wire_release(t, ev);
        if (!field) {
            if (rc != SV_OK)
                T_FAILF("%s: unexpected error %s: %s", pass ? "json" : "msgpack", err.field,
                        err.reason);
            continue;
        }
        T_ASSERT_INT(rc, ==, SV_ERR_SCHEMA);
        T_ASSERT_STR(err.field, field);
        T_ASSERT_CONTAINS(err.reason, reason);
    }
end:
    if (t_rc_)
        fprintf(stderr, "    in: patch %s del %s\n", patch ? patch : "-", del ? del : "-");
    msgpack_sbuffer_destroy(&sb);
    json_decref(j);
    free(ev);
    return t_rc_;
}

typedef struct rule {
    const char *patch;  /* merged into the base (top-level keys replaced) */
    const char *del;    /* top-level keys to remove, comma-separated */
    const char *field;  /* expected err.field, or NULL: must be accepted */
    const char *reason; /* expected part of err.reason */
} rule_t;

static int check_rules(wire_type_t t, const char *base, const rule_t *rules, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += check1(t, base, rules[i].patch, rules[i].del, rules[i].field, rules[i].reason);
    return bad;
}

/* "[item,item,…]" (n items) or a string of n copies of ch, in a static buffer. */
static const char *jlist(const char *key, const char *item, int n)
{
    static char buf[16384];
    size_t o = (size_t)snprintf(buf, sizeof(buf), "{\"%s\":[", key);
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", item);
    snprintf(buf + o, sizeof(buf) - o, "]}");
    return buf;
}

/* {"outcomes":[{"name":"O0","price":100},{"name":"O1",...}, ...]}: n outcomes, distinct names. */
static const char *joutcomes(int n)
{
    static char buf[16384];
    size_t o = (size_t)snprintf(buf, sizeof(buf), "{\"outcomes\":[");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s{\"name\":\"O%d\",\"price\":100}",
                              i ? "," : "", i);
    snprintf(buf + o, sizeof(buf) - o, "]}");
    return buf;
}

static const char *jstr(const char *key, char ch, int n)
{
    static char buf[4096];
    size_t o = (size_t)snprintf(buf, sizeof(buf), "{\"%s\":\"", key);
    memset(buf + o, ch, (size_t)n);
    snprintf(buf + o + (size_t)n, sizeof(buf) - o - (size_t)n, "\"}");
    return buf;
}

/*
 * ev → msgpack (a, kept for the caller: a DLQ borrows it) → out → JSON → struct → msgpack, which
 * must equal a; out re-encoded must equal a too. *json gets the compact JSON text (caller frees).
 */
static int roundtrip(wire_type_t t, const void *ev, void *out, msgpack_sbuffer *a, char **json)
{
    void *out2 = calloc(1, wire_struct_size(t));
    msgpack_sbuffer b, c;
    msgpack_packer pk;
    json_t *j = NULL;
    wire_err_t err;
    T_BEGIN;
    msgpack_sbuffer_init(a);
    msgpack_sbuffer_init(&b);
    msgpack_sbuffer_init(&c);
    *json = NULL;
    msgpack_packer_init(&pk, a, msgpack_sbuffer_write);
    if (wire_encode(t, ev, &pk, &err) != SV_OK)
        T_FAILF("encode: %s: %s", err.field, err.reason);
    if (wire_decode(t, a->data, a->size, out, &err) != SV_OK)
        T_FAILF("decode: %s: %s", err.field, err.reason);
    T_ASSERT((j = wire_to_json(t, out)) != NULL);
    if (wire_from_json(t, j, out2, &err) != SV_OK)
        T_FAILF("from_json: %s: %s", err.field, err.reason);
    msgpack_packer_init(&pk, &b, msgpack_sbuffer_write);
    T_ASSERT_INT(wire_encode(t, out2, &pk, &err), ==, SV_OK);
    msgpack_packer_init(&pk, &c, msgpack_sbuffer_write);
    T_ASSERT_INT(wire_encode(t, out, &pk, &err), ==, SV_OK);
    T_ASSERT_INT(b.size, ==, a->size);
    T_ASSERT(memcmp(a->data, b.data, a->size) == 0);
    T_ASSERT_INT(c.size, ==, a->size);
    T_ASSERT(memcmp(a->data, c.data, a->size) == 0);
    *json = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
end:
    json_decref(j);
    wire_release(t, out2);
    free(out2);
    msgpack_sbuffer_destroy(&b);
    msgpack_sbuffer_destroy(&c);
    return t_rc_;
}

/* ---- sample events ---------------------------------------------------------------------- */

static void odds_sample(wire_odds_t *o)
{
    memset(o, 0, sizeof(*o));
    o->v = 1;
    o->ts = TS;
    strcpy(o->event_id, "nba_lal_bos_20260101");
    strcpy(o->sport, "nba");
    strcpy(o->book, "draftkings");
    strcpy(o->market, "spreads");
    o->outcome_cnt = 2;
    strcpy(o->outcomes[0].name, "Los Angeles Lakers");
    o->outcomes[0].price = -110;
    o->outcomes[0].point = -5.5;
    o->outcomes[0].present = WIRE_OUTCOME_HAS_PRICE | WIRE_OUTCOME_HAS_POINT;
    strcpy(o->outcomes[1].name, "Boston Celtics");
    o->outcomes[1].decimal = 1.91;
    o->outcomes[1].point = 5.5;
    o->outcomes[1].present = WIRE_OUTCOME_HAS_DECIMAL | WIRE_OUTCOME_HAS_POINT;
}

static void cand_sample(wire_cand_t *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->event_id, "nba_lal_bos_20260101");
    strcpy(c->market, "player_points");
    strcpy(c->side, "Over");
    strcpy(c->player, "LeBron James");
    c->point = 27.5;
    c->present = WIRE_CAND_HAS_PLAYER | WIRE_CAND_HAS_POINT;
}

static void signal_sample(wire_signal_t *s)
{
    memset(s, 0, sizeof(*s));
    s->v = 1;
    s->ts = TS + 1;
    strcpy(s->signal_id, "sig_9f2c");
    s->rev = 3;
    s->state = WIRE_SIG_UPDATE;
    cand_sample(&s->cand);
    strcpy(s->book, "fanduel");
    s->price = -115;
    s->p_fair = 0.52;
    s->p_model = 0.58;
    s->edge = 4.25;
    s->kelly = 0.05;
    s->stake_units = 1.5;
    s->scores = (wire_scores_t){.ai = 6.5, .research = 5, .esoteric = 4.25, .jarvis = 7,
                                .base = 6.1, .final = 7.75};
    s->confluence = WIRE_CONF_HARMONIC_CONVERGENCE;
    s->tier = WIRE_TIER_GOLD_STAR;
    s->reason_cnt = 2;
    strcpy(s->reasons[0], "steam move on 3 books");
    strcpy(s->reasons[1], "jarvis trigger 33 \xe2\x9c\x93"); /* UTF-8 check mark */
    strcpy(s->model, "lstm-2026.01");
}

/* Valid JSON events, the bases of the rule tests. */
static const char odds_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"sport\":\"nba\",\"book\":\"draftkings\","
    "\"market\":\"spreads\",\"outcomes\":[{\"name\":\"Lakers\",\"price\":-110,\"point\":-5.5},"
    "{\"name\":\"Celtics\",\"decimal\":1.91,\"point\":5.5}]}";
static const char game_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"sport\":\"nba\",\"league\":\"NBA\","
    "\"home\":\"Celtics\",\"away\":\"Lakers\",\"commence_ts\":1767229200000,\"status\":\"live\","
    "\"period\":2,\"clock_s\":431,\"home_score\":48,\"away_score\":51}";
static const char splits_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"splits\",\"event_id\":\"evt1\",\"market\":\"h2h\","
    "\"side\":\"Lakers\",\"ticket_pct\":62.5,\"money_pct\":41}";
static const char injury_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"injury\",\"event_id\":\"evt1\",\"team\":\"Lakers\","
    "\"player\":\"LeBron James\",\"status\":\"questionable\",\"impact\":0.35,\"is_starter\":true}";
static const char player_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"player\",\"player\":\"LeBron James\","
    "\"team\":\"Lakers\",\"birth_date\":\"1984-12-30\"}";
static const char officials_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"officials\",\"event_id\":\"evt1\","
    "\"lead\":\"Scott Foster\",\"crew\":[\"Tony Brothers\",\"Marc Davis\"],\"over_pct\":0.55,"
    "\"home_bias\":-0.1}";
static const char weather_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"weather\",\"event_id\":\"evt1\",\"temp_f\":41,"
    "\"wind_mph\":12.5,\"precip_in\":0.1,\"humidity\":80,\"indoor\":false}";
static const char space_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"kind\":\"space_weather\",\"kp\":5.33,\"xray_flux\":1e-06}";
static const char click_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"click_id\":\"c1\",\"user_id\":\"u1\",\"signal_id\":\"sig1\","
    "\"event_id\":\"evt1\",\"book\":\"fanduel\",\"stake\":25,\"max_price_move\":0.02}";
static const char score_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"evt1\",\"market\":\"totals\",\"side\":\"Over\","
    "\"point\":220.5,\"p_fair\":0.52,\"best_price\":-105,\"best_decimal\":1.952,"
    "\"best_book\":\"fanduel\",\"books\":7,\"line_variance\":0.75,\"flags\":[\"steam\"],"
    "\"p_model\":0.55,\"ai\":6.5,\"research\":5,\"esoteric\":4.2,\"jarvis\":7,\"final\":7.8,"
    "\"tier\":\"GOLD_STAR\",\"confluence\":\"STRONG\"}";
static const char signal_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"signal_id\":\"sig1\",\"rev\":2,\"state\":\"update\","
    "\"event_id\":\"evt1\",\"market\":\"totals\",\"side\":\"Over\",\"point\":220.5,"
    "\"book\":\"fanduel\",\"price\":-105,\"p_fair\":0.52,\"p_model\":0.55,\"edge\":3.1,"
    "\"kelly\":0.04,\"stake_units\":1.5,\"scores\":{\"ai\":6.5,\"research\":5,\"esoteric\":4.2,"
    "\"jarvis\":7,\"base\":6,\"final\":7.8},\"confluence\":\"STRONG\",\"tier\":\"GOLD_STAR\","
    "\"reasons\":[\"steam move\",\"sharp money\"],\"model\":\"lstm-2026.01\"}";
static const char placement_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\",\"click_id\":\"c1\",\"user_id\":\"u1\","
    "\"signal_id\":\"sig1\",\"event_id\":\"evt1\",\"market\":\"totals\",\"side\":\"Over\","
    "\"point\":220.5,\"book\":\"fanduel\",\"price\":-105,\"stake\":25}";
static const char result_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\",\"status\":\"rejected\",\"price\":-110,"
    "\"reason\":\"price moved\"}";
static const char grade_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"b1\",\"signal_id\":\"sig1\",\"result\":\"win\","
    "\"pnl\":23.81,\"closing_price\":-112,\"clv\":0.021}";
static const char dlq_json[] =
    "{\"v\":1,\"ts\":1767225600000,\"src_topic\":\"savant.odds.v1\",\"src_partition\":3,"
    "\"src_offset\":12345,\"error\":\"outcomes[1].price: American odds need |price| >= 100\","
    "\"orig\":\"gqF2AQ==\"}";

static const char *const base_json[WIRE__CNT] = {
    odds_json, game_json, splits_json, click_json, score_json, signal_json,
    placement_json, result_json, grade_json, dlq_json,
};

/* ---- 0101–0110: round trips --------------------------------------------------------------- */

int test_0101_wire_odds_roundtrip(void);
int test_0102_wire_game_roundtrip(void);
int test_0103_wire_context_roundtrip(void);
int test_0104_wire_click_roundtrip(void);
int test_0105_wire_score_roundtrip(void);
int test_0106_wire_signal_roundtrip(void);
int test_0107_wire_placement_roundtrip(void);
int test_0108_wire_placement_result_roundtrip(void);
int test_0109_wire_grade_roundtrip(void);
int test_0110_wire_dlq_roundtrip(void);

int test_0101_wire_odds_roundtrip(void)
{
    wire_odds_t in, *out = calloc(1, sizeof(*out));
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    odds_sample(&in);
    T_ASSERT_INT(roundtrip(WIRE_ODDS, &in, out, &a, &js), ==, 0);
    T_ASSERT_INT(out->v, ==, 1);
    T_ASSERT_INT(out->ts, ==, TS);
    T_ASSERT_STR(out->event_id, "nba_lal_bos_20260101");
    T_ASSERT_STR(out->sport, "nba");
    T_ASSERT_STR(out->book, "draftkings");
    T_ASSERT_STR(out->market, "spreads");
    T_ASSERT_STR(out->player, "");
    T_ASSERT_INT(out->present, ==, 0);
    T_ASSERT_INT(out->outcome_cnt, ==, 2);
    T_ASSERT_STR(out->outcomes[0].name, "Los Angeles Lakers");
    T_ASSERT_INT(out->outcomes[0].price, ==, -110);
    T_ASSERT(out->outcomes[0].point == -5.5);
    T_ASSERT_INT(out->outcomes[0].present, ==, WIRE_OUTCOME_HAS_PRICE | WIRE_OUTCOME_HAS_POINT);
    T_ASSERT(out->outcomes[1].decimal == 1.91);
    T_ASSERT_INT(out->outcomes[1].present, ==, WIRE_OUTCOME_HAS_DECIMAL | WIRE_OUTCOME_HAS_POINT);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"nba_lal_bos_20260101\","
                     "\"sport\":\"nba\",\"book\":\"draftkings\",\"market\":\"spreads\","
                     "\"outcomes\":[{\"name\":\"Los Angeles Lakers\",\"price\":-110,\"point\":-5.5},"
                     "{\"name\":\"Boston Celtics\",\"decimal\":1.91,\"point\":5.5}]}");
    /* a prop quote with a player, and a suspended (empty) quote */
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    strcpy(in.market, "player_points");
    strcpy(in.player, "LeBron James");
    in.present = WIRE_ODDS_HAS_PLAYER;
    in.outcome_cnt = 0;
    T_ASSERT_INT(roundtrip(WIRE_ODDS, &in, out, &a, &js), ==, 0);
    T_ASSERT_STR(out->player, "LeBron James");
    T_ASSERT_INT(out->outcome_cnt, ==, 0);
    T_ASSERT_CONTAINS(js, "\"player\":\"LeBron James\",\"outcomes\":[]}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    free(out);
    return t_rc_;
}

int test_0102_wire_game_roundtrip(void)
{
    wire_game_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.event_id, "nba_lal_bos_20260101");
    strcpy(in.sport, "nba");
    strcpy(in.league, "NBA");
    strcpy(in.home, "Boston Celtics");
    strcpy(in.away, "Los Angeles Lakers");
    in.commence_ts = TS + 3600000;
    in.status = WIRE_GAME_LIVE;
    in.period = 3;
    in.clock_s = 431;
    in.home_score = 78;
    in.away_score = 81;
    in.present = WIRE_GAME_HAS_LEAGUE | WIRE_GAME_HAS_PERIOD | WIRE_GAME_HAS_CLOCK_S |
                 WIRE_GAME_HAS_HOME_SCORE | WIRE_GAME_HAS_AWAY_SCORE;
    T_ASSERT_INT(roundtrip(WIRE_GAME, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.league, "NBA");
    T_ASSERT_STR(out.home, "Boston Celtics");
    T_ASSERT_STR(out.away, "Los Angeles Lakers");
    T_ASSERT_INT(out.commence_ts, ==, TS + 3600000);
    T_ASSERT_INT(out.status, ==, WIRE_GAME_LIVE);
    T_ASSERT_INT(out.period, ==, 3);
    T_ASSERT_INT(out.clock_s, ==, 431);
    T_ASSERT_INT(out.home_score, ==, 78);
    T_ASSERT_INT(out.away_score, ==, 81);
    T_ASSERT_INT(out.present, ==, in.present);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"nba_lal_bos_20260101\","
                     "\"sport\":\"nba\",\"league\":\"NBA\",\"home\":\"Boston Celtics\","
                     "\"away\":\"Los Angeles Lakers\",\"commence_ts\":1767229200000,"
                     "\"status\":\"live\",\"period\":3,\"clock_s\":431,\"home_score\":78,"
                     "\"away_score\":81}");
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    in.present = 0; /* a scheduled game: no optional fields */
    in.status = WIRE_GAME_SCHEDULED;
    T_ASSERT_INT(roundtrip(WIRE_GAME, &in, &out, &a, &js), ==, 0);
    T_ASSERT_INT(out.present, ==, 0);
    T_ASSERT_INT(out.period, ==, 0);
    T_ASSERT_STR(out.league, "");
    T_ASSERT_CONTAINS(js, "\"status\":\"scheduled\"}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0103_wire_context_roundtrip(void)
{
    wire_context_t in, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    /* injury */
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_INJURY;
    strcpy(in.event_id, "evt1");
    strcpy(in.team, "Lakers");
    strcpy(in.player, "Anthony Davis");
    in.status = WIRE_INJ_DAY_TO_DAY;
    in.impact = 0.75;
    in.is_starter = true;
    in.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_TEAM | WIRE_CTX_HAS_PLAYER |
                 WIRE_CTX_HAS_STATUS | WIRE_CTX_HAS_IMPACT | WIRE_CTX_HAS_IS_STARTER;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT_INT(out.kind, ==, WIRE_CTX_INJURY);
    T_ASSERT_INT(out.status, ==, WIRE_INJ_DAY_TO_DAY);
    T_ASSERT(out.impact == 0.75 && out.is_starter);
    T_ASSERT_INT(out.present, ==, in.present);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"injury\",\"event_id\":\"evt1\","
                     "\"team\":\"Lakers\",\"player\":\"Anthony Davis\",\"status\":\"day_to_day\","
                     "\"impact\":0.75,\"is_starter\":true}");
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    /* officials with a crew */
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_OFFICIALS;
    strcpy(in.event_id, "evt1");
    strcpy(in.lead, "Scott Foster");
    in.crew_cnt = 2;
    strcpy(in.crew[0], "Tony Brothers");
    strcpy(in.crew[1], "Marc Davis");
    in.over_pct = 0.5;
    in.home_bias = -0.125;
    in.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_LEAD | WIRE_CTX_HAS_CREW |
                 WIRE_CTX_HAS_OVER_PCT | WIRE_CTX_HAS_HOME_BIAS;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT_INT(out.crew_cnt, ==, 2);
    T_ASSERT_STR(out.crew[1], "Marc Davis");
    T_ASSERT(out.home_bias == -0.125);
    T_ASSERT_CONTAINS(js, "\"crew\":[\"Tony Brothers\",\"Marc Davis\"],\"over_pct\":0.5,"
                          "\"home_bias\":-0.125}");
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    /* weather, player, splits, space weather */
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_WEATHER;
    strcpy(in.event_id, "nfl_gb_chi");
    in.temp_f = -4;
    in.wind_mph = 22.5;
    in.precip_in = 0;
    in.humidity = 65;
    in.indoor = false;
    in.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_TEMP_F | WIRE_CTX_HAS_WIND_MPH |
                 WIRE_CTX_HAS_PRECIP_IN | WIRE_CTX_HAS_HUMIDITY | WIRE_CTX_HAS_INDOOR;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT(out.temp_f == -4 && out.wind_mph == 22.5 && !out.indoor);
    T_ASSERT_CONTAINS(js, "\"temp_f\":-4.0,\"wind_mph\":22.5,\"precip_in\":0.0,"
                          "\"humidity\":65.0,\"indoor\":false}");
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_PLAYER;
    strcpy(in.player, "Nikola Jokić");
    strcpy(in.birth_date, "1995-02-19");
    in.present = WIRE_CTX_HAS_PLAYER | WIRE_CTX_HAS_BIRTH_DATE;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.birth_date, "1995-02-19");
    T_ASSERT_STR(out.player, "Nikola Jokić");
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_SPLITS;
    strcpy(in.event_id, "evt1");
    strcpy(in.market, "h2h");
    strcpy(in.side, "Lakers");
    in.ticket_pct = 62.5;
    in.money_pct = 41;
    in.present = WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_MARKET | WIRE_CTX_HAS_SIDE |
                 WIRE_CTX_HAS_TICKET_PCT | WIRE_CTX_HAS_MONEY_PCT;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT(out.ticket_pct == 62.5 && out.money_pct == 41);
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    memset(&in, 0, sizeof(in));
    in.v = 1;
    in.ts = TS;
    in.kind = WIRE_CTX_SPACE_WEATHER;
    in.kp = 6.33;
    in.present = WIRE_CTX_HAS_KP;
    T_ASSERT_INT(roundtrip(WIRE_CONTEXT, &in, &out, &a, &js), ==, 0);
    T_ASSERT(out.kp == 6.33);
    T_ASSERT_INT(out.present, ==, WIRE_CTX_HAS_KP);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"kind\":\"space_weather\",\"kp\":6.33}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0104_wire_click_roundtrip(void)
{
    wire_click_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.click_id, "clk-0001");
    strcpy(in.user_id, "user-42");
    strcpy(in.signal_id, "sig_9f2c");
    strcpy(in.event_id, "evt1");
    strcpy(in.book, "fanduel");
    in.stake = 25;
    in.max_price_move = 0.02;
    in.present = WIRE_CLICK_HAS_MAX_PRICE_MOVE;
    T_ASSERT_INT(roundtrip(WIRE_CLICK, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.click_id, "clk-0001");
    T_ASSERT_STR(out.user_id, "user-42");
    T_ASSERT_STR(out.signal_id, "sig_9f2c");
    T_ASSERT(out.stake == 25 && out.max_price_move == 0.02);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"click_id\":\"clk-0001\","
                     "\"user_id\":\"user-42\",\"signal_id\":\"sig_9f2c\",\"event_id\":\"evt1\","
                     "\"book\":\"fanduel\",\"stake\":25.0,\"max_price_move\":0.02}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0105_wire_score_roundtrip(void)
{
    wire_score_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    cand_sample(&in.cand);
    in.p_fair = 0.515;
    in.best_price = 105;
    in.best_decimal = 2.05;
    strcpy(in.best_book, "betmgm");
    in.books = 7;
    in.line_variance = 0.75;
    in.flag_cnt = 2;
    strcpy(in.flags[0], "steam");
    strcpy(in.flags[1], "arb");
    in.p_model = 0.55;
    in.ai = 6.5;
    in.final = 7.25;
    in.tier = WIRE_TIER_EDGE_LEAN;
    in.confluence = WIRE_CONF_MODERATE;
    in.present = WIRE_SCORE_HAS_P_MODEL | WIRE_SCORE_HAS_AI | WIRE_SCORE_HAS_FINAL |
                 WIRE_SCORE_HAS_TIER | WIRE_SCORE_HAS_CONFLUENCE;
    T_ASSERT_INT(roundtrip(WIRE_SCORE, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.cand.player, "LeBron James");
    T_ASSERT(out.cand.point == 27.5);
    T_ASSERT_INT(out.cand.present, ==, WIRE_CAND_HAS_PLAYER | WIRE_CAND_HAS_POINT);
    T_ASSERT_INT(out.best_price, ==, 105);
    T_ASSERT_INT(out.flag_cnt, ==, 2);
    T_ASSERT_STR(out.flags[1], "arb");
    T_ASSERT_INT(out.tier, ==, WIRE_TIER_EDGE_LEAN);
    T_ASSERT_INT(out.confluence, ==, WIRE_CONF_MODERATE);
    T_ASSERT_INT(out.present, ==, in.present);
    T_ASSERT(out.research == 0 && out.jarvis == 0);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"event_id\":\"nba_lal_bos_20260101\","
                     "\"market\":\"player_points\",\"side\":\"Over\",\"player\":\"LeBron James\","
                     "\"point\":27.5,\"p_fair\":0.515,\"best_price\":105,\"best_decimal\":2.05,"
                     "\"best_book\":\"betmgm\",\"books\":7,\"line_variance\":0.75,"
                     "\"flags\":[\"steam\",\"arb\"],\"p_model\":0.55,\"ai\":6.5,\"final\":7.25,"
                     "\"tier\":\"EDGE_LEAN\",\"confluence\":\"MODERATE\"}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0106_wire_signal_roundtrip(void)
{
    wire_signal_t *in = calloc(1, sizeof(*in)), *out = calloc(1, sizeof(*out));
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    signal_sample(in);
    T_ASSERT_INT(roundtrip(WIRE_SIGNAL, in, out, &a, &js), ==, 0);
    T_ASSERT_STR(out->signal_id, "sig_9f2c");
    T_ASSERT_INT(out->rev, ==, 3);
    T_ASSERT_INT(out->state, ==, WIRE_SIG_UPDATE);
    T_ASSERT_STR(out->cand.side, "Over");
    T_ASSERT_INT(out->price, ==, -115);
    T_ASSERT(out->edge == 4.25 && out->kelly == 0.05 && out->stake_units == 1.5);
    T_ASSERT(out->scores.base == 6.1 && out->scores.final == 7.75 && out->scores.jarvis == 7);
    T_ASSERT_INT(out->confluence, ==, WIRE_CONF_HARMONIC_CONVERGENCE);
    T_ASSERT_INT(out->tier, ==, WIRE_TIER_GOLD_STAR);
    T_ASSERT_INT(out->reason_cnt, ==, 2);
    T_ASSERT_STR(out->reasons[1], "jarvis trigger 33 \xe2\x9c\x93");
    T_ASSERT_STR(out->model, "lstm-2026.01");
    T_ASSERT_CONTAINS(js, "\"scores\":{\"ai\":6.5,\"research\":5.0,\"esoteric\":4.25,"
                          "\"jarvis\":7.0,\"base\":6.1,\"final\":7.75},"
                          "\"confluence\":\"HARMONIC_CONVERGENCE\",\"tier\":\"GOLD_STAR\"");
    T_ASSERT_CONTAINS(js, "{\"v\":1,\"ts\":1767225600001,\"signal_id\":\"sig_9f2c\",\"rev\":3,"
                          "\"state\":\"update\",\"event_id\":");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    free(in);
    free(out);
    return t_rc_;
}

int test_0107_wire_placement_roundtrip(void)
{
    wire_placement_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.bet_id, "bet-77");
    strcpy(in.click_id, "clk-0001");
    strcpy(in.user_id, "user-42");
    strcpy(in.signal_id, "sig_9f2c");
    strcpy(in.cand.event_id, "evt1");
    strcpy(in.cand.market, "h2h");
    strcpy(in.cand.side, "Lakers");
    strcpy(in.book, "fanduel");
    in.price = 150;
    in.stake = 12.5;
    T_ASSERT_INT(roundtrip(WIRE_PLACEMENT, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.bet_id, "bet-77");
    T_ASSERT_STR(out.click_id, "clk-0001");
    T_ASSERT_INT(out.cand.present, ==, 0);
    T_ASSERT_INT(out.price, ==, 150);
    T_ASSERT(out.stake == 12.5);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"bet-77\","
                     "\"click_id\":\"clk-0001\",\"user_id\":\"user-42\","
                     "\"signal_id\":\"sig_9f2c\",\"event_id\":\"evt1\",\"market\":\"h2h\","
                     "\"side\":\"Lakers\",\"book\":\"fanduel\",\"price\":150,\"stake\":12.5}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0108_wire_placement_result_roundtrip(void)
{
    wire_placement_result_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.bet_id, "bet-77");
    in.status = WIRE_PLACE_REJECTED;
    in.price = 140;
    strcpy(in.reason, "price moved: now +140");
    in.present = WIRE_PRES_HAS_PRICE | WIRE_PRES_HAS_REASON;
    T_ASSERT_INT(roundtrip(WIRE_PLACEMENT_RESULT, &in, &out, &a, &js), ==, 0);
    T_ASSERT_INT(out.status, ==, WIRE_PLACE_REJECTED);
    T_ASSERT_INT(out.price, ==, 140);
    T_ASSERT_STR(out.reason, "price moved: now +140");
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"bet_id\":\"bet-77\","
                     "\"status\":\"rejected\",\"price\":140,\"reason\":\"price moved: now +140\"}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0109_wire_grade_roundtrip(void)
{
    wire_grade_t in = {0}, out;
    msgpack_sbuffer a;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.signal_id, "sig_9f2c");
    in.result = WIRE_GRADE_PUSH;
    in.pnl = 0;
    in.closing_price = -120;
    in.clv = -0.03125;
    in.present = WIRE_GRADE_HAS_SIGNAL_ID;
    T_ASSERT_INT(roundtrip(WIRE_GRADE, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.bet_id, "");
    T_ASSERT_STR(out.signal_id, "sig_9f2c");
    T_ASSERT_INT(out.result, ==, WIRE_GRADE_PUSH);
    T_ASSERT_INT(out.closing_price, ==, -120);
    T_ASSERT(out.clv == -0.03125);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"signal_id\":\"sig_9f2c\","
                     "\"result\":\"push\",\"pnl\":0.0,\"closing_price\":-120,\"clv\":-0.03125}");
end:
    msgpack_sbuffer_destroy(&a);
    free(js);
    return t_rc_;
}

int test_0110_wire_dlq_roundtrip(void)
{
    static const uint8_t orig[] = {0x82, 0xa1, 'v', 0x01, 0xc1, 0x00, 0xff};
    wire_dlq_t in = {0}, out, fromj;
    msgpack_sbuffer a;
    wire_err_t err;
    json_t *j = NULL;
    char *js = NULL;
    T_BEGIN;
    in.v = 1;
    in.ts = TS;
    strcpy(in.src_topic, "savant.odds.v1");
    in.src_partition = -1;
    in.src_offset = 4294967296LL;
    strcpy(in.error, "malformed msgpack: reserved byte 0xc1");
    in.orig = orig;
    in.orig_len = sizeof(orig);
    T_ASSERT_INT(roundtrip(WIRE_DLQ, &in, &out, &a, &js), ==, 0);
    T_ASSERT_STR(out.src_topic, "savant.odds.v1");
    T_ASSERT_INT(out.src_partition, ==, -1);
    T_ASSERT_INT(out.src_offset, ==, 4294967296LL);
    T_ASSERT_INT(out.orig_len, ==, sizeof(orig));
    T_ASSERT(memcmp(out.orig, orig, sizeof(orig)) == 0);
    /* decoded from msgpack, orig borrows the buffer */
    T_ASSERT(out.orig >= (const uint8_t *)a.data && out.orig < (const uint8_t *)a.data + a.size);
    T_ASSERT(out.orig_owned == NULL);
    T_ASSERT_STR(js, "{\"v\":1,\"ts\":1767225600000,\"src_topic\":\"savant.odds.v1\","
                     "\"src_partition\":-1,\"src_offset\":4294967296,"
                     "\"error\":\"malformed msgpack: reserved byte 0xc1\","
                     "\"orig\":\"gqF2AcEA/w==\"}");
    /* from JSON, orig is owned and released */
    j = jparse(js);
    T_ASSERT_INT(wire_from_json(WIRE_DLQ, j, &fromj, &err), ==, SV_OK);
    T_ASSERT(fromj.orig_owned != NULL && fromj.orig == fromj.orig_owned);
    T_ASSERT(memcmp(fromj.orig, orig, sizeof(orig)) == 0);
    wire_release(WIRE_DLQ, &fromj);
    T_ASSERT(fromj.orig == NULL && fromj.orig_owned == NULL && fromj.orig_len == 0);
    wire_release(WIRE_DLQ, &fromj); /* twice is harmless */
    /* an empty original (a tombstone) is kept */
    in.orig = NULL;
    in.orig_len = 0;
    free(js);
    js = NULL;
    msgpack_sbuffer_destroy(&a);
    T_ASSERT_INT(roundtrip(WIRE_DLQ, &in, &out, &a, &js), ==, 0);
    T_ASSERT_INT(out.orig_len, ==, 0);
    T_ASSERT_CONTAINS(js, "\"orig\":\"\"}");
end:
    msgpack_sbuffer_destroy(&a);
    json_decref(j);
    free(js);
    return t_rc_;
}

/* ---- 0111–0119: keys, topics, bytes, malformed input ------------------------------------- */

int test_0111_wire_keys(void);
int test_0112_wire_topics(void);
int test_0113_wire_exact_bytes(void);
int test_0114_wire_truncated(void);
int test_0115_wire_malformed(void);
int test_0116_wire_wrong_types(void);
int test_0117_wire_unknown_keys(void);
int test_0118_wire_numbers(void);
int test_0119_wire_point_str(void);

/* Decodes the base JSON of type t (patched) and returns its key in buf. */
static sv_err_t key_of(wire_type_t t, const char *base, const char *patch, const char *del,
                       char *buf, size_t size)
{
    json_t *j = jmake(base, patch, del);
    void *ev = calloc(1, wire_struct_size(t));
    wire_err_t err;
    sv_err_t rc = wire_from_json(t, j, ev, &err);
    if (rc == SV_OK)
        rc = wire_key(t, ev, buf, size);
    else
        snprintf(buf, size, "(%s: %s)", err.field, err.reason);
    wire_release(t, ev);
    free(ev);
    json_decref(j);
    return rc;
}

int test_0111_wire_keys(void)
{
    char k[WIRE_KEY_MAX];
    wire_signal_t *sig = calloc(1, sizeof(*sig));
    wire_score_t sc;
    T_BEGIN;
    T_ASSERT_INT(key_of(WIRE_ODDS, odds_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_GAME, game_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_CONTEXT, splits_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_CONTEXT, injury_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_CONTEXT, player_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "LeBron James");
    T_ASSERT_INT(key_of(WIRE_CONTEXT, space_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "space_weather");
    T_ASSERT_INT(key_of(WIRE_CLICK, click_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_SCORE, score_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1|totals|Over||220.5");
    T_ASSERT_INT(key_of(WIRE_SCORE, score_json, "{\"point\":220}", NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1|totals|Over||220.0");
    T_ASSERT_INT(key_of(WIRE_SCORE, score_json, "{\"market\":\"h2h\",\"side\":\"Lakers\"}",
                        "point", k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1|h2h|Lakers||");
    T_ASSERT_INT(key_of(WIRE_SIGNAL, signal_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_PLACEMENT, placement_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "evt1");
    T_ASSERT_INT(key_of(WIRE_PLACEMENT_RESULT, result_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "b1");
    T_ASSERT_INT(key_of(WIRE_GRADE, grade_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "b1");
    T_ASSERT_INT(key_of(WIRE_GRADE, grade_json, NULL, "bet_id", k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "sig1");
    T_ASSERT_INT(key_of(WIRE_DLQ, dlq_json, NULL, NULL, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "savant.odds.v1");
    /* the candidate key of a prop, from C */
    memset(&sc, 0, sizeof(sc));
    cand_sample(&sc.cand);
    sc.cand.point = -0.25;
    T_ASSERT_INT(wire_key(WIRE_SCORE, &sc, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "nba_lal_bos_20260101|player_points|Over|LeBron James|-0.25");
    T_ASSERT_INT(wire_cand_key(&sc.cand, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "nba_lal_bos_20260101|player_points|Over|LeBron James|-0.25");
    T_ASSERT_INT(wire_key(WIRE_SCORE, &sc, k, 10), ==, SV_ERR_TOOBIG);
    /* the longest possible key fits WIRE_KEY_MAX */
    memset(sc.cand.event_id, 'e', WIRE_ID_MAX);
    memset(sc.cand.market, 'm', WIRE_TOKEN_MAX);
    memset(sc.cand.side, 's', WIRE_NAME_MAX);
    memset(sc.cand.player, 'p', WIRE_NAME_MAX);
    sc.cand.point = -9999.123456789012;
    T_ASSERT_INT(wire_key(WIRE_SCORE, &sc, k, sizeof(k)), ==, SV_OK);
    signal_sample(sig);
    T_ASSERT_INT(wire_key(WIRE_SIGNAL, sig, k, sizeof(k)), ==, SV_OK);
    T_ASSERT_STR(k, "nba_lal_bos_20260101");
    T_ASSERT_INT(wire_key(WIRE_SIGNAL, sig, k, 5), ==, SV_ERR_TOOBIG);
end:
    free(sig);
    return t_rc_;
}

int test_0112_wire_topics(void)
{
    static const struct {
        const char *topic;
        sv_err_t rc;
        wire_type_t t;
    } cases[] = {
        {"savant.odds.v1", SV_OK, WIRE_ODDS},
        {"savant.games.v1", SV_OK, WIRE_GAME},
        {"savant.context.v1", SV_OK, WIRE_CONTEXT},
        {"savant.clicks.v1", SV_OK, WIRE_CLICK},
        {"savant.scores.v1", SV_OK, WIRE_SCORE},
        {"savant.signals.v1", SV_OK, WIRE_SIGNAL},
        {"savant.placements.v1", SV_OK, WIRE_PLACEMENT},
        {"savant.placement-results.v1", SV_OK, WIRE_PLACEMENT_RESULT},
        {"savant.grades.v1", SV_OK, WIRE_GRADE},
        {"savant.dlq.v1", SV_OK, WIRE_DLQ},
        {"savant.state.v1", SV_OK, WIRE_NONE},
        {"savant.odds.v2", SV_ERR_NOENT, WIRE_NONE},
        {"other.odds.v1", SV_ERR_NOENT, WIRE_NONE},
        {"odds.v1", SV_ERR_NOENT, WIRE_NONE},
        {"savant.", SV_ERR_NOENT, WIRE_NONE},
    };
    wire_type_t t;
    T_BEGIN;
    T_ASSERT_INT(wire_topic_cnt, ==, 11);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cases); i++) {
        t = (wire_type_t)-1;
        T_ASSERT_INT(wire_type_for_topic(cases[i].topic, "savant.", &t), ==, cases[i].rc);
        if (cases[i].rc == SV_OK)
            T_ASSERT_INT(t, ==, cases[i].t);
    }
    T_ASSERT_INT(wire_type_for_topic("prod.x.grades.v1", "prod.x.", &t), ==, SV_OK);
    T_ASSERT_INT(t, ==, WIRE_GRADE);
    T_ASSERT_INT(wire_type_for_topic("odds.v1", "", &t), ==, SV_OK);
    T_ASSERT_INT(t, ==, WIRE_ODDS);
    /* names and sizes */
    for (int k = 0; k < WIRE__CNT; k++) {
        T_ASSERT_INT(wire_type_by_name(wire_type_name((wire_type_t)k), &t), ==, SV_OK);
        T_ASSERT_INT(t, ==, k);
    }
    T_ASSERT_STR(wire_type_name(WIRE_PLACEMENT_RESULT), "placement_result");
    T_ASSERT_STR(wire_type_name(WIRE_DLQ), "dlq");
    T_ASSERT_STR(wire_type_name(WIRE_NONE), "none");
    T_ASSERT_INT(wire_type_by_name("bet", &t), ==, SV_ERR_NOENT);
    T_ASSERT_INT(wire_struct_size(WIRE_ODDS), ==, sizeof(wire_odds_t));
    T_ASSERT_INT(wire_struct_size(WIRE_DLQ), ==, sizeof(wire_dlq_t));
    T_END;
}

int test_0113_wire_exact_bytes(void)
{
    /* {"v":1,"ts":1767225600000,"bet_id":"b","status":"accepted"}: smallest ints, str keys */
    static const uint8_t want[] = {
        0x84, 0xa1, 'v', 0x01, 0xa2, 't', 's', 0xcf, 0x00, 0x00, 0x01, 0x9b, 0x76, 0xda, 0xa8, 0x00,
        0xa6, 'b', 'e', 't', '_', 'i', 'd', 0xa1, 'b', 0xa6, 's', 't', 'a', 't', 'u', 's',
        0xa8, 'a', 'c', 'c', 'e', 'p', 't', 'e', 'd'};
    /* a double is always float64, even when integral; a negative int is the smallest int type */
    static const uint8_t want_grade_tail[] = {
        0xa3, 'p', 'n', 'l', 0xcb, 0x40, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xad, 'c', 'l', 'o', 's', 'i', 'n', 'g', '_', 'p', 'r', 'i', 'c', 'e', 0xd1, 0xfe, 0xd4};
    wire_placement_result_t pr = {0};
    wire_grade_t g = {0};
    msgpack_sbuffer sb, sb2;
    msgpack_packer pk;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&sb2);
    pr.v = 1;
    pr.ts = TS;
    strcpy(pr.bet_id, "b");
    pr.status = WIRE_PLACE_ACCEPTED;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    T_ASSERT_INT(wire_encode(WIRE_PLACEMENT_RESULT, &pr, &pk, NULL), ==, SV_OK);
    T_ASSERT_INT(sb.size, ==, sizeof(want));
    T_ASSERT(memcmp(sb.data, want, sizeof(want)) == 0);
    /* determinism: encoding twice appends the same bytes */
    T_ASSERT_INT(wire_encode(WIRE_PLACEMENT_RESULT, &pr, &pk, NULL), ==, SV_OK);
    T_ASSERT_INT(sb.size, ==, 2 * sizeof(want));
    T_ASSERT(memcmp(sb.data + sizeof(want), want, sizeof(want)) == 0);
    g.v = 1;
    g.ts = TS;
    strcpy(g.bet_id, "b");
    g.present = WIRE_GRADE_HAS_BET_ID;
    g.result = WIRE_GRADE_WIN;
    g.pnl = 25;
    g.closing_price = -300;
    g.clv = 0;
    msgpack_packer_init(&pk, &sb2, msgpack_sbuffer_write);
    T_ASSERT_INT(wire_encode(WIRE_GRADE, &g, &pk, NULL), ==, SV_OK);
    T_ASSERT(memmem(sb2.data, sb2.size, want_grade_tail, sizeof(want_grade_tail)) != NULL);
    T_ASSERT_INT((uint8_t)sb2.data[0], ==, 0x87); /* seven fields: signal_id absent */
end:
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&sb2);
    return t_rc_;
}

int test_0114_wire_truncated(void)
{
    void *ev = malloc(sizeof(wire_odds_t) + sizeof(wire_signal_t));
    msgpack_sbuffer sb;
    wire_err_t err;
    json_t *j = NULL;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    for (int t = 0; t < WIRE__CNT; t++) {
        json_decref(j);
        j = jparse(base_json[t]);
        msgpack_sbuffer_destroy(&sb);
        sb_pack_json(&sb, j);
        T_ASSERT_INT(decode_exact((wire_type_t)t, sb.data, sb.size, ev, &err), ==, SV_OK);
        for (size_t n = 0; n < sb.size; n++) {
            sv_err_t rc = decode_exact((wire_type_t)t, sb.data, n, ev, &err);
            if (rc != SV_ERR_DECODE)
                T_FAILF("type %s cut at %zu of %zu: rc %d (%s: %s)", wire_type_name(t), n,
                        sb.size, rc, err.field, err.reason);
            T_ASSERT_CONTAINS(err.reason, "malformed msgpack: truncated");
            wire_release((wire_type_t)t, ev);
        }
    }
end:
    msgpack_sbuffer_destroy(&sb);
    json_decref(j);
    free(ev);
    return t_rc_;
}

/* Expects decode of the bytes to fail with rc, field and reason. */
static int expect_bytes(wire_type_t t, const void *buf, size_t len, sv_err_t rc,
                        const char *field, const char *reason)
{
    void *ev = calloc(1, wire_struct_size(t));
    wire_err_t err;
    T_BEGIN;
    T_ASSERT_INT(decode_exact(t, buf, len, ev, &err), ==, rc);
    T_ASSERT_STR(err.field, field);
    T_ASSERT_CONTAINS(err.reason, reason);
end:
    free(ev);
    return t_rc_;
}

/* The result_json event packed by hand, with `extra` key/value bytes appended to the map. */
static size_t result_bytes(uint8_t *buf, const uint8_t *extra, size_t extra_len, size_t nextra)
{
    static const uint8_t head[] = {0xa1, 'v', 0x01, 0xa2, 't', 's', 0x01, 0xa6, 'b', 'e', 't',
                                   '_', 'i', 'd', 0xa1, 'b', 0xa6, 's', 't', 'a', 't', 'u', 's',
                                   0xa8, 'a', 'c', 'c', 'e', 'p', 't', 'e', 'd'};
    buf[0] = (uint8_t)(0x80 | (4 + nextra));
    memcpy(buf + 1, head, sizeof(head));
    if (extra_len)
        memcpy(buf + 1 + sizeof(head), extra, extra_len);
    return 1 + sizeof(head) + extra_len;
}

int test_0115_wire_malformed(void)
{
    uint8_t buf[256], deep[80];
    size_t n;
    T_BEGIN;
    n = result_bytes(buf, NULL, 0, 0);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_OK, "", ""), ==, 0);
    /* empty, not a map, trailing bytes */
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, 0, SV_ERR_DECODE, "", "truncated"), ==, 0);
    T_ASSERT_INT(expect_bytes(WIRE_ODDS, "\x92\x01\x02", 3, SV_ERR_DECODE, "", "not a map"), ==, 0);
    T_ASSERT_INT(expect_bytes(WIRE_ODDS, "\xa3odd", 4, SV_ERR_DECODE, "", "not a map"), ==, 0);
    T_ASSERT_INT(expect_bytes(WIRE_ODDS, "\xc0", 1, SV_ERR_DECODE, "", "not a map"), ==, 0);
    buf[n] = 0xc0;
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n + 1, SV_ERR_DECODE, "",
                              "malformed msgpack: trailing bytes after the value"), ==, 0);
    /* a second whole message after the first is trailing bytes too */
    memcpy(buf + n, buf, n);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, 2 * n, SV_ERR_DECODE, "",
                              "trailing bytes"), ==, 0);
    /* duplicate keys: known, and unknown */
    n = result_bytes(buf, (const uint8_t *)"\xa6" "bet_id" "\xa1" "c", 9, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "bet_id",
                              "duplicate key"), ==, 0);
    n = result_bytes(buf, (const uint8_t *)"\xa1x\x01\xa1x\x02", 6, 2);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "x",
                              "duplicate key"), ==, 0);
    /* a key that is not a string */
    n = result_bytes(buf, (const uint8_t *)"\x07\x01", 2, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "",
                              "map keys must be strings"), ==, 0);
    /* the reserved byte, in an unknown value */
    n = result_bytes(buf, (const uint8_t *)"\xa1x\xc1", 3, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "",
                              "reserved byte 0xc1"), ==, 0);
    /* an array announcing more entries than bytes remain */
    n = result_bytes(buf, (const uint8_t *)"\xa1x\xdd\xff\xff\xff\xff\x01", 8, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "", "truncated"), ==, 0);
    /* nesting: 32 containers including the top map are fine, 33 are not */
    memcpy(deep, "\xa1x", 2);
    memset(deep + 2, 0x91, 31);
    deep[33] = 0x01;
    n = result_bytes(buf, deep, 34, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_OK, "", ""), ==, 0);
    memset(deep + 2, 0x91, 32);
    deep[34] = 0x01;
    n = result_bytes(buf, deep, 35, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "",
                              "nested too deeply"), ==, 0);
    /* unknown values of every kind are skipped: ext, fixext, bin, float32, nested map */
    n = result_bytes(buf, (const uint8_t *)"\xa1" "a\xd4\x01\x02\xa1" "b\xc7\x02\x05xy\xa1" "c\xc4\x01z"
                                           "\xa1" "d\xca\x3f\x80\x00\x00\xa1" "e\x81\xa1k\x90",
                     30, 5);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_OK, "", ""), ==, 0);
    /* more than 32 distinct unknown keys */
    {
        uint8_t many[200];
        size_t o = 0;
        for (int k = 0; k < 33; k++) {
            many[o++] = 0xa2;
            many[o++] = (uint8_t)('a' + k / 26);
            many[o++] = (uint8_t)('a' + k % 26);
            many[o++] = 0xc0;
        }
        buf[0] = 0xde;
        buf[1] = 0;
        buf[2] = 37;
        n = result_bytes(buf + 2, many, o, 0) + 2;
        buf[0] = 0xde, buf[1] = 0, buf[2] = 37;
        T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_DECODE, "bg",
                                  "more than 32 unknown keys"), ==, 0);
    }
    T_END;
}

int test_0116_wire_wrong_types(void)
{
    static const rule_t odds[] = {
        {"{\"v\":\"1\"}", NULL, "v", "must be an integer"},
        {"{\"v\":true}", NULL, "v", "must be an integer"},
        {"{\"ts\":1.5}", NULL, "ts", "must be an integer"},
        {"{\"event_id\":5}", NULL, "event_id", "must be a string"},
        {"{\"player\":[]}", NULL, "player", "must be a string"},
        {"{\"outcomes\":{}}", NULL, "outcomes", "must be an array"},
        {"{\"outcomes\":\"none\"}", NULL, "outcomes", "must be an array"},
        {"{\"outcomes\":[1]}", NULL, "outcomes[0]", "must be a map"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":\"-110\"}]}", NULL, "outcomes[0].price",
         "must be an integer"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":-110.5}]}", NULL, "outcomes[0].price",
         "must be an integer"},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":\"1.9\"}]}", NULL, "outcomes[0].decimal",
         "must be a number"},
        {"{\"outcomes\":[{\"name\":null,\"decimal\":1.9}]}", NULL, "outcomes[0].name",
         "must be a string"},
        {"{\"event_id\":null}", NULL, "event_id", "must be a string"},
    };
    static const rule_t other[] = {
        {"{\"indoor\":1}", NULL, "indoor", "must be a boolean"},
        {"{\"kind\":7}", NULL, "kind", "must be one of splits, injury, player"},
    };
    static const rule_t signal[] = {
        {"{\"scores\":[]}", NULL, "scores", "must be a map"},
        {"{\"scores\":{\"ai\":\"high\",\"research\":5,\"esoteric\":4,\"jarvis\":7,\"base\":6,"
         "\"final\":7}}", NULL, "scores.ai", "must be a number"},
        {"{\"reasons\":[\"ok\",3]}", NULL, "reasons[1]", "must be a string"},
        {"{\"reasons\":\"one\"}", NULL, "reasons", "must be an array"},
        {"{\"rev\":2.0}", NULL, NULL, NULL}, /* an integral float is an integer */
        {"{\"edge\":3}", NULL, NULL, NULL},  /* an integer is a number */
    };
    uint8_t buf[512];
    size_t n;
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_ODDS, odds_json, odds, SV_ARRAY_SIZE(odds)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, weather_json, other, SV_ARRAY_SIZE(other)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_SIGNAL, signal_json, signal, SV_ARRAY_SIZE(signal)), ==, 0);
    /* binary where a string belongs, and a string where binary belongs */
    n = result_bytes(buf, (const uint8_t *)"\xa6reason\xc4\x02hi", 11, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_SCHEMA, "reason",
                              "must be a string"), ==, 0);
    {
        json_t *j = jparse(dlq_json);
        msgpack_sbuffer sb;
        msgpack_packer pk;
        msgpack_sbuffer_init(&sb);
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        json_object_del(j, "orig");
        pack_json(&pk, j, NULL);
        sb.data[0]++; /* one more pair: orig as a str */
        msgpack_pack_str_with_body(&pk, "orig", 4);
        msgpack_pack_str_with_body(&pk, "abc", 3);
        n = sb.size;
        memcpy(buf, sb.data, n);
        msgpack_sbuffer_destroy(&sb);
        json_decref(j);
        T_ASSERT_INT(expect_bytes(WIRE_DLQ, buf, n, SV_ERR_SCHEMA, "orig", "must be binary"), ==, 0);
    }
    T_END;
}

int test_0117_wire_unknown_keys(void)
{
    json_t *j = NULL;
    msgpack_sbuffer sb;
    wire_odds_t *o = calloc(1, sizeof(*o));
    wire_signal_t *s = calloc(1, sizeof(*s));
    wire_err_t err;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    /* top level: msgpack ignores, JSON names it */
    j = jmake(odds_json, "{\"new_field\":{\"a\":[1,2,{\"b\":null}]},\"zz\":1.5}", NULL);
    sb_pack_json(&sb, j);
    T_ASSERT_INT(wire_decode(WIRE_ODDS, sb.data, sb.size, o, &err), ==, SV_OK);
    T_ASSERT_INT(o->outcome_cnt, ==, 2);
    T_ASSERT_INT(wire_from_json(WIRE_ODDS, j, o, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "new_field");
    T_ASSERT_STR(err.reason, "unknown field");
    json_decref(j);
    msgpack_sbuffer_destroy(&sb);
    /* inside a list element */
    j = jmake(odds_json, "{\"outcomes\":[{\"name\":\"A\",\"price\":120,\"prcie\":1}]}", NULL);
    sb_pack_json(&sb, j);
    T_ASSERT_INT(wire_decode(WIRE_ODDS, sb.data, sb.size, o, &err), ==, SV_OK);
    T_ASSERT_INT(o->outcomes[0].price, ==, 120);
    T_ASSERT_INT(wire_from_json(WIRE_ODDS, j, o, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "outcomes[0].prcie");
    T_ASSERT_STR(err.reason, "unknown field");
    json_decref(j);
    msgpack_sbuffer_destroy(&sb);
    /* inside a nested object */
    j = jmake(signal_json, "{\"scores\":{\"ai\":1,\"research\":2,\"esoteric\":3,\"jarvis\":4,"
                           "\"base\":5,\"final\":6,\"astro\":7}}", NULL);
    sb_pack_json(&sb, j);
    T_ASSERT_INT(wire_decode(WIRE_SIGNAL, sb.data, sb.size, s, &err), ==, SV_OK);
    T_ASSERT(s->scores.final == 6);
    T_ASSERT_INT(wire_from_json(WIRE_SIGNAL, j, s, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "scores.astro");
    T_ASSERT_STR(err.reason, "unknown field");
    json_decref(j);
    j = NULL;
    /* not an object at all */
    j = jparse("[1,2]");
    T_ASSERT_INT(wire_from_json(WIRE_ODDS, j, o, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "");
    T_ASSERT_STR(err.reason, "must be a JSON object");
end:
    msgpack_sbuffer_destroy(&sb);
    json_decref(j);
    free(o);
    free(s);
    return t_rc_;
}

/* A click packed by hand with stake given as the msgpack value in `val`. */
static size_t click_with_stake(uint8_t *buf, const uint8_t *val, size_t vlen)
{
    json_t *j = jparse(click_json);
    msgpack_sbuffer sb;
    size_t n;
    json_object_del(j, "stake");
    sb_pack_json(&sb, j);
    sb.data[0]++;
    memcpy(buf, sb.data, sb.size);
    n = sb.size;
    memcpy(buf + n, "\xa5stake", 6);
    memcpy(buf + n + 6, val, vlen);
    msgpack_sbuffer_destroy(&sb);
    json_decref(j);
    return n + 6 + vlen;
}

int test_0118_wire_numbers(void)
{
    uint8_t buf[256];
    wire_click_t c;
    wire_err_t err;
    size_t n;
    static const rule_t game[] = {
        {"{\"period\":3.0}", NULL, NULL, NULL},
        {"{\"period\":3.25}", NULL, "period", "must be an integer"},
        {"{\"ts\":1e300}", NULL, "ts", "must be between 1 and 4102444800000"},
        {"{\"ts\":-1e300}", NULL, "ts", "must be between 1 and 4102444800000"},
        {"{\"ts\":9223372036854775807}", NULL, "ts", "must be between 1 and 4102444800000"},
        {"{\"home_score\":-9223372036854775807}", NULL, "home_score", "must be between 0 and 1000"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_GAME, game_json, game, SV_ARRAY_SIZE(game)), ==, 0);
    /* stake as every msgpack number kind */
    n = click_with_stake(buf, (const uint8_t *)"\x19", 1); /* fixint 25 */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_OK);
    T_ASSERT(c.stake == 25);
    n = click_with_stake(buf, (const uint8_t *)"\xcd\x01\x00", 3); /* uint16 256 */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_OK);
    T_ASSERT(c.stake == 256);
    n = click_with_stake(buf, (const uint8_t *)"\xd0\x05", 2); /* int8 5 (a signed encoding) */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_OK);
    T_ASSERT(c.stake == 5);
    n = click_with_stake(buf, (const uint8_t *)"\xca\x41\x20\x00\x00", 5); /* float32 10.0 */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_OK);
    T_ASSERT(c.stake == 10);
    n = click_with_stake(buf, (const uint8_t *)"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9);
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "stake");
    T_ASSERT_STR(err.reason, "must be > 0 and <= 1000000000");
    n = click_with_stake(buf, (const uint8_t *)"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00", 9); /* NaN */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "stake");
    T_ASSERT_STR(err.reason, "must be finite");
    n = click_with_stake(buf, (const uint8_t *)"\xcb\xff\xf0\x00\x00\x00\x00\x00\x00", 9); /* -inf */
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.reason, "must be finite");
    n = click_with_stake(buf, (const uint8_t *)"\xc3", 1);
    T_ASSERT_INT(wire_decode(WIRE_CLICK, buf, n, &c, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.reason, "must be a number");
    T_END;
}

int test_0119_wire_point_str(void)
{
    static const struct {
        double x;
        const char *s;
    } cases[] = {
        {220, "220.0"},    {-5.5, "-5.5"},   {0.25, "0.25"},   {0, "0.0"},
        {-0.0, "0.0"},     {0.1, "0.1"},     {-10000, "-10000.0"}, {220.5, "220.5"},
        {1.0 / 3, "0.3333333333333333"}, {0.30000000000000004, "0.30000000000000004"},
        {1e-7, "0.0000001"},
        /* quarter lines (printed without printf), and past 1e12 where one decimal can suffice */
        {-0.25, "-0.25"},  {0.75, "0.75"},   {-6.75, "-6.75"}, {1234567.5, "1234567.5"},
        {999999999999.75, "999999999999.75"}, {999999999999999.75, "999999999999999.8"},
    };
    char buf[WIRE_POINT_STR_MAX];
    T_BEGIN;
    for (size_t i = 0; i < SV_ARRAY_SIZE(cases); i++) {
        T_ASSERT_INT(wire_point_str(cases[i].x, buf, sizeof(buf)), ==, SV_OK);
        T_ASSERT_STR(buf, cases[i].s);
        T_ASSERT(strtod(buf, NULL) == cases[i].x);
    }
    T_ASSERT_INT(wire_point_str(1e-300, buf, sizeof(buf)), ==, SV_OK);
    T_ASSERT(strtod(buf, NULL) == 1e-300);
    T_ASSERT_INT(wire_point_str(220, buf, 5), ==, SV_ERR_TOOBIG);
    T_END;
}

/* ---- 0120–0131: the rules of each type ---------------------------------------------------- */

int test_0120_wire_common_rules(void);
int test_0121_wire_odds_rules(void);
int test_0122_wire_game_rules(void);
int test_0123_wire_context_rules(void);
int test_0124_wire_click_rules(void);
int test_0125_wire_score_rules(void);
int test_0126_wire_signal_rules(void);
int test_0127_wire_placement_rules(void);
int test_0128_wire_result_grade_rules(void);
int test_0129_wire_dlq_rules(void);
int test_0130_wire_encode_validates(void);
int test_0131_wire_msgpack_to_json(void);
int test_0132_wire_mp_reader(void);
int test_0133_wire_json_input(void);

int test_0120_wire_common_rules(void)
{
    static const rule_t rules[] = {
        {"{\"v\":2}", NULL, "v", "must be 1"},
        {"{\"v\":0}", NULL, "v", "must be 1"},
        {NULL, "v", "v", "required field missing"},
        {NULL, "ts", "ts", "required field missing"},
        {"{\"ts\":0}", NULL, "ts", "must be between 1 and 4102444800000"},
        {"{\"ts\":4102444800001}", NULL, "ts", "must be between 1 and 4102444800000"},
        {"{\"ts\":4102444800000}", NULL, NULL, NULL},
        {"{\"ts\":1}", NULL, NULL, NULL},
        {NULL, "event_id", "event_id", "required field missing"},
        {"{\"event_id\":\"\"}", NULL, "event_id", "must not be empty"},
        {"{\"event_id\":\"12345678901234567890123456789012345678901234567890123456789012345\"}",
         NULL, "event_id", "longer than 64 bytes"},
        {"{\"event_id\":\"1234567890123456789012345678901234567890123456789012345678901234\"}",
         NULL, NULL, NULL},
        {"{\"event_id\":\"a|b\"}", NULL, "event_id", "must be printable ASCII without '|'"},
        {"{\"event_id\":\"caf\\u00e9\"}", NULL, "event_id", "must be printable ASCII"},
        {"{\"event_id\":\"a\\tb\"}", NULL, "event_id", "must be printable ASCII"},
        {"{\"event_id\":\"a\\u0000b\"}", NULL, "event_id", "contains a NUL byte"},
        {"{\"book\":\"a|b\"}", NULL, "book", "must be printable ASCII without '|'"},
        {"{\"sport\":\"NBA\"}", NULL, "sport", "must be a lowercase token [a-z0-9_]"},
        {"{\"sport\":\"soccer-epl\"}", NULL, "sport", "must be a lowercase token"},
        {"{\"sport\":\"soccer_epl2\"}", NULL, NULL, NULL},
        {"{\"market\":\"abcdefghijabcdefghijabcdefghijabc\"}", NULL, "market", "longer than 32 bytes"},
        {"{\"player\":\"\"}", NULL, "player", "must not be empty"},
        {"{\"player\":\"A|B\"}", NULL, "player", "must not contain '|'"},
        {"{\"player\":null}", NULL, NULL, NULL}, /* null is absent */
    };
    uint8_t buf[64];
    size_t n;
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_ODDS, odds_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    /* invalid UTF-8 (only msgpack can carry it): overlong, surrogate, lone continuation */
    n = result_bytes(buf, (const uint8_t *)"\xa6reason\xa2\xc0\x80", 10, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_SCHEMA, "reason",
                              "not valid UTF-8"), ==, 0);
    n = result_bytes(buf, (const uint8_t *)"\xa6reason\xa3\xed\xa0\x80", 11, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_SCHEMA, "reason",
                              "not valid UTF-8"), ==, 0);
    n = result_bytes(buf, (const uint8_t *)"\xa6reason\xa2x\x80", 10, 1);
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_ERR_SCHEMA, "reason",
                              "not valid UTF-8"), ==, 0);
    n = result_bytes(buf, (const uint8_t *)"\xa6reason\xa4\xf0\x9f\x8e\xb2", 12, 1); /* a die */
    T_ASSERT_INT(expect_bytes(WIRE_PLACEMENT_RESULT, buf, n, SV_OK, "", ""), ==, 0);
    T_END;
}

int test_0121_wire_odds_rules(void)
{
    static const rule_t rules[] = {
        {NULL, "outcomes", "outcomes", "required field missing"},
        {"{\"outcomes\":[]}", NULL, NULL, NULL}, /* suspended */
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":100},{\"name\":\"B\",\"price\":99}]}", NULL,
         "outcomes[1].price", "American odds need |price| >= 100"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":-99}]}", NULL, "outcomes[0].price",
         "American odds need |price| >= 100"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":0}]}", NULL, "outcomes[0].price",
         "American odds need |price| >= 100"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":100001}]}", NULL, "outcomes[0].price",
         "American odds need |price| <= 100000"},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":-100000},{\"name\":\"B\",\"price\":100000},"
         "{\"name\":\"C\",\"price\":-100}]}", NULL, NULL, NULL},
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":-110,\"decimal\":1.9}]}", NULL,
         "outcomes[0].decimal", "exactly one of price, decimal is required"},
        {"{\"outcomes\":[{\"name\":\"A\",\"point\":1.5}]}", NULL, "outcomes[0].price",
         "exactly one of price, decimal is required"},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":1.0}]}", NULL, "outcomes[0].decimal",
         "must be > 1 and <= 10000"},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":10000.5}]}", NULL, "outcomes[0].decimal",
         "must be > 1 and <= 10000"},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":10000}]}", NULL, NULL, NULL},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":1.01,\"point\":10000.5}]}", NULL,
         "outcomes[0].point", "must be between -10000 and 10000"},
        {"{\"outcomes\":[{\"name\":\"A\",\"decimal\":1.01,\"point\":-10000}]}", NULL, NULL, NULL},
        {"{\"outcomes\":[{\"name\":\"Over\",\"price\":-110,\"point\":220}]}", NULL, NULL, NULL},
        {"{\"outcomes\":[{\"name\":\"\",\"price\":-110}]}", NULL, "outcomes[0].name",
         "must not be empty"},
        /* one (name, point) once per quote; alternate lines of one name are fine */
        {"{\"outcomes\":[{\"name\":\"A\",\"price\":-110},{\"name\":\"B\",\"price\":100},"
         "{\"name\":\"A\",\"price\":120}]}", NULL, "outcomes[2]",
         "repeats outcomes[0] (same name and point)"},
        {"{\"outcomes\":[{\"name\":\"Over\",\"price\":-110,\"point\":220.5},"
         "{\"name\":\"Over\",\"price\":-105,\"point\":220.5}]}", NULL, "outcomes[1]",
         "repeats outcomes[0] (same name and point)"},
        {"{\"outcomes\":[{\"name\":\"Over\",\"price\":-110,\"point\":220.5},"
         "{\"name\":\"Over\",\"price\":-130,\"point\":219.5},"
         "{\"name\":\"Over\",\"price\":-150}]}", NULL, NULL, NULL},
        {"{\"outcomes\":[{\"price\":-110}]}", NULL, "outcomes[0].name", "required field missing"},
        {"{\"outcomes\":[{\"name\":\"Los Angeles Lakers Los Angeles Lakers Los Angeles Lakers "
         "Los Angeles Lakers Los Angeles Lakers xx\",\"price\":-110}]}", NULL, "outcomes[0].name",
         "longer than 96 bytes"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_ODDS, odds_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_ASSERT_INT(check1(WIRE_ODDS, odds_json, joutcomes(64), NULL, NULL, NULL), ==, 0);
    T_ASSERT_INT(check1(WIRE_ODDS, odds_json, joutcomes(65), NULL, "outcomes",
                        "more than 64 entries"), ==, 0);
    T_END;
}

int test_0122_wire_game_rules(void)
{
    static const rule_t rules[] = {
        {"{\"status\":\"halftime\"}", NULL, "status",
         "must be one of scheduled, live, final, postponed, cancelled"},
        {"{\"status\":\"LIVE\"}", NULL, "status", "must be one of"},
        {NULL, "status", "status", "required field missing"},
        {"{\"away\":\"Celtics\"}", NULL, "away", "must differ from home"},
        {NULL, "home", "home", "required field missing"},
        {"{\"commence_ts\":0}", NULL, "commence_ts", "must be between 1 and 4102444800000"},
        {"{\"period\":21}", NULL, "period", "must be between 0 and 20"},
        {"{\"period\":-1}", NULL, "period", "must be between 0 and 20"},
        {"{\"period\":0,\"clock_s\":86400,\"home_score\":1000,\"away_score\":0}", NULL, NULL, NULL},
        {"{\"clock_s\":86401}", NULL, "clock_s", "must be between 0 and 86400"},
        {"{\"home_score\":-1}", NULL, "home_score", "must be between 0 and 1000"},
        {"{\"away_score\":1001}", NULL, "away_score", "must be between 0 and 1000"},
        {"{\"league\":\"\"}", NULL, "league", "must not be empty"},
        {NULL, "league,period,clock_s,home_score,away_score", NULL, NULL},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_GAME, game_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_END;
}

int test_0123_wire_context_rules(void)
{
    static const rule_t splits[] = {
        {"{\"kind\":\"tornado\"}", NULL, "kind",
         "must be one of splits, injury, player, officials, weather, space_weather"},
        {NULL, "kind", "kind", "required field missing"},
        {NULL, "side", "side", "required field missing for kind splits"},
        {NULL, "event_id", "event_id", "required field missing for kind splits"},
        {"{\"kp\":3}", NULL, "kp", "not allowed for kind splits"},
        {"{\"team\":\"Lakers\"}", NULL, "team", "not allowed for kind splits"},
        {"{\"ticket_pct\":100.5}", NULL, "ticket_pct", "must be between 0 and 100"},
        {"{\"money_pct\":-0.5}", NULL, "money_pct", "must be between 0 and 100"},
        {"{\"market\":\"H2H\"}", NULL, "market", "must be a lowercase token"},
    };
    static const rule_t injury[] = {
        {"{\"status\":\"hurt\"}", NULL, "status",
         "must be one of out, doubtful, questionable, probable, day_to_day, suspended, active"},
        {"{\"impact\":1.5}", NULL, "impact", "must be between 0 and 1"},
        {"{\"is_starter\":\"yes\"}", NULL, "is_starter", "must be a boolean"},
        {NULL, "team", "team", "required field missing for kind injury"},
        {NULL, "status", "status", "required field missing for kind injury"},
        {NULL, "impact,is_starter", NULL, NULL},
        {"{\"lead\":\"X\"}", NULL, "lead", "not allowed for kind injury"},
    };
    static const rule_t player[] = {
        {"{\"birth_date\":\"1984-13-01\"}", NULL, "birth_date", "not a calendar date"},
        {"{\"birth_date\":\"2023-02-29\"}", NULL, "birth_date", "not a calendar date"},
        {"{\"birth_date\":\"1900-02-29\"}", NULL, "birth_date", "not a calendar date"},
        {"{\"birth_date\":\"1984-04-31\"}", NULL, "birth_date", "not a calendar date"},
        {"{\"birth_date\":\"1984-00-10\"}", NULL, "birth_date", "not a calendar date"},
        {"{\"birth_date\":\"2024-02-29\"}", NULL, NULL, NULL},
        {"{\"birth_date\":\"2000-02-29\"}", NULL, NULL, NULL},
        {"{\"birth_date\":\"1899-12-31\"}", NULL, "birth_date", "year must be between 1900 and 2100"},
        {"{\"birth_date\":\"2101-01-01\"}", NULL, "birth_date", "year must be between 1900 and 2100"},
        {"{\"birth_date\":\"1984-2-3\"}", NULL, "birth_date", "must be a date YYYY-MM-DD"},
        {"{\"birth_date\":\"1984/12/30\"}", NULL, "birth_date", "must be a date YYYY-MM-DD"},
        {"{\"birth_date\":\"1984-12-300\"}", NULL, "birth_date", "longer than 10 bytes"},
        {NULL, "birth_date", "birth_date", "required field missing for kind player"},
        {NULL, "team", NULL, NULL},
        {"{\"event_id\":\"evt1\"}", NULL, "event_id", "not allowed for kind player"},
        {"{\"player\":\"A|B\"}", NULL, "player", "must not contain '|'"},
    };
    static const rule_t officials[] = {
        {"{\"crew\":[\"\"]}", NULL, "crew[0]", "must not be empty"},
        {"{\"crew\":[]}", NULL, NULL, NULL},
        {"{\"home_bias\":-1.5}", NULL, "home_bias", "must be between -1 and 1"},
        {"{\"over_pct\":1.01}", NULL, "over_pct", "must be between 0 and 1"},
        {NULL, "lead", "lead", "required field missing for kind officials"},
        {"{\"humidity\":50}", NULL, "humidity", "not allowed for kind officials"},
    };
    static const rule_t weather[] = {
        {"{\"temp_f\":-81}", NULL, "temp_f", "must be between -80 and 150"},
        {"{\"temp_f\":150}", NULL, NULL, NULL},
        {"{\"wind_mph\":200.5}", NULL, "wind_mph", "must be between 0 and 200"},
        {"{\"precip_in\":51}", NULL, "precip_in", "must be between 0 and 50"},
        {"{\"humidity\":101}", NULL, "humidity", "must be between 0 and 100"},
        {"{\"indoor\":null}", NULL, NULL, NULL},
        {NULL, "wind_mph", "wind_mph", "required field missing for kind weather"},
    };
    static const rule_t space[] = {
        {NULL, "kp,xray_flux", "", "kind space_weather needs at least one of kp, xray_flux"},
        {NULL, "kp", NULL, NULL},
        {NULL, "xray_flux", NULL, NULL},
        {"{\"kp\":9.5}", NULL, "kp", "must be between 0 and 9"},
        {"{\"xray_flux\":2}", NULL, "xray_flux", "must be between 0 and 1"},
        {"{\"event_id\":\"evt1\"}", NULL, "event_id", "not allowed for kind space_weather"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, splits_json, splits, SV_ARRAY_SIZE(splits)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, injury_json, injury, SV_ARRAY_SIZE(injury)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, player_json, player, SV_ARRAY_SIZE(player)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, officials_json, officials, SV_ARRAY_SIZE(officials)),
                 ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, weather_json, weather, SV_ARRAY_SIZE(weather)), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_CONTEXT, space_json, space, SV_ARRAY_SIZE(space)), ==, 0);
    T_ASSERT_INT(check1(WIRE_CONTEXT, officials_json, jlist("crew", "\"Ref\"", 8), NULL, NULL,
                        NULL), ==, 0);
    T_ASSERT_INT(check1(WIRE_CONTEXT, officials_json, jlist("crew", "\"Ref\"", 9), NULL, "crew",
                        "more than 8 entries"), ==, 0);
    T_END;
}

int test_0124_wire_click_rules(void)
{
    static const rule_t rules[] = {
        {"{\"stake\":0}", NULL, "stake", "must be > 0 and <= 1000000000"},
        {"{\"stake\":-5}", NULL, "stake", "must be > 0 and <= 1000000000"},
        {"{\"stake\":1000000000.5}", NULL, "stake", "must be > 0 and <= 1000000000"},
        {"{\"stake\":1000000000}", NULL, NULL, NULL},
        {"{\"stake\":0.01}", NULL, NULL, NULL},
        {"{\"max_price_move\":1.5}", NULL, "max_price_move", "must be between 0 and 1"},
        {"{\"max_price_move\":-0.1}", NULL, "max_price_move", "must be between 0 and 1"},
        {NULL, "max_price_move", NULL, NULL},
        {NULL, "click_id", "click_id", "required field missing"},
        {NULL, "user_id", "user_id", "required field missing"},
        {"{\"signal_id\":\"s|1\"}", NULL, "signal_id", "must be printable ASCII without '|'"},
        {"{\"user_id\":\"\"}", NULL, "user_id", "must not be empty"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_CLICK, click_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_ASSERT_INT(check1(WIRE_CLICK, click_json, jstr("click_id", 'c', 65), NULL, "click_id",
                        "longer than 64 bytes"), ==, 0);
    T_END;
}

int test_0125_wire_score_rules(void)
{
    static const rule_t rules[] = {
        {"{\"p_fair\":1.01}", NULL, "p_fair", "must be between 0 and 1"},
        {"{\"best_price\":99}", NULL, "best_price", "American odds need |price| >= 100"},
        {"{\"best_decimal\":1}", NULL, "best_decimal", "must be > 1 and <= 10000"},
        {"{\"best_book\":\"\"}", NULL, "best_book", "must not be empty"},
        {"{\"books\":1001}", NULL, "books", "must be between 0 and 1000"},
        {"{\"books\":0}", NULL, NULL, NULL},
        {"{\"line_variance\":-0.1}", NULL, "line_variance", "must be >= 0"},
        {"{\"line_variance\":1e300}", NULL, NULL, NULL},
        {"{\"flags\":[\"Steam\"]}", NULL, "flags[0]", "must be a lowercase token [a-z0-9_]"},
        {"{\"flags\":[]}", NULL, NULL, NULL},
        {NULL, "flags", "flags", "required field missing"},
        {"{\"p_model\":-0.01}", NULL, "p_model", "must be between 0 and 1"},
        {"{\"ai\":100.5}", NULL, "ai", "must be between -100 and 100"},
        {"{\"research\":-101}", NULL, "research", "must be between -100 and 100"},
        {"{\"esoteric\":101}", NULL, "esoteric", "must be between -100 and 100"},
        {"{\"jarvis\":101}", NULL, "jarvis", "must be between -100 and 100"},
        {"{\"final\":-100.5}", NULL, "final", "must be between -100 and 100"},
        {"{\"tier\":\"GOLD\"}", NULL, "tier",
         "must be one of TITANIUM_SMASH, GOLD_STAR, EDGE_LEAN, MONITOR, PASS"},
        {"{\"confluence\":\"weak\"}", NULL, "confluence",
         "must be one of IMMORTAL, JARVIS_PERFECT, PERFECT, HARMONIC_CONVERGENCE, STRONG, "
         "MODERATE, DIVERGENT"},
        {NULL, "p_model,ai,research,esoteric,jarvis,final,tier,confluence,point", NULL, NULL},
        {"{\"side\":\"Over|Under\"}", NULL, "side", "must not contain '|'"},
        {"{\"point\":-10000.5}", NULL, "point", "must be between -10000 and 10000"},
        {NULL, "side", "side", "required field missing"},
        {NULL, "market", "market", "required field missing"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_SCORE, score_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_ASSERT_INT(check1(WIRE_SCORE, score_json, jlist("flags", "\"arb\"", 16), NULL, NULL, NULL),
                 ==, 0);
    T_ASSERT_INT(check1(WIRE_SCORE, score_json, jlist("flags", "\"arb\"", 17), NULL, "flags",
                        "more than 16 entries"), ==, 0);
    T_ASSERT_INT(check1(WIRE_SCORE, score_json, jlist("flags", "\"abcdefghijabcdefghijabcdefghijabc\"",
                                                      1), NULL, "flags[0]", "longer than 32 bytes"),
                 ==, 0);
    T_END;
}

int test_0126_wire_signal_rules(void)
{
    static const rule_t rules[] = {
        {"{\"rev\":0}", NULL, "rev", "must be >= 1"},
        {"{\"rev\":2147483648}", NULL, "rev", "must be >= 1"},
        {"{\"state\":\"closed\"}", NULL, "state", "must be one of open, update, withdrawn"},
        {"{\"price\":100001}", NULL, "price", "American odds need |price| <= 100000"},
        {"{\"p_fair\":-0.1}", NULL, "p_fair", "must be between 0 and 1"},
        {NULL, "p_model", "p_model", "required field missing"},
        {"{\"edge\":-1.5}", NULL, "edge", "must be between -1 and 100"},
        {"{\"edge\":100}", NULL, NULL, NULL},
        {"{\"kelly\":1.1}", NULL, "kelly", "must be between 0 and 1"},
        {"{\"stake_units\":101}", NULL, "stake_units", "must be between 0 and 100"},
        {"{\"scores\":{\"ai\":1,\"research\":2,\"esoteric\":3,\"jarvis\":4,\"final\":6}}", NULL,
         "scores.base", "required field missing"},
        {"{\"scores\":{\"ai\":1,\"research\":2,\"esoteric\":3,\"jarvis\":4,\"base\":5,"
         "\"final\":600}}", NULL, "scores.final", "must be between -100 and 100"},
        {NULL, "scores", "scores", "required field missing"},
        {NULL, "confluence", "confluence", "required field missing"},
        {"{\"tier\":\"pass\"}", NULL, "tier", "must be one of"},
        {"{\"reasons\":[]}", NULL, NULL, NULL},
        {"{\"reasons\":[\"\"]}", NULL, "reasons[0]", "must not be empty"},
        {NULL, "reasons", "reasons", "required field missing"},
        {"{\"model\":\"\"}", NULL, "model", "must not be empty"},
        {"{\"model\":\"lstm v2\"}", NULL, NULL, NULL},
        {NULL, "point", NULL, NULL},
        {"{\"player\":\"Jayson Tatum\"}", NULL, NULL, NULL},
    };
    char reason[200];
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_SIGNAL, signal_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_ASSERT_INT(check1(WIRE_SIGNAL, signal_json, jlist("reasons", "\"r\"", 32), NULL, NULL, NULL),
                 ==, 0);
    T_ASSERT_INT(check1(WIRE_SIGNAL, signal_json, jlist("reasons", "\"r\"", 33), NULL, "reasons",
                        "more than 32 entries"), ==, 0);
    reason[0] = '"';
    memset(reason + 1, 'r', 161);
    reason[162] = '"';
    reason[163] = '\0';
    T_ASSERT_INT(check1(WIRE_SIGNAL, signal_json, jlist("reasons", reason, 1), NULL, "reasons[0]",
                        "longer than 160 bytes"), ==, 0);
    reason[161] = '"';
    reason[162] = '\0';
    T_ASSERT_INT(check1(WIRE_SIGNAL, signal_json, jlist("reasons", reason, 2), NULL, NULL, NULL),
                 ==, 0);
    T_END;
}

int test_0127_wire_placement_rules(void)
{
    static const rule_t rules[] = {
        {"{\"stake\":0}", NULL, "stake", "must be > 0 and <= 1000000000"},
        {"{\"stake\":2e9}", NULL, "stake", "must be > 0 and <= 1000000000"},
        {"{\"price\":-99}", NULL, "price", "American odds need |price| >= 100"},
        {"{\"bet_id\":\"b|1\"}", NULL, "bet_id", "must be printable ASCII without '|'"},
        {NULL, "click_id", "click_id", "required field missing"},
        {NULL, "bet_id", "bet_id", "required field missing"},
        {NULL, "event_id", "event_id", "required field missing"},
        {NULL, "book", "book", "required field missing"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_PLACEMENT, placement_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    T_END;
}

int test_0128_wire_result_grade_rules(void)
{
    static const rule_t result[] = {
        {"{\"status\":\"pending\"}", NULL, "status", "must be one of accepted, rejected"},
        {"{\"price\":50}", NULL, "price", "American odds need |price| >= 100"},
        {"{\"reason\":\"\"}", NULL, "reason", "must not be empty"},
        {NULL, "price,reason", NULL, NULL},
        {NULL, "bet_id", "bet_id", "required field missing"},
    };
    static const rule_t grade[] = {
        {NULL, "bet_id,signal_id", "bet_id", "bet_id or signal_id is required"},
        {NULL, "bet_id", NULL, NULL},
        {NULL, "signal_id", NULL, NULL},
        {"{\"result\":\"won\"}", NULL, "result", "must be one of win, loss, push, void"},
        {"{\"clv\":-2}", NULL, "clv", "must be between -1 and 100"},
        {"{\"clv\":100.5}", NULL, "clv", "must be between -1 and 100"},
        {"{\"closing_price\":0}", NULL, "closing_price", "American odds need |price| >= 100"},
        {"{\"pnl\":-1e12}", NULL, NULL, NULL},
        {NULL, "pnl", "pnl", "required field missing"},
    };
    T_BEGIN;
    T_ASSERT_INT(check_rules(WIRE_PLACEMENT_RESULT, result_json, result, SV_ARRAY_SIZE(result)),
                 ==, 0);
    T_ASSERT_INT(check1(WIRE_PLACEMENT_RESULT, result_json, jstr("reason", 'x', 160), NULL, NULL,
                        NULL), ==, 0);
    T_ASSERT_INT(check1(WIRE_PLACEMENT_RESULT, result_json, jstr("reason", 'x', 161), NULL,
                        "reason", "longer than 160 bytes"), ==, 0);
    T_ASSERT_INT(check_rules(WIRE_GRADE, grade_json, grade, SV_ARRAY_SIZE(grade)), ==, 0);
    T_END;
}

int test_0129_wire_dlq_rules(void)
{
    static const rule_t rules[] = {
        {"{\"src_partition\":-2}", NULL, "src_partition", "must be >= -1"},
        {"{\"src_offset\":-2}", NULL, "src_offset", "must be >= -1"},
        {"{\"src_offset\":9223372036854775807}", NULL, NULL, NULL},
        {"{\"src_topic\":\"bad topic!\"}", NULL, "src_topic", "must be a topic name [A-Za-z0-9._-]"},
        {"{\"error\":\"\"}", NULL, "error", "must not be empty"},
        {NULL, "orig", "orig", "required field missing"},
        {"{\"orig\":\"\"}", NULL, NULL, NULL},
    };
    static const char *const bad64[] = {"abc", "ab=c", "a===", "QR==", "QUI=x===", "Q\nI=", "@@@@"};
    wire_dlq_t *d = calloc(1, sizeof(*d));
    char big[600];
    wire_err_t err;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    json_t *j = NULL;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    T_ASSERT_INT(check_rules(WIRE_DLQ, dlq_json, rules, SV_ARRAY_SIZE(rules)), ==, 0);
    memset(big, 'e', sizeof(big));
    T_ASSERT_INT(check1(WIRE_DLQ, dlq_json, jstr("error", 'e', 513), NULL, "error",
                        "longer than 512 bytes"), ==, 0);
    T_ASSERT_INT(check1(WIRE_DLQ, dlq_json, jstr("src_topic", 't', 250), NULL, "src_topic",
                        "longer than 249 bytes"), ==, 0);
    /* base64 in JSON is strict */
    for (size_t i = 0; i < SV_ARRAY_SIZE(bad64); i++) {
        json_decref(j);
        j = jparse(dlq_json);
        json_object_set_new(j, "orig", json_string(bad64[i]));
        T_ASSERT_INT(wire_from_json(WIRE_DLQ, j, d, &err), ==, SV_ERR_SCHEMA);
        T_ASSERT_STR(err.field, "orig");
        T_ASSERT_STR(err.reason, "not valid base64");
        T_ASSERT(d->orig_owned == NULL);
    }
    json_object_set_new(j, "orig", json_integer(1));
    T_ASSERT_INT(wire_from_json(WIRE_DLQ, j, d, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.reason, "must be a base64 string");
    /* a later field failing after orig was decoded frees it (ASan's leak check sees it) */
    json_object_set_new(j, "orig", json_string("QUJD"));
    json_object_set_new(j, "zzz", json_true());
    T_ASSERT_INT(wire_from_json(WIRE_DLQ, j, d, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "zzz");
    T_ASSERT(d->orig_owned == NULL);
    /* orig over 1 MiB, from C */
    d->v = 1;
    d->ts = TS;
    strcpy(d->src_topic, "savant.odds.v1");
    strcpy(d->error, "too big");
    d->orig = calloc(1, WIRE_DLQ_BYTES_MAX + 1);
    d->orig_len = WIRE_DLQ_BYTES_MAX + 1;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    T_ASSERT_INT(wire_encode(WIRE_DLQ, d, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "orig");
    T_ASSERT_STR(err.reason, "longer than 1048576 bytes");
    d->orig_len = WIRE_DLQ_BYTES_MAX; /* exactly 1 MiB is fine, and decodes back */
    T_ASSERT_INT(wire_encode(WIRE_DLQ, d, &pk, &err), ==, SV_OK);
    free((void *)d->orig);
    d->orig = NULL;
    T_ASSERT_INT(wire_decode(WIRE_DLQ, sb.data, sb.size, d, &err), ==, SV_OK);
    T_ASSERT_INT(d->orig_len, ==, WIRE_DLQ_BYTES_MAX);
    d->orig = NULL;
    d->orig_len = 5; /* a length without bytes */
    T_ASSERT_INT(wire_validate(WIRE_DLQ, d, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.reason, "bytes missing");
end:
    msgpack_sbuffer_destroy(&sb);
    json_decref(j);
    free(d);
    return t_rc_;
}

int test_0130_wire_encode_validates(void)
{
    wire_odds_t *o = calloc(1, sizeof(*o));
    wire_signal_t *s = calloc(1, sizeof(*s));
    msgpack_sbuffer sb;
    msgpack_packer pk;
    wire_err_t err;
    char *p;
    T_BEGIN;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    odds_sample(o);
    T_ASSERT_INT(wire_validate(WIRE_ODDS, o, &err), ==, SV_OK);
    o->outcome_cnt = WIRE_OUTCOMES_MAX + 1;
    T_ASSERT_INT(wire_encode(WIRE_ODDS, o, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "outcomes");
    T_ASSERT_STR(err.reason, "more than 64 entries");
    T_ASSERT_INT(sb.size, ==, 0); /* nothing was written */
    odds_sample(o);
    memset(o->event_id, 'x', sizeof(o->event_id)); /* not terminated */
    T_ASSERT_INT(wire_encode(WIRE_ODDS, o, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "event_id");
    T_ASSERT_STR(err.reason, "longer than 64 bytes");
    odds_sample(o);
    o->outcomes[1].present = WIRE_OUTCOME_HAS_DECIMAL | WIRE_OUTCOME_HAS_PRICE;
    o->outcomes[1].price = 150;
    T_ASSERT_INT(wire_encode(WIRE_ODDS, o, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "outcomes[1].decimal");
    T_ASSERT_STR(err.reason, "exactly one of price, decimal is required");
    odds_sample(o);
    o->outcomes[0].point = NAN;
    T_ASSERT_INT(wire_encode(WIRE_ODDS, o, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "outcomes[0].point");
    T_ASSERT_STR(err.reason, "must be finite");
    odds_sample(o);
    o->outcomes[0].present = WIRE_OUTCOME_HAS_PRICE; /* an absent point is not checked */
    o->outcomes[0].point = NAN;
    T_ASSERT_INT(wire_encode(WIRE_ODDS, o, &pk, &err), ==, SV_OK);
    T_ASSERT((p = memmem(sb.data, sb.size, "point", 5)) != NULL);
    T_ASSERT(memmem(p + 5, sb.size - (size_t)(p + 5 - sb.data), "point", 5) == NULL);
    signal_sample(s);
    s->tier = (wire_tier_t)9;
    T_ASSERT_INT(wire_encode(WIRE_SIGNAL, s, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "tier");
    T_ASSERT_CONTAINS(err.reason, "must be one of TITANIUM_SMASH");
    signal_sample(s);
    s->scores.esoteric = INFINITY;
    T_ASSERT_INT(wire_encode(WIRE_SIGNAL, s, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "scores.esoteric");
    T_ASSERT_STR(err.reason, "must be finite");
    signal_sample(s);
    s->reason_cnt = 3;
    strcpy(s->reasons[2], "\xff");
    T_ASSERT_INT(wire_encode(WIRE_SIGNAL, s, &pk, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "reasons[2]");
    T_ASSERT_STR(err.reason, "not valid UTF-8");
    {
        char msg[300];
        T_ASSERT_STR(wire_err_str(&err, msg, sizeof(msg)), "reasons[2]: not valid UTF-8");
        strcpy(err.field, "");
        T_ASSERT_STR(wire_err_str(&err, msg, sizeof(msg)), "not valid UTF-8");
    }
end:
    msgpack_sbuffer_destroy(&sb);
    free(o);
    free(s);
    return t_rc_;
}

/* wire_msgpack_to_json of bytes, dumped compactly ("" and err on failure). */
static char *any_json(const void *buf, size_t len, wire_err_t *err)
{
    json_t *j = wire_msgpack_to_json(buf, len, err);
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(j);
    return s;
}

int test_0131_wire_msgpack_to_json(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *json; /* NULL: must fail with reason */
        const char *reason;
    } cases[] = {
        {"\x83\xa1" "a\x93\x01\xff\x81\xa1" "b\xc0\xa1" "c\xcb\x40\x09\x00\x00\x00\x00\x00\x00"
         "\xa1" "d\xc4\x03\x00\x01\x02", 28,
         "{\"a\":[1,-1,{\"b\":null}],\"c\":3.125,\"d\":\"AAEC\"}", NULL},
        {"\x92\xc2\xc3", 3, "[false,true]", NULL},
        {"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9, "1.84467440737096e19", NULL},
        {"\xd3\x80\x00\x00\x00\x00\x00\x00\x00", 9, "-9223372036854775808", NULL},
        {"\xca\x3f\xc0\x00\x00", 5, "1.5", NULL},
        {"\xa6h\xc3\xa9llo", 7, "\"h\xc3\xa9llo\"", NULL},
        {"\x90", 1, "[]", NULL},
        {"\x80", 1, "{}", NULL},
        {"\x81\x01\x02", 3, NULL, "map keys must be strings"},
        {"\x82\xa1" "a\x01\xa1" "a\x02", 7, NULL, "duplicate key"},
        {"\xa2\xff\xfe", 3, NULL, "string is not valid UTF-8"},
        {"\x81\xa1\xff\x01", 4, NULL, "map key is not valid UTF-8"},
        {"\xcb\x7f\xf0\x00\x00\x00\x00\x00\x00", 9, NULL, "NaN and infinity have no JSON form"},
        {"\xd4\x01\x00", 3, NULL, "msgpack ext values have no JSON form"},
        {"\x92\x01", 2, NULL, "malformed msgpack: truncated"},
        {"\x01\x02", 2, NULL, "malformed msgpack: trailing bytes after the value"},
        {"\xc1", 1, NULL, "malformed msgpack: reserved byte 0xc1"},
        {"", 0, NULL, "malformed msgpack: truncated"},
    };
    uint8_t deep[40];
    wire_err_t err;
    char *s = NULL;
    T_BEGIN;
    for (size_t i = 0; i < SV_ARRAY_SIZE(cases); i++) {
        free(s);
        s = any_json(cases[i].bytes, cases[i].len, &err);
        if (cases[i].json) {
            T_ASSERT_STR(s, cases[i].json);
        } else {
            T_ASSERT(s == NULL);
            T_ASSERT_STR(err.reason, cases[i].reason);
        }
    }
    memset(deep, 0x91, 32);
    deep[32] = 0x07;
    free(s);
    T_ASSERT((s = any_json(deep, 33, &err)) != NULL);
    T_ASSERT_INT(strlen(s), ==, 65);
    free(s);
    memset(deep, 0x91, 33);
    deep[33] = 0x07;
    s = any_json(deep, 34, &err);
    T_ASSERT(s == NULL);
    T_ASSERT_STR(err.reason, "malformed msgpack: nested too deeply");
    T_ASSERT(wire_msgpack_to_json("\xc0", 1, NULL) != NULL); /* err may be NULL; null is static */
end:
    free(s);
    return t_rc_;
}

int test_0132_wire_mp_reader(void)
{
    static const uint8_t msg[] = {0x94, 0xd1, 0xff, 0x92, 0xd9, 0x02, 'h', 'i', 0xc7, 0x01, 0x07,
                                  0xaa, 0xde, 0x00, 0x01, 0xa0, 0xc0};
    wire_mp_reader_t r;
    wire_mp_val_t v;
    const char *why = NULL;
    T_BEGIN;
    T_ASSERT_INT(wire_mp_check(msg, sizeof(msg), &why), ==, SV_OK);
    wire_mp_init(&r, msg, sizeof(msg));
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_OK);
    T_ASSERT_INT(v.kind, ==, WIRE_MP_ARRAY);
    T_ASSERT_INT(v.len, ==, 4);
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_OK);
    T_ASSERT_INT(v.kind, ==, WIRE_MP_INT);
    T_ASSERT_INT(v.i, ==, -110);
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_OK);
    T_ASSERT_INT(v.kind, ==, WIRE_MP_STR);
    T_ASSERT_INT(v.len, ==, 2);
    T_ASSERT(memcmp(v.ptr, "hi", 2) == 0);
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_OK);
    T_ASSERT_INT(v.kind, ==, WIRE_MP_EXT);
    T_ASSERT_INT(v.ext_type, ==, 7);
    T_ASSERT_INT(v.len, ==, 1);
    T_ASSERT_INT(wire_mp_skip(&r, 1), ==, SV_OK); /* the map16 */
    T_ASSERT(r.p == r.end);
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_ERR_DECODE);
    T_ASSERT_STR(r.why, "truncated");
    /* a failed header leaves the cursor where it was */
    wire_mp_init(&r, "\xda\x00\x05hi", 5);
    T_ASSERT_INT(wire_mp_next(&r, &v), ==, SV_ERR_DECODE);
    T_ASSERT(r.p == r.end - 5);
    T_ASSERT_INT(wire_mp_check("\xdf\xff\xff\xff\xff", 5, &why), ==, SV_ERR_DECODE);
    T_ASSERT_STR(why, "truncated");
    T_ASSERT_INT(wire_mp_check("\xc7\x01", 2, &why), ==, SV_ERR_DECODE);
    T_ASSERT_INT(wire_mp_check("\xd8\x01", 2, &why), ==, SV_ERR_DECODE);
    T_ASSERT_INT(wire_mp_check("\xcb\x00", 2, &why), ==, SV_ERR_DECODE);
    T_END;
}

int test_0133_wire_json_input(void)
{
    wire_click_t c;
    wire_err_t err;
    json_t *j = NULL;
    T_BEGIN;
    /* JSON integers for doubles, reals for ints when integral, null for absent */
    j = jmake(click_json, "{\"ts\":1767225600000.0,\"stake\":10,\"max_price_move\":null}", NULL);
    T_ASSERT_INT(wire_from_json(WIRE_CLICK, j, &c, &err), ==, SV_OK);
    T_ASSERT_INT(c.ts, ==, TS);
    T_ASSERT(c.stake == 10);
    T_ASSERT_INT(c.present, ==, 0);
    T_ASSERT(c.max_price_move == 0);
    json_decref(j);
    /* the first bad field in object order is the one named */
    j = jmake(click_json, "{\"click_id\":1,\"stake\":-1}", NULL);
    T_ASSERT_INT(wire_from_json(WIRE_CLICK, j, &c, &err), ==, SV_ERR_SCHEMA);
    T_ASSERT_STR(err.field, "click_id");
    json_decref(j);
    /* deep nesting in a JSON value is an error, not a crash */
    {
        char deep[200];
        memset(deep, '[', 100);
        memset(deep + 100, ']', 100);
        j = json_loadb(deep, 200, 0, NULL);
        T_ASSERT(j != NULL);
        json_t *o = jparse(click_json);
        json_object_set_new(o, "zz", j);
        T_ASSERT_INT(wire_from_json(WIRE_CLICK, o, &c, &err), ==, SV_ERR_SCHEMA);
        T_ASSERT_STR(err.reason, "nested too deeply");
        j = o;
    }
end:
    json_decref(j);
    return t_rc_;
}

/* 0134: the enum names the engine and tools share with the codec's tables. */
int test_0134_wire_enum_names(void);
int test_0134_wire_enum_names(void)
{
    wire_tier_t t;
    wire_confluence_t c;
    T_BEGIN;
    T_ASSERT_STR(wire_tier_name(WIRE_TIER_GOLD_STAR), "GOLD_STAR");
    T_ASSERT_STR(wire_tier_name((wire_tier_t)5), "");
    T_ASSERT_INT(wire_tier_by_name("EDGE_LEAN", &t), ==, SV_OK);
    T_ASSERT_INT(t, ==, WIRE_TIER_EDGE_LEAN);
    T_ASSERT_INT(wire_tier_by_name("DROPPED", &t), ==, SV_ERR_NOENT);
    T_ASSERT_STR(wire_confluence_name(WIRE_CONF_HARMONIC_CONVERGENCE), "HARMONIC_CONVERGENCE");
    T_ASSERT_STR(wire_confluence_name((wire_confluence_t)-1), "");
    T_ASSERT_INT(wire_confluence_by_name("DIVERGENT", &c), ==, SV_OK);
    T_ASSERT_INT(c, ==, WIRE_CONF_DIVERGENT);
    T_ASSERT_INT(wire_confluence_by_name("strong", &c), ==, SV_ERR_NOENT);
    T_ASSERT_STR(wire_injury_status_name(WIRE_INJ_DAY_TO_DAY), "day_to_day");
    T_ASSERT_STR(wire_injury_status_name((wire_injury_status_t)7), "");
    T_END;
}
