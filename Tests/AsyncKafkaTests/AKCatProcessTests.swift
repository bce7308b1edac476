import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// Runs the built `akcat` executable, for the end-to-end tests in ``AKCatTests``.
///
/// The binary is found next to the test bundle: `swift test` builds every
/// product into the same directory as the test executable, whatever the
/// scratch path. `AKCAT_PATH` overrides the search.
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
    static let executable: URL? = {
        let fileManager = FileManager.default
        var directories: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["AKCAT_PATH"] {
            return URL(fileURLWithPath: explicit)
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let main = Bundle.main.executableURL { directories.append(main.deletingLastPathComponent()) }
        return directories.map { $0.appendingPathComponent("akcat") }
            .first { fileManager.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `akcat arguments`, feeding `input` to its stdin, and waits (at most a minute) for it to exit.
    static func run(_ arguments: [String], input: String = "") async throws -> Outcome {
        let process = try Self.process(arguments)
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = Self.exitStatus(of: process)
        try process.run()
        async let output = Self.readToEnd(stdout.fileHandleForReading)
        async let error = Self.readToEnd(stderr.fileHandleForReading)
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        let status = await exited()
        watchdog.cancel()
        return Outcome(
            status: status,
            output: String(decoding: await output, as: UTF8.self),
            error: String(decoding: await error, as: UTF8.self)
        )
    }

    /// A process for `akcat arguments`, not started yet.
    static func process(_ arguments: [String]) throws -> Process {
        let executable = try #require(Self.executable, "the akcat executable was not found next to the test bundle")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        return process
    }

    /// Installs a termination handler; the returned function waits for the exit status. Call before `run()`.
    static func exitStatus(of process: Process) -> @Sendable () async -> Int32 {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { continuation.yield($0.terminationStatus) }
        return {
            for await status in stream { return status }
            return -1
        }
    }

    /// Everything `handle` yields until end of file, read off the cooperative pool.
    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var data = Data()
                while let chunk = Self.read(handle, upTo: 65_536) { data.append(chunk) }
                continuation.resume(returning: data)
            }
        }
    }

    /// The first line `handle` yields (without its newline), read off the cooperative pool.
    static func readFirstLine(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var line = Data()
                while let byte = Self.read(handle, upTo: 1), byte != Data([0x0A]) { line.append(byte) }
                continuation.resume(returning: String(decoding: line, as: UTF8.self))
            }
        }
    }

    /// One `read(2)` of at most `count` bytes, retried when a signal interrupts it; `nil` at end
    /// of file or on an error. (Foundation's FileHandle reads crash on an interrupted read.)
    private static func read(_ handle: FileHandle, upTo count: Int) -> Data? {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let result = buffer.withUnsafeMutableBytes { systemRead(handle.fileDescriptor, $0.baseAddress, count) }
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
