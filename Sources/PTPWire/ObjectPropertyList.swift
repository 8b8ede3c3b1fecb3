/// One element of an MTP ObjectPropList: a property value of one object.
public struct ObjectPropertyListElement: Hashable, Sendable {
    /// The object (0 in SendObjectPropList, where the object does not exist yet).
    public var handle: UInt32
    /// The property.
    public var code: ObjectPropertyCode
    /// The value, whose data type is written before it.
    public var value: PropertyValue

    /// Creates an element.
    public init(handle: UInt32, code: ObjectPropertyCode, value: PropertyValue) {
        self.handle = handle
        self.code = code
        self.value = value
    }
}

/// The ObjectPropList dataset (MTP 5.4.2): a UInt32 count, then handle, property code, data type and value
/// for each element.
public enum ObjectPropertyList {
    /// The dataset's bytes.
    public static func bytes(_ elements: [ObjectPropertyListElement]) -> [UInt8] {
        var w = WireWriter(capacity: 4 + elements.count * 16)
        w.write(UInt32(truncatingIfNeeded: elements.count))
        for element in elements {
            w.write(element.handle)
            w.write(element.code.rawValue)
            w.write(element.value.dataType.rawValue)
            element.value.write(to: &w)
        }
        return w.bytes
    }

    /// Parses a dataset.
    public static func parse(_ bytes: some Collection<UInt8>) throws(WireReadError) -> [ObjectPropertyListElement] {
        var r = WireReader(bytes)
        let count = Int(try r.readUInt32())
        // An element takes at least 9 bytes; a count the bytes cannot hold is refused before any allocation.
        try r.need(count.multipliedReportingOverflow(by: 9).overflow ? Int.max : count * 9)
        var elements: [ObjectPropertyListElement] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            let handle = try r.readUInt32()
            let code = ObjectPropertyCode(try r.readUInt16())
            let type = DataTypeCode(try r.readUInt16())
            elements.append(ObjectPropertyListElement(handle: handle, code: code, value: try PropertyValue.read(type, from: &r)))
        }
        return elements
    }
}
