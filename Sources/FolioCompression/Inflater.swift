internal import CZlib

/// Streams deflate data (gzip, zlib or raw) through zlib's `inflate`, with an output limit.
///
/// Feed compressed blocks with ``inflate(_:emit:)``; inflated bytes are handed to `emit` in blocks of
/// at most ``blockSize`` bytes, so memory stays bounded however large the output. Call ``finish()``
/// after the last block: a stream that has not reached its end marker is ``CompressionError/Code/truncated``.
///
/// Concatenated gzip members (what `cat a.gz b.gz` produces) are read as one stream, as `gzip -d` does.
///
/// - Important: An `Inflater` owns a zlib stream and belongs to one task at a time.
public final class Inflater {
    /// The container around the deflate data.
    public enum Format: Sendable, Hashable {
        /// RFC 1952 gzip (magic `1F 8B`), possibly several members.
        case gzip
        /// RFC 1950 zlib.
        case zlib
        /// RFC 1951 raw deflate (ZIP entries).
        case raw
    }

    /// Size of the blocks handed to `emit`.
    public static let blockSize = 64 * 1024

    public let format: Format
    /// Inflation stops with ``CompressionError/Code/outputLimitExceeded`` beyond this many output bytes.
    public let maxOutputBytes: Int
    /// Total inflated bytes so far.
    public private(set) var outputByteCount = 0
    /// Whether the (last) stream reached its end marker and trailer.
    public private(set) var isFinished = false

    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]

    /// - Throws: ``CompressionError/Code/zlibFailure`` when zlib cannot start a stream.
    public init(format: Format, maxOutputBytes: Int = .max) throws(CompressionError) {
        self.format = format
        self.maxOutputBytes = maxOutputBytes
        self.stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.output = [UInt8](repeating: 0, count: Self.blockSize)
        let windowBits: Int32 =
            switch format {
            case .gzip: 15 + 16
            case .zlib: 15
            case .raw: -15
            }
        let status = czlib_inflate_init2(stream, windowBits)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CompressionError(.zlibFailure, "zlib could not start an inflate stream (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates one block of compressed input and passes the output to `emit`.
    ///
    /// - Throws: ``CompressionError`` with code `corrupt`, `outputLimitExceeded`, `trailingData` or
    ///   `zlibFailure`; errors thrown by `emit` are passed on unchanged.
    public func inflate(
        _ input: UnsafeRawBufferPointer,
        emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var remaining = input.count
        var cursor = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        while remaining > 0 {
            if isFinished {
                // Another gzip member may follow; anything else is trailing garbage.
                guard format == .gzip, cursor[0] == 0x1F else {
                    throw CompressionError(
                        .trailingData, "\(remaining) bytes follow the end of the compressed stream")
                }
                inflateReset(stream)
                isFinished = false
            }
            let chunk = min(remaining, Int(UInt32.max))
            stream.pointee.next_in = cursor
            stream.pointee.avail_in = UInt32(chunk)
            while true {
                let (status, produced) = output.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.pointee.avail_out))
                }
                switch status {
                case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
                    break
                case Z_NEED_DICT, Z_DATA_ERROR:
                    throw CompressionError(.corrupt, "corrupt \(format) data: \(zlibMessage)")
                default:
                    throw CompressionError(.zlibFailure, "zlib failed (status \(status)): \(zlibMessage)")
                }
                if produced > 0 {
                    outputByteCount += produced
                    if outputByteCount > maxOutputBytes {
                        throw CompressionError(
                            .outputLimitExceeded,
                            "decompressed size exceeds the limit of \(maxOutputBytes) bytes")
                    }
                    try output.withUnsafeBufferPointer { buffer in
                        try emit(UnsafeBufferPointer(rebasing: buffer[0..<produced]))
                    }
                }
                if status == Z_STREAM_END {
                    isFinished = true
                    break
                }
                // Input used up and output not full: zlib needs the next block.
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
                if status == Z_BUF_ERROR && produced == 0 { break }
            }
            let consumed = chunk - Int(stream.pointee.avail_in)
            cursor += consumed
            remaining -= consumed
            if consumed == 0 && !isFinished {
                throw CompressionError(.zlibFailure, "inflate made no progress on \(remaining) input bytes")
            }
        }
    }

    /// Confirms that the stream ended properly.
    ///
    /// - Throws: ``CompressionError/Code/truncated`` when the input stopped before the end marker.
    public func finish() throws(CompressionError) {
        guard isFinished else {
            throw CompressionError(
                .truncated,
                """
                truncated \(format) stream: the input ended after \
                \(outputByteCount) inflated bytes, before the end of the stream
                """
            )
        }
    }

    private var zlibMessage: String {
        guard let message = stream.pointee.msg else { return "no detail" }
        return String(cString: message)
    }
}

extension Inflater {
    /// Inflates a whole buffer.
    ///
    /// - Throws: ``CompressionError`` (`truncated`, `corrupt`, `outputLimitExceeded`, `trailingData`).
    public static func inflate(
        _ data: some Collection<UInt8>, format: Format, maxOutputBytes: Int
    ) throws(CompressionError) -> [UInt8] {
        let inflater = try Inflater(format: format, maxOutputBytes: maxOutputBytes)
        var result: [UInt8] = []
        result.reserveCapacity(min(maxOutputBytes, data.count * 3))
        let input = Array(data)
        do {
            try input.withUnsafeBytes { raw in
                try inflater.inflate(raw) { block in result.append(contentsOf: block) }
            }
        } catch let error as CompressionError {
            throw error
        } catch {
            preconditionFailure("appending to an array cannot throw: \(error)")
        }
        try inflater.finish()
        return result
    }

    /// Whether `bytes` start with the gzip magic number `1F 8B`.
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }
}
