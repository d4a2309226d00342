/*
 * fuzz-config — libFuzzer target: arbitrary bytes as a config file (cfg_load_file) and, line by
 * line, as -X key=value overrides (cfg_load, as cfg_cli_finish applies them). Each must apply or
 * refuse with an error text and leave the config unchanged; what is accepted must print with
 * cfg_dump (--dump-config) to a file that loads back to the same config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_OVERRIDES_MAX 8

static char path[64], dump_path[64];
static char *const no_env[] = {NULL};

static void die(const char *what, const char *errstr)
{
    fprintf(stderr, "fuzz property broken: %s (%s)\n", what, errstr ? errstr : "");
    abort();
}

static int write_file(const char *p, const void *data, size_t size)
{
    FILE *fp = fopen(p, "wb");
    if (!fp)
        return -1;
    fwrite(data, 1, size, fp);
    return fclose(fp);
}

/* --dump-config of an accepted config reads back to the same config. */
static void check_dump(const cfg_t *cfg)
{
    static cfg_t back;
    char errstr[512];
    FILE *fp = fopen(dump_path, "w");
    sv_err_t rc;

    if (!fp)
        return;
    cfg_dump(cfg, fp);
    fclose(fp);
    cfg_defaults(&back);
    rc = cfg_load_file(&back, dump_path, errstr, sizeof(errstr));
    if (rc != SV_OK)
        die("the dump of an accepted config does not load", errstr);
    if (memcmp(&back, cfg, sizeof(back)) != 0)
        die("the dump of an accepted config loads to another config", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cfg_t cfg, before;
    char errstr[512], *text, *lines[FUZZ_OVERRIDES_MAX], *save = NULL, *tok;
    const char *ov[FUZZ_OVERRIDES_MAX];
    size_t n = 0;
    sv_err_t rc;

    if (!path[0]) {
        snprintf(path, sizeof(path), "/tmp/fuzz-config-%d.conf", (int)getpid());
        snprintf(dump_path, sizeof(dump_path), "/tmp/fuzz-config-%d.dump", (int)getpid());
    }

    /* the bytes as a config file */
    if (write_file(path, data, size) != 0)
        return 0;
    cfg_defaults(&cfg);
    memcpy(&before, &cfg, sizeof(cfg));
    errstr[0] = '\0';
    rc = cfg_load_file(&cfg, path, errstr, sizeof(errstr));
    if (rc == SV_OK) {
        check_dump(&cfg);
    } else {
        if (rc != SV_ERR_CONFIG && rc != SV_ERR_NOENT && rc != SV_ERR_RANGE &&
            rc != SV_ERR_INVALID)
            die("cfg_load_file: unexpected error code", errstr);
        if (strncmp(errstr, path, strlen(path)) != 0)
            die("an error without the file name", errstr);
        if (memcmp(&before, &cfg, sizeof(cfg)) != 0)
            die("a refused file changed the config", errstr);
    }

    /* the lines as -X overrides */
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (tok = strtok_r(text, "\n", &save); tok && n < FUZZ_OVERRIDES_MAX;
         tok = strtok_r(NULL, "\n", &save))
        lines[n] = tok, ov[n] = lines[n], n++;
    cfg_defaults(&cfg);
    memcpy(&before, &cfg, sizeof(cfg));
    errstr[0] = '\0';
    rc = cfg_load(&cfg, NULL, no_env, ov, n, errstr, sizeof(errstr));
    if (rc == SV_OK) {
        check_dump(&cfg);
    } else {
        if (!errstr[0])
            die("a refused override without an error", NULL);
        if (memcmp(&before, &cfg, sizeof(cfg)) != 0)
            die("refused overrides changed the config", errstr);
    }
    free(text);
    return 0;
}
