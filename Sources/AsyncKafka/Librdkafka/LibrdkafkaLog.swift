import CRdKafka
import Logging

/// Bridges librdkafka's log lines (syslog levels) into swift-log.
enum LibrdkafkaLog {
    /// The swift-log level for a syslog level as librdkafka reports it (0 = emergency … 7 = debug).
    static func level(forSyslogLevel level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// Logs one librdkafka line.
    ///
    /// Broker connection failures (facility FAIL) are logged once: one of warning or worse also
    /// arrives as an error event with the same text, which every client logs through
    /// `errorLog` (and the consumer reports on `errors`), so it is not forwarded here; one at
    /// notice or info (librdkafka 2.16 reports a connection dropped during the ApiVersion
    /// request this way, on every retry) is thinned out by `errorLog` like repeated errors.
    static func forward(
        level: Int32,
        facility: UnsafePointer<CChar>?,
        message: UnsafePointer<CChar>?,
        client rk: OpaquePointer?,
        to logger: Logger,
        errorLog: ClientErrorLog
    ) {
        let swiftLevel = Self.level(forSyslogLevel: level)
        guard logger.logLevel <= swiftLevel else { return }
        let facilityName = facility.map { String(cString: $0) }
        var metadata: Logger.Metadata = [:]
        if facilityName == "FAIL" {
            if level <= 4 { return }
            if level <= 6 {
                guard let leftOut = errorLog.admitLine(level: level) else { return }
                if leftOut > 0 { metadata["kafka.repeats_not_logged"] = "\(leftOut)" }
            }
        }
        if let facilityName { metadata["kafka.facility"] = "\(facilityName)" }
        if let rk { metadata["kafka.client"] = "\(String(cString: rd_kafka_name(rk)))" }
        logger.log(level: swiftLevel, "\(message.map { String(cString: $0) } ?? "")", metadata: metadata)
    }

    /// The librdkafka `log_level` that lets through exactly what `logger` would keep.
    static func syslogLevel(for logger: Logger) -> String {
        switch logger.logLevel {
        case .trace, .debug: "7"
        case .info: "6"
        case .notice: "5"
        case .warning: "4"
        case .error: "3"
        case .critical: "2"
        }
    }
}
