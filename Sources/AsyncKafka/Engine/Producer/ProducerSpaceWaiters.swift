/// Senders waiting for room in librdkafka's queue, guarded by a lock of its own (not the
/// producer's state lock, which senders hold while they enqueue), so that serving delivery
/// reports never waits for an enqueueing sender.
///
/// A sender that finds the queue full waits past the *generation* of served reports it saw
/// before it tried: if reports were served since, it retries at once instead of waiting. A
/// waiter leaves early when its task is cancelled or its queue timeout passes (``remove(_:)``).
/// Methods return what the caller must resume; the struct performs no I/O.
struct ProducerSpaceWaiters {
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextID = 0
    /// Set when the producer starts closing: nobody waits any more.
    private var closed = false

    /// Adds `continuation` unless the producer is closing or `stillFull` is false (reports were
    /// served since the sender's attempt). Returns its id when it waits, `nil` when it does not.
    mutating func wait(_ continuation: CheckedContinuation<Void, Never>, stillFull: Bool) -> Int? {
        guard !self.closed, stillFull else { return nil }
        defer { self.nextID += 1 }
        self.waiters[self.nextID] = continuation
        return self.nextID
    }

    /// Takes waiter `id` out, if it still waits (its task was cancelled, or its time is up).
    mutating func remove(_ id: Int) -> CheckedContinuation<Void, Never>? {
        self.waiters.removeValue(forKey: id)
    }

    /// How many senders wait.
    var count: Int {
        self.waiters.count
    }

    /// Reports were served: every waiting sender may retry.
    mutating func takeAll() -> [CheckedContinuation<Void, Never>] {
        guard !self.waiters.isEmpty else { return [] }
        defer { self.waiters = [:] }
        return Array(self.waiters.values)
    }

    /// The producer is closing: returns the waiting senders, and no one waits from now on.
    mutating func close() -> [CheckedContinuation<Void, Never>] {
        self.closed = true
        return self.takeAll()
    }
}
