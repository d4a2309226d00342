/*
 * cfg_cli — the configuration options every Savant binary shares: `-c FILE` (--config),
 * `-X key=value` (--set, repeatable) and `--dump-config`. A binary keeps its own getopt_long loop
 * and its own options; it adds CFG_CLI_SHORTOPTS and CFG_CLI_LONGOPTS to its option lists, hands
 * every option to cfg_cli_opt() first, and after the loop calls cfg_cli_finish(), which loads the
 * configuration (cfg_load()), applies log.level and log.debug to the log module, and prints the
 * configuration when --dump-config was given:
 *
 *     static const struct option longopts[] = {CFG_CLI_LONGOPTS, {"help", no_argument, NULL, 'h'},
 *                                               {NULL, 0, NULL, 0}};
 *     cfg_cli_t cli;
 *     cfg_cli_init(&cli);
 *     while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "hb:", longopts, NULL)) != -1) {
 *         if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
 *             continue;
 *         switch (opt) { ...the binary's own options; '?' → usage, exit 2... }
 *     }
 *     switch (err = cfg_cli_finish(&cli, &cfg, environ, errstr, sizeof(errstr))) {
 *     case SV_OK: break;
 *     case SV_AGAIN: return 0;                   (--dump-config printed the configuration)
 *     default: fprintf(stderr, "savant-x: %s\n", errstr); return err == SV_ERR_USAGE ? 2 : 1;
 *     }
 *
 * --dump-config reaches the loop as the value 'D' (CFG_CLI_OPT_DUMP), so a binary must not use -D
 * as a short option of its own.
 */
#ifndef SV_CFG_CLI_H
#define SV_CFG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg.h"
#include "sv_err.h"

#define CFG_CLI_OVERRIDES_MAX 64 /* -X options one command line may carry */
#define CFG_CLI_OPT_DUMP 'D'     /* getopt_long value of --dump-config (long option only) */

/* Short options owned by cfg_cli, to put in front of the binary's own optstring. */
#define CFG_CLI_SHORTOPTS "c:X:"

/* Long options owned by cfg_cli, to put in the binary's struct option array. */
#define CFG_CLI_LONGOPTS                                                                           \
    {"config", required_argument, NULL, 'c'}, {"set", required_argument, NULL, 'X'},               \
    {                                                                                              \
        "dump-config", no_argument, NULL, CFG_CLI_OPT_DUMP                                         \
    }

/* What the config options of one command line asked for; fill with cfg_cli_init(). */
typedef struct cfg_cli {
    const char *file;                             /* -c FILE, or NULL; borrowed from argv */
    const char *overrides[CFG_CLI_OVERRIDES_MAX]; /* -X values in order; borrowed from argv */
    size_t n_overrides;                           /* entries used in overrides */
    size_t n_dropped;                             /* -X beyond the maximum (finish fails) */
    bool dump_config;                             /* --dump-config given */
    FILE *dump_out;                               /* where --dump-config prints (stdout) */
} cfg_cli_t;

/**
 * @brief Reset cli: no file, no overrides, no dump, dump_out = stdout.
 * @locality main thread
 */
void cfg_cli_init(cfg_cli_t *cli);

/**
 * @brief Offer one option from getopt_long() to cfg_cli.
 * @param opt the value getopt_long() returned.
 * @param optarg its argument (getopt's optarg); borrowed, must stay valid until cfg_cli_finish()
 *        (argv strings do).
 * @returns SV_OK when the option was -c, -X or --dump-config (recorded; errors in it are reported
 *          by cfg_cli_finish()), SV_ERR_NOENT for any other option, which the caller handles.
 * @locality main thread
 */
sv_err_t cfg_cli_opt(cfg_cli_t *cli, int opt, const char *optarg);

/**
 * @brief Load the configuration (defaults < file < environment < -X; see cfg_load()), apply
 * log.level and log.debug to the log module, and when --dump-config was given print the effective
 * configuration to cli->dump_out.
 * @param envp the environment ("NAME=value", NULL-terminated, e.g. `environ`); borrowed.
 * @returns SV_OK: loaded, carry on; SV_AGAIN: loaded and printed for --dump-config, exit with
 *          status 0 (not an error); SV_ERR_USAGE for a -X that is malformed, in excess, or names an
 *          unknown key or a bad value (exit status 2);
 *          the errors of cfg_load() otherwise (exit status 1). errstr names the key and the
 *          source. On error *cfg is unchanged and the log module untouched.
 * @locality main thread, at start-up (the log settings are process-wide)
 */
sv_err_t cfg_cli_finish(cfg_cli_t *cli, cfg_t *cfg, char *const *envp, char *errstr,
                        size_t errstr_size);

/**
 * @brief cfg_cli_finish() for a main(): on error prints "PROG: reason" on stderr.
 * @param prog the binary's name, for the message
 * @returns -1 to carry on with *cfg loaded; otherwise the exit status for main() to return:
 *          0 after --dump-config printed, 2 for bad usage (a bad -X), 1 for a bad config file or
 *          environment variable.
 * @locality main thread, at start-up
 */
int cfg_cli_main(cfg_cli_t *cli, cfg_t *cfg, char *const *envp, const char *prog);

/**
 * @brief Print the --help lines of the options cfg_cli owns, indented by two spaces.
 * @locality any thread
 */
void cfg_cli_usage(FILE *out);

#endif
