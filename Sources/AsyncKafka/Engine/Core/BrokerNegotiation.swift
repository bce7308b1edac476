import Synchronization

/// Notices when librdkafka could not negotiate protocol versions with a broker, so that a
/// timeout can name the likely cause instead of librdkafka's misleading guess.
///
/// librdkafka starts every connection with an ApiVersion request. When the broker closes
/// the connection or answers something librdkafka cannot read, librdkafka reports
/// "Disconnected while requesting ApiVersion: might be caused by … broker version is < 0.10"
/// and keeps retrying, so calls that need a broker time out. The broker is rarely older
/// than 0.10: more often the listener expects TLS, or the broker does not answer the way an
/// older librdkafka (such as 2.0.2) expects.
final class BrokerNegotiation: Sendable {
    private let failed = Atomic<Bool>(false)

    /// Whether a log line or error event so far reported a failed ApiVersion request.
    var hasFailed: Bool {
        self.failed.load(ordering: .relaxed)
    }

    /// Notes a log line's or error event's text; remembers whether it reports a failed ApiVersion request.
    func observe(_ text: String) {
        if !self.hasFailed && Self.reportsFailure(text) {
            self.failed.store(true, ordering: .relaxed)
        }
    }

    /// Whether `text` is librdkafka reporting a failed ApiVersion request.
    static func reportsFailure(_ text: String) -> Bool {
        // librdkafka 2.0.2 says so in an error event; 2.16 only in an info-level line about
        // the connection ("… in state APIVERSION_QUERY"), which needs a logger at info or lower.
        text.contains("requesting ApiVersion") || text.contains("ApiVersionRequest failed")
            || text.contains("in state APIVERSION_QUERY")
    }

    /// The text a timeout's message ends with once a failed ApiVersion request was seen,
    /// for the running librdkafka (`version` as ``Librdkafka/version`` encodes it).
    static func timeoutHint(version: Int32 = Librdkafka.version, versionString: String = Librdkafka.versionString) -> String {
        var hint =
            "librdkafka could not negotiate protocol versions with the broker (ApiVersion request failed; "
            + "its \"broker version < 0.10\" guess is rarely the cause): check that security.protocol matches "
            + "the listener (a TLS listener answers a plaintext client this way)"
        if version < Self.newerLibrdkafka {
            hint += ", or librdkafka \(versionString) may be too old for this broker: try a newer librdkafka"
        }
        return hint
    }

    /// librdkafka 2.1.0: the hint names an older librdkafka as a possible cause.
    static let newerLibrdkafka: Int32 = 0x0201_00FF
}
