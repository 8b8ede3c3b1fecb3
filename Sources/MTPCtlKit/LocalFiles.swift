#if canImport(Glibc)
import Glibc
#endif

/// A local file to send and where it goes under the destination folder.
struct LocalItem {
    var path: String
    /// Folders between the destination and the file ("" for a file named on the command line).
    var relativeFolder: String
    var name: String
    var size: Int64
}

/// Expands mtpctl's FILE arguments: files as they are, folders recursively (in name order, so runs repeat).
enum LocalFiles {
    static func expand(_ arguments: [String]) throws(MTPCtlError) -> (files: [LocalItem], folders: [String]) {
        var files: [LocalItem] = [], folders: [String] = []
        for argument in arguments {
            let path = argument.count > 1 && argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw .localFile("cannot read \(argument): \(String(cString: strerror(errno)))")
            }
            let base = path.split(separator: "/").last.map(String.init) ?? path
            if st.st_mode & S_IFMT == S_IFDIR {
                folders.append(base)
                try walk(path, relative: base, into: &files, folders: &folders)
            } else {
                files.append(LocalItem(path: path, relativeFolder: "", name: base, size: Int64(st.st_size)))
            }
        }
        return (files, folders)
    }

    private static func walk(_ directory: String, relative: String, into files: inout [LocalItem], folders: inout [String])
        throws(MTPCtlError)
    {
        guard let dir = opendir(directory) else {
            throw .localFile("cannot read folder \(directory): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names.sorted() {
            let path = directory + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                folders.append(relative + "/" + name)
                try walk(path, relative: relative + "/" + name, into: &files, folders: &folders)
            case S_IFREG:
                files.append(LocalItem(path: path, relativeFolder: relative, name: name, size: Int64(st.st_size)))
            default:
                continue  // Sockets, devices and symlinks are not media.
            }
        }
    }

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(MTPCtlError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .localFile("cannot open \(path): \(String(cString: strerror(errno)))") }
        return fd
    }
}
