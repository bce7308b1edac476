@testable import AsyncKafka
import Testing

/// The by-topic table behind the producer's topic handles and the consumer's stored offsets.
@Suite("TopicKeyed")
struct TopicKeyedTests {
    @Test("values survive switching topics; make runs once per topic; removeAll hands every value back")
    func switching() {
        var table = TopicKeyed<[Int]>()
        var made = 0
        func make() -> [Int] {
            made += 1
            return []
        }
        table.update("a", orMake: make) { $0.append(1) }
        table.update("b", orMake: make) { $0.append(2) }
        table.update("a", orMake: make) { $0.append(3) }
        #expect(table["a"] == [1, 3])
        #expect(table["b"] == [2])
        #expect(table["c"] == nil)
        #expect(made == 2)
        #expect(table.removeAll().sorted { $0.count < $1.count } == [[2], [1, 3]])
        #expect(table["a"] == nil)
    }
}
