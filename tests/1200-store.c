/*
 * 1201–1249: the PostgreSQL store against real PostgreSQL servers: the exact schema of
 * schemas/sql/0001_init.sql (columns, constraints, indexes, triggers) and what its constraints
 * refuse; the migrations runner (applied once, checksums, a failing migration rolled back,
 * engines migrating together, an unreachable server); tokens (format, SHA-256, the bootstrap,
 * the token found nowhere in the database, SQL injection in the email); the async pool on a real
 * event_base (exact results, parallelism and the queue bound, injection attempts stored verbatim,
 * SQL errors, timeouts, a host name, freeing with work in flight, bad configuration, the bets
 * lifecycle as the REST code will run it) and PostgreSQL stopped and restarted under it.
 *
 * Each test works in a database of its own (CREATE DATABASE t12NN_<pid> on the PostgreSQL of
 * ops/services, through PGHOST/PGPORT/PGUSER, dropped at the end). The outage test starts its own
 * server in a temp dir (initdb + pg_ctl, as the postgres user when run as root) and stops it; the
 * shared one is never stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>
#include <openssl/evp.h>

#include "harness.h"
#include "migrate.h"
#include "store.h"
#include "sv_util.h"
#include "tokens.h"

/* ---------------------------------------------------------------------------------------------
 * helpers: clock, strings, databases
 */

static double t_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growable string. */
typedef struct t_sb {
    char *s;
    size_t len, cap;
} t_sb_t;

static void t_sb_add(t_sb_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        if (!(b->s = realloc(b->s, b->cap)))
            abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void t_sb_str(t_sb_t *b, const char *s)
{
    t_sb_add(b, s, strlen(s));
}

static const char *t_env(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* A dsn for database db on the PostgreSQL of ops/services. */
static void t_dsn(char *out, size_t n, const char *db)
{
    snprintf(out, n, "host=%s port=%s user=%s dbname=%s", t_env("PGHOST", "127.0.0.1"),
             t_env("PGPORT", "5432"), t_env("PGUSER", "postgres"), db);
}

/* Run sql on a blocking connection; the first value of the first row into out (or "" / the
 * SQLSTATE prefixed with "ERR " on error). */
static void t_q1(PGconn *c, const char *sql, char *out, size_t n)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);

    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
        snprintf(out, n, "%s", PQgetisnull(r, 0, 0) ? "(null)" : PQgetvalue(r, 0, 0));
    else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        snprintf(out, n, "%s", "");
    else
        snprintf(out, n, "ERR %s", PQresultErrorField(r, PG_DIAG_SQLSTATE)
                                       ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
                                       : "?");
    PQclear(r);
}

/* Every row of sql as "a|b|c\n" (NULL as "(null)"); caller frees. NULL on error. */
static char *t_rows(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    t_sb_t b = {0};

    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "    t_rows: %s", PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    t_sb_str(&b, "");
    for (int i = 0; i < PQntuples(r); i++) {
        for (int j = 0; j < PQnfields(r); j++) {
            if (j)
                t_sb_str(&b, "|");
            t_sb_str(&b, PQgetisnull(r, i, j) ? "(null)" : PQgetvalue(r, i, j));
        }
        t_sb_str(&b, "\n");
    }
    PQclear(r);
    return b.s;
}

/* The rows of sql (t_rows()) must be exactly expect. */
#define T_ROWS_EQ(c, sql, expect)                                                                  \
    do {                                                                                           \
        char *t_r_ = t_rows((c), (sql));                                                           \
        int t_ok_ = t_r_ && strcmp(t_r_, (expect)) == 0;                                           \
        if (!t_ok_)                                                                                \
            fprintf(stderr, "    rows of %s:\n%s\n    expected:\n%s\n", (sql),                    \
                    t_r_ ? t_r_ : "(error)", (expect));                                            \
        free(t_r_);                                                                                \
        if (!t_ok_)                                                                                \
            T_FAILF("rows differ");                                                                \
    } while (0)

static void t_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

/* A fresh database "t<tag>_<pid>" (dropped first if left over); its dsn into dsn. */
static bool t_db_create(const char *tag, char *name, size_t name_n, char *dsn, size_t dsn_n)
{
    char admin[512], sql[256], out[64];
    PGconn *c;

    snprintf(name, name_n, "t%s_%d", tag, (int)getpid());
    t_dsn(admin, sizeof(admin), "postgres");
    c = PQconnectdb(admin);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "    cannot connect to %s: %s", admin, PQerrorMessage(c));
        PQfinish(c);
        return false;
    }
    PQsetNoticeProcessor(c, t_quiet, NULL);
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    t_q1(c, sql, out, sizeof(out));
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    t_q1(c, sql, out, sizeof(out));
    PQfinish(c);
    if (out[0]) {
        fprintf(stderr, "    CREATE DATABASE %s: %s\n", name, out);
        return false;
    }
    t_dsn(dsn, dsn_n, name);
    return true;
}

static void t_db_drop(const char *name)
{
    char admin[512], sql[256], out[64];
    PGconn *c;

    if (!name[0])
        return;
    t_dsn(admin, sizeof(admin), "postgres");
    c = PQconnectdb(admin);
    PQsetNoticeProcessor(c, t_quiet, NULL);
    if (PQstatus(c) == CONNECTION_OK) {
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
        t_q1(c, sql, out, sizeof(out));
    }
    PQfinish(c);
}

static PGconn *t_connect(const char *dsn)
{
    PGconn *c = PQconnectdb(dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "    connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

static void t_sha256_hex(const void *p, size_t n, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

/* A free TCP port on 127.0.0.1. */
static int t_free_port(void)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* ---------------------------------------------------------------------------------------------
 * helpers: the loop and the store
 */

static int t_ticks;
static double t_tick_last, t_tick_gap_max;

static void t_on_tick(evutil_socket_t fd, short what, void *arg)
{
    double now = t_now();

    (void)fd;
    (void)what;
    (void)arg;
    if (t_tick_last > 0 && now - t_tick_last > t_tick_gap_max)
        t_tick_gap_max = now - t_tick_last;
    t_tick_last = now;
    t_ticks++;
}

/* A loop with a 10 ms ticker (so EVLOOP_ONCE returns and stalls are measured). */
typedef struct t_loop {
    struct event_base *base;
    struct event *tick;
} t_loop_t;

static bool t_loop_init(t_loop_t *L)
{
    struct timeval tv = {0, 10000};

    L->base = event_base_new();
    if (!L->base)
        return false;
    L->tick = event_new(L->base, -1, EV_PERSIST, t_on_tick, NULL);
    event_add(L->tick, &tv);
    t_ticks = 0;
    t_tick_last = 0;
    t_tick_gap_max = 0;
    return true;
}

static void t_loop_release(t_loop_t *L)
{
    if (L->tick)
        event_free(L->tick);
    if (L->base) {
        event_base_loop(L->base, EVLOOP_NONBLOCK);
        event_base_free(L->base);
    }
    memset(L, 0, sizeof(*L));
}

#define T_LOOP_UNTIL(L, cond, secs)                                                                \
    do {                                                                                           \
        double t_d_ = t_now() + (secs);                                                            \
        while (!(cond) && t_now() < t_d_)                                                          \
            event_base_loop((L)->base, EVLOOP_ONCE);                                               \
    } while (0)

/* One query's outcome, as the callback saw it. */
typedef struct t_res {
    int calls;         /* callbacks received (must end at 1) */
    sv_err_t rc;       /* the last rc */
    char val[512];     /* first value of the first row ("(null)" for NULL) */
    char state[8];     /* SQLSTATE when SV_ERR_PG */
    int ntuples;       /* rows */
    char *rows;        /* every row, as t_rows() writes them (owned) */
    bool res_null;     /* res was NULL */
    double at;         /* when the callback ran */
} t_res_t;

static void t_cb(void *arg, const PGresult *res, sv_err_t rc)
{
    t_res_t *r = arg;
    t_sb_t b = {0};

    r->calls++;
    r->rc = rc;
    r->at = t_now();
    r->res_null = res == NULL;
    r->val[0] = r->state[0] = '\0';
    free(r->rows);
    r->rows = NULL;
    if (!res)
        return;
    if (rc == SV_ERR_PG) {
        const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        snprintf(r->state, sizeof(r->state), "%s", s ? s : "");
        return;
    }
    r->ntuples = PQntuples(res);
    if (r->ntuples > 0 && PQnfields(res) > 0)
        snprintf(r->val, sizeof(r->val), "%s",
                 PQgetisnull(res, 0, 0) ? "(null)" : PQgetvalue(res, 0, 0));
    t_sb_str(&b, "");
    for (int i = 0; i < PQntuples(res); i++) {
        for (int j = 0; j < PQnfields(res); j++) {
            if (j)
                t_sb_str(&b, "|");
            t_sb_str(&b, PQgetisnull(res, i, j) ? "(null)" : PQgetvalue(res, i, j));
        }
        t_sb_str(&b, "\n");
    }
    r->rows = b.s;
}

static void t_res_release(t_res_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].rows);
        r[i].rows = NULL;
    }
}

static void t_conf(eng_store_conf_t *conf, const char *dsn, int pool, int timeout_ms,
                   int backoff_max_ms)
{
    memset(conf, 0, sizeof(*conf));
    conf->dsn = dsn;
    conf->pool_size = pool;
    conf->timeout_ms = timeout_ms;
    conf->backoff_max_ms = backoff_max_ms;
}

/* Run one query and wait for its result (up to secs). */
static sv_err_t t_run(t_loop_t *L, eng_store_t *s, const char *name, int n,
                      const char *const *vals, t_res_t *r, double secs)
{
    sv_err_t rc;

    free(r->rows);
    memset(r, 0, sizeof(*r));
    rc = eng_store_query(s, name, n, vals, NULL, NULL, t_cb, r);
    if (rc != SV_OK)
        return rc;
    T_LOOP_UNTIL(L, r->calls > 0, secs);
    return r->calls == 1 ? r->rc : SV_ERR_TIMEOUT;
}

static sv_err_t t_run_sql(t_loop_t *L, eng_store_t *s, const char *sql, int n,
                          const char *const *vals, t_res_t *r, double secs)
{
    sv_err_t rc;

    free(r->rows);
    memset(r, 0, sizeof(*r));
    rc = eng_store_query_sql(s, sql, n, vals, NULL, NULL, t_cb, r);
    if (rc != SV_OK)
        return rc;
    T_LOOP_UNTIL(L, r->calls > 0, secs);
    return r->calls == 1 ? r->rc : SV_ERR_TIMEOUT;
}

/* Capture what the process writes on stderr (the log) into a file, to count events. */
typedef struct t_cap {
    int saved;
    char path[64];
} t_cap_t;

static bool t_cap_start(t_cap_t *cap)
{
    int fd;

    snprintf(cap->path, sizeof(cap->path), "/tmp/savant-t12-log.%d", (int)getpid());
    fflush(stderr);
    cap->saved = dup(2);
    fd = open(cap->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (cap->saved < 0 || fd < 0)
        return false;
    dup2(fd, 2);
    close(fd);
    return true;
}

/* Stop capturing; the text (caller frees), also echoed to the real stderr. */
static char *t_cap_stop(t_cap_t *cap)
{
    t_sb_t b = {0};
    char buf[4096];
    FILE *f;
    size_t n;

    if (cap->saved < 0)
        return NULL;
    fflush(stderr);
    dup2(cap->saved, 2);
    close(cap->saved);
    cap->saved = -1;
    t_sb_str(&b, "");
    if ((f = fopen(cap->path, "r"))) {
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
            t_sb_add(&b, buf, n);
        fclose(f);
    }
    unlink(cap->path);
    return b.s;
}

static int t_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---------------------------------------------------------------------------------------------
 * 1201: the exact schema
 */

static const char t_expect_columns[] =
    "api_tokens|id|bigint|(null)|NO|nextval('api_tokens_id_seq'::regclass)\n"
    "api_tokens|user_id|bigint|(null)|NO|(null)\n"
    "api_tokens|token_hash|text|(null)|NO|(null)\n"
    "api_tokens|prefix|text|(null)|NO|(null)\n"
    "api_tokens|scopes|ARRAY|(null)|NO|'{}'::text[]\n"
    "api_tokens|created_at|timestamp with time zone|(null)|NO|now()\n"
    "api_tokens|last_used_at|timestamp with time zone|(null)|YES|(null)\n"
    "api_tokens|revoked_at|timestamp with time zone|(null)|YES|(null)\n"
    "bets|bet_id|text|sv_id|NO|(null)\n"
    "bets|click_id|text|sv_id|NO|(null)\n"
    "bets|user_id|bigint|(null)|NO|(null)\n"
    "bets|signal_id|text|sv_id|NO|(null)\n"
    "bets|event_id|text|sv_id|NO|(null)\n"
    "bets|market|text|sv_token|NO|(null)\n"
    "bets|side|text|sv_name|NO|(null)\n"
    "bets|player|text|sv_name|YES|(null)\n"
    "bets|point|numeric|sv_line|YES|(null)\n"
    "bets|book|text|sv_id|NO|(null)\n"
    "bets|price|integer|sv_american|NO|(null)\n"
    "bets|stake|numeric|sv_money|NO|(null)\n"
    "bets|status|text|(null)|NO|'pending'::text\n"
    "bets|reason|text|(null)|YES|(null)\n"
    "bets|created_at|timestamp with time zone|(null)|NO|now()\n"
    "bets|updated_at|timestamp with time zone|(null)|NO|now()\n"
    "bets|placed_price|integer|sv_american|YES|(null)\n"
    "bets|closing_price|integer|sv_american|YES|(null)\n"
    "bets|clv|double precision|(null)|YES|(null)\n"
    "bets|pnl|numeric|sv_money|YES|(null)\n"
    "grades|id|bigint|(null)|NO|nextval('grades_id_seq'::regclass)\n"
    "grades|bet_id|text|sv_id|YES|(null)\n"
    "grades|signal_id|text|sv_id|YES|(null)\n"
    "grades|result|text|(null)|NO|(null)\n"
    "grades|pnl|numeric|(null)|NO|(null)\n"
    "grades|closing_price|integer|sv_american|YES|(null)\n"
    "grades|clv|double precision|(null)|YES|(null)\n"
    "grades|ts|timestamp with time zone|(null)|NO|(null)\n"
    "schema_migrations|version|integer|(null)|NO|(null)\n"
    "schema_migrations|name|text|(null)|NO|(null)\n"
    "schema_migrations|checksum|text|(null)|NO|(null)\n"
    "schema_migrations|applied_at|timestamp with time zone|(null)|NO|now()\n"
    "signals_history|signal_id|text|sv_id|NO|(null)\n"
    "signals_history|rev|integer|(null)|NO|(null)\n"
    "signals_history|state|text|(null)|NO|(null)\n"
    "signals_history|event_id|text|sv_id|NO|(null)\n"
    "signals_history|market|text|sv_token|NO|(null)\n"
    "signals_history|side|text|sv_name|NO|(null)\n"
    "signals_history|player|text|sv_name|YES|(null)\n"
    "signals_history|point|numeric|sv_line|YES|(null)\n"
    "signals_history|book|text|sv_id|NO|(null)\n"
    "signals_history|price|integer|sv_american|NO|(null)\n"
    "signals_history|p_fair|double precision|(null)|NO|(null)\n"
    "signals_history|p_model|double precision|(null)|NO|(null)\n"
    "signals_history|edge|double precision|(null)|NO|(null)\n"
    "signals_history|kelly|double precision|(null)|NO|(null)\n"
    "signals_history|stake_units|double precision|(null)|NO|(null)\n"
    "signals_history|final|double precision|(null)|NO|(null)\n"
    "signals_history|tier|text|(null)|NO|(null)\n"
    "signals_history|ts|timestamp with time zone|(null)|NO|(null)\n"
    "users|id|bigint|(null)|NO|nextval('users_id_seq'::regclass)\n"
    "users|email|text|(null)|NO|(null)\n"
    "users|role|text|(null)|NO|'user'::text\n"
    "users|max_stake|numeric|sv_money|NO|100\n"
    "users|daily_exposure|numeric|sv_money|NO|1000\n"
    "users|created_at|timestamp with time zone|(null)|NO|now()\n";

static const char t_expect_constraints[] =
    "api_tokens|api_tokens_last_used_check|c|CHECK ((last_used_at >= created_at))\n"
    "api_tokens|api_tokens_pkey|p|PRIMARY KEY (id)\n"
    "api_tokens|api_tokens_prefix_check|c|CHECK ((prefix ~ '^[A-Za-z0-9_-]{8}$'::text))\n"
    "api_tokens|api_tokens_revoked_check|c|CHECK ((revoked_at >= created_at))\n"
    "api_tokens|api_tokens_scopes_check|c|CHECK (sv_scopes_ok(scopes))\n"
    "api_tokens|api_tokens_token_hash_check|c|CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text))\n"
    "api_tokens|api_tokens_token_hash_key|u|UNIQUE (token_hash)\n"
    "api_tokens|api_tokens_user_id_fkey|f|FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE\n"
    "bets|bets_click_id_key|u|UNIQUE (click_id)\n"
    "bets|bets_clv_check|c|CHECK (((clv >= ('-1'::integer)::double precision) AND (clv <= (100)::double precision)))\n"
    "bets|bets_pkey|p|PRIMARY KEY (bet_id)\n"
    "bets|bets_placed_price_check|c|CHECK ((((status = ANY (ARRAY['placed'::text, 'won'::text, 'lost'::text, 'push'::text])) AND (placed_price IS NOT NULL)) OR ((status = ANY (ARRAY['pending'::text, 'rejected'::text])) AND (placed_price IS NULL)) OR (status = 'void'::text)))\n"
    "bets|bets_pnl_check|c|CHECK (COALESCE((((status = ANY (ARRAY['pending'::text, 'placed'::text, 'rejected'::text])) AND (pnl IS NULL)) OR ((status = 'won'::text) AND ((pnl)::numeric >= (0)::numeric)) OR ((status = 'lost'::text) AND ((pnl)::numeric = (- (stake)::numeric))) OR ((status = ANY (ARRAY['push'::text, 'void'::text])) AND ((pnl)::numeric = (0)::numeric))), false))\n"
    "bets|bets_reason_check|c|CHECK (((length(reason) >= 1) AND (length(reason) <= 1000)))\n"
    "bets|bets_stake_check|c|CHECK ((((stake)::numeric > (0)::numeric) AND ((stake)::numeric <= (1000000000)::numeric)))\n"
    "bets|bets_status_check|c|CHECK ((status = ANY (ARRAY['pending'::text, 'placed'::text, 'rejected'::text, 'won'::text, 'lost'::text, 'push'::text, 'void'::text])))\n"
    "bets|bets_updated_check|c|CHECK ((updated_at >= created_at))\n"
    "bets|bets_user_id_fkey|f|FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT\n"
    "domain sv_american|sv_american_check|c|CHECK (((abs(VALUE) >= 100) AND (abs(VALUE) <= 100000)))\n"
    "domain sv_id|sv_id_check|c|CHECK ((VALUE ~ '^[ -{}~]{1,64}$'::text))\n"
    "domain sv_line|sv_line_check|c|CHECK (((VALUE >= ('-10000'::integer)::numeric) AND (VALUE <= (10000)::numeric)))\n"
    "domain sv_money|sv_money_check|c|CHECK (((VALUE > ('-100000000000000'::bigint)::numeric) AND (VALUE < ('100000000000000'::bigint)::numeric)))\n"
    "domain sv_name|sv_name_check|c|CHECK ((((octet_length(VALUE) >= 1) AND (octet_length(VALUE) <= 96)) AND (strpos(VALUE, '|'::text) = 0)))\n"
    "domain sv_token|sv_token_check|c|CHECK ((VALUE ~ '^[a-z0-9_]{1,32}$'::text))\n"
    "grades|grades_bet_id_fkey|f|FOREIGN KEY (bet_id) REFERENCES bets(bet_id) ON DELETE RESTRICT\n"
    "grades|grades_clv_check|c|CHECK (((clv >= ('-1'::integer)::double precision) AND (clv <= (100)::double precision)))\n"
    "grades|grades_pkey|p|PRIMARY KEY (id)\n"
    "grades|grades_pnl_check|c|CHECK (((pnl > ('-100000000000000'::bigint)::numeric) AND (pnl < ('100000000000000'::bigint)::numeric)))\n"
    "grades|grades_result_check|c|CHECK ((result = ANY (ARRAY['win'::text, 'loss'::text, 'push'::text, 'void'::text])))\n"
    "grades|grades_result_pnl_check|c|CHECK ((((result = 'win'::text) AND (pnl >= (0)::numeric)) OR ((result = 'loss'::text) AND (pnl <= (0)::numeric)) OR ((result = ANY (ARRAY['push'::text, 'void'::text])) AND (pnl = (0)::numeric))))\n"
    "grades|grades_subject_check|c|CHECK (((bet_id IS NOT NULL) OR (signal_id IS NOT NULL)))\n"
    "schema_migrations|schema_migrations_checksum_check|c|CHECK ((checksum ~ '^[0-9a-f]{64}$'::text))\n"
    "schema_migrations|schema_migrations_pkey|p|PRIMARY KEY (version)\n"
    "schema_migrations|schema_migrations_version_check|c|CHECK ((version >= 1))\n"
    "signals_history|signals_history_edge_check|c|CHECK (((edge >= ('-1'::integer)::double precision) AND (edge <= (100)::double precision)))\n"
    "signals_history|signals_history_final_check|c|CHECK (((final >= ('-100'::integer)::double precision) AND (final <= (100)::double precision)))\n"
    "signals_history|signals_history_kelly_check|c|CHECK (((kelly >= (0)::double precision) AND (kelly <= (1)::double precision)))\n"
    "signals_history|signals_history_p_fair_check|c|CHECK (((p_fair >= (0)::double precision) AND (p_fair <= (1)::double precision)))\n"
    "signals_history|signals_history_p_model_check|c|CHECK (((p_model >= (0)::double precision) AND (p_model <= (1)::double precision)))\n"
    "signals_history|signals_history_pkey|p|PRIMARY KEY (signal_id, rev)\n"
    "signals_history|signals_history_rev_check|c|CHECK ((rev >= 1))\n"
    "signals_history|signals_history_stake_units_check|c|CHECK (((stake_units >= (0)::double precision) AND (stake_units <= (100)::double precision)))\n"
    "signals_history|signals_history_state_check|c|CHECK ((state = ANY (ARRAY['open'::text, 'update'::text, 'withdrawn'::text])))\n"
    "signals_history|signals_history_tier_check|c|CHECK ((tier = ANY (ARRAY['TITANIUM_SMASH'::text, 'GOLD_STAR'::text, 'EDGE_LEAN'::text, 'MONITOR'::text, 'PASS'::text])))\n"
    "users|users_daily_exposure_check|c|CHECK (((daily_exposure)::numeric > (0)::numeric))\n"
    "users|users_email_check|c|CHECK ((((length(email) >= 3) AND (length(email) <= 254)) AND (email ~ '^[^@[:cntrl:]]+@[^@[:cntrl:]]+$'::text)))\n"
    "users|users_email_key|u|UNIQUE (email)\n"
    "users|users_max_stake_check|c|CHECK ((((max_stake)::numeric > (0)::numeric) AND ((max_stake)::numeric <= (1000000000)::numeric)))\n"
    "users|users_pkey|p|PRIMARY KEY (id)\n"
    "users|users_role_check|c|CHECK ((role = ANY (ARRAY['admin'::text, 'user'::text])))\n";

static const char t_expect_indexes[] =
    "api_tokens|api_tokens_pkey|CREATE UNIQUE INDEX api_tokens_pkey ON public.api_tokens USING btree (id)\n"
    "api_tokens|api_tokens_token_hash_key|CREATE UNIQUE INDEX api_tokens_token_hash_key ON public.api_tokens USING btree (token_hash)\n"
    "api_tokens|api_tokens_user_id_idx|CREATE INDEX api_tokens_user_id_idx ON public.api_tokens USING btree (user_id)\n"
    "bets|bets_click_id_key|CREATE UNIQUE INDEX bets_click_id_key ON public.bets USING btree (click_id)\n"
    "bets|bets_event_status_idx|CREATE INDEX bets_event_status_idx ON public.bets USING btree (event_id, status)\n"
    "bets|bets_pkey|CREATE UNIQUE INDEX bets_pkey ON public.bets USING btree (bet_id)\n"
    "bets|bets_signal_idx|CREATE INDEX bets_signal_idx ON public.bets USING btree (signal_id)\n"
    "bets|bets_user_created_idx|CREATE INDEX bets_user_created_idx ON public.bets USING btree (user_id, created_at DESC)\n"
    "grades|grades_bet_key|CREATE UNIQUE INDEX grades_bet_key ON public.grades USING btree (bet_id) WHERE (bet_id IS NOT NULL)\n"
    "grades|grades_pkey|CREATE UNIQUE INDEX grades_pkey ON public.grades USING btree (id)\n"
    "grades|grades_signal_key|CREATE UNIQUE INDEX grades_signal_key ON public.grades USING btree (signal_id) WHERE (bet_id IS NULL)\n"
    "schema_migrations|schema_migrations_pkey|CREATE UNIQUE INDEX schema_migrations_pkey ON public.schema_migrations USING btree (version)\n"
    "signals_history|signals_history_event_idx|CREATE INDEX signals_history_event_idx ON public.signals_history USING btree (event_id, ts)\n"
    "signals_history|signals_history_pkey|CREATE UNIQUE INDEX signals_history_pkey ON public.signals_history USING btree (signal_id, rev)\n"
    "users|users_email_key|CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)\n"
    "users|users_email_lower_key|CREATE UNIQUE INDEX users_email_lower_key ON public.users USING btree (lower(email))\n"
    "users|users_pkey|CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)\n";

static const char t_expect_misc[] =
    "domain|sv_american|integer\n"
    "domain|sv_id|text\n"
    "domain|sv_line|numeric\n"
    "domain|sv_money|numeric(16,2)\n"
    "domain|sv_name|text\n"
    "domain|sv_token|text\n"
    "function|sv_bet_json(bets)|s\n"
    "function|sv_bet_result(text,boolean,integer,text)|v\n"
    "function|sv_bets_guard()|v\n"
    "function|sv_cancel_bet(text,bigint)|v\n"
    "function|sv_grade_bet(text,text,numeric,integer,double precision,bigint)|v\n"
    "function|sv_ms_to_ts(bigint)|i\n"
    "function|sv_place_bet(text,text,bigint,text,text,text,text,text,numeric,text,integer,"
    "numeric,text,text)|v\n"
    "function|sv_scopes_ok(text[])|i\n"
    "function|sv_ts_to_ms(timestamp with time zone)|i\n"
    "function|sv_user_stats(bigint)|s\n"
    "trigger|bets_guard|CREATE TRIGGER bets_guard BEFORE DELETE OR UPDATE ON public.bets FOR EACH ROW EXECUTE FUNCTION sv_bets_guard()\n";

static int t_schema_cmp(PGconn *c, const char *what, const char *sql, const char *expect)
{
    char *got = t_rows(c, sql);
    int bad = !got || strcmp(got, expect) != 0;

    if (bad) {
        fprintf(stderr, "    %s differ; got:\n%s\n    expected:\n%s\n", what,
                got ? got : "(error)", expect);
    }
    free(got);
    return bad;
}

int test_1201_store_schema(void);
int test_1201_store_schema(void)
{
    char db[64] = "", dsn[512], err[512];
    PGconn *c = NULL;
    int applied = -1;
    T_BEGIN;

    T_ASSERT(t_db_create("1201", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, &applied, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT_INT(applied, ==, (int)eng_migrations_cnt);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    T_ASSERT(!t_schema_cmp(c, "columns",
                           "SELECT table_name, column_name, data_type, domain_name, is_nullable, "
                           "column_default FROM information_schema.columns "
                           "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
                           t_expect_columns));
    T_ASSERT(!t_schema_cmp(c, "constraints",
                           "SELECT CASE WHEN conrelid <> 0 THEN conrelid::regclass::text "
                           "ELSE 'domain ' || contypid::regtype::text END, conname, contype, "
                           "pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
                           t_expect_constraints));
    T_ASSERT(!t_schema_cmp(c, "indexes",
                           "SELECT tablename, indexname, indexdef FROM pg_indexes "
                           "WHERE schemaname = 'public' ORDER BY 1, 2",
                           t_expect_indexes));
    T_ASSERT(!t_schema_cmp(c, "functions, domains and triggers",
                           "SELECT 'function', p.oid::regprocedure::text, p.provolatile::text "
                           "FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace "
                           "UNION ALL SELECT 'domain', t.typname, format_type(t.typbasetype, "
                           "t.typtypmod) FROM pg_type t WHERE t.typnamespace = "
                           "'public'::regnamespace AND t.typtype = 'd' "
                           "UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) "
                           "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
                           t_expect_misc));
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------------
 * 1202: what the constraints refuse (and accept)
 */

typedef struct t_sql_case {
    const char *sql;    /* one statement */
    const char *expect; /* its first value, or "ERR <sqlstate>" */
} t_sql_case_t;

static const t_sql_case_t t_cases_1202[] = {
    /* users */
    {"INSERT INTO users (email, role) VALUES ('ann@example.com', 'admin') RETURNING id", "1"},
    {"INSERT INTO users (email) VALUES ('bob@example.com') RETURNING role || ' ' || max_stake || "
     "' ' || daily_exposure", "user 100.00 1000.00"},
    {"INSERT INTO users (email, role) VALUES ('cy@example.com', 'root')", "ERR 23514"},
    {"INSERT INTO users (email) VALUES ('no-at-sign')", "ERR 23514"},
    {"INSERT INTO users (email) VALUES ('two@@example.com')", "ERR 23514"},
    {"INSERT INTO users (email) VALUES (E'tab\\t@example.com')", "ERR 23514"},
    {"INSERT INTO users (email) VALUES ('ANN@example.com')", "ERR 23505"},
    {"INSERT INTO users (email) VALUES (NULL)", "ERR 23502"},
    {"INSERT INTO users (email, max_stake) VALUES ('d@example.com', 0)", "ERR 23514"},
    {"INSERT INTO users (email, daily_exposure) VALUES ('d@example.com', -1)", "ERR 23514"},
    {"INSERT INTO users (email, max_stake) VALUES ('d@example.com', 'NaN')", "ERR 23514"},
    {"UPDATE users SET max_stake = 25.005 WHERE id = 1 RETURNING max_stake", "25.01"},
    /* api_tokens */
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, "
     "repeat('ab', 32), 'sv_Abc-_', '{admin,read}') RETURNING id", "1"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES (1, repeat('ab', 32), "
     "'sv_Abc-_')", "ERR 23505"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES (1, repeat('AB', 32), "
     "'sv_Abc-_')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES (1, 'sv_secret-token', "
     "'sv_Abc-_')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES (1, repeat('cd', 32), "
     "'sv_Ab')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES (99, repeat('cd', 32), "
     "'sv_Abc-_')", "ERR 23503"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, repeat('cd', 32), "
     "'sv_Abc-_', '{Admin}')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, repeat('cd', 32), "
     "'sv_Abc-_', '{read,read}')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, repeat('cd', 32), "
     "'sv_Abc-_', ARRAY['read', NULL])", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, repeat('cd', 32), "
     "'sv_Abc-_', '{{read},{bet}}')", "ERR 23514"},
    {"INSERT INTO api_tokens (user_id, token_hash, prefix, scopes) VALUES (1, repeat('cd', 32), "
     "'sv_Abc-_', NULL)", "ERR 23502"},
    {"UPDATE api_tokens SET revoked_at = created_at - interval '1 s' WHERE id = 1", "ERR 23514"},
    {"UPDATE api_tokens SET revoked_at = now(), last_used_at = now() WHERE id = 1 "
     "RETURNING revoked_at IS NOT NULL", "t"},
    /* bets: insert rules */
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, point, "
     "book, price, stake) VALUES ('b1', 'c1', 1, 's1', 'g1', 'spreads', 'Boston Celtics', -5.5, "
     "'dk', -110, 25) RETURNING status || ' ' || stake || ' ' || point", "pending 25.00 -5.5"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c1', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)", "ERR 23505"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b1', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)", "ERR 23505"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b|2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES (repeat('b', 65), 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES (E'b\\n2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'H2H', 'X', 'dk', 120, 10)", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'A|B', 'dk', 120, 10)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 99, 10)", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', -100001, 10)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 0)", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 1000000000.01)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, point, "
     "book, price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 10000.5, 'dk', 120, 10)",
     "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 42, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10)", "ERR 23503"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake, status) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10, "
     "'won')", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake, status) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 10, "
     "'cancelled')", "ERR 23514"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b2', 'c2', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 0.10) "
     "RETURNING bet_id", "b2"},
    {"INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, side, book, "
     "price, stake) VALUES ('b3', 'c3', 1, 's1', 'g1', 'h2h', 'X', 'dk', 120, 0.20) "
     "RETURNING bet_id", "b3"},
    /* money is exact */
    {"SELECT sum(stake) FROM bets WHERE bet_id IN ('b2', 'b3')", "0.30"},
    {"SELECT sum(stake) = 0.3 FROM bets WHERE bet_id IN ('b2', 'b3')", "t"},
    /* bets: the lifecycle */
    {"UPDATE bets SET status = 'won', pnl = 22.73 WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'placed' WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'placed', placed_price = -110 WHERE bet_id = 'b1' "
     "RETURNING status || ' ' || (updated_at >= created_at)", "placed true"},
    {"UPDATE bets SET stake = 30 WHERE bet_id = 'b1'", "ERR 23000"},
    {"UPDATE bets SET price = -105 WHERE bet_id = 'b1'", "ERR 23000"},
    {"UPDATE bets SET click_id = 'c9' WHERE bet_id = 'b1'", "ERR 23000"},
    {"UPDATE bets SET status = 'pending', placed_price = NULL WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'lost', pnl = -20 WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'lost' WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'lost', pnl = -25, closing_price = -120, clv = 0.0213 "
     "WHERE bet_id = 'b1' RETURNING pnl", "-25.00"},
    {"UPDATE bets SET status = 'push', pnl = 1 WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'won', pnl = -1 WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'won', pnl = 22.73 WHERE bet_id = 'b1' RETURNING status || ' ' "
     "|| pnl", "won 22.73"},
    {"UPDATE bets SET clv = 101 WHERE bet_id = 'b1'", "ERR 23514"},
    {"UPDATE bets SET status = 'rejected', reason = 'price moved' WHERE bet_id = 'b2' "
     "RETURNING status", "rejected"},
    {"UPDATE bets SET status = 'placed', placed_price = 120 WHERE bet_id = 'b2'", "ERR 23514"},
    {"UPDATE bets SET status = 'void', pnl = 0 WHERE bet_id = 'b3' RETURNING status",
     "void"},
    {"UPDATE bets SET status = 'won', pnl = 1 WHERE bet_id = 'b3'", "ERR 23514"},
    {"UPDATE bets SET reason = '' WHERE bet_id = 'b3'", "ERR 23514"},
    {"DELETE FROM bets WHERE bet_id = 'b3'", "ERR 23000"},
    {"DELETE FROM users WHERE id = 1", "ERR 23503"},
    {"SELECT count(*) FROM bets", "3"},
    /* signals_history */
    {"INSERT INTO signals_history VALUES ('s1', 1, 'open', 'g1', 'spreads', 'Boston Celtics', "
     "NULL, -5.5, 'dk', -110, 0.52, 0.55, 0.05, 0.02, 1.5, 7.4, 'GOLD_STAR', "
     "sv_ms_to_ts(1764180000123)) RETURNING sv_ts_to_ms(ts)", "1764180000123"},
    {"INSERT INTO signals_history VALUES ('s1', 1, 'update', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 0.5, 0.5, 0, 0, 0, 0, 'PASS', now())", "ERR 23505"},
    {"INSERT INTO signals_history VALUES ('s1', 0, 'open', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 0.5, 0.5, 0, 0, 0, 0, 'PASS', now())", "ERR 23514"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'closed', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 0.5, 0.5, 0, 0, 0, 0, 'PASS', now())", "ERR 23514"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'update', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 1.5, 0.5, 0, 0, 0, 0, 'PASS', now())", "ERR 23514"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'update', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 'NaN', 0.5, 0, 0, 0, 0, 'PASS', now())", "ERR 23514"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'update', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 0.5, 0.5, 0, 0, 0, 0, 'GOLD', now())", "ERR 23514"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'update', 'g1', 'spreads', 'B', NULL, NULL, "
     "'dk', -110, 0.5, 0.5, 0, 0, 0, 0, 'PASS', NULL)", "ERR 23502"},
    {"INSERT INTO signals_history VALUES ('s1', 2, 'withdrawn', 'g1', 'spreads', 'B', NULL, "
     "NULL, 'dk', -110, 0.5, 0.5, -1, 0, 0, -100, 'PASS', now()) RETURNING rev", "2"},
    {"SELECT sv_ts_to_ms(sv_ms_to_ts(-1)) || ' ' || sv_ms_to_ts(0)", "-1 1970-01-01 00:00:00+00"},
    /* grades */
    {"INSERT INTO grades (bet_id, signal_id, result, pnl, closing_price, clv, ts) VALUES "
     "('b1', 's1', 'win', 22.73, -120, 0.0213, now()) RETURNING result", "win"},
    {"INSERT INTO grades (bet_id, result, pnl, ts) VALUES ('b1', 'loss', -25, now())",
     "ERR 23505"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s1', 'win', 1.3636, now()) "
     "RETURNING pnl", "1.3636"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s1', 'loss', -1, now())",
     "ERR 23505"},
    {"INSERT INTO grades (result, pnl, ts) VALUES ('win', 1, now())", "ERR 23514"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s2', 'won', 1, now())",
     "ERR 23514"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s2', 'loss', 1, now())",
     "ERR 23514"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s2', 'push', 0.5, now())",
     "ERR 23514"},
    {"INSERT INTO grades (bet_id, result, pnl, ts) VALUES ('nope', 'void', 0, now())",
     "ERR 23503"},
    {"INSERT INTO grades (signal_id, result, pnl, ts) VALUES ('s2', 'void', 'NaN', now())",
     "ERR 23514"},
    /* a user without bets goes with its tokens */
    {"INSERT INTO api_tokens (user_id, token_hash, prefix) SELECT id, repeat('ef', 32), "
     "'sv_zzzzz' FROM users WHERE email = 'bob@example.com' RETURNING prefix", "sv_zzzzz"},
    {"DELETE FROM users WHERE email = 'bob@example.com'", ""},
    {"SELECT count(*) FROM api_tokens WHERE prefix = 'sv_zzzzz'", "0"},
};

int test_1202_store_constraints(void);
int test_1202_store_constraints(void)
{
    char db[64] = "", dsn[512], err[512], got[512];
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1202", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    PQclear(PQexec(c, "SET TIME ZONE 'UTC'"));
    for (size_t i = 0; i < SV_ARRAY_SIZE(t_cases_1202); i++) {
        t_q1(c, t_cases_1202[i].sql, got, sizeof(got));
        if (strcmp(got, t_cases_1202[i].expect) != 0)
            T_FAILF("case %zu: %s\n      expected \"%s\", got \"%s\"", i, t_cases_1202[i].sql,
                    t_cases_1202[i].expect, got);
    }
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------------
 * 1203-1206: migrations
 */

static char *t_read_file(const char *path, size_t *len)
{
    t_sb_t b = {0};
    char buf[4096];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return NULL;
    t_sb_str(&b, "");
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        t_sb_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    return b.s;
}

int test_1203_migrate_once(void);
int test_1203_migrate_once(void)
{
    char db[64] = "", dsn[512], err[512], at1[64], at2[64], sum[ENG_MIGRATE_CHECKSUM_STR];
    char file_sum[65], line[256];
    char *file = NULL;
    t_sb_t want = {0};
    PGconn *c = NULL;
    size_t flen = 0;
    int applied = -1;
    T_BEGIN;

    T_ASSERT_INT(eng_migrations_cnt, >=, 1);
    T_ASSERT_INT(eng_migrations[0].version, ==, 1);
    T_ASSERT_STR(eng_migrations[0].name, "init");
    /* the embedded text is the file, byte for byte */
    T_ASSERT((file = t_read_file(t_path("schemas/sql/0001_init.sql"), &flen)) != NULL);
    T_ASSERT_INT(flen, ==, eng_migrations[0].len);
    T_ASSERT(memcmp(file, eng_migrations[0].sql, flen) == 0);
    t_sha256_hex(file, flen, file_sum);

    T_ASSERT(t_db_create("1203", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, &applied, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT_INT(applied, ==, (int)eng_migrations_cnt);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    t_sb_str(&want, "");
    for (size_t i = 0; i < eng_migrations_cnt; i++) {
        T_ASSERT(eng_migrate_checksum(&eng_migrations[i], sum) == SV_OK);
        if (i == 0)
            T_ASSERT_STR(sum, file_sum);
        snprintf(line, sizeof(line), "%d|%s|%s\n", eng_migrations[i].version,
                 eng_migrations[i].name, sum);
        t_sb_str(&want, line);
    }
    T_ROWS_EQ(c, "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
              want.s);
    t_q1(c, "SELECT applied_at FROM schema_migrations WHERE version = 1", at1, sizeof(at1));
    t_q1(c, "SELECT to_regclass('public.bets') IS NOT NULL", line, sizeof(line));
    T_ASSERT_STR(line, "t");

    /* a second run applies nothing and changes nothing */
    applied = -1;
    if (eng_migrate(dsn, &applied, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate (again): %s", err);
    T_ASSERT_INT(applied, ==, 0);
    T_ROWS_EQ(c, "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
              want.s);
    t_q1(c, "SELECT applied_at FROM schema_migrations WHERE version = 1", at2, sizeof(at2));
    T_ASSERT_STR(at2, at1);
end:
    free(file);
    free(want.s);
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

int test_1204_migrate_checksum(void);
int test_1204_migrate_checksum(void)
{
    static const char extra_sql[] = "CREATE TABLE t1204 (x int);\n";
    eng_migration_t list[2];
    char db[64] = "", dsn[512], err[512], sum[ENG_MIGRATE_CHECKSUM_STR], out[128], sql[256];
    PGconn *c = NULL;
    int applied = -1;
    T_BEGIN;

    T_ASSERT(t_db_create("1204", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT((c = t_connect(dsn)) != NULL);

    /* the file changed after it was applied */
    t_q1(c, "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1", out,
         sizeof(out));
    T_ASSERT_STR(out, "");
    err[0] = '\0';
    T_ASSERT_INT(eng_migrate(dsn, &applied, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_INT(applied, ==, 0);
    T_ASSERT_CONTAINS(err, "migration 0001_init");
    T_ASSERT_CONTAINS(err, "checksum mismatch");
    T_ASSERT_CONTAINS(err, "000000000000");

    /* ... and nothing after it is applied */
    list[0] = eng_migrations[0];
    list[1] = (eng_migration_t){2, "extra", extra_sql, sizeof(extra_sql) - 1};
    T_ASSERT_INT(eng_migrate_list(dsn, list, 2, &applied, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_INT(applied, ==, 0);
    T_ASSERT_CONTAINS(err, "0001_init");
    t_q1(c, "SELECT to_regclass('public.t1204') IS NULL", out, sizeof(out));
    T_ASSERT_STR(out, "t");

    /* put it back: fine again */
    T_ASSERT(eng_migrate_checksum(&eng_migrations[0], sum) == SV_OK);
    snprintf(sql, sizeof(sql), "UPDATE schema_migrations SET checksum = '%s' WHERE version = 1",
             sum);
    t_q1(c, sql, out, sizeof(out));
    T_ASSERT_INT(eng_migrate(dsn, &applied, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(applied, ==, 0);

    /* a migration this binary does not know */
    t_q1(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES "
            "(9999, 'future', repeat('a', 64))",
         out, sizeof(out));
    T_ASSERT_STR(out, "");
    T_ASSERT_INT(eng_migrate(dsn, &applied, err, sizeof(err)), ==, SV_ERR_STALE);
    T_ASSERT_CONTAINS(err, "9999_future");
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

int test_1205_migrate_atomic(void);
int test_1205_migrate_atomic(void)
{
    static const char bad_sql[] = "CREATE TABLE m2 (x int);\nSELEC 1;\n";
    static const char fail_sql[] = "CREATE TABLE m2 (x int);\nSELECT 1/0;\n";
    static const char good_sql[] = "CREATE TABLE m2 (x int);\n";
    eng_migration_t list[2];
    char db[64] = "", db2[64] = "", dsn[512], dsn2[512], err[512], out[128];
    PGconn *c = NULL;
    int applied = -1, total = 0;
    pid_t kids[4] = {0};
    T_BEGIN;

    T_ASSERT(t_db_create("1205", db, sizeof(db), dsn, sizeof(dsn)));
    list[0] = eng_migrations[0];
    list[1] = (eng_migration_t){2, "more", bad_sql, sizeof(bad_sql) - 1};
    T_ASSERT_INT(eng_migrate_list(dsn, list, 2, &applied, err, sizeof(err)), ==, SV_ERR_PG);
    T_ASSERT_INT(applied, ==, 1); /* 0001 went in before 0002 failed */
    T_ASSERT_CONTAINS(err, "migration 0002_more (line 2)");
    T_ASSERT_CONTAINS(err, "syntax error at or near \"SELEC\"");
    T_ASSERT((c = t_connect(dsn)) != NULL);
    t_q1(c, "SELECT to_regclass('public.m2') IS NULL", out, sizeof(out));
    T_ASSERT_STR(out, "t");
    /* a statement failing when it runs: what ran before it in the file is rolled back */
    list[1].sql = fail_sql;
    list[1].len = sizeof(fail_sql) - 1;
    T_ASSERT_INT(eng_migrate_list(dsn, list, 2, &applied, err, sizeof(err)), ==, SV_ERR_PG);
    T_ASSERT_INT(applied, ==, 0);
    T_ASSERT_CONTAINS(err, "migration 0002_more");
    T_ASSERT_CONTAINS(err, "division by zero");
    t_q1(c, "SELECT to_regclass('public.m2') IS NULL", out, sizeof(out));
    T_ASSERT_STR(out, "t");
    T_ROWS_EQ(c, "SELECT version FROM schema_migrations ORDER BY 1", "1\n");

    list[1].sql = good_sql;
    list[1].len = sizeof(good_sql) - 1;
    T_ASSERT_INT(eng_migrate_list(dsn, list, 2, &applied, err, sizeof(err)), ==, SV_OK);
    T_ASSERT_INT(applied, ==, 1);
    T_ROWS_EQ(c, "SELECT version, name FROM schema_migrations ORDER BY 1", "1|init\n2|more\n");

    /* out of order */
    list[0] = list[1];
    list[1] = eng_migrations[0];
    T_ASSERT_INT(eng_migrate_list(dsn, list, 2, &applied, err, sizeof(err)), ==, SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err, "increase");

    /* five engines migrating one fresh database at once: applied exactly once */
    T_ASSERT(t_db_create("1205b", db2, sizeof(db2), dsn2, sizeof(dsn2)));
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        T_ASSERT(kids[i] >= 0);
        if (kids[i] == 0) {
            char e[512];
            int a = -1;
            sv_err_t rc = eng_migrate(dsn2, &a, e, sizeof(e));
            if (rc != SV_OK)
                fprintf(stderr, "    child: %s\n", e);
            _exit(rc == SV_OK ? a : 100);
        }
    }
    if (eng_migrate(dsn2, &applied, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    total = applied;
    for (int i = 0; i < 4; i++) {
        int st = 0;
        T_ASSERT(waitpid(kids[i], &st, 0) == kids[i]);
        kids[i] = 0;
        T_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) < 100);
        total += WEXITSTATUS(st);
    }
    T_ASSERT_INT(total, ==, (int)eng_migrations_cnt);
end:
    for (int i = 0; i < 4; i++)
        if (kids[i] > 0)
            waitpid(kids[i], NULL, 0);
    PQfinish(c);
    t_db_drop(db);
    t_db_drop(db2);
    return t_rc_;
}

int test_1206_migrate_unreachable(void);
int test_1206_migrate_unreachable(void)
{
    char dsn[256], err[512], tok[ENG_TOKEN_STR];
    int port = t_free_port(), applied = -1;
    double t0;
    T_BEGIN;

    T_ASSERT(port > 0);
    snprintf(dsn, sizeof(dsn),
             "host=127.0.0.1 port=%d user=postgres password=s3cr3t-pw dbname=nothing", port);
    t0 = t_now();
    T_ASSERT_INT(eng_migrate(dsn, &applied, err, sizeof(err)), ==, SV_ERR_UNAVAILABLE);
    T_ASSERT(t_now() - t0 < 5.0);
    T_ASSERT_INT(applied, ==, 0);
    T_ASSERT_CONTAINS(err, "connect to postgresql");
    T_ASSERT(!strstr(err, "s3cr3t-pw"));
    T_ASSERT_INT(eng_token_bootstrap(dsn, "a@example.com", "admin", tok, sizeof(tok), err,
                                     sizeof(err)),
                 ==, SV_ERR_UNAVAILABLE);
    T_ASSERT_STR(tok, "");
    T_ASSERT(!strstr(err, "s3cr3t-pw"));

    T_ASSERT_INT(eng_migrate("host=127.0.0.1 bogus_option=1", &applied, err, sizeof(err)), ==,
                 SV_ERR_CONFIG);
    T_ASSERT_CONTAINS(err, "pg.dsn");
    T_ASSERT_CONTAINS(err, "bogus_option");
    snprintf(dsn, sizeof(dsn), "postgresql://u:s3cr3t-pw@127.0.0.1:%d/db?sslmode=nonsense",
             port);
    T_ASSERT(eng_migrate(dsn, &applied, err, sizeof(err)) != SV_OK);
    T_ASSERT(!strstr(err, "s3cr3t-pw"));
end:
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------------
 * 1210-1213: tokens
 */

static int t_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int test_1210_token_format(void);
int test_1210_token_format(void)
{
    enum { N = 1000 };
    char **toks = calloc(N, sizeof(*toks)), hex[ENG_TOKEN_HASH_STR], want[65], bad[64];
    bool seen_last[64] = {false};
    T_BEGIN;

    T_ASSERT(toks != NULL);
    for (int i = 0; i < N; i++) {
        char t[ENG_TOKEN_STR];
        T_ASSERT(eng_token_new(t) == SV_OK);
        T_ASSERT_INT(strlen(t), ==, ENG_TOKEN_LEN);
        T_ASSERT(strncmp(t, "sv_", 3) == 0);
        T_ASSERT_INT(strspn(t + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_"),
                     ==, 43);
        T_ASSERT(eng_token_well_formed(t));
        T_ASSERT(eng_token_hash(t, hex) == SV_OK);
        t_sha256_hex(t, strlen(t), want);
        T_ASSERT_STR(hex, want);
        seen_last[(int)(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               t[45]) -
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")] = true;
        T_ASSERT((toks[i] = strdup(t)) != NULL);
    }
    /* all different */
    qsort(toks, N, sizeof(*toks), t_strcmp_p);
    for (int i = 1; i < N; i++)
        T_ASSERT(strcmp(toks[i - 1], toks[i]) != 0);
    /* the last character carries 4 bits of data and 2 zero bits */
    for (int v = 0; v < 64; v++)
        if (v % 4)
            T_ASSERT(!seen_last[v]);

    /* SHA-256 test vector (FIPS 180-2): "abc" */
    T_ASSERT(eng_token_hash("abc", hex) == SV_OK);
    T_ASSERT_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    T_ASSERT(eng_token_hash("", hex) == SV_OK);
    T_ASSERT_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    /* what is not a token */
    snprintf(bad, sizeof(bad), "%s", toks[0]);
    T_ASSERT(eng_token_well_formed(bad));
    bad[0] = 'x';
    T_ASSERT(!eng_token_well_formed(bad));
    snprintf(bad, sizeof(bad), "%s", toks[0]);
    bad[45] = '\0';
    T_ASSERT(!eng_token_well_formed(bad));
    snprintf(bad, sizeof(bad), "%sA", toks[0]);
    T_ASSERT(!eng_token_well_formed(bad));
    snprintf(bad, sizeof(bad), "%s", toks[0]);
    bad[10] = '+';
    T_ASSERT(!eng_token_well_formed(bad));
    snprintf(bad, sizeof(bad), "%s", toks[0]);
    bad[45] = 'B'; /* low bits set: 258 bits would not decode to 32 bytes */
    T_ASSERT(!eng_token_well_formed(bad));
    T_ASSERT(!eng_token_well_formed(""));
end:
    for (int i = 0; toks && i < N; i++)
        free(toks[i]);
    free(toks);
    return t_rc_;
}

/* Whether any row of any table of the public schema contains needle (as text). */
static int t_db_contains(PGconn *c, const char *needle)
{
    char *tables = t_rows(c, "SELECT quote_ident(table_name) FROM information_schema.tables "
                             "WHERE table_schema = 'public' ORDER BY 1");
    int found = 0;

    if (!tables)
        return -1;
    for (char *save = NULL, *t = strtok_r(tables, "\n", &save); t;
         t = strtok_r(NULL, "\n", &save)) {
        char sql[256], *rows;
        snprintf(sql, sizeof(sql), "SELECT x::text FROM public.%s AS x", t);
        if (!(rows = t_rows(c, sql))) {
            found = -1;
            break;
        }
        if (strstr(rows, needle))
            found++;
        free(rows);
    }
    free(tables);
    return found;
}

int test_1211_token_bootstrap(void);
int test_1211_token_bootstrap(void)
{
    char db[64] = "", dsn[512], err[512], t1[ENG_TOKEN_STR], t2[ENG_TOKEN_STR], t3[ENG_TOKEN_STR];
    char h[ENG_TOKEN_HASH_STR], want[1024], sql[512];
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1211", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    if (eng_token_bootstrap(dsn, "admin@example.com", "admin", t1, sizeof(t1), err,
                            sizeof(err)) != SV_OK)
        T_FAILF("eng_token_bootstrap: %s", err);
    T_ASSERT(eng_token_well_formed(t1));
    T_ASSERT((c = t_connect(dsn)) != NULL);
    T_ROWS_EQ(c, "SELECT id, email, role FROM users", "1|admin@example.com|admin\n");
    /* the table holds the SHA-256 hex of the token, its first 8 characters, the role's scopes */
    T_ASSERT(eng_token_hash(t1, h) == SV_OK);
    snprintf(want, sizeof(want), "1|%s|%.8s|{admin,read,bet}|f|f\n", h, t1);
    T_ROWS_EQ(c, "SELECT user_id, token_hash, prefix, scopes, last_used_at IS NOT NULL, "
                 "revoked_at IS NOT NULL FROM api_tokens",
              want);
    /* the token is nowhere (whole, its random part, its tail); its hash is (the search works) */
    T_ASSERT_INT(t_db_contains(c, t1), ==, 0);
    T_ASSERT_INT(t_db_contains(c, t1 + 3), ==, 0);
    T_ASSERT_INT(t_db_contains(c, t1 + 8), ==, 0);
    T_ASSERT_INT(t_db_contains(c, h), ==, 1);
    /* the lookup the REST API does */
    snprintf(sql, sizeof(sql),
             "SELECT u.email FROM api_tokens t JOIN users u ON u.id = t.user_id "
             "WHERE t.token_hash = '%s' AND t.revoked_at IS NULL",
             h);
    T_ROWS_EQ(c, sql, "admin@example.com\n");

    /* again: a second token for the same user */
    if (eng_token_bootstrap(dsn, "admin@example.com", "admin", t2, sizeof(t2), err,
                            sizeof(err)) != SV_OK)
        T_FAILF("eng_token_bootstrap (2): %s", err);
    T_ASSERT(strcmp(t1, t2) != 0);
    T_ROWS_EQ(c, "SELECT count(*), count(DISTINCT token_hash), count(DISTINCT user_id) "
                 "FROM api_tokens",
              "2|2|1\n");
    T_ROWS_EQ(c, "SELECT count(*) FROM users", "1\n");
    T_ASSERT_INT(t_db_contains(c, t2 + 3), ==, 0);

    /* the same address in other case, role user: same account, role and scopes follow */
    if (eng_token_bootstrap(dsn, "ADMIN@Example.com", "user", t3, sizeof(t3), err,
                            sizeof(err)) != SV_OK)
        T_FAILF("eng_token_bootstrap (3): %s", err);
    T_ROWS_EQ(c, "SELECT id, email, role FROM users", "1|admin@example.com|user\n");
    T_ASSERT(eng_token_hash(t3, h) == SV_OK);
    snprintf(sql, sizeof(sql), "SELECT user_id, scopes FROM api_tokens WHERE token_hash = '%s'",
             h);
    T_ROWS_EQ(c, sql, "1|{read,bet}\n");
    T_ROWS_EQ(c, "SELECT count(*) FROM api_tokens", "3\n");
    T_ASSERT_INT(t_db_contains(c, t3 + 3), ==, 0);
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

int test_1212_token_bootstrap_errors(void);
int test_1212_token_bootstrap_errors(void)
{
    char db[64] = "", dsn[512], err[512], tok[ENG_TOKEN_STR], small[16], out[64];
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1212", db, sizeof(db), dsn, sizeof(dsn)));
    /* not migrated yet */
    T_ASSERT_INT(eng_token_bootstrap(dsn, "a@example.com", "admin", tok, sizeof(tok), err,
                                     sizeof(err)),
                 ==, SV_ERR_PG);
    T_ASSERT_CONTAINS(err, "--migrate");
    T_ASSERT_STR(tok, "");
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);

    T_ASSERT_INT(eng_token_bootstrap(dsn, "a@example.com", "root", tok, sizeof(tok), err,
                                     sizeof(err)),
                 ==, SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err, "role");
    T_ASSERT_INT(eng_token_bootstrap(dsn, "a@example.com", NULL, tok, sizeof(tok), err,
                                     sizeof(err)),
                 ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_token_bootstrap(dsn, "", "admin", tok, sizeof(tok), err, sizeof(err)), ==,
                 SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err, "email");
    T_ASSERT_INT(eng_token_bootstrap(dsn, "a@example.com", "admin", small, sizeof(small), err,
                                     sizeof(err)),
                 ==, SV_ERR_INVALID);
    T_ASSERT_STR(small, "");
    T_ASSERT_INT(eng_token_bootstrap(dsn, "not-an-address", "admin", tok, sizeof(tok), err,
                                     sizeof(err)),
                 ==, SV_ERR_INVALID);
    T_ASSERT_CONTAINS(err, "\"not-an-address\" is not a valid email address");
    T_ASSERT_STR(tok, "");
    T_ASSERT((c = t_connect(dsn)) != NULL);
    t_q1(c, "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM api_tokens)",
         out, sizeof(out));
    T_ASSERT_STR(out, "0 0");
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

int test_1213_token_injection(void);
int test_1213_token_injection(void)
{
    static const char evil[] = "x'); drop table users;--@example.com";
    char db[64] = "", dsn[512], err[512], tok[ENG_TOKEN_STR], out[256];
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1213", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    if (eng_token_bootstrap(dsn, evil, "user", tok, sizeof(tok), err, sizeof(err)) != SV_OK)
        T_FAILF("eng_token_bootstrap: %s", err);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    T_ROWS_EQ(c, "SELECT email, role FROM users", "x'); drop table users;--@example.com|user\n");
    t_q1(c, "SELECT count(*) FROM api_tokens", out, sizeof(out));
    T_ASSERT_STR(out, "1");
    /* and a role that tries */
    T_ASSERT_INT(eng_token_bootstrap(dsn, "b@example.com", "admin'); drop table users;--", tok,
                                     sizeof(tok), err, sizeof(err)),
                 ==, SV_ERR_INVALID);
    t_q1(c, "SELECT to_regclass('public.users') IS NOT NULL", out, sizeof(out));
    T_ASSERT_STR(out, "t");
end:
    PQfinish(c);
    t_db_drop(db);
    return t_rc_;
}

/* ---------------------------------------------------------------------------------------------
 * 1220-1229: the pool on a real event_base
 */

/* A store on L for dsn, started; NULL with the reason printed. */
static eng_store_t *t_store(t_loop_t *L, const eng_store_conf_t *conf,
                            const char *const (*stmts)[3], size_t n)
{
    char err[512];
    eng_store_t *s = eng_store_new(L->base, conf, err, sizeof(err));

    if (!s) {
        fprintf(stderr, "    eng_store_new: %s\n", err);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (eng_store_prepare(s, stmts[i][0], stmts[i][1], atoi(stmts[i][2])) != SV_OK) {
            fprintf(stderr, "    eng_store_prepare %s failed\n", stmts[i][0]);
            eng_store_free(s);
            return NULL;
        }
    if (eng_store_start(s) != SV_OK) {
        eng_store_free(s);
        return NULL;
    }
    return s;
}

static bool t_store_all_up(const eng_store_t *s, uint64_t n)
{
    eng_store_stats_t st;
    eng_store_stats(s, &st);
    return st.conns_up == n;
}

static const char *const t_stmts_basic[][3] = {
    {"add", "SELECT $1::int + $2::int", "2"},
    {"echo", "SELECT $1::text", "1"},
    {"echo_bytea", "SELECT $1::bytea, octet_length($1::bytea)", "1"},
    {"nothing", "SELECT 1 WHERE false", "0"},
    {"sleep", "SELECT $1::int, pg_sleep($2::float8)", "2"},
};

int test_1220_store_basic(void);
int test_1220_store_basic(void)
{
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t r = {0}, rs[3] = {{0}};
    char db[64] = "", dsn[512], err[256];
    const char *v2[2] = {"2", "40"}, *v1[1];
    static const char bin[3] = {'a', '\0', 'b'};
    const char *bv[1] = {bin};
    int blen[1] = {3}, bfmt[1] = {1};
    T_BEGIN;

    T_ASSERT(t_db_create("1220", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 2, 5000, 1000);
    T_ASSERT((s = eng_store_new(L.base, &conf, err, sizeof(err))) != NULL);
    /* before start: nothing runs */
    T_ASSERT_INT(eng_store_query(s, "add", 2, v2, NULL, NULL, t_cb, &r), ==, SV_ERR_INVALID);
    T_ASSERT(eng_store_prepare(s, "add", "SELECT $1::int + $2::int", 2) == SV_OK);
    T_ASSERT_INT(eng_store_query(s, "add", 2, v2, NULL, NULL, t_cb, &r), ==, SV_ERR_INVALID);
    eng_store_free(s);
    s = NULL;

    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    T_ASSERT(!eng_store_up(s));
    /* queries before the pool is up wait for it */
    T_ASSERT_INT(eng_store_query(s, "add", 2, v2, NULL, NULL, t_cb, &rs[0]), ==, SV_OK);
    T_ASSERT_INT(rs[0].calls, ==, 0); /* never from inside the call */
    T_LOOP_UNTIL(&L, rs[0].calls > 0, 10);
    T_ASSERT_INT(rs[0].calls, ==, 1);
    T_ASSERT_INT(rs[0].rc, ==, SV_OK);
    T_ASSERT_STR(rs[0].val, "42");
    T_ASSERT(eng_store_up(s));
    T_LOOP_UNTIL(&L, t_store_all_up(s, 2), 10);
    T_ASSERT(t_store_all_up(s, 2));

    v1[0] = "héllo wörld";
    T_ASSERT_INT(t_run(&L, s, "echo", 1, v1, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "héllo wörld");
    v1[0] = NULL; /* SQL NULL */
    T_ASSERT_INT(t_run(&L, s, "echo", 1, v1, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "(null)");
    T_ASSERT_INT(t_run(&L, s, "nothing", 0, NULL, &r, 5), ==, SV_OK);
    T_ASSERT_INT(r.ntuples, ==, 0);
    /* a binary parameter with a NUL byte */
    free(r.rows);
    memset(&r, 0, sizeof(r));
    T_ASSERT_INT(eng_store_query(s, "echo_bytea", 1, bv, blen, bfmt, t_cb, &r), ==, SV_OK);
    T_LOOP_UNTIL(&L, r.calls > 0, 5);
    T_ASSERT_INT(r.rc, ==, SV_OK);
    T_ASSERT_STR(r.rows, "\\x610062|3\n");
    /* ad-hoc SQL with parameters */
    v2[0] = "7";
    v2[1] = "6";
    T_ASSERT_INT(t_run_sql(&L, s, "SELECT $1::int * $2::int, 'x'", 2, v2, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "42|x\n");
    T_ASSERT_INT(t_run_sql(&L, s, "SELECT current_setting('statement_timeout'), "
                                  "current_setting('application_name')",
                           0, NULL, &r, 5),
                 ==, SV_OK);
    T_ASSERT_STR(r.rows, "5s|savant-engine\n");

    /* refused at once: unknown statement, wrong arity, binary without a length */
    T_ASSERT_INT(eng_store_query(s, "nope", 0, NULL, NULL, NULL, t_cb, &r), ==, SV_ERR_NOENT);
    T_ASSERT_INT(eng_store_query(s, "add", 1, v2, NULL, NULL, t_cb, &r), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_query(s, "echo_bytea", 1, bv, NULL, bfmt, t_cb, &r), ==,
                 SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "late", "SELECT 1", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_start(s), ==, SV_ERR_INVALID);

    /* three at once over two connections, each gets its own answer */
    for (int i = 0; i < 3; i++) {
        static const char *nums[3][2] = {{"1", "0.05"}, {"2", "0.05"}, {"3", "0.05"}};
        T_ASSERT_INT(eng_store_query(s, "sleep", 2, nums[i], NULL, NULL, t_cb, &rs[i]), ==,
                     SV_OK);
        rs[i].calls = 0;
    }
    T_LOOP_UNTIL(&L, rs[0].calls && rs[1].calls && rs[2].calls, 5);
    for (int i = 0; i < 3; i++) {
        char w[16];
        snprintf(w, sizeof(w), "%d", i + 1);
        T_ASSERT_INT(rs[i].calls, ==, 1);
        T_ASSERT_STR(rs[i].val, w);
    }
    eng_store_stats(s, &st);
    T_ASSERT(st.up);
    T_ASSERT_INT(st.conns_up, ==, 2);
    T_ASSERT_INT(st.connects, ==, 2);
    T_ASSERT_INT(st.queries, ==, 10);
    T_ASSERT_INT(st.ok, ==, 10);
    T_ASSERT_INT(st.errors, ==, 0);
    T_ASSERT_INT(st.in_flight, ==, 0);
    T_ASSERT_INT(st.queued, ==, 0);
    T_ASSERT_INT(st.reconnects, ==, 0);
end:
    eng_store_free(s);
    t_res_release(&r, 1);
    t_res_release(rs, 3);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

int test_1221_store_pool(void);
int test_1221_store_pool(void)
{
    enum { N = 8 };
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t rs[N + 1] = {{0}};
    char db[64] = "", dsn[512], vals[N][2][16], out[64], sql[256];
    const char *v[N][2];
    uint64_t max_inflight = 0;
    PGconn *c = NULL;
    double t0, dt;
    int done;
    T_BEGIN;

    T_ASSERT(t_db_create("1221", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 3, 5000, 1000);
    conf.queue_max = N;
    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    T_LOOP_UNTIL(&L, t_store_all_up(s, 3), 10);
    T_ASSERT(t_store_all_up(s, 3));
    /* the server sees exactly the pool */
    T_ASSERT((c = t_connect(dsn)) != NULL);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND "
             "application_name = 'savant-engine'",
             db);
    t_q1(c, sql, out, sizeof(out));
    T_ASSERT_STR(out, "3");

    /* N queries of 0.2 s on 3 connections: 3 rounds; one more does not fit in the queue */
    for (int i = 0; i < N; i++) {
        snprintf(vals[i][0], sizeof(vals[i][0]), "%d", 100 + i);
        snprintf(vals[i][1], sizeof(vals[i][1]), "0.2");
        v[i][0] = vals[i][0];
        v[i][1] = vals[i][1];
    }
    t0 = t_now();
    for (int i = 0; i < N; i++)
        T_ASSERT_INT(eng_store_query(s, "sleep", 2, v[i], NULL, NULL, t_cb, &rs[i]), ==, SV_OK);
    T_ASSERT_INT(eng_store_query(s, "sleep", 2, v[0], NULL, NULL, t_cb, &rs[N]), ==,
                 SV_ERR_UNAVAILABLE);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.queued, ==, N);
    T_ASSERT_INT(st.refused, ==, 1);
    for (;;) {
        done = 0;
        for (int i = 0; i < N; i++)
            done += rs[i].calls;
        eng_store_stats(s, &st);
        if (st.in_flight > max_inflight)
            max_inflight = st.in_flight;
        if (done == N || t_now() - t0 > 10)
            break;
        event_base_loop(L.base, EVLOOP_ONCE);
    }
    dt = t_now() - t0;
    T_ASSERT_INT(done, ==, N);
    for (int i = 0; i < N; i++) {
        T_ASSERT_INT(rs[i].calls, ==, 1);
        T_ASSERT_INT(rs[i].rc, ==, SV_OK);
        T_ASSERT_STR(rs[i].val, vals[i][0]);
    }
    T_ASSERT_INT(rs[N].calls, ==, 0);
    T_ASSERT_INT(max_inflight, ==, 3);
    if (dt < 0.55 || dt > 2.0)
        T_FAILF("8 queries of 0.2 s on 3 connections took %.3f s (want about 0.6)", dt);
end:
    PQfinish(c);
    eng_store_free(s);
    t_res_release(rs, N + 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}


static const char *const t_stmts_bets[][3] = {
    {"user_new",
     "INSERT INTO users (email, role, max_stake, daily_exposure) VALUES ($1, $2, $3, $4) "
     "RETURNING id",
     "4"},
    /* one bet per click: a repeat returns the original (created = false) */
    {"bet_place",
     "WITH ins AS (INSERT INTO bets (bet_id, click_id, user_id, signal_id, event_id, market, "
     "side, player, point, book, price, stake) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
     "$11, $12) ON CONFLICT (click_id) DO NOTHING RETURNING bet_id, status, stake) "
     "SELECT bet_id, status, stake, true FROM ins UNION ALL SELECT bet_id, status, stake, false "
     "FROM bets WHERE click_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)",
     "12"},
    {"bet_get",
     "SELECT bet_id, click_id, user_id, signal_id, event_id, market, side, player, point, book, "
     "price, stake, status, reason, placed_price, closing_price, clv, pnl FROM bets "
     "WHERE bet_id = $1",
     "1"},
    {"bet_result",
     "UPDATE bets SET status = $2, placed_price = $3, reason = $4 WHERE bet_id = $1 AND "
     "status = 'pending' RETURNING status, placed_price",
     "4"},
    {"bet_grade",
     "UPDATE bets SET status = $2, pnl = $3, closing_price = $4, clv = $5 WHERE bet_id = $1 "
     "RETURNING status, pnl, clv",
     "5"},
    {"exposure",
     "SELECT coalesce(sum(stake), 0) FROM bets WHERE user_id = $1 AND status NOT IN "
     "('rejected', 'void') AND created_at >= date_trunc('day', now(), 'UTC')",
     "1"},
    {"table_exists", "SELECT to_regclass($1) IS NOT NULL", "1"},
};

int test_1222_store_injection(void);
int test_1222_store_injection(void)
{
    static const char evil[] = "x'); drop table users;--";
    static const char *const evils[] = {
        "x'); drop table users;--",
        "'; DELETE FROM bets; --",
        "Robert\"); DROP TABLE bets;--",
        "$1; SELECT pg_sleep(10); --",
        "\\'; TRUNCATE users CASCADE; --",
        "1 OR 1=1",
    };
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    t_res_t r = {0};
    char db[64] = "", dsn[512], err[512], uid[32], bet[32], click[32], want[1024];
    const char *v[12];
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1222", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 2, 5000, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_bets, SV_ARRAY_SIZE(t_stmts_bets))) != NULL);

    v[0] = "x'); drop table users;--@example.com";
    v[1] = "user";
    v[2] = "100";
    v[3] = "1000";
    T_ASSERT_INT(t_run(&L, s, "user_new", 4, v, &r, 10), ==, SV_OK);
    snprintf(uid, sizeof(uid), "%.31s", r.val);
    T_ASSERT_STR(uid, "1");
    /* the brief's string in every text field of a bet, and others in the rest */
    for (size_t i = 0; i < SV_ARRAY_SIZE(evils); i++) {
        snprintf(bet, sizeof(bet), "b%zu", i);
        snprintf(click, sizeof(click), "%s%zu", i == 0 ? "" : "c", i);
        v[0] = bet;
        v[1] = i == 0 ? evil : click;
        v[2] = uid;
        v[3] = evils[i];
        v[4] = evils[(i + 1) % SV_ARRAY_SIZE(evils)];
        v[5] = "h2h";
        v[6] = evil;
        v[7] = evils[i];
        v[8] = NULL;
        v[9] = evils[(i + 2) % SV_ARRAY_SIZE(evils)];
        v[10] = "-110";
        v[11] = "10";
        T_ASSERT_INT(t_run(&L, s, "bet_place", 12, v, &r, 10), ==, SV_OK);
        snprintf(want, sizeof(want), "%s|pending|10.00|t\n", bet);
        T_ASSERT_STR(r.rows, want);
    }
    /* everything is still there, and read back byte for byte */
    v[0] = "public.users";
    T_ASSERT_INT(t_run(&L, s, "table_exists", 1, v, &r, 10), ==, SV_OK);
    T_ASSERT_STR(r.val, "t");
    v[0] = "b0";
    T_ASSERT_INT(t_run(&L, s, "bet_get", 1, v, &r, 10), ==, SV_OK);
    snprintf(want, sizeof(want),
             "b0|%s|1|%s|%s|h2h|%s|%s|(null)|%s|-110|10.00|pending|(null)|(null)|(null)|(null)|"
             "(null)\n",
             evil, evils[0], evils[1], evil, evils[0], evils[2]);
    T_ASSERT_STR(r.rows, want);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    T_ROWS_EQ(c, "SELECT count(*) FROM bets", "6\n");
    T_ROWS_EQ(c, "SELECT email FROM users", "x'); drop table users;--@example.com\n");
    T_ROWS_EQ(c, "SELECT count(*) FROM bets WHERE side = 'x''); drop table users;--'", "6\n");
    T_ROWS_EQ(c, "SELECT player FROM bets ORDER BY bet_id",
              "x'); drop table users;--\n'; DELETE FROM bets; --\nRobert\"); DROP TABLE bets;--\n"
              "$1; SELECT pg_sleep(10); --\n\\'; TRUNCATE users CASCADE; --\n1 OR 1=1\n");
    /* ad-hoc SQL: the value is data, never code */
    v[0] = "1; DROP TABLE bets";
    T_ASSERT_INT(t_run_sql(&L, s, "SELECT count(*) FROM bets WHERE bet_id = $1", 1, v, &r, 10), ==,
                 SV_OK);
    T_ASSERT_STR(r.val, "0");
    T_ROWS_EQ(c, "SELECT to_regclass('public.bets') IS NOT NULL", "t\n");
end:
    PQfinish(c);
    eng_store_free(s);
    t_res_release(&r, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

int test_1223_store_sql_error(void);
int test_1223_store_sql_error(void)
{
    static const char *const bad_stmts[][3] = {{"bad", "SELEC 1", "0"}};
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t r = {0};
    char db[64] = "", dsn[512];
    const char *v[2] = {"1", "0"};
    T_BEGIN;

    T_ASSERT(t_db_create("1223", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 1, 5000, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    T_ASSERT_INT(t_run_sql(&L, s, "CREATE TABLE u (k text PRIMARY KEY)", 0, NULL, &r, 10), ==,
                 SV_OK);
    v[0] = "one";
    T_ASSERT_INT(t_run_sql(&L, s, "INSERT INTO u VALUES ($1)", 1, v, &r, 5), ==, SV_OK);
    /* a unique violation: SV_ERR_PG with the result, the connection stays usable */
    T_ASSERT_INT(t_run_sql(&L, s, "INSERT INTO u VALUES ($1)", 1, v, &r, 5), ==, SV_ERR_PG);
    T_ASSERT_STR(r.state, "23505");
    T_ASSERT(!r.res_null);
    T_ASSERT_INT(t_run_sql(&L, s, "SELEC 1", 0, NULL, &r, 5), ==, SV_ERR_PG);
    T_ASSERT_STR(r.state, "42601");
    v[0] = "abc";
    v[1] = "1";
    T_ASSERT_INT(t_run(&L, s, "add", 2, v, &r, 5), ==, SV_ERR_PG);
    T_ASSERT_STR(r.state, "22P02");
    T_ASSERT_INT(t_run_sql(&L, s, "SELECT 1; SELECT 2", 0, NULL, &r, 5), ==, SV_ERR_PG);
    v[0] = "20";
    v[1] = "22";
    T_ASSERT_INT(t_run(&L, s, "add", 2, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "42");
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.sql_errors, ==, 4);
    T_ASSERT_INT(st.errors, ==, 4);
    T_ASSERT_INT(st.connects, ==, 1);
    T_ASSERT_INT(st.conn_errors, ==, 0);
    eng_store_free(s);

    /* a statement that cannot be prepared: no connection ever comes up, queries are refused */
    t_conf(&conf, dsn, 2, 5000, 200);
    T_ASSERT((s = t_store(&L, &conf, bad_stmts, 1)) != NULL);
    T_ASSERT_INT(eng_store_query(s, "bad", 0, NULL, NULL, NULL, t_cb, &r), ==, SV_OK);
    r.calls = 0;
    T_LOOP_UNTIL(&L, r.calls > 0, 5);
    T_ASSERT_INT(r.calls, ==, 1);
    T_ASSERT_INT(r.rc, ==, SV_ERR_UNAVAILABLE);
    T_ASSERT(!eng_store_up(s));
    T_ASSERT_INT(eng_store_query(s, "bad", 0, NULL, NULL, NULL, t_cb, &r), ==, SV_ERR_UNAVAILABLE);
    T_LOOP_UNTIL(&L, (eng_store_stats(s, &st), st.conn_errors >= 4), 5); /* both, twice */
    T_ASSERT(st.down);
    T_ASSERT_INT(st.connects, ==, 0);
    T_ASSERT_INT(st.conn_errors, >=, 4);
    T_ASSERT_INT(st.reconnects, >=, 2);
end:
    eng_store_free(s);
    t_res_release(&r, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

int test_1224_store_timeout(void);
int test_1224_store_timeout(void)
{
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t a = {0}, b = {0}, r = {0};
    char db[64] = "", dsn[512], sql[256], out[32];
    const char *va[2] = {"1", "3"}, *vb[2] = {"2", "0.25"}, *vq[2] = {"3", "0"};
    PGconn *c = NULL;
    double t0;
    int ticks0;
    T_BEGIN;

    T_ASSERT(t_db_create("1224", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 1, 300, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    T_LOOP_UNTIL(&L, eng_store_up(s), 5);
    T_ASSERT(eng_store_up(s));

    /* a 3 s statement with a 300 ms budget: answered at 300 ms, the loop never stalls; the one
     * queued behind it times out too (its budget counts from submission) */
    t0 = t_now();
    ticks0 = t_ticks;
    t_tick_gap_max = 0;
    T_ASSERT_INT(eng_store_query(s, "sleep", 2, va, NULL, NULL, t_cb, &a), ==, SV_OK);
    T_ASSERT_INT(eng_store_query(s, "sleep", 2, vb, NULL, NULL, t_cb, &b), ==, SV_OK);
    T_LOOP_UNTIL(&L, a.calls && b.calls, 5);
    T_ASSERT_INT(a.calls, ==, 1);
    T_ASSERT_INT(a.rc, ==, SV_ERR_TIMEOUT);
    T_ASSERT(a.res_null);
    T_ASSERT_INT(b.calls, ==, 1);
    T_ASSERT_INT(b.rc, ==, SV_ERR_TIMEOUT);
    if (a.at - t0 < 0.29 || a.at - t0 > 1.0)
        T_FAILF("timeout after %.3f s (want 0.3)", a.at - t0);
    T_ASSERT_INT(t_ticks - ticks0, >=, 15);
    T_ASSERT(t_tick_gap_max < 0.25);
    /* the server ended the statement (statement_timeout): the connection serves again soon,
     * the same one (no reconnect) */
    T_ASSERT_INT(t_run(&L, s, "sleep", 2, vq, &r, 2), ==, SV_OK);
    T_ASSERT_STR(r.val, "3");
    T_ASSERT(t_now() - t0 < 1.0);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.timeouts, ==, 2);
    T_ASSERT_INT(st.connects, ==, 1);
    T_ASSERT_INT(st.reconnects, ==, 0);
    T_ASSERT((c = t_connect(dsn)) != NULL);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND query LIKE "
             "'%%pg_sleep%%' AND state = 'active' AND pid <> pg_backend_pid()",
             db);
    t_q1(c, sql, out, sizeof(out));
    T_ASSERT_STR(out, "0");
end:
    PQfinish(c);
    eng_store_free(s);
    t_res_release(&a, 1);
    t_res_release(&b, 1);
    t_res_release(&r, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

/* A PostgreSQL server of this test only, in a temp dir (initdb + pg_ctl; as the postgres user
 * when run as root, since initdb refuses root). */
typedef struct t_pg {
    char dir[128]; /* temp dir: the cluster in dir/pg, the socket in dir */
    int port;      /* its port on 127.0.0.1 */
    bool inited;   /* initdb done */
    bool running;  /* started and not stopped */
} t_pg_t;

static int t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int t_sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    fflush(NULL);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define T_PGBIN "PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); "
#define T_ASPG (getuid() == 0 ? "runuser -u postgres -- " : "")

static bool t_pg_init(t_pg_t *P)
{
    memset(P, 0, sizeof(*P));
    snprintf(P->dir, sizeof(P->dir), "/tmp/savant-t12pg.XXXXXX");
    if (!mkdtemp(P->dir)) {
        P->dir[0] = '\0';
        return false;
    }
    chmod(P->dir, 0755);
    if (getuid() == 0 && t_sh("chown postgres '%s'", P->dir) != 0)
        return false;
    P->port = t_free_port();
    if (t_sh(T_PGBIN "%s\"$PGBIN/initdb\" -D '%s/pg' -A trust -U postgres --no-sync -E UTF8 "
                     "--locale=C >'%s/initdb.log' 2>&1",
             T_ASPG, P->dir, P->dir) != 0) {
        t_sh("cat '%s/initdb.log' >&2", P->dir);
        return false;
    }
    P->inited = true;
    return true;
}

static bool t_pg_start(t_pg_t *P)
{
    if (t_sh(T_PGBIN "%s\"$PGBIN/pg_ctl\" -D '%s/pg' -w -t 30 -l '%s/pg.log' -o "
                     "\"-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off\" start >/dev/null",
             T_ASPG, P->dir, P->dir, P->port, P->dir) != 0) {
        t_sh("tail -n 20 '%s/pg.log' >&2", P->dir);
        return false;
    }
    P->running = true;
    return true;
}

static bool t_pg_stop(t_pg_t *P, const char *mode)
{
    int rc = t_sh(T_PGBIN "%s\"$PGBIN/pg_ctl\" -D '%s/pg' -m %s -w -t 30 stop >/dev/null",
                  T_ASPG, P->dir, mode);
    P->running = false;
    return rc == 0;
}

static void t_pg_release(t_pg_t *P)
{
    if (P->running)
        t_pg_stop(P, "immediate");
    if (P->dir[0])
        t_sh("rm -rf '%s'", P->dir);
    memset(P, 0, sizeof(*P));
}

int test_1225_store_outage(void);
int test_1225_store_outage(void)
{
    t_loop_t L = {0};
    t_pg_t P = {0};
    t_cap_t cap = {-1, ""};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st, st0;
    t_res_t r = {0}, slow = {0};
    char dsn[256], *log = NULL;
    const char *v[1] = {"41"};
    double t0, t1;
    int ticks0;
    T_BEGIN;

    T_ASSERT(t_pg_init(&P));
    snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=postgres dbname=postgres", P.port);
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 2, 2000, 400);
    {
        static const char *const stmts[][3] = {{"one", "SELECT $1::int + 1", "1"}};
        T_ASSERT(t_cap_start(&cap));
        T_ASSERT((s = t_store(&L, &conf, stmts, 1)) != NULL);
    }

    /* 1. PostgreSQL absent at start: a query waits for the first attempts, then fails; down,
     * queries refused at once */
    T_ASSERT_INT(eng_store_query(s, "one", 1, v, NULL, NULL, t_cb, &r), ==, SV_OK);
    T_LOOP_UNTIL(&L, (eng_store_stats(s, &st), st.down), 3);
    T_ASSERT(st.down);
    T_ASSERT_INT(r.calls, ==, 1);
    T_ASSERT_INT(r.rc, ==, SV_ERR_UNAVAILABLE);
    t0 = t_now();
    T_ASSERT_INT(eng_store_query(s, "one", 1, v, NULL, NULL, t_cb, &r), ==, SV_ERR_UNAVAILABLE);
    T_ASSERT(t_now() - t0 < 0.05);
    T_ASSERT(!eng_store_up(s));

    /* 2. it starts: the pool connects by itself */
    T_ASSERT(t_pg_start(&P));
    T_LOOP_UNTIL(&L, t_store_all_up(s, 2), 5);
    T_ASSERT(t_store_all_up(s, 2));
    T_ASSERT_INT(t_run(&L, s, "one", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "42");

    /* 3. stopped under a running query: it fails with SV_ERR_UNAVAILABLE, the store goes down */
    T_ASSERT_INT(eng_store_query_sql(s, "SELECT pg_sleep(30)", 0, NULL, NULL, NULL, t_cb, &slow),
                 ==, SV_OK);
    T_LOOP_UNTIL(&L, false, 0.2);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.in_flight, ==, 1);
    T_ASSERT(t_pg_stop(&P, "fast"));
    t0 = t_now();
    T_LOOP_UNTIL(&L, slow.calls > 0 && !eng_store_up(s), 3);
    T_ASSERT_INT(slow.calls, ==, 1);
    T_ASSERT_INT(slow.rc, ==, SV_ERR_UNAVAILABLE);
    T_ASSERT(!eng_store_up(s));
    T_ASSERT(t_now() - t0 < 0.5);

    /* 4. while it is down (1.2 s): every query refused at once, reconnect attempts with a
     * backoff, the loop never stalls */
    eng_store_stats(s, &st0);
    ticks0 = t_ticks;
    t_tick_gap_max = 0;
    t_tick_last = 0;
    t0 = t_now();
    while (t_now() - t0 < 1.2) {
        sv_err_t rc;
        t1 = t_now();
        rc = eng_store_query(s, "one", 1, v, NULL, NULL, t_cb, &r);
        T_ASSERT_INT(rc, ==, SV_ERR_UNAVAILABLE);
        T_ASSERT(t_now() - t1 < 0.05);
        T_LOOP_UNTIL(&L, false, 0.1);
    }
    T_ASSERT_INT(r.calls, ==, 1); /* only the query of step 2 */
    T_ASSERT(st0.down);
    T_ASSERT_INT(t_ticks - ticks0, >=, 60);
    if (t_tick_gap_max > 0.25)
        T_FAILF("the loop stalled %.3f s while postgresql was down", t_tick_gap_max);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.reconnects - st0.reconnects, >=, 4);  /* 100, 200, 400, 400 ms ... x2 */
    T_ASSERT_INT(st.reconnects - st0.reconnects, <=, 16);
    T_ASSERT_INT(st.refused - st0.refused, >=, 10);
    T_ASSERT(!st.up);
    T_ASSERT_INT(st.queued, ==, 0);

    /* 5. back on the same port: reconnected within the backoff, queries run again */
    T_ASSERT(t_pg_start(&P));
    t0 = t_now();
    T_LOOP_UNTIL(&L, t_store_all_up(s, 2), 5);
    T_ASSERT(t_store_all_up(s, 2));
    T_ASSERT(t_now() - t0 < 1.5);
    v[0] = "99";
    T_ASSERT_INT(t_run(&L, s, "one", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "100");

    /* 6. the log: one line per change of state */
    log = t_cap_stop(&cap);
    T_ASSERT(log != NULL);
    T_ASSERT_INT(t_count(log, "event=pg_down"), ==, 2);
    T_ASSERT_INT(t_count(log, "event=pg_up"), ==, 2);
    T_ASSERT(!strstr(log, "password"));
end:
    if (!log && cap.saved >= 0)
        log = t_cap_stop(&cap);
    if (log && t_rc_)
        fprintf(stderr, "    log:\n%s", log);
    free(log);
    eng_store_free(s);
    t_res_release(&r, 1);
    t_res_release(&slow, 1);
    t_loop_release(&L);
    t_pg_release(&P);
    return t_rc_;
}

int test_1226_store_hostname(void);
int test_1226_store_hostname(void)
{
    static const char *const stmts[][3] = {{"one", "SELECT $1::int + 1", "1"}};
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t r = {0};
    char dsn[512];
    const char *v[1] = {"6"};
    int ticks0;
    T_BEGIN;

    T_ASSERT(t_loop_init(&L));
    snprintf(dsn, sizeof(dsn), "postgresql://%s@localhost:%s/postgres?application_name=t1226",
             t_env("PGUSER", "postgres"), t_env("PGPORT", "5432"));
    t_conf(&conf, dsn, 2, 3000, 1000);
    T_ASSERT((s = t_store(&L, &conf, stmts, 1)) != NULL);
    T_ASSERT_INT(t_run(&L, s, "one", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "7");
    T_ASSERT_INT(t_run_sql(&L, s, "SELECT current_setting('application_name')", 0, NULL, &r, 5),
                 ==, SV_OK);
    T_ASSERT_STR(r.val, "t1226");
    eng_store_free(s);
    s = NULL;

    /* .invalid never resolves (RFC 6761): down, and the loop keeps turning */
    t_conf(&conf, "host=pg.savant.invalid port=5432 user=postgres connect_timeout=1", 1, 300,
           100);
    T_ASSERT((s = t_store(&L, &conf, stmts, 1)) != NULL);
    ticks0 = t_ticks;
    T_LOOP_UNTIL(&L, false, 0.8);
    T_ASSERT_INT(t_ticks - ticks0, >=, 40);
    eng_store_stats(s, &st);
    T_ASSERT(!st.up);
    T_ASSERT_INT(st.conn_errors, >=, 1);
    T_ASSERT_INT(eng_store_query(s, "one", 1, v, NULL, NULL, t_cb, &r), ==, SV_ERR_UNAVAILABLE);
    T_LOOP_UNTIL(&L, false, 0.1); /* freed while a lookup may be in flight */
end:
    eng_store_free(s);
    t_res_release(&r, 1);
    t_loop_release(&L);
    return t_rc_;
}

/* A callback that submits another query from inside (during eng_store_free: refused). */
typedef struct t_reentry {
    eng_store_t *s;
    t_res_t first, second;
    sv_err_t submit_rc;
} t_reentry_t;

static void t_cb_reenter(void *arg, const PGresult *res, sv_err_t rc)
{
    t_reentry_t *re = arg;

    t_cb(&re->first, res, rc);
    re->submit_rc = eng_store_query_sql(re->s, "SELECT 1", 0, NULL, NULL, NULL, t_cb, &re->second);
}

int test_1227_store_free_inflight(void);
int test_1227_store_free_inflight(void)
{
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t rs[4] = {{0}};
    t_reentry_t re;
    char db[64] = "", dsn[512];
    T_BEGIN;

    memset(&re, 0, sizeof(re));
    T_ASSERT(t_db_create("1227", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 1, 20000, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    re.s = s;
    T_LOOP_UNTIL(&L, eng_store_up(s), 5);
    /* one running, three waiting, one of them submits again from its callback */
    T_ASSERT_INT(eng_store_query_sql(s, "SELECT pg_sleep(10)", 0, NULL, NULL, NULL, t_cb, &rs[0]),
                 ==, SV_OK);
    T_LOOP_UNTIL(&L, false, 0.2);
    for (int i = 1; i < 4; i++)
        T_ASSERT_INT(eng_store_query_sql(s, "SELECT 1", 0, NULL, NULL, NULL, t_cb, &rs[i]), ==,
                     SV_OK);
    T_ASSERT_INT(eng_store_query_sql(s, "SELECT 2", 0, NULL, NULL, NULL, t_cb_reenter, &re), ==,
                 SV_OK);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.in_flight, ==, 1);
    T_ASSERT_INT(st.queued, ==, 4);
    eng_store_free(s);
    s = NULL;
    for (int i = 0; i < 4; i++) {
        T_ASSERT_INT(rs[i].calls, ==, 1);
        T_ASSERT_INT(rs[i].rc, ==, SV_ERR_UNAVAILABLE);
    }
    T_ASSERT_INT(re.first.calls, ==, 1);
    T_ASSERT_INT(re.first.rc, ==, SV_ERR_UNAVAILABLE);
    T_ASSERT_INT(re.submit_rc, ==, SV_ERR_UNAVAILABLE);
    T_ASSERT_INT(re.second.calls, ==, 0);
    /* nothing fires afterwards */
    T_LOOP_UNTIL(&L, false, 0.2);
    for (int i = 0; i < 4; i++)
        T_ASSERT_INT(rs[i].calls, ==, 1);
end:
    eng_store_free(s);
    t_res_release(rs, 4);
    t_res_release(&re.first, 1);
    t_res_release(&re.second, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

int test_1228_store_conf_errors(void);
int test_1228_store_conf_errors(void)
{
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    char err[512], dsn[256];
    T_BEGIN;

    T_ASSERT(t_loop_init(&L));
    t_dsn(dsn, sizeof(dsn), "postgres");
#define T_BAD_CONF(field, value, needle)                                                           \
    do {                                                                                           \
        t_conf(&conf, dsn, 2, 1000, 1000);                                                         \
        conf.field = value;                                                                        \
        err[0] = '\0';                                                                             \
        T_ASSERT(eng_store_new(L.base, &conf, err, sizeof(err)) == NULL);                          \
        T_ASSERT_CONTAINS(err, needle);                                                            \
    } while (0)
    T_BAD_CONF(pool_size, 0, "pg.pool_size");
    T_BAD_CONF(pool_size, 65, "pg.pool_size");
    T_BAD_CONF(timeout_ms, 0, "pg.timeout_ms");
    T_BAD_CONF(backoff_max_ms, 99, "pg.backoff_max_ms");
    T_BAD_CONF(queue_max, -1, "queue_max");
    T_BAD_CONF(dsn, "host=127.0.0.1 bogus_option=1", "pg.dsn: invalid connection option");
    T_BAD_CONF(dsn, "postgresql://u:s3cr3t-pw@127.0.0.1:5432/db?bogus=1", "pg.dsn");
    T_ASSERT(!strstr(err, "s3cr3t-pw"));
    T_BAD_CONF(dsn, NULL, "pg.dsn");
#undef T_BAD_CONF

    t_conf(&conf, dsn, 1, 1000, 1000);
    T_ASSERT((s = eng_store_new(L.base, &conf, err, sizeof(err))) != NULL);
    T_ASSERT_INT(eng_store_prepare(s, "ok_name_1", "SELECT 1", 0), ==, SV_OK);
    T_ASSERT_INT(eng_store_prepare(s, "ok_name_1", "SELECT 2", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "Bad", "SELECT 1", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "1st", "SELECT 1", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "x; drop", "SELECT 1", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "", "SELECT 1", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s,
                                   "a234567890123456789012345678901234567890123456789012345678901234",
                                   "SELECT 1", 0),
                 ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "empty", "", 0), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "neg", "SELECT 1", -1), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_start(s), ==, SV_OK);
    T_ASSERT_INT(eng_store_start(s), ==, SV_ERR_INVALID);
    T_ASSERT_INT(eng_store_prepare(s, "late", "SELECT 1", 0), ==, SV_ERR_INVALID);
    eng_store_free(s);
    s = NULL;
    eng_store_free(NULL);
end:
    eng_store_free(s);
    t_loop_release(&L);
    return t_rc_;
}

int test_1229_store_bets_flow(void);
int test_1229_store_bets_flow(void)
{
    t_loop_t L = {0};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    t_res_t r = {0};
    char db[64] = "", dsn[512], err[512];
    const char *v[12];
    T_BEGIN;

    T_ASSERT(t_db_create("1229", db, sizeof(db), dsn, sizeof(dsn)));
    if (eng_migrate(dsn, NULL, err, sizeof(err)) != SV_OK)
        T_FAILF("eng_migrate: %s", err);
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 2, 5000, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_bets, SV_ARRAY_SIZE(t_stmts_bets))) != NULL);

    v[0] = "ann@example.com";
    v[1] = "user";
    v[2] = "50";
    v[3] = "200";
    T_ASSERT_INT(t_run(&L, s, "user_new", 4, v, &r, 10), ==, SV_OK);
    T_ASSERT_STR(r.val, "1");
    /* the click: recorded pending */
    v[0] = "bet-1";
    v[1] = "click-1";
    v[2] = "1";
    v[3] = "sig-1";
    v[4] = "g1";
    v[5] = "spreads";
    v[6] = "Boston Celtics";
    v[7] = NULL;
    v[8] = "-5.5";
    v[9] = "draftkings";
    v[10] = "-110";
    v[11] = "25";
    T_ASSERT_INT(t_run(&L, s, "bet_place", 12, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "bet-1|pending|25.00|t\n");
    /* the same click again (another bet id, another stake): the original, not a second bet */
    v[0] = "bet-1b";
    v[11] = "40";
    T_ASSERT_INT(t_run(&L, s, "bet_place", 12, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "bet-1|pending|25.00|f\n");
    /* another click: exposure is the sum of the day's live stakes, exact */
    v[0] = "bet-2";
    v[1] = "click-2";
    v[11] = "10.10";
    T_ASSERT_INT(t_run(&L, s, "bet_place", 12, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "bet-2|pending|10.10|t\n");
    v[0] = "1";
    T_ASSERT_INT(t_run(&L, s, "exposure", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "35.10");
    /* placement results: accepted at -105, rejected with a reason */
    v[0] = "bet-1";
    v[1] = "placed";
    v[2] = "-105";
    v[3] = NULL;
    T_ASSERT_INT(t_run(&L, s, "bet_result", 4, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "placed|-105\n");
    T_ASSERT_INT(t_run(&L, s, "bet_result", 4, v, &r, 5), ==, SV_OK); /* a repeat: no row */
    T_ASSERT_INT(r.ntuples, ==, 0);
    v[0] = "bet-2";
    v[1] = "rejected";
    v[2] = NULL;
    v[3] = "price moved to +100";
    T_ASSERT_INT(t_run(&L, s, "bet_result", 4, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "rejected|(null)\n");
    v[0] = "1";
    T_ASSERT_INT(t_run(&L, s, "exposure", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "25.00");
    /* graded: a win at -105 pays 25 * 100 / 105 = 23.81 */
    v[0] = "bet-1";
    v[1] = "won";
    v[2] = "23.81";
    v[3] = "-120";
    v[4] = "0.0213";
    T_ASSERT_INT(t_run(&L, s, "bet_grade", 5, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "won|23.81|0.0213\n");
    /* a rejected bet cannot be graded: the database says so */
    v[0] = "bet-2";
    v[1] = "lost";
    v[2] = "-10.10";
    v[3] = NULL;
    v[4] = NULL;
    T_ASSERT_INT(t_run(&L, s, "bet_grade", 5, v, &r, 5), ==, SV_ERR_PG);
    T_ASSERT_STR(r.state, "23514");
    v[0] = "bet-1";
    T_ASSERT_INT(t_run(&L, s, "bet_get", 1, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.rows, "bet-1|click-1|1|sig-1|g1|spreads|Boston Celtics|(null)|-5.5|draftkings|"
                         "-110|25.00|won|(null)|-105|-120|0.0213|23.81\n");
end:
    eng_store_free(s);
    t_res_release(&r, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}

int test_1230_store_conn_killed(void);
int test_1230_store_conn_killed(void)
{
    t_loop_t L = {0};
    t_cap_t cap = {-1, ""};
    eng_store_t *s = NULL;
    eng_store_conf_t conf;
    eng_store_stats_t st;
    t_res_t r = {0};
    char db[64] = "", dsn[512], sql[256], out[64], *log = NULL;
    const char *v[2] = {"1", "2"};
    PGconn *c = NULL;
    T_BEGIN;

    T_ASSERT(t_db_create("1230", db, sizeof(db), dsn, sizeof(dsn)));
    T_ASSERT(t_loop_init(&L));
    t_conf(&conf, dsn, 2, 5000, 1000);
    T_ASSERT((s = t_store(&L, &conf, t_stmts_basic, SV_ARRAY_SIZE(t_stmts_basic))) != NULL);
    T_LOOP_UNTIL(&L, t_store_all_up(s, 2), 5);
    T_ASSERT(t_store_all_up(s, 2));
    T_ASSERT(t_cap_start(&cap));
    /* one idle connection of the pool is terminated by the server */
    T_ASSERT((c = t_connect(dsn)) != NULL);
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s' AND "
             "application_name = 'savant-engine' LIMIT 1",
             db);
    t_q1(c, sql, out, sizeof(out));
    T_ASSERT_STR(out, "t");
    T_LOOP_UNTIL(&L, !t_store_all_up(s, 2), 2);
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.conns_up, ==, 1);
    T_ASSERT(st.up && !st.down);
    /* queries keep running on the other one meanwhile, and it comes back by itself */
    T_ASSERT_INT(t_run(&L, s, "add", 2, v, &r, 5), ==, SV_OK);
    T_ASSERT_STR(r.val, "3");
    T_LOOP_UNTIL(&L, t_store_all_up(s, 2), 3);
    T_ASSERT(t_store_all_up(s, 2));
    eng_store_stats(s, &st);
    T_ASSERT_INT(st.connects, ==, 3);
    T_ASSERT_INT(st.conn_errors, ==, 1);
    T_ASSERT_INT(st.reconnects, ==, 1);
    T_ASSERT_INT(st.errors, ==, 0);
    /* not a change of the store's state: nothing logged above debug */
    log = t_cap_stop(&cap);
    T_ASSERT(log != NULL);
    T_ASSERT_INT(t_count(log, "mod=store"), ==, 0);
end:
    if (!log && cap.saved >= 0)
        log = t_cap_stop(&cap);
    free(log);
    PQfinish(c);
    eng_store_free(s);
    t_res_release(&r, 1);
    t_loop_release(&L);
    t_db_drop(db);
    return t_rc_;
}
