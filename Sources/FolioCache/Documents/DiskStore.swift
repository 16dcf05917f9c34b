// Performance notes
// `CacheBenchmarks` (release, 2026-12-07, three alternating rounds against main's build, best p50):
// a disk hit of the 2,000,000-character Chinese document (17.7 MB entry) takes 4.3 ms with the entry
// read into private memory (`open(_:)`), against 1.35 ms when it was mapped; the report (2.1 MB entry)
// 0.43 ms against 0.21 ms. Opening and hashing the entry alone (`Cache:openEntry`): 3.5 ms copied,
// 1.3 ms mapped; the copy itself (17.7 MB from the page cache) is most of the difference. The first
// chunk costs the same as before (192 ms against 186 ms, within noise): it no longer copies and
// re-checks the index segment, which paid for the copy at the hit. Tried and dropped: keeping the
// mapping (MAP_PRIVATE with MAP_POPULATE, pages copied on write, or mlocked: a truncation by another
// process still zaps them all on Linux 6.18, and the next touch is SIGBUS); 4 KiB anonymous pages
// populated up front (8-12 ms: one fault per page); a pool of reused regions (saves ~0.6 ms of page
// zeroing, at the price of idle memory); a SIGBUS handler (process-wide; not a library's to install).

internal import FolioSystem

/// The disk tier's files: one compressed, checksummed file per entry under
/// `DIR/entries/<scope>/<key>.entry`, written atomically (``AtomicFile``: a temporary file of the
/// write's own in `DIR/tmp`, `fsync`, `rename`, `fsync` of the directory), so a reader sees a whole
/// entry or none.
///
/// Several processes may share a directory: every write is a rename and every read is verified.
/// Readers copy an entry into private memory as they open it (``open(_:)``), so nothing done to
/// the file afterwards, not even truncating it in place, reaches an entry in use. Byte accounting
/// and eviction are per process.
struct DiskStore: Sendable {
    let directory: String
    var entriesDirectory: String { directory + "/entries" }
    let temporaryDirectory: String
    var digestsDirectory: String { directory + "/digests" }

    /// Temporary files older than this are leftovers of a killed writer and are removed on open.
    static let staleTemporaryAge: Int64 = 600

    /// A store writing files into `directory` as named (digest memos), its temporary files beside them.
    static func memoStore(_ directory: String) -> DiskStore {
        DiskStore(directory: directory, temporaryDirectory: directory)
    }

    private init(directory: String, temporaryDirectory: String) {
        self.directory = directory
        self.temporaryDirectory = temporaryDirectory
    }

    init(directory: String) throws(CacheError) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        temporaryDirectory = self.directory + "/tmp"
        for path in [self.directory, entriesDirectory, temporaryDirectory, digestsDirectory] {
            try Self.makeDirectory(path)
        }
    }

    static func makeDirectory(_ path: String) throws(CacheError) {
        do {
            try FileSystem.createDirectories(path)
        } catch  where error.code == .notDirectory {
            throw CacheError(.io, "\(path): not a directory", underlying: error)
        } catch {
            throw CacheError(
                .io, "\(error.path): cannot create the cache directory: \(error.reason)", underlying: error)
        }
    }

    func scopeDirectory(_ scope: CacheScope) -> String {
        entriesDirectory + "/" + String(SHA256Digest(hashing: scope.description.utf8).hex.prefix(24))
    }

    func path(for key: DocumentKey) -> String { scopeDirectory(key.scope) + "/" + key.fileName + ".entry" }

    // MARK: Reading and writing

    /// The whole file, or nil when there is none.
    ///
    /// Reads straight into the array's uninitialized storage: zero-filling it first cost a third
    /// of the read (0.3 ms of 1.3 ms for 17.7 MB in the page cache).
    static func read(_ path: String) throws(CacheError) -> [UInt8]? {
        do {
            return try SystemFile(path).readToEnd()
        } catch  where error.code == .notFound && error.operation == .open {
            return nil
        } catch {
            throw CacheError(.io, error.message, underlying: error)
        }
    }

    /// An entry file's bytes in private memory (`FolioSystem.MappedFile.copy(_:)`), or nil when
    /// there is none.
    ///
    /// A private copy rather than a mapping: a mapped entry truncated in place by another process
    /// ends this one with `SIGBUS` (Linux, and macOS per POSIX, keep no page of a mapping past a
    /// file's new end), and a copy is what gets checked, so the bytes used are the bytes verified.
    /// See BENCHMARKS.md, "Disk hits without a mapping", for what it costs.
    static func open(_ path: String) throws(CacheError) -> MappedFile? {
        do {
            return try MappedFile.copy(path)
        } catch  where error.code == .notFound && error.operation == .open {
            return nil
        } catch {
            throw CacheError(.io, error.message, underlying: error)
        }
    }

    /// Writes `bytes` to `path` atomically and durably.
    func write(_ bytes: [UInt8], to path: String) throws(CacheError) {
        // The entry's own directory (a scope's) only: a cache directory removed meanwhile is not
        // brought back by a write that was under way.
        let directoryPath = String(path[..<path.lastIndex(of: "/")!])
        do {
            try FileSystem.createDirectory(directoryPath)
            try AtomicFile.replace(path, with: bytes, temporaryDirectory: temporaryDirectory)
        } catch {
            throw CacheError(.io, error.message, underlying: error)
        }
    }

    static func remove(_ path: String) { try? FileSystem.removeFile(path) }

    /// Marks an entry as just used (its modification time orders disk eviction).
    static func touch(_ path: String) { try? FileSystem.touch(path) }

    // MARK: Scanning

    struct FileFacts {
        var path: String
        var byteCount: Int
        /// The modification time in nanoseconds since 1970: whole seconds would tie every entry
        /// written in the same second, and eviction would pick among them by name.
        var lastUse: Int64
    }

    /// Every entry file, with size and last use; removes stale temporary files on the way.
    func scan() -> [FileFacts] {
        let now = Self.wallNanoseconds()
        for name in Self.names(in: temporaryDirectory) {
            let path = temporaryDirectory + "/" + name
            if let facts = Self.facts(path), now - facts.lastUse > Self.staleTemporaryAge * 1_000_000_000 {
                Self.remove(path)
            }
        }
        var files: [FileFacts] = []
        for scope in Self.names(in: entriesDirectory) {
            let scopePath = entriesDirectory + "/" + scope
            for name in Self.names(in: scopePath) where name.hasSuffix(".entry") {
                if let facts = Self.facts(scopePath + "/" + name) { files.append(facts) }
            }
        }
        return files
    }

    static func facts(_ path: String) -> FileFacts? {
        guard let status = try? FileStatus(path: path), status.isRegularFile else { return nil }
        return FileFacts(path: path, byteCount: status.byteCount, lastUse: status.modificationTime.nanosecondsSince1970)
    }

    /// The wall clock in nanoseconds since 1970, the unit of ``FileFacts/lastUse``.
    static func wallNanoseconds() -> Int64 { WallClock.nanosecondsSince1970() }

    /// The names in `directory`, sorted; none when it cannot be listed.
    static func names(in directory: String) -> [String] {
        (try? FileSystem.names(inDirectory: directory)) ?? []
    }

    /// Removes a scope's directory and everything in it.
    func removeScope(_ scope: CacheScope) -> [String] {
        let path = scopeDirectory(scope)
        let files = Self.names(in: path).map { path + "/" + $0 }
        for file in files { Self.remove(file) }
        try? FileSystem.removeDirectory(path)
        return files
    }
}
