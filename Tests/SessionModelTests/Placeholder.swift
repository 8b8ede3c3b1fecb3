import XCTest
final class SessionModelTestsPlaceholder: XCTestCase {}
