extension KafkaMessage {
    /// Whether ``initialize(_:topic:partition:offset:key:value:headers:timestamp:)`` writes every
    /// stored property (seven): debug builds assert it before the first batch, so a new property
    /// cannot be left uninitialized unnoticed by the tests.
    static let initializesEveryProperty: Bool =
        Mirror(reflecting: KafkaMessage(topic: "", partition: 0, offset: 0, value: nil)).children.count == 7

    /// Initializes the message at `slot` by writing each stored property in place. A trick,
    /// fenced in this file.
    ///
    /// The obvious `slot.initialize(to: KafkaMessage(...))` costs more than it should with
    /// Swift 6.3: the optimizer builds the message in a temporary, copies it into `slot`
    /// through the type's value witness (a retain per reference) and destroys the temporary
    /// (a release per reference); an initializer marked `@inline(__always)`, or one taking the
    /// librdkafka message itself, does the same. The writes below avoid that copy.
    ///
    /// Invariant: every stored property of ``KafkaMessage`` is written exactly once
    /// (`MemoryLayout.offset(of:)` gives each one's place; the struct has nothing else), which
    /// ``initializesEveryProperty`` checks in debug builds before the first batch, so a new
    /// property cannot be left uninitialized unnoticed by the tests.
    ///
    /// Justified by the benchmark's `consume` rows (Swift for-await against C `batch_queue`),
    /// which are lower with the plain `initialize(to:)`.
    @inline(__always)
    static func initialize(
        _ slot: UnsafeMutablePointer<KafkaMessage>,
        topic: String,
        partition: Int,
        offset: Int64,
        key: consuming KafkaBytes?,
        value: consuming KafkaBytes?,
        headers: [KafkaHeader],
        timestamp: KafkaTimestamp?
    ) {
        let base = UnsafeMutableRawPointer(slot)
        (base + MemoryLayout<Self>.offset(of: \.topic)!).initializeMemory(as: String.self, to: topic)
        (base + MemoryLayout<Self>.offset(of: \.partition)!).initializeMemory(as: Int.self, to: partition)
        (base + MemoryLayout<Self>.offset(of: \.offset)!).initializeMemory(as: Int64.self, to: offset)
        (base + MemoryLayout<Self>.offset(of: \.key)!).initializeMemory(as: KafkaBytes?.self, to: key)
        (base + MemoryLayout<Self>.offset(of: \.value)!).initializeMemory(as: KafkaBytes?.self, to: value)
        (base + MemoryLayout<Self>.offset(of: \.headers)!).initializeMemory(as: [KafkaHeader].self, to: headers)
        (base + MemoryLayout<Self>.offset(of: \.timestamp)!).initializeMemory(as: KafkaTimestamp?.self, to: timestamp)
    }
}
