import CRdKafka
import Logging
import Synchronization

/// Logs the error events of one client (librdkafka's error callback): once per librdkafka code,
/// then at most once per interval, with how many were left out since (see ``RepeatedErrorFilter``).
/// A fatal error is always logged, as critical. It also thins out librdkafka's repeated
/// connection-failure log lines (``LibrdkafkaLog/forward(level:facility:message:client:to:errorLog:)``). Any thread.
final class ClientErrorLog: Sendable {
    let logger: Logger
    private let filter = Mutex(RepeatedErrorFilter())

    init(logger: Logger) {
        self.logger = logger
    }

    /// Whether to log a librdkafka FAIL line of syslog `level` (notice or info): `nil` to leave
    /// it out, else how many were left out since the last one logged.
    func admitLine(level: Int32) -> Int? {
        // Keyed apart from librdkafka's error codes (which are above -200).
        self.filter.withLock { $0.admit(Int32.min + level) }
    }

    func log(_ error: KafkaError) {
        let code = error.librdkafkaCode?.rawValue ?? 0
        let fatal = code == RD_KAFKA_RESP_ERR__FATAL.rawValue
        guard let leftOut = fatal ? 0 : self.filter.withLock({ $0.admit(code) }) else { return }
        var metadata: Logger.Metadata = ["kafka.error": "\(error.librdkafkaCode?.name ?? "\(error.code)")"]
        if leftOut > 0 { metadata["kafka.repeats_not_logged"] = "\(leftOut)" }
        self.logger.log(level: fatal ? .critical : .warning, "\(error.message)", metadata: metadata)
    }
}
