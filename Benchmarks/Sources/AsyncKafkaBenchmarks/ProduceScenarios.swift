/// Produce: the C `rd_kafka_produce` loop against Swift's enqueue + flush, pipelined
/// `send(contentsOf:)`, task-per-send, and (fewer messages) one-at-a-time `send`.
enum ProduceScenarios {
    static func run(_ bench: Bench) async throws -> [Row] {
        let options = bench.options
        // --quick still produces 1,000,000 messages per run: a 200,000-message run lasts ~0.15 s, of
        // which the embedded broker's ~45 ms for the last few requests is a third, so it would
        // measure that fixed tail rather than throughput. The ungated task-per-send run is cut instead.
        let count = bench.quick && options.messages == nil ? 1_000_000 : bench.count
        let perTaskCount = bench.quick ? min(count, 100_000) : count
        let (bootstrap, size, partitions) = (bench.bootstrap, bench.size, bench.partitions)
        var cProduce: [Sample] = []
        var swiftEnqueue: [Sample] = []
        var swiftBatches: [Sample] = []
        var swiftPerTask: [Sample] = []

        let shared = try await SharedProduceTopic(bench, name: "bench-produce")

        let (chunk, inFlight, window) = (options.chunk, options.chunksInFlight, options.window)
        // Warm-up, not measured: the first producer in the process pays for growing the heap (page
        // faults, arenas), which made whichever loop ran first look up to 1.5x slower.
        let warmUp = try await shared.run(expecting: count / 5) { topic in
            try CLoops.produce(bootstrap: bootstrap, topic: topic, partitions: partitions, count: count / 5, size: size)
        }
        report("produce", 0, "warm-up (C rd_kafka_produce, not counted)", warmUp)
        for rep in 1...bench.produceReps {
            let c = try await shared.run(expecting: count) { topic in
                try CLoops.produce(bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size)
            }
            cProduce.append(c)
            report("produce", rep, "C rd_kafka_produce", c)

            // Not gated: --quick runs it once.
            if !bench.quick || rep == 1 {
                let e = try await shared.run(expecting: count) { topic in
                    try await withTimeout(bench.timeout(count), "Swift enqueue producer") {
                        try await SwiftProduceLoops.enqueue(
                            bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size)
                    }
                }
                swiftEnqueue.append(e)
                report("produce", rep, "Swift enqueue + flush", e)
            }

            let b = try await shared.run(expecting: count) { topic in
                try await withTimeout(bench.timeout(count), "Swift send(contentsOf:) producer") {
                    try await SwiftProduceLoops.sendBatches(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, count: count, size: size,
                        chunk: chunk, inFlight: inFlight
                    )
                }
            }
            swiftBatches.append(b)
            report("produce", rep, "Swift send(contentsOf:), \(inFlight) × \(format(chunk)) in flight", b)

            // Not gated, and the slowest by far: --quick runs it once.
            if bench.quick && rep > 1 { continue }
            let s = try await shared.run(expecting: perTaskCount) { topic in
                try await withTimeout(bench.timeout(perTaskCount), "Swift send producer") {
                    try await SwiftProduceLoops.sendPerTask(
                        bootstrap: bootstrap, topic: topic, partitions: partitions, count: perTaskCount, size: size, window: window
                    )
                }
            }
            swiftPerTask.append(s)
            report("produce", rep, "Swift send, one task each, \(format(window)) in flight", s)
        }

        // One at a time, linger.ms=0 on both sides (librdkafka's default 5 ms linger would make it ~200 msg/s).
        let oneCount = options.sendOneMessages ?? (bench.quick ? 2_000 : 20_000)
        let cOne = try await shared.run(expecting: oneCount) { topic in
            try CLoops.produceOneAtATime(
                bootstrap: bootstrap, topic: topic, partitions: partitions, count: oneCount, size: size, properties: "linger.ms=0"
            )
        }
        report("produce", 1, "C one at a time (produce, poll until its report), linger.ms=0", cOne)
        let swiftOne = try await shared.run(expecting: oneCount) { topic in
            try await withTimeout(bench.timeout(oneCount * 50), "Swift one-at-a-time producer") {
                try await SwiftProduceLoops.sendOneAtATime(
                    bootstrap: bootstrap, topic: topic, partitions: partitions, count: oneCount, size: size
                )
            }
        }
        report("produce", 1, "Swift `try await send` one at a time, linger.ms=0", swiftOne)

        return [
            // Not gated: fire-and-forget is not one of the targets, and its runs vary the most here.
            Row("produce: Swift enqueue+flush vs C produce loop", swift: swiftEnqueue, c: cProduce),
            Row(
                "produce: Swift send(contentsOf:) \(inFlight)×\(format(chunk)) in flight vs C",
                swift: swiftBatches, c: cProduce, target: .ratioAtLeast(0.90), gate: bench.throughputGate
            ),
            // One child task per awaited send costs more than the whole per-message budget of a ~1M msg/s loop.
            Row(
                "produce: Swift send, task each (\(format(window)) in flight) vs C",
                swift: swiftPerTask, c: cProduce, target: .ratioAtLeast(0.90)
            ),
            Row("produce: Swift send one at a time vs C one at a time (linger 0)", swift: [swiftOne], c: [cOne]),
            Row("produce: Swift send one at a time vs C produce loop", swift: [swiftOne], c: cProduce),
        ]
    }
}
