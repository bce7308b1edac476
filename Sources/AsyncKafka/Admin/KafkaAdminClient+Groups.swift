import CRdKafka

extension KafkaAdminClient {
    /// Lists the consumer groups of the cluster (asks every broker).
    ///
    /// - Returns: The groups the brokers reported. When some brokers fail to answer, the
    ///   groups of the others are returned and the failures logged.
    /// - Throws: a ``KafkaError`` when no broker could list its groups or the request fails as a
    ///   whole (``KafkaError/Code/timedOut``, ``KafkaError/Code/clientClosed``).
    public func listConsumerGroups(timeout: Duration = .seconds(30)) async throws(KafkaError) -> [KafkaConsumerGroupListing] {
        let logger = self.engine.logger
        return try await self.engine.request(
            "list consumer groups",
            api: RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
            timeout: timeout,
            send: { rk, options, queue in rd_kafka_ListConsumerGroups(rk, options, queue) },
            parse: { event throws(KafkaError) in
                let result = rd_kafka_event_ListConsumerGroups_result(event)
                var count = 0
                let valid = rd_kafka_ListConsumerGroups_result_valid(result, &count)
                let groups: [KafkaConsumerGroupListing] = (0..<count).compactMap { index in
                    guard let listing = valid?[index] else { return nil }
                    return KafkaConsumerGroupListing(
                        groupID: String(cString: rd_kafka_ConsumerGroupListing_group_id(listing)),
                        isSimple: rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listing) != 0,
                        state: String(cString: rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(listing)))
                    )
                }
                var errorCount = 0
                let errors = rd_kafka_ListConsumerGroups_result_errors(result, &errorCount)
                let failures: [KafkaError] = (0..<errorCount).compactMap { index in
                    guard let error = errors?[index] else { return nil }
                    let detail = String(cString: rd_kafka_error_string(error))
                    return .rdKafka(rd_kafka_error_code(error), context: "list consumer groups: \(detail)")
                }
                if let first = failures.first, groups.isEmpty { throw first }
                for failure in failures {
                    logger.warning("a broker could not list its consumer groups", metadata: ["kafka.error": "\(failure)"])
                }
                return groups
            }
        )
    }
}
