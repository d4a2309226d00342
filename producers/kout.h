/*
 * kout — the engine's Kafka output: one idempotent producer whose delivery reports are served on
 * the engine's libevent loop (the producer's main queue wakes the loop through a pipe), so a
 * delivery callback runs on the loop thread like everything else.
 *
 * Every produced message carries a caller opaque; when its delivery is reported the ack callback
 * gets that opaque and the error (RD_KAFKA_RESP_ERR_NO_ERROR on success). The engine uses it to
 * count the outputs of an input batch still unacknowledged (at-least-once: input offsets are
 * stored only when all outputs are acknowledged).
 */
#ifndef SV_KOUT_H
#define SV_KOUT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <librdkafka/rdkafka.h>

#include "cfg.h"
#include "sv_err.h"

typedef struct kout kout_t;

/* Called on the loop thread for every delivery report; must not block. Not called for an output
 * purged on purpose (an aborted transaction, kout_free): its input is never committed. */
typedef void (kout_ack_cb)(void *opaque, rd_kafka_resp_err_t err, void *arg);

/**
 * @brief Create the producer (bootstrap kafka.brokers, murmur2 partitioner, idempotence,
 * infinite message timeout: a broker outage makes the engine wait, not drop) and attach its
 * delivery reports to base. With kafka.exactly_once it is transactional (transactional.id
 * "GROUP-HOST-PID", transactions initialised here, blocking at start-up only); kin drives the
 * transactions.
 * @param ack called for each delivery report with the message's opaque and arg
 * @returns the producer, or NULL with errstr filled. Caller frees with kout_free().
 * @locality main loop
 */
kout_t *kout_new(struct event_base *base, const cfg_t *cfg, kout_ack_cb *ack, void *arg,
                 char *errstr, size_t errstr_size);

/**
 * @brief Produce one message (value and key are copied). Waits for queue space by serving
 * delivery reports when librdkafka's queue is full.
 * @param topic full topic name; @param ts the event time (Kafka message timestamp), ms
 * @param src NULL, or the input it was computed from as "TOPIC/PARTITION/OFFSET", sent as the
 *            header KOUT_SRC_HEADER (a recovery tells by it what a re-read will redo)
 * @returns SV_OK, or SV_ERR_KAFKA for a permanent error (unknown topic, message too large).
 * @locality main loop
 */
sv_err_t kout_produce(kout_t *ko, const char *topic, const void *key, size_t key_len,
                      const void *value, size_t len, int64_t ts, const char *src, void *opaque);

/**
 * @brief Like kout_produce(), to partition `partition` of topic (not by the key's hash): the state
 *        changelog, whose partition p holds the games of input partition p. No header.
 */
sv_err_t kout_produce_part(kout_t *ko, const char *topic, int32_t partition, const void *key,
                           size_t key_len, const void *value, size_t len, int64_t ts, void *opaque);

/* The header naming the input an output was computed from: "TOPIC/PARTITION/OFFSET". */
#define KOUT_SRC_HEADER "savant-src"

/** @brief Messages produced and not yet acknowledged. */
size_t kout_inflight(const kout_t *ko);

/** @brief Serve pending delivery reports now (also done by the loop on wake-up). */
void kout_poll(kout_t *ko);

/**
 * @brief Flush: serve delivery reports until nothing is in flight or timeout_ms passed (blocks:
 * only at shutdown). @returns SV_OK or SV_ERR_TIMEOUT.
 */
sv_err_t kout_flush(kout_t *ko, int timeout_ms);

/** @brief The producer handle (for transactions and metrics). */
rd_kafka_t *kout_handle(kout_t *ko);

/**
 * @brief Detach from the loop and destroy the producer (call kout_flush first). Outputs still
 * unacknowledged are purged, not waited for (logged once with their count), so this never blocks
 * on an unreachable broker. Accepts NULL. @locality main loop, after it stopped
 */
void kout_free(kout_t *ko);

#endif
