import CRdKafka

/// Wakes librdkafka's fetchers after a full prefetch queue has drained.
///
/// librdkafka 2.0.2 stops fetching a partition while the consumer queue holds
/// `queued.min.messages` or more, and the broker thread then sleeps until
/// something else wakes it — up to a second — even after the application has
/// drained the queue (librdkafka 2.1 added `fetch.queue.backoff.ms` for this).
/// No public call asks a fetcher to look again, but any request to a broker
/// wakes that broker's thread, which then re-decides its fetches. So when the
/// loop sees the queue fall back below three quarters of the limit after it
/// reached that mark, it
/// sends one cheap request to the leaders of the assigned partitions: a
/// ListOffsets (`rd_kafka_offsets_for_times` with a zero timeout, whose late
/// answer librdkafka discards).
///
/// Thread-confined to the consumer's ``ClientThread``.
struct FetcherWakeUp {
    /// `queued.min.messages`: the queue length at which librdkafka stops fetching.
    let limit: Int
    /// Three quarters of `limit`: high enough that fetching resumes long before the queue runs
    /// dry, low enough that the loop, which looks after every drained batch, sees the queue pass
    /// it on the way to `limit`.
    let mark: Int
    /// Whether the queue reached ``mark`` since the last wake-up.
    private var queueWasFull = false

    init(properties: [String: String]) {
        self.limit = properties["queued.min.messages"].flatMap { Int($0) } ?? 100_000
        self.mark = self.limit / 4 * 3
    }

    /// Looks at the queue length after a drain; wakes the fetchers when it fell below ``mark``.
    mutating func observe(queueLength: Int, handle: OpaquePointer) {
        if queueLength >= self.mark {
            self.queueWasFull = true
        } else if self.queueWasFull {
            self.queueWasFull = false
            Self.wakeFetchers(handle)
        }
    }

    /// Sends a ListOffsets request to the leader of every assigned partition, without waiting.
    private static func wakeFetchers(_ handle: OpaquePointer) {
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else { return }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        guard assignment.pointee.cnt > 0 else { return }
        for index in 0..<Int(assignment.pointee.cnt) {
            assignment.pointee.elems[index].offset = -1  // "latest": any timestamp would do
        }
        _ = rd_kafka_offsets_for_times(handle, assignment, 0)
    }
}
