import CRdKafka
import Synchronization

/// The senders of a batch of messages waiting for their delivery reports:
/// one object, one allocation of slots and one continuation per batch, however
/// many messages it holds. ``KafkaProducer/send(_:queueTimeout:)`` uses a batch of one.
///
/// Each enqueued message carries the address of its slot as librdkafka's
/// per-message opaque. The delivery-report callback copies the report's plain
/// values (error code, partition, offset, timestamp) into the slot — no
/// allocation, no reference counting — and counts it off; whoever counts off
/// the last one (a report, or the sender once it starts waiting) resumes the
/// sender, which then builds every result, in input order, on its own thread.
///
/// Memory safety: every slot is written by exactly one party (the sender
/// before enqueueing it, or the one delivery report for it), and the counter
/// is updated with acquiring-and-releasing ordering, so the party that brings
/// it to zero, and the sender it resumes, see every slot. The sender keeps the
/// batch alive: it never returns before the counter is zero, that is before the
/// last report has been written, and the reporter touches nothing of the batch
/// after it resumes the sender.
final class DeliveryBatch: @unchecked Sendable {
    /// What librdkafka reported for one message.
    struct Report {
        var error = RD_KAFKA_RESP_ERR_NO_ERROR
        var partition: Int32 = -1
        var offset: Int64 = -1
        var timestamp: Int64 = -1
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        var received = false
    }

    /// One message's place in the batch.
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        var report = Report()
    }

    /// The number of messages.
    let count: Int
    private let slots: UnsafeMutablePointer<Slot>
    /// Results still missing, plus one held by the sender until it waits.
    private let outstanding: Atomic<Int>
    /// Set by the sender before it gives up its count; read by whoever counts off the last result.
    private var continuation: CheckedContinuation<Void, Never>?
    /// Messages that never reached librdkafka, by index. Written by the sender only, before it waits.
    private var failures: [Int: KafkaError] = [:]

    init(count: Int) {
        self.count = count
        self.slots = .allocate(capacity: max(1, count))
        self.outstanding = Atomic(count + 1)
        let unmanaged = Unmanaged.passUnretained(self)
        for index in 0..<count {
            (self.slots + index).initialize(to: Slot(batch: unmanaged))
        }
    }

    deinit {
        self.slots.deinitialize(count: self.count)
        self.slots.deallocate()
    }

    /// The opaque to enqueue message `index` with. Call before enqueueing it.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(self.slots + index)
    }

    /// Records the result of message `index`, which never reached librdkafka. Sender only.
    func fail(_ index: Int, _ error: KafkaError) {
        self.failures[index] = error
        self.countOff()
    }

    /// Records a delivery report. `opaque` is the one given by ``opaque(for:)``.
    /// On the producer's thread or a sender's (see `serveReadyReports`).
    static func deliver(opaque: UnsafeMutableRawPointer, message: UnsafePointer<rd_kafka_message_t>) {
        let slot = opaque.assumingMemoryBound(to: Slot.self)
        slot.pointee.report = Report(of: message)
        slot.pointee.batch._withUnsafeGuaranteedRef { $0.countOff() }
    }

    /// Waits until every message has its result. Call once, after enqueueing (or failing) every message.
    nonisolated(nonsending) func waitForAll() async {
        await withCheckedContinuation { continuation in
            self.continuation = continuation
            self.countOff()
        }
        // Pairs with every reporter's releasing count-off, so this thread sees every slot
        // whichever thread resumed it. The resumption alone does not always say so: when a
        // report resumes the continuation before the task has suspended, the hand-over happens
        // inside the concurrency runtime, where ThreadSanitizer cannot see it.
        _ = self.outstanding.load(ordering: .acquiring)
    }

    /// The result of message `index`, whose topic is `topic`. After ``waitForAll()``.
    func result(_ index: Int, topic: String) -> Result<KafkaDeliveryReport, KafkaError> {
        if !self.failures.isEmpty, let failure = self.failures[index] { return .failure(failure) }
        return Self.result(of: self.slots[index].report, topic: topic)
    }

    /// Every result, in input order; `topic(i)` is message `i`'s topic. After ``waitForAll()``.
    func results(topic: (Int) -> String) -> [Result<KafkaDeliveryReport, KafkaError>] {
        let failures = self.failures
        var results: [Result<KafkaDeliveryReport, KafkaError>] = []
        results.reserveCapacity(self.count)
        for index in 0..<self.count {
            if !failures.isEmpty, let failure = failures[index] {
                results.append(.failure(failure))
            } else {
                results.append(Self.result(of: self.slots[index].report, topic: topic(index)))
            }
        }
        return results
    }

    private func countOff() {
        guard self.outstanding.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume()
    }

    /// The report (or error) librdkafka gave for a delivered (or failed) message of `topic`.
    static func result(of report: Report, topic: String) -> Result<KafkaDeliveryReport, KafkaError> {
        guard report.received else {
            return .failure(KafkaError(code: .deliveryFailed, message: "no delivery report for a message to \(topic)"))
        }
        guard report.error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .failure(
                .rdKafka(report.error, context: "delivery to \(topic)[\(report.partition)]", fallback: .deliveryFailed)
            )
        }
        return .success(
            KafkaDeliveryReport(
                topic: topic,
                partition: Int(report.partition),
                offset: report.offset,
                timestamp: KafkaTimestamp(milliseconds: report.timestamp, librdkafkaType: report.timestampType)
            )
        )
    }
}

extension DeliveryBatch.Report {
    /// What librdkafka reported for `message`, a delivered (or failed) message.
    init(of message: UnsafePointer<rd_kafka_message_t>) {
        var kind = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &kind)
        self.init(
            error: message.pointee.err,
            partition: message.pointee.partition,
            offset: message.pointee.offset,
            timestamp: timestamp,
            timestampType: kind,
            received: true
        )
    }
}
