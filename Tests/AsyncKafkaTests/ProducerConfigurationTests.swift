import AsyncKafka
import AsyncKafkaTesting
import Testing

@Suite("Producer configuration")
struct ProducerConfigurationTests {
    @Test("typed options map to librdkafka's properties")
    func typedOptions() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "localhost:9092")
        #expect(configuration.acks == .all)
        #expect(configuration.compression == .none)
        #expect(configuration.partitioner == .consistentRandom)
        configuration.enableIdempotence = true
        configuration.compression = .zstd
        configuration.partitioner = .murmur2Random
        configuration.batchSize = 65_536
        configuration.batchNumMessages = 500
        configuration.transactionalID = "tx-1"
        configuration.transactionTimeout = .seconds(10)
        #expect(configuration.properties["enable.idempotence"] == "true")
        #expect(configuration.properties["compression.type"] == "zstd")
        #expect(configuration.properties["partitioner"] == "murmur2_random")
        #expect(configuration.properties["batch.size"] == "65536")
        #expect(configuration.properties["batch.num.messages"] == "500")
        #expect(configuration.properties["transactional.id"] == "tx-1")
        #expect(configuration.properties["transaction.timeout.ms"] == "10000")
        #expect(configuration.compression == .zstd && configuration.partitioner == .murmur2Random)
    }

    @Test("an idempotent producer refuses acks other than all")
    func idempotenceNeedsAcksAll() throws {
        let cluster = try EmbeddedKafkaCluster()
        var configuration = cluster.producerConfiguration()
        configuration.enableIdempotence = true
        configuration.acks = .leader
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("the system librdkafka reports its built-in codecs")
    func builtInCodecs() {
        #expect(KafkaCompression.builtIn.contains(.none))
        #expect(KafkaCompression.builtIn.contains(.gzip))
    }

    @Test("messages round-trip with every built-in codec, idempotently", arguments: KafkaCompression.allCases)
    func compressionRoundTrip(codec: KafkaCompression) async throws {
        try #require(KafkaCompression.builtIn.contains(codec), "\(codec) is not built into this librdkafka")
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("codec-\(codec)")
        var configuration = cluster.producerConfiguration()
        configuration.compression = codec
        configuration.enableIdempotence = true
        configuration.linger = .milliseconds(5)
        let producer = try KafkaProducer(configuration: configuration)
        let values = (0..<200).map { "\(codec) message \($0) " + String(repeating: "x", count: 100) }
        let results = await producer.send(contentsOf: values.map { KafkaProducerMessage(topic: topic, partition: 0, value: $0) })
        await producer.close()
        #expect(results.allSatisfy { (try? $0.get()) != nil })

        let consumer = try await KafkaConsumer.assigned(
            to: [KafkaTopicPartition(topic: topic, partition: 0, offset: .beginning)], configuration: cluster.consumerConfiguration())
        let received = try await collect(values.count, from: consumer)
        #expect(received.map(\.valueString) == values)
    }

    @Test("the murmur2 partitioner places keys like the Java producer")
    func murmur2Placement() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("murmur2", partitions: 7)
        var configuration = cluster.producerConfiguration()
        configuration.partitioner = .murmur2Random
        let producer = try KafkaProducer(configuration: configuration)
        let keys = (0..<40).map { "customer-\($0)" }
        let results = await producer.send(contentsOf: keys.map { KafkaProducerMessage(topic: topic, key: $0, value: "v") })
        await producer.close()
        let partitions = results.map { (try? $0.get())?.partition }
        #expect(partitions == keys.map { JavaMurmur2.partition(of: Array($0.utf8), partitions: 7) })
    }

    @Test("an oversize message is refused at enqueue; messages around it are delivered")
    func oversize() async throws {
        let (cluster, topic) = try await EmbeddedKafkaCluster.withTopic("oversize")
        var configuration = cluster.producerConfiguration()
        configuration.messageMaxBytes = 2_000
        configuration.linger = .milliseconds(50)  // keep the first message queued while the big one is refused
        let producer = try KafkaProducer(configuration: configuration)
        try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: "before"))
        await expectKafkaError(.messageTooLarge) {
            try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: 0, value: [UInt8](repeating: 1, count: 5_000)))
        }
        let after = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, value: "after"))
        #expect(after.offset == 1)
        await producer.close()
    }
}

/// The Java client's `Utils.murmur2` and default partitioning, to check librdkafka's `murmur2` partitioners.
enum JavaMurmur2 {
    static func hash(_ data: [UInt8]) -> Int32 {
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_b28c ^ UInt32(data.count)
        let whole = data.count / 4
        for index in 0..<whole {
            let base = index * 4
            var k = UInt32(data[base]) | UInt32(data[base + 1]) << 8 | UInt32(data[base + 2]) << 16 | UInt32(data[base + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = whole * 4
        switch data.count % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            fallthrough
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            fallthrough
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    static func partition(of key: [UInt8], partitions: Int) -> Int {
        Int(UInt32(bitPattern: Self.hash(key)) & 0x7fff_ffff) % partitions
    }
}
