import Foundation
@testable import DeviceDataFuzzer
@testable import PTPContainerFuzzer
@testable import VarlinkFuzzer
import XCTest

/// Every committed seed and every crash once found goes through the fuzzers' own entry functions on each
/// plain test run, so what was fixed stays fixed without libFuzzer. A seed that trips an invariant traps.
final class CorpusReplayTests: XCTestCase {
    static let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    /// The seeds of one corpus, failing the test when there are none (a moved folder must not pass silently).
    private func seeds(_ corpus: String) throws -> [Data] {
        let folder = Self.corpora.appendingPathComponent(corpus)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThan(names.count, 5, "the \(corpus) corpus is missing")
        return try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }

    func testPTPContainerCorpus() throws {
        for seed in try seeds("PTPContainer") { seed.withUnsafeBytes { parseAnything($0.bindMemory(to: UInt8.self)) } }
    }

    func testVarlinkCorpus() throws {
        for seed in try seeds("Varlink") { seed.withUnsafeBytes { fuzzVarlink($0.bindMemory(to: UInt8.self)) } }
    }

    func testDeviceDataCorpus() throws {
        for seed in try seeds("DeviceData") { seed.withUnsafeBytes { fuzzDeviceData($0.bindMemory(to: UInt8.self)) } }
    }
}
