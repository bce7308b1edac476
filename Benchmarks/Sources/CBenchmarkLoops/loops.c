/*
 * Plain librdkafka loops: what a C programmer would write to produce and
 * consume as fast as the library allows. No tricks the Swift side does not get:
 * the same configuration, the same partitioning, the same payload.
 */
#define _POSIX_C_SOURCE 200809L
#include "CBenchmarkLoops.h"

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

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int set_conf(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bench: %s=%s: %s\n", key, value, errstr);
        return -1;
    }
    return 0;
}

/* Applies "k=v;k=v" (NULL or empty: nothing). */
static int apply_kv_list(rd_kafka_conf_t *conf, const char *kv) {
    if (kv == NULL || *kv == '\0') return 0;
    char *copy = strdup(kv);
    if (copy == NULL) return -1;
    int rc = 0;
    char *save = NULL;
    for (char *item = strtok_r(copy, ";", &save); item != NULL; item = strtok_r(NULL, ";", &save)) {
        if (*item == '\0') continue;
        char *eq = strchr(item, '=');
        if (eq == NULL) {
            fprintf(stderr, "bench: malformed property '%s' (want key=value)\n", item);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (set_conf(conf, item, eq + 1) != 0) {
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

const char *bench_c_librdkafka_version(void) { return rd_kafka_version_str(); }

int bench_c_check_conf(const char *extra_conf_kv) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int rc = apply_kv_list(conf, extra_conf_kv);
    rd_kafka_conf_destroy(conf);
    return rc;
}

long bench_c_topic_message_count(const char *bootstrap, const char *topic, int partitions) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", bootstrap) != 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "bench: rd_kafka_new(watermarks): %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    long total = 0;
    for (int p = 0; p < partitions && total >= 0; p++) {
        int64_t low = 0, high = 0;
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high, 10 * 1000);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "bench: watermarks of %s[%d]: %s\n", topic, p, rd_kafka_err2str(err));
            total = -1;
        } else {
            total += (long)(high - low);
        }
    }
    rd_kafka_destroy(rk);
    return total;
}

/* ---------------------------------------------------------------- produce */

struct dr_state {
    long target;
    long delivered;
    long failed;
    rd_kafka_resp_err_t first_error;
    double last_report;
};

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    struct dr_state *state = opaque;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (state->failed == 0) state->first_error = msg->err;
        state->failed++;
    } else {
        state->delivered++;
    }
    if (state->delivered + state->failed == state->target) state->last_report = now_seconds();
}

long bench_c_produce(const char *bootstrap, const char *topic, int partitions, long count, int size,
                     const char *extra_conf_kv, double *out_seconds) {
    char errstr[512];
    struct dr_state state = {.target = count};
    *out_seconds = 0;
    if (partitions < 1 || count < 1 || size < 0) return -1;

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", bootstrap) != 0 || apply_kv_list(conf, extra_conf_kv) != 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_opaque(conf, &state);

    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "bench: rd_kafka_new(producer): %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (rkt == NULL) {
        fprintf(stderr, "bench: rd_kafka_topic_new(%s): %s\n", topic, rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_destroy(rk);
        return -1;
    }

    char *payload = malloc(size > 0 ? (size_t)size : 1);
    for (int i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);

    long result = 0;
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        for (;;) {
            if (rd_kafka_produce(rkt, (int32_t)(i % partitions), RD_KAFKA_MSG_F_COPY, payload, (size_t)size,
                                 NULL, 0, NULL) == 0)
                break;
            rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(rk, 1);
                continue;
            }
            fprintf(stderr, "bench: rd_kafka_produce: %s\n", rd_kafka_err2str(err));
            result = -1;
            goto done;
        }
        rd_kafka_poll(rk, 0);
    }
    while (state.delivered + state.failed < count) {
        rd_kafka_resp_err_t err = rd_kafka_flush(rk, 60 * 1000);
        if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            fprintf(stderr, "bench: flush timed out with %d messages outstanding\n", rd_kafka_outq_len(rk));
            result = -1;
            goto done;
        }
    }
    *out_seconds = state.last_report - start;
    if (state.failed > 0)
        fprintf(stderr, "bench: %ld deliveries failed, first: %s\n", state.failed,
                rd_kafka_err2str(state.first_error));
    result = state.delivered;

done:
    free(payload);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_flush(rk, 10 * 1000);
    rd_kafka_destroy(rk);
    return result;
}

/* ---------------------------------------------------------------- consume */

static rd_kafka_t *new_assigned_consumer(const char *bootstrap, const char *topic, int partitions,
                                         const char *extra_conf_kv) {
    static unsigned long sequence = 0;
    char errstr[512];
    char group[128];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(group, sizeof group, "bench-c-%ld-%lld%09ld-%lu", (long)getpid(), (long long)ts.tv_sec,
             ts.tv_nsec, ++sequence);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", bootstrap) != 0 || set_conf(conf, "group.id", group) != 0 ||
        set_conf(conf, "auto.offset.reset", "earliest") != 0 ||
        set_conf(conf, "enable.partition.eof", "false") != 0 || apply_kv_list(conf, extra_conf_kv) != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "bench: rd_kafka_new(consumer): %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);

    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(list, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "bench: rd_kafka_assign: %s\n", rd_kafka_err2str(err));
        rd_kafka_destroy(rk);
        return NULL;
    }
    return rk;
}

static void close_consumer(rd_kafka_t *rk) {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

/* Per-message work shared by both loops: count it, check its length (as the Swift loop does). */
struct consume_state {
    long count;
    long wrong_length;
    long errors;
    double first;
    int size;
};

static void handle_message(struct consume_state *state, const rd_kafka_message_t *msg) {
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (state->errors++ < 5) fprintf(stderr, "bench: consumer error: %s\n", rd_kafka_message_errstr(msg));
        return;
    }
    if (state->count++ == 0) state->first = now_seconds();
    if (msg->len != (size_t)state->size) state->wrong_length++;
}

static long finish(struct consume_state *state, long expected, double last, double *out_seconds) {
    if (state->count < expected) {
        fprintf(stderr, "bench: consumed %ld of %ld messages before 30 s passed without one\n", state->count,
                expected);
        return state->count;
    }
    if (state->wrong_length > 0) {
        fprintf(stderr, "bench: %ld messages had the wrong length\n", state->wrong_length);
        return -1;
    }
    *out_seconds = last - state->first;
    return state->count;
}

long bench_c_consume_poll(const char *bootstrap, const char *topic, int partitions, long expected, int size,
                          const char *extra_conf_kv, double *out_seconds) {
    *out_seconds = 0;
    rd_kafka_t *rk = new_assigned_consumer(bootstrap, topic, partitions, extra_conf_kv);
    if (rk == NULL) return -1;

    struct consume_state state = {.size = size};
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
