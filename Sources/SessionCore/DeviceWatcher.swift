import DedicatedThreads
import Logging
import MTPProvider

/// Watches the USB bus on its own thread (libusb hotplug) and tells the manager about MTP devices coming and
/// going; devices already attached at start are reported as arrivals.
public final class DeviceWatcher: Sendable {
    private let manager: SessionManager
    private let logger: Logger
    private let stopped = LockedBox(false)
    private let consumer = LockedBox<Task<Void, Never>?>(nil)

    private enum Change: Sendable { case arrived(AttachedDevice), left(bus: UInt32, address: UInt32) }

    /// Creates a watcher feeding `manager`.
    public init(manager: SessionManager, logger: Logger) {
        self.manager = manager
        self.logger = logger
    }

    /// Starts watching; fails when libusb has no hotplug support here.
    public func start() throws(MTPError) {
        let monitor = try USBHotplugMonitor(enumerate: true)
        // The thread owns the monitor: libusb's event handling for it happens only there.
        let box = UncheckedBox(monitor)
        // One consumer keeps arrivals and removals in bus order.
        let (changes, sink) = AsyncStream<Change>.makeStream()
        let task = Task { [manager] in
            for await change in changes {
                switch change {
                case .arrived(let device): await manager.attached(device)
                case .left(let bus, let address): await manager.detached(bus: bus, address: address)
                }
            }
        }
        consumer.withLock { $0 = task }
        DedicatedThread.start(name: "usb-hotplug") { [self] in
            self.loop(box.value, sink); sink.finish()
        }
    }

    /// Stops watching, and returns once the hotplug thread has ended and every change it saw has reached the
    /// manager: nothing attaches a device behind a shutdown that follows.
    public func stop() async {
        stopped.withLock { $0 = true }
        // The consumer ends when the thread, seeing the flag at its next poll, finishes the stream.
        await consumer.withLock { $0 }?.value
    }

    private func loop(_ monitor: USBHotplugMonitor, _ sink: AsyncStream<Change>.Continuation) {
        while !stopped.withLock({ $0 }) {
            // libusb wakes every 100 ms inside `next` anyway; returning as often costs nothing and bounds `stop`.
            guard let event = monitor.next(timeoutMilliseconds: 100) else { continue }
            switch event.kind {
            case .arrived:
                let mtp: [AttachedDevice]
                do { mtp = try AttachedDevice.detect() } catch {
                    logger.warning("listing MTP devices failed", metadata: ["error": "\(error)"])
                    continue
                }
                // Hotplug sees every USB device; only those libmtp recognises as MTP are ours.
                guard
                    let device = mtp.first(where: {
                        UInt32($0.bus) == UInt32(event.bus) && UInt32($0.address) == UInt32(event.address)
                    })
                else { continue }
                sink.yield(.arrived(device))
            case .left:
                sink.yield(.left(bus: UInt32(event.bus), address: UInt32(event.address)))
            }
        }
    }
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
