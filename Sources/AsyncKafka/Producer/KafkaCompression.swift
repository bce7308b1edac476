import CRdKafka

/// How a producer compresses its message batches (`compression.type`).
///
/// Compression applies to whole batches, so it pays off with larger batches:
/// raise ``KafkaProducerConfiguration/linger`` a little (5–20 ms) when you
/// turn it on. Consumers decompress transparently. Which codecs are available
/// depends on how the system librdkafka was built: see ``builtIn``.
public enum KafkaCompression: String, Sendable, Hashable, CaseIterable {
    /// No compression (librdkafka's default).
    case none
    /// gzip: the best ratio, the most CPU.
    case gzip
    /// Snappy: fast, moderate ratio.
    case snappy
    /// LZ4: very fast, a good default when you want compression.
    case lz4
    /// Zstandard: a ratio close to gzip at a much lower CPU cost (needs brokers ≥ 2.1).
    case zstd

    /// The codecs the running librdkafka was built with (from its `builtin.features`);
    /// ``none`` is always included.
    ///
    /// Creating a producer with a codec that is not built in throws
    /// ``KafkaError/Code/invalidConfiguration`` naming `compression.type`.
    public static var builtIn: [KafkaCompression] {
        let features = Self.builtinFeatures()
        return Self.allCases.filter { $0 == .none || features.contains($0.rawValue) }
    }

    /// librdkafka's `builtin.features`, such as `["gzip", "snappy", "ssl", …]`.
    static func builtinFeatures() -> Set<String> {
        guard let conf = rd_kafka_conf_new() else { return [] }
        defer { rd_kafka_conf_destroy(conf) }
        var size = 0
        guard rd_kafka_conf_get(conf, "builtin.features", nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return [] }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(conf, "builtin.features", &buffer, &size) == RD_KAFKA_CONF_OK else { return [] }
        return Set(String(cBuffer: buffer).split(separator: ",").map(String.init))
    }
}
