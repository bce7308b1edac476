/// What the client thread hands to the message iterator.
enum StreamElement: Sendable {
    /// Messages to hand out.
    case batch(MessageBatch)
    /// A rebalance whose handler runs in the iterating task, between two messages.
    case rebalance(RebalanceStep)
}
