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
    /// Where calls that wait for a broker's answer run (see ``runBlockingCall(admit:_:)``),
    /// and where the handle is destroyed, after them; `nil` for a client without such calls.
    let callThread: ClientThread?
    let bridge: CallbackBridge

    var logger: Logger { self.bridge.logger }

    /// Creates the handle from `properties` (see ``RdKafkaConfiguration``), with the callbacks
    /// of `kind`. librdkafka's log level follows `logger`'s unless `log_level` is set; what the
    /// client logs goes through `logger` with the properties' secrets redacted.
    ///
    /// `blockingCalls` gives the client a second thread for calls that wait for a broker
    /// (``runBlockingCall(admit:_:)``).
    init(
        _ kind: ClientCallbacks.Kind,
        properties: [String: String],
        logger: Logger,
        oauthBearer: KafkaOAuthBearerTokenProvider?,
        blockingCalls: Bool = false
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
        self.callThread = blockingCalls ? ClientThread(name: "ak:\(kind)-call") : nil
    }

    /// Attaches the engine and starts the threads; the client thread runs `serve` after every wake-up.
    func start(_ receiver: any ClientEventReceiver, serve: @escaping () -> ClientThread.Sleep) throws(KafkaError) {
        self.bridge.attach(receiver)
        try self.callThread?.start { .untilWoken }
        do {
            try self.thread.start(serve: serve)
        } catch {
            self.callThread?.stop()
            throw error
        }
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

    /// Runs `body` with the handle on the call thread and returns its result: for a librdkafka
    /// call that waits for a broker's answer (`rd_kafka_committed`, `rd_kafka_metadata`, …),
    /// which on the client thread would hold up everything the thread serves meanwhile
    /// (messages, rebalances, log lines). `admit` runs first on the client thread and throws
    /// when the client no longer takes calls; a call admitted runs before the handle is
    /// destroyed (``destroyAfterBlockingCalls(queues:skipConsumerClose:then:)``).
    func runBlockingCall<T: Sendable>(
        admit: @escaping @Sendable () throws(KafkaError) -> Void,
        _ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        guard let callThread = self.callThread else { preconditionFailure("this client has no call thread") }
        let handle = self.handle
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            self.thread.submit {
                do throws(KafkaError) {
                    try admit()
                } catch {
                    return continuation.resume(returning: .failure(error))
                }
                // Runs before the job that destroys the handle, which is submitted later.
                callThread.submit {
                    continuation.resume(returning: Result { () throws(KafkaError) in try body(handle.pointer) })
                }
            }
        }
        return try result.get()
    }

    /// ``destroy(queues:skipConsumerClose:)`` on the call thread, once the blocking calls
    /// admitted before have returned; then runs `then` there and stops the call thread. Without
    /// a call thread, destroys at once, on the caller's thread. Call from the client thread,
    /// after the engine stopped admitting calls.
    func destroyAfterBlockingCalls(queues: [OpaquePointer], skipConsumerClose: Bool = false, then: @escaping @Sendable () -> Void) {
        let queues = queues.map(QueuePointer.init)
        guard let callThread = self.callThread else {
            self.destroy(queues: queues.map(\.pointer), skipConsumerClose: skipConsumerClose)
            return then()
        }
        callThread.submit {
            self.destroy(queues: queues.map(\.pointer), skipConsumerClose: skipConsumerClose)
            then()
            callThread.stop()
        }
    }

    /// A librdkafka queue handed to the call thread for destruction.
    private struct QueuePointer: @unchecked Sendable {
        let pointer: OpaquePointer
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
