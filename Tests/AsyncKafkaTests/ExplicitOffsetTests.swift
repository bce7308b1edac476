import AsyncKafka
import AsyncKafkaTesting
import Testing

/// An offset the application committed or stored itself is never moved backwards by the
/// library: not when the loop ends (`break`, a thrown error, cancellation, `close()`), not by a
/// revocation, not by the automatic offset store — in every combination of automatic commit,
/// automatic store and rebalance protocol. Each case asserts the group's committed offset.
@Suite("Explicit offsets survive the close")
struct ExplicitOffsetTests {
    /// What the loop does with the fifth message (offset 4) before it ends.
    enum Action: String, CaseIterable, Sendable {
        /// `commit(message)`: the group's offset becomes 5 at once.
        case commitMessage
        /// `store(message)`: 5 is committed by the next commit (automatic, or the close's).
        case storeMessage
    }

    /// How the loop ends right after the action.
    enum Ending: String, CaseIterable, Sendable {
        case breakLoop, throwError, cancelTask, closeConsumer
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var action: Action
        var autoCommit: Bool
        var autoStore: Bool
        var cooperative: Bool
        var ending: Ending

        var testDescription: String {
            "\(self.action.rawValue), auto-commit \(self.autoCommit ? "on" : "off"), auto-store \(self.autoStore ? "on" : "off"), "
                + "\(self.cooperative ? "cooperative" : "eager"), \(self.ending.rawValue)"
        }

        /// The group's committed offset once the consumer has closed: 5 whenever something commits
        /// what the application committed or stored; nothing when it only stored and nothing commits.
        var expectedCommitted: KafkaOffset {
            self.action == .storeMessage && !self.autoCommit ? .unset : .offset(5)
        }

        static let all: [Case] = Action.allCases.flatMap { action in
            [true, false].flatMap { autoCommit in
                [true, false].flatMap { autoStore in
                    [false, true].flatMap { cooperative in
                        Ending.allCases.map {
                            Case(action: action, autoCommit: autoCommit, autoStore: autoStore, cooperative: cooperative, ending: $0)
                        }
                    }
                }
            }
        }
    }

    struct Stop: Error {}

    /// One embedded cluster for the matrix: every case has its own topic and group.
    static let cluster = Result { try EmbeddedKafkaCluster() }

    @Test("the committed offset after the loop ends", arguments: Case.all)
    func committedAfterEnding(_ testCase: Case) async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("explicit", values: numberedValues(10))
        let group = Unique.name("group")
        var configuration = cluster.consumerConfiguration(group: group)
        configuration.enableAutoCommit = testCase.autoCommit
        configuration.enableAutoOffsetStore = testCase.autoStore
        configuration.properties["partition.assignment.strategy"] = testCase.cooperative ? "cooperative-sticky" : "range"

        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.subscribe(to: [topic])
        let loop = Task {
            var offsets: [Int64] = []
            for try await message in consumer.messages {
                offsets.append(message.offset)
                guard offsets.count == 5 else { continue }
                switch testCase.action {
                case .commitMessage: try await consumer.commit(message)
                case .storeMessage: try consumer.store(message)
                }
                switch testCase.ending {
                case .breakLoop: return offsets
                case .throwError: throw Stop()
                case .cancelTask: withUnsafeCurrentTask { $0?.cancel() }  // ends the loop at its next message
                case .closeConsumer: await consumer.close()  // ends the loop at its next message
                }
            }
            return offsets
        }
        switch await loop.result {
        case .success(let offsets): #expect(offsets == [0, 1, 2, 3, 4])
        case .failure(let error): #expect(testCase.ending == .throwError && error is Stop, "\(error)")
        }
        await consumer.close()

        #expect(try await committedOffset(topic: topic, group: group, cluster: cluster) == testCase.expectedCommitted)
    }

    @Test("the README's pattern: commit the message in hand, break; the next member starts after it")
    func readmePattern() async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("readme", values: ["a", "b", "c", "d", "quit", "e", "f"])
        let group = Unique.name("group")
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        try await consumer.subscribe(to: [topic])

        for try await message in consumer.messages {
            if message.valueString == "quit" {
                try await consumer.commit(message)  // the message in hand is not consumed yet: commit it
                break  // leaving the loop closes the consumer
            }
        }
        await consumer.close()  // waits until offsets are committed and the group is left

        let next = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        try await next.subscribe(to: [topic])
        let rest = try await collect(2, from: next)
        await next.close()
        #expect(rest.map(\.valueString) == ["e", "f"])
    }

    /// A revocation the application asks for (`unassign()`), with no group rebalance: librdkafka
    /// commits the stored offsets of the partitions given up. (A revocation by a group rebalance
    /// runs the same store; on the embedded broker the commit librdkafka makes during a
    /// rebalance is refused with REBALANCE_IN_PROGRESS, so it cannot show there what is committed.)
    @Test(
        "a revocation while the loop holds a message it committed or stored does not move the offset back",
        arguments: Action.allCases, [true, false]
    )
    func revocation(action: Action, autoStore: Bool) async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("revoke", values: numberedValues(10))
        let group = Unique.name("group")
        var configuration = cluster.consumerConfiguration(group: group)
        configuration.enableAutoOffsetStore = autoStore

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)], configuration: configuration)
        var iterator = consumer.messages.makeAsyncIterator()
        var held: KafkaMessage?
        for _ in 0..<5 { held = try await iterator.next() }
        let message = try #require(held)
        #expect(message.offset == 4)
        switch action {
        case .commitMessage: try await consumer.commit(message)
        case .storeMessage: try consumer.store(message)
        }
        try await consumer.unassign()  // while the loop still holds the fifth message
        await consumer.close()
        #expect(try await committedOffset(topic: topic, group: group, cluster: cluster) == .offset(5))
    }

    @Test(
        "the automatic store is AsyncKafka's setting: shown in the description, kept out of librdkafka's properties, turned off by the raw key too",
        arguments: [false, true]
    )
    func automaticStoreSetting(rawKey: Bool) async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("autostore", values: numberedValues(5))
        let group = Unique.name("group")
        var configuration = cluster.consumerConfiguration(group: group)
        if rawKey {
            configuration.properties["enable.auto.offset.store"] = "false"  // as `-X` gives it
        } else {
            configuration.enableAutoOffsetStore = false
            #expect(configuration.properties["enable.auto.offset.store"] == nil)
            #expect(configuration.description.contains("enableAutoOffsetStore: false"))
        }
        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)], configuration: configuration)
        var iterator = consumer.messages.makeAsyncIterator()
        for _ in 0..<4 { _ = try await iterator.next() }  // three consumed, the fourth in hand
        try await consumer.commit()
        await consumer.close()
        // Nothing stored, so nothing committed (with the automatic store on it would be 3).
        #expect(try await committedOffset(topic: topic, group: group, cluster: cluster) == .unset)
    }

    /// The group's committed offset of `topic`[0], asked by a consumer that does not join the group.
    func committedOffset(topic: String, group: String, cluster: EmbeddedKafkaCluster) async throws -> KafkaOffset {
        let reader = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        let committed = try await reader.committed([KafkaTopicPartition(topic: topic, partition: 0)], timeout: .seconds(20))
        await reader.close()
        return try #require(committed.first).offset
    }
}

extension ExplicitOffsetTests {
    @Test("after a seek back, what the loop consumes from there is committed, below an earlier explicit commit")
    func seekLowersTheFloor() async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("seek", values: numberedValues(10))
        let group = Unique.name("group")
        let consumer = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        let partition = KafkaTopicPartition(topic: topic, partition: 0, offset: .stored)
        try await consumer.assign([partition])
        var offsets: [Int64] = []
        var sought = false
        for try await message in consumer.messages {
            offsets.append(message.offset)
            if !sought && message.offset == 4 {
                try await consumer.commit(message)  // the group's offset: 5
                try await consumer.seek([KafkaTopicPartition(topic: topic, partition: 0, offset: .offset(0))])
                sought = true
            } else if sought && message.offset == 2 {
                break  // consumed 0 and 1 since the seek: the close commits 2
            }
        }
        await consumer.close()
        #expect(offsets == [0, 1, 2, 3, 4, 0, 1, 2])
        #expect(try await committedOffset(topic: topic, group: group, cluster: cluster) == .offset(2))
    }
}

extension ExplicitOffsetTests {
    @Test("commit and store of an explicit offset list: what is given is what the group gets; bad lists are refused")
    func explicitLists() async throws {
        let cluster = try Self.cluster.get()
        let topic = try await cluster.makeTopic("lists", partitions: 2)
        _ = try await cluster.produce((0..<6).map { "a\($0)" }, to: topic, partition: 0)
        _ = try await cluster.produce((0..<6).map { "b\($0)" }, to: topic, partition: 1)
        let group = Unique.name("group")
        var configuration = cluster.consumerConfiguration(group: group)
        configuration.enableAutoOffsetStore = false
        let consumer = try await KafkaConsumer.assigned(
            to: [0, 1].map { KafkaTopicPartition(topic: topic, partition: $0, offset: .beginning) }, configuration: configuration)
        var iterator = consumer.messages.makeAsyncIterator()
        _ = try await iterator.next()

        try await consumer.commit([KafkaTopicPartition(topic: topic, partition: 0, offset: .offset(4))])
        try consumer.store([KafkaTopicPartition(topic: topic, partition: 1, offset: .offset(2))])
        for bad in [[], [KafkaTopicPartition(topic: topic, partition: 0, offset: .end)]] {
            await expectKafkaError(.invalidArgument) { try await consumer.commit(bad) }
            let storeError = #expect(throws: KafkaError.self) { try consumer.store(bad) }
            #expect(storeError?.code == .invalidArgument)
        }
        await consumer.close()  // commits the stored offset of partition 1

        let reader = try KafkaConsumer(configuration: cluster.consumerConfiguration(group: group))
        let committed = try await reader.committed([0, 1].map { KafkaTopicPartition(topic: topic, partition: $0) }, timeout: .seconds(20))
        await reader.close()
        #expect(committed.map(\.offset) == [.offset(4), .offset(2)])
    }

    @Test("the values a user's own tests need can be made: KafkaError, KafkaDeliveryReport, KafkaTopicResult")
    func userConstructibleValues() {
        let error = KafkaError(code: .timedOut, message: "no broker answered", librdkafkaCode: .allBrokersDown)
        #expect(error.code == .timedOut && error.librdkafkaCode == .allBrokersDown && error.isRetriable)
        let report = KafkaDeliveryReport(topic: "t", partition: 1, offset: 42)
        #expect(report.offset == 42 && report.timestamp == nil)
        let result = KafkaTopicResult(name: "t", error: error)
        #expect(result.error == error)
    }
}
