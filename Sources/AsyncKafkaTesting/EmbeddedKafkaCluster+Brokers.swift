import CRdKafka

/// Broker faults: take brokers down, slow them down, place them in racks.
extension EmbeddedKafkaCluster {
    /// The broker id librdkafka's mock cluster reads as "every broker".
    private static let allBrokers: Int32 = -1

    /// Takes broker `id` down: closes its client connections and refuses new
    /// ones, keeping its port for ``setBrokerUp(_:)``.
    ///
    /// Leadership does not move: partitions led by the broker become
    /// unreachable until it is up again or ``setPartitionLeader(topic:partition:broker:)``
    /// moves them. Metadata from the other brokers still lists it.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an unknown
    ///   broker, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setBrokerDown(_ id: Int32) throws(EmbeddedKafkaError) {
        let operation = "setBrokerDown(\(id))"
        try self.validateBrokerID(id, operation: operation)
        try self.perform(operation) { cluster in rd_kafka_mock_broker_set_down(cluster, id) }
    }

    /// Lets broker `id` accept connections again, on the same port.
    ///
    /// Clients reconnect on their own reconnect back-off
    /// (`reconnect.backoff.ms`). Does nothing for a broker that is up.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an unknown
    ///   broker, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setBrokerUp(_ id: Int32) throws(EmbeddedKafkaError) {
        let operation = "setBrokerUp(\(id))"
        try self.validateBrokerID(id, operation: operation)
        try self.perform(operation) { cluster in rd_kafka_mock_broker_set_up(cluster, id) }
    }

    /// Takes every broker down, as ``setBrokerDown(_:)`` does for one: the
    /// whole cluster becomes unreachable.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setAllBrokersDown() throws(EmbeddedKafkaError) {
        try self.perform("setAllBrokersDown()") { cluster in
            rd_kafka_mock_broker_set_down(cluster, Self.allBrokers)
        }
    }

    /// Brings every broker back up, as ``setBrokerUp(_:)`` does for one.
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setAllBrokersUp() throws(EmbeddedKafkaError) {
        try self.perform("setAllBrokersUp()") { cluster in
            rd_kafka_mock_broker_set_up(cluster, Self.allBrokers)
        }
    }

    /// Delays every response from broker `id` by `rtt`, to simulate a slow or
    /// distant broker. `.zero` removes the delay.
    ///
    /// The delay applies to each response as it is sent; requests are still
    /// read at once. Precision is whole milliseconds (the rest is dropped).
    ///
    /// - Parameters:
    ///   - id: The broker, from ``brokerIDs``.
    ///   - rtt: From `.zero` to `Int32.max` milliseconds.
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an unknown
    ///   broker or a delay out of range, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setBrokerRoundTripTime(_ id: Int32, _ rtt: Duration) throws(EmbeddedKafkaError) {
        let operation = "setBrokerRoundTripTime(\(id), \(rtt))"
        try self.validateBrokerID(id, operation: operation)
        let milliseconds = try Self.milliseconds(rtt, operation: operation)
        try self.perform(operation) { cluster in rd_kafka_mock_broker_set_rtt(cluster, id, milliseconds) }
    }

    /// Sets the rack that broker `id` reports in Metadata responses, for
    /// rack-aware clients (`client.rack`).
    ///
    /// - Throws: ``EmbeddedKafkaError/Code/invalidArgument`` for an unknown
    ///   broker or an empty rack, ``EmbeddedKafkaError/Code/clusterStopped`` after ``stop()``.
    public func setBrokerRack(_ id: Int32, _ rack: String) throws(EmbeddedKafkaError) {
        let operation = "setBrokerRack(\(id), \"\(rack)\")"
        try self.validateBrokerID(id, operation: operation)
        guard !rack.isEmpty else {
            throw .invalidArgument("\(operation): the rack name is empty")
        }
        try self.perform(operation) { cluster in rd_kafka_mock_broker_set_rack(cluster, id, rack) }
    }

    /// `duration` in whole milliseconds, if it is within `0...Int32.max` ms.
    private static func milliseconds(_ duration: Duration, operation: String) throws(EmbeddedKafkaError) -> Int32 {
        guard duration >= .zero, duration <= .milliseconds(Int32.max) else {
            throw .invalidArgument("\(operation): the delay must be within 0...\(Int32.max) ms")
        }
        let (seconds, attoseconds) = duration.components
        return Int32(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}
