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
    /// Measured figures, e.g. `["produced": "10000", "lost": "0"]`, printed in key order.
    let figures: KeyValuePairs<String, String>
    /// What the test asserted, in a few words, e.g. "0 lost, order kept".
    let asserted: String

    /// Prints the row. Call it after the test's assertions, so only passing checks are recorded.
    func emit() {
        let figures = self.figures.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let fields = [self.section, self.scenario, figures, self.asserted].map { $0.replacingOccurrences(of: "|", with: "/") }
        print((["RELIABILITY"] + fields).joined(separator: "|"))
    }
}
