/*
 * wire_mp — the msgpack reader: decodes one header at a time from a bounds-checked cursor. Every
 * length is checked against the bytes that remain before anything is read, and an array or map
 * may not announce more entries than there are bytes left (each entry takes at least one), so a
 * hostile count can neither read out of bounds nor make a skip loop spin.
 */
#include "wire_mp.h"

#include <string.h>

void wire_mp_init(wire_mp_reader_t *r, const void *buf, size_t len)
{
    r->p = buf;
    r->end = r->p + len;
    r->why = NULL;
}

static sv_err_t mp_bad(wire_mp_reader_t *r, const char *why)
{
    r->why = why;
    return SV_ERR_DECODE;
}

/* Big-endian unsigned integer of n bytes at p. */
static uint64_t mp_be(const uint8_t *p, unsigned n)
{
    uint64_t x = 0;
    for (unsigned k = 0; k < n; k++)
        x = (x << 8) | p[k];
    return x;
}

/* Header byte → how many length/value bytes follow it (the table behind wire_mp_next). */
static unsigned mp_arg_size(uint8_t c)
{
    switch (c) {
    case 0xc4: case 0xc7: case 0xcc: case 0xd0: case 0xd9: return 1;
    case 0xc5: case 0xc8: case 0xcd: case 0xd1: case 0xda: case 0xdc: case 0xde: return 2;
    case 0xc6: case 0xc9: case 0xca: case 0xce: case 0xd2: case 0xdb: case 0xdd: case 0xdf: return 4;
    case 0xcb: case 0xcf: case 0xd3: return 8;
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: return 1; /* fixext: the type byte */
    default: return 0;
    }
}

/* Takes n payload bytes for STR/BIN/EXT. */
static sv_err_t mp_take(wire_mp_reader_t *r, wire_mp_val_t *v, uint64_t n)
{
    if (n > (uint64_t)(r->end - r->p))
        return mp_bad(r, "truncated");
    v->ptr = r->p;
    v->len = (uint32_t)n;
    r->p += n;
    return SV_OK;
}

/* Checks an array/map count against the bytes left (each entry needs at least one byte). */
static sv_err_t mp_count(wire_mp_reader_t *r, wire_mp_val_t *v, wire_mp_kind_t k, uint64_t n)
{
    uint64_t need = k == WIRE_MP_MAP ? 2 * n : n;
    if (need > (uint64_t)(r->end - r->p))
        return mp_bad(r, "truncated");
    v->kind = k;
    v->len = (uint32_t)n;
    return SV_OK;
}

sv_err_t wire_mp_next(wire_mp_reader_t *r, wire_mp_val_t *v)
{
    const uint8_t *start = r->p;
    unsigned n;
    uint64_t a;
    uint8_t c;
    sv_err_t rc;

    if (r->p >= r->end)
        return mp_bad(r, "truncated");
    c = *r->p++;
    if (c <= 0x7f || c >= 0xe0) {
        v->kind = c <= 0x7f ? WIRE_MP_UINT : WIRE_MP_INT;
        v->u = c;
        v->i = (int8_t)c;
        return SV_OK;
    }
    if (c >= 0x80 && c <= 0x8f)
        return (rc = mp_count(r, v, WIRE_MP_MAP, c & 0x0f)) ? (r->p = start, rc) : SV_OK;
    if (c >= 0x90 && c <= 0x9f)
        return (rc = mp_count(r, v, WIRE_MP_ARRAY, c & 0x0f)) ? (r->p = start, rc) : SV_OK;
    if (c >= 0xa0 && c <= 0xbf) {
        v->kind = WIRE_MP_STR;
        return (rc = mp_take(r, v, c & 0x1f)) ? (r->p = start, rc) : SV_OK;
    }
    if (c == 0xc0 || c == 0xc2 || c == 0xc3) {
        v->kind = c == 0xc0 ? WIRE_MP_NIL : WIRE_MP_BOOL;
        v->b = c == 0xc3;
        return SV_OK;
    }
    if (c == 0xc1) {
        r->p = start;
        return mp_bad(r, "reserved byte 0xc1");
    }
    n = mp_arg_size(c);
    if (n > (size_t)(r->end - r->p)) {
        r->p = start;
        return mp_bad(r, "truncated");
    }
    a = mp_be(r->p, n);
    r->p += n;
    switch (c) {
    case 0xc4: case 0xc5: case 0xc6:
        v->kind = WIRE_MP_BIN;
        rc = mp_take(r, v, a);
        break;
    case 0xd9: case 0xda: case 0xdb:
        v->kind = WIRE_MP_STR;
        rc = mp_take(r, v, a);
        break;
    case 0xc7: case 0xc8: case 0xc9: /* ext 8/16/32: length, then the type byte */
        v->kind = WIRE_MP_EXT;
        if (r->p >= r->end) {
            rc = mp_bad(r, "truncated");
            break;
        }
        v->ext_type = (int8_t)*r->p++;
        rc = mp_take(r, v, a);
        break;
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: /* fixext 1..16 */
        v->kind = WIRE_MP_EXT;
        v->ext_type = (int8_t)a;
        rc = mp_take(r, v, 1u << (c - 0xd4));
        break;
    case 0xca: {
        uint32_t bits = (uint32_t)a;
        float f;
        memcpy(&f, &bits, sizeof(f));
        v->kind = WIRE_MP_FLOAT;
        v->d = f;
        rc = SV_OK;
        break;
    }
    case 0xcb:
        v->kind = WIRE_MP_FLOAT;
        memcpy(&v->d, &a, sizeof(v->d));
        rc = SV_OK;
        break;
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
        v->kind = WIRE_MP_UINT;
        v->u = a;
        rc = SV_OK;
        break;
    case 0xd0: v->kind = WIRE_MP_INT; v->i = (int8_t)a; rc = SV_OK; break;
    case 0xd1: v->kind = WIRE_MP_INT; v->i = (int16_t)a; rc = SV_OK; break;
    case 0xd2: v->kind = WIRE_MP_INT; v->i = (int32_t)a; rc = SV_OK; break;
    case 0xd3: v->kind = WIRE_MP_INT; v->i = (int64_t)a; rc = SV_OK; break;
    case 0xdc: case 0xdd: rc = mp_count(r, v, WIRE_MP_ARRAY, a); break;
    default: /* 0xde, 0xdf */ rc = mp_count(r, v, WIRE_MP_MAP, a); break;
    }
    if (rc)
        r->p = start;
    return rc;
}

sv_err_t wire_mp_skip(wire_mp_reader_t *r, unsigned depth)
{
    wire_mp_val_t v;
    sv_err_t rc;
    uint64_t n;

    if ((rc = wire_mp_next(r, &v)))
        return rc;
    if (v.kind != WIRE_MP_ARRAY && v.kind != WIRE_MP_MAP)
        return SV_OK;
    if (depth >= WIRE_MP_DEPTH_MAX)
        return mp_bad(r, "nested too deeply");
    n = v.kind == WIRE_MP_MAP ? 2 * (uint64_t)v.len : v.len;
    for (uint64_t k = 0; k < n; k++)
        if ((rc = wire_mp_skip(r, depth + 1)))
            return rc;
    return SV_OK;
}

sv_err_t wire_mp_check(const void *buf, size_t len, const char **why)
{
    wire_mp_reader_t r;
    sv_err_t rc;

    wire_mp_init(&r, buf, len);
    if ((rc = wire_mp_skip(&r, 0)) == SV_OK && r.p != r.end)
        rc = mp_bad(&r, "trailing bytes after the value");
    if (rc && why)
        *why = r.why;
    return rc;
}
