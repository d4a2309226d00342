/*
 * savant-score — the explain tool: reads one JSON object per line describing a candidate and its
 * context, runs the engine's scoring pipeline on it (engine/scoring/score.h, the same code the
 * engine runs) and writes one JSON object per line with every engine score, each module's
 * contribution by name, the final score, tier and the reasons. A bad line gets an error object
 * naming the field and the reason; the other lines go on. Input fields: docs/scoring.md.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "scoring/caltime.h"
#include "scoring/pynum.h"
#include "scoring/score.h"
#include "scoring/scorein.h"
#include "sv_util.h"

extern char **environ;

#define LINE_MAX_BYTES (1 << 20) /* longest input line */

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-score [-c FILE] [-X key=value]... [FILE...]\n"
            "\n"
            "Scores candidates with the engine's scoring pipeline and explains every score.\n"
            "Reads one JSON object per line from each FILE (or standard input) and writes one\n"
            "JSON object per line to standard output: ai, research, esoteric, jarvis, base,\n"
            "final, tier, units, confluence, every module's contribution by name, reasons.\n"
            "A bad line gets {\"line\": N, \"error\": \"FIELD: reason\"} and the rest go on.\n"
            "\n"
            "Input fields (docs/scoring.md): sport, home, away, market, side, commence_ts\n"
            "(ms since the epoch or \"YYYY-MM-DDTHH:MM:SSZ\") are required; event_id, player,\n"
            "point, price, home_spread, total, splits{ticket_pct,money_pct,side}, lines[],\n"
            "line_variance, books, espn{spread,total}, season_avg, officials{over_pct,home_bias},\n"
            "weather{temp_f,wind_mph,precip_in,humidity}, def_rank, pace, vacuum, birth_date,\n"
            "line_history[], season_low, season_high, space_weather{kp,xray_flux}, noosphere,\n"
            "streak, significant_dates[], injury, ai are optional; now_ts (the original's\n"
            "request time, to replay its vectors) is optional too.\n"
            "\n"
            "  -c, --config FILE    configuration file (score.* keys shape the scoring)\n"
            "  -X, --set KEY=VALUE  set one configuration key (repeatable)\n"
            "      --dump-config    print the effective configuration and exit\n"
            "      --modules        print the esoteric module registry (Markdown) and exit\n"
            "  -h, --help           this help\n"
            "\n"
            "Exit status: 0 every line scored, 1 some line was bad or a file unreadable,\n"
            "2 bad usage.\n");
}

/* Output: a tiny writer so doubles print as Python prints them (shortest round trip). */

static void put_str(FILE *out, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

    fputs(t ? t : "null", out);
    free(t);
    json_decref(j);
}

static void put_num(FILE *out, double v)
{
    char b[ENG_PY_REPR_MAX];

    if (!isfinite(v))
        fputs("null", out);
    else
        fputs(eng_py_repr(v, b, sizeof(b)), out);
}

static void put_kv_num(FILE *out, const char *k, double v)
{
    fprintf(out, ",\"%s\":", k);
    put_num(out, v);
}

static void write_score(FILE *out, long line, const eng_score_in_t *in, const eng_score_t *sc,
                        const eng_why_t *why)
{
    static const char *const kinds[] = {"SPREAD", "MONEYLINE", "TOTAL", "PROP"};

    fprintf(out, "{\"line\":%ld,\"sport\":", line);
    put_str(out, in->sport);
    fputs(",\"market\":", out);
    put_str(out, in->market);
    fputs(",\"side\":", out);
    put_str(out, in->side);
    if (*in->player) {
        fputs(",\"player\":", out);
        put_str(out, in->player);
    }
    if (in->has_point)
        put_kv_num(out, "point", in->point);
    fprintf(out, ",\"kind\":\"%s\"", kinds[sc->kind]);
    put_kv_num(out, "ai", sc->ai);
    put_kv_num(out, "research", sc->research);
    put_kv_num(out, "esoteric", sc->esoteric);
    fputs(",\"jarvis\":", out);
    if (sc->has_jarvis)
        put_num(out, sc->jarvis);
    else
        fputs("null", out);
    put_kv_num(out, "base", sc->base);
    put_kv_num(out, "context_score", sc->context_score);
    put_kv_num(out, "context_modifier", sc->context_mod);
    fputs(",\"confluence\":{\"level\":", out);
    put_str(out, sc->confluence);
    put_kv_num(out, "alignment", sc->alignment);
    put_kv_num(out, "boost", sc->confluence_boost);
    fputs("}", out);
    put_kv_num(out, "msrf", sc->msrf);
    put_kv_num(out, "jason", sc->jason);
    put_kv_num(out, "hook", sc->hook);
    put_kv_num(out, "totals_calibration", sc->totals_cal);
    put_kv_num(out, "weather", sc->weather);
    put_kv_num(out, "total_boosts", sc->total_boosts);
    put_kv_num(out, "kp_multiplier", sc->kp_mult);
    put_kv_num(out, "final", sc->final);
    put_kv_num(out, "final_2dp", eng_py_round(sc->final, 2));
    fprintf(out, ",\"titanium\":%s,\"immortal\":%s,\"tier\":", sc->titanium ? "true" : "false",
            sc->immortal ? "true" : "false");
    put_str(out, sc->tier);
    put_kv_num(out, "units", sc->units);
    put_kv_num(out, "glitch", sc->glitch10);
    fputs(",\"modules\":{", out);
    for (int i = 0; i < sc->n_parts; i++) {
        if (i)
            fputc(',', out);
        put_str(out, sc->parts[i].name);
        fputc(':', out);
        put_num(out, sc->parts[i].value);
    }
    fputs("},\"reasons\":[", out);
    for (int i = 0; i < why->n; i++) {
        if (i)
            fputc(',', out);
        put_str(out, eng_why_get(why, i));
    }
    fputs("]}\n", out);
}

static void write_error(FILE *out, long line, const char *err)
{
    fprintf(out, "{\"line\":%ld,\"error\":", line);
    put_str(out, err);
    fputs("}\n", out);
}

/* The registry as a Markdown table (docs/scoring.md holds a copy; test 0490 compares them). */
static void print_modules(FILE *out)
{
    static const char *const groups[] = {"core (weighted)", "boost", "GLITCH signal",
                                         "Phase 8 signal"};
    const eng_mod_def_t *m = eng_score_modules();

    fprintf(out, "| module | group | default weight | on | inputs | what it computes |\n"
                 "|---|---|---|---|---|---|\n");
    for (int i = 0; i < ENG_MOD__CNT; i++)
        fprintf(out, "| `%s` | %s | %.2f | %s | %s | %s |\n", m[i].name, groups[m[i].group],
                m[i].weight, m[i].enabled ? "yes" : "no", m[i].inputs, m[i].doc);
}

/* Score every line of fp; returns the number of bad lines. */
static long score_stream(FILE *fp, const char *name, const eng_score_conf_t *conf, FILE *out)
{
    static eng_score_req_t li;
    static eng_score_t sc;
    static eng_why_t why;
    static char buf[LINE_MAX_BYTES];
    eng_score_game_t game;
    char err[256];
    long lineno = 0, bad_lines = 0;

    while (fgets(buf, sizeof(buf), fp)) {
        size_t len = strlen(buf);
        json_error_t jerr;
        json_t *o;

        lineno++;
        if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
            int c;
            while ((c = fgetc(fp)) != EOF && c != '\n')
                ;
            write_error(out, lineno, "(line): longer than 1 MiB");
            bad_lines++;
            continue;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (len == 0 || buf[strspn(buf, " \t")] == '\0')
            continue;
        o = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr);
        if (!o) {
            snprintf(err, sizeof(err), "(line): not JSON: %s at column %d", jerr.text,
                     jerr.column);
            write_error(out, lineno, err);
            bad_lines++;
            continue;
        }
        if (eng_score_in_from_json(o, &li, err, sizeof(err)) != 0) {
            write_error(out, lineno, err);
            bad_lines++;
        } else {
            eng_why_init(&why);
            eng_score_game_prepare(conf, &li.in, &game);
            eng_score_run(conf, &game, NULL, &li.in, &sc, &why);
            write_score(out, lineno, &li.in, &sc, &why);
        }
        json_decref(o);
    }
    if (ferror(fp)) {
        fprintf(stderr, "savant-score: reading %s: %s\n", name, strerror(errno));
        bad_lines++;
    }
    return bad_lines;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {"modules", no_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    eng_score_conf_t conf;
    cfg_cli_t cli;
    cfg_t cfg;
    char errstr[512];
    long bad_lines = 0;
    int opt, rc;

    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "h", lopts, NULL)) != -1) {
        switch (opt) {
        case 'h': usage(stdout); return 0;
        case 'M': print_modules(stdout); return 0;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-score")) >= 0)
        return rc;
    if (eng_score_conf_from_cfg(&conf, &cfg, errstr, sizeof(errstr)) != SV_OK) {
        fprintf(stderr, "savant-score: %s\n", errstr);
        return 1;
    }
    if (optind == argc) {
        bad_lines = score_stream(stdin, "standard input", &conf, stdout);
    } else {
        for (int i = optind; i < argc; i++) {
            FILE *fp = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
            if (!fp) {
                fprintf(stderr, "savant-score: cannot open '%s': %s\n", argv[i], strerror(errno));
                bad_lines++;
                continue;
            }
            bad_lines += score_stream(fp, argv[i], &conf, stdout);
            if (fp != stdin)
                fclose(fp);
        }
    }
    fflush(stdout);
    return bad_lines ? 1 : 0;
}
