#ifndef ASYNCKAFKA_CBENCHMARKLOOPS_H
#define ASYNCKAFKA_CBENCHMARKLOOPS_H

/*
 * Plain C librdkafka loops, the baseline the Swift benchmarks are compared to.
 *
 * Every function returns the number of messages it produced or consumed, or a
 * negative value on error (a message on stderr says what went wrong).
 * `extra_conf_kv` is NULL or a "key=value;key=value" list of librdkafka
 * properties applied after the defaults. `out_seconds` receives the measured
 * time (see each function).
 */

/* Produces `count` messages of `size` bytes to `topic`, message i to partition
 * i % partitions, with rd_kafka_produce (RD_KAFKA_MSG_F_COPY), then flushes.
 * Time: from the first produce call to the last delivery report.
 * Returns the number of successful delivery reports; a failed delivery makes
 * the result differ from `count`. */
long bench_c_produce(const char *bootstrap, const char *topic, int partitions, long count, int size,
                     const char *extra_conf_kv, double *out_seconds);

/* High-level consumer (unique group.id, rd_kafka_assign of every partition from
 * RD_KAFKA_OFFSET_BEGINNING, no group join), rd_kafka_consumer_poll(rk, 100)
 * until `expected` messages arrived, checking each is `size` bytes long.
 * Time: from the first message to the last. Gives up after 30 s without a
 * message (and returns the count so far). A message of the wrong length makes
 * the result -1. */
long bench_c_consume_poll(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                          const char *extra_conf_kv, double *out_seconds);

/* As bench_c_consume_poll, reading with
 * rd_kafka_consume_batch_queue(consumer queue, 100, msgs, 1024). */
long bench_c_consume_batch(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                           const char *extra_conf_kv, double *out_seconds);

/* Checks that every property in `extra_conf_kv` is accepted by the running
 * librdkafka for a consumer; returns 0 when all are, -1 otherwise (message on
 * stderr). */
int bench_c_check_conf(const char *extra_conf_kv);

/* The number of messages `topic` holds in partitions 0..<partitions (high
 * minus low watermark, asked of the broker), or -1 on error. Used to verify a
 * produce run, not timed. */
long bench_c_topic_message_count(const char *bootstrap, const char *topic, int partitions);

/* The version of the librdkafka linked in, e.g. "2.0.2". */
const char *bench_c_librdkafka_version(void);

#endif
