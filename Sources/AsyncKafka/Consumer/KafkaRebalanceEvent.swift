/// A change of a consumer's partitions, decided by its group.
///
/// ```swift
/// switch event.kind {
/// case .revoked: try await consumer.commit()  // the last chance to commit these partitions
/// case .assigned, .lost: break
/// default: break  // a kind added later
/// }
/// ```
public struct KafkaRebalanceEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened to the partitions. A struct with static members, so that a kind added
    /// later breaks no `switch`.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The kind's name.
        public let rawValue: String

        /// The kind's name.
        public var description: String { self.rawValue }

        /// Wraps a name, for a kind this type does not name yet.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The consumer now also reads the partitions.
        public static let assigned = Kind(rawValue: "assigned")
        /// The consumer is about to stop reading the partitions; their offsets can still be committed.
        public static let revoked = Kind(rawValue: "revoked")
        /// The consumer lost the partitions without a chance to commit (its session expired, or
        /// it exceeded `max.poll.interval.ms`); another member may already read them.
        public static let lost = Kind(rawValue: "lost")
    }

    /// What happened to ``partitions``.
    public var kind: Kind
    /// The partitions concerned.
    public var partitions: [KafkaTopicPartition]

    /// Creates an event; consumers create these for you, your tests may want their own.
    public init(kind: Kind, partitions: [KafkaTopicPartition]) {
        self.kind = kind
        self.partitions = partitions
    }

    /// The consumer now also reads `partitions`.
    public static func assigned(_ partitions: [KafkaTopicPartition]) -> KafkaRebalanceEvent {
        KafkaRebalanceEvent(kind: .assigned, partitions: partitions)
    }

    /// The consumer is about to stop reading `partitions`.
    public static func revoked(_ partitions: [KafkaTopicPartition]) -> KafkaRebalanceEvent {
        KafkaRebalanceEvent(kind: .revoked, partitions: partitions)
    }

    /// The consumer lost `partitions` without a chance to commit.
    public static func lost(_ partitions: [KafkaTopicPartition]) -> KafkaRebalanceEvent {
        KafkaRebalanceEvent(kind: .lost, partitions: partitions)
    }

    /// `kind: partitions`, such as `revoked: [orders[0]@unset]`.
    public var description: String {
        "\(self.kind): \(self.partitions.map(\.description))"
    }
}

/// A function that runs on every rebalance, before revoked partitions are given up and after
/// assigned partitions are taken on. See ``KafkaConsumer/setRebalanceHandler(_:)``.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) async -> Void
