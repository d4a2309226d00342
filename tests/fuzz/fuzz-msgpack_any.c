/*
 * fuzz-msgpack_any — libFuzzer target: arbitrary bytes through wire_msgpack_to_json. It must
 * fail exactly when wire_mp_check does (or for a value JSON cannot carry, with a reason), and a
 * result must dump to JSON text. The direct writer wire_msgpack_to_text must then succeed too,
 * and its text must parse back to an equal JSON value (differential check of the two).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wire_err_t err;
    json_t *j = wire_msgpack_to_json(data, size, &err);
    bool wellformed = wire_mp_check(data, size, NULL) == SV_OK;
    char *s;

    if (j && !wellformed)
        fuzz_die("malformed msgpack converted", WIRE_NONE, NULL);
    if (!j) {
        if (!err.reason[0])
            fuzz_die("no reason", WIRE_NONE, &err);
        if (!wellformed && strncmp(err.reason, "malformed msgpack: ", 19) != 0)
            fuzz_die("malformed msgpack with another reason", WIRE_NONE, &err);
        return 0;
    }
    s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        fuzz_die("json_dumps failed", WIRE_NONE, NULL);
    free(s);
    {
        msgpack_sbuffer sb;
        json_t *back;
        msgpack_sbuffer_init(&sb);
        if (wire_msgpack_to_text(data, size, &sb, &err) != SV_OK)
            fuzz_die("wire_msgpack_to_text failed where wire_msgpack_to_json did not", WIRE_NONE,
                     &err);
        back = json_loadb(sb.data, sb.size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        /* jansson's parser takes NUL inside string values (JSON_ALLOW_NUL) but not inside object
         * keys, so a text with an escaped NUL is only checked to be what jansson would write */
        if (!memmem(sb.data, sb.size, "\\u0000", 6) && (!back || !json_equal(back, j)))
            fuzz_die("wire_msgpack_to_text gives another value", WIRE_NONE, NULL);
        json_decref(back);
        msgpack_sbuffer_destroy(&sb);
    }
    json_decref(j);
    return 0;
}
