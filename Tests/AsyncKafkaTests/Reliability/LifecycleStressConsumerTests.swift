import AsyncKafka
import AsyncKafkaTesting
import Testing

extension LifecycleStress {
    /// Consumer create → consume → end cycles on assigned partitions (no group join, so they are fast).
    @Suite("Consumer lifecycle stress")
    struct ConsumerCycles {
        struct Stop: Error {}

        @Test("create → consume → end cycles (break, close, cancel, thrown error): no crash, hang or leak")
        func createConsumeEnd() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-consume", messages: 5)
            for cycle in 0..<run.cycles {
                let consumer = try await run.consumer(topic)
                let wanted = cycle % 5 + 1
                var values: [String?] = []
                switch cycle % 4 {
                case 0:
                    values = try await collect(wanted, from: consumer).map(\.valueString)
                case 1:
                    for try await message in consumer.messages {
                        values.append(message.valueString)
                        if values.count == wanted { await consumer.close() }
                    }
                case 2:
                    values = try await Task {
                        var values: [String?] = []
                        for try await message in consumer.messages {
                            values.append(message.valueString)
                            if values.count == wanted { withUnsafeCurrentTask { $0?.cancel() } }
                        }
                        return values
                    }.value
                default:
                    await #expect(throws: Stop.self) {
                        for try await message in consumer.messages {
                            values.append(message.valueString)
                            if values.count == wanted { throw Stop() }
                        }
                    }
                }
                await consumer.close()
                #expect(values.count == wanted, "cycle \(cycle)")
                #expect(isPrefixOfStressTopic(values), "cycle \(cycle): \(values)")
            }
            try await run.finish(
                "Consumer create → consume → break/close/cancel/throw",
                asserted: "every cycle read its messages in order, ended, freed; librdkafka handles back to baseline"
            )
        }

        @Test("cancelled before the first message arrives: the loop ends empty, the consumer closes")
        func cancelBeforeFirstMessage() async throws {
            let (run, (empty, full)) = try await StressRun.begin { cluster in
                (try await cluster.stressTopic("stress-empty", messages: 0), try await cluster.stressTopic("stress-early", messages: 3))
            }
            var emptyRuns = 0
            for cycle in 0..<run.cycles {
                // Half the cycles read an empty partition: nothing can arrive, so the count must be 0.
                // The others race the cancellation against the first messages: whatever arrived is a prefix.
                let isEmpty = cycle % 2 == 0
                let consumer = try await run.consumer(isEmpty ? empty : full)
                let task = stressReader(consumer)
                // Different moments: before the task runs, while it claims the stream, while it waits.
                for _ in 0..<(cycle % 7) { await Task.yield() }
                task.cancel()
                let values = try await task.value
                await consumer.close()
                if isEmpty {
                    emptyRuns += 1
                    #expect(values.isEmpty, "cycle \(cycle)")
                } else {
                    #expect(values.count <= 3 && isPrefixOfStressTopic(values), "cycle \(cycle): \(values)")
                }
            }
            try await run.finish(
                "Consumer cancelled before the first message",
                detail: "empty partition=\(emptyRuns), racing the first messages=\(run.cycles - emptyRuns)",
                asserted: "loop ends (empty when nothing can arrive), freed; librdkafka handles back to baseline"
            )
        }

        @Test("cancelled from another task mid-iteration: the loop ends at once, in order")
        func cancelMidIteration() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-mid", messages: 200)
            for cycle in 0..<run.cycles {
                let consumer = try await run.consumer(topic)
                let seen = StressSignal()
                let cancelAt = cycle % 100 + 1
                let task = stressReader(consumer, signal: seen, at: cancelAt)
                await seen.wait()
                task.cancel()
                let values = try await task.value
                await consumer.close()
                // The loop may take a few more messages before it sees the cancellation, never fewer.
                #expect(values.count >= cancelAt && isPrefixOfStressTopic(values), "cycle \(cycle): \(values.count)")
            }
            try await run.finish(
                "Consumer cancelled mid-iteration",
                asserted: "loop ends, messages in order, freed; librdkafka handles back to baseline"
            )
        }

        @Test("released without close (deinit path): the consumer closes in the background and is freed")
        func releasedWithoutClose() async throws {
            let (run, topic) = try await StressRun.begin(topic: "stress-dropped", messages: 3)
            for cycle in 0..<run.cycles {
                var consumer: KafkaConsumer? = try await run.consumer(topic)
                if cycle % 2 == 1 {
                    // Take one message, then drop the iterator mid-stream as well as the consumer.
                    var iterator = consumer!.messages.makeAsyncIterator()
                    #expect(try await iterator.next()?.valueString == "m0")
                }
                consumer = nil
            }
            try await run.finish(
                "Consumer released without close (deinit path)",
                asserted: "closes in the background, freed; librdkafka handles back to baseline"
            )
        }
    }
}
