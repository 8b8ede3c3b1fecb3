import PTPWire

/// Parsing commands, checking the session and faults, and routing to the operation handlers.
extension MTPResponder {
    /// What an operation handler decided.
    enum Reply {
        /// Just a response.
        case response(ResponseCode, [UInt32] = [])
        /// A data container with `payload`, then an OK response with `parameters`.
        case data([UInt8], then: [UInt32] = [])
        /// A data container streaming part of an object, then an OK response with `parameters`.
        case object(any ObjectReader, start: UInt64, length: UInt64, then: [UInt32])
        /// Receive the host's data phase into `sink`, then finish in `finishDataPhase` (or answer `failure`).
        case receive(IncomingData.Sink, IncomingData.EndRule, failure: ResponseCode? = nil)
    }

    /// Parses one bulk-OUT transfer as a command and queues what it earns.
    func handleCommandBytes(_ bytes: UnsafeRawBufferPointer) {
        let command: Container
        switch ContainerParser().parse(bytes) {
        case .success(let parsed) where parsed.type == .command:
            command = parsed
        case .success(let parsed):
            // Data, response or event where a command belongs. A stray data container's remaining transfers
            // are dropped so they do not each earn a response.
            if parsed.type == .data { phase = .discarding }
            queueResponse(.generalError, transactionID: parsed.transactionID)
            return
        case .failure(let error):
            let transactionID =
                bytes.count >= ContainerHeader.size ? bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian : 0
            switch error {
            case .lengthMismatch(let declared, let actual):
                let header = try? ContainerParser().parseHeader(bytes).get()
                if header?.type == .data {
                    phase = .discarding
                    queueResponse(.generalError, transactionID: transactionID)
                } else {
                    queueResponse(
                        UInt64(declared) > UInt64(actual) ? .incompleteTransfer : .invalidParameter,
                        transactionID: transactionID)
                }
            case .partialParameter, .tooManyParameters:
                queueResponse(.invalidParameter, transactionID: transactionID)
            case .shorterThanHeader, .unknownType:
                queueResponse(.generalError, transactionID: transactionID)
            }
            return
        }
        let operation = OperationCode(command.code)
        counters.record(operation)
        if let code = refusal(of: operation) {
            reply(.response(code), to: command, dataPhaseFromHost: PersonalityProfile.hostToDeviceData.contains(operation))
            return
        }
        reply(perform(command), to: command, dataPhaseFromHost: false)
    }

    /// Why `operation` is refused before looking at its parameters, if it is.
    private func refusal(of operation: OperationCode) -> ResponseCode? {
        if faults.busyCommands > 0 {
            faults.busyCommands -= 1
            return .deviceBusy
        }
        guard profile.operations.contains(operation) else { return .operationNotSupported }
        if sessionID == nil && operation != .getDeviceInfo && operation != .openSession { return .sessionNotOpen }
        return nil
    }

    /// Queues what `reply` says; a refused command whose host still sends data first receives that data.
    private func reply(_ reply: Reply, to command: Container, dataPhaseFromHost: Bool) {
        let packetSize = configuration.packetSize
        switch reply {
        case .response(let code, let parameters):
            if dataPhaseFromHost {
                phase = .receiving(IncomingData(command: command, sink: .discard, failure: code))
            } else {
                queueResponse(code, transactionID: command.transactionID, parameters)
            }
        case .data(let payload, let parameters):
            outgoing.append(
                .data(
                    OperationCode(command.code), transactionID: command.transactionID, payload: payload,
                    packetSize: packetSize))
            queueResponse(.ok, transactionID: command.transactionID, parameters)
        case .object(let reader, let start, let length, let parameters):
            outgoing.append(
                .object(
                    OperationCode(command.code), transactionID: command.transactionID, reader: reader,
                    start: start, length: length, packetSize: packetSize))
            queueResponse(.ok, transactionID: command.transactionID, parameters)
        case .receive(let sink, let endRule, let failure):
            phase = .receiving(IncomingData(command: command, sink: sink, endRule: endRule, failure: failure))
        }
    }

    /// Queues a response container.
    func queueResponse(_ code: ResponseCode, transactionID: UInt32, _ parameters: [UInt32] = []) {
        outgoing.append(
            .response(
                Container.response(code, transactionID: transactionID, parameters),
                packetSize: configuration.packetSize))
    }

    /// Answers a data phase that has completed.
    func finishDataPhase(_ incoming: IncomingData) {
        let command = incoming.command
        if let failure = incoming.failure {
            cutOff(incoming)
            // A busy device keeps the announced object so that the host may simply retry SendObject.
            if incoming.operation == .sendObject && failure != .deviceBusy { pendingObject = nil }
            queueResponse(failure, transactionID: command.transactionID)
            return
        }
        let result: Reply
        switch incoming.operation {
        case .sendObjectInfo: result = sendObjectInfo(command, dataset: incoming.payload)
        case .sendObjectPropList: result = sendObjectPropList(command, dataset: incoming.payload)
        case .sendObject: result = finishSendObject(incoming)
        case .setDevicePropValue: result = setDevicePropValue(command, data: incoming.payload)
        case .setObjectPropValue: result = setObjectPropValue(command, data: incoming.payload)
        case .setObjectPropList: result = setObjectPropList(command, data: incoming.payload)
        case .sendPartialObject: result = finishSendPartialObject(incoming)
        case .setObjectReferences: result = setObjectReferences(command, data: incoming.payload)
        default: result = .response(.operationNotSupported)
        }
        guard case .response(let code, let parameters) = result else {
            preconditionFailure("a data phase from the host ends in a response")
        }
        queueResponse(code, transactionID: command.transactionID, parameters)
    }

    /// Runs one command whose refusal checks passed.
    private func perform(_ command: Container) -> Reply {
        let p = command.parameters + Array(repeating: 0, count: Container.maximumParameterCount - command.parameters.count)
        switch OperationCode(command.code) {
        case .getDeviceInfo: return .data(deviceInfo.bytes)
        case .openSession: return openSession(p[0])
        case .closeSession:
            closeSession()
            return .response(.ok)
        case .getStorageIDs: return .data(storageIDsDataset())
        case .getStorageInfo: return storageInfo(p[0])
        case .getNumObjects: return objectHandles(storage: p[0], format: p[1], parent: p[2], countOnly: true)
        case .getObjectHandles: return objectHandles(storage: p[0], format: p[1], parent: p[2], countOnly: false)
        case .getObjectInfo: return objectInfo(p[0])
        case .getObject: return getObject(p[0])
        case .getPartialObject: return getPartialObject(p[0], offset: UInt64(p[1]), maxBytes: p[2])
        case .getPartialObject64: return getPartialObject(p[0], offset: UInt64(p[2]) << 32 | UInt64(p[1]), maxBytes: p[3])
        case .deleteObject: return deleteObject(p[0], format: p[1])
        case .getObjectReferences: return objectReferences(p[0])
        case .sendObjectInfo, .sendObjectPropList, .setDevicePropValue, .setObjectPropValue, .setObjectPropList,
            .setObjectReferences:
            return .receive(.memory([]), .header)
        case .sendObject: return beginSendObject()
        case .moveObject: return moveObject(p[0], storage: p[1], parent: p[2])
        case .copyObject: return copyObject(p[0], storage: p[1], parent: p[2])
        case .getDevicePropDesc: return devicePropDesc(DevicePropertyCode(UInt16(truncatingIfNeeded: p[0])))
        case .getDevicePropValue: return devicePropValue(DevicePropertyCode(UInt16(truncatingIfNeeded: p[0])))
        case .getObjectPropsSupported: return objectPropsSupported(ObjectFormatCode(UInt16(truncatingIfNeeded: p[0])))
        case .getObjectPropDesc:
            return objectPropDesc(
                ObjectPropertyCode(UInt16(truncatingIfNeeded: p[0])),
                format: ObjectFormatCode(UInt16(truncatingIfNeeded: p[1])))
        case .getObjectPropValue: return objectPropValue(p[0], ObjectPropertyCode(UInt16(truncatingIfNeeded: p[1])))
        case .getObjectPropList:
            return objectPropList(handle: p[0], format: p[1], property: p[2], group: p[3], depth: p[4])
        case .beginEditObject: return beginEditObject(p[0])
        case .endEditObject: return endEditObject(p[0])
        case .truncateObject: return truncateObject(p[0], size: UInt64(p[2]) << 32 | UInt64(p[1]))
        case .sendPartialObject: return beginSendPartialObject(p[0], offset: UInt64(p[2]) << 32 | UInt64(p[1]), size: p[3])
        default: return .response(.operationNotSupported)
        }
    }

    private func openSession(_ id: UInt32) -> Reply {
        // Session id 0 is reserved by PTP.
        guard id != 0 else { return .response(.invalidParameter) }
        if let open = sessionID { return .response(.sessionAlreadyOpen, [open]) }
        sessionID = id
        if configuration.renumbersHandles { renumberObjects() }
        return .response(.ok)
    }
}
