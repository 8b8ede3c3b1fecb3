import Logging

/// Services that depend on those before them: started in order, stopped in the reverse order, each stop
/// awaited before the next begins (swift-service-lifecycle's `ServiceGroup`, in-house).
public actor ServiceGroup {
    private let services: [any Service]
    private var lifecycles: [ServiceLifecycle]
    private var lifecycle = ServiceLifecycle()
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private let logger: Logger

    /// A group of `services`, in the order they start.
    public init(_ services: [any Service], logger: Logger) {
        self.services = services
        lifecycles = Array(repeating: ServiceLifecycle(), count: services.count)
        self.logger = logger
    }

    /// Each service's state, in start order.
    public var states: [ServiceLifecycle.State] { lifecycles.map(\.state) }

    /// Starts every service in order. When one fails, those already running are stopped in reverse order and
    /// its error is thrown. Does nothing when the group was stopped first.
    public func start() async throws {
        guard lifecycle.beginStart() else { return }
        for index in services.indices {
            guard lifecycles[index].beginStart() else { continue }
            do {
                try await services[index].start()
                lifecycles[index].finishStart(succeeded: true)
                logger.debug("service started", metadata: ["service": "\(services[index].name)"])
            } catch {
                lifecycles[index].finishStart(succeeded: false)
                lifecycle.finishStart(succeeded: true)  // What did start is stopped like a running group.
                await stop()
                throw error
            }
        }
        lifecycle.finishStart(succeeded: true)
    }

    /// Stops the running services, last started first, each only once the one after it has stopped. A second
    /// call returns when the first one's stop is complete. Call it once `start()` has returned.
    public func stop() async {
        switch lifecycle.beginStop() {
        case .nothingToStop:
            return
        case .awaitStopped:
            await withCheckedContinuation { stopWaiters.append($0) }
            return
        case .stop:
            break
        }
        for index in services.indices.reversed() {
            guard lifecycles[index].beginStop() == .stop else { continue }  // Never started: nothing to undo.
            logger.debug("stopping service", metadata: ["service": "\(services[index].name)"])
            await services[index].stop()
            lifecycles[index].finishStop()
        }
        lifecycle.finishStop()
        for waiter in stopWaiters { waiter.resume() }
        stopWaiters = []
    }
}
