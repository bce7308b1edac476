/// A position in a partition: an absolute offset, or one of Kafka's logical positions.
public struct KafkaOffset: Sendable, Hashable, CustomStringConvertible {
    /// The raw librdkafka value: an absolute offset (≥ 0) or a negative logical offset.
    public let rawValue: Int64

    private init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// An absolute offset (must be ≥ 0; a negative value is reported as an error when used).
    public static func offset(_ value: Int64) -> KafkaOffset {
        KafkaOffset(rawValue: value)
    }

    /// The oldest message still in the partition.
    public static let beginning = KafkaOffset(rawValue: -2)
    /// After the newest message: only messages written from now on.
    public static let end = KafkaOffset(rawValue: -1)
    /// The consumer group's committed offset, falling back to `auto.offset.reset`.
    public static let stored = KafkaOffset(rawValue: -1000)
    /// No offset: nothing is committed, or the position is not known yet.
    public static let unset = KafkaOffset(rawValue: -1001)

    /// Whether this is an absolute offset rather than a logical one.
    public var isAbsolute: Bool {
        self.rawValue >= 0
    }

    /// The offset, or the name of a logical position.
    public var description: String {
        switch self {
        case .beginning: "beginning"
        case .end: "end"
        case .stored: "stored"
        case .unset: "unset"
        default: String(self.rawValue)
        }
    }
}
