import Instrumentation

/// Writes trace context values into Kafka message headers, for an `Instrument`'s `inject`.
///
/// A value replaces any header of the same name, so injecting twice does not duplicate
/// `traceparent`. Values are stored as UTF-8.
public struct KafkaHeadersInjector: Injector {
    /// An injector.
    public init() {}

    /// Sets the header `key` to `value`.
    public func inject(_ value: String, forKey key: String, into carrier: inout [KafkaHeader]) {
        carrier.removeAll { $0.name == key }
        carrier.append(KafkaHeader(name: key, value: value))
    }
}

/// Reads trace context values from Kafka message headers, for an `Instrument`'s `extract`.
///
/// Header names are matched exactly (W3C names such as `traceparent` are lowercase);
/// when a name repeats, the last header wins, as Kafka's own clients do.
public struct KafkaHeadersExtractor: Extractor {
    /// An extractor.
    public init() {}

    /// The UTF-8 value of the last header called `key`, if any.
    public func extract(key: String, from carrier: [KafkaHeader]) -> String? {
        carrier.last { $0.name == key }?.valueString
    }
}
