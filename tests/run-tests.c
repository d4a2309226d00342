/*
 * run-tests — runs the tests of tests/tests.def, each in a forked child with a timeout, and ends
 * with the line `N passed, N failed`.
 *
 *   run-tests [FILTER...]     FILTER (or TESTS=a,b) selects tests whose "NNNN_name" starts with it
 * Environment: SAVANT_ROOT (source tree, default "."), SAVANT_BIN_DIR (binaries, default bin),
 * SAVANT_TEST_TIMEOUT_SCALE (multiplies the 120 s per-test timeout), SAVANT_TEST_NOFORK=1.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define T(num, name, fn) int fn(void);
#define S(num, name, script)
#include "tests.def"
#undef T
#undef S

struct t_entry {
    const char *id;     /* "0001_err_table" */
    int (*fn)(void);    /* C test, or NULL */
    const char *script; /* shell script, or NULL */
};

static const struct t_entry t_entries[] = {
#define T(num, name, fn) {#num "_" #name, fn, NULL},
#define S(num, name, script) {#num "_" #name, NULL, script},
#include "tests.def"
#undef T
#undef S
};

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *t_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("SAVANT_ROOT");
    snprintf(buf, sizeof(buf), "%s/%s", root && *root ? root : ".", rel);
    return buf;
}

const char *t_bin_dir(void)
{
    const char *b = getenv("SAVANT_BIN_DIR");
    return b && *b ? b : "bin";
}

static bool t_selected(const char *id, int argc, char **argv)
{
    const char *env = getenv("TESTS");
    bool any = false;

    for (int i = 1; i < argc; i++) {
        any = true;
        if (strncmp(id, argv[i], strlen(argv[i])) == 0)
            return true;
    }
    if (env && *env) {
        char buf[1024];
        snprintf(buf, sizeof(buf), "%s", env);
        any = true;
        for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
             tok = strtok_r(NULL, ", ", &save))
            if (strncmp(id, tok, strlen(tok)) == 0)
                return true;
    }
    return !any;
}

static double t_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* LeakSanitizer's check, present in ASan builds only: the child ends with _exit, which skips the
 * check LSan runs at exit, so a C test's leaks are looked for here, and fail it. */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static int t_run_child(const struct t_entry *te)
{
    if (te->fn) {
        int rc = te->fn() ? 1 : 0;
        if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check()) {
            fprintf(stderr, "    leaks (LeakSanitizer report above)\n");
            rc = 1;
        }
        return rc;
    }
    execlp("bash", "bash", t_path(te->script), (char *)NULL);
    fprintf(stderr, "    cannot run %s: %s\n", te->script, strerror(errno));
    return 127;
}

static int t_run(const struct t_entry *te, unsigned timeout_s)
{
    const char *nofork = getenv("SAVANT_TEST_NOFORK");
    double deadline;
    pid_t pid;
    int status;

    if (nofork && *nofork == '1' && te->fn)
        return te->fn();
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        setpgid(0, 0); /* the test and whatever it starts form one group the runner can kill */
        _exit(t_run_child(te));
    }
    setpgid(pid, pid);
    /* The timeout is the runner's: at the deadline the whole group is killed, whatever the test
     * is doing (a shell's EXIT trap waiting on a stuck process included). */
    deadline = t_now() + timeout_s;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return 1;
        if (t_now() >= deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            fprintf(stderr, "    timeout after %u s\n", timeout_s);
            return 1;
        }
        usleep(20000);
    }
    kill(-pid, SIGKILL); /* anything a test left behind */
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "    killed by signal %d\n", WTERMSIG(status));
        return 1;
    }
    return WEXITSTATUS(status) != 0;
}

int main(int argc, char **argv)
{
    const char *scale_s = getenv("SAVANT_TEST_TIMEOUT_SCALE");
    double scale = scale_s ? atof(scale_s) : 1.0;
    unsigned timeout_s = (unsigned)(120.0 * (scale > 0 ? scale : 1.0));
    int passed = 0, failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof(t_entries) / sizeof(t_entries[0]); i++) {
        const struct t_entry *te = &t_entries[i];
        double t0;
        int rc;

        if (!t_selected(te->id, argc, argv))
            continue;
        t0 = t_now();
        rc = t_run(te, timeout_s);
        printf("%s %s (%.2fs)\n", rc ? "FAIL" : "ok  ", te->id, t_now() - t0);
        if (rc)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
