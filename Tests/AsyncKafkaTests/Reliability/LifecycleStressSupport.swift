@testable import AsyncKafka
import AsyncKafkaTesting
import Foundation
import Testing

/// The lifecycle stress suites: many create → use → close cycles, cancelled at awkward moments.
///
/// The suites run one after another (`.serialized`), so that when they run alone
/// (`ASYNCKAFKA_STRESS_EXCLUSIVE=1`, as `scripts/sanitize.sh` runs them) the
/// process's librdkafka handles belong to them and must return exactly to their baseline.
/// In the normal parallel suite other tests' clients come and go, so the thread
/// census is only reported; the per-client deallocation checks hold either way.
@Suite("Lifecycle stress", .serialized)
struct LifecycleStress {}

/// How much stress: `ASYNCKAFKA_STRESS_CYCLES` (default 50, CI's sanitizer step uses 1000).
enum StressSettings {
    static let cycles: Int = {
        guard let text = ProcessInfo.processInfo.environment["ASYNCKAFKA_STRESS_CYCLES"], let value = Int(text), value > 0 else {
            return 50
        }
        return value
    }()

    /// Consumer-group cycles: each group join on the embedded broker takes ~3 s, so there
    /// are few of them (1 per 100 cycles, at least 3, at most 10), all at once.
    static var groupCycles: Int { min(10, max(3, cycles / 100)) }

    /// Whether only the stress suites run in this process, so that thread counts are exact.
    static let exclusive = ProcessInfo.processInfo.environment["ASYNCKAFKA_STRESS_EXCLUSIVE"] == "1"
}

/// The threads of this process, from `/proc/self/task` (Linux).
struct ThreadCensus: Equatable, CustomStringConvertible {
    /// Every thread of the process.
    let total: Int
    /// The names of librdkafka's threads (named `rdk:…`, except the mock cluster's `rdk:mock`),
    /// sorted: every handle has several (`rdk:main`, one per broker), joined when it is destroyed.
    /// (An AsyncKafka client thread is unnamed; that it exited shows in its event loop being freed,
    /// since the thread holds the loop until it returns.)
    let clientNames: [String]

    /// How many librdkafka threads there are.
    var client: Int { self.clientNames.count }

    /// librdkafka handles alive: each has exactly one `rdk:main` thread, which `rd_kafka_destroy`
    /// joins last (after the handle's broker threads); every baseline seen so far had the cluster's.
    /// The embedded cluster's handle names the third of its `rdk:` threads some time after it is
    /// created, so the count of all `rdk:` threads can grow after a baseline without any leak:
    /// under the sanitizers the baseline sometimes saw 2 of the cluster's 3.
    var handles: Int { self.clientNames.count { $0 == "rdk:main" } }

    static func take() -> ThreadCensus? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        var names: [String] = []
        for task in tasks {
            // A thread that exits between the listing and this read has no name left: not counted.
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8) else { continue }
            let name = comm.trimmingCharacters(in: .whitespacesAndNewlines)
            // `rdk:mock` is the embedded cluster's own thread, started asynchronously after it is created.
            if name.hasPrefix("rdk:") && !name.hasPrefix("rdk:mock") { names.append(name) }
        }
        return ThreadCensus(total: tasks.count, clientNames: names.sorted())
    }

    var description: String { "\(self.handles) librdkafka handles, \(self.client) librdkafka threads, \(self.total) in total" }
}

/// Waits until `condition` holds, checking every millisecond, for at most `timeout`.
///
/// Only for what no event announces: a client's thread drops the client's last
/// reference as it exits, just after `close()` has returned, and the kernel
/// removes an exited thread from `/proc/self/task` on its own schedule.
func eventually(within timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}

/// Weak references to the clients of a stress run, and the thread census around it.
final class LeakWatch: @unchecked Sendable {
    private final class Weak {
        weak var object: AnyObject?
        init(_ object: AnyObject) { self.object = object }
    }

    private let lock = NSLock()
    private var watched: [Weak] = []
    let before: ThreadCensus?

    /// Takes the baseline census: call it after the cluster (and its threads) exist.
    init() {
        self.before = ThreadCensus.take()
    }

    /// Watches a consumer: the `KafkaConsumer` and its event loop, which its client thread keeps until it exits.
    func watch(_ consumer: KafkaConsumer) {
        self.lock.withLock { self.watched += [Weak(consumer), Weak(consumer.messages.engine)] }
    }

    /// Watches a producer and its event loop.
    func watch(_ producer: KafkaProducer) {
        self.lock.withLock { self.watched += [Weak(producer), Weak(producer.engine)] }
    }

    private var alive: Int {
        self.lock.withLock { self.watched.count { $0.object != nil } }
    }

    /// Watched objects never freed, after waiting for the client threads to exit.
    func leakedObjects() async -> Int {
        _ = await eventually { self.alive == 0 }
        return self.alive
    }

    /// The census once the librdkafka handles are back to the baseline (or the deadline passed).
    /// Exact only when the stress suite runs alone; otherwise other tests' clients are counted too.
    func settledCensus() async -> ThreadCensus? {
        guard let before = self.before, StressSettings.exclusive else { return ThreadCensus.take() }
        var after = ThreadCensus.take()
        _ = await eventually {
            after = ThreadCensus.take()
            return (after?.handles ?? 0) <= before.handles
        }
        return after
    }

    /// Asserts that every watched client and event loop was freed (so every client thread has exited)
    /// and, when the suite runs alone, that the librdkafka handles (their `rdk:main` threads) are back
    /// to the baseline (so every handle was destroyed); returns the figures for the reliability record.
    func check(sourceLocation: SourceLocation = #_sourceLocation) async -> (objects: Int, before: String, after: String) {
        let leaked = await self.leakedObjects()
        #expect(leaked == 0, "\(leaked) clients or event loops were never freed", sourceLocation: sourceLocation)
        let after = await self.settledCensus()
        if StressSettings.exclusive, let before = self.before, let after {
            #expect(
                after.handles <= before.handles,
                "librdkafka handles: \(before.handles) before \(before.clientNames), \(after.handles) after \(after.clientNames)",
                sourceLocation: sourceLocation
            )
        }
        let count = self.lock.withLock { self.watched.count }
        let suffix = StressSettings.exclusive ? "" : " (shared process)"
        return (count, "\(self.before.map { "\($0)" } ?? "-")", "\(after.map { "\($0)" } ?? "-")\(suffix)")
    }
}
