/*
 * sv_kafka — small glue between librdkafka and Savant's runtime shared by every Kafka client:
 * librdkafka's own log lines turned into logfmt lines of module "rdkafka", and property setting.
 */
#ifndef SV_KAFKA_H
#define SV_KAFKA_H

#include <librdkafka/rdkafka.h>

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

#endif
