internal import CZlib

/// The CRC-32 of ZIP, gzip and PNG (polynomial 0xEDB88320), computed by zlib.
///
/// Folio's index files checksum their pages with it.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `seed` (the checksum of the bytes before; 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = uLong(seed)
        var offset = 0
        // zlib takes a 32-bit length; feed huge buffers in slices.
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            crc = CZlib.crc32(
                crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The checksum of `bytes`, continuing from `seed`.
    public static func checksum(_ bytes: some Sequence<UInt8>, seed: UInt32 = 0) -> UInt32 {
        if let result = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), seed: seed) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { checksum($0, seed: seed) }
    }
}
