import CAsyncKafkaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated OS thread that runs one client's librdkafka work (and, through `package`
/// access, the embedded broker's blocking clean-up in AsyncKafkaTesting).
///
/// Every blocking librdkafka call of a client (serving its queues,
/// subscribe/assign, close, flush, destroy) runs here, never on Swift's
/// cooperative thread pool. The thread sleeps on a condition variable until it
/// is woken: by librdkafka's queue callback (``wake()`` from a librdkafka
/// thread when a queue becomes non-empty), by a submitted job, or by the
/// stream's consumer handing back a credit. Each time it wakes it runs the
/// queued jobs, then asks its delegate to serve the queues; the delegate says
/// how long the thread may sleep next.
package final class ClientThread: @unchecked Sendable {
    /// How long the thread may sleep before serving again.
    package enum Sleep {
        /// Until ``ClientThread/wake()`` or a job arrives.
        case untilWoken
        /// At most this many milliseconds (a safety net while an operation winds down).
        case atMost(milliseconds: Int)
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var jobs: [@Sendable () -> Void] = []
    /// Starts `true`: the first thing the thread does is serve, so that events queued before
    /// librdkafka's queue callback was enabled (which fires only on empty → non-empty) are not stranded.
    private var woken = true
    private var stopRequested = false
    /// Set when the thread has exited; later jobs run on the submitting thread, one at a time.
    private var exited = false
    private let lateJobs = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// The thread's name, as debuggers and profilers show it (Linux keeps 15 bytes).
    private let name: String
    /// Set (under `mutex`) once ``start(serve:)`` has created the thread.
    private var started = false

    package init(name: String) {
        self.name = name
        pthread_mutex_init(self.mutex, nil)
        pthread_mutex_init(self.lateJobs, nil)
        pthread_cond_init(self.condition, nil)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        pthread_mutex_destroy(self.mutex)
        pthread_mutex_destroy(self.lateJobs)
        self.condition.deallocate()
        self.mutex.deallocate()
        self.lateJobs.deallocate()
    }

    /// Starts the thread. `serve` runs on it after every wake-up, until ``stop()``.
    ///
    /// The thread keeps `serve` (and what it captures) alive until it exits.
    package func start(serve: @escaping () -> Sleep) throws(KafkaError) {
        let context = Unmanaged.passRetained(Context(thread: self, serve: serve)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle, nil,
            { raw in
                let context = Unmanaged<Context>.fromOpaque(raw!).takeRetainedValue()
                context.thread.nameCurrentThread()
                pthread_setspecific(ClientThread.current, Unmanaged.passUnretained(context.thread).toOpaque())
                context.thread.run(context.serve)
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Context>.fromOpaque(context).release()
            throw KafkaError(code: .librdkafka, message: "could not start the client thread (pthread_create: \(result))")
        }
        pthread_detach(handle)
        pthread_mutex_lock(self.mutex)
        self.started = true
        pthread_mutex_unlock(self.mutex)
    }

    /// Which client thread the calling OS thread is, if any: set by each client thread for
    /// itself, and around each late job (see ``submit(_:)``).
    private static let current: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Whether the caller runs in this thread's serial context: on the thread, in a late job,
    /// or on the creating thread before the thread has started.
    var isCurrent: Bool {
        if pthread_getspecific(Self.current) == Unmanaged.passUnretained(self).toOpaque() { return true }
        pthread_mutex_lock(self.mutex)
        defer { pthread_mutex_unlock(self.mutex) }
        return !self.started
    }

    /// Stops the process when the caller does not run on the thread (see ``ThreadBound``).
    func preconditionIsCurrent(file: StaticString = #fileID, line: UInt = #line) {
        precondition(self.isCurrent, "\(self.name): thread-bound state touched off its thread", file: file, line: line)
    }

    /// Names the calling thread, so that profiles and stack dumps tell the clients' threads apart.
    private func nameCurrentThread() {
        asynckafka_name_current_thread(self.name)
    }

    /// librdkafka's queue callback (`rd_kafka_queue_cb_event_enable`, opaque: an unretained
    /// `ClientThread`): a queue went from empty to non-empty. Called on a librdkafka thread
    /// with the queue locked, so it only signals.
    static let wakeOnQueueEvent: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, opaque in
        guard let opaque else { return }
        Unmanaged<ClientThread>.fromOpaque(opaque).takeUnretainedValue().wake()
    }

    /// Wakes the thread so that it serves its queues. Safe from any thread, including librdkafka's.
    func wake() {
        pthread_mutex_lock(self.mutex)
        self.woken = true
        pthread_cond_signal(self.condition)
        pthread_mutex_unlock(self.mutex)
    }

    /// Runs `job` on the thread, before its next serve.
    ///
    /// Once the thread has exited (the client is closed), `job` runs at once on
    /// the caller's thread, serialised with other late jobs; by then the client
    /// holds no librdkafka objects, so such jobs only report that it is closed.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(self.mutex)
        guard !self.exited else {
            pthread_mutex_unlock(self.mutex)
            pthread_mutex_lock(self.lateJobs)
            let outer = pthread_getspecific(Self.current)
            pthread_setspecific(Self.current, Unmanaged.passUnretained(self).toOpaque())
            job()
            pthread_setspecific(Self.current, outer)
            pthread_mutex_unlock(self.lateJobs)
            return
        }
        self.jobs.append(job)
        pthread_cond_signal(self.condition)
        pthread_mutex_unlock(self.mutex)
    }

    /// Asks the thread to exit once the jobs already submitted have run.
    package func stop() {
        pthread_mutex_lock(self.mutex)
        self.stopRequested = true
        pthread_cond_signal(self.condition)
        pthread_mutex_unlock(self.mutex)
    }

    private func run(_ serve: () -> Sleep) {
        var sleep = Sleep.untilWoken
        while true {
            pthread_mutex_lock(self.mutex)
            while self.jobs.isEmpty && !self.woken && !self.stopRequested {
                if case .atMost(let milliseconds) = sleep {
                    if self.timedWait(milliseconds: milliseconds) { break }
                } else {
                    pthread_cond_wait(self.condition, self.mutex)
                }
            }
            let pending = self.jobs
            self.jobs.removeAll(keepingCapacity: true)
            self.woken = false
            let stopping = self.stopRequested
            if stopping && pending.isEmpty { self.exited = true }
            pthread_mutex_unlock(self.mutex)

            for job in pending { job() }
            if stopping && pending.isEmpty { return }
            sleep = serve()
        }
    }

    /// Waits on the condition for at most `milliseconds`; returns whether it timed out. Mutex held.
    private func timedWait(milliseconds: Int) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let total = Int(now.tv_nsec) + milliseconds * 1_000_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        return pthread_cond_timedwait(self.condition, self.mutex, &deadline) == ETIMEDOUT
    }

    private final class Context {
        let thread: ClientThread
        let serve: () -> Sleep
        init(thread: ClientThread, serve: @escaping () -> Sleep) {
            self.thread = thread
            self.serve = serve
        }
    }
}
