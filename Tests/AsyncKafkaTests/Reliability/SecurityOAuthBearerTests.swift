import AsyncKafka
import AsyncKafkaTesting
import Foundation
import Synchronization
import Testing

/// The OAUTHBEARER token-refresh hook: librdkafka calls it, and what it returns (or throws) reaches librdkafka.
///
/// The embedded broker has no SASL, so no connection ever authenticates; the tests watch
/// librdkafka's side: when it asks again (a token it accepted is refreshed at ~80 % of its
/// lifetime) and what it reports (a failed refresh is logged as an authentication error).
@Suite("Security: OAUTHBEARER token refresh")
struct SecurityOAuthBearerTests {
    /// Milliseconds since 1970, now.
    private static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }

    private func configuration(
        _ cluster: EmbeddedKafkaCluster,
        provider: @escaping KafkaOAuthBearerTokenProvider
    ) -> KafkaProducerConfiguration {
        var configuration = cluster.producerConfiguration()
        configuration.configureSecurity(sasl: .oauthBearer)
        configuration.properties["sasl.oauthbearer.config"] = "scope=test"
        configuration.oauthBearerTokenProvider = provider
        configuration.messageTimeout = .seconds(1)
        return configuration
    }

    @Test("the hook gets sasl.oauthbearer.config; librdkafka accepts its token and asks again before it expires")
    func tokenAccepted() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let (calls, callsContinuation) = AsyncStream<(String, ContinuousClock.Instant)>.makeStream()
        let provider: KafkaOAuthBearerTokenProvider = { config in
            callsContinuation.yield((config, .now))
            let expiry = KafkaTimestamp(millisecondsSince1970: Self.nowMilliseconds() + 2_000)
            return KafkaOAuthBearerToken(value: "token-value", expiresAt: expiry, principal: "alice", extensions: ["traceid": "abc"])
        }
        let producer = try KafkaProducer(configuration: self.configuration(cluster, provider: provider))
        var received: [(String, ContinuousClock.Instant)] = []
        // The second call is the proof that the first token was accepted: librdkafka schedules the
        // refresh from the token's lifetime (after a refused token it would wait 10 s). A deadline bounds the wait.
        let deadline = Task {
            try await Task.sleep(for: .seconds(8))
            callsContinuation.finish()
        }
        for await call in calls {
            received.append(call)
            if received.count == 2 { break }
        }
        deadline.cancel()
        await producer.close(timeout: .milliseconds(100))
        #expect(received.count == 2)
        #expect(received.map(\.0) == ["scope=test", "scope=test"])
        let gap = received.count == 2 ? received[1].1 - received[0].1 : .zero
        #expect(gap > .milliseconds(500) && gap < .seconds(6))
        ReliabilityRecord.security(
            "OAUTHBEARER hook: token accepted and refreshed",
            figures: ["calls": "\(received.count)", "lifetime": "2 s", "refresh after": "\(gap)"],
            asserted: "hook called with sasl.oauthbearer.config; refreshed at ~80% of the token's lifetime"
        )
    }

    @Test("a throwing hook and a refused token reach librdkafka as a failed refresh; sends fail typed, not hang")
    func refreshFailure() async throws {
        let cluster = try EmbeddedKafkaCluster()
        struct IdentityProviderDown: Error, CustomStringConvertible {
            var description: String { "identity provider down" }
        }
        for (provider, expected) in [
            ({ _ in throw IdentityProviderDown() } as KafkaOAuthBearerTokenProvider, "the token provider failed: identity provider down"),
            (
                { _ in
                    KafkaOAuthBearerToken(
                        value: "t", expiresAt: KafkaTimestamp(millisecondsSince1970: Self.nowMilliseconds() + 60_000), principal: "p",
                        extensions: ["auth": "reserved"])
                }, "the token provider's token was refused"
            ),
        ] {
            let logs = CapturingLogHandler()
            let producer = try KafkaProducer(configuration: self.configuration(cluster, provider: provider), logger: logs.logger)
            await expectKafkaError(.timedOut) {
                try await producer.send(KafkaProducerMessage(topic: Unique.name("oauth"), partition: 0, value: "v"))
            }
            await producer.close(timeout: .milliseconds(100))
            let reported = logs.captured.filter { $0.message.contains(expected) }
            #expect(!reported.isEmpty, "\(expected): \(logs.captured.filter { $0.level >= .warning }.map(\.message))")
            #expect(reported.allSatisfy { $0.level >= .warning })
        }
        ReliabilityRecord.security(
            "OAUTHBEARER hook: failure and refused token",
            figures: ["cases": "2", "error": ".timedOut on send"],
            asserted: "set_token_failure reported by librdkafka as a warning with the reason; send throws"
        )
    }

    @Test("closing while the hook is still awaiting returns, and the late token is dropped safely")
    func closeWhileRefreshing() async throws {
        let cluster = try EmbeddedKafkaCluster()
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let finished = Atomic<Int>(0)
        let provider: KafkaOAuthBearerTokenProvider = { _ in
            startedContinuation.yield()
            for await _ in release { break }
            defer { finished.add(1, ordering: .relaxed) }
            return KafkaOAuthBearerToken(
                value: "late", expiresAt: KafkaTimestamp(millisecondsSince1970: Self.nowMilliseconds() + 60_000), principal: "p")
        }
        let producer = try KafkaProducer(configuration: self.configuration(cluster, provider: provider))
        for await _ in started { break }
        let clock = ContinuousClock()
        let start = clock.now
        await producer.close(timeout: .milliseconds(100))
        let closing = clock.now - start
        releaseContinuation.yield()
        releaseContinuation.finish()
        // The hook finishes after the handle is gone; poll for it with a deadline (there is no event to await).
        _ = await eventually(timeout: .seconds(5)) { finished.load(ordering: .relaxed) > 0 }
        #expect(finished.load(ordering: .relaxed) == 1)
        #expect(closing < .seconds(5))
        ReliabilityRecord.security(
            "OAUTHBEARER hook still running at close",
            figures: ["close took": "\(closing)"],
            asserted: "close does not wait for the hook; its late token is dropped without touching the freed handle"
        )
    }
}
