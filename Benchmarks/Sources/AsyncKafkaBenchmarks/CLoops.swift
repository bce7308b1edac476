import CBenchmarkLoops

/// Swift entry points to the plain C librdkafka loops in `CBenchmarkLoops`.
///
/// The calls block the calling thread for the whole run, as a C program would;
/// nothing else runs while they do.
enum CLoops {
    static var librdkafkaVersion: String {
        String(cString: bench_c_librdkafka_version())
    }

    /// Throws when librdkafka rejects one of the `k=v;k=v` properties.
    static func checkProperties(_ properties: String) throws(BenchmarkFailure) {
        guard bench_c_check_conf(properties) == 0 else {
            throw BenchmarkFailure("librdkafka \(Self.librdkafkaVersion) rejects the properties \(properties)")
        }
    }

    static func produce(bootstrap: String, topic: String, partitions: Int, count: Int, size: Int) throws(BenchmarkFailure) -> Sample {
        var seconds = 0.0
        let delivered = bench_c_produce(bootstrap, topic, Int32(partitions), count, Int32(size), nil, &seconds)
        guard delivered == count else {
            throw BenchmarkFailure("C produce to \(topic): \(delivered) of \(count) messages delivered")
        }
        return Sample(count: delivered, seconds: seconds)
    }

    static func consumePoll(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: String?
    ) throws(BenchmarkFailure) -> Sample {
        try consume("consumer_poll", topic: topic, expected: expected, properties: properties) { extra, seconds in
            bench_c_consume_poll(bootstrap, topic, Int32(partitions), expected, Int32(size), extra, &seconds)
        }
    }

    static func consumeBatch(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: String?
    ) throws(BenchmarkFailure) -> Sample {
        try consume("consume_batch_queue", topic: topic, expected: expected, properties: properties) { extra, seconds in
            bench_c_consume_batch(bootstrap, topic, Int32(partitions), expected, Int32(size), extra, &seconds)
        }
    }

    static func consumeStoringEach(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, properties: String?
    ) throws(BenchmarkFailure) -> Sample {
        try consume("consumer_poll + offset_store", topic: topic, expected: expected, properties: properties) { extra, seconds in
            bench_c_consume_store(bootstrap, topic, Int32(partitions), expected, Int32(size), extra, &seconds)
        }
    }

    static func consumeSlow(
        bootstrap: String, topic: String, partitions: Int, expected: Int, size: Int, busyNanoseconds: Int, properties: String?
    ) throws(BenchmarkFailure) -> Sample {
        try consume("slow consumer_poll", topic: topic, expected: expected, properties: properties) { extra, seconds in
            bench_c_consume_slow(bootstrap, topic, Int32(partitions), expected, Int32(size), busyNanoseconds, extra, &seconds)
        }
    }

    /// Runs one C consume loop (`run` gets the extra properties and fills in the seconds) and
    /// checks that it read exactly `expected` messages.
    private static func consume(
        _ loop: String, topic: String, expected: Int, properties: String?,
        _ run: (UnsafePointer<CChar>?, inout Double) -> Int
    ) throws(BenchmarkFailure) -> Sample {
        var seconds = 0.0
        let consumed = withOptionalCString(properties) { extra in run(extra, &seconds) }
        guard consumed == expected else {
            throw BenchmarkFailure("C \(loop) loop on \(topic): \(consumed) of \(expected) messages")
        }
        return Sample(count: consumed, seconds: seconds)
    }

    /// Allocation calls counted between the first and the last message of the last C consume run.
    static var lastRunAllocations: UInt { bench_c_last_run_allocations() }

    static func produceOneAtATime(
        bootstrap: String, topic: String, partitions: Int, count: Int, size: Int, properties: String?
    ) throws(BenchmarkFailure) -> Sample {
        var seconds = 0.0
        let delivered = withOptionalCString(properties) { extra in
            bench_c_produce_sync(bootstrap, topic, Int32(partitions), count, Int32(size), extra, &seconds)
        }
        guard delivered == count else {
            throw BenchmarkFailure("C one-at-a-time produce to \(topic): \(delivered) of \(count) messages delivered")
        }
        return Sample(count: delivered, seconds: seconds)
    }

    /// The C latency pipeline: latencies in nanoseconds, indexed by sequence number.
    static func latency(bootstrap: String, topic: String, rate: Int, count: Int, size: Int) throws(BenchmarkFailure) -> [Int64] {
        var latencies = [Int64](repeating: 0, count: count)
        let received = latencies.withUnsafeMutableBufferPointer { buffer in
            bench_c_latency(bootstrap, topic, Int32(rate), count, Int32(size), buffer.baseAddress)
        }
        guard received == count else {
            throw BenchmarkFailure("C latency pipeline on \(topic): \(received) of \(count) messages")
        }
        return latencies
    }

    /// Checks, by asking the broker for the watermarks, that `topic` holds exactly `expected` messages.
    static func verifyTopic(bootstrap: String, topic: String, partitions: Int, expected: Int) throws(BenchmarkFailure) {
        let held = bench_c_topic_message_count(bootstrap, topic, Int32(partitions))
        guard held == expected else {
            throw BenchmarkFailure("topic \(topic) holds \(held) messages, expected \(expected)")
        }
    }

    /// The number of messages ever appended to `topic` (the sum of its high watermarks).
    static func appendedMessages(bootstrap: String, topic: String, partitions: Int) throws(BenchmarkFailure) -> Int {
        let total = bench_c_topic_high_watermark_total(bootstrap, topic, Int32(partitions))
        guard total >= 0 else { throw BenchmarkFailure("could not read the watermarks of \(topic)") }
        return total
    }

    private static func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let string else { return body(nil) }
        return string.withCString { body($0) }
    }
}
