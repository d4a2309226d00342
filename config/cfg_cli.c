/*
 * cfg_cli — collects the shared configuration options from a binary's getopt_long loop and turns
 * them, with the environment, into the loaded cfg_t and the log settings at start-up.
 */
#include "cfg_cli.h"

#include <string.h>

#include "log.h"

void cfg_cli_init(cfg_cli_t *cli)
{
    memset(cli, 0, sizeof(*cli));
    cli->dump_out = stdout;
}

sv_err_t cfg_cli_opt(cfg_cli_t *cli, int opt, const char *optarg)
{
    switch (opt) {
    case 'c':
        cli->file = optarg;
        return SV_OK;
    case 'X':
        if (cli->n_overrides < CFG_CLI_OVERRIDES_MAX)
            cli->overrides[cli->n_overrides++] = optarg;
        else
            cli->n_dropped++;
        return SV_OK;
    case CFG_CLI_OPT_DUMP:
        cli->dump_config = true;
        return SV_OK;
    default:
        return SV_ERR_NOENT;
    }
}

sv_err_t cfg_cli_finish(cfg_cli_t *cli, cfg_t *cfg, char *const *envp, char *errstr,
                        size_t errstr_size)
{
    cfg_t tmp;
    sv_err_t err;

    if (cli->n_dropped > 0) {
        snprintf(errstr, errstr_size, "-X: more than %d overrides", CFG_CLI_OVERRIDES_MAX);
        return SV_ERR_USAGE;
    }
    /* A -X that cannot be applied even to the defaults is bad usage (exit 2), not a failure. */
    err = cfg_load(&tmp, NULL, NULL, cli->overrides, cli->n_overrides, errstr, errstr_size);
    if (err != SV_OK)
        return SV_ERR_USAGE;
    err = cfg_load(&tmp, cli->file, envp, cli->overrides, cli->n_overrides, errstr, errstr_size);
    if (err != SV_OK)
        return err;
    /* log.level lists its names in log_level_t order; log.debug was checked against the limits
     * of log_debug_set() when it was set */
    if (log_debug_set(tmp.log_debug) != SV_OK) {
        snprintf(errstr, errstr_size, "log.debug: cannot enable '%s'", tmp.log_debug);
        return SV_ERR_CONFIG;
    }
    log_level_set((log_level_t)tmp.log_level);
    *cfg = tmp;
    if (cli->dump_config) {
        cfg_dump(cfg, cli->dump_out);
        return SV_AGAIN;
    }
    return SV_OK;
}

int cfg_cli_main(cfg_cli_t *cli, cfg_t *cfg, char *const *envp, const char *prog)
{
    char errstr[512];

    switch (cfg_cli_finish(cli, cfg, envp, errstr, sizeof(errstr))) {
    case SV_OK:
        return -1;
    case SV_AGAIN: /* --dump-config printed it */
        return 0;
    case SV_ERR_USAGE:
        fprintf(stderr, "%s: %s\n", prog, errstr);
        return 2;
    default: /* a bad config file, variable or value */
        fprintf(stderr, "%s: %s\n", prog, errstr);
        return 1;
    }
}

void cfg_cli_usage(FILE *out)
{
    fputs("  -c, --config FILE      read the config file FILE (default: $SAVANT_CONFIG, else "
          "none)\n"
          "  -X, --set KEY=VALUE    set a config key; repeatable; wins over file and environment\n"
          "      --dump-config      print the effective configuration as a config file and exit\n",
          out);
}
