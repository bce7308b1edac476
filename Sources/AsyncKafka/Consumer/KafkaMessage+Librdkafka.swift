import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KafkaMessage {
    /// Copies a consumed librdkafka message into a Swift value.
    ///
    /// Key and value keep librdkafka's distinction between absent (`NULL`,
    /// e.g. a tombstone) and empty. Header values likewise.
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>, topics: inout TopicNameCache) {
        let raw = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        let timestamp: KafkaTimestamp? = switch timestampType {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: KafkaTimestamp(millisecondsSince1970: milliseconds, kind: .createTime)
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: KafkaTimestamp(millisecondsSince1970: milliseconds, kind: .logAppendTime)
        default: nil
        }
        self.init(
            topic: raw.rkt.map { topics.name(of: $0) } ?? "",
            partition: Int(raw.partition),
            offset: raw.offset,
            key: raw.key.map { Self.bytes($0, count: raw.key_len) },
            value: raw.payload.map { Self.bytes($0, count: raw.len) },
            headers: Self.headers(of: message),
            timestamp: timestamp
        )
    }

    @inline(__always)
    static func bytes(_ pointer: UnsafeRawPointer, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { memcpy(buffer.baseAddress!, pointer, count) }
            initialized = count
        }
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
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
                    value: value.map { Self.bytes($0, count: size) }
                )
            )
        }
        return headers
    }
}
