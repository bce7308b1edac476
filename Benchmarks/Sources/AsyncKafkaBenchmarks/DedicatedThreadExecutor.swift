import Dispatch
import Foundation
import Synchronization

/// A task executor with one thread of its own.
///
/// The latency scenario's Swift producer task runs on it so that it can pace itself as the C
/// producer thread does, with a blocking `clock_nanosleep` to an absolute deadline, without
/// holding one of the cooperative pool's threads (two, on this machine) while it sleeps. The
/// thread lives as long as the process.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.jobs.withLock { $0.append(job) }
        self.available.signal()
    }

    private func run() {
        while true {
            self.available.wait()
            let job = self.jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
