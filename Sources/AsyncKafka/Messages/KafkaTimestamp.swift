/// A message timestamp, in milliseconds since 1970-01-01T00:00:00Z.
public struct KafkaTimestamp: Sendable, Hashable, Comparable {
    /// Who set the timestamp.
    public enum Kind: Sendable, Hashable {
        /// The producer set it when it created the message.
        case createTime
        /// The broker set it when it appended the message to the log.
        case logAppendTime
    }

    /// Milliseconds since the Unix epoch.
    public var millisecondsSince1970: Int64
    /// Whether the producer or the broker set the timestamp.
    public var kind: Kind

    /// Creates a timestamp.
    public init(millisecondsSince1970: Int64, kind: Kind = .createTime) {
        self.millisecondsSince1970 = millisecondsSince1970
        self.kind = kind
    }

    /// Orders timestamps by time.
    public static func < (lhs: KafkaTimestamp, rhs: KafkaTimestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }
}
