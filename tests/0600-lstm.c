/*
 * 0600–0619: the LSTM library (engine/ml/lstm.h): gradient check of the backward pass, the
 * incremental step against the training forward pass and against an independent double-precision
 * reference, model file layout and round trip, every refusal with its exact error text, Adam on a
 * learnable task, and determinism. Model files go to a fresh directory under /tmp.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ml/lstm.h"

/* ---- helpers ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* Uniform in [lo, hi) from a fixed xorshift stream. */
static float rng_unif(uint64_t *s, double lo, double hi)
{
    return (float)(lo + (hi - lo) * (double)(rng_next(s) >> 40) / 16777216.0);
}

/* Bitwise CRC-32 (IEEE 802.3, reflected 0xEDB88320), independent of the library's table. */
static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t rd32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void wr32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8), b[2] = (uint8_t)(v >> 16), b[3] = (uint8_t)(v >> 24);
}

static char *tmp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/savant-0600.XXXXXX");
    return mkdtemp(dir);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *b = malloc(1 << 20);
    *len = 0;
    if (fp && b)
        *len = fread(b, 1, 1 << 20, fp);
    if (fp)
        fclose(fp);
    return b;
}

static int write_all(const char *path, const uint8_t *b, size_t len)
{
    FILE *fp = fopen(path, "wb");
    int ok = fp && fwrite(b, 1, len, fp) == len;
    if (fp && fclose(fp) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* A small model with non-trivial normalisation, biases and head, and metadata. */
static eng_lstm_model_t *small_model(int n_in, int n_hid, uint64_t seed)
{
    eng_lstm_model_t *m = malloc(sizeof(*m));
    uint64_t s = seed * 7919 + 1;
    if (!m)
        return NULL;
    eng_lstm_init(m, n_in, n_hid, 0xFEA7u, seed);
    for (int k = 0; k < n_in; k++) {
        m->mean[k] = rng_unif(&s, -1.0, 1.0);
        m->std[k] = rng_unif(&s, 0.5, 2.0);
    }
    for (int r = 0; r < 4 * n_hid; r++)
        m->b[r] += rng_unif(&s, -0.5, 0.5);
    m->by = 0.25f;
    snprintf(m->meta, sizeof(m->meta), "{\"dataset\":\"sim-seed-1\",\"size\":42}");
    eng_lstm_id_refresh(m);
    return m;
}

/* ---- 0600: gradient check ---- */

/*
 * Every parameter's analytic gradient against the central difference (L(w+e) - L(w-e)) / (w+ -
 * w-), e = 1e-3, on n_in 3, n_hid 4, T 5, loss from step 1, y = 1. The forward runs in float, so
 * the loss carries a rounding noise of a few 1e-8; divided by 2e it leaves about 5e-5 of noise in
 * each numeric gradient, hence: pass when the absolute difference is < 1e-4 or the relative one
 * < 1e-2 (a wrong term in the backward pass moves a gradient by far more than either). The
 * denominator is the perturbation actually applied after rounding w +- e to float.
 */
int test_0600_lstm_gradcheck(void);
int test_0600_lstm_gradcheck(void)
{
    enum { NI = 3, NH = 4, T = 5, FROM = 1 };
    eng_lstm_model_t *m = small_model(NI, NH, 11), *mp = malloc(sizeof(*mp));
    eng_lstm_grad_t *g = calloc(1, sizeof(*g)), *scratch = calloc(1, sizeof(*scratch));
    void *work = NULL;
    float x[T * NI];
    uint64_t s = 99;
    double loss, max_abs = 0.0, worst_rel = 0.0;
    int checked = 0, bad = 0;
    T_BEGIN;
    T_ASSERT(m && mp && g && scratch);
    work = malloc(eng_lstm_work_size(m, T));
    T_ASSERT(work);
    for (int i = 0; i < T * NI; i++)
        x[i] = rng_unif(&s, -2.0, 2.0);
    loss = eng_lstm_seq_grad(m, x, T, FROM, 1.0f, g, work);
    T_ASSERT(loss > 0.0 && isfinite(loss));

    /* Walk every trainable parameter: wx, wh, b, wy, by (same layout in model and gradient). */
    for (int part = 0; part < 5; part++) {
        int rows = part <= 2 ? 4 * NH : 1;
        int cols = part == 0 ? NI : part == 1 ? NH : part == 2 ? 1 : part == 3 ? NH : 1;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float *pm, *pg, w0, wp, wm;
                double lp, lm, num, ana, diff, rel;
                memcpy(mp, m, sizeof(*m));
                pm = part == 0 ? &mp->wx[r][c] : part == 1 ? &mp->wh[r][c]
                     : part == 2                ? &mp->b[r]
                     : part == 3                ? &mp->wy[c]
                                                : &mp->by;
                pg = part == 0 ? &g->wx[r][c] : part == 1 ? &g->wh[r][c]
                     : part == 2                ? &g->b[r]
                     : part == 3                ? &g->wy[c]
                                                : &g->by;
                w0 = *pm;
                wp = w0 + 1e-3f;
                wm = w0 - 1e-3f;
                *pm = wp;
                lp = eng_lstm_seq_grad(mp, x, T, FROM, 1.0f, scratch, work);
                *pm = wm;
                lm = eng_lstm_seq_grad(mp, x, T, FROM, 1.0f, scratch, work);
                num = (lp - lm) / ((double)wp - (double)wm);
                ana = (double)*pg;
                diff = fabs(num - ana);
                rel = diff / fmax(fmax(fabs(num), fabs(ana)), 1e-30);
                if (diff > max_abs)
                    max_abs = diff;
                if (diff >= 1e-4 && rel > worst_rel)
                    worst_rel = rel;
                if (!(diff < 1e-4 || rel < 1e-2)) {
                    fprintf(stderr, "    part %d [%d][%d]: analytic %.8g numeric %.8g\n", part,
                            r, c, ana, num);
                    bad++;
                }
                checked++;
            }
        }
    }
    fprintf(stderr, "    gradcheck: %d parameters, max abs diff %.3g, worst rel (abs >= 1e-4) %.3g\n",
            checked, max_abs, worst_rel);
    T_ASSERT_INT(checked, ==, (int)eng_lstm_param_count(m));
    T_ASSERT_INT(checked, ==, 4 * NH * (NI + NH + 1) + NH + 1);
    T_ASSERT_INT(bad, ==, 0);
    /* The gradient is added, not assigned: a second run doubles it. */
    {
        float b0 = g->b[0];
        eng_lstm_seq_grad(m, x, T, FROM, 1.0f, g, work);
        T_ASSERT(b0 != 0.0f);
        T_ASSERT_DBL(g->b[0], 2.0 * b0, 1e-6 * fabs(b0)); /* float sums in another order */
    }
end:
    free(work);
    free(m);
    free(mp);
    free(g);
    free(scratch);
    return t_rc_;
}

/* ---- 0601: the step is the training forward pass ---- */

int test_0601_lstm_step_matches_seq(void);
int test_0601_lstm_step_matches_seq(void)
{
    enum { T = 20 };
    static const int sizes[][2] = {{3, 4}, {16, 32}, {5, 13}, {32, 64}, {1, 1}};
    eng_lstm_model_t *m = NULL;
    eng_lstm_grad_t *g = calloc(1, sizeof(*g));
    eng_lstm_state_t st;
    float *x = malloc(sizeof(float) * T * ENG_LSTM_IN_MAX);
    void *work = NULL;
    T_BEGIN;
    T_ASSERT(g && x);
    for (size_t c = 0; c < sizeof(sizes) / sizeof(sizes[0]); c++) {
        int ni = sizes[c][0], nh = sizes[c][1];
        uint64_t s = 5 + c;
        free(m);
        free(work);
        m = small_model(ni, nh, 3 + c);
        work = malloc(eng_lstm_work_size(m, T));
        T_ASSERT(m && work);
        for (int i = 0; i < T * ni; i++)
            x[i] = rng_unif(&s, -3.0, 3.0);
        eng_lstm_seq_grad(m, x, T, 0, 0.0f, g, work);
        eng_lstm_state_reset(&st);
        for (int t = 0; t < T; t++) {
            float p = eng_lstm_step(m, &st, x + t * ni), q = eng_lstm_work_p(m, work, T, t);
            if (memcmp(&p, &q, sizeof(p)) != 0)
                T_FAILF("n_in %d n_hid %d step %d: step p %.9g, seq_grad p %.9g", ni, nh, t,
                        (double)p, (double)q);
            T_ASSERT(p > 0.0f && p < 1.0f);
        }
        /* from >= T: forward only, no loss, no gradient. */
        memset(g, 0, sizeof(*g));
        T_ASSERT(eng_lstm_seq_grad(m, x, T, T, 1.0f, g, work) == 0.0);
        T_ASSERT(g->by == 0.0f && g->b[0] == 0.0f);
        eng_lstm_state_reset(&st);
        {
            float p0 = eng_lstm_step(m, &st, x), q0 = eng_lstm_work_p(m, work, T, 0);
            T_ASSERT(memcmp(&p0, &q0, sizeof(p0)) == 0); /* forward still ran */
        }
    }
end:
    free(m);
    free(work);
    free(g);
    free(x);
    return t_rc_;
}

/* ---- 0602: the step against an independent double-precision LSTM ---- */

static double ref_sig(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

int test_0602_lstm_reference(void);
int test_0602_lstm_reference(void)
{
    enum { NI = 5, NH = 7, T = 12 };
    eng_lstm_model_t *m = small_model(NI, NH, 21);
    eng_lstm_state_t st;
    double h[NH] = {0}, c[NH] = {0}, worst = 0.0;
    uint64_t s = 77;
    T_BEGIN;
    T_ASSERT(m);
    eng_lstm_state_reset(&st);
    for (int t = 0; t < T; t++) {
        float x[NI];
        double xn[NI], z[4 * NH], hn[NH], a = m->by, p;
        float got;
        for (int k = 0; k < NI; k++) {
            x[k] = rng_unif(&s, -4.0, 4.0);
            xn[k] = ((double)x[k] - m->mean[k]) / m->std[k];
        }
        for (int r = 0; r < 4 * NH; r++) {
            z[r] = m->b[r];
            for (int k = 0; k < NI; k++)
                z[r] += (double)m->wx[r][k] * xn[k];
            for (int k = 0; k < NH; k++)
                z[r] += (double)m->wh[r][k] * h[k];
        }
        for (int j = 0; j < NH; j++) { /* gates i, f, g, o */
            double gi = ref_sig(z[j]), gf = ref_sig(z[NH + j]), gg = tanh(z[2 * NH + j]);
            double go = ref_sig(z[3 * NH + j]);
            c[j] = gf * c[j] + gi * gg;
            hn[j] = go * tanh(c[j]);
        }
        for (int j = 0; j < NH; j++) {
            h[j] = hn[j];
            a += (double)m->wy[j] * h[j];
        }
        p = ref_sig(a);
        got = eng_lstm_step(m, &st, x);
        if (fabs((double)got - p) > worst)
            worst = fabs((double)got - p);
        T_ASSERT_DBL((double)got, p, 2e-6);
        for (int j = 0; j < NH; j++) {
            T_ASSERT_DBL((double)st.h[j], h[j], 2e-6);
            T_ASSERT_DBL((double)st.c[j], c[j], 2e-6);
        }
    }
    fprintf(stderr, "    max |p - reference| over %d steps: %.3g\n", T, worst);
end:
    free(m);
    return t_rc_;
}

/* ---- 0603: file layout ---- */

int test_0603_lstm_file_layout(void);
int test_0603_lstm_file_layout(void)
{
    enum { NI = 3, NH = 4 };
    eng_lstm_model_t *m = small_model(NI, NH, 5);
    char *dir = tmp_dir(), path[128], err[512], id[80];
    uint8_t *b = NULL;
    size_t len, meta_len, off;
    uint32_t u;
    T_BEGIN;
    T_ASSERT(m && dir);
    snprintf(path, sizeof(path), "%s/m.svlstm", dir);
    T_ASSERT_INT(eng_lstm_save(path, m, err, sizeof(err)), ==, SV_OK);
    T_ASSERT(access(path, F_OK) == 0);
    {
        char tmp[160];
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        T_ASSERT(access(tmp, F_OK) != 0); /* renamed away */
    }
    b = read_all(path, &len);
    T_ASSERT(b);
    meta_len = strlen(m->meta);
    T_ASSERT_INT(meta_len, ==, 34);
    /* 8 magic + 4 version + 4 n_in + 4 n_hid + 4 layers + 8 hash + 2*3*4 norm + 4 meta length
     * + 34 meta + 4 * (16*(3+4+1) + 4 + 1) weights + 4 CRC = 60 + 34 + 532 + 4 */
    T_ASSERT_INT(len, ==, 8 + 4 + 4 + 4 + 4 + 8 + 24 + 4 + 34 + 4 * (16 * 8 + 5) + 4);
    T_ASSERT_INT(len, ==, 630);
    T_ASSERT(memcmp(b, "SVLSTM\0\0", 8) == 0);
    T_ASSERT_INT(rd32(b + 8), ==, 1);
    T_ASSERT_INT(rd32(b + 12), ==, NI);
    T_ASSERT_INT(rd32(b + 16), ==, NH);
    T_ASSERT_INT(rd32(b + 20), ==, 1);
    T_ASSERT_INT(rd32(b + 24), ==, 0xFEA7);
    T_ASSERT_INT(rd32(b + 28), ==, 0);
    memcpy(&u, &m->mean[0], 4);
    T_ASSERT_INT(rd32(b + 32), ==, u);
    memcpy(&u, &m->std[2], 4);
    T_ASSERT_INT(rd32(b + 32 + 12 + 8), ==, u);
    T_ASSERT_INT(rd32(b + 56), ==, 34);
    T_ASSERT(memcmp(b + 60, m->meta, 34) == 0);
    off = 60 + 34;
    memcpy(&u, &m->wx[0][0], 4);
    T_ASSERT_INT(rd32(b + off), ==, u);
    memcpy(&u, &m->wx[15][2], 4); /* last input weight */
    T_ASSERT_INT(rd32(b + off + 4 * (16 * 3 - 1)), ==, u);
    memcpy(&u, &m->wh[0][0], 4);
    T_ASSERT_INT(rd32(b + off + 4 * 48), ==, u);
    memcpy(&u, &m->b[4], 4); /* the first forget-gate bias */
    T_ASSERT_INT(rd32(b + off + 4 * (48 + 64 + 4)), ==, u);
    memcpy(&u, &m->by, 4);
    T_ASSERT_INT(rd32(b + len - 8), ==, u);
    /* The reference CRC-32 is the IEEE one, and the file's CRC covers everything before it. */
    T_ASSERT_INT(ref_crc32((const uint8_t *)"123456789", 9), ==, 0xCBF43926u);
    T_ASSERT_INT(rd32(b + len - 4), ==, ref_crc32(b, len - 4));
    snprintf(id, sizeof(id), "lstm-3x4-%08x", (unsigned)ref_crc32(b, len - 4));
    T_ASSERT_STR(m->id, id);
end:
    free(b);
    if (dir) {
        unlink(path);
        rmdir(dir);
    }
    free(m);
    return t_rc_;
}

/* ---- 0604: save -> load round trip ---- */

int test_0604_lstm_roundtrip(void);
int test_0604_lstm_roundtrip(void)
{
    eng_lstm_model_t *m = small_model(16, 32, 8), *l = calloc(1, sizeof(*l));
    char *dir = tmp_dir(), path[128], err[512];
    eng_lstm_state_t s1, s2;
    float x[16];
    uint64_t s = 4;
    T_BEGIN;
    T_ASSERT(m && l && dir);
    snprintf(path, sizeof(path), "%s/rt.svlstm", dir);
    T_ASSERT_INT(eng_lstm_save(path, m, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(eng_lstm_load(path, 0xFEA7u, l, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(l->n_in, ==, 16);
    T_ASSERT_INT(l->n_hid, ==, 32);
    T_ASSERT(l->feature_hash == 0xFEA7u);
    T_ASSERT(memcmp(l->mean, m->mean, sizeof(m->mean)) == 0);
    T_ASSERT(memcmp(l->std, m->std, sizeof(m->std)) == 0);
    T_ASSERT(memcmp(l->wx, m->wx, sizeof(m->wx)) == 0);
    T_ASSERT(memcmp(l->wh, m->wh, sizeof(m->wh)) == 0);
    T_ASSERT(memcmp(l->b, m->b, sizeof(m->b)) == 0);
    T_ASSERT(memcmp(l->wy, m->wy, sizeof(m->wy)) == 0);
    T_ASSERT(memcmp(&l->by, &m->by, sizeof(m->by)) == 0);
    T_ASSERT_STR(l->meta, "{\"dataset\":\"sim-seed-1\",\"size\":42}");
    T_ASSERT_STR(l->id, m->id);
    T_ASSERT(strncmp(l->id, "lstm-16x32-", 11) == 0 && strlen(l->id) == 19);
    /* expect_hash 0 accepts any schema. */
    T_ASSERT_INT(eng_lstm_load(path, 0, l, err, sizeof(err)), ==, SV_OK);
    /* The loaded model serves the same p_model bits. */
    eng_lstm_state_reset(&s1);
    eng_lstm_state_reset(&s2);
    for (int t = 0; t < 10; t++) {
        float p1, p2;
        for (int k = 0; k < 16; k++)
            x[k] = rng_unif(&s, -2.0, 2.0);
        p1 = eng_lstm_step(m, &s1, x);
        p2 = eng_lstm_step(l, &s2, x);
        T_ASSERT(memcmp(&p1, &p2, sizeof(p1)) == 0);
    }
    /* Saving over an existing file replaces it; the id follows the content. */
    m->by = 0.5f;
    eng_lstm_id_refresh(m);
    T_ASSERT(strcmp(m->id, l->id) != 0);
    T_ASSERT_INT(eng_lstm_save(path, m, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(eng_lstm_load(path, 0, l, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_STR(l->id, m->id);
    T_ASSERT(l->by == 0.5f);
end:
    if (dir) {
        unlink(path);
        rmdir(dir);
    }
    free(m);
    free(l);
    return t_rc_;
}

/* ---- 0605: every refusal, with its exact text ---- */

/* Load path expecting failure with exactly `want` (after "PATH: "); m must stay untouched. */
static int expect_refusal(const char *path, uint64_t hash, sv_err_t code, const char *want)
{
    eng_lstm_model_t *l = malloc(sizeof(*l));
    char err[512], full[1024];
    int rc = 1;
    if (!l)
        return 1;
    memset(l, 0xAB, sizeof(*l));
    snprintf(full, sizeof(full), "%s: %s", path, want);
    err[0] = 0;
    if (eng_lstm_load(path, hash, l, err, sizeof(err)) != code)
        fprintf(stderr, "    %s: wrong return code (%s)\n", want, err);
    else if (strcmp(err, full) != 0)
        fprintf(stderr, "    error \"%s\", expected \"%s\"\n", err, full);
    else if (((uint8_t *)l)[0] != 0xAB || ((uint8_t *)l)[sizeof(*l) - 1] != 0xAB)
        fprintf(stderr, "    %s: model was modified\n", want);
    else
        rc = 0;
    free(l);
    return rc;
}

/* Write b with a corrected CRC (to reach the checks that follow the CRC). */
static int write_fixed(const char *path, uint8_t *b, size_t len)
{
    wr32(b + len - 4, ref_crc32(b, len - 4));
    return write_all(path, b, len);
}

int test_0605_lstm_refusals(void);
int test_0605_lstm_refusals(void)
{
    eng_lstm_model_t *m = small_model(3, 4, 5);
    char *dir = tmp_dir(), good[128], bad[128], err[512], want[256];
    uint8_t *b = NULL, *c = NULL;
    size_t len;
    uint32_t crc;
    T_BEGIN;
    T_ASSERT(m && dir);
    snprintf(good, sizeof(good), "%s/good.svlstm", dir);
    snprintf(bad, sizeof(bad), "%s/bad.svlstm", dir);
    T_ASSERT_INT(eng_lstm_save(good, m, err, sizeof(err)), ==, SV_OK);
    b = read_all(good, &len);
    c = malloc(len + 16);
    T_ASSERT(b && c && len == 630);
    crc = rd32(b + len - 4);

    /* missing file */
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_IO, "cannot open: No such file or directory") == 0);
    /* truncated: in the header, before the metadata, in the weights */
    T_ASSERT(write_all(bad, b, 20) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "truncated: 20 bytes, header needs 32") == 0);
    T_ASSERT(write_all(bad, b, 40) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG,
                            "truncated: 40 bytes, expected at least 60") == 0);
    T_ASSERT(write_all(bad, b, len - 10) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "truncated: 620 bytes, expected 630") == 0);
    T_ASSERT(write_all(bad, b, 0) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG,
                            "bad magic (not a Savant LSTM model file)") == 0);
    /* trailing bytes */
    memcpy(c, b, len);
    memset(c + len, 0, 3);
    T_ASSERT(write_all(bad, c, len + 3) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "3 trailing bytes after the model") == 0);
    /* bad magic */
    memcpy(c, b, len);
    c[0] = 'X';
    T_ASSERT(write_all(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG,
                            "bad magic (not a Savant LSTM model file)") == 0);
    /* bad version */
    memcpy(c, b, len);
    wr32(c + 8, 2);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "unsupported format version 2 (expected 1)") ==
             0);
    /* architecture beyond the maxima, or none */
    memcpy(c, b, len);
    wr32(c + 16, 65);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "n_hid 65 out of range 1..64") == 0);
    memcpy(c, b, len);
    wr32(c + 16, 0);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "n_hid 0 out of range 1..64") == 0);
    memcpy(c, b, len);
    wr32(c + 12, 33);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "n_in 33 out of range 1..32") == 0);
    memcpy(c, b, len);
    wr32(c + 20, 2);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "n_layers 2 unsupported (expected 1)") == 0);
    /* a size that makes the file too short for its own architecture: n_hid 5 needs
     * 94 + 4 * (20 * 9 + 6) + 4 = 842 bytes */
    memcpy(c, b, len);
    wr32(c + 16, 5);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "truncated: 630 bytes, expected 842") == 0);
    /* metadata length beyond the maximum */
    memcpy(c, b, len);
    wr32(c + 56, 4096);
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "metadata length 4096 exceeds 4095") == 0);
    /* CRC: a flipped weight bit, and a flipped stored CRC */
    memcpy(c, b, len);
    c[200] ^= 0x10;
    T_ASSERT(write_all(bad, c, len) == 0);
    snprintf(want, sizeof(want), "CRC mismatch (stored %08x, computed %08x)", (unsigned)crc,
             (unsigned)ref_crc32(c, len - 4));
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, want) == 0);
    memcpy(c, b, len);
    c[len - 1] ^= 0x80;
    T_ASSERT(write_all(bad, c, len) == 0);
    snprintf(want, sizeof(want), "CRC mismatch (stored %08x, computed %08x)",
             (unsigned)(crc ^ 0x80000000u), (unsigned)crc);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, want) == 0);
    /* feature hash other than the engine's */
    T_ASSERT(expect_refusal(good, 0x1234, SV_ERR_CONFIG,
                            "feature hash 000000000000fea7 does not match the engine's feature "
                            "schema 0000000000001234") == 0);
    /* values: a zero std, a NaN weight, a NUL in the metadata */
    memcpy(c, b, len);
    wr32(c + 32 + 12 + 4, 0); /* std[1] = 0.0f */
    T_ASSERT(write_fixed(bad, c, len) == 0);
    snprintf(want, sizeof(want), "normalisation of feature 1 is invalid (mean %g, std 0)",
             (double)m->mean[1]);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, want) == 0);
    memcpy(c, b, len);
    wr32(c + 94 + 4 * 50, 0x7FC00000u); /* wh[0][2] = NaN */
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "weights contain a non-finite value") == 0);
    memcpy(c, b, len);
    c[65] = 0;
    T_ASSERT(write_fixed(bad, c, len) == 0);
    T_ASSERT(expect_refusal(bad, 0, SV_ERR_CONFIG, "metadata contains a NUL byte") == 0);
    /* the good file still loads */
    {
        eng_lstm_model_t *l = malloc(sizeof(*l));
        sv_err_t rc = l ? eng_lstm_load(good, 0xFEA7u, l, err, sizeof(err)) : SV_ERR_NOMEM;
        free(l);
        T_ASSERT_INT(rc, ==, SV_OK);
    }

    /* save refusals */
    {
        char nodir[160];
        snprintf(nodir, sizeof(nodir), "%s/none/m.svlstm", dir);
        T_ASSERT_INT(eng_lstm_save(nodir, m, err, sizeof(err)), ==, SV_ERR_IO);
        snprintf(want, sizeof(want), "%s.tmp: cannot create: No such file or directory", nodir);
        T_ASSERT_STR(err, want);
        m->n_hid = 65;
        T_ASSERT_INT(eng_lstm_save(bad, m, err, sizeof(err)), ==, SV_ERR_CONFIG);
        snprintf(want, sizeof(want), "%s: n_hid 65 out of range 1..64", bad);
        T_ASSERT_STR(err, want);
        m->n_hid = 4;
    }
end:
    free(b);
    free(c);
    if (dir) {
        unlink(good);
        unlink(bad);
        rmdir(dir);
    }
    free(m);
    return t_rc_;
}

/* ---- 0606: Adam learns a task that needs the recurrence ---- */

/*
 * 16 sequences of 6 steps, 2 features. The label is the sign of feature 0 at step 0; after
 * step 0 both features are noise, and the loss counts from step 1 on, so the model must carry
 * step 0 in its state. Full batch, lr 0.05, 150 Adam steps from seed 1.
 */
static double adam_task(eng_lstm_model_t *m, int iters, double *first)
{
    enum { N = 16, T = 6, NI = 2 };
    static float x[N][T * NI], y[N];
    eng_lstm_grad_t *g = calloc(1, sizeof(*g));
    eng_lstm_adam_t *a = calloc(1, sizeof(*a));
    void *work = malloc(eng_lstm_work_size(m, T));
    uint64_t s = 2024;
    double loss = -1.0;
    if (!g || !a || !work)
        goto out;
    for (int n = 0; n < N; n++) {
        y[n] = (float)(n & 1);
        for (int i = 0; i < T * NI; i++)
            x[n][i] = rng_unif(&s, -1.0, 1.0);
        x[n][0] = y[n] > 0.5f ? 1.0f : -1.0f;
    }
    eng_lstm_adam_init(a, 0.05);
    for (int it = 0; it <= iters; it++) {
        memset(g, 0, sizeof(*g));
        loss = 0.0;
        for (int n = 0; n < N; n++)
            loss += eng_lstm_seq_grad(m, x[n], T, 1, y[n], g, work);
        loss /= N;
        if (it == 0 && first)
            *first = loss;
        if (it < iters)
            eng_lstm_adam_step(a, m, g, N);
    }
out:
    free(g);
    free(a);
    free(work);
    return loss;
}

int test_0606_lstm_adam_learns(void);
int test_0606_lstm_adam_learns(void)
{
    eng_lstm_model_t *m = malloc(sizeof(*m));
    eng_lstm_adam_t *a = malloc(sizeof(*a));
    double first = 0.0, last;
    T_BEGIN;
    T_ASSERT(m && a);
    eng_lstm_adam_init(a, 0.01);
    T_ASSERT(a->lr == 0.01 && a->beta1 == 0.9 && a->beta2 == 0.999 && a->eps == 1e-8 &&
             a->t == 0 && a->m1.by == 0.0f && a->m2.wx[0][0] == 0.0f);
    eng_lstm_init(m, 2, 4, 1, 1);
    last = adam_task(m, 150, &first);
    fprintf(stderr, "    adam: loss %.6f -> %.6f after 150 steps\n", first, last);
    /* Untrained: measured 0.633, near log 2. Trained: measured 0.00042; the bound leaves a
     * wide margin and is still far below what a model without the step-0 memory can reach
     * (log 2: after step 0 the inputs say nothing about the label). */
    T_ASSERT(first > 0.5 && first < 0.8);
    T_ASSERT(last < 0.05);
end:
    free(m);
    free(a);
    return t_rc_;
}

/* ---- 0607: determinism ---- */

int test_0607_lstm_determinism(void);
int test_0607_lstm_determinism(void)
{
    eng_lstm_model_t *m1 = malloc(sizeof(*m1)), *m2 = malloc(sizeof(*m2));
    double l1, l2;
    int diff = 0;
    T_BEGIN;
    T_ASSERT(m1 && m2);
    memset(m1, 0x55, sizeof(*m1));
    memset(m2, 0xAA, sizeof(*m2));
    eng_lstm_init(m1, 16, 32, 0xABCDEFu, 42);
    eng_lstm_init(m2, 16, 32, 0xABCDEFu, 42);
    T_ASSERT(memcmp(m1, m2, sizeof(*m1)) == 0); /* every byte, padding included */
    /* Init contract: forget-gate bias 1, other biases 0, std 1, mean 0, weights within the
     * Xavier limits, padding zero. */
    for (int j = 0; j < 32; j++) {
        T_ASSERT(m1->b[j] == 0.0f && m1->b[32 + j] == 1.0f && m1->b[64 + j] == 0.0f &&
                 m1->b[96 + j] == 0.0f);
        T_ASSERT(fabsf(m1->wy[j]) <= sqrtf(6.0f / 33.0f));
    }
    for (int r = 0; r < 128; r++) {
        for (int k = 0; k < 16; k++)
            T_ASSERT(fabsf(m1->wx[r][k]) <= sqrtf(6.0f / 48.0f));
        for (int k = 0; k < 32; k++)
            T_ASSERT(fabsf(m1->wh[r][k]) <= sqrtf(6.0f / 64.0f));
        T_ASSERT(m1->wx[r][16] == 0.0f && m1->wh[r][32] == 0.0f);
    }
    T_ASSERT(m1->mean[0] == 0.0f && m1->std[15] == 1.0f && m1->by == 0.0f);
    /* Pinned: the first draws of seed 42, and the id (a CRC of the whole serialised model). A
     * change here changes every model trained from a seed. */
    T_ASSERT(m1->wx[0][0] == 0.17081216f); /* (2 u - 1) sqrt(6/48), u = splitmix64(42) >> 40 / 2^24,
                                              * checked with Python */
    T_ASSERT_STR(m1->id, "lstm-16x32-c6a9b14c");
    /* Another seed gives other weights. */
    eng_lstm_init(m2, 16, 32, 0xABCDEFu, 43);
    for (int k = 0; k < 16; k++)
        diff += m1->wx[0][k] != m2->wx[0][k];
    T_ASSERT_INT(diff, ==, 16);
    /* Training twice from the same seed gives the same bytes. */
    eng_lstm_init(m1, 2, 4, 1, 1);
    eng_lstm_init(m2, 2, 4, 1, 1);
    l1 = adam_task(m1, 40, NULL);
    l2 = adam_task(m2, 40, NULL);
    T_ASSERT(l1 == l2);
    T_ASSERT(memcmp(m1->wx, m2->wx, sizeof(m1->wx)) == 0 &&
             memcmp(m1->wh, m2->wh, sizeof(m1->wh)) == 0 && memcmp(m1->b, m2->b, sizeof(m1->b)) == 0 &&
             memcmp(m1->wy, m2->wy, sizeof(m1->wy)) == 0 && m1->by == m2->by);
end:
    free(m1);
    free(m2);
    return t_rc_;
}

/* ---- 0608: bad input never poisons the state ---- */

int test_0608_lstm_bad_input(void);
int test_0608_lstm_bad_input(void)
{
    eng_lstm_model_t *m = small_model(4, 8, 9);
    eng_lstm_state_t s1, s2;
    const float good[4] = {0.5f, -1.0f, 2.0f, 0.0f};
    float bad[4];
    T_BEGIN;
    T_ASSERT(m);
    /* A non-finite raw feature counts as its mean: same step as feeding the mean itself. */
    eng_lstm_state_reset(&s1);
    eng_lstm_state_reset(&s2);
    memcpy(bad, good, sizeof(bad));
    bad[1] = NAN;
    bad[2] = INFINITY;
    {
        float alt[4] = {good[0], m->mean[1], m->mean[2], good[3]};
        float p1 = eng_lstm_step(m, &s1, bad), p2 = eng_lstm_step(m, &s2, alt);
        T_ASSERT(p1 == p2 && p1 > 0.0f && p1 < 1.0f);
    }
    /* Huge finite inputs and weights saturate the gates; p stays strictly inside (0,1). */
    bad[0] = 3e38f, bad[1] = -3e38f, bad[2] = 1e30f, bad[3] = -1e30f;
    for (int t = 0; t < 50; t++) {
        float p = eng_lstm_step(m, &s1, bad);
        T_ASSERT(p >= 1e-6f && p <= 1.0f - 1e-6f);
    }
    for (int j = 0; j < 8; j++)
        T_ASSERT(isfinite(s1.h[j]) && isfinite(s1.c[j]) && fabsf(s1.h[j]) <= 1.0f);
    m->by = 1e30f;
    T_ASSERT(eng_lstm_step(m, &s1, good) == 1.0f - 1e-6f);
    m->by = -1e30f;
    T_ASSERT(eng_lstm_step(m, &s1, good) == 1e-6f);
    T_ASSERT_INT(eng_lstm_state_used(m), ==, 64);
    T_ASSERT_INT(sizeof(eng_lstm_state_t), ==, 512);
end:
    free(m);
    return t_rc_;
}
