// Built with `-sanitize=fuzzer -DFUZZING` this is a libFuzzer target; built plainly it replays corpus files
// given as arguments, as the PTPContainer fuzzer does.
import FuzzDriver
#if FUZZING
/// libFuzzer calls this, by its C name, once per input; 0 keeps the input eligible for the corpus.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzDeviceData(fuzzInput(data, size))
    return 0
}

/// SwiftPM links an executable's entry point under this name; hand control to libFuzzer's driver.
@_cdecl("DeviceDataFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzzOneInput)
}
#else
@main
enum CorpusReplay {
    static func main() throws { try replayCorpusFiles(fuzzDeviceData) }
}
#endif
