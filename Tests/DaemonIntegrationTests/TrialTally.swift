import XCTest

/// Counts one trial test's trials for `make soak`'s reliability report, which reads the line this prints at
/// the end: `trial-summary kind=K run=N survived=S left-behind=L`. A trial survived when it added no failure;
/// left-behind counts partial objects on a device, or truncated files on the host, that a trial found.
final class TrialTally {
    private let kind: String
    private let test: XCTestCase
    private var run = 0
    private var survived = 0
    private var leftBehind = 0
    private var failuresBefore = 0

    init(_ kind: String, in test: XCTestCase) {
        self.kind = kind
        self.test = test
    }

    /// A trial starts.
    func begin() {
        run += 1
        failuresBefore = test.testRun?.totalFailureCount ?? 0
    }

    /// The trial found `count` objects or files that should not be there.
    func found(leftBehind count: Int) { leftBehind += count }

    /// The trial ended (a trial that throws never gets here, and counts as run but not survived).
    func end() {
        if (test.testRun?.totalFailureCount ?? 0) == failuresBefore { survived += 1 }
    }

    /// Prints the summary line.
    func report() { print("trial-summary kind=\(kind) run=\(run) survived=\(survived) left-behind=\(leftBehind)") }
}
