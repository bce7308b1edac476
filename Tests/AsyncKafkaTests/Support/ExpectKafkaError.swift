import AsyncKafka
import Testing

/// Expects `body` to throw a ``KafkaError`` whose code is `code`, and returns the error (`nil`
/// when nothing, or something else, was thrown) for further checks.
@discardableResult
func expectKafkaError<R>(
    _ code: KafkaError.Code,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    performing body: () async throws -> R
) async -> KafkaError? {
    let error = await #expect(throws: KafkaError.self, comment, sourceLocation: sourceLocation) { try await body() }
    #expect(error?.code == code, comment, sourceLocation: sourceLocation)
    return error
}

/// Expects each of `errors` (one per client or call tried) to be an `invalidConfiguration`
/// error naming `key`.
func expectConfigurationRefused(_ errors: [KafkaError?], key: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for error in errors {
        #expect(error?.code == .invalidConfiguration, sourceLocation: sourceLocation)
        #expect(error?.configurationKey == key, sourceLocation: sourceLocation)
    }
}
