import MTPProvider
@testable import SessionCore
import XCTest

final class FolderCacheTests: XCTestCase {
    private func entry(_ id: UInt32, _ name: String, parent: UInt32 = 0, folder: Bool = false) -> ObjectEntry {
        ObjectEntry(id: id, parent: parent, storage: 1, name: name, size: 10, isFolder: folder, modified: nil)
    }

    func testOwnChangesKeepTheListingCurrentWithoutAnotherListing() {
        var cache = FolderCache()
        let root = MTPDevice.rootFolder
        cache.store([entry(1, "a"), entry(2, "Music", folder: true)], folder: root, storage: 1, spell: 1)
        cache.added(entry(3, "b"), folder: root)
        XCTAssertEqual(cache.listing(root, storage: 1, spell: 1)?.map(\.name), ["a", "Music", "b"])
        var renamed = entry(1, "z")
        renamed.parent = 0
        cache.replaced(renamed, folder: root)
        XCTAssertEqual(cache.listing(root, storage: 1, spell: 1)?.map(\.name), ["z", "Music", "b"])
        cache.store([entry(4, "t", parent: 2)], folder: 2, storage: 1, spell: 1)
        cache.removed(2, folder: root, storage: 1)
        XCTAssertNil(cache.listing(2, storage: 1, spell: 1), "a removed folder's own listing goes with it")
        XCTAssertFalse(cache.listing(root, storage: 1, spell: 1)!.contains { $0.id == 2 })
        XCTAssertTrue(cache.listing(root, storage: 1, spell: 1)!.contains { $0.id == 3 })
    }

    func testListingsAreKeptPerStorage() {
        var cache = FolderCache()
        cache.store([entry(1, "a")], folder: 7, storage: 1, spell: 1)
        XCTAssertNil(cache.listing(7, storage: 2, spell: 1))
        cache.removeAll()
        XCTAssertEqual(cache.count, 0)
    }

    func testAListingIsTrustedOnlyInTheSpellThatReadIt() {
        var cache = FolderCache()
        cache.store([entry(1, "a")], folder: 7, storage: 1, spell: 3)
        XCTAssertEqual(cache.listing(7, storage: 1, spell: 3)?.map(\.name), ["a"])
        XCTAssertNil(cache.listing(7, storage: 1, spell: 4), "a later spell lists the folder again")
    }
}
