/*
 * Plain librdkafka producer loops: what a C programmer would write to produce
 * as fast as the library allows. No tricks the Swift side does not get: the
 * same configuration, the same partitioning, the same payload.
 */
#define _POSIX_C_SOURCE 200809L
#include "CBenchmarkLoops.h"
#include "common.h"

#include <librdkafka/rdkafka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* A producer whose delivery reports count into *state, with its handle for `topic`
 * (*out_rkt); NULL (after saying why on stderr) when either cannot be created. */
static rd_kafka_t *new_producer(const char *bootstrap, const char *topic, const char *extra_conf_kv,
                                struct dr_state *state, rd_kafka_topic_t **out_rkt) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", bootstrap) != 0 || apply_kv_list(conf, extra_conf_kv) != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_opaque(conf, state);

    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "bench: rd_kafka_new(producer): %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    *out_rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (*out_rkt == NULL) {
        fprintf(stderr, "bench: rd_kafka_topic_new(%s): %s\n", topic, rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_destroy(rk);
        return NULL;
    }
    return rk;
}

/* `size` bytes of a, b, c, …: the payload of every benchmark message. */
static char *new_payload(int size) {
    char *payload = malloc(size > 0 ? (size_t)size : 1);
    for (int i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);
    return payload;
}

long bench_c_produce(const char *bootstrap, const char *topic, int partitions, long count, int size,
                     const char *extra_conf_kv, double *out_seconds) {
    struct dr_state state = {.target = count};
    *out_seconds = 0;
    if (partitions < 1 || count < 1 || size < 0) return -1;
    rd_kafka_topic_t *rkt = NULL;
    rd_kafka_t *rk = new_producer(bootstrap, topic, extra_conf_kv, &state, &rkt);
    if (rk == NULL) return -1;
    char *payload = new_payload(size);

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

/* One message at a time: produce it, then serve delivery reports until its own
 * arrived (what `try await producer.send(message)` in a loop does). */
long bench_c_produce_sync(const char *bootstrap, const char *topic, int partitions, long count, int size,
                          const char *extra_conf_kv, double *out_seconds) {
    struct dr_state state = {.target = count};
    *out_seconds = 0;
    if (partitions < 1 || count < 1 || size < 0) return -1;
    rd_kafka_topic_t *rkt = NULL;
    rd_kafka_t *rk = new_producer(bootstrap, topic, extra_conf_kv, &state, &rkt);
    if (rk == NULL) return -1;
    char *payload = new_payload(size);

    long result = 0;
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        if (rd_kafka_produce(rkt, (int32_t)(i % partitions), RD_KAFKA_MSG_F_COPY, payload, (size_t)size, NULL, 0,
                             NULL) != 0) {
            fprintf(stderr, "bench: rd_kafka_produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
            result = -1;
            goto done;
        }
        double deadline = now_seconds() + 30;
        while (state.delivered + state.failed <= i) {
            rd_kafka_poll(rk, 100);
            if (now_seconds() > deadline) {
                fprintf(stderr, "bench: no delivery report for message %ld within 30 s\n", i);
                result = -1;
                goto done;
            }
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
