extension KafkaProducerMessage {
    /// Creates a message whose value is `value`, encoded as JSON unless you pass another ``KafkaEncoder``.
    ///
    /// ```swift
    /// let message = try KafkaProducerMessage(topic: "orders", key: order.id, encoding: order)
    /// ```
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/encodingFailed`` when the encoder fails.
    public init<Value: Encodable>(
        topic: String,
        partition: Int? = nil,
        key: String? = nil,
        encoding value: Value,
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil,
        encoder: some KafkaEncoder = KafkaJSONCoder()
    ) throws(KafkaError) {
        let bytes: [UInt8]
        do {
            bytes = try encoder.encode(value)
        } catch {
            throw KafkaError(code: .encodingFailed, message: "cannot encode \(Value.self) for \(topic): \(error)")
        }
        self.init(
            topic: topic,
            partition: partition,
            key: key.map { Array($0.utf8) },
            value: bytes,
            headers: headers,
            timestamp: timestamp
        )
    }
}

extension KafkaProducer {
    /// Encodes `value` (as JSON unless you pass another ``KafkaEncoder``), sends it and waits
    /// for the broker's acknowledgement.
    ///
    /// ```swift
    /// try await producer.send(encodable: order, topic: "orders", key: order.id)
    /// ```
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/encodingFailed`` when the encoder
    ///   fails (nothing is sent), or any error of ``send(_:queueTimeout:)``.
    @discardableResult
    public func send<Value: Encodable>(
        encodable value: Value,
        topic: String,
        partition: Int? = nil,
        key: String? = nil,
        headers: [KafkaHeader] = [],
        encoder: some KafkaEncoder = KafkaJSONCoder()
    ) async throws(KafkaError) -> KafkaDeliveryReport {
        let message = try KafkaProducerMessage(
            topic: topic, partition: partition, key: key, encoding: value, headers: headers, encoder: encoder
        )
        return try await self.send(message)
    }
}
