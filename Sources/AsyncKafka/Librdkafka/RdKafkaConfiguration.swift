import CRdKafka

/// Turns a property dictionary into an `rd_kafka_conf_t`, validating each entry against the running librdkafka.
enum RdKafkaConfiguration {
    /// Creates an `rd_kafka_conf_t` holding `properties`; the caller owns it.
    ///
    /// Keys are applied in sorted order so that errors are reproducible. Secret
    /// values never appear in the error thrown for a bad entry.
    static func make(_ properties: [String: String]) throws(KafkaError) -> OpaquePointer {
        try Librdkafka.checkVersion()
        if let servers = properties["bootstrap.servers"],
            servers.split(separator: ",").allSatisfy({ $0.allSatisfy(\.isWhitespace) })
        {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "bootstrap.servers is empty: name at least one host:port",
                configurationKey: "bootstrap.servers"
            )
        }
        try KafkaSecurityValidation.validate(properties)
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key]!
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let secret = ConfigurationSecrets.isSecret(key)
                var reason = String(cBuffer: errorText)
                if secret && !value.isEmpty {
                    // librdkafka's message quotes the rejected value.
                    reason = reason.replacing(value, with: ConfigurationSecrets.redacted)
                }
                let shown = secret ? ConfigurationSecrets.redacted : "\"\(value)\""
                let what = result == RD_KAFKA_CONF_UNKNOWN ? "unknown configuration key" : "invalid value \(shown)"
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "\(what) for \(key): \(reason)",
                    configurationKey: key
                )
            }
        }
        return conf
    }
}
