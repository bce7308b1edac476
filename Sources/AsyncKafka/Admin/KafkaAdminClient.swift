import CRdKafka
import Logging

/// Manages a Kafka cluster: reads its metadata, creates and deletes topics,
/// lists consumer groups and describes configurations.
///
/// ```swift
/// let admin = try KafkaAdminClient(configuration: .init(bootstrapServers: "localhost:29092"))
/// let results = try await admin.createTopics([KafkaNewTopic(name: "orders", partitions: 6, replicationFactor: 3)])
/// let metadata = try await admin.metadata()
/// print(metadata.topics.map(\.name))
/// await admin.close()
/// ```
///
/// The client owns one librdkafka handle and a dedicated thread: requests go
/// through librdkafka's admin API and their results arrive on a queue that
/// thread serves, with librdkafka's log lines. Blocking calls (metadata) run on a
/// second thread of the client, never on Swift's cooperative pool, so log lines
/// arrive while a call waits. Every call has a `timeout`, after which it throws
/// ``KafkaError/Code/timedOut``. A client released without ``close()`` closes
/// in the background. The client is `Sendable`.
public final class KafkaAdminClient: Sendable {
    let engine: AdminEngine

    /// Creates an admin client; it connects on its first request.
    ///
    /// - Throws: ``KafkaError`` with ``KafkaError/Code/invalidConfiguration`` naming the key
    ///   when librdkafka rejects a property.
    public init(
        configuration: KafkaAdminConfiguration,
        logger: Logger = Logger(label: "AsyncKafka.KafkaAdminClient")
    ) throws(KafkaError) {
        self.engine = try AdminEngine(configuration: configuration, logger: logger)
    }

    deinit {
        self.engine.ownerReleased()
    }

    /// The cluster's brokers and all its topics with their partitions, leaders and replicas.
    ///
    /// - Throws: ``KafkaError/Code/timedOut`` when no broker answers within `timeout` (when
    ///   librdkafka could not negotiate protocol versions with a broker, the message says so and
    ///   names the likely causes), ``KafkaError/Code/clientClosed`` once closed.
    public func metadata(timeout: Duration = .seconds(30)) async throws(KafkaError) -> KafkaClusterMetadata {
        let milliseconds = Int32(clamping: max(1, timeout.wholeMilliseconds))
        let negotiation = self.engine.negotiation
        return try await self.engine.runBlockingCall { rk throws(KafkaError) in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(rk, 1, nil, &metadata, milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                if err == RD_KAFKA_RESP_ERR__TRANSPORT {
                    // librdkafka's answer when no broker became usable within the timeout.
                    var message = "metadata: no broker could be reached within \(timeout)"
                    if negotiation.hasFailed { message += ": " + BrokerNegotiation.timeoutHint() }
                    throw KafkaError(code: .timedOut, message: message, librdkafkaCode: .init(err))
                }
                throw KafkaError.rdKafka(err, context: "metadata")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            return KafkaClusterMetadata(metadata.pointee)
        }
    }

    /// Closes the client: requests still waiting throw ``KafkaError/Code/clientClosed``. Idempotent.
    public func close() async {
        await self.engine.close()
    }
}
