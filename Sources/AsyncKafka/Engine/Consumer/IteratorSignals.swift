import Synchronization

/// The two words the message iterator touches for each message it hands out,
/// shared with the client thread.
///
/// They let the iterator's fast path — the next message of the batch it
/// holds — be inlined into the application's `for try await` loop: one
/// relaxed store, one load and a cancellation check per message, no call.
/// Anything that needs a closer look bumps ``changes``, and the iterator takes
/// its slow path once.
///
/// Invariant: whoever makes a buffered message unfit to hand out (the consumer starts
/// stopping, a seek or a revocation adds a ``PartitionFilter``) bumps ``changes`` after
/// making that change visible; the iterator loads ``changes`` (acquiring) before handing out
/// each message, and on a new value takes the slow path, which reads the change. The
/// batches themselves are bounded by the stream's credits (``ConsumerEngine/credits``).
///
/// Justified by the benchmark's `consume` rows (Swift for-await against C consumer_poll and
/// batch_queue), which measure the per-message cost of this path.
@usableFromInline
final class IteratorSignals: Sendable {
    /// How many messages of the current batch the application has consumed
    /// (written by the iterator, read by ``ConsumptionProgress``).
    @usableFromInline let consumed = Atomic<Int>(0)
    /// Bumped whenever the iterator must not hand out the next buffered message
    /// without a closer look: the consumer started stopping, or a partition
    /// filter was added (a seek, a revocation).
    @usableFromInline let changes = Atomic<Int>(0)

    init() {}

    /// Sends the iterator down its slow path before its next message. Any thread.
    func notify() {
        self.changes.add(1, ordering: .releasing)
    }
}
