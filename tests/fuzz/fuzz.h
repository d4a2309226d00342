/*
 * fuzz — the property every decoder fuzz target checks (included by tests/fuzz/fuzz-*.c).
 *
 * Whatever the input, the decoders must fail cleanly or succeed; when wire_decode (or
 * wire_from_json) accepts an event, it must re-encode (it is valid), decode again to the same
 * bytes, map to JSON and back to the same bytes, and give the same key and the same JSON text.
 * A broken property abort()s, which libFuzzer reports as a crash with the input saved.
 */
#ifndef SV_FUZZ_H
#define SV_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wire_mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_die(const char *what, wire_type_t t, const wire_err_t *err)
{
    fprintf(stderr, "fuzz property broken: %s (type %s; %s: %s)\n", what, wire_type_name(t),
            err ? err->field : "", err ? err->reason : "");
    abort();
}

/* Appends the encoding of ev to a fresh buffer; the event must be valid. */
static inline void fuzz_encode(wire_type_t t, const void *ev, msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    wire_err_t err;
    msgpack_sbuffer_init(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    if (wire_encode(t, ev, &pk, &err) != SV_OK)
        fuzz_die("a decoded event does not encode", t, &err);
}

static inline void fuzz_same(const msgpack_sbuffer *a, const msgpack_sbuffer *b, const char *what,
                      wire_type_t t)
{
    if (a->size != b->size || memcmp(a->data, b->data, a->size) != 0)
        fuzz_die(what, t, NULL);
}

static inline char *fuzz_json_text(wire_type_t t, const void *ev)
{
    json_t *j = wire_to_json(t, ev);
    char *s;
    if (!j)
        fuzz_die("a valid event has no JSON", t, NULL);
    s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(j);
    if (!s)
        fuzz_die("json_dumps failed", t, NULL);
    return s;
}

/* The property for one valid event ev of type t. */
static inline void fuzz_valid_event(wire_type_t t, const void *ev)
{
    size_t size = wire_struct_size(t);
    void *ev2 = calloc(1, size), *ev3 = calloc(1, size);
    char k1[WIRE_KEY_MAX], k2[WIRE_KEY_MAX];
    msgpack_sbuffer a, b, c;
    char *s1, *s2;
    json_t *j;
    wire_err_t err;

    fuzz_encode(t, ev, &a);
    if (wire_decode(t, a.data, a.size, ev2, &err) != SV_OK)
        fuzz_die("an encoded event does not decode", t, &err);
    fuzz_encode(t, ev2, &b);
    fuzz_same(&a, &b, "encode(decode(encode(ev))) != encode(ev)", t);
    if (wire_key(t, ev, k1, sizeof(k1)) != SV_OK || wire_key(t, ev2, k2, sizeof(k2)) != SV_OK ||
        strcmp(k1, k2) != 0)
        fuzz_die("keys differ or do not fit WIRE_KEY_MAX", t, NULL);
    j = wire_to_json(t, ev);
    if (!j)
        fuzz_die("a valid event has no JSON", t, NULL);
    if (wire_from_json(t, j, ev3, &err) != SV_OK)
        fuzz_die("the JSON of a valid event is rejected", t, &err);
    json_decref(j);
    fuzz_encode(t, ev3, &c);
    fuzz_same(&a, &c, "encode(from_json(to_json(ev))) != encode(ev)", t);
    s1 = fuzz_json_text(t, ev);
    s2 = fuzz_json_text(t, ev3);
    if (strcmp(s1, s2) != 0)
        fuzz_die("JSON texts differ", t, NULL);
    free(s1);
    free(s2);
    wire_release(t, ev3);
    msgpack_sbuffer_destroy(&a);
    msgpack_sbuffer_destroy(&b);
    msgpack_sbuffer_destroy(&c);
    free(ev2);
    free(ev3);
}

/* The body of fuzz-<type>: decode arbitrary bytes as type t. */
static inline int fuzz_decoder(wire_type_t t, const uint8_t *data, size_t size)
{
    void *ev = calloc(1, wire_struct_size(t));
    wire_err_t err;
    sv_err_t rc = wire_decode(t, data, size, ev, &err);

    if (rc == SV_OK) {
        fuzz_valid_event(t, ev);
    } else {
        if (rc != SV_ERR_DECODE && rc != SV_ERR_SCHEMA)
            fuzz_die("unexpected error code", t, &err);
        if (!err.reason[0] || strlen(err.field) >= sizeof(err.field))
            fuzz_die("an error without a reason", t, &err);
        if (wire_mp_check(data, size, NULL) != SV_OK && rc != SV_ERR_DECODE)
            fuzz_die("malformed bytes not reported as SV_ERR_DECODE", t, &err);
    }
    wire_release(t, ev);
    free(ev);
    return 0;
}

#endif
