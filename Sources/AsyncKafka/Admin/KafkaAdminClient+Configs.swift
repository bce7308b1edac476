import CRdKafka

extension KafkaAdminClient {
    /// The configuration of a topic or a broker, sorted by key.
    ///
    /// - Throws: ``KafkaError/Code/invalidArgument`` for an empty topic name or a negative broker id;
    ///   ``KafkaError/Code/unknownTopicOrPartition`` for a topic that does not exist; a
    ///   ``KafkaError`` when the request fails as a whole.
    public func describeConfigs(
        _ resource: KafkaConfigResource, timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [KafkaConfigEntry] {
        let (type, name): (rd_kafka_ResourceType_t, String) =
            switch resource {
            case .topic(let topic): (RD_KAFKA_RESOURCE_TOPIC, topic)
            case .broker(let id): (RD_KAFKA_RESOURCE_BROKER, String(id))
            }
        if case .topic("") = resource {
            throw KafkaError(code: .invalidArgument, message: "describeConfigs: the topic name is empty")
        }
        if case .broker(let id) = resource, id < 0 {
            throw KafkaError(code: .invalidArgument, message: "describeConfigs: invalid broker id \(id)")
        }
        return try await self.engine.request(
            "describe configs",
            api: RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
            timeout: timeout,
            send: { rk, options, queue in
                var resources: [OpaquePointer?] = [rd_kafka_ConfigResource_new(type, name)]
                defer { for resource in resources { rd_kafka_ConfigResource_destroy(resource) } }
                resources.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_DescribeConfigs(rk, buffer.baseAddress, buffer.count, options, queue)
                }
            },
            parse: { event throws(KafkaError) in
                var count = 0
                let resources = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count)
                guard count > 0, let described = resources?[0] else {
                    throw KafkaError(code: .librdkafka, message: "describe configs: the broker described nothing")
                }
                let err = rd_kafka_ConfigResource_error(described)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    let reason = rd_kafka_ConfigResource_error_string(described).map { String(cString: $0) } ?? ""
                    throw KafkaError.rdKafka(err, context: "describe configs of \(resource): \(reason)")
                }
                var entryCount = 0
                let entries = rd_kafka_ConfigResource_configs(described, &entryCount)
                return (0..<entryCount).compactMap { index -> KafkaConfigEntry? in
                    guard let entry = entries?[index] else { return nil }
                    return KafkaConfigEntry(
                        name: String(cString: rd_kafka_ConfigEntry_name(entry)),
                        value: rd_kafka_ConfigEntry_value(entry).map { String(cString: $0) },
                        isDefault: rd_kafka_ConfigEntry_is_default(entry) != 0,
                        isReadOnly: rd_kafka_ConfigEntry_is_read_only(entry) != 0,
                        isSensitive: rd_kafka_ConfigEntry_is_sensitive(entry) != 0,
                        source: String(cString: rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(entry)))
                    )
                }.sorted { $0.name < $1.name }
            }
        )
    }
}
