import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its standard input, output and error on pipes.
///
/// The tests do not use Foundation's `Process`: in swift-corelibs-foundation 6.3.1,
/// `Process.run()` copies whole 256-byte `dirent` names while it lists `/proc/self/fd`, and
/// when a short record ends a page it reads past the end and crashes (CI saw SIGSEGV in
/// `memmove` under `Process.run()` while the parallel suite held ~1,500 descriptors;
/// swift-corelibs-foundation pull request 5472). Here the child closes every descriptor
/// above 2 with `posix_spawn_file_actions_addclosefrom_np`, and nothing lists `/proc`.
final class ChildProcess: Sendable {
    /// Why a child could not be started.
    struct SpawnFailure: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String { "\(self.call) failed: \(String(cString: strerror(self.code)))" }
    }

    /// The child's process ID.
    let pid: pid_t
    /// The parent's end of the child's standard input (write), output and error (read).
    let input: Int32
    let output: Int32
    let error: Int32
    /// Reaps the child once; its value is the exit status, or 128 + the signal that ended it.
    private let reaper: Task<Int32, Never>
    private let shared: Shared

    /// What the reaper thread and the test's tasks both touch.
    private final class Shared: Sendable {
        struct State {
            var inputOpen = true
            var reaped = false
        }
        let state = Mutex(State())
    }

    /// Starts `executable` with `arguments` and this process's environment.
    init(executable: String, arguments: [String]) throws {
        _ = Self.ignoreBrokenPipes
        let stdin = try Self.makePipe()
        let stdout = try Self.makePipe()
        let stderr = try Self.makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
        Self.closeFrom(&actions, 3)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var spawned = pid_t()
        let result = posix_spawn(&spawned, executable, &actions, nil, argv, environ)
        let pid = spawned
        for descriptor in [stdin.read, stdout.write, stderr.write] { close(descriptor) }
        guard result == 0 else {
            for descriptor in [stdin.write, stdout.read, stderr.read] { close(descriptor) }
            throw SpawnFailure(call: "posix_spawn \(executable)", code: result)
        }
        self.pid = pid
        (self.input, self.output, self.error) = (stdin.write, stdout.read, stderr.read)
        let shared = Shared()
        self.shared = shared
        self.reaper = Task { await onOwnThread { Self.reap(pid, shared) } }
    }

    deinit {
        for descriptor in [self.output, self.error] { close(descriptor) }
        if self.shared.state.withLock({ $0.inputOpen }) { close(self.input) }
    }

    /// Writes `bytes` to the child's standard input, then closes it (the child sees end of file).
    /// A child that exited without reading just loses the bytes. Call once.
    func sendInputAndClose(_ bytes: [UInt8]) {
        // Not under the lock: a child that reads slowly must not hold up `send(signal:)`.
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { write(self.input, $0.baseAddress! + sent, bytes.count - sent) }
            if result > 0 {
                sent += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        self.shared.state.withLock { state in
            guard state.inputOpen else { return }
            close(self.input)
            state.inputOpen = false
        }
    }

    /// Sends `signal` to the child, unless it has already been reaped (its pid could be reused).
    func send(signal: Int32) {
        self.shared.state.withLock { state in
            if !state.reaped { kill(self.pid, signal) }
        }
    }

    /// The exit status, once the child has exited: its exit code, or 128 + the ending signal.
    func exitStatus() async -> Int32 { await self.reaper.value }

    /// Waits until the child has exited, then reaps it under the lock `send(signal:)` takes, so
    /// no signal goes to a pid the system has handed to another process.
    private static func reap(_ pid: pid_t, _ shared: Shared) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        return shared.state.withLock { state in
            state.reaped = true
            return Self.waitForExit(pid)
        }
    }

    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// A pipe whose ends close on exec, so no other test's child inherits them (`pipe2`).
    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard let pipe2 = Self.pipe2, pipe2(&descriptors, O_CLOEXEC) == 0 else {
            throw SpawnFailure(call: "pipe2", code: Self.pipe2 == nil ? ENOSYS : errno)
        }
        return (descriptors[0], descriptors[1])
    }

    /// Adds "close every descriptor from `lowest` up" to `actions` (glibc 2.34+), where it exists.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        guard let addCloseFrom = Self.addCloseFrom else { return }
        _ = addCloseFrom(&actions, lowest)
    }

    // Swift's Glibc module is imported without `_GNU_SOURCE`, which hides these two
    // declarations; the C library has them, so they are looked up by name.
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let pipe2: Pipe2? = ChildProcess.symbol("pipe2")
    private static let addCloseFrom: AddCloseFrom? = ChildProcess.symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<Function>(_ name: String) -> Function? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }

    /// Writing to a pipe whose reader exited must fail with `EPIPE`, not kill the test process.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}

/// Runs the blocking `body` on a thread of its own and returns its result.
///
/// Not on Dispatch's global queue: on Linux its pool grows slowly, and blocked reads of
/// several children in parallel tests waited there for seconds for a free thread.
func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
