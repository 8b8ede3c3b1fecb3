internal import CSystemCalls

extension FileIO {
    /// An unnamed file in `folder` (O_TMPFILE), read-write, private to the caller and gone once closed: a spool
    /// that nothing can leave behind.
    public static func openUnnamed(in folder: String) throws(SystemCallError) -> Int32 {
        try systemCall("open(O_TMPFILE)") { csc_open_unnamed(folder) }
    }
}
