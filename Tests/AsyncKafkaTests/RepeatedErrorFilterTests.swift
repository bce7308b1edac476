@testable import AsyncKafka
import Testing

@Suite("RepeatedErrorFilter")
struct RepeatedErrorFilterTests {
    @Test("the first error of a code is logged, repeats within the interval are counted, the next line says how many")
    func thinsOutRepeats() {
        var filter = RepeatedErrorFilter(interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(filter.admit(-195, now: start) == 0)
        #expect(filter.admit(-195, now: start + .seconds(1)) == nil)
        #expect(filter.admit(-195, now: start + .seconds(2)) == nil)
        #expect(filter.admit(-187, now: start + .seconds(2)) == 0)  // another code
        #expect(filter.admit(-195, now: start + .seconds(10)) == 2)
        #expect(filter.admit(-195, now: start + .seconds(11)) == nil)
    }
}
