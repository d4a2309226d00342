/*
 * kout — Kafka output of the engine: producer set-up, delivery reports on the loop, flush.
 */
#include "kout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sv_kafka.h"
#include "sv_util.h"

struct kout {
    rd_kafka_t *rk;        /* the producer */
    sv_kafka_qev_t qev;    /* its main queue (delivery reports) on the loop */
    kout_ack_cb *ack;      /* delivery report callback */
    void *ack_arg;         /* its argument */
    size_t inflight;       /* produced, not yet reported */
    size_t purged;         /* reported as purged (aborted transaction, shutdown): never acked */
};

static void kout_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    kout_t *ko = opaque;
    UNUSED(rk);
    SV_ASSERT(ko->inflight > 0);
    ko->inflight--;
    if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
        ko->purged++; /* we purged it on purpose: counted, logged once by kout_free */
        return;
    }
    if (m->err)
        LOG_ERROR("kout", "delivery_failed", "topic=%s err=%s", rd_kafka_topic_name(m->rkt),
                  rd_kafka_err2name(m->err));
    ko->ack(m->_private, m->err, ko->ack_arg);
}

void kout_poll(kout_t *ko)
{
    rd_kafka_poll(ko->rk, 0);
}

static void kout_on_queue(void *arg)
{
    kout_poll(arg);
}

kout_t *kout_new(struct event_base *base, const cfg_t *cfg, kout_ack_cb *ack, void *arg,
                 char *errstr, size_t errstr_size)
{
    kout_t *ko = calloc(1, sizeof(*ko));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    if (!ko) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    sv_kafka_qev_init(&ko->qev);
    ko->ack = ack;
    ko->ack_arg = arg;
    sv_kafka_conf_set_log(conf);
    if (sv_kafka_conf_set(conf, "bootstrap.servers", cfg->kafka_brokers, errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "client.id", "savant-engine", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "partitioner", "murmur2_random", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "enable.idempotence", "true", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "message.timeout.ms", cfg->kafka_exactly_once ? "60000" : "0", errstr,
              errstr_size) ||
        sv_kafka_conf_set(conf, "linger.ms", "5", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "batch.num.messages", "10000", errstr, errstr_size) ||
        sv_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, errstr_size))
        goto fail;
    if (cfg->kafka_exactly_once) {
        /* One transactional id per process: with the consumer-group metadata sent along with
         * the offsets (KIP-447), fencing comes from the group generation, not from the id. */
        char tid[sizeof(cfg->kafka_group) + 64 + 16], host[64] = "host";
        gethostname(host, sizeof(host) - 1); /* truncated names are fine here */
        snprintf(tid, sizeof(tid), "%s-%s-%d", cfg->kafka_group, host, (int)getpid());
        if (sv_kafka_conf_set(conf, "transactional.id", tid, errstr, errstr_size) ||
            sv_kafka_conf_set(conf, "transaction.timeout.ms", "60000", errstr, errstr_size))
            goto fail;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, kout_dr_cb);
    rd_kafka_conf_set_opaque(conf, ko);
    ko->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!ko->rk)
        goto fail;
    conf = NULL; /* owned by rk */
    if (cfg->kafka_exactly_once) {
        rd_kafka_error_t *error = rd_kafka_init_transactions(ko->rk, 30000); /* start-up only */
        if (error) {
            snprintf(errstr, errstr_size, "cannot initialise transactions: %s",
                     rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
            goto fail;
        }
    }
    if (sv_kafka_qev_start(&ko->qev, base, rd_kafka_queue_get_main(ko->rk), kout_on_queue, ko,
                           errstr, errstr_size) != SV_OK)
        goto fail;
    return ko;
fail:
    if (conf)
        rd_kafka_conf_destroy(conf);
    kout_free(ko);
    return NULL;
}

/* One message to partition (RD_KAFKA_PARTITION_UA: by the key's hash), with the header
 * KOUT_SRC_HEADER when src is not NULL. Waits for queue space by serving delivery reports. */
static sv_err_t kout_send(kout_t *ko, const char *topic, int32_t partition, const void *key,
                          size_t key_len, const void *value, size_t len, int64_t ts,
                          const char *src, void *opaque)
{
    rd_kafka_vu_t vu[8];
    size_t n = 0;
    rd_kafka_error_t *error;
    rd_kafka_resp_err_t err;

    vu[n].vtype = RD_KAFKA_VTYPE_TOPIC, vu[n++].u.cstr = topic;
    vu[n].vtype = RD_KAFKA_VTYPE_PARTITION, vu[n++].u.i32 = partition;
    vu[n].vtype = RD_KAFKA_VTYPE_KEY, vu[n].u.mem.ptr = (void *)key, vu[n++].u.mem.size = key_len;
    vu[n].vtype = RD_KAFKA_VTYPE_VALUE, vu[n].u.mem.ptr = (void *)value, vu[n++].u.mem.size = len;
    vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS, vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP, vu[n++].u.i64 = ts;
    vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE, vu[n++].u.ptr = opaque;
    if (src) {
        vu[n].vtype = RD_KAFKA_VTYPE_HEADER;
        vu[n].u.header.name = KOUT_SRC_HEADER;
        vu[n].u.header.val = src;
        vu[n++].u.header.size = (ssize_t)strlen(src);
    }
    for (;;) {
        error = rd_kafka_produceva(ko->rk, vu, n);
        err = error ? rd_kafka_error_code(error) : RD_KAFKA_RESP_ERR_NO_ERROR;
        if (error)
            rd_kafka_error_destroy(error);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            break;
        rd_kafka_poll(ko->rk, 10); /* back-pressure: the only wait, bounded by the broker */
    }
    if (err) {
        LOG_ERROR("kout", "produce_failed", "topic=%s partition=%d err=%s", topic, (int)partition,
                  rd_kafka_err2name(err));
        return SV_ERR_KAFKA;
    }
    ko->inflight++;
    return SV_OK;
}

sv_err_t kout_produce(kout_t *ko, const char *topic, const void *key, size_t key_len,
                      const void *value, size_t len, int64_t ts, const char *src, void *opaque)
{
    return kout_send(ko, topic, RD_KAFKA_PARTITION_UA, key, key_len, value, len, ts, src, opaque);
}

sv_err_t kout_produce_part(kout_t *ko, const char *topic, int32_t partition, const void *key,
                           size_t key_len, const void *value, size_t len, int64_t ts, void *opaque)
{
    return kout_send(ko, topic, partition, key, key_len, value, len, ts, NULL, opaque);
}

size_t kout_inflight(const kout_t *ko)
{
    return ko->inflight;
}

sv_err_t kout_flush(kout_t *ko, int timeout_ms)
{
    rd_kafka_flush(ko->rk, timeout_ms);
    rd_kafka_poll(ko->rk, 0);
    return ko->inflight ? SV_ERR_TIMEOUT : SV_OK;
}

rd_kafka_t *kout_handle(kout_t *ko)
{
    return ko->rk;
}

void kout_free(kout_t *ko)
{
    if (!ko)
        return;
    sv_kafka_qev_stop(&ko->qev);
    if (ko->rk) {
        /* Whatever is still queued or in flight (broker gone, shutdown deadline passed) is
         * dropped rather than waited for: its inputs were not committed, a restart redoes them.
         * Their purge reports are never served, so no ack callback runs from here. */
        if (ko->inflight > 0) {
            rd_kafka_purge(ko->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            ko->purged += ko->inflight;
            ko->inflight = 0;
        }
        if (ko->purged > 0)
            LOG_WARN("kout", "outputs_purged", "count=%zu", ko->purged);
        rd_kafka_destroy(ko->rk);
    }
    free(ko);
}
