/*
 * wire_rec — writes and reads the recording file of savant-replay: one JSON object per line and
 * per Kafka message (topic, partition, offset, ts, key, value in base64). The writer streams the
 * line through stdio in small chunks, so it allocates nothing and always writes the fields in the
 * same order with the same escaping (same message -> same bytes). The reader parses each line with
 * jansson, checks every field (type, range, base64) and names the file, the line and the field of
 * the first problem; a bad line never stops the next one from being read. Keys that are not valid
 * UTF-8 cannot be a JSON string: they are written as "key_b64" (base64) instead of "key".
 */
#include "wire_rec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Longest line accepted: a value of WIRE_REC_VALUE_MAX bytes in base64 plus room for the rest. */
#define REC_LINE_MAX (4 * ((WIRE_REC_VALUE_MAX + 2) / 3) + 4 * WIRE_REC_KEY_MAX + 1024)
#define REC_CHUNK 3072 /* bytes of input encoded per base64 chunk (a multiple of 3) */

struct wire_rec_reader {
    FILE *fp;          /* borrowed */
    char *name;        /* the file's name, for messages */
    char *line;        /* getline() buffer */
    size_t line_cap;   /* its size */
    long lineno;       /* 1-based number of the line last read */
    uint8_t *value;    /* decoded value of the message last read */
    size_t value_cap;  /* its size */
};

static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encodes len bytes (len a multiple of 3 unless it is the last piece) into out; returns chars. */
static size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t i, o = 0;

    for (i = 0; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64_alpha[v >> 18];
        out[o++] = b64_alpha[(v >> 12) & 63];
        out[o++] = b64_alpha[(v >> 6) & 63];
        out[o++] = b64_alpha[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64_alpha[v >> 18];
        out[o++] = b64_alpha[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64_alpha[v >> 18];
        out[o++] = b64_alpha[(v >> 12) & 63];
        out[o++] = b64_alpha[(v >> 6) & 63];
        out[o++] = '=';
    }
    return o;
}

static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * Strict RFC 4648 decoding (padding required, no whitespace, unused bits zero) into out, which
 * holds at least 3 * len / 4 bytes. Returns the decoded length, or -1 with a reason in why.
 */
static long b64_decode(const char *in, size_t len, uint8_t *out, char *why, size_t why_size)
{
    size_t i, o = 0;

    if (len % 4) {
        snprintf(why, why_size, "base64 length %zu is not a multiple of 4", len);
        return -1;
    }
    for (i = 0; i < len; i += 4) {
        int v[4], pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            if (c == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad || (v[k] = b64_val(c)) < 0) {
                snprintf(why, why_size, "not base64 at character %zu", i + (size_t)k + 1);
                return -1;
            }
        }
        if (pad == 1 && (v[2] & 3)) {
            snprintf(why, why_size, "non-zero padding bits at character %zu", i + 3);
            return -1;
        }
        if (pad == 2 && (v[1] & 15)) {
            snprintf(why, why_size, "non-zero padding bits at character %zu", i + 2);
            return -1;
        }
        out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        if (pad < 2)
            out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
        if (pad < 1)
            out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
    }
    return (long)o;
}

/* Whether s[0..len) is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static bool utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* Writes s[0..len) as a JSON string (quotes included); s is valid UTF-8. */
static int put_json_str(FILE *fp, const uint8_t *s, size_t len)
{
    char buf[512];
    size_t o = 0;

    buf[o++] = '"';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        if (o > sizeof(buf) - 8) {
            if (fwrite(buf, 1, o, fp) != o)
                return -1;
            o = 0;
        }
        switch (c) {
        case '"': buf[o++] = '\\'; buf[o++] = '"'; break;
        case '\\': buf[o++] = '\\'; buf[o++] = '\\'; break;
        case '\b': buf[o++] = '\\'; buf[o++] = 'b'; break;
        case '\f': buf[o++] = '\\'; buf[o++] = 'f'; break;
        case '\n': buf[o++] = '\\'; buf[o++] = 'n'; break;
        case '\r': buf[o++] = '\\'; buf[o++] = 'r'; break;
        case '\t': buf[o++] = '\\'; buf[o++] = 't'; break;
        default:
            if (c < 0x20)
                o += (size_t)snprintf(buf + o, 7, "\\u%04x", c);
            else
                buf[o++] = (char)c;
        }
    }
    buf[o++] = '"';
    return fwrite(buf, 1, o, fp) == o ? 0 : -1;
}

/* Writes buf[0..len) in base64 within quotes. */
static int put_b64(FILE *fp, const uint8_t *buf, size_t len)
{
    char out[4 * REC_CHUNK / 3];

    if (fputc('"', fp) == EOF)
        return -1;
    for (size_t i = 0; i < len; i += REC_CHUNK) {
        size_t n = len - i < REC_CHUNK ? len - i : REC_CHUNK;
        size_t o = b64_encode(buf + i, n, out);
        if (fwrite(out, 1, o, fp) != o)
            return -1;
    }
    return fputc('"', fp) == EOF ? -1 : 0;
}

sv_err_t wire_rec_write(FILE *fp, const char *topic, int32_t partition, int64_t offset,
                        int64_t ts, const void *key, size_t key_len, const void *value,
                        size_t value_len)
{
    static const uint8_t empty[1] = {0};
    int bad = 0;

    if (fputs("{\"topic\":", fp) == EOF ||
        put_json_str(fp, (const uint8_t *)topic, strlen(topic)) < 0 ||
        fprintf(fp, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64 ",\"ts\":%" PRId64,
                partition, offset, ts) < 0)
        return SV_ERR_IO;
    if (!key)
        bad = fputs(",\"key\":null", fp) == EOF;
    else if (utf8_valid(key, key_len))
        bad = fputs(",\"key\":", fp) == EOF || put_json_str(fp, key, key_len) < 0;
    else
        bad = fputs(",\"key_b64\":", fp) == EOF || put_b64(fp, key, key_len) < 0;
    if (bad || fputs(",\"value\":", fp) == EOF ||
        put_b64(fp, value ? value : empty, value ? value_len : 0) < 0 || fputs("}\n", fp) == EOF)
        return SV_ERR_IO;
    return SV_OK;
}

wire_rec_reader_t *wire_rec_reader_new(FILE *fp, const char *name)
{
    wire_rec_reader_t *rd = calloc(1, sizeof(*rd));

    if (!rd)
        return NULL;
    rd->fp = fp;
    rd->name = strdup(name ? name : "-");
    if (!rd->name) {
        free(rd);
        return NULL;
    }
    return rd;
}

void wire_rec_reader_free(wire_rec_reader_t *rd)
{
    if (!rd)
        return;
    free(rd->name);
    free(rd->line);
    free(rd->value);
    free(rd);
}

long wire_rec_line(const wire_rec_reader_t *rd)
{
    return rd->lineno;
}

/* Fills errstr with "NAME:LINE: FIELD: REASON" and returns SV_ERR_DECODE. */
static sv_err_t rec_bad(const wire_rec_reader_t *rd, char *errstr, size_t errstr_size,
                        const char *field, const char *reason)
{
    snprintf(errstr, errstr_size, "%s:%ld: %s: %s", rd->name, rd->lineno, field, reason);
    return SV_ERR_DECODE;
}

/* An integer field in [min, max]; returns 0 or -1 with the reason in why. */
static int rec_int(json_t *obj, const char *field, int64_t min, int64_t max, int64_t *out,
                   char *why, size_t why_size)
{
    json_t *j = json_object_get(obj, field);

    if (!j) {
        snprintf(why, why_size, "missing");
        return -1;
    }
    if (!json_is_integer(j)) {
        snprintf(why, why_size, "not an integer");
        return -1;
    }
    if (json_integer_value(j) < min || json_integer_value(j) > max) {
        snprintf(why, why_size, "%" JSON_INTEGER_FORMAT " out of range [%" PRId64 ", %" PRId64 "]",
                 json_integer_value(j), min, max);
        return -1;
    }
    *out = json_integer_value(j);
    return 0;
}

/* Decodes the base64 string j into rd->value (growing it up to max bytes). */
static long rec_b64(wire_rec_reader_t *rd, json_t *j, size_t max, char *why, size_t why_size)
{
    size_t len = json_string_length(j), need = len / 4 * 3;

    if (need > max + 2) {
        snprintf(why, why_size, "longer than %zu bytes", max);
        return -1;
    }
    if (need > rd->value_cap || !rd->value) {
        uint8_t *nv = realloc(rd->value, need ? need : 1);
        if (!nv) {
            snprintf(why, why_size, "out of memory");
            return -1;
        }
        rd->value = nv;
        rd->value_cap = need ? need : 1;
    }
    long n = b64_decode(json_string_value(j), len, rd->value, why, why_size);
    if (n > (long)max) {
        snprintf(why, why_size, "longer than %zu bytes", max);
        return -1;
    }
    return n;
}

/* Checks and copies the fields of one parsed line into rec. */
static sv_err_t rec_fields(wire_rec_reader_t *rd, json_t *obj, wire_rec_t *rec, char *errstr,
                           size_t errstr_size)
{
    char why[160];
    json_t *j, *jk, *jkb;
    int64_t v;
    long n;

    if (!json_is_object(obj))
        return rec_bad(rd, errstr, errstr_size, "(line)", "not a JSON object");
    j = json_object_get(obj, "topic");
    if (!j)
        return rec_bad(rd, errstr, errstr_size, "topic", "missing");
    if (!json_is_string(j))
        return rec_bad(rd, errstr, errstr_size, "topic", "not a string");
    if (json_string_length(j) == 0 || json_string_length(j) >= WIRE_REC_TOPIC_MAX ||
        memchr(json_string_value(j), '\0', json_string_length(j))) {
        snprintf(why, sizeof(why), "length %zu not in 1..%d or contains NUL",
                 json_string_length(j), WIRE_REC_TOPIC_MAX - 1);
        return rec_bad(rd, errstr, errstr_size, "topic", why);
    }
    memcpy(rec->topic, json_string_value(j), json_string_length(j) + 1);

    if (rec_int(obj, "partition", -1, INT32_MAX, &v, why, sizeof(why)))
        return rec_bad(rd, errstr, errstr_size, "partition", why);
    rec->partition = (int32_t)v;
    if (rec_int(obj, "offset", -1, INT64_MAX, &rec->offset, why, sizeof(why)))
        return rec_bad(rd, errstr, errstr_size, "offset", why);
    if (rec_int(obj, "ts", -1, INT64_MAX, &rec->ts, why, sizeof(why)))
        return rec_bad(rd, errstr, errstr_size, "ts", why);

    jk = json_object_get(obj, "key");
    jkb = json_object_get(obj, "key_b64");
    if (jk && jkb)
        return rec_bad(rd, errstr, errstr_size, "key", "both key and key_b64 given");
    if (!jk && !jkb)
        return rec_bad(rd, errstr, errstr_size, "key", "missing (null for no key)");
    rec->has_key = false;
    rec->key_len = 0;
    rec->key[0] = '\0';
    if (jk && !json_is_null(jk)) {
        if (!json_is_string(jk))
            return rec_bad(rd, errstr, errstr_size, "key", "not a string or null");
        if (json_string_length(jk) >= WIRE_REC_KEY_MAX) {
            snprintf(why, sizeof(why), "longer than %d bytes", WIRE_REC_KEY_MAX - 1);
            return rec_bad(rd, errstr, errstr_size, "key", why);
        }
        rec->has_key = true;
        rec->key_len = json_string_length(jk);
        memcpy(rec->key, json_string_value(jk), rec->key_len);
        rec->key[rec->key_len] = '\0';
    } else if (jkb) {
        if (!json_is_string(jkb))
            return rec_bad(rd, errstr, errstr_size, "key_b64", "not a string");
        n = rec_b64(rd, jkb, WIRE_REC_KEY_MAX - 1, why, sizeof(why));
        if (n < 0)
            return rec_bad(rd, errstr, errstr_size, "key_b64", why);
        rec->has_key = true;
        rec->key_len = (size_t)n;
        memcpy(rec->key, rd->value, rec->key_len);
        rec->key[rec->key_len] = '\0';
    }

    j = json_object_get(obj, "value");
    if (!j)
        return rec_bad(rd, errstr, errstr_size, "value", "missing");
    if (!json_is_string(j))
        return rec_bad(rd, errstr, errstr_size, "value", "not a string");
    n = rec_b64(rd, j, WIRE_REC_VALUE_MAX, why, sizeof(why));
    if (n < 0)
        return rec_bad(rd, errstr, errstr_size, "value", why);
    rec->value = rd->value;
    rec->value_len = (size_t)n;
    return SV_OK;
}

sv_err_t wire_rec_read(wire_rec_reader_t *rd, wire_rec_t *rec, char *errstr, size_t errstr_size)
{
    for (;;) {
        json_error_t jerr;
        json_t *obj;
        ssize_t n;
        sv_err_t err;

        errno = 0;
        n = getline(&rd->line, &rd->line_cap, rd->fp);
        if (n < 0) {
            if (ferror(rd->fp)) {
                snprintf(errstr, errstr_size, "%s:%ld: cannot read: %s", rd->name, rd->lineno + 1,
                         strerror(errno ? errno : EIO));
                return SV_ERR_IO;
            }
            return SV_AGAIN;
        }
        rd->lineno++;
        while (n > 0 && (rd->line[n - 1] == '\n' || rd->line[n - 1] == '\r'))
            rd->line[--n] = '\0';
        if (strspn(rd->line, " \t") == (size_t)n)
            continue; /* blank lines are allowed and ignored */
        if (n > REC_LINE_MAX) {
            char why[64];
            snprintf(why, sizeof(why), "longer than %d bytes", REC_LINE_MAX);
            return rec_bad(rd, errstr, errstr_size, "(line)", why);
        }
        obj = json_loadb(rd->line, (size_t)n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!obj) {
            char why[240];
            snprintf(why, sizeof(why), "invalid JSON at column %d: %s", jerr.column, jerr.text);
            return rec_bad(rd, errstr, errstr_size, "(line)", why);
        }
        err = rec_fields(rd, obj, rec, errstr, errstr_size);
        json_decref(obj);
        return err;
    }
}
