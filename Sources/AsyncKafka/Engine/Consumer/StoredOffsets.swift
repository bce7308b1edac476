/// Per partition, the next offset to commit as last stored in librdkafka, and the floor below
/// which the automatic offset store never goes (see ``OffsetStore``).
///
/// Written once per stored message, so the topic stored to last is kept apart, with its
/// partitions in an array indexed by partition: most loops store to one topic at a time, and
/// comparing a name costs less than hashing it. Not thread-safe: ``OffsetStore`` keeps it
/// under its lock.
struct StoredOffsets {
    /// One partition's offsets.
    struct Entry: Equatable {
        /// The next offset to commit, as last stored in librdkafka; `nil`: nothing stored.
        var stored: Int64?
        /// The last offset the application stored or committed itself (since the partition was
        /// assigned or sought); the automatic store never stores below it.
        var floor: Int64?
    }

    private typealias Partitions = [Entry]

    private var topics: [String: Partitions] = [:]
    /// The topic stored to last, and its partitions (not in `topics` while it is the last).
    private var lastName: String?
    private var lastPartitions: Partitions = []

    /// The entry of `topic`[`partition`] (empty when nothing was recorded).
    subscript(topic: String, partition: Int) -> Entry {
        get {
            let partitions = self.lastName == topic ? self.lastPartitions : self.topics[topic] ?? []
            return partition < partitions.count ? partitions[partition] : Entry()
        }
        set {
            if self.lastName != topic { self.switchTo(topic) }
            if partition >= self.lastPartitions.count {
                self.lastPartitions.append(contentsOf: repeatElement(Entry(), count: partition + 1 - self.lastPartitions.count))
            }
            self.lastPartitions[partition] = newValue
        }
    }

    /// Whether the automatic store may store `next` for `topic`[`partition`]: not below the
    /// floor, and not when it is stored already.
    func admitsAutomaticStore(of next: Int64, topic: String, partition: Int) -> Bool {
        let entry = self[topic, partition]
        return next >= (entry.floor ?? .min) && next != entry.stored
    }

    /// The application commits `next` for `topic`[`partition`]: it becomes the floor. Returns
    /// whether the stored offset must be raised to it (nothing stored, or something lower).
    mutating func commit(_ next: Int64, topic: String, partition: Int) -> Bool {
        self[topic, partition].floor = next
        return (self[topic, partition].stored ?? .min) < next
    }

    /// Forgets everything recorded for `partition` of `topic`.
    mutating func remove(topic: String, partition: Int) {
        if self.lastName == topic {
            if partition < self.lastPartitions.count { self.lastPartitions[partition] = Entry() }
        } else if var partitions = self.topics[topic], partition < partitions.count {
            partitions[partition] = Entry()
            self.topics[topic] = partitions
        }
    }

    private mutating func switchTo(_ topic: String) {
        if let previous = self.lastName { self.topics[previous] = self.lastPartitions }
        self.lastPartitions = self.topics.removeValue(forKey: topic) ?? []
        self.lastName = topic
    }
}
