/*
 * cfg — the config table and everything that walks it: the value parser and checks shared by
 * every source, the config-file reader, the environment mapping (SAVANT_<KEY> and the platform
 * variables), the precedence chain, --dump-config and the generated reference. All state is in
 * the caller's cfg_t; the tables here are constant. Loaders work on a copy and store it only on
 * success, so a failed load leaves the caller's struct as it was.
 */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sv_util.h"

#define CFG_KEY_MAX 64       /* longest key or env name the suggestion distance handles */
#define CFG_VALUE_MAX 4096   /* longest value text built from a platform variable */
#define CFG_SOURCE_MAX 4200  /* "PATH:LINE" and "env NAME" */
#define CFG_DEBUG_MODS_MAX 16 /* the limits of log_debug_set(): modules in log.debug */
#define CFG_DEBUG_MOD_LEN 23  /* and bytes per module name */
#define CFG_SUGGEST_DIST 3   /* suggest the nearest name when at most this many edits away */

static void cfg_errf(char *errstr, size_t errstr_size, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void cfg_errf(char *errstr, size_t errstr_size, const char *source, const char *fmt, ...)
{
    size_t o = 0;
    va_list ap;
    int n;

    if (!errstr || errstr_size == 0)
        return;
    errstr[0] = '\0';
    if (source) {
        n = snprintf(errstr, errstr_size, "%s: ", source);
        o = n < 0 ? 0 : (size_t)n;
        if (o >= errstr_size)
            return;
    }
    va_start(ap, fmt);
    vsnprintf(errstr + o, errstr_size - o, fmt, ap);
    va_end(ap);
}

/* ---- checks of string values beyond their length (the `check` column) ---- */

static sv_err_t cfg_check_topic_prefix(const char *v, char *why, size_t why_size)
{
    for (const char *c = v; *c; c++) {
        if (isalnum((unsigned char)*c) || *c == '.' || *c == '_' || *c == '-')
            continue;
        if ((unsigned char)*c < 0x80)
            snprintf(why, why_size, "invalid character '%c' in '%s' (allowed: A-Z a-z 0-9 . _ -)",
                     *c, v);
        else
            snprintf(why, why_size, "invalid byte \\x%02x in '%s' (allowed: A-Z a-z 0-9 . _ -)",
                     (unsigned char)*c, v);
        return SV_ERR_INVALID;
    }
    return SV_OK;
}

/* host:port, the host a name, an IPv4 address or a bracketed IPv6 address; port 0..65535. */
static sv_err_t cfg_check_listen(const char *v, char *why, size_t why_size)
{
    const char *colon = strrchr(v, ':');
    const char *port;
    size_t hostlen;
    long p = 0;

    if (!colon || colon == v || colon[1] == '\0')
        goto bad;
    hostlen = (size_t)(colon - v);
    if (v[0] == '[') {
        if (hostlen < 3 || v[hostlen - 1] != ']')
            goto bad;
    } else if (memchr(v, ':', hostlen)) {
        goto bad; /* an IPv6 host must be bracketed */
    }
    for (size_t i = 0; i < hostlen; i++)
        if (isspace((unsigned char)v[i]) || v[i] == '/')
            goto bad;
    port = colon + 1;
    for (const char *c = port; *c; c++) {
        if (!isdigit((unsigned char)*c))
            goto bad;
        if (p <= 65535)
            p = p * 10 + (*c - '0');
    }
    if (p > 65535) {
        snprintf(why, why_size, "port %s is out of range [0, 65535]", port);
        return SV_ERR_RANGE;
    }
    return SV_OK;
bad:
    snprintf(why, why_size, "expected host:port, got '%s'", v);
    return SV_ERR_INVALID;
}

/* "" or a comma list of module names within the limits of log_debug_set(). */
static sv_err_t cfg_check_debug_list(const char *v, char *why, size_t why_size)
{
    const char *p = v;
    int cnt = 0;

    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n > CFG_DEBUG_MOD_LEN) {
            snprintf(why, why_size, "%s module name in '%s'", n ? "too long a" : "empty", v);
            return SV_ERR_INVALID;
        }
        for (size_t i = 0; i < n; i++) {
            if (!isalnum((unsigned char)p[i]) && p[i] != '_' && p[i] != '-') {
                snprintf(why, why_size, "invalid character in module list '%s'", v);
                return SV_ERR_INVALID;
            }
        }
        if (++cnt > CFG_DEBUG_MODS_MAX) {
            snprintf(why, why_size, "more than %d modules in '%s'", CFG_DEBUG_MODS_MAX, v);
            return SV_ERR_RANGE;
        }
        p += n;
        if (*p == ',' && *++p == '\0') {
            snprintf(why, why_size, "empty module name in '%s'", v);
            return SV_ERR_INVALID;
        }
    }
    return SV_OK;
}

/* ---- the tables ---- */

static const cfg_def_t cfg_table[] = {
#define CFG_KEY(field, key, env_name, type, def, min, max, values, check, doc)                     \
    {key,                                                                                          \
     env_name,                                                                                     \
     CFG_T_##type,                                                                                 \
     offsetof(cfg_t, field),                                                                       \
     sizeof(((cfg_t *)0)->field),                                                                  \
     def,                                                                                          \
     (int64_t)(min),                                                                               \
     (int64_t)(max),                                                                               \
     (double)(min),                                                                                \
     (double)(max),                                                                                \
     values,                                                                                       \
     check,                                                                                        \
     doc},
#include "cfg_keys.def"
#undef CFG_KEY
};

/* Variables deploy platforms (Railway, Heroku, Render…) set; SAVANT_<KEY> wins over them. */
static const struct cfg_platform {
    const char *var;    /* the platform's variable */
    const char *key;    /* the key it sets */
    const char *prefix; /* put before its value */
    const char *doc;    /* for the reference */
} cfg_platform_env[] = {
    {"DATABASE_URL", "pg.dsn", "", "as is (a `postgresql://` URI)"},
    {"REDIS_URL", "redis.url", "", "as is"},
    {"KAFKA_BROKERS", "kafka.brokers", "", "as is"},
    {"PORT", "http.listen", "0.0.0.0:",
     "`0.0.0.0:$PORT`: the platform gives only a port, and its router reaches the process on any "
     "interface"},
};

/* SAVANT_* variables that are not config keys and are never reported as unknown. */
static const struct cfg_env_ignore {
    const char *name; /* the variable, or its prefix */
    bool prefix;      /* match every variable starting with name */
    const char *doc;  /* for the reference */
} cfg_env_ignored[] = {
    {"SAVANT_CONFIG", false, "the config file, when `-c` is not given"},
    {"SAVANT_ROOT", false, "source tree of the tests"},
    {"SAVANT_BIN_DIR", false, "binaries under test"},
    {"SAVANT_TEST_", true, "test-runner settings (`SAVANT_TEST_TIMEOUT_SCALE`…)"},
};

const cfg_def_t *cfg_defs(size_t *cntp)
{
    *cntp = SV_ARRAY_SIZE(cfg_table);
    return cfg_table;
}

static const cfg_def_t *cfg_def_findn(const char *key, size_t len)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++)
        if (strncmp(cfg_table[i].key, key, len) == 0 && cfg_table[i].key[len] == '\0')
            return &cfg_table[i];
    return NULL;
}

const cfg_def_t *cfg_def_find(const char *key)
{
    return cfg_def_findn(key, strlen(key));
}

/* Levenshtein distance, or SIZE_MAX when a string is too long to bother. */
static size_t cfg_distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b), row[CFG_KEY_MAX + 1];

    if (la > CFG_KEY_MAX || lb > CFG_KEY_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The key (by_env false) or env name (true) nearest to name, or NULL when none is near. */
static const char *cfg_suggest(const char *name, size_t len, bool by_env)
{
    const char *best = NULL;
    size_t best_d = CFG_SUGGEST_DIST + 1;

    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++) {
        const char *cand = by_env ? cfg_table[i].env_name : cfg_table[i].key;
        size_t d = cfg_distance(name, len, cand);
        if (d < best_d && d < len) {
            best_d = d;
            best = cand;
        }
    }
    return best;
}

/* ---- parsing one value ---- */

static sv_err_t cfg_parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < SV_ARRAY_SIZE(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return SV_OK;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return SV_OK;
        }
    }
    return SV_ERR_INVALID;
}

/* The index of v in "a|b|c" (case-insensitive), or -1. */
static int cfg_enum_index(const char *values, const char *v)
{
    size_t vlen = strlen(v);
    int idx = 0;

    for (const char *p = values;; idx++) {
        size_t n = strcspn(p, "|");
        if (n == vlen && strncasecmp(p, v, n) == 0)
            return idx;
        if (p[n] == '\0')
            return -1;
        p += n + 1;
    }
}

/* The name at index idx of "a|b|c" into buf ("?" when out of range). */
static const char *cfg_enum_name(const char *values, int idx, char *buf, size_t size)
{
    const char *p = values;

    for (int i = 0; i < idx && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    if (!p || idx < 0)
        return "?";
    snprintf(buf, size, "%.*s", (int)strcspn(p, "|"), p);
    return buf;
}

static sv_err_t cfg_parse_str(const cfg_def_t *def, char *field, const char *v, const char *source,
                              char *errstr, size_t errstr_size)
{
    size_t len = strlen(v);
    char why[512];
    sv_err_t err;

    for (const char *c = v; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            cfg_errf(errstr, errstr_size, source, "%s: control character \\x%02x in value",
                     def->key, (unsigned char)*c);
            return SV_ERR_INVALID;
        }
    }
    if (len > (size_t)def->max) {
        cfg_errf(errstr, errstr_size, source, "%s: value is %zu bytes long, more than %lld",
                 def->key, len, (long long)def->max);
        return SV_ERR_RANGE;
    }
    if (len < (size_t)def->min) {
        if (def->min == 1)
            cfg_errf(errstr, errstr_size, source, "%s: must not be empty", def->key);
        else
            cfg_errf(errstr, errstr_size, source, "%s: value is %zu bytes long, less than %lld",
                     def->key, len, (long long)def->min);
        return SV_ERR_RANGE;
    }
    if (def->check && (err = def->check(v, why, sizeof(why))) != SV_OK) {
        cfg_errf(errstr, errstr_size, source, "%s: %s", def->key, why);
        return err;
    }
    SV_ASSERT(len < def->size);
    memset(field, 0, def->size);
    memcpy(field, v, len);
    return SV_OK;
}

sv_err_t cfg_def_set(const cfg_def_t *def, void *base, const char *value, const char *source,
                     char *errstr, size_t errstr_size)
{
    char *field = (char *)base + def->offset;
    char *end;

    switch (def->type) {
    case CFG_T_STR:
        return cfg_parse_str(def, field, value, source, errstr, errstr_size);
    case CFG_T_INT: {
        long long n;
        errno = 0;
        n = strtoll(value, &end, 10);
        if (end == value || *end != '\0' || isspace((unsigned char)value[0])) {
            cfg_errf(errstr, errstr_size, source, "%s: expected an integer, got '%s'", def->key,
                     value);
            return SV_ERR_INVALID;
        }
        if (errno == ERANGE || n < def->min || n > def->max) {
            cfg_errf(errstr, errstr_size, source, "%s: %s is out of range [%lld, %lld]", def->key,
                     value, (long long)def->min, (long long)def->max);
            return SV_ERR_RANGE;
        }
        memcpy(field, &(int64_t){n}, sizeof(int64_t));
        return SV_OK;
    }
    case CFG_T_DBL: {
        double d;
        errno = 0;
        d = strtod(value, &end);
        if (end == value || *end != '\0' || isspace((unsigned char)value[0]) || isnan(d)) {
            cfg_errf(errstr, errstr_size, source, "%s: expected a number, got '%s'", def->key,
                     value);
            return SV_ERR_INVALID;
        }
        if (errno == ERANGE || !isfinite(d) || d < def->dmin || d > def->dmax) {
            cfg_errf(errstr, errstr_size, source, "%s: %s is out of range [%g, %g]", def->key,
                     value, def->dmin, def->dmax);
            return SV_ERR_RANGE;
        }
        memcpy(field, &d, sizeof(d));
        return SV_OK;
    }
    case CFG_T_BOOL: {
        bool b;
        if (cfg_parse_bool(value, &b) != SV_OK) {
            cfg_errf(errstr, errstr_size, source, "%s: expected true/false, got '%s'", def->key,
                     value);
            return SV_ERR_INVALID;
        }
        memcpy(field, &b, sizeof(b));
        return SV_OK;
    }
    case CFG_T_ENUM: {
        int idx = cfg_enum_index(def->values, value);
        if (idx < 0) {
            cfg_errf(errstr, errstr_size, source, "%s: expected one of %s, got '%s'", def->key,
                     def->values, value);
            return SV_ERR_INVALID;
        }
        memcpy(field, &idx, sizeof(idx));
        return SV_OK;
    }
    }
    SV_ASSERT(!"unknown cfg_type_t");
    return SV_ERR_FAIL;
}

static sv_err_t cfg_set_n(cfg_t *cfg, const char *key, size_t keylen, const char *value,
                          const char *source, char *errstr, size_t errstr_size)
{
    const cfg_def_t *def = cfg_def_findn(key, keylen);

    if (!def) {
        const char *near = cfg_suggest(key, keylen, false);
        if (near)
            cfg_errf(errstr, errstr_size, source,
                     "unknown config key '%.*s' (did you mean '%s'?)", (int)keylen, key, near);
        else
            cfg_errf(errstr, errstr_size, source, "unknown config key '%.*s'", (int)keylen, key);
        return SV_ERR_NOENT;
    }
    return cfg_def_set(def, cfg, value, source, errstr, errstr_size);
}

sv_err_t cfg_set(cfg_t *cfg, const char *key, const char *value, const char *source, char *errstr,
                 size_t errstr_size)
{
    return cfg_set_n(cfg, key, strlen(key), value, source, errstr, errstr_size);
}

void cfg_defaults(cfg_t *cfg)
{
    char errstr[256];

    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++) {
        sv_err_t err = cfg_def_set(&cfg_table[i], cfg, cfg_table[i].def, "default", errstr,
                                   sizeof(errstr));
        if (err != SV_OK)
            sv_assert_fail(errstr, __FILE__, __LINE__); /* a bad default is a bug in the table */
    }
}

/* Formats the value of def in the struct at base; returns what snprintf returns. */
static int cfg_def_format(const cfg_def_t *def, const void *base, char *buf, size_t size)
{
    const char *field = (const char *)base + def->offset;

    switch (def->type) {
    case CFG_T_STR:
        return snprintf(buf, size, "%s", field);
    case CFG_T_INT: {
        int64_t n;
        memcpy(&n, field, sizeof(n));
        return snprintf(buf, size, "%lld", (long long)n);
    }
    case CFG_T_DBL: {
        double d;
        memcpy(&d, field, sizeof(d));
        return snprintf(buf, size, "%.17g", d);
    }
    case CFG_T_BOOL: {
        bool b;
        memcpy(&b, field, sizeof(b));
        return snprintf(buf, size, "%s", b ? "true" : "false");
    }
    case CFG_T_ENUM: {
        char name[64];
        int idx;
        memcpy(&idx, field, sizeof(idx));
        return snprintf(buf, size, "%s", cfg_enum_name(def->values, idx, name, sizeof(name)));
    }
    }
    SV_ASSERT(!"unknown cfg_type_t");
    return 0;
}

sv_err_t cfg_get_str(const cfg_t *cfg, const char *key, char *buf, size_t size)
{
    const cfg_def_t *def = cfg_def_find(key);
    int n;

    if (!def) {
        if (size)
            buf[0] = '\0';
        return SV_ERR_NOENT;
    }
    n = cfg_def_format(def, cfg, buf, size);
    return n >= 0 && (size_t)n < size ? SV_OK : SV_ERR_TOOBIG;
}

/* ---- the config file ---- */

/*
 * Applies one line (trailing newline removed; modified in place). Comments are whole lines: a
 * '#' after a value is part of it, because URLs and DSNs may contain one.
 */
static sv_err_t cfg_file_line(cfg_t *cfg, char *line, const char *source, char *errstr,
                              size_t errstr_size)
{
    char *p = line, *key, *key_end, *value;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#')
        return SV_OK;
    key = p;
    while (*p && *p != '=' && *p != ' ' && *p != '\t')
        p++;
    key_end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (key_end == key || *p != '=') {
        cfg_errf(errstr, errstr_size, source, "expected 'key = value', got '%s'", key);
        return SV_ERR_CONFIG;
    }
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    value = p;
    if (*p == '"') {
        char *r = p + 1, *w = p;
        while (*r && *r != '"') {
            if (*r == '\\') {
                if (r[1] != '"' && r[1] != '\\') {
                    if (r[1] == '\0')
                        break;
                    cfg_errf(errstr, errstr_size, source,
                             "unknown escape '\\%c' in quoted value (only \\\" and \\\\)", r[1]);
                    return SV_ERR_CONFIG;
                }
                r++;
            }
            *w++ = *r++;
        }
        if (*r != '"') {
            cfg_errf(errstr, errstr_size, source, "unterminated quoted value");
            return SV_ERR_CONFIG;
        }
        r++;
        while (*r == ' ' || *r == '\t')
            r++;
        if (*r) {
            cfg_errf(errstr, errstr_size, source, "unexpected text after the closing quote: '%s'",
                     r);
            return SV_ERR_CONFIG;
        }
        *w = '\0';
    } else {
        char *e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        *e = '\0';
    }
    return cfg_set_n(cfg, key, (size_t)(key_end - key), value, source, errstr, errstr_size);
}

sv_err_t cfg_load_file(cfg_t *cfg, const char *path, char *errstr, size_t errstr_size)
{
    char source[CFG_SOURCE_MAX];
    cfg_t tmp = *cfg;
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    sv_err_t err = SV_OK;
    ssize_t n;
    FILE *fp;

    fp = fopen(path, "r");
    if (!fp) {
        cfg_errf(errstr, errstr_size, NULL, "cannot open config file '%s': %s", path,
                 strerror(errno));
        return SV_ERR_IO;
    }
    while ((n = getline(&line, &cap, fp)) >= 0) {
        size_t len = (size_t)n;
        lineno++;
        snprintf(source, sizeof(source), "%s:%u", path, lineno);
        if (strlen(line) != len) {
            cfg_errf(errstr, errstr_size, source, "NUL byte in line");
            err = SV_ERR_CONFIG;
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if ((err = cfg_file_line(&tmp, line, source, errstr, errstr_size)) != SV_OK)
            goto out;
    }
    if (ferror(fp)) {
        cfg_errf(errstr, errstr_size, NULL, "cannot read config file '%s': %s", path,
                 strerror(errno));
        err = SV_ERR_IO;
        goto out;
    }
    *cfg = tmp;
out:
    free(line);
    fclose(fp);
    return err;
}

/* ---- the environment ---- */

/* The value of the first NAME=value entry of envp, or NULL. */
static const char *cfg_env_get(char *const *envp, const char *name)
{
    size_t len = strlen(name);

    for (; envp && *envp; envp++)
        if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
            return *envp + len + 1;
    return NULL;
}

static bool cfg_env_is_ignored(const char *name, size_t len)
{
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_env_ignored); i++) {
        const struct cfg_env_ignore *ig = &cfg_env_ignored[i];
        size_t n = strlen(ig->name);
        if (ig->prefix ? len >= n && strncmp(name, ig->name, n) == 0
                       : len == n && strncmp(name, ig->name, n) == 0)
            return true;
    }
    return false;
}

/* Reports the first SAVANT_* variable that is neither a key nor ignored. */
static sv_err_t cfg_env_unknown(char *const *envp, char *errstr, size_t errstr_size)
{
    for (; envp && *envp; envp++) {
        const char *e = *envp;
        size_t len = strcspn(e, "=");
        bool known = false;
        char source[CFG_SOURCE_MAX];
        const char *near;

        if (strncmp(e, "SAVANT_", 7) != 0 || cfg_env_is_ignored(e, len))
            continue;
        for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table) && !known; i++)
            known = strlen(cfg_table[i].env_name) == len &&
                    strncmp(cfg_table[i].env_name, e, len) == 0;
        if (known)
            continue;
        snprintf(source, sizeof(source), "env %.*s", (int)len, e);
        near = cfg_suggest(e, len, true);
        if (near)
            cfg_errf(errstr, errstr_size, source,
                     "not a config variable (did you mean %s?)", near);
        else
            cfg_errf(errstr, errstr_size, source,
                     "not a config variable (SAVANT_<KEY> names a config key; see "
                     "docs/configuration.md)");
        return SV_ERR_NOENT;
    }
    return SV_OK;
}

sv_err_t cfg_load_env(cfg_t *cfg, char *const *envp, char *errstr, size_t errstr_size)
{
    char source[CFG_SOURCE_MAX];
    cfg_t tmp = *cfg;
    sv_err_t err;

    if ((err = cfg_env_unknown(envp, errstr, errstr_size)) != SV_OK)
        return err;
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_platform_env); i++) {
        const struct cfg_platform *pl = &cfg_platform_env[i];
        const char *v = cfg_env_get(envp, pl->var);
        char value[CFG_VALUE_MAX];
        int n;

        if (!v || !*v)
            continue;
        snprintf(source, sizeof(source), "env %s", pl->var);
        n = snprintf(value, sizeof(value), "%s%s", pl->prefix, v);
        if (n < 0 || (size_t)n >= sizeof(value)) {
            cfg_errf(errstr, errstr_size, source, "%s: value too long", pl->key);
            return SV_ERR_RANGE;
        }
        if ((err = cfg_set(&tmp, pl->key, value, source, errstr, errstr_size)) != SV_OK)
            return err;
    }
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++) {
        const char *v = cfg_env_get(envp, cfg_table[i].env_name);
        if (!v)
            continue;
        snprintf(source, sizeof(source), "env %s", cfg_table[i].env_name);
        if ((err = cfg_def_set(&cfg_table[i], &tmp, v, source, errstr, errstr_size)) != SV_OK)
            return err;
    }
    *cfg = tmp;
    return SV_OK;
}

sv_err_t cfg_load(cfg_t *cfg, const char *file_or_null, char *const *envp,
                  const char *const *overrides, size_t n_overrides, char *errstr,
                  size_t errstr_size)
{
    const char *file = file_or_null;
    cfg_t tmp;
    sv_err_t err;

    cfg_defaults(&tmp);
    if (!file) {
        file = cfg_env_get(envp, "SAVANT_CONFIG");
        if (file && !*file)
            file = NULL;
    }
    if (file && (err = cfg_load_file(&tmp, file, errstr, errstr_size)) != SV_OK)
        return err;
    if ((err = cfg_load_env(&tmp, envp, errstr, errstr_size)) != SV_OK)
        return err;
    for (size_t i = 0; i < n_overrides; i++) {
        const char *o = overrides[i], *eq = strchr(o, '=');
        if (!eq || eq == o) {
            cfg_errf(errstr, errstr_size, NULL, "-X '%s': expected key=value", o);
            return SV_ERR_USAGE;
        }
        if ((err = cfg_set_n(&tmp, o, (size_t)(eq - o), eq + 1, "-X", errstr, errstr_size)) !=
            SV_OK)
            return err;
    }
    *cfg = tmp;
    return SV_OK;
}

/* ---- output: dump, reference, default file ---- */

/* Writes v as a config-file value, double-quoted when it would not read back as it is. */
static void cfg_write_value(FILE *out, const char *v)
{
    bool quote = *v == '\0' || strpbrk(v, " \t\"\\#") != NULL;

    if (!quote) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            fputc('\\', out);
        fputc(*v, out);
    }
    fputc('"', out);
}

static int cfg_key_width(void)
{
    size_t w = 0;

    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++)
        if (strlen(cfg_table[i].key) > w)
            w = strlen(cfg_table[i].key);
    return (int)w;
}

static void cfg_write_line(FILE *out, const cfg_def_t *def, const void *base, int width)
{
    char buf[CFG_VALUE_MAX];

    cfg_def_format(def, base, buf, sizeof(buf));
    fprintf(out, "%-*s = ", width, def->key);
    cfg_write_value(out, buf);
    fputc('\n', out);
}

void cfg_dump(const cfg_t *cfg, FILE *out)
{
    int width = cfg_key_width();

    fputs("# effective Savant configuration (defaults < file < environment < -X)\n", out);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++)
        cfg_write_line(out, &cfg_table[i], cfg, width);
}

static const char *cfg_type_name(cfg_type_t type)
{
    switch (type) {
    case CFG_T_STR:
        return "string";
    case CFG_T_INT:
        return "int";
    case CFG_T_DBL:
        return "double";
    case CFG_T_BOOL:
        return "bool";
    case CFG_T_ENUM:
        return "enum";
    }
    return "?";
}

/* The allowed values of def as text: "100..60000", "at most 64 bytes", "error, warn". */
static void cfg_range_text(const cfg_def_t *def, char *buf, size_t size)
{
    size_t o = 0;

    switch (def->type) {
    case CFG_T_STR:
        if (def->min > 0)
            snprintf(buf, size, "%lld..%lld bytes", (long long)def->min, (long long)def->max);
        else
            snprintf(buf, size, "at most %lld bytes", (long long)def->max);
        return;
    case CFG_T_INT:
        snprintf(buf, size, "%lld..%lld", (long long)def->min, (long long)def->max);
        return;
    case CFG_T_DBL:
        snprintf(buf, size, "%g..%g", def->dmin, def->dmax);
        return;
    case CFG_T_BOOL:
        snprintf(buf, size, "true, false");
        return;
    case CFG_T_ENUM:
        for (const char *p = def->values; *p && o + 3 < size; p++) {
            if (*p == '|') {
                buf[o++] = ',';
                buf[o++] = ' ';
            } else {
                buf[o++] = *p;
            }
        }
        buf[o] = '\0';
        return;
    }
}

/* Writes s for a Markdown table cell ('|' escaped). */
static void cfg_md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

void cfg_doc_markdown(FILE *out)
{
    char range[256];

    fputs("<!-- generated by `make docs` from config/cfg_keys.def and config/cfg.c — do not "
          "edit -->\n"
          "# Configuration\n"
          "\n"
          "Every Savant binary reads the same configuration. The keys live in one table in the\n"
          "code (`config/cfg_keys.def`); this page, `config/savant.conf` and `--dump-config`\n"
          "are generated from it, and test 0207 fails when this page is out of date.\n"
          "\n"
          "## Where values come from\n"
          "\n"
          "Later sources win:\n"
          "\n"
          "1. the defaults (table below);\n"
          "2. the config file: `-c FILE`, else the file named by `SAVANT_CONFIG` when it is set\n"
          "   and not empty, else none;\n"
          "3. the platform variables `DATABASE_URL`, `REDIS_URL`, `KAFKA_BROKERS`, `PORT`;\n"
          "4. `SAVANT_<KEY>` environment variables;\n"
          "5. `-X key=value` on the command line, repeatable, applied in order.\n"
          "\n"
          "Every binary takes `-c FILE` (`--config`), `-X key=value` (`--set`) and\n"
          "`--dump-config`, which prints the effective values as a config file and exits with\n"
          "status 0. An unknown key, a value of the wrong type and a value out of range are\n"
          "errors naming the key and where the value came from (`FILE:LINE`, `env NAME` or\n"
          "`-X`), for example `-X: kafka.commit_interval_ms: 10 is out of range [100, 60000]`;\n"
          "the binary then exits with status 1, or 2 for a malformed `-X`.\n"
          "\n"
          "## Config file\n"
          "\n"
          "One `key = value` per line. Lines starting with `#` are comments; blank lines are\n"
          "ignored. A value runs to the end of the line, surrounding blanks removed; a `#`\n"
          "after a value is part of it (URLs and DSNs may contain one). To keep blanks or write\n"
          "an empty value, double-quote it; inside quotes `\\\"` is a quote and "
          "`\\\\` a backslash.\n"
          "A key set twice takes its last value. A malformed line or an unknown key is an error\n"
          "naming the file and line. `config/savant.conf` lists every key with its default.\n"
          "\n"
          "Booleans accept `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`; enum names and\n"
          "booleans are case-insensitive.\n"
          "\n"
          "## Environment\n"
          "\n"
          "Each key has a variable named `SAVANT_` + the key upper-cased, dots turned into\n"
          "underscores: `kafka.brokers` is `SAVANT_KAFKA_BROKERS`. An empty `SAVANT_*` value\n"
          "sets the key to the empty string.\n"
          "\n"
          "Deploy platforms (Railway, Heroku, Render…) inject their own variable names; these\n"
          "are read too, and ignored when empty. When both a platform variable and the\n"
          "`SAVANT_*` variable of the same key are set, the `SAVANT_*` variable wins.\n"
          "\n"
          "| variable | key | value |\n"
          "|---|---|---|\n",
          out);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_platform_env); i++)
        fprintf(out, "| `%s` | `%s` | %s |\n", cfg_platform_env[i].var, cfg_platform_env[i].key,
                cfg_platform_env[i].doc);
    fputs("\n"
          "A `SAVANT_*` variable that is not a key is an error (a misspelt variable must not\n"
          "be silently ignored; see `docs/decisions/0003-config-env.md`), except these, which\n"
          "are not config keys:\n"
          "\n",
          out);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_env_ignored); i++)
        fprintf(out, "- `%s%s`: %s\n", cfg_env_ignored[i].name,
                cfg_env_ignored[i].prefix ? "*" : "", cfg_env_ignored[i].doc);
    fputs("\n"
          "## Keys\n"
          "\n"
          "| key | type | default | range / values | env var | description |\n"
          "|---|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++) {
        const cfg_def_t *def = &cfg_table[i];
        fprintf(out, "| `%s` | %s | ", def->key, cfg_type_name(def->type));
        if (*def->def) {
            fputc('`', out);
            cfg_md_cell(out, def->def);
            fputc('`', out);
        } else {
            fputs("(empty)", out);
        }
        cfg_range_text(def, range, sizeof(range));
        fputs(" | ", out);
        cfg_md_cell(out, range);
        fprintf(out, " | `%s` | ", def->env_name);
        cfg_md_cell(out, def->doc);
        fputs(" |\n", out);
    }
}

void cfg_doc_conf(FILE *out)
{
    char range[256];
    cfg_t dflt;

    cfg_defaults(&dflt);
    fputs("# Savant configuration file: every key with its default value.\n"
          "# Generated by `make docs` from config/cfg_keys.def; do not edit this copy. Copy\n"
          "# it, change what you need and pass it with -c FILE (or SAVANT_CONFIG=FILE). Later\n"
          "# sources win:\n"
          "# defaults < this file < environment (platform variables, then SAVANT_<KEY>) < -X; see\n"
          "# docs/configuration.md. Format: `key = value`; lines starting with # are comments;\n"
          "# double-quote a value to keep blanks, with \\\" and \\\\ as the escapes.\n",
          out);
    for (size_t i = 0; i < SV_ARRAY_SIZE(cfg_table); i++) {
        const cfg_def_t *def = &cfg_table[i];
        cfg_range_text(def, range, sizeof(range));
        fprintf(out, "\n# %s\n# (%s: %s; env %s)\n", def->doc, cfg_type_name(def->type), range,
                def->env_name);
        cfg_write_line(out, def, &dflt, 0);
    }
}

bool cfg_sports_match(const char *list, const char *sport)
{
    const char *p = list;
    size_t slen = strlen(sport);

    while (*p) {
        size_t n = strcspn(p, ",");
        if (n > 0 && p[n - 1] == '*' ? slen >= n - 1 && strncmp(sport, p, n - 1) == 0
                                      : n == slen && strncmp(sport, p, n) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}
