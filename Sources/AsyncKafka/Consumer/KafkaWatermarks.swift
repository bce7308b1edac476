/// The offset range of a partition.
public struct KafkaWatermarks: Sendable, Hashable {
    /// The oldest offset still in the partition.
    public var low: Int64
    /// The offset the next message written will get.
    public var high: Int64

    /// Creates watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}
