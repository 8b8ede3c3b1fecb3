import Foundation

// What every fuzz target's entry shares. Built with `-sanitize=fuzzer -DFUZZING` a target is a libFuzzer
// binary whose `main` hands over to libFuzzer's driver; built plainly it replays the corpus files it is given,
// so the committed seeds are also a regression test.

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Runs libFuzzer's driver with the process's arguments and the target's `LLVMFuzzerTestOneInput`.
public func runLibFuzzer(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, testOneInput)
}
#endif

/// libFuzzer's input as a buffer (it passes a null pointer for an empty input).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
}

/// Feeds each file named on the command line to `body`: a plain build's replay of a corpus.
public func replayCorpusFiles(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
    for path in CommandLine.arguments.dropFirst() {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { body($0.bindMemory(to: UInt8.self)) }
    }
}
