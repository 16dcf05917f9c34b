/// Replacing a file whole: a reader sees the old file or the new one, never a part, and a crash
/// leaves one of the two on disk.
public enum AtomicFile {
    /// Replaces the file at `path` (or creates it) with `bytes`.
    ///
    /// 1. Creates a temporary file with `O_EXCL` under a name no other writer uses (this process's
    ///    ID and 64 random bits), in `temporaryDirectory` or else beside `path`. Writers of one path,
    ///    in one process or several, never share a temporary file: the last rename wins, whole.
    /// 2. Writes every byte, flushes the file to stable storage (`fsync`; `F_FULLFSYNC` on macOS)
    ///    and closes it, checking each step.
    /// 3. Renames it over `path`: atomic within one file system.
    /// 4. Flushes `path`'s directory, so that the rename itself survives a crash. A directory that
    ///    cannot be opened for reading, or a file system that cannot flush directories (`EINVAL`,
    ///    `ENOTSUP`), skips this step.
    ///
    /// On failure before the rename the temporary file is removed and `path` is untouched.
    ///
    /// - Parameters:
    ///   - temporaryDirectory: Where the temporary file goes; it must be on `path`'s file system.
    ///     A cache puts them in a directory of its own to sweep up what a killed writer leaves.
    ///   - permissions: The new file's mode (less the umask).
    /// - Throws: ``SystemError``: ``SystemError/Operation/create``, ``SystemError/Operation/write``,
    ///   ``SystemError/Operation/sync`` or ``SystemError/Operation/close`` naming the temporary file,
    ///   ``SystemError/Operation/renameIntoPlace`` naming `path`, or ``SystemError/Operation/sync``
    ///   naming the directory.
    public static func replace(
        _ path: String, with bytes: UnsafeRawBufferPointer, temporaryDirectory: String? = nil,
        permissions: UInt16 = 0o644
    ) throws(SystemError) {
        let directory = directory(of: path)
        let (file, temporary) = try createTemporary(
            for: path, in: temporaryDirectory ?? directory, permissions: permissions)
        var renamed = false
        defer {
            if !renamed { try? Syscall.unlink(temporary) }
        }
        try file.write(bytes)
        try file.synchronize()
        try file.close()
        do {
            try Syscall.rename(temporary, to: path)
        } catch {
            throw SystemError(.renameIntoPlace, path, errno: error.value)
        }
        renamed = true
        try synchronizeDirectory(directory)
    }

    /// Replaces the file at `path` with `bytes`, as the `UnsafeRawBufferPointer` form does.
    public static func replace(
        _ path: String, with bytes: [UInt8], temporaryDirectory: String? = nil, permissions: UInt16 = 0o644
    ) throws(SystemError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in
                try replace(path, with: buffer, temporaryDirectory: temporaryDirectory, permissions: permissions)
            }
        }.get()
    }

    /// Whether `name` is one of the temporary files `replace` creates (left behind only by a
    /// writer that was killed).
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(temporarySuffix)
    }

    static let temporarySuffix = ".tmp"

    /// The directory that holds `path`: "." for a bare name, "/" for a file in the root.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates `.NAME.PID-RANDOM.tmp` in `directory` with `O_EXCL`, drawing another name should one exist.
    private static func createTemporary(
        for path: String, in directory: String, permissions: UInt16
    ) throws(SystemError) -> (SystemFile, String) {
        // A long name is shortened: the suffix must not push it past the 255-byte limit on a name.
        let name = String(path[(path.lastIndex(of: "/").map(path.index(after:)) ?? path.startIndex)...].prefix(40))
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            let bits = String(random.next() as UInt64, radix: 16)
            let temporary = "\(directory)/.\(name).\(Syscall.processID())-\(bits)\(temporarySuffix)"
            do {
                let file = try SystemFile(
                    temporary, access: .writeOnly, options: [.create, .exclusive], permissions: permissions)
                return (file, temporary)
            } catch  where error.code == .alreadyExists && attempt < 3 {
                attempt += 1
            } catch {
                throw SystemError(.create, temporary, errno: error.errno)
            }
        }
    }

    /// Flushes a directory's entries to stable storage (after a rename or a create in it).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/sync`` when the flush fails; not when
    ///   the directory cannot be opened for reading or its file system cannot flush directories.
    public static func synchronizeDirectory(_ directory: String) throws(SystemError) {
        guard let handle = try? SystemFile(directory, options: .directory) else { return }
        do {
            try Syscall.synchronize(handle.descriptor)
        } catch  where error.value == Errno.invalidArgument || error.value == Errno.notSupported {
            return
        } catch {
            throw SystemError(.sync, directory, errno: error.value)
        }
    }
}
