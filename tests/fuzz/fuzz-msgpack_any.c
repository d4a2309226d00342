/*
 * fuzz-msgpack_any — libFuzzer target: arbitrary bytes through wire_msgpack_to_json. It must
 * fail exactly when wire_mp_check does (or for a value JSON cannot carry, with a reason), and a
 * result must dump to JSON text.
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
    json_decref(j);
    return 0;
}
