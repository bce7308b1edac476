import Foundation

/// A condition on a table row: an issue target, or what `--quick` enforces.
struct Check {
    /// Shown in the table, e.g. "≥ 0.95".
    let text: String
    let holds: (Row) -> Bool

    /// Swift/C at least `ratio` (throughput: higher is better).
    static func ratioAtLeast(_ ratio: Double) -> Check {
        Check(text: "≥ " + String(format: "%.2f", ratio)) { $0.ratio >= ratio }
    }

    /// Swift/C at most `ratio` (latency, memory, allocations: lower is better).
    static func ratioAtMost(_ ratio: Double) -> Check {
        Check(text: "≤ " + String(format: "%.2f", ratio)) { $0.ratio <= ratio }
    }

    /// The Swift figure itself below `limit` (in the row's unit).
    static func swiftBelow(_ limit: Double, _ unit: String) -> Check {
        Check(text: "Swift < \(Int(limit)) \(unit)") { $0.swift < limit }
    }

    /// The cost of the Swift figure against the baseline (`c / swift - 1`, for rates) at most `percent`.
    static func costAtMost(percent: Double) -> Check {
        Check(text: "cost ≤ \(Int(percent))%") { ($0.c / $0.swift - 1) * 100 <= percent }
    }
}

/// A table row: one scenario's Swift figure against its baseline (usually the C loop).
struct Row {
    let scenario: String
    let swift: Double
    let c: Double
    /// "msg/s", "µs", "MiB", "allocs/msg", "MB/s".
    let unit: String
    /// The issue's target for this row, if it has one.
    var target: Check? = nil
    /// What `--quick` fails on, if anything.
    var gate: Check? = nil

    var ratio: Double { self.swift / self.c }

    /// Whether this row has a `--quick` gate and misses it.
    var gateFails: Bool { self.gate.map { !$0.holds(self) } ?? false }
    var higherIsBetter: Bool { self.unit.hasSuffix("/s") }

    /// A throughput row from the medians of Swift and C samples.
    init(_ scenario: String, swift: [Sample], c: [Sample], target: Check? = nil, gate: Check? = nil) {
        self.init(scenario, swift: median(swift.map(\.rate)), c: median(c.map(\.rate)), unit: "msg/s", target: target, gate: gate)
    }

    init(_ scenario: String, swift: Double, c: Double, unit: String, target: Check? = nil, gate: Check? = nil) {
        self.scenario = scenario
        self.swift = swift
        self.c = c
        self.unit = unit
        self.target = target
        self.gate = gate
    }
}

/// Prints the Markdown table: one row per scenario, with the ratio, target and --quick gate.
func printTable(_ rows: [Row]) {
    let width = max(8, rows.map(\.scenario.count).max() ?? 8)
    func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }
    func figure(_ value: Double, _ unit: String) -> String {
        switch unit {
        case "msg/s": format(Int(value.rounded()))
        case "allocs/msg", "MB/s": String(format: "%.2f", value)
        default: String(format: "%.1f", value)
        }
    }
    print(
        "| \(pad("scenario", width, left: true)) |      Swift |  C / base. | unit       | Swift/C | better | target            | quick gate  |"
    )
    print(
        "|\(String(repeating: "-", count: width + 2))|-----------:|-----------:|------------|--------:|--------|-------------------|-------------|"
    )
    for row in rows {
        let target = row.target.map { "\($0.text) \($0.holds(row) ? "ok" : "MISS")" } ?? "—"
        let gate = row.gate.map { "\($0.text) \($0.holds(row) ? "ok" : "FAIL")" } ?? "—"
        print(
            "| \(pad(row.scenario, width, left: true)) | \(pad(figure(row.swift, row.unit), 10)) | "
                + "\(pad(figure(row.c, row.unit), 10)) | \(pad(row.unit, 10, left: true)) | "
                + "\(pad(String(format: "%.2f", row.ratio), 7)) | \(row.higherIsBetter ? "higher" : "lower ") | "
                + "\(pad(target, 17, left: true)) | \(pad(gate, 11, left: true)) |"
        )
    }
}
