/*
 * wire_mp — a bounds-checked, allocation-free msgpack reader over raw bytes: the hot path under
 * the schema decoder of wire.c and the converter behind wire_msgpack_to_json(). It reads one
 * header at a time (strings, binaries and extensions come with their bytes, arrays and maps with
 * their entry count) and never reads past the end it was given; wire_mp_check() validates one
 * whole value, bounded in depth (the schema decoder walks and checks structure in one pass and
 * calls it only to classify a failure). wire_mp_next_fast() inlines the common headers.
 */
#ifndef SV_WIRE_MP_H
#define SV_WIRE_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sv_err.h"

#define WIRE_MP_DEPTH_MAX 32 /* arrays and maps nested deeper are malformed for Savant */

typedef enum wire_mp_kind {
    WIRE_MP_NIL,
    WIRE_MP_BOOL,
    WIRE_MP_UINT,  /* positive integer of an unsigned encoding (u) */
    WIRE_MP_INT,   /* integer of a signed encoding (i, may be >= 0) */
    WIRE_MP_FLOAT, /* float32 or float64, widened (d) */
    WIRE_MP_STR,   /* ptr, len */
    WIRE_MP_BIN,   /* ptr, len */
    WIRE_MP_ARRAY, /* len entries follow */
    WIRE_MP_MAP,   /* len key/value pairs follow */
    WIRE_MP_EXT,   /* ext_type, ptr, len */
} wire_mp_kind_t;

/* One msgpack header as read; ptr borrows from the reader's buffer. */
typedef struct wire_mp_val {
    wire_mp_kind_t kind; /* what was read */
    bool b;              /* WIRE_MP_BOOL */
    uint64_t u;          /* WIRE_MP_UINT */
    int64_t i;           /* WIRE_MP_INT */
    double d;            /* WIRE_MP_FLOAT */
    const uint8_t *ptr;  /* STR, BIN, EXT bytes */
    uint32_t len;        /* STR/BIN/EXT bytes, ARRAY entries, MAP pairs */
    int8_t ext_type;     /* WIRE_MP_EXT */
} wire_mp_val_t;

/* A cursor over a borrowed buffer. */
typedef struct wire_mp_reader {
    const uint8_t *p;   /* next byte */
    const uint8_t *end; /* one past the last byte */
    const char *why;    /* after SV_ERR_DECODE: a static reason ("truncated", …) */
} wire_mp_reader_t;

/** @brief Start reading buf[0..len) (borrowed, must outlive the reader). */
void wire_mp_init(wire_mp_reader_t *r, const void *buf, size_t len);

/**
 * @brief Read the next header into v and advance past it (and past STR/BIN/EXT bytes).
 * @returns SV_OK, or SV_ERR_DECODE (r->why set) when the bytes are truncated or use the reserved
 *          byte 0xc1, or when an array/map announces more entries than bytes remain.
 * @locality any thread
 */
sv_err_t wire_mp_next(wire_mp_reader_t *r, wire_mp_val_t *v);

/**
 * @brief wire_mp_next with the headers Savant's messages are mostly made of (fixstr, fixint,
 *        fixmap, fixarray, float64) read inline; every other byte goes to wire_mp_next. Same
 *        contract and results. @locality any thread
 */
static inline sv_err_t wire_mp_next_fast(wire_mp_reader_t *r, wire_mp_val_t *v)
{
    if (r->p < r->end) {
        uint8_t c = *r->p;
        if ((c & 0xe0) == 0xa0 && (size_t)(c & 0x1f) < (size_t)(r->end - r->p)) {
            v->kind = WIRE_MP_STR;
            v->ptr = r->p + 1;
            v->len = c & 0x1f;
            r->p += 1 + v->len;
            return SV_OK;
        }
        if (c <= 0x7f || c >= 0xe0) {
            v->kind = c <= 0x7f ? WIRE_MP_UINT : WIRE_MP_INT;
            v->u = c;
            v->i = (int8_t)c;
            r->p++;
            return SV_OK;
        }
        if (c >= 0x80 && c <= 0x9f) { /* fixmap, fixarray: entries checked as wire_mp_next does */
            size_t n = c & 0x0f, need = c <= 0x8f ? 2 * n : n;
            if (need < (size_t)(r->end - r->p)) {
                v->kind = c <= 0x8f ? WIRE_MP_MAP : WIRE_MP_ARRAY;
                v->len = (uint32_t)n;
                r->p++;
                return SV_OK;
            }
        }
        if (c == 0xcb && r->end - r->p > 8) {
            uint64_t bits = 0;
            for (int k = 1; k <= 8; k++)
                bits = bits << 8 | r->p[k];
            v->kind = WIRE_MP_FLOAT;
            memcpy(&v->d, &bits, sizeof(v->d));
            r->p += 9;
            return SV_OK;
        }
    }
    return wire_mp_next(r, v);
}

/**
 * @brief Skip one complete value (depth: the nesting level it sits at, 0 for the top).
 * @returns SV_OK, or SV_ERR_DECODE with r->why (malformed, or nested deeper than
 *          WIRE_MP_DEPTH_MAX).
 */
sv_err_t wire_mp_skip(wire_mp_reader_t *r, unsigned depth);

/**
 * @brief Whether buf holds exactly one well-formed value nested at most WIRE_MP_DEPTH_MAX deep.
 * @param why  on failure, a static reason ("truncated", "trailing bytes after the value", …)
 * @returns SV_OK or SV_ERR_DECODE.
 */
sv_err_t wire_mp_check(const void *buf, size_t len, const char **why);

#endif
