/*
 * sv_kafka — librdkafka glue: its log callback writes logfmt lines through the log module, so a
 * Savant process has one log format whoever writes the line.
 */
#include "sv_kafka.h"

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
