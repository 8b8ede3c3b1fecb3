import FuzzDriver
import PTPWire
import VirtualPlayer

/// Feeds arbitrary bytes to the PTP container parser and to a responder with an open session: both must answer
/// every input with a container, a typed error or a PTP response code, never a trap. Built with
/// `-sanitize=fuzzer -DFUZZING` this is a libFuzzer target; built plainly it replays corpus files given as
/// arguments, so the committed corpus is also a regression test.
func parseAnything(_ bytes: UnsafeBufferPointer<UInt8>) {
    let parser = ContainerParser()
    _ = parser.parseHeader(bytes)
    if case .success(let container) = parser.parse(bytes) {
        // Whatever parses must encode back to exactly the bytes it came from.
        precondition(container.bytes.elementsEqual(bytes), "container round trip changed the bytes")
    }
    driveResponder(bytes)
}

/// The first input byte picks how the rest is cut into bulk-OUT transfers, as a host might split them.
private func driveResponder(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let responder = try? MTPResponder(configuration: PlayerConfiguration(personality: .android)) else { return }
    var inBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    func drain() {
        // Bounded: a responder that produced endless data would be a bug the fuzzer should not hang on.
        for _ in 0..<64 {
            let n = inBuffer.withUnsafeMutableBytes { responder.bulkIn(into: $0) }
            if n == nil { break }
        }
    }
    Container.command(.openSession, transactionID: 0, [1]).bytes.withUnsafeBytes { responder.bulkOut($0) }
    drain()
    guard let first = bytes.first else { return }
    let chunk = Int(first) * 37 + 1
    var offset = 1
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        responder.bulkOut(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[offset..<end])))
        drain()
        offset = end
    }
    _ = inBuffer.withUnsafeMutableBytes { responder.interruptIn(into: $0) }
    responder.clientVanished()
}

#if FUZZING
/// libFuzzer calls this, by its C name, once per input; 0 keeps the input eligible for the corpus.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    parseAnything(fuzzInput(data, size))
    return 0
}

/// SwiftPM links an executable's entry point under this name; hand control to libFuzzer's driver.
@_cdecl("PTPContainerFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runLibFuzzer(argc, argv, fuzzOneInput)
}
#else
@main
enum CorpusReplay {
    static func main() throws { try replayCorpusFiles(parseAnything) }
}
#endif
