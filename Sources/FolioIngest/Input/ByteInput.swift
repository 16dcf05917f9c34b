internal import FolioCompression
internal import FolioSystem
internal import Foundation

/// A pull source of bytes: a file, standard input, bytes in memory, or a gzip stream over one of them.
protocol ByteInput: AnyObject {
    /// The next block of bytes; nil at the end of the input. Blocks are never empty.
    func next() throws(IngestError) -> [UInt8]?
}

/// A file (or standard input) read in blocks with `read(2)`.
final class FileInput: ByteInput {
    /// Bytes per read.
    static let blockSize = 1 << 18

    private let file: SystemFile
    /// Bytes read so far.
    private(set) var byteCount = 0
    /// The size of a regular file, nil for a pipe.
    let fileSize: Int?

    /// Opens `path`; `-` is standard input (or `standardInput` in tests).
    ///
    /// - Throws: ``IngestError/Code/unreadable`` with the system's reason.
    init(path: String, standardInput: Int32 = 0) throws(IngestError) {
        if path == "-" {
            file = SystemFile(borrowing: standardInput, name: "-")
            fileSize = nil
            return
        }
        let status: FileStatus
        do {
            file = try SystemFile(path)
            status = try file.status()
        } catch {
            throw IngestError(.unreadable, error.reason, path: path, underlying: error)
        }
        if status.isDirectory { throw IngestError(.unreadable, "is a directory", path: path) }
        fileSize = status.isRegularFile ? status.byteCount : nil
    }

    func next() throws(IngestError) -> [UInt8]? {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        let count: Int
        do {
            count = try block.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try file.read(into: buffer) }
            }.get()
        } catch {
            throw IngestError(.unreadable, error.reason, underlying: error)
        }
        if count == 0 { return nil }
        byteCount += count
        block.removeSubrange(count...)
        return block
    }
}

/// Bytes in memory, handed out in blocks.
final class MemoryInput: ByteInput {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func next() throws(IngestError) -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + FileInput.blockSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Another input with some of its first bytes already read (to detect the format), handed out again first.
final class PrefixedInput: ByteInput {
    private var prefix: [UInt8]?
    private let rest: any ByteInput

    init(prefix: [UInt8], rest: any ByteInput) {
        self.prefix = prefix.isEmpty ? nil : prefix
        self.rest = rest
    }

    func next() throws(IngestError) -> [UInt8]? {
        if let prefix {
            self.prefix = nil
            return prefix
        }
        return try rest.next()
    }
}

/// A gzip stream inflated as it is read, within the decompressed-size and ratio limits.
///
/// Compressed input goes to zlib in slices of ``sliceSize`` bytes, and a block is handed on once it holds
/// ``blockSize`` inflated bytes: what one call returns is bounded by the block size plus one slice's
/// output, however well the stream compresses (a 170:1 text once made 44 MB blocks).
final class GunzipInput: ByteInput {
    private let compressed: any ByteInput
    private let inflater: Inflater
    private let limits: IngestLimits
    private var compressedByteCount = 0
    private var isAtEnd = false
    /// The compressed block being inflated, and how much of it zlib has had.
    private var pending: [UInt8] = []
    private var pendingOffset = 0

    /// Compressed bytes handed to zlib at a time (at most about 8 MB inflated at gzip's 1,032:1 ceiling).
    static let sliceSize = 1 << 13
    /// Inflated bytes per block handed on.
    static let blockSize = 1 << 18

    init(_ compressed: any ByteInput, limits: IngestLimits) throws(IngestError) {
        self.compressed = compressed
        self.limits = limits
        do {
            inflater = try Inflater(format: .gzip, maxOutputBytes: limits.maxDecompressedBytes)
        } catch {
            throw IngestError(.corruptCompression, error.message, underlying: error)
        }
    }

    func next() throws(IngestError) -> [UInt8]? {
        var output: [UInt8] = []
        while output.count < Self.blockSize && !isAtEnd {
            if pendingOffset == pending.count {
                guard let block = try compressed.next() else {
                    isAtEnd = true
                    do {
                        try inflater.finish()
                    } catch {
                        throw Self.translate(error, limits: limits)
                    }
                    break
                }
                pending = block
                pendingOffset = 0
            }
            let start = pendingOffset
            let end = min(pending.count, start + Self.sliceSize)
            compressedByteCount += end - start
            pendingOffset = end
            let fed = compressedByteCount
            do {
                try pending.withUnsafeBytes { raw in
                    try inflater.inflate(UnsafeRawBufferPointer(rebasing: raw[start..<end])) { inflated in
                        output.append(contentsOf: inflated)
                        try Self.checkRatio(
                            inflaterOutput: self.inflater.outputByteCount, compressed: fed, limits: self.limits)
                    }
                }
            } catch let error as IngestError {
                throw error
            } catch let error as CompressionError {
                throw Self.translate(error, limits: limits)
            } catch {
                throw IngestError(.corruptCompression, "\(error)")
            }
        }
        return output.isEmpty ? nil : output
    }

    static func checkRatio(inflaterOutput: Int, compressed: Int, limits: IngestLimits) throws(IngestError) {
        guard inflaterOutput > limits.compressionRatioFloorBytes,
            inflaterOutput / max(1, compressed) > limits.maxCompressionRatio
        else { return }
        throw IngestError(
            .limitExceeded,
            """
            gzip stream inflates more than \(limits.maxCompressionRatio):1 (\(inflaterOutput) \
            bytes from \(compressed) compressed bytes; maxCompressionRatio), a decompression bomb
            """,
            limit: .init(name: "maxCompressionRatio", value: limits.maxCompressionRatio))
    }

    static func translate(_ error: CompressionError, limits: IngestLimits) -> IngestError {
        if error.code == .outputLimitExceeded {
            return IngestError(
                .limitExceeded,
                "gzip stream inflates to more than \(limits.maxDecompressedBytes) bytes (maxDecompressedBytes)",
                limit: .init(name: "maxDecompressedBytes", value: limits.maxDecompressedBytes), underlying: error)
        }
        return IngestError(.corruptCompression, error.message, underlying: error)
    }
}

/// Single stages of the pipeline, for measuring them apart (`folio bench gunzip`).
package enum IngestStages {
    /// Inflates a gzip stream through the same streaming path extraction uses, within `limits`;
    /// returns the inflated byte count.
    package static func gunzip(_ bytes: [UInt8], limits: IngestLimits = IngestLimits()) throws(IngestError) -> Int {
        let input = try GunzipInput(MemoryInput(bytes), limits: limits)
        var total = 0
        while let block = try input.next() { total += block.count }
        return total
    }
}

/// Reads another input ahead on a thread of its own, a few blocks at most, so that inflating (zlib, on
/// one core) overlaps with parsing what was inflated (on another).
///
/// The reading thread stops at the end of the input, at its first error (handed on in order), or when
/// this input is released early.
final class ReadAheadInput: ByteInput {
    private let queue: HandoffQueue<[UInt8], Void, IngestError>
    private var isAtEnd = false

    /// Blocks read ahead at most.
    static let depth = 4

    init(_ source: any ByteInput) {
        let queue = HandoffQueue<[UInt8], Void, IngestError>(
            capacity: Self.depth, cancellation: { IngestError(.cancelled, $0) })
        self.queue = queue
        let transfer = OwnershipTransfer(source)
        let thread = Thread {
            let source = transfer.take()
            do throws(IngestError) {
                while let block = try source.next() { try queue.put(block) }
                queue.finish(.success(()))
            } catch {
                queue.finish(.failure(error))  // nobody hears a cancellation: the consumer is gone
            }
        }
        thread.name = "folio.read-ahead"
        thread.start()
    }

    deinit { queue.cancel() }

    func next() throws(IngestError) -> [UInt8]? {
        guard !isAtEnd else { return nil }
        do {
            guard let block = try queue.take() else {
                isAtEnd = true
                return nil
            }
            return block
        } catch {
            isAtEnd = true  // the reading thread has stopped: nothing more will come
            throw error
        }
    }
}

/// Moves a value that is not `Sendable` to the one thread that uses it from then on.
///
/// Safe because the creating thread gives the value up: `ReadAheadInput` keeps no reference to its
/// source after handing it over, and `take()` is called once, on the reading thread.
private final class OwnershipTransfer<Value>: @unchecked Sendable {
    private var value: Value?
    init(_ value: Value) { self.value = value }
    func take() -> Value {
        defer { value = nil }
        return value!
    }
}
