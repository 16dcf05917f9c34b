internal import CZlib

/// One-shot zlib (RFC 1950) compression of a whole byte array, for payloads whose size is known:
/// cache entries, say. Streams of unknown length go through ``Inflater``.
public enum ZlibBlock {
    /// zlib's default trade-off between speed and size.
    public static let defaultLevel = 6

    /// The zlib stream of `bytes` at `level` (0 … 9).
    public static func compress(_ bytes: [UInt8], level: Int = defaultLevel) -> [UInt8] {
        precondition((0...9).contains(level), "zlib levels are 0…9, not \(level)")
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                compress2(
                    destination.baseAddress!, &capacity, source.baseAddress ?? UnsafePointer(destination.baseAddress!),
                    uLong(source.count), Int32(level))
            }
        }
        // compressBound guarantees room, so only memory exhaustion fails, and that is fatal anyway.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeLast(output.count - Int(capacity))
        return output
    }

    /// Inflates a zlib stream that must produce exactly `byteCount` bytes.
    ///
    /// - Throws: ``CompressionError/Code/corrupt`` when the stream is damaged, is shorter or longer
    ///   than `byteCount`, or fails its Adler-32 check.
    public static func decompress(_ bytes: some Collection<UInt8>, byteCount: Int) throws(CompressionError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(byteCount, 1))
        var produced = uLong(byteCount)
        let status: Int32 = output.withUnsafeMutableBufferPointer { destination in
            let inflate = { (source: UnsafeBufferPointer<UInt8>) -> Int32 in
                var consumed = uLong(source.count)
                let status = uncompress2(
                    destination.baseAddress!, &produced, source.baseAddress ?? UnsafePointer(destination.baseAddress!),
                    &consumed)
                return status == Z_OK && consumed != uLong(source.count) ? Z_DATA_ERROR : status
            }
            if let status = bytes.withContiguousStorageIfAvailable(inflate) { return status }
            return Array(bytes).withUnsafeBufferPointer(inflate)
        }
        guard status == Z_OK, produced == uLong(byteCount) else {
            let reason =
                status == Z_OK
                ? "it inflates to \(produced) bytes, not \(byteCount)"
                : status == Z_BUF_ERROR
                    ? "it is truncated or inflates to more than \(byteCount) bytes"
                    : "zlib status \(status)"
            throw CompressionError(.corrupt, "a zlib block cannot be inflated: \(reason)")
        }
        output.removeLast(output.count - byteCount)
        return output
    }
}
