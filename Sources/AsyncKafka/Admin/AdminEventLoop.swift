import CRdKafka
import Logging

/// The admin client's engine: owns an `rd_kafka_t` and a result queue, served on a dedicated ``ClientThread``.
///
/// Thread confinement: ``resources`` and ``pending`` are touched only on
/// ``thread``, in submitted jobs and in ``serve()``. A request is sent from a
/// job with its id as the admin options' opaque; its result event arrives on
/// the result queue, whose callback wakes the thread, and ``serve()`` hands it
/// to the request's handler.
///
/// Blocking calls (`rd_kafka_metadata`, which has no asynchronous form in librdkafka 2.0)
/// run on a second thread, ``callThread``, so that ``thread`` goes on serving the main
/// queue (log lines and error events) while a call waits: on ``thread`` itself, a call
/// against an unreachable broker held back every log line until it timed out. The call
/// thread runs its jobs one at a time, in order, and the handle is destroyed by a job on
/// it, so a call never outlives the handle: closing waits for a call already running.
final class AdminEventLoop: @unchecked Sendable {
    /// The librdkafka objects of an open client. Confined to ``thread``, then handed to
    /// ``callThread`` once, to be destroyed there.
    struct Resources: @unchecked Sendable {
        let handle: KafkaHandle
        /// Where admin results arrive.
        let results: OpaquePointer
        /// librdkafka's main queue: errors and logs.
        let main: OpaquePointer
    }

    let thread = ClientThread(name: "ak:admin")
    /// Where blocking calls run, and where the handle is destroyed.
    let callThread = ClientThread(name: "ak:admin-call")
    let logger: Logger
    private let context: LoggerBox
    /// Whether librdkafka reported a failed ApiVersion request (from the callbacks).
    var negotiation: BrokerNegotiation { self.context.negotiation }

    // Thread-confined.
    private var resources: Resources?
    /// Handlers of requests waiting for their result, by id; called with `nil` when the client closes.
    private var pending: [Int: (OpaquePointer?) -> Void] = [:]
    private var nextRequestID = 1

    init(configuration: KafkaAdminConfiguration, logger: Logger) throws(KafkaError) {
        var properties = configuration.properties
        properties["log.queue"] = "true"
        if properties["log_level"] == nil { properties["log_level"] = LibrdkafkaLog.syslogLevel(for: logger) }
        let conf = try RdKafkaConfiguration.make(properties)
        self.logger = logger
        self.context = LoggerBox(logger)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self.context).toOpaque())
        rd_kafka_conf_set_error_cb(conf, AdminEventLoop.errorCallback)
        rd_kafka_conf_set_log_cb(conf, AdminEventLoop.logCallback)
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, conf: conf, oauthBearer: configuration.oauthBearerTokenProvider)
        guard let results = rd_kafka_queue_new(handle.pointer), let main = rd_kafka_queue_get_main(handle.pointer) else {
            handle.destroy()
            throw KafkaError(code: .librdkafka, message: "librdkafka could not create the admin client's queues")
        }
        _ = rd_kafka_set_log_queue(handle.pointer, nil)
        let thread = Unmanaged.passUnretained(self.thread).toOpaque()
        rd_kafka_queue_cb_event_enable(results, ClientThread.wakeOnQueueEvent, thread)
        rd_kafka_queue_cb_event_enable(main, ClientThread.wakeOnQueueEvent, thread)
        let resources = Resources(handle: handle, results: results, main: main)
        self.resources = resources
        do {
            try self.callThread.start { .untilWoken }
        } catch {
            _ = self.takeResources()
            Self.destroy(resources)
            throw error
        }
        do {
            try self.thread.start { [self] in self.serve() }
        } catch {
            self.callThread.stop()
            _ = self.takeResources()
            Self.destroy(resources)
            throw error
        }
    }

    // MARK: Jobs

    /// Runs `body` with the handle on ``callThread`` (for blocking calls such as `rd_kafka_metadata`).
    func perform<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T) async throws(KafkaError) -> T {
        try await Self.typed {
            try await withCheckedThrowingContinuation { continuation in
                self.thread.submit {
                    guard let handle = self.resources?.handle else {
                        continuation.resume(throwing: KafkaError.clientClosed("the admin client"))
                        return
                    }
                    // Runs before the job that destroys the handle, which is submitted later.
                    self.callThread.submit {
                        continuation.resume(with: Result { () throws(KafkaError) in try body(handle.pointer) })
                    }
                }
            }
        }
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
        try await Self.typed {
            try await withCheckedThrowingContinuation { continuation in
                self.thread.submit {
                    guard let resources = self.resources else {
                        continuation.resume(throwing: KafkaError.clientClosed("the admin client"))
                        return
                    }
                    let id = self.nextRequestID
                    self.nextRequestID += 1
                    self.pending[id] = { event in
                        guard let event else {
                            continuation.resume(throwing: KafkaError.clientClosed("the admin client"))
                            return
                        }
                        let err = rd_kafka_event_error(event)
                        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                            let reason = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
                            continuation.resume(throwing: KafkaError.rdKafka(err, context: "\(operation): \(reason)"))
                            return
                        }
                        continuation.resume(with: Result { () throws(KafkaError) in try parse(event) })
                    }
                    do throws(KafkaError) {
                        let options = try Self.options(api: api, id: id, timeout: timeout, resources.handle.pointer)
                        defer { rd_kafka_AdminOptions_destroy(options) }
                        try send(resources.handle.pointer, options, resources.results)
                    } catch {
                        self.pending[id] = nil
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    private static func options(api: rd_kafka_admin_op_t, id: Int, timeout: Duration, _ rk: OpaquePointer) throws(KafkaError) -> OpaquePointer {
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

    /// Rethrows a continuation's untyped error as the ``KafkaError`` it always is.
    private static func typed<T>(_ body: () async throws -> T) async throws(KafkaError) -> T {
        do {
            return try await body()
        } catch let error as KafkaError {
            throw error
        } catch {
            throw KafkaError(code: .librdkafka, message: "\(error)")
        }
    }

    // MARK: Serving (the thread)

    private func serve() -> ClientThread.Sleep {
        guard let resources = self.resources else { return .untilWoken }
        // The queue callback fires only on empty → non-empty: drain both queues.
        while let event = rd_kafka_queue_poll(resources.results, 0) {
            let id = Int(bitPattern: rd_kafka_event_opaque(event))
            self.pending.removeValue(forKey: id)?(event)
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
            self.thread.submit {
                self.release()
                // After the job that destroys the handle (or at once, if the call thread has exited).
                self.callThread.submit { continuation.resume() }
                self.thread.stop()
            }
        }
    }

    /// The ``KafkaAdminClient`` is gone: close in the background.
    func ownerReleased() {
        self.thread.submit {
            self.release()
            self.thread.stop()
        }
    }

    /// Stops using the handle and fails what is pending, then destroys the handle on
    /// ``callThread`` after the calls submitted there before. On ``thread``; idempotent.
    private func release() {
        guard let resources = self.takeResources() else { return }
        self.callThread.submit {
            Self.destroy(resources)
            self.callThread.stop()
        }
    }

    /// Takes the resources out of the client: their queues wake nobody, and pending requests
    /// fail with ``KafkaError/Code/clientClosed``. On ``thread`` (or during a failed init).
    private func takeResources() -> Resources? {
        guard let resources = self.resources else { return nil }
        self.resources = nil
        rd_kafka_queue_cb_event_enable(resources.results, nil, nil)
        rd_kafka_queue_cb_event_enable(resources.main, nil, nil)
        let waiting = self.pending
        self.pending = [:]
        for handler in waiting.values { handler(nil) }
        return resources
    }

    /// Frees the queues and the handle (blocking while librdkafka joins its threads).
    private static func destroy(_ resources: Resources) {
        rd_kafka_queue_destroy(resources.results)
        rd_kafka_queue_destroy(resources.main)
        resources.handle.destroy()
    }
}
