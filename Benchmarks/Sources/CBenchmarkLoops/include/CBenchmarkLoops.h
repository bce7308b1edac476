#ifndef ASYNCKAFKA_CBENCHMARKLOOPS_H
#define ASYNCKAFKA_CBENCHMARKLOOPS_H

#include <stdint.h>

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

/* As bench_c_consume_poll, busy-waiting `busy_ns` nanoseconds per message: the
 * deliberately slow handler of the memory scenario. */
long bench_c_consume_slow(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                          long busy_ns, const char *extra_conf_kv, double *out_seconds);

/* As bench_c_consume_poll, storing each message's offset with
 * rd_kafka_offset_store (at-least-once; pass enable.auto.offset.store=false in
 * extra_conf_kv). A failed store makes the result -1. */
long bench_c_consume_store(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                           const char *extra_conf_kv, double *out_seconds);

/* Allocation calls (malloc & co., process-wide, see CAllocCounter.h) counted
 * between the first and the last message of the last consume run. */
unsigned long bench_c_last_run_allocations(void);

/* One message at a time: rd_kafka_produce, then rd_kafka_poll until its
 * delivery report arrived, `count` times (partition i % partitions).
 * Time: from the first produce call to the last delivery report. */
long bench_c_produce_sync(const char *bootstrap, const char *topic, int partitions, long count, int size,
                          const char *extra_conf_kv, double *out_seconds);

/* End-to-end latency: a producer (linger.ms=0) on the calling thread sends
 * `count` messages of `size` (>= 16) bytes to partition 0 of `topic`, `rate`
 * per second, each stamped with its send time (CLOCK_MONOTONIC ns, bytes 0..<8)
 * and sequence number (bytes 8..<16); a consumer thread (assigned from the
 * beginning, fetch.wait.max.ms=1, rd_kafka_consumer_poll) stores receive time
 * minus send time in latencies_ns[sequence]. Warm-up messages (sequence -1) go
 * first until the consumer has received one, then 100 more, so timing starts
 * with the consumer caught up. Returns the number of timed messages received
 * (each exactly once), or -1. */
long bench_c_latency(const char *bootstrap, const char *topic, int rate, long count, int size,
                     int64_t *latencies_ns);

/* Checks that every property in `extra_conf_kv` is accepted by the running
 * librdkafka for a consumer; returns 0 when all are, -1 otherwise (message on
 * stderr). */
int bench_c_check_conf(const char *extra_conf_kv);

/* The number of messages `topic` holds in partitions 0..<partitions (high
 * minus low watermark, asked of the broker), or -1 on error. Used to verify a
 * produce run, not timed. */
long bench_c_topic_message_count(const char *bootstrap, const char *topic, int partitions);

/* The sum of `topic`'s high watermarks in partitions 0..<partitions, or -1 on
 * error: the number of messages ever appended, which the embedded broker keeps
 * counting when it drops old data. Verifies produce runs that share a topic. */
long bench_c_topic_high_watermark_total(const char *bootstrap, const char *topic, int partitions);

/* The version of the librdkafka linked in, e.g. "2.0.2". */
const char *bench_c_librdkafka_version(void);

#endif
