/// The next offset to commit per partition, as last stored: what ``KafkaConsumer/commit()``
/// sends (see ``OffsetStore``).
///
/// Written once per stored message, so the topic stored to last is kept apart, with its
/// offsets in an array indexed by partition: most loops store to one topic at a time, and
/// comparing a name costs less than hashing it. Not thread-safe: ``OffsetStore`` keeps it
/// under its lock.
struct StoredOffsets {
    /// Offsets by partition number; `nil`: nothing stored.
    private typealias Partitions = [Int64?]

    private var topics: [String: Partitions] = [:]
    /// The topic stored to last, and its offsets (not in `topics` while it is the last).
    private var lastName: String?
    private var lastPartitions: Partitions = []

    /// Records `offset` as the next offset to commit for `topic`[`partition`].
    mutating func set(topic: String, partition: Int, offset: Int64) {
        if self.lastName != topic { self.switchTo(topic) }
        if partition >= self.lastPartitions.count {
            self.lastPartitions.append(contentsOf: repeatElement(nil, count: partition + 1 - self.lastPartitions.count))
        }
        self.lastPartitions[partition] = offset
    }

    /// Forgets what was stored for `partition` of `topic`.
    mutating func remove(topic: String, partition: Int) {
        if self.lastName == topic {
            if partition < self.lastPartitions.count { self.lastPartitions[partition] = nil }
        } else if var partitions = self.topics[topic], partition < partitions.count {
            partitions[partition] = nil
            self.topics[topic] = partitions
        }
    }

    /// What was stored for `partition` of `topic`, if anything.
    func offset(topic: String, partition: Int) -> Int64? {
        let partitions = self.lastName == topic ? self.lastPartitions : self.topics[topic] ?? []
        return partition < partitions.count ? partitions[partition] : nil
    }

    private mutating func switchTo(_ topic: String) {
        if let previous = self.lastName { self.topics[previous] = self.lastPartitions }
        self.lastPartitions = self.topics.removeValue(forKey: topic) ?? []
        self.lastName = topic
    }
}
