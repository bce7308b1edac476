import CRdKafka
import Logging
import Synchronization

/// Logs the error events of one client (librdkafka's error callback): once per librdkafka code,
/// then at most once per interval, with how many were left out since (see ``RepeatedErrorFilter``).
/// A fatal error is always logged, as critical. Any thread.
final class ClientErrorLog: Sendable {
    let logger: Logger
    private let filter = Mutex(RepeatedErrorFilter())

    init(logger: Logger) {
        self.logger = logger
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
