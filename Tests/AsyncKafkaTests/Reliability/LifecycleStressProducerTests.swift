import AsyncKafka
import AsyncKafkaTesting
import Testing

extension LifecycleStress {
    /// Producer create → send → close cycles, closed with sends in flight, or dropped without a close.
    @Suite("Producer lifecycle stress")
    struct ProducerCycles {
        /// The partition's high watermark: how many messages it holds (nothing is ever deleted in a test).
        static func highWatermark(_ cluster: EmbeddedKafkaCluster, topic: String) async throws -> Int64 {
            let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: nil))
            let watermarks = try await consumer.watermarks(topic: topic, partition: 0)
            await consumer.close()
            return watermarks.high
        }

        @Test("create → send → close cycles: every message stored once, in order, no leak")
        func createSendClose() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-produce", messages: 0)
            var sent: Int64 = 0
            for cycle in 0..<run.cycles {
                let producer = try run.producer()
                for _ in 0...(cycle % 3) {
                    let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "m\(sent)"))
                    // One partition, one sender at a time: each message lands right after the previous one.
                    #expect(report.offset == sent, "cycle \(cycle)")
                    sent += 1
                }
                await producer.close()
            }
            try await run.finish(
                "Producer create → send → close", detail: "messages=\(sent)",
                asserted: "each message stored once in order, freed; librdkafka handles back to baseline",
                then: {
                    let stored = try await Self.highWatermark(run.cluster, topic: topic)
                    #expect(stored == sent)
                }
            )
        }

        @Test("close with sends in flight: every send is delivered, purged or refused as closed; none hangs")
        func closeWithSendsInFlight() async throws {
            let sendsPerCycle = 20
            let (run, topic) = try await StressRun.begin(topic: "stress-inflight", messages: 0)
            var delivered = 0
            var purged = 0
            var refused = 0
            for cycle in 0..<run.cycles {
                let producer = try run.producer()
                let results = try await withThrowingTaskGroup(of: Result<KafkaDeliveryReport, KafkaError>.self) { group in
                    for index in 0..<sendsPerCycle {
                        group.addTask {
                            do throws(KafkaError) {
                                return .success(
                                    try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "\(index)")))
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                    // A different moment each cycle: before any send started, or with some in librdkafka's queue.
                    for _ in 0..<(cycle % 5) { await Task.yield() }
                    // Half the cycles give close no time at all: what is still queued is purged.
                    await producer.close(timeout: cycle % 2 == 0 ? .zero : .seconds(30))
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.count == sendsPerCycle)
                for result in results {
                    switch result {
                    case .success: delivered += 1
                    case .failure(let error) where error.code == .purged: purged += 1
                    case .failure(let error) where error.code == .clientClosed: refused += 1
                    case .failure(let error): Issue.record("cycle \(cycle): unexpected \(error)")
                    }
                }
            }
            try await run.finish(
                "Producer closed with sends in flight",
                detail: "sends=\(run.cycles * sendsPerCycle), delivered=\(delivered), purged=\(purged), refused as closed=\(refused)",
                asserted: "every send answered (delivered/purged/clientClosed), freed; librdkafka handles back to baseline",
                then: {
                    // Purged messages may still have reached the broker (purged in flight), never the other way round.
                    let stored = try await Self.highWatermark(run.cluster, topic: topic)
                    #expect(stored >= Int64(delivered) && stored <= Int64(delivered + purged))
                }
            )
        }

        @Test("released without close (deinit path): enqueued messages are still delivered, the producer is freed")
        func releasedWithoutClose() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-released", messages: 0)
            var enqueued: Int64 = 0
            for cycle in 0..<run.cycles {
                var producer: KafkaProducer? = try run.producer()
                for _ in 0...(cycle % 3) {
                    try await producer!.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "m\(enqueued)"))
                    enqueued += 1
                }
                producer = nil
            }
            // The background close of each released producer flushes before it destroys.
            try await run.finish(
                "Producer released without close (deinit path)", detail: "messages=\(enqueued)",
                asserted: "every enqueued message delivered, freed; librdkafka handles back to baseline",
                then: {
                    let stored = try await Self.highWatermark(run.cluster, topic: topic)
                    #expect(stored == enqueued)
                }
            )
        }
    }
}
