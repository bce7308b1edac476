/*
 * Plain librdkafka consumer loops: what a C programmer would write to consume
 * as fast as the library allows, with librdkafka's defaults.
 */
#define _POSIX_C_SOURCE 200809L
#include "CBenchmarkLoops.h"
#include "common.h"

#include <CAllocCounter.h>

#include <librdkafka/rdkafka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How many consecutive empty 100 ms polls a consumer tolerates: 30 s. */
#define BENCH_MAX_EMPTY_POLLS 300
#define BENCH_BATCH_SIZE 1024

/* Allocations counted between the first and the last message of the last run. */
static unsigned long last_run_allocations = 0;

unsigned long bench_c_last_run_allocations(void) { return last_run_allocations; }

/* Per-message work shared by both loops: count it, check its length (as the Swift loop does). */
struct consume_state {
    long count;
    long wrong_length;
    long errors;
    double first;
    unsigned long first_allocations;
    int size;
    /* Busy-wait per message (the slow handler of the memory scenario); 0: none. */
    int64_t busy_ns;
    /* Store each message's offset (enable.auto.offset.store=false, at-least-once). */
    int store_each;
    long store_errors;
};

static void handle_message(struct consume_state *state, const rd_kafka_message_t *msg) {
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (state->errors++ < 5) fprintf(stderr, "bench: consumer error: %s\n", rd_kafka_message_errstr(msg));
        return;
    }
    if (state->count++ == 0) {
        state->first = now_seconds();
        state->first_allocations = bench_allocation_count();
    }
    if (msg->len != (size_t)state->size) state->wrong_length++;
    if (state->store_each && rd_kafka_offset_store(msg->rkt, msg->partition, msg->offset) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        state->store_errors++;
    }
    if (state->busy_ns > 0) {
        int64_t until = now_nanoseconds() + state->busy_ns;
        while (now_nanoseconds() < until) {
        }
    }
}

static long finish(struct consume_state *state, long expected, double last, double *out_seconds) {
    last_run_allocations = bench_allocation_count() - state->first_allocations;
    if (state->count < expected) {
        fprintf(stderr, "bench: consumed %ld of %ld messages before 30 s passed without one\n", state->count,
                expected);
        return state->count;
    }
    if (state->wrong_length > 0) {
        fprintf(stderr, "bench: %ld messages had the wrong length\n", state->wrong_length);
        return -1;
    }
    if (state->store_errors > 0) {
        fprintf(stderr, "bench: %ld offsets could not be stored\n", state->store_errors);
        return -1;
    }
    *out_seconds = last - state->first;
    return state->count;
}

long bench_c_consume_poll(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                          const char *extra_conf_kv, double *out_seconds) {
    return bench_c_consume_slow(bootstrap, topic, partitions, expected, size, 0, extra_conf_kv, out_seconds);
}

static long consume_poll_loop(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                              long busy_ns, int store_each, const char *extra_conf_kv, double *out_seconds) {
    *out_seconds = 0;
    rd_kafka_t *rk = new_assigned_consumer(bootstrap, topic, partitions, extra_conf_kv);
    if (rk == NULL) return -1;

    struct consume_state state = {.size = size, .busy_ns = busy_ns, .store_each = store_each};
    int empty_polls = 0;
    while (state.count < expected && empty_polls < BENCH_MAX_EMPTY_POLLS) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 100);
        if (msg == NULL) {
            empty_polls++;
            continue;
        }
        empty_polls = 0;
        handle_message(&state, msg);
        rd_kafka_message_destroy(msg);
    }
    double last = now_seconds();
    long result = finish(&state, expected, last, out_seconds);
    close_consumer(rk);
    return result;
}

long bench_c_consume_slow(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                          long busy_ns, const char *extra_conf_kv, double *out_seconds) {
    return consume_poll_loop(bootstrap, topic, partitions, expected, size, busy_ns, 0, extra_conf_kv, out_seconds);
}

long bench_c_consume_store(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                           const char *extra_conf_kv, double *out_seconds) {
    return consume_poll_loop(bootstrap, topic, partitions, expected, size, 0, 1, extra_conf_kv, out_seconds);
}

long bench_c_consume_batch(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                           const char *extra_conf_kv, double *out_seconds) {
    *out_seconds = 0;
    rd_kafka_t *rk = new_assigned_consumer(bootstrap, topic, partitions, extra_conf_kv);
    if (rk == NULL) return -1;
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);

    rd_kafka_message_t *msgs[BENCH_BATCH_SIZE];
    struct consume_state state = {.size = size};
    int empty_polls = 0;
    long result = 0;
    while (state.count < expected && empty_polls < BENCH_MAX_EMPTY_POLLS) {
        /* consume_batch_queue waits out its timeout to fill the array: ask for
         * no more than are still to come, or the last batch costs 100 ms. */
        long remaining = expected - state.count;
        size_t want = remaining < BENCH_BATCH_SIZE ? (size_t)remaining : BENCH_BATCH_SIZE;
        ssize_t n = rd_kafka_consume_batch_queue(queue, 100, msgs, want);
        if (n < 0) {
            fprintf(stderr, "bench: rd_kafka_consume_batch_queue: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
            result = -1;
            break;
        }
        if (n == 0) {
            empty_polls++;
            continue;
        }
        empty_polls = 0;
        for (ssize_t i = 0; i < n; i++) {
            handle_message(&state, msgs[i]);
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    double last = now_seconds();
    if (result == 0) result = finish(&state, expected, last, out_seconds);
    rd_kafka_queue_destroy(queue);
    close_consumer(rk);
    return result;
}
