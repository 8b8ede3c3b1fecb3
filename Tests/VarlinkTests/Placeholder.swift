import XCTest
final class VarlinkTestsPlaceholder: XCTestCase {}
