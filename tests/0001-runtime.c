/*
 * 0001–0002: the shared runtime — the error table and logfmt logging.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "sv_err.h"
#include "sv_util.h"

int test_0001_err_table(void);
int test_0002_log_format(void);

int test_0001_err_table(void)
{
    T_BEGIN;
    T_ASSERT_INT(SV_OK, ==, 0);
    T_ASSERT_STR(sv_err2name(SV_OK), "SV_OK");
    T_ASSERT_STR(sv_err2name(SV_ERR_DECODE), "SV_ERR_DECODE");
    T_ASSERT_STR(sv_err2str(SV_ERR_DECODE), "malformed message");
    T_ASSERT_STR(sv_err2name((sv_err_t)-999), "SV_ERR_UNKNOWN");
    T_ASSERT_STR(sv_err2str((sv_err_t)-999), "unknown error");
    T_ASSERT(sv_err_is_retriable(SV_AGAIN));
    T_ASSERT(sv_err_is_retriable(SV_ERR_TIMEOUT));
    T_ASSERT(!sv_err_is_retriable(SV_ERR_SCHEMA));
    T_ASSERT(SV_ERR_FAIL < 0 && SV_ERR_USAGE < 0);
    T_END;
}

/* Captures what log_write() puts on stderr into buf. */
static void capture(char *buf, size_t size, void (*fn)(void))
{
    int fds[2], saved;
    ssize_t n;

    if (pipe(fds) != 0)
        abort();
    saved = dup(2);
    dup2(fds[1], 2);
    fn();
    dup2(saved, 2);
    close(saved);
    close(fds[1]);
    n = read(fds[0], buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fds[0]);
}

static void log_some(void)
{
    char q[64];
    log_level_set(LOG_LVL_INFO);
    log_debug_set("wire");
    LOG_INFO("kin", "commit_failed", "err=%s part=%d msg=%s", sv_err2name(SV_ERR_TIMEOUT), 3,
             log_quote(q, sizeof(q), "broker \"b1\" down"));
    LOG_DEBUG("wire", "hidden", "x=1"); /* level info: no debug line */
    log_level_set(LOG_LVL_DEBUG);
    LOG_DEBUG("wire", "shown", "x=2");
    LOG_DEBUG("kin", "hidden", "x=3"); /* module not enabled */
    log_level_set(LOG_LVL_ERROR);
    LOG_WARN("kin", "hidden", "x=4");
}

int test_0002_log_format(void)
{
    char out[2048];
    log_level_t lvl;
    T_BEGIN;
    capture(out, sizeof(out), log_some);
    /* two lines: the info line, then the enabled debug line; each after a 27-byte timestamp */
    T_ASSERT_INT(strlen(out), >, 27);
    T_ASSERT(strncmp(out + 27, " level=info mod=kin event=commit_failed err=SV_ERR_TIMEOUT part=3 "
                               "msg=\"broker \\\"b1\\\" down\"\nts=", 92) == 0);
    T_ASSERT_CONTAINS(out, "Z level=debug mod=wire event=shown x=2\n");
    T_ASSERT(strstr(out, "hidden") == NULL);
    T_ASSERT(strncmp(out, "ts=20", 5) == 0 && out[7] == '-' && out[13] == 'T' && out[26] == 'Z');
    T_ASSERT_INT(log_level_parse("warn", &lvl), ==, SV_OK);
    T_ASSERT_INT(lvl, ==, LOG_LVL_WARN);
    T_ASSERT_INT(log_level_parse("loud", &lvl), ==, SV_ERR_INVALID);
    T_ASSERT_STR(log_quote(out, sizeof(out), "plain"), "plain");
    T_ASSERT_STR(log_quote(out, sizeof(out), ""), "\"\"");
    T_END;
}
