internal import Crypto
public import Folio
internal import FolioSystem
internal import Foundation
internal import Logging
internal import NIOCore
internal import PostgresNIO

/// Where a fleet keeps uploaded bytes so that every node can read them: PostgreSQL
/// (``PostgresBlobStore``, the default with a PostgreSQL database) or a directory every node mounts
/// (``DirectoryBlobStore``, `--blob-dir`).
///
/// A node keeps its own copy of a file in its data directory (``FileVault``) for the engine to read;
/// the blob store is the copy that counts. An upload is answered 200 only after ``put(id:from:bytes:)``
/// and the metadata record are both committed.
public protocol BlobStore: Sendable {
    /// Copies the committed local file at `path` (`bytes` long) into the store as `id`, streamed;
    /// durable when it returns.
    func put(id: String, from path: String, bytes: Int64) async throws
    /// Writes blob `id` to a new file at `path`, streamed. False when the store has no such blob.
    func get(id: String, to path: String) async throws -> Bool
    /// Removes blob `id` (nothing when there is none).
    func delete(id: String) async throws
    /// Removes blobs that no file record names and that are older than `age` (an upload on another
    /// node may be between its blob and its record: it is never that old).
    /// - Returns: How many were removed.
    func sweep(keeping ids: Set<String>, olderThan age: Duration) async throws -> Int
}

/// Uploaded bytes in PostgreSQL: a `folio_blob` row and `folio_blob_chunk` rows of at most 1 MiB,
/// written in one transaction and read back as a stream (never the whole file in memory).
public struct PostgresBlobStore: BlobStore {
    let store: PostgresMetadataStore
    let engine: Engine
    static let chunkBytes = 1 << 20

    public init(store: PostgresMetadataStore, engine: Engine) {
        self.store = store
        self.engine = engine
    }

    /// Time for a transfer of `bytes`: the store's timeout plus 10 MB/s.
    func timeout(_ bytes: Int64) -> Duration { store.timeout + .milliseconds(bytes / 10_000) }

    public func put(id: String, from path: String, bytes: Int64) async throws {
        let engine = engine
        let logger = store.logger
        let file = try await engine.perform { () throws(SystemError) in try SystemFile(path, access: .readOnly) }
        defer { try? file.close() }
        let chunks = Int((bytes + Int64(Self.chunkBytes) - 1) / Int64(Self.chunkBytes))
        let client = store.client
        try await PostgresMetadataStore.bounded(timeout(bytes), "storing the bytes of \(id)") {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "INSERT INTO folio_blob (id, bytes, sha256, chunks) VALUES (\(id), \(bytes), '', \(chunks))",
                    logger: logger)
                var hasher = SHA256()
                for n in 0..<chunks {
                    let offset = n * Self.chunkBytes
                    let count = Int(min(Int64(Self.chunkBytes), bytes - Int64(offset)))
                    let buffer = try await engine.perform { () throws(SystemError) -> ByteBuffer in
                        var buffer = ByteBufferAllocator().buffer(capacity: count)
                        _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) {
                            raw throws(SystemError) in
                            try Self.readFully(
                                file, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]), at: offset)
                        }
                        return buffer
                    }
                    guard buffer.readableBytes == count else {
                        throw APIError.server("the staged file \(id) shrank while it was stored")
                    }
                    buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    var bindings = PostgresBindings()
                    bindings.append(id)
                    bindings.append(n)
                    bindings.append(buffer)
                    _ = try await connection.execute(Prepared<InsertBlobChunk>(bindings: bindings), logger: logger)
                }
                let digest = Identifiers.hex(hasher.finalize())
                try await connection.query(
                    "UPDATE folio_blob SET sha256 = \(digest) WHERE id = \(id)", logger: logger)
            }
        }
    }

    /// pread until `buffer` is full or the file ends.
    static func readFully(_ file: SystemFile, into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
        throws(SystemError) -> Int
    {
        var total = 0
        while total < buffer.count {
            let read = try file.read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]), at: offset + total)
            if read == 0 { break }
            total += read
        }
        return total
    }

    public func get(id: String, to path: String) async throws -> Bool {
        let engine = engine
        let client = store.client
        let expected = try await store.rows("SELECT bytes FROM folio_blob WHERE id = \(id)", "reading \(id)").first
        guard let expected else { return false }
        let bytes: Int64 = try expected["bytes"]
        let file = try await engine.perform { () throws(SystemError) in
            try SystemFile(path, access: .writeOnly, options: [.create, .exclusive, .truncate], permissions: 0o600)
        }
        do {
            let written = try await PostgresMetadataStore.bounded(timeout(bytes), "reading the bytes of \(id)") {
                var written: Int64 = 0
                // The rows arrive as the client reads them (postgres-nio applies back pressure).
                for try await data in try await client.execute(Prepared<BlobChunks>(bindings: Self.bindings(id))) {
                    let buffer = try data.decode(ByteBuffer.self)
                    written += Int64(buffer.readableBytes)
                    try await engine.perform { () throws(SystemError) in
                        try buffer.withUnsafeReadableBytes { raw throws(SystemError) in try file.write(raw) }
                    }
                }
                return written
            }
            guard written == bytes else {
                throw APIError.server("the stored bytes of \(id) are incomplete (\(written) of \(bytes))")
            }
            try await engine.perform { () throws(SystemError) in
                try file.synchronize()
                try file.close()
            }
            return true
        } catch {
            await engine.perform {
                try? file.close()
                try? FileSystem.removeFile(path)
            }
            throw error
        }
    }

    static func bindings(_ id: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        return bindings
    }

    public func delete(id: String) async throws {
        _ = try await store.rows("DELETE FROM folio_blob WHERE id = \(id)", "deleting the bytes of \(id)")
    }

    public func sweep(keeping ids: Set<String>, olderThan age: Duration) async throws -> Int {
        let seconds = Double(age.components.seconds)
        // Records are read first: a blob whose record is committed meanwhile is younger than `age`.
        let old = try await store.rows(
            "SELECT id FROM folio_blob WHERE created_at < now() - make_interval(secs => \(seconds))",
            "listing old blobs")
        var removed = 0
        for row in old {
            let id: String = try row["id"]
            guard !ids.contains(id) else { continue }
            try await delete(id: id)
            removed += 1
        }
        return removed
    }
}

enum InsertBlobChunk: StatementText {
    static let sql = "INSERT INTO folio_blob_chunk (blob_id, n, data) VALUES ($1, $2, $3)"
}

/// `decodeRow` of ``Prepared`` hands back the row; the one column is the chunk's bytes.
enum BlobChunks: StatementText {
    static let sql = "SELECT data FROM folio_blob_chunk WHERE blob_id = $1 ORDER BY n"
}

/// Uploaded bytes in a directory every node mounts (`--blob-dir`, NFS or the like): `<dir>/<id>`,
/// written as `<dir>/.incoming/<id>.<random>`, synchronized, then renamed into place.
public struct DirectoryBlobStore: BlobStore {
    public let directory: String
    let engine: Engine
    static let copyBufferBytes = 1 << 20

    public init(directory: String, engine: Engine) throws {
        self.directory = directory
        self.engine = engine
        do {
            try FileSystem.createDirectories(directory + "/.incoming", permissions: 0o700)
        } catch {
            throw APIError.server("cannot create the blob directory \(directory): \(error)")
        }
    }

    func path(_ id: String) throws -> String {
        guard FileVault.isSafeID(id) else { throw APIError.server("unsafe file id \(id)") }
        return directory + "/" + id
    }

    public func put(id: String, from path: String, bytes: Int64) async throws {
        let final = try self.path(id)
        let incoming = directory + "/.incoming/" + id + "." + Identifiers.make("")
        let directory = directory
        try await engine.perform { () throws(SystemError) in
            try Self.copy(path, to: incoming)
            try FileSystem.rename(incoming, to: final)
            try AtomicFile.synchronizeDirectory(directory)
        }
    }

    public func get(id: String, to path: String) async throws -> Bool {
        let source = try self.path(id)
        return try await engine.perform { () throws(SystemError) -> Bool in
            guard (try? FileStatus(path: source)) != nil else { return false }
            try Self.copy(source, to: path)
            return true
        }
    }

    /// Copies `source` to the new file `destination` a buffer at a time, and synchronizes it.
    static func copy(_ source: String, to destination: String) throws(SystemError) {
        let input = try SystemFile(source, access: .readOnly)
        defer { try? input.close() }
        let output = try SystemFile(
            destination, access: .writeOnly, options: [.create, .exclusive, .truncate], permissions: 0o600)
        do throws(SystemError) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: copyBufferBytes, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let read = try input.read(into: buffer)
                if read == 0 { break }
                try output.write(UnsafeRawBufferPointer(rebasing: buffer[0..<read]))
            }
            try output.synchronize()
            try output.close()
        } catch {
            try? output.close()
            try? FileSystem.removeFile(destination)
            throw error
        }
    }

    public func delete(id: String) async throws {
        let path = try self.path(id)
        await engine.perform { try? FileSystem.removeFile(path) }
    }

    public func sweep(keeping ids: Set<String>, olderThan age: Duration) async throws -> Int {
        let directory = directory
        let cutoff = WallClock.nanosecondsSince1970() - Int64(age.components.seconds) * 1_000_000_000
        return try await engine.perform { () throws(SystemError) -> Int in
            var removed = 0
            for folder in [directory, directory + "/.incoming"] {
                for name in try FileSystem.names(inDirectory: folder) where !name.hasPrefix(".") {
                    let id = folder == directory ? name : String(name.prefix { $0 != "." })
                    guard folder != directory || !ids.contains(id),
                        let status = try? FileStatus(path: folder + "/" + name),
                        status.modificationTime.nanosecondsSince1970 < cutoff
                    else { continue }
                    try? FileSystem.removeFile(folder + "/" + name)
                    removed += 1
                }
            }
            return removed
        }
    }
}
