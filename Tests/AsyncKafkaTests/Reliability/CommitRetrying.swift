import AsyncKafka

/// A user's retry loop: `commit()` until it goes through, a non-retriable error, or `attempts`
/// tries; returns whether it went through and every failure on the way.
func commitRetrying(_ consumer: KafkaConsumer, attempts: Int) async -> (committed: Bool, failures: [KafkaError]) {
    var failures: [KafkaError] = []
    for _ in 0..<attempts {
        do {
            try await consumer.commit()
            return (true, failures)
        } catch {
            failures.append(error)
            if !error.isRetriable { break }
        }
    }
    return (false, failures)
}
