import ManagerContract
import Varlink

/// Feeds arbitrary bytes to the server side of the Varlink module as a client's socket would reach it: the
/// NUL framing, the JSON parser, call decoding, and routing with parameter checks against the daemon's real
/// interface, stopping before a service runs. The first byte picks the mode: a byte stream (cut into reads of
/// a size the byte also picks), one parameters object for one Manager method, or an interface description.
func fuzzVarlink(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let mode = bytes.first else { return }
    let rest = UnsafeBufferPointer(rebasing: bytes[1...])
    switch mode % 4 {
    case 0, 1: feedStream(rest, readSize: Int(mode >> 2) * 7 + 1, cap: mode % 4 == 0 ? 1 << 20 : 200)
    case 2: checkParameters(rest, method: Int(mode >> 2))
    default: checkInterface(rest)
    }
}

/// Frames the stream as `ServerConnection` does, read by read, and takes every message through to routing.
/// A message that comes again in the same stream is framed again but checked once: parsing and routing are
/// pure, so a repeat reaches no other code and no other outcome. Mutated streams are mostly repeats (a run of
/// NULs frames as that many empty messages), and checking every repeat took most of an input's time.
private func feedStream(_ input: UnsafeBufferPointer<UInt8>, readSize: Int, cap: Int) {
    // Reads reach the framer as array slices, as the server's do: called from outside its module, the framer's
    // generic append copies an array slice in one move but a buffer slice byte by byte.
    let stream = Array(input)
    var framer = MessageFramer(maxMessageBytes: cap)
    var framed: [UInt8] = []
    var offset = 0
    var checkedMessages: Set<[UInt8]> = []
    var checkedReplies: Set<JSONValue> = []
    reading: while offset < stream.count {
        let end = min(stream.count, offset + readSize)
        framer.append(stream[offset..<end])
        offset = end
        while let message = framer.next() {
            precondition(message.count <= cap && !message.contains(0), "framer returned a message it should not have")
            framed += message
            framed.append(0)
            guard checkedMessages.insert(message).inserted else { continue }
            checkJSON(message)
            route(message, checkedReplies: &checkedReplies)
        }
        if framer.isOverCap { break reading }
    }
    // Nothing is lost or invented: the messages and what is still pending are exactly what was read.
    precondition(framed + Array(framer.pending) == Array(stream[..<offset]), "framing changed the bytes")
    precondition(framer.isOverCap || !framer.pending.contains(0), "a complete message within the cap was left pending")
}

/// Whatever parses re-serialises and re-parses to an equal value, no deeper than the limit; the rest fails
/// with an offset inside the input.
func checkJSON(_ bytes: [UInt8]) {
    do {
        let value = try JSONValue.parse(bytes)
        precondition(nesting(value) <= JSONValue.maximumDepth, "parser accepted nesting deeper than its limit")
        let text = value.serialized()
        guard let again = try? JSONValue.parse(text) else { preconditionFailure("serialized value does not parse") }
        precondition(again == value, "JSON round trip changed the value")
        precondition(again.serialized() == text, "serialization is not stable")
    } catch {
        precondition((0...bytes.count).contains(error.offset), "parse error offset outside the input")
    }
}

/// How many arrays and objects are nested in `value` (0 for a scalar).
func nesting(_ value: JSONValue) -> Int {
    switch value {
    case .array(let a): 1 + (a.map(nesting).max() ?? 0)
    case .object(let o): 1 + (o.values.map(nesting).max() ?? 0)
    default: 0
    }
}

private let peer = PeerCredentials(pid: 1, uid: 1000, gid: 1000)
private let manager = Manager.interface
private let dispatcher = try! Dispatcher(
    services: [ManagerStub()],
    info: VarlinkServer.Info(vendor: "fuzz", product: "fuzz", version: "0", url: ""))
/// The Manager's method names in a fixed order, for the parameters mode to pick one by index.
private let managerMethods = manager.methods.keys.sorted()
private let routingErrors: Set = [
    "org.varlink.service.InterfaceNotFound", "org.varlink.service.MethodNotFound",
    "org.varlink.service.InvalidParameter",
]

/// The Manager interface with no implementation: the fuzzer routes calls to it but never runs one.
private struct ManagerStub: VarlinkService {
    var interfaceDescription: String { Manager.description }
    func handle(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] {
        preconditionFailure("the fuzzer never runs a service")
    }
}

/// One message as a call: decoded or refused, then answered, refused or handed to the service. A reply in
/// `checkedReplies` has already been through serialization in this input.
private func route(_ message: [UInt8], checkedReplies: inout Set<JSONValue>) {
    let call: VarlinkCall
    do {
        call = try VarlinkCall(message: message, fileDescriptors: [], peer: peer, connection: 1)
    } catch {
        precondition(error.name == "org.varlink.service.InvalidParameter", "a message was refused with \(error.name)")
        checkReply(error: error.name, error.parameters, checked: &checkedReplies)
        return
    }
    do {
        switch try dispatcher.route(call) {
        // GetInfo and GetInterfaceDescription answer with fixed texts, nothing taken from the input.
        case .answered: break
        case .service:
            precondition(call.interface == manager.name, "routed to a service for \(call.interface)")
            checkAccepted(call.parameters, method: call.method)
        }
    } catch {
        precondition(routingErrors.contains(error.name), "routing failed with \(error.name)")
        checkReply(error: error.name, error.parameters, checked: &checkedReplies)
    }
}

/// A reply the server would send is JSON that parses back to itself. Different messages often earn the same
/// reply (all that are not JSON for the same reason at the same byte), so one already in `checked` is not redone.
private func checkReply(error: String?, _ parameters: [String: JSONValue], checked: inout Set<JSONValue>) {
    var reply: [String: JSONValue] = ["parameters": .object(parameters)]
    if let error { reply["error"] = .string(error) }
    let value = JSONValue.object(reply)
    guard checked.insert(value).inserted else { return }
    precondition((try? JSONValue.parse(value.serialized())) == value, "a reply does not survive serialization")
}

/// Parameters a method accepted name only its declared inputs and hold every one that is not optional. The
/// contract reads them as the daemon's handler would, or refuses them naming a declared field; what it reads
/// it writes back as parameters the interface accepts, which read back to the same values.
private func checkAccepted(_ parameters: [String: JSONValue], method: String) {
    guard let input = manager.methods[method]?.input else { preconditionFailure("accepted an undeclared method \(method)") }
    for key in parameters.keys { precondition(input.contains { $0.name == key }, "accepted an undeclared parameter \(key)") }
    for field in input {
        if case .optional = field.type { continue }
        precondition((parameters[field.name] ?? .null) != .null, "accepted a call without \(field.name)")
    }
    guard let typed = Manager.Method(rawValue: method)?.parametersType else { preconditionFailure("no contract for \(method)") }
    let value: any VarlinkObject
    do {
        value = try typed.init(fields: parameters)
    } catch {
        // A field of the method, or of an object it takes (context.expectedBytes is refused as expectedBytes).
        let bad = error.parameters["parameter"]?.stringValue ?? ""
        let named = input.contains { $0.name == bad } || parameters.values.contains { $0.objectValue?[bad] != nil }
        precondition(error == .invalidParameter(bad) && named, "the contract refused \(method) with \(error), naming no field")
        return
    }
    let written = value.fields
    precondition(
        manager.invalidParameter(in: written, method: method) == nil,
        "the contract wrote \(method) parameters the interface refuses")
    precondition((try? typed.init(fields: written))?.fields == written, "\(method) parameters do not read back")
}

/// The bytes as the parameters of one Manager method, checked as the dispatcher checks them.
private func checkParameters(_ bytes: UnsafeBufferPointer<UInt8>, method index: Int) {
    guard let parameters = (try? JSONValue.parse(bytes))?.objectValue else { return }
    let method = managerMethods[index % managerMethods.count]
    guard let bad = manager.invalidParameter(in: parameters, method: method) else {
        checkAccepted(parameters, method: method)
        return
    }
    // The complaint names a parameter that was sent or one that is declared, or a path below one.
    let names = Array(parameters.keys) + manager.methods[method]!.input.map(\.name)
    precondition(
        names.contains { bad == $0 || bad.hasPrefix($0 + ".") },
        "InvalidParameter names \(bad), which is neither sent nor declared")
}

/// The bytes as an interface description: it parses or fails with a line inside the text, and a parsed one
/// checks values of every shape against every input without trapping.
private func checkInterface(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    let interface: VarlinkInterface
    do {
        interface = try VarlinkInterface(parsing: text)
    } catch {
        precondition(error.line >= 1 && error.line <= text.utf8.count + 1, "parse error on line \(error.line)")
        return
    }
    precondition(interface.description == text, "the description is not the text it came from")
    let shapes: [JSONValue] = [
        .null, .bool(true), .int(-1), .double(0.5), .string("a"), .array([.int(1), .null]),
        .object(["a": .string("a")]), .array([.object([:])]),
    ]
    for (method, signature) in interface.methods {
        for field in signature.input {
            for shape in shapes { _ = interface.invalidParameter(in: [field.name: shape], method: method) }
        }
        _ = interface.invalidParameter(in: [:], method: method)
    }
}
