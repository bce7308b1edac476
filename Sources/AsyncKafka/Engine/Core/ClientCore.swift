import CRdKafka
import Logging

/// The base every client is built on: one librdkafka handle, the client's own thread, the
/// queues that wake it, logging, statistics and the callback bridge, set up and torn down
/// once for the consumer, the producer and the admin client.
///
/// Layers, from the C library up:
/// - ``KafkaHandle`` owns the `rd_kafka_t`;
/// - `ClientCore` adds the ``ClientThread`` every blocking librdkafka call runs on, the
///   ``CallbackBridge`` librdkafka's callbacks reach, and librdkafka's log lines on the main
///   queue (`log.queue`), served on that thread;
/// - ``ConsumerEngine``, ``ProducerEngine`` and ``AdminEngine`` build a client's behaviour on it;
/// - ``KafkaConsumer``, ``KafkaProducer`` and ``KafkaAdminClient`` are the public faces.
final class ClientCore: Sendable {
    let handle: KafkaHandle
    let thread: ClientThread
    let bridge: CallbackBridge

    var logger: Logger { self.bridge.logger }

    /// Creates the handle from `properties` (see ``RdKafkaConfiguration``), with the callbacks
    /// of `kind`. librdkafka's log level follows `logger`'s unless `log_level` is set; what the
    /// client logs goes through `logger` with the properties' secrets redacted.
    init(
        _ kind: ClientCallbacks.Kind,
        properties: [String: String],
        logger: Logger,
        oauthBearer: KafkaOAuthBearerTokenProvider?
    ) throws(KafkaError) {
        var properties = properties
        // Log lines are queued and served on the client thread, like every other event.
        properties["log.queue"] = "true"
        if properties["log_level"] == nil { properties["log_level"] = LibrdkafkaLog.syslogLevel(for: logger) }
        let conf = try RdKafkaConfiguration.make(properties)
        self.bridge = CallbackBridge(logger: SecretRedactingLogHandler.logger(logger, redacting: properties))
        ClientCallbacks.install(on: conf, bridge: self.bridge, for: kind)
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        self.handle = try KafkaHandle(type: type, conf: conf, oauthBearer: oauthBearer)
        // Log lines go to the main queue (forwarded into the consumer queue for a consumer).
        _ = rd_kafka_set_log_queue(self.handle.pointer, nil)
        self.thread = ClientThread(name: "ak:\(kind)")
    }

    /// Attaches the engine and starts the thread, which runs `serve` after every wake-up.
    func start(_ receiver: any ClientEventReceiver, serve: @escaping () -> ClientThread.Sleep) throws(KafkaError) {
        self.bridge.attach(receiver)
        try self.thread.start(serve: serve)
    }

    /// Makes `queue` wake the thread when it goes from empty to non-empty.
    func wakeThread(on queue: OpaquePointer) {
        rd_kafka_queue_cb_event_enable(queue, ClientThread.wakeOnQueueEvent, Unmanaged.passUnretained(self.thread).toOpaque())
    }

    /// Runs `body` on the client thread and returns its result: the one way an engine's
    /// async call waits for work on its thread.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            self.thread.submit {
                continuation.resume(returning: Result { () throws(KafkaError) in try body() })
            }
        }
        return try result.get()
    }

    /// Destroys `queues` (they wake nobody from now on) and then the handle, which blocks
    /// while librdkafka joins its threads; statistics streams end. Once, on the thread that
    /// owns the handle's teardown.
    ///
    /// `skipConsumerClose` destroys a consumer without its close sequence (final commit,
    /// LeaveGroup): for a close that could not finish in time.
    func destroy(queues: [OpaquePointer], skipConsumerClose: Bool = false) {
        for queue in queues {
            rd_kafka_queue_cb_event_enable(queue, nil, nil)
            rd_kafka_queue_destroy(queue)
        }
        self.handle.destroy(skipConsumerClose: skipConsumerClose)
        self.bridge.statistics.finish()
    }
}
