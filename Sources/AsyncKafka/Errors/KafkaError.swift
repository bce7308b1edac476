import CRdKafka

/// An error thrown by AsyncKafka.
///
/// Every failure in the library surfaces as a `KafkaError`: invalid
/// configuration, a closed client, a failed delivery, a broker error reported
/// by librdkafka. Match on ``code`` to react to a kind of failure:
///
/// ```swift
/// do {
///     try await producer.send(message)
/// } catch let error as KafkaError where error.code == .clientClosed {
///     // the producer was closed before the message could be enqueued
/// }
/// ```
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// Everything but the code, boxed: a `KafkaError` is three words, so a `Result` holding
    /// one is no larger than one holding a ``KafkaDeliveryReport`` (``KafkaProducer/send(contentsOf:queueTimeout:)``
    /// returns a `Result` per message).
    private let details: Box

    /// A human-readable explanation, including librdkafka's own message where there is one.
    public var message: String { self.details.value.message }
    /// The librdkafka error behind this error, if any.
    public var librdkafkaCode: LibrdkafkaCode? { self.details.value.librdkafkaCode }
    /// The configuration key at fault, for ``Code/invalidConfiguration``.
    public var configurationKey: String? { self.details.value.configurationKey }
    /// Whether the current transaction cannot commit any more and must be aborted with
    /// ``KafkaProducer/abortTransaction(timeout:)`` before a new one begins (librdkafka's
    /// `rd_kafka_error_txn_requires_abort`). Always `false` outside transactions.
    public var requiresAbort: Bool { self.details.value.requiresAbort }
    /// The consumed message the error is about — its topic, partition and offset — for
    /// ``Code/decodingFailed``; `nil` otherwise.
    public var position: KafkaTopicPartition? { self.details.value.position }
    /// librdkafka's own verdict on retrying (`rd_kafka_error_is_retriable`), when it gave one.
    var retriableVerdict: Bool? { self.details.value.retriableVerdict }

    /// Creates an error; the library creates these for you, your tests (of code that handles
    /// Kafka errors) may want their own.
    public init(code: Code, message: String, librdkafkaCode: LibrdkafkaCode? = nil) {
        self.init(code: code, message: message, librdkafkaCode: librdkafkaCode, configurationKey: nil)
    }

    init(
        code: Code,
        message: String,
        librdkafkaCode: LibrdkafkaCode? = nil,
        configurationKey: String? = nil,
        retriable: Bool? = nil,
        requiresAbort: Bool = false,
        position: KafkaTopicPartition? = nil
    ) {
        self.code = code
        self.details = .boxed(
            Details(
                message: message,
                librdkafkaCode: librdkafkaCode,
                configurationKey: configurationKey,
                requiresAbort: requiresAbort,
                position: position,
                retriableVerdict: retriable
            )
        )
    }

    private struct Details: Hashable, Sendable {
        let message: String
        let librdkafkaCode: LibrdkafkaCode?
        let configurationKey: String?
        let requiresAbort: Bool
        let position: KafkaTopicPartition?
        let retriableVerdict: Bool?
    }

    /// One pointer to the details (an indirect case is stored in a box of its own).
    private indirect enum Box: Hashable, Sendable {
        case boxed(Details)

        var value: Details {
            switch self {
            case .boxed(let details): details
            }
        }
    }

    /// Whether retrying the same operation may succeed: librdkafka's verdict where it gave one
    /// (as for the transaction calls), else whether the error code is a transient one.
    public var isRetriable: Bool {
        self.retriableVerdict ?? self.librdkafkaCode?.isRetriable ?? false
    }

    /// Whether the client that raised the error can no longer be used.
    public var isFatal: Bool {
        self.code == .fatal
    }

    /// The code, the message, and the configuration key and librdkafka code when there are any.
    public var description: String {
        var text = "KafkaError.\(self.code): \(self.message)"
        if let key = self.configurationKey { text += " (key: \(key))" }
        if let position = self.position { text += " (message: \(position))" }
        if let rd = self.librdkafkaCode { text += " [\(rd)]" }
        return text
    }
}

extension KafkaError {
    /// The kind of a ``KafkaError``.
    ///
    /// Codes are compared with `==`; new codes may be added in later versions,
    /// so a `switch` over them should have a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The code's name, such as `clientClosed`.
        public var description: String { self.name }

        /// A configuration key is unknown to librdkafka or its value is invalid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The system librdkafka is older than AsyncKafka supports.
        public static let unsupportedLibraryVersion = Code("unsupportedLibraryVersion")
        /// The client was used after it was closed (or while it was closing).
        public static let clientClosed = Code("clientClosed")
        /// A consumer's message stream was iterated a second time.
        public static let alreadyIterating = Code("alreadyIterating")
        /// An argument was rejected before it reached the broker.
        public static let invalidArgument = Code("invalidArgument")
        /// The message exceeds `message.max.bytes`.
        public static let messageTooLarge = Code("messageTooLarge")
        /// The topic or partition does not exist.
        public static let unknownTopicOrPartition = Code("unknownTopicOrPartition")
        /// The message could not be delivered to the broker.
        public static let deliveryFailed = Code("deliveryFailed")
        /// The message was removed from the producer queue by `close` before it could be delivered.
        public static let purged = Code("purged")
        /// An offset commit failed.
        public static let commitFailed = Code("commitFailed")
        /// The operation needs a partition that is not currently assigned to this consumer.
        public static let partitionNotAssigned = Code("partitionNotAssigned")
        /// The task was cancelled before the operation took effect.
        public static let cancelled = Code("cancelled")
        /// The operation is not valid in the client's current state, such as producing with a
        /// transactional producer outside a transaction, or committing when no transaction is open.
        public static let invalidState = Code("invalidState")
        /// The operation did not complete in time, also because no broker could be reached
        /// (librdkafka's `_ALL_BROKERS_DOWN`; ``KafkaError/librdkafkaCode`` tells which).
        public static let timedOut = Code("timedOut")
        /// A fatal error: the client cannot be used any more and must be closed.
        public static let fatal = Code("fatal")
        /// A value could not be encoded into a message (see ``KafkaEncoder``).
        public static let encodingFailed = Code("encodingFailed")
        /// A consumed message's value could not be decoded (see ``KafkaDecoder``); the error's
        /// ``KafkaError/position`` says which message.
        public static let decodingFailed = Code("decodingFailed")
        /// An error reported by librdkafka that has no more specific code; see ``KafkaError/librdkafkaCode``.
        public static let librdkafka = Code("librdkafka")
    }
}

extension KafkaError {
    /// A librdkafka error code (`rd_kafka_resp_err_t`), with its symbolic name.
    public struct LibrdkafkaCode: Hashable, Sendable, CustomStringConvertible {
        /// The raw `rd_kafka_resp_err_t` value.
        public let rawValue: Int32

        /// Wraps a raw `rd_kafka_resp_err_t` value.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        init(_ err: rd_kafka_resp_err_t) {
            self.rawValue = err.rawValue
        }

        /// librdkafka's name for the code, such as `UNKNOWN_TOPIC_OR_PART` or `_TRANSPORT`.
        public var name: String {
            String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(self.rawValue)))
        }

        /// Whether librdkafka or the Kafka protocol consider the error transient.
        public var isRetriable: Bool {
            switch rd_kafka_resp_err_t(self.rawValue) {
            case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
                RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
                RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
                RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR__WAIT_COORD,
                RD_KAFKA_RESP_ERR__PARTITION_EOF, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
                RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
                return true
            default:
                return false
            }
        }

        /// The name, the raw value and librdkafka's explanation.
        public var description: String {
            let text = String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(self.rawValue)))
            return "\(self.name) (\(self.rawValue)): \(text)"
        }
    }
}

extension KafkaError {
    /// Builds an error from a librdkafka error code, choosing the most specific ``Code``.
    static func rdKafka(_ err: rd_kafka_resp_err_t, context: String, fallback: Code = .librdkafka) -> KafkaError {
        let code: Code
        switch err {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            code = .messageTooLarge
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            code = .unknownTopicOrPartition
        case RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
            code = .purged
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
            // All brokers down: the call gave up because no broker could be reached in time.
            code = .timedOut
        case RD_KAFKA_RESP_ERR__FATAL:
            code = .fatal
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
            code = .invalidArgument
        case RD_KAFKA_RESP_ERR__STATE:
            code = .partitionNotAssigned
        default:
            code = fallback
        }
        let reason = String(cString: rd_kafka_err2str(err))
        return KafkaError(code: code, message: "\(context): \(reason)", librdkafkaCode: LibrdkafkaCode(err))
    }

    /// Builds an error from an `rd_kafka_error_t` and destroys it.
    static func consuming(_ error: OpaquePointer, context: String, fallback: Code = .librdkafka) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        var result = KafkaError.rdKafka(err, context: context, fallback: fallback)
        if rd_kafka_error_is_fatal(error) != 0 {
            result = KafkaError(code: .fatal, message: result.message, librdkafkaCode: result.librdkafkaCode)
        }
        let detail = String(cString: rd_kafka_error_string(error))
        return KafkaError(
            code: result.code,
            message: "\(context): \(detail)",
            librdkafkaCode: result.librdkafkaCode,
            retriable: rd_kafka_error_is_retriable(error) != 0 ? true : nil,
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    static func clientClosed(_ what: String) -> KafkaError {
        KafkaError(code: .clientClosed, message: "\(what) is closed")
    }
}
