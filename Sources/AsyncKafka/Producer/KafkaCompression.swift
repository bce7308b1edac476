import CRdKafka

/// How a producer compresses its message batches (`compression.type`).
///
/// Compression applies to whole batches, so it pays off with larger batches:
/// raise ``KafkaProducerConfiguration/linger`` a little (5–20 ms) when you
/// turn it on. Consumers decompress transparently. Which codecs are available
/// depends on how the system librdkafka was built: see ``builtIn``.
public struct KafkaCompression: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// librdkafka's value of `compression.type`.
    public let rawValue: String

    /// The value as librdkafka spells it.
    public var description: String { self.rawValue }

    /// Wraps a value as librdkafka spells it, for one this type does not name yet.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// No compression (librdkafka's default).
    public static let none = KafkaCompression(rawValue: "none")
    /// gzip: the best ratio, the most CPU.
    public static let gzip = KafkaCompression(rawValue: "gzip")
    /// Snappy: fast, moderate ratio.
    public static let snappy = KafkaCompression(rawValue: "snappy")
    /// LZ4: very fast, a good default when you want compression.
    public static let lz4 = KafkaCompression(rawValue: "lz4")
    /// Zstandard: a ratio close to gzip at a much lower CPU cost (needs brokers ≥ 2.1).
    public static let zstd = KafkaCompression(rawValue: "zstd")

    /// The values this version of AsyncKafka names; librdkafka may accept more.
    public static let allCases: [KafkaCompression] = [.none, .gzip, .snappy, .lz4, .zstd]

    /// The codecs the running librdkafka was built with (from its `builtin.features`);
    /// ``none`` is always included.
    ///
    /// Creating a producer with a codec that is not built in throws
    /// ``KafkaError/Code/invalidConfiguration`` naming `compression.type`.
    public static var builtIn: [KafkaCompression] {
        let features = Librdkafka.builtinFeatures()
        return Self.allCases.filter { $0 == .none || features.contains($0.rawValue) }
    }
}
