import ArgumentParser
import AsyncKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `akcat`: a kcat-style command-line tool built on AsyncKafka.
///
/// Exit status, for scripts: 0 on success (and after `--help`), 1 when the
/// command failed at run time (a broker, delivery or consumer error), 2 for
/// a usage error (unknown option, missing or malformed argument).
@main
struct AKCat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "akcat",
        abstract: "Produce, consume and inspect Kafka topics from the command line (built on AsyncKafka).",
        discussion: """
            Exit status: 0 on success, 1 on a runtime error (broker, delivery or consumer \
            failure), 2 on a usage error.
            """,
        version: "akcat (AsyncKafka) on librdkafka \(Librdkafka.versionString)",
        subcommands: [
            ProduceCommand.self,
            ConsumeCommand.self,
            MetadataCommand.self,
            EmbeddedBrokerCommand.self,
        ]
    )

    /// Parses the command line, runs the command, and exits with a status scripts can rely on.
    static func main() async {
        do {
            var command = try Self.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Self.terminate(after: error)
        }
    }

    /// Prints what `error` means and exits: 0 for help and version requests, 2 for usage errors, else 1.
    private static func terminate(after error: any Error) -> Never {
        let code = Self.exitCode(for: error)
        let message = Self.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            exitProcess(ExitStatus.success)
        }
        StandardStreams.writeError(message.isEmpty ? "Error: \(error)" : message)
        exitProcess(ExitStatus.status(for: error, argumentParserCode: code.rawValue))
    }
}

/// The exit statuses of `akcat`.
enum ExitStatus {
    /// The command did what it was asked.
    static let success: Int32 = 0
    /// A runtime error: broker, delivery or consumer failure.
    static let runtimeError: Int32 = 1
    /// A usage error: unknown option, missing or malformed argument.
    static let usageError: Int32 = 2

    /// The status for `error`, given the code swift-argument-parser chose for it.
    static func status(for error: any Error, argumentParserCode: Int32) -> Int32 {
        if error is KafkaError || error is RuntimeFailure { return Self.runtimeError }
        // swift-argument-parser reports usage errors as EX_USAGE (64).
        if argumentParserCode == ExitCode.validationFailure.rawValue { return Self.usageError }
        return argumentParserCode == 0 ? Self.runtimeError : argumentParserCode
    }
}

/// A runtime failure that is not a ``KafkaError`` (for instance a topic that does not exist); exits with status 1.
struct RuntimeFailure: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// Ends the process with `status` (`exit` itself is shadowed by `ParsableCommand.exit(withError:)` inside commands).
func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
