import Synchronization

/// Which messages of the stream the application has finished with.
///
/// A message is consumed once the loop asks for the next one. The message
/// iterator records that here, cheaply (one relaxed atomic store per
/// message). The client thread reads it whenever offsets must be stored — on
/// every wake-up, before a commit, before partitions are revoked, and when the
/// consumer closes — so that exactly the consumed messages are committed,
/// never the one being processed nor those still waiting in the stream's
/// buffer.
final class ConsumptionProgress: Sendable {
    private struct Batches {
        /// Next offsets of the messages consumed from earlier batches, not yet taken.
        var finished = NextOffsets()
        /// The batch the iterator is handing out.
        var current: [KafkaMessage] = []
        /// How many messages of `current` were already taken.
        var taken = 0
    }

    private let batches = Mutex(Batches())
    /// How many messages of `current` the loop has consumed (in `signals`, which the iterator's inlined fast path writes).
    private let signals: IteratorSignals

    init(signals: IteratorSignals) {
        self.signals = signals
    }

    /// The iterator moves on to `batch`, having consumed the first `consumed` messages of the
    /// previous one (all of them, unless a filter dropped the rest).
    ///
    /// The previous batch is summarised here, on the iterating thread, so that its
    /// messages are released there too, where the application released its copies.
    func startBatch(_ batch: [KafkaMessage], previousConsumed consumed: Int) {
        let previous = self.batches.withLock { batches in
            let end = min(consumed, batches.current.count)
            if batches.taken < end {
                batches.finished.add(batches.current[batches.taken..<end])
            }
            self.signals.consumed.store(0, ordering: .relaxed)
            batches.taken = 0
            var previous = batch
            swap(&previous, &batches.current)
            return previous
        }
        _ = previous  // released here, outside the lock
    }

    /// The loop has consumed the first `count` messages of the current batch.
    @inline(__always)
    func markConsumed(_ count: Int) {
        self.signals.consumed.store(count, ordering: .relaxed)
    }

    /// Takes every consumed message not yet taken, as the next offset to commit per partition.
    func takeConsumedOffsets() -> [KafkaTopicPartition] {
        self.batches.withLock { batches in
            var offsets = batches.finished
            batches.finished = NextOffsets()
            let count = min(self.signals.consumed.load(ordering: .relaxed), batches.current.count)
            if count > batches.taken {
                offsets.add(batches.current[batches.taken..<count])
                batches.taken = count
            }
            return offsets.partitions
        }
    }
}

/// The next offset to commit per partition for messages in the order the loop consumed them:
/// the last one's offset + 1 (lower than an earlier one's after a seek back).
private struct NextOffsets {
    private(set) var partitions: [KafkaTopicPartition] = []

    mutating func add(_ messages: ArraySlice<KafkaMessage>) {
        // Through a pointer: only three fields of each message are read, none is copied.
        messages.withUnsafeBufferPointer { messages in
            var last = -1
            for message in messages.indices {
                let partition = messages[message].partition
                let next = messages[message].offset + 1
                if last >= 0, self.partitions[last].partition == partition,
                    self.partitions[last].topic == messages[message].topic
                {
                    self.partitions[last].offset = .offset(next)
                    continue
                }
                last = self.record(next, topic: messages[message].topic, partition: partition)
            }
        }
    }

    /// Sets the next offset of a partition to `next`; returns the partition's index.
    private mutating func record(_ next: Int64, topic: String, partition: Int) -> Int {
        if let index = self.partitions.firstIndex(where: { $0.partition == partition && $0.topic == topic }) {
            self.partitions[index].offset = .offset(next)
            return index
        }
        self.partitions.append(KafkaTopicPartition(topic: topic, partition: partition, offset: .offset(next)))
        return self.partitions.count - 1
    }
}
