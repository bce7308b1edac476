/// Values by topic name, with the topic used last kept apart: most callers use one topic at
/// a time, and comparing a name costs less than hashing it. The value of the topic used last
/// is modified in place (it is not in the dictionary meanwhile, so it is never copied).
///
/// Used for the producer's topic handles (``TopicHandleCache``) and the consumer's stored
/// offsets (``StoredOffsets``). Not thread-safe: its owner keeps it under a lock.
struct TopicKeyed<Value> {
    private var others: [String: Value] = [:]
    private var lastName: String?
    private var lastValue: Value?

    /// The value of `topic`, if it has one; does not change which topic was used last.
    subscript(topic: String) -> Value? {
        self.lastName == topic ? self.lastValue : self.others[topic]
    }

    /// Runs `body` on the value of `topic`, in place, creating it with `make` when `topic` has
    /// none; `topic` becomes the one used last.
    @inline(__always)
    mutating func update<Result, Failure: Error>(
        _ topic: String,
        orMake make: () throws(Failure) -> Value,
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if self.lastName != topic {
            let value: Value
            if let known = self.others.removeValue(forKey: topic) {
                value = known
            } else {
                value = try make()
            }
            if let previous = self.lastName, let previousValue = self.lastValue { self.others[previous] = previousValue }
            self.lastName = topic
            self.lastValue = value
        }
        return try body(&self.lastValue!)
    }

    /// Every value, and forgets them.
    mutating func removeAll() -> [Value] {
        var values = Array(self.others.values)
        if let last = self.lastValue { values.append(last) }
        self.others = [:]
        self.lastName = nil
        self.lastValue = nil
        return values
    }
}

extension TopicKeyed: Sendable where Value: Sendable {}
