import AsyncKafka
import Synchronization
import Testing

/// A real broker process killed with SIGKILL mid-stream and restarted on the same port. Each test
/// starts a Tansu of its own (memory storage: the restarted broker starts empty).
@Suite(.enabled(if: Integration.canStartBrokers, "needs ASYNCKAFKA_TEST_BROKERS and ASYNCKAFKA_TANSU_BIN"))
struct BrokerFaultTests {
    /// A producer sends batches of ten messages without pause while the broker is killed (once
    /// 100 are acknowledged) and restarted on the same port, and goes on for ten batches after the
    /// restart. Every send ends in a delivery report or a typed `KafkaError` (none hangs, none is
    /// dropped), sends were under way across the outage, everything sent after the restart is
    /// delivered, and `close()` returns within its 30 s timeout plus 5 s.
    @Test func brokerKilledDuringProduce() async throws {
        try await withBroker(TansuBroker()) { broker in
            let topic = Unique.name("fault-produce")
            try await createTopic(topic, partitions: 1, servers: broker.bootstrapServers)

            var configuration = Clients.producer(broker.bootstrapServers)
            configuration.messageTimeout = .seconds(15)
            let producer = try KafkaProducer(configuration: configuration, logger: quietLogger)
            let outcomes = Outcomes()
            let restarted = Flag()
            let producing = Task {
                var n = 0
                var batchesAfterRestart = 0
                while batchesAfterRestart < 10 {
                    let sentAfterRestart = restarted.isSet
                    if sentAfterRestart { batchesAfterRestart += 1 }
                    await withTaskGroup(of: Void.self) { group in
                        for value in n..<n + 10 {
                            outcomes.started()
                            group.addTask {
                                let result = await attempt { () throws(KafkaError) in
                                    try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "m\(value)"))
                                }
                                outcomes.record(result, afterRestart: sentAfterRestart)
                            }
                        }
                    }
                    n += 10
                }
            }

            try await eventually(within: .seconds(30), "100 deliveries before the kill") { outcomes.delivered >= 100 }
            await broker.kill()
            let endedBeforeRestart = outcomes.ended
            try await broker.start()
            // The producer may have re-created the topic (auto-creation on Metadata) already.
            try await ensureTopic(topic, partitions: 1, servers: broker.bootstrapServers)
            restarted.set()
            try await within(.seconds(120), "every send") { await producing.value }
            let startedBeforeRestart = outcomes.total - outcomes.sentAfterRestart

            let clock = ContinuousClock()
            let closing = clock.now
            try await within(.seconds(35), "producer close") { await producer.close() }
            let closeTime = clock.now - closing

            let (delivered, failed) = (outcomes.delivered, outcomes.failed)
            print(
                "brokerKilledDuringProduce: \(outcomes.total) sends, \(delivered) delivered, \(failed.count) failed (\(Set(failed.map(\.code.description)).sorted())), \(endedBeforeRestart) ended before the restart, close took \(closeTime)"
            )
            #expect(
                delivered + failed.count == outcomes.total,
                "every send ended: \(delivered) delivered, \(failed.count) failed of \(outcomes.total)")
            #expect(endedBeforeRestart < startedBeforeRestart, "sends were under way while the broker was down")
            #expect(
                outcomes.deliveredAfterRestart == outcomes.sentAfterRestart,
                "sends started after the restart: \(outcomes.deliveredAfterRestart) of \(outcomes.sentAfterRestart) delivered; failures: \(failed.prefix(3))"
            )
            #expect(outcomes.sentAfterRestart > 0)
            #expect(closeTime < .seconds(35))
            for error in failed {
                let expected: [KafkaError.Code] = [.deliveryFailed, .timedOut, .purged, .unknownTopicOrPartition, .fatal, .librdkafka]
                #expect(expected.contains(error.code), "\(error)")
            }
        }
    }

    /// A group consumer reads 50 messages, the broker is killed and restarted (empty), new
    /// messages are produced: the consumer reads them without being recreated, and its
    /// `close()` returns within its 15 s close timeout plus 5 s.
    @Test func brokerKilledDuringConsume() async throws {
        try await withBroker(TansuBroker()) { broker in
            let topic = Unique.name("fault-consume")
            try await createTopic(topic, partitions: 1, servers: broker.bootstrapServers)
            try await Self.produce((0..<50).map { "before \($0)" }, to: topic, servers: broker.bootstrapServers)

            let consumer = try KafkaConsumer(configuration: Clients.consumer(broker.bootstrapServers), logger: quietLogger)
            try await consumer.subscribe(to: [topic])
            let seen = Values()
            let reading = Task {
                for try await message in consumer.messages {
                    seen.append(message.valueString ?? "")
                }
            }
            try await eventually(within: .seconds(60), "the first 50 messages") { seen.all.count >= 50 }

            await broker.kill()
            try await broker.start()
            try await ensureTopic(topic, partitions: 1, servers: broker.bootstrapServers)
            // The restarted broker's log starts again at offset 0 while the consumer's position is 50:
            // 50 refill messages take offsets 0..<50 (read or not, depending on whether the consumer
            // fetched the empty log first and reset to the earliest offset), the next 50 must arrive.
            try await Self.produce((0..<50).map { "refill \($0)" }, to: topic, servers: broker.bootstrapServers)
            try await Self.produce((0..<50).map { "after \($0)" }, to: topic, servers: broker.bootstrapServers)
            try await eventually(within: .seconds(90), "the 50 messages produced after the restart") {
                seen.all.filter { $0.hasPrefix("after ") }.count >= 50
            }
            reading.cancel()
            _ = await reading.result
            try await within(.seconds(20), "consumer close") { await consumer.close() }

            let values = seen.all
            #expect(Set(values.filter { $0.hasPrefix("before ") }) == Set((0..<50).map { "before \($0)" }))
            #expect(Set(values.filter { $0.hasPrefix("after ") }) == Set((0..<50).map { "after \($0)" }))
        }
    }

    final class Values: Sendable {
        private let values = Mutex<[String]>([])
        func append(_ value: String) { self.values.withLock { $0.append(value) } }
        var all: [String] { self.values.withLock { $0 } }
    }

    /// What became of each send.
    final class Outcomes: Sendable {
        private struct State {
            var delivered = 0
            var failed: [KafkaError] = []
            var sentAfterRestart = 0
            var deliveredAfterRestart = 0
            var total = 0
        }
        private let state = Mutex(State())

        func started() {
            self.state.withLock { $0.total += 1 }
        }

        func record(_ result: Result<KafkaDeliveryReport, KafkaError>, afterRestart: Bool) {
            self.state.withLock { state in
                if afterRestart { state.sentAfterRestart += 1 }
                switch result {
                case .success:
                    state.delivered += 1
                    if afterRestart { state.deliveredAfterRestart += 1 }
                case .failure(let error):
                    state.failed.append(error)
                }
            }
        }

        var delivered: Int { self.state.withLock { $0.delivered } }
        var total: Int { self.state.withLock { $0.total } }
        var ended: Int { self.state.withLock { $0.delivered + $0.failed.count } }
        var failed: [KafkaError] { self.state.withLock { $0.failed } }
        var sentAfterRestart: Int { self.state.withLock { $0.sentAfterRestart } }
        var deliveredAfterRestart: Int { self.state.withLock { $0.deliveredAfterRestart } }
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { self.value.withLock { $0 = true } }
        var isSet: Bool { self.value.withLock { $0 } }
    }

    private static func produce(_ values: [String], to topic: String, servers: String) async throws {
        let producer = try KafkaProducer(configuration: Clients.producer(servers), logger: quietLogger)
        let results = await producer.send(contentsOf: values.map { KafkaProducerMessage(topic: topic, partition: 0, value: $0) })
        await producer.close()
        for result in results { _ = try result.get() }
    }
}
