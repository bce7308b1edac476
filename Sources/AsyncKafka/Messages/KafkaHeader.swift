/// A Kafka message header: a name and an optional byte value.
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var name: String
    /// The header value; `nil` is a header without a value, which Kafka allows.
    public var value: [UInt8]?

    /// Creates a header with a byte value.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(name: String, value: String) {
        self.name = name
        self.value = Array(value.utf8)
    }

    /// The value decoded as UTF-8, or `nil` when there is none or it is not valid UTF-8.
    public var valueString: String? {
        self.value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension KafkaHeader {
    /// Throws ``KafkaError/Code/invalidArgument`` if a header name contains a NUL character,
    /// which librdkafka would silently cut the name at.
    static func validateNames(_ headers: [KafkaHeader]) throws(KafkaError) {
        for header in headers where header.name.utf8.contains(0) {
            throw KafkaError(code: .invalidArgument, message: "invalid header name: it contains a NUL character")
        }
    }
}
