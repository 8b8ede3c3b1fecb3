import Foundation
import Glibc
@testable import MTPCtlKit
import XCTest

/// What a local folder yields for sending: links followed with a loop guard, special files named, never dropped.
final class LocalTreeTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("localtree-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("lib/Album"), withIntermediateDirectories: true)
        try Data("one".utf8).write(to: root.appendingPathComponent("lib/Album/1.mp3"))
        try Data("outside".utf8).write(to: root.appendingPathComponent("elsewhere.mp3"))
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("lib/linked.mp3").path, withDestinationPath: "../elsewhere.mp3")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("lib/Album/loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("lib/broken.mp3").path, withDestinationPath: "nowhere")
        XCTAssertEqual(mkfifo(root.appendingPathComponent("lib/pipe").path, 0o600), 0)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func testLinksAreFollowedLoopsAndSpecialFilesAreNamedNotDropped() throws {
        let tree = try LocalTree.contents(of: root.appendingPathComponent("lib").path, exclude: ExcludeRules([]))
        XCTAssertEqual(tree.files.map(\.relativePath), ["Album/1.mp3", "linked.mp3"])
        XCTAssertEqual(tree.files.last?.size, 7, "the link's target is what is sent")
        XCTAssertEqual(tree.folders, ["Album"])
        XCTAssertEqual(tree.skipped.count, 3, "\(tree.skipped)")
        XCTAssertTrue(
            tree.skipped.contains { $0.hasSuffix("Album/loop: a symbolic link to a folder it is in (a loop)") }, "\(tree.skipped)"
        )
        XCTAssertTrue(tree.skipped.contains { $0.contains("broken.mp3: a symbolic link to nothing") }, "\(tree.skipped)")
        XCTAssertTrue(tree.skipped.contains { $0.hasSuffix("pipe: a pipe, not a regular file") }, "\(tree.skipped)")
    }

    func testWithoutDereferenceEveryLinkIsNamed() throws {
        let tree = try LocalTree.contents(
            of: root.appendingPathComponent("lib").path, dereference: false, exclude: ExcludeRules([]))
        XCTAssertEqual(tree.files.map(\.relativePath), ["Album/1.mp3"])
        XCTAssertEqual(
            tree.skipped.filter { $0.hasSuffix("a symbolic link (not followed: --no-dereference)") }.count, 3, "\(tree.skipped)")
    }

    func testAPipeNamedOnTheCommandLineIsRefusedWithTheWayToSendIt() {
        XCTAssertThrowsError(try LocalTree.expand([root.appendingPathComponent("lib/pipe").path])) { error in
            guard case MTPCtlError.localFile(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("is a pipe") && message.contains("put - --name"), message)
        }
        XCTAssertThrowsError(try LocalTree.expand(["/dev/null"])) { error in
            XCTAssertTrue("\(error)".contains("a character device"), "\(error)")
        }
    }

    func testExcludedObjectsAreLeftOutSilentlyAsAsked() throws {
        let tree = try LocalTree.contents(
            of: root.appendingPathComponent("lib").path, exclude: ExcludeRules(["Album/", "broken*", "pipe", "loop"]))
        XCTAssertEqual(tree.files.map(\.relativePath), ["linked.mp3"])
        XCTAssertEqual(tree.skipped, [])
    }
}
