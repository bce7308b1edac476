import Foundation

/// JSON message values through Foundation's `JSONEncoder` and `JSONDecoder`: the default
/// ``KafkaEncoder`` and ``KafkaDecoder``.
///
/// ```swift
/// let coder = KafkaJSONCoder()
/// coder.encoder.dateEncodingStrategy = .iso8601
/// coder.decoder.dateDecodingStrategy = .iso8601
/// try await producer.send(encodable: order, topic: "orders", encoder: coder)
/// let order = try message.decode(Order.self, decoder: coder)
/// ```
public struct KafkaJSONCoder: KafkaEncoder, KafkaDecoder {
    /// The encoder (a reference type: configure its strategies before the coder is shared).
    public var encoder: JSONEncoder
    /// The decoder (a reference type: configure its strategies before the coder is shared).
    public var decoder: JSONDecoder

    /// A coder with the given (by default, freshly created) encoder and decoder.
    public init(encoder: JSONEncoder = JSONEncoder(), decoder: JSONDecoder = JSONDecoder()) {
        self.encoder = encoder
        self.decoder = decoder
    }

    /// The JSON text of `value`, as UTF-8 bytes.
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        Array(try self.encoder.encode(value))
    }

    /// Decodes a `Value` from JSON text.
    public func decode<Value: Decodable>(_ type: Value.Type, from bytes: KafkaBytes) throws -> Value {
        let data = bytes.withUnsafeBytes { Data($0) }
        return try self.decoder.decode(type, from: data)
    }
}
