/*
 * savant-broker — a development and test Kafka broker: hosts librdkafka's mock cluster (the real
 * Kafka protocol on loopback), creates every topic of DESIGN.md §4 under the configured prefix,
 * prints the bootstrap address, and runs until SIGINT or SIGTERM.
 *
 * The mock cluster lives inside a librdkafka client handle; its brokers are threads of this
 * process listening on ephemeral loopback ports. Real deployments point kafka.brokers at a real
 * Kafka cluster instead. Limits of the mock (librdkafka 2.0.2): no topic configs (so no log
 * compaction), no CreateTopics admin API, data lives in memory until exit. A restart is therefore
 * a new, empty cluster on new ports; a broker outage that keeps the data is SIGUSR1 (every broker
 * down: connections closed, new ones refused) and SIGUSR2 (up again), for the fault tests.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "cfg.h"
#include "cfg_cli.h"
#include "log.h"
#include "sv_kafka.h"
#include "sv_err.h"
#include "wire.h"

extern char **environ;

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: savant-broker [--brokers N] [--partitions P] [--bootstrap-file F]\n"
            "                     [-c FILE] [-X key=value]... [--dump-config]\n"
            "\n"
            "Runs a Kafka-protocol broker on loopback (librdkafka's mock cluster) with every\n"
            "Savant topic created, prints the bootstrap address, and runs until SIGINT/SIGTERM.\n"
            "SIGUSR1 takes every broker down (connections closed and refused, data kept),\n"
            "SIGUSR2 brings them up again.\n"
            "\n"
            "  --brokers N          number of brokers in the cluster (1..16, default 1)\n"
            "  --partitions P       partitions per topic (1..256, default 4)\n"
            "  --bootstrap-file F   also write the bootstrap address to F (atomically, once ready)\n"
            "  -c FILE              config file (kafka.topic_prefix names the topics)\n"
            "  -X key=value         set a config key (repeatable)\n"
            "  --dump-config        print the effective configuration and exit\n"
            "  -h, --help           this text\n"
            "\n"
            "Exit status: 0 after SIGINT/SIGTERM, 1 on failure, 2 on bad usage.\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Writes the address to path via a temp file and rename, so a reader never sees half of it. */
static sv_err_t write_bootstrap_file(const char *path, const char *addr)
{
    char tmp[4096];
    FILE *fp;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
        return SV_ERR_TOOBIG;
    fp = fopen(tmp, "w");
    if (!fp)
        return SV_ERR_IO;
    fprintf(fp, "%s\n", addr);
    if (fclose(fp) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return SV_ERR_IO;
    }
    return SV_OK;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"brokers", required_argument, NULL, 'B'},
        {"partitions", required_argument, NULL, 'P'},
        {"bootstrap-file", required_argument, NULL, 'F'},
        CFG_CLI_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int brokers = 1, partitions = 4, opt, rc = 1, sig;
    const char *bootstrap_file = NULL, *bootstraps;
    char errstr[512];
    cfg_cli_t cli;
    cfg_t cfg;
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    rd_kafka_mock_cluster_t *mcluster = NULL;
    sigset_t sigs;

    cfg_cli_init(&cli);
    while ((opt = getopt_long(argc, argv, CFG_CLI_SHORTOPTS "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'B':
            if (parse_int(optarg, 1, 16, &brokers) != 0) {
                fprintf(stderr, "savant-broker: --brokers: '%s' is not an integer in [1, 16]\n", optarg);
                return 2;
            }
            break;
        case 'P':
            if (parse_int(optarg, 1, 256, &partitions) != 0) {
                fprintf(stderr, "savant-broker: --partitions: '%s' is not an integer in [1, 256]\n",
                        optarg);
                return 2;
            }
            break;
        case 'F':
            bootstrap_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            if (cfg_cli_opt(&cli, opt, optarg) == SV_OK)
                break;
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "savant-broker: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if ((rc = cfg_cli_main(&cli, &cfg, environ, "savant-broker")) >= 0)
        return rc;
    rc = 1;

    /* The mock cluster needs a client handle to live in; nothing is produced through it. */
    conf = rd_kafka_conf_new();
    sv_kafka_conf_set_log(conf);
    if (rd_kafka_conf_set(conf, "client.id", "savant-broker", errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK)
        goto fail;
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk)
        goto fail;
    conf = NULL; /* owned by rk */
    mcluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mcluster) {
        snprintf(errstr, sizeof(errstr), "cannot create the mock cluster");
        goto fail;
    }
    for (size_t i = 0; i < wire_topic_cnt; i++) {
        char topic[256];
        rd_kafka_resp_err_t err;

        snprintf(topic, sizeof(topic), "%s%s", cfg.kafka_topic_prefix, wire_topics[i].suffix);
        err = rd_kafka_mock_topic_create(mcluster, topic, partitions, brokers < 3 ? brokers : 3);
        if (err) {
            snprintf(errstr, sizeof(errstr), "cannot create topic '%s': %s", topic,
                     rd_kafka_err2str(err));
            goto fail;
        }
    }
    bootstraps = rd_kafka_mock_cluster_bootstraps(mcluster);

    /* Block the signals before announcing readiness, so none is lost in between. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    printf("%s\n", bootstraps);
    fflush(stdout);
    if (bootstrap_file && write_bootstrap_file(bootstrap_file, bootstraps) != SV_OK) {
        snprintf(errstr, sizeof(errstr), "cannot write bootstrap file '%s': %s", bootstrap_file,
                 strerror(errno));
        goto fail;
    }
    LOG_INFO("broker", "ready", "bootstrap=%s brokers=%d partitions=%d topics=%zu prefix=%s",
             bootstraps, brokers, partitions, wire_topic_cnt, cfg.kafka_topic_prefix);

    for (;;) {
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig != SIGUSR1 && sig != SIGUSR2)
            break;
        for (int id = 1; id <= brokers; id++) { /* the mock numbers its brokers 1..N */
            rd_kafka_resp_err_t err = sig == SIGUSR1 ? rd_kafka_mock_broker_set_down(mcluster, id)
                                                     : rd_kafka_mock_broker_set_up(mcluster, id);
            if (err)
                LOG_WARN("broker", "set_state_failed", "broker=%d err=\"%s\"", id,
                         rd_kafka_err2str(err));
        }
        LOG_INFO("broker", sig == SIGUSR1 ? "down" : "up", "brokers=%d", brokers);
    }
    LOG_INFO("broker", "stopping", "signal=%d", sig);
    rc = 0;
    goto out;

fail:
    fprintf(stderr, "savant-broker: %s\n", errstr);
out:
    if (mcluster)
        rd_kafka_mock_cluster_destroy(mcluster);
    if (rk)
        rd_kafka_destroy(rk);
    if (conf)
        rd_kafka_conf_destroy(conf);
    return rc;
}
