/// A Kafka protocol request type (its `ApiKey`), for fault injection.
///
/// The named values are the client-facing requests; any other key can be
/// written as `KafkaAPI(rawValue: 42)`. librdkafka 2.0.2's mock broker serves
/// only ``produce``, ``fetch``, ``listOffsets``, ``metadata``, ``offsetCommit``,
/// ``offsetFetch``, ``findCoordinator``, ``joinGroup``, ``heartbeat``,
/// ``leaveGroup``, ``syncGroup``, ``apiVersions``, ``initProducerID``,
/// ``addPartitionsToTxn``, ``addOffsetsToTxn``, ``endTxn`` and
/// ``txnOffsetCommit`` (as its ApiVersions response lists); errors pushed for
/// other request types are never used.
public struct KafkaAPI: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The protocol `ApiKey`.
    public let rawValue: Int16

    /// Wraps a protocol `ApiKey`.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// `Produce` (0).
    public static let produce = KafkaAPI(rawValue: 0)
    /// `Fetch` (1).
    public static let fetch = KafkaAPI(rawValue: 1)
    /// `ListOffsets` (2).
    public static let listOffsets = KafkaAPI(rawValue: 2)
    /// `Metadata` (3).
    public static let metadata = KafkaAPI(rawValue: 3)
    /// `OffsetCommit` (8).
    public static let offsetCommit = KafkaAPI(rawValue: 8)
    /// `OffsetFetch` (9).
    public static let offsetFetch = KafkaAPI(rawValue: 9)
    /// `FindCoordinator` (10).
    public static let findCoordinator = KafkaAPI(rawValue: 10)
    /// `JoinGroup` (11).
    public static let joinGroup = KafkaAPI(rawValue: 11)
    /// `Heartbeat` (12).
    public static let heartbeat = KafkaAPI(rawValue: 12)
    /// `LeaveGroup` (13).
    public static let leaveGroup = KafkaAPI(rawValue: 13)
    /// `SyncGroup` (14).
    public static let syncGroup = KafkaAPI(rawValue: 14)
    /// `DescribeGroups` (15).
    public static let describeGroups = KafkaAPI(rawValue: 15)
    /// `ListGroups` (16).
    public static let listGroups = KafkaAPI(rawValue: 16)
    /// `SaslHandshake` (17).
    public static let saslHandshake = KafkaAPI(rawValue: 17)
    /// `ApiVersions` (18).
    public static let apiVersions = KafkaAPI(rawValue: 18)
    /// `CreateTopics` (19).
    public static let createTopics = KafkaAPI(rawValue: 19)
    /// `DeleteTopics` (20).
    public static let deleteTopics = KafkaAPI(rawValue: 20)
    /// `DeleteRecords` (21).
    public static let deleteRecords = KafkaAPI(rawValue: 21)
    /// `InitProducerId` (22).
    public static let initProducerID = KafkaAPI(rawValue: 22)
    /// `OffsetForLeaderEpoch` (23).
    public static let offsetForLeaderEpoch = KafkaAPI(rawValue: 23)
    /// `AddPartitionsToTxn` (24).
    public static let addPartitionsToTxn = KafkaAPI(rawValue: 24)
    /// `AddOffsetsToTxn` (25).
    public static let addOffsetsToTxn = KafkaAPI(rawValue: 25)
    /// `EndTxn` (26).
    public static let endTxn = KafkaAPI(rawValue: 26)
    /// `TxnOffsetCommit` (28).
    public static let txnOffsetCommit = KafkaAPI(rawValue: 28)
    /// `DescribeConfigs` (32).
    public static let describeConfigs = KafkaAPI(rawValue: 32)
    /// `AlterConfigs` (33).
    public static let alterConfigs = KafkaAPI(rawValue: 33)
    /// `SaslAuthenticate` (36).
    public static let saslAuthenticate = KafkaAPI(rawValue: 36)
    /// `CreatePartitions` (37).
    public static let createPartitions = KafkaAPI(rawValue: 37)
    /// `DeleteGroups` (42).
    public static let deleteGroups = KafkaAPI(rawValue: 42)
    /// `OffsetDelete` (47).
    public static let offsetDelete = KafkaAPI(rawValue: 47)

    private static let names: [Int16: String] = [
        0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch",
        10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup",
        15: "DescribeGroups", 16: "ListGroups", 17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics",
        20: "DeleteTopics", 21: "DeleteRecords", 22: "InitProducerId", 23: "OffsetForLeaderEpoch",
        24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn", 26: "EndTxn", 28: "TxnOffsetCommit",
        32: "DescribeConfigs", 33: "AlterConfigs", 36: "SaslAuthenticate", 37: "CreatePartitions",
        42: "DeleteGroups", 47: "OffsetDelete",
    ]

    /// The protocol name and key, such as `Metadata(3)`; unnamed keys print as `ApiKey(42)`.
    public var description: String {
        "\(Self.names[self.rawValue] ?? "ApiKey")(\(self.rawValue))"
    }
}
