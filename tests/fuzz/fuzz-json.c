/*
 * fuzz-json — libFuzzer target: arbitrary bytes through json_loadb and wire_from_json for every
 * event type; each accepted event must satisfy the round-trip property of tests/fuzz/fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    if (!j)
        return 0;
    for (int t = 0; t < WIRE__CNT; t++) {
        void *ev = calloc(1, wire_struct_size((wire_type_t)t));
        wire_err_t err;
        sv_err_t rc = wire_from_json((wire_type_t)t, j, ev, &err);
        if (rc == SV_OK)
            fuzz_valid_event((wire_type_t)t, ev);
        else if (rc != SV_ERR_SCHEMA || !err.reason[0])
            fuzz_die("wire_from_json: unexpected error", (wire_type_t)t, &err);
        wire_release((wire_type_t)t, ev);
        free(ev);
    }
    json_decref(j);
    return 0;
}
