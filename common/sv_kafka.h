/*
 * sv_kafka — small glue between librdkafka and Savant's runtime shared by every Kafka client:
 * librdkafka's own log lines turned into logfmt lines of module "rdkafka", property setting, and
 * a librdkafka queue attached to the libevent loop (sv_kafka_qev).
 */
#ifndef SV_KAFKA_H
#define SV_KAFKA_H

#include <stddef.h>

#include <event2/event.h>
#include <librdkafka/rdkafka.h>

#include "sv_err.h"

/**
 * @brief Route librdkafka's log lines through log_write() (logfmt on stderr, mod=rdkafka,
 * event=the librdkafka facility). syslog levels 0–3 become error, 4 warn, 5–6 info, 7 debug.
 * @locality any thread: librdkafka calls it from its own threads; it touches no loop state and
 *           writes each line with one write(2)
 */
void sv_kafka_conf_set_log(rd_kafka_conf_t *conf);

/**
 * @brief rd_kafka_conf_set() with a 0/-1 result, so a run of properties chains with ||.
 * @returns 0, or -1 with librdkafka's reason in errstr.
 */
int sv_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char *errstr,
                      size_t errstr_size);

/**
 * @brief The producer settings of Savant's command-line tools (savant-cat produce, savant-feed,
 *        savant-replay replay): the murmur2_random partitioner every Savant producer uses (a key
 *        lands where the engine's would), idempotence (order per partition kept across retries),
 *        linger 5 ms, and a 30 s message timeout (a CLI gives up on an unreachable broker, not
 *        after librdkafka's 5 minutes; the engine's own producer never times out, producers/kout).
 * @returns 0, or -1 with librdkafka's reason in errstr.
 */
int sv_kafka_conf_set_cli_producer(rd_kafka_conf_t *conf, char *errstr, size_t errstr_size);

/*
 * A librdkafka queue on the loop: librdkafka writes a byte to a pipe when the queue goes from
 * empty to non-empty (rd_kafka_queue_io_event_enable), and the loop's read event on the pipe
 * drains it and calls cb, which serves the queue. No thread, no timer while idle. Since the
 * pipe fires only on that transition, a callback that leaves work queued must sv_kafka_qev_wake().
 */
typedef struct sv_kafka_qev {
    rd_kafka_queue_t *rkq;  /* the queue (owned) */
    int pipefd[2];          /* [1] written by librdkafka, [0] read by the loop */
    struct event *ev;       /* EV_READ | EV_PERSIST on pipefd[0] */
    void (*cb)(void *arg);  /* serves the queue */
    void *arg;              /* its argument */
} sv_kafka_qev_t;

/** @brief Make q safe to sv_kafka_qev_stop() before or without a start. */
void sv_kafka_qev_init(sv_kafka_qev_t *q);

/**
 * @brief Attach rkq to base; cb(arg) runs on the loop whenever the queue becomes non-empty, and
 * once right away (anything queued before the pipe was set never signals).
 * @param rkq takes ownership (destroyed by sv_kafka_qev_stop, also after a failed start)
 * @returns SV_OK, or SV_ERR_IO with errstr filled.
 * @locality main loop
 */
sv_err_t sv_kafka_qev_start(sv_kafka_qev_t *q, struct event_base *base, rd_kafka_queue_t *rkq,
                            void (*cb)(void *arg), void *arg, char *errstr, size_t errstr_size);

/** @brief Run cb again from the loop soon (work left queued). @locality main loop */
void sv_kafka_qev_wake(sv_kafka_qev_t *q);

/** @brief Detach from the loop, destroy the queue, close the pipe. Idempotent. */
void sv_kafka_qev_stop(sv_kafka_qev_t *q);

#endif
