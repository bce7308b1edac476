import CRdKafka

/// Owns one `rd_kafka_t`: the raw layer every client is built on.
///
/// The handle is created from a validated `rd_kafka_conf_t` and destroyed
/// exactly once, by ``destroy()``, on the client's own thread (destroying can
/// block while librdkafka joins its threads).
final class KafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t *`. Valid until ``destroy()``.
    let pointer: OpaquePointer
    private var destroyed = false
    /// Fetches OAUTHBEARER tokens, when the client has a token provider.
    private let oauthBearer: OAuthBearerRefresher?

    /// Creates a handle of `type`, taking ownership of `conf` (also when creation fails).
    ///
    /// `oauthBearer` is the configuration's token provider, if any.
    init(type: rd_kafka_type_t, conf: OpaquePointer, oauthBearer: KafkaOAuthBearerTokenProvider? = nil) throws(KafkaError) {
        self.oauthBearer = oauthBearer.map(OAuthBearerRefresher.init(provider:))
        do {
            try KafkaSecurityValidation.validateOAuthBearer(conf, hasProvider: oauthBearer != nil)
        } catch {
            rd_kafka_conf_destroy(conf)
            throw error
        }
        if self.oauthBearer != nil { OAuthBearerRefresher.prepare(conf) }
        var errorText = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            let reason = String(cBuffer: errorText)
            throw KafkaError(
                code: .invalidConfiguration,
                message: "librdkafka refused the configuration: \(reason)",
                configurationKey: Self.blamedKey(in: reason)
            )
        }
        self.pointer = rk
        do {
            try self.oauthBearer?.attach(rk)
        } catch {
            rd_kafka_destroy(rk)
            throw error
        }
    }

    /// The configuration key `rd_kafka_new`'s error text blames: the first one it quotes in
    /// backticks (`` `acks` must be set to `all` ``), or the one it starts with (`ssl.ca.location failed: …`).
    static func blamedKey(in reason: String) -> String? {
        let keyCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789._")
        func isKey(_ text: Substring) -> Bool {
            text.contains(".") && text.allSatisfy { keyCharacters.contains($0) }
        }
        let quoted = reason.split(separator: "`", omittingEmptySubsequences: false)
        if quoted.count >= 3, let key = stride(from: 1, to: quoted.count - 1, by: 2).map({ quoted[$0] }).first(where: isKey) {
            return String(key)
        }
        let first = reason.prefix { !$0.isWhitespace && $0 != ":" }
        return isKey(first) ? String(first) : nil
    }

    /// The fatal error librdkafka has raised on this handle, if any.
    func raisedFatalError() -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(self.pointer, &text, text.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(
            code: .fatal,
            message: "fatal error: \(String(cBuffer: text))",
            librdkafkaCode: .init(err)
        )
    }

    /// Destroys the `rd_kafka_t`. Blocking; call on the client thread only, once.
    ///
    /// `skipConsumerClose` destroys a consumer without its close sequence (final
    /// commit, LeaveGroup): for a close that could not finish in time.
    func destroy(skipConsumerClose: Bool = false) {
        guard !self.destroyed else { return }
        self.destroyed = true
        self.oauthBearer?.detach()
        if skipConsumerClose {
            rd_kafka_destroy_flags(self.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(self.pointer)
        }
    }
}

extension String {
    /// Decodes a NUL-terminated C string that librdkafka wrote into `buffer`.
    init(cBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
