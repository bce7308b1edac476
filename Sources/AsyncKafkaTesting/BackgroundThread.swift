import AsyncKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking clean-up on a detached thread of its own, off Swift's cooperative pool.
///
/// A process that exits while such a clean-up is still running (a test run whose last test
/// just released its ``EmbeddedKafkaCluster``) waits for it at exit, for a few seconds at
/// most: otherwise the cluster would be torn down mid-destruction, and leak checkers report
/// what it had not freed yet.
enum BackgroundThread {
    /// Runs `body` on a new thread of its own; if no thread can be started, runs it here.
    static func run(_ body: @escaping @Sendable () -> Void) {
        let pending = PendingWork.shared
        pending.begin()
        let thread = ClientThread(name: "ak:cleanup")
        do {
            try thread.start { .untilWoken }
        } catch {
            body()
            pending.end()
            return
        }
        thread.submit {
            body()
            PendingWork.shared.end()
            thread.stop()
        }
    }
}

/// Counts the clean-ups started by ``BackgroundThread`` and not finished yet; the process
/// waits for them at exit.
private final class PendingWork: @unchecked Sendable {
    /// The process's one instance; creating it registers the wait at exit.
    static let shared = PendingWork()

    /// The longest the process waits at exit.
    private static let exitWaitSeconds = 10

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by `mutex`.
    private var running = 0

    private init() {
        pthread_mutex_init(self.mutex, nil)
        pthread_cond_init(self.condition, nil)
        atexit { PendingWork.shared.waitUntilDone(seconds: PendingWork.exitWaitSeconds) }
    }

    func begin() {
        pthread_mutex_lock(self.mutex)
        self.running += 1
        pthread_mutex_unlock(self.mutex)
    }

    func end() {
        pthread_mutex_lock(self.mutex)
        self.running -= 1
        if self.running == 0 { pthread_cond_broadcast(self.condition) }
        pthread_mutex_unlock(self.mutex)
    }

    /// Waits until nothing is running, or `seconds` have passed.
    private func waitUntilDone(seconds: Int) {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        deadline.tv_sec += seconds
        pthread_mutex_lock(self.mutex)
        while self.running > 0 {
            if pthread_cond_timedwait(self.condition, self.mutex, &deadline) == ETIMEDOUT { break }
        }
        pthread_mutex_unlock(self.mutex)
    }
}
