@testable import AsyncKafka
import Testing

/// The admin client's lifecycle without librdkafka: resources and handlers are labels.
@Suite("AdminStateMachine")
struct AdminStateMachineTests {
    @Test("requests get distinct ids and complete once; closing fails the waiting ones and refuses new ones")
    func requestsAndClose() {
        var machine = AdminStateMachine<String, String>(resources: "handle")
        guard case .send(let first, "handle") = machine.requestStarted("a"),
            case .send(let second, "handle") = machine.requestStarted("b")
        else {
            Issue.record("an open client sends requests")
            return
        }
        #expect(first != second)
        #expect(machine.requestCompleted(id: first) == "a")
        #expect(machine.requestCompleted(id: first) == nil)
        let closed = machine.close()
        #expect(closed?.0 == "handle")
        #expect(closed?.waiting == ["b"])
        #expect(machine.close() == nil)
        #expect(machine.resources == nil)
        guard case .fail("c") = machine.requestStarted("c") else {
            Issue.record("a closed client refuses requests")
            return
        }
        #expect(machine.requestCompleted(id: second) == nil)
    }
}
