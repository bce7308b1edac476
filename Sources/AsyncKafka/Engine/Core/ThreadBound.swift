/// State that only one client's thread may touch, checked on every access.
///
/// The engines keep everything their ``ClientThread`` owns (the consumer's state machine,
/// its lingering batch, the admin client's pending requests, …) in one `ThreadBound`
/// value. Reading or writing it anywhere but on that thread (in a job submitted to it,
/// in its serve function, or in a librdkafka callback served from there) stops the
/// process with a precondition failure, instead of racing silently. Before the thread
/// starts, the creating thread may set the state up; jobs that run after the thread has
/// exited run one at a time and count as on the thread (see ``ClientThread/submit(_:)``).
///
/// The idea is swift-nio's `NIOLoopBound`; members are reached through dynamic member
/// lookup, so `bound.lingering` reads and modifies `Value.lingering` in place.
@dynamicMemberLookup
final class ThreadBound<Value>: @unchecked Sendable {
    private let thread: ClientThread
    private var storage: Value

    init(_ value: Value, on thread: ClientThread) {
        self.thread = thread
        self.storage = value
    }

    /// The whole value, after checking that the caller runs on the thread.
    var value: Value {
        _read {
            self.thread.preconditionIsCurrent()
            yield self.storage
        }
        _modify {
            self.thread.preconditionIsCurrent()
            yield &self.storage
        }
    }

    subscript<Member>(dynamicMember member: WritableKeyPath<Value, Member>) -> Member {
        _read {
            self.thread.preconditionIsCurrent()
            yield self.storage[keyPath: member]
        }
        _modify {
            self.thread.preconditionIsCurrent()
            yield &self.storage[keyPath: member]
        }
    }
}
