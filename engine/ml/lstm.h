/*
 * lstm — the AI engine's model (issue 6, DESIGN.md §8 D6): a one-layer LSTM over a market
 * outcome's event sequence with a logistic head giving p_model, its model file, and the training
 * primitives (forward and backward through time, Adam) that savant-train uses.
 *
 * Inference is incremental: each market outcome keeps an eng_lstm_state_t (h and c) and every
 * event that touches the market advances it by one step, eng_lstm_step(), which allocates
 * nothing. Inputs are raw features (engine/ml/features.h); the model normalises them with the
 * statistics stored in its file.
 *
 * Model file (little-endian): magic "SVLSTM\0\0", u32 format version (1), u32 n_in, u32 n_hid,
 * u32 n_layers (1), u64 feature-schema hash, n_in × f32 mean, n_in × f32 std, u32 metadata
 * length + that many bytes of UTF-8 JSON (data set, size, date, metrics; opaque here), then the
 * f32 weights in eng_lstm_model_t order, then u32 CRC-32 of everything before it.
 */
#ifndef SV_ENG_LSTM_H
#define SV_ENG_LSTM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sv_err.h"

#define ENG_LSTM_IN_MAX 32  /* features */
#define ENG_LSTM_HID_MAX 64 /* hidden units */
#define ENG_LSTM_META_MAX 4096

/* Weights: gates in the order i, f, g, o; rows are gate units. */
typedef struct eng_lstm_model {
    int n_in, n_hid;
    uint64_t feature_hash;                        /* hash of the feature schema it was trained on */
    float mean[ENG_LSTM_IN_MAX], std[ENG_LSTM_IN_MAX]; /* normalisation: x' = (x - mean) / std */
    float wx[4 * ENG_LSTM_HID_MAX][ENG_LSTM_IN_MAX];   /* input weights */
    float wh[4 * ENG_LSTM_HID_MAX][ENG_LSTM_HID_MAX];  /* recurrent weights */
    float b[4 * ENG_LSTM_HID_MAX];                     /* gate biases (forget gate starts at 1) */
    float wy[ENG_LSTM_HID_MAX];                        /* head: p = sigmoid(wy · h + by) */
    float by;
    char meta[ENG_LSTM_META_MAX];                      /* metadata JSON (NUL-terminated) */
    char id[80];                                       /* model id: "lstm-<n_in>x<n_hid>-<crc hex>" */
} eng_lstm_model_t;

/* Per market outcome. */
typedef struct eng_lstm_state {
    float h[ENG_LSTM_HID_MAX];
    float c[ENG_LSTM_HID_MAX];
} eng_lstm_state_t;

/** @brief Initialise weights deterministically from seed (Xavier-uniform, forget bias 1). */
void eng_lstm_init(eng_lstm_model_t *m, int n_in, int n_hid, uint64_t feature_hash, uint64_t seed);

/** @brief Zero a state (the start of a sequence). */
void eng_lstm_state_reset(eng_lstm_state_t *s);

/**
 * @brief Advance s by one step with raw features x (n_in values) and return p_model in (0,1).
 *        No allocation. @locality any thread (m is read-only)
 */
float eng_lstm_step(const eng_lstm_model_t *m, eng_lstm_state_t *s, const float *x);

/**
 * @brief Load a model file. Refuses (SV_ERR_CONFIG, errstr says which and why) a bad magic,
 *        version, architecture beyond the maxima, CRC mismatch, or a feature hash other than
 *        expect_hash (when expect_hash != 0).
 */
sv_err_t eng_lstm_load(const char *path, uint64_t expect_hash, eng_lstm_model_t *m,
                       char *errstr, size_t errstr_size);

/** @brief Write a model file (atomically: FILE.tmp then rename). */
sv_err_t eng_lstm_save(const char *path, const eng_lstm_model_t *m, char *errstr,
                       size_t errstr_size);

/* --- training (savant-train) --- */

/* Gradients, same layout as the weights. */
typedef struct eng_lstm_grad {
    float wx[4 * ENG_LSTM_HID_MAX][ENG_LSTM_IN_MAX];
    float wh[4 * ENG_LSTM_HID_MAX][ENG_LSTM_HID_MAX];
    float b[4 * ENG_LSTM_HID_MAX];
    float wy[ENG_LSTM_HID_MAX];
    float by;
} eng_lstm_grad_t;

/**
 * @brief Forward and backward through one sequence of T steps (x: T × n_in raw features, row
 *        major), with the label y in [0,1] applied to the output of every step from step `from`
 *        on (binary cross-entropy, averaged over those steps). Adds the gradient into g
 *        (caller zeroes it per mini-batch) and returns the sequence's mean loss. work must hold
 *        eng_lstm_work_size(m, T) bytes (the caller's buffer; no allocation here).
 */
double eng_lstm_seq_grad(const eng_lstm_model_t *m, const float *x, int T, int from, float y,
                         eng_lstm_grad_t *g, void *work);

/** @brief Bytes of work buffer eng_lstm_seq_grad() needs for T steps. */
size_t eng_lstm_work_size(const eng_lstm_model_t *m, int T);

/* Adam optimiser state (moments, same layout as the weights). */
typedef struct eng_lstm_adam {
    eng_lstm_grad_t m1, m2;
    long t;
    double lr, beta1, beta2, eps;
} eng_lstm_adam_t;

/** @brief Adam with lr (beta1 0.9, beta2 0.999, eps 1e-8). */
void eng_lstm_adam_init(eng_lstm_adam_t *a, double lr);

/** @brief One Adam update of m with gradient g scaled by 1/batch. */
void eng_lstm_adam_step(eng_lstm_adam_t *a, eng_lstm_model_t *m, const eng_lstm_grad_t *g,
                        int batch);

/* --- additions (helper K): accessors over the declarations above --- */

#define ENG_LSTM_VERSION 1 /* model file format version written and accepted */

/*
 * Behaviour notes for the declarations above (lstm.c): eng_lstm_load() leaves m untouched when
 * it refuses a file; besides the listed checks it refuses trailing bytes, a metadata length over
 * ENG_LSTM_META_MAX - 1 or with a NUL byte, a std that is not finite and > 0, and non-finite
 * weights; a file it cannot open or read is SV_ERR_IO. Every message is "PATH: reason".
 * eng_lstm_step() treats a non-finite raw feature as the mean, and clamps p_model to
 * [1e-6, 1 - 1e-6]. eng_lstm_seq_grad() always runs the forward pass (from >= T: forward only,
 * returns 0 and adds nothing). The state must start zeroed (eng_lstm_state_reset).
 */

/**
 * @brief Recompute m->id ("lstm-<n_in>x<n_hid>-<crc hex>") from the model's current contents:
 *        the CRC-32 is the one eng_lstm_save() would write for m. eng_lstm_init() and
 *        eng_lstm_load() set the id; call this after training changes the weights.
 * @locality any thread
 */
void eng_lstm_id_refresh(eng_lstm_model_t *m);

/**
 * @brief p_model at step t (0 <= t < T) of the last eng_lstm_seq_grad() run over work with the
 *        same m and T: bit-identical to what eng_lstm_step() returns at that step.
 * @param work borrowed; the buffer that eng_lstm_seq_grad() filled
 */
float eng_lstm_work_p(const eng_lstm_model_t *m, const void *work, int T, int t);

/** @brief Bytes of per-outcome state a model really uses (h and c: 2 x n_hid floats). */
size_t eng_lstm_state_used(const eng_lstm_model_t *m);

/** @brief Number of trainable parameters (weights, biases and head). */
size_t eng_lstm_param_count(const eng_lstm_model_t *m);

#endif
