/// Turns values into message bytes: the encoding half of a pluggable message format.
///
/// ``KafkaJSONCoder`` (JSON, the default) conforms; conform your own type to use another
/// format (Protocol Buffers, MessagePack, …) with
/// ``KafkaProducerMessage/init(topic:partition:key:encoding:headers:timestamp:encoder:)``
/// and ``KafkaProducer/send(encodable:topic:partition:key:headers:encoder:)``.
public protocol KafkaEncoder: Sendable {
    /// The bytes of `value`.
    ///
    /// Throw any error when the value cannot be encoded; AsyncKafka reports it as a
    /// ``KafkaError`` with code ``KafkaError/Code/encodingFailed``.
    func encode<Value: Encodable>(_ value: Value) throws -> [UInt8]
}

/// Turns message bytes into values: the decoding half of a pluggable message format.
///
/// ``KafkaJSONCoder`` (JSON, the default) conforms; see ``KafkaMessage/decode(_:decoder:)``.
public protocol KafkaDecoder: Sendable {
    /// Decodes a `Value` from `bytes`, a view of the consumed message's value (no copy is made).
    ///
    /// Throw any error when the bytes are not a valid `Value`; AsyncKafka reports it as a
    /// ``KafkaError`` with code ``KafkaError/Code/decodingFailed`` that names the message.
    func decode<Value: Decodable>(_ type: Value.Type, from bytes: KafkaBytes) throws -> Value
}
