/// Operations on paths: directories, listings, glob patterns, removal and times.
public enum FileSystem {
    // MARK: Directories

    /// Creates one directory; one that already exists is fine (`EEXIST`, whatever it is).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/create``.
    public static func createDirectory(_ path: String, permissions: UInt16 = 0o755) throws(SystemError) {
        do {
            try Syscall.makeDirectory(path, permissions: permissions)
        } catch  where error.value == Errno.exists {
            return
        } catch {
            throw SystemError(.create, path, errno: error.value)
        }
    }

    /// Creates a directory and every missing directory above it (`mkdir -p`).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/create`` naming the directory that
    ///   could not be made, or ``SystemError/Code/notDirectory`` when `path` is something else.
    public static func createDirectories(_ path: String, permissions: UInt16 = 0o755) throws(SystemError) {
        var prefix = ""
        for (index, component) in path.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            prefix += index == 0 ? String(component) : "/" + component
            guard !prefix.isEmpty else { continue }
            try createDirectory(prefix, permissions: permissions)
        }
        guard (try? FileStatus(path: path))?.isDirectory == true else {
            throw SystemError(.notDirectory, .create, path, reason: "not a directory")
        }
    }

    /// Removes an empty directory.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/remove``.
    public static func removeDirectory(_ path: String) throws(SystemError) {
        do {
            try Syscall.removeDirectory(path)
        } catch {
            throw SystemError(.remove, path, errno: error.value)
        }
    }

    /// The names in a directory, sorted, without `.` and `..`.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/list`` (``SystemError/Code/notFound``,
    ///   ``SystemError/Code/notDirectory``, …).
    public static func names(inDirectory path: String) throws(SystemError) -> [String] {
        do {
            return try Syscall.directoryEntries(path).map(\.name).sorted()
        } catch {
            throw SystemError(.list, path, errno: error.value)
        }
    }

    /// A regular file found by ``regularFiles(below:)``.
    public struct FoundFile: Sendable, Hashable {
        public var path: String
        public var byteCount: Int
    }

    /// The regular files below `directory`, recursively, sorted by path, skipping every name that
    /// starts with "." (and what is below it) and not following symbolic links. A directory below
    /// that cannot be read is skipped.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/list`` when `directory` itself cannot be read.
    public static func regularFiles(below directory: String) throws(SystemError) -> [FoundFile] {
        var files: [FoundFile] = []
        var pending = [directory]
        var isTop = true
        while let current = pending.popLast() {
            let entries: [(name: String, type: FileStatus.FileType?)]
            do {
                entries = try Syscall.directoryEntries(current)
            } catch {
                if isTop { throw SystemError(.list, current, errno: error.value) }
                continue
            }
            isTop = false
            for entry in entries where !entry.name.hasPrefix(".") {
                let path = current.hasSuffix("/") ? current + entry.name : current + "/" + entry.name
                // `d_type` is enough to skip links and descend; the size needs an lstat anyway.
                if entry.type == .directory {
                    pending.append(path)
                    continue
                }
                guard entry.type == nil || entry.type == .regular,
                    let status = try? FileStatus(path: path, followingLinks: false)
                else { continue }
                if status.isRegularFile {
                    files.append(FoundFile(path: path, byteCount: status.byteCount))
                } else if status.isDirectory {
                    pending.append(path)
                }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: Paths

    /// The paths that match a shell pattern (`*`, `?`, `[...]`), sorted (`glob(3)`); none when
    /// nothing matches.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/match`` when a directory on the way
    ///   cannot be read or memory runs out.
    public static func glob(_ pattern: String) throws(SystemError) -> [String] {
        do {
            return try Syscall.glob(pattern)
        } catch {
            throw SystemError(.match, pattern, errno: error.value)
        }
    }

    /// Removes a file (`unlink(2)`).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/remove`` (``SystemError/Code/notFound``
    ///   when it is already gone).
    public static func removeFile(_ path: String) throws(SystemError) {
        do {
            try Syscall.unlink(path)
        } catch {
            throw SystemError(.remove, path, errno: error.value)
        }
    }

    /// Renames `source` to `destination`, replacing what is there: atomic within one file system.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/renameIntoPlace`` naming `destination`.
    public static func rename(_ source: String, to destination: String) throws(SystemError) {
        do {
            try Syscall.rename(source, to: destination)
        } catch {
            throw SystemError(.renameIntoPlace, destination, errno: error.value)
        }
    }

    /// Sets a file's access and modification times to now (`utimensat(2)`).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/setTime``.
    public static func touch(_ path: String) throws(SystemError) {
        do {
            try Syscall.touch(path)
        } catch {
            throw SystemError(.setTime, path, errno: error.value)
        }
    }
}
