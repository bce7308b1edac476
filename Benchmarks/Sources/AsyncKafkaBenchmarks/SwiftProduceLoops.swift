import AsyncKafka

/// The producer work of ``CLoops``, written the way an AsyncKafka user would.
enum SwiftProduceLoops {
    /// Fire-and-forget: `enqueue` every message, then `flush`.
    /// Time: from the first `enqueue` to the return of `flush` (all delivered). Runs on the
    /// caller's actor (`#isolation`), as ``SwiftConsumeLoops/consume(bootstrap:topic:partitions:expected:size:properties:busyNanoseconds:storeEach:isolation:)``.
    static func enqueue(
        bootstrap: String, topic: String, partitions: Int, count: Int, size: Int,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Sample {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        let value = payload(size: size)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<count {
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: index % partitions, value: value))
        }
        try await producer.flush(timeout: .seconds(60))
        let elapsed = start.duration(to: clock.now)
        await producer.close()
        return Sample(count: count, seconds: elapsed.inSeconds)
    }

    /// ``enqueue(bootstrap:topic:partitions:count:size:isolation:)`` from the main actor, as a
    /// loop in top-level code or UI code runs.
    @MainActor
    static func enqueueOnMainActor(bootstrap: String, topic: String, partitions: Int, count: Int, size: Int) async throws -> Sample {
        MainActor.assertIsolated()
        return try await enqueue(bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size)
    }

    /// Awaited delivery reports for every message through the batch path, pipelined:
    /// `send(contentsOf:)` calls of `chunk` messages, `inFlight` of them at once in a task group.
    /// Time: from the first call to the last delivery report.
    static func sendBatches(
        bootstrap: String, topic: String, partitions: Int, count: Int, size: Int, chunk: Int, inFlight: Int
    ) async throws -> Sample {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        let value = payload(size: size)
        let clock = ContinuousClock()
        let start = clock.now
        let delivered = await withTaskGroup(of: Int.self, returning: Int.self) { group in
            var next = 0
            func sendNextChunk() {
                let messages = (next..<min(count, next + chunk)).map {
                    KafkaProducerMessage(topic: topic, partition: $0 % partitions, value: value)
                }
                next += messages.count
                group.addTask {
                    var delivered = 0
                    for result in await producer.send(contentsOf: messages) {
                        if case .success = result { delivered += 1 }
                    }
                    return delivered
                }
            }
            for _ in 0..<inFlight where next < count { sendNextChunk() }
            var delivered = 0
            while let chunkDelivered = await group.next() {
                delivered += chunkDelivered
                if next < count { sendNextChunk() }
            }
            return delivered
        }
        let elapsed = start.duration(to: clock.now)
        await producer.close()
        guard delivered == count else {
            throw BenchmarkFailure("Swift send(contentsOf:) to \(topic): \(delivered) of \(count) messages delivered")
        }
        return Sample(count: delivered, seconds: elapsed.inSeconds)
    }

    /// Awaited sends, `window` of them in flight at once: a task group with one
    /// child task per message, each awaiting its delivery report.
    /// Time: from the first `send` to the last delivery report.
    static func sendPerTask(
        bootstrap: String, topic: String, partitions: Int, count: Int, size: Int, window: Int
    ) async throws -> Sample {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        let value = payload(size: size)
        let clock = ContinuousClock()
        let start = clock.now
        let delivered = try await withThrowingTaskGroup(of: Void.self, returning: Int.self) { group in
            var next = 0
            func sendNext() {
                let message = KafkaProducerMessage(topic: topic, partition: next % partitions, value: value)
                group.addTask { _ = try await producer.send(message) }
                next += 1
            }
            while next < min(window, count) { sendNext() }
            var delivered = 0
            while try await group.next() != nil {
                delivered += 1
                if next < count { sendNext() }
            }
            return delivered
        }
        let elapsed = start.duration(to: clock.now)
        await producer.close()
        guard delivered == count else {
            throw BenchmarkFailure("Swift send to \(topic): \(delivered) of \(count) messages delivered")
        }
        return Sample(count: delivered, seconds: elapsed.inSeconds)
    }

    /// One at a time: `try await producer.send(message)` in a plain loop, `linger.ms=0`
    /// (as the C counterpart). Time: from the first `send` to the last delivery report.
    static func sendOneAtATime(bootstrap: String, topic: String, partitions: Int, count: Int, size: Int) async throws -> Sample {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.properties["linger.ms"] = "0"
        let producer = try KafkaProducer(configuration: configuration)
        let value = payload(size: size)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<count {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: index % partitions, value: value))
        }
        let elapsed = start.duration(to: clock.now)
        await producer.close()
        return Sample(count: count, seconds: elapsed.inSeconds)
    }
}
