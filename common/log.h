/*
 * log — structured logging: one logfmt line per event on stderr.
 *
 *   ts=2026-11-26T14:57:22.123Z level=warn mod=kin event=commit_failed err=SV_ERR_TIMEOUT part=3
 *
 * The LOG_*() macros test the level before formatting anything. `mod` is the module (the role of
 * librdkafka's log facility); debug lines are emitted only for modules enabled with log_debug_set()
 * (config key log.debug, e.g. "kin,wire" or "all"). The wall-clock timestamp is metadata for humans
 * and never shapes an output. Message text follows git's rules: lower-case, no full stop.
 */
#ifndef SV_LOG_H
#define SV_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sv_err.h"

typedef enum log_level {
    LOG_LVL_ERROR = 0,
    LOG_LVL_WARN = 1,
    LOG_LVL_INFO = 2,
    LOG_LVL_DEBUG = 3,
} log_level_t;

extern log_level_t log_level_cur; /* read by the macros; set with log_level_set() */

/** @brief Set the level below which nothing is written. @locality main thread, at start-up */
void log_level_set(log_level_t lvl);

/**
 * @brief Parse "error", "warn", "info" or "debug".
 * @returns SV_OK, or SV_ERR_INVALID for any other text (*lvl untouched).
 */
sv_err_t log_level_parse(const char *s, log_level_t *lvl);

/** @brief The level's name ("warn"). */
const char *log_level_name(log_level_t lvl);

/**
 * @brief Enable debug lines for a comma-separated list of modules ("kin,wire"), "all", or "" (none).
 * @returns SV_OK, or SV_ERR_INVALID when the list is too long (more than 16 modules).
 * @locality main thread, at start-up
 */
sv_err_t log_debug_set(const char *csv);

/** @brief Whether debug lines of module `mod` are enabled (level debug and mod listed or "all"). */
bool log_debug_enabled(const char *mod);

/**
 * @brief Write one line: ts, level, mod, event, then the logfmt pairs produced by fmt.
 * Prefer the macros, which skip the formatting when the level is off.
 * @locality any thread (one write(2) per line)
 */
void log_write(log_level_t lvl, const char *mod, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @brief va_list variant of log_write(). */
void log_vwrite(log_level_t lvl, const char *mod, const char *event, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/**
 * @brief Quote a value for logfmt: returns `s` itself when it needs no quoting, else buf filled
 * with a double-quoted, escaped, possibly truncated copy.
 */
const char *log_quote(char *buf, size_t size, const char *s);

#define LOG_ERROR(mod, event, ...)                                                                 \
    do {                                                                                           \
        if (log_level_cur >= LOG_LVL_ERROR)                                                        \
            log_write(LOG_LVL_ERROR, mod, event, __VA_ARGS__);                                     \
    } while (0)
#define LOG_WARN(mod, event, ...)                                                                  \
    do {                                                                                           \
        if (log_level_cur >= LOG_LVL_WARN)                                                         \
            log_write(LOG_LVL_WARN, mod, event, __VA_ARGS__);                                      \
    } while (0)
#define LOG_INFO(mod, event, ...)                                                                  \
    do {                                                                                           \
        if (log_level_cur >= LOG_LVL_INFO)                                                         \
            log_write(LOG_LVL_INFO, mod, event, __VA_ARGS__);                                      \
    } while (0)
#define LOG_DEBUG(mod, event, ...)                                                                 \
    do {                                                                                           \
        if (log_level_cur >= LOG_LVL_DEBUG && log_debug_enabled(mod))                              \
            log_write(LOG_LVL_DEBUG, mod, event, __VA_ARGS__);                                     \
    } while (0)

#endif
