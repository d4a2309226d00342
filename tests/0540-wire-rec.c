/*
 * 0540–0559: the recording file of savant-replay (schemas/wire_rec.h): exact line text, RFC 4648
 * base64 vectors, round trips of arbitrary bytes (zero bytes, empty values, null and binary keys),
 * and bad lines reported with file, line number and field while the next line is still read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "wire_rec.h"

/* The text written for one message, in a static buffer. */
static const char *rec_line(const char *topic, int32_t part, int64_t off, int64_t ts,
                            const void *key, size_t key_len, const void *val, size_t val_len)
{
    static char buf[4096];
    FILE *fp = tmpfile();
    size_t n;

    buf[0] = '\0';
    if (!fp)
        return "(tmpfile failed)";
    if (wire_rec_write(fp, topic, part, off, ts, key, key_len, val, val_len) != SV_OK) {
        fclose(fp);
        return "(write failed)";
    }
    rewind(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* A reader over the text s (in a temp file). */
static FILE *rec_file(const char *s)
{
    FILE *fp = tmpfile();
    if (fp) {
        fputs(s, fp);
        rewind(fp);
    }
    return fp;
}

int test_0540_wire_rec_line(void);
int test_0540_wire_rec_line(void)
{
    static const uint8_t val[] = {0x82, 0xa1, 0x76, 0x01};
    static const char key2[] = "a\"b\\c\n\td\0e\x01/\xc3\xa9";
    static const uint8_t key3[] = {0xff, 0x00};
    T_BEGIN;
    T_ASSERT_STR(rec_line("savant.odds.v1", 0, 17, 1764180000000, "nba-2026-11-26-bos-lal", 22,
                          val, sizeof(val)),
                 "{\"topic\":\"savant.odds.v1\",\"partition\":0,\"offset\":17,\"ts\":1764180000000,"
                 "\"key\":\"nba-2026-11-26-bos-lal\",\"value\":\"gqF2AQ==\"}\n");
    /* no key, no timestamp, empty value (NULL and zero-length alike) */
    T_ASSERT_STR(rec_line("t", 3, 0, -1, NULL, 0, NULL, 0),
                 "{\"topic\":\"t\",\"partition\":3,\"offset\":0,\"ts\":-1,\"key\":null,\"value\":\"\"}\n");
    T_ASSERT_STR(rec_line("t", 3, 0, -1, "", 0, "", 0),
                 "{\"topic\":\"t\",\"partition\":3,\"offset\":0,\"ts\":-1,\"key\":\"\",\"value\":\"\"}\n");
    /* escapes: quote, backslash, newline, tab, NUL, other control; UTF-8 kept, '/' not escaped */
    T_ASSERT_STR(rec_line("t", 0, 1, 2, key2, sizeof(key2) - 1, "\0", 1),
                 "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":2,"
                 "\"key\":\"a\\\"b\\\\c\\n\\td\\u0000e\\u0001/\xc3\xa9\",\"value\":\"AA==\"}\n");
    /* a key that is not UTF-8 goes to key_b64 */
    T_ASSERT_STR(rec_line("t", 0, 1, 2, key3, 2, "ab", 2),
                 "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":2,\"key_b64\":\"/wA=\","
                 "\"value\":\"YWI=\"}\n");
    T_END;
}

int test_0541_wire_rec_base64(void);
int test_0541_wire_rec_base64(void)
{
    /* RFC 4648 §10 test vectors */
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char want[256], err[256];
    wire_rec_reader_t *rd = NULL;
    FILE *fp = NULL;
    wire_rec_t rec;
    T_BEGIN;
    for (int i = 0; i < 7; i++) {
        snprintf(want, sizeof(want),
                 "{\"topic\":\"x\",\"partition\":0,\"offset\":0,\"ts\":0,\"key\":null,"
                 "\"value\":\"%s\"}\n", out[i]);
        T_ASSERT_STR(rec_line("x", 0, 0, 0, NULL, 0, in[i], strlen(in[i])), want);
        fp = rec_file(want);
        T_ASSERT(fp);
        rd = wire_rec_reader_new(fp, "v.jsonl");
        T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_INT(rec.value_len, ==, strlen(in[i]));
        T_ASSERT(memcmp(rec.value, in[i], rec.value_len) == 0);
        T_ASSERT(!rec.has_key);
        T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_AGAIN);
        wire_rec_reader_free(rd);
        rd = NULL;
        fclose(fp);
        fp = NULL;
    }
end:
    wire_rec_reader_free(rd);
    if (fp)
        fclose(fp);
    return t_rc_;
}

int test_0542_wire_rec_roundtrip(void);
int test_0542_wire_rec_roundtrip(void)
{
    enum { N = 600 };
    static uint8_t val[N][700];
    static uint8_t key[N][40];
    size_t vlen[N], klen[N];
    char err[256], topic[64];
    wire_rec_reader_t *rd = NULL;
    FILE *fp = tmpfile();
    wire_rec_t rec;
    uint64_t x = 88172645463325252ull; /* xorshift64, fixed seed */
    int i = 0;
    T_BEGIN;
    T_ASSERT(fp);
    for (i = 0; i < N; i++) {
        vlen[i] = (size_t)(i % 7 == 0 ? 0 : (i * 37) % 700);
        for (size_t k = 0; k < vlen[i]; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            val[i][k] = (uint8_t)(i % 5 == 1 ? 0 : x); /* some values all zero bytes */
        }
        klen[i] = (size_t)(i % 40);
        for (size_t k = 0; k < klen[i]; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* even rows: printable and control bytes incl. NUL; odd rows: any byte */
            key[i][k] = (uint8_t)(i % 2 ? x : x % 0x7f);
        }
        snprintf(topic, sizeof(topic), "savant.t%d.v1", i % 3);
        T_ASSERT_INT(wire_rec_write(fp, topic, i % 4, i, 1764180000000 + i,
                                    i % 3 == 2 ? NULL : key[i], klen[i], val[i], vlen[i]),
                     ==, SV_OK);
    }
    rewind(fp);
    rd = wire_rec_reader_new(fp, "rt.jsonl");
    T_ASSERT(rd);
    for (i = 0; i < N; i++) {
        snprintf(topic, sizeof(topic), "savant.t%d.v1", i % 3);
        memset(&rec, 0x5a, sizeof(rec));
        T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_INT(wire_rec_line(rd), ==, i + 1);
        T_ASSERT_STR(rec.topic, topic);
        T_ASSERT_INT(rec.partition, ==, i % 4);
        T_ASSERT_INT(rec.offset, ==, i);
        T_ASSERT_INT(rec.ts, ==, 1764180000000 + i);
        if (i % 3 == 2) {
            T_ASSERT(!rec.has_key);
            T_ASSERT_INT(rec.key_len, ==, 0);
        } else {
            T_ASSERT(rec.has_key);
            T_ASSERT_INT(rec.key_len, ==, klen[i]);
            T_ASSERT(memcmp(rec.key, key[i], klen[i]) == 0);
        }
        T_ASSERT_INT(rec.value_len, ==, vlen[i]);
        T_ASSERT(vlen[i] == 0 || memcmp(rec.value, val[i], vlen[i]) == 0);
    }
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_AGAIN);
end:
    if (t_rc_)
        fprintf(stderr, "    at message %d: %s\n", i, err);
    wire_rec_reader_free(rd);
    if (fp)
        fclose(fp);
    return t_rc_;
}

int test_0543_wire_rec_bad_lines(void);
int test_0543_wire_rec_bad_lines(void)
{
    /* one bad line after another, each followed by the next; good lines at 1, 4 and the end */
    static const char *text =
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"YQ==\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\n"                                          /* 2 */
        "{\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"YQ==\"}\n"   /* 3 */
        "\n"                                                                           /* 4 */
        "{\"topic\":\"b\",\"partition\":1,\"offset\":6,\"ts\":-1,\"key\":null,\"value\":\"\"}\r\n"
        "{\"topic\":\"a\",\"partition\":\"0\",\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":-2,\"ts\":9,\"key\":\"k\",\"value\":\"\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":1.5,\"key\":\"k\",\"value\":\"\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"value\":\"\"}\n"          /* 9 */
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":7,\"value\":\"\"}\n" /* 10 */
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"YQ=\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"Y*==\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"YR==\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"YQ==YQ==\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\"}\n"           /* 15 */
        "[1,2]\n"                                                                          /* 16 */
        "{\"topic\":\"\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"value\":\"\"}\n"
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key\":\"k\",\"key_b64\":\"\","
        "\"value\":\"\"}\n"                                                                /* 18 */
        "{\"topic\":\"a\",\"partition\":0,\"offset\":5,\"ts\":9,\"key_b64\":\"/wA=\",\"value\":"
        "\"Zm9v\",\"extra\":1}\n";                                                         /* 19 */
    static const struct {
        long line;
        const char *field;
        const char *why;
    } bad[] = {
        {2, "(line)", "invalid JSON"},
        {3, "topic", "missing"},
        {6, "partition", "not an integer"},
        {7, "offset", "-2 out of range"},
        {8, "ts", "not an integer"},
        {9, "key", "missing"},
        {10, "key", "not a string or null"},
        {11, "value", "not a multiple of 4"},
        {12, "value", "not base64 at character 2"},
        {13, "value", "non-zero padding bits"},
        {14, "value", "not base64 at character 3"},
        {15, "value", "missing"},
        {16, "(line)", "not a JSON object"},
        {17, "topic", "length 0"},
        {18, "key", "both key and key_b64"},
    };
    char err[256], want[64];
    wire_rec_reader_t *rd = NULL;
    FILE *fp = rec_file(text);
    wire_rec_t rec;
    T_BEGIN;
    T_ASSERT(fp);
    rd = wire_rec_reader_new(fp, "bad.jsonl");
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(wire_rec_line(rd), ==, 1);
    T_ASSERT_STR(rec.topic, "a");
    T_ASSERT_STR(rec.key, "k");
    T_ASSERT_INT(rec.value_len, ==, 1);
    T_ASSERT_INT(rec.value[0], ==, 'a');
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_ERR_DECODE);
        T_ASSERT_INT(wire_rec_line(rd), ==, bad[i].line);
        snprintf(want, sizeof(want), "bad.jsonl:%ld: %s: ", bad[i].line, bad[i].field);
        if (strncmp(err, want, strlen(want)) != 0)
            T_FAILF("\"%s\" does not start with \"%s\"", err, want);
        T_ASSERT_CONTAINS(err, bad[i].why);
        if (bad[i].line == 3) {
            /* the blank line 4 is skipped; line 5 (CRLF) reads fine */
            T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
            T_ASSERT_INT(wire_rec_line(rd), ==, 5);
            T_ASSERT_STR(rec.topic, "b");
            T_ASSERT_INT(rec.partition, ==, 1);
            T_ASSERT_INT(rec.offset, ==, 6);
            T_ASSERT_INT(rec.ts, ==, -1);
            T_ASSERT(!rec.has_key);
            T_ASSERT_INT(rec.value_len, ==, 0);
        }
    }
    /* line 19: key_b64 decoded, unknown fields ignored */
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(wire_rec_line(rd), ==, 19);
    T_ASSERT(rec.has_key);
    T_ASSERT_INT(rec.key_len, ==, 2);
    T_ASSERT_INT((uint8_t)rec.key[0], ==, 0xff);
    T_ASSERT_INT(rec.key[1], ==, 0);
    T_ASSERT_INT(rec.value_len, ==, 3);
    T_ASSERT(memcmp(rec.value, "foo", 3) == 0);
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_AGAIN);
end:
    wire_rec_reader_free(rd);
    if (fp)
        fclose(fp);
    return t_rc_;
}

int test_0544_wire_rec_limits(void);
int test_0544_wire_rec_limits(void)
{
    /* a value of exactly WIRE_REC_VALUE_MAX bytes reads; one byte more is reported, and a key of
     * WIRE_REC_KEY_MAX - 1 bytes reads while WIRE_REC_KEY_MAX is too long */
    static char key[WIRE_REC_KEY_MAX + 1];
    uint8_t *val = calloc(1, WIRE_REC_VALUE_MAX + 1);
    char err[256];
    wire_rec_reader_t *rd = NULL;
    FILE *fp = tmpfile();
    wire_rec_t rec;
    T_BEGIN;
    T_ASSERT(fp && val);
    memset(key, 'k', sizeof(key));
    val[WIRE_REC_VALUE_MAX - 1] = 7;
    T_ASSERT_INT(wire_rec_write(fp, "a", 0, 0, 0, key, WIRE_REC_KEY_MAX - 1, val,
                                WIRE_REC_VALUE_MAX), ==, SV_OK);
    T_ASSERT_INT(wire_rec_write(fp, "a", 0, 1, 0, NULL, 0, val, WIRE_REC_VALUE_MAX + 1), ==, SV_OK);
    T_ASSERT_INT(wire_rec_write(fp, "a", 0, 2, 0, key, WIRE_REC_KEY_MAX, "x", 1), ==, SV_OK);
    T_ASSERT_INT(wire_rec_write(fp, "a", 0, 3, 0, NULL, 0, "y", 1), ==, SV_OK);
    rewind(fp);
    rd = wire_rec_reader_new(fp, "big.jsonl");
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(rec.key_len, ==, WIRE_REC_KEY_MAX - 1);
    T_ASSERT_INT(rec.value_len, ==, WIRE_REC_VALUE_MAX);
    T_ASSERT_INT(rec.value[WIRE_REC_VALUE_MAX - 1], ==, 7);
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_ERR_DECODE);
    T_ASSERT_CONTAINS(err, "big.jsonl:2: value: longer than 1048576 bytes");
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_ERR_DECODE);
    T_ASSERT_CONTAINS(err, "big.jsonl:3: key: longer than 1023 bytes");
    T_ASSERT_INT(wire_rec_read(rd, &rec, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(rec.offset, ==, 3);
    T_ASSERT_INT(rec.value_len, ==, 1);
    T_ASSERT_INT(rec.value[0], ==, 'y');
end:
    wire_rec_reader_free(rd);
    if (fp)
        fclose(fp);
    free(val);
    return t_rc_;
}
