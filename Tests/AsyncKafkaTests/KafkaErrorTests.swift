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
            KafkaError(
                code: .decodingFailed, message: "other", configurationKey: "k", retriable: true, requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", retriable: true, requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", requiresAbort: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", retriable: true, position: position),
            KafkaError(code: .decodingFailed, message: "bad JSON", configurationKey: "k", retriable: true, requiresAbort: true),
            KafkaError(
                code: .invalidArgument, message: "bad JSON", configurationKey: "k", retriable: true, requiresAbort: true, position: position
            ),
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

@Suite("Named librdkafka codes")
struct LibrdkafkaCodeNameTests {
    @Test("each named code carries librdkafka's name for it")
    func names() {
        let named: [(KafkaError.LibrdkafkaCode, String)] = [
            (.transport, "_TRANSPORT"), (.resolve, "_RESOLVE"), (.allBrokersDown, "_ALL_BROKERS_DOWN"),
            (.timedOut, "_TIMED_OUT"), (.messageTimedOut, "_MSG_TIMED_OUT"), (.queueFull, "_QUEUE_FULL"),
            (.ssl, "_SSL"), (.authentication, "_AUTHENTICATION"), (.saslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED"),
            (.fatal, "_FATAL"), (.fenced, "_FENCED"), (.producerFenced, "PRODUCER_FENCED"),
            (.unknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PART"), (.messageSizeTooLarge, "MSG_SIZE_TOO_LARGE"),
            (.topicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED"), (.groupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED"),
            (.maxPollExceeded, "_MAX_POLL_EXCEEDED"), (.autoOffsetReset, "_AUTO_OFFSET_RESET"),
            (.rebalanceInProgress, "REBALANCE_IN_PROGRESS"),
        ]
        for (code, name) in named { #expect(code.name == name) }
    }
}
