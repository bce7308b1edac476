import CRdKafka

/// A client's `rd_kafka_topic_t` handles by name, created on first use and handed back by
/// ``removeAll()`` for destruction before the client's handle goes.
///
/// Not thread-safe: its owner keeps it under a lock (the producer's state lock, the
/// consumer's ``OffsetStore``).
struct TopicHandleCache {
    private var handles: [String: TopicHandle] = [:]
    /// The handle used last: most callers use one topic at a time, and comparing a name is
    /// cheaper than hashing it.
    private var last: (name: String, handle: TopicHandle)?

    /// The handle for `name`, created (after checking the name) on first use.
    mutating func handle(for name: String, _ rk: OpaquePointer) throws(KafkaError) -> OpaquePointer {
        if let last = self.last, last.name == name { return last.handle.pointer }
        if let known = self.handles[name] {
            self.last = (name, known)
            return known.pointer
        }
        try KafkaTopicName.validate(name)
        // NULL settings: a copy of the client's topic-level ones (acks, partitioner, …).
        guard let created = rd_kafka_topic_new(rk, name, nil) else {
            throw KafkaError(code: .invalidArgument, message: "librdkafka rejected the topic name \"\(name)\"")
        }
        let handle = TopicHandle(pointer: created)
        self.handles[name] = handle
        self.last = (name, handle)
        return created
    }

    /// Forgets every handle and returns them, for `rd_kafka_topic_destroy` outside the lock.
    mutating func removeAll() -> [TopicHandle] {
        defer {
            self.handles = [:]
            self.last = nil
        }
        return Array(self.handles.values)
    }
}

/// An `rd_kafka_topic_t *`, owned by its client and used under its owner's lock.
struct TopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
