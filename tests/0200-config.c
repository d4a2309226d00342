/*
 * 0200–0209: the config module — the table, defaults, value parsing and its errors, the config
 * file, the environment, the precedence chain, --dump-config round trip, the generated docs and
 * default file being up to date, and the shared CLI options.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "harness.h"
#include "log.h"
#include "sv_err.h"
#include "sv_util.h"

int test_0200_cfg_table(void);
int test_0201_cfg_defaults(void);
int test_0202_cfg_types(void);
int test_0203_cfg_file(void);
int test_0204_cfg_env(void);
int test_0205_cfg_precedence(void);
int test_0206_cfg_dump(void);
int test_0207_cfg_docs(void);
int test_0208_cfg_conf_file(void);
int test_0209_cfg_cli(void);

/* An environment entry from a literal (the loader never writes to it). */
#define E(s) ((char *)(s))

/* cfg_set() without a source, its error text going to the test's `err` buffer. */
#define T_SET(cfg, key, value) cfg_set((cfg), (key), (value), NULL, err, sizeof(err))

/* A fresh temp dir for the files of one test; cleaned by t_rmdir(). */
static char *t_mkdir(char *buf, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, size, "%s/savant-cfg.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(buf);
}

/* Writes text to DIR/name and returns the path in buf. */
static const char *t_write(const char *dir, const char *name, const char *text, char *buf,
                           size_t size)
{
    FILE *fp;
    snprintf(buf, size, "%s/%s", dir, name);
    fp = fopen(buf, "w");
    if (!fp)
        return NULL;
    fputs(text, fp);
    fclose(fp);
    return buf;
}

static void t_rmdir(const char *dir)
{
    char cmd[512];
    if (!dir)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        /* a leftover temp dir is not a test failure */
    }
}

/* The first key whose value differs between a and b, or NULL when all are equal. */
static const char *t_cfg_diff(const cfg_t *a, const cfg_t *b)
{
    size_t n;
    const cfg_def_t *defs = cfg_defs(&n);
    for (size_t i = 0; i < n; i++) {
        char va[4096], vb[4096];
        cfg_get_str(a, defs[i].key, va, sizeof(va));
        cfg_get_str(b, defs[i].key, vb, sizeof(vb));
        if (strcmp(va, vb) != 0) {
            fprintf(stderr, "    %s: '%s' vs '%s'\n", defs[i].key, va, vb);
            return defs[i].key;
        }
    }
    return NULL;
}

/* Reads a whole file into a malloc'ed string (caller frees), or NULL. */
static char *t_slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = NULL;
    int c;

    if (!fp)
        return NULL;
    mem = open_memstream(&buf, &size);
    while ((c = fgetc(fp)) != EOF)
        fputc(c, mem);
    fclose(mem);
    fclose(fp);
    return buf;
}

/* Compares generated text with a file; on a difference prints where and the fix. */
static bool t_same_text(const char *gen, const char *file_text, const char *rel)
{
    size_t i = 0, line = 1;

    if (!file_text) {
        fprintf(stderr, "    %s is missing: run `make docs`\n", rel);
        return false;
    }
    while (gen[i] && gen[i] == file_text[i]) {
        if (gen[i] == '\n')
            line++;
        i++;
    }
    if (gen[i] == file_text[i])
        return true;
    fprintf(stderr,
            "    %s is out of date at line %zu (generated \"%.40s\", file \"%.40s\"): "
            "run `make docs`\n",
            rel, line, gen + i, file_text + i);
    return false;
}

int test_0200_cfg_table(void)
{
    size_t n;
    const cfg_def_t *defs = cfg_defs(&n);
    cfg_t cfg;
    T_BEGIN;
    T_ASSERT_INT(n, >=, 11);
    for (size_t i = 0; i < n; i++) {
        const cfg_def_t *d = &defs[i];
        char env[128];
        size_t o = (size_t)snprintf(env, sizeof(env), "SAVANT_");
        for (const char *k = d->key; *k; k++) {
            T_ASSERT((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.' ||
                     *k == '_');
            env[o++] = *k == '.' ? '_' : (char)(*k - (*k >= 'a' && *k <= 'z' ? 32 : 0));
        }
        env[o] = '\0';
        T_ASSERT_STR(d->env_name, env);
        T_ASSERT(cfg_def_find(d->key) == d);
        T_ASSERT(d->doc && *d->doc);
        T_ASSERT(d->def != NULL);
        T_ASSERT((d->type == CFG_T_ENUM) == (d->values != NULL));
        T_ASSERT(d->check == NULL || d->type == CFG_T_STR);
        if (d->type == CFG_T_STR)
            T_ASSERT_INT(d->size, ==, d->max + 1);
    }
    T_ASSERT(cfg_def_find("kafka.bruker") == NULL);
    /* log.level names its values in log_level_t order (cfg_cli_finish relies on it) */
    cfg_defaults(&cfg);
    for (int l = LOG_LVL_ERROR; l <= LOG_LVL_DEBUG; l++) {
        char err[256];
        T_ASSERT_INT(cfg_set(&cfg, "log.level", log_level_name((log_level_t)l), NULL, err,
                             sizeof(err)),
                     ==, SV_OK);
        T_ASSERT_INT(cfg.log_level, ==, l);
    }
    T_END;
}

int test_0201_cfg_defaults(void)
{
    cfg_t a, b;
    T_BEGIN;
    memset(&a, 0x5a, sizeof(a));
    cfg_defaults(&a);
    T_ASSERT_STR(a.kafka_brokers, "127.0.0.1:9092");
    T_ASSERT_STR(a.kafka_group, "savant-engine");
    T_ASSERT_STR(a.kafka_topic_prefix, "savant.");
    T_ASSERT(a.kafka_exactly_once == false);
    T_ASSERT_INT(a.kafka_commit_interval_ms, ==, 1000);
    T_ASSERT_STR(a.redis_url, "redis://127.0.0.1:6379/0");
    T_ASSERT_STR(a.pg_dsn, "host=127.0.0.1 port=5432 dbname=savant user=savant");
    T_ASSERT_STR(a.http_listen, "127.0.0.1:8080");
    T_ASSERT_STR(a.ai_model, "config/models/default.model");
    T_ASSERT_INT(a.log_level, ==, LOG_LVL_INFO);
    T_ASSERT_STR(a.log_debug, "");
    /* every byte is set, so defaulted structs compare equal whatever was there before */
    memset(&b, 0xa5, sizeof(b));
    cfg_defaults(&b);
    T_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
    T_END;
}

/* A struct of our own with a double row: no Savant key is a double yet. */
struct t_dbl {
    double ratio;
};

int test_0202_cfg_types(void)
{
    static const cfg_def_t dbl_def = {"t.ratio", "SAVANT_T_RATIO", CFG_T_DBL,
                                      offsetof(struct t_dbl, ratio), sizeof(double), "0.5", 0, 0,
                                      0.0, 1.0, NULL, NULL, "a ratio"};
    char err[512], buf[64], long_prefix[70];
    struct t_dbl td = {0.5};
    cfg_t cfg, before;
    T_BEGIN;
    cfg_defaults(&cfg);

    /* int */
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "250"), ==, SV_OK);
    T_ASSERT_INT(cfg.kafka_commit_interval_ms, ==, 250);
    before = cfg;
    T_ASSERT_INT(cfg_set(&cfg, "kafka.commit_interval_ms", "10", "-X", err, sizeof(err)), ==,
                 SV_ERR_RANGE);
    T_ASSERT_STR(err, "-X: kafka.commit_interval_ms: 10 is out of range [100, 60000]");
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "60001"), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "kafka.commit_interval_ms: 60001 is out of range [100, 60000]");
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "99999999999999999999"), ==, SV_ERR_RANGE);
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "abc"), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "kafka.commit_interval_ms: expected an integer, got 'abc'");
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "200ms"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", " 200"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", ""), ==, SV_ERR_INVALID);
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0); /* failures change nothing */

    /* bool */
    T_ASSERT_INT(cfg_set(&cfg, "kafka.exactly_once", "maybe", "-X", err, sizeof(err)), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err, "-X: kafka.exactly_once: expected true/false, got 'maybe'");
    T_ASSERT_INT(T_SET(&cfg, "kafka.exactly_once", "TRUE"), ==, SV_OK);
    T_ASSERT(cfg.kafka_exactly_once);
    T_ASSERT_INT(T_SET(&cfg, "kafka.exactly_once", "off"), ==, SV_OK);
    T_ASSERT(!cfg.kafka_exactly_once);
    T_ASSERT_INT(T_SET(&cfg, "kafka.exactly_once", "1"), ==, SV_OK);
    T_ASSERT(cfg.kafka_exactly_once);
    T_ASSERT_INT(T_SET(&cfg, "kafka.exactly_once", "no"), ==, SV_OK);
    T_ASSERT(!cfg.kafka_exactly_once);

    /* enum */
    T_ASSERT_INT(T_SET(&cfg, "log.level", "DEBUG"), ==, SV_OK);
    T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_DEBUG);
    T_ASSERT_INT(cfg_set(&cfg, "log.level", "loud", "env SAVANT_LOG_LEVEL", err, sizeof(err)), ==,
                 SV_ERR_INVALID);
    T_ASSERT_STR(err, "env SAVANT_LOG_LEVEL: log.level: expected one of error|warn|info|debug, "
                      "got 'loud'");
    T_ASSERT_INT(T_SET(&cfg, "log.level", ""), ==, SV_ERR_INVALID);
    T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_DEBUG);

    /* string: length, emptiness, control characters, the per-key checks */
    memset(long_prefix, 'p', 64);
    long_prefix[64] = '\0';
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", long_prefix), ==, SV_OK);
    T_ASSERT_STR(cfg.kafka_topic_prefix, long_prefix);
    long_prefix[64] = 'p';
    long_prefix[65] = '\0';
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", long_prefix), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "kafka.topic_prefix: value is 65 bytes long, more than 64");
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", "sav/ant."), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "kafka.topic_prefix: invalid character '/' in 'sav/ant.' "
                      "(allowed: A-Z a-z 0-9 . _ -)");
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", ""), ==, SV_OK);
    T_ASSERT_STR(cfg.kafka_topic_prefix, "");
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", "Prod_2-eu."), ==, SV_OK);
    T_ASSERT_INT(cfg_set(&cfg, "kafka.brokers", "", "-X", err, sizeof(err)), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "-X: kafka.brokers: must not be empty");
    T_ASSERT_INT(T_SET(&cfg, "pg.dsn", "host=a\nport=1"), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "pg.dsn: control character \\x0a in value");
    T_ASSERT_INT(T_SET(&cfg, "ai.model", ""), ==, SV_OK);

    /* http.listen */
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "0.0.0.0:0"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "[::1]:8080"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "localhost:65535"), ==, SV_OK);
    T_ASSERT_STR(cfg.http_listen, "localhost:65535");
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "8080"), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "http.listen: expected host:port, got '8080'");
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "web:65536"), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "http.listen: port 65536 is out of range [0, 65535]");
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "::1:80"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "web:8o"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "http.listen", "web:"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "http.listen", ":80"), ==, SV_ERR_INVALID);
    T_ASSERT_STR(cfg.http_listen, "localhost:65535");

    /* log.debug */
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin,wire"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "all"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin,,wire"), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "log.debug: empty module name in 'kin,,wire'");
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin,"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin wire"), ==, SV_ERR_INVALID);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "log.debug: more than 16 modules in 'a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q'");
    T_ASSERT_STR(cfg.log_debug, "all");

    /* unknown keys, with a suggestion when one is near */
    T_ASSERT_INT(cfg_set(&cfg, "kafka.bruker", "x:1", "-X", err, sizeof(err)), ==, SV_ERR_NOENT);
    T_ASSERT_STR(err, "-X: unknown config key 'kafka.bruker' (did you mean 'kafka.brokers'?)");
    T_ASSERT_INT(T_SET(&cfg, "zzz", "1"), ==, SV_ERR_NOENT);
    T_ASSERT_STR(err, "unknown config key 'zzz'");

    /* double, through a table of our own */
    T_ASSERT_INT(cfg_def_set(&dbl_def, &td, "0.25", NULL, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_DBL(td.ratio, 0.25, 0);
    T_ASSERT_INT(cfg_def_set(&dbl_def, &td, "1.5", "-X", err, sizeof(err)), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "-X: t.ratio: 1.5 is out of range [0, 1]");
    T_ASSERT_INT(cfg_def_set(&dbl_def, &td, "1e999", NULL, err, sizeof(err)), ==, SV_ERR_RANGE);
    T_ASSERT_INT(cfg_def_set(&dbl_def, &td, "nan", NULL, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "t.ratio: expected a number, got 'nan'");
    T_ASSERT_INT(cfg_def_set(&dbl_def, &td, "0.5x", NULL, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_DBL(td.ratio, 0.25, 0);

    /* generic read access */
    T_ASSERT_INT(cfg_get_str(&cfg, "kafka.commit_interval_ms", buf, sizeof(buf)), ==, SV_OK);
    T_ASSERT_STR(buf, "250");
    T_ASSERT_INT(cfg_get_str(&cfg, "log.level", buf, sizeof(buf)), ==, SV_OK);
    T_ASSERT_STR(buf, "debug");
    T_ASSERT_INT(cfg_get_str(&cfg, "kafka.exactly_once", buf, sizeof(buf)), ==, SV_OK);
    T_ASSERT_STR(buf, "false");
    T_ASSERT_INT(cfg_get_str(&cfg, "kafka.topic_prefix", buf, sizeof(buf)), ==, SV_OK);
    T_ASSERT_STR(buf, "Prod_2-eu.");
    T_ASSERT_INT(cfg_get_str(&cfg, "kafka.topic_prefix", buf, 4), ==, SV_ERR_TOOBIG);
    T_ASSERT_STR(buf, "Pro");
    T_ASSERT_INT(cfg_get_str(&cfg, "kafka.bruker", buf, sizeof(buf)), ==, SV_ERR_NOENT);
    T_END;
}

int test_0203_cfg_file(void)
{
    char dir[256], path[512], err[1024], expect[1024];
    cfg_t cfg, before;
    T_BEGIN;
    T_ASSERT(t_mkdir(dir, sizeof(dir)) != NULL);
    cfg_defaults(&cfg);
    T_ASSERT(t_write(dir, "good.conf",
                     "# a comment\n"
                     "\n"
                     "   # an indented comment\n"
                     "kafka.brokers = b1:9092,b2:9092\n"
                     "kafka.group=g1   \t\n"
                     "pg.dsn = \"host=db port=5433 dbname=\\\"x\\\" password=a\\\\b\"  \n"
                     "redis.url = redis://:p#ss@r:6379/1\n"
                     "ai.model = \"\"\n"
                     "kafka.exactly_once = yes\r\n"
                     "\tlog.level   =   DEBUG\n"
                     "kafka.commit_interval_ms = 250\n"
                     "kafka.group = g2\n"
                     "log.debug =\n"
                     "kafka.topic_prefix = \"pre.\"",
                     path, sizeof(path)) != NULL);
    T_ASSERT_INT(T_SET(&cfg, "ai.model", "/m.bin"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin"), ==, SV_OK);
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_STR(cfg.kafka_brokers, "b1:9092,b2:9092");
    T_ASSERT_STR(cfg.kafka_group, "g2"); /* the last one wins */
    T_ASSERT_STR(cfg.pg_dsn, "host=db port=5433 dbname=\"x\" password=a\\b");
    T_ASSERT_STR(cfg.redis_url, "redis://:p#ss@r:6379/1");
    T_ASSERT_STR(cfg.ai_model, "");
    T_ASSERT(cfg.kafka_exactly_once);
    T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_DEBUG);
    T_ASSERT_INT(cfg.kafka_commit_interval_ms, ==, 250);
    T_ASSERT_STR(cfg.log_debug, "");
    T_ASSERT_STR(cfg.kafka_topic_prefix, "pre.");
    T_ASSERT_STR(cfg.http_listen, "127.0.0.1:8080"); /* untouched */

    /* errors name the file and line; a failed load changes nothing */
    before = cfg;
    T_ASSERT(t_write(dir, "bad.conf", "# ok\nkafka.group = changed\nkafka.brokers 127.0.0.1\n",
                     path, sizeof(path)) != NULL);
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    snprintf(expect, sizeof(expect), "%s:3: expected 'key = value', got 'kafka.brokers 127.0.0.1'",
             path);
    T_ASSERT_STR(err, expect);
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);

    T_ASSERT(t_write(dir, "unknown.conf", "\nkafka.bruker = x:1\n", path, sizeof(path)) != NULL);
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_NOENT);
    snprintf(expect, sizeof(expect),
             "%s:2: unknown config key 'kafka.bruker' (did you mean 'kafka.brokers'?)", path);
    T_ASSERT_STR(err, expect);

    T_ASSERT(t_write(dir, "range.conf", "kafka.commit_interval_ms = 10\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_RANGE);
    snprintf(expect, sizeof(expect),
             "%s:1: kafka.commit_interval_ms: 10 is out of range [100, 60000]", path);
    T_ASSERT_STR(err, expect);

    T_ASSERT(t_write(dir, "bool.conf", "kafka.exactly_once = \"maybe\"\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_INVALID);
    snprintf(expect, sizeof(expect), "%s:1: kafka.exactly_once: expected true/false, got 'maybe'",
             path);
    T_ASSERT_STR(err, expect);

    T_ASSERT(t_write(dir, "q1.conf", "pg.dsn = \"abc\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "q1.conf:1: unterminated quoted value");
    T_ASSERT(t_write(dir, "q2.conf", "pg.dsn = \"abc\\\"\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "q2.conf:1: unterminated quoted value");
    T_ASSERT(t_write(dir, "q3.conf", "\n\npg.dsn = \"a\\nb\"\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "q3.conf:3: unknown escape '\\n' in quoted value");
    T_ASSERT(t_write(dir, "q4.conf", "pg.dsn = \"a\" # comment\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "q4.conf:1: unexpected text after the closing quote: '# comment'");
    T_ASSERT(t_write(dir, "q5.conf", "= x\n", path, sizeof(path)));
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "q5.conf:1: expected 'key = value', got '= x'");
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);

    snprintf(path, sizeof(path), "%s/missing.conf", dir);
    T_ASSERT_INT(cfg_load_file(&cfg, path, err, sizeof(err)), ==, SV_ERR_IO);
    snprintf(expect, sizeof(expect), "cannot open config file '%s': No such file or directory",
             path);
    T_ASSERT_STR(err, expect);
    goto end;
end:
    t_rmdir(dir);
    return t_rc_;
}

int test_0204_cfg_env(void)
{
    char err[1024];
    cfg_t cfg, before;
    char *env_keys[] = {E("HOME=/root"),
                        E("SAVANT_KAFKA_BROKERS=k1:9092"),
                        E("SAVANT_KAFKA_GROUP=grp"),
                        E("SAVANT_KAFKA_TOPIC_PREFIX=t."),
                        E("SAVANT_KAFKA_EXACTLY_ONCE=true"),
                        E("SAVANT_KAFKA_COMMIT_INTERVAL_MS=5000"),
                        E("SAVANT_REDIS_URL=redis://r:1/2"),
                        E("SAVANT_PG_DSN=host=p"),
                        E("SAVANT_HTTP_LISTEN=[::]:81"),
                        E("SAVANT_AI_MODEL=/models/lstm-3.bin"),
                        E("SAVANT_LOG_LEVEL=warn"),
                        E("SAVANT_LOG_DEBUG=kin"),
                        E("SAVANT_CONFIG=/nonexistent.conf"),
                        E("SAVANT_ROOT=/src"),
                        E("SAVANT_BIN_DIR=/src/bin"),
                        E("SAVANT_TEST_TIMEOUT_SCALE=2"),
                        E("SAVANT_TEST_NOFORK=0"),
                        E("NOEQUALSIGN"),
                        NULL};
    char *env_platform[] = {E("DATABASE_URL=postgresql://u@db/savant"),
                            E("REDIS_URL=redis://rr:6380/0"), E("KAFKA_BROKERS=kb:9093"),
                            E("PORT=9000"), NULL};
    char *env_both[] = {E("PORT=9000"), E("SAVANT_HTTP_LISTEN=127.0.0.1:81"), E("REDIS_URL="),
                        E("SAVANT_AI_MODEL="), NULL};
    char *env_typo[] = {E("SAVANT_ROOT=/src"), E("SAVANT_KAFKA_BRUKERS=x:1"), NULL};
    char *env_stray[] = {E("SAVANT_WHATEVER=1"), NULL};
    char *env_badport[] = {E("PORT=http"), NULL};
    char *env_bigport[] = {E("PORT=70000"), NULL};
    char *env_badbool[] = {E("SAVANT_KAFKA_EXACTLY_ONCE=maybe"), NULL};
    T_BEGIN;
    cfg_defaults(&cfg);
    T_ASSERT_INT(cfg_load_env(&cfg, env_keys, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_STR(cfg.kafka_brokers, "k1:9092");
    T_ASSERT_STR(cfg.kafka_group, "grp");
    T_ASSERT_STR(cfg.kafka_topic_prefix, "t.");
    T_ASSERT(cfg.kafka_exactly_once);
    T_ASSERT_INT(cfg.kafka_commit_interval_ms, ==, 5000);
    T_ASSERT_STR(cfg.redis_url, "redis://r:1/2");
    T_ASSERT_STR(cfg.pg_dsn, "host=p");
    T_ASSERT_STR(cfg.http_listen, "[::]:81");
    T_ASSERT_STR(cfg.ai_model, "/models/lstm-3.bin");
    T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_WARN);
    T_ASSERT_STR(cfg.log_debug, "kin");

    cfg_defaults(&cfg);
    T_ASSERT_INT(cfg_load_env(&cfg, env_platform, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_STR(cfg.pg_dsn, "postgresql://u@db/savant");
    T_ASSERT_STR(cfg.redis_url, "redis://rr:6380/0");
    T_ASSERT_STR(cfg.kafka_brokers, "kb:9093");
    T_ASSERT_STR(cfg.http_listen, "0.0.0.0:9000");

    /* SAVANT_* wins over the platform variable; an empty platform variable is ignored, an
     * empty SAVANT_* variable sets the empty string */
    cfg_defaults(&cfg);
    T_ASSERT_INT(T_SET(&cfg, "ai.model", "/m"), ==, SV_OK);
    T_ASSERT_INT(cfg_load_env(&cfg, env_both, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_STR(cfg.http_listen, "127.0.0.1:81");
    T_ASSERT_STR(cfg.redis_url, "redis://127.0.0.1:6379/0");
    T_ASSERT_STR(cfg.ai_model, "");

    /* errors name the variable; a failed load changes nothing */
    before = cfg;
    T_ASSERT_INT(cfg_load_env(&cfg, env_typo, err, sizeof(err)), ==, SV_ERR_NOENT);
    T_ASSERT_STR(err, "env SAVANT_KAFKA_BRUKERS: not a config variable "
                      "(did you mean SAVANT_KAFKA_BROKERS?)");
    T_ASSERT_INT(cfg_load_env(&cfg, env_stray, err, sizeof(err)), ==, SV_ERR_NOENT);
    T_ASSERT_CONTAINS(err, "env SAVANT_WHATEVER: not a config variable");
    T_ASSERT_INT(cfg_load_env(&cfg, env_badport, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "env PORT: http.listen: expected host:port, got '0.0.0.0:http'");
    T_ASSERT_INT(cfg_load_env(&cfg, env_bigport, err, sizeof(err)), ==, SV_ERR_RANGE);
    T_ASSERT_STR(err, "env PORT: http.listen: port 70000 is out of range [0, 65535]");
    T_ASSERT_INT(cfg_load_env(&cfg, env_badbool, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_STR(err, "env SAVANT_KAFKA_EXACTLY_ONCE: kafka.exactly_once: expected true/false, "
                      "got 'maybe'");
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);

    T_ASSERT_INT(cfg_load_env(&cfg, NULL, err, sizeof(err)), ==, SV_OK);
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);
    T_END;
}

int test_0205_cfg_precedence(void)
{
    char dir[256], path[512], missing[512], err[1024], expect[1024];
    cfg_t cfg, before;
    T_BEGIN;
    T_ASSERT(t_mkdir(dir, sizeof(dir)) != NULL);
    T_ASSERT(t_write(dir, "p.conf",
                     "kafka.brokers = file:9092\n"
                     "kafka.group = file-group\n"
                     "redis.url = redis://file:1/0\n"
                     "pg.dsn = host=file\n"
                     "http.listen = file:1\n"
                     "log.level = error\n"
                     "kafka.commit_interval_ms = 200\n"
                     "ai.model = /file/model\n",
                     path, sizeof(path)));
    snprintf(missing, sizeof(missing), "%s/missing.conf", dir);
    {
        char env_cfg[600];
        char *envp[] = {E("KAFKA_BROKERS=platform:9092"),
                        E("SAVANT_KAFKA_BROKERS=savant:9092"),
                        E("DATABASE_URL=postgresql://platform/db"),
                        E("REDIS_URL=redis://platform:2/0"),
                        E("SAVANT_REDIS_URL=redis://savant:3/0"),
                        E("PORT=9000"),
                        E("SAVANT_LOG_LEVEL=warn"),
                        E("SAVANT_KAFKA_COMMIT_INTERVAL_MS=300"),
                        env_cfg,
                        NULL};
        const char *xs[] = {"kafka.brokers=x:1", "log.level=info", "log.level=debug",
                            "pg.dsn=host=x port=1"};
        const char *bad_eq[] = {"kafka.brokers"};
        const char *bad_key[] = {"kafka.bruker=x:1"};
        const char *bad_range[] = {"kafka.group=g", "kafka.commit_interval_ms=10"};

        /* SAVANT_CONFIG names a missing file: used only when no file is given */
        snprintf(env_cfg, sizeof(env_cfg), "SAVANT_CONFIG=%s", missing);
        cfg_defaults(&cfg);
        T_ASSERT_INT(cfg_load(&cfg, path, envp, xs, 3, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_STR(cfg.kafka_brokers, "x:1");                     /* -X */
        T_ASSERT_STR(cfg.kafka_group, "file-group");                /* file */
        T_ASSERT_STR(cfg.redis_url, "redis://savant:3/0");          /* SAVANT_* > platform */
        T_ASSERT_STR(cfg.pg_dsn, "postgresql://platform/db");       /* platform > file */
        T_ASSERT_STR(cfg.http_listen, "0.0.0.0:9000");              /* PORT > file */
        T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_DEBUG);             /* last -X */
        T_ASSERT_INT(cfg.kafka_commit_interval_ms, ==, 300);        /* SAVANT_* > file */
        T_ASSERT_STR(cfg.ai_model, "/file/model");                  /* file */
        T_ASSERT_STR(cfg.kafka_topic_prefix, "savant.");            /* default */
        T_ASSERT(!cfg.kafka_exactly_once);                          /* default */

        /* a value may contain '=' */
        T_ASSERT_INT(cfg_load(&cfg, path, envp, xs + 3, 1, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_STR(cfg.pg_dsn, "host=x port=1");

        /* no -c: SAVANT_CONFIG is read, and here it is missing */
        before = cfg;
        T_ASSERT_INT(cfg_load(&cfg, NULL, envp, NULL, 0, err, sizeof(err)), ==, SV_ERR_IO);
        snprintf(expect, sizeof(expect), "cannot open config file '%s'", missing);
        T_ASSERT_CONTAINS(err, expect);
        snprintf(env_cfg, sizeof(env_cfg), "SAVANT_CONFIG=%s", path);
        T_ASSERT_INT(cfg_load(&cfg, NULL, envp, NULL, 0, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_STR(cfg.kafka_group, "file-group");
        snprintf(env_cfg, sizeof(env_cfg), "SAVANT_CONFIG=");
        T_ASSERT_INT(cfg_load(&cfg, NULL, envp, NULL, 0, err, sizeof(err)), ==, SV_OK);
        T_ASSERT_STR(cfg.kafka_group, "savant-engine");

        /* -X errors; a failed load changes nothing */
        before = cfg;
        T_ASSERT_INT(cfg_load(&cfg, path, envp, bad_eq, 1, err, sizeof(err)), ==, SV_ERR_USAGE);
        T_ASSERT_STR(err, "-X 'kafka.brokers': expected key=value");
        T_ASSERT_INT(cfg_load(&cfg, path, envp, bad_key, 1, err, sizeof(err)), ==, SV_ERR_NOENT);
        T_ASSERT_STR(err, "-X: unknown config key 'kafka.bruker' (did you mean 'kafka.brokers'?)");
        T_ASSERT_INT(cfg_load(&cfg, path, envp, bad_range, 2, err, sizeof(err)), ==, SV_ERR_RANGE);
        T_ASSERT_STR(err, "-X: kafka.commit_interval_ms: 10 is out of range [100, 60000]");
        T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);
    }
    /* no file, no environment, no overrides: the defaults */
    cfg_load(&cfg, NULL, NULL, NULL, 0, err, sizeof(err));
    cfg_defaults(&before);
    T_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);
    goto end;
end:
    t_rmdir(dir);
    return t_rc_;
}

int test_0206_cfg_dump(void)
{
    char dir[256], path[512], err[1024];
    char *text = NULL;
    size_t size = 0;
    cfg_t cfg, back;
    FILE *mem = NULL;
    T_BEGIN;
    T_ASSERT(t_mkdir(dir, sizeof(dir)) != NULL);
    cfg_defaults(&cfg);
    T_ASSERT_INT(T_SET(&cfg, "pg.dsn", "host=db password='a b' x=\"q\" y=c:\\d #1"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "kafka.group", " lead and trail "), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "kafka.topic_prefix", ""), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "ai.model", "\"quoted\""), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "kafka.exactly_once", "yes"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "kafka.commit_interval_ms", "60000"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "log.level", "Error"), ==, SV_OK);
    T_ASSERT_INT(T_SET(&cfg, "log.debug", "kin,wire"), ==, SV_OK);

    mem = open_memstream(&text, &size);
    cfg_dump(&cfg, mem);
    fclose(mem);
    T_ASSERT_CONTAINS(text, "\npg.dsn                   = "
                            "\"host=db password='a b' x=\\\"q\\\" y=c:\\\\d #1\"\n");
    T_ASSERT_CONTAINS(text, "\nkafka.group              = \" lead and trail \"\n");
    T_ASSERT_CONTAINS(text, "\nkafka.topic_prefix       = \"\"\n");
    T_ASSERT_CONTAINS(text, "\nkafka.exactly_once       = true\n");
    T_ASSERT_CONTAINS(text, "\nlog.level                = error\n");
    T_ASSERT_CONTAINS(text, "\nkafka.brokers            = 127.0.0.1:9092\n");
    T_ASSERT(t_write(dir, "dump.conf", text, path, sizeof(path)));

    /* read back over a struct holding other values: every key is restored */
    cfg_defaults(&back);
    T_ASSERT_INT(T_SET(&back, "kafka.topic_prefix", "other."), ==, SV_OK);
    T_ASSERT_INT(cfg_load_file(&back, path, err, sizeof(err)), ==, SV_OK);
    T_ASSERT(t_cfg_diff(&cfg, &back) == NULL);
    T_ASSERT(memcmp(&cfg, &back, sizeof(cfg)) == 0);

    /* and the defaults too */
    free(text);
    text = NULL;
    cfg_defaults(&cfg);
    mem = open_memstream(&text, &size);
    cfg_dump(&cfg, mem);
    fclose(mem);
    T_ASSERT(t_write(dir, "dump2.conf", text, path, sizeof(path)));
    memset(&back, 0, sizeof(back));
    cfg_defaults(&back);
    T_ASSERT_INT(T_SET(&back, "log.level", "debug"), ==, SV_OK);
    T_ASSERT_INT(cfg_load_file(&back, path, err, sizeof(err)), ==, SV_OK);
    T_ASSERT(t_cfg_diff(&cfg, &back) == NULL);
    T_ASSERT(memcmp(&cfg, &back, sizeof(cfg)) == 0);
    goto end;
end:
    free(text);
    t_rmdir(dir);
    return t_rc_;
}

int test_0207_cfg_docs(void)
{
    char *gen = NULL, *file = NULL;
    size_t size = 0;
    FILE *mem = NULL;
    T_BEGIN;
    mem = open_memstream(&gen, &size);
    cfg_doc_markdown(mem);
    fclose(mem);
    file = t_slurp(t_path("docs/configuration.md"));
    T_ASSERT(t_same_text(gen, file, "docs/configuration.md"));
    T_ASSERT_CONTAINS(gen, "generated by `make docs`");
    T_ASSERT_CONTAINS(gen, "do not edit");
    T_ASSERT_CONTAINS(gen, "| `kafka.commit_interval_ms` | int | `1000` | 100..60000 | "
                           "`SAVANT_KAFKA_COMMIT_INTERVAL_MS` |");
    T_ASSERT_CONTAINS(gen, "| `log.level` | enum | `info` | error, warn, info, debug |");
    T_ASSERT_CONTAINS(gen, "| `PORT` | `http.listen` | `0.0.0.0:$PORT`");
    free(gen);
    free(file);
    gen = file = NULL;
    mem = open_memstream(&gen, &size);
    cfg_doc_conf(mem);
    fclose(mem);
    file = t_slurp(t_path("config/savant.conf"));
    T_ASSERT(t_same_text(gen, file, "config/savant.conf"));
    goto end;
end:
    free(gen);
    free(file);
    return t_rc_;
}

int test_0208_cfg_conf_file(void)
{
    char err[1024], *text = NULL;
    cfg_t cfg, dflt;
    size_t n;
    const cfg_def_t *defs = cfg_defs(&n);
    T_BEGIN;
    cfg_defaults(&dflt);
    cfg_defaults(&cfg);
    T_ASSERT_INT(T_SET(&cfg, "log.level", "debug"), ==, SV_OK);
    T_ASSERT_INT(cfg_load_file(&cfg, t_path("config/savant.conf"), err, sizeof(err)), ==, SV_OK);
    T_ASSERT(t_cfg_diff(&cfg, &dflt) == NULL);
    T_ASSERT(memcmp(&cfg, &dflt, sizeof(cfg)) == 0);
    /* every key is set there, each after its documentation */
    text = t_slurp(t_path("config/savant.conf"));
    T_ASSERT(text != NULL);
    for (size_t i = 0; i < n; i++) {
        char line[128];
        snprintf(line, sizeof(line), ")\n%s = ", defs[i].key);
        T_ASSERT_CONTAINS(text, line);
        T_ASSERT_CONTAINS(text, defs[i].doc);
    }
    goto end;
end:
    free(text);
    return t_rc_;
}

int test_0209_cfg_cli(void)
{
    char dir[256], path[512], err[1024], *text = NULL;
    size_t size = 0;
    const char *xs[CFG_CLI_OVERRIDES_MAX + 1];
    static const struct option longopts[] = {CFG_CLI_LONGOPTS,
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};
    char *envp[] = {E("SAVANT_KAFKA_GROUP=env-group"), NULL};
    cfg_cli_t cli;
    cfg_t cfg;
    FILE *mem = NULL;
    bool quiet = false;
    int opt;
    T_BEGIN;
    T_ASSERT(t_mkdir(dir, sizeof(dir)) != NULL);
    T_ASSERT(t_write(dir, "cli.conf", "kafka.brokers = file:1\nlog.level = error\n", path,
                     sizeof(path)));
    {
        char *argv[] = {E("savant-test"), E("-c"), path, E("-X"), E("log.level=debug"), E("--set"),
                        E("log.debug=kin"), E("-q"), E("--dump-config"), E("--config"), path, NULL};
        int argc = (int)SV_ARRAY_SIZE(argv) - 1;
        cfg_cli_init(&cli);
        mem = open_memstream(&text, &size);
        cli.dump_out = mem;
        optind = 0; /* full reset of getopt */
        while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "q", longopts, NULL)) != -1) {
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                continue;
            T_ASSERT_INT(opt, ==, 'q');
            quiet = true;
        }
        T_ASSERT(quiet);
        T_ASSERT(cli.dump_config);
        T_ASSERT_INT(cli.n_overrides, ==, 2);
        log_level_set(LOG_LVL_INFO);
        T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, envp, err, sizeof(err)), ==, SV_AGAIN);
        fclose(mem);
        mem = NULL;
        T_ASSERT_STR(cfg.kafka_brokers, "file:1");
        T_ASSERT_STR(cfg.kafka_group, "env-group");
        T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_DEBUG);
        T_ASSERT_CONTAINS(text, "\nlog.level                = debug\n");
        T_ASSERT_CONTAINS(text, "\nkafka.group              = env-group\n");
        /* log settings applied */
        T_ASSERT_INT(log_level_cur, ==, LOG_LVL_DEBUG);
        T_ASSERT(log_debug_enabled("kin"));
        T_ASSERT(!log_debug_enabled("wire"));
    }
    /* without --dump-config: SV_OK, nothing printed */
    cfg_cli_init(&cli);
    T_ASSERT(cli.dump_out == stdout);
    T_ASSERT_INT(cfg_cli_opt(&cli, 'X', "log.level=warn"), ==, SV_OK);
    T_ASSERT_INT(cfg_cli_opt(&cli, 'q', NULL), ==, SV_ERR_NOENT);
    T_ASSERT_INT(cfg_cli_opt(&cli, '?', NULL), ==, SV_ERR_NOENT);
    T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, NULL, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(log_level_cur, ==, LOG_LVL_WARN);
    T_ASSERT(!log_debug_enabled("kin"));

    /* errors: config errors leave cfg and the log settings alone */
    cfg_cli_init(&cli);
    cfg_cli_opt(&cli, 'X', "log.level=debug");
    cfg_cli_opt(&cli, 'X', "kafka.exactly_once=maybe");
    /* a -X that cannot be applied is bad usage (exit 2); a bad file is a failure (exit 1) */
    T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, NULL, err, sizeof(err)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(err, "-X: kafka.exactly_once: expected true/false, got 'maybe'");
    cfg_cli_init(&cli);
    cfg_cli_opt(&cli, 'c', "/nonexistent/savant.conf");
    T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, NULL, err, sizeof(err)), ==, SV_ERR_IO);
    T_ASSERT_INT(log_level_cur, ==, LOG_LVL_WARN);
    T_ASSERT_INT(cfg.log_level, ==, LOG_LVL_WARN);
    cfg_cli_init(&cli);
    cfg_cli_opt(&cli, 'X', "log.level");
    T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, NULL, err, sizeof(err)), ==, SV_ERR_USAGE);
    cfg_cli_init(&cli);
    for (size_t i = 0; i < SV_ARRAY_SIZE(xs); i++) {
        xs[i] = "log.level=info";
        T_ASSERT_INT(cfg_cli_opt(&cli, 'X', xs[i]), ==, SV_OK);
    }
    T_ASSERT_INT(cfg_cli_finish(&cli, &cfg, NULL, err, sizeof(err)), ==, SV_ERR_USAGE);
    T_ASSERT_STR(err, "-X: more than 64 overrides");
    free(text);
    text = NULL;
    mem = open_memstream(&text, &size);
    cfg_cli_usage(mem);
    fclose(mem);
    mem = NULL;
    T_ASSERT_CONTAINS(text, "-c, --config FILE");
    T_ASSERT_CONTAINS(text, "-X, --set KEY=VALUE");
    T_ASSERT_CONTAINS(text, "--dump-config");
    goto end;
end:
    if (mem)
        fclose(mem);
    free(text);
    log_level_set(LOG_LVL_INFO);
    log_debug_set("");
    t_rmdir(dir);
    return t_rc_;
}
