import Foundation

extension KafkaStatistics {
    /// Decodes librdkafka's statistics JSON (the `stats_cb` payload).
    ///
    /// - Throws: The decoder's error when the JSON lacks a field this type needs.
    public init(json: some Collection<UInt8>) throws {
        self = try JSONDecoder().decode(KafkaStatistics.self, from: Data(json))
    }
}
