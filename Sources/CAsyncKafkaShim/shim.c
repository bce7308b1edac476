#if defined(__linux__)
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#elif defined(__APPLE__)
#include <pthread.h>
#endif

#include <librdkafka/rdkafka.h>

#include "CAsyncKafkaShim.h"

/* A present but empty value or key must not reach librdkafka as NULL (which
 * means absent). With a zero length librdkafka keeps the pointer as is, so it
 * must stay valid: a static byte. */
static const char asynckafka_empty[1] = {0};

rd_kafka_error_t *asynckafka_produce(rd_kafka_t *rk,
                                     rd_kafka_topic_t *rkt,
                                     int32_t partition,
                                     int has_value,
                                     const void *value,
                                     size_t value_len,
                                     int has_key,
                                     const void *key,
                                     size_t key_len,
                                     rd_kafka_headers_t *headers,
                                     int64_t timestamp,
                                     void *opaque) {
        rd_kafka_vu_t vus[8];
        size_t cnt = 0;

        vus[cnt].vtype = RD_KAFKA_VTYPE_RKT;
        vus[cnt++].u.rkt = rkt;
        vus[cnt].vtype = RD_KAFKA_VTYPE_PARTITION;
        vus[cnt++].u.i32 = partition;
        vus[cnt].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vus[cnt++].u.i = RD_KAFKA_MSG_F_COPY;
        vus[cnt].vtype = RD_KAFKA_VTYPE_VALUE;
        vus[cnt].u.mem.ptr =
            has_value ? (value_len ? (void *)value : (void *)asynckafka_empty) : NULL;
        vus[cnt++].u.mem.size = has_value ? value_len : 0;
        if (has_key) {
                vus[cnt].vtype = RD_KAFKA_VTYPE_KEY;
                vus[cnt].u.mem.ptr = key_len ? (void *)key : (void *)asynckafka_empty;
                vus[cnt++].u.mem.size = key_len;
        }
        if (headers) {
                vus[cnt].vtype = RD_KAFKA_VTYPE_HEADERS;
                vus[cnt++].u.headers = headers;
        }
        if (timestamp) {
                vus[cnt].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
                vus[cnt++].u.i64 = timestamp;
        }
        vus[cnt].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vus[cnt++].u.ptr = opaque;

        return rd_kafka_produceva(rk, vus, cnt);
}

void asynckafka_name_current_thread(const char *name) {
#if defined(__linux__)
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    (void)pthread_setname_np(pthread_self(), truncated);
#elif defined(__APPLE__)
    (void)pthread_setname_np(name);
#else
    (void)name;
#endif
}
