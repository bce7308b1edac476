/// A topic and partition, as a dictionary key.
struct PartitionKey: Hashable, Sendable {
    let topic: String
    let partition: Int
}
