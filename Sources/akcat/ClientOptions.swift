import ArgumentParser
import AsyncKafka
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The options every command that talks to a cluster shares.
struct ClientOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("bootstrap-servers")],
        help: ArgumentHelp(
            "Comma-separated host:port list of bootstrap brokers (default: $AKCAT_BOOTSTRAP_SERVERS).",
            valueName: "host:port,..."
        )
    )
    var bootstrapServers: String?

    @Option(
        name: .customShort("X"),
        help: ArgumentHelp("A librdkafka property, such as -X debug=broker (repeatable).", valueName: "key=value")
    )
    var properties: [String] = []

    @Flag(name: .shortAndLong, help: "Log librdkafka's informational messages to stderr (default: warnings and errors).")
    var verbose = false

    func validate() throws {
        _ = try self.resolvedBootstrapServers()
        _ = try self.librdkafkaProperties()
    }

    /// The bootstrap servers from `-b` or the environment.
    func resolvedBootstrapServers() throws(ValidationError) -> String {
        if let servers = self.bootstrapServers, !servers.isEmpty { return servers }
        if let servers = getenv("AKCAT_BOOTSTRAP_SERVERS").map({ String(cString: $0) }), !servers.isEmpty {
            return servers
        }
        throw ValidationError("Missing bootstrap servers: pass -b host:port or set AKCAT_BOOTSTRAP_SERVERS.")
    }

    /// The `-X key=value` properties.
    func librdkafkaProperties() throws(ValidationError) -> [String: String] {
        var result: [String: String] = [:]
        for property in self.properties {
            guard let equals = property.firstIndex(of: "="), equals != property.startIndex else {
                throw ValidationError("Malformed -X \(property): expected key=value.")
            }
            result[String(property[..<equals])] = String(property[property.index(after: equals)...])
        }
        return result
    }

    /// A logger writing to stderr at the level the flags ask for.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = self.verbose ? .info : .warning
        return logger
    }

    /// An admin client for metadata requests.
    func adminClient() throws -> KafkaAdminClient {
        let configuration = KafkaAdminConfiguration(
            bootstrapServers: try self.resolvedBootstrapServers(),
            properties: try self.librdkafkaProperties()
        )
        return try KafkaAdminClient(configuration: configuration, logger: self.logger(label: "akcat.admin"))
    }
}
