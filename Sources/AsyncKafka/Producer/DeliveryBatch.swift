import CRdKafka
import Synchronization

/// The senders of a batch of messages waiting for their delivery reports:
/// one object, one allocation of slots and one continuation per batch, however
/// many messages it holds. ``KafkaProducer/send(_:)`` uses a batch of one.
///
/// Each enqueued message carries the address of its slot as librdkafka's
/// per-message opaque. The delivery-report callback writes the message's
/// result into its slot and counts it off; whoever counts off the last one
/// (a report, or the sender once it starts waiting) resumes the sender with
/// every result, in input order.
///
/// Memory safety: every slot is written by exactly one party (the sender
/// before enqueueing it, or the one delivery report for it), and the counter
/// is updated with acquiring-and-releasing ordering, so the party that brings
/// it to zero sees every slot. The sender keeps the batch alive: it never
/// returns before the counter is zero, that is before the last report has
/// been written, and the reporter touches nothing of the batch after it resumes
/// the sender.
final class DeliveryBatch: @unchecked Sendable {
    /// One message's place in the batch.
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        var result: Result<KafkaDeliveryReport, KafkaError>?
    }

    /// The number of messages.
    let count: Int
    private let slots: UnsafeMutablePointer<Slot>
    /// Results still missing, plus one held by the sender until it waits.
    private let outstanding: Atomic<Int>
    /// Set by the sender before it gives up its count; read by whoever counts off the last result.
    private var continuation: CheckedContinuation<[Result<KafkaDeliveryReport, KafkaError>], Never>?

    init(count: Int) {
        self.count = count
        self.slots = .allocate(capacity: max(1, count))
        self.outstanding = Atomic(count + 1)
        let unmanaged = Unmanaged.passUnretained(self)
        for index in 0..<count {
            (self.slots + index).initialize(to: Slot(batch: unmanaged, result: nil))
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

    /// Records the result of message `index`, which never reached librdkafka.
    func fail(_ index: Int, _ error: KafkaError) {
        self.slots[index].result = .failure(error)
        self.countOff()
    }

    /// Records a delivery report for a message of `topic`. `opaque` is the one given by
    /// ``opaque(for:)``. On the producer's thread or a sender's (see `serveReadyReports`).
    static func deliver(opaque: UnsafeMutableRawPointer, message: UnsafePointer<rd_kafka_message_t>, topic: String) {
        let slot = opaque.assumingMemoryBound(to: Slot.self)
        slot.pointee.result = Self.result(of: message, topic: topic)
        slot.pointee.batch._withUnsafeGuaranteedRef { $0.countOff() }
    }

    /// Waits for every result, in input order. Call once, after enqueueing (or failing) every message.
    func results() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            self.continuation = continuation
            self.countOff()
        }
    }

    private func countOff() {
        guard self.outstanding.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let results = (0..<self.count).map { index in
            self.slots[index].result ?? .failure(KafkaError(code: .deliveryFailed, message: "no delivery report"))
        }
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(returning: results)
    }

    /// The report (or error) librdkafka gives for a delivered (or failed) message.
    static func result(
        of message: UnsafePointer<rd_kafka_message_t>,
        topic: String
    ) -> Result<KafkaDeliveryReport, KafkaError> {
        let raw = message.pointee
        guard raw.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .failure(.rdKafka(raw.err, context: "delivery to \(topic)[\(raw.partition)]", fallback: .deliveryFailed))
        }
        return .success(
            KafkaDeliveryReport(
                topic: topic, partition: Int(raw.partition), offset: raw.offset, timestamp: KafkaTimestamp(of: message)
            )
        )
    }
}
