/// How a producer chooses the partition of a message that names none (`partitioner`).
///
/// A message with an explicit ``KafkaProducerMessage/partition`` always goes
/// there. Otherwise the partitioner hashes the key, so that messages with the
/// same key land on the same partition (and keep their order) as long as the
/// topic's partition count does not change.
public enum KafkaPartitioner: String, Sendable, Hashable, CaseIterable {
    /// A random partition for every message, key or not.
    case random
    /// CRC32 hash of the key; messages without a key (or with an empty one) all go to one partition.
    case consistent
    /// CRC32 hash of the key; messages without a key (or with an empty one) go to a random partition.
    /// librdkafka's default.
    case consistentRandom = "consistent_random"
    /// Murmur2 hash of the key, as the Java producer computes it; messages without a key go to one partition.
    case murmur2
    /// Murmur2 hash of the key, as the Java producer computes it; messages without a key go to a
    /// random partition. The same placement as the Java client's default partitioner: choose it when
    /// Java and Swift producers write the same keys to the same topic.
    case murmur2Random = "murmur2_random"
    /// FNV-1a hash of the key; messages without a key go to one partition.
    case fnv1a
    /// FNV-1a hash of the key; messages without a key go to a random partition (the Go client's default).
    case fnv1aRandom = "fnv1a_random"
}
