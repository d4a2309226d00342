/*
 * wire — the schemas of DESIGN.md §4 as data, and the one generic codec that walks them.
 *
 * Each event type is a static field table {name, type, offset, presence bit, limits, enum names,
 * sub-table}; an index derived from each table once (wire_init) gives the decoder its name lookup
 * and the masks of required and optional fields. Decoding is one walk over the raw bytes: it fills
 * the C struct without allocating and checks every value against its table row as it is read,
 * then each object's cross-field rules run. Only when that walk fails does the decoder look at the
 * whole buffer again (wire_mp_check), so that malformed bytes are always SV_ERR_DECODE whatever
 * else is wrong with them. Encoding is one walk over the struct that checks each field and writes
 * its msgpack into a private buffer, in table order, so one struct always gives the same bytes;
 * the packer gets the bytes only when the whole event is valid. JSON goes through msgpack:
 * wire_from_json converts the JSON value to msgpack and decodes it in strict mode (unknown keys
 * rejected, binary fields as base64 strings); wire_to_json encodes and converts back. Errors name
 * the field path and reason.
 */
#include "wire.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv_util.h"
#include "wire_mp.h"

/* Field types. */
enum { WT_INT, WT_I64, WT_DBL, WT_BOOL, WT_STR, WT_ENUM, WT_STRS, WT_OBJS, WT_OBJ, WT_BIN };

/* Field kinds: what a string must look like, or a numeric refinement. */
enum {
    WK_PLAIN,   /* strings: UTF-8 text; numbers: lo <= x <= hi */
    WK_KEYNAME, /* UTF-8 text without '|' (part of a message key) */
    WK_ID,      /* printable ASCII without '|' */
    WK_TOKEN,   /* [a-z0-9_] */
    WK_DATE,    /* YYYY-MM-DD, a real date, 1900..2100 */
    WK_TOPIC,   /* [A-Za-z0-9._-] */
    WK_GT,      /* doubles: lo < x <= hi */
    WK_AMERICAN /* ints: American odds, 100 <= |x| <= 100000 */
};

#define WF_OPT 1u         /* optional: presence bit `bit` of the mask at `pres` */
#define WIRE_UNKNOWN_MAX 32 /* unknown keys one map may carry (duplicates among them are found) */
#define WIRE_FRAMES_MAX 4   /* schema nesting (outcomes[i], scores) */
#define WIRE_FNAME_SZ 16    /* bytes of wire_field_t.name: names are at most 15 bytes */
#define WIRE_SLOTS 128      /* name-lookup slots per schema (at least twice the fields) */
#define WIRE_ENC_STACK 4096 /* encoder buffer on the stack; bigger events grow onto the heap */

typedef struct wire_ctx wire_ctx_t;
typedef struct wire_schema wire_schema_t;

/* One field of a schema: a row of the tables below. */
typedef struct wire_field {
    char name[WIRE_FNAME_SZ]; /* wire and JSON name, NUL-padded (a key is copied in one move) */
    size_t nlen;              /* strlen(name) */
    uint8_t type;             /* WT_* */
    uint8_t kind;             /* WK_* */
    uint8_t flags;            /* WF_* */
    uint32_t bit;             /* presence bit (WF_OPT) */
    size_t off;               /* offset of the value in the struct */
    size_t pres;              /* offset of the uint32_t presence mask (WF_OPT) */
    size_t cnt;               /* lists: offset of the size_t count; WT_BIN: of the length */
    size_t aux;               /* WT_BIN: offset of the owned pointer */
    size_t max;               /* bytes of a string (or of each list string, or of a binary) */
    size_t lmax;              /* entries of a list */
    double lo, hi;            /* numeric limits */
    const char *const *names; /* WT_ENUM: the names, index = value */
    size_t nnames;            /* entries in names */
    const wire_schema_t *sub; /* WT_OBJS element / WT_OBJ value */
} wire_field_t;

/* What a field table implies, derived once by wire_init(). */
typedef struct wire_index {
    bool done;               /* filled */
    uint64_t req;            /* bit k: fields[k] is required */
    uint64_t opt;            /* bit k: fields[k] is optional */
    unsigned nreq;           /* required fields */
    unsigned nmasks;         /* distinct presence masks the optional fields use (0..2) */
    size_t mask_off[2];      /* their offsets in the struct */
    uint32_t mask_bits[2];   /* the bits the fields use in each */
    uint8_t slot[WIRE_SLOTS]; /* open addressing by name_hash(): field index + 1, 0 = empty */
    struct {
        uint64_t w[2], m[2]; /* the 16 bytes from its fixstr header on, as read, and the mask
                                of the 1 + nlen that count */
    } key[64];               /* fields[k]'s msgpack key (little-endian hosts use it) */
} wire_index_t;

/* The key of an event: a string field, or a function for the composite ones. */
typedef sv_err_t (*wire_key_fn)(const void *ev, char *buf, size_t size);

/* A schema: the field table plus the rules that span fields. */
struct wire_schema {
    const char *name;                                   /* type name of §4 */
    const wire_field_t *fields;                         /* in encoding order */
    size_t nfields;                                     /* entries in fields */
    size_t size;                                        /* sizeof the struct */
    sv_err_t (*pre)(wire_ctx_t *c, const void *st);     /* before the fields (after, decoding) */
    sv_err_t (*post)(wire_ctx_t *c, const void *st);    /* after the fields */
    size_t key_off;                                     /* the key string, unless key_fn */
    wire_key_fn key_fn;                                 /* composite key, or NULL */
    wire_index_t *ix;                                   /* derived from fields by wire_init() */
};

/* State of one decode/validate/encode: where we are, for error paths. */
struct wire_ctx {
    wire_err_t *err;  /* filled on failure */
    bool json;        /* strict: unknown keys rejected, binaries as base64 strings */
    bool held;        /* decoding: a value rule failed and err holds it; the walk goes on only
                         to find a structural error, which is reported instead */
    unsigned depth;   /* frames in use */
    struct {
        const char *name; /* field name */
        long idx;         /* list index, or -1 */
    } fr[WIRE_FRAMES_MAX];
};

#define AT(T, st, off) ((T *)(void *)((uint8_t *)(st) + (off)))
#define CAT(T, st, off) ((const T *)(const void *)((const uint8_t *)(st) + (off)))

/* ---------------------------------------------------------------------------------------------
 * Errors
 */

static void path_put(char *buf, size_t size, size_t *n, const char *name, long idx)
{
    int w;
    if (name && *name && *n < size) {
        w = snprintf(buf + *n, size - *n, "%s%s", *n ? "." : "", name);
        *n += w > 0 ? (size_t)w : 0;
    }
    if (idx >= 0 && *n < size) {
        w = snprintf(buf + *n, size - *n, "[%ld]", idx);
        *n += w > 0 ? (size_t)w : 0;
    }
}

/* Fills c->err with the path of the current frames plus name[idx], and the reason. */
__attribute__((format(printf, 5, 6))) static sv_err_t fail(wire_ctx_t *c, sv_err_t rc,
                                                          const char *name, long idx,
                                                          const char *fmt, ...)
{
    size_t n = 0;
    va_list ap;

    c->err->field[0] = '\0';
    for (unsigned k = 0; k < c->depth; k++)
        path_put(c->err->field, sizeof(c->err->field), &n, c->fr[k].name, c->fr[k].idx);
    path_put(c->err->field, sizeof(c->err->field), &n, name, idx);
    va_start(ap, fmt);
    vsnprintf(c->err->reason, sizeof(c->err->reason), fmt, ap);
    va_end(ap);
    return rc;
}

static void frame_push(wire_ctx_t *c, const char *name, long idx)
{
    SV_ASSERT(c->depth < WIRE_FRAMES_MAX);
    c->fr[c->depth].name = name;
    c->fr[c->depth].idx = idx;
    c->depth++;
}

const char *wire_err_str(const wire_err_t *err, char *buf, size_t size)
{
    if (err->field[0])
        snprintf(buf, size, "%s: %s", err->field, err->reason);
    else
        snprintf(buf, size, "%s", err->reason);
    return buf;
}

/* ---------------------------------------------------------------------------------------------
 * Value checks shared by the decoder and the encoder
 */

/* Byte classes of the string kinds (chr_class, filled by wire_init). */
enum { C_TEXT = 1, C_KEYTEXT = 2, C_ID = 4, C_TOKEN = 8, C_TOPIC = 16 };
static uint8_t chr_class[256];
static const uint8_t kind_class[] = {
    [WK_PLAIN] = C_TEXT, [WK_KEYNAME] = C_KEYTEXT, [WK_ID] = C_ID, [WK_TOKEN] = C_TOKEN,
    [WK_TOPIC] = C_TOPIC,
};

static void chr_class_init(void)
{
    for (int b = 0; b < 256; b++) {
        uint8_t k = 0;
        if (b != 0) /* bytes >= 0x80 are text here; utf8_valid() judges them */
            k |= C_TEXT | (b != '|' ? C_KEYTEXT : 0);
        if (b >= 0x20 && b <= 0x7e && b != '|')
            k |= C_ID;
        if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_')
            k |= C_TOKEN | C_TOPIC;
        if ((b >= 'A' && b <= 'Z') || b == '.' || b == '-')
            k |= C_TOPIC;
        chr_class[b] = k;
    }
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        uint32_t cp;
        size_t len;
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf)
            len = 2, cp = b & 0x1f;
        else if (b >= 0xe0 && b <= 0xef)
            len = 3, cp = b & 0x0f;
        else if (b >= 0xf0 && b <= 0xf4)
            len = 4, cp = b & 0x07;
        else
            return false;
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* The value of the n decimal digits at s. */
static int digits(const char *s, int n)
{
    int x = 0;
    while (n-- > 0)
        x = x * 10 + (*s++ - '0');
    return x;
}

static bool date_valid(const char *s, size_t n, const char **why)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    for (size_t k = 0; k < WIRE_DATE_MAX; k++) {
        bool dash = k == 4 || k == 7;
        if (k >= n || (dash ? s[k] != '-' : (s[k] < '0' || s[k] > '9'))) {
            *why = "must be a date YYYY-MM-DD";
            return false;
        }
    }
    if (n != WIRE_DATE_MAX) {
        *why = "must be a date YYYY-MM-DD";
        return false;
    }
    y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1900 || y > 2100) {
        *why = "year must be between 1900 and 2100";
        return false;
    }
    if (m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        *why = "not a calendar date";
        return false;
    }
    return true;
}

/* Per-byte tests on 8 bytes at once (exact as yes/no answers): a byte below n (n <= 128), a
 * byte above n (n <= 127), a byte equal to b. */
#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull
#define SWAR_LT(x, n) (((x) - SWAR_ONES * (n)) & ~(x) & SWAR_HIGH)
#define SWAR_GT(x, n) ((((x) + SWAR_ONES * (127 - (n))) | (x)) & SWAR_HIGH)
#define SWAR_EQ(x, b) SWAR_LT((x) ^ (SWAR_ONES * (b)), 1)

/* Whether the n bytes at s obey f's kind and hold no NUL: ids and ASCII text 8 bytes at a time,
 * the rest a byte at a time through chr_class. */
static inline __attribute__((always_inline)) bool str_ok(const wire_field_t *f, const char *s,
                                                         size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    uint8_t all = 0xff, any = 0;
    const char *why;
    size_t k = 0;

    if (f->kind == WK_DATE)
        return date_valid(s, n, &why);
    if (f->kind == WK_ID || f->kind == WK_PLAIN || f->kind == WK_KEYNAME) {
#define STR_BAD8(x)                                                                                \
    (f->kind == WK_ID ? SWAR_LT(x, 0x20) | SWAR_GT(x, 0x7e) | SWAR_EQ(x, '|')                      \
                      : SWAR_LT(x, 1) | ((x) & SWAR_HIGH) | /* UTF-8: byte loop */                 \
                            (f->kind == WK_KEYNAME ? SWAR_EQ(x, '|') : 0))
        for (uint64_t x; k + 8 <= n; k += 8) {
            memcpy(&x, u + k, sizeof(x));
            if (STR_BAD8(x)) {
                k = 0; /* the byte loop judges the whole string */
                break;
            }
        }
        if (k && k < n) { /* the rest: the last 8 bytes, overlapping what passed */
            uint64_t x;
            memcpy(&x, u + n - 8, sizeof(x));
            k = STR_BAD8(x) ? 0 : n;
        }
#undef STR_BAD8
    }
    for (; k < n; k++) {
        all &= chr_class[u[k]];
        any |= u[k];
    }
    return (all & kind_class[f->kind]) && (any < 0x80 || utf8_valid(u, n));
}

/* Why str_ok() failed, the first rule broken in the order they are reported. */
static const char *str_why(const wire_field_t *f, const char *s, size_t n)
{
    const char *why = NULL;

    if (memchr(s, '\0', n))
        return "contains a NUL byte";
    switch (f->kind) {
    case WK_ID:
        for (size_t k = 0; k < n && !why; k++)
            if (!(chr_class[(uint8_t)s[k]] & C_ID))
                why = "must be printable ASCII without '|'";
        break;
    case WK_TOKEN:
        for (size_t k = 0; k < n && !why; k++)
            if (!(chr_class[(uint8_t)s[k]] & C_TOKEN))
                why = "must be a lowercase token [a-z0-9_]";
        break;
    case WK_TOPIC:
        for (size_t k = 0; k < n && !why; k++)
            if (!(chr_class[(uint8_t)s[k]] & C_TOPIC))
                why = "must be a topic name [A-Za-z0-9._-]";
        break;
    case WK_DATE:
        date_valid(s, n, &why);
        break;
    default: /* WK_PLAIN, WK_KEYNAME */
        if (!utf8_valid((const uint8_t *)s, n))
            why = "not valid UTF-8";
        else if (f->kind == WK_KEYNAME && memchr(s, '|', n))
            why = "must not contain '|'";
        break;
    }
    return why ? why : "?";
}

/* The string rules for the n bytes at s (a struct's char array, or a msgpack string's bytes). */
static sv_err_t chk_str_slow(wire_ctx_t *c, const wire_field_t *f, const char *s, size_t n,
                             long idx)
{
    if (n > f->max)
        return fail(c, SV_ERR_SCHEMA, f->name, idx, "longer than %zu bytes", f->max);
    if (n == 0)
        return fail(c, SV_ERR_SCHEMA, f->name, idx, "must not be empty");
    if (str_ok(f, s, n))
        return SV_OK;
    return fail(c, SV_ERR_SCHEMA, f->name, idx, "%s", str_why(f, s, n));
}

static sv_err_t chk_int_slow(wire_ctx_t *c, const wire_field_t *f, int64_t x)
{
    if (f->kind == WK_AMERICAN) {
        if (x < -100000 || x > 100000)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "American odds need |price| <= 100000");
        if (x > -100 && x < 100)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "American odds need |price| >= 100");
        return SV_OK;
    }
    if ((double)x >= f->lo && (double)x <= f->hi)
        return SV_OK;
    if (f->lo == f->hi)
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be %.0f", f->lo);
    if (f->hi >= (f->type == WT_INT ? (double)INT32_MAX : (double)INT64_MAX))
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be >= %.0f", f->lo);
    return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be between %.0f and %.0f", f->lo, f->hi);
}

static sv_err_t chk_dbl_slow(wire_ctx_t *c, const wire_field_t *f, double x)
{
    bool gt = f->kind == WK_GT;

    if (!isfinite(x))
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be finite");
    if ((gt ? x > f->lo : x >= f->lo) && x <= f->hi)
        return SV_OK;
    if (f->hi == DBL_MAX)
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be %s %.15g", gt ? ">" : ">=", f->lo);
    if (gt)
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be > %.15g and <= %.15g", f->lo, f->hi);
    return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be between %.15g and %.15g", f->lo, f->hi);
}

/* chk_str/int/dbl: the passing case inline (folded to a compare or two for the constant rows of
 * walk_score()); anything else goes to the *_slow function, which rechecks and reports. */
static inline __attribute__((always_inline)) sv_err_t chk_str(wire_ctx_t *c, const wire_field_t *f,
                                                              const char *s, size_t n, long idx)
{
    if (n - 1 < f->max && str_ok(f, s, n)) /* 1 <= n <= max */
        return SV_OK;
    return chk_str_slow(c, f, s, n, idx);
}

static inline __attribute__((always_inline)) sv_err_t chk_int(wire_ctx_t *c, const wire_field_t *f,
                                                              int64_t x)
{
    if (f->kind == WK_AMERICAN ? (x >= -100000 && x <= -100) || (x >= 100 && x <= 100000)
                               : (double)x >= f->lo && (double)x <= f->hi)
        return SV_OK;
    return chk_int_slow(c, f, x);
}

static inline __attribute__((always_inline)) sv_err_t chk_dbl(wire_ctx_t *c, const wire_field_t *f,
                                                              double x)
{
    if (isfinite(x) && (f->kind == WK_GT ? x > f->lo : x >= f->lo) && x <= f->hi)
        return SV_OK;
    return chk_dbl_slow(c, f, x);
}

static sv_err_t fail_enum(wire_ctx_t *c, const wire_field_t *f)
{
    char buf[sizeof(c->err->reason)];
    size_t n = 0;
    for (size_t k = 0; k < f->nnames && n < sizeof(buf); k++) {
        int w = snprintf(buf + n, sizeof(buf) - n, "%s%s", k ? ", " : "", f->names[k]);
        n += w > 0 ? (size_t)w : 0;
    }
    return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be one of %s", buf);
}

static bool is_present(const wire_field_t *f, const void *st)
{
    return !(f->flags & WF_OPT) || (*CAT(uint32_t, st, f->pres) & f->bit);
}

/* ---------------------------------------------------------------------------------------------
 * Writer: msgpack into a private buffer, with msgpack-c's choice of the smallest header
 */

/* A growable byte buffer that starts on the caller's stack. */
typedef struct wire_wr {
    uint8_t *p;    /* next byte */
    uint8_t *end;  /* one past the buffer */
    uint8_t *base; /* the buffer */
    bool heap;     /* base is malloc'd (wr_release frees it) */
    bool oom;      /* growing failed: the bytes are incomplete */
} wire_wr_t;

#define WR_FIELD 32 /* room for a key (1 + WIRE_FNAME_SZ) plus a scalar or a header (9) */

static void wr_init(wire_wr_t *w, uint8_t *buf, size_t size)
{
    w->p = w->base = buf;
    w->end = buf + size;
    w->heap = w->oom = false;
}

static void wr_release(wire_wr_t *w)
{
    if (w->heap)
        free(w->base);
}

static bool wr_grow(wire_wr_t *w, size_t n)
{
    size_t used = (size_t)(w->p - w->base), cap = (size_t)(w->end - w->base) * 2;
    uint8_t *b;

    if (w->oom)
        return false;
    if (cap < used + n)
        cap = used + n;
    if (!(b = w->heap ? realloc(w->base, cap) : malloc(cap))) {
        w->oom = true;
        return false;
    }
    if (!w->heap)
        memcpy(b, w->base, used);
    w->base = b;
    w->p = b + used;
    w->end = b + cap;
    w->heap = true;
    return true;
}

/* Whether n more bytes fit at w->p (growing the buffer if needed). */
static inline bool wr_need(wire_wr_t *w, size_t n)
{
    return (size_t)(w->end - w->p) >= n || wr_grow(w, n);
}

/* The put_* helpers write at q, which has room, and return the next byte. */
static inline uint8_t *put_be(uint8_t *q, uint64_t x, unsigned n)
{
    for (unsigned k = n; k-- > 0; x >>= 8)
        q[k] = (uint8_t)x;
    return q + n;
}

/* The field's name as a fixstr: the header, then WIRE_FNAME_SZ bytes of which nlen count. */
static inline uint8_t *put_key(uint8_t *q, const wire_field_t *f)
{
    *q = (uint8_t)(0xa0 | f->nlen);
    memcpy(q + 1, f->name, WIRE_FNAME_SZ);
    return q + 1 + f->nlen;
}

/* The smallest integer encoding (positive fixint, uint 8..64; negative fixint, int 8..64). */
static uint8_t *put_int(uint8_t *q, int64_t x)
{
    if (x >= 0) {
        if (x < 128)
            return *q = (uint8_t)x, q + 1;
        if (x < 256)
            return *q = 0xcc, put_be(q + 1, (uint64_t)x, 1);
        if (x < 65536)
            return *q = 0xcd, put_be(q + 1, (uint64_t)x, 2);
        if (x <= (int64_t)UINT32_MAX)
            return *q = 0xce, put_be(q + 1, (uint64_t)x, 4);
        return *q = 0xcf, put_be(q + 1, (uint64_t)x, 8);
    }
    if (x >= -32)
        return *q = (uint8_t)x, q + 1;
    if (x >= -128)
        return *q = 0xd0, put_be(q + 1, (uint64_t)x, 1);
    if (x >= -32768)
        return *q = 0xd1, put_be(q + 1, (uint64_t)x, 2);
    if (x >= INT32_MIN)
        return *q = 0xd2, put_be(q + 1, (uint64_t)x, 4);
    return *q = 0xd3, put_be(q + 1, (uint64_t)x, 8);
}

/* Doubles are always float64. */
static inline uint8_t *put_dbl(uint8_t *q, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    *q = 0xcb;
    return put_be(q + 1, bits, 8);
}

/* A str/bin/array/map header for n: fix | n below fixlim, else the 8-bit form c8 (if the type
 * has one), the 16-bit form c16 or the 32-bit form c16 + 1. */
static uint8_t *put_hdr(uint8_t *q, size_t n, uint8_t fix, size_t fixlim, uint8_t c8, uint8_t c16)
{
    if (n < fixlim)
        return *q = (uint8_t)(fix | n), q + 1;
    if (c8 && n < 256)
        return *q = c8, put_be(q + 1, n, 1);
    if (n < 65536)
        return *q = c16, put_be(q + 1, n, 2);
    return *q = (uint8_t)(c16 + 1), put_be(q + 1, n, 4);
}
#define PUT_STR(q, n) put_hdr(q, n, 0xa0, 32, 0xd9, 0xda)
#define PUT_BIN(q, n) put_hdr(q, n, 0, 0, 0xc4, 0xc5)
#define PUT_ARRAY(q, n) put_hdr(q, n, 0x90, 16, 0, 0xdc)
#define PUT_MAP(q, n) put_hdr(q, n, 0x80, 16, 0, 0xde)

/* A string or binary value with its header (room: WR_FIELD + n). */
static inline uint8_t *put_raw(uint8_t *q, const void *s, size_t n, bool bin)
{
    q = bin ? PUT_BIN(q, n) : PUT_STR(q, n);
    if (n)
        memcpy(q, s, n);
    return q + n;
}

/* A string field's value (n <= f->max bytes of its char[f->max + 1]) with its header (room:
 * WR_FIELD + 16 + n). When the array holds whole 16-byte chunks, it is copied in those (bytes
 * past n are overwritten next or never sent): a memcpy of variable length became `rep movsq`,
 * whose start-up cost was a good part of encoding a short string. */
static inline __attribute__((always_inline)) uint8_t *put_strf(uint8_t *q, const wire_field_t *f,
                                                               const char *s, size_t n)
{
    if (f->max % 16 != 0)
        return put_raw(q, s, n, false);
    q = PUT_STR(q, n);
    for (size_t o = 0; o < n; o += 16)
        memcpy(q + o, s + o, 16);
    return q + n;
}

/* ---------------------------------------------------------------------------------------------
 * Struct walk: validation and encoding in one pass, fields in table order
 *
 * c: check every present field and the cross-field rules, stopping at the first error (NULL for
 * wire_to_json, which trusts its input: lengths and counts are then clamped to the limits).
 * w: write the msgpack of the fields (NULL for wire_validate).
 */

static sv_err_t walk_obj(wire_ctx_t *c, wire_wr_t *w, const wire_schema_t *s, const void *st);

/* Always inlined: walk_score() calls it with constant rows, so each row's type, kind, limits,
 * offsets and name fold into straight-line code. */
static inline __attribute__((always_inline)) sv_err_t walk_field(wire_ctx_t *c, wire_wr_t *w,
                                                                 const wire_field_t *f,
                                                                 const void *st)
{
    const uint8_t *p = CAT(uint8_t, st, f->off), *b;
    sv_err_t rc = SV_OK;
    int64_t x;
    size_t n;

    switch (f->type) {
    case WT_INT:
    case WT_I64:
        x = f->type == WT_INT ? *(const int *)p : *(const int64_t *)p;
        if (c && (rc = chk_int(c, f, x)))
            return rc;
        if (w && wr_need(w, WR_FIELD))
            w->p = put_int(put_key(w->p, f), x);
        return SV_OK;
    case WT_DBL:
        if (c && (rc = chk_dbl(c, f, *(const double *)p)))
            return rc;
        if (w && wr_need(w, WR_FIELD))
            w->p = put_dbl(put_key(w->p, f), *(const double *)p);
        return SV_OK;
    case WT_BOOL:
        if (w && wr_need(w, WR_FIELD)) {
            w->p = put_key(w->p, f);
            *w->p++ = *(const bool *)p ? 0xc3 : 0xc2;
        }
        return SV_OK;
    case WT_STR:
        n = strnlen((const char *)p, f->max + 1);
        if (c && (rc = chk_str(c, f, (const char *)p, n, -1)))
            return rc;
        n = n < f->max ? n : f->max;
        if (w && wr_need(w, WR_FIELD + 16 + n))
            w->p = put_strf(put_key(w->p, f), f, (const char *)p, n);
        return SV_OK;
    case WT_ENUM:
        x = (unsigned)*(const int *)p;
        if (x >= (int64_t)f->nnames && c)
            return fail_enum(c, f);
        n = x < (int64_t)f->nnames ? strlen(f->names[x]) : 0;
        if (w && wr_need(w, WR_FIELD + n)) {
            w->p = put_key(w->p, f);
            if (x < (int64_t)f->nnames)
                w->p = put_raw(w->p, f->names[x], n, false);
            else
                *w->p++ = 0xc0; /* nil: only for wire_to_json of an invalid event */
        }
        return SV_OK;
    case WT_BIN:
        n = *CAT(size_t, st, f->cnt);
        b = *(const uint8_t *const *)p;
        if (c && n > f->max)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "longer than %zu bytes", f->max);
        if (c && n && !b)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "bytes missing");
        n = b ? (n < f->max ? n : f->max) : 0;
        if (w && wr_need(w, WR_FIELD + n))
            w->p = put_raw(put_key(w->p, f), b, n, true);
        return SV_OK;
    case WT_OBJ:
        if (w && wr_need(w, WR_FIELD))
            w->p = put_key(w->p, f);
        if (c)
            frame_push(c, f->name, -1);
        rc = walk_obj(c, w, f->sub, p);
        if (c)
            c->depth--;
        return rc;
    default: /* WT_STRS, WT_OBJS */
        n = *CAT(size_t, st, f->cnt);
        if (n > f->lmax && c)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "more than %zu entries", f->lmax);
        n = n < f->lmax ? n : f->lmax;
        if (w && wr_need(w, WR_FIELD))
            w->p = PUT_ARRAY(put_key(w->p, f), n);
        for (size_t k = 0; k < n && !rc; k++) {
            if (f->type == WT_STRS) {
                const char *e = CAT(char, p, k * (f->max + 1));
                size_t len = strnlen(e, f->max + 1);
                if (c && (rc = chk_str(c, f, e, len, (long)k)))
                    return rc;
                len = len < f->max ? len : f->max;
                if (w && wr_need(w, WR_FIELD + 16 + len))
                    w->p = put_strf(w->p, f, e, len);
                continue;
            }
            if (c)
                frame_push(c, f->name, (long)k);
            rc = walk_obj(c, w, f->sub, CAT(uint8_t, p, k * f->sub->size));
            if (c)
                c->depth--;
        }
        return rc;
    }
}

static sv_err_t walk_obj(wire_ctx_t *c, wire_wr_t *w, const wire_schema_t *s, const void *st)
{
    const wire_index_t *ix = s->ix;
    sv_err_t rc;

    if (c && s->pre && (rc = s->pre(c, st)))
        return rc;
    if (w && wr_need(w, WR_FIELD)) {
        size_t n = ix->nreq;
        for (unsigned m = 0; m < ix->nmasks; m++)
            for (uint32_t b = *CAT(uint32_t, st, ix->mask_off[m]) & ix->mask_bits[m]; b; b &= b - 1)
                n++;
        w->p = PUT_MAP(w->p, n);
    }
    for (size_t k = 0; k < s->nfields; k++)
        if (is_present(&s->fields[k], st) && (rc = walk_field(c, w, &s->fields[k], st)))
            return rc;
    return c && s->post ? s->post(c, st) : SV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * base64 (the JSON form of binary fields)
 */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *p, size_t n)
{
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t k = 0; k < n; k += 3) {
        uint32_t x = (uint32_t)p[k] << 16 | (k + 1 < n ? (uint32_t)p[k + 1] << 8 : 0) |
                     (k + 2 < n ? p[k + 2] : 0);
        *o++ = b64_chars[x >> 18];
        *o++ = b64_chars[(x >> 12) & 63];
        *o++ = k + 1 < n ? b64_chars[(x >> 6) & 63] : '=';
        *o++ = k + 2 < n ? b64_chars[x & 63] : '=';
    }
    *o = '\0';
    return out;
}

static int b64_val(uint8_t ch)
{
    const char *q = ch ? strchr(b64_chars, ch) : NULL;
    return q ? (int)(q - b64_chars) : -1;
}

/* Strict: padded, canonical (unused bits zero), no whitespace. *out is malloc'd (NULL if n = 0). */
static bool b64_decode(const uint8_t *s, size_t n, uint8_t **out, size_t *outlen)
{
    size_t pad = 0, len;
    uint8_t *o;

    *out = NULL;
    *outlen = 0;
    if (n % 4)
        return false;
    if (n == 0)
        return true;
    pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
    len = n / 4 * 3 - pad;
    if (!(o = malloc(len)))
        return false;
    for (size_t k = 0, w = 0; k < n; k += 4) {
        int v[4];
        uint32_t x;
        for (int j = 0; j < 4; j++) {
            bool padpos = k + 4 == n && j >= 4 - (int)pad;
            v[j] = padpos ? 0 : b64_val(s[k + j]);
            if (v[j] < 0 || (!padpos && s[k + j] == '='))
                goto bad;
        }
        x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if (k + 4 == n && ((pad == 1 && (x & 0xff)) || (pad == 2 && (x & 0xffff))))
            goto bad; /* non-canonical: leftover bits set */
        for (int j = 0; j < 3 && w < len; j++)
            o[w++] = (uint8_t)(x >> (16 - 8 * j));
    }
    *out = o;
    *outlen = len;
    return true;
bad:
    free(o);
    return false;
}

/* ---------------------------------------------------------------------------------------------
 * Decoder: msgpack bytes → struct, every value checked as it is read
 *
 * Errors come in two classes, and the first structural one wins over any value rule: structural
 * ones (a key that is not a string, a duplicate or missing key, a value of the wrong type, an
 * integer out of range, a string too long or holding NUL, an unknown enum name, too many entries)
 * end the walk at once; when a value rule fails (what a string may contain, a double's range, the
 * cross-field rules), the first such failure is held in err and the walk goes on without checking
 * further value rules, so that a later structural error is still the one reported.
 */

/* The lookup hash of a field name of n bytes (1 <= n < WIRE_FNAME_SZ). */
static inline unsigned name_hash(const uint8_t *s, size_t n)
{
    return (unsigned)(n * 31 + s[0] * 7u + s[n - 1] * 3u + s[n / 2]) & (WIRE_SLOTS - 1);
}

/* The index of the field named key[0..len), or -1. */
static int field_find(const wire_schema_t *s, const uint8_t *key, uint32_t len)
{
    const wire_index_t *ix = s->ix;

    if (len == 0 || len >= WIRE_FNAME_SZ)
        return -1;
    for (unsigned h = name_hash(key, len);; h = (h + 1) & (WIRE_SLOTS - 1)) {
        int k = ix->slot[h] - 1;
        if (k < 0)
            return -1;
        if (s->fields[k].nlen == len && memcmp(s->fields[k].name, key, len) == 0)
            return k;
    }
}

/* When the next key at r is fields[k] (k < nfields), reads it and returns k, else -1: one
 * masked compare of 16 raw bytes against the key's precomputed header and name. */
static inline int key_expected(wire_mp_reader_t *r, const wire_schema_t *s, size_t k)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const wire_index_t *ix = s->ix;
    uint64_t a0, a1; /* two scalars, not an array: a 16-byte copy read back in halves stalled */

    if (k >= s->nfields)
        return -1;
    if (r->end - r->p >= WIRE_FNAME_SZ) {
        memcpy(&a0, r->p, sizeof(a0));
        memcpy(&a1, r->p + sizeof(a0), sizeof(a1));
    } else { /* the last bytes: compared as read, zero-padded (the mask covers 1 + nlen) */
        uint8_t b[WIRE_FNAME_SZ] = {0};
        if ((size_t)(r->end - r->p) < 1 + s->fields[k].nlen)
            return -1;
        memcpy(b, r->p, (size_t)(r->end - r->p));
        memcpy(&a0, b, sizeof(a0));
        memcpy(&a1, b + sizeof(a0), sizeof(a1));
    }
    if (((a0 ^ ix->key[k].w[0]) & ix->key[k].m[0]) | ((a1 ^ ix->key[k].w[1]) & ix->key[k].m[1]))
        return -1;
    r->p += 1 + s->fields[k].nlen;
    return (int)k;
#else
    (void)r, (void)s, (void)k;
    return -1;
#endif
}

static sv_err_t fail_mp(wire_ctx_t *c, wire_mp_reader_t *r)
{
    return fail(c, SV_ERR_DECODE, "", -1, "malformed msgpack: %s", r->why ? r->why : "?");
}

/* Checks a msgpack string and copies it into a char[max + 1]. Always inlined, like
 * dec_field_inl(). */
static inline __attribute__((always_inline)) sv_err_t dec_str(wire_ctx_t *c, const wire_field_t *f,
                                                              const wire_mp_val_t *v, char *dst,
                                                              long idx)
{
    const char *s = (const char *)v->ptr;

    if (v->kind != WIRE_MP_STR)
        return fail(c, SV_ERR_SCHEMA, f->name, idx, "must be a string");
    if (v->len > f->max)
        return fail(c, SV_ERR_SCHEMA, f->name, idx, "longer than %zu bytes", f->max);
    /* checked where it is, not in dst, which is about to be written */
    if (c->held ? memchr(s, '\0', v->len) != NULL : chk_str(c, f, s, v->len, idx) != SV_OK) {
        if (memchr(s, '\0', v->len)) /* structural, like the type and the length */
            return fail(c, SV_ERR_SCHEMA, f->name, idx, "contains a NUL byte");
        c->held = true;
    }
    memcpy(dst, v->ptr, v->len);
    dst[v->len] = '\0';
    return SV_OK;
}

/* A msgpack number as an exact int64 for an int field, range checked. Always inlined, like
 * dec_field_inl(). */
static inline __attribute__((always_inline)) sv_err_t dec_int(wire_ctx_t *c, const wire_field_t *f,
                                                              const wire_mp_val_t *v, int64_t *x)
{
    if (v->kind == WIRE_MP_INT) {
        *x = v->i;
    } else if (v->kind == WIRE_MP_UINT) {
        *x = v->u > INT64_MAX ? INT64_MAX : (int64_t)v->u; /* INT64_MAX fails every range */
    } else if (v->kind == WIRE_MP_FLOAT && v->d == trunc(v->d)) {
        /* an integral float: accepted, clamped so the range check names the limit */
        *x = v->d < -9e18 ? INT64_MIN : v->d > 9e18 ? INT64_MAX : (int64_t)v->d;
    } else {
        return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be an integer");
    }
    return chk_int(c, f, *x);
}

/* wire_mp_next_fast() plus, inline, the integer headers of prices and times (uint8..64,
 * int8..64); same results. For the numeric rows of dec_field_inl(). */
static inline __attribute__((always_inline)) sv_err_t dec_next_num(wire_mp_reader_t *r,
                                                                   wire_mp_val_t *v)
{
    if (r->p < r->end) {
        uint8_t c = *r->p;
        if (((c >= 0xcc && c <= 0xcf) || (c >= 0xd0 && c <= 0xd3)) &&
            (size_t)(r->end - r->p) > (1u << (c & 3))) {
            const uint8_t *q = r->p + 1;
            uint64_t a;
            switch (c & 3) {
            case 0: a = q[0]; break;
            case 1: a = (uint64_t)q[0] << 8 | q[1]; break;
            case 2: {
                uint32_t x;
                memcpy(&x, q, sizeof(x));
                a = __builtin_bswap32(x);
                break;
            }
            default:
                memcpy(&a, q, sizeof(a));
                a = __builtin_bswap64(a);
                break;
            }
            r->p += 1 + (1u << (c & 3));
            if (c <= 0xcf) {
                v->kind = WIRE_MP_UINT;
                v->u = a;
            } else {
                v->kind = WIRE_MP_INT;
                v->i = (c & 3) == 0 ? (int8_t)a : (c & 3) == 1 ? (int16_t)a
                                                 : (c & 3) == 2 ? (int32_t)a : (int64_t)a;
            }
            return SV_OK;
        }
    }
    return wire_mp_next_fast(r, v);
}

static sv_err_t dec_map(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s, void *st,
                        uint32_t npairs, unsigned depth);
static sv_err_t dec_sub(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s, void *st,
                        uint32_t npairs, unsigned depth);

/* Reads the value of field f (nested `depth` containers deep) into st. Always inlined: the
 * unrolled walks (dec_odds, dec_outcome) call it with constant rows, so each row's type, kind,
 * limits and offsets fold into that field's code alone; dec_field() is the generic copy. */
static inline __attribute__((always_inline)) sv_err_t dec_field_inl(wire_ctx_t *c,
                                                                    wire_mp_reader_t *r,
                                                                    const wire_field_t *f,
                                                                    void *st, unsigned depth)
{
    void *p = AT(uint8_t, st, f->off);
    wire_mp_val_t v;
    int64_t x = 0;
    double d;
    sv_err_t rc = SV_OK;

    if ((f->type == WT_INT || f->type == WT_I64 || f->type == WT_DBL ? dec_next_num(r, &v)
                                                                       : wire_mp_next_fast(r, &v)))
        return fail_mp(c, r);
    switch (f->type) {
    case WT_INT:
    case WT_I64:
        if ((rc = dec_int(c, f, &v, &x)))
            return rc;
        if (f->type == WT_INT)
            *(int *)p = (int)x;
        else
            *(int64_t *)p = x;
        break;
    case WT_DBL:
        if (v.kind == WIRE_MP_FLOAT)
            d = v.d;
        else if (v.kind == WIRE_MP_INT)
            d = (double)v.i;
        else if (v.kind == WIRE_MP_UINT)
            d = (double)v.u;
        else
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be a number");
        if (!c->held && chk_dbl(c, f, d))
            c->held = true;
        *(double *)p = d;
        break;
    case WT_BOOL:
        if (v.kind != WIRE_MP_BOOL)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be a boolean");
        *(bool *)p = v.b;
        break;
    case WT_STR:
        if ((rc = dec_str(c, f, &v, p, -1)))
            return rc;
        break;
    case WT_ENUM: {
        size_t k = 0;
        while (v.kind == WIRE_MP_STR && k < f->nnames &&
               !(strlen(f->names[k]) == v.len && memcmp(f->names[k], v.ptr, v.len) == 0))
            k++;
        if (v.kind != WIRE_MP_STR || k == f->nnames)
            return fail_enum(c, f);
        *(int *)p = (int)k;
        break;
    }
    case WT_BIN: {
        uint8_t *own = NULL;
        size_t n = v.len;
        if (c->json && v.kind == WIRE_MP_STR) {
            if (!b64_decode(v.ptr, v.len, &own, &n))
                return fail(c, SV_ERR_SCHEMA, f->name, -1, "not valid base64");
            *AT(uint8_t *, st, f->aux) = own;
            v.ptr = own;
        } else if (v.kind != WIRE_MP_BIN) {
            return fail(c, SV_ERR_SCHEMA, f->name, -1, c->json ? "must be a base64 string"
                                                              : "must be binary");
        }
        if (n > f->max)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "longer than %zu bytes", f->max);
        *(const uint8_t **)p = v.ptr;
        *AT(size_t, st, f->cnt) = n;
        break;
    }
    case WT_OBJ:
        if (v.kind != WIRE_MP_MAP)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be a map");
        frame_push(c, f->name, -1);
        rc = dec_sub(c, r, f->sub, p, v.len, depth);
        c->depth--;
        if (rc)
            return rc;
        break;
    default: /* WT_STRS, WT_OBJS */
        if (v.kind != WIRE_MP_ARRAY)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "must be an array");
        if (v.len > f->lmax)
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "more than %zu entries", f->lmax);
        *AT(size_t, st, f->cnt) = 0;
        for (uint32_t k = 0; k < v.len; k++) {
            wire_mp_val_t e;
            if (wire_mp_next_fast(r, &e))
                return fail_mp(c, r);
            if (f->type == WT_STRS) {
                if ((rc = dec_str(c, f, &e, AT(char, p, k * (f->max + 1)), (long)k)))
                    return rc;
                continue;
            }
            if (e.kind != WIRE_MP_MAP)
                return fail(c, SV_ERR_SCHEMA, f->name, (long)k, "must be a map");
            frame_push(c, f->name, (long)k);
            rc = dec_sub(c, r, f->sub, AT(uint8_t, p, k * f->sub->size), e.len, depth + 1);
            c->depth--;
            if (rc)
                return rc;
        }
        *AT(size_t, st, f->cnt) = v.len;
        break;
    }
    if (f->flags & WF_OPT)
        *AT(uint32_t, st, f->pres) |= f->bit;
    return SV_OK;
}

static sv_err_t dec_field(wire_ctx_t *c, wire_mp_reader_t *r, const wire_field_t *f, void *st,
                          unsigned depth)
{
    return dec_field_inl(c, r, f, st, depth);
}

/* Zero value of an absent optional field. */
static inline void field_clear(const wire_field_t *f, void *st)
{
    void *p = AT(uint8_t, st, f->off);
    switch (f->type) {
    case WT_INT: case WT_ENUM: *(int *)p = 0; break;
    case WT_I64: *(int64_t *)p = 0; break;
    case WT_DBL: *(double *)p = 0; break;
    case WT_BOOL: *(bool *)p = false; break;
    case WT_STR: *(char *)p = '\0'; break;
    case WT_STRS: case WT_OBJS: *AT(size_t, st, f->cnt) = 0; break;
    default: break; /* WT_OBJ, WT_BIN are never optional */
    }
}

/* Sanitised copy of a key for an error path. */
static const char *key_show(char *buf, size_t size, const uint8_t *key, uint32_t len)
{
    size_t n = len < size - 1 ? len : size - 1;
    for (size_t k = 0; k < n; k++)
        buf[k] = key[k] >= 0x20 && key[k] < 0x7f ? (char)key[k] : '?';
    buf[n] = '\0';
    return buf;
}

/* The unknown keys of one map, kept to find duplicates among them. */
typedef struct wire_unknown {
    const uint8_t *key[WIRE_UNKNOWN_MAX]; /* their bytes, in the message */
    uint32_t len[WIRE_UNKNOWN_MAX];       /* their lengths */
    size_t n;                             /* entries in use */
} wire_unknown_t;

/* Reads a key that is not the one expected next: *k is the field's index, or -1 for an unknown
 * key, whose value has then been skipped (the map sits `depth` containers deep). */
static sv_err_t key_read(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s,
                         unsigned depth, wire_unknown_t *unk, int *k)
{
    wire_mp_val_t key;
    char show[64];

    if (wire_mp_next_fast(r, &key))
        return fail_mp(c, r);
    if (key.kind != WIRE_MP_STR)
        return fail(c, SV_ERR_DECODE, "", -1, "map keys must be strings");
    if ((*k = field_find(s, key.ptr, key.len)) >= 0)
        return SV_OK;
    key_show(show, sizeof(show), key.ptr, key.len);
    if (c->json)
        return fail(c, SV_ERR_SCHEMA, show, -1, "unknown field");
    for (size_t u = 0; u < unk->n; u++)
        if (unk->len[u] == key.len && memcmp(unk->key[u], key.ptr, key.len) == 0)
            return fail(c, SV_ERR_DECODE, show, -1, "duplicate key");
    if (unk->n == WIRE_UNKNOWN_MAX)
        return fail(c, SV_ERR_DECODE, show, -1, "more than %d unknown keys", WIRE_UNKNOWN_MAX);
    unk->key[unk->n] = key.ptr;
    unk->len[unk->n++] = key.len;
    return wire_mp_skip(r, depth + 1) ? fail_mp(c, r) : SV_OK;
}

/* What the walk of one map has done so far: pairs read, the field expected next, the fields seen
 * and those with a value (not nil). */
typedef struct dec_walk {
    uint32_t i;    /* pairs read */
    size_t next;   /* the field expected next: keys usually come in table order */
    uint64_t seen; /* bit k: fields[k]'s key was read */
    uint64_t got;  /* bit k: fields[k] holds a value */
} dec_walk_t;

/* The cross-field rules of a map, after its fields. */
static inline __attribute__((always_inline)) sv_err_t dec_map_rules(wire_ctx_t *c,
                                                                    const wire_schema_t *s,
                                                                    void *st)
{
    if (s->pre && s->pre(c, st)) /* before the fields in wire_validate: wins over a held rule */
        c->held = true;
    else if (!c->held && s->post && s->post(c, st))
        c->held = true;
    return SV_OK;
}

/* The end of a map: missing required fields, absent optional ones zeroed, the cross-field
 * rules. */
static inline __attribute__((always_inline)) sv_err_t dec_map_end(wire_ctx_t *c,
                                                                  const wire_schema_t *s,
                                                                  void *st, uint64_t seen,
                                                                  uint64_t got)
{
    const wire_index_t *ix = s->ix;
    uint64_t miss;

    if ((miss = ix->req & ~seen))
        return fail(c, SV_ERR_SCHEMA, s->fields[__builtin_ctzll(miss)].name, -1,
                    "required field missing");
    for (miss = ix->opt & ~got; miss; miss &= miss - 1)
        field_clear(&s->fields[__builtin_ctzll(miss)], st);
    return dec_map_rules(c, s, st);
}

/* The rest of a map from where dw left it (its presence masks are zeroed, pairs dw->i.. are
 * unread), then its end. */
static sv_err_t dec_map_rest(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s,
                             void *st, uint32_t npairs, unsigned depth, dec_walk_t dw)
{
    wire_unknown_t unk;
    sv_err_t rc;

    unk.n = 0;
    for (uint32_t i = dw.i; i < npairs; i++) {
        const wire_field_t *f;
        uint64_t bit;
        int k;

        /* the next row, or the one after (an optional field absent in between) */
        if ((k = key_expected(r, s, dw.next)) < 0 && (k = key_expected(r, s, dw.next + 1)) < 0) {
            if ((rc = key_read(c, r, s, depth, &unk, &k)))
                return rc;
            if (k < 0)
                continue; /* unknown, skipped */
        }
        f = &s->fields[k];
        dw.next = (size_t)k + 1;
        bit = 1ull << k;
        if (dw.seen & bit)
            return fail(c, SV_ERR_DECODE, f->name, -1, "duplicate key");
        dw.seen |= bit;
        if ((f->flags & WF_OPT) && r->p < r->end && *r->p == 0xc0) {
            r->p++; /* nil = absent */
            continue;
        }
        if ((rc = dec_field(c, r, f, st, depth + 1)))
            return rc;
        dw.got |= bit;
    }
    return dec_map_end(c, s, st, dw.seen, dw.got);
}

/* Zeroes every presence mask of a map's struct (each belongs to this struct). */
static inline void dec_masks_zero(const wire_schema_t *s, void *st)
{
    const wire_index_t *ix = s->ix;
    for (unsigned m = 0; m < ix->nmasks; m++)
        *AT(uint32_t, st, ix->mask_off[m]) = 0;
}

/* Fills st from npairs key/value pairs of a map nested `depth` containers deep (its header has
 * been read), then runs the schema's cross-field rules. */
static sv_err_t dec_map(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s, void *st,
                        uint32_t npairs, unsigned depth)
{
    dec_walk_t dw = {0, 0, 0, 0};
    dec_masks_zero(s, st);
    return dec_map_rest(c, r, s, st, npairs, depth, dw);
}

/*
 * One row of an unrolled map walk (dec_odds, dec_outcome): the same steps as one pass of
 * dec_map_rest()'s loop when the key read is fields[k]. Rows are visited in table order, and a
 * key that is not fields[next] is tried against fields[next + 1] (the next row) before the walk
 * gives up and dec_map_rest() takes over from the same place (*bail), with the key still unread.
 */
static inline __attribute__((always_inline)) sv_err_t dec_row(wire_ctx_t *c, wire_mp_reader_t *r,
                                                              const wire_schema_t *s,
                                                              const wire_field_t *f, size_t k,
                                                              void *st, uint32_t npairs,
                                                              unsigned depth, dec_walk_t *dw,
                                                              bool *bail)
{
    sv_err_t rc;

    if (*bail || dw->i == npairs)
        return SV_OK;
    if (key_expected(r, s, k) < 0) {
        if (k != dw->next) /* fields[next] and fields[next + 1] both failed */
            *bail = true;
        return SV_OK;
    }
    dw->i++;
    dw->next = k + 1;
    dw->seen |= 1ull << k; /* rows only move forward: never a duplicate */
    if ((f->flags & WF_OPT) && r->p < r->end && *r->p == 0xc0) {
        r->p++; /* nil = absent */
        return SV_OK;
    }
    if ((rc = dec_field_inl(c, r, f, st, depth + 1)))
        return rc;
    dw->got |= 1ull << k;
    return SV_OK;
}

static void bins_release(const wire_schema_t *s, void *st)
{
    for (size_t k = 0; k < s->nfields; k++) {
        const wire_field_t *f = &s->fields[k];
        uint8_t **own;
        if (f->type != WT_BIN)
            continue;
        own = AT(uint8_t *, st, f->aux);
        if (*own && *AT(const uint8_t *, st, f->off) == *own) {
            *AT(const uint8_t *, st, f->off) = NULL;
            *AT(size_t, st, f->cnt) = 0;
        }
        free(*own);
        *own = NULL;
    }
}

/*
 * Decodes buf as one event of schema s. The walk checks structure as it goes and the end for
 * trailing bytes, so it only succeeds on a well-formed value. When it fails, the whole buffer is
 * checked: malformed bytes are reported as such, whatever the walk met first.
 */
static sv_err_t dec_top(wire_ctx_t *c, const wire_schema_t *s, const void *buf, size_t len,
                        void *ev)
{
    wire_mp_reader_t r;
    wire_mp_val_t v;
    const char *why = "?";
    sv_err_t rc;

    for (size_t k = 0; k < s->nfields; k++)
        if (s->fields[k].type == WT_BIN)
            *AT(uint8_t *, ev, s->fields[k].aux) = NULL;
    wire_mp_init(&r, buf, len);
    if (wire_mp_next(&r, &v))
        rc = fail_mp(c, &r);
    else if (v.kind != WIRE_MP_MAP)
        rc = fail(c, SV_ERR_DECODE, "", -1, "not a map");
    else if ((rc = dec_sub(c, &r, s, ev, v.len, 0)) == SV_OK && r.p != r.end)
        rc = fail(c, SV_ERR_DECODE, "", -1, "malformed msgpack: trailing bytes after the value");
    else if (rc == SV_OK && c->held)
        rc = SV_ERR_SCHEMA; /* err holds the first value rule that failed */
    if (rc) {
        c->depth = 0;
        if (wire_mp_check(buf, len, &why))
            rc = fail(c, SV_ERR_DECODE, "", -1, "malformed msgpack: %s", why);
        bins_release(s, ev);
    }
    return rc;
}

/* ---------------------------------------------------------------------------------------------
 * Cross-field rules
 */

static sv_err_t chk_outcome(wire_ctx_t *c, const void *st)
{
    const wire_outcome_t *o = st;
    bool price = o->present & WIRE_OUTCOME_HAS_PRICE, dec = o->present & WIRE_OUTCOME_HAS_DECIMAL;
    if (price == dec)
        return fail(c, SV_ERR_SCHEMA, price ? "decimal" : "price", -1,
                    "exactly one of price, decimal is required");
    return SV_OK;
}

/* One quote names each outcome once per line: a repeated (name, point) would make the price of
 * that outcome ambiguous. The same name on different points (alternate lines) is allowed. */
static sv_err_t chk_odds(wire_ctx_t *c, const void *st)
{
    const wire_odds_t *o = st;
    for (size_t j = 1; j < o->outcome_cnt; j++) {
        const wire_outcome_t *b = &o->outcomes[j];
        for (size_t i = 0; i < j; i++) {
            const wire_outcome_t *a = &o->outcomes[i];
            bool ap = a->present & WIRE_OUTCOME_HAS_POINT, bp = b->present & WIRE_OUTCOME_HAS_POINT;
            if (ap == bp && (!ap || a->point == b->point) && strcmp(a->name, b->name) == 0)
                return fail(c, SV_ERR_SCHEMA, "outcomes", (long)j,
                            "repeats outcomes[%zu] (same name and point)", i);
        }
    }
    return SV_OK;
}

static sv_err_t chk_game(wire_ctx_t *c, const void *st)
{
    const wire_game_t *g = st;
    if (strncmp(g->home, g->away, sizeof(g->home)) == 0)
        return fail(c, SV_ERR_SCHEMA, "away", -1, "must differ from home");
    return SV_OK;
}

static sv_err_t chk_grade(wire_ctx_t *c, const void *st)
{
    const wire_grade_t *g = st;
    if (!(g->present & (WIRE_GRADE_HAS_BET_ID | WIRE_GRADE_HAS_SIGNAL_ID)))
        return fail(c, SV_ERR_SCHEMA, "bet_id", -1, "bet_id or signal_id is required");
    return SV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The tables
 */

static const char *const tier_names[] = {"TITANIUM_SMASH", "GOLD_STAR", "EDGE_LEAN", "MONITOR",
                                         "PASS"};
static const char *const conf_names[] = {"IMMORTAL", "JARVIS_PERFECT", "PERFECT",
                                         "HARMONIC_CONVERGENCE", "STRONG", "MODERATE",
                                         "DIVERGENT"};
static const char *const game_status_names[] = {"scheduled", "live", "final", "postponed",
                                                "cancelled"};
static const char *const ctx_kind_names[] = {"splits", "injury", "player", "officials",
                                             "weather", "space_weather"};
static const char *const injury_names[] = {"out", "doubtful", "questionable", "probable",
                                           "day_to_day", "suspended", "active"};
static const char *const sig_state_names[] = {"open", "update", "withdrawn"};
static const char *const place_status_names[] = {"accepted", "rejected"};
static const char *const grade_names[] = {"win", "loss", "push", "void"};

_Static_assert(sizeof(wire_tier_t) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(wire_ctx_kind_t) == sizeof(int), "enums are stored as int");

#define F(S, m, nm, ...) {.name = nm, .nlen = sizeof(nm) - 1, .off = offsetof(S, m), __VA_ARGS__}
#define OPT(S, b) .flags = WF_OPT, .pres = offsetof(S, present), .bit = b
#define OPTC(S, b) .flags = WF_OPT, .pres = offsetof(S, cand.present), .bit = b
#define T_INT(a, b) .type = WT_INT, .lo = a, .hi = b
#define T_I64(a, b) .type = WT_I64, .lo = a, .hi = b
#define T_AMER .type = WT_INT, .kind = WK_AMERICAN
#define T_DBL(a, b) .type = WT_DBL, .lo = a, .hi = b
#define T_DBL_GT(a, b) .type = WT_DBL, .kind = WK_GT, .lo = a, .hi = b
#define T_FINITE .type = WT_DBL, .lo = -DBL_MAX, .hi = DBL_MAX
#define T_POINT T_DBL(-10000, 10000)
#define T_SCORE T_DBL(-100, 100)
#define T_BOOL .type = WT_BOOL
#define T_STR(k, mx) .type = WT_STR, .kind = k, .max = mx
#define T_ID T_STR(WK_ID, WIRE_ID_MAX)
#define T_TOKEN T_STR(WK_TOKEN, WIRE_TOKEN_MAX)
#define T_NAME T_STR(WK_PLAIN, WIRE_NAME_MAX)
#define T_KEYNAME T_STR(WK_KEYNAME, WIRE_NAME_MAX)
#define T_ENUM(n) .type = WT_ENUM, .names = n, .nnames = SV_ARRAY_SIZE(n)
#define T_STRS(S, cf, k, mx, lm) .type = WT_STRS, .kind = k, .max = mx, .lmax = lm, \
                                 .cnt = offsetof(S, cf)
#define HEAD(S) F(S, v, "v", T_INT(1, 1)), F(S, ts, "ts", T_I64(1, WIRE_TS_MAX))
#define CAND(S)                                                                                    \
    F(S, cand.event_id, "event_id", T_ID), F(S, cand.market, "market", T_TOKEN),                   \
        F(S, cand.side, "side", T_KEYNAME),                                                        \
        F(S, cand.player, "player", T_KEYNAME, OPTC(S, WIRE_CAND_HAS_PLAYER)),                     \
        F(S, cand.point, "point", T_POINT, OPTC(S, WIRE_CAND_HAS_POINT))
/* A schema; its index is a file-scope compound literal (static, writable), filled by wire_init. */
#define SCHEMA(nm, S, tbl, ...)                                                                    \
    {.name = nm, .fields = tbl, .nfields = SV_ARRAY_SIZE(tbl), .size = sizeof(S),                  \
     .ix = &(wire_index_t){0}, __VA_ARGS__}

static const wire_field_t outcome_fields[] = {
    F(wire_outcome_t, name, "name", T_NAME),
    F(wire_outcome_t, price, "price", T_AMER, OPT(wire_outcome_t, WIRE_OUTCOME_HAS_PRICE)),
    F(wire_outcome_t, decimal, "decimal", T_DBL_GT(1, 10000),
      OPT(wire_outcome_t, WIRE_OUTCOME_HAS_DECIMAL)),
    F(wire_outcome_t, point, "point", T_POINT, OPT(wire_outcome_t, WIRE_OUTCOME_HAS_POINT)),
};
static const wire_schema_t outcome_schema =
    SCHEMA("outcome", wire_outcome_t, outcome_fields, .post = chk_outcome);

static const wire_field_t odds_fields[] = {
    HEAD(wire_odds_t),
    F(wire_odds_t, event_id, "event_id", T_ID),
    F(wire_odds_t, sport, "sport", T_TOKEN),
    F(wire_odds_t, book, "book", T_ID),
    F(wire_odds_t, market, "market", T_TOKEN),
    F(wire_odds_t, player, "player", T_KEYNAME, OPT(wire_odds_t, WIRE_ODDS_HAS_PLAYER)),
    F(wire_odds_t, outcomes, "outcomes", .type = WT_OBJS, .sub = &outcome_schema,
      .lmax = WIRE_OUTCOMES_MAX, .cnt = offsetof(wire_odds_t, outcome_cnt)),
};

static const wire_field_t game_fields[] = {
    HEAD(wire_game_t),
    F(wire_game_t, event_id, "event_id", T_ID),
    F(wire_game_t, sport, "sport", T_TOKEN),
    F(wire_game_t, league, "league", T_NAME, OPT(wire_game_t, WIRE_GAME_HAS_LEAGUE)),
    F(wire_game_t, home, "home", T_NAME),
    F(wire_game_t, away, "away", T_NAME),
    F(wire_game_t, commence_ts, "commence_ts", T_I64(1, WIRE_TS_MAX)),
    F(wire_game_t, status, "status", T_ENUM(game_status_names)),
    F(wire_game_t, period, "period", T_INT(0, 20), OPT(wire_game_t, WIRE_GAME_HAS_PERIOD)),
    F(wire_game_t, clock_s, "clock_s", T_INT(0, 86400), OPT(wire_game_t, WIRE_GAME_HAS_CLOCK_S)),
    F(wire_game_t, home_score, "home_score", T_INT(0, 1000),
      OPT(wire_game_t, WIRE_GAME_HAS_HOME_SCORE)),
    F(wire_game_t, away_score, "away_score", T_INT(0, 1000),
      OPT(wire_game_t, WIRE_GAME_HAS_AWAY_SCORE)),
};

#define CX wire_context_t
static const wire_field_t context_fields[] = {
    HEAD(CX),
    F(CX, kind, "kind", T_ENUM(ctx_kind_names)),
    F(CX, event_id, "event_id", T_ID, OPT(CX, WIRE_CTX_HAS_EVENT_ID)),
    F(CX, market, "market", T_TOKEN, OPT(CX, WIRE_CTX_HAS_MARKET)),
    F(CX, side, "side", T_KEYNAME, OPT(CX, WIRE_CTX_HAS_SIDE)),
    F(CX, ticket_pct, "ticket_pct", T_DBL(0, 100), OPT(CX, WIRE_CTX_HAS_TICKET_PCT)),
    F(CX, money_pct, "money_pct", T_DBL(0, 100), OPT(CX, WIRE_CTX_HAS_MONEY_PCT)),
    F(CX, team, "team", T_NAME, OPT(CX, WIRE_CTX_HAS_TEAM)),
    F(CX, player, "player", T_KEYNAME, OPT(CX, WIRE_CTX_HAS_PLAYER)),
    F(CX, status, "status", T_ENUM(injury_names), OPT(CX, WIRE_CTX_HAS_STATUS)),
    F(CX, impact, "impact", T_DBL(0, 1), OPT(CX, WIRE_CTX_HAS_IMPACT)),
    F(CX, is_starter, "is_starter", T_BOOL, OPT(CX, WIRE_CTX_HAS_IS_STARTER)),
    F(CX, birth_date, "birth_date", T_STR(WK_DATE, WIRE_DATE_MAX), OPT(CX, WIRE_CTX_HAS_BIRTH_DATE)),
    F(CX, lead, "lead", T_NAME, OPT(CX, WIRE_CTX_HAS_LEAD)),
    F(CX, crew, "crew", T_STRS(CX, crew_cnt, WK_PLAIN, WIRE_NAME_MAX, WIRE_CREW_MAX),
      OPT(CX, WIRE_CTX_HAS_CREW)),
    F(CX, over_pct, "over_pct", T_DBL(0, 1), OPT(CX, WIRE_CTX_HAS_OVER_PCT)),
    F(CX, home_bias, "home_bias", T_DBL(-1, 1), OPT(CX, WIRE_CTX_HAS_HOME_BIAS)),
    F(CX, temp_f, "temp_f", T_DBL(-80, 150), OPT(CX, WIRE_CTX_HAS_TEMP_F)),
    F(CX, wind_mph, "wind_mph", T_DBL(0, 200), OPT(CX, WIRE_CTX_HAS_WIND_MPH)),
    F(CX, precip_in, "precip_in", T_DBL(0, 50), OPT(CX, WIRE_CTX_HAS_PRECIP_IN)),
    F(CX, humidity, "humidity", T_DBL(0, 100), OPT(CX, WIRE_CTX_HAS_HUMIDITY)),
    F(CX, indoor, "indoor", T_BOOL, OPT(CX, WIRE_CTX_HAS_INDOOR)),
    F(CX, kp, "kp", T_DBL(0, 9), OPT(CX, WIRE_CTX_HAS_KP)),
    F(CX, xray_flux, "xray_flux", T_DBL(0, 1), OPT(CX, WIRE_CTX_HAS_XRAY_FLUX)),
};
#undef CX

/* What each context kind requires, allows besides, and needs at least one of (bits of present). */
static const struct {
    uint32_t req;   /* must be present */
    uint32_t opt;   /* may be present */
    uint32_t any;   /* at least one of these */
} ctx_rules[] = {
    [WIRE_CTX_SPLITS] = {WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_MARKET | WIRE_CTX_HAS_SIDE |
                             WIRE_CTX_HAS_TICKET_PCT | WIRE_CTX_HAS_MONEY_PCT,
                         0, 0},
    [WIRE_CTX_INJURY] = {WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_TEAM | WIRE_CTX_HAS_PLAYER |
                             WIRE_CTX_HAS_STATUS,
                         WIRE_CTX_HAS_IMPACT | WIRE_CTX_HAS_IS_STARTER, 0},
    [WIRE_CTX_PLAYER] = {WIRE_CTX_HAS_PLAYER | WIRE_CTX_HAS_BIRTH_DATE, WIRE_CTX_HAS_TEAM, 0},
    [WIRE_CTX_OFFICIALS] = {WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_LEAD,
                            WIRE_CTX_HAS_CREW | WIRE_CTX_HAS_OVER_PCT | WIRE_CTX_HAS_HOME_BIAS, 0},
    [WIRE_CTX_WEATHER] = {WIRE_CTX_HAS_EVENT_ID | WIRE_CTX_HAS_TEMP_F | WIRE_CTX_HAS_WIND_MPH |
                              WIRE_CTX_HAS_PRECIP_IN | WIRE_CTX_HAS_HUMIDITY,
                          WIRE_CTX_HAS_INDOOR, 0},
    [WIRE_CTX_SPACE_WEATHER] = {0, WIRE_CTX_HAS_KP | WIRE_CTX_HAS_XRAY_FLUX,
                                WIRE_CTX_HAS_KP | WIRE_CTX_HAS_XRAY_FLUX},
};
_Static_assert(SV_ARRAY_SIZE(ctx_rules) == SV_ARRAY_SIZE(ctx_kind_names), "a rule per kind");

static sv_err_t chk_context(wire_ctx_t *c, const void *st)
{
    const wire_context_t *x = st;
    const char *kind;

    if ((unsigned)x->kind >= SV_ARRAY_SIZE(ctx_rules))
        return SV_OK; /* the field check names the bad kind */
    kind = ctx_kind_names[x->kind];
    for (size_t k = 0; k < SV_ARRAY_SIZE(context_fields); k++) {
        const wire_field_t *f = &context_fields[k];
        if (!(f->flags & WF_OPT))
            continue;
        if ((x->present & f->bit) && !(f->bit & (ctx_rules[x->kind].req | ctx_rules[x->kind].opt)))
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "not allowed for kind %s", kind);
        if (!(x->present & f->bit) && (f->bit & ctx_rules[x->kind].req))
            return fail(c, SV_ERR_SCHEMA, f->name, -1, "required field missing for kind %s", kind);
    }
    if (ctx_rules[x->kind].any && !(x->present & ctx_rules[x->kind].any))
        return fail(c, SV_ERR_SCHEMA, "", -1, "kind %s needs at least one of kp, xray_flux", kind);
    return SV_OK;
}

static const wire_field_t click_fields[] = {
    HEAD(wire_click_t),
    F(wire_click_t, click_id, "click_id", T_ID),
    F(wire_click_t, user_id, "user_id", T_ID),
    F(wire_click_t, signal_id, "signal_id", T_ID),
    F(wire_click_t, event_id, "event_id", T_ID),
    F(wire_click_t, book, "book", T_ID),
    F(wire_click_t, stake, "stake", T_DBL_GT(0, 1e9)),
    F(wire_click_t, max_price_move, "max_price_move", T_DBL(0, 1),
      OPT(wire_click_t, WIRE_CLICK_HAS_MAX_PRICE_MOVE)),
};

#define SC wire_score_t
static const wire_field_t score_fields[] = {
    HEAD(SC),
    CAND(SC),
    F(SC, p_fair, "p_fair", T_DBL(0, 1)),
    F(SC, best_price, "best_price", T_AMER),
    F(SC, best_decimal, "best_decimal", T_DBL_GT(1, 10000)),
    F(SC, best_book, "best_book", T_ID),
    F(SC, books, "books", T_INT(0, 1000)),
    F(SC, line_variance, "line_variance", T_DBL(0, DBL_MAX)),
    F(SC, flags, "flags", T_STRS(SC, flag_cnt, WK_TOKEN, WIRE_TOKEN_MAX, WIRE_FLAGS_MAX)),
    F(SC, p_model, "p_model", T_DBL(0, 1), OPT(SC, WIRE_SCORE_HAS_P_MODEL)),
    F(SC, ai, "ai", T_SCORE, OPT(SC, WIRE_SCORE_HAS_AI)),
    F(SC, research, "research", T_SCORE, OPT(SC, WIRE_SCORE_HAS_RESEARCH)),
    F(SC, esoteric, "esoteric", T_SCORE, OPT(SC, WIRE_SCORE_HAS_ESOTERIC)),
    F(SC, jarvis, "jarvis", T_SCORE, OPT(SC, WIRE_SCORE_HAS_JARVIS)),
    F(SC, final, "final", T_SCORE, OPT(SC, WIRE_SCORE_HAS_FINAL)),
    F(SC, tier, "tier", T_ENUM(tier_names), OPT(SC, WIRE_SCORE_HAS_TIER)),
    F(SC, confluence, "confluence", T_ENUM(conf_names), OPT(SC, WIRE_SCORE_HAS_CONFLUENCE)),
    F(SC, model, "model", T_ID, OPT(SC, WIRE_SCORE_HAS_MODEL)),
};
#undef SC

static const wire_field_t scores_fields[] = {
    F(wire_scores_t, ai, "ai", T_SCORE),
    F(wire_scores_t, research, "research", T_SCORE),
    F(wire_scores_t, esoteric, "esoteric", T_SCORE),
    F(wire_scores_t, jarvis, "jarvis", T_SCORE),
    F(wire_scores_t, base, "base", T_SCORE),
    F(wire_scores_t, final, "final", T_SCORE),
};
static const wire_schema_t scores_schema = SCHEMA("scores", wire_scores_t, scores_fields);

#define SG wire_signal_t
static const wire_field_t signal_fields[] = {
    HEAD(SG),
    F(SG, signal_id, "signal_id", T_ID),
    F(SG, rev, "rev", T_INT(1, INT32_MAX)),
    F(SG, state, "state", T_ENUM(sig_state_names)),
    CAND(SG),
    F(SG, book, "book", T_ID),
    F(SG, price, "price", T_AMER),
    F(SG, p_fair, "p_fair", T_DBL(0, 1)),
    F(SG, p_model, "p_model", T_DBL(0, 1)),
    F(SG, edge, "edge", T_DBL(-1, 100)),
    F(SG, kelly, "kelly", T_DBL(0, 1)),
    F(SG, stake_units, "stake_units", T_DBL(0, 100)),
    F(SG, scores, "scores", .type = WT_OBJ, .sub = &scores_schema),
    F(SG, confluence, "confluence", T_ENUM(conf_names)),
    F(SG, tier, "tier", T_ENUM(tier_names)),
    F(SG, reasons, "reasons", T_STRS(SG, reason_cnt, WK_PLAIN, WIRE_REASON_MAX, WIRE_REASONS_MAX)),
    F(SG, model, "model", T_ID),
};
#undef SG

#define PL wire_placement_t
static const wire_field_t placement_fields[] = {
    HEAD(PL),
    F(PL, bet_id, "bet_id", T_ID),
    F(PL, click_id, "click_id", T_ID),
    F(PL, user_id, "user_id", T_ID),
    F(PL, signal_id, "signal_id", T_ID),
    CAND(PL),
    F(PL, book, "book", T_ID),
    F(PL, price, "price", T_AMER),
    F(PL, stake, "stake", T_DBL_GT(0, 1e9)),
};
#undef PL

#define PR wire_placement_result_t
static const wire_field_t placement_result_fields[] = {
    HEAD(PR),
    F(PR, bet_id, "bet_id", T_ID),
    F(PR, status, "status", T_ENUM(place_status_names)),
    F(PR, price, "price", T_AMER, OPT(PR, WIRE_PRES_HAS_PRICE)),
    F(PR, reason, "reason", T_STR(WK_PLAIN, WIRE_REASON_MAX), OPT(PR, WIRE_PRES_HAS_REASON)),
};
#undef PR

static const wire_field_t grade_fields[] = {
    HEAD(wire_grade_t),
    F(wire_grade_t, bet_id, "bet_id", T_ID, OPT(wire_grade_t, WIRE_GRADE_HAS_BET_ID)),
    F(wire_grade_t, signal_id, "signal_id", T_ID, OPT(wire_grade_t, WIRE_GRADE_HAS_SIGNAL_ID)),
    F(wire_grade_t, result, "result", T_ENUM(grade_names)),
    F(wire_grade_t, pnl, "pnl", T_FINITE),
    F(wire_grade_t, closing_price, "closing_price", T_AMER),
    F(wire_grade_t, clv, "clv", T_DBL(-1, 100)),
};

static const wire_field_t dlq_fields[] = {
    HEAD(wire_dlq_t),
    F(wire_dlq_t, src_topic, "src_topic", T_STR(WK_TOPIC, WIRE_TOPIC_MAX)),
    F(wire_dlq_t, src_partition, "src_partition", T_INT(-1, INT32_MAX)),
    F(wire_dlq_t, src_offset, "src_offset", T_I64(-1, (double)INT64_MAX)),
    F(wire_dlq_t, error, "error", T_STR(WK_PLAIN, WIRE_ERROR_MAX)),
    F(wire_dlq_t, orig, "orig", .type = WT_BIN, .max = WIRE_DLQ_BYTES_MAX,
      .cnt = offsetof(wire_dlq_t, orig_len), .aux = offsetof(wire_dlq_t, orig_owned)),
};
_Static_assert(sizeof(int32_t) == sizeof(int), "src_partition is stored as int");

/* dec_map tracks the keys seen in a uint64_t: no table may have more than 64 fields. */
_Static_assert(SV_ARRAY_SIZE(context_fields) <= 64 && SV_ARRAY_SIZE(score_fields) <= 64 &&
                   SV_ARRAY_SIZE(signal_fields) <= 64 && SV_ARRAY_SIZE(placement_fields) <= 64,
               "at most 64 fields per table");

static sv_err_t key_context(const void *ev, char *buf, size_t size);
static sv_err_t key_score(const void *ev, char *buf, size_t size);
static sv_err_t key_grade(const void *ev, char *buf, size_t size);

static const wire_schema_t wire_schemas[WIRE__CNT] = {
    [WIRE_ODDS] = SCHEMA("odds", wire_odds_t, odds_fields, .post = chk_odds,
                         .key_off = offsetof(wire_odds_t, event_id)),
    [WIRE_GAME] = SCHEMA("game", wire_game_t, game_fields, .post = chk_game,
                         .key_off = offsetof(wire_game_t, event_id)),
    [WIRE_CONTEXT] = SCHEMA("context", wire_context_t, context_fields, .pre = chk_context,
                            .key_fn = key_context),
    [WIRE_CLICK] = SCHEMA("click", wire_click_t, click_fields,
                          .key_off = offsetof(wire_click_t, event_id)),
    [WIRE_SCORE] = SCHEMA("score", wire_score_t, score_fields, .key_fn = key_score),
    [WIRE_SIGNAL] = SCHEMA("signal", wire_signal_t, signal_fields,
                           .key_off = offsetof(wire_signal_t, cand.event_id)),
    [WIRE_PLACEMENT] = SCHEMA("placement", wire_placement_t, placement_fields,
                              .key_off = offsetof(wire_placement_t, cand.event_id)),
    [WIRE_PLACEMENT_RESULT] = SCHEMA("placement_result", wire_placement_result_t,
                                     placement_result_fields,
                                     .key_off = offsetof(wire_placement_result_t, bet_id)),
    [WIRE_GRADE] = SCHEMA("grade", wire_grade_t, grade_fields, .post = chk_grade,
                          .key_fn = key_grade),
    [WIRE_DLQ] = SCHEMA("dlq", wire_dlq_t, dlq_fields, .key_off = offsetof(wire_dlq_t, src_topic)),
};

/*
 * walk_obj() of a score with the table unrolled: the engine encodes one score per candidate of
 * every odds event, and the generic walk spent most of its time dispatching on each row's type
 * (an indirect jump per field, mispredicted). Each call below passes a constant row, so
 * walk_field() compiles into that field's code alone; the checks, their order, the errors and
 * the bytes are walk_obj()'s. A score has no pre/post rule and no nested schema.
 */
static sv_err_t walk_score(wire_ctx_t *c, wire_wr_t *w, const void *st)
{
    const wire_index_t *ix = wire_schemas[WIRE_SCORE].ix;
    sv_err_t rc;

    _Static_assert(SV_ARRAY_SIZE(score_fields) == 23, "walk_score: one line per row");
    if (w && wr_need(w, WR_FIELD)) {
        size_t n = ix->nreq;
        for (unsigned m = 0; m < ix->nmasks; m++)
            for (uint32_t b = *CAT(uint32_t, st, ix->mask_off[m]) & ix->mask_bits[m]; b; b &= b - 1)
                n++;
        w->p = PUT_MAP(w->p, n);
    }
#define SCORE_ROW(k)                                                                               \
    if (is_present(&score_fields[k], st) && (rc = walk_field(c, w, &score_fields[k], st)))     \
        return rc;
    SCORE_ROW(0) SCORE_ROW(1) SCORE_ROW(2) SCORE_ROW(3) SCORE_ROW(4) SCORE_ROW(5) SCORE_ROW(6)
    SCORE_ROW(7) SCORE_ROW(8) SCORE_ROW(9) SCORE_ROW(10) SCORE_ROW(11) SCORE_ROW(12)
    SCORE_ROW(13) SCORE_ROW(14) SCORE_ROW(15) SCORE_ROW(16) SCORE_ROW(17) SCORE_ROW(18)
    SCORE_ROW(19) SCORE_ROW(20) SCORE_ROW(21) SCORE_ROW(22)
#undef SCORE_ROW
    return SV_OK;
}

/*
 * dec_map() of an odds event and of its outcomes with the tables unrolled (the engine decodes
 * every odds event): each DEC_ROW passes a constant row, so dec_field_inl() compiles into that
 * field's code alone, as walk_score() does for encoding. While the keys come in table order
 * (an optional one may be missing) the rows run straight; anything else (unknown, repeated or
 * reordered keys, extra pairs) hands over to dec_map_rest() where the walk stands, so the
 * checks, their order, the errors and the struct are dec_map()'s.
 */
#define DEC_ROW(tbl, k)                                                                            \
    if ((rc = dec_row(c, r, s, &tbl[k], k, st, npairs, depth, &dw, &bail)))                       \
        return rc;
/* dec_map_end(), a row at a time: the first required field missing (in table order, as
 * __builtin_ctzll finds it), then the absent optional ones zeroed. */
#define DEC_REQ(tbl, k)                                                                            \
    if (!(tbl[k].flags & WF_OPT) && !(dw.seen & (1ull << (k))))                                    \
        return fail(c, SV_ERR_SCHEMA, tbl[k].name, -1, "required field missing");
#define DEC_CLR(tbl, k)                                                                            \
    if ((tbl[k].flags & WF_OPT) && !(dw.got & (1ull << (k))))                                      \
        field_clear(&tbl[k], st);

static sv_err_t dec_outcome(wire_ctx_t *c, wire_mp_reader_t *r, void *st, uint32_t npairs,
                            unsigned depth)
{
    const wire_schema_t *s = &outcome_schema;
    dec_walk_t dw = {0, 0, 0, 0};
    bool bail = false;
    sv_err_t rc;

    _Static_assert(SV_ARRAY_SIZE(outcome_fields) == 4, "dec_outcome: one row per field");
    dec_masks_zero(s, st);
    DEC_ROW(outcome_fields, 0) DEC_ROW(outcome_fields, 1) DEC_ROW(outcome_fields, 2)
    DEC_ROW(outcome_fields, 3)
    if (bail || dw.i < npairs)
        return dec_map_rest(c, r, s, st, npairs, depth, dw);
    DEC_REQ(outcome_fields, 0) DEC_REQ(outcome_fields, 1) DEC_REQ(outcome_fields, 2)
    DEC_REQ(outcome_fields, 3)
    DEC_CLR(outcome_fields, 0) DEC_CLR(outcome_fields, 1) DEC_CLR(outcome_fields, 2)
    DEC_CLR(outcome_fields, 3)
    return dec_map_rules(c, s, st);
}

static sv_err_t dec_odds(wire_ctx_t *c, wire_mp_reader_t *r, void *st, uint32_t npairs,
                         unsigned depth)
{
    const wire_schema_t *s = &wire_schemas[WIRE_ODDS];
    dec_walk_t dw = {0, 0, 0, 0};
    bool bail = false;
    sv_err_t rc;

    _Static_assert(SV_ARRAY_SIZE(odds_fields) == 8, "dec_odds: one row per field");
    dec_masks_zero(s, st);
    DEC_ROW(odds_fields, 0) DEC_ROW(odds_fields, 1) DEC_ROW(odds_fields, 2)
    DEC_ROW(odds_fields, 3) DEC_ROW(odds_fields, 4) DEC_ROW(odds_fields, 5)
    DEC_ROW(odds_fields, 6) DEC_ROW(odds_fields, 7)
    if (bail || dw.i < npairs)
        return dec_map_rest(c, r, s, st, npairs, depth, dw);
    DEC_REQ(odds_fields, 0) DEC_REQ(odds_fields, 1) DEC_REQ(odds_fields, 2)
    DEC_REQ(odds_fields, 3) DEC_REQ(odds_fields, 4) DEC_REQ(odds_fields, 5)
    DEC_REQ(odds_fields, 6) DEC_REQ(odds_fields, 7)
    DEC_CLR(odds_fields, 0) DEC_CLR(odds_fields, 1) DEC_CLR(odds_fields, 2)
    DEC_CLR(odds_fields, 3) DEC_CLR(odds_fields, 4) DEC_CLR(odds_fields, 5)
    DEC_CLR(odds_fields, 6) DEC_CLR(odds_fields, 7)
    return dec_map_rules(c, s, st);
}
#undef DEC_ROW
#undef DEC_REQ
#undef DEC_CLR

/* dec_map() of schema s, unrolled for the schemas that have it. */
static sv_err_t dec_sub(wire_ctx_t *c, wire_mp_reader_t *r, const wire_schema_t *s, void *st,
                        uint32_t npairs, unsigned depth)
{
    if (s == &outcome_schema)
        return dec_outcome(c, r, st, npairs, depth);
    if (s == &wire_schemas[WIRE_ODDS])
        return dec_odds(c, r, st, npairs, depth);
    return dec_map(c, r, s, st, npairs, depth);
}

const wire_topic_t wire_topics[] = {
    {"odds.v1", WIRE_ODDS},
    {"games.v1", WIRE_GAME},
    {"context.v1", WIRE_CONTEXT},
    {"clicks.v1", WIRE_CLICK},
    {"scores.v1", WIRE_SCORE},
    {"signals.v1", WIRE_SIGNAL},
    {"placements.v1", WIRE_PLACEMENT},
    {"placement-results.v1", WIRE_PLACEMENT_RESULT},
    {"grades.v1", WIRE_GRADE},
    {"dlq.v1", WIRE_DLQ},
    {"state.v1", WIRE_NONE},
};
const size_t wire_topic_cnt = SV_ARRAY_SIZE(wire_topics);

/* ---------------------------------------------------------------------------------------------
 * Keys
 */

static sv_err_t key_put(char *buf, size_t size, const char *s)
{
    return sv_strlcpy(buf, s, size) < size ? SV_OK : SV_ERR_TOOBIG;
}

/* A multiple of 0.25 below 1e12 in magnitude (every real line) as text, without printf: the
 * integer part, then ".0", ".25", ".5" or ".75" (each reads back exactly; below 1e12 the
 * doubles are dense enough that one decimal cannot read back as .25/.75, so these are the
 * shortest forms). tmp needs WIRE_POINT_STR_MAX bytes;
 * false if point is not such a multiple. */
static bool point_quarter(double point, char *tmp)
{
    static const char *const frac[4] = {".0", ".25", ".5", ".75"};
    double a = point < 0 ? -point : point, q = a * 4;
    uint64_t u, ip;
    char dig[20];
    int nd = 0;

    if (!(a < 1e12) || q != (double)(uint64_t)q)
        return false;
    u = (uint64_t)q;
    ip = u / 4;
    do
        dig[nd++] = (char)('0' + ip % 10);
    while ((ip /= 10) > 0);
    if (point < 0)
        *tmp++ = '-';
    while (nd > 0)
        *tmp++ = dig[--nd];
    strcpy(tmp, frac[u % 4]);
    return true;
}

sv_err_t wire_point_str(double point, char *buf, size_t size)
{
    char tmp[WIRE_POINT_STR_MAX];
    int prec;

    if (point == 0)
        point = 0; /* -0.0 prints as 0.0 */
    if (point_quarter(point, tmp))
        return key_put(buf, size, tmp);
    for (prec = 1; prec <= 30; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*f", prec, point);
        if (strtod(tmp, NULL) == point)
            break;
    }
    if (prec > 30 || !isfinite(point))
        snprintf(tmp, sizeof(tmp), "%.17e", point);
    return key_put(buf, size, tmp);
}

sv_err_t wire_cand_key(const wire_cand_t *cand, char *buf, size_t size)
{
    char pt[WIRE_POINT_STR_MAX] = "";
    int n;

    if (cand->present & WIRE_CAND_HAS_POINT)
        wire_point_str(cand->point, pt, sizeof(pt));
    { /* the same text as the snprintf below, without its format parsing */
        const char *part[5] = {cand->event_id, cand->market, cand->side,
                               cand->present & WIRE_CAND_HAS_PLAYER ? cand->player : "", pt};
        size_t len[5], tot = 4;
        for (int k = 0; k < 5; k++)
            tot += len[k] = strlen(part[k]);
        if (tot < size) {
            for (int k = 0; k < 5; k++) {
                memcpy(buf, part[k], len[k]);
                buf += len[k];
                *buf++ = '|';
            }
            buf[-1] = '\0';
            return SV_OK;
        }
    }
    n = snprintf(buf, size, "%s|%s|%s|%s|%s", cand->event_id, cand->market, cand->side,
                 cand->present & WIRE_CAND_HAS_PLAYER ? cand->player : "", pt);
    return n >= 0 && (size_t)n < size ? SV_OK : SV_ERR_TOOBIG;
}

static sv_err_t key_context(const void *ev, char *buf, size_t size)
{
    const wire_context_t *x = ev;
    if (x->kind == WIRE_CTX_PLAYER)
        return key_put(buf, size, x->player);
    if (x->kind == WIRE_CTX_SPACE_WEATHER)
        return key_put(buf, size, "space_weather");
    return key_put(buf, size, x->event_id);
}

static sv_err_t key_score(const void *ev, char *buf, size_t size)
{
    return wire_cand_key(&((const wire_score_t *)ev)->cand, buf, size);
}

static sv_err_t key_grade(const void *ev, char *buf, size_t size)
{
    const wire_grade_t *g = ev;
    return key_put(buf, size, g->present & WIRE_GRADE_HAS_BET_ID ? g->bet_id : g->signal_id);
}

sv_err_t wire_key(wire_type_t t, const void *ev, char *buf, size_t size)
{
    const wire_schema_t *s;
    SV_ASSERT((unsigned)t < WIRE__CNT && size > 0);
    s = &wire_schemas[t];
    return s->key_fn ? s->key_fn(ev, buf, size) : key_put(buf, size, CAT(char, ev, s->key_off));
}

/* ---------------------------------------------------------------------------------------------
 * Types and topics
 */

const char *wire_type_name(wire_type_t t)
{
    return (unsigned)t < WIRE__CNT ? wire_schemas[t].name : "none";
}

/* Name of enum value v in a names table, or "" outside it. */
static const char *enum_name(const char *const *names, size_t cnt, int v)
{
    return v >= 0 && (size_t)v < cnt ? names[v] : "";
}

/* Index of name in a names table, or -1. */
static int enum_by_name(const char *const *names, size_t cnt, const char *name)
{
    for (size_t k = 0; k < cnt; k++)
        if (strcmp(name, names[k]) == 0)
            return (int)k;
    return -1;
}

const char *wire_tier_name(wire_tier_t t)
{
    return enum_name(tier_names, SV_ARRAY_SIZE(tier_names), (int)t);
}

sv_err_t wire_tier_by_name(const char *name, wire_tier_t *t)
{
    int k = enum_by_name(tier_names, SV_ARRAY_SIZE(tier_names), name);
    if (k < 0)
        return SV_ERR_NOENT;
    *t = (wire_tier_t)k;
    return SV_OK;
}

const char *wire_confluence_name(wire_confluence_t c)
{
    return enum_name(conf_names, SV_ARRAY_SIZE(conf_names), (int)c);
}

sv_err_t wire_confluence_by_name(const char *name, wire_confluence_t *c)
{
    int k = enum_by_name(conf_names, SV_ARRAY_SIZE(conf_names), name);
    if (k < 0)
        return SV_ERR_NOENT;
    *c = (wire_confluence_t)k;
    return SV_OK;
}

const char *wire_injury_status_name(wire_injury_status_t s)
{
    return enum_name(injury_names, SV_ARRAY_SIZE(injury_names), (int)s);
}

sv_err_t wire_type_by_name(const char *name, wire_type_t *t)
{
    for (int k = 0; k < WIRE__CNT; k++) {
        if (strcmp(name, wire_schemas[k].name) == 0) {
            *t = (wire_type_t)k;
            return SV_OK;
        }
    }
    return SV_ERR_NOENT;
}

sv_err_t wire_type_for_topic(const char *topic, const char *prefix, wire_type_t *t)
{
    size_t n = strlen(prefix);
    if (strncmp(topic, prefix, n) != 0)
        return SV_ERR_NOENT;
    for (size_t k = 0; k < wire_topic_cnt; k++) {
        if (strcmp(topic + n, wire_topics[k].suffix) == 0) {
            *t = wire_topics[k].type;
            return SV_OK;
        }
    }
    return SV_ERR_NOENT;
}

size_t wire_struct_size(wire_type_t t)
{
    SV_ASSERT((unsigned)t < WIRE__CNT);
    return wire_schemas[t].size;
}

/* ---------------------------------------------------------------------------------------------
 * The index: what the codec derives from the tables, once per process
 */

static void index_schema(const wire_schema_t *s)
{
    wire_index_t *ix = s->ix;

    if (ix->done)
        return;
    SV_ASSERT(s->nfields <= 64 && 2 * s->nfields <= WIRE_SLOTS); /* seen/got are uint64_t */
    for (size_t k = 0; k < s->nfields; k++) {
        const wire_field_t *f = &s->fields[k];
        unsigned h, m = 0;

        SV_ASSERT(f->nlen > 0 && f->nlen < WIRE_FNAME_SZ && strlen(f->name) == f->nlen);
        if (f->flags & WF_OPT) {
            while (m < ix->nmasks && ix->mask_off[m] != f->pres)
                m++;
            SV_ASSERT(m < SV_ARRAY_SIZE(ix->mask_off) && !(ix->mask_bits[m] & f->bit));
            if (m == ix->nmasks)
                ix->mask_off[ix->nmasks++] = f->pres;
            ix->mask_bits[m] |= f->bit;
            ix->opt |= 1ull << k;
        } else {
            ix->req |= 1ull << k;
            ix->nreq++;
        }
        {
            uint8_t b[2 * sizeof(uint64_t)] = {(uint8_t)(0xa0 | f->nlen)}, m[sizeof(b)] = {0};
            memcpy(b + 1, f->name, f->nlen);
            memset(m, 0xff, 1 + f->nlen);
            memcpy(ix->key[k].w, b, sizeof(b));
            memcpy(ix->key[k].m, m, sizeof(m));
        }
        for (h = name_hash((const uint8_t *)f->name, f->nlen); ix->slot[h];)
            h = (h + 1) & (WIRE_SLOTS - 1);
        ix->slot[h] = (uint8_t)(k + 1);
        if (f->sub)
            index_schema(f->sub);
    }
    ix->done = true;
}

static void index_all(void)
{
    chr_class_init();
    for (int t = 0; t < WIRE__CNT; t++)
        index_schema(&wire_schemas[t]);
}

/* Builds the index before the first use by any thread. */
static void wire_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int rc = pthread_once(&once, index_all);
    SV_ASSERT(rc == 0);
}

/* ---------------------------------------------------------------------------------------------
 * The codec entry points
 */

sv_err_t wire_decode(wire_type_t t, const void *buf, size_t len, void *ev, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy};

    SV_ASSERT((unsigned)t < WIRE__CNT);
    wire_init();
    c.err->field[0] = c.err->reason[0] = '\0';
    return dec_top(&c, &wire_schemas[t], buf, len, ev);
}

sv_err_t wire_validate(wire_type_t t, const void *ev, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy};

    SV_ASSERT((unsigned)t < WIRE__CNT);
    wire_init();
    c.err->field[0] = c.err->reason[0] = '\0';
    return walk_obj(&c, NULL, &wire_schemas[t], ev);
}

sv_err_t wire_encode(wire_type_t t, const void *ev, msgpack_packer *pk, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy};
    uint8_t stack[WIRE_ENC_STACK];
    wire_wr_t w;
    sv_err_t rc;

    SV_ASSERT((unsigned)t < WIRE__CNT);
    wire_init();
    c.err->field[0] = c.err->reason[0] = '\0';
    wr_init(&w, stack, sizeof(stack));
    rc = t == WIRE_SCORE ? walk_score(&c, &w, ev) : walk_obj(&c, &w, &wire_schemas[t], ev);
    if (rc == SV_OK &&
        (w.oom || pk->callback(pk->data, (const char *)w.base, (size_t)(w.p - w.base)))) {
        snprintf(c.err->reason, sizeof(c.err->reason), "out of memory");
        rc = SV_ERR_NOMEM;
    }
    wr_release(&w);
    return rc;
}

void wire_release(wire_type_t t, void *ev)
{
    if (ev && (unsigned)t < WIRE__CNT)
        bins_release(&wire_schemas[t], ev);
}

/* ---------------------------------------------------------------------------------------------
 * JSON
 */

/* Any JSON value → msgpack (integers stay integers, reals are float64). */
static sv_err_t json_to_mp(wire_ctx_t *c, msgpack_packer *pk, const json_t *j, unsigned depth)
{
    const char *key;
    size_t klen;
    json_t *val;
    int rc = 0;

    if (depth > WIRE_MP_DEPTH_MAX)
        return fail(c, SV_ERR_SCHEMA, "", -1, "nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        rc = msgpack_pack_map(pk, json_object_size(j));
        json_object_keylen_foreach((json_t *)j, key, klen, val)
        {
            sv_err_t e;
            if (rc || (rc = msgpack_pack_str(pk, klen) || msgpack_pack_str_body(pk, key, klen)))
                break;
            if ((e = json_to_mp(c, pk, val, depth + 1)))
                return e;
        }
        break;
    case JSON_ARRAY:
        rc = msgpack_pack_array(pk, json_array_size(j));
        for (size_t k = 0; k < json_array_size(j) && !rc; k++) {
            sv_err_t e = json_to_mp(c, pk, json_array_get(j, k), depth + 1);
            if (e)
                return e;
        }
        break;
    case JSON_STRING:
        rc = msgpack_pack_str(pk, json_string_length(j)) ||
             msgpack_pack_str_body(pk, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: rc = msgpack_pack_int64(pk, json_integer_value(j)); break;
    case JSON_REAL: rc = msgpack_pack_double(pk, json_real_value(j)); break;
    case JSON_TRUE: rc = msgpack_pack_true(pk); break;
    case JSON_FALSE: rc = msgpack_pack_false(pk); break;
    default: rc = msgpack_pack_nil(pk); break;
    }
    return rc ? fail(c, SV_ERR_NOMEM, "", -1, "out of memory") : SV_OK;
}

sv_err_t wire_from_json(wire_type_t t, const json_t *obj, void *ev, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy, .json = true};
    msgpack_sbuffer sb;
    msgpack_packer pk;
    sv_err_t rc;

    SV_ASSERT((unsigned)t < WIRE__CNT);
    wire_init();
    c.err->field[0] = c.err->reason[0] = '\0';
    for (size_t k = 0; k < wire_schemas[t].nfields; k++)
        if (wire_schemas[t].fields[k].type == WT_BIN)
            *AT(uint8_t *, ev, wire_schemas[t].fields[k].aux) = NULL;
    if (!json_is_object(obj))
        return fail(&c, SV_ERR_SCHEMA, "", -1, "must be a JSON object");
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    rc = json_to_mp(&c, &pk, obj, 0);
    if (!rc)
        rc = dec_top(&c, &wire_schemas[t], sb.data, sb.size, ev);
    msgpack_sbuffer_destroy(&sb);
    return rc == SV_ERR_DECODE ? SV_ERR_SCHEMA : rc;
}

static json_t *mp_to_json(wire_ctx_t *c, wire_mp_reader_t *r);

static json_t *mp_fail(wire_ctx_t *c, json_t *j, const char *why)
{
    json_decref(j);
    fail(c, SV_ERR_DECODE, "", -1, "%s", why);
    return NULL;
}

static json_t *mp_to_json(wire_ctx_t *c, wire_mp_reader_t *r)
{
    wire_mp_val_t v;
    json_t *j = NULL, *e;
    char *b64;

    if (wire_mp_next(r, &v))
        return mp_fail(c, NULL, r->why);
    switch (v.kind) {
    case WIRE_MP_NIL: j = json_null(); break;
    case WIRE_MP_BOOL: j = json_boolean(v.b); break;
    case WIRE_MP_UINT: j = v.u <= INT64_MAX ? json_integer((json_int_t)v.u) : json_real((double)v.u); break;
    case WIRE_MP_INT: j = json_integer(v.i); break;
    case WIRE_MP_FLOAT:
        if (!isfinite(v.d))
            return mp_fail(c, NULL, "NaN and infinity have no JSON form");
        j = json_real(v.d);
        break;
    case WIRE_MP_STR:
        if (!utf8_valid(v.ptr, v.len))
            return mp_fail(c, NULL, "string is not valid UTF-8");
        j = json_stringn((const char *)v.ptr, v.len);
        break;
    case WIRE_MP_BIN:
        if (!(b64 = b64_encode(v.ptr, v.len)))
            return mp_fail(c, NULL, "out of memory");
        j = json_string(b64);
        free(b64);
        break;
    case WIRE_MP_ARRAY:
        if (!(j = json_array()))
            break;
        for (uint32_t k = 0; k < v.len; k++) {
            if (!(e = mp_to_json(c, r))) {
                json_decref(j); /* err already says why */
                return NULL;
            }
            if (json_array_append_new(j, e))
                return mp_fail(c, j, "out of memory");
        }
        break;
    case WIRE_MP_MAP:
        if (!(j = json_object()))
            break;
        for (uint32_t k = 0; k < v.len; k++) {
            wire_mp_val_t key;
            if (wire_mp_next(r, &key))
                return mp_fail(c, j, r->why);
            if (key.kind != WIRE_MP_STR)
                return mp_fail(c, j, "map keys must be strings");
            if (!utf8_valid(key.ptr, key.len))
                return mp_fail(c, j, "map key is not valid UTF-8");
            if (json_object_getn(j, (const char *)key.ptr, key.len))
                return mp_fail(c, j, "duplicate key");
            if (!(e = mp_to_json(c, r))) {
                json_decref(j);
                return NULL;
            }
            if (json_object_setn_new(j, (const char *)key.ptr, key.len, e))
                return mp_fail(c, j, "out of memory");
        }
        break;
    default: /* WIRE_MP_EXT */
        return mp_fail(c, NULL, "msgpack ext values have no JSON form");
    }
    return j ? j : mp_fail(c, NULL, "out of memory");
}

json_t *wire_msgpack_to_json(const void *buf, size_t len, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy};
    wire_mp_reader_t r;
    const char *why = "?";

    c.err->field[0] = c.err->reason[0] = '\0';
    if (wire_mp_check(buf, len, &why)) {
        fail(&c, SV_ERR_DECODE, "", -1, "malformed msgpack: %s", why);
        return NULL;
    }
    wire_mp_init(&r, buf, len);
    return mp_to_json(&c, &r);
}

/* --- msgpack to JSON text, without jansson and without allocating beyond out's growth --- */

static bool tx_put(msgpack_sbuffer *out, const void *p, size_t n)
{
    return msgpack_sbuffer_write(out, p, n) == 0;
}

/* A JSON string: ", \ and control characters escaped, the rest (valid UTF-8) as is. */
static bool tx_str(msgpack_sbuffer *out, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;

    if (!tx_put(out, "\"", 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        char esc[6];
        size_t el = 2;
        uint8_t ch = p[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (i > run && !tx_put(out, p + run, i - run))
            return false;
        run = i + 1;
        esc[0] = '\\';
        switch (ch) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[ch >> 4], esc[5] = hex[ch & 15];
            el = 6;
        }
        if (!tx_put(out, esc, el))
            return false;
    }
    return (n <= run || tx_put(out, p + run, n - run)) && tx_put(out, "\"", 1);
}

/* A finite double as the shortest text that reads back to it when it is m / 10^k exactly
 * (k <= 4: prices, lines, scores), else %.17g; always with a '.' or an exponent. */
static bool tx_double(msgpack_sbuffer *out, double x)
{
    char buf[40];
    int n = sv_fmt_decimal(x, buf);

    if (n > 0)
        return tx_put(out, buf, (size_t)n);
    n = snprintf(buf, sizeof(buf), "%.17g", x);
    if (!strpbrk(buf, ".eEn"))
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, ".0");
    return tx_put(out, buf, (size_t)n);
}

static sv_err_t mp_to_text(wire_ctx_t *c, wire_mp_reader_t *r, msgpack_sbuffer *out, int depth)
{
    wire_mp_val_t v;
    char num[32];
    bool ok = true;

    if (depth > WIRE_MP_DEPTH_MAX)
        return fail(c, SV_ERR_DECODE, "", -1, "nested too deep");
    if (wire_mp_next(r, &v))
        return fail(c, SV_ERR_DECODE, "", -1, "%s", r->why);
    switch (v.kind) {
    case WIRE_MP_NIL: ok = tx_put(out, "null", 4); break;
    case WIRE_MP_BOOL: ok = v.b ? tx_put(out, "true", 4) : tx_put(out, "false", 5); break;
    case WIRE_MP_UINT:
        if (v.u > INT64_MAX)
            ok = tx_double(out, (double)v.u);
        else
            ok = tx_put(out, num, (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v.u));
        break;
    case WIRE_MP_INT:
        ok = tx_put(out, num, (size_t)snprintf(num, sizeof(num), "%lld", (long long)v.i));
        break;
    case WIRE_MP_FLOAT:
        if (!isfinite(v.d))
            return fail(c, SV_ERR_DECODE, "", -1, "NaN and infinity have no JSON form");
        ok = tx_double(out, v.d);
        break;
    case WIRE_MP_STR:
        if (!utf8_valid(v.ptr, v.len))
            return fail(c, SV_ERR_DECODE, "", -1, "string is not valid UTF-8");
        ok = tx_str(out, v.ptr, v.len);
        break;
    case WIRE_MP_BIN: {
        char *b64 = b64_encode(v.ptr, v.len);
        ok = b64 && tx_str(out, (const uint8_t *)b64, strlen(b64));
        free(b64);
        break;
    }
    case WIRE_MP_ARRAY:
        ok = tx_put(out, "[", 1);
        for (uint32_t k = 0; ok && k < v.len; k++) {
            sv_err_t rc;
            if (k && !tx_put(out, ",", 1))
                return fail(c, SV_ERR_NOMEM, "", -1, "out of memory");
            if ((rc = mp_to_text(c, r, out, depth + 1)) != SV_OK)
                return rc;
        }
        ok = ok && tx_put(out, "]", 1);
        break;
    case WIRE_MP_MAP:
        ok = tx_put(out, "{", 1);
        for (uint32_t k = 0; ok && k < v.len; k++) {
            wire_mp_val_t key;
            sv_err_t rc;
            if (wire_mp_next(r, &key))
                return fail(c, SV_ERR_DECODE, "", -1, "%s", r->why);
            if (key.kind != WIRE_MP_STR)
                return fail(c, SV_ERR_DECODE, "", -1, "map keys must be strings");
            if (!utf8_valid(key.ptr, key.len))
                return fail(c, SV_ERR_DECODE, "", -1, "map key is not valid UTF-8");
            if ((k && !tx_put(out, ",", 1)) || !tx_str(out, key.ptr, key.len) ||
                !tx_put(out, ":", 1))
                return fail(c, SV_ERR_NOMEM, "", -1, "out of memory");
            if ((rc = mp_to_text(c, r, out, depth + 1)) != SV_OK)
                return rc;
        }
        ok = ok && tx_put(out, "}", 1);
        break;
    default: /* WIRE_MP_EXT */
        return fail(c, SV_ERR_DECODE, "", -1, "msgpack ext values have no JSON form");
    }
    return ok ? SV_OK : fail(c, SV_ERR_NOMEM, "", -1, "out of memory");
}

sv_err_t wire_msgpack_to_text(const void *buf, size_t len, msgpack_sbuffer *out, wire_err_t *err)
{
    wire_err_t dummy;
    wire_ctx_t c = {.err = err ? err : &dummy};
    wire_mp_reader_t r;
    size_t start = out->size;
    sv_err_t rc;

    c.err->field[0] = c.err->reason[0] = '\0';
    wire_mp_init(&r, buf, len);
    rc = mp_to_text(&c, &r, out, 0);
    if (rc == SV_OK && r.p != r.end)
        rc = fail(&c, SV_ERR_DECODE, "", -1, "bytes after the value");
    if (rc != SV_OK)
        out->size = start;
    return rc;
}

json_t *wire_to_json(wire_type_t t, const void *ev)
{
    uint8_t stack[WIRE_ENC_STACK];
    wire_wr_t w;
    json_t *j = NULL;

    SV_ASSERT((unsigned)t < WIRE__CNT);
    wire_init();
    wr_init(&w, stack, sizeof(stack));
    if (walk_obj(NULL, &w, &wire_schemas[t], ev) == SV_OK && !w.oom)
        j = wire_msgpack_to_json(w.base, (size_t)(w.p - w.base), NULL);
    wr_release(&w);
    return j;
}
