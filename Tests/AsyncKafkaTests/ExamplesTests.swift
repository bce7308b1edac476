import AsyncKafkaTesting
import Testing

/// The example programs, run as built, against an embedded cluster.
@Suite("Examples")
struct ExamplesTests {
    @Test("ProducerExample and ConsumerExample pass -X properties to librdkafka")
    func librdkafkaProperties() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("examples")
        let produced = try await AKCatProcess.run(
            [
                "--bootstrap-servers", cluster.bootstrapServers, "--topic", topic, "--count", "3",
                "-X", "linger.ms=5", "-X", "client.id=examples-test",
            ],
            program: "ProducerExample"
        )
        #expect(produced.status == 0, "stderr: \(produced.error)")
        #expect(produced.outputLines == (0..<3).map { "delivered \(topic)[0]@\($0)" })

        let consumed = try await AKCatProcess.run(
            [
                "--bootstrap-servers", cluster.bootstrapServers, "--topic", topic, "--group", Unique.name("examples"),
                "--count", "3", "-X", "session.timeout.ms=6000",
            ],
            program: "ConsumerExample"
        )
        #expect(consumed.status == 0, "stderr: \(consumed.error)")
        #expect(consumed.outputLines == (0..<3).map { "\(topic)[0]@\($0): message \($0)" } + ["consumer closed"])
    }

    @Test("a property librdkafka refuses ends the example with the typed error naming it; a malformed one is a usage error")
    func refusedProperties() async throws {
        for program in ["ProducerExample", "ConsumerExample"] {
            let unknown = try await AKCatProcess.run(["--bootstrap-servers", "127.0.0.1:1", "-X", "no.such.property=1"], program: program)
            #expect(unknown.status == 1, "\(program) stderr: \(unknown.error)")
            #expect(
                unknown.error.contains("invalidConfiguration") && unknown.error.contains("no.such.property"),
                "\(program) stderr: \(unknown.error)")
            let malformed = try await AKCatProcess.run(["-X", "novalue"], program: program)
            #expect(malformed.status == 64, "\(program) stderr: \(malformed.error)")
            #expect(malformed.error.contains("-X"), "\(program) stderr: \(malformed.error)")
        }
    }
}
