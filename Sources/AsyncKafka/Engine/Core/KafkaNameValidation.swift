/// Client-side checks of topic and header names, so that a name Kafka can never accept fails at the
/// call with ``KafkaError/Code/invalidArgument`` instead of at the broker, or not at all.
enum KafkaNameValidation {
    /// The longest topic name Kafka accepts.
    static let maximumTopicLength = 249

    /// Throws unless `name` is a legal Kafka topic name: 1 to 249 characters of
    /// `a-z`, `A-Z`, `0-9`, `.`, `_` and `-`, and neither `.` nor `..`.
    static func validateTopic(_ name: String) throws(KafkaError) {
        let legal = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        guard !name.isEmpty, name.utf8.count <= Self.maximumTopicLength, legal, name != ".", name != ".." else {
            let shown = name.count > 60 ? "\(name.prefix(60))… (\(name.utf8.count) bytes)" : name
            throw KafkaError(
                code: .invalidArgument,
                message: "invalid topic name \"\(shown)\": use 1 to \(Self.maximumTopicLength) characters of "
                    + "a-z, A-Z, 0-9, '.', '_' and '-' (and not \".\" or \"..\")"
            )
        }
    }

    /// Throws if a header name contains a NUL character, which librdkafka would silently cut the name at.
    static func validateHeaders(_ headers: [KafkaHeader]) throws(KafkaError) {
        for header in headers where header.name.utf8.contains(0) {
            throw KafkaError(code: .invalidArgument, message: "invalid header name: it contains a NUL character")
        }
    }
}
