import AsyncKafka
import AsyncKafkaTesting
import Foundation
import Testing

@Suite("Codable message values")
struct CodableTests {
    struct Order: Codable, Equatable {
        var id: String
        var quantity: Int
        var placed: Date
    }

    /// A coder of another format (here: the value's description as text) to show the protocols are pluggable.
    struct UppercaseTextCoder: KafkaEncoder, KafkaDecoder {
        struct Unsupported: Error {}

        func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
            guard let text = value as? String else { throw Unsupported() }
            return Array(text.uppercased().utf8)
        }

        func decode<Value: Decodable>(_ type: Value.Type, from bytes: KafkaBytes) throws -> Value {
            guard let text = String(decoding: bytes, as: UTF8.self).lowercased() as? Value else { throw Unsupported() }
            return text
        }
    }

    @Test("an encodable value round-trips through the embedded broker, with JSON and with a custom coder")
    func roundTrip() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("codable")
        let coder = KafkaJSONCoder()
        coder.encoder.dateEncodingStrategy = .iso8601
        coder.decoder.dateDecodingStrategy = .iso8601
        let order = Order(id: "o-1", quantity: 3, placed: Date(timeIntervalSince1970: 1_700_000_000))

        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        try await producer.send(encodable: order, topic: topic, partition: 0, key: order.id, encoder: coder)
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, encoding: order))
        try await producer.send(encodable: "hello", topic: topic, partition: 0, encoder: UppercaseTextCoder())
        await producer.close()

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let messages = try await collect(3, from: consumer)
        await consumer.close()

        #expect(try messages[0].decode(Order.self, decoder: coder) == order)
        #expect(messages[0].keyString == "o-1")
        #expect(messages[0].valueString?.contains("2023-11-14T22:13:20Z") == true)
        #expect(try messages[1].decode(Order.self) == order)
        #expect(messages[2].valueString == "HELLO")
        #expect(try messages[2].decode(String.self, decoder: UppercaseTextCoder()) == "hello")
    }

    @Test("a payload that does not decode throws decodingFailed naming topic, partition and offset")
    func decodingError() throws {
        let message = KafkaMessage(topic: "orders", partition: 2, offset: 41, value: KafkaBytes(Array("{\"id\":1}".utf8)))
        let error = try #require(throws: KafkaError.self) { try message.decode(Order.self) }
        #expect(error.code == .decodingFailed)
        #expect(error.position == KafkaTopicPartition(topic: "orders", partition: 2, offset: .offset(41)))
        #expect(error.message.contains("orders[2]@41"))
        #expect("\(error)".contains("decodingFailed"))
    }

    @Test("a tombstone throws decodingFailed from decode and is nil from decodeIfPresent")
    func tombstone() throws {
        let message = KafkaMessage(topic: "orders", partition: 0, offset: 7, key: KafkaBytes(Array("o-1".utf8)), value: nil)
        let error = try #require(throws: KafkaError.self) { try message.decode(Order.self) }
        #expect(error.code == .decodingFailed)
        #expect(error.position?.offset == .offset(7))
        #expect(try message.decodeIfPresent(Order.self) == nil)
    }

    @Test("a value the encoder rejects throws encodingFailed and sends nothing")
    func encodingError() throws {
        let error = try #require(throws: KafkaError.self) {
            try KafkaProducerMessage(topic: "t", encoding: 42, encoder: UppercaseTextCoder())
        }
        #expect(error.code == .encodingFailed)
        let infinity = try #require(throws: KafkaError.self) { try KafkaProducerMessage(topic: "t", encoding: Double.infinity) }
        #expect(infinity.code == .encodingFailed)
    }
}
