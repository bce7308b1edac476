/// Senders waiting for room in librdkafka's queue, guarded by a lock of its own (not the
/// producer's state lock, which senders hold while they enqueue), so that serving delivery
/// reports never waits for an enqueueing sender.
///
/// A sender that finds the queue full waits past the *generation* of served reports it saw
/// before it tried: if reports were served since, it retries at once instead of waiting.
/// Methods return what the caller must resume; the struct performs no I/O.
struct ProducerSpaceWaiters {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Set when the producer starts closing: nobody waits any more.
    private var closed = false

    /// Adds `continuation` unless the producer is closing or `stillFull` is false (reports were
    /// served since the sender's attempt). Returns whether it waits.
    mutating func wait(_ continuation: CheckedContinuation<Void, Never>, stillFull: Bool) -> Bool {
        guard !self.closed, stillFull else { return false }
        self.waiters.append(continuation)
        return true
    }

    /// Reports were served: every waiting sender may retry.
    mutating func takeAll() -> [CheckedContinuation<Void, Never>] {
        defer { self.waiters = [] }
        return self.waiters
    }

    /// The producer is closing: returns the waiting senders, and no one waits from now on.
    mutating func close() -> [CheckedContinuation<Void, Never>] {
        self.closed = true
        return self.takeAll()
    }
}
