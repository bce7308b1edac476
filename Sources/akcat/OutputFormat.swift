import ArgumentParser
import AsyncKafka
import Foundation

/// How `consume` and `metadata` print what they read.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// Human-readable text; for `consume`, each message's value on a line.
    case plain
    /// One JSON object per line.
    case json
}

/// Formats consumed messages.
enum MessageFormatter {
    /// The bytes of one output line (without the newline) for `message`.
    ///
    /// `plain` prints the value as it is (an empty line for a tombstone), preceded by the
    /// key and `keySeparator` when one is given. `json` prints an object with `topic`,
    /// `partition`, `offset`, `timestamp` (milliseconds since 1970, or `null`),
    /// `timestamp_type`, `key`, `value` (strings, or `null`) and `headers`
    /// (`[{"name", "value"}]`); a key, value or header value that is not valid UTF-8 is
    /// base64-encoded and flagged with `"key_encoding"`, `"value_encoding"` or
    /// `"value_encoding"` set to `"base64"`.
    static func line(for message: KafkaMessage, format: OutputFormat, keySeparator: String?) -> [UInt8] {
        switch format {
        case .plain:
            var line: [UInt8] = []
            if let keySeparator {
                line += message.key.map(Array.init) ?? []
                line += Array(keySeparator.utf8)
            }
            line += message.value.map(Array.init) ?? []
            return line
        case .json:
            return Array(Self.json(for: message).utf8)
        }
    }

    /// The JSON object for `message`, on one line.
    static func json(for message: KafkaMessage) -> String {
        var fields: [String] = [
            "\"topic\":\(JSONText.string(message.topic))",
            "\"partition\":\(message.partition)",
            "\"offset\":\(message.offset)",
        ]
        if let timestamp = message.timestamp {
            fields.append("\"timestamp\":\(timestamp.millisecondsSince1970)")
            fields.append("\"timestamp_type\":\(timestamp.kind == .createTime ? "\"create\"" : "\"log_append\"")")
        } else {
            fields.append("\"timestamp\":null")
        }
        fields += Self.bytesFields("key", message.key.map(Array.init))
        fields += Self.bytesFields("value", message.value.map(Array.init))
        let headers = message.headers.map { header in
            (["\"name\":\(JSONText.string(header.name))"] + Self.bytesFields("value", header.value))
                .joined(separator: ",")
        }
        fields.append("\"headers\":[\(headers.map { "{\($0)}" }.joined(separator: ","))]")
        return "{\(fields.joined(separator: ","))}"
    }

    /// `"name":…` for optional bytes: a string, base64 with an encoding flag, or `null`.
    private static func bytesFields(_ name: String, _ bytes: [UInt8]?) -> [String] {
        guard let bytes else { return ["\"\(name)\":null"] }
        if let text = String(validating: bytes, as: UTF8.self) {
            return ["\"\(name)\":\(JSONText.string(text))"]
        }
        return ["\"\(name)\":\"\(Data(bytes).base64EncodedString())\"", "\"\(name)_encoding\":\"base64\""]
    }
}

/// Minimal JSON text building.
enum JSONText {
    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// An array of integers.
    static func array(_ values: [Int]) -> String {
        "[\(values.map(String.init).joined(separator: ","))]"
    }
}
