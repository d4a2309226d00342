/*
 * fuzz-rec_line — libFuzzer target: arbitrary bytes as a savant-replay recording file
 * (schemas/wire_rec.h). Every line must be read or refused with "file:line: field: reason";
 * whatever is read must write back to a line that reads to the same message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static wire_rec_t rec, back;
    char err[512], *out = NULL;
    size_t out_len = 0;
    FILE *fp = fmemopen((void *)data, size, "r");
    wire_rec_reader_t *rd;
    sv_err_t rc;

    if (!fp)
        return 0;
    rd = wire_rec_reader_new(fp, "fuzz");
    if (!rd) {
        fclose(fp);
        return 0;
    }
    for (int n = 0; n < 64; n++) {
        rc = wire_rec_read(rd, &rec, err, sizeof(err));
        if (rc == SV_AGAIN || rc == SV_ERR_IO)
            break;
        if (rc != SV_OK) {
            if (!strstr(err, "fuzz:")) {
                fprintf(stderr, "error without the file name: %s\n", err);
                abort();
            }
            continue;
        }
        /* round trip: write it, read it back, compare */
        FILE *w = open_memstream(&out, &out_len);
        if (!w)
            abort();
        if (wire_rec_write(w, rec.topic, rec.partition, rec.offset, rec.ts,
                           rec.has_key ? rec.key : NULL, rec.key_len, rec.value,
                           rec.value_len) != SV_OK)
            abort();
        fclose(w);
        {
            FILE *r = fmemopen(out, out_len, "r");
            wire_rec_reader_t *rd2 = wire_rec_reader_new(r, "back");
            if (!r || !rd2 || wire_rec_read(rd2, &back, err, sizeof(err)) != SV_OK) {
                fprintf(stderr, "re-read failed: %s\n", err);
                abort();
            }
            if (strcmp(back.topic, rec.topic) || back.partition != rec.partition ||
                back.offset != rec.offset || back.ts != rec.ts || back.has_key != rec.has_key ||
                back.key_len != rec.key_len || memcmp(back.key, rec.key, rec.key_len) ||
                back.value_len != rec.value_len ||
                (rec.value_len && memcmp(back.value, rec.value, rec.value_len))) {
                fprintf(stderr, "round trip changed the message\n");
                abort();
            }
            wire_rec_reader_free(rd2);
            fclose(r);
        }
        free(out);
        out = NULL;
    }
    wire_rec_reader_free(rd);
    fclose(fp);
    return 0;
}
