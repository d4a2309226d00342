/*
 * migrate — see migrate.h. One blocking libpq connection: take the advisory lock, make sure
 * schema_migrations exists, check every recorded migration against the list, then apply the
 * missing ones in order, each as BEGIN; file; INSERT INTO schema_migrations; COMMIT. Only the
 * migration files themselves go through PQexec (they hold several statements and are constants
 * of the binary); everything else is PQexecParams with parameters.
 */
#include "migrate.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "log.h"
#include "sv_util.h"

#define MIG_MOD "migrate"
#define MIG_LOCK_KEY "5999171017121221961" /* pg_advisory_lock key: "SAVANTMI" as a bigint */
#define MIG_CONNECT_TIMEOUT_S "10"          /* unless the dsn sets connect_timeout */

/* Notices (e.g. "relation already exists, skipping") go to the debug log, not to stderr. */
static void mig_notice(void *arg, const char *msg)
{
    char q[300];
    size_t n = strlen(msg);
    char line[256];

    UNUSED(arg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    snprintf(line, sizeof(line), "%.*s", (int)(n < 255 ? n : 255), msg);
    LOG_DEBUG(MIG_MOD, "pg_notice", "msg=%s", log_quote(q, sizeof(q), line));
}

/* PostgreSQL's message on one line, without the trailing newline. */
static void mig_pg_msg(char *out, size_t size, const char *msg)
{
    size_t o = 0;

    if (!msg || !*msg)
        msg = "unknown error";
    for (; *msg && o + 1 < size; msg++)
        out[o++] = (*msg == '\n' || *msg == '\r' || *msg == '\t') ? ' ' : *msg;
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

sv_err_t eng_migrate_checksum(const eng_migration_t *m, char out[ENG_MIGRATE_CHECKSUM_STR])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (EVP_Digest(m->sql, m->len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return SV_ERR_NOMEM;
    for (unsigned int i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return SV_OK;
}

/* A blocking connection to dsn (its own connect_timeout wins over ours). */
static PGconn *mig_connect(const char *dsn, sv_err_t *rc, char *errstr, size_t errstr_size)
{
    const char *const kw[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *const val[] = {MIG_CONNECT_TIMEOUT_S, "savant-engine", dsn, NULL};
    char *perr = NULL, msg[512];
    PQconninfoOption *opts;
    PGconn *conn;

    opts = PQconninfoParse(dsn, &perr);
    if (!opts) {
        mig_pg_msg(msg, sizeof(msg), perr ? perr : "out of memory");
        snprintf(errstr, errstr_size, "pg.dsn: %s", msg);
        PQfreemem(perr);
        *rc = perr ? SV_ERR_CONFIG : SV_ERR_NOMEM;
        return NULL;
    }
    PQconninfoFree(opts);
    conn = PQconnectdbParams(kw, val, 1);
    if (!conn) {
        snprintf(errstr, errstr_size, "connect: out of memory");
        *rc = SV_ERR_NOMEM;
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        mig_pg_msg(msg, sizeof(msg), PQerrorMessage(conn));
        snprintf(errstr, errstr_size, "connect to postgresql: %s", msg);
        PQfinish(conn);
        *rc = SV_ERR_UNAVAILABLE;
        return NULL;
    }
    PQsetNoticeProcessor(conn, mig_notice, NULL);
    *rc = SV_OK;
    return conn;
}

/* Run one parameterised statement; false with errstr filled ("what: message") on failure. */
static bool mig_exec(PGconn *conn, PGresult **out, const char *what, const char *sql, int n,
                     const char *const *vals, char *errstr, size_t errstr_size)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    char msg[512];

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return true;
    }
    mig_pg_msg(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    snprintf(errstr, errstr_size, "%s: %s", what, msg);
    PQclear(res);
    return false;
}

/* The line of the file at PostgreSQL's error position (1-based, in characters of UTF-8). */
static int mig_line_of(const eng_migration_t *m, long pos)
{
    long chars = 0;
    int line = 1;

    for (size_t i = 0; i < m->len; i++) {
        unsigned char b = (unsigned char)m->sql[i];
        if ((b & 0xc0) == 0x80)
            continue; /* a continuation byte */
        if (++chars >= pos)
            break;
        if (b == '\n')
            line++;
    }
    return line;
}

/* Apply one migration in a transaction; false with errstr filled. */
static bool mig_apply(PGconn *conn, const eng_migration_t *m, const char *sum, char *errstr,
                      size_t errstr_size)
{
    char what[160], ver[16], msg[512];
    const char *vals[3];
    PGresult *res;
    ExecStatusType st;

    snprintf(what, sizeof(what), "migration %04d_%s", m->version, m->name);
    if (!mig_exec(conn, NULL, what, "BEGIN", 0, NULL, errstr, errstr_size))
        return false;
    res = PQexec(conn, m->sql);
    st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
        mig_pg_msg(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
        if (pos)
            snprintf(errstr, errstr_size, "%s (line %d): %s", what,
                     mig_line_of(m, strtol(pos, NULL, 10)), msg);
        else
            snprintf(errstr, errstr_size, "%s: %s", what, msg);
        PQclear(res);
        PQclear(PQexec(conn, "ROLLBACK"));
        return false;
    }
    PQclear(res);
    snprintf(ver, sizeof(ver), "%d", m->version);
    vals[0] = ver;
    vals[1] = m->name;
    vals[2] = sum;
    if (!mig_exec(conn, NULL, what,
                  "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", 3,
                  vals, errstr, errstr_size) ||
        !mig_exec(conn, NULL, what, "COMMIT", 0, NULL, errstr, errstr_size)) {
        PQclear(PQexec(conn, "ROLLBACK"));
        return false;
    }
    return true;
}

sv_err_t eng_migrate_list(const char *dsn, const eng_migration_t *list, size_t cnt, int *applied,
                          char *errstr, size_t errstr_size)
{
    const char *lock_vals[1] = {MIG_LOCK_KEY};
    char (*sums)[ENG_MIGRATE_CHECKSUM_STR] = NULL;
    bool *done = NULL;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    sv_err_t rc = SV_OK;
    int n_applied = 0;

    if (applied)
        *applied = 0;
    for (size_t i = 0; i < cnt; i++)
        if (list[i].version < 1 || (i > 0 && list[i].version <= list[i - 1].version)) {
            snprintf(errstr, errstr_size, "migration %04d_%s: versions must be >= 1 and increase",
                     list[i].version, list[i].name);
            return SV_ERR_INVALID;
        }
    sums = calloc(cnt ? cnt : 1, sizeof(*sums));
    done = calloc(cnt ? cnt : 1, sizeof(*done));
    if (!sums || !done) {
        snprintf(errstr, errstr_size, "migrations: out of memory");
        rc = SV_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < cnt; i++)
        if (eng_migrate_checksum(&list[i], sums[i]) != SV_OK) {
            snprintf(errstr, errstr_size, "migration %04d_%s: cannot compute its checksum",
                     list[i].version, list[i].name);
            rc = SV_ERR_NOMEM;
            goto out;
        }
    if (!(conn = mig_connect(dsn, &rc, errstr, errstr_size)))
        goto out;
    rc = SV_ERR_PG;
    if (!mig_exec(conn, NULL, "migrations lock", "SELECT pg_advisory_lock($1::bigint)", 1,
                  lock_vals, errstr, errstr_size) ||
        !mig_exec(conn, NULL, "schema_migrations",
                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
                  "version integer PRIMARY KEY CHECK (version >= 1), "
                  "name text NOT NULL, "
                  "checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'), "
                  "applied_at timestamptz NOT NULL DEFAULT now())",
                  0, NULL, errstr, errstr_size) ||
        !mig_exec(conn, &res, "schema_migrations",
                  "SELECT version, name, checksum FROM schema_migrations ORDER BY version", 0,
                  NULL, errstr, errstr_size))
        goto out;

    /* every recorded migration must be one of ours, unchanged */
    for (int r = 0; r < PQntuples(res); r++) {
        long v = strtol(PQgetvalue(res, r, 0), NULL, 10);
        const char *name = PQgetvalue(res, r, 1), *sum = PQgetvalue(res, r, 2);
        size_t i;

        for (i = 0; i < cnt && list[i].version != v; i++)
            ;
        if (i == cnt) {
            snprintf(errstr, errstr_size,
                     "migration %04ld_%s is applied in the database but unknown to this "
                     "savant-engine (a newer version migrated it); refusing to run",
                     v, name);
            rc = SV_ERR_STALE;
            goto out;
        }
        if (strcmp(sum, sums[i]) != 0) {
            snprintf(errstr, errstr_size,
                     "migration %04d_%s: checksum mismatch (applied %.12s..., this binary "
                     "%.12s...): the file was changed after it was applied; add a new "
                     "migration instead",
                     list[i].version, list[i].name, sum, sums[i]);
            rc = SV_ERR_INVALID;
            goto out;
        }
        done[i] = true;
    }
    PQclear(res);
    res = NULL;

    for (size_t i = 0; i < cnt; i++) {
        if (done[i])
            continue;
        if (!mig_apply(conn, &list[i], sums[i], errstr, errstr_size))
            goto out;
        n_applied++;
        LOG_INFO(MIG_MOD, "migration_applied", "version=%d name=%s", list[i].version,
                 list[i].name);
    }
    rc = SV_OK;
out:
    PQclear(res);
    if (conn && rc != SV_ERR_UNAVAILABLE)
        PQclear(PQexecParams(conn, "SELECT pg_advisory_unlock($1::bigint)", 1, NULL, lock_vals,
                             NULL, NULL, 0));
    PQfinish(conn);
    free(sums);
    free(done);
    if (applied)
        *applied = n_applied;
    return rc;
}

sv_err_t eng_migrate(const char *dsn, int *applied, char *errstr, size_t errstr_size)
{
    return eng_migrate_list(dsn, eng_migrations, eng_migrations_cnt, applied, errstr,
                            errstr_size);
}
