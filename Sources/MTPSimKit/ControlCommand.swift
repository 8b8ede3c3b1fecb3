/// One request on the control socket.
///
/// Grammar: `ACTION [ARGS] [device=SERIAL|INDEX]` with ACTION one of `stats`, `unplug`, `plug`,
/// `event CODE [PARAM...]` (numbers decimal or 0x-hex), `busy N`, `store-full on|off`, `hang on|off`, `stall on|off`,
/// `refresh`.
struct ControlCommand: Equatable {
    enum Action: Equatable {
        case stats, unplug, plug, refresh
        case event(code: UInt16, params: [UInt32])
        case busy(Int)
        case storeFull(Bool)
        /// Stop answering bulk transfers (a device that froze), or answer again.
        case hang(Bool)
        /// Fail every bulk transfer with a stall (a wedged endpoint) until the port is reset, or stop.
        case stall(Bool)
    }

    struct ParseError: Error { var message: String }

    var action: Action
    /// A serial, a serial prefix or a zero-based index; nil means every device.
    var device: String?

    init(parsing line: String) throws(ParseError) {
        var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let last = words.last, last.hasPrefix("device=") {
            device = String(last.dropFirst("device=".count))
            words.removeLast()
        }
        guard let verb = words.first else { throw ParseError(message: "empty request") }
        let args = Array(words.dropFirst())
        switch verb {
        case "stats": action = .stats
        case "unplug": action = .unplug
        case "plug", "replug": action = .plug
        case "refresh": action = .refresh
        case "event":
            guard let c = args.first.flatMap(Self.number), c <= 0xFFFF else {
                throw ParseError(message: "usage: event CODE [PARAM...], e.g. event 0x4002 7")
            }
            let params = args.dropFirst().compactMap(Self.number).map { UInt32(truncatingIfNeeded: $0) }
            guard params.count == args.count - 1, params.count <= 3 else {
                throw ParseError(message: "event parameters must be up to three numbers")
            }
            action = .event(code: UInt16(c), params: params)
        case "busy":
            guard args.count == 1, let n = Self.number(args[0]), n <= 1_000_000 else {
                throw ParseError(message: "usage: busy N")
            }
            action = .busy(Int(n))
        case "store-full":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else {
                throw ParseError(message: "usage: store-full on|off")
            }
            action = .storeFull(args[0] == "on")
        case "hang":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else {
                throw ParseError(message: "usage: hang on|off")
            }
            action = .hang(args[0] == "on")
        case "stall":
            guard args.count == 1, args[0] == "on" || args[0] == "off" else {
                throw ParseError(message: "usage: stall on|off")
            }
            action = .stall(args[0] == "on")
        default:
            throw ParseError(
                message: "unknown request '\(verb)' (try stats, unplug, plug, event, busy, store-full, hang, stall, refresh)")
        }
    }

    static func number(_ s: String) -> UInt64? {
        s.hasPrefix("0x") || s.hasPrefix("0X") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }
}
