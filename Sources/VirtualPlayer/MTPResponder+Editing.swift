import PTPWire

/// Android's in-place editing operations (BeginEditObject, SendPartialObject, TruncateObject, EndEditObject).
extension MTPResponder {
    func beginEditObject(_ handle: UInt32) -> Reply { .response(.operationNotSupported) }
    func endEditObject(_ handle: UInt32) -> Reply { .response(.operationNotSupported) }
    func truncateObject(_ handle: UInt32, size: UInt64) -> Reply { .response(.operationNotSupported) }
    func beginSendPartialObject(_ handle: UInt32, offset: UInt64, size: UInt32) -> Reply {
        .receive(.discard, .header, failure: .operationNotSupported)
    }
    func finishSendPartialObject(_ command: Container, data: [UInt8]) -> Reply { .response(.operationNotSupported) }
}
