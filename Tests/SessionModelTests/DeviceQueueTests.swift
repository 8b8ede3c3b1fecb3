import SessionModel
import XCTest

final class DeviceQueueTests: XCTestCase {
    private var next: UInt64 = 0

    private func ticket(_ lane: DeviceQueue.Lane? = nil, owner: UInt32 = 1000) -> DeviceQueue.Ticket {
        next += 1
        return DeviceQueue.Ticket(id: next, lane: lane ?? .single(next), owner: owner)
    }

    /// Runs the line to the end, recording each ticket's lane as it is granted.
    private func drain(_ q: inout DeviceQueue) -> [DeviceQueue.Lane] {
        var order: [DeviceQueue.Lane] = []
        while let t = q.grant() {
            order.append(t.lane)
            q.finish(t)
        }
        return order
    }

    func testOneAtATime() {
        var q = DeviceQueue()
        let a = ticket(), b = ticket()
        q.enqueue(a)
        q.enqueue(b)
        XCTAssertEqual(q.grant(), a)
        XCTAssertNil(q.grant(), "a second operation waits while one runs")
        XCTAssertEqual(q.count, 2)
        q.finish(a)
        XCTAssertEqual(q.grant(), b)
    }

    func testLanesTakeTurnsOneTicketEach() {
        var q = DeviceQueue()
        for _ in 0..<3 { q.enqueue(ticket(.session("A"))) }
        for _ in 0..<2 { q.enqueue(ticket(.session("B"))) }
        q.enqueue(ticket(.session("C")))
        XCTAssertEqual(
            drain(&q),
            [.session("A"), .session("B"), .session("C"), .session("A"), .session("B"), .session("A")])
    }

    func testAListArrivingDuringABundlesFileRunsBeforeTheBundlesNextFile() {
        var q = DeviceQueue()
        let file1 = ticket(.session("bundle"))
        q.enqueue(file1)
        XCTAssertEqual(q.grant(), file1)
        let ls = ticket()
        q.enqueue(ls)  // arrives while file 1 is sent
        q.finish(file1)
        let file2 = ticket(.session("bundle"))
        q.enqueue(file2)  // the client sends its next file once the first is done
        XCTAssertEqual(q.grant(), ls)
        q.finish(ls)
        XCTAssertEqual(q.grant(), file2)
    }

    func testFourBundlesInterleaveFairly() {
        var q = DeviceQueue()
        let sessions = ["a", "b", "c", "d"]
        for _ in 0..<50 { for s in sessions { q.enqueue(ticket(.session(s))) } }
        let order = drain(&q)
        XCTAssertEqual(order.count, 200)
        // In any four consecutive turns each bundle runs exactly once.
        for start in stride(from: 0, to: 200, by: 4) {
            XCTAssertEqual(Set(order[start..<start + 4]), Set(sessions.map { DeviceQueue.Lane.session($0) }))
        }
    }

    func testAnExclusiveHolderIsServedAloneUntilReleased() {
        var q = DeviceQueue()
        let other = ticket(.session("shared"))
        let single = ticket()
        q.enqueue(other)
        q.enqueue(single)
        q.hold(for: "mine")
        XCTAssertNil(q.grant(), "others wait while the device is held")
        XCTAssertEqual(q.wait(of: single.id), DeviceQueue.Wait(ahead: 0, heldBy: "mine"))
        let mine = ticket(.session("mine"))
        q.enqueue(mine)
        XCTAssertEqual(q.grant(), mine)
        q.finish(mine)
        XCTAssertNil(q.grant())
        q.release("mine")
        XCTAssertEqual(drain(&q), [other.lane, single.lane])
    }

    func testAWithdrawnTicketNeverRunsAndItsLaneLosesItsTurnWhenEmpty() {
        var q = DeviceQueue()
        let running = ticket(), gone = ticket(), stays = ticket()
        q.enqueue(running)
        q.enqueue(gone)
        q.enqueue(stays)
        _ = q.grant()
        XCTAssertTrue(q.withdraw(gone.id))
        XCTAssertFalse(q.withdraw(gone.id), "withdrawn once")
        XCTAssertFalse(q.withdraw(running.id), "a running operation is not withdrawn")
        q.finish(running)
        XCTAssertEqual(q.grant(), stays)
        XCTAssertFalse(q.contains(gone.id))
    }

    func testWithdrawAllEmptiesTheLineButNotTheRunningOperation() {
        var q = DeviceQueue()
        let a = ticket(), b = ticket(.session("s")), c = ticket()
        [a, b, c].forEach { q.enqueue($0) }
        _ = q.grant()
        XCTAssertEqual(Set(q.withdrawAll()), [b, c])
        XCTAssertEqual(q.count, 1)
        q.finish(a)
        XCTAssertTrue(q.isEmpty)
    }

    func testWaitCountsTheOperationsThatRunFirst() {
        var q = DeviceQueue()
        let run = ticket(.session("A"))
        q.enqueue(run)
        _ = q.grant()
        let a2 = ticket(.session("A")), a3 = ticket(.session("A")), b1 = ticket(.session("B"))
        [a2, a3, b1].forEach { q.enqueue($0) }
        // Turns: A (a2, a3), then B (b1). b1 runs after the running one and a2.
        XCTAssertEqual(q.wait(of: b1.id)?.ahead, 2)
        XCTAssertEqual(q.wait(of: a2.id)?.ahead, 1)
        XCTAssertEqual(q.wait(of: a3.id)?.ahead, 3, "a3 waits for b1's turn too")
        XCTAssertNil(q.wait(of: run.id), "running, not waiting")
        // The prediction holds: drain and compare.
        q.finish(run)
        XCTAssertEqual(drain(&q), [a2.lane, b1.lane, a3.lane])
    }
}
