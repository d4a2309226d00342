/*
 * cfg — Savant's configuration: one declarative table of keys (config/cfg_keys.def), the cfg_t
 * struct generated from it, and the loader that fills that struct from defaults < config file <
 * environment (platform variables, then SAVANT_*) < command-line `-X key=value`. Every value,
 * including the defaults, goes through one parser that checks its type and range and reports
 * errors through errstr naming the key and where the value came from. The same table drives
 * --dump-config, docs/configuration.md and config/savant.conf, so they cannot drift from the code.
 *
 * cfg_t holds no pointers and owns no heap memory: copy it with `=`, drop it without freeing.
 * Nothing here keeps global state, so every function may run on any thread as long as each cfg_t
 * is used by one thread at a time; binaries load it once on the main thread at start-up.
 */
#ifndef SV_CFG_H
#define SV_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sv_err.h"

/* Storage of each type in cfg_t. STR: NUL-terminated, zero-padded, at most `max` bytes. */
#define CFG_FIELD_STR(field, max) char field[(max) + 1];
#define CFG_FIELD_INT(field, max) int64_t field;
#define CFG_FIELD_DBL(field, max) double field;
#define CFG_FIELD_BOOL(field, max) bool field;
#define CFG_FIELD_ENUM(field, max) int field; /* index into the row's `values` */

/*
 * The effective configuration: one field per row of config/cfg_keys.def, named by the row's
 * `field` column and documented by its `doc` column (e.g. cfg->kafka_brokers, cfg->log_level).
 * log_level holds a log_level_t value (its names are listed in log_level_t order).
 */
typedef struct cfg {
#define CFG_KEY(field, key, env_name, type, def, min, max, values, check, doc)                     \
    CFG_FIELD_##type(field, max)
#include "cfg_keys.def"
#undef CFG_KEY
} cfg_t;

/* Value types of the table. */
typedef enum cfg_type {
    CFG_T_STR,  /* string with a length range */
    CFG_T_INT,  /* int64_t with a value range */
    CFG_T_DBL,  /* double with a value range */
    CFG_T_BOOL, /* true/false (also yes/no, on/off, 1/0) */
    CFG_T_ENUM, /* one of a list of names, stored as its index */
} cfg_type_t;

/* One row of the table (see config/cfg_keys.def for the meaning of each column). */
typedef struct cfg_def {
    const char *key;      /* "kafka.commit_interval_ms" */
    const char *env_name; /* "SAVANT_KAFKA_COMMIT_INTERVAL_MS" */
    cfg_type_t type;      /* how the value is parsed and stored */
    size_t offset;        /* of the field in the struct the row describes */
    size_t size;          /* of that field in bytes */
    const char *def;      /* default, as config-file text */
    int64_t min, max;     /* INT: value range; STR: length range in bytes */
    double dmin, dmax;    /* DBL: value range */
    const char *values;   /* ENUM: "a|b|c"; else NULL */
    sv_err_t (*check)(const char *value, char *why, size_t why_size); /* STR: extra rule or NULL */
    const char *doc;      /* one sentence for the reference */
} cfg_def_t;

/**
 * @brief The rows of the Savant table, in table order.
 * @param cntp set to the number of rows.
 * @returns a static array. @locality any thread
 */
const cfg_def_t *cfg_defs(size_t *cntp);

/**
 * @brief The row of `key`, or NULL when there is no such key. @locality any thread
 */
const cfg_def_t *cfg_def_find(const char *key);

/**
 * @brief Fill cfg with the defaults of the table (every field, so two defaulted structs compare
 * equal with memcmp). @locality any thread
 */
void cfg_defaults(cfg_t *cfg);

/**
 * @brief Parse `value` as the type of `def`, check it and store it into the struct at `base`.
 * This is cfg_set() without the key lookup; it works on any struct described by cfg_def_t rows.
 * @param source where the value came from ("conf/x.conf:3", "env SAVANT_LOG_LEVEL", "-X"),
 *        prefixed to the error text; NULL for none.
 * @returns SV_OK; SV_ERR_RANGE when a number is out of range or a string too long or too short;
 *          SV_ERR_INVALID when the text is not of the type or fails the row's check. On error the
 *          field is unchanged and errstr says "SOURCE: KEY: reason".
 * @locality any thread
 */
sv_err_t cfg_def_set(const cfg_def_t *def, void *base, const char *value, const char *source,
                     char *errstr, size_t errstr_size);

/**
 * @brief Set one key from its text, e.g. cfg_set(cfg, "log.level", "debug", "-X", ...).
 * @param source as for cfg_def_set(); borrowed, only used for the error text.
 * @returns as cfg_def_set(), or SV_ERR_NOENT for an unknown key ("unknown config key 'kafka.bruker'
 *          (did you mean 'kafka.brokers'?)"). On error *cfg is unchanged.
 * @locality any thread
 */
sv_err_t cfg_set(cfg_t *cfg, const char *key, const char *value, const char *source, char *errstr,
                 size_t errstr_size);

/**
 * @brief Apply a config file: `key = value` lines, `#` comment lines, blank lines; a value may be
 * double-quoted, with \" and \\ as the only escapes. Keys set more than once: the last wins.
 * @returns SV_OK; SV_ERR_IO when the file cannot be read; SV_ERR_CONFIG for a malformed line
 *          ("PATH:LINE: expected 'key = value', got '…'"); SV_ERR_NOENT for an unknown key and
 *          the errors of cfg_set(), each prefixed with "PATH:LINE: ". On error *cfg is
 *          unchanged.
 * @locality any thread
 */
sv_err_t cfg_load_file(cfg_t *cfg, const char *path, char *errstr, size_t errstr_size);

/**
 * @brief Apply the environment: first the platform variables (DATABASE_URL → pg.dsn,
 * REDIS_URL → redis.url, KAFKA_BROKERS → kafka.brokers, PORT → http.listen "0.0.0.0:$PORT";
 * ignored when empty), then SAVANT_<KEY> variables, which win. SAVANT_CONFIG, SAVANT_ROOT,
 * SAVANT_BIN_DIR and SAVANT_TEST_* are not config keys and are ignored; any other SAVANT_*
 * variable that is not a key is an error, so a misspelt variable cannot go unnoticed.
 * @param envp "NAME=value" strings ending with NULL, e.g. `environ`; borrowed; NULL for none.
 * @returns SV_OK, SV_ERR_NOENT for an unknown SAVANT_* variable, or the errors of cfg_set(); the
 *          error text starts with "env NAME: ". On error *cfg is unchanged.
 * @locality any thread
 */
sv_err_t cfg_load_env(cfg_t *cfg, char *const *envp, char *errstr, size_t errstr_size);

/**
 * @brief The whole chain: defaults, then the file (`file_or_null`, else $SAVANT_CONFIG from envp
 * when set and not empty, else none), then the environment, then the overrides.
 * @param overrides "key=value" strings from -X, applied in order (the last wins); borrowed.
 * @returns SV_OK; SV_ERR_USAGE for an override without '=' ("-X 'foo': expected key=value");
 *          otherwise the errors of cfg_load_file(), cfg_load_env() and cfg_set() (source "-X").
 *          On error *cfg is unchanged.
 * @locality any thread
 */
sv_err_t cfg_load(cfg_t *cfg, const char *file_or_null, char *const *envp,
                  const char *const *overrides, size_t n_overrides, char *errstr,
                  size_t errstr_size);

/**
 * @brief The value of `key` as config-file text (unquoted): strings as they are, integers in
 * decimal, doubles with 17 significant digits, bools as true/false, enums by name.
 * @returns SV_OK; SV_ERR_NOENT for an unknown key; SV_ERR_TOOBIG when buf is too small (buf then
 *          holds a truncated, NUL-terminated copy).
 * @locality any thread
 */
sv_err_t cfg_get_str(const cfg_t *cfg, const char *key, char *buf, size_t size);

/**
 * @brief Print every key as a `key = value` line, quoting values when needed, after a comment
 * line; cfg_load_file() reads the output back into an identical struct. @locality any thread
 */
void cfg_dump(const cfg_t *cfg, FILE *out);

/**
 * @brief Write the configuration reference in Markdown (docs/configuration.md, via `make docs`):
 * precedence, file format, environment naming, platform variables and one table row per key.
 * @locality any thread
 */
void cfg_doc_markdown(FILE *out);

/**
 * @brief Write the documented default config file (config/savant.conf, via `make docs`): every
 * key with its doc as a comment and its default value. @locality any thread
 */
void cfg_doc_conf(FILE *out);

/**
 * @brief Whether a comma list of sports in the form of `market.sports` names sport: an entry
 *        equal to it, or an entry ending in '*' that is a prefix of it ("soccer_*").
 * @locality any thread
 */
bool cfg_sports_match(const char *list, const char *sport);

#endif
