/*
 * 0135: wire_msgpack_to_text, the direct msgpack → JSON text writer behind the engine's Redis and
 * push items: exact text for hand-built values (key order kept, escapes, the double forms),
 * errors leave the output as it was, and a score event gives the same JSON value as jansson's
 * wire_to_json.
 */
#include <msgpack.h>

#include "harness.h"
#include "wire.h"

int test_0135_wire_text(void);
int test_0135_wire_text(void)
{
    msgpack_sbuffer mp, out;
    msgpack_packer pk;
    wire_err_t err;
    wire_score_t sc;
    json_t *a = NULL, *b = NULL;
    T_BEGIN;
    msgpack_sbuffer_init(&mp);
    msgpack_sbuffer_init(&out);
    msgpack_packer_init(&pk, &mp, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 7);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "z", 1);
    msgpack_pack_int(&pk, -3);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "a", 1);
    msgpack_pack_array(&pk, 5);
    msgpack_pack_double(&pk, -5.5);
    msgpack_pack_double(&pk, 1.91);
    msgpack_pack_double(&pk, 7.0);
    msgpack_pack_double(&pk, 0.1 + 0.2);
    msgpack_pack_double(&pk, -0.0);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "s", 1);
    msgpack_pack_str(&pk, 9);
    msgpack_pack_str_body(&pk, "q\"b\\\n\x01\xc3\xa9!", 9);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "b", 1);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_true(&pk);
    msgpack_pack_false(&pk);
    msgpack_pack_nil(&pk);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "e", 1);
    msgpack_pack_double(&pk, 1e20);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "m", 1);
    msgpack_pack_map(&pk, 0);
    msgpack_pack_str(&pk, 1);
    msgpack_pack_str_body(&pk, "u", 1);
    msgpack_pack_uint64(&pk, 18446744073709551615ULL);
    memcpy(out.data ? out.data : (msgpack_sbuffer_write(&out, "<", 1), out.data), "<", 1);
    T_ASSERT_INT(wire_msgpack_to_text(mp.data, mp.size, &out, &err), ==, SV_OK);
    T_ASSERT_INT(out.size, >, 1);
    {
        char got[512];
        snprintf(got, sizeof(got), "%.*s", (int)out.size, out.data);
        T_ASSERT_STR(got, "<{\"z\":-3,\"a\":[-5.5,1.91,7.0,0.30000000000000004,-0.0],"
                          "\"s\":\"q\\\"b\\\\\\n\\u0001\xc3\xa9!\",\"b\":[true,false,null],"
                          "\"e\":1e+20,\"m\":{},\"u\":1.8446744073709552e+19}");
    }
    /* a trailing byte, a truncation: errors, and the output is as it was */
    msgpack_pack_nil(&pk);
    T_ASSERT_INT(wire_msgpack_to_text(mp.data, mp.size, &out, &err), ==, SV_ERR_DECODE);
    T_ASSERT_STR(err.reason, "bytes after the value");
    T_ASSERT_INT(wire_msgpack_to_text(mp.data, 20, &out, &err), ==, SV_ERR_DECODE);
    T_ASSERT_INT(out.size, ==, 1 + strlen("{\"z\":-3,\"a\":[-5.5,1.91,7.0,0.30000000000000004,-0.0],"
                                          "\"s\":\"q\\\"b\\\\\\n\\u0001\xc3\xa9!\",\"b\":[true,false,null],"
                                          "\"e\":1e+20,\"m\":{},\"u\":1.8446744073709552e+19}"));
    /* a score: the same JSON value as wire_to_json */
    memset(&sc, 0, sizeof(sc));
    sc.v = 1;
    sc.ts = 1771100000008;
    snprintf(sc.cand.event_id, sizeof(sc.cand.event_id), "tv25");
    snprintf(sc.cand.market, sizeof(sc.cand.market), "spreads");
    snprintf(sc.cand.side, sizeof(sc.cand.side), "Los Angeles Lakers");
    sc.cand.point = -5.5;
    sc.cand.present = WIRE_CAND_HAS_POINT;
    sc.p_fair = 0.5;
    sc.best_price = -110;
    sc.best_decimal = 1.0 + 100.0 / 110.0;
    snprintf(sc.best_book, sizeof(sc.best_book), "alpha");
    sc.books = 7;
    sc.line_variance = 1.0;
    sc.final = 7.4236200000000006;
    sc.tier = WIRE_TIER_EDGE_LEAN;
    sc.present = WIRE_SCORE_HAS_FINAL | WIRE_SCORE_HAS_TIER;
    mp.size = 0;
    out.size = 0;
    T_ASSERT_INT(wire_encode(WIRE_SCORE, &sc, &pk, &err), ==, SV_OK);
    T_ASSERT_INT(wire_msgpack_to_text(mp.data, mp.size, &out, &err), ==, SV_OK);
    a = json_loadb(out.data, out.size, 0, NULL);
    b = wire_to_json(WIRE_SCORE, &sc);
    T_ASSERT(a && b && json_equal(a, b));
end:
    json_decref(a);
    json_decref(b);
    msgpack_sbuffer_destroy(&mp);
    msgpack_sbuffer_destroy(&out);
    return t_rc_;
}
