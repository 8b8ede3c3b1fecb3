@testable import MTPCtlKit
import XCTest

final class SyncPlanTests: XCTestCase {
    private func file(_ path: String, _ size: Int64 = 10, _ modified: Int64? = 1000) -> SyncItem {
        SyncItem(path: path, isFolder: false, size: size, modified: modified)
    }
    private func folder(_ path: String) -> SyncItem { SyncItem(path: path, isFolder: true) }

    func testAnEmptyDestinationGetsEveryFolderParentsFirstAndEveryFile() {
        let plan = SyncPlan(source: [file("A/X/1.mp3"), folder("A/X"), folder("A"), file("top.mp3")], destination: [])
        XCTAssertEqual(plan.folders, ["A", "A/X"])
        XCTAssertEqual(plan.transfers.map(\.item.path), ["A/X/1.mp3", "top.mp3"])
        XCTAssertEqual(plan.transfers.map(\.reason), [.missing, .missing])
        XCTAssertEqual(plan.bytes, 20)
        XCTAssertTrue(plan.deletions.isEmpty)
    }

    func testSameSizeAndTimeIsUpToDateAndAnotherSizeIsSentAsAReplacement() {
        let plan = SyncPlan(
            source: [file("same"), file("grown", 11)], destination: [file("same"), file("grown", 10)])
        XCTAssertEqual(plan.upToDate.map(\.path), ["same"])
        XCTAssertEqual(plan.transfers.map(\.item.path), ["grown"])
        XCTAssertEqual(plan.transfers.first?.reason, .size)
        XCTAssertEqual(plan.transfers.first?.replaces, true)
    }

    func testADestinationTimeLaterOrWithinToleranceIsUpToDateAndAnOlderOneIsNot() {
        let source = [file("kept", 10, 1000), file("received", 10, 1000), file("fat", 10, 1001), file("changed", 10, 1000)]
        let destination = [
            file("kept", 10, 1000),  // The device took the file's time.
            file("received", 10, 5000),  // The device kept the time it received it.
            file("fat", 10, 1000),  // Two-second granularity.
            file("changed", 10, 900),  // Edited since it was sent.
        ]
        let plan = SyncPlan(source: source, destination: destination)
        XCTAssertEqual(plan.upToDate.map(\.path), ["fat", "kept", "received"])
        XCTAssertEqual(plan.transfers.map(\.item.path), ["changed"])
        XCTAssertEqual(plan.transfers.first?.reason, .newer)
        XCTAssertEqual(SyncPlan(source: source, destination: destination, sizeOnly: true).transfers, [])
    }

    func testAMissingTimeOnEitherSideFallsBackToTheSize() {
        let plan = SyncPlan(
            source: [file("a", 10, nil), file("b", 10, 2000)], destination: [file("a", 10, 1), file("b", 10, nil)])
        XCTAssertEqual(plan.upToDate.count, 2)
    }

    func testExtrasStayWithoutDeleteAndGoWithItTopmostOnly() {
        let source = [folder("A"), file("A/1")]
        let destination = [folder("A"), file("A/1"), file("A/stray"), folder("Old"), folder("Old/Deep"), file("Old/Deep/x")]
        XCTAssertEqual(SyncPlan(source: source, destination: destination).deletions, [])
        let plan = SyncPlan(source: source, destination: destination, delete: true)
        XCTAssertEqual(plan.deletions.map(\.path), ["A/stray", "Old"])
        XCTAssertEqual(plan.upToDate.map(\.path), ["A/1"])
    }

    func testAFolderInAFilesPlaceIsAConflictUnlessDeleteReplacesIt() {
        let source = [file("name"), folder("dir"), file("dir/in")]
        let destination = [folder("name"), file("name/old"), file("dir")]
        let refused = SyncPlan(source: source, destination: destination)
        XCTAssertEqual(refused.conflicts.map(\.source.path), ["dir", "name"])
        XCTAssertEqual(refused.transfers, [], "nothing below a folder that cannot be made is sent")
        XCTAssertEqual(refused.folders, [])
        let replaced = SyncPlan(source: source, destination: destination, delete: true)
        XCTAssertEqual(replaced.conflicts.count, 0)
        XCTAssertEqual(replaced.deletions.map(\.path), ["dir", "name"])
        XCTAssertEqual(replaced.folders, ["dir"])
        XCTAssertEqual(replaced.transfers.map(\.item.path), ["dir/in", "name"])
        XCTAssertEqual(replaced.transfers.map(\.reason), [.missing, .replacesFolder])
    }
}

final class ExcludeRulesTests: XCTestCase {
    func testANameMatchesAtAnyDepthAndAPathFromTheTop() {
        let rules = ExcludeRules(["*.tmp", "Live/*", "/Top.txt", "Podcasts/"])
        XCTAssertTrue(rules.excludes("a.tmp", isFolder: false))
        XCTAssertTrue(rules.excludes("A/B/c.tmp", isFolder: false))
        XCTAssertTrue(rules.excludes("Live/x.flac", isFolder: false))
        XCTAssertFalse(rules.excludes("Live/Sub/x.flac", isFolder: false), "* does not cross folders in a path pattern")
        XCTAssertFalse(rules.excludes("Other/Live/x.flac", isFolder: false), "a path pattern is anchored at the top")
        XCTAssertTrue(rules.excludes("Top.txt", isFolder: false))
        XCTAssertFalse(rules.excludes("A/Top.txt", isFolder: false))
        XCTAssertTrue(rules.excludes("Music/Podcasts", isFolder: true))
        XCTAssertFalse(rules.excludes("Music/Podcasts", isFolder: false), "a trailing slash matches folders only")
        XCTAssertFalse(rules.excludes("song.mp3", isFolder: false))
        XCTAssertTrue(ExcludeRules([]).isEmpty)
    }
}
