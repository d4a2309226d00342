/*
 * fuzz-feed_files — libFuzzer target: arbitrary bytes as an input file of savant-feed's
 * adapters, The Odds API JSON (feed_oddsapi_file) and football-data CSV (feed_csv_file). Each
 * must convert or report and skip; every event it emits must pass wire_validate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_emit(wire_type_t type, const void *ev, void *arg)
{
    wire_err_t err;
    (void)arg;
    if (wire_validate(type, ev, &err) != SV_OK) {
        fprintf(stderr, "invalid event emitted: %s: %s\n", err.field, err.reason);
        abort();
    }
    return 0;
}

static void report(const char *file, long line, const char *reason, void *arg)
{
    (void)file;
    (void)line;
    (void)arg;
    if (!reason || !*reason)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    feed_stats_t st;
    FILE *fp;

    if (!path[0])
        snprintf(path, sizeof(path), "/tmp/fuzz-feed-%d", (int)getpid());
    fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    memset(&st, 0, sizeof(st));
    feed_oddsapi_file(path, check_emit, report, NULL, &st);
    memset(&st, 0, sizeof(st));
    feed_csv_file(path, check_emit, report, NULL, &st);
    return 0;
}
