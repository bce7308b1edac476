import CRdKafka
import Synchronization

/// Stores offsets with `rd_kafka_offset_store` on the caller's thread, for
/// ``KafkaConsumer/store(_:)``: the call never blocks and reads nothing of the
/// consumer thread's state, so an at-least-once loop that stores every message
/// pays no round trip through the consumer's actor and thread.
///
/// It holds the consumer's handle (from ``open(_:)``) and a ``TopicHandleCache`` of the topics
/// stored to, under a lock held during each call. ``close()`` (on the consumer thread, when the
/// consumer starts stopping, before the handle is destroyed) destroys the topic
/// handles and refuses every later call.
///
/// It also remembers every offset stored (here or by the consumer thread's automatic store), so
/// that ``KafkaConsumer/commit()`` sends them explicitly: librdkafka's commit of "the stored
/// offsets" was seen answering "nothing to commit" (`_NO_OFFSET`) during a close, with offsets
/// stored beyond the committed ones, and the caller was told they were committed when they were not.
final class OffsetStore: Sendable {
    private struct State {
        var handle: OpaquePointer?
        var topics = TopicHandleCache()
        var stored = StoredOffsets()
    }

    private let state = Mutex(State())

    /// The handle on its way into the lock; from there on it is used only under the lock.
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// Starts storing through `handle`, once the consumer's handle exists.
    func open(_ handle: OpaquePointer) {
        let handle = Handle(pointer: handle)
        self.state.withLock { $0.handle = handle.pointer }
    }

    /// Stores `offset + 1` as the next offset to commit for `topic`[`partition`].
    /// - Throws: `closed` once closed; the librdkafka error otherwise (`__STATE` for a
    ///   partition not assigned, `__UNKNOWN_PARTITION` for one never seen).
    func store(topic name: String, partition: Int, offset: Int64, closed: @autoclosure () -> KafkaError) throws(KafkaError) {
        try self.state.withLock { state throws(KafkaError) in
            guard let rk = state.handle else { throw closed() }
            let topic = try state.topics.handle(for: name, rk)
            let err = rd_kafka_offset_store(topic, Int32(clamping: partition), offset)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw .rdKafka(err, context: "store offset for \(name)[\(partition)]")
            }
            state.stored.set(topic: name, partition: partition, offset: offset + 1)
        }
    }

    /// Remembers offsets the consumer thread stored (next offsets to commit).
    func remember(_ offsets: [KafkaTopicPartition]) {
        self.state.withLock { state in
            for offset in offsets {
                state.stored.set(topic: offset.topic, partition: offset.partition, offset: offset.offset.rawValue)
            }
        }
    }

    /// Forgets what was stored for `partitions`: they are (re)assigned, and librdkafka starts
    /// them afresh from the committed offset.
    func forget(_ partitions: [KafkaTopicPartition]) {
        self.state.withLock { state in
            for partition in partitions { state.stored.remove(topic: partition.topic, partition: partition.partition) }
        }
    }

    /// The stored offsets of the partitions in `assignment`: what a commit of the stored offsets sends.
    func storedOffsets(of assignment: [KafkaTopicPartition]) -> [KafkaTopicPartition] {
        self.state.withLock { state in
            assignment.compactMap { partition in
                state.stored.offset(topic: partition.topic, partition: partition.partition).map {
                    KafkaTopicPartition(topic: partition.topic, partition: partition.partition, offset: .offset($0))
                }
            }
        }
    }

    /// Refuses every later call and destroys the topic handles. On the consumer thread, before
    /// the consumer's handle is destroyed; idempotent.
    func close() {
        let topics = self.state.withLock { state in
            state.handle = nil
            return state.topics.removeAll()
        }
        for topic in topics { rd_kafka_topic_destroy(topic.pointer) }
    }
}
