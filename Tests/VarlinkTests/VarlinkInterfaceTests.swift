import Foundation
@testable import Varlink
import XCTest

/// The interface description parser, on the real Manager interface and on broken texts, and the
/// parameter check every call goes through.
final class VarlinkInterfaceTests: XCTestCase {
    private static let managerURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ManagerContract/org.mtpsessiond.Manager.varlink")

    private func manager() throws -> VarlinkInterface {
        try VarlinkInterface(parsing: String(contentsOf: Self.managerURL, encoding: .utf8))
    }

    private func field(_ fields: [VarlinkField]?, _ name: String, file: StaticString = #filePath, line: UInt = #line)
        -> VarlinkType?
    {
        guard let f = fields?.first(where: { $0.name == name }) else {
            XCTFail("no field \(name)", file: file, line: line)
            return nil
        }
        return f.type
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> VarlinkInterface.ParseError? {
        do {
            let interface = try VarlinkInterface(parsing: text)
            XCTFail("parsed \(interface.name)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: The real interface

    func testManagerInterfaceMethodsAndName() throws {
        let text = try String(contentsOf: Self.managerURL, encoding: .utf8)
        let interface = try VarlinkInterface(parsing: text)
        XCTAssertEqual(interface.name, "org.mtpsessiond.Manager")
        XCTAssertEqual(interface.description, text, "introspection serves the text as written, comments included")
        XCTAssertEqual(
            Set(interface.methods.keys),
            [
                "ListDevices", "BeginSession", "EndSession", "List", "Stat", "Put", "Get", "Delete", "MakeDirectory",
                "Rename", "Move", "Cancel", "Monitor", "SetPlaylist", "GetPlaylist", "SetAlbum", "GetAlbum",
            ])
        XCTAssertEqual(
            Set(interface.types.keys), ["Storage", "Device", "Entry", "Track", "TrackList", "Waiting", "Progress", "Event"])
    }

    func testManagerMethodSignatures() throws {
        let interface = try manager()
        let begin = try XCTUnwrap(interface.methods["BeginSession"])
        XCTAssertEqual(
            begin.input.map(\.name), ["device", "types", "context", "leaseSeconds", "exclusive", "timeoutSeconds"])
        XCTAssertEqual(
            begin.input.map(\.type),
            [.string, .array(.string), .optional(.object), .optional(.int), .optional(.bool), .optional(.float)])
        XCTAssertEqual(
            begin.output,
            [
                VarlinkField(name: "session", type: .optional(.string)), VarlinkField(name: "device", type: .optional(.string)),
                VarlinkField(name: "waiting", type: .optional(.named("Waiting"))),
            ])

        let put = try XCTUnwrap(interface.methods["Put"])
        XCTAssertEqual(field(put.input, "track"), .optional(.named("Track")))
        XCTAssertEqual(field(put.input, "fd"), .int)
        XCTAssertEqual(field(put.output, "progress"), .optional(.named("Progress")))

        XCTAssertEqual(interface.methods["ListDevices"]?.input, [])
        XCTAssertEqual(interface.methods["ListDevices"]?.output, [VarlinkField(name: "devices", type: .array(.named("Device")))])
        XCTAssertEqual(interface.methods["Monitor"]?.output, [VarlinkField(name: "event", type: .named("Event"))])
        XCTAssertEqual(interface.methods["EndSession"]?.output, [])
    }

    func testManagerNestedTypesAndEnums() throws {
        let interface = try manager()
        guard case .structure(let device)? = interface.types["Device"] else { return XCTFail("Device is not a struct") }
        XCTAssertEqual(device.count, 16, "comments between fields are not fields")
        XCTAssertEqual(field(device, "sessions"), .array(.string))
        XCTAssertEqual(field(device, "storages"), .array(.named("Storage")))
        XCTAssertEqual(field(device, "battery"), .optional(.int))
        XCTAssertEqual(field(device, "open"), .bool)
        guard case .structure(let storage)? = interface.types["Storage"] else { return XCTFail("Storage is not a struct") }
        XCTAssertEqual(storage.map(\.name), ["id", "description", "capacity", "free"])

        guard case .structure(let progress)? = interface.types["Progress"] else { return XCTFail("Progress is not a struct") }
        XCTAssertEqual(field(progress, "phase"), .enumeration(["begin", "progress", "end"]))
        guard case .structure(let event)? = interface.types["Event"] else { return XCTFail("Event is not a struct") }
        XCTAssertEqual(
            field(event, "kind"),
            .enumeration(["deviceAdded", "deviceRemoved", "storageChanged", "objectAdded", "objectRemoved"]))
        XCTAssertEqual(field(event, "object"), .optional(.int), "a keyword-like field name is still a field")
    }

    func testManagerErrors() throws {
        let interface = try manager()
        XCTAssertEqual(interface.errors.count, 25)
        XCTAssertEqual(interface.errors["DeviceReset"]?.map(\.name), ["device", "message"])
        XCTAssertEqual(interface.errors["PartiallyDeleted"]?.map(\.name), ["device", "path", "remaining", "message"])
        XCTAssertEqual(interface.errors["PartiallyDeleted"]?[2].type, .array(.string))
        XCTAssertEqual(interface.errors["LimitReached"]?.map(\.name), ["limit", "value", "fix"])
        XCTAssertEqual(
            interface.errors["NoSuchDevice"],
            [VarlinkField(name: "device", type: .string), VarlinkField(name: "attached", type: .array(.string))])
        XCTAssertEqual(interface.errors["InvalidSessionType"], [VarlinkField(name: "type", type: .string)])
        XCTAssertEqual(interface.errors["DeviceError"]?.map(\.name), ["device", "function", "message", "responseCode", "errno"])
        XCTAssertEqual(interface.errors["DeviceError"]?.last?.type, .optional(.int))
        XCTAssertEqual(interface.errors["DeviceGone"], [VarlinkField(name: "device", type: .string)])
    }

    func testManagerParametersAreCheckedThroughNamedTypes() throws {
        let interface = try manager()
        let put: [String: JSONValue] = ["device": "", "folder": "/Music", "name": "a.mp3", "fd": 0, "size": 10]
        XCTAssertNil(interface.invalidParameter(in: put, method: "Put"))
        var withTrack = put
        withTrack["track"] = ["title": "T", "year": 2001, "genre": nil]
        XCTAssertNil(interface.invalidParameter(in: withTrack, method: "Put"))
        withTrack["track"] = ["title": "T", "year": "2001"]
        XCTAssertEqual(interface.invalidParameter(in: withTrack, method: "Put"), "track.year")
        withTrack["track"] = ["composer": "X"]
        XCTAssertEqual(interface.invalidParameter(in: withTrack, method: "Put"), "track.composer")
        XCTAssertEqual(interface.invalidParameter(in: ["types": []], method: "BeginSession"), "device")
        XCTAssertNil(
            interface.invalidParameter(in: ["device": "x", "types": ["delete"], "timeoutSeconds": 2], method: "BeginSession"))
    }

    // MARK: org.varlink.service

    func testServiceInterfaceParses() throws {
        let interface = try VarlinkInterface(parsing: Dispatcher.serviceDescription)
        XCTAssertEqual(interface.name, "org.varlink.service")
        XCTAssertEqual(Set(interface.methods.keys), ["GetInfo", "GetInterfaceDescription"])
        XCTAssertEqual(interface.methods["GetInfo"]?.input, [])
        XCTAssertEqual(interface.methods["GetInfo"]?.output.map(\.name), ["vendor", "product", "version", "url", "interfaces"])
        XCTAssertEqual(interface.methods["GetInfo"]?.output.last?.type, .array(.string))
        XCTAssertEqual(interface.methods["GetInterfaceDescription"]?.input, [VarlinkField(name: "interface", type: .string)])
        XCTAssertEqual(
            Set(interface.errors.keys),
            [
                "InterfaceNotFound", "MethodNotFound", "MethodNotImplemented",
                "InvalidParameter", "PermissionDenied", "ExpectedMore",
            ])
        XCTAssertEqual(interface.errors["PermissionDenied"], [])
        XCTAssertEqual(interface.errors["InvalidParameter"], [VarlinkField(name: "parameter", type: .string)])
    }

    // MARK: Syntax

    func testTypeSyntax() throws {
        let interface = try VarlinkInterface(
            parsing: """
                interface org.example.syntax # a comment after the name
                type T (
                  a: ?[]?[string]int,   # optional array of optional maps
                  b: [string](x, y),
                  c: (inner: (deep: float)),
                  d: object
                )
                method M ( ) -> ()
                """)
        guard case .structure(let t)? = interface.types["T"] else { return XCTFail("T is not a struct") }
        XCTAssertEqual(
            t,
            [
                VarlinkField(name: "a", type: .optional(.array(.optional(.map(.int))))),
                VarlinkField(name: "b", type: .map(.enumeration(["x", "y"]))),
                VarlinkField(
                    name: "c",
                    type: .structure([VarlinkField(name: "inner", type: .structure([VarlinkField(name: "deep", type: .float)]))])),
                VarlinkField(name: "d", type: .object),
            ])
        XCTAssertEqual(interface.methods["M"]?.input, [])
    }

    func testParseErrorsNameTheLine() throws {
        let missingComma = parseError("interface org.example.test\nmethod Foo() -> (\n  a: int\n  b: int\n)\n")
        XCTAssertEqual(missingComma?.line, 4)
        XCTAssertEqual(missingComma?.reason, "expected ')'")
        XCTAssertEqual(missingComma?.description, "interface description, line 4: expected ')'")

        let missingArrow = parseError("interface org.example.test\n\n# comment\nmethod Foo(a: int) (b: int)\n")
        XCTAssertEqual(missingArrow?.line, 4)
        XCTAssertEqual(missingArrow?.reason, "expected '->'")

        let keyword = parseError("interface org.example.test\nmethod A() -> ()\nfunction B() -> ()\n")
        XCTAssertEqual(keyword?.line, 3)
        XCTAssertEqual(keyword?.reason, "unexpected 'function'")

        let punctuation = parseError("interface org.example.test\n\n}\n")
        XCTAssertEqual(punctuation?.line, 3)
        XCTAssertEqual(punctuation?.reason, "unexpected '}'")
    }

    func testAnUnknownTypeNamesTheLineThatUsesIt() throws {
        let method = parseError("interface org.example.test\n\nmethod Foo(a: []Missing) -> ()\n\n# trailing comment\n\n")
        XCTAssertEqual(method?.reason, "unknown type Missing")
        XCTAssertEqual(method?.line, 3)

        let type = parseError("interface org.example.test\ntype A (x: int)\ntype B (\n  a: A,\n  b: ?Nope\n)\nmethod M() -> ()\n")
        XCTAssertEqual(type?.reason, "unknown type Nope")
        XCTAssertEqual(type?.line, 5)

        let error = parseError("interface org.example.test\nmethod M() -> ()\nerror E (what: Ghost)\n")
        XCTAssertEqual(error?.reason, "unknown type Ghost")
        XCTAssertEqual(error?.line, 3)
    }

    func testAForwardReferenceToATypeIsFine() throws {
        let interface = try VarlinkInterface(
            parsing: "interface org.example.test\nmethod M(p: Later) -> ()\ntype Later (x: int)\n")
        XCTAssertEqual(interface.methods["M"]?.input, [VarlinkField(name: "p", type: .named("Later"))])
    }

    /// Checking a call against such a type recursed until the stack ran out (VarlinkFuzzer crashes on the seed).
    func testATypeDefinedOnlyByItselfIsRefused() throws {
        let loop = parseError("interface org.example.loop\ntype A ?B\ntype B A\nmethod M(a: A) -> ()\n")
        XCTAssertEqual(loop?.reason, "type A is defined only by itself")
        XCTAssertEqual(loop?.line, 2)
        XCTAssertEqual(parseError("interface org.example.loop\ntype A A\n")?.reason, "type A is defined only by itself")
        // Recursion through a shape is fine: each level of the type needs a level of the value.
        let tree = try VarlinkInterface(
            parsing: "interface org.example.tree\ntype T (kids: []?T, up: ?T)\nmethod M(t: T) -> ()\n")
        XCTAssertNil(tree.invalidParameter(in: ["t": ["kids": [nil, ["kids": []]]]], method: "M"))
    }

    func testOtherParseErrors() {
        XCTAssertEqual(parseError("")?.line, 1)
        XCTAssertEqual(parseError("")?.reason, "unexpected end")
        XCTAssertEqual(parseError("method Foo() -> ()")?.reason, "expected 'interface'")
        XCTAssertEqual(parseError("interface example\nmethod Foo() -> ()")?.line, 1)
        XCTAssertEqual(parseError("interface org.example.test\nmethod Foo() -> (\n")?.reason, "unexpected end")
        XCTAssertEqual(
            parseError("interface org.example.test\ntype E (a, b: int)\n")?.reason, "a type is either an enum or a struct")
        XCTAssertEqual(parseError("interface org.example.test\ntype M [int]string\n")?.reason, "map keys are strings: [string]T")
        XCTAssertEqual(
            parseError("interface org.example.test\nmethod Foo string -> ()\n")?.reason, "expected the method's input fields")
        XCTAssertEqual(
            parseError("interface org.example.test\nmethod Foo() -> int\n")?.reason, "expected the method's output fields")
        XCTAssertEqual(parseError("interface org.example.test\nerror Bad string\n")?.reason, "expected the error's fields")
    }

    // MARK: Parameter checks

    private static let checked = """
        interface org.example.check
        type Point (x: float, y: float)
        type Shape (
          kind: (circle, square),
          centre: Point,
          tags: []string,
          attributes: [string]int,
          note: ?string
        )
        method Draw(
          shape: Shape,
          scale: ?float,
          count: int,
          flag: bool,
          label: string,
          extra: object,
          points: []Point,
          values: ?[]?int
        ) -> ()
        """

    private let good: [String: JSONValue] = [
        "shape": ["kind": "circle", "centre": ["x": 1.5, "y": 2], "tags": ["a", "b"], "attributes": ["w": 1]],
        "count": 3, "flag": true, "label": "L", "extra": ["anything": [1, "x"]],
        "points": [["x": 0, "y": 0], ["x": -1.5, "y": 1e10]],
    ]

    private func check(_ change: (inout [String: JSONValue]) -> Void) throws -> String? {
        var parameters = good
        change(&parameters)
        return try VarlinkInterface(parsing: Self.checked).invalidParameter(in: parameters, method: "Draw")
    }

    func testWellTypedParametersPass() throws {
        XCTAssertNil(try check { _ in })
        XCTAssertNil(try check { $0["values"] = [1, nil, 3] })
        XCTAssertNil(try check { $0["points"] = [] })
        XCTAssertNil(try check { $0["extra"] = [:] })
    }

    func testUnknownParameterIsNamed() throws {
        XCTAssertEqual(try check { $0["colour"] = "red" }, "colour")
        XCTAssertEqual(
            try check { $0["shape"] = ["kind": "circle", "centre": ["x": 1, "y": 2], "tags": [], "attributes": [:], "z": 1] },
            "shape.z")
    }

    func testMissingNonOptionalIsNamedAndNullDoesNotStandInForIt() throws {
        XCTAssertEqual(try check { $0["count"] = nil }, "count")
        XCTAssertEqual(try check { $0["count"] = .null }, "count")
        XCTAssertEqual(try check { $0["label"] = .null }, "label")
        XCTAssertEqual(try check { $0 = [:] }, "shape", "the first declared field is reported first")
    }

    func testOptionalMayBeAbsentOrNull() throws {
        XCTAssertNil(try check { $0["scale"] = nil })
        XCTAssertNil(try check { $0["scale"] = .null })
        XCTAssertNil(try check { $0["values"] = .null })
        XCTAssertNil(
            try check {
                $0["shape"] = ["kind": "square", "centre": ["x": 1, "y": 2], "tags": [], "attributes": [:], "note": nil]
            })
        XCTAssertNil(try check { $0["scale"] = 0.5 })
    }

    func testWrongScalarTypesAreNamed() throws {
        XCTAssertEqual(try check { $0["count"] = "3" }, "count")
        XCTAssertEqual(try check { $0["count"] = true }, "count")
        XCTAssertEqual(try check { $0["flag"] = 1 }, "flag")
        XCTAssertEqual(try check { $0["flag"] = "true" }, "flag")
        XCTAssertEqual(try check { $0["label"] = 1 }, "label")
        XCTAssertEqual(try check { $0["label"] = ["L"] }, "label")
        XCTAssertEqual(try check { $0["extra"] = [] }, "extra")
        XCTAssertEqual(try check { $0["extra"] = "{}" }, "extra")
        XCTAssertEqual(try check { $0["scale"] = "1" }, "scale")
    }

    func testIntIsAcceptedAsFloatButNotTheReverse() throws {
        XCTAssertNil(try check { $0["scale"] = 2 })
        XCTAssertNil(try check { $0["scale"] = .int(Int64.max) })
        XCTAssertEqual(try check { $0["count"] = 2.5 }, "count")
        XCTAssertEqual(try check { $0["count"] = 2.0 }, "count", "a double is not an int, even when integral")
    }

    func testArraysMapsEnumsStructsAndNamedTypesReportTheNestedPath() throws {
        func shape(_ change: (inout [String: JSONValue]) -> Void) -> JSONValue {
            var s = good["shape"]!.objectValue!
            change(&s)
            return .object(s)
        }
        XCTAssertEqual(try check { $0["shape"] = shape { $0["kind"] = "triangle" } }, "shape.kind")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["kind"] = 0 } }, "shape.kind")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["centre"] = ["x": "1", "y": 2] } }, "shape.centre.x")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["centre"] = [1, 2] } }, "shape.centre")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["tags"] = ["a", 1] } }, "shape.tags.1")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["tags"] = "a" } }, "shape.tags")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["attributes"] = ["a": 1, "b": "x"] } }, "shape.attributes.b")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["attributes"] = [1] } }, "shape.attributes")
        XCTAssertEqual(try check { $0["shape"] = shape { $0["note"] = 5 } }, "shape.note")
        XCTAssertEqual(try check { $0["shape"] = "circle" }, "shape")
        XCTAssertEqual(try check { $0["points"] = [["x": 1, "y": 2], ["x": 1]] }, "points.1.y")
        XCTAssertEqual(try check { $0["points"] = [["x": 1, "y": 2], nil] }, "points.1")
        XCTAssertEqual(try check { $0["values"] = [1, nil, "x"] }, "values.2")
        XCTAssertEqual(try check { $0["values"] = [1.5] }, "values.0")
    }

    func testAnUndeclaredMethodIsLeftToTheDispatcher() throws {
        XCTAssertNil(try VarlinkInterface(parsing: Self.checked).invalidParameter(in: ["anything": 1], method: "Erase"))
    }
}
