import Logging

/// A log handler that removes a client's secret values from every line before passing it on.
///
/// librdkafka sometimes quotes a configuration value in its own log lines (for example
/// `Unrecognized sasl.oauthbearer.config beginning at: …`). A client whose configuration holds
/// secrets logs through this handler, so that no secret reaches the application's logs.
struct SecretRedactingLogHandler: LogHandler {
    /// The application's handler.
    var base: any LogHandler
    /// The secret values to remove, longest first (so that one secret containing another goes whole).
    let secrets: [String]

    /// A logger that logs like `logger` without the secret values in `properties`; `logger` itself
    /// when there are none.
    static func logger(_ logger: Logger, redacting properties: [String: String]) -> Logger {
        let secrets = properties.filter { ConfigurationSecrets.isSecret($0.key) }
            .flatMap { Self.fragments(of: $0.value) }
            .sorted { $0.count > $1.count }
        guard !secrets.isEmpty else { return logger }
        let handler = SecretRedactingLogHandler(base: logger.handler, secrets: secrets)
        return Logger(label: logger.label) { _ in handler }
    }

    /// The value, and for a `key=value …` list such as `sasl.oauthbearer.config` each value in it.
    private static func fragments(of value: String) -> [String] {
        let parts = value.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { part -> String? in
            guard let equals = part.firstIndex(of: "=") else { return nil }
            return String(part[part.index(after: equals)...])
        }
        // Short fragments (`scope=read`) are too common to redact everywhere; whole values always are.
        return (value.isEmpty ? [] : [value]) + parts.filter { $0.count >= 6 }
    }

    private func redact(_ text: String) -> String {
        guard self.secrets.contains(where: { text.contains($0) }) else { return text }
        return self.secrets.reduce(text) { $0.replacing($1, with: ConfigurationSecrets.redacted) }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(self.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues { .string(self.redact($0.description)) }
        self.base.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.base[metadataKey: key] }
        set { self.base[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { self.base.metadata }
        set { self.base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { self.base.logLevel }
        set { self.base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { self.base.metadataProvider }
        set { self.base.metadataProvider = newValue }
    }
}
