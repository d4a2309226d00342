/*
 * wire_rec — the recording file of savant-replay (record writes it, replay and backtest read it):
 * one JSON object per line, one line per Kafka message, in the order recorded:
 *
 *   {"topic":"savant.odds.v1","partition":0,"offset":17,"ts":1764180000000,
 *    "key":"nba-2026-11-26-bos-lal","value":"<base64 of the msgpack bytes>"}
 *
 * topic is the full topic name as recorded; ts is the message's Kafka timestamp (ms; -1 when the
 * broker gave none); key is a string (null when the message had none); value is the message's
 * bytes, base64 (RFC 4648, with padding). Text, so a recording can be read, grepped and diffed;
 * the bytes are kept exactly, so replay and backtest see what the engine saw. Format: docs/replay.md.
 */
#ifndef SV_WIRE_REC_H
#define SV_WIRE_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sv_err.h"

#define WIRE_REC_TOPIC_MAX 256   /* bytes of a topic name */
#define WIRE_REC_KEY_MAX 1024    /* bytes of a key */
#define WIRE_REC_VALUE_MAX (1 << 20) /* bytes of a value */

/* One recorded message. The reader owns the buffers; they are valid until the next read. */
typedef struct wire_rec {
    char topic[WIRE_REC_TOPIC_MAX];
    int32_t partition;
    int64_t offset;
    int64_t ts;
    bool has_key;
    char key[WIRE_REC_KEY_MAX];
    size_t key_len;
    uint8_t *value;          /* the message bytes (reader-owned) */
    size_t value_len;
} wire_rec_t;

/**
 * @brief Write one message as one line (no allocation beyond a reusable internal buffer).
 * @returns SV_OK or SV_ERR_IO
 * @locality any thread, one writer per FILE
 */
sv_err_t wire_rec_write(FILE *fp, const char *topic, int32_t partition, int64_t offset,
                        int64_t ts, const void *key, size_t key_len, const void *value,
                        size_t value_len);

typedef struct wire_rec_reader wire_rec_reader_t;

/**
 * @brief A reader over fp (borrowed; the caller closes it after wire_rec_reader_free()).
 * @param name the file's name, for error messages
 */
wire_rec_reader_t *wire_rec_reader_new(FILE *fp, const char *name);

/** @brief Free the reader; NULL is fine. */
void wire_rec_reader_free(wire_rec_reader_t *rd);

/**
 * @brief Read the next message into *rec.
 * @returns SV_OK; SV_AGAIN at the end of the file; SV_ERR_DECODE for a bad line (errstr names
 *          the file, the line number and the field; the caller may go on reading the next line);
 *          SV_ERR_IO on a read error.
 */
sv_err_t wire_rec_read(wire_rec_reader_t *rd, wire_rec_t *rec, char *errstr, size_t errstr_size);

/** @brief The 1-based line number of the message last read. */
long wire_rec_line(const wire_rec_reader_t *rd);

#endif
