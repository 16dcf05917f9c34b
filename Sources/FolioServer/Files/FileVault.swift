internal import Crypto
public import Folio
internal import FolioSystem

/// Uploaded files in the data directory: `files/<id>` once durable, `staging/<id>` while arriving.
///
/// A file's path is made from its id only (letters, digits, dashes — checked), never from the name a
/// client sent. Staged bytes are written and hashed on the engine pool's auxiliary threads, a
/// buffer at a time; ``StagedFile/commit()`` makes them durable (fsync, rename, fsync of the folder)
/// before the caller answers 200.
public struct FileVault: Sendable {
    public let directory: String
    let engine: Engine

    var filesDirectory: String { directory + "/files" }
    var stagingDirectory: String { directory + "/staging" }

    public init(directory: String, engine: Engine) throws {
        self.directory = directory
        self.engine = engine
        do {
            try FileSystem.createDirectories(directory + "/files", permissions: 0o700)
            try FileSystem.createDirectories(directory + "/staging", permissions: 0o700)
        } catch {
            throw APIError.server("cannot create the data directory \(directory): \(error)")
        }
    }

    /// Where a stored file lives, or nil for an id that could name anything else.
    public func path(of id: String) -> String? {
        guard Self.isSafeID(id) else { return nil }
        return filesDirectory + "/" + id
    }

    static func isSafeID(_ id: String) -> Bool { Identifiers.isPlain(id, maxBytes: 64) }

    /// Starts a staged file for `id`.
    func stage(id: String) async throws -> StagedFile {
        guard Self.isSafeID(id) else { throw APIError.server("unsafe file id \(id)") }
        let path = stagingDirectory + "/" + id
        let file = try await engine.perform { () throws(SystemError) in
            try SystemFile(path, access: .writeOnly, options: [.create, .exclusive, .truncate], permissions: 0o600)
        }
        return StagedFile(file: file, path: path, finalPath: filesDirectory + "/" + id, vault: self)
    }

    /// Whether the node has its copy of `id`.
    func holds(_ id: String) -> Bool {
        guard let path = path(of: id) else { return false }
        return (try? FileStatus(path: path)) != nil
    }

    /// The size and SHA-256 (hex) of a file, read on the pool's auxiliary threads.
    func digest(of path: String) async throws -> (bytes: Int64, sha256: String) {
        try await engine.perform { () throws(SystemError) -> (bytes: Int64, sha256: String) in
            let file = try SystemFile(path, access: .readOnly)
            defer { try? file.close() }
            var hasher = SHA256()
            var total: Int64 = 0
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let read = try file.read(into: buffer)
                if read == 0 { break }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<read]))
                total += Int64(read)
            }
            return (total, Identifiers.hex(hasher.finalize()))
        }
    }

    /// Moves a fetched file from staging into place (atomic: a concurrent fetch of the same file
    /// replaces it with the same bytes).
    func adopt(_ stagedPath: String, as id: String) async throws {
        guard let path = path(of: id) else { throw APIError.server("unsafe file id \(id)") }
        let directory = filesDirectory
        try await engine.perform { () throws(SystemError) in
            try FileSystem.rename(stagedPath, to: path)
            try AtomicFile.synchronizeDirectory(directory)
        }
    }

    func removeStaged(_ path: String) async {
        await engine.perform { try? FileSystem.removeFile(path) }
    }

    /// Removes a stored file (a delete, or an upload rejected after it was committed).
    func remove(id: String) async {
        guard let path = path(of: id) else { return }
        await engine.perform { try? FileSystem.removeFile(path) }
    }

    /// Deletes what a crash left: staged files, and stored files no record names (committed, then
    /// the process died before the record was written — no client was told 200 for them).
    /// - Returns: How many files were removed.
    @discardableResult
    func sweep(keeping ids: Set<String>) async throws -> Int {
        let filesDirectory = filesDirectory
        let stagingDirectory = stagingDirectory
        return try await engine.perform { () throws(SystemError) -> Int in
            var removed = 0
            for name in try FileSystem.names(inDirectory: stagingDirectory) {
                try? FileSystem.removeFile(stagingDirectory + "/" + name)
                removed += 1
            }
            for name in try FileSystem.names(inDirectory: filesDirectory) where !ids.contains(name) {
                try? FileSystem.removeFile(filesDirectory + "/" + name)
                removed += 1
            }
            return removed
        }
    }
}

/// An upload on its way to disk: bytes appended, hashed as they go; committed or discarded.
final class StagedFile: @unchecked Sendable {
    // Used by one request's task only; appends are awaited one after another.
    private let file: SystemFile
    private let path: String
    private let finalPath: String
    private let vault: FileVault
    private var hasher = SHA256()
    private(set) var byteCount: Int64 = 0
    private var finished = false

    init(file: SystemFile, path: String, finalPath: String, vault: FileVault) {
        self.file = file
        self.path = path
        self.finalPath = finalPath
        self.vault = vault
    }

    /// Writes and hashes `bytes` on the pool's auxiliary threads.
    func append(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        var hasher = self.hasher
        let file = self.file
        hasher = try await vault.engine.perform { () throws(SystemError) -> SHA256 in
            try file.write(bytes)
            hasher.update(data: bytes)
            return hasher
        }
        self.hasher = hasher
        byteCount += Int64(bytes.count)
    }

    /// Makes the file durable under its final name; returns its SHA-256 (hex).
    func commit() async throws -> String {
        let digest = Identifiers.hex(hasher.finalize())
        let (file, path, finalPath) = (self.file, self.path, self.finalPath)
        let directory = vault.filesDirectory
        try await vault.engine.perform { () throws(SystemError) in
            try file.synchronize()
            try file.close()
            try FileSystem.rename(path, to: finalPath)
            try AtomicFile.synchronizeDirectory(directory)
        }
        finished = true
        return digest
    }

    /// Removes the staged bytes (the request failed or was refused).
    func discard() async {
        guard !finished else { return }
        finished = true
        let (file, path) = (self.file, self.path)
        await vault.engine.perform {
            try? file.close()
            try? FileSystem.removeFile(path)
        }
    }
}
