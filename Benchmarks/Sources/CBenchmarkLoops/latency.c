/*
 * The end-to-end latency pipeline in plain C: a producer (the calling thread)
 * sends at a fixed rate with linger.ms=0, a consumer thread (assigned, with
 * fetch.wait.max.ms=1) receives, and each message carries its send time
 * (CLOCK_MONOTONIC ns) in its payload. See bench_c_latency in CBenchmarkLoops.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "CBenchmarkLoops.h"
#include "common.h"

#include <librdkafka/rdkafka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Warm-up messages sent after the consumer saw its first one, before timing starts. */
#define BENCH_LATENCY_WARMUP_AFTER_READY 100

struct latency_consumer {
    rd_kafka_t *rk;
    long count;
    int64_t *latencies_ns;
    long received;
    long duplicates;
    long malformed;
    _Atomic int ready;
    _Atomic int stop;
};

static void *consume_latencies(void *opaque) {
    struct latency_consumer *state = opaque;
    int empty_polls = 0;
    while (state->received < state->count && empty_polls < 300 && !atomic_load(&state->stop)) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(state->rk, 100);
        if (msg == NULL) {
            empty_polls++;
            continue;
        }
        int64_t now = now_nanoseconds();
        empty_polls = 0;
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            int64_t sent, sequence;
            if (msg->len < 16) {
                state->malformed++;
            } else {
                memcpy(&sent, msg->payload, 8);
                memcpy(&sequence, (const char *)msg->payload + 8, 8);
                atomic_store(&state->ready, 1);
                if (sequence >= state->count) {
                    state->malformed++;
                } else if (sequence >= 0) {
                    if (state->latencies_ns[sequence] != 0) {
                        state->duplicates++;
                    } else {
                        int64_t latency = now - sent;
                        state->latencies_ns[sequence] = latency > 0 ? latency : 1;
                        state->received++;
                    }
                }
            }
        } else {
            fprintf(stderr, "bench: latency consumer error: %s\n", rd_kafka_message_errstr(msg));
        }
        rd_kafka_message_destroy(msg);
    }
    return NULL;
}

static void sleep_until(int64_t deadline_ns) {
    struct timespec ts = {.tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* Sends one message stamped with the current time and `sequence` (-1: warm-up). */
static int produce_stamped(rd_kafka_t *rk, rd_kafka_topic_t *rkt, char *payload, int size, int64_t sequence) {
    int64_t sent = now_nanoseconds();
    memcpy(payload, &sent, 8);
    memcpy(payload + 8, &sequence, 8);
    while (rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload, (size_t)size, NULL, 0, NULL) != 0) {
        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            fprintf(stderr, "bench: rd_kafka_produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
            return -1;
        }
        rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
    return 0;
}

long bench_c_latency(const char *bootstrap, const char *topic, int rate, long count, int size,
                     int64_t *latencies_ns) {
    char errstr[512];
    if (rate < 1 || count < 1 || size < 16) return -1;
    memset(latencies_ns, 0, sizeof(int64_t) * (size_t)count);

    struct latency_consumer consumer = {.count = count, .latencies_ns = latencies_ns};
    consumer.rk = new_assigned_consumer(bootstrap, topic, 1, "fetch.wait.max.ms=1");
    if (consumer.rk == NULL) return -1;

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", bootstrap) != 0 || set_conf(conf, "linger.ms", "0") != 0) {
        rd_kafka_conf_destroy(conf);
        close_consumer(consumer.rk);
        return -1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "bench: rd_kafka_new(producer): %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        close_consumer(consumer.rk);
        return -1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    char *payload = calloc(1, (size_t)size);

    pthread_t thread;
    pthread_create(&thread, NULL, consume_latencies, &consumer);

    long result = 0;
    const int64_t period = 1000000000 / rate;
    int64_t next = now_nanoseconds();
    /* Warm up until the consumer receives, then a little more: timing starts caught up. */
    const int64_t give_up = next + 30 * (int64_t)1000000000;
    long after_ready = 0;
    while (after_ready < BENCH_LATENCY_WARMUP_AFTER_READY) {
        if (produce_stamped(rk, rkt, payload, size, -1) != 0 || next > give_up) {
            if (next > give_up) fprintf(stderr, "bench: the latency consumer received nothing in 30 s\n");
            result = -1;
            break;
        }
        if (atomic_load(&consumer.ready)) after_ready++;
        next += period;
        sleep_until(next);
    }
    for (long i = 0; i < count && result == 0; i++) {
        if (produce_stamped(rk, rkt, payload, size, i) != 0) result = -1;
        next += period;
        sleep_until(next);
    }
    if (result != 0) atomic_store(&consumer.stop, 1);
    rd_kafka_flush(rk, 10 * 1000);
    pthread_join(thread, NULL);

    if (result == 0) {
        if (consumer.duplicates > 0 || consumer.malformed > 0)
            fprintf(stderr, "bench: latency consumer saw %ld duplicates and %ld malformed messages\n",
                    consumer.duplicates, consumer.malformed);
        result = consumer.duplicates > 0 || consumer.malformed > 0 ? -1 : consumer.received;
    }
    free(payload);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    close_consumer(consumer.rk);
    return result;
}
