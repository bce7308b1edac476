/// What became of one topic of a create or delete request.
public struct KafkaTopicResult: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// Why the broker refused the operation for this topic (such as `TOPIC_ALREADY_EXISTS`), or `nil` when it succeeded.
    public var error: KafkaError?

    /// Creates a result; the admin client creates these for you, your tests may want their own.
    public init(name: String, error: KafkaError? = nil) {
        self.name = name
        self.error = error
    }
}
