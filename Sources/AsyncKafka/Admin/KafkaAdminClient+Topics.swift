import CRdKafka

extension KafkaAdminClient {
    /// Creates topics and returns, for each one, whether it was created.
    ///
    /// - Parameters:
    ///   - topics: The topics to create.
    ///   - validateOnly: Only let the broker check the request, creating nothing.
    ///   - timeout: How long to wait for the controller, and how long it may take to create the topics.
    /// - Returns: One result per topic; a topic the broker refused has an ``KafkaTopicResult/error``.
    /// - Throws: ``KafkaError/Code/invalidArgument`` for an invalid topic (checked before anything
    ///   is sent); a ``KafkaError`` when the request as a whole fails: ``KafkaError/Code/timedOut``
    ///   (also when the cluster names no controller, as the embedded broker does), the broker does
    ///   not support it (`_UNSUPPORTED_FEATURE`), ``KafkaError/Code/clientClosed``.
    public func createTopics(
        _ topics: [KafkaNewTopic],
        validateOnly: Bool = false,
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [KafkaTopicResult] {
        for topic in topics { try Self.validate(topic) }
        guard !topics.isEmpty else { return [] }
        return try await self.engine.request(
            "create topics",
            api: RD_KAFKA_ADMIN_OP_CREATETOPICS,
            timeout: timeout,
            send: { rk, options, queue throws(KafkaError) in
                var newTopics: [OpaquePointer?] = []
                defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
                for topic in topics { newTopics.append(try Self.makeNewTopic(topic)) }
                if validateOnly {
                    var text = [CChar](repeating: 0, count: 256)
                    _ = rd_kafka_AdminOptions_set_validate_only(options, 1, &text, text.count)
                }
                newTopics.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_CreateTopics(rk, buffer.baseAddress, buffer.count, options, queue)
                }
            },
            parse: { event in
                var count = 0
                let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                return Self.topicResults(results, count: count, operation: "create topic")
            }
        )
    }

    /// Deletes topics and returns, for each one, whether it was deleted.
    ///
    /// - Throws: ``KafkaError/Code/invalidArgument`` for an empty name; a ``KafkaError`` when the
    ///   request as a whole fails (see ``createTopics(_:validateOnly:timeout:)``).
    public func deleteTopics(_ names: [String], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [KafkaTopicResult] {
        for name in names where name.isEmpty {
            throw KafkaError(code: .invalidArgument, message: "deleteTopics: a topic name is empty")
        }
        guard !names.isEmpty else { return [] }
        return try await self.engine.request(
            "delete topics",
            api: RD_KAFKA_ADMIN_OP_DELETETOPICS,
            timeout: timeout,
            send: { rk, options, queue in
                var deletions: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
                defer { for deletion in deletions { rd_kafka_DeleteTopic_destroy(deletion) } }
                deletions.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_DeleteTopics(rk, buffer.baseAddress, buffer.count, options, queue)
                }
            },
            parse: { event in
                var count = 0
                let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
                return Self.topicResults(results, count: count, operation: "delete topic")
            }
        )
    }

    /// Checks what can be checked before sending: librdkafka only checks when the request is built.
    static func validate(_ topic: KafkaNewTopic) throws(KafkaError) {
        guard KafkaTopicName.isValid(topic.name) else {
            throw KafkaError(code: .invalidArgument, message: "createTopics: \"\(topic.name)\" is not a legal topic name")
        }
        if let partitions = topic.partitions, partitions < 1 || partitions > Int(Int32.max) {
            throw KafkaError(code: .invalidArgument, message: "createTopics: \(topic.name) needs at least one partition, not \(partitions)")
        }
        if let key = topic.configs.keys.first(where: { $0.isEmpty }) {
            throw KafkaError(
                code: .invalidArgument, message: "createTopics: \(topic.name) has a config with an empty key", configurationKey: key)
        }
        if let factor = topic.replicationFactor, factor < 1 || factor > Int(Int16.max) {
            throw KafkaError(code: .invalidArgument, message: "createTopics: invalid replication factor \(factor) for \(topic.name)")
        }
    }

    private static func makeNewTopic(_ topic: KafkaNewTopic) throws(KafkaError) -> OpaquePointer {
        var text = [CChar](repeating: 0, count: 512)
        guard
            let newTopic = rd_kafka_NewTopic_new(
                topic.name,
                Int32(topic.partitions ?? -1),
                Int32(topic.replicationFactor ?? -1),
                &text,
                text.count
            )
        else {
            throw KafkaError(code: .invalidArgument, message: "createTopics: \(topic.name): \(String(cBuffer: text))")
        }
        for (key, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
            let err = rd_kafka_NewTopic_set_config(newTopic, key, value)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_NewTopic_destroy(newTopic)
                throw KafkaError.rdKafka(err, context: "createTopics: \(topic.name): config \(key)", fallback: .invalidArgument)
            }
        }
        return newTopic
    }

    static func topicResults(_ results: UnsafeMutablePointer<OpaquePointer?>?, count: Int, operation: String) -> [KafkaTopicResult] {
        guard let results else { return [] }
        return (0..<count).compactMap { index in
            guard let result = results[index] else { return nil }
            let name = String(cString: rd_kafka_topic_result_name(result))
            let err = rd_kafka_topic_result_error(result)
            guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return KafkaTopicResult(name: name, error: nil) }
            let reason = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
            return KafkaTopicResult(name: name, error: .rdKafka(err, context: "\(operation) \(name): \(reason)"))
        }
    }
}
