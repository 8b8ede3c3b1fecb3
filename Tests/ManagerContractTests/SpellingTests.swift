import Foundation
import ManagerContract
import XCTest

/// Method and error names are spelled once, in the contract: code that speaks varlink names them through
/// `Manager.Method` and `Manager.Error`, never as string literals that drift when the interface changes.
final class SpellingTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    func testNoMethodOrErrorNameIsSpelledOutsideTheContract() throws {
        let names = Manager.Method.allCases.map(\.rawValue) + Manager.Error.Name.allCases.map(\.rawValue)
        // A literal that is a name, ends with ".Name", or starts with the interface's name.
        let spellings = names.flatMap { ["\"\($0)\"", ".\($0)\""] } + ["\"\(Manager.interfaceName)"]
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.sources.path)
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("ManagerContract/") }
        var speakers = 0
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            // Only code that speaks varlink: PTPWire, for one, names PTP's own StoreFull and DeviceBusy.
            guard text.contains("import Varlink") || text.contains("import ManagerContract") else { continue }
            speakers += 1
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                for spelling in spellings where line.contains(spelling) {
                    XCTFail("Sources/\(file):\(number + 1) spells \(spelling); use Manager.Method or Manager.Error")
                }
            }
        }
        XCTAssertGreaterThan(speakers, 10, "the scan found the sources")
    }

    func testTheInterfaceFileExistsOnce() throws {
        let root = Self.sources.deletingLastPathComponent()
        var found: [String] = []
        for folder in ["Sources", "Tests"] {
            for path in try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            where path.hasSuffix(".varlink") {
                found.append(folder + "/" + path)
            }
        }
        XCTAssertEqual(found, ["Sources/ManagerContract/org.mtpsessiond.Manager.varlink"])
        // No copy inside Swift source either (the fuzzer once carried one).
        for file in try FileManager.default.subpathsOfDirectory(atPath: Self.sources.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            XCTAssertFalse(
                text.contains("interface org.mtpsessiond.Manager\n"), "Sources/\(file) carries a copy of the interface")
        }
    }
}
