/*
 * why — the reasons that come with every score: short strings a user reads ("JARVIS trigger 2178
 * THE IMMORTAL (DIRECT) +3.50", "fibonacci: 8.0 is a Fibonacci number +0.30"). Scoring functions
 * take an `eng_why_t *` that may be NULL; with NULL they format nothing, so the engine's hot path
 * pays for reasons only when it explains (savant-score, signals).
 *
 * A list is a fixed buffer: no allocation. A reason that does not fit is dropped and counted.
 * Not thread-safe; one list per scoring call.
 */
#ifndef SV_ENG_WHY_H
#define SV_ENG_WHY_H

#include <stddef.h>
#include <stdint.h>

#define ENG_WHY_MAX 64       /* reasons one list holds */
#define ENG_WHY_TEXT 4096    /* bytes of text one list holds */

typedef struct eng_why {
    int n;                        /* reasons held */
    int dropped;                  /* reasons that did not fit */
    uint16_t off[ENG_WHY_MAX];    /* start of each reason in text */
    size_t len;                   /* bytes used in text */
    char text[ENG_WHY_TEXT];      /* NUL-separated reasons */
} eng_why_t;

/** @brief Empty the list. */
void eng_why_init(eng_why_t *why);

/** @brief Append one reason (printf format). A NULL list does nothing. */
void eng_why_add(eng_why_t *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Reason i (0 <= i < why->n). */
const char *eng_why_get(const eng_why_t *why, int i);

#endif
