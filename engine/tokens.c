/*
 * tokens — see tokens.h. Random bytes and SHA-256 come from libcrypto; the bootstrap is one
 * blocking libpq connection running parameterised statements in a transaction. The clear token
 * lives only in the caller's buffer and in a local copy wiped before returning.
 */
#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "log.h"
#include "sv_util.h"

#define TOK_MOD "tokens"
#define TOK_TAG_LEN 3
#define TOK_B64_LEN 43 /* unpadded base64 of 32 bytes */

_Static_assert(TOK_TAG_LEN + TOK_B64_LEN == ENG_TOKEN_LEN, "token length");
_Static_assert(sizeof(ENG_TOKEN_TAG) - 1 == TOK_TAG_LEN, "token tag length");

static const char tok_hex[] = "0123456789abcdef";

sv_err_t eng_token_new(char out[ENG_TOKEN_STR])
{
    unsigned char raw[ENG_TOKEN_RAND_BYTES];
    unsigned char b64[48]; /* EVP_EncodeBlock: 44 characters and a NUL */
    int n;

    out[0] = '\0';
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return SV_ERR_FAIL;
    n = EVP_EncodeBlock(b64, raw, (int)sizeof(raw));
    OPENSSL_cleanse(raw, sizeof(raw));
    SV_ASSERT(n == 44 && b64[43] == '=');
    memcpy(out, ENG_TOKEN_TAG, TOK_TAG_LEN);
    for (int i = 0; i < TOK_B64_LEN; i++) {
        char ch = (char)b64[i];
        out[TOK_TAG_LEN + i] = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    }
    out[ENG_TOKEN_LEN] = '\0';
    OPENSSL_cleanse(b64, sizeof(b64));
    return SV_OK;
}

sv_err_t eng_token_hash(const char *token, char hex[ENG_TOKEN_HASH_STR])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    hex[0] = '\0';
    if (EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return SV_ERR_NOMEM;
    for (unsigned int i = 0; i < mdlen; i++) {
        hex[2 * i] = tok_hex[md[i] >> 4];
        hex[2 * i + 1] = tok_hex[md[i] & 15];
    }
    hex[64] = '\0';
    return SV_OK;
}

/* Value of a base64url character, or -1. */
static int tok_b64val(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '-')
        return 62;
    if (ch == '_')
        return 63;
    return -1;
}

bool eng_token_well_formed(const char *s)
{
    int v = 0;

    if (strncmp(s, ENG_TOKEN_TAG, TOK_TAG_LEN) != 0 || strlen(s) != ENG_TOKEN_LEN)
        return false;
    for (int i = 0; i < TOK_B64_LEN; i++)
        if ((v = tok_b64val(s[TOK_TAG_LEN + i])) < 0)
            return false;
    /* 43 characters carry 258 bits: the last two must be zero for 32 bytes */
    return (v & 3) == 0;
}

/* ---------------------------------------------------------------------------------------------
 * bootstrap
 */

static void tok_notice(void *arg, const char *msg)
{
    UNUSED(arg);
    UNUSED(msg);
}

/* PostgreSQL's message on one line. */
static void tok_pg_msg(char *out, size_t size, const char *msg)
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

/* Run one statement: true when it succeeded; else errstr filled and state set to the SQLSTATE
 * it failed with ("" when unknown). */
static bool tok_exec(PGconn *conn, PGresult **out, char state[8], const char *what,
                     const char *sql, int n, const char *const *vals, char *errstr,
                     size_t errstr_size)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    const char *s;
    char msg[512];

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out)
            *out = res;
        else
            PQclear(res);
        return true;
    }
    s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(state, 8, "%s", s ? s : "");
    tok_pg_msg(msg, sizeof(msg), res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    snprintf(errstr, errstr_size, "%s: %s%s", what, msg,
             strcmp(state, "42P01") == 0 ? " (run savant-engine --migrate first)" : "");
    PQclear(res);
    return false;
}

sv_err_t eng_token_bootstrap(const char *dsn, const char *email, const char *role,
                             char *token_out, size_t n, char *errstr, size_t errstr_size)
{
    const char *const kw[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *const kv[] = {"10", "savant-engine", dsn, NULL};
    char token[ENG_TOKEN_STR], hash[ENG_TOKEN_HASH_STR], prefix[ENG_TOKEN_PREFIX_LEN + 1];
    char msg[512], *perr = NULL;
    char state[8];
    const char *scopes, *vals[4];
    PQconninfoOption *opts;
    PGconn *conn = NULL;
    PGresult *res = NULL;
    sv_err_t rc = SV_ERR_PG;
    bool created;

    if (n > 0)
        token_out[0] = '\0';
    if (n < ENG_TOKEN_STR) {
        snprintf(errstr, errstr_size, "token buffer: %zu bytes, %d needed", n, ENG_TOKEN_STR);
        return SV_ERR_INVALID;
    }
    if (!role || (strcmp(role, "admin") != 0 && strcmp(role, "user") != 0)) {
        snprintf(errstr, errstr_size, "role: must be admin or user (got \"%.32s\")",
                 role ? role : "");
        return SV_ERR_INVALID;
    }
    if (!email || !*email) {
        snprintf(errstr, errstr_size, "user: an email address is required");
        return SV_ERR_INVALID;
    }
    scopes = strcmp(role, "admin") == 0 ? ENG_TOKEN_SCOPES_ADMIN : ENG_TOKEN_SCOPES_USER;
    if (eng_token_new(token) != SV_OK) {
        snprintf(errstr, errstr_size, "token: the random generator failed");
        return SV_ERR_FAIL;
    }
    if (eng_token_hash(token, hash) != SV_OK) {
        snprintf(errstr, errstr_size, "token: cannot hash it");
        rc = SV_ERR_NOMEM;
        goto out;
    }
    memcpy(prefix, token, ENG_TOKEN_PREFIX_LEN);
    prefix[ENG_TOKEN_PREFIX_LEN] = '\0';

    if (!(opts = PQconninfoParse(dsn, &perr))) {
        tok_pg_msg(msg, sizeof(msg), perr ? perr : "out of memory");
        snprintf(errstr, errstr_size, "pg.dsn: %s", msg);
        rc = perr ? SV_ERR_CONFIG : SV_ERR_NOMEM;
        PQfreemem(perr);
        goto out;
    }
    PQconninfoFree(opts);
    conn = PQconnectdbParams(kw, kv, 1);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        tok_pg_msg(msg, sizeof(msg), conn ? PQerrorMessage(conn) : "out of memory");
        snprintf(errstr, errstr_size, "connect to postgresql: %s", msg);
        rc = conn ? SV_ERR_UNAVAILABLE : SV_ERR_NOMEM;
        goto out;
    }
    PQsetNoticeProcessor(conn, tok_notice, NULL);

    if (!tok_exec(conn, NULL, state, "begin", "BEGIN", 0, NULL, errstr, errstr_size))
        goto out;
    vals[0] = email;
    vals[1] = role;
    /* no target: a conflict on users_email_key or on lower(email) both mean "exists" */
    if (!tok_exec(conn, &res, state, "user",
                  "INSERT INTO users (email, role) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2,
                  vals, errstr, errstr_size)) {
        if (strcmp(state, "23514") == 0) {
            snprintf(errstr, errstr_size, "user: \"%.254s\" is not a valid email address",
                     email);
            rc = SV_ERR_INVALID;
        }
        goto rollback;
    }
    created = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    res = NULL;
    if (!tok_exec(conn, &res, state, "user",
                 "UPDATE users SET role = $2 WHERE lower(email) = lower($1) RETURNING id", 2,
                 vals, errstr, errstr_size))
        goto rollback;
    if (PQntuples(res) != 1) {
        snprintf(errstr, errstr_size, "user: \"%.254s\" neither created nor found", email);
        goto rollback;
    }
    vals[0] = PQgetvalue(res, 0, 0);
    vals[1] = hash;
    vals[2] = prefix;
    vals[3] = scopes;
    if (!tok_exec(conn, NULL, state, "token",
                 "INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) "
                 "VALUES ($1::bigint, $2, $3, $4::text[])",
                 4, vals, errstr, errstr_size))
        goto rollback;
    if (!tok_exec(conn, NULL, state, "commit", "COMMIT", 0, NULL, errstr, errstr_size))
        goto out;
    LOG_INFO(TOK_MOD, "token_created", "user_id=%s role=%s prefix=%s user_created=%d",
             PQgetvalue(res, 0, 0), role, prefix, created ? 1 : 0);
    memcpy(token_out, token, ENG_TOKEN_STR);
    rc = SV_OK;
    goto out;
rollback:
    PQclear(PQexec(conn, "ROLLBACK"));
out:
    PQclear(res);
    PQfinish(conn);
    OPENSSL_cleanse(token, sizeof(token));
    return rc;
}
