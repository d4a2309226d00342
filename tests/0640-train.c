/*
 * 0640–0659: savant-train (ops/savant-train.c) and the shipped default model. The tests write a
 * synthetic dataset with a rule the LSTM can learn (feature p_fair above 0.5 on every step means
 * the side wins), train on it with the binary, and load the model file with eng_lstm_load(); the
 * shipped config/models/default.model must load against this build's feature schema.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "ml/features.h"
#include "ml/lstm.h"

#define TR_SYN_SEQS 240 /* sequences: two per game */
#define TR_SYN_T 6      /* steps per sequence */

/* Deterministic LCG for the synthetic data. */
static uint32_t syn_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Sequence i's raw features (TR_SYN_T × ENG_FEAT_N) and its label. */
static int syn_seq(int i, float x[TR_SYN_T][ENG_FEAT_N])
{
    uint32_t s = 12345u + (uint32_t)i * 7919u;
    int win = (syn_rand(&s) & 1) != 0;
    memset(x, 0, sizeof(float) * TR_SYN_T * ENG_FEAT_N);
    for (int t = 0; t < TR_SYN_T; t++) {
        for (int k = 0; k < ENG_FEAT_N; k++)
            x[t][k] = (float)((int)(syn_rand(&s) % 1000) - 500) / 5000.0f; /* noise ±0.1 */
        x[t][0] = (win ? 0.75f : 0.25f) + (float)((int)(syn_rand(&s) % 100) - 50) / 1000.0f;
        x[t][7] = (float)(TR_SYN_T - t); /* hours to commence: every step pre-start */
    }
    return win;
}

/* Writes the synthetic dataset with the given feature_hash text; returns 0 or -1. */
static int syn_write(const char *path, const char *hash_hex)
{
    FILE *fp = fopen(path, "w");
    float x[TR_SYN_T][ENG_FEAT_N];
    if (!fp)
        return -1;
    fputs("{\"features\": [", fp);
    for (int k = 0; k < ENG_FEAT_N; k++)
        fprintf(fp, "%s\"%s\"", k ? ", " : "", eng_feat_names[k]);
    fprintf(fp, "], \"feature_hash\": \"%s\"}\n", hash_hex);
    for (int i = 0; i < TR_SYN_SEQS; i++) {
        int win = syn_seq(i, x);
        fprintf(fp, "{\"key\": \"syn-%03d|h2h|\", \"sport\": \"nba\", \"side\": \"S%d\", \"steps\": [",
                i / 2, i % 2);
        for (int t = 0; t < TR_SYN_T; t++) {
            fputs(t ? ", [" : "[", fp);
            for (int k = 0; k < ENG_FEAT_N; k++)
                fprintf(fp, "%s%.6f", k ? ", " : "", (double)x[t][k]);
            fputc(']', fp);
        }
        fprintf(fp, "], \"label\": %s}\n", win ? "1" : "0");
    }
    /* a market without a result, dropped */
    fputs("{\"key\": \"syn-open|h2h|\", \"sport\": \"nba\", \"side\": \"S0\", \"steps\": [[", fp);
    for (int k = 0; k < ENG_FEAT_N; k++)
        fprintf(fp, "%s0", k ? ", " : "");
    fputs("]], \"label\": null}\n", fp);
    return fclose(fp) == 0 ? 0 : -1;
}

static char *tr_tmpdir(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/savant-0640.XXXXXX");
    return mkdtemp(buf);
}

/* Runs a shell command; returns its exit status, or -1. */
static int tr_sh(const char *cmd)
{
    int st = system(cmd);
    return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static void tr_rmrf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    (void)tr_sh(cmd);
}

/* The body of 0640 in dir, with m to load into; the caller owns both. */
static int train_learns(const char *dir, eng_lstm_model_t *m)
{
    char cmd[2048], hex[32], path[256];
    eng_lstm_state_t s;
    float x[TR_SYN_T][ENG_FEAT_N];
    char errstr[512];
    int ok_pos = 0, ok_neg = 0, n_pos = 0, n_neg = 0;
    T_BEGIN;
    snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)eng_feat_hash());
    snprintf(path, sizeof(path), "%s/syn.jsonl", dir);
    T_ASSERT_INT(syn_write(path, hex), ==, 0);
    snprintf(cmd, sizeof(cmd),
             "'%s/savant-train' -q '%s' -o '%s/m.model' --eval '%s/ev' --hidden 8 --epochs 12 "
             "--batch 16 --lr 0.02 --seed 7 --patience 0",
             t_bin_dir(), path, dir, dir);
    T_ASSERT_INT(tr_sh(cmd), ==, 0);

    snprintf(path, sizeof(path), "%s/m.model", dir);
    if (eng_lstm_load(path, eng_feat_hash(), m, errstr, sizeof(errstr)) != SV_OK)
        T_FAILF("eng_lstm_load: %s", errstr);
    T_ASSERT_INT(m->n_in, ==, ENG_FEAT_N);
    T_ASSERT_INT(m->n_hid, ==, 8);
    T_ASSERT(m->feature_hash == eng_feat_hash());
    T_ASSERT_CONTAINS(m->meta, "\"trainer\": \"savant-train\", \"datasets\": [\"syn.jsonl\"]");
    T_ASSERT_CONTAINS(m->meta, "\"seed\": 7, \"hidden\": 8, \"epochs_run\": 12");
    T_ASSERT_CONTAINS(m->id, "lstm-16x8-");
    /* the split is by game: both sides of a game fall on the same side, so counts are even */
    T_ASSERT_CONTAINS(m->meta, "\"markets_train\": ");

    /* the rule is learnt: every sequence is classified right at its last step */
    for (int i = 0; i < TR_SYN_SEQS; i++) {
        int win = syn_seq(i, x);
        float p = 0;
        eng_lstm_state_reset(&s);
        for (int t = 0; t < TR_SYN_T; t++)
            p = eng_lstm_step(m, &s, x[t]);
        if (win) {
            n_pos++;
            ok_pos += p > 0.8f;
        } else {
            n_neg++;
            ok_neg += p < 0.2f;
        }
    }
    T_ASSERT_INT(ok_pos, ==, n_pos);
    T_ASSERT_INT(ok_neg, ==, n_neg);
    T_ASSERT_INT(n_pos + n_neg, ==, TR_SYN_SEQS);

    /* a wrong feature hash is refused with exit status 1 and this message */
    snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
    T_ASSERT_INT(syn_write(path, "0000000000000001"), ==, 0);
    snprintf(cmd, sizeof(cmd), "cd '%s' && '%s/savant-train' -q bad.jsonl -o bad.model 2>err.txt",
             dir, t_bin_dir());
    T_ASSERT_INT(tr_sh(cmd), ==, 1);
    {
        char want[300], got[600] = "";
        FILE *fp;
        snprintf(path, sizeof(path), "%s/err.txt", dir);
        fp = fopen(path, "r");
        T_ASSERT(fp != NULL);
        if (!fgets(got, sizeof(got), fp))
            got[0] = '\0';
        fclose(fp);
        snprintf(want, sizeof(want),
                 "savant-train: bad.jsonl:1: feature_hash: 0000000000000001 is not this build's "
                 "feature schema %s (rebuild the dataset with this savant-replay)\n",
                 hex);
        T_ASSERT_STR(got, want);
        snprintf(path, sizeof(path), "%s/bad.model", dir);
        T_ASSERT(access(path, F_OK) != 0); /* nothing written */
    }
    T_END;
}

int test_0640_train_learns(void);
int test_0640_train_learns(void)
{
    char dir[64];
    eng_lstm_model_t *m = malloc(sizeof(*m));
    int rc = 1;
    if (m && tr_tmpdir(dir, sizeof(dir))) {
        rc = train_learns(dir, m);
        tr_rmrf(dir);
    } else {
        fprintf(stderr, "    setup failed: %s\n", strerror(errno));
    }
    free(m);
    return rc;
}

static int default_model(eng_lstm_model_t *m)
{
    char errstr[512];
    T_BEGIN;
    if (eng_lstm_load(t_path("config/models/default.model"), eng_feat_hash(), m, errstr,
                      sizeof(errstr)) != SV_OK)
        T_FAILF("eng_lstm_load: %s", errstr);
    T_ASSERT_INT(m->n_in, ==, ENG_FEAT_N);
    T_ASSERT_INT(m->n_hid, ==, 32);
    T_ASSERT_CONTAINS(m->meta, "\"datasets\": [\"dataset-101.jsonl\", \"dataset-102.jsonl\", "
                               "\"dataset-103.jsonl\", \"dataset-104.jsonl\"]");
    T_ASSERT_CONTAINS(m->meta, "\"seed\": 1, \"hidden\": 32");
    T_END;
}

int test_0641_default_model(void);
int test_0641_default_model(void)
{
    eng_lstm_model_t *m = malloc(sizeof(*m));
    int rc = m ? default_model(m) : 1;
    free(m);
    return rc;
}
