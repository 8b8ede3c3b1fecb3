/// Routes checked calls to the service that implements their interface, and answers org.varlink.service
/// itself from the services' descriptions.
package struct Dispatcher: Sendable {
    struct Entry: Sendable {
        let interface: VarlinkInterface
        let service: any VarlinkService
    }
    let entries: [String: Entry]
    let info: VarlinkServer.Info
    static let serviceInterface = "org.varlink.service"

    /// Parses each service's interface description; fails on the first that does not parse.
    package init(services: [any VarlinkService], info: VarlinkServer.Info) throws(VarlinkInterface.ParseError) {
        var entries: [String: Entry] = [:]
        for service in services {
            let interface = try VarlinkInterface(parsing: service.interfaceDescription)
            entries[interface.name] = Entry(interface: interface, service: service)
        }
        self.entries = entries
        self.info = info
    }

    /// Where a call goes once checked: answered here (org.varlink.service), or to a service.
    package enum Route: Sendable {
        case answered([String: JSONValue])
        case service(any VarlinkService)
    }

    /// Checks `call` against the interfaces without running a service: everything a client's bytes reach
    /// before a service sees them, synchronous so the fuzzer and tests can drive it.
    package func route(_ call: VarlinkCall) throws(VarlinkError) -> Route {
        if call.interface == Self.serviceInterface { return .answered(try builtIn(call)) }
        guard let entry = entries[call.interface] else { throw VarlinkError.interfaceNotFound(call.interface) }
        guard entry.interface.methods[call.method] != nil else {
            throw VarlinkError.methodNotFound(call.interface + "." + call.method)
        }
        if let bad = entry.interface.invalidParameter(in: call.parameters, method: call.method) {
            throw VarlinkError.invalidParameter(bad)
        }
        return .service(entry.service)
    }

    func dispatch(_ call: VarlinkCall, replies: VarlinkReplyStream) async throws -> [String: JSONValue] {
        switch try route(call) {
        case .answered(let parameters): return parameters
        case .service(let service): return try await service.handle(call, replies: replies)
        }
    }

    private func builtIn(_ call: VarlinkCall) throws(VarlinkError) -> [String: JSONValue] {
        switch call.method {
        case "GetInfo":
            return [
                "vendor": .string(info.vendor), "product": .string(info.product), "version": .string(info.version),
                "url": .string(info.url),
                "interfaces": .array(([Self.serviceInterface] + entries.keys.sorted()).map(JSONValue.string)),
            ]
        case "GetInterfaceDescription":
            guard let name = call.parameters["interface"]?.stringValue else { throw VarlinkError.invalidParameter("interface") }
            if name == Self.serviceInterface { return ["description": .string(Self.serviceDescription)] }
            guard let entry = entries[name] else { throw VarlinkError.interfaceNotFound(name) }
            return ["description": .string(entry.interface.description)]
        default:
            throw VarlinkError.methodNotFound(Self.serviceInterface + "." + call.method)
        }
    }

    /// The standard introspection interface every varlink service implements.
    static let serviceDescription = """
        # The Varlink Service Interface is provided by every varlink service. It
        # describes the service and the interfaces it implements.
        interface org.varlink.service

        # Get a list of all the interfaces a service provides and information
        # about the implementation.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Get the description of an interface that is implemented by this service.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # The requested interface was not found.
        error InterfaceNotFound (interface: string)

        # The requested method was not found
        error MethodNotFound (method: string)

        # The interface defines the requested method, but the service does not
        # implement it.
        error MethodNotImplemented (method: string)

        # One of the passed parameters is invalid.
        error InvalidParameter (parameter: string)

        # Client is denied access
        error PermissionDenied ()

        # Method is expected to be called with 'more' set to true, but wasn't
        error ExpectedMore ()

        """
}
