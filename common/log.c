/*
 * log — logfmt lines on stderr, level filtering and per-module debug categories.
 * Each line is formatted into a stack buffer and written with one write(2), so lines from
 * different threads never interleave.
 */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096
#define LOG_DEBUG_MODS_MAX 16
#define LOG_MOD_MAX 24

log_level_t log_level_cur = LOG_LVL_INFO;

static char log_debug_mods[LOG_DEBUG_MODS_MAX][LOG_MOD_MAX]; /* enabled debug modules */
static int log_debug_cnt;                                    /* entries used */
static bool log_debug_all;                                   /* "all" given */

static const char *const log_level_names[] = {"error", "warn", "info", "debug"};

void log_level_set(log_level_t lvl)
{
    log_level_cur = lvl;
}

const char *log_level_name(log_level_t lvl)
{
    return (unsigned)lvl < 4 ? log_level_names[lvl] : "?";
}

sv_err_t log_level_parse(const char *s, log_level_t *lvl)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, log_level_names[i]) == 0) {
            *lvl = (log_level_t)i;
            return SV_OK;
        }
    }
    return SV_ERR_INVALID;
}

sv_err_t log_debug_set(const char *csv)
{
    int cnt = 0;
    bool all = false;
    const char *p = csv;

    while (*p) {
        size_t n = strcspn(p, ",");
        if (n >= LOG_MOD_MAX || cnt >= LOG_DEBUG_MODS_MAX)
            return SV_ERR_INVALID;
        if (n > 0) {
            if (n == 3 && strncmp(p, "all", 3) == 0)
                all = true;
            memcpy(log_debug_mods[cnt], p, n);
            log_debug_mods[cnt][n] = '\0';
            cnt++;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    log_debug_cnt = cnt;
    log_debug_all = all;
    return SV_OK;
}

bool log_debug_enabled(const char *mod)
{
    if (log_level_cur < LOG_LVL_DEBUG)
        return false;
    if (log_debug_all)
        return true;
    for (int i = 0; i < log_debug_cnt; i++)
        if (strcmp(log_debug_mods[i], mod) == 0)
            return true;
    return false;
}

const char *log_quote(char *buf, size_t size, const char *s)
{
    size_t o = 0;
    bool plain = *s != '\0';

    for (const char *c = s; *c; c++)
        if (*c == ' ' || *c == '"' || *c == '=' || *c == '\\' || (unsigned char)*c < 0x20)
            plain = false;
    if (plain || size < 8)
        return plain ? s : "\"\"";
    buf[o++] = '"';
    for (const char *c = s; *c && o + 6 < size; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == '"' || ch == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)ch;
        } else if (ch == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (ch < 0x20) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        } else {
            buf[o++] = (char)ch;
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

void log_vwrite(log_level_t lvl, const char *mod, const char *event, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    struct timeval tv;
    struct tm tm;
    size_t o;
    int n;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = snprintf(line, sizeof(line), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s mod=%s event=%s",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(tv.tv_usec / 1000), log_level_name(lvl), mod, event);
    o = n < 0 ? 0 : (size_t)n;
    if (fmt && *fmt && o + 2 < sizeof(line)) {
        line[o++] = ' ';
        n = vsnprintf(line + o, sizeof(line) - o, fmt, ap);
        if (n > 0)
            o += (size_t)n;
    }
    if (o > sizeof(line) - 2)
        o = sizeof(line) - 2;
    line[o++] = '\n';
    if (write(STDERR_FILENO, line, o) < 0) {
        /* nowhere left to report it */
    }
}

void log_write(log_level_t lvl, const char *mod, const char *event, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(lvl, mod, event, fmt, ap);
    va_end(ap);
}
