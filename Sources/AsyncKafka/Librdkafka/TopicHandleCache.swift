import CRdKafka

/// A client's `rd_kafka_topic_t` handles by name, created on first use and handed back by
/// ``removeAll()`` for destruction before the client's handle goes.
///
/// Not thread-safe: its owner keeps it under a lock (the producer's state lock, the
/// consumer's ``OffsetStore``).
struct TopicHandleCache {
    private var handles = TopicKeyed<TopicHandle>()

    /// The handle for `name`, created (after checking the name) on first use.
    mutating func handle(for name: String, _ rk: OpaquePointer) throws(KafkaError) -> OpaquePointer {
        func make() throws(KafkaError) -> TopicHandle {
            try KafkaTopicName.validate(name)
            // NULL settings: a copy of the client's topic-level ones (acks, partitioner, …).
            guard let created = rd_kafka_topic_new(rk, name, nil) else {
                throw KafkaError(code: .invalidArgument, message: "librdkafka rejected the topic name \"\(name)\"")
            }
            return TopicHandle(pointer: created)
        }
        return try self.handles.update(name, orMake: make) { (handle: inout TopicHandle) throws(KafkaError) in handle.pointer }
    }

    /// Forgets every handle and returns them, for `rd_kafka_topic_destroy` outside the lock.
    mutating func removeAll() -> [TopicHandle] {
        self.handles.removeAll()
    }
}

/// An `rd_kafka_topic_t *`, owned by its client and used under its owner's lock.
struct TopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
