/*
 * numerology — the numerology component of the esoteric engine (spec/original-scoring.md §3.2
 * Numerology, §1.1/§1.2 Pythagorean expression): universal day of the game date, the player's
 * Pythagorean name expression, life-path sync with the universal day, line numerology and master
 * digits in the matchup string, accumulated from raw = 0.5 and returned as min(1, raw) * 10.
 *
 * Pure functions, callable from any thread.
 *
 * Decisions (for docs/scoring.md):
 * - "now" is the game's commence time, UTC date (DESIGN.md §8 D1).
 * - Names: only ASCII letters count (case-insensitive); every other byte, including the bytes of
 *   UTF-8 accented letters, contributes 0 (the original's isalpha() letters outside a-z also
 *   count 0, so this only differs for exotic case mappings).
 * - Line numerology adds 0.5 * strength where strength is the value the original's helper
 *   returns, i.e. rounded to 2 dp (0.3 + 0.15 -> 0.45); "any hit" is strength > 0.
 * - The line is prop_line with context "player", or spread with context "spread" when prop_line
 *   is 0; the player bonus needs a non-empty player name; the master-digit bonus looks for the
 *   substrings "11", "22", "33" in game_str (NULL = none).
 * - Order of additions: name, life path, line, game_str (as listed in the spec).
 */
#ifndef SV_ENG_NUMEROLOGY_H
#define SV_ENG_NUMEROLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "why.h"

/** @brief Pythagorean sum of a name: letters a..z count ((c - 'a') mod 9) + 1, others 0. */
int eng_num_pythagorean_sum(const char *name);

/** @brief Expression number: dr*(eng_num_pythagorean_sum(name)) (TV1: "New York Yankees" 11). */
int eng_num_expression(const char *name);

/** @brief Universal day of a date: dr*(day + month + digit sum of the year). */
int eng_num_universal_day(int64_t day);

/** @brief Life path of a birth date: dr*(digit sum of YYYYMMDD). */
int eng_num_life_path(int64_t birth_day);

/**
 * @brief Line numerology strength (TV8): n = int(|x|), r = dr*(n); 0.3 if r is 11/22/33, + 0.2
 *        if r is 3/6/9, + 0.15 if n is 11, 22, …, 99, + 0.1 in spread context when 3 <= n <= 7;
 *        the sum rounded to 2 dp.
 */
double eng_num_line_strength(double x, bool spread_context);

/* Inputs of the numerology component. */
typedef struct eng_num_in {
    int64_t game_ms;      /* game commence time, ms since the epoch UTC */
    const char *player;   /* player name, NULL or "" for game picks */
    bool has_birth;       /* birth_day is known */
    int64_t birth_day;    /* player's birth date, day number */
    double prop_line;     /* candidate's prop_line (0 = none) */
    double spread;        /* candidate's spread */
    const char *game_str; /* matchup string (home + away [+ player]), may be NULL */
} eng_num_in_t;

/**
 * @brief The numerology component before its 0.40 weight.
 * @param in  inputs, borrowed
 * @param why reasons, may be NULL
 * @returns min(1, raw) * 10, in 5..10
 */
double eng_numerology(const eng_num_in_t *in, eng_why_t *why);

#endif
