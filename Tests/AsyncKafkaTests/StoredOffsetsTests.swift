@testable import AsyncKafka
import Testing

/// The rule that keeps the automatic offset store from moving an application's offset backwards,
/// without librdkafka (``OffsetStore`` applies it under its lock).
@Suite("StoredOffsets")
struct StoredOffsetsTests {
    @Test("the automatic store goes up to the floor and beyond, never below it")
    func floor() {
        var offsets = StoredOffsets()
        #expect(offsets.admitsAutomaticStore(of: 3, topic: "t", partition: 1))
        let raise = offsets.commit(5, topic: "t", partition: 1)
        #expect(raise)  // nothing stored: raise to 5
        offsets["t", 1].stored = 5
        #expect(!offsets.admitsAutomaticStore(of: 4, topic: "t", partition: 1))
        #expect(!offsets.admitsAutomaticStore(of: 5, topic: "t", partition: 1))  // stored already
        #expect(offsets.admitsAutomaticStore(of: 6, topic: "t", partition: 1))
        #expect(offsets.admitsAutomaticStore(of: 4, topic: "t", partition: 0))  // another partition
        #expect(offsets.admitsAutomaticStore(of: 4, topic: "u", partition: 1))  // another topic
    }

    @Test("a commit below what is stored sets the floor and raises nothing")
    func commitBelowStored() {
        var offsets = StoredOffsets()
        offsets["t", 0].stored = 9
        let raise = offsets.commit(5, topic: "t", partition: 0)
        #expect(!raise)
        #expect(offsets["t", 0] == StoredOffsets.Entry(stored: 9, floor: 5))
    }

    @Test("removing a partition forgets its floor; other topics keep theirs across topic switches")
    func remove() {
        var offsets = StoredOffsets()
        _ = offsets.commit(5, topic: "t", partition: 2)
        _ = offsets.commit(7, topic: "u", partition: 0)
        #expect(offsets["t", 2].floor == 5)
        offsets.remove(topic: "t", partition: 2)
        #expect(offsets["t", 2] == StoredOffsets.Entry())
        #expect(offsets["u", 0].floor == 7)
    }
}
