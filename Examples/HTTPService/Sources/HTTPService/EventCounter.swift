import AsyncKafka
import ServiceLifecycle
import Synchronization

/// Counts of consumed messages per topic, shared by the ``EventCounter`` and `GET /stats`.
final class TopicCounts: Sendable {
    private let counts: Mutex<[String: Int]>

    /// Starts every topic of `topics` at 0, so that `GET /stats` lists them before their first message.
    init(topics: [String]) {
        self.counts = Mutex(Dictionary(uniqueKeysWithValues: topics.map { ($0, 0) }))
    }

    func increment(_ topic: String) {
        self.counts.withLock { $0[topic, default: 0] += 1 }
    }

    var snapshot: [String: Int] {
        self.counts.withLock { $0 }
    }
}

/// The service that reads the consumer's messages and counts them per topic.
///
/// List it after the consumer in the `ServiceGroup`: the group shuts services down in
/// reverse order, so at graceful shutdown this loop ends first — its task is cancelled, and a
/// cancelled `for try await` over ``KafkaConsumer/messages`` ends without throwing, after
/// which the consumer commits what was counted and leaves its group.
struct EventCounter: Service {
    let consumer: KafkaConsumer
    let counts: TopicCounts

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            for try await message in self.consumer.messages {
                self.counts.increment(message.topic)
            }
        }
    }
}
