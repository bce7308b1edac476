import Synchronization

/// Partitions whose already-buffered messages must not be handed out any more.
///
/// After a seek, or when a rebalance revokes a partition, the batches already
/// waiting in the stream may hold messages of that partition from before the
/// change. The client thread records, per partition, the serial of the last
/// batch built before the change; the iterator drops that partition's messages
/// from batches up to that serial. Checking costs the iterator one relaxed
/// atomic load per message while no filter changes.
final class PartitionFilter: Sendable {
    private let entries = Mutex<[PartitionKey: Int]>([:])
    private let changes = Atomic<Int>(0)
    private let signals: IteratorSignals

    init(signals: IteratorSignals) {
        self.signals = signals
    }

    /// Incremented whenever a filter is added.
    var generation: Int {
        self.changes.load(ordering: .acquiring)
    }

    /// Drops `partitions`' messages from batches up to `serial`. On the client thread.
    func discard(_ partitions: [PartitionKey], upToSerial serial: Int) {
        guard !partitions.isEmpty else { return }
        self.entries.withLock { entries in
            for partition in partitions { entries[partition] = serial }
        }
        self.changes.add(1, ordering: .releasing)
        self.signals.notify()
    }

    /// The partitions `messages` (of batch `serial`) may not hand out, or `nil` when none.
    func filtered(_ messages: ArraySlice<KafkaMessage>, serial: Int) -> [KafkaMessage]? {
        self.entries.withLock { entries -> [KafkaMessage]? in
            entries = entries.filter { $0.value >= serial }
            guard !entries.isEmpty else { return nil }
            let kept = messages.filter { message in
                guard let last = entries[PartitionKey(topic: message.topic, partition: message.partition)] else { return true }
                return serial > last
            }
            return kept.count == messages.count ? nil : kept
        }
    }
}
