import Foundation
import IntegrationSupport
import XCTest

/// Python's reference varlink client (PyPI `varlink`, which `make test` installs) introspects the interface
/// and calls every method it declares, on both personalities.
final class ReferenceClientTests: XCTestCase {
    func testEveryMethodOnAndroid() throws { try everyMethod(personality: "android") }
    func testEveryMethodOnClassic() throws { try everyMethod(personality: "classic") }

    private func everyMethod(personality: String) throws {
        let env = ProcessInfo.processInfo.environment
        let pythonPath = env["MTPSESSIOND_PYTHONPATH"] ?? ""
        let check = try runCommand("/usr/bin/env", ["python3", "-c", "import varlink"], environment: ["PYTHONPATH": pythonPath])
        guard check.status == 0 else {
            XCTFail("Python's varlink package is missing: run `make test` (it installs it) or `pip install varlink`")
            return
        }
        let d = try DaemonFixture(personality: personality)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "python/reference_client.py"
        ).path
        let r = try runCommand(
            "/usr/bin/env", ["python3", "-u", script, d.socket, d.sim.root.path], environment: ["PYTHONPATH": pythonPath],
            timeout: 60)
        XCTAssertEqual(r.status, 0, r.combined)
        XCTAssertTrue(r.stdout.contains("ok every method of org.mtpsessiond.Manager called"), r.combined)
        XCTAssertTrue(r.stdout.contains("ok Get whole and a byte range"), r.combined)
    }
}
