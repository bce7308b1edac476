/// How many replicas must acknowledge a produced message (`acks`).
public struct KafkaAcks: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// librdkafka's value of `acks`.
    public let rawValue: String

    /// The value as librdkafka spells it.
    public var description: String { self.rawValue }

    /// Wraps a value as librdkafka spells it, for one this type does not name yet.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Do not wait for any acknowledgement.
    public static let none = KafkaAcks(rawValue: "0")
    /// Wait for the partition leader only.
    public static let leader = KafkaAcks(rawValue: "1")
    /// Wait for all in-sync replicas (the default, and the safe choice).
    public static let all = KafkaAcks(rawValue: "all")

    /// The values this version of AsyncKafka names; librdkafka may accept more.
    public static let allCases: [KafkaAcks] = [.none, .leader, .all]
}
