import Foundation

/// One measured run: how many messages, in how many seconds.
struct Sample: Sendable {
    let count: Int
    let seconds: Double
    /// CPU time of the whole process (every thread: client, librdkafka, embedded broker) during the run, if measured.
    var cpuSeconds: Double? = nil
    var rate: Double { Double(self.count) / self.seconds }
}

/// User + system CPU time of the whole process so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs `body` and records in its sample the process CPU it took: every thread (client,
/// librdkafka, embedded broker), from creating the client to closing it.
func measuringCPU(_ body: () async throws -> Sample) async rethrows -> Sample {
    let before = processCPUSeconds()
    var sample = try await body()
    sample.cpuSeconds = processCPUSeconds() - before
    return sample
}

/// A benchmark that did not produce a valid figure (wrong count, timeout, bad configuration).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints one run's figure as it is measured.
func report(_ scenario: String, _ rep: Int, _ what: String, _ sample: Sample) {
    progress(
        "  \(scenario) #\(rep) \(what): \(format(sample.count)) msgs in "
            + "\(String(format: "%.3f", sample.seconds)) s = \(format(Int(sample.rate))) msg/s"
            + (sample.cpuSeconds.map { String(format: ", process CPU %.2f µs/msg", $0 * 1e6 / Double(sample.count)) } ?? "")
    )
}

/// Prints a line and flushes, so progress shows when the output is a file or pipe.
func progress(_ line: String) {
    print(line)
    fflush(nil)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// 1234567 → "1,234,567".
func format(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(digit)
    }
    return value < 0 ? "-" + out : out
}

/// "k=v;k=v" → dictionary (nil → empty).
func parseProperties(_ text: String?) -> [String: String] {
    var result: [String: String] = [:]
    for item in (text ?? "").split(separator: ";") {
        guard let eq = item.firstIndex(of: "=") else { continue }
        result[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return result
}

/// The benchmark payload: `size` bytes of a-z.
func payload(size: Int) -> [UInt8] {
    (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
}

/// CLOCK_MONOTONIC in nanoseconds: the clock the C loops stamp messages with.
@inline(__always)
func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// Sleeps the calling thread until CLOCK_MONOTONIC reads `deadline` (nanoseconds), as the C
/// latency producer does; only on a thread of its own (``DedicatedThreadExecutor``).
func sleepThread(untilMonotonic deadline: Int64) {
    var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}

/// Spins for `nanoseconds`: the deliberately slow message handler.
@inline(__always)
func busyWait(nanoseconds: Int64) {
    guard nanoseconds > 0 else { return }
    let until = monotonicNanoseconds() + nanoseconds
    while monotonicNanoseconds() < until {}
}

/// A field of /proc/self/status in KiB (VmRSS, VmHWM, …).
func procStatusKiB(_ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }
    return nil
}

/// A unique consumer group id (the consumers are assigned; the group only has to be unused).
func uniqueGroup(_ prefix: String) -> String {
    "\(prefix)-\(String(UInt64.random(in: .min ... .max), radix: 16))"
}

/// Runs `body`, throwing if it takes longer than `limit` (the body is then cancelled).
func withTimeout<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let result = first else { throw BenchmarkFailure("\(what) did not finish within \(limit)") }
        return result
    }
}

extension Duration {
    var inSeconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
