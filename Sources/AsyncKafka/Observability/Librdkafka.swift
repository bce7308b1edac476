import CRdKafka

/// Facts about the librdkafka that AsyncKafka is running on.
public enum Librdkafka {
    /// The oldest librdkafka this version of AsyncKafka supports (2.0.0).
    public static let minimumVersion: Int32 = 0x0200_00FF

    /// The running librdkafka's version, as librdkafka encodes it (`0xMMmmrrxx`).
    public static var version: Int32 {
        rd_kafka_version()
    }

    /// The running librdkafka's version as text, such as `"2.0.2"`.
    public static var versionString: String {
        String(cString: rd_kafka_version_str())
    }

    /// Throws ``KafkaError/Code/unsupportedLibraryVersion`` when the running librdkafka is too old.
    static func checkVersion() throws(KafkaError) {
        guard Self.version >= Self.minimumVersion else {
            throw KafkaError(
                code: .unsupportedLibraryVersion,
                message: "librdkafka \(Self.versionString) is older than the 2.0.0 that AsyncKafka needs"
            )
        }
    }

    /// librdkafka's `builtin.features` (compression codecs, TLS, SASL mechanisms), such as `["gzip", "snappy", "ssl", …]`.
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
