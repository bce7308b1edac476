import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a call instead of the default termination.
///
/// The handlers stay installed until ``cancel()``. `@unchecked Sendable`: dispatch sources are
/// thread-safe, and ``sources`` is never mutated after `init`.
final class TerminationSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    /// Installs handlers; `handler` runs once, on the first SIGINT or SIGTERM.
    init(_ handler: @escaping @Sendable () -> Void) {
        let trigger = Trigger(handler)
        self.sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { trigger.fire() }
            source.resume()
            return source
        }
    }

    /// Runs a handler once, however many signals arrive.
    private final class Trigger: Sendable {
        private let fired = Atomic<Bool>(false)
        private let handler: @Sendable () -> Void

        init(_ handler: @escaping @Sendable () -> Void) {
            self.handler = handler
        }

        func fire() {
            if !self.fired.exchange(true, ordering: .relaxed) { self.handler() }
        }
    }

    /// Installs handlers now; the returned function waits until SIGINT or SIGTERM arrives.
    static func waiter() -> @Sendable () async -> Void {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let signals = TerminationSignals { continuation.finish() }
        return {
            for await _ in stream {}
            signals.cancel()
        }
    }

    /// Removes the handlers (the signals' default action is not restored).
    func cancel() {
        for source in self.sources { source.cancel() }
    }
}
