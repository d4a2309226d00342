/*
 * harness — Savant's in-tree test harness.
 *
 * A test is `int test_NNNN_what(void)` written with T_BEGIN / T_END; the assertion macros print
 * both sides and jump to the `end:` label so cleanup runs. Tests are registered in tests/tests.def
 * (C functions with T(), shell scripts with S()); tests/run-tests.c runs them, each in its own
 * process, filtered by TESTS=, and ends with the line `N passed, N failed`.
 */
#ifndef SV_HARNESS_H
#define SV_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

/** @brief Print a failure line "file:line: message" (used by the macros). */
void t_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** @brief Path of a file relative to the source tree (SAVANT_ROOT), in a static buffer. */
const char *t_path(const char *rel);

/** @brief Directory of the binaries under test (SAVANT_BIN_DIR). */
const char *t_bin_dir(void);

#define T_BEGIN int t_rc_ = 0
#define T_END                                                                                      \
    goto end;                                                                                      \
    end:                                                                                           \
    return t_rc_

#define T_FAILF(...)                                                                               \
    do {                                                                                           \
        t_fail(__FILE__, __LINE__, __VA_ARGS__);                                                   \
        t_rc_ = 1;                                                                                 \
        goto end;                                                                                  \
    } while (0)

#define T_ASSERT(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            T_FAILF("assertion failed: %s", #cond);                                                \
    } while (0)

#define T_ASSERT_INT(a, op, b)                                                                     \
    do {                                                                                           \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                                    \
        if (!(t_a_ op t_b_))                                                                       \
            T_FAILF("%s %s %s: %lld vs %lld", #a, #op, #b, t_a_, t_b_);                            \
    } while (0)

#define T_ASSERT_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *t_a_ = (a), *t_b_ = (b);                                                       \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0)                                             \
            T_FAILF("%s == %s: \"%s\" vs \"%s\"", #a, #b, t_a_ ? t_a_ : "(null)",                  \
                    t_b_ ? t_b_ : "(null)");                                                       \
    } while (0)

/* Substring check, for error messages that must name a field. */
#define T_ASSERT_CONTAINS(hay, needle)                                                             \
    do {                                                                                           \
        const char *t_h_ = (hay), *t_n_ = (needle);                                                \
        if (!t_h_ || !strstr(t_h_, t_n_))                                                          \
            T_FAILF("%s contains %s: \"%s\" lacks \"%s\"", #hay, #needle,                          \
                    t_h_ ? t_h_ : "(null)", t_n_);                                                 \
    } while (0)

#define T_ASSERT_DBL(a, b, eps)                                                                    \
    do {                                                                                           \
        double t_a_ = (a), t_b_ = (b);                                                             \
        if (!(fabs(t_a_ - t_b_) <= (eps)))                                                         \
            T_FAILF("%s == %s within %g: %.17g vs %.17g", #a, #b, (double)(eps), t_a_, t_b_);      \
    } while (0)

#endif
