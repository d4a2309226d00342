/*
 * fuzz-lstm_model — libFuzzer target: arbitrary bytes as an LSTM model file (ai.model,
 * eng_lstm_load in engine/ml/lstm.h), once as they are and once with their last four bytes made
 * the CRC-32 of the rest (so that mutations get past the checksum to the header and the values).
 * Each load must refuse with an error naming the file (the model untouched), or give a model
 * within the maxima whose step on any features is a probability in [0,1], and which saves to a
 * file that loads back to the same model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ml/lstm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64], back_path[64];

static void die(const char *what, const char *errstr)
{
    fprintf(stderr, "fuzz property broken: %s (%s)\n", what, errstr ? errstr : "");
    abort();
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t crc = ~0u;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

static void check_load(const uint8_t *data, size_t size)
{
    static eng_lstm_model_t m, before, back;
    static const float xs[3][ENG_LSTM_IN_MAX] = {{0}, {1, -1, 1e6f, -1e6f, 0.5f}, {3e38f, -3e38f}};
    eng_lstm_state_t s;
    char errstr[512];
    FILE *fp = fopen(path, "wb");
    sv_err_t rc;

    if (!fp)
        return;
    fwrite(data, 1, size, fp);
    fclose(fp);
    memset(&m, 0x5a, sizeof(m));
    memcpy(&before, &m, sizeof(m));
    errstr[0] = '\0';
    rc = eng_lstm_load(path, 0, &m, errstr, sizeof(errstr));
    if (rc != SV_OK) {
        if (rc != SV_ERR_CONFIG || strncmp(errstr, path, strlen(path)) != 0)
            die("a refusal without SV_ERR_CONFIG and the file's name", errstr);
        if (memcmp(&m, &before, sizeof(m)) != 0)
            die("a refused file changed the model", errstr);
        return;
    }
    if (m.n_in < 1 || m.n_in > ENG_LSTM_IN_MAX || m.n_hid < 1 || m.n_hid > ENG_LSTM_HID_MAX)
        die("a model beyond the maxima", NULL);
    if (!memchr(m.meta, 0, sizeof(m.meta)) || !memchr(m.id, 0, sizeof(m.id)))
        die("metadata or id without its end", NULL);
    eng_lstm_state_reset(&s);
    for (int i = 0; i < 3; i++) {
        float p = eng_lstm_step(&m, &s, xs[i]);
        if (!(p >= 0.0f && p <= 1.0f))
            die("a step that is no probability", NULL);
    }
    if (eng_lstm_save(back_path, &m, errstr, sizeof(errstr)) != SV_OK)
        die("a loaded model does not save", errstr);
    memset(&back, 0, sizeof(back));
    if (eng_lstm_load(back_path, 0, &back, errstr, sizeof(errstr)) != SV_OK)
        die("a saved model does not load", errstr);
    if (back.n_in != m.n_in || back.n_hid != m.n_hid || back.feature_hash != m.feature_hash ||
        strcmp(back.meta, m.meta) != 0 || strcmp(back.id, m.id) != 0 ||
        memcmp(back.mean, m.mean, sizeof(m.mean[0]) * (size_t)m.n_in) != 0 ||
        memcmp(back.wy, m.wy, sizeof(m.wy[0]) * (size_t)m.n_hid) != 0 || back.by != m.by)
        die("a saved model loads to another model", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *fixed;
    uint32_t crc;

    if (!path[0]) {
        snprintf(path, sizeof(path), "/tmp/fuzz-lstm-%d.model", (int)getpid());
        snprintf(back_path, sizeof(back_path), "/tmp/fuzz-lstm-%d.back", (int)getpid());
    }
    check_load(data, size);
    if (size < 8)
        return 0;
    if (!(fixed = malloc(size)))
        return 0;
    memcpy(fixed, data, size);
    crc = crc32_of(fixed, size - 4);
    for (int i = 0; i < 4; i++)
        fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    check_load(fixed, size);
    free(fixed);
    return 0;
}
