/// One row of `RELIABILITY.md`, printed by a reliability test as it passes.
///
/// `scripts/reliability.sh` runs the test suite and rebuilds `RELIABILITY.md`
/// from these lines, so the figures in that file always come from a run.
/// A line reads `RELIABILITY|<section>|<scenario>|<figures>|<asserted>`.
struct ReliabilityRecord: Sendable {
    /// The table the row belongs to: "No loss", "Faults", "Lifecycle stress", "Bad input" or "Security".
    let section: String
    /// What was done, e.g. "Broker down then up".
    let scenario: String
    /// Measured figures, e.g. `["produced": "10000", "lost": "0"]`, printed in this order.
    let figures: [(key: String, value: String)]
    /// What the test asserted, in a few words, e.g. "0 lost, order kept".
    let asserted: String

    init(section: String, scenario: String, figures: KeyValuePairs<String, String>, asserted: String) {
        self.init(section: section, scenario: scenario, figureList: Array(figures), asserted: asserted)
    }

    /// A row whose figures are put together by the test (e.g. common ones and its own).
    init(section: String, scenario: String, figureList: [(key: String, value: String)], asserted: String) {
        self.section = section
        self.scenario = scenario
        self.figures = figureList
        self.asserted = asserted
    }

    /// Prints the row. Call it after the test's assertions, so only passing checks are recorded.
    func emit() {
        let figures = self.figures.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let fields = [self.section, self.scenario, figures, self.asserted].map { $0.replacingOccurrences(of: "|", with: "/") }
        print((["RELIABILITY"] + fields).joined(separator: "|"))
    }

    /// Prints a row of the "Security" table.
    static func security(_ scenario: String, figures: KeyValuePairs<String, String>, asserted: String) {
        ReliabilityRecord(section: "Security", scenario: scenario, figures: figures, asserted: asserted).emit()
    }

    /// Prints a row of the "Bad input" table.
    static func badInput(_ scenario: String, figures: KeyValuePairs<String, String>, asserted: String) {
        ReliabilityRecord(section: "Bad input", scenario: scenario, figures: figures, asserted: asserted).emit()
    }
}
