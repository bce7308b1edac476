import AsyncKafka
import AsyncKafkaTesting
import Synchronization
import Testing

/// Uniquely numbered messages for the no-loss and fault tests: the value is `n=<number>`, the
/// number independent of the partition, so a tally can tell exactly which messages were lost
/// and which were read twice.
enum NumberedMessages {
    /// The message carrying `number`, for `partition` (`nil`: the partitioner decides).
    static func message(_ number: Int, topic: String, partition: Int?) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: topic, partition: partition, key: "k\(number)", value: "n=\(number)")
    }

    /// The number a consumed message carries, or `nil` for a message that is not one of ours.
    static func number(of message: KafkaMessage) -> Int? {
        guard let value = message.valueString, value.hasPrefix("n=") else { return nil }
        return Int(value.dropFirst(2))
    }

    /// Sends `numbers` in order (number `n` to partition `n % partitions`), `chunk` at a time with every
    /// message of a chunk in flight at once, and returns the delivery reports by number.
    /// Throws the first delivery error.
    static func produce(
        _ numbers: [Int],
        to topic: String,
        partitions: Int,
        with producer: KafkaProducer,
        chunk: Int = 500
    ) async throws -> [Int: KafkaDeliveryReport] {
        var reports: [Int: KafkaDeliveryReport] = [:]
        var start = 0
        while start < numbers.count {
            let slice = numbers[start..<min(start + chunk, numbers.count)]
            let messages = slice.map { self.message($0, topic: topic, partition: $0 % partitions) }
            let results = await producer.send(contentsOf: messages)
            for (number, result) in zip(slice, results) { reports[number] = try result.get() }
            start += chunk
        }
        return reports
    }

    /// How many records the log of `topic` holds: the sum of the partitions' high watermarks
    /// minus their low ones, asked of the brokers by a consumer without a group.
    static func logSize(of topic: String, partitions: Int, cluster: EmbeddedKafkaCluster) async throws -> Int64 {
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: nil))
        var total: Int64 = 0
        for partition in 0..<partitions {
            let marks = try await consumer.watermarks(topic: topic, partition: partition)
            total += marks.high - marks.low
        }
        await consumer.close()
        return total
    }

    /// Reads `topic` from the beginning of every partition (no group) until `expected` distinct
    /// numbers were seen or `deadline` passed, and returns the tally.
    static func readBack(
        _ topic: String,
        partitions: Int,
        expected: Int,
        cluster: EmbeddedKafkaCluster,
        deadline: Duration = .seconds(30)
    ) async throws -> NumberTally {
        let tally = NumberTally(expected: expected)
        let consumer = try await KafkaConsumer.assigned(
            to: Self.partitions(of: topic, count: partitions, offset: .beginning), configuration: cluster.consumerConfiguration(group: nil))
        try await tally.consume(consumer, until: { $0.isComplete }, deadline: deadline)
        await consumer.close()
        return tally
    }
}

/// Counts how often each number was read, and checks that within one reading session the
/// offsets of each partition only grow.
final class NumberTally: Sendable {
    private struct State {
        var counts: [Int: Int] = [:]
        var distinct = 0
        var reads = 0
        var foreign = 0
        var lastOffset: [Int: Int64] = [:]
        var orderViolations: [String] = []
    }

    let expected: Int
    private let state = Mutex(State())

    init(expected: Int) {
        self.expected = expected
    }

    /// Records one read of `message`; `session` scopes the order check (a new session may re-read).
    func record(_ message: KafkaMessage) {
        self.state.withLock { state in
            state.reads += 1
            guard let number = NumberedMessages.number(of: message) else {
                state.foreign += 1
                return
            }
            state.counts[number, default: 0] += 1
            if state.counts[number] == 1, number >= 0, number < self.expected { state.distinct += 1 }
            if let last = state.lastOffset[message.partition], message.offset <= last {
                state.orderViolations.append("[\(message.partition)] \(message.offset) after \(last)")
            }
            state.lastOffset[message.partition] = message.offset
        }
    }

    /// Starts a new reading session: the per-partition order check begins afresh.
    func newSession() {
        self.state.withLock { $0.lastOffset = [:] }
    }

    /// Reads `consumer.messages` until `done(self)` holds after a message, or `deadline` passes
    /// (then the consumer is closed, the loop ends and the caller's assertions report what is missing).
    func consume(
        _ consumer: KafkaConsumer,
        until done: @escaping @Sendable (NumberTally) -> Bool,
        deadline: Duration
    ) async throws {
        let watchdog = Task {
            try await Task.sleep(for: deadline)
            await consumer.close()
        }
        defer { watchdog.cancel() }
        guard !done(self) else { return }
        for try await message in consumer.messages {
            self.record(message)
            if done(self) { break }
        }
    }

    /// Distinct numbers in `0..<expected` seen at least once.
    var distinct: Int { self.state.withLock { $0.distinct } }
    /// Whether every expected number was seen.
    var isComplete: Bool { self.distinct == self.expected }
    /// Expected numbers never seen.
    var lost: Int { self.expected - self.distinct }
    /// The missing numbers, for failure messages (at most 20).
    var missing: [Int] {
        let counts = self.state.withLock { $0.counts }
        return Array((0..<self.expected).lazy.filter { counts[$0] == nil }.prefix(20))
    }
    /// Reads beyond the first of each number.
    var duplicates: Int { self.state.withLock { $0.counts.values.reduce(0) { $0 + $1 - 1 } } }
    /// Every read, duplicates included.
    var reads: Int { self.state.withLock { $0.reads } }
    /// Reads of messages that carry no number (must stay 0).
    var foreign: Int { self.state.withLock { $0.foreign } }
    /// Offsets that went backwards within a session.
    var orderViolations: [String] { self.state.withLock { $0.orderViolations } }
}

/// Measures a scenario's wall time in milliseconds, for the reliability figures.
struct Stopwatch {
    private let start = ContinuousClock.now

    var milliseconds: Int {
        let elapsed = ContinuousClock.now - self.start
        return Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; for states the broker
/// signals with no event (the tests say which). Returns whether it held.
func eventually(timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Rebalance events as short notes ("assigned", "revoked", "lost"), shared with a handler.
final class RebalanceNotes: Sendable {
    private let notes = Mutex<[String]>([])

    /// Records `event`.
    func record(_ event: KafkaRebalanceEvent) {
        self.notes.withLock { $0.append(event.kind.rawValue) }
    }

    var all: [String] { self.notes.withLock { $0 } }
    /// Whether the partitions were lost and then assigned again.
    var rejoinedAfterLoss: Bool { self.notes.withLock { $0.contains("lost") && $0.last == "assigned" } }
}

/// A counter shared between tasks.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ amount: Int = 1) { self.value.add(amount, ordering: .relaxed) }
    func set(_ value: Int) { self.value.store(value, ordering: .relaxed) }
    /// Sets the counter to 1 and tells whether it was 0 (a one-shot flag).
    func claim() -> Bool { self.value.exchange(1, ordering: .relaxed) == 0 }
    var count: Int { self.value.load(ordering: .relaxed) }
}
