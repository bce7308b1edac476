import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Works around a lost wake-up in librdkafka 2.0.2's mock cluster.
///
/// Every control call (`rd_kafka_mock_partition_set_leader`, …, and the
/// termination in `rd_kafka_mock_cluster_destroy`) enqueues an op for the mock
/// cluster's thread and waits for its reply. That thread wakes up through a
/// pipe that it drains *after* serving its op queue, so an op enqueued right
/// after the previous reply can have its wake-up byte swallowed; the op then
/// waits for the thread's 1-second poll timeout. Measured here: about one call
/// in ten stalled for 1 s when calls came back to back.
///
/// The waker runs the call and, if it has not returned after ``nudgeDelay``,
/// opens and closes a TCP connection to each broker listener: the new
/// connection wakes the thread's poll, which then serves the waiting op.
/// Brokers that are down do not listen, so with every broker down a call can
/// still take up to a second.
struct MockClusterWaker: Sendable {
    /// How long a call may run before the mock thread is nudged; calls normally take microseconds.
    static let nudgeDelay = DispatchTimeInterval.milliseconds(5)

    /// The broker listeners, IPv4 only (librdkafka 2.0.2 listens on 127.0.0.1).
    private let listeners: [(address: in_addr, port: UInt16)]

    /// Parses the listeners out of a `host:port,host:port` bootstrap list.
    init(bootstrapServers: String) {
        self.listeners = bootstrapServers.split(separator: ",").compactMap { entry in
            guard let colon = entry.lastIndex(of: ":"), let port = UInt16(entry[entry.index(after: colon)...]) else {
                return nil
            }
            var address = in_addr()
            guard inet_pton(AF_INET, String(entry[..<colon]), &address) == 1 else { return nil }
            return (address, port)
        }
    }

    /// Runs `call`, nudging the mock cluster's thread every ``nudgeDelay`` until it returns.
    func run<Result, Failure: Error>(_ call: () throws(Failure) -> Result) throws(Failure) -> Result {
        let pending = PendingCall()
        defer { pending.finish() }
        self.scheduleNudge(pending)
        return try call()
    }

    private func scheduleNudge(_ pending: PendingCall) {
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.nudgeDelay) {
            guard pending.isPending else { return }
            self.nudge()
            self.scheduleNudge(pending)
        }
    }

    /// Connects to and disconnects from every listener; each refused or failed connection is ignored.
    private func nudge() {
        for listener in self.listeners {
            #if canImport(Darwin)
            let socketType = SOCK_STREAM
            #else
            let socketType = Int32(SOCK_STREAM.rawValue)
            #endif
            let fd = socket(AF_INET, socketType, 0)
            guard fd >= 0 else { continue }
            var address = sockaddr_in()
            #if canImport(Darwin)
            address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = listener.port.bigEndian
            address.sin_addr = listener.address
            _ = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    connect(fd, generic, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
        }
    }
}

/// Whether a call guarded by ``MockClusterWaker`` is still running.
private final class PendingCall: Sendable {
    private let done = Atomic<Bool>(false)

    var isPending: Bool { !self.done.load(ordering: .acquiring) }

    func finish() { self.done.store(true, ordering: .releasing) }
}
