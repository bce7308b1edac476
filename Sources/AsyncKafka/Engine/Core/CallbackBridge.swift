import CRdKafka
import Logging

/// Receives the librdkafka callbacks that need a client's engine.
///
/// Every method runs on the client's thread, from inside the librdkafka call that serves
/// the queue the callback was queued on. Only the consumer receives rebalances and commit
/// results, and reports errors beyond the log; the defaults log errors and ignore the rest.
protocol ClientEventReceiver: AnyObject {
    /// The core the engine is built on.
    var core: ClientCore { get }
    /// librdkafka reported a client-level error (its error callback); the bridge has observed
    /// it for ApiVersion negotiation, and the receiver logs or reports it. librdkafka retries
    /// what it reports; by default it is logged, repeats thinned out (``ClientErrorLog``).
    func clientError(_ err: rd_kafka_resp_err_t, reason: String)
    /// librdkafka asks the consumer to assign or revoke `partitions` (its rebalance callback).
    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?)
    /// The broker answered the commit `commitOpaque` was sent with.
    func commitCompleted(
        _ commitOpaque: UnsafeMutableRawPointer?, error: rd_kafka_resp_err_t, offsets: UnsafePointer<rd_kafka_topic_partition_list_t>?)
}

extension ClientEventReceiver {
    func clientError(_ err: rd_kafka_resp_err_t, reason: String) {
        self.core.bridge.errorLog.log(.rdKafka(err, context: reason))
    }

    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {}
    func commitCompleted(
        _ commitOpaque: UnsafeMutableRawPointer?, error: rd_kafka_resp_err_t, offsets: UnsafePointer<rd_kafka_topic_partition_list_t>?
    ) {}
}

/// What a client's librdkafka callbacks reach: the `rd_kafka_t`'s opaque.
///
/// It exists before the handle (the callbacks are set on the configuration the handle is
/// created from), so it holds what is known then: the logger, the error log, the statistics
/// observers, what was seen of the ApiVersion negotiation. The engine, which exists only once
/// its handle does, is attached afterwards as ``receiver``. ``ClientCore`` keeps the bridge
/// alive for as long as the handle, so the unretained opaque never dangles.
final class CallbackBridge: @unchecked Sendable {
    let logger: Logger
    /// Logs error events and librdkafka's connection-failure lines, thinning out repeats.
    let errorLog: ClientErrorLog
    /// Whether a log line or error event reported a failed ApiVersion request.
    let negotiation = BrokerNegotiation()
    /// The observers of the client's statistics (the newest 16 snapshots are kept for a slow
    /// reader); their streams end when the handle is destroyed.
    let statistics = EventBroadcaster<KafkaStatistics>(bufferLimit: 16)
    /// The engine; set once by ``attach(_:)`` before the client's thread starts, which orders
    /// the write before every callback (all are served on that thread, or by the producer's
    /// senders, which exist only after the engine does).
    private(set) weak var receiver: (any ClientEventReceiver)?

    init(logger: Logger) {
        self.logger = logger
        self.errorLog = ClientErrorLog(logger: logger)
    }

    func attach(_ receiver: any ClientEventReceiver) {
        self.receiver = receiver
    }

    /// The bridge behind a handle's or configuration's opaque.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> CallbackBridge? {
        opaque.map { Unmanaged<CallbackBridge>.fromOpaque($0).takeUnretainedValue() }
    }
}
