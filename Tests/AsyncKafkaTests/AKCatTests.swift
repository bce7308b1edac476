import AsyncKafka
import AsyncKafkaTesting
import Foundation
import Testing

/// End-to-end tests of the built `akcat` executable against an embedded cluster.
@Suite("akcat command-line tool")
struct AKCatTests {
    /// One consumed message as `akcat consume --format json` prints it.
    private static func object(_ line: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any], "not a JSON object: \(line)")
    }

    @Test("produce lines from stdin, consume them back as JSON lines")
    func produceThenConsumeJSON() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat")
        let produced = try await AKCatProcess.run(
            ["produce", "-b", cluster.bootstrapServers, "-t", topic, "--key", "k", "--header", "origin=akcat", "-p", "0"],
            input: "one\ntwo\nthree \"quoted\"\n"
        )
        #expect(produced.status == 0, "stderr: \(produced.error)")

        let consumed = try await AKCatProcess.run(
            ["consume", "-b", cluster.bootstrapServers, "-t", topic, "--from-beginning", "--count", "3", "--format", "json"]
        )
        #expect(consumed.status == 0, "stderr: \(consumed.error)")
        let objects = try consumed.outputLines.map(Self.object)
        #expect(objects.map { $0["value"] as? String } == ["one", "two", "three \"quoted\""])
        #expect(objects.map { $0["offset"] as? Int } == [0, 1, 2])
        for object in objects {
            #expect(object["topic"] as? String == topic)
            #expect(object["partition"] as? Int == 0)
            #expect(object["key"] as? String == "k")
            #expect((object["timestamp"] as? Int ?? 0) > 0)
            let headers = try #require(object["headers"] as? [[String: Any]])
            #expect(headers.count == 1)
            #expect(headers.first?["name"] as? String == "origin")
            #expect(headers.first?["value"] as? String == "akcat")
        }
    }

    @Test("JSON output base64-encodes bytes that are not UTF-8, and shows tombstones as null")
    func binaryAndTombstone() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat-binary")
        let producer = try KafkaProducer(configuration: cluster.producerConfiguration())
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: [0xFF, 0x00], value: [0x80, 0x01, 0x02]))
        try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: "gone", value: nil as String?))
        await producer.close()

        let consumed = try await AKCatProcess.run(
            ["consume", "-b", cluster.bootstrapServers, "-t", topic, "-p", "0", "-o", "beginning", "-c", "2", "-f", "json"]
        )
        #expect(consumed.status == 0, "stderr: \(consumed.error)")
        let objects = try consumed.outputLines.map(Self.object)
        try #require(objects.count == 2)
        #expect(objects[0]["value_encoding"] as? String == "base64")
        #expect((objects[0]["value"] as? String).flatMap { Data(base64Encoded: $0) } == Data([0x80, 0x01, 0x02]))
        #expect(objects[0]["key_encoding"] as? String == "base64")
        #expect(objects[1]["key"] as? String == "gone")
        #expect(objects[1]["value"] is NSNull)
    }

    @Test("metadata lists the topic with its partitions, as text and as JSON")
    func metadataListsTopic() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat-meta", partitions: 3)

        let plain = try await AKCatProcess.run(["metadata", "-b", cluster.bootstrapServers])
        #expect(plain.status == 0, "stderr: \(plain.error)")
        #expect(plain.output.contains("topic \"\(topic)\" with 3 partition(s):"))
        #expect(plain.output.contains("1 broker(s):"))

        let json = try await AKCatProcess.run(["metadata", "-b", cluster.bootstrapServers, "-t", topic, "--format", "json"])
        #expect(json.status == 0, "stderr: \(json.error)")
        let object = try Self.object(json.output)
        let topics = try #require(object["topics"] as? [[String: Any]])
        #expect(topics.map { $0["name"] as? String } == [topic])
        #expect((topics.first?["partitions"] as? [[String: Any]])?.count == 3)
        #expect((object["brokers"] as? [[String: Any]])?.count == 1)
    }

    @Test("a group consumer reads from the beginning and stops after --count")
    func groupConsume() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat-group", partitions: 2)
        _ = try await cluster.produce(["a", "b"], to: topic, partition: 0)
        let consumed = try await AKCatProcess.run(
            [
                "consume", "-b", cluster.bootstrapServers, "-t", topic, "-g", Unique.name("akcat-group"),
                "--from-beginning", "--count", "2", "-X", "session.timeout.ms=6000",
            ]
        )
        #expect(consumed.status == 0, "stderr: \(consumed.error)")
        #expect(consumed.outputLines == ["a", "b"])
    }

    @Test("two group runs with --count read on from each other: the last message printed is committed")
    func groupConsumeCommitsLastPrinted() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat-group-count")
        _ = try await cluster.produce(["m0", "m1", "m2", "m3", "m4", "m5", "m6"], to: topic, partition: 0)
        let group = Unique.name("akcat-group-count")
        var offsets: [[Int?]] = []
        for _ in 0..<2 {
            let consumed = try await AKCatProcess.run(
                [
                    "consume", "-b", cluster.bootstrapServers, "-t", topic, "-g", group, "--from-beginning",
                    "--count", "3", "--format", "json", "-X", "session.timeout.ms=6000",
                ]
            )
            #expect(consumed.status == 0, "stderr: \(consumed.error)")
            offsets.append(try consumed.outputLines.map { try Self.object($0)["offset"] as? Int })
        }
        #expect(offsets == [[0, 1, 2], [3, 4, 5]])
    }

    @Test("with partitions and -X group.id, the last message printed is committed too: -o stored reads on after it")
    func partitionConsumeWithGroupIDCommits() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("akcat-stored")
        _ = try await cluster.produce(["m0", "m1", "m2", "m3", "m4", "m5", "m6"], to: topic, partition: 0)
        let group = "group.id=\(Unique.name("akcat-stored"))"
        var offsets: [[Int?]] = []
        for start in ["beginning", "stored"] {
            let consumed = try await AKCatProcess.run(
                [
                    "consume", "-b", cluster.bootstrapServers, "-t", topic, "-p", "0", "-o", start,
                    "--count", "3", "--format", "json", "-X", group,
                ]
            )
            #expect(consumed.status == 0, "stderr: \(consumed.error)")
            offsets.append(try consumed.outputLines.map { try Self.object($0)["offset"] as? Int })
        }
        #expect(offsets == [[0, 1, 2], [3, 4, 5]])
    }

    @Test("exit status: 0 for --help, 2 for usage errors, 1 for runtime errors")
    func exitStatuses() async throws {
        let help = try await AKCatProcess.run(["consume", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--from-beginning"))

        let missingTopic = try await AKCatProcess.run(["consume", "-b", "127.0.0.1:1"])
        #expect(missingTopic.status == 2)
        let badHeader = try await AKCatProcess.run(["produce", "-b", "127.0.0.1:1", "-t", "t", "--header", "novalue"])
        #expect(badHeader.status == 2)
        #expect(badHeader.error.contains("--header"))

        let cluster = try EmbeddedKafkaCluster()
        let unknown = try await AKCatProcess.run(["metadata", "-b", cluster.bootstrapServers, "-t", "no-such-topic"])
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("no-such-topic"))
    }

    @Test("embedded-broker prints its address first and stops cleanly on SIGTERM")
    func embeddedBroker() async throws {
        let topic = Unique.name("akcat-embedded")
        let broker = try AKCatProcess.start(["embedded-broker", "--topic", "\(topic):2"])
        let address = await AKCatProcess.readFirstLine(broker.output)
        #expect(address.hasPrefix("127.0.0.1:"))

        let metadata = try await AKCatProcess.run(["metadata", "-b", address, "-t", topic])
        #expect(metadata.status == 0, "stderr: \(metadata.error)")
        #expect(metadata.output.contains("topic \"\(topic)\" with 2 partition(s):"))

        broker.send(signal: SIGTERM)
        #expect(await broker.exitStatus() == 0)
    }
}
