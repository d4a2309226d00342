/*
 * lstm — the one-layer LSTM of the AI engine (see lstm.h): deterministic initialisation, the
 * incremental step the engine runs per event (no allocation; fixed-width inner loops the compiler
 * turns into SIMD), the model file (little-endian, CRC-32 checked, every field validated before it
 * is used), and the training primitives savant-train drives: forward and backward through time
 * over one sequence and the Adam update. The step and the forward pass of eng_lstm_seq_grad()
 * share one cell function, so training sees exactly the p_model the engine serves.
 */
#include "ml/lstm.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv_util.h"

#define LANES 8 /* width of the accumulator blocks in dot products */
#define MAGIC "SVLSTM\0\0"
#define MAGIC_LEN 8
#define HEADER_FIXED (MAGIC_LEN + 4 * 4 + 8) /* magic, version, n_in, n_hid, n_layers, hash */
/* Largest valid file: fixed header, mean/std, metadata, weights, CRC. */
#define FILE_MAX                                                                                   \
    (HEADER_FIXED + 2 * 4 * ENG_LSTM_IN_MAX + 4 + (ENG_LSTM_META_MAX - 1) +                        \
     4 * (4 * ENG_LSTM_HID_MAX * (ENG_LSTM_IN_MAX + ENG_LSTM_HID_MAX + 1) + ENG_LSTM_HID_MAX + 1) + \
     4)

/* ---------------------------------------------------------------------------------------------
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table driven.
 */

static void crc_table_build(uint32_t table[256])
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

/* Running CRC: start from 0, feed bytes; the value is final after every call. */
static uint32_t crc_update(const uint32_t table[256], uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---------------------------------------------------------------------------------------------
 * Activations and the cell.
 */

/* The cell is compiled twice, for plain x86-64 (4-wide SSE) and for AVX2 (8-wide), and the
 * loader picks one by CPU. Both do the same IEEE operations in the same order (8 partial sums,
 * a fixed tree; no FMA since avx2 does not enable it and ISO C mode does not contract), so
 * p_model is bit-identical either way. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(SV_NO_CLONES)
#define CELL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CELL_CLONES
#endif

#define AI static inline __attribute__((always_inline))

/*
 * e^x in plain float arithmetic (Cephes' expf: x = n ln2 + r, a degree-6 polynomial in r, 2^n
 * built in the exponent bits), within 2 ulp of exact, branch-free so a block of them becomes SIMD
 * code. It replaces libm's expf/tanhf here: glibc's tanhf (through expm1f) alone took half the
 * step, and a call per value blocks vectorisation. Being libm-free it also gives the same bits
 * under any C library. x is clamped to [-87, 87] (so 2^n stays a normal float); NaN maps to +-87.
 */
AI float exp_f(float x)
{
    float fx, r, p, two_n;
    int32_t n, bits;

    /* One select (two would be jump-threaded into branches), with a quiet comparison (with
     * trapping math on, the default, only those become SIMD blends). */
    x = isless(fabsf(x), 87.0f) ? x : copysignf(87.0f, x); /* NaN -> +-87 */
    fx = x * 1.44269504088896341f + 0.5f;
    n = (int32_t)fx;
    n -= isgreater((float)n, fx); /* floor */
    r = x - (float)n * 0.693359375f;
    r = r - (float)n * -2.12194440e-4f;
    p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    bits = (n + 127) * (1 << 23);
    memcpy(&two_n, &bits, sizeof(two_n));
    return p * two_n;
}

/* Logistic function; tanh(x) is computed as 2 sigm(2x) - 1. */
AI float sigm(float x)
{
    return 1.0f / (1.0f + exp_f(-x));
}

/*
 * Gate pre-activations of rows r0..r0+3: b + wx[r] . xn + wh[r] . h. Each row's dot product is
 * summed in LANES interleaved partial sums (x blocks first, then h blocks), then a fixed tree,
 * then the scalar tails; the order is part of the model's arithmetic. Four rows share one pass
 * so their independent sums overlap in the pipeline (one row alone is bound by the latency of
 * its single accumulator chain).
 */
AI float tree8(const float *a)
{
    float b[4];
    for (int j = 0; j < 4; j++) /* one 4-wide add of the two halves */
        b[j] = a[j] + a[j + 4];
    return (b[0] + b[1]) + (b[2] + b[3]);
}

AI void rows4(const eng_lstm_model_t *m, int r0, const float *xn, const float *h,
                         float *z)
{
    const int n_in = m->n_in, H = m->n_hid;
    const float *x0 = m->wx[r0], *x1 = m->wx[r0 + 1], *x2 = m->wx[r0 + 2], *x3 = m->wx[r0 + 3];
    const float *h0 = m->wh[r0], *h1 = m->wh[r0 + 1], *h2 = m->wh[r0 + 2], *h3 = m->wh[r0 + 3];
    float a0[LANES] = {0}, a1[LANES] = {0}, a2[LANES] = {0}, a3[LANES] = {0};
    float s0, s1, s2, s3;
    int kx = 0, kh = 0;

    for (; kx + LANES <= n_in; kx += LANES) {
        for (int j = 0; j < LANES; j++) {
            const float v = xn[kx + j];
            a0[j] += x0[kx + j] * v;
            a1[j] += x1[kx + j] * v;
            a2[j] += x2[kx + j] * v;
            a3[j] += x3[kx + j] * v;
        }
    }
    for (; kh + LANES <= H; kh += LANES) {
        for (int j = 0; j < LANES; j++) {
            const float v = h[kh + j];
            a0[j] += h0[kh + j] * v;
            a1[j] += h1[kh + j] * v;
            a2[j] += h2[kh + j] * v;
            a3[j] += h3[kh + j] * v;
        }
    }
    s0 = tree8(a0), s1 = tree8(a1), s2 = tree8(a2), s3 = tree8(a3);
    for (int k = kx; k < n_in; k++) {
        const float v = xn[k];
        s0 += x0[k] * v, s1 += x1[k] * v, s2 += x2[k] * v, s3 += x3[k] * v;
    }
    for (int k = kh; k < H; k++) {
        const float v = h[k];
        s0 += h0[k] * v, s1 += h1[k] * v, s2 += h2[k] * v, s3 += h3[k] * v;
    }
    z[0] = m->b[r0] + s0;
    z[1] = m->b[r0 + 1] + s1;
    z[2] = m->b[r0 + 2] + s2;
    z[3] = m->b[r0 + 3] + s3;
}

/* wy . h in the same summation order as a gate row. */
AI float head_dot(const float *wy, const float *h, int H)
{
    float a[LANES] = {0}, s;
    int k = 0;
    for (; k + LANES <= H; k += LANES)
        for (int j = 0; j < LANES; j++)
            a[j] += wy[k + j] * h[k + j];
    s = tree8(a);
    for (; k < H; k++)
        s += wy[k] * h[k];
    return s;
}

/* Normalise raw features; a non-finite raw value counts as the mean (normalised 0). */
static void normalise(const eng_lstm_model_t *m, const float *x, float *xn)
{
    for (int k = 0; k < m->n_in; k++) {
        float v = x[k];
        xn[k] = isfinite(v) ? (v - m->mean[k]) / m->std[k] : 0.0f;
    }
}

/*
 * One cell step from (h_prev, c_prev) with normalised input xn. Writes the activated gates
 * (i, f, g, o blocks of n_hid), c, tanh(c) and h, and returns the head's logit. Outputs may not
 * alias inputs. Element-wise work runs in blocks of LANES over padded local arrays (the lanes
 * past n_hid compute throw-away values from zeros or neighbouring gates and are never stored).
 */
CELL_CLONES static float cell_forward(const eng_lstm_model_t *m, const float *xn,
                                      const float *h_prev, const float *c_prev, float *gates,
                                      float *c, float *tc, float *h)
{
    const int H = m->n_hid, G = 4 * H, H8 = (H + LANES - 1) / LANES * LANES;
    float z[4 * ENG_LSTM_HID_MAX], cp[ENG_LSTM_HID_MAX], cc[ENG_LSTM_HID_MAX];
    float t[ENG_LSTM_HID_MAX], hh[ENG_LSTM_HID_MAX];
    const float *zi = z, *zf = z + H, *zg = z + 2 * H, *zo = z + 3 * H;
    /* Lanes read past the gates: the sigmoid blocks reach G rounded up to LANES, the cell blocks
     * reach 3 H + H8; both are <= 4 * ENG_LSTM_HID_MAX for every n_hid. */
    const int G8 = (G + LANES - 1) / LANES * LANES, z_end = G8 > 3 * H + H8 ? G8 : 3 * H + H8;

    for (int r = 0; r < G; r += 4)
        rows4(m, r, xn, h_prev, z + r);
    for (int r = G; r < z_end; r++)
        z[r] = 0.0f;
    for (int j = 0; j < H; j++)
        z[2 * H + j] *= 2.0f;
    for (int r0 = 0; r0 < G; r0 += LANES)
        for (int j = 0; j < LANES; j++)
            z[r0 + j] = sigm(z[r0 + j]);
    for (int j = 0; j < H; j++)
        z[2 * H + j] = 2.0f * z[2 * H + j] - 1.0f;
    memcpy(cp, c_prev, sizeof(float) * (size_t)H);
    for (int j = H; j < H8; j++)
        cp[j] = 0.0f;
    for (int j0 = 0; j0 < H8; j0 += LANES) {
        for (int j = j0; j < j0 + LANES; j++) {
            cc[j] = zf[j] * cp[j] + zi[j] * zg[j];
            t[j] = 2.0f * sigm(2.0f * cc[j]) - 1.0f;
            hh[j] = zo[j] * t[j];
        }
    }
    memcpy(gates, z, sizeof(float) * (size_t)G);
    memcpy(c, cc, sizeof(float) * (size_t)H);
    memcpy(tc, t, sizeof(float) * (size_t)H);
    memcpy(h, hh, sizeof(float) * (size_t)H);
    return head_dot(m->wy, hh, H) + m->by;
}

/* ---------------------------------------------------------------------------------------------
 * Initialisation, state, step.
 */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [-limit, limit), from the top 24 bits (exact in float). */
static float uniform(uint64_t *s, double limit)
{
    double u = (double)(splitmix64(s) >> 40) * (1.0 / 16777216.0);
    return (float)((2.0 * u - 1.0) * limit);
}

void eng_lstm_init(eng_lstm_model_t *m, int n_in, int n_hid, uint64_t feature_hash, uint64_t seed)
{
    uint64_t s = seed;
    double lim_x, lim_h, lim_y;

    SV_ASSERT(n_in >= 1 && n_in <= ENG_LSTM_IN_MAX && n_hid >= 1 && n_hid <= ENG_LSTM_HID_MAX);
    memset(m, 0, sizeof(*m));
    m->n_in = n_in;
    m->n_hid = n_hid;
    m->feature_hash = feature_hash;
    for (int k = 0; k < n_in; k++)
        m->std[k] = 1.0f;
    /* Xavier-uniform per gate matrix: fan_in + fan_out = n_in + n_hid (input), 2 n_hid
     * (recurrent), n_hid + 1 (head). */
    lim_x = sqrt(6.0 / (double)(n_in + n_hid));
    lim_h = sqrt(6.0 / (double)(2 * n_hid));
    lim_y = sqrt(6.0 / (double)(n_hid + 1));
    for (int r = 0; r < 4 * n_hid; r++)
        for (int k = 0; k < n_in; k++)
            m->wx[r][k] = uniform(&s, lim_x);
    for (int r = 0; r < 4 * n_hid; r++)
        for (int k = 0; k < n_hid; k++)
            m->wh[r][k] = uniform(&s, lim_h);
    for (int j = 0; j < n_hid; j++)
        m->wy[j] = uniform(&s, lim_y);
    for (int j = 0; j < n_hid; j++)
        m->b[n_hid + j] = 1.0f; /* forget gate */
    eng_lstm_id_refresh(m);
}

void eng_lstm_state_reset(eng_lstm_state_t *s)
{
    memset(s, 0, sizeof(*s));
}

/* p_model stays strictly inside (0,1) even when the logit saturates. */
static float clamp_p(float p)
{
    return p < 1e-6f ? 1e-6f : p > 1.0f - 1e-6f ? 1.0f - 1e-6f : p;
}

float eng_lstm_step(const eng_lstm_model_t *m, eng_lstm_state_t *s, const float *x)
{
    float xn[ENG_LSTM_IN_MAX], gates[4 * ENG_LSTM_HID_MAX];
    float c[ENG_LSTM_HID_MAX], tc[ENG_LSTM_HID_MAX], h[ENG_LSTM_HID_MAX];
    float a;

    normalise(m, x, xn);
    a = cell_forward(m, xn, s->h, s->c, gates, c, tc, h);
    memcpy(s->h, h, sizeof(float) * (size_t)m->n_hid);
    memcpy(s->c, c, sizeof(float) * (size_t)m->n_hid);
    return clamp_p(sigm(a));
}

size_t eng_lstm_state_used(const eng_lstm_model_t *m)
{
    return 2 * sizeof(float) * (size_t)m->n_hid;
}

size_t eng_lstm_param_count(const eng_lstm_model_t *m)
{
    size_t H = (size_t)m->n_hid;
    return 4 * H * ((size_t)m->n_in + H + 1) + H + 1;
}

/* ---------------------------------------------------------------------------------------------
 * Model file.
 */

/* Where serialised bytes go: a CRC only, or a CRC and a stream. */
typedef struct sink {
    uint32_t table[256]; /* CRC table, built by sink_init */
    uint32_t crc;
    FILE *fp; /* NULL: CRC only */
    int failed;
} sink_t;

static void sink_init(sink_t *k, FILE *fp)
{
    crc_table_build(k->table);
    k->crc = 0;
    k->fp = fp;
    k->failed = 0;
}

static void sink_put(sink_t *k, const void *p, size_t n)
{
    k->crc = crc_update(k->table, k->crc, p, n);
    if (k->fp && !k->failed && fwrite(p, 1, n, k->fp) != n)
        k->failed = 1;
}

static void put_u32(sink_t *k, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    sink_put(k, b, 4);
}

static void put_u64(sink_t *k, uint64_t v)
{
    put_u32(k, (uint32_t)v);
    put_u32(k, (uint32_t)(v >> 32));
}

static void put_f32s(sink_t *k, const float *v, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put_u32(k, u);
    }
}

/* Everything the file holds before its CRC; returns that CRC. */
static uint32_t serialise(const eng_lstm_model_t *m, sink_t *k)
{
    const int n_in = m->n_in, H = m->n_hid;
    size_t meta_len = strnlen(m->meta, ENG_LSTM_META_MAX - 1);

    sink_put(k, MAGIC, MAGIC_LEN);
    put_u32(k, ENG_LSTM_VERSION);
    put_u32(k, (uint32_t)n_in);
    put_u32(k, (uint32_t)H);
    put_u32(k, 1); /* layers */
    put_u64(k, m->feature_hash);
    put_f32s(k, m->mean, n_in);
    put_f32s(k, m->std, n_in);
    put_u32(k, (uint32_t)meta_len);
    sink_put(k, m->meta, meta_len);
    for (int r = 0; r < 4 * H; r++)
        put_f32s(k, m->wx[r], n_in);
    for (int r = 0; r < 4 * H; r++)
        put_f32s(k, m->wh[r], H);
    put_f32s(k, m->b, 4 * H);
    put_f32s(k, m->wy, H);
    put_f32s(k, &m->by, 1);
    return k->crc;
}

static void make_id(eng_lstm_model_t *m, uint32_t crc)
{
    snprintf(m->id, sizeof(m->id), "lstm-%dx%d-%08x", m->n_in, m->n_hid, (unsigned)crc);
}

void eng_lstm_id_refresh(eng_lstm_model_t *m)
{
    sink_t k;
    sink_init(&k, NULL);
    make_id(m, serialise(m, &k));
}

static sv_err_t fail(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static sv_err_t fail(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    va_list ap;
    if (errstr && errstr_size) {
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return SV_ERR_CONFIG;
}

sv_err_t eng_lstm_save(const char *path, const eng_lstm_model_t *m, char *errstr,
                       size_t errstr_size)
{
    char tmp[4096];
    FILE *fp = NULL;
    sink_t k;
    sv_err_t err = SV_OK;
    uint32_t crc;
    uint8_t b[4];

    if (m->n_in < 1 || m->n_in > ENG_LSTM_IN_MAX)
        return fail(errstr, errstr_size, "%s: n_in %d out of range 1..%d", path, m->n_in,
                    ENG_LSTM_IN_MAX);
    if (m->n_hid < 1 || m->n_hid > ENG_LSTM_HID_MAX)
        return fail(errstr, errstr_size, "%s: n_hid %d out of range 1..%d", path, m->n_hid,
                    ENG_LSTM_HID_MAX);
    if (strnlen(m->meta, ENG_LSTM_META_MAX) >= ENG_LSTM_META_MAX)
        return fail(errstr, errstr_size, "%s: metadata is not NUL-terminated within %d bytes",
                    path, ENG_LSTM_META_MAX);
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
        return fail(errstr, errstr_size, "%s: path too long", path);
    if (!(fp = fopen(tmp, "wb"))) {
        fail(errstr, errstr_size, "%s: cannot create: %s", tmp, strerror(errno));
        return SV_ERR_IO;
    }
    sink_init(&k, fp);
    crc = serialise(m, &k);
    b[0] = (uint8_t)crc, b[1] = (uint8_t)(crc >> 8), b[2] = (uint8_t)(crc >> 16);
    b[3] = (uint8_t)(crc >> 24);
    if (k.failed || fwrite(b, 1, 4, fp) != 4 || fflush(fp) != 0) {
        fail(errstr, errstr_size, "%s: write failed: %s", tmp, strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
    k.fp = NULL;
    if (fclose(fp) != 0) {
        fp = NULL;
        fail(errstr, errstr_size, "%s: close failed: %s", tmp, strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
    fp = NULL;
    if (rename(tmp, path) != 0) {
        fail(errstr, errstr_size, "%s: cannot rename from %s: %s", path, tmp, strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
out:
    if (fp)
        fclose(fp);
    if (err != SV_OK)
        remove(tmp);
    return err;
}

/* Cursor over the loaded bytes. */
typedef struct reader {
    const uint8_t *p;
    size_t len, off;
} reader_t;

static uint32_t get_u32(reader_t *r)
{
    const uint8_t *b = r->p + r->off;
    r->off += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void get_f32s(reader_t *r, float *v, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t u = get_u32(r);
        memcpy(&v[i], &u, 4);
    }
}

/* Non-finite weights would make every p_model NaN. */
static int all_finite(const float *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

sv_err_t eng_lstm_load(const char *path, uint64_t expect_hash, eng_lstm_model_t *m,
                       char *errstr, size_t errstr_size)
{
    uint8_t *buf = NULL;
    FILE *fp = NULL;
    eng_lstm_model_t *tm = NULL;
    reader_t r = {NULL, 0, 0};
    sv_err_t err = SV_ERR_CONFIG;
    uint32_t version, n_in, n_hid, layers, meta_len, stored, crc;
    uint64_t hash;
    size_t need;
    int H, ok = 1;

    if (!(fp = fopen(path, "rb"))) {
        fail(errstr, errstr_size, "%s: cannot open: %s", path, strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
    if (!(buf = malloc(FILE_MAX + 1))) {
        err = SV_ERR_NOMEM;
        fail(errstr, errstr_size, "%s: out of memory", path);
        goto out;
    }
    r.p = buf;
    r.len = fread(buf, 1, FILE_MAX + 1, fp);
    if (ferror(fp)) {
        fail(errstr, errstr_size, "%s: read failed: %s", path, strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
    if (r.len > FILE_MAX) {
        fail(errstr, errstr_size, "%s: larger than any model file (%d bytes)", path, FILE_MAX);
        goto out;
    }
    if (r.len < MAGIC_LEN || memcmp(buf, MAGIC, MAGIC_LEN) != 0) {
        fail(errstr, errstr_size, "%s: bad magic (not a Savant LSTM model file)", path);
        goto out;
    }
    if (r.len < HEADER_FIXED) {
        fail(errstr, errstr_size, "%s: truncated: %zu bytes, header needs %d", path, r.len,
             HEADER_FIXED);
        goto out;
    }
    r.off = MAGIC_LEN;
    version = get_u32(&r);
    n_in = get_u32(&r);
    n_hid = get_u32(&r);
    layers = get_u32(&r);
    hash = get_u32(&r);
    hash |= (uint64_t)get_u32(&r) << 32;
    if (version != ENG_LSTM_VERSION) {
        fail(errstr, errstr_size, "%s: unsupported format version %u (expected %d)", path,
             (unsigned)version, ENG_LSTM_VERSION);
        goto out;
    }
    if (n_in < 1 || n_in > ENG_LSTM_IN_MAX) {
        fail(errstr, errstr_size, "%s: n_in %u out of range 1..%d", path, (unsigned)n_in,
             ENG_LSTM_IN_MAX);
        goto out;
    }
    if (n_hid < 1 || n_hid > ENG_LSTM_HID_MAX) {
        fail(errstr, errstr_size, "%s: n_hid %u out of range 1..%d", path, (unsigned)n_hid,
             ENG_LSTM_HID_MAX);
        goto out;
    }
    if (layers != 1) {
        fail(errstr, errstr_size, "%s: n_layers %u unsupported (expected 1)", path,
             (unsigned)layers);
        goto out;
    }
    H = (int)n_hid;
    need = HEADER_FIXED + 8 * (size_t)n_in + 4;
    if (r.len < need) {
        fail(errstr, errstr_size, "%s: truncated: %zu bytes, expected at least %zu", path, r.len,
             need);
        goto out;
    }
    r.off = need - 4;
    meta_len = get_u32(&r);
    if (meta_len >= ENG_LSTM_META_MAX) {
        fail(errstr, errstr_size, "%s: metadata length %u exceeds %d", path, (unsigned)meta_len,
             ENG_LSTM_META_MAX - 1);
        goto out;
    }
    need += meta_len + 4 * (4 * (size_t)H * (n_in + n_hid + 1) + n_hid + 1) + 4;
    if (r.len < need) {
        fail(errstr, errstr_size, "%s: truncated: %zu bytes, expected %zu", path, r.len, need);
        goto out;
    }
    if (r.len > need) {
        fail(errstr, errstr_size, "%s: %zu trailing bytes after the model", path, r.len - need);
        goto out;
    }
    stored = (uint32_t)buf[need - 4] | (uint32_t)buf[need - 3] << 8 |
             (uint32_t)buf[need - 2] << 16 | (uint32_t)buf[need - 1] << 24;
    {
        uint32_t table[256];
        crc_table_build(table);
        crc = crc_update(table, 0, buf, need - 4);
    }
    if (stored != crc) {
        fail(errstr, errstr_size, "%s: CRC mismatch (stored %08x, computed %08x)", path,
             (unsigned)stored, (unsigned)crc);
        goto out;
    }
    if (expect_hash != 0 && hash != expect_hash) {
        fail(errstr, errstr_size,
             "%s: feature hash %016llx does not match the engine's feature schema %016llx", path,
             (unsigned long long)hash, (unsigned long long)expect_hash);
        goto out;
    }
    if (memchr(buf + HEADER_FIXED + 8 * n_in + 4, 0, meta_len)) {
        fail(errstr, errstr_size, "%s: metadata contains a NUL byte", path);
        goto out;
    }

    /* The bytes are sound: decode into a scratch model, check the values, then copy to m (which
     * a refused file leaves untouched). */
    if (!(tm = calloc(1, sizeof(*tm)))) {
        err = SV_ERR_NOMEM;
        fail(errstr, errstr_size, "%s: out of memory", path);
        goto out;
    }
    tm->n_in = (int)n_in;
    tm->n_hid = H;
    tm->feature_hash = hash;
    r.off = HEADER_FIXED;
    get_f32s(&r, tm->mean, (int)n_in);
    get_f32s(&r, tm->std, (int)n_in);
    r.off += 4;
    memcpy(tm->meta, buf + r.off, meta_len);
    r.off += meta_len;
    for (int i = 0; i < 4 * H; i++)
        get_f32s(&r, tm->wx[i], (int)n_in);
    for (int i = 0; i < 4 * H; i++)
        get_f32s(&r, tm->wh[i], H);
    get_f32s(&r, tm->b, 4 * H);
    get_f32s(&r, tm->wy, H);
    get_f32s(&r, &tm->by, 1);
    make_id(tm, crc);

    for (int k = 0; k < (int)n_in; k++) {
        if (!isfinite(tm->mean[k]) || !isfinite(tm->std[k]) || !(tm->std[k] > 0.0f)) {
            fail(errstr, errstr_size,
                 "%s: normalisation of feature %d is invalid (mean %g, std %g)", path, k,
                 (double)tm->mean[k], (double)tm->std[k]);
            goto out;
        }
    }
    for (int i = 0; i < 4 * H && ok; i++)
        ok = all_finite(tm->wx[i], (int)n_in) && all_finite(tm->wh[i], H);
    if (!ok || !all_finite(tm->b, 4 * H) || !all_finite(tm->wy, H) || !all_finite(&tm->by, 1)) {
        fail(errstr, errstr_size, "%s: weights contain a non-finite value", path);
        goto out;
    }
    memcpy(m, tm, sizeof(*m));
    err = SV_OK;
out:
    free(tm);
    free(buf);
    if (fp)
        fclose(fp);
    return err;
}

/* ---------------------------------------------------------------------------------------------
 * Training: BPTT over one sequence, Adam.
 */

/* Work layout per step t (floats): xn[n_in], gates[4H], c[H], tc[H], h[H], logit[1], p[1]; then
 * the backward scratch: dh[H], dc[H], dz[4H], dh_prev[H]. */
static size_t step_stride(const eng_lstm_model_t *m)
{
    return (size_t)m->n_in + 7 * (size_t)m->n_hid + 2;
}

size_t eng_lstm_work_size(const eng_lstm_model_t *m, int T)
{
    size_t t = T > 0 ? (size_t)T : 0;
    return sizeof(float) * (t * step_stride(m) + 7 * (size_t)m->n_hid + 2 * ENG_LSTM_HID_MAX);
}

float eng_lstm_work_p(const eng_lstm_model_t *m, const void *work, int T, int t)
{
    const float *w = work;
    SV_ASSERT(t >= 0 && t < T);
    return w[(size_t)t * step_stride(m) + step_stride(m) - 1];
}

/* BCE on a logit: log(1 + e^a) - y a, computed without overflow. */
static double bce_logit(double a, double y)
{
    double sp = a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
    return sp - y * a;
}

double eng_lstm_seq_grad(const eng_lstm_model_t *m, const float *x, int T, int from, float y,
                         eng_lstm_grad_t *g, void *work)
{
    const int n_in = m->n_in, H = m->n_hid;
    const size_t S = step_stride(m);
    float *w = work, *scratch, *dh, *dc, *dz, *dhp, *zero;
    double loss = 0.0;
    float inv_n;
    int n;

    if (T <= 0)
        return 0.0;
    if (from < 0)
        from = 0;
    scratch = w + (size_t)T * S;
    dh = scratch;
    dc = dh + H;
    dz = dc + H;
    dhp = dz + 4 * H;
    zero = dhp + H; /* 2 * ENG_LSTM_HID_MAX zeros: h_{-1}, c_{-1} */
    memset(zero, 0, sizeof(float) * 2 * ENG_LSTM_HID_MAX);

    /* Forward: the same arithmetic as eng_lstm_step. */
    for (int t = 0; t < T; t++) {
        float *st = w + (size_t)t * S, *xn = st, *gates = xn + n_in, *c = gates + 4 * H;
        float *tc = c + H, *h = tc + H;
        const float *hp = t ? w + (size_t)(t - 1) * S + n_in + 6 * H : zero;
        const float *cp = t ? w + (size_t)(t - 1) * S + n_in + 4 * H : zero + ENG_LSTM_HID_MAX;
        float a;
        normalise(m, x + (size_t)t * (size_t)n_in, xn);
        a = cell_forward(m, xn, hp, cp, gates, c, tc, h);
        h[H] = a;
        h[H + 1] = clamp_p(sigm(a));
    }
    if (from >= T)
        return 0.0;
    n = T - from;
    inv_n = 1.0f / (float)n;

    /* Backward through time. */
    memset(dh, 0, sizeof(float) * 2 * (size_t)H); /* dh_next, dc_next */
    for (int t = T - 1; t >= 0; t--) {
        float *st = w + (size_t)t * S, *xn = st, *gates = xn + n_in, *c = gates + 4 * H;
        float *tc = c + H, *h = tc + H;
        const float *gi = gates, *gf = gates + H, *gg = gates + 2 * H, *go = gates + 3 * H;
        const float *hp = t ? w + (size_t)(t - 1) * S + n_in + 6 * H : zero;
        const float *cp = t ? w + (size_t)(t - 1) * S + n_in + 4 * H : zero + ENG_LSTM_HID_MAX;
        float da = 0.0f;

        if (t >= from) {
            loss += bce_logit((double)h[H], (double)y);
            da = (h[H + 1] - y) * inv_n;
            for (int j = 0; j < H; j++)
                g->wy[j] += da * h[j];
            g->by += da;
        }
        for (int j = 0; j < H; j++) {
            float dhj = dh[j] + da * m->wy[j];
            float dcj = dc[j] + dhj * go[j] * (1.0f - tc[j] * tc[j]);
            dz[3 * H + j] = dhj * tc[j] * go[j] * (1.0f - go[j]);
            dz[j] = dcj * gg[j] * gi[j] * (1.0f - gi[j]);
            dz[H + j] = dcj * cp[j] * gf[j] * (1.0f - gf[j]);
            dz[2 * H + j] = dcj * gi[j] * (1.0f - gg[j] * gg[j]);
            dc[j] = dcj * gf[j]; /* dc for step t-1 */
        }
        memset(dhp, 0, sizeof(float) * (size_t)H);
        for (int r = 0; r < 4 * H; r++) {
            const float d = dz[r];
            const float *whr = m->wh[r];
            float *gx = g->wx[r], *gh = g->wh[r];
            g->b[r] += d;
            for (int k = 0; k < n_in; k++)
                gx[k] += d * xn[k];
            for (int k = 0; k < H; k++) {
                gh[k] += d * hp[k];
                dhp[k] += d * whr[k];
            }
        }
        memcpy(dh, dhp, sizeof(float) * (size_t)H);
    }
    return loss / (double)n;
}

void eng_lstm_adam_init(eng_lstm_adam_t *a, double lr)
{
    memset(a, 0, sizeof(*a));
    a->lr = lr;
    a->beta1 = 0.9;
    a->beta2 = 0.999;
    a->eps = 1e-8;
}

/* Adam over n parameters: p -= lr_t * m1 / (sqrt(m2) + eps_t) in the bias-corrected form. */
static void adam_update(const eng_lstm_adam_t *a, double c1, double c2, float *p, float *m1,
                        float *m2, const float *g, int n, double scale)
{
    const double b1 = a->beta1, b2 = a->beta2;
    for (int i = 0; i < n; i++) {
        double gs = (double)g[i] * scale;
        double v1 = b1 * (double)m1[i] + (1.0 - b1) * gs;
        double v2 = b2 * (double)m2[i] + (1.0 - b2) * gs * gs;
        m1[i] = (float)v1;
        m2[i] = (float)v2;
        p[i] = (float)((double)p[i] - a->lr * (v1 / c1) / (sqrt(v2 / c2) + a->eps));
    }
}

void eng_lstm_adam_step(eng_lstm_adam_t *a, eng_lstm_model_t *m, const eng_lstm_grad_t *g,
                        int batch)
{
    const int n_in = m->n_in, H = m->n_hid;
    const double scale = 1.0 / (double)(batch > 0 ? batch : 1);
    double c1, c2;

    a->t++;
    c1 = 1.0 - pow(a->beta1, (double)a->t);
    c2 = 1.0 - pow(a->beta2, (double)a->t);
    for (int r = 0; r < 4 * H; r++) {
        adam_update(a, c1, c2, m->wx[r], a->m1.wx[r], a->m2.wx[r], g->wx[r], n_in, scale);
        adam_update(a, c1, c2, m->wh[r], a->m1.wh[r], a->m2.wh[r], g->wh[r], H, scale);
    }
    adam_update(a, c1, c2, m->b, a->m1.b, a->m2.b, g->b, 4 * H, scale);
    adam_update(a, c1, c2, m->wy, a->m1.wy, a->m2.wy, g->wy, H, scale);
    adam_update(a, c1, c2, &m->by, &a->m1.by, &a->m2.by, &g->by, 1, scale);
}
