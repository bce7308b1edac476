/// A one-line progress report on stderr, for long consumes on a terminal.
///
/// Enabled only when stdout is a terminal; it redraws at most once a second
/// and erases itself before each output line so that output stays clean.
struct ProgressLine {
    private let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private var shown = false

    /// A progress line that draws only when `enabled`.
    init(enabled: Bool) {
        self.enabled = enabled
        self.start = self.clock.now
        self.lastDraw = self.start
    }

    /// Erases the line if it is shown (call before writing output).
    mutating func erase() {
        guard self.shown else { return }
        StandardStreams.writeErrorRaw("\r\u{1B}[K")
        self.shown = false
    }

    /// Redraws the line with `count` messages consumed, if a second has passed since the last draw.
    mutating func update(count: Int) {
        guard self.enabled else { return }
        let now = self.clock.now
        guard now - self.lastDraw >= .seconds(1) else { return }
        self.lastDraw = now
        let elapsed = now - self.start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(count) / seconds) : 0
        StandardStreams.writeErrorRaw("\r\u{1B}[Kconsumed \(count) messages (\(rate) msg/s)")
        self.shown = true
    }
}
