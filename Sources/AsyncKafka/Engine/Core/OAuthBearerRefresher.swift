import CRdKafka
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a client's ``KafkaOAuthBearerTokenProvider`` when librdkafka asks for a token.
///
/// librdkafka's refresh callback runs on librdkafka's background thread (the SASL queue is
/// forwarded there with `rd_kafka_sasl_background_callbacks_enable`), so tokens are refreshed
/// even while nobody serves the client's queues. The callback only starts a Swift task and
/// returns: the provider's `await`s never block a librdkafka thread, so it cannot deadlock
/// with librdkafka waiting for that thread. The task hands the result over with
/// `rd_kafka_oauthbearer_set_token(_failure)`, under a lock that ``detach()`` takes before
/// the handle is destroyed, so a late answer never touches a destroyed handle.
final class OAuthBearerRefresher: Sendable {
    private let provider: KafkaOAuthBearerTokenProvider
    /// The `rd_kafka_t`'s address, until the handle is destroyed (0 after).
    private let handle = Mutex<UInt>(0)
    /// Refreshers by `rd_kafka_t` address: the C callback's way back to Swift.
    private static let registry = Mutex<[UInt: OAuthBearerRefresher]>([:])

    init(provider: @escaping KafkaOAuthBearerTokenProvider) {
        self.provider = provider
    }

    /// Routes librdkafka's refresh requests to a SASL queue of their own; call before `rd_kafka_new`.
    static func prepare(_ conf: OpaquePointer) {
        rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, Self.refreshCallback)
        rd_kafka_conf_enable_sasl_queue(conf, 1)
    }

    /// Starts serving refresh requests for `rk` on librdkafka's background thread.
    func attach(_ rk: OpaquePointer) throws(KafkaError) {
        let address = UInt(bitPattern: Int(bitPattern: UnsafeMutableRawPointer(rk)))
        self.handle.withLock { $0 = address }
        Self.registry.withLock { $0[address] = self }
        if let error = rd_kafka_sasl_background_callbacks_enable(rk) {
            self.detach()
            throw KafkaError.consuming(error, context: "enabling OAUTHBEARER token refresh")
        }
    }

    /// Forgets the handle: later answers from the provider are dropped. Call before destroying it.
    func detach() {
        let address = self.handle.withLock { address in
            defer { address = 0 }
            return address
        }
        if address != 0 { _ = Self.registry.withLock { $0.removeValue(forKey: address) } }
    }

    /// librdkafka wants a token: fetch one in a task of its own. Called on librdkafka's background thread.
    private func refresh(config: String) {
        Task { [self] in
            let result: Result<KafkaOAuthBearerToken, any Error>
            do {
                result = .success(try await self.provider(config))
            } catch {
                result = .failure(error)
            }
            self.handle.withLock { address in
                guard let rk = OpaquePointer(bitPattern: address) else { return }
                Self.handOver(result, to: rk)
            }
        }
    }

    /// Gives librdkafka the token, or tells it the refresh failed. The handle lock is held.
    private static func handOver(_ result: Result<KafkaOAuthBearerToken, any Error>, to rk: OpaquePointer) {
        switch result {
        case .success(let token):
            var errorText = [CChar](repeating: 0, count: 512)
            let flat = token.extensions.keys.sorted().flatMap { [$0, token.extensions[$0]!] }
            let cStrings = flat.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            var pointers = cStrings.map { UnsafePointer($0) }
            let err = pointers.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_oauthbearer_set_token(
                    rk, token.value, token.expiresAt.millisecondsSince1970, token.principal,
                    buffer.baseAddress, buffer.count, &errorText, errorText.count
                )
            }
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                // The text names what is wrong (principal, lifetime, extension), never the token.
                _ = rd_kafka_oauthbearer_set_token_failure(rk, "the token provider's token was refused: \(String(cBuffer: errorText))")
            }
        case .failure(let error):
            _ = rd_kafka_oauthbearer_set_token_failure(rk, "the token provider failed: \(error)")
        }
    }

    private static let refreshCallback: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
        rk, config, _ in
        guard let rk else { return }
        let refresher = OAuthBearerRefresher.registry.withLock { $0[UInt(bitPattern: Int(bitPattern: UnsafeMutableRawPointer(rk)))] }
        refresher?.refresh(config: config.map { String(cString: $0) } ?? "")
    }
}
