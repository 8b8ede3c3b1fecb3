import XCTest
final class DaemonIntegrationTestsPlaceholder: XCTestCase {}
