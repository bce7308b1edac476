import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its standard output and error appended to a log
/// file, so that a chatty child (a broker) never blocks on a full pipe.
///
/// Not Foundation's `Process`: see the unit tests' `ChildProcess` for the crash that avoids.
final class ExternalProcess: Sendable {
    let pid: pid_t
    let logPath: String
    /// Reaps the child once; its value is the exit status, or 128 + the signal that ended it.
    private let reaper: Task<Int32, Never>
    /// Whether the child has been reaped (its pid may then belong to another process); shared
    /// with the reaper thread.
    private let state: State

    private final class State: Sendable {
        let reaped = Mutex(false)
    }

    init(executable: String, arguments: [String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var spawned = pid_t()
        let result = posix_spawn(&spawned, executable, &actions, nil, argv, environ)
        guard result == 0 else { throw POSIXFailure(call: "posix_spawn \(executable)", code: result) }
        let pid = spawned
        let state = State()
        self.pid = pid
        self.logPath = logPath
        self.state = state
        self.reaper = Task {
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: Self.reap(pid, state)) }.start()
            }
        }
    }

    /// Sends `signal`, unless the child has already been reaped.
    func send(signal: Int32) {
        self.state.reaped.withLock { reaped in
            if !reaped { kill(self.pid, signal) }
        }
    }

    /// The exit status, once the child has exited.
    func exitStatus() async -> Int32 { await self.reaper.value }

    /// The exit status, or `nil` when the child is still running after `limit` (it is then killed).
    func exitStatus(within limit: Duration) async -> Int32? {
        // ``within(_:_:_:)`` throws only ``TimedOut``: `nil` means still running.
        let status = try? await within(limit, "exit of pid \(self.pid)") { await self.exitStatus() }
        if status == nil {
            self.send(signal: SIGKILL)
            _ = await self.exitStatus()
        }
        return status
    }

    /// What the child wrote so far.
    var log: String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }

    private static func reap(_ pid: pid_t, _ state: State) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        return state.reaped.withLock { reaped in
            reaped = true
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 {
                if errno != EINTR { return -1 }
            }
            let signal = status & 0x7F
            return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        }
    }

    // Hidden from Swift's Glibc module (no `_GNU_SOURCE`), so looked up by name (glibc 2.34+).
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let address = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(address, to: AddCloseFrom.self)
    }()
}

/// A Tansu broker of a test's own, on a loopback port of its own, which the test can kill and restart.
final class TansuBroker: Sendable {
    let port: Int
    /// The port clients are told to use (`--advertised-listener-url`); differs from `port` behind a TLS proxy.
    let advertisedPort: Int
    let arguments: [String]
    private let process: Mutex<ExternalProcess?>
    let logPath: String

    var bootstrapServers: String { "127.0.0.1:\(self.advertisedPort)" }

    /// Starts Tansu (``Integration/tansuBinary``) on a free port and waits until it accepts connections.
    init(port: Int? = nil, advertisedPort: Int? = nil, extraArguments: [String] = []) async throws {
        let port = try port ?? freeLoopbackPort()
        self.port = port
        self.advertisedPort = advertisedPort ?? port
        self.arguments =
            [
                "broker",
                "--listener-url", "tcp://127.0.0.1:\(port)",
                "--advertised-listener-url", "tcp://127.0.0.1:\(self.advertisedPort)",
            ] + extraArguments
        self.logPath = NSTemporaryDirectory() + "tansu-\(port)-\(UInt32.random(in: 0...UInt32.max)).log"
        self.process = Mutex(nil)
        try await self.start()
    }

    /// Starts the broker (again) on the same port; waits up to 20 s until it accepts connections.
    func start() async throws {
        let process = try ExternalProcess(executable: Integration.tansuBinary!, arguments: self.arguments, logPath: self.logPath)
        self.process.withLock { $0 = process }
        let port = self.port
        try await eventually(within: .seconds(20), "Tansu accepting connections on port \(port)") {
            acceptsConnections(port: port)
        }
    }

    /// Kills the broker with SIGKILL and waits until it is gone.
    func kill() async {
        guard let process = self.process.withLock({ $0.take() }) else { return }
        process.send(signal: SIGKILL)
        _ = await process.exitStatus()
    }

    /// Stops the broker (SIGKILL: memory storage has nothing to flush) and removes its log.
    func stop() async {
        await self.kill()
        unlink(self.logPath)
    }

    var log: String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }
}

/// A broker the tests start and must stop: ``TansuBroker``, ``TLSBroker``.
protocol StoppableBroker: Sendable {
    func stop() async
}

extension TansuBroker: StoppableBroker {}

/// Runs `body` with `broker`, stopping it whether `body` returns or throws (a broker left running
/// would outlive the test process).
func withBroker<Broker: StoppableBroker, T>(_ broker: Broker, _ body: (Broker) async throws -> T) async throws -> T {
    do {
        let result = try await body(broker)
        await broker.stop()
        return result
    } catch {
        await broker.stop()
        throw error
    }
}
