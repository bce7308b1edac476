import CRdKafka
import Synchronization

/// Owns every write to librdkafka's offset store of a consumer, so that an offset the application
/// stored or committed itself is never moved backwards by the library.
///
/// Writes come from two sides:
/// - the application: ``KafkaConsumer/store(_:)-(KafkaMessage)`` on the caller's thread (the call never blocks
///   and reads nothing of the consumer thread's state, so an at-least-once loop that stores every
///   message pays no round trip through the consumer's actor and thread), and
///   ``KafkaConsumer/commit(_:)-(KafkaMessage)``, which raises the stored offset to what it commits;
/// - the consumer thread's automatic store of what the loop consumed (on wake-ups, before a
///   commit, before partitions are revoked, when the consumer closes).
///
/// The invariant: per partition, the automatic store never stores below the *floor*, the last
/// offset the application stored or committed; an explicit commit raises librdkafka's stored
/// offset to the committed one when it is lower. librdkafka's own commits (the periodic one, the
/// one on revocation, the final one at close) commit the stored offsets, so none of them can
/// commit less than the application did. A seek (``repositioned(_:)``) lowers the floor: the
/// application moved its position itself. A (re)assignment (``forget(_:)``) starts afresh, as
/// librdkafka does, from the committed offset.
///
/// It also remembers every offset stored, so that ``KafkaConsumer/commit()`` sends them
/// explicitly: librdkafka's commit of "the stored offsets" was seen answering "nothing to commit"
/// (`_NO_OFFSET`) during a close, with offsets stored beyond the committed ones, and the caller
/// was told they were committed when they were not.
///
/// Everything happens under one lock. ``close()`` (on the consumer thread, when the consumer
/// starts stopping) refuses later calls from the application and destroys the topic handles
/// that ``store(topic:partition:offset:closed:)`` uses.
final class OffsetStore: Sendable {
    private struct State {
        var handle: OpaquePointer?
        var topics = TopicHandleCache()
        var stored = StoredOffsets()
    }

    private let state = Mutex(State())

    /// A handle on its way into the lock; from there on it is used only under the lock.
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// Starts storing through `handle`, once the consumer's handle exists.
    func open(_ handle: OpaquePointer) {
        let handle = Handle(pointer: handle)
        self.state.withLock { $0.handle = handle.pointer }
    }

    /// Stores `next` as the next offset to commit for `topic`[`partition`]: the application's
    /// own store, which also sets the partition's floor.
    /// - Throws: `closed` once closed; the librdkafka error otherwise (`__STATE` for a
    ///   partition not assigned, `__UNKNOWN_PARTITION` for one never seen).
    func store(next: Int64, topic name: String, partition: Int, closed: @autoclosure () -> KafkaError) throws(KafkaError) {
        try self.state.withLock { state throws(KafkaError) in
            guard let rk = state.handle else { throw closed() }
            let topic = try state.topics.handle(for: name, rk)
            // rd_kafka_offset_store takes the processed message's offset and stores it + 1.
            let err = rd_kafka_offset_store(topic, Int32(clamping: partition), next - 1)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw .rdKafka(err, context: "store offset for \(name)[\(partition)]")
            }
            state.stored[name, partition] = StoredOffsets.Entry(stored: next, floor: next)
        }
    }

    /// The automatic store: stores `offsets` (next offsets to commit, from what the loop consumed)
    /// through `rk`, except where that would go below the partition's floor or changes nothing.
    /// On the consumer thread. Returns librdkafka's error, if any (`_STATE` for a partition revoked
    /// meanwhile: its new owner reads those messages again).
    func storeConsumed(_ offsets: [KafkaTopicPartition], through rk: OpaquePointer) -> KafkaError? {
        let rk = Handle(pointer: rk)
        return self.state.withLock { state in
            let wanted = offsets.filter {
                state.stored.admitsAutomaticStore(of: $0.offset.rawValue, topic: $0.topic, partition: $0.partition)
            }
            return Self.write(wanted, through: rk, into: &state)
        }
    }

    /// The application commits `offsets`: each becomes its partition's floor, and librdkafka's
    /// stored offset is raised to it where it is lower, so that no commit librdkafka makes later
    /// (periodic, on revocation, at close) commits less. On the consumer thread, before the commit.
    func committing(_ offsets: [KafkaTopicPartition], through rk: OpaquePointer) {
        let rk = Handle(pointer: rk)
        self.state.withLock { state in
            var raised: [KafkaTopicPartition] = []
            for offset in offsets where offset.offset.isAbsolute {
                if state.stored.commit(offset.offset.rawValue, topic: offset.topic, partition: offset.partition) {
                    raised.append(offset)
                }
            }
            // A partition not assigned (`_STATE`) keeps nothing stored; its commit goes ahead regardless.
            _ = Self.write(raised, through: rk, into: &state)
        }
    }

    /// The application moved its position in `partitions` (a seek): what it consumes from there
    /// on is stored, even below what it stored or committed before.
    func repositioned(_ partitions: [KafkaTopicPartition]) {
        self.state.withLock { state in
            for partition in partitions { state.stored[partition.topic, partition.partition].floor = nil }
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
                state.stored[partition.topic, partition.partition].stored.map {
                    KafkaTopicPartition(topic: partition.topic, partition: partition.partition, offset: .offset($0))
                }
            }
        }
    }

    /// Stores `offsets` in librdkafka and records those it took.
    private static func write(_ offsets: [KafkaTopicPartition], through rk: Handle, into state: inout State) -> KafkaError? {
        guard !offsets.isEmpty else { return nil }
        let list = TopicPartitionList(offsets)
        let err = rd_kafka_offsets_store(rk.pointer, list.pointer)
        for offset in err == RD_KAFKA_RESP_ERR_NO_ERROR ? offsets : list.withoutError(offsets) {
            state.stored[offset.topic, offset.partition].stored = offset.offset.rawValue
        }
        return err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : .rdKafka(err, context: "store")
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
