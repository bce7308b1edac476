@testable import AsyncKafka
import Testing

@Suite("KafkaError")
struct KafkaErrorTests {
    @Test("an error keeps every detail, and equality and hashing take each of them into account")
    func details() {
        let position = KafkaTopicPartition(topic: "t", partition: 2, offset: .offset(7))
        let error = KafkaError(
            code: .decodingFailed, message: "bad JSON", librdkafkaCode: nil, configurationKey: "k",
            retriable: true, requiresAbort: true, position: position
        )
        #expect(error.code == .decodingFailed)
        #expect(error.message == "bad JSON")
        #expect(error.configurationKey == "k")
        #expect(error.isRetriable)
        #expect(error.requiresAbort)
        #expect(error.position == position)
        #expect(error.description == "KafkaError.decodingFailed: bad JSON (key: k) (message: \(position))")

        let same = KafkaError(
            code: .decodingFailed, message: "bad JSON", configurationKey: "k", retriable: true, requiresAbort: true, position: position
        )
        #expect(error == same)
        #expect(Set([error, same]).count == 1)
        let variants = [
            KafkaError(code: .decodingFailed, message: "other", configurationKey: "k", retriable: true, requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", retriable: true, requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", retriable: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", retriable: true, requiresAbort: true),
            KafkaError(code: .invalidArgument, message: "bad JSON", configurationKey: "k", retriable: true, requiresAbort: true, position: position),
        ]
        for variant in variants { #expect(variant != error, "\(variant)") }
    }

    @Test("a Result of a delivery report or an error is no larger than the report plus its tag")
    func resultLayout() {
        // send(contentsOf:) returns one such Result per message: an error stored inline
        // (104-byte Results instead of 48) doubled the memory written per message.
        let report = MemoryLayout<KafkaDeliveryReport>.size
        let result = MemoryLayout<Result<KafkaDeliveryReport, KafkaError>>.size
        #expect(MemoryLayout<KafkaError>.size <= report)
        #expect(result <= report + 1, "Result \(result) bytes, report \(report) bytes")
    }
}
