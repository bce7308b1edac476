@testable import AsyncKafka
import Testing

@Suite("Broker negotiation hint")
struct BrokerNegotiationTests {
    @Test("librdkafka's ApiVersion failures are recognised, other lines are not")
    func recognisesFailures() {
        let negotiation = BrokerNegotiation()
        negotiation.observe("127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused")
        #expect(!negotiation.hasFailed)
        negotiation.observe(
            "127.0.0.1:9092/bootstrap: Disconnected while requesting ApiVersion: might be caused by incorrect "
                + "security.protocol configuration (connecting to a SSL listener?) or broker version is < 0.10"
        )
        #expect(negotiation.hasFailed)
        #expect(
            BrokerNegotiation.reportsFailure("b:9092/1: ApiVersionRequest failed: Local: Timed out: probably due to broker version < 0.10"))
    }

    @Test(
        "the hint names an old librdkafka only below 2.1",
        arguments: [
            (Int32(0x0200_02FF), "2.0.2", true), (0x0201_00FF, "2.1.0", false), (0x020C_00FF, "2.12.0", false),
        ])
    func hintByVersion(version: Int32, text: String, namesOldLibrary: Bool) {
        let hint = BrokerNegotiation.timeoutHint(version: version, versionString: text)
        #expect(hint.contains("security.protocol"))
        #expect(hint.contains("librdkafka \(text) may be too old for this broker") == namesOldLibrary)
    }
}
