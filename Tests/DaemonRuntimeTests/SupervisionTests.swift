@testable import DaemonRuntime
import XCTest

/// The STATUS= text systemd shows and the benchmarks and tests wait on ("1 device").
final class SupervisionTests: XCTestCase {
    func testStatusCountsWithSingularAndPlural() {
        XCTAssertEqual(Supervision.status(devices: 0, sessions: 0, clients: 0), "0 devices, 0 sessions, 0 clients")
        XCTAssertEqual(Supervision.status(devices: 1, sessions: 1, clients: 1), "1 device, 1 session, 1 client")
        XCTAssertEqual(Supervision.status(devices: 2, sessions: 0, clients: 12), "2 devices, 0 sessions, 12 clients")
    }
}
