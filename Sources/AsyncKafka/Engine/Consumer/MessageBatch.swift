/// A batch of messages on its way through the stream, numbered in the order the client thread built them.
struct MessageBatch: Sendable {
    let serial: Int
    let messages: [KafkaMessage]
}
