import AsyncKafka
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The no-loss test's settings: a small default, scaled up by environment variables for soak runs.
struct NoLossSettings: CustomStringConvertible {
    /// Numbered messages to produce (`ASYNCKAFKA_SOAK_MESSAGES`, default 10,000).
    var messages = 10_000
    /// Sessions to aim for, over all members (`ASYNCKAFKA_SOAK_CYCLES`, default 8): each ends
    /// after a random budget of about `messages / cycles` messages.
    var cycles = 8
    /// The random seed (`ASYNCKAFKA_NOLOSS_SEED` to replay a run; random otherwise).
    var seed = UInt64.random(in: 1...UInt64.max)
    /// Members running at once.
    var members = 3
    /// Partitions of the topic.
    var partitions = 6
    /// Each member commits what it stored every this many messages.
    var commitEvery = 100

    static func fromEnvironment() -> NoLossSettings {
        var settings = NoLossSettings()
        if let value = Self.variable("ASYNCKAFKA_SOAK_MESSAGES").flatMap(Int.init), value > 0 { settings.messages = value }
        if let value = Self.variable("ASYNCKAFKA_SOAK_CYCLES").flatMap(Int.init), value > 0 { settings.cycles = value }
        if let value = Self.variable("ASYNCKAFKA_NOLOSS_SEED").flatMap(UInt64.init) { settings.seed = value }
        // The mock keeps about 100,000 message sets per partition: give big runs more partitions.
        settings.partitions = max(6, settings.messages / 50_000)
        return settings
    }

    private static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    var description: String {
        "messages=\(self.messages) cycles=\(self.cycles) seed=\(self.seed) members=\(self.members)"
            + " partitions=\(self.partitions) commitEvery=\(self.commitEvery)"
    }
}

/// SplitMix64: a small seeded generator, so a failing run can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How a member's session ends.
enum SessionEnding: String, CaseIterable, Sendable {
    /// The task iterating the messages is cancelled from outside.
    case cancellation
    /// The loop `break`s after processing a message.
    case breakOut = "break"
    /// Processing a message throws: the message in hand is not stored.
    case thrownError = "thrown error"
    /// `close()` is called from outside while the loop runs.
    case close
}

/// What one member session processed and which of it a commit confirmed.
///
/// The *uncommitted window* of a partition's assignment run is what the session processed
/// from it beyond the offset that a successful `commit()` covered when the run ended (the
/// partition was revoked or lost, or the session closed). Only those messages can be read
/// again by a later owner, so the duplicates of a whole run are at most the sum of all
/// windows (a message re-read twice sits in two windows).
final class SessionRecord: Sendable {
    private struct State {
        /// Per partition of the current assignment: offsets processed in this run.
        var processed: [Int: [Int64]] = [:]
        /// Per partition: the offset after the last stored message (reset on assignment, as librdkafka does).
        var stored: [Int: Int64] = [:]
        /// Per partition: the offset after the last message a successful commit covered.
        var confirmed: [Int: Int64] = [:]
        var assigned: Set<Int> = []
        var window = 0
        var count = 0
        var commitFailures = 0
        var orderViolations: [String] = []
    }

    private let state = Mutex(State())

    /// A message was processed; checks that offsets grow per partition within an assignment run.
    func processed(_ message: KafkaMessage) {
        self.state.withLock { state in
            state.count += 1
            if let last = state.processed[message.partition]?.last, message.offset <= last {
                state.orderViolations.append("[\(message.partition)] \(message.offset) after \(last)")
            }
            state.processed[message.partition, default: []].append(message.offset)
        }
    }

    func stored(_ message: KafkaMessage) {
        self.state.withLock { $0.stored[message.partition] = message.offset + 1 }
    }

    /// The stored offsets of the assigned partitions: what a `commit()` now would cover.
    func commitSnapshot() -> [Int: Int64] {
        self.state.withLock { state in state.stored.filter { state.assigned.contains($0.key) } }
    }

    /// A commit of `snapshot` succeeded (`nil`: it failed).
    func committed(_ snapshot: [Int: Int64]?) {
        self.state.withLock { state in
            guard let snapshot else {
                state.commitFailures += 1
                return
            }
            for (partition, offset) in snapshot { state.confirmed[partition] = max(state.confirmed[partition] ?? 0, offset) }
        }
    }

    func rebalanced(_ event: KafkaRebalanceEvent) {
        self.state.withLock { state in
            let partitions = event.partitions.map(\.partition)
            switch event.kind {
            case .assigned:
                state.assigned.formUnion(partitions)
            default:  // revoked or lost
                state.assigned.subtract(partitions)
                for partition in partitions { Self.endRun(partition, &state) }
            }
        }
    }

    /// Ends the assignment run of `partition`: what no commit covered joins the window.
    private static func endRun(_ partition: Int, _ state: inout State) {
        let confirmed = state.confirmed[partition] ?? 0
        state.window += state.processed[partition]?.count { $0 >= confirmed } ?? 0
        state.processed[partition] = nil
        state.stored[partition] = nil
        state.confirmed[partition] = nil
    }

    /// The session's uncommitted windows, the runs still open included. Call it once the session is closed.
    var uncommittedWindow: Int {
        self.state.withLock { state in
            for partition in Array(state.processed.keys) { Self.endRun(partition, &state) }
            return state.window
        }
    }

    var processedCount: Int { self.state.withLock { $0.count } }
    var commitFailures: Int { self.state.withLock { $0.commitFailures } }
    var orderViolations: [String] { self.state.withLock { $0.orderViolations } }
}

/// Every read of the run, by number, and where each number was found.
final class NoLossLedger: Sendable {
    private struct State {
        var counts: [Int32] = []
        var distinct = 0
        var reads = 0
        var positions: [Int: (partition: Int, offset: Int64)] = [:]
        var mismatches: [String] = []
    }

    let expected: Int
    private let state: Mutex<State>

    init(expected: Int) {
        self.expected = expected
        self.state = Mutex(State(counts: Array(repeating: 0, count: expected)))
    }

    func record(_ message: KafkaMessage) {
        self.state.withLock { state in
            state.reads += 1
            guard let number = NumberedMessages.number(of: message), number >= 0, number < self.expected else {
                state.mismatches.append("foreign message at [\(message.partition)]@\(message.offset)")
                return
            }
            state.counts[number] += 1
            if state.counts[number] == 1 {
                state.distinct += 1
                state.positions[number] = (message.partition, message.offset)
            } else if let first = state.positions[number], first != (message.partition, message.offset) {
                state.mismatches.append("\(number) at [\(message.partition)]@\(message.offset), first at [\(first.0)]@\(first.1)")
            }
        }
    }

    var distinct: Int { self.state.withLock { $0.distinct } }
    var isComplete: Bool { self.distinct == self.expected }
    var reads: Int { self.state.withLock { $0.reads } }
    var duplicates: Int { self.reads - self.distinct }
    var mismatches: [String] { self.state.withLock { $0.mismatches } }
    var missing: [Int] {
        let counts = self.state.withLock { $0.counts }
        return Array(counts.indices.lazy.filter { counts[$0] == 0 }.prefix(20))
    }

    /// Numbers whose position differs from their delivery report.
    func misplaced(_ reports: [Int: KafkaDeliveryReport]) -> Int {
        let positions = self.state.withLock { $0.positions }
        return positions.count { number, position in
            guard let report = reports[number] else { return true }
            return report.partition != position.partition || report.offset != position.offset
        }
    }
}

/// The consumers of the sessions running now, so the run can close them all at the end.
final class SessionRegistry: Sendable {
    private struct State {
        var consumers: [Int: KafkaConsumer] = [:]
        var stopping = false
    }

    private let state = Mutex(State())

    /// Registers `consumer` for `member`; `false` once the run is stopping.
    func register(_ consumer: KafkaConsumer, member: Int) -> Bool {
        self.state.withLock { state in
            guard !state.stopping else { return false }
            state.consumers[member] = consumer
            return true
        }
    }

    func unregister(member: Int) {
        self.state.withLock { _ = $0.consumers.removeValue(forKey: member) }
    }

    var isStopping: Bool { self.state.withLock { $0.stopping } }

    /// Stops the run: closes every registered consumer, and no new session starts.
    func stopAll() async {
        let consumers = self.state.withLock { state in
            state.stopping = true
            return Array(state.consumers.values)
        }
        for consumer in consumers { await consumer.close() }
    }
}
