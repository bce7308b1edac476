@testable import AsyncKafka
import Logging
import Synchronization
import Testing

/// A swift-log handler that keeps every line and lets a test wait for a line it expects.
final class StreamingLogHandler: LogHandler, Sendable {
    private let state = Mutex<(lines: [CapturingLogHandler.Line], waiters: [Waiter])>(([], []))
    private let level: Logger.Level

    private struct Waiter {
        let matches: @Sendable (CapturingLogHandler.Line) -> Bool
        let continuation: CheckedContinuation<CapturingLogHandler.Line, Never>
    }

    init(level: Logger.Level) {
        self.level = level
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // Fixed by the test that creates the handler.
    }

    var logLevel: Logger.Level {
        get { self.level }
        set {}  // Fixed by the test that creates the handler.
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}  // Fixed by the test that creates the handler.
    }

    func log(event: LogEvent) {
        let line = CapturingLogHandler.Line(
            level: event.level,
            message: "\(event.message)",
            metadata: (event.metadata ?? [:]).mapValues { "\($0)" }
        )
        let ready = self.state.withLock { state -> [Waiter] in
            state.lines.append(line)
            let ready = state.waiters.filter { $0.matches(line) }
            state.waiters.removeAll { $0.matches(line) }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: line) }
    }

    /// Every line so far.
    var lines: [CapturingLogHandler.Line] {
        self.state.withLock { $0.lines }
    }

    /// A logger writing into this handler.
    var logger: Logger {
        Logger(label: "logging-test") { _ in self }
    }

    /// Waits for the first line (logged before or after the call) that `matches`.
    func firstLine(where matches: @escaping @Sendable (CapturingLogHandler.Line) -> Bool) async -> CapturingLogHandler.Line {
        await withCheckedContinuation { continuation in
            let found = self.state.withLock { state -> CapturingLogHandler.Line? in
                if let line = state.lines.first(where: matches) { return line }
                state.waiters.append(Waiter(matches: matches, continuation: continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }
}

/// A swift-log handler that keeps when each line arrived, for tests about when lines flow.
final class TimedLogHandler: LogHandler, Sendable {
    struct Line: Sendable {
        let time: ContinuousClock.Instant
        let message: String
        let facility: String?
    }

    private let state = Mutex<[Line]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // Fixed by the test that creates the handler.
    }

    var logLevel: Logger.Level {
        get { .debug }
        set {}  // Fixed by the test that creates the handler.
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}  // Fixed by the test that creates the handler.
    }

    func log(event: LogEvent) {
        let line = Line(time: .now, message: "\(event.message)", facility: event.metadata?["kafka.facility"].map { "\($0)" })
        self.state.withLock { $0.append(line) }
    }

    /// Every line so far.
    var lines: [Line] {
        self.state.withLock { $0 }
    }

    /// A logger writing into this handler.
    var logger: Logger {
        Logger(label: "timed-log-test") { _ in self }
    }
}

@Suite("swift-log bridge")
struct LoggingTests {
    /// A broker address that refuses connections at once.
    static let unreachable = "127.0.0.1:1"

    @Test(
        "librdkafka's syslog levels map onto swift-log levels",
        arguments: [
            (Int32(0), Logger.Level.critical), (2, .critical), (3, .error), (4, .warning), (5, .notice), (6, .info), (7, .debug),
        ])
    func levelMapping(syslog: Int32, expected: Logger.Level) {
        #expect(LibrdkafkaLog.level(forSyslogLevel: syslog) == expected)
    }

    @Test("a logger's level becomes librdkafka's log_level")
    func logLevelFollowsLogger() {
        var logger = Logger(label: "level")
        logger.logLevel = .warning
        #expect(LibrdkafkaLog.syslogLevel(for: logger) == "4")
        logger.logLevel = .trace
        #expect(LibrdkafkaLog.syslogLevel(for: logger) == "7")
    }

    @Test("librdkafka's log lines reach the logger with their level, facility and client name")
    func linesReachLogger() async throws {
        let handler = StreamingLogHandler(level: .debug)
        var configuration = KafkaProducerConfiguration(bootstrapServers: Self.unreachable)
        configuration.clientID = "log-bridge"
        configuration.debugContexts = [.broker]
        let producer = try KafkaProducer(configuration: configuration, logger: handler.logger)
        let failure = await handler.firstLine { $0.metadata["kafka.error"] == "_TRANSPORT" }
        let debug = await handler.firstLine { $0.level == .debug && $0.metadata["kafka.facility"] != nil }
        await producer.close(timeout: .zero)

        #expect(failure.level == .warning)
        #expect(failure.message.contains("127.0.0.1:1"))
        #expect(debug.metadata["kafka.client"]?.hasPrefix("log-bridge#producer-") == true)
        // The connection failure is logged once: from its error event, not also as librdkafka's FAIL line.
        #expect(!handler.lines.contains { $0.metadata["kafka.facility"] == "FAIL" && $0.level >= .warning })
    }

    @Test("an admin client's log lines arrive while a metadata call waits, not when it returns")
    func adminLogsFlowDuringBlockingCall() async throws {
        let handler = TimedLogHandler()
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: Self.unreachable), logger: handler.logger)
        let failure = await #expect(throws: KafkaError.self) { try await admin.metadata(timeout: .seconds(4)) }
        let returned = ContinuousClock.now
        await admin.close()
        #expect(failure?.code == .timedOut)

        // The connection is refused at once, and the client logs it (from librdkafka's error
        // event): that line must not wait for the call's timeout (when it did, it arrived just
        // after the call returned).
        let first = try #require(handler.lines.first { $0.message.contains("Connection refused") }, "no connection failure logged")
        #expect(
            returned - first.time > .seconds(2),
            "first librdkafka line only \(returned - first.time) before the call returned: \(first.message)")
    }

    @Test("lines below the logger's level are not forwarded, even with debug contexts on")
    func stricterLoggerDropsDebugLines() async throws {
        let handler = StreamingLogHandler(level: .warning)
        var configuration = KafkaProducerConfiguration(bootstrapServers: Self.unreachable)
        configuration.debugContexts = [.broker, .metadata]
        let producer = try KafkaProducer(configuration: configuration, logger: handler.logger)
        _ = await handler.firstLine { $0.metadata["kafka.error"] == "_TRANSPORT" }
        await producer.close(timeout: .zero)
        #expect(handler.lines.allSatisfy { $0.level >= .warning })
    }

    @Test("typed debug contexts write librdkafka's debug property")
    func debugContexts() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: Self.unreachable)
        configuration.debugContexts = [.consumerGroup, .fetch, "topic"]
        #expect(configuration.properties["debug"] == "cgrp,fetch,topic")
        #expect(configuration.debugContexts == [.consumerGroup, .fetch, .topic])
        configuration.debugContexts = []
        #expect(configuration.properties["debug"] == nil)
    }

    @Test("a password never reaches a log line, even with every debug context on")
    func noSecretsInLogs() async throws {
        let canary = "CANARY-\(UInt32.random(in: 0...UInt32.max))"
        let handler = StreamingLogHandler(level: .trace)
        var configuration = KafkaProducerConfiguration(bootstrapServers: Self.unreachable)
        configuration.properties["security.protocol"] = "sasl_plaintext"
        configuration.properties["sasl.mechanisms"] = "PLAIN"
        configuration.properties["sasl.username"] = "alice"
        configuration.properties["sasl.password"] = canary
        configuration.debugContexts = [.all]
        let producer = try KafkaProducer(configuration: configuration, logger: handler.logger)
        // The configuration dump (debug context `conf`) comes first; the connection failure later.
        _ = await handler.firstLine { $0.metadata["kafka.error"] == "_TRANSPORT" }
        await producer.close(timeout: .zero)

        let lines = handler.lines
        #expect(lines.contains { $0.message.contains("sasl.password") })
        for line in lines {
            #expect(!line.message.contains(canary))
            #expect(!line.metadata.values.contains { $0.contains(canary) })
        }
        #expect(!"\(configuration)".contains(canary))
    }
}
