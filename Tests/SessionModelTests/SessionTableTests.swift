import SessionModel
import XCTest

final class SessionTableTests: XCTestCase {
    private let alice: UInt32 = 1000, bob: UInt32 = 1001

    private func begun(
        _ table: inout SessionTable, id: String = "s1", device: String = "SER1",
        types: SessionType = .transferToDevice, lease: Double = 30, now: Moment = 0
    ) -> DeviceSession {
        table.begin(id: id, device: device, owner: alice, types: types, lease: lease, now: now)
    }

    func testAnyNumberOfSessionsFromAnyUsersShareADevice() {
        var table = SessionTable()
        _ = begun(&table)
        _ = table.begin(id: "s2", device: "SER1", owner: bob, types: .delete, lease: 30, now: 1)
        XCTAssertEqual(table.sessions(on: "SER1").map(\.id), ["s1", "s2"])
        XCTAssertNil(table.exclusiveHolder(of: "SER1"), "sharing sessions hold nothing")
        _ = table.end("s1", by: alice, types: .transferToDevice)
        XCTAssertEqual(table.sessions(on: "SER1").map(\.id), ["s2"])
    }

    func testAnExclusiveSessionIsTheDevicesHolderUntilItEnds() {
        var table = SessionTable()
        _ = table.begin(id: "x", device: "SER1", owner: alice, types: .custom, exclusive: true, lease: 30, now: 0)
        XCTAssertEqual(table.exclusiveHolder(of: "SER1")?.id, "x")
        XCTAssertNil(table.exclusiveHolder(of: "SER2"))
        _ = table.expire(now: 30)
        XCTAssertNil(table.exclusiveHolder(of: "SER1"), "an expired lease lets go")
    }

    func testSessionsOnDifferentDevicesAreIndependent() {
        var table = SessionTable()
        _ = begun(&table, id: "a", device: "SER1")
        _ = table.begin(id: "b", device: "SER2", owner: bob, types: .custom, lease: 30, now: 0)
        XCTAssertEqual(table.all.count, 2)
    }

    func testEndWithOtherTypesIsAMismatchAndKeepsTheSessionOpen() {
        var table = SessionTable()
        _ = begun(&table, types: [.transferToDevice, .delete])
        XCTAssertEqual(
            table.end("s1", by: alice, types: .transferToDevice),
            .failure(.typeMismatch(session: "s1", began: [.transferToDevice, .delete], given: .transferToDevice)))
        XCTAssertEqual(table.sessions(on: "SER1").map(\.id), ["s1"])
        XCTAssertEqual(try table.end("s1", by: alice, types: [.delete, .transferToDevice]).get().id, "s1")
    }

    func testAnotherUIDCanNeitherUseNorEndButRootCan() {
        var table = SessionTable()
        _ = begun(&table)
        XCTAssertEqual(table.use("s1", by: bob, now: 1), .failure(.notOwner(session: "s1")))
        XCTAssertEqual(table.end("s1", by: bob, types: .transferToDevice), .failure(.notOwner(session: "s1")))
        XCTAssertNoThrow(try table.use("s1", by: SessionTable.rootUID, now: 1).get())
        XCTAssertNoThrow(try table.end("s1", by: SessionTable.rootUID, types: .transferToDevice).get())
    }

    func testUnknownOrEndedSessionIsNoSuchSession() {
        var table = SessionTable()
        XCTAssertEqual(table.use("nope", by: alice, now: 0), .failure(.noSuchSession("nope")))
        _ = begun(&table)
        _ = table.end("s1", by: alice, types: .transferToDevice)
        XCTAssertEqual(table.end("s1", by: alice, types: .transferToDevice), .failure(.noSuchSession("s1")))
    }

    func testLeaseRunsFromLastUse() {
        var table = SessionTable()
        _ = begun(&table, lease: 30, now: 0)
        XCTAssertEqual(table.nextExpiry, 30)
        _ = table.use("s1", by: alice, now: 20)
        XCTAssertEqual(table.expire(now: 30), [])
        XCTAssertEqual(table.nextExpiry, 50)
        XCTAssertEqual(table.expire(now: 50).map(\.id), ["s1"])
        XCTAssertEqual(table.sessions(on: "SER1"), [])
        XCTAssertNil(table.nextExpiry)
    }

    func testUseNeverMovesTheLeaseBackwards() {
        var table = SessionTable()
        _ = begun(&table, now: 10)
        _ = table.use("s1", by: alice, now: 5)
        XCTAssertEqual(table.nextExpiry, 40)
    }

    func testUnplugEndsEverySessionOnThatDeviceOnly() {
        var table = SessionTable()
        _ = begun(&table, id: "a", device: "SER1")
        _ = begun(&table, id: "b", device: "SER2")
        XCTAssertEqual(table.endAll(on: "SER1").map(\.id), ["a"])
        XCTAssertEqual(table.all.map(\.id), ["b"])
    }
}
