/// A message timestamp, in milliseconds since 1970-01-01T00:00:00Z.
public struct KafkaTimestamp: Sendable, Hashable, Comparable {
    /// Who set the timestamp. A struct with static members rather than an enum, so that a
    /// kind added later breaks no `switch`: compare with `==`, or give a `switch` a `default`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        // One byte, trivially copied: every consumed message and delivery report carries one.
        private let value: UInt8
        private init(_ value: UInt8) { self.value = value }

        /// The producer set it when it created the message.
        public static let createTime = Kind(0)
        /// The broker set it when it appended the message to the log.
        public static let logAppendTime = Kind(1)

        /// The kind's name, such as `createTime`.
        public var description: String {
            switch self {
            case .createTime: "createTime"
            case .logAppendTime: "logAppendTime"
            default: "kind \(self.value)"
            }
        }
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
