/// The allowed values of a property, as its description states them.
public enum PropertyForm: Hashable, Sendable {
    /// Any value of the data type.
    case none
    /// Values from `minimum` to `maximum` in steps of `step`.
    case range(minimum: PropertyValue, maximum: PropertyValue, step: PropertyValue)
    /// One of the listed values.
    case enumeration([PropertyValue])
    /// MTP: a string holding a PTP date-time.
    case dateTime

    /// The form flag byte.
    public var flag: UInt8 {
        switch self {
        case .none: 0
        case .range: 1
        case .enumeration: 2
        case .dateTime: 3
        }
    }

    /// Appends the flag and the form's values.
    public func write(to writer: inout WireWriter) {
        writer.write(flag)
        switch self {
        case .none, .dateTime: break
        case .range(let minimum, let maximum, let step):
            minimum.write(to: &writer)
            maximum.write(to: &writer)
            step.write(to: &writer)
        case .enumeration(let values):
            writer.write(UInt16(truncatingIfNeeded: values.count))
            for value in values { value.write(to: &writer) }
        }
    }

    /// Reads a form flag and its values for a property of `type`.
    public static func read(_ type: DataTypeCode, from reader: inout WireReader) throws(WireReadError) -> PropertyForm {
        let flag = try reader.readUInt8()
        switch flag {
        case 0: return .none
        case 1:
            return .range(
                minimum: try PropertyValue.read(type, from: &reader),
                maximum: try PropertyValue.read(type, from: &reader),
                step: try PropertyValue.read(type, from: &reader))
        case 2:
            let count = Int(try reader.readUInt16())
            var values: [PropertyValue] = []
            for _ in 0..<count { values.append(try PropertyValue.read(type, from: &reader)) }
            return .enumeration(values)
        case 3: return .dateTime
        default: throw .invalidValue(offset: reader.offset - 1, what: "form flag \(flag)")
        }
    }
}

/// The DevicePropDesc dataset (PTP 5.5.4): a device property's type, access, default, value and form.
public struct DevicePropertyDescription: Hashable, Sendable {
    /// The property.
    public var code: DevicePropertyCode
    /// Whether the host may set it.
    public var writable: Bool
    /// The factory default.
    public var factoryDefault: PropertyValue
    /// The current value.
    public var current: PropertyValue
    /// The allowed values.
    public var form: PropertyForm

    /// Creates a description; `factoryDefault` and `current` must share a data type.
    public init(
        code: DevicePropertyCode, writable: Bool, factoryDefault: PropertyValue, current: PropertyValue,
        form: PropertyForm = .none
    ) {
        self.code = code
        self.writable = writable
        self.factoryDefault = factoryDefault
        self.current = current
        self.form = form
    }

    /// The dataset's bytes.
    public var bytes: [UInt8] {
        var w = WireWriter()
        w.write(code.rawValue)
        w.write(factoryDefault.dataType.rawValue)
        w.write(UInt8(writable ? 1 : 0))
        factoryDefault.write(to: &w)
        current.write(to: &w)
        form.write(to: &w)
        return w.bytes
    }

    /// Parses a dataset.
    public init(bytes: some Collection<UInt8>) throws(WireReadError) {
        var r = WireReader(bytes)
        code = DevicePropertyCode(try r.readUInt16())
        let type = DataTypeCode(try r.readUInt16())
        writable = try r.readUInt8() != 0
        factoryDefault = try PropertyValue.read(type, from: &r)
        current = try PropertyValue.read(type, from: &r)
        form = try PropertyForm.read(type, from: &r)
    }
}

/// The ObjectPropDesc dataset (MTP 5.3.2.3): an object property's type, access, default, group and form.
public struct ObjectPropertyDescription: Hashable, Sendable {
    /// The property.
    public var code: ObjectPropertyCode
    /// The data type.
    public var dataType: DataTypeCode
    /// Whether the host may set it (libmtp only sets properties whose description says so).
    public var writable: Bool
    /// The factory default.
    public var factoryDefault: PropertyValue
    /// The property group (0 when groups are not used).
    public var groupCode: UInt32
    /// The allowed values.
    public var form: PropertyForm

    /// Creates a description whose default is the type's zero value.
    public init(
        code: ObjectPropertyCode, dataType: DataTypeCode, writable: Bool, groupCode: UInt32 = 0,
        form: PropertyForm = .none
    ) {
        self.code = code
        self.dataType = dataType
        self.writable = writable
        factoryDefault = PropertyValue.zero(of: dataType) ?? .uint8(0)
        self.groupCode = groupCode
        self.form = form
    }

    /// The dataset's bytes.
    public var bytes: [UInt8] {
        var w = WireWriter()
        w.write(code.rawValue)
        w.write(dataType.rawValue)
        w.write(UInt8(writable ? 1 : 0))
        factoryDefault.write(to: &w)
        w.write(groupCode)
        form.write(to: &w)
        return w.bytes
    }

    /// Parses a dataset.
    public init(bytes: some Collection<UInt8>) throws(WireReadError) {
        var r = WireReader(bytes)
        code = ObjectPropertyCode(try r.readUInt16())
        dataType = DataTypeCode(try r.readUInt16())
        writable = try r.readUInt8() != 0
        factoryDefault = try PropertyValue.read(dataType, from: &r)
        groupCode = try r.readUInt32()
        form = try PropertyForm.read(dataType, from: &r)
    }
}
