/*
 * bench-lstm — speed of the engine's incremental LSTM step (eng_lstm_step) for the shipped
 * architecture size: 16 input features, 32 hidden units. 1,024 market outcomes each keep their
 * own state and are advanced in turn with pre-generated feature vectors (a fixed xorshift
 * stream), as the engine advances the outcome an event touches. Prints steps/s and ns/step, and
 * the memory each market outcome holds for the model (the state struct and the bytes a hidden
 * size of 32 really uses). Run by `make bench`; not a test (nothing is asserted).
 *
 *   bench-lstm [SECONDS]   (default 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ml/lstm.h"

#define N_IN 16
#define N_HID 32
#define N_OUTCOMES 1024
#define N_VEC 4096 /* distinct feature vectors, cycled */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
    eng_lstm_model_t *m = malloc(sizeof(*m));
    eng_lstm_state_t *st = malloc(sizeof(*st) * N_OUTCOMES);
    float *x = malloc(sizeof(float) * N_VEC * N_IN);
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    volatile float sink = 0.0f;
    float acc = 0.0f;
    long n = 0;

    if (!m || !st || !x)
        return 1;
    eng_lstm_init(m, N_IN, N_HID, 0x5A5A5A5AULL, 7);
    for (int i = 0; i < N_VEC * N_IN; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x[i] = (float)((double)(s >> 40) / 16777216.0 * 4.0 - 2.0);
    }
    for (int o = 0; o < N_OUTCOMES; o++)
        eng_lstm_state_reset(&st[o]);

    /* Warm up, then time whole rounds of 65,536 steps until SECONDS have passed. */
    for (long i = 0; i < 65536; i++)
        acc += eng_lstm_step(m, &st[i % N_OUTCOMES], &x[(i % N_VEC) * N_IN]);
    t0 = now_s();
    do {
        for (long i = 0; i < 65536; i++, n++)
            acc += eng_lstm_step(m, &st[(n * 7) % N_OUTCOMES], &x[(n % N_VEC) * N_IN]);
    } while ((t = now_s() - t0) < secs);
    sink = acc;
    (void)sink;

    printf("lstm step (in %d, hidden %d)  %.0f steps/s  %.1f ns/step\n", N_IN, N_HID,
           (double)n / t, t * 1e9 / (double)n);
    printf("  memory per market outcome: sizeof(eng_lstm_state_t) %zu bytes, used for hidden %d: "
           "%zu bytes\n",
           sizeof(eng_lstm_state_t), N_HID, eng_lstm_state_used(m));
    printf("  model: %zu parameters, id %s\n", eng_lstm_param_count(m), m->id);
    free(m);
    free(st);
    free(x);
    return 0;
}
