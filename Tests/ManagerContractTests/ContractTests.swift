import Foundation
import ManagerContract
@testable import SessionAPI
import SessionCore
@testable import Varlink
import XCTest

/// The contract against the interface text it carries, and the daemon against the contract: every method has
/// one handler, every error the daemon can send is declared with the fields it sends, and every value the
/// contract writes is what the interface declares.
final class ContractTests: XCTestCase {
    private let interface = Manager.interface

    func testTheContractNamesExactlyTheDeclaredMethodsAndEachHasAHandler() {
        XCTAssertEqual(interface.name, Manager.interfaceName)
        XCTAssertEqual(Set(Manager.Method.allCases.map(\.rawValue)), Set(interface.methods.keys))
        XCTAssertEqual(Set(ManagerService.handlers.keys), Set(Manager.Method.allCases))
    }

    func testTheContractNamesExactlyTheDeclaredErrors() {
        XCTAssertEqual(Set(Manager.Error.Name.allCases.map(\.rawValue)), Set(interface.errors.keys))
        XCTAssertEqual(Set(Self.errorSamples.map(\.name)), Set(Manager.Error.Name.allCases), "a sample of every error")
    }

    func testEveryContractErrorCarriesTheDeclaredFieldsAndReadsBack() {
        for sample in Self.errorSamples {
            let reply = sample.varlinkError
            XCTAssertEqual(reply.name, "org.mtpsessiond.Manager." + sample.name.rawValue)
            guard let declared = interface.errors[sample.name.rawValue] else {
                XCTFail("\(sample.name) is not declared"); continue
            }
            assertMatches(reply.parameters, declared, "\(sample.name)")
            XCTAssertEqual(Manager.Error(reply), sample, "\(sample.name) does not read back")
        }
        XCTAssertNil(Manager.Error(VarlinkError.invalidParameter("device")), "another interface's error is not the contract's")
        XCTAssertNil(
            Manager.Error(VarlinkError(name: "org.mtpsessiond.Manager.NotFound", parameters: ["device": "x"])),
            "an error without its declared fields is not read as one")
    }

    /// Every error the daemon can send: each `ServiceError`, mapped at the edge, and the server's LimitReached.
    func testEveryErrorTheDaemonSendsIsDeclaredWithItsFields() {
        var covered = Set<Int>()
        for error in Self.coreSamples {
            covered.insert(Self.caseIndex(error))
            let reply = VarlinkError(error)
            if case .invalidParameter = error {
                XCTAssertEqual(reply, .invalidParameter("x"), "InvalidParameter is the varlink service's own error")
                continue
            }
            let short = String(reply.name.dropFirst("org.mtpsessiond.Manager.".count))
            guard reply.name.hasPrefix("org.mtpsessiond.Manager."), let declared = interface.errors[short] else {
                XCTFail("the daemon sends \(reply.name), which the interface does not declare"); continue
            }
            assertMatches(reply.parameters, declared, reply.name)
        }
        XCTAssertEqual(covered, Set(0..<Self.coreCaseCount), "a sample of every ServiceError case")

        let limits = ManagerService.limits()
        let peer = PeerCredentials(pid: 1, uid: 1000, gid: 1000)
        for limit in [VarlinkServer.Limit.connectionsPerUID, .stallSeconds, .queuedReplyBytes, .pendingCallBytes] {
            let refusal = limits.refusal(limit, peer: peer)
            XCTAssertEqual(refusal.name, Manager.Error.Name.limitReached.qualifiedName)
            assertMatches(refusal.parameters, interface.errors["LimitReached"] ?? [], "LimitReached")
            XCTAssertNotNil(Manager.Error(refusal), "mtpctl reads the refusal as the contract's LimitReached")
        }
    }

    /// Every method's parameters pass the server's own check against the interface, and every reply and update
    /// holds exactly the declared output fields with their declared types.
    func testEveryMethodsValuesAreWhatTheInterfaceDeclares() throws {
        for (method, sample) in Self.methodSamples {
            let declared = try XCTUnwrap(interface.methods[method.rawValue])
            for parameters in sample.parameters {
                XCTAssertNil(
                    interface.invalidParameter(in: parameters, method: method.rawValue), "\(method) parameters \(parameters)")
                let names = Set(declared.input.map(\.name))
                XCTAssertTrue(Set(parameters.keys).isSubset(of: names), "\(method) sends \(parameters.keys)")
            }
            for reply in sample.replies {
                let output = declared.output.filter { reply[$0.name] != nil }
                XCTAssertEqual(Set(reply.keys), Set(output.map(\.name)), "\(method) reply \(reply) has undeclared fields")
                assertMatches(reply, output, "\(method) reply")
                for field in declared.output where reply[field.name] == nil {
                    guard case .optional = field.type else { XCTFail("\(method) reply \(reply) lacks \(field.name)"); continue }
                }
            }
        }
        XCTAssertEqual(Set(Self.methodSamples.map(\.0)), Set(Manager.Method.allCases), "a sample of every method")
    }

    // MARK: Checking values against declarations

    private func assertMatches(
        _ object: [String: JSONValue], _ fields: [VarlinkField], _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(Set(object.keys), Set(fields.map(\.name)), "\(what): fields", file: file, line: line)
        for field in fields {
            XCTAssertTrue(
                conforms(object[field.name] ?? .null, field.type), "\(what).\(field.name) = \(object[field.name] ?? .null)",
                file: file, line: line)
        }
    }

    private func conforms(_ value: JSONValue, _ type: VarlinkType) -> Bool {
        switch type {
        case .optional(let inner): return value == .null || conforms(value, inner)
        case .bool: return value.boolValue != nil
        case .int: if case .int = value { return true } else { return false }
        case .float: return value.doubleValue != nil
        case .string: return value.stringValue != nil
        case .object: return value.objectValue != nil
        case .array(let element): return value.arrayValue?.allSatisfy { conforms($0, element) } ?? false
        case .map(let element): return value.objectValue?.values.allSatisfy { conforms($0, element) } ?? false
        case .enumeration(let members): return value.stringValue.map(members.contains) ?? false
        case .structure(let fields):
            guard let o = value.objectValue, Set(o.keys) == Set(fields.map(\.name)) else { return false }
            return fields.allSatisfy { conforms(o[$0.name] ?? .null, $0.type) }
        case .named(let name): return interface.types[name].map { conforms(value, $0) } ?? false
        }
    }

    // MARK: Samples

    static let errorSamples: [Manager.Error] = [
        .noSuchDevice(device: "X", attached: ["A", "B"]), .ambiguousDevice(device: "A", candidates: ["AB", "AC"]),
        .noSuchSession(session: "s1"), .notSessionOwner(session: "s1"),
        .sessionTypeMismatch(session: "s1", began: ["delete"], given: ["custom"]), .invalidSessionType(type: "bogus"),
        .deviceBusy(device: "A", session: "*", ahead: 2, message: nil),
        .deviceBusy(device: "A", session: nil, ahead: nil, message: "indexing"), .notFound(device: "A", path: "/x"),
        .alreadyExists(device: "A", path: "/x"), .notAFolder(device: "A", path: "/x"), .folderNotEmpty(device: "A", path: "/x"),
        .invalidName(name: "a/b", reason: "slash"), .invalidPath(path: "x", reason: "relative"),
        .noSuchStorage(device: "A", storage: 7), .storeFull(device: "A", needed: 10, free: 5),
        .badFileDescriptor(fd: 1, reason: "none"), .transferCancelled(transfer: "t1"), .noSuchTransfer(transfer: "t1"),
        .notSupported(device: "A", operation: "move"),
        .partiallyDeleted(device: "A", path: "/x", remaining: ["/x/y"], message: "refused"), .deviceGone(device: "A"),
        .deviceReset(device: "A", message: "timeout"),
        .deviceError(device: "A", function: "LIBMTP_Get_File_To_File_Descriptor", message: "io", responseCode: 0x2002, errno: 5),
        .deviceError(device: "A", function: "f", message: "m", responseCode: nil, errno: nil),
        .teardownFailed(session: "s1", component: "cache", message: "m"),
        .limitReached(limit: "stallSeconds", value: 30, fix: "read"),
    ]

    static let coreSamples: [ServiceError] = [
        .noSuchDevice(name: "X", attached: []), .ambiguousDevice(name: "A", candidates: ["AB"]), .noSuchSession("s"),
        .notSessionOwner("s"), .sessionTypeMismatch(session: "s", began: [], given: []), .invalidSessionType("t"),
        .deviceBusy(device: "A", session: nil, ahead: 3, message: nil), .notFound(device: "A", path: "/"),
        .alreadyExists(device: "A", path: "/"),
        .notAFolder(device: "A", path: "/"), .folderNotEmpty(device: "A", path: "/"), .invalidName(name: "n", reason: "r"),
        .invalidPath(path: "p", reason: "r"), .noSuchStorage(device: "A", storage: .max),
        .storeFull(device: "A", needed: .max, free: 0), .badFileDescriptor(fd: 3, reason: "r"), .transferCancelled("t"),
        .noSuchTransfer("t"), .notSupported(device: "A", operation: "o"),
        .partiallyDeleted(device: "A", path: "/", remaining: ["/a"], message: "m"), .deviceGone(device: "A"),
        .deviceReset(device: "A", message: "m"),
        .deviceError(device: "A", function: "f", message: "m", responseCode: 0x2019, errno: 16),
        .teardownFailed(session: "s", component: "c", message: "m"), .invalidParameter("x"),
    ]

    static let coreCaseCount = 25

    /// Which case `error` is; exhaustive, so a new `ServiceError` case does not compile until it is sampled here.
    static func caseIndex(_ error: ServiceError) -> Int {
        switch error {
        case .noSuchDevice: 0
        case .ambiguousDevice: 1
        case .noSuchSession: 2
        case .notSessionOwner: 3
        case .sessionTypeMismatch: 4
        case .invalidSessionType: 5
        case .deviceBusy: 6
        case .notFound: 7
        case .alreadyExists: 8
        case .notAFolder: 9
        case .folderNotEmpty: 10
        case .invalidName: 11
        case .invalidPath: 12
        case .noSuchStorage: 13
        case .storeFull: 14
        case .badFileDescriptor: 15
        case .transferCancelled: 16
        case .noSuchTransfer: 17
        case .notSupported: 18
        case .partiallyDeleted: 19
        case .deviceGone: 20
        case .deviceReset: 21
        case .deviceError: 22
        case .teardownFailed: 23
        case .invalidParameter: 24
        }
    }

    static let entry = Manager.Entry(
        id: 5, storage: 65537, parent: 0, name: "a.mp3", path: "/a.mp3", folder: false, size: 3, modified: nil)
    static let progress = Manager.ProgressUpdate(progress: Manager.Progress(transfer: "t1", phase: .progress, done: 1, total: 3))
    static let place = Manager.Place(device: "A", path: "/a.mp3", storage: 65537, session: "s1")

    /// For each method: parameters a client sends, and replies (last and intermediate) the daemon sends.
    static let methodSamples: [(Manager.Method, (parameters: [[String: JSONValue]], replies: [[String: JSONValue]]))] = [
        (
            .listDevices,
            (
                [Empty().fields],
                [
                    Manager.ListDevices.Reply(devices: [
                        Manager.Device(
                            serial: "A", vendorId: 1, productId: 2, bus: 1, address: 4, manufacturer: "M", model: "m",
                            friendlyName: nil,
                            battery: 80, storages: [Manager.Storage(id: 65537, description: "Internal", capacity: 10, free: nil)],
                            open: false, sessions: ["*", "s1"], queued: 2),
                        Manager.Device(
                            serial: "B", vendorId: 1, productId: 2, bus: 1, address: 5, manufacturer: "M", model: "m",
                            friendlyName: "f", battery: nil, storages: [], open: true, sessions: [], queued: 0, playlists: true,
                            albums: true, albumArt: false),
                    ]).fields
                ]
            )
        ),
        (
            .beginSession,
            (
                [
                    Manager.BeginSession.Parameters(device: "", types: ["transferToDevice"]).fields,
                    Manager.BeginSession.Parameters(
                        device: "A", types: ["0x1"], context: .init(expectedBytes: 3, folder: "/", storage: 1),
                        leaseSeconds: 30, exclusive: true, timeoutSeconds: 1.5
                    ).fields,
                ],
                [Manager.BeginSession.Reply(session: "s1", device: "A").fields]
            )
        ),
        (
            .endSession,
            (
                [
                    Manager.EndSession.Parameters(session: "s1", types: ["delete"]).fields,
                    Manager.EndSession.Parameters(session: "s1", types: ["delete"], context: .init()).fields,
                ], [Empty().fields]
            )
        ),
        (
            .list,
            (
                [Manager.List.Parameters(place).fields, Manager.List.Parameters(.init(device: "", path: "/")).fields],
                [Manager.List.Reply(entries: [entry]).fields]
            )
        ),
        (.stat, ([Manager.Stat.Parameters(place).fields], [Manager.EntryReply(entry: entry).fields])),
        (
            .put,
            (
                [
                    Manager.Put.Parameters(
                        device: "A", folder: "/", name: "a.mp3", fd: 0, size: 3, overwrite: true,
                        track: Manager.Track(title: "T", year: 2000), storage: 1, session: "s1"
                    ).fields,
                    Manager.Put.Parameters(device: "A", folder: "/", name: "a.mp3", fd: 0, size: 3).fields,
                ],
                [Manager.EntryReply(entry: entry).fields, progress.fields]
            )
        ),
        (
            .get,
            (
                [
                    Manager.Get.Parameters(device: "A", path: "/a.mp3", fd: 0, offset: 1, length: 2, storage: 1, session: "s1")
                        .fields
                ],
                [Manager.Get.Reply(size: 3).fields, progress.fields]
            )
        ),
        (.delete, ([Manager.Delete.Parameters(place, recursive: true).fields], [Empty().fields])),
        (
            .makeDirectory,
            ([Manager.MakeDirectory.Parameters(place, parents: true).fields], [Manager.EntryReply(entry: entry).fields])
        ),
        (
            .rename,
            (
                [Manager.Rename.Parameters(place, name: "b.mp3").fields],
                [Manager.ChangeReply(entry: entry, method: .throughHost).fields, progress.fields]
            )
        ),
        (
            .move,
            (
                [
                    Manager.Move.Parameters(place, folder: "/B").fields,
                    Manager.Move.Parameters(place, folder: "/B", name: "c").fields,
                ],
                [Manager.ChangeReply(entry: entry, method: .moveObject).fields, progress.fields]
            )
        ),
        (.cancel, ([Manager.Cancel.Parameters(transfer: "t1").fields], [Empty().fields])),
        (
            .monitor,
            (
                [Empty().fields],
                [
                    Manager.Monitor.Update(
                        event: Manager.Event(
                            kind: .objectAdded, device: "A", storage: 1,
                            object: 9)
                    ).fields
                ]
            )
        ),
        (
            .setPlaylist,
            (
                [
                    Manager.SetPlaylist.Parameters(device: "A", name: "Mix", tracks: ["/a.mp3"]).fields,
                    Manager.SetPlaylist.Parameters(
                        device: "", name: "Mix", tracks: [], folder: "/Playlists", storage: 65537, session: "s1",
                        timeoutSeconds: 5
                    ).fields,
                ],
                [
                    Manager.TrackListReply(key: "playlist", list: trackList, created: true).fields,
                    Manager.WaitingUpdate(waiting: Manager.Waiting(ahead: 1, heldBy: nil)).fields,
                ]
            )
        ),
        (
            .getPlaylist,
            ([Manager.GetPlaylist.Parameters(place).fields], [Manager.TrackListReply(key: "playlist", list: trackList).fields])
        ),
        (
            .setAlbum,
            (
                [
                    Manager.SetAlbum.Parameters(device: "A", name: "Record", tracks: ["/a.mp3"]).fields,
                    Manager.SetAlbum.Parameters(
                        device: "A", name: "Record", tracks: ["/a.mp3"], artist: "X", genre: "Y", art: 0, artSize: 100,
                        folder: "/Music", storage: 65537, session: "s1", timeoutSeconds: 5
                    ).fields,
                ],
                [Manager.TrackListReply(key: "album", list: albumList, created: false).fields]
            )
        ),
        (
            .getAlbum,
            ([Manager.GetAlbum.Parameters(place).fields], [Manager.TrackListReply(key: "album", list: albumList).fields])
        ),
    ]

    static let trackList = Manager.TrackList(
        entry: Manager.Entry(
            id: 7, storage: 65537, parent: 0, name: "Mix.pla", path: "/Mix.pla", folder: false, size: 0, modified: nil,
            format: "playlist"),
        name: "Mix", tracks: ["/a.mp3"])
    static let albumList = Manager.TrackList(
        entry: Manager.Entry(
            id: 8, storage: 65537, parent: 3, name: "Record.alb", path: "/Music/Record.alb", folder: false, size: 0,
            modified: 1, format: "album"),
        name: "Record", artist: "X", genre: nil, tracks: [], artBytes: 0)

    /// SetAlbum's art comes with its size or not at all; each reply reads back as it was written.
    func testAlbumArtNeedsItsSizeAndTrackListRepliesReadBack() throws {
        var fields = Manager.SetAlbum.Parameters(device: "A", name: "R", tracks: [], art: 0, artSize: 3).fields
        fields["artSize"] = .null
        XCTAssertThrowsError(try Manager.SetAlbum.Parameters(fields: fields))
        for reply in [
            Manager.TrackListReply(key: "album", list: Self.albumList, created: true),
            Manager.TrackListReply(key: "playlist", list: Self.trackList),
        ] {
            XCTAssertEqual(try Manager.TrackListReply(fields: reply.fields), reply)
        }
        XCTAssertTrue(Self.albumList.entry.isTrackList)
        XCTAssertFalse(Self.entry.isTrackList)
    }
}
