/// How a producer chooses the partition of a message that names none (`partitioner`).
///
/// A message with an explicit ``KafkaProducerMessage/partition`` always goes
/// there. Otherwise the partitioner hashes the key, so that messages with the
/// same key land on the same partition (and keep their order) as long as the
/// topic's partition count does not change.
public struct KafkaPartitioner: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// librdkafka's value of `partitioner`.
    public let rawValue: String

    /// The value as librdkafka spells it.
    public var description: String { self.rawValue }

    /// Wraps a value as librdkafka spells it, for one this type does not name yet.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A random partition for every message, key or not.
    public static let random = KafkaPartitioner(rawValue: "random")
    /// CRC32 hash of the key; messages without a key (or with an empty one) all go to one partition.
    public static let consistent = KafkaPartitioner(rawValue: "consistent")
    /// CRC32 hash of the key; messages without a key (or with an empty one) go to a random partition.
    /// librdkafka's default.
    public static let consistentRandom = KafkaPartitioner(rawValue: "consistent_random")
    /// Murmur2 hash of the key, as the Java producer computes it; messages without a key go to one partition.
    public static let murmur2 = KafkaPartitioner(rawValue: "murmur2")
    /// Murmur2 hash of the key, as the Java producer computes it; messages without a key go to a
    /// random partition. The same placement as the Java client's default partitioner: choose it when
    /// Java and Swift producers write the same keys to the same topic.
    public static let murmur2Random = KafkaPartitioner(rawValue: "murmur2_random")
    /// FNV-1a hash of the key; messages without a key go to one partition.
    public static let fnv1a = KafkaPartitioner(rawValue: "fnv1a")
    /// FNV-1a hash of the key; messages without a key go to a random partition (the Go client's default).
    public static let fnv1aRandom = KafkaPartitioner(rawValue: "fnv1a_random")

    /// The values this version of AsyncKafka names; librdkafka may accept more.
    public static let allCases: [KafkaPartitioner] = [
        .random, .consistent, .consistentRandom, .murmur2, .murmur2Random, .fnv1a, .fnv1aRandom,
    ]
}
