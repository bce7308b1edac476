import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts a batch of consumed librdkafka messages into ``KafkaMessage`` values.
///
/// Keys and values of the whole batch are copied into one ``KafkaBytesStorage``
/// (one allocation per batch); each message's ``KafkaBytes`` views its part.
/// librdkafka's distinction between absent (`NULL`: a tombstone, no key) and
/// empty is kept, for header values too.
enum MessageBatchBuilder {
    /// Builds the messages `messages[0..<count]` that have no error; the caller destroys them all.
    ///
    /// Topic names are cached for the batch only: a topic handle's address may be reused later.
    static func build(
        _ messages: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>,
        count: Int
    ) -> [KafkaMessage] {
        assert(KafkaMessage.initializesEveryProperty, "KafkaMessage.initialize(_:...) misses a stored property")
        var total = 0
        for index in 0..<count {
            let raw = messages[index]!.pointee
            guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            total += (raw.payload == nil ? 0 : raw.len) + (raw.key == nil ? 0 : raw.key_len)
        }
        let storage = KafkaBytesStorage(capacity: total)
        var cursor = 0
        var topics = TopicNameCache()
        // Built in place: no intermediate copies of the messages (see KafkaMessage.initialize).
        return [KafkaMessage](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let message = messages[index]!
                let raw = message.pointee
                guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
                KafkaMessage.initialize(
                    buffer.baseAddress! + initialized,
                    topic: raw.rkt.map { topics.name(of: $0) } ?? "",
                    partition: Int(raw.partition),
                    offset: raw.offset,
                    key: raw.key.map { Self.copy($0, count: raw.key_len, into: storage, at: &cursor) },
                    value: raw.payload.map { Self.copy($0, count: raw.len, into: storage, at: &cursor) },
                    headers: Self.headers(of: message),
                    timestamp: KafkaTimestamp(of: message)
                )
                initialized += 1
            }
        }
    }

    @inline(__always)
    private static func copy(
        _ source: UnsafeRawPointer,
        count: Int,
        into storage: KafkaBytesStorage,
        at cursor: inout Int
    ) -> KafkaBytes {
        if count > 0 { memcpy(storage.base + cursor, source, count) }
        defer { cursor += count }
        return KafkaBytes(storage: storage, start: cursor, count: count)
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        if RecordHeaders.certainlyNone(message) { return [] }
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        let count = rd_kafka_header_cnt(list)
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(count)
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        for index in 0..<count
        where rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            headers.append(
                KafkaHeader(
                    name: name.map { String(cString: $0) } ?? "",
                    value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                )
            )
        }
        return headers
    }
}
