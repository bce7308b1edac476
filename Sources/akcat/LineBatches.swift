import Dispatch
import Foundation
import Synchronization

/// Reads stdin's lines on a thread of its own and hands them out in batches of whatever has arrived.
///
/// `produce` sends one batch at a time, in order: piped input makes large
/// batches (throughput), a person typing makes batches of one line (each
/// line is sent as soon as it is typed). The reader waits when `limit`
/// lines are buffered, so memory stays bounded.
final class LineBatches: Sendable {
    private struct State {
        var lines: [String] = []
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        var readerWaiting = false
    }

    private let state = Mutex(State())
    private let room = DispatchSemaphore(value: 0)
    private let limit: Int

    /// Starts reading stdin; at most `limit` lines are buffered.
    init(limit: Int) {
        self.limit = max(1, limit)
        Thread.detachNewThread { [self] in self.readAll() }
    }

    private func readAll() {
        while let line = readLine(strippingNewline: true) {
            let (waiter, full) = self.state.withLock { state in
                state.lines.append(line)
                state.readerWaiting = state.lines.count >= self.limit
                defer { state.waiter = nil }
                return (state.waiter, state.readerWaiting)
            }
            waiter?.resume()
            if full { self.room.wait() }
        }
        let waiter = self.state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The lines read since the last call (at least one), or `nil` at the end of input.
    func next() async -> [String]? {
        while true {
            let taken = self.state.withLock { state -> (lines: [String], finished: Bool, wakeReader: Bool) in
                defer { state.lines = [] }
                let wakeReader = state.readerWaiting && !state.lines.isEmpty
                if wakeReader { state.readerWaiting = false }
                return (state.lines, state.finished, wakeReader)
            }
            if taken.wakeReader { self.room.signal() }
            if !taken.lines.isEmpty { return taken.lines }
            if taken.finished { return nil }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLock { state in
                    guard state.lines.isEmpty && !state.finished else { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}
