import XCTest
final class MTPCtlKitTestsPlaceholder: XCTestCase {}
