import CRdKafka

/// The array `rd_kafka_consume_batch_queue` writes message pointers into; its capacity is
/// how many messages one call takes. Owned by the consumer's thread (``ConsumerEngine/Confined``).
final class MessagePollBuffer {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        self.pointer = .allocate(capacity: capacity)
    }

    deinit {
        self.pointer.deallocate()
    }

    subscript(index: Int) -> UnsafeMutablePointer<rd_kafka_message_t> {
        self.pointer[index]!
    }
}
