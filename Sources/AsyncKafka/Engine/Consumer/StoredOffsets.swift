/// Per partition, the next offset to commit as last stored in librdkafka, and the floor below
/// which the automatic offset store never goes (see ``OffsetStore``).
///
/// Written once per stored message, so the topics are ``TopicKeyed`` (the topic stored to last
/// kept apart), each with its partitions in an array indexed by partition. Not thread-safe:
/// ``OffsetStore`` keeps it under its lock.
struct StoredOffsets {
    /// One partition's offsets.
    struct Entry: Equatable {
        /// The next offset to commit, as last stored in librdkafka; `nil`: nothing stored.
        var stored: Int64?
        /// The last offset the application stored or committed itself (since the partition was
        /// assigned or sought); the automatic store never stores below it.
        var floor: Int64?
    }

    private var topics = TopicKeyed<[Entry]>()

    /// The entry of `topic`[`partition`] (empty when nothing was recorded).
    subscript(topic: String, partition: Int) -> Entry {
        get {
            let partitions = self.topics[topic] ?? []
            return partition < partitions.count ? partitions[partition] : Entry()
        }
        set {
            self.topics.update(topic, orMake: { [] }) { partitions in
                if partition >= partitions.count {
                    partitions.append(contentsOf: repeatElement(Entry(), count: partition + 1 - partitions.count))
                }
                partitions[partition] = newValue
            }
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
        guard let partitions = self.topics[topic], partition < partitions.count else { return }
        self.topics.update(topic, orMake: { [] }) { $0[partition] = Entry() }
    }
}
