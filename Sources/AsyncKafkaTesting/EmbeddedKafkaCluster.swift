import CRdKafka
import Synchronization

/// A Kafka cluster running inside the current process, for tests and demos.
///
/// It is librdkafka's mock cluster (`rdkafka_mock.h`): each broker listens on
/// `127.0.0.1` on an ephemeral port, speaks the Kafka protocol, and keeps
/// messages in memory. Any Kafka client can connect to ``bootstrapServers``.
///
/// ```swift
/// let cluster = try EmbeddedKafkaCluster(brokers: 3)
/// try cluster.createTopic("orders", partitions: 6)
/// // point a producer or consumer at cluster.bootstrapServers
/// ```
///
/// What librdkafka 2.0.2's mock supports: producing (plain, idempotent,
/// transactional), fetching, consumer groups with offset commits, metadata,
/// and topic auto-creation with 4 partitions (not configurable). It has no admin requests
/// (CreateTopics, DeleteTopics, …), no SASL and no TLS; use ``createTopic(_:partitions:replicationFactor:)``
/// to create topics. Each partition keeps at most about 5 MiB or 100,000
/// message sets; older data is dropped. Transactions walk the protocol but
/// write no commit or abort markers. The first consumer-group join waits about
/// 3 seconds, and every rejoin about `session.timeout.ms` minus 1 second — also the
/// one librdkafka sometimes makes right after its first join, when the subscribed
/// topics' metadata arrives: give group consumers a short session timeout (say
/// 6 seconds), or that join takes 44 seconds with the 45-second default.
///
/// The cluster is safe to use from any thread or task. Call ``stop()`` when
/// done, or let the last reference go; after that every operation throws
/// ``EmbeddedKafkaError/Code/clusterStopped``.
public final class EmbeddedKafkaCluster: Sendable {
    /// The oldest librdkafka the embedded cluster runs on (2.0.0), in `rd_kafka_version()` encoding.
    public static let minimumLibrdkafkaVersion: Int32 = 0x0200_00FF
    /// The most brokers one cluster may have.
    public static let maximumBrokerCount = 64
    /// The most partitions a topic may have, and the bound on partition indexes
    /// passed to the fault-injection calls.
    public static let maximumPartitionCount = 10_000

    /// The brokers' addresses, comma-separated, for a client's `bootstrap.servers`.
    public let bootstrapServers: String
    /// The number of brokers in the cluster.
    public let brokerCount: Int

    /// The brokers' ids: `1...brokerCount`.
    public var brokerIDs: [Int32] {
        Array(1...Int32(self.brokerCount))
    }

    /// The live librdkafka handles, or `nil` once stopped. Every call into the
    /// mock cluster happens while holding this lock, so ``stop()`` cannot
    /// destroy the cluster under a running call.
    private let handles: Mutex<MockClusterHandles?>
    /// Keeps calls into the mock cluster from stalling on librdkafka 2.0.2's lost wake-ups.
    private let waker: MockClusterWaker

    /// Starts a cluster of `brokers` brokers, with ids `1...brokers`.
    ///
    /// - Parameter brokers: How many brokers to run, from 1 to ``maximumBrokerCount``.
    /// - Throws: ``EmbeddedKafkaError/Code/unsupportedLibraryVersion`` when the
    ///   system librdkafka is older than 2.0.0, ``EmbeddedKafkaError/Code/invalidArgument``
    ///   for a bad broker count, ``EmbeddedKafkaError/Code/creationFailed`` when
    ///   librdkafka cannot create the cluster (for instance when it cannot listen).
    public init(brokers: Int = 1) throws(EmbeddedKafkaError) {
        let version = rd_kafka_version()
        guard version >= Self.minimumLibrdkafkaVersion else {
            let versionString = String(cString: rd_kafka_version_str())
            throw EmbeddedKafkaError(
                code: .unsupportedLibraryVersion,
                message: "librdkafka \(versionString) is older than the 2.0.0 that the embedded cluster needs"
            )
        }
        guard brokers >= 1, brokers <= Self.maximumBrokerCount else {
            throw .invalidArgument(
                "EmbeddedKafkaCluster(brokers: \(brokers)): the broker count must be 1...\(Self.maximumBrokerCount)"
            )
        }

        let client = try Self.makeClientHandle()
        guard let cluster = rd_kafka_mock_cluster_new(client, Int32(brokers)) else {
            rd_kafka_destroy(client)
            throw EmbeddedKafkaError(
                code: .creationFailed,
                message: "rd_kafka_mock_cluster_new could not start \(brokers) mock broker(s)"
            )
        }
        guard let bootstraps = rd_kafka_mock_cluster_bootstraps(cluster) else {
            rd_kafka_mock_cluster_destroy(cluster)
            rd_kafka_destroy(client)
            throw EmbeddedKafkaError(code: .creationFailed, message: "the mock cluster reported no bootstrap servers")
        }

        self.bootstrapServers = String(cString: bootstraps)
        self.brokerCount = brokers
        self.waker = MockClusterWaker(bootstrapServers: self.bootstrapServers)
        self.handles = Mutex(MockClusterHandles(cluster: cluster, client: client))
    }

    deinit {
        // Destroying the mock cluster blocks (up to about a second, longer while clients are
        // still closing against it); a deinit often runs on Swift's cooperative thread pool,
        // which must not block, so the destruction moves to a thread of its own.
        let handles = self.handles.withLock { handles in
            defer { handles = nil }
            return handles
        }
        guard let handles else { return }
        let waker = self.waker
        BackgroundThread.run {
            waker.run { rd_kafka_mock_cluster_destroy(handles.cluster) }
            rd_kafka_destroy(handles.client)
        }
    }

    /// Whether ``stop()`` has been called.
    public var isStopped: Bool {
        self.handles.withLock { $0 == nil }
    }

    /// Creates `name` with `partitions` partitions.
    ///
    /// Topics are also created on first use (4 partitions) when a client asks
    /// for them; create them here to choose the partition count.
    ///
    /// - Parameters:
    ///   - name: A legal Kafka topic name: 1 to 249 characters from
    ///     `[a-zA-Z0-9._-]`, and neither `.` nor `..`.
    ///   - partitions: From 1 to ``maximumPartitionCount``.
    ///   - replicationFactor: From 1 to ``brokerCount``. librdkafka 2.0.2 ignores
    ///     it: every partition gets `min(3, brokerCount)` replicas.
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for bad arguments,
    ///   ``EmbeddedKafkaError/Code/librdkafka`` with `TOPIC_ALREADY_EXISTS` when
    ///   the topic exists (also when a client auto-created it),
    ///   ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func createTopic(_ name: String, partitions: Int = 4, replicationFactor: Int = 1) throws(EmbeddedKafkaError) {
        let operation = "createTopic(\"\(name)\")"
        try Self.validateTopicName(name, operation: operation)
        guard partitions >= 1, partitions <= Self.maximumPartitionCount else {
            throw .invalidArgument(
                "\(operation): the partition count \(partitions) is outside 1...\(Self.maximumPartitionCount)"
            )
        }
        guard replicationFactor >= 1, replicationFactor <= self.brokerCount else {
            throw .invalidArgument(
                "\(operation): the replication factor \(replicationFactor) is outside 1...\(self.brokerCount)"
                    + " (the cluster has \(self.brokerCount) broker(s))"
            )
        }
        try self.perform(operation) { cluster in
            rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        }
    }

    /// Shuts the cluster down: closes every broker and its connections, and
    /// frees the librdkafka handles.
    ///
    /// Calling it again does nothing. Clients still connected see their
    /// connections refused. It returns once the mock cluster's threads are
    /// gone, which in librdkafka 2.0.2 sometimes takes about a second (a race
    /// in its own shutdown).
    public func stop() {
        self.handles.withLock { handles in
            guard let live = handles else { return }
            handles = nil
            self.waker.run { rd_kafka_mock_cluster_destroy(live.cluster) }
            rd_kafka_destroy(live.client)
        }
    }

    /// Runs `body` with the live mock cluster, holding the lock, and throws
    /// ``EmbeddedKafkaError/Code/clusterStopped`` once stopped.
    func withMockCluster<Result: Sendable>(
        _ operation: String,
        _ body: (OpaquePointer) throws(EmbeddedKafkaError) -> Result
    ) throws(EmbeddedKafkaError) -> Result {
        try self.handles.withLock { (handles) throws(EmbeddedKafkaError) -> Result in
            guard let live = handles else { throw .clusterStopped(operation) }
            return try self.waker.run { () throws(EmbeddedKafkaError) -> Result in try body(live.cluster) }
        }
    }

    /// Runs a mock-cluster call and turns a returned error into an ``EmbeddedKafkaError``.
    func perform(_ operation: String, _ call: (OpaquePointer) -> rd_kafka_resp_err_t) throws(EmbeddedKafkaError) {
        let err = try self.withMockCluster(operation) { cluster in call(cluster) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .librdkafka(err, operation: operation)
        }
    }

    /// Creates the quiet producer handle that owns the mock cluster.
    private static func makeClientHandle() throws(EmbeddedKafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw EmbeddedKafkaError(code: .creationFailed, message: "rd_kafka_conf_new failed")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        let settings = [("client.id", "asynckafka-embedded-cluster"), ("log_level", "3")]
        for (key, value) in settings {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw EmbeddedKafkaError(
                    code: .creationFailed,
                    message: "setting \(key)=\(value) failed: \(Self.string(fromNulTerminated: errorText))"
                )
            }
        }
        // On success rd_kafka_new takes ownership of conf; on failure it stays ours.
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw EmbeddedKafkaError(
                code: .creationFailed,
                message: "rd_kafka_new failed: \(Self.string(fromNulTerminated: errorText))"
            )
        }
        return client
    }

    private static func string(fromNulTerminated buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The librdkafka handles behind a running cluster: the mock cluster and the
/// `rd_kafka_t` that owns it.
///
/// `@unchecked Sendable`: the pointers are only dereferenced by librdkafka,
/// and only while ``EmbeddedKafkaCluster``'s lock is held.
struct MockClusterHandles: @unchecked Sendable {
    let cluster: OpaquePointer
    let client: OpaquePointer
}
