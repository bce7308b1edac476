import AsyncKafka
import AsyncKafkaTesting
import Testing

/// Kafka's topic-name rule, said once in ``KafkaTopicName`` and used by every client and the
/// embedded broker.
@Suite("KafkaTopicName")
struct KafkaTopicNameTests {
    @Test("legal names pass; empty, too long, '.', '..' and other characters do not")
    func rule() {
        for name in ["a", "my-topic_1.v2", String(repeating: "x", count: KafkaTopicName.maximumLength), "..."] {
            #expect(KafkaTopicName.isValid(name), "\(name)")
        }
        for name in ["", ".", "..", "has space", "slash/", "ünïcode", String(repeating: "x", count: KafkaTopicName.maximumLength + 1)] {
            #expect(!KafkaTopicName.isValid(name), "\(name)")
            #expect(throws: KafkaError.self) { try KafkaTopicName.validate(name) }
        }
    }

    @Test("the embedded broker refuses what the rule refuses, with the rule's words")
    func embeddedBroker() throws {
        let cluster = try EmbeddedKafkaCluster()
        let error = #expect(throws: EmbeddedKafkaError.self) { try cluster.createTopic("has space", partitions: 1) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("a-z, A-Z, 0-9"))
    }
}
