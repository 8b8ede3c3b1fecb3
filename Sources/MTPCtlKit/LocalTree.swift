#if canImport(Glibc)
import Glibc
#endif

/// A local file to send and where it goes under the destination folder.
struct LocalItem: Sendable, Equatable {
    /// Where it is read from.
    var path: String
    /// Folders between the destination and the file ("" for a file named on the command line).
    var relativeFolder: String
    /// Its name at the destination.
    var name: String
    /// Its size in bytes.
    var size: Int64
    /// Its modification time, seconds since the epoch.
    var modified: Int64

    /// The path below the destination folder.
    var relativePath: String { relativeFolder.isEmpty ? name : relativeFolder + "/" + name }
}

/// Local files and folders as mtpctl sends them. Only regular files hold data a device can take: a pipe, a
/// socket or a device named on the command line is refused (MTP needs a size before the data, and a pipe read
/// as a file would arrive empty); met inside a folder it is skipped, and said so. Symbolic links are followed, as
/// `cp -L` and `rsync -L` do, so a library of links arrives as the files they point to; a link back to a folder
/// it is in is skipped as a loop. With `dereference` off every link is skipped instead, each with a line.
struct LocalTree: Sendable, Equatable {
    /// The files, folders first walked in name order so runs repeat.
    var files: [LocalItem] = []
    /// Folders to create, as paths below the destination, parents first.
    var folders: [String] = []
    /// What was skipped and why, one line each, for the user.
    var skipped: [String] = []

    /// Expands put's FILE arguments: files as they are, folders recursively under their own name.
    static func expand(_ arguments: [String], dereference: Bool = true) throws(MTPCtlError) -> LocalTree {
        var tree = LocalTree()
        for argument in arguments {
            let path = argument.count > 1 && argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            let st = try argumentStatus(argument, path: path)
            let base = path.split(separator: "/").last.map(String.init) ?? path
            if st.st_mode & S_IFMT == S_IFDIR {
                tree.folders.append(base)
                tree.walk(
                    path, relative: base, dereference: dereference, exclude: ExcludeRules([]), ancestors: [Self.identity(st)])
            } else {
                tree.files.append(
                    LocalItem(path: path, relativeFolder: "", name: base, size: Int64(st.st_size), modified: st.modificationTime))
            }
        }
        return tree
    }

    /// What folder `root` holds, below it (a sync's source or destination side).
    static func contents(of root: String, dereference: Bool = true, exclude: ExcludeRules) throws(MTPCtlError) -> LocalTree {
        let st = try argumentStatus(root, path: root)
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw .usage("\(root) is not a folder; sync takes folders (put sends single files)")
        }
        var tree = LocalTree()
        tree.walk(root, relative: "", dereference: dereference, exclude: exclude, ancestors: [Self.identity(st)])
        return tree
    }

    /// The status of a path named on the command line (links followed), refusing what is not a file or folder.
    private static func argumentStatus(_ argument: String, path: String) throws(MTPCtlError) -> stat {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .localFile("cannot read \(argument): \(String(cString: strerror(errno)))")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return st
        case S_IFIFO:
            throw .localFile(
                "\(argument) is a pipe: a device must be told a file's size before its data, so a pipe cannot be sent as it is; "
                    + "send standard input with `put - --name NAME DEV:FOLDER` (mtpctl holds it in a private temporary file first)"
            )
        default:
            throw .localFile(
                "\(argument) is \(kind(st.st_mode)), not a regular file or folder; only files and folders can be sent")
        }
    }

    private static func identity(_ st: stat) -> [UInt64] { [UInt64(st.st_dev), UInt64(st.st_ino)] }

    /// Walks one folder; `ancestors` are the (device, inode) pairs of the folders above it, for the loop guard.
    private mutating func walk(
        _ directory: String, relative: String, dereference: Bool, exclude: ExcludeRules, ancestors: Set<[UInt64]>
    ) {
        guard let names = Self.names(in: directory) else {
            skipped.append("\(directory): cannot read the folder (\(String(cString: strerror(errno))))")
            return
        }
        for name in names {
            let path = directory + "/" + name
            let below = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else {
                skipped.append("\(path): \(String(cString: strerror(errno)))")
                continue
            }
            // Excluded means left out without a word, whatever it is (a folder-only pattern is checked below).
            if exclude.excludes(below, isFolder: st.st_mode & S_IFMT == S_IFDIR) { continue }
            if st.st_mode & S_IFMT == S_IFLNK {
                guard dereference else {
                    skipped.append("\(path): a symbolic link (not followed: --no-dereference)")
                    continue
                }
                guard stat(path, &st) == 0 else {
                    skipped.append("\(path): a symbolic link to nothing (\(String(cString: strerror(errno))))")
                    continue
                }
            }
            if exclude.excludes(below, isFolder: st.st_mode & S_IFMT == S_IFDIR) { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                let id = Self.identity(st)
                guard !ancestors.contains(id) else {
                    skipped.append("\(path): a symbolic link to a folder it is in (a loop)")
                    continue
                }
                folders.append(below)
                walk(path, relative: below, dereference: dereference, exclude: exclude, ancestors: ancestors.union([id]))
            case S_IFREG:
                files.append(
                    LocalItem(
                        path: path, relativeFolder: relative, name: name, size: Int64(st.st_size), modified: st.modificationTime))
            default:
                skipped.append("\(path): \(Self.kind(st.st_mode)), not a regular file")
            }
        }
    }

    /// The names a folder holds, in order, without "." and ".."; nil (errno set) when it cannot be read.
    static func names(in directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// "a pipe", "a socket"… for messages.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a folder"
        default: "a special file"
        }
    }

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(MTPCtlError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .localFile("cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// The files and folders as a sync's items.
    var syncItems: [SyncItem] {
        folders.map { SyncItem(path: $0, isFolder: true) }
            + files.map { SyncItem(path: $0.relativePath, isFolder: false, size: $0.size, modified: $0.modified) }
    }
}

extension stat {
    /// The modification time in whole seconds.
    var modificationTime: Int64 { Int64(st_mtim.tv_sec) }
}
