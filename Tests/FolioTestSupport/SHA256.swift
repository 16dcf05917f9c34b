internal import FolioCache

/// Hex SHA-256 digests for comparing outputs with reference hashes (tiktoken's id hashes, decoded
/// texts). It wraps FolioCache's SHA-256 (swift-crypto), which its own tests check against the NIST vectors.
public enum SHA256 {
    /// The hex digest of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256Digest(hashing: Array(bytes)).hex
    }

    /// The hex digest of token ids written as little-endian `UInt32`s (the reference files' convention).
    public static func hex(littleEndianIDs ids: some Sequence<UInt32>) -> String {
        var hasher = SHA256Hasher()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        for id in ids {
            withUnsafeBytes(of: id.littleEndian) { buffer.append(contentsOf: $0) }
            if buffer.count >= 1 << 16 {
                hasher.update(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        hasher.update(buffer)
        return hasher.finalize().hex
    }
}
