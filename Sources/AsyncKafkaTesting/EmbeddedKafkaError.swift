import CRdKafka

/// An error thrown by ``EmbeddedKafkaCluster``.
///
/// Match on ``code`` to react to a kind of failure:
///
/// ```swift
/// do {
///     try cluster.setBrokerDown(1)
/// } catch let error where error.code == .clusterStopped {
///     // the cluster was stopped earlier
/// }
/// ```
public struct EmbeddedKafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation, including librdkafka's own message where there is one.
    public let message: String
    /// The raw librdkafka error (`rd_kafka_resp_err_t`) behind this error, for ``Code/librdkafka``.
    public let librdkafkaCode: Int32?

    init(code: Code, message: String, librdkafkaCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.librdkafkaCode = librdkafkaCode
    }

    /// The error as text: its code, its message and, when there is one, the librdkafka error name.
    public var description: String {
        "EmbeddedKafkaError.\(self.code): \(self.message)"
    }
}

extension EmbeddedKafkaError {
    /// The kind of an ``EmbeddedKafkaError``.
    ///
    /// Codes are compared with `==`; new codes may be added in later versions,
    /// so a `switch` over them should have a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The code's name, such as `invalidArgument`.
        public var description: String { self.name }

        /// An argument was rejected before it reached librdkafka.
        public static let invalidArgument = Code("invalidArgument")
        /// The cluster was used after ``EmbeddedKafkaCluster/stop()``.
        public static let clusterStopped = Code("clusterStopped")
        /// librdkafka could not create the client handle or the mock cluster.
        public static let creationFailed = Code("creationFailed")
        /// The system librdkafka is older than 2.0.0.
        public static let unsupportedLibraryVersion = Code("unsupportedLibraryVersion")
        /// librdkafka's mock cluster rejected the operation; see ``EmbeddedKafkaError/librdkafkaCode``.
        public static let librdkafka = Code("librdkafka")
    }
}

extension EmbeddedKafkaError {
    static func invalidArgument(_ message: String) -> EmbeddedKafkaError {
        EmbeddedKafkaError(code: .invalidArgument, message: message)
    }

    static func clusterStopped(_ operation: String) -> EmbeddedKafkaError {
        EmbeddedKafkaError(code: .clusterStopped, message: "\(operation): the embedded cluster was stopped")
    }

    /// Wraps a librdkafka error returned by a mock-cluster call, with its name and text.
    static func librdkafka(_ err: rd_kafka_resp_err_t, operation: String) -> EmbeddedKafkaError {
        let name = String(cString: rd_kafka_err2name(err))
        let text = String(cString: rd_kafka_err2str(err))
        return EmbeddedKafkaError(
            code: .librdkafka,
            message: "\(operation) failed: \(name) (\(err.rawValue)): \(text)",
            librdkafkaCode: err.rawValue
        )
    }
}
