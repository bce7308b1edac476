/// Kafka's rule for topic names: 1 to 249 characters of `a-z`, `A-Z`, `0-9`, `.`, `_` and
/// `-`, and neither `.` nor `..`.
///
/// AsyncKafka checks every topic name it is given against this rule before librdkafka sees
/// it, and throws ``KafkaError/Code/invalidArgument`` for one Kafka could never accept. Use
/// it to check a name that comes from outside (a request path, a command line) yourself.
public enum KafkaTopicName {
    /// The longest topic name Kafka accepts.
    public static let maximumLength = 249

    /// Whether `name` is a legal Kafka topic name.
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength, name != ".", name != ".." else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// Throws ``KafkaError/Code/invalidArgument``, saying the rule, unless `name` is a legal
    /// Kafka topic name.
    public static func validate(_ name: String) throws(KafkaError) {
        guard !Self.isValid(name) else { return }
        let shown = name.count > 60 ? "\(name.prefix(60))… (\(name.utf8.count) bytes)" : name
        throw KafkaError(
            code: .invalidArgument,
            message: "invalid topic name \"\(shown)\": use 1 to \(Self.maximumLength) characters of "
                + "a-z, A-Z, 0-9, '.', '_' and '-' (and not \".\" or \"..\")"
        )
    }
}
