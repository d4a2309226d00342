/*
 * gematria — the letter sums of the original scoring (spec/original-scoring.md §1.1–1.2): the
 * Jarvis variant (lower-case, spaces removed, a=1 … z=26, everything else 0) with its reverse
 * ordinal, "jewish" (6·simple + length) and master-stop reductions, and the esoteric/founder
 * variant (upper-case, letters only, ord − 64).
 *
 * Decisions (the original is Python and works on Unicode strings; we work on UTF-8 bytes):
 *  - Only the ASCII letters A–Z/a–z carry a value, in both variants. Every other character
 *    (digits, punctuation, any non-ASCII letter) counts 0. The Jarvis variant of the original
 *    agrees except for the two code points whose Python lower() is ASCII (U+0130 'İ' -> "i̇",
 *    U+212A KELVIN SIGN -> 'k'), which we value 0. The upper-case variant of the original gives
 *    accented letters nonsense values (É -> 137, 'ß' upper-cases to "SS" = 38); we ignore them.
 *  - "jewish" uses the length in Unicode code points of the text with its ASCII spaces (' ')
 *    removed, as Python's len(text.lower().replace(" ", "")) does: every UTF-8 byte that is not a
 *    continuation byte (10xxxxxx) is one character, so "José" has length 4. Tabs and other
 *    white space count, as in the original. (Python's lower() can lengthen 'İ' to two code
 *    points; we count it once.)
 *  - Texts are NUL-terminated; NULL is treated as "". Sums are exact for texts shorter than
 *    about 80 MB (int range).
 *
 * Pure functions: no allocation, no global state, callable from any thread.
 */
#ifndef SV_ENG_GEMATRIA_H
#define SV_ENG_GEMATRIA_H

/* All ciphers of the Jarvis gematria (§1.2) of one text. */
typedef struct eng_gem {
    int simple;      /* English ordinal: Σ a=1 … z=26 */
    int reverse;     /* reverse ordinal: Σ a=26 … z=1 (= 27·letters − simple) */
    int jewish;      /* 6·simple + length without spaces (not a real Jewish cipher) */
    int red_simple;  /* dr*(simple): digit root with master stop 11/22/33 */
    int red_reverse; /* dr*(reverse) */
    int letters;     /* ASCII letters counted */
} eng_gem_t;

/**
 * @brief All Jarvis ciphers of a text (§1.1 first row, §1.2).
 * @param text NUL-terminated UTF-8, borrowed; NULL = ""
 * @param g    filled in
 * @locality any thread
 */
void eng_gem_calc(const char *text, eng_gem_t *g);

/**
 * @brief Jarvis simple (English ordinal) sum: lower-case, a=1 … z=26, all else 0. This is the
 *        only value the original tests for Jarvis triggers.
 * @returns the sum (0 for NULL or a text without ASCII letters)
 */
int eng_gem_simple(const char *text);

/**
 * @brief Esoteric/founder gematria (§1.1 second row): upper-case, spaces removed, letters only,
 *        value ord(c) − 64 (A=1 … Z=26). ASCII letters only (decision above), so for ASCII text
 *        this equals eng_gem_simple().
 */
int eng_gem_upper_ordinal(const char *text);

#endif
