import CRdKafka
import Logging

/// The logger an admin handle's callbacks write to (the handle's opaque), and what they noticed.
final class LoggerBox: Sendable {
    let logger: Logger
    let errorLog: ClientErrorLog
    /// Whether a log line or error event reported a failed ApiVersion request.
    let negotiation = BrokerNegotiation()
    init(_ logger: Logger) {
        self.logger = logger
        self.errorLog = ClientErrorLog(logger: logger)
    }
}

/// The C callbacks of an admin client; served on its thread by `rd_kafka_poll`.
extension AdminEventLoop {
    fileprivate static func box(_ opaque: UnsafeMutableRawPointer?) -> LoggerBox? {
        opaque.map { Unmanaged<LoggerBox>.fromOpaque($0).takeUnretainedValue() }
    }

    static let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, err, reason, opaque in
        let text = reason.map { String(cString: $0) } ?? ""
        guard let box = AdminEventLoop.box(opaque) else { return }
        box.negotiation.observe(text)
        box.errorLog.log(.rdKafka(rd_kafka_resp_err_t(err), context: text))
    }

    static let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        guard let rk, let box = AdminEventLoop.box(rd_kafka_opaque(rk)) else { return }
        if let message { box.negotiation.observe(String(cString: message)) }
        LibrdkafkaLog.forward(level: level, facility: facility, message: message, client: rk, to: box.logger, errorLog: box.errorLog)
    }
}
