import CRdKafka
import Logging

/// The logger an admin handle's callbacks write to (the handle's opaque).
final class LoggerBox: Sendable {
    let logger: Logger
    init(_ logger: Logger) { self.logger = logger }
}

/// The C callbacks of an admin client; served on its thread by `rd_kafka_poll`.
extension AdminEventLoop {
    fileprivate static func logger(_ opaque: UnsafeMutableRawPointer?) -> Logger? {
        opaque.map { Unmanaged<LoggerBox>.fromOpaque($0).takeUnretainedValue().logger }
    }


    static let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        _, err, reason, opaque in
        let name = rd_kafka_err2name(rd_kafka_resp_err_t(err)).map { String(cString: $0) } ?? "\(err)"
        AdminEventLoop.logger(opaque)?.warning("\(reason.map { String(cString: $0) } ?? "")", metadata: ["kafka.error": "\(name)"])
    }

    static let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
        rk, level, facility, message in
        guard let rk, let logger = AdminEventLoop.logger(rd_kafka_opaque(rk)) else { return }
        LibrdkafkaLog.forward(level: level, facility: facility, message: message, client: rk, to: logger)
    }
}
