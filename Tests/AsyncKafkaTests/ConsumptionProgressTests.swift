@testable import AsyncKafka
import Testing

/// What the consumer stores as consumed, without librdkafka.
@Suite("ConsumptionProgress")
struct ConsumptionProgressTests {
    private func messages(_ offsets: [Int64], partition: Int = 0) -> [KafkaMessage] {
        offsets.map { KafkaMessage(topic: "t", partition: partition, offset: $0, value: nil) }
    }

    @Test("the next offset per partition is the last consumed message's + 1, not the highest (a seek back)")
    func lastConsumedWins() {
        let progress = ConsumptionProgress(signals: IteratorSignals())
        // Offsets 3 and 4, then (after a seek back) 0 and 1, all taken at once.
        progress.startBatch(self.messages([3, 4]), previousConsumed: 0)
        progress.startBatch(self.messages([0, 1, 2]), previousConsumed: 2)
        progress.markConsumed(2)
        #expect(progress.takeConsumedOffsets() == [KafkaTopicPartition(topic: "t", partition: 0, offset: .offset(2))])
    }

    @Test("the message in hand is not consumed; what was taken is not taken again")
    func inHandAndTaken() {
        let progress = ConsumptionProgress(signals: IteratorSignals())
        progress.startBatch(self.messages([0, 1, 2]) + self.messages([7], partition: 1), previousConsumed: 0)
        progress.markConsumed(2)  // the loop holds offset 2
        #expect(progress.takeConsumedOffsets() == [KafkaTopicPartition(topic: "t", partition: 0, offset: .offset(2))])
        #expect(progress.takeConsumedOffsets().isEmpty)
        progress.markConsumed(4)
        #expect(
            progress.takeConsumedOffsets() == [
                KafkaTopicPartition(topic: "t", partition: 0, offset: .offset(3)),
                KafkaTopicPartition(topic: "t", partition: 1, offset: .offset(8)),
            ]
        )
    }
}
