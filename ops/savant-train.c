/*
 * savant-train — trains the AI engine's LSTM (engine/ml/lstm.h) from `savant-replay dataset`
 * files and evaluates it. It reads the datasets (a header line naming the features and their
 * schema hash, then one JSON line per market with its steps and label), drops the markets that
 * cannot be settled, splits the games (never the markets of one game) into a training and a
 * held-out part by a seeded hash of the event id, normalises with the training part's mean and
 * standard deviation, and trains with backpropagation through time and Adam on shuffled
 * mini-batches, stopping early when the held-out log loss stops improving and keeping the best
 * epoch's weights. It writes the model file (eng_lstm_save) and, with --eval, an evaluation
 * report that puts the model's pre-start forecast next to the de-vigged market consensus and Elo.
 * Nothing here reads the clock or unseeded randomness: the same inputs and options give the same
 * model file and report.json, byte for byte.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cfg.h"
#include "sv_util.h"
#include "cfg_cli.h"
#include "ml/features.h"
#include "ml/lstm.h"
#include "scoring/pynum.h"
#include "sv_err.h"

#define TR_BINS 10          /* calibration bins */
#define TR_BAD_SHOWN 10     /* bad lines printed before only counting */
#define TR_STD_FLOOR 1e-6   /* smallest standard deviation used for normalising */
#define TR_DATASETS_META 16 /* dataset names listed in the model's metadata */
#define TR_EPOCHS_MAX 100000
#define TR_TRUTH_FILES 64   /* --truth files */

extern char **environ;

/* Command line. */
typedef struct tr_opts {
    const char *out;       /* -o MODEL */
    const char *eval_dir;  /* --eval DIR, or NULL */
    int hidden;            /* --hidden */
    int epochs;            /* --epochs */
    int batch;             /* --batch */
    double lr;             /* --lr */
    uint64_t seed;         /* --seed */
    double holdout;        /* --holdout: share of games held out */
    int patience;          /* --patience: epochs without improvement before stopping; 0 = never */
    int quiet;             /* -q */
    const char *truth[TR_TRUTH_FILES]; /* --truth FILE: savant-feed sim ground truth */
    int n_truth;
} tr_opts_t;

/* One game's ground truth (savant-feed sim --truth). */
typedef struct tr_truth {
    char *event_id, *home, *away;
    double p_home;    /* p_home_true */
} tr_truth_t;

/* One market's sequence. */
typedef struct tr_market {
    char *key;        /* "event_id|market|player" */
    char *event_id;   /* the key up to its first '|' */
    char *mtype;      /* market type: the key's second part */
    char *side;       /* the outcome the sequence is about ("" when not given) */
    float *x;         /* T × n_in raw features */
    int T;            /* steps */
    float label;      /* 1 win, 0 loss, 0.5 push/void */
    int heldout;      /* 1 when its game is held out */
    int close;        /* index of its last pre-start step, -1 none */
} tr_market_t;

/* Metrics of one forecaster over a set of settled (win/loss) markets. */
typedef struct tr_metrics {
    long n;
    double log_loss, brier, accuracy;
    long bin_n[TR_BINS];
    double bin_p[TR_BINS], bin_y[TR_BINS]; /* sums of predicted p and of outcomes */
} tr_metrics_t;

/* One epoch of the progress history. */
typedef struct tr_epoch {
    double train_loss, heldout_loss;
} tr_epoch_t;

/* Everything loaded and learned. */
typedef struct tr_run {
    char **feat;             /* feature names (from the first dataset's header) */
    int n_in;
    uint64_t hash;           /* the feature-schema hash the model is tagged with */
    int legacy;              /* 1 when a dataset header had no feature_hash */
    int i_pfair, i_elo, i_inplay, i_hours; /* feature indexes, -1 when absent */
    tr_market_t *mk;
    size_t n_mk, cap_mk;
    long lines, dropped_null, bad;
    int max_T;
    const char **ds_names;   /* dataset base names, borrowed from argv */
    int n_ds;
    tr_truth_t *truth;       /* sorted by event_id */
    size_t n_truth;
} tr_run_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-train DATASET... -o MODEL [--eval REPORT_DIR] [--hidden 32] [--epochs 30]\n"
            "                    [--batch 32] [--lr 0.005] [--seed 1] [--holdout 0.2] [--patience 5]\n"
            "                    [--truth FILE]... [-q]\n"
            "       savant-train DATASET... --evaluate MODEL --eval REPORT_DIR [--truth FILE]...\n"
            "\n"
            "Trains the AI engine's LSTM on `savant-replay dataset` files (JSON lines) and writes\n"
            "the model file. Markets with a null label are dropped; whole games (the event id of\n"
            "the market key) are held out by a seeded hash; normalisation comes from the training\n"
            "games only; BPTT + Adam on shuffled mini-batches; early stopping on the held-out log\n"
            "loss, keeping the best epoch. Same inputs and options give the same bytes.\n"
            "\n"
            "  -o, --output MODEL   model file to write (atomically)\n"
            "  --eval DIR           also write DIR/report.json and DIR/report.md: held-out log\n"
            "                       loss, Brier, accuracy and calibration of the model, the\n"
            "                       de-vigged market consensus and Elo (created if missing)\n"
            "  --hidden N           hidden units, 1..%d (default 32)\n"
            "  --epochs N           most epochs, 1..%d (default 30)\n"
            "  --batch N            markets per mini-batch, >= 1 (default 32)\n"
            "  --lr X               Adam learning rate, (0, 1] (default 0.005)\n"
            "  --seed N             seed of the weights, the split and the shuffle (default 1)\n"
            "  --holdout X          share of games held out, (0, 1) (default 0.2)\n"
            "  --patience N         stop after N epochs without a better held-out log loss;\n"
            "                       0 never stops early (default 5)\n"
            "  --truth FILE         savant-feed sim --truth file (repeatable): also compare the\n"
            "                       h2h forecasts with the simulator's true probabilities\n"
            "  --evaluate MODEL     train nothing: evaluate MODEL on every market of the\n"
            "                       datasets (data it was not trained on) into --eval DIR\n"
            "  -q, --quiet          no progress lines\n"
            "  -c FILE              config file; -X key=value sets a config key (repeatable);\n"
            "  --dump-config        print the effective configuration and exit\n"
            "  -h, --help           this text\n"
            "\n"
            "A dataset whose feature_hash is not this build's feature schema is refused.\n"
            "Exit status: 0 success, 1 failure (unreadable or refused dataset, no data), 2 bad usage.\n",
            ENG_LSTM_HID_MAX, TR_EPOCHS_MAX);
}

/* --- small deterministic helpers --- */

static uint64_t tr_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t tr_fnv(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* The split: a game is held out when the seeded hash of its event id falls below holdout. */
static int tr_is_heldout(const char *event_id, uint64_t seed, double holdout)
{
    uint64_t h = tr_mix(tr_fnv(event_id) ^ tr_mix(seed));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0) < holdout;
}

/* The shuffle's PRNG (splitmix64). */
static uint64_t tr_rand(uint64_t *s)
{
    uint64_t z = tr_mix(*s);
    *s += 0x9e3779b97f4a7c15ULL;
    return z;
}

static const char *tr_base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int tr_parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int tr_parse_dbl(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return (errno || end == s || *end || !isfinite(*out)) ? -1 : 0;
}

/* --- reading --- */

static void tr_bad(tr_run_t *r, const char *file, long line, const char *field, const char *reason)
{
    if (r->bad++ < TR_BAD_SHOWN)
        fprintf(stderr, "savant-train: %s:%ld: %s: %s (line skipped)\n", file, line, field, reason);
}

static int tr_feat_index(const tr_run_t *r, const char *name)
{
    for (int k = 0; k < r->n_in; k++)
        if (strcmp(r->feat[k], name) == 0)
            return k;
    return -1;
}

/* Checks a dataset header; the first one defines the features. Returns 0 or -1 (reported). */
static int tr_header(tr_run_t *r, const char *file, const char *line)
{
    json_error_t jerr;
    json_t *h = json_loads(line, 0, &jerr), *feats, *fh;
    int rc = -1, n;

    if (!h || !json_is_object(h)) {
        fprintf(stderr, "savant-train: %s:1: header: not a JSON object (is this a savant-replay dataset?)\n", file);
        goto out;
    }
    feats = json_object_get(h, "features");
    if (!json_is_array(feats) || json_array_size(feats) == 0) {
        fprintf(stderr, "savant-train: %s:1: features: missing or not a non-empty array\n", file);
        goto out;
    }
    n = (int)json_array_size(feats);
    if (n > ENG_LSTM_IN_MAX) {
        fprintf(stderr, "savant-train: %s:1: features: %d features, at most %d supported\n", file,
                n, ENG_LSTM_IN_MAX);
        goto out;
    }
    for (int k = 0; k < n; k++)
        if (!json_is_string(json_array_get(feats, (size_t)k))) {
            fprintf(stderr, "savant-train: %s:1: features: entry %d is not a string\n", file, k);
            goto out;
        }
    fh = json_object_get(h, "feature_hash");
    if (fh) {
        const char *s = json_string_value(fh);
        char *end;
        uint64_t v;
        errno = 0;
        v = s ? strtoull(s, &end, 16) : 0;
        if (!s || !*s || errno || *end) {
            fprintf(stderr, "savant-train: %s:1: feature_hash: not a hexadecimal string\n", file);
            goto out;
        }
        if (v != eng_feat_hash()) {
            fprintf(stderr,
                    "savant-train: %s:1: feature_hash: %016" PRIx64 " is not this build's feature "
                    "schema %016" PRIx64 " (rebuild the dataset with this savant-replay)\n",
                    file, v, eng_feat_hash());
            goto out;
        }
    } else {
        fprintf(stderr, "savant-train: %s:1: feature_hash: missing (dataset from an older "
                        "savant-replay); the model is tagged with a hash of its feature names "
                        "and the engine will refuse it\n", file);
        r->legacy = 1;
    }
    if (!r->feat) {
        r->n_in = n;
        r->feat = calloc((size_t)n, sizeof(*r->feat));
        if (!r->feat)
            goto out;
        for (int k = 0; k < n; k++)
            if (!(r->feat[k] = strdup(json_string_value(json_array_get(feats, (size_t)k)))))
                goto out;
    } else {
        int same = n == r->n_in;
        for (int k = 0; same && k < n; k++)
            same = strcmp(r->feat[k], json_string_value(json_array_get(feats, (size_t)k))) == 0;
        if (!same) {
            fprintf(stderr, "savant-train: %s:1: features: not the features of %s\n", file,
                    r->ds_names[0]);
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(h);
    return rc;
}

/* Parses one market line into r (or reports it and skips it). */
static void tr_market_line(tr_run_t *r, const char *file, long ln, const char *line)
{
    json_error_t jerr;
    json_t *o = json_loads(line, 0, &jerr), *key, *steps, *label;
    tr_market_t m = {0};
    const char *k, *bar, *bar2;
    char reason[256];

    if (!o || !json_is_object(o)) {
        snprintf(reason, sizeof(reason), "not a JSON object%s%s", o ? "" : ": ", o ? "" : jerr.text);
        tr_bad(r, file, ln, "line", reason);
        goto out;
    }
    key = json_object_get(o, "key");
    k = json_string_value(key);
    if (!k || !(bar = strchr(k, '|')) || bar == k) {
        tr_bad(r, file, ln, "key", "missing or not \"event_id|market|player\"");
        goto out;
    }
    label = json_object_get(o, "label");
    if (!label) {
        tr_bad(r, file, ln, "label", "missing");
        goto out;
    }
    if (json_is_null(label)) {
        r->dropped_null++;
        goto out;
    }
    if (!json_is_number(label) || json_number_value(label) < 0 || json_number_value(label) > 1) {
        tr_bad(r, file, ln, "label", "not a number in [0, 1] or null");
        goto out;
    }
    steps = json_object_get(o, "steps");
    if (!json_is_array(steps) || json_array_size(steps) == 0) {
        tr_bad(r, file, ln, "steps", "missing, not an array, or empty");
        goto out;
    }
    if (json_array_size(steps) > 1000000) {
        tr_bad(r, file, ln, "steps", "more than 1000000 steps");
        goto out;
    }
    m.T = (int)json_array_size(steps);
    m.x = malloc((size_t)m.T * (size_t)r->n_in * sizeof(*m.x));
    if (!m.x) {
        tr_bad(r, file, ln, "steps", "out of memory");
        goto out;
    }
    for (int t = 0; t < m.T; t++) {
        json_t *st = json_array_get(steps, (size_t)t);
        if (!json_is_array(st) || (int)json_array_size(st) != r->n_in) {
            snprintf(reason, sizeof(reason), "step %d is not an array of %d numbers", t, r->n_in);
            tr_bad(r, file, ln, "steps", reason);
            goto out;
        }
        for (int j = 0; j < r->n_in; j++) {
            json_t *v = json_array_get(st, (size_t)j);
            double d = json_number_value(v);
            if (!json_is_number(v) || !isfinite(d) || fabs(d) > 3.0e38) {
                snprintf(reason, sizeof(reason), "step %d, feature %s: not a finite number", t,
                         r->feat[j]);
                tr_bad(r, file, ln, "steps", reason);
                goto out;
            }
            m.x[(size_t)t * (size_t)r->n_in + (size_t)j] = (float)d;
        }
    }
    m.label = (float)json_number_value(label);
    m.key = strdup(k);
    m.event_id = strndup(k, (size_t)(bar - k));
    bar2 = strchr(bar + 1, '|');
    m.mtype = bar2 ? strndup(bar + 1, (size_t)(bar2 - bar - 1)) : strdup(bar + 1);
    m.side = strdup(json_is_string(json_object_get(o, "side"))
                        ? json_string_value(json_object_get(o, "side"))
                        : "");
    if (!m.key || !m.event_id || !m.mtype || !m.side) {
        tr_bad(r, file, ln, "key", "out of memory");
        goto out;
    }
    /* the last pre-start step: in_play 0, else hours to commence > 0, else the last step */
    m.close = m.T - 1;
    if (r->i_inplay >= 0 || r->i_hours >= 0) {
        m.close = -1;
        for (int t = 0; t < m.T; t++) {
            const float *x = m.x + (size_t)t * (size_t)r->n_in;
            if (r->i_inplay >= 0 ? x[r->i_inplay] == 0.0f : x[r->i_hours] > 0.0f)
                m.close = t;
        }
    }
    if (r->n_mk == r->cap_mk) {
        size_t cap = r->cap_mk ? 2 * r->cap_mk : 256;
        tr_market_t *p = realloc(r->mk, cap * sizeof(*p));
        if (!p) {
            tr_bad(r, file, ln, "line", "out of memory");
            goto out;
        }
        r->mk = p;
        r->cap_mk = cap;
    }
    if (m.T > r->max_T)
        r->max_T = m.T;
    r->mk[r->n_mk++] = m;
    memset(&m, 0, sizeof(m));
out:
    free(m.x);
    free(m.key);
    free(m.event_id);
    free(m.mtype);
    free(m.side);
    json_decref(o);
}

/* Reads one dataset file. Returns 0, or -1 when the file cannot be used (reported). */
static int tr_read(tr_run_t *r, const char *file)
{
    FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long ln = 0;
    int rc = -1;

    if (!fp) {
        fprintf(stderr, "savant-train: %s: cannot open: %s\n", file, strerror(errno));
        return -1;
    }
    while ((len = getline(&line, &cap, fp)) >= 0) {
        ln++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (ln == 1) {
            if (tr_header(r, file, line) < 0)
                goto out;
            r->i_pfair = tr_feat_index(r, "p_fair");
            r->i_inplay = tr_feat_index(r, "in_play");
            r->i_hours = tr_feat_index(r, "hours_to_commence");
            r->i_elo = -1;
            for (int k = 0; k < r->n_in && r->i_elo < 0; k++)
                if (strstr(r->feat[k], "elo"))
                    r->i_elo = k;
            continue;
        }
        if (len == 0)
            continue;
        r->lines++;
        tr_market_line(r, file, ln, line);
    }
    if (ferror(fp)) {
        fprintf(stderr, "savant-train: %s: read error: %s\n", file, strerror(errno));
        goto out;
    }
    if (ln == 0) {
        fprintf(stderr, "savant-train: %s:1: header: empty file\n", file);
        goto out;
    }
    rc = 0;
out:
    free(line);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

/* --- metrics --- */

static void tr_metrics_add(tr_metrics_t *mt, double p, double y)
{
    double q = p < 1e-15 ? 1e-15 : p > 1 - 1e-15 ? 1 - 1e-15 : p;
    int b = (int)(p * TR_BINS);

    b = b < 0 ? 0 : b >= TR_BINS ? TR_BINS - 1 : b;
    mt->n++;
    mt->log_loss -= y * log(q) + (1 - y) * log(1 - q);
    mt->brier += (p - y) * (p - y);
    mt->accuracy += p == 0.5 ? 0.5 : ((p > 0.5) == (y > 0.5));
    mt->bin_n[b]++;
    mt->bin_p[b] += p;
    mt->bin_y[b] += y;
}

/* Runs the model over markets[0..close] and returns p at the close step. */
static double tr_predict(const eng_lstm_model_t *m, const tr_market_t *mk, int upto)
{
    eng_lstm_state_t s;
    float p = 0.5f;
    eng_lstm_state_reset(&s);
    for (int t = 0; t <= upto; t++)
        p = eng_lstm_step(m, &s, mk->x + (size_t)t * (size_t)m->n_in);
    return p;
}

/* Mean per-sequence log loss over every step of the held-out markets. */
static double tr_heldout_loss(const tr_run_t *r, const eng_lstm_model_t *m)
{
    double sum = 0;
    long n = 0;
    for (size_t i = 0; i < r->n_mk; i++) {
        const tr_market_t *mk = &r->mk[i];
        eng_lstm_state_t s;
        double l = 0, y = mk->label;
        if (!mk->heldout)
            continue;
        eng_lstm_state_reset(&s);
        for (int t = 0; t < mk->T; t++) {
            double p = eng_lstm_step(m, &s, mk->x + (size_t)t * (size_t)m->n_in);
            p = p < 1e-15 ? 1e-15 : p > 1 - 1e-15 ? 1 - 1e-15 : p;
            l -= y * log(p) + (1 - y) * log(1 - p);
        }
        sum += l / mk->T;
        n++;
    }
    return n ? sum / (double)n : 0;
}

/* --- report writing --- */

static void tr_num(FILE *fp, double x)
{
    char b[ENG_PY_REPR_MAX];
    if (!isfinite(x))
        fputs("null", fp);
    else
        fputs(eng_py_repr(x, b, sizeof(b)), fp);
}

/* A ratio, null when the denominator is 0. */
static void tr_ratio(FILE *fp, double a, double n)
{
    if (n == 0)
        fputs("null", fp);
    else
        tr_num(fp, a / n);
}

static void tr_metrics_json(FILE *fp, const tr_metrics_t *mt, int calib)
{
    if (!mt) {
        fputs("null", fp);
        return;
    }
    fputs("{\"n\": ", fp);
    fprintf(fp, "%ld", mt->n);
    fputs(", \"log_loss\": ", fp);
    tr_ratio(fp, mt->log_loss, (double)mt->n);
    fputs(", \"brier\": ", fp);
    tr_ratio(fp, mt->brier, (double)mt->n);
    fputs(", \"accuracy\": ", fp);
    tr_ratio(fp, mt->accuracy, (double)mt->n);
    if (calib) {
        fputs(", \"calibration\": [", fp);
        for (int b = 0; b < TR_BINS; b++) {
            fprintf(fp, "%s{\"lo\": ", b ? ", " : "");
            tr_num(fp, b / (double)TR_BINS);
            fputs(", \"hi\": ", fp);
            tr_num(fp, (b + 1) / (double)TR_BINS);
            fprintf(fp, ", \"count\": %ld, \"mean_predicted\": ", mt->bin_n[b]);
            tr_ratio(fp, mt->bin_p[b], (double)mt->bin_n[b]);
            fputs(", \"observed\": ", fp);
            tr_ratio(fp, mt->bin_y[b], (double)mt->bin_n[b]);
            fputc('}', fp);
        }
        fputc(']', fp);
    }
    fputc('}', fp);
}

/* Markdown cell: a ratio to 4 decimals or "–". */
static void tr_md(FILE *fp, double a, double n)
{
    if (n == 0)
        fputs(" – |", fp);
    else
        fprintf(fp, " %.4f |", a / n);
}

/* Evaluation of the held-out markets: overall and per market type. */
typedef struct tr_eval {
    tr_metrics_t all[3];          /* model, market, elo */
    char **types;                 /* market types in first-seen order */
    tr_metrics_t (*by)[3];
    int n_types;
    long skipped_push, skipped_noclose;
    tr_metrics_t truth[4];        /* h2h markets with a known truth: model, market, elo, truth */
} tr_eval_t;

static const char *const tr_forecasters[4] = {"model", "market", "elo", "truth"};

/* Whether forecaster k (0..2) exists in this dataset. */
static int tr_has(const tr_run_t *r, int k)
{
    return k == 0 || (k == 1 && r->i_pfair >= 0) || (k == 2 && r->i_elo >= 0);
}

static int tr_cmp_truth(const void *a, const void *b)
{
    return strcmp(((const tr_truth_t *)a)->event_id, ((const tr_truth_t *)b)->event_id);
}

/* Reads a savant-feed sim --truth file into r->truth (a bad line is reported and skipped).
 * Returns 0, or -1 when the file cannot be read (reported). */
static int tr_read_truth(tr_run_t *r, const char *file)
{
    FILE *fp = fopen(file, "r");
    char *line = NULL;
    size_t cap = 0, cap_t = r->n_truth;
    long ln = 0;

    if (!fp) {
        fprintf(stderr, "savant-train: %s: cannot open: %s\n", file, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, fp) >= 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "event_id"));
        const char *home = json_string_value(json_object_get(o, "home"));
        const char *away = json_string_value(json_object_get(o, "away"));
        json_t *p = json_object_get(o, "p_home_true");
        tr_truth_t t;
        ln++;
        if (!o || !id || !home || !away || !json_is_number(p) || json_number_value(p) < 0 ||
            json_number_value(p) > 1) {
            if (line[0] != '\n')
                fprintf(stderr, "savant-train: %s:%ld: truth: not an object with event_id, home, "
                                "away, p_home_true in [0, 1] (line skipped)\n", file, ln);
            json_decref(o);
            continue;
        }
        if (r->n_truth == cap_t) {
            tr_truth_t *n = realloc(r->truth, (cap_t = cap_t ? 2 * cap_t : 256) * sizeof(*n));
            if (!n) {
                json_decref(o);
                break;
            }
            r->truth = n;
        }
        t.event_id = strdup(id);
        t.home = strdup(home);
        t.away = strdup(away);
        t.p_home = json_number_value(p);
        json_decref(o);
        if (!t.event_id || !t.home || !t.away) {
            free(t.event_id);
            free(t.home);
            free(t.away);
            break;
        }
        r->truth[r->n_truth++] = t;
    }
    free(line);
    fclose(fp);
    qsort(r->truth, r->n_truth, sizeof(*r->truth), tr_cmp_truth);
    return 0;
}

static int tr_evaluate(const tr_run_t *r, const eng_lstm_model_t *m, tr_eval_t *ev)
{
    memset(ev, 0, sizeof(*ev));
    for (size_t i = 0; i < r->n_mk; i++) {
        const tr_market_t *mk = &r->mk[i];
        const float *xc;
        double p[3], y = mk->label;
        int ti;
        if (!mk->heldout)
            continue;
        if (y != 0 && y != 1) {
            ev->skipped_push++;
            continue;
        }
        if (mk->close < 0) {
            ev->skipped_noclose++;
            continue;
        }
        xc = mk->x + (size_t)mk->close * (size_t)r->n_in;
        p[0] = tr_predict(m, mk, mk->close);
        p[1] = r->i_pfair >= 0 ? xc[r->i_pfair] : 0;
        p[2] = r->i_elo >= 0 ? xc[r->i_elo] : 0;
        for (ti = 0; ti < ev->n_types && strcmp(ev->types[ti], mk->mtype) != 0; ti++)
            ;
        if (ti == ev->n_types) {
            char **t = realloc(ev->types, (size_t)(ti + 1) * sizeof(*t));
            tr_metrics_t(*b)[3];
            if (!t)
                return -1;
            ev->types = t;
            b = realloc(ev->by, (size_t)(ti + 1) * sizeof(*b));
            if (!b)
                return -1;
            ev->by = b;
            memset(ev->by[ti], 0, sizeof(ev->by[ti]));
            ev->types[ti] = mk->mtype; /* borrowed from the market */
            ev->n_types++;
        }
        for (int k = 0; k < 3; k++) {
            if ((k == 1 && r->i_pfair < 0) || (k == 2 && r->i_elo < 0))
                continue;
            tr_metrics_add(&ev->all[k], p[k], y);
            tr_metrics_add(&ev->by[ti][k], p[k], y);
        }
        if (r->n_truth && strcmp(mk->mtype, "h2h") == 0) {
            tr_truth_t key = {.event_id = mk->event_id}, *tt;
            double pt;
            tt = bsearch(&key, r->truth, r->n_truth, sizeof(*r->truth), tr_cmp_truth);
            if (!tt || (strcmp(mk->side, tt->home) != 0 && strcmp(mk->side, tt->away) != 0))
                continue;
            pt = strcmp(mk->side, tt->home) == 0 ? tt->p_home : 1 - tt->p_home;
            for (int k = 0; k < 3; k++)
                if (tr_has(r, k))
                    tr_metrics_add(&ev->truth[k], p[k], y);
            tr_metrics_add(&ev->truth[3], pt, y);
        }
    }
    return 0;
}


static int tr_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes DIR/report.json and DIR/report.md. Returns 0 or -1 (reported). */
static int tr_report(const char *dir, const tr_run_t *r, const tr_opts_t *o,
                     const eng_lstm_model_t *m, const tr_eval_t *ev, const tr_epoch_t *hist,
                     int epochs_run, int best_epoch, long games[2], long markets[2])
{
    char path[4096];
    FILE *fp = NULL;
    const char **held = NULL;
    size_t n_held = 0;
    int rc = -1;

    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "savant-train: %s: cannot create: %s\n", dir, strerror(errno));
        return -1;
    }
    /* the held-out games, sorted and unique */
    held = malloc((r->n_mk + 1) * sizeof(*held));
    if (!held)
        goto out;
    for (size_t i = 0; i < r->n_mk; i++)
        if (r->mk[i].heldout)
            held[n_held++] = r->mk[i].event_id;
    qsort(held, n_held, sizeof(*held), tr_cmp_str);
    {
        size_t u = 0;
        for (size_t i = 0; i < n_held; i++)
            if (u == 0 || strcmp(held[u - 1], held[i]) != 0)
                held[u++] = held[i];
        n_held = u;
    }

    snprintf(path, sizeof(path), "%s/report.json", dir);
    if (!(fp = fopen(path, "w"))) {
        fprintf(stderr, "savant-train: %s: cannot write: %s\n", path, strerror(errno));
        goto out;
    }
    fputs("{\"model_id\": ", fp);
    sv_json_str(fp, m->id);
    fputs(", \"datasets\": [", fp);
    for (int i = 0; i < r->n_ds; i++) {
        fputs(i ? ", " : "", fp);
        sv_json_str(fp, r->ds_names[i]);
    }
    fputs("], \"features\": [", fp);
    for (int k = 0; k < r->n_in; k++) {
        fputs(k ? ", " : "", fp);
        sv_json_str(fp, r->feat[k]);
    }
    fprintf(fp, "], \"feature_hash\": \"%016" PRIx64 "\"", r->hash);
    fprintf(fp, ", \"input\": {\"markets\": %ld, \"dropped_null_label\": %ld, \"bad_lines\": %ld}",
            r->lines, r->dropped_null, r->bad);
    fprintf(fp, ", \"split\": {\"seed\": %" PRIu64 ", \"holdout\": ", o->seed);
    tr_num(fp, o->holdout);
    fprintf(fp, ", \"games_train\": %ld, \"games_heldout\": %ld, \"markets_train\": %ld, "
                "\"markets_heldout\": %ld, \"heldout_games\": [",
            games[0], games[1], markets[0], markets[1]);
    for (size_t i = 0; i < n_held; i++) {
        fputs(i ? ", " : "", fp);
        sv_json_str(fp, held[i]);
    }
    fprintf(fp, "]}, \"training\": {\"hidden\": %d, \"batch\": %d, \"lr\": ", o->hidden, o->batch);
    tr_num(fp, o->lr);
    fprintf(fp, ", \"epochs\": %d, \"patience\": %d, \"epochs_run\": %d, \"best_epoch\": %d, "
                "\"history\": [",
            o->epochs, o->patience, epochs_run, best_epoch);
    for (int e = 0; e < epochs_run; e++) {
        fprintf(fp, "%s{\"epoch\": %d, \"train_loss\": ", e ? ", " : "", e + 1);
        tr_num(fp, hist[e].train_loss);
        fputs(", \"heldout_log_loss\": ", fp);
        tr_num(fp, hist[e].heldout_loss);
        fputc('}', fp);
    }
    fprintf(fp, "]}, \"evaluation\": {\"point\": \"last pre-start step\", \"skipped_push\": %ld, "
                "\"skipped_no_prestart\": %ld",
            ev->skipped_push, ev->skipped_noclose);
    for (int k = 0; k < 3; k++) {
        fprintf(fp, ", \"%s\": ", tr_forecasters[k]);
        tr_metrics_json(fp, tr_has(r, k) ? &ev->all[k] : NULL, 1);
    }
    fputs(", \"by_market\": [", fp);
    for (int t = 0; t < ev->n_types; t++) {
        fputs(t ? ", " : "", fp);
        fputs("{\"type\": ", fp);
        sv_json_str(fp, ev->types[t]);
        for (int k = 0; k < 3; k++) {
            fprintf(fp, ", \"%s\": ", tr_forecasters[k]);
            tr_metrics_json(fp, tr_has(r, k) ? &ev->by[t][k] : NULL, 0);
        }
        fputc('}', fp);
    }
    fputs("], \"truth\": ", fp);
    if (!r->n_truth) {
        fputs("null", fp);
    } else {
        fputs("{\"type\": \"h2h\"", fp);
        for (int k = 0; k < 4; k++) {
            fprintf(fp, ", \"%s\": ", tr_forecasters[k]);
            tr_metrics_json(fp, k == 3 || tr_has(r, k) ? &ev->truth[k] : NULL, 0);
        }
        fputc('}', fp);
    }
    fputs("}}\n", fp);
    if (fclose(fp) != 0) {
        fp = NULL;
        fprintf(stderr, "savant-train: %s: write error\n", path);
        goto out;
    }

    snprintf(path, sizeof(path), "%s/report.md", dir);
    if (!(fp = fopen(path, "w"))) {
        fprintf(stderr, "savant-train: %s: cannot write: %s\n", path, strerror(errno));
        goto out;
    }
    fprintf(fp, "# savant-train evaluation\n\nModel `%s` (%d features, %d hidden), trained on",
            m->id, r->n_in, o->hidden);
    for (int i = 0; i < r->n_ds; i++)
        fprintf(fp, "%s `%s`", i ? "," : "", r->ds_names[i]);
    fprintf(fp, ".\n\nSplit by game (seed %" PRIu64 ", held out %.2f): %ld training games "
                "(%ld markets), %ld held-out games (%ld markets). %d epochs run, best epoch %d.\n\n",
            o->seed, o->holdout, games[0], markets[0], games[1], markets[1], epochs_run,
            best_epoch);
    fprintf(fp, "Held-out markets settled win or loss, forecast at their last pre-start step "
                "(%ld pushes/voids and %ld without a pre-start step left out).\n\n",
            ev->skipped_push, ev->skipped_noclose);
    fputs("| forecaster | n | log loss | Brier | accuracy |\n|---|---|---|---|---|\n", fp);
    for (int k = 0; k < 3; k++) {
        if (!tr_has(r, k))
            continue;
        fprintf(fp, "| %s | %ld |", k == 0 ? "model" : k == 1 ? "market (de-vigged)" : "Elo",
                ev->all[k].n);
        tr_md(fp, ev->all[k].log_loss, (double)ev->all[k].n);
        tr_md(fp, ev->all[k].brier, (double)ev->all[k].n);
        tr_md(fp, ev->all[k].accuracy, (double)ev->all[k].n);
        fputc('\n', fp);
    }
    fputs("\n## By market\n\n| market | n | model log loss | market log loss | Elo log loss |\n"
          "|---|---|---|---|---|\n", fp);
    for (int t = 0; t < ev->n_types; t++) {
        fprintf(fp, "| %s | %ld |", ev->types[t], ev->by[t][0].n);
        for (int k = 0; k < 3; k++) {
            if (tr_has(r, k))
                tr_md(fp, ev->by[t][k].log_loss, (double)ev->by[t][k].n);
            else
                fputs(" – |", fp);
        }
        fputc('\n', fp);
    }
    if (r->n_truth) {
        fputs("\n## Against the ground truth (h2h, --truth)\n\n"
              "| forecaster | n | log loss | Brier | accuracy |\n|---|---|---|---|---|\n", fp);
        for (int k = 0; k < 4; k++) {
            const tr_metrics_t *mt = &ev->truth[k];
            if (k < 3 && !tr_has(r, k))
                continue;
            fprintf(fp, "| %s | %ld |",
                    k == 0 ? "model" : k == 1 ? "market (de-vigged)" : k == 2 ? "Elo" : "truth",
                    mt->n);
            tr_md(fp, mt->log_loss, (double)mt->n);
            tr_md(fp, mt->brier, (double)mt->n);
            tr_md(fp, mt->accuracy, (double)mt->n);
            fputc('\n', fp);
        }
    }
    fputs("\n## Calibration\n\nmean predicted / observed win rate (count) per bin\n\n"
          "| bin | model | market | Elo |\n|---|---|---|---|\n", fp);
    for (int b = 0; b < TR_BINS; b++) {
        fprintf(fp, "| %.1f–%.1f |", b / 10.0, (b + 1) / 10.0);
        for (int k = 0; k < 3; k++) {
            const tr_metrics_t *mt = &ev->all[k];
            if (!tr_has(r, k) || mt->bin_n[b] == 0)
                fputs(" – |", fp);
            else
                fprintf(fp, " %.3f / %.3f (%ld) |", mt->bin_p[b] / (double)mt->bin_n[b],
                        mt->bin_y[b] / (double)mt->bin_n[b], mt->bin_n[b]);
        }
        fputc('\n', fp);
    }
    fputs("\n## Training\n\n| epoch | train loss | held-out log loss |\n|---|---|---|\n", fp);
    for (int e = 0; e < epochs_run; e++)
        fprintf(fp, "| %d | %.4f | %.4f |\n", e + 1, hist[e].train_loss, hist[e].heldout_loss);
    if (fclose(fp) != 0) {
        fp = NULL;
        fprintf(stderr, "savant-train: %s: write error\n", path);
        goto out;
    }
    fp = NULL;
    rc = 0;
out:
    if (fp)
        fclose(fp);
    free(held);
    return rc;
}

/* The model's metadata JSON (no clock: nothing in it changes between identical runs). */
static void tr_meta(char *buf, size_t size, const tr_run_t *r, const tr_opts_t *o,
                    const tr_eval_t *ev, int epochs_run, int best_epoch, double best_loss,
                    long games[2], long markets[2])
{
    FILE *fp = fmemopen(buf, size, "w");
    if (!fp) {
        snprintf(buf, size, "{}");
        return;
    }
    fputs("{\"trainer\": \"savant-train\", \"datasets\": [", fp);
    for (int i = 0; i < r->n_ds && i < TR_DATASETS_META; i++) {
        fputs(i ? ", " : "", fp);
        sv_json_str(fp, r->ds_names[i]);
    }
    if (r->n_ds > TR_DATASETS_META)
        fprintf(fp, ", \"(+%d more)\"", r->n_ds - TR_DATASETS_META);
    fprintf(fp, "], \"markets_train\": %ld, \"markets_heldout\": %ld, \"games_train\": %ld, "
                "\"games_heldout\": %ld, \"seed\": %" PRIu64 ", \"hidden\": %d, \"epochs_run\": %d, "
                "\"best_epoch\": %d, \"heldout_log_loss\": ",
            markets[0], markets[1], games[0], games[1], o->seed, o->hidden, epochs_run,
            best_epoch);
    tr_num(fp, best_loss);
    for (int k = 0; k < 3; k++) {
        if (!tr_has(r, k))
            continue;
        fprintf(fp, ", \"eval_%s\": ", tr_forecasters[k]);
        tr_metrics_json(fp, &ev->all[k], 0);
    }
    fputc('}', fp);
    if (fclose(fp) != 0 || strlen(buf) + 1 >= size) /* too long: keep the essentials */
        snprintf(buf, size,
                 "{\"trainer\": \"savant-train\", \"markets_train\": %ld, \"markets_heldout\": %ld, "
                 "\"seed\": %" PRIu64 ", \"hidden\": %d, \"best_epoch\": %d}",
                 markets[0], markets[1], o->seed, o->hidden, best_epoch);
}

/* --- training --- */

static void tr_run_free(tr_run_t *r)
{
    for (size_t i = 0; i < r->n_mk; i++) {
        free(r->mk[i].x);
        free(r->mk[i].key);
        free(r->mk[i].event_id);
        free(r->mk[i].mtype);
        free(r->mk[i].side);
    }
    for (size_t i = 0; i < r->n_truth; i++) {
        free(r->truth[i].event_id);
        free(r->truth[i].home);
        free(r->truth[i].away);
    }
    free(r->truth);
    free(r->mk);
    for (int k = 0; r->feat && k < r->n_in; k++)
        free(r->feat[k]);
    free(r->feat);
}

/* Normalisation statistics from the training markets (double sums, fixed order). */
static void tr_normalise(const tr_run_t *r, eng_lstm_model_t *m)
{
    for (int k = 0; k < r->n_in; k++) {
        double s = 0, s2 = 0, n = 0, mean, sd;
        for (size_t i = 0; i < r->n_mk; i++) {
            const tr_market_t *mk = &r->mk[i];
            if (mk->heldout)
                continue;
            for (int t = 0; t < mk->T; t++) {
                double v = mk->x[(size_t)t * (size_t)r->n_in + (size_t)k];
                s += v;
                n += 1;
            }
        }
        mean = n ? s / n : 0;
        for (size_t i = 0; i < r->n_mk; i++) {
            const tr_market_t *mk = &r->mk[i];
            if (mk->heldout)
                continue;
            for (int t = 0; t < mk->T; t++) {
                double d = mk->x[(size_t)t * (size_t)r->n_in + (size_t)k] - mean;
                s2 += d * d;
            }
        }
        sd = n ? sqrt(s2 / n) : 0;
        m->mean[k] = (float)mean;
        /* a feature constant over the training data gets 1, so that other values stay finite */
        m->std[k] = (float)(sd == 0 ? 1.0 : sd < TR_STD_FLOOR ? TR_STD_FLOOR : sd);
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        CFG_CLI_LONGOPTS,
        {"output", required_argument, NULL, 'o'},
        {"eval", required_argument, NULL, 'E'},
        {"hidden", required_argument, NULL, 'H'},
        {"epochs", required_argument, NULL, 'e'},
        {"batch", required_argument, NULL, 'B'},
        {"lr", required_argument, NULL, 'L'},
        {"seed", required_argument, NULL, 'S'},
        {"holdout", required_argument, NULL, 'O'},
        {"patience", required_argument, NULL, 'P'},
        {"truth", required_argument, NULL, 'T'},
        {"evaluate", required_argument, NULL, 'V'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    tr_opts_t o = {NULL, NULL, 32, 30, 32, 0.005, 1, 0.2, 5, 0, {NULL}, 0};
    tr_run_t r;
    cfg_cli_t cli;
    cfg_t cfg;
    eng_lstm_model_t *m = NULL, *best = NULL;
    eng_lstm_grad_t *g = NULL;
    eng_lstm_adam_t *adam = NULL;
    tr_epoch_t *hist = NULL;
    tr_eval_t ev;
    size_t *order = NULL, n_train = 0;
    const char **ids = NULL;
    void *work = NULL;
    long games[2] = {0, 0}, markets[2] = {0, 0};
    double best_loss = INFINITY;
    int opt, rc = 1, best_epoch = 0, epochs_run = 0, since_best = 0;
    char errstr[512];
    uint64_t rng;
    const char *evaluate = NULL;

    memset(&r, 0, sizeof(r));
    memset(&ev, 0, sizeof(ev));
    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "o:qh", longopts, NULL)) != -1) {
        const char *bad = NULL;
        if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
            continue;
        switch (opt) {
        case 'o': o.out = optarg; break;
        case 'E': o.eval_dir = optarg; break;
        case 'H':
            if (tr_parse_int(optarg, 1, ENG_LSTM_HID_MAX, &o.hidden) < 0)
                bad = "--hidden: not an integer in 1..64";
            break;
        case 'e':
            if (tr_parse_int(optarg, 1, TR_EPOCHS_MAX, &o.epochs) < 0)
                bad = "--epochs: not an integer in 1..100000";
            break;
        case 'B':
            if (tr_parse_int(optarg, 1, 1000000, &o.batch) < 0)
                bad = "--batch: not an integer in 1..1000000";
            break;
        case 'L':
            if (tr_parse_dbl(optarg, &o.lr) < 0 || o.lr <= 0 || o.lr > 1)
                bad = "--lr: not a number in (0, 1]";
            break;
        case 'S': {
            char *end;
            errno = 0;
            o.seed = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || *optarg == '-')
                bad = "--seed: not a non-negative integer";
            break;
        }
        case 'O':
            if (tr_parse_dbl(optarg, &o.holdout) < 0 || o.holdout <= 0 || o.holdout >= 1)
                bad = "--holdout: not a number in (0, 1)";
            break;
        case 'P':
            if (tr_parse_int(optarg, 0, TR_EPOCHS_MAX, &o.patience) < 0)
                bad = "--patience: not an integer in 0..100000";
            break;
        case 'T':
            if (o.n_truth == TR_TRUTH_FILES)
                bad = "--truth: at most 64 files";
            else
                o.truth[o.n_truth++] = optarg;
            break;
        case 'V': evaluate = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (bad) {
            fprintf(stderr, "savant-train: %s\n", bad);
            return 2;
        }
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-train")) >= 0)
        return rc;
    if (!cli.dump_config && evaluate && (o.out || !o.eval_dir || optind >= argc)) {
        fprintf(stderr, "savant-train: %s\n",
                o.out        ? "--evaluate writes no model: -o is not for it"
                : !o.eval_dir ? "--evaluate needs --eval DIR"
                              : "at least one DATASET is required");
        usage(stderr);
        return 2;
    }
    if (!cli.dump_config && !evaluate && (!o.out || optind >= argc)) {
        fprintf(stderr, "savant-train: %s\n",
                !o.out ? "-o MODEL is required" : "at least one DATASET is required");
        usage(stderr);
        return 2;
    }
    rc = 1;

    /* read */
    r.ds_names = calloc((size_t)(argc - optind), sizeof(*r.ds_names));
    if (!r.ds_names)
        goto out;
    for (int i = optind; i < argc; i++) {
        r.ds_names[r.n_ds++] = tr_base(argv[i]);
        if (tr_read(&r, argv[i]) < 0)
            goto out;
    }
    for (int i = 0; i < o.n_truth; i++)
        if (tr_read_truth(&r, o.truth[i]) < 0)
            goto out;
    r.hash = eng_feat_hash();
    if (r.legacy) /* the names' hash at version 0, which no engine accepts by mistake */
        r.hash = eng_feat_hash_of((const char *const *)r.feat, (size_t)r.n_in, 0);
    if (r.bad > TR_BAD_SHOWN)
        fprintf(stderr, "savant-train: %ld bad lines in all\n", r.bad);

    /* --evaluate: an existing model on data it was not trained on; every market is held out */
    if (evaluate) {
        m = malloc(sizeof(*m));
        if (!m)
            goto nomem;
        if (eng_lstm_load(evaluate, r.hash, m, errstr, sizeof(errstr)) != SV_OK) {
            fprintf(stderr, "savant-train: %s\n", errstr);
            goto out;
        }
        ids = malloc((r.n_mk + 1) * sizeof(*ids));
        if (!ids)
            goto nomem;
        for (size_t i = 0; i < r.n_mk; i++) {
            r.mk[i].heldout = 1;
            markets[1]++;
            ids[i] = r.mk[i].event_id;
        }
        qsort(ids, r.n_mk, sizeof(*ids), tr_cmp_str);
        for (size_t i = 0; i < r.n_mk; i++)
            if (i == 0 || strcmp(ids[i - 1], ids[i]) != 0)
                games[1]++;
        o.hidden = m->n_hid;
        if (tr_evaluate(&r, m, &ev) < 0)
            goto nomem;
        if (tr_report(o.eval_dir, &r, &o, m, &ev, NULL, 0, 0, games, markets) < 0)
            goto out;
        if (!o.quiet) {
            fprintf(stderr, "savant-train: evaluated %s on %ld games (%ld markets)", m->id, games[1],
                    markets[1]);
            if (ev.all[0].n)
                fprintf(stderr, "; log loss at the close: model %.4f",
                        ev.all[0].log_loss / (double)ev.all[0].n);
            if (ev.all[1].n)
                fprintf(stderr, ", market %.4f", ev.all[1].log_loss / (double)ev.all[1].n);
            if (ev.all[2].n)
                fprintf(stderr, ", Elo %.4f", ev.all[2].log_loss / (double)ev.all[2].n);
            if (ev.truth[3].n)
                fprintf(stderr, "; h2h vs truth: model %.4f, market %.4f, truth %.4f",
                        ev.truth[0].log_loss / (double)ev.truth[0].n,
                        ev.truth[1].log_loss / (double)ev.truth[1].n,
                        ev.truth[3].log_loss / (double)ev.truth[3].n);
            fputc('\n', stderr);
        }
        rc = 0;
        goto out;
    }

    /* split by game */
    ids = malloc((r.n_mk + 1) * sizeof(*ids));
    if (!ids)
        goto nomem;
    for (size_t i = 0; i < r.n_mk; i++) {
        tr_market_t *mk = &r.mk[i];
        mk->heldout = tr_is_heldout(mk->event_id, o.seed, o.holdout);
        markets[mk->heldout]++;
        ids[i] = mk->event_id;
    }
    qsort(ids, r.n_mk, sizeof(*ids), tr_cmp_str);
    for (size_t i = 0; i < r.n_mk; i++)
        if (i == 0 || strcmp(ids[i - 1], ids[i]) != 0)
            games[tr_is_heldout(ids[i], o.seed, o.holdout)]++;
    if (!markets[0] || !markets[1]) {
        fprintf(stderr, "savant-train: %zu settled markets of %ld games: %s; more data or "
                        "another --holdout is needed\n",
                r.n_mk, games[0] + games[1],
                !markets[0] ? "no training games" : "no held-out games");
        goto out;
    }
    if (!o.quiet)
        fprintf(stderr, "savant-train: %ld markets (%ld dropped without a label), %ld training "
                        "games (%ld markets), %ld held-out games (%ld markets)\n",
                r.lines, r.dropped_null, games[0], markets[0], games[1], markets[1]);

    /* model, optimiser, buffers */
    m = malloc(sizeof(*m));
    best = malloc(sizeof(*best));
    g = malloc(sizeof(*g));
    adam = malloc(sizeof(*adam));
    hist = calloc((size_t)o.epochs, sizeof(*hist));
    order = malloc(r.n_mk * sizeof(*order));
    if (!m || !best || !g || !adam || !hist || !order)
        goto nomem;
    eng_lstm_init(m, r.n_in, o.hidden, r.hash, o.seed);
    tr_normalise(&r, m);
    eng_lstm_adam_init(adam, o.lr);
    work = malloc(eng_lstm_work_size(m, r.max_T));
    if (!work)
        goto nomem;
    for (size_t i = 0; i < r.n_mk; i++)
        if (!r.mk[i].heldout)
            order[n_train++] = i;
    memcpy(best, m, sizeof(*m));

    rng = tr_mix(o.seed ^ 0x5361766164745472ULL);
    for (int e = 0; e < o.epochs; e++) {
        double sum = 0, ho;
        /* Fisher-Yates with the seeded PRNG */
        for (size_t i = n_train - 1; i > 0; i--) {
            size_t j = (size_t)(tr_rand(&rng) % (i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (size_t b0 = 0; b0 < n_train; b0 += (size_t)o.batch) {
            size_t b1 = b0 + (size_t)o.batch < n_train ? b0 + (size_t)o.batch : n_train;
            memset(g, 0, sizeof(*g));
            for (size_t i = b0; i < b1; i++) {
                const tr_market_t *mk = &r.mk[order[i]];
                sum += eng_lstm_seq_grad(m, mk->x, mk->T, 0, mk->label, g, work);
            }
            eng_lstm_adam_step(adam, m, g, (int)(b1 - b0));
        }
        ho = tr_heldout_loss(&r, m);
        hist[e].train_loss = sum / (double)n_train;
        hist[e].heldout_loss = ho;
        epochs_run = e + 1;
        if (ho < best_loss) {
            best_loss = ho;
            best_epoch = e + 1;
            since_best = 0;
            memcpy(best, m, sizeof(*m));
        } else {
            since_best++;
        }
        if (!o.quiet)
            fprintf(stderr, "epoch %d/%d  train loss %.4f  held-out log loss %.4f%s\n", e + 1,
                    o.epochs, hist[e].train_loss, ho, best_epoch == e + 1 ? "  best" : "");
        if (!isfinite(hist[e].train_loss)) {
            fprintf(stderr, "savant-train: epoch %d: the training loss is not finite; try a "
                            "smaller --lr\n", e + 1);
            goto out;
        }
        if (o.patience > 0 && since_best >= o.patience)
            break;
    }

    /* evaluate the best epoch, write the model, read it back for its id */
    if (tr_evaluate(&r, best, &ev) < 0)
        goto nomem;
    tr_meta(best->meta, sizeof(best->meta), &r, &o, &ev, epochs_run, best_epoch, best_loss, games,
            markets);
    if (eng_lstm_save(o.out, best, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-train: %s\n", errstr);
        goto out;
    }
    if (eng_lstm_load(o.out, r.hash, m, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-train: %s: written but does not load back: %s\n", o.out, errstr);
        goto out;
    }
    if (o.eval_dir && tr_report(o.eval_dir, &r, &o, m, &ev, hist, epochs_run, best_epoch, games,
                                markets) < 0)
        goto out;
    if (!o.quiet) {
        fprintf(stderr, "savant-train: wrote %s (model %s, best epoch %d of %d)", o.out, m->id,
                best_epoch, epochs_run);
        if (ev.all[0].n)
            fprintf(stderr, "; held-out log loss at the close: model %.4f", ev.all[0].log_loss / (double)ev.all[0].n);
        if (ev.all[1].n)
            fprintf(stderr, ", market %.4f", ev.all[1].log_loss / (double)ev.all[1].n);
        if (ev.all[2].n)
            fprintf(stderr, ", Elo %.4f", ev.all[2].log_loss / (double)ev.all[2].n);
        if (ev.truth[3].n)
            fprintf(stderr, "; h2h vs truth: model %.4f, truth %.4f",
                    ev.truth[0].log_loss / (double)ev.truth[0].n,
                    ev.truth[3].log_loss / (double)ev.truth[3].n);
        fputc('\n', stderr);
    }
    rc = 0;
    goto out;
nomem:
    fprintf(stderr, "savant-train: out of memory\n");
out:
    free(ev.types);
    free(ev.by);
    free(work);
    free(ids);
    free(order);
    free(hist);
    free(adam);
    free(g);
    free(best);
    free(m);
    tr_run_free(&r);
    free(r.ds_names);
    return rc;
}
