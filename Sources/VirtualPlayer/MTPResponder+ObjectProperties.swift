import PTPWire

/// MTP object properties: descriptions, single values and property lists.
extension MTPResponder {
    /// GetObjectPropsSupported.
    func objectPropsSupported(_ format: ObjectFormatCode) -> Reply {
        var writer = WireWriter()
        writer.writeArray(ObjectPropertyCatalog.specs(for: format).map(\.code.rawValue))
        return .data(writer.bytes)
    }

    /// GetObjectPropDesc.
    func objectPropDesc(_ code: ObjectPropertyCode, format: ObjectFormatCode) -> Reply {
        guard let description = ObjectPropertyCatalog.description(code, format: format) else {
            return .response(.invalidObjectPropCode)
        }
        return .data(description.bytes)
    }

    /// GetObjectPropValue.
    func objectPropValue(_ handle: UInt32, _ code: ObjectPropertyCode) -> Reply {
        guard let (_, object) = locate(handle) else { return .response(.invalidObjectHandle) }
        var writer = WireWriter()
        guard ObjectPropertyCatalog.write(code, of: object, to: &writer) else { return .response(.invalidObjectPropCode) }
        return .data(writer.bytes)
    }

    /// SetObjectPropValue, after its data phase.
    func setObjectPropValue(_ command: Container, data: [UInt8]) -> Reply {
        let p = command.parameters + [0, 0]
        let code = ObjectPropertyCode(UInt16(truncatingIfNeeded: p[1]))
        guard let (index, object) = locate(p[0]) else { return .response(.invalidObjectHandle) }
        guard let spec = ObjectPropertyCatalog.spec(code), ObjectPropertyCatalog.supports(code, on: object.format) else {
            return .response(.invalidObjectPropCode)
        }
        guard spec.writable else { return .response(.accessDenied) }
        if code == .representativeSampleData { return setRepresentativeSample(of: object.handle, in: index, data: data) }
        var reader = WireReader(data)
        guard let value = try? PropertyValue.read(spec.dataType, from: &reader), reader.isAtEnd else {
            return .response(.invalidObjectPropFormat)
        }
        do throws(StoreError) {
            try stores[index].setProperty(code, to: value, of: object.handle)
            return .response(.ok)
        } catch {
            return .response(error == .invalidValue ? .invalidObjectPropValue : error.responseCode)
        }
    }

    /// SetObjectPropValue of an album's cover art: the AUINT8 array is read straight into bytes, and art past
    /// `ObjectPropertyCatalog.sampleByteLimit` is refused as an invalid value.
    private func setRepresentativeSample(of handle: UInt32, in index: Int, data: [UInt8]) -> Reply {
        var reader = WireReader(data)
        guard let count = try? reader.readUInt32() else { return .response(.invalidObjectPropFormat) }
        guard count <= ObjectPropertyCatalog.sampleByteLimit else { return .response(.invalidObjectPropValue) }
        guard let bytes = try? reader.readBytes(Int(count)), reader.isAtEnd else {
            return .response(.invalidObjectPropFormat)
        }
        do throws(StoreError) {
            try stores[index].setRepresentativeSample(Array(bytes), of: handle)
            return .response(.ok)
        } catch {
            return .response(error.responseCode)
        }
    }

    /// SetObjectPropList, after its data phase; stops at the first element that fails.
    func setObjectPropList(_ command: Container, data: [UInt8]) -> Reply {
        guard let elements = try? ObjectPropertyList.parse(data) else { return .response(.invalidDataset) }
        for (position, element) in elements.enumerated() {
            // The response's parameter names the first element that failed.
            let failed = [UInt32(position)]
            guard let (index, object) = locate(element.handle) else { return .response(.invalidObjectHandle, failed) }
            guard let spec = ObjectPropertyCatalog.spec(element.code),
                ObjectPropertyCatalog.supports(element.code, on: object.format)
            else {
                return .response(.invalidObjectPropCode, failed)
            }
            guard spec.writable else { return .response(.accessDenied, failed) }
            do throws(StoreError) {
                try stores[index].setProperty(element.code, to: element.value, of: element.handle)
            } catch {
                return .response(error == .invalidValue ? .invalidObjectPropFormat : error.responseCode, failed)
            }
        }
        return .response(.ok)
    }

    /// GetObjectPropList over a handle (0xFFFFFFFF all), format, property (0xFFFFFFFF all) and depth.
    func objectPropList(handle: UInt32, format: UInt32, property: UInt32, group: UInt32, depth: UInt32) -> Reply {
        if property == 0 { return .response(group == 0 ? .parameterNotSupported : .specificationByGroupUnsupported) }
        let wantedFormat = format == 0 ? nil : ObjectFormatCode(UInt16(truncatingIfNeeded: format))
        let wantedProperty = property == 0xFFFF_FFFF ? nil : ObjectPropertyCode(UInt16(truncatingIfNeeded: property))
        if let wantedProperty, ObjectPropertyCatalog.spec(wantedProperty) == nil {
            return .response(.invalidObjectPropCode)
        }
        var objects: [StoredObject] = []
        if handle == 0xFFFF_FFFF {
            for store in stores { objects += store.allHandles().compactMap(store.object) }
        } else if handle == 0 {
            // The root is no object: depth 1 means its children, and so on.
            if depth > 0 {
                for store in stores {
                    objects += descendants(
                        of: store.childHandles(of: 0), in: store, levels: depth == 0xFFFF_FFFF ? nil : depth - 1)
                }
            }
        } else {
            guard let (index, _) = locate(handle) else { return .response(.invalidObjectHandle) }
            objects = descendants(of: [handle], in: stores[index], levels: depth == 0xFFFF_FFFF ? nil : depth)
        }
        // The ObjectPropList dataset, written here rather than through `ObjectPropertyList` so that cover art goes
        // out from its bytes: a count, then handle, code, data type and value per element.
        var writer = WireWriter()
        writer.write(UInt32(0))
        var count: UInt32 = 0
        for object in objects where wantedFormat == nil || object.format == wantedFormat {
            let codes =
                wantedProperty.map { [$0] }
                ?? ObjectPropertyCatalog.specs(for: object.format).map(\.code).filter {
                    !ObjectPropertyCatalog.namedOnly.contains($0)
                }
            for code in codes {
                guard let spec = ObjectPropertyCatalog.spec(code), ObjectPropertyCatalog.supports(code, on: object.format)
                else { continue }
                writer.write(object.handle)
                writer.write(code.rawValue)
                writer.write(spec.dataType.rawValue)
                _ = ObjectPropertyCatalog.write(code, of: object, to: &writer)
                count += 1
            }
        }
        var bytes = writer.bytes
        withUnsafeBytes(of: count.littleEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        return .data(bytes)
    }

    /// `start` and the objects up to `levels` levels below them (nil: all), parents before children.
    private func descendants(of start: [UInt32], in store: any ObjectStore, levels: UInt32?) -> [StoredObject] {
        var result: [StoredObject] = []
        var level = start
        var depth: UInt32 = 0
        while !level.isEmpty {
            var next: [UInt32] = []
            for handle in level {
                guard let object = store.object(handle) else { continue }
                result.append(object)
                if object.isFolder, levels.map({ depth < $0 }) ?? true { next += store.childHandles(of: handle) }
            }
            level = next
            depth += 1
        }
        return result
    }
}
