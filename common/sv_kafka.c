/*
 * sv_kafka — librdkafka glue: its log callback writes logfmt lines through the log module, so a
 * Savant process has one log format whoever writes the line.
 */
#include "sv_kafka.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void sv_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    log_level_t lvl = level <= 3 ? LOG_LVL_ERROR
                      : level == 4 ? LOG_LVL_WARN
                      : level <= 6 ? LOG_LVL_INFO
                                   : LOG_LVL_DEBUG;
    char q[1024];

    if (lvl > log_level_cur)
        return;
    log_write(lvl, "rdkafka", fac, "client=%s msg=%s", rd_kafka_name(rk),
              log_quote(q, sizeof(q), buf));
}

void sv_kafka_conf_set_log(rd_kafka_conf_t *conf)
{
    rd_kafka_conf_set_log_cb(conf, sv_kafka_log_cb);
}

int sv_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char *errstr,
                      size_t errstr_size)
{
    return rd_kafka_conf_set(conf, key, value, errstr, errstr_size) == RD_KAFKA_CONF_OK ? 0 : -1;
}

int sv_kafka_conf_set_cli_producer(rd_kafka_conf_t *conf, char *errstr, size_t errstr_size)
{
    return sv_kafka_conf_set(conf, "partitioner", "murmur2_random", errstr, errstr_size) ||
                   sv_kafka_conf_set(conf, "message.timeout.ms", "30000", errstr, errstr_size) ||
                   sv_kafka_conf_set(conf, "enable.idempotence", "true", errstr, errstr_size) ||
                   sv_kafka_conf_set(conf, "linger.ms", "5", errstr, errstr_size)
               ? -1
               : 0;
}

void sv_kafka_qev_init(sv_kafka_qev_t *q)
{
    memset(q, 0, sizeof(*q));
    q->pipefd[0] = q->pipefd[1] = -1;
}

static void sv_kafka_qev_on_readable(evutil_socket_t fd, short what, void *arg)
{
    sv_kafka_qev_t *q = arg;
    char buf[64];
    (void)what;
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    q->cb(q->arg);
}

sv_err_t sv_kafka_qev_start(sv_kafka_qev_t *q, struct event_base *base, rd_kafka_queue_t *rkq,
                            void (*cb)(void *arg), void *arg, char *errstr, size_t errstr_size)
{
    q->rkq = rkq;
    q->cb = cb;
    q->arg = arg;
    if (pipe2(q->pipefd, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(errstr, errstr_size, "pipe: %s", strerror(errno));
        return SV_ERR_IO;
    }
    rd_kafka_queue_io_event_enable(rkq, q->pipefd[1], "1", 1);
    q->ev = event_new(base, q->pipefd[0], EV_READ | EV_PERSIST, sv_kafka_qev_on_readable, q);
    if (!q->ev || event_add(q->ev, NULL) != 0) {
        snprintf(errstr, errstr_size, "cannot add a kafka queue's event to the loop");
        return SV_ERR_IO;
    }
    sv_kafka_qev_wake(q);
    return SV_OK;
}

void sv_kafka_qev_wake(sv_kafka_qev_t *q)
{
    event_active(q->ev, EV_READ, 0);
}

void sv_kafka_qev_stop(sv_kafka_qev_t *q)
{
    if (q->ev)
        event_free(q->ev);
    if (q->rkq) {
        rd_kafka_queue_io_event_enable(q->rkq, -1, NULL, 0);
        rd_kafka_queue_destroy(q->rkq);
    }
    if (q->pipefd[0] >= 0)
        close(q->pipefd[0]);
    if (q->pipefd[1] >= 0)
        close(q->pipefd[1]);
    sv_kafka_qev_init(q);
}
