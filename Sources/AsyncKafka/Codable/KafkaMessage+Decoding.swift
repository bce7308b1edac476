extension KafkaMessage {
    /// Decodes the message's value as a `Value`, with JSON unless you pass another ``KafkaDecoder``.
    ///
    /// ```swift
    /// for try await message in consumer.messages {
    ///     let order = try message.decode(Order.self)
    /// }
    /// ```
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/decodingFailed`` when the value is
    ///   not a valid `Value` or the message is a tombstone (use ``decodeIfPresent(_:decoder:)``
    ///   to accept tombstones); its ``KafkaError/position`` names the message's topic,
    ///   partition and offset, and its ``KafkaError/message`` includes the decoder's error.
    public func decode<Value: Decodable>(
        _ type: Value.Type = Value.self,
        decoder: some KafkaDecoder = KafkaJSONCoder()
    ) throws(KafkaError) -> Value {
        guard let value = self.value else {
            throw KafkaError(
                code: .decodingFailed,
                message: "cannot decode \(Value.self): the message is a tombstone (it has no value)",
                position: self.position
            )
        }
        do {
            return try decoder.decode(type, from: value)
        } catch {
            throw KafkaError(
                code: .decodingFailed,
                message: "cannot decode \(Value.self) from the value of \(self.topic)[\(self.partition)]@\(self.offset): \(error)",
                position: self.position
            )
        }
    }

    /// Decodes the message's value as a `Value`, or returns `nil` for a tombstone.
    ///
    /// - Throws: as ``decode(_:decoder:)``, except for tombstones.
    public func decodeIfPresent<Value: Decodable>(
        _ type: Value.Type = Value.self,
        decoder: some KafkaDecoder = KafkaJSONCoder()
    ) throws(KafkaError) -> Value? {
        guard !self.isTombstone else { return nil }
        return try self.decode(type, decoder: decoder)
    }

    /// The message's topic, partition and offset.
    var position: KafkaTopicPartition {
        KafkaTopicPartition(topic: self.topic, partition: self.partition, offset: .offset(self.offset))
    }
}
