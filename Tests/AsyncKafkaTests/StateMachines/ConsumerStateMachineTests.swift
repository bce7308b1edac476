@testable import AsyncKafka
import Testing

/// The consumer's lifecycle without librdkafka: resources, commits and waiters are labels.
@Suite("ConsumerStateMachine")
struct ConsumerStateMachineTests {
    typealias Machine = ConsumerStateMachine<String, String, String>

    let start = ContinuousClock.now
    var deadline: ContinuousClock.Instant { self.start + .seconds(10) }

    @Test("close with nothing in flight: begin, wait for librdkafka, finish, then closed for good")
    func plainClose() {
        var machine = Machine(resources: "handle")
        #expect(machine.runningResources == "handle")
        guard case .beginClose("handle", startLibrdkafkaClose: true) = machine.closeRequested(deadline: self.deadline) else {
            Issue.record("expected beginClose")
            return
        }
        #expect(machine.runningResources == nil)
        #expect(machine.resources == "handle")  // commands are refused, commits still go out
        guard case .wait = machine.waitForClose("caller") else {
            Issue.record("expected the caller to wait")
            return
        }
        guard case .waitForLibrdkafka = machine.closeProgress(now: self.start, librdkafkaClosed: { false }) else {
            Issue.record("expected to wait for librdkafka")
            return
        }
        guard
            case .finish("handle", forced: false, let commits, let waiters) = machine.closeProgress(
                now: self.start, librdkafkaClosed: { true })
        else {
            Issue.record("expected finish")
            return
        }
        #expect(commits.isEmpty)
        #expect(waiters == ["caller"])
        #expect(machine.resources == nil)
        guard case .none = machine.closeRequested(deadline: self.deadline) else {
            Issue.record("a closed consumer closes once")
            return
        }
        guard case .resumeNow("late") = machine.waitForClose("late") else {
            Issue.record("a caller arriving after the close resumes at once")
            return
        }
    }

    @Test("commits in flight hold librdkafka's close back until they are answered")
    func closeWaitsForCommits() {
        var machine = Machine(resources: "handle")
        guard case .send(let id, "handle") = machine.commitStarted("commit") else {
            Issue.record("expected the commit to be sent")
            return
        }
        guard case .beginClose(_, startLibrdkafkaClose: false) = machine.closeRequested(deadline: self.deadline) else {
            Issue.record("expected the close to wait for the commit")
            return
        }
        var asked = false
        guard
            case .waitForCommits = machine.closeProgress(
                now: self.start,
                librdkafkaClosed: {
                    asked = true
                    return true
                })
        else {
            Issue.record("expected to wait for the commit")
            return
        }
        #expect(!asked)  // librdkafka's close has not started: nothing to ask
        #expect(machine.commitCompleted(id: id) == "commit")
        #expect(machine.commitCompleted(id: id) == nil)  // answered once
        guard case .startLibrdkafkaClose("handle") = machine.closeProgress(now: self.start, librdkafkaClosed: { true }) else {
            Issue.record("expected librdkafka's close to start")
            return
        }
        guard case .finish(_, forced: false, _, _) = machine.closeProgress(now: self.start, librdkafkaClosed: { true }) else {
            Issue.record("expected finish")
            return
        }
    }

    @Test("past the deadline the close is forced and fails the commits still waiting")
    func overdueClose() {
        var machine = Machine(resources: "handle")
        _ = machine.commitStarted("stuck")
        _ = machine.closeRequested(deadline: self.deadline)
        let late = self.deadline + .milliseconds(1)
        guard case .startLibrdkafkaClose = machine.closeProgress(now: late, librdkafkaClosed: { false }) else {
            Issue.record("an overdue close stops waiting for commits")
            return
        }
        guard case .finish("handle", forced: true, let commits, _) = machine.closeProgress(now: late, librdkafkaClosed: { false }) else {
            Issue.record("expected a forced finish")
            return
        }
        #expect(commits == ["stuck"])
    }

    @Test("a rebalance handler may commit while closing; nothing is sent once closed")
    func commitsWhileClosing() {
        var machine = Machine(resources: "handle")
        _ = machine.closeRequested(deadline: self.deadline)
        guard case .send(_, "handle") = machine.commitStarted("during close") else {
            Issue.record("expected the commit to be sent while closing")
            return
        }
        _ = machine.abandon()
        guard case .fail("after") = machine.commitStarted("after") else {
            Issue.record("expected the commit to fail once closed")
            return
        }
    }

    @Test("the owner going away closes only when no iterator reads the stream; the iterator's end does")
    func ownerAndIterator() {
        var machine = Machine(resources: "handle")
        machine.iterationStarted()
        #expect(machine.isIterating)
        guard case .none = machine.ownerReleased(deadline: self.deadline) else {
            Issue.record("an iterating consumer outlives its owner")
            return
        }
        guard case .beginClose = machine.iterationEnded(deadline: self.deadline) else {
            Issue.record("the end of iteration closes")
            return
        }
        #expect(!machine.isIterating)

        var idle = Machine(resources: "other")
        guard case .beginClose("other", _) = idle.ownerReleased(deadline: self.deadline) else {
            Issue.record("an idle consumer closes with its owner")
            return
        }
    }

    @Test("abandoning hands the resources and waiting commits back once")
    func abandon() {
        var machine = Machine(resources: "handle")
        _ = machine.commitStarted("a")
        let taken = machine.abandon()
        #expect(taken?.0 == "handle")
        #expect(taken?.commits == ["a"])
        #expect(machine.abandon() == nil)
    }
}
