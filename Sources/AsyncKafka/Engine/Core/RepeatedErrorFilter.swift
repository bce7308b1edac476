/// Decides which of a client's recurring errors are logged: the first of each librdkafka code,
/// then at most one per ``interval``, which says how many were left out since.
///
/// Against an unreachable broker librdkafka reports a connection failure on every reconnect
/// attempt; each is still reported to the application (``KafkaConsumer/errors``), but the log
/// gets one line per code and interval. Not thread-safe: one client thread owns it.
struct RepeatedErrorFilter {
    /// How long repeats of one code stay out of the log after a line is logged.
    let interval: Duration

    private var lastLogged: [Int32: (at: ContinuousClock.Instant, leftOut: Int)] = [:]

    init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    /// Whether to log an error of `code` seen `now`: `nil` to leave it out, else how many of
    /// that code were left out since the last one logged.
    mutating func admit(_ code: Int32, now: ContinuousClock.Instant = .now) -> Int? {
        if let last = self.lastLogged[code], now < last.at + self.interval {
            self.lastLogged[code]?.leftOut += 1
            return nil
        }
        let leftOut = self.lastLogged[code]?.leftOut ?? 0
        self.lastLogged[code] = (now, 0)
        return leftOut
    }
}
