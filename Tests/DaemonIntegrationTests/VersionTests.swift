import Foundation
import IntegrationSupport
import Varlink
import XCTest

/// The daemon tells varlink clients the release it is (org.varlink.service.GetInfo), the one `--version` prints.
final class VersionTests: XCTestCase {
    func testGetInfoReportsTheVersionTheProgramsPrint() throws {
        let d = try DaemonFixture(devices: 0)
        let printed = try runCommand(Binaries.daemon, ["--version"])
        XCTAssertEqual(printed.status, 0, printed.combined)
        XCTAssertEqual(try runCommand(Binaries.mtpctl, ["--version"]).stdout, printed.stdout)

        let client = try VarlinkClient(path: d.socket, timeoutSeconds: 30)
        var replies = try client.call("org.varlink.service.GetInfo", [:])
        let info = try XCTUnwrap(try replies.next()).parameters
        XCTAssertEqual(info["version"], .string(printed.stdout))
        XCTAssertEqual(info["product"], .string("mtpsessiond"))
    }
}
