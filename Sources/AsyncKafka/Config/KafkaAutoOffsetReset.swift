/// Where a consumer starts when it has no valid committed offset (`auto.offset.reset`).
public struct KafkaAutoOffsetReset: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// librdkafka's value of `auto.offset.reset`.
    public let rawValue: String

    /// The value as librdkafka spells it.
    public var description: String { self.rawValue }

    /// Wraps a value as librdkafka spells it, for one this type does not name yet.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Start from the oldest message still in the partition.
    public static let earliest = KafkaAutoOffsetReset(rawValue: "earliest")
    /// Start after the newest message: only messages produced from now on.
    public static let latest = KafkaAutoOffsetReset(rawValue: "latest")
    /// Report an error on the message stream instead of choosing.
    public static let error = KafkaAutoOffsetReset(rawValue: "error")

    /// The values this version of AsyncKafka names; librdkafka may accept more.
    public static let allCases: [KafkaAutoOffsetReset] = [.earliest, .latest, .error]
}
