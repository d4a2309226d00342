/*
 * savant-cat — Savant topics as JSON lines, both ways.
 *
 *   consume: prints every message of a topic as one JSON object: the decoded event plus _topic,
 *            _partition, _offset and _key. A message that does not decode is printed with _error
 *            (field and reason) and _bytes (the original value in base64), and consumption goes on.
 *   produce: reads JSON lines from stdin, validates each against the topic's schema, encodes it
 *            as msgpack, keys it by the schema's key (§4) and produces it; waits for delivery.
 *            The first invalid line stops it: the lines before it are delivered, and the exit
 *            status is 1 with the line number and the field named.
 *
 * Both use the murmur2 partitioner, as every Savant producer does, so a key lands in the same
 * partition whoever produced it (Java clients included).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <openssl/evp.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "sv_kafka.h"
#include "sv_err.h"
#include "wire.h"

#define CAT_LINE_MAX (4 << 20) /* longest accepted input line */
#define CAT_PARTS_MAX 1024     /* partitions tracked for -e */

extern char **environ;

static volatile sig_atomic_t cat_stop; /* set by SIGINT/SIGTERM */

/* Options of both modes. */
typedef struct cat_opts {
    const char *brokers;  /* -b, or kafka.brokers */
    const char *topic;    /* -t */
    const char *offset;   /* -o beginning|end|N|-N */
    const char *group;    /* -G */
    int exit_at_end;      /* -e */
    long long max_msgs;   /* -n, 0 = unlimited */
    int verbose;          /* -v: librdkafka debug */
    int raw;              /* -R: also print every value's bytes (base64) as _bytes */
} cat_opts_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-cat consume -b BROKERS -t TOPIC [-o beginning|end|N|-N] [-e] [-G GROUP]\n"
            "                          [-n COUNT] [-R]\n"
            "       savant-cat produce -b BROKERS -t TOPIC < events.jsonl\n"
            "       (both also take -c FILE, -X key=value, --dump-config)\n"
            "\n"
            "consume prints one JSON object per message: the decoded event plus _topic,\n"
            "  _partition, _offset, _key; a message that does not decode prints _error and\n"
            "  _bytes (base64) instead, and consumption continues.\n"
            "  -o  start at the beginning (default), the end, absolute offset N, or N from the end\n"
            "  -e  exit when every partition has reached its end\n"
            "  -G  consume in consumer group GROUP (commits offsets) instead of reading all partitions\n"
            "  -n  exit after COUNT messages\n"
            "  -R  also print every message's value bytes in base64 as _bytes\n"
            "produce reads JSON lines from stdin, validates each against the topic's schema, and\n"
            "  produces it as msgpack keyed by the schema's key; it stops at the first invalid line\n"
            "  (exit 1, naming the line number and the field) after delivering the lines before it.\n"
            "\n"
            "  -b BROKERS      bootstrap servers (default: config kafka.brokers)\n"
            "  -t TOPIC        full topic name, e.g. savant.odds.v1 (prefix: kafka.topic_prefix)\n"
            "  -c FILE         config file; -X key=value sets a config key (repeatable)\n"
            "  -v              librdkafka debug logging\n"
            "\n"
            "Exit status: 0 success, 1 failure or invalid input, 2 bad usage.\n");
}

static void on_signal(int sig)
{
    (void)sig;
    cat_stop = 1;
}

static rd_kafka_conf_t *kconf_new(const cat_opts_t *o, char *errstr, size_t size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", o->brokers, errstr, size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-cat", errstr, size) ||
        (o->verbose && sv_kafka_conf_set(conf, "debug", "broker,topic,msg,cgrp", errstr, size))) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

static char *base64(const void *buf, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
    return out;
}

/* Prints one consumed message as a JSON line. */
static void cat_print(const rd_kafka_message_t *m, wire_type_t type, int raw)
{
    json_t *out = json_object(), *ev = NULL;
    wire_err_t werr = {{0}, {0}};
    char errbuf[300], *line;
    sv_err_t err = SV_OK;

    json_object_set_new(out, "_topic", json_string(rd_kafka_topic_name(m->rkt)));
    json_object_set_new(out, "_partition", json_integer(m->partition));
    json_object_set_new(out, "_offset", json_integer(m->offset));
    json_object_set_new(out, "_key",
                        m->key ? json_stringn(m->key, m->key_len) : json_null());
    if (!json_object_get(out, "_key")) /* key not UTF-8: show it in base64 */
        json_object_set_new(out, "_key", json_string("(binary)"));

    if (!m->payload) { /* a tombstone (compacted topics: the key's records are removed) */
        json_object_set_new(out, "_tombstone", json_true());
    } else if (type == WIRE_NONE) {
        ev = wire_msgpack_to_json(m->payload, m->len, &werr);
        if (!ev)
            err = SV_ERR_DECODE;
    } else {
        void *st = calloc(1, wire_struct_size(type));
        if (!st) {
            err = SV_ERR_NOMEM;
            snprintf(werr.reason, sizeof(werr.reason), "out of memory");
        } else {
            err = wire_decode(type, m->payload, m->len, st, &werr);
            if (err == SV_OK)
                ev = wire_to_json(type, st);
            wire_release(type, st);
            free(st);
        }
    }
    if (m->payload && err == SV_OK && ev) {
        json_object_update(out, ev);
        if (raw) {
            char *b64 = base64(m->payload, m->len);
            json_object_set_new(out, "_bytes", json_string(b64 ? b64 : ""));
            free(b64);
        }
    } else if (m->payload) {
        char *b64 = base64(m->payload, m->len);
        json_object_set_new(out, "_error", json_string(wire_err_str(&werr, errbuf, sizeof(errbuf))));
        json_object_set_new(out, "_bytes", json_string(b64 ? b64 : ""));
        free(b64);
    }
    json_decref(ev);
    line = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (line) {
        fputs(line, stdout);
        fputc('\n', stdout);
        free(line);
    }
    json_decref(out);
}

static int64_t cat_start_offset(const char *s, char *errstr, size_t size)
{
    char *end;
    long long v;

    if (!s || strcmp(s, "beginning") == 0)
        return RD_KAFKA_OFFSET_BEGINNING;
    if (strcmp(s, "end") == 0)
        return RD_KAFKA_OFFSET_END;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end) {
        snprintf(errstr, size, "-o: '%s' is not beginning, end, N or -N", s);
        return INT64_MIN;
    }
    return v < 0 ? RD_KAFKA_OFFSET_TAIL(-v) : v;
}

/* Rebalance callback for -G: applies the -o start offset to partitions without a committed one. */
static void cat_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    const int64_t *start = opaque;

    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (*start >= 0) /* absolute offsets override the group's position */
            for (int i = 0; i < parts->cnt; i++)
                parts->elems[i].offset = *start;
        rd_kafka_assign(rk, parts);
    } else {
        rd_kafka_assign(rk, NULL);
    }
}

static int cat_consume(const cat_opts_t *o, const cfg_t *cfg)
{
    char errstr[512];
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk = NULL;
    rd_kafka_topic_partition_list_t *parts = NULL;
    const struct rd_kafka_metadata *md = NULL;
    wire_type_t type;
    int64_t start;
    int rc = 1, nparts = 0, eof_cnt = 0;
    static unsigned char eof_seen[CAT_PARTS_MAX];
    long long cnt = 0;

    if (wire_type_for_topic(o->topic, cfg->kafka_topic_prefix, &type) != SV_OK) {
        fprintf(stderr, "savant-cat: -t: '%s' is not a Savant topic under prefix '%s'\n", o->topic,
                cfg->kafka_topic_prefix);
        return 2;
    }
    start = cat_start_offset(o->offset, errstr, sizeof(errstr));
    if (start == INT64_MIN) {
        fprintf(stderr, "savant-cat: %s\n", errstr);
        return 2;
    }
    conf = kconf_new(o, errstr, sizeof(errstr));
    if (!conf)
        goto fail;
    if (sv_kafka_conf_set(conf, "enable.partition.eof", o->exit_at_end ? "true" : "false", errstr,
                  sizeof(errstr)))
        goto fail_conf;
    if (o->group) {
        static int64_t start_g;
        start_g = start;
        /* A short session: against the mock broker (librdkafka 2.0.2) the next run of the same
         * group was seen to wait for this member's whole session (45 s by default) before its
         * JoinGroup completes, although this member leaves the group on close. */
        if (sv_kafka_conf_set(conf, "group.id", o->group, errstr, sizeof(errstr)) ||
            sv_kafka_conf_set(conf, "session.timeout.ms", "6000", errstr, sizeof(errstr)) ||
            sv_kafka_conf_set(conf, "heartbeat.interval.ms", "500", errstr, sizeof(errstr)) ||
            sv_kafka_conf_set(conf, "auto.offset.reset",
                      start == RD_KAFKA_OFFSET_END ? "latest" : "earliest", errstr, sizeof(errstr)))
            goto fail_conf;
        rd_kafka_conf_set_rebalance_cb(conf, cat_rebalance);
        rd_kafka_conf_set_opaque(conf, &start_g);
    } else {
        /* librdkafka requires a group.id for a consumer handle even when only assign() is used */
        if (sv_kafka_conf_set(conf, "group.id", "savant-cat-nogroup", errstr, sizeof(errstr)) ||
            sv_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr)))
            goto fail_conf;
    }
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail_conf;
    conf = NULL;
    rd_kafka_poll_set_consumer(rk);

    if (o->group) {
        parts = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(parts, o->topic, RD_KAFKA_PARTITION_UA);
        if (rd_kafka_subscribe(rk, parts)) {
            snprintf(errstr, sizeof(errstr), "cannot subscribe to '%s'", o->topic);
            goto fail;
        }
    } else {
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
        rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        rd_kafka_topic_destroy(rkt);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            snprintf(errstr, sizeof(errstr), "cannot read metadata of '%s': %s", o->topic,
                     rd_kafka_err2str(err ? err : md->topic_cnt ? md->topics[0].err
                                                                 : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
            goto fail;
        }
        nparts = md->topics[0].partition_cnt;
        parts = rd_kafka_topic_partition_list_new(nparts);
        for (int i = 0; i < nparts; i++)
            rd_kafka_topic_partition_list_add(parts, o->topic, md->topics[0].partitions[i].id)
                ->offset = start;
        if (rd_kafka_assign(rk, parts)) {
            snprintf(errstr, sizeof(errstr), "cannot assign partitions of '%s'", o->topic);
            goto fail;
        }
    }

    while (!cat_stop) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->partition >= 0 && m->partition < CAT_PARTS_MAX && !eof_seen[m->partition]) {
                eof_seen[m->partition] = 1;
                eof_cnt++;
            }
            rd_kafka_message_destroy(m);
            /* with a group the partition count is what we were assigned */
            if (o->group) {
                rd_kafka_topic_partition_list_t *asg = NULL;
                if (!rd_kafka_assignment(rk, &asg)) {
                    nparts = asg->cnt;
                    rd_kafka_topic_partition_list_destroy(asg);
                }
            }
            if (o->exit_at_end && nparts > 0 && eof_cnt >= nparts)
                break;
            continue;
        }
        if (m->err) {
            rd_kafka_resp_err_t merr = m->err;
            fprintf(stderr, "savant-cat: consume error: %s\n", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            if (merr == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
                merr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
                goto fail_quiet;
            continue;
        }
        if (m->partition >= 0 && m->partition < CAT_PARTS_MAX && eof_seen[m->partition]) {
            eof_seen[m->partition] = 0; /* new data after EOF: not at the end any more */
            eof_cnt--;
        }
        cat_print(m, type, o->raw);
        rd_kafka_message_destroy(m);
        if (o->max_msgs && ++cnt >= o->max_msgs)
            break;
    }
    fflush(stdout);
    rc = 0;
    goto out;

fail_conf:
    if (conf)
        rd_kafka_conf_destroy(conf);
    conf = NULL;
fail:
    fprintf(stderr, "savant-cat: %s\n", errstr);
fail_quiet:
    rc = 1;
out:
    if (md)
        rd_kafka_metadata_destroy(md);
    if (parts)
        rd_kafka_topic_partition_list_destroy(parts);
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    return rc;
}

/* Delivery reports: counts failures, names the first. */
typedef struct cat_dr {
    long long ok, failed; /* delivered / failed messages */
    char first_err[256];  /* reason of the first failure */
} cat_dr_t;

static void cat_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    cat_dr_t *dr = opaque;
    (void)rk;
    if (m->err) {
        if (!dr->failed++)
            snprintf(dr->first_err, sizeof(dr->first_err), "%s", rd_kafka_err2str(m->err));
    } else {
        dr->ok++;
    }
}

static int cat_produce(const cat_opts_t *o, const cfg_t *cfg)
{
    char errstr[512], key[1024], errbuf[300];
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    wire_type_t type;
    cat_dr_t dr = {0, 0, {0}};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long lineno = 0, sent = 0;
    int rc = 1, bad = 0;
    void *ev = NULL;

    if (wire_type_for_topic(o->topic, cfg->kafka_topic_prefix, &type) != SV_OK) {
        fprintf(stderr, "savant-cat: -t: '%s' is not a Savant topic under prefix '%s'\n", o->topic,
                cfg->kafka_topic_prefix);
        return 2;
    }
    if (type == WIRE_NONE) {
        fprintf(stderr, "savant-cat: -t: '%s' has no schema to produce with\n", o->topic);
        return 2;
    }
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    ev = calloc(1, wire_struct_size(type));
    conf = kconf_new(o, errstr, sizeof(errstr));
    if (!ev || !conf)
        goto fail;
    if (sv_kafka_conf_set_cli_producer(conf, errstr, sizeof(errstr)))
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, cat_dr_cb);
    rd_kafka_conf_set_opaque(conf, &dr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail;
    conf = NULL;

    while (!cat_stop && (n = getline(&line, &cap, stdin)) >= 0) {
        json_t *obj, *jts;
        json_error_t jerr;
        wire_err_t werr = {{0}, {0}};
        rd_kafka_resp_err_t err;
        int64_t ts = 0;

        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || strspn(line, " \t") == (size_t)n)
            continue;
        if (n > CAT_LINE_MAX) {
            fprintf(stderr, "savant-cat: line %lld: longer than %d bytes\n", lineno, CAT_LINE_MAX);
            bad = 1;
            break;
        }
        obj = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
        if (!obj) {
            fprintf(stderr, "savant-cat: line %lld: invalid JSON at column %d: %s\n", lineno,
                    jerr.column, jerr.text);
            bad = 1;
            break;
        }
        memset(ev, 0, wire_struct_size(type));
        if (wire_from_json(type, obj, ev, &werr) != SV_OK) {
            fprintf(stderr, "savant-cat: line %lld: %s\n", lineno,
                    wire_err_str(&werr, errbuf, sizeof(errbuf)));
            json_decref(obj);
            wire_release(type, ev);
            bad = 1;
            break;
        }
        jts = json_object_get(obj, "ts");
        if (json_is_integer(jts))
            ts = json_integer_value(jts);
        json_decref(obj);
        msgpack_sbuffer_clear(&sbuf);
        if (wire_encode(type, ev, &pk, &werr) != SV_OK ||
            wire_key(type, ev, key, sizeof(key)) != SV_OK) {
            fprintf(stderr, "savant-cat: line %lld: %s\n", lineno,
                    wire_err_str(&werr, errbuf, sizeof(errbuf)));
            wire_release(type, ev);
            bad = 1;
            break;
        }
        wire_release(type, ev);
        for (;;) {
            err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(o->topic),
                                    RD_KAFKA_V_KEY(key, strlen(key)),
                                    RD_KAFKA_V_VALUE(sbuf.data, sbuf.size),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                    RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                break;
            rd_kafka_poll(rk, 100); /* queue full: let deliveries drain */
        }
        if (err) {
            snprintf(errstr, sizeof(errstr), "line %lld: cannot produce: %s", lineno,
                     rd_kafka_err2str(err));
            goto fail;
        }
        sent++;
        rd_kafka_poll(rk, 0);
    }
    /* Everything accepted so far is delivered before we report anything. */
    while (rd_kafka_outq_len(rk) > 0 && dr.ok + dr.failed < sent)
        rd_kafka_flush(rk, 1000);
    if (dr.failed) {
        snprintf(errstr, sizeof(errstr), "%lld of %lld messages not delivered: %s", dr.failed,
                 sent, dr.first_err);
        goto fail;
    }
    LOG_INFO("cat", "produced", "topic=%s delivered=%lld", o->topic, dr.ok);
    rc = bad ? 1 : 0;
    goto out;

fail:
    fprintf(stderr, "savant-cat: %s\n", errstr);
    rc = 1;
out:
    free(line);
    free(ev);
    msgpack_sbuffer_destroy(&sbuf);
    if (rk)
        rd_kafka_destroy(rk);
    if (conf)
        rd_kafka_conf_destroy(conf);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cat_opts_t o = {NULL, NULL, NULL, NULL, 0, 0, 0, 0};
    char *end;
    const char *mode;
    cfg_cli_t cli;
    cfg_t cfg;
    int opt, rc;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    /* The mode comes first; without one only --help and config options (--dump-config) make sense. */
    mode = argv[1][0] == '-' ? NULL : argv[1];
    if (mode && strcmp(mode, "consume") != 0 && strcmp(mode, "produce") != 0) {
        fprintf(stderr, "savant-cat: unknown mode '%s' (consume, produce)\n", mode);
        return 2;
    }
    cfg_cli_init(&cli);
    optind = mode ? 2 : 1;
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "b:t:o:G:en:vRh", lopts, NULL)) != -1) {
        switch (opt) {
        case 'b': o.brokers = optarg; break;
        case 't': o.topic = optarg; break;
        case 'o': o.offset = optarg; break;
        case 'G': o.group = optarg; break;
        case 'e': o.exit_at_end = 1; break;
        case 'v': o.verbose = 1; break;
        case 'R': o.raw = 1; break;
        case 'n':
            errno = 0;
            o.max_msgs = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || o.max_msgs < 1) {
                fprintf(stderr, "savant-cat: -n: '%s' is not a positive integer\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "savant-cat: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-cat")) >= 0)
        return rc;
    if (o.verbose)
        log_level_set(LOG_LVL_DEBUG); /* librdkafka's debug lines come through the log module */
    if (!mode) {
        fprintf(stderr, "savant-cat: a mode is needed first (consume, produce)\n");
        return 2;
    }
    if (!o.brokers)
        o.brokers = cfg.kafka_brokers;
    if (!o.topic) {
        fprintf(stderr, "savant-cat: %s needs -t TOPIC\n", mode);
        return 2;
    }
    if (strcmp(mode, "produce") == 0 &&
        (o.offset || o.group || o.exit_at_end || o.max_msgs || o.raw)) {
        fprintf(stderr, "savant-cat: -o, -G, -e, -n and -R are consume options\n");
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    return strcmp(mode, "consume") == 0 ? cat_consume(&o, &cfg) : cat_produce(&o, &cfg);
}
