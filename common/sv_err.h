/*
 * sv_err — the one error enum of Savant and its table.
 *
 * Every function that can fail returns sv_err_t. SV_OK is zero, local errors are negative, and
 * SV_AGAIN means "not yet, call again" (never logged as an error). The list below is an X-macro:
 * the enum, sv_err2name(), sv_err2str() and sv_err_is_retriable() are generated from it, so they
 * cannot drift. Library codes are converted at the module edge into one of these.
 */
#ifndef SV_ERR_H
#define SV_ERR_H

#include <stdbool.h>

/* X(name, value, retriable, description) */
#define SV_ERR_LIST(X)                                                             \
    X(SV_OK, 0, false, "success")                                                  \
    X(SV_AGAIN, 1, true, "not yet, call again")                                    \
    X(SV_ERR_FAIL, -1, false, "generic failure")                                   \
    X(SV_ERR_NOMEM, -2, true, "out of memory")                                     \
    X(SV_ERR_INVALID, -3, false, "invalid argument or value")                     \
    X(SV_ERR_DECODE, -4, false, "malformed message")                              \
    X(SV_ERR_SCHEMA, -5, false, "message violates its schema")                    \
    X(SV_ERR_RANGE, -6, false, "value out of range")                              \
    X(SV_ERR_TOOBIG, -7, false, "too large")                                      \
    X(SV_ERR_NOENT, -8, false, "no such entry")                                   \
    X(SV_ERR_EXISTS, -9, false, "already exists")                                 \
    X(SV_ERR_IO, -10, true, "input/output error")                                 \
    X(SV_ERR_TIMEOUT, -11, true, "timed out")                                     \
    X(SV_ERR_CONFIG, -12, false, "bad configuration")                             \
    X(SV_ERR_KAFKA, -13, true, "kafka error")                                     \
    X(SV_ERR_REDIS, -14, true, "redis error")                                     \
    X(SV_ERR_PG, -15, true, "postgresql error")                                   \
    X(SV_ERR_UNAVAILABLE, -16, true, "service unavailable")                       \
    X(SV_ERR_STALE, -17, false, "older than the state held")                      \
    X(SV_ERR_USAGE, -18, false, "bad usage")

typedef enum sv_err {
#define SV_ERR_ENUM_(name, value, retriable, desc) name = value,
    SV_ERR_LIST(SV_ERR_ENUM_)
#undef SV_ERR_ENUM_
} sv_err_t;

/**
 * @brief The enum constant's name, e.g. "SV_ERR_DECODE"; "SV_ERR_UNKNOWN" for a value not in the list.
 * @returns a static string. @locality any thread
 */
const char *sv_err2name(sv_err_t err);

/**
 * @brief A lower-case human description of the error, e.g. "malformed message".
 * @returns a static string. @locality any thread
 */
const char *sv_err2str(sv_err_t err);

/**
 * @brief Whether retrying the same operation later may succeed (SV_AGAIN, timeouts, I/O, services).
 * @locality any thread
 */
bool sv_err_is_retriable(sv_err_t err);

#endif
