/*
 * gen-config-doc — writes the configuration reference generated from the config table: Markdown
 * for docs/configuration.md by default, the documented default config file (config/savant.conf)
 * with --conf. Run by `make docs`; test 0207 checks that both files are up to date.
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--conf") == 0) {
        cfg_doc_conf(stdout);
    } else if (argc == 1) {
        cfg_doc_markdown(stdout);
    } else {
        fprintf(stderr, "usage: gen-config-doc [--conf]\n"
                        "  writes docs/configuration.md (or, with --conf, config/savant.conf) "
                        "to stdout\n");
        return 2;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
