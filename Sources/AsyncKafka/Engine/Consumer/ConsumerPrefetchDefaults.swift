/// AsyncKafka's defaults for librdkafka's prefetch, which bound a consumer's memory.
///
/// With librdkafka's own defaults a consumer that falls behind prefetches until its
/// queue holds 100,000 messages (`queued.min.messages`), and each fetch response may
/// carry 50 MB (`fetch.max.bytes`); one round of responses can overshoot the count by
/// far, in a plain C consumer too. AsyncKafka buffers up to ``KafkaConsumerConfiguration/maxMessagesPerBatch``
/// × ``KafkaConsumerConfiguration/maxBufferedBatches`` messages of its own, and its
/// ``FetcherWakeUp`` resumes fetching as soon as the queue drains, so a smaller
/// prefetch costs no throughput. The benchmark's *memory* rows (AsyncKafka defaults
/// against librdkafka defaults) and *consume, out of the box* rows measure both.
///
/// A default applies only where the configuration leaves the property unset.
enum ConsumerPrefetchDefaults {
    /// `queued.min.messages`: half of librdkafka's 100,000.
    static let queuedMinMessages = 50_000
    /// `fetch.max.bytes`: 4 MiB instead of librdkafka's 50 MB.
    static let fetchMaxBytes = 4 * 1024 * 1024

    /// The properties that decide how large a fetch may be. When the configuration sets any
    /// of them, `fetch.max.bytes` is left to librdkafka, which refuses one below
    /// `message.max.bytes` and caps it at `queued.max.messages.kbytes`; a per-partition
    /// limit raised above 4 MiB (`fetch.message.max.bytes`, alias `max.partition.fetch.bytes`)
    /// asks for larger fetches, which a 4 MiB total would quietly cut.
    static let fetchSizeProperties = [
        "fetch.max.bytes", "message.max.bytes", "queued.max.messages.kbytes",
        "fetch.message.max.bytes", "max.partition.fetch.bytes",
    ]

    /// Adds the defaults to `properties` where it leaves them unset.
    static func apply(to properties: inout [String: String]) {
        if properties["queued.min.messages"] == nil {
            properties["queued.min.messages"] = String(Self.queuedMinMessages)
        }
        if Self.fetchSizeProperties.allSatisfy({ properties[$0] == nil }) {
            properties["fetch.max.bytes"] = String(Self.fetchMaxBytes)
        }
    }
}
