import AsyncKafka
import AsyncKafkaTesting
import Synchronization
import Testing

/// The at-least-once proof: uniquely numbered messages are produced while consumer-group
/// members start, end at random points (task cancellation, `break`, a thrown error, explicit
/// `close()`) and restart, each committing only what it processed. At the end every number has
/// been read (0 lost), duplicates stay within the uncommitted windows, and each member session
/// read every partition in offset order.
///
/// How the members commit — the at-least-once pattern of the docs: automatic offset storing
/// and auto-commit are off; after processing a message the member calls `store(message)`;
/// every `commitEvery` messages, and in its rebalance handler before partitions are revoked,
/// it calls `commit()`. A thrown error ends the loop *before* the message in hand is stored,
/// so that message is read again.
///
/// The duplicate bound: a message can be read again only if it was processed by a session
/// whose commits never covered it (its *uncommitted window*: see ``SessionRecord``), so the
/// run's duplicates are at most the sum of the windows of all sessions. The test computes
/// each window from the commits that succeeded and asserts the bound.
///
/// Scale with `ASYNCKAFKA_SOAK_MESSAGES` and `ASYNCKAFKA_SOAK_CYCLES` (`scripts/soak.sh`);
/// replay a run with `ASYNCKAFKA_NOLOSS_SEED` (the seed is printed).
@Suite("No loss")
struct NoLossTests {
    private struct PlannedFailure: Error {}

    @Test("at-least-once through member churn: 0 lost, duplicates within the uncommitted windows, order kept")
    func noLossThroughChurn() async throws {
        let settings = NoLossSettings.fromEnvironment()
        print("NoLoss settings: \(settings) (replay with ASYNCKAFKA_NOLOSS_SEED=\(settings.seed))")
        let watch = Stopwatch()
        let cluster = try EmbeddedKafkaCluster()
        let topic = Unique.name("noloss")
        try cluster.createTopic(topic, partitions: settings.partitions)
        var configuration = cluster.manualCommitConsumerConfiguration()
        // The mock re-forms a group about session.timeout - 1 s after a member leaves.
        configuration.sessionTimeout = .seconds(3)
        configuration.properties["heartbeat.interval.ms"] = "300"

        let ledger = NoLossLedger(expected: settings.messages)
        let registry = SessionRegistry()
        let outcomes = SessionOutcomes()

        // Production runs alongside: a chunk at a time, staying at most a few chunks ahead of the readers.
        var producerConfiguration = cluster.producerConfiguration()
        producerConfiguration.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: producerConfiguration)
        let producing = Task {
            var reports: [Int: KafkaDeliveryReport] = [:]
            let chunk = max(500, settings.messages / 20)
            for start in stride(from: 0, to: settings.messages, by: chunk) {
                // The readers' progress has no event: poll it (they may be between sessions).
                _ = await eventually(timeout: .seconds(30)) { ledger.distinct >= start - 4 * chunk }
                let numbers = Array(start..<min(start + chunk, settings.messages))
                let sent = try await NumberedMessages.produce(numbers, to: topic, partitions: settings.partitions, with: producer)
                reports.merge(sent) { first, _ in first }
            }
            return reports
        }

        let memberConfiguration = configuration
        let members = (0..<settings.members).map { member in
            Task {
                var generator = SeededGenerator(seed: settings.seed &+ UInt64(member))
                var session = 0
                let meanBudget = max(1, settings.messages / settings.cycles)
                while !registry.isStopping {
                    let ending = SessionEnding.allCases[(member + session) % SessionEnding.allCases.count]
                    let budget = Int.random(in: (meanBudget / 2)...(meanBudget * 3 / 2 + 1), using: &generator)
                    let record = try await Self.runSession(
                        member: member, ending: ending, budget: budget, topic: topic,
                        configuration: memberConfiguration, settings: settings, ledger: ledger, registry: registry
                    )
                    outcomes.add(ending: ending, reachedBudget: record.processedCount >= budget, record: record)
                    session += 1
                }
            }
        }

        // Every number seen: stop the members. A watchdog bounds the run.
        let limit = Duration.seconds(60 + settings.messages / 1_000)
        let complete = await eventually(timeout: limit) { ledger.isComplete }
        let reports = try await producing.value
        await registry.stopAll()
        for member in members { try await member.value }
        await producer.close()

        let windows = outcomes.uncommittedWindows
        let endings = outcomes.endingsThatHappened
        #expect(complete, "missing after \(limit): \(ledger.missing) (seed \(settings.seed))")
        #expect(ledger.distinct == settings.messages, "lost \(settings.messages - ledger.distinct) (seed \(settings.seed))")
        #expect(
            ledger.duplicates <= windows,
            "duplicates \(ledger.duplicates) exceed the uncommitted windows \(windows) (seed \(settings.seed))")
        #expect(outcomes.orderViolations.isEmpty, "\(outcomes.orderViolations.prefix(5)) (seed \(settings.seed))")
        #expect(ledger.mismatches.isEmpty, "\(ledger.mismatches.prefix(5))")
        #expect(ledger.misplaced(reports) == 0, "numbers read at another position than their delivery report")
        #expect(Set(endings) == Set(SessionEnding.allCases), "endings exercised: \(endings) (seed \(settings.seed))")
        ReliabilityRecord(
            section: "No loss",
            scenario:
                "Group churn: \(settings.members) members at once, sessions ended by cancellation, break, thrown error, close(); restarted",
            figures: [
                "messages": "\(settings.messages)", "partitions": "\(settings.partitions)", "sessions": "\(outcomes.count)",
                "ended early": endings.map(\.rawValue).joined(separator: "/"), "reads": "\(ledger.reads)",
                "lost": "\(settings.messages - ledger.distinct)",
                "duplicates": "\(ledger.duplicates)", "uncommitted windows": "\(windows)",
                "commits refused": "\(outcomes.commitFailures)", "seed": "\(settings.seed)",
                "ms": "\(watch.milliseconds)",
            ],
            asserted: "0 lost, duplicates ≤ Σ uncommitted windows, offsets in order per session and partition"
        ).emit()
    }

    /// Runs one member session until its budget ends it the planned way (or the run stops it).
    private static func runSession(
        member: Int,
        ending: SessionEnding,
        budget: Int,
        topic: String,
        configuration: KafkaConsumerConfiguration,
        settings: NoLossSettings,
        ledger: NoLossLedger,
        registry: SessionRegistry
    ) async throws -> SessionRecord {
        let record = SessionRecord()
        let consumer = try KafkaConsumer(configuration: configuration)
        guard registry.register(consumer, member: member) else {
            await consumer.close()
            return record
        }
        defer { registry.unregister(member: member) }
        await consumer.setRebalanceHandler { event in
            if event.kind == .revoked {
                // Hand the partitions over with what was processed committed.
                let snapshot = record.commitSnapshot()
                record.committed((try? await consumer.commit()) != nil ? snapshot : nil)
            }
            record.rebalanced(event)
        }
        try await consumer.subscribe(to: [topic])

        let (budgetReached, reachBudget) = AsyncStream<Void>.makeStream()
        let loop = Task {
            var processed = 0
            for try await message in consumer.messages {
                ledger.record(message)
                record.processed(message)
                processed += 1
                if ending == .thrownError, processed >= budget { throw PlannedFailure() }
                do {
                    try consumer.store(message)
                    record.stored(message)
                } catch {
                    // The partition was taken away (or the consumer is closing): the next owner re-reads it.
                }
                if processed % settings.commitEvery == 0 {
                    let snapshot = record.commitSnapshot()
                    record.committed((try? await consumer.commit()) != nil ? snapshot : nil)
                }
                if processed == budget {
                    if ending == .breakOut { break }
                    reachBudget.yield()
                }
            }
        }
        let ender = Task {
            var waiting = budgetReached.makeAsyncIterator()
            guard await waiting.next() != nil else { return }
            switch ending {
            case .cancellation: loop.cancel()
            case .close: await consumer.close()
            case .breakOut, .thrownError: break
            }
        }
        let result = await loop.result
        reachBudget.finish()
        await ender.value
        await consumer.close()
        if case .failure(let error) = result, !(error is PlannedFailure) {
            // A KafkaError ending the stream is a finding, not a planned ending.
            Issue.record("member \(member) session ended by \(error)")
        }
        return record
    }
}

/// The sessions of a run, for the figures and the duplicate bound.
final class SessionOutcomes: Sendable {
    private struct Outcome {
        let ending: SessionEnding
        let reachedBudget: Bool
        let window: Int
        let commitFailures: Int
        let orderViolations: [String]
    }

    private let outcomes = Mutex<[Outcome]>([])

    func add(ending: SessionEnding, reachedBudget: Bool, record: SessionRecord) {
        let outcome = Outcome(
            ending: ending, reachedBudget: reachedBudget, window: record.uncommittedWindow,
            commitFailures: record.commitFailures, orderViolations: record.orderViolations
        )
        self.outcomes.withLock { $0.append(outcome) }
    }

    var count: Int { self.outcomes.withLock { $0.count } }
    var uncommittedWindows: Int { self.outcomes.withLock { $0.reduce(0) { $0 + $1.window } } }
    var commitFailures: Int { self.outcomes.withLock { $0.reduce(0) { $0 + $1.commitFailures } } }
    var orderViolations: [String] { self.outcomes.withLock { $0.flatMap(\.orderViolations) } }
    /// The planned endings that actually ended a session (budget reached), in order, without repeats.
    var endingsThatHappened: [SessionEnding] {
        let reached = self.outcomes.withLock { $0.filter(\.reachedBudget).map(\.ending) }
        return SessionEnding.allCases.filter { reached.contains($0) }
    }
}
