/*
 * Helpers shared by the plain C librdkafka loops: configuration, clocks, an
 * assigned consumer, and the broker's view of a topic.
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

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t now_nanoseconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int set_conf(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bench: %s=%s: %s\n", key, value, errstr);
        return -1;
    }
    return 0;
}

/* Applies "k=v;k=v" (NULL or empty: nothing). */
int apply_kv_list(rd_kafka_conf_t *conf, const char *kv) {
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

/* Sums the low and the high watermarks of `topic`'s partitions 0..<partitions
 * into *low and *high; returns 0, or -1 on error (message on stderr). */
static int topic_watermarks(const char *bootstrap, const char *topic, int partitions, long *low, long *high) {
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
    int rc = 0;
    *low = 0;
    *high = 0;
    for (int p = 0; p < partitions && rc == 0; p++) {
        int64_t partition_low = 0, partition_high = 0;
        rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(rk, topic, p, &partition_low, &partition_high, 10 * 1000);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "bench: watermarks of %s[%d]: %s\n", topic, p, rd_kafka_err2str(err));
            rc = -1;
        } else {
            *low += (long)partition_low;
            *high += (long)partition_high;
        }
    }
    rd_kafka_destroy(rk);
    return rc;
}

long bench_c_topic_message_count(const char *bootstrap, const char *topic, int partitions) {
    long low = 0, high = 0;
    return topic_watermarks(bootstrap, topic, partitions, &low, &high) == 0 ? high - low : -1;
}

long bench_c_topic_high_watermark_total(const char *bootstrap, const char *topic, int partitions) {
    long low = 0, high = 0;
    return topic_watermarks(bootstrap, topic, partitions, &low, &high) == 0 ? high : -1;
}

rd_kafka_t *new_assigned_consumer(const char *bootstrap, const char *topic, int partitions,
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

void close_consumer(rd_kafka_t *rk) {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}
