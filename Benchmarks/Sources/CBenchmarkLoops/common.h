#ifndef ASYNCKAFKA_CBENCHMARKLOOPS_COMMON_H
#define ASYNCKAFKA_CBENCHMARKLOOPS_COMMON_H
/* Internal to CBenchmarkLoops: helpers shared by its loops. */
#include <librdkafka/rdkafka.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in seconds and in nanoseconds. */
double now_seconds(void);
int64_t now_nanoseconds(void);
/* rd_kafka_conf_set, printing the error; 0 on success. */
int set_conf(rd_kafka_conf_t *conf, const char *key, const char *value);
/* Applies "k=v;k=v" (NULL or empty: nothing); 0 on success. */
int apply_kv_list(rd_kafka_conf_t *conf, const char *kv);
/* A high-level consumer with a unique group.id, auto.offset.reset=earliest,
 * enable.partition.eof=false, `extra_conf_kv`, and partitions 0..<partitions of
 * `topic` assigned from the beginning (no group join). NULL on error. */
rd_kafka_t *new_assigned_consumer(const char *bootstrap, const char *topic, int partitions,
                                  const char *extra_conf_kv);
/* rd_kafka_consumer_close + rd_kafka_destroy. */
void close_consumer(rd_kafka_t *rk);
#endif
