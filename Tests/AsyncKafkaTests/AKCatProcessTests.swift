import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// Runs the built `akcat` executable, for the end-to-end tests in ``AKCatTests``
/// (and the examples, for ``ExamplesTests``).
///
/// The binary is found next to the test bundle: `swift test` builds every
/// product into the same directory as the test executable, whatever the
/// scratch path. `AKCAT_PATH` overrides the search for `akcat`.
struct AKCatProcess {
    /// What a finished run left behind.
    struct Outcome {
        let status: Int32
        let output: String
        let error: String

        var outputLines: [String] {
            self.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// The `akcat` executable, or `nil` when it cannot be found.
    static let executable: String? = ProcessInfo.processInfo.environment["AKCAT_PATH"] ?? Self.executable(named: "akcat")

    /// The executable product `name` built next to the test bundle, or `nil` when it cannot be found.
    static func executable(named name: String) -> String? {
        let fileManager = FileManager.default
        var directories: [URL] = []
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let main = Bundle.main.executableURL { directories.append(main.deletingLastPathComponent()) }
        return directories.map { $0.appendingPathComponent(name).path }
            .first { fileManager.isExecutableFile(atPath: $0) }
    }

    /// Runs `akcat arguments` (or the product `program`), feeding `input` to its stdin, and
    /// waits (at most a minute) for it to exit.
    static func run(_ arguments: [String], input: String = "", program: String? = nil) async throws -> Outcome {
        let child: ChildProcess
        if let program {
            let executable = try #require(Self.executable(named: program), "\(program) was not found next to the test bundle")
            child = try ChildProcess(executable: executable, arguments: arguments)
        } else {
            child = try Self.start(arguments)
        }
        async let output = Self.readToEnd(child.output)
        async let error = Self.readToEnd(child.error)
        child.sendInputAndClose(Array(input.utf8))
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            child.send(signal: SIGKILL)
        }
        let status = await child.exitStatus()
        watchdog.cancel()
        return Outcome(
            status: status,
            output: String(decoding: await output, as: UTF8.self),
            error: String(decoding: await error, as: UTF8.self)
        )
    }

    /// Starts `akcat arguments`, its standard streams on pipes.
    static func start(_ arguments: [String]) throws -> ChildProcess {
        let executable = try #require(Self.executable, "the akcat executable was not found next to the test bundle")
        return try ChildProcess(executable: executable, arguments: arguments)
    }

    /// Everything `descriptor` yields until end of file, read on a thread of its own.
    static func readToEnd(_ descriptor: Int32) async -> Data {
        await onOwnThread {
            var data = Data()
            while let chunk = Self.read(descriptor, upTo: 65_536) { data.append(chunk) }
            return data
        }
    }

    /// The first line `descriptor` yields (without its newline), read on a thread of its own.
    static func readFirstLine(_ descriptor: Int32) async -> String {
        await onOwnThread {
            var line = Data()
            while let byte = Self.read(descriptor, upTo: 1), byte != Data([0x0A]) { line.append(byte) }
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// One `read(2)` of at most `count` bytes, retried when a signal interrupts it; `nil` at end
    /// of file or on an error.
    private static func read(_ descriptor: Int32, upTo count: Int) -> Data? {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let result = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, count) }
            if result > 0 { return Data(buffer[0..<result]) }
            if result < 0 && errno == EINTR { continue }
            return nil
        }
    }
}

/// `read(2)`, by a name that the helpers above (called `read`) do not shadow.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, buffer, count)
    #else
    Darwin.read(descriptor, buffer, count)
    #endif
}
