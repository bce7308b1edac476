import CRdKafka
import Logging

/// The admin client's engine, built on a ``ClientCore``: sends admin requests and hands each
/// result event, served from its result queue on the client thread, to the request's handler.
///
/// The ``AdminStateMachine`` in ``confined`` owns the queues and the requests waiting for
/// their result. A request is sent from a job with its id as the admin options' opaque; its
/// result event arrives on the result queue, whose callback wakes the thread, and
/// ``serve()`` hands it to the request's handler.
///
/// Blocking calls (`rd_kafka_metadata`, which has no asynchronous form in librdkafka 2.0)
/// run on the core's call thread (``ClientCore/runBlockingCall(admit:_:)``), so that the client thread goes on serving the
/// main queue (log lines and error events) while a call waits. The call thread runs its jobs
/// one at a time, in order, and the handle is destroyed by a job on it, so a call never
/// outlives the handle: closing waits for a call already running.
final class AdminEngine: @unchecked Sendable {
    /// The librdkafka objects of an open client, owned by the state machine; handed to
    /// the call thread once, to be destroyed there.
    struct Resources: @unchecked Sendable {
        let handle: KafkaHandle
        /// Where admin results arrive.
        let results: OpaquePointer
        /// librdkafka's main queue: errors and logs.
        let main: OpaquePointer
    }

    /// What a request does with its result event (`nil` when the client closes first).
    typealias ResultHandler = (OpaquePointer?) -> Void

    let core: ClientCore
    var logger: Logger { self.core.logger }
    let confined: ThreadBound<AdminStateMachine<Resources, ResultHandler>>
    /// Whether librdkafka reported a failed ApiVersion request (from the callbacks).
    var negotiation: BrokerNegotiation { self.core.bridge.negotiation }

    init(configuration: KafkaAdminConfiguration, logger: Logger) throws(KafkaError) {
        let core = try ClientCore(
            .admin, properties: configuration.properties, logger: logger, oauthBearer: configuration.oauthBearerTokenProvider,
            blockingCalls: true)
        guard let results = rd_kafka_queue_new(core.handle.pointer), let main = rd_kafka_queue_get_main(core.handle.pointer) else {
            core.destroy(queues: [])
            throw KafkaError(code: .librdkafka, message: "librdkafka could not create the admin client's queues")
        }
        core.wakeThread(on: results)
        core.wakeThread(on: main)
        self.core = core
        self.confined = ThreadBound(
            AdminStateMachine(resources: Resources(handle: core.handle, results: results, main: main)), on: core.thread)
        do {
            try core.start(self) { [self] in self.serve() }
        } catch {
            if let (resources, _) = self.confined.value.close() { self.destroy(resources) }
            throw error
        }
    }

    // MARK: Jobs

    /// Runs `body` with the handle on the core's call thread (for blocking calls such as
    /// `rd_kafka_metadata`), while the client thread goes on serving.
    func runBlockingCall<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await self.core.runBlockingCall(
            admit: { () throws(KafkaError) in
                guard self.confined.value.resources != nil else { throw .clientClosed("the admin client") }
            },
            body
        )
    }

    /// Sends an admin request and waits for its result event, which `parse` reads (on the thread).
    ///
    /// `send` gets the handle, admin options (with the request's opaque and timeouts set; destroyed
    /// after `send` returns) and the result queue, and calls the `rd_kafka_<Operation>` function.
    func request<T: Sendable>(
        _ operation: String,
        api: rd_kafka_admin_op_t,
        timeout: Duration,
        send: @escaping @Sendable (_ rk: OpaquePointer, _ options: OpaquePointer, _ queue: OpaquePointer) throws(KafkaError) -> Void,
        parse: @escaping @Sendable (_ event: OpaquePointer) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            self.core.thread.submit {
                let handler: ResultHandler = { event in
                    guard let event else {
                        continuation.resume(returning: .failure(.clientClosed("the admin client")))
                        return
                    }
                    let err = rd_kafka_event_error(event)
                    guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        let reason = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
                        continuation.resume(returning: .failure(.rdKafka(err, context: "\(operation): \(reason)")))
                        return
                    }
                    continuation.resume(returning: Result { () throws(KafkaError) in try parse(event) })
                }
                guard case .send(let id, let resources) = self.confined.value.requestStarted(handler) else {
                    return handler(nil)
                }
                do throws(KafkaError) {
                    let options = try Self.options(api: api, id: id, timeout: timeout, resources.handle.pointer)
                    defer { rd_kafka_AdminOptions_destroy(options) }
                    try send(resources.handle.pointer, options, resources.results)
                } catch {
                    _ = self.confined.value.requestCompleted(id: id)
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private static func options(
        api: rd_kafka_admin_op_t, id: Int, timeout: Duration, _ rk: OpaquePointer
    ) throws(KafkaError) -> OpaquePointer {
        guard let options = rd_kafka_AdminOptions_new(rk, api) else {
            throw KafkaError(code: .librdkafka, message: "librdkafka could not create admin options")
        }
        rd_kafka_AdminOptions_set_opaque(options, UnsafeMutableRawPointer(bitPattern: id))
        let milliseconds = Int32(clamping: max(1, timeout.wholeMilliseconds))
        var text = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &text, text.count)
        if api == RD_KAFKA_ADMIN_OP_CREATETOPICS || api == RD_KAFKA_ADMIN_OP_DELETETOPICS {
            // How long the controller waits for the change to reach every broker before it answers.
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &text, text.count)
        }
        return options
    }

    // MARK: Serving (the thread)

    private func serve() -> ClientThread.Sleep {
        guard let resources = self.confined.value.resources else { return .untilWoken }
        // The queue callback fires only on empty → non-empty: drain both queues.
        while let event = rd_kafka_queue_poll(resources.results, 0) {
            let id = Int(bitPattern: rd_kafka_event_opaque(event))
            self.confined.value.requestCompleted(id: id)?(event)
            rd_kafka_event_destroy(event)
        }
        while rd_kafka_poll(resources.handle.pointer, 0) > 0 {}
        return .untilWoken
    }

    // MARK: Closing

    /// Closes the client: fails waiting requests with ``KafkaError/Code/clientClosed`` and frees
    /// the handle, once a blocking call already running has returned.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.core.thread.submit {
                self.release()
                // After the job that destroys the handle (or at once, if the call thread has exited).
                self.core.callThread?.submit { continuation.resume() }
                self.core.thread.stop()
            }
        }
    }

    /// The ``KafkaAdminClient`` is gone: close in the background.
    func ownerReleased() {
        self.core.thread.submit {
            self.release()
            self.core.thread.stop()
        }
    }

    /// Stops using the handle and fails what is pending, then destroys the handle on
    /// the call thread after the calls admitted before. On the client thread; idempotent.
    private func release() {
        guard let (resources, waiting) = self.confined.value.close() else { return }
        for handler in waiting { handler(nil) }
        self.core.destroyAfterBlockingCalls(queues: [resources.results, resources.main]) {}
    }

    /// Frees the queues and the handle (blocking while librdkafka joins its threads).
    private func destroy(_ resources: Resources) {
        self.core.destroy(queues: [resources.results, resources.main])
    }
}

extension AdminEngine: ClientEventReceiver {}
