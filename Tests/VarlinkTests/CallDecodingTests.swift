@testable import Varlink
import XCTest

/// One framed message into a call or the error reply its sender gets, and routing up to a service.
final class CallDecodingTests: XCTestCase {
    private let peer = PeerCredentials(pid: 1, uid: 2, gid: 3)

    private func decode(_ text: String) throws(VarlinkError) -> VarlinkCall {
        try VarlinkCall(message: Array(text.utf8), fileDescriptors: [], peer: peer, connection: 7)
    }

    private func refusal(_ text: String) -> String? {
        do { _ = try decode(text); return nil } catch { return error.parameters["parameter"]?.stringValue }
    }

    func testACallIsDecoded() throws {
        let call = try decode(#"{"method":"org.example.test.Echo","parameters":{"text":"hi"},"more":true}"#)
        XCTAssertEqual(call.interface, "org.example.test")
        XCTAssertEqual(call.method, "Echo")
        XCTAssertEqual(call.parameters, ["text": "hi"])
        XCTAssertTrue(call.more)
        XCTAssertFalse(call.oneway)
        XCTAssertEqual(call.connection, 7)
    }

    func testMessagesThatAreNotCallsAreRefused() {
        XCTAssertEqual(refusal("[1]"), "message: not a JSON object")
        XCTAssertEqual(refusal(#"{"method":"NoDot"}"#), "method")
        XCTAssertEqual(refusal(#"{"method":"a.b","parameters":[1]}"#), "parameters")
        XCTAssertTrue(refusal("{").map { $0.hasPrefix("message: malformed JSON") } ?? false)
    }

    func testRoutingChecksTheInterfaceBeforeAnyService() throws {
        let dispatcher = try Dispatcher(
            services: [TestService(probe: Probe())],
            info: VarlinkServer.Info(vendor: "v", product: "p", version: "1", url: "u"))
        func routed(_ text: String) -> String {
            do {
                switch try dispatcher.route(try decode(text)) {
                case .answered: return "answered"
                case .service: return "service"
                }
            } catch { return error.name }
        }
        XCTAssertEqual(routed(#"{"method":"org.example.test.Echo","parameters":{"text":"hi"}}"#), "service")
        XCTAssertEqual(
            routed(#"{"method":"org.example.test.Echo","parameters":{"text":1}}"#), "org.varlink.service.InvalidParameter")
        XCTAssertEqual(routed(#"{"method":"org.example.test.Nope"}"#), "org.varlink.service.MethodNotFound")
        XCTAssertEqual(routed(#"{"method":"org.example.other.Echo"}"#), "org.varlink.service.InterfaceNotFound")
        XCTAssertEqual(routed(#"{"method":"org.varlink.service.GetInfo"}"#), "answered")
    }
}
