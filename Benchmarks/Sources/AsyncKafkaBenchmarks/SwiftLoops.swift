import AsyncKafka

/// The same work as ``CLoops``, written the way an AsyncKafka user would.
enum SwiftLoops {
    /// Fire-and-forget: `enqueue` every message, then `flush`.
    /// Time: from the first `enqueue` to the return of `flush` (all delivered).
    static func produceEnqueue(bootstrap: String, topic: String, partitions: Int, count: Int, size: Int) async throws -> Sample {
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

    /// Awaited delivery reports for every message, through the batch path: `send(contentsOf:)`
    /// in chunks of `window` messages, each chunk one call (one continuation for the chunk).
    /// Time: from the first call to the last delivery report.
    static func produceBatch(
        bootstrap: String, topic: String, partitions: Int, count: Int, size: Int, window: Int
    ) async throws -> Sample {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap))
        let value = payload(size: size)
        let clock = ContinuousClock()
        let start = clock.now
        var delivered = 0
        var next = 0
        while next < count {
            let chunk = (next..<min(count, next + window)).map {
                KafkaProducerMessage(topic: topic, partition: $0 % partitions, value: value)
            }
            next += chunk.count
            for result in await producer.send(contentsOf: chunk) {
                if case .success = result { delivered += 1 }
            }
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
    static func produceSend(
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

    /// `for try await message in consumer.messages` until `expected` messages
    /// arrived, checking each value's length. Time: from the first message to the last.
    static func consume(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: [String: String]
    ) async throws -> Sample {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrap,
            groupID: "bench-swift-\(String(UInt64.random(in: .min ... .max), radix: 16))",
            autoOffsetReset: .earliest
        )
        configuration.properties["enable.partition.eof"] = "false"
        configuration.properties.merge(properties) { _, new in new }
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.assign(
            (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: $0, offset: .beginning) }
        )

        let clock = ContinuousClock()
        var first = clock.now
        var count = 0
        var wrongLength = 0
        for try await message in consumer.messages {
            if count == 0 { first = clock.now }
            count += 1
            if message.value?.count != size { wrongLength += 1 }
            if count == expected { break }
        }
        let last = clock.now
        await consumer.close()

        guard count == expected else {
            throw BenchmarkFailure("Swift consumer on \(topic): \(count) of \(expected) messages")
        }
        guard wrongLength == 0 else {
            throw BenchmarkFailure("Swift consumer on \(topic): \(wrongLength) messages had the wrong length")
        }
        return Sample(count: count, seconds: first.duration(to: last).inSeconds)
    }

    private static func payload(size: Int) -> [UInt8] {
        (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    }
}

extension Duration {
    var inSeconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
