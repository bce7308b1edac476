@testable import AsyncKafka
import Testing

/// The producer's lifecycle without librdkafka: waiters are labels.
@Suite("ProducerStateMachine")
struct ProducerStateMachineTests {
    @Test("the first close begins it; later ones only wait; once closed they resume at once")
    func closeOnce() {
        var machine = ProducerStateMachine<String>()
        #expect(machine.state == .running)
        let first = machine.closeRequested(waiter: "first")
        guard case .beginClose = first.0 else {
            Issue.record("the first close begins it")
            return
        }
        #expect(!first.resumeNow)
        let second = machine.closeRequested(waiter: "second")
        guard case .none = second.0 else {
            Issue.record("a second close only waits")
            return
        }
        #expect(!second.resumeNow)
        let released = machine.closeRequested(waiter: nil)  // the owner went away meanwhile
        guard case .none = released.0 else {
            Issue.record("the owner's release does not close twice")
            return
        }
        #expect(machine.state == .closing)
        #expect(machine.closed() == ["first", "second"])
        #expect(machine.state == .closed)
        let late = machine.closeRequested(waiter: "late")
        guard case .none = late.0 else {
            Issue.record("a closed producer closes once")
            return
        }
        #expect(late.resumeNow)
        #expect(machine.closed().isEmpty)
    }
}
