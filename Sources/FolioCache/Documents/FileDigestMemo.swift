internal import FolioSystem
internal import Synchronization

/// Remembers the SHA-256 of files by identity (device, inode, size, modification and change times,
/// path) so a warm lookup of a file skips reading and hashing it, as git's index and Bazel's digest
/// cache do. Persisted under the cache directory, so a later process benefits too.
///
/// Racy timestamps: a digest is remembered only for a file last modified more than
/// ``settleSeconds`` before it was hashed, so a write in the same timestamp tick as the hash can
/// never be mistaken for the hashed content. Memos are per scope (one directory each): a tenant
/// cannot tell from timing that another tenant read the same file, and ``forget(scope:)`` removes
/// what a tenant's reads left behind.
public final class FileDigestMemo: Sendable {
    /// How long a file must have been unmodified for its digest to be remembered.
    public static let settleSeconds: Int64 = 2

    private let directory: String?
    private let memory = Mutex<[String: SHA256Digest]>([:])

    /// - Parameter directory: Where memos persist (created if missing); nil keeps them in memory.
    /// - Throws: ``CacheError/Code/io`` when the directory cannot be created.
    public init(directory: String?) throws(CacheError) {
        if let directory {
            try DiskStore.makeDirectory(directory)
            // Memos of the first layout lay flat in the directory, named by 64 hex digits.
            for name in DiskStore.names(in: directory) where name.utf8.count == 64 && SHA256Digest(hex: name) != nil {
                DiskStore.remove(directory + "/" + name)
            }
        }
        self.directory = directory
    }

    /// Where a scope's memos persist.
    private func scopeDirectory(_ directory: String, _ scope: CacheScope) -> String {
        directory + "/" + String(SHA256Digest(hashing: scope.description.utf8).hex.prefix(24))
    }

    /// Forgets every digest remembered for `scope`, in memory and on disk (a tenant leaving, say).
    public func forget(scope: CacheScope) {
        let prefix = "\(scope)\n"
        memory.withLock { memory in
            for key in memory.keys where key.hasPrefix(prefix) { memory[key] = nil }
        }
        guard let directory else { return }
        let path = scopeDirectory(directory, scope)
        for name in DiskStore.names(in: path) { DiskStore.remove(path + "/" + name) }
        try? FileSystem.removeDirectory(path)
    }

    /// A file's identity as `stat` sees it, or nil when it cannot be statted.
    struct Identity {
        var text: String
        var modifiedSeconds: Int64
    }

    static func identity(of path: String, scope: CacheScope) -> Identity? {
        guard let status = try? FileStatus(path: path), status.isRegularFile else { return nil }
        // The text names persisted memos: its format (FileIdentity's description) must not change.
        let text = "\(scope)\n\(path)\n\(status.identity)"
        return Identity(text: text, modifiedSeconds: status.modificationTime.seconds)
    }

    /// The remembered digest of the file as it is now, if any.
    public func digest(ofFile path: String, scope: CacheScope) -> SHA256Digest? {
        guard let identity = Self.identity(of: path, scope: scope) else { return nil }
        if let known = memory.withLock({ $0[identity.text] }) { return known }
        guard let directory else { return nil }
        let name = SHA256Digest(hashing: identity.text.utf8).hex
        guard let bytes = try? DiskStore.read(scopeDirectory(directory, scope) + "/" + name),
            bytes.count == 64 + identity.text.utf8.count + 1,
            let digest = SHA256Digest(hex: String(decoding: bytes[0..<64], as: UTF8.self)),
            Array(bytes[65...]) == Array(identity.text.utf8)
        else { return nil }
        memory.withLock { $0[identity.text] = digest }
        return digest
    }

    /// Records the digest of a file read at `hashedAt` (seconds since 1970), if it had settled.
    ///
    /// - Parameter identityBefore: The identity taken before reading, so a file that changed while
    ///   being read is not recorded.
    func remember(_ digest: SHA256Digest, path: String, scope: CacheScope, identityBefore: Identity, hashedAt: Int64) {
        guard let after = Self.identity(of: path, scope: scope), after.text == identityBefore.text,
            hashedAt - after.modifiedSeconds >= Self.settleSeconds
        else { return }
        memory.withLock { $0[after.text] = digest }
        guard let directory else { return }
        let name = SHA256Digest(hashing: after.text.utf8).hex
        let bytes = Array(digest.hex.utf8) + [0x0A] + after.text.utf8
        let scopePath = scopeDirectory(directory, scope)
        try? DiskStore.memoStore(scopePath).write(bytes, to: scopePath + "/" + name)
    }

    /// Reads a file and returns its bytes and digest, remembering the digest when the file has settled.
    ///
    /// - Throws: ``CacheError/Code/io`` when the file cannot be read.
    public func read(file path: String, scope: CacheScope) throws(CacheError) -> (bytes: [UInt8], digest: SHA256Digest)
    {
        let before = Self.identity(of: path, scope: scope)
        guard let bytes = try DiskStore.read(path) else {
            throw CacheError(.io, "\(path): no such file")
        }
        let digest = SHA256Digest(hashing: bytes)
        if let before {
            let now = WallClock.nanosecondsSince1970() / 1_000_000_000
            remember(digest, path: path, scope: scope, identityBefore: before, hashedAt: now)
        }
        return (bytes, digest)
    }
}
