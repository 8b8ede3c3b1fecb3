import PTPWire
import XCTest
@testable import VirtualPlayer

/// A storage of 100,000 objects answers listings and lookups without scanning per operation.
final class ScaleTests: XCTestCase {
    func testHundredThousandObjects() throws {
        let responder = try makeResponder(capacity: 1 << 40)
        let store = try XCTUnwrap(responder.stores.first as? MemoryObjectStore)
        let folders = try (0..<100).map { try store.addFolder(named: "d\($0)").handle }
        var last: UInt32 = 0
        for i in 0..<99_900 {
            last = try store.addFile(named: "f\(i)", parent: folders[i % 100], bytes: []).handle
        }
        XCTAssertEqual(store.objectCount, 100_000)
        let host = TestHost(responder)
        host.openSession()

        let all = try XCTUnwrap(host.transact(.getObjectHandles, [0xFFFF_FFFF, 0, 0], urbSize: 16_384).data)
        XCTAssertEqual(all.count, 4 + 4 * 100_000)
        XCTAssertEqual(littleEndian32(all, 0), 100_000)
        XCTAssertEqual(littleEndian32(all, all.count - 4), last, "creation order")
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, 0xFFFF_FFFF]).response.parameters, [100])
        XCTAssertEqual(host.transact(.getNumObjects, [storage1, 0, folders[7]]).response.parameters, [999])

        // Many single-object operations, each a dictionary lookup.
        for handle in stride(from: last, to: last - 2_000, by: -1) {
            XCTAssertEqual(host.transact(.getObjectInfo, [handle]).code, .ok)
        }
        XCTAssertEqual(host.transact(.deleteObject, [folders[0]]).code, .ok)
        XCTAssertEqual(store.objectCount, 100_000 - 1_000)
    }
}
