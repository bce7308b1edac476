#ifndef ASYNCKAFKA_SHIM_H
#define ASYNCKAFKA_SHIM_H

#include <stddef.h>
#include <stdint.h>

/* librdkafka's handle types, by their struct tags only. This header must not include
 * <librdkafka/rdkafka.h>: CRdKafka's module includes it too, and two modules including
 * the same non-modular header let the Swift compiler attribute its declarations to
 * either one, so that RD_KAFKA_* names vanish from files that import CRdKafka alone,
 * depending on the order the compiler reads files in. The pointers import into Swift
 * as OpaquePointer either way. */
struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_error_s;
struct rd_kafka_headers_s;

/// Enqueues one message with `rd_kafka_produceva`, whose variadic-macro
/// counterpart (`rd_kafka_producev`) does not import into Swift.
///
/// Payload and key are copied (`RD_KAFKA_MSG_F_COPY`). `has_value`/`has_key`
/// tell an absent value (a tombstone) or key from an empty one, whose pointer
/// may be NULL when it comes from an empty Swift array.
/// `headers` (may be NULL) is handed over with `RD_KAFKA_VTYPE_HEADERS`:
/// librdkafka owns it when this returns NULL; when an error is returned the
/// caller still owns it and must destroy it.
/// `timestamp` is milliseconds since the epoch, or 0 for "now".
/// Returns NULL on success, else an error the caller must destroy.
struct rd_kafka_error_s *asynckafka_produce(struct rd_kafka_s *rk,
                                     struct rd_kafka_topic_s *rkt,
                                     int32_t partition,
                                     int has_value,
                                     const void *value,
                                     size_t value_len,
                                     int has_key,
                                     const void *key,
                                     size_t key_len,
                                     struct rd_kafka_headers_s *headers,
                                     int64_t timestamp,
                                     void *opaque);

/// Names the calling thread (as profilers and debuggers show it); Linux keeps
/// the first 15 bytes. Does nothing where the platform has no such call.
void asynckafka_name_current_thread(const char *name);

#endif
