internal import CZlib
internal import FolioModel

/// Reads a ZIP archive (the container of DOCX and ODT) in place: lists its entries and streams their
/// inflated bytes, treating the archive as hostile.
///
/// Nothing is ever extracted to disk and entry names are never used as file paths. Opening reads and
/// checks the whole central directory (signatures, offsets and sizes inside the file, no overlapping
/// entries, ZIP64 records) and refuses a damaged one with ``CompressionError/Code/corruptArchive``.
/// Reading an entry checks its local header, refuses sizes and ratios beyond ``Limits`` before
/// inflating anything, enforces them again on the actual output (declared sizes can lie), and
/// requires the output to match the declared size and CRC-32.
///
/// ```swift
/// let archive = try ZipArchive(source: ZipFileSource(path: "contract.docx"))
/// if let document = archive.entry(named: "word/document.xml") {
///     try archive.read(document) { block in parser.feed(block) }
/// }
/// ```
///
/// - Important: A `ZipArchive` belongs to one task at a time: it reads through its source, which
///   need not be `Sendable`. Open one archive per task to read entries concurrently.
public final class ZipArchive {
    /// Every entry of the central directory, in directory order, including unsafe paths and duplicates.
    public let entries: [Entry]
    public let limits: Limits
    private let source: any ZipByteSource
    /// Safe entries by the UTF-8 bytes of their path (exact match, no Unicode normalization), first wins.
    private let safeEntryIndex: [[UInt8]: Int]

    /// Size of the compressed blocks read from the source.
    static let readBlockSize = 64 * 1024

    /// Opens an archive and reads its central directory.
    ///
    /// - Throws: ``CompressionError`` with code `corruptArchive` (no end record, a bad signature, an
    ///   offset or size outside the file, overlapping entries), `entryCountLimitExceeded`, or
    ///   `unreadable` when the source fails.
    public init(source: some ZipByteSource, limits: Limits = .init()) throws(CompressionError) {
        self.source = source
        self.limits = limits
        self.entries = try Self.readDirectory(from: source, limits: limits)
        var index: [[UInt8]: Int] = [:]
        for entry in entries where entry.isSafePath && index[Array(entry.path.utf8)] == nil {
            index[Array(entry.path.utf8)] = entry.index
        }
        self.safeEntryIndex = index
    }

    /// Opens the archive at `path` through a ``ZipFileSource``.
    ///
    /// - Throws: ``CompressionError`` as ``init(source:limits:)`` does, or `unreadable`.
    public convenience init(path: String, limits: Limits = .init()) throws(CompressionError) {
        try self.init(source: ZipFileSource(path: path), limits: limits)
    }

    /// The first entry whose stored name is exactly `name`, if its path is safe.
    ///
    /// Names are compared byte for byte as UTF-8, so `"é"` and `"e\u{301}"` are different names.
    public func entry(named name: String) -> Entry? {
        safeEntryIndex[Array(name.utf8)].map { entries[$0] }
    }

    /// Streams the inflated bytes of `entry` to `emit` in blocks of at most 64 KiB.
    ///
    /// 1. Refuse encrypted entries and methods other than stored and deflate, a declared size above
    ///    ``Limits/maxEntryBytes``, and a declared ratio above ``Limits/maxCompressionRatio``.
    /// 2. Check the local header: its signature, its name (it must match the central directory's), and
    ///    that its data ends before the next entry.
    /// 3. Read the compressed bytes in blocks of 64 KiB and inflate them with zlib, checking the limits
    ///    and the declared size on every output block before it reaches `emit`.
    /// 4. Require the deflate stream to end exactly with the compressed data, the output to have the
    ///    declared size, and its CRC-32 to match.
    ///
    /// A failure can come after some blocks were emitted: a caller must discard what it received.
    ///
    /// - Parameter entry: An entry of this archive's ``entries``.
    /// - Throws: ``CompressionError`` with code `unsupportedArchive`, `outputLimitExceeded`,
    ///   `ratioLimitExceeded`, `corruptArchive` (bad local header, bad deflate data, wrong size or
    ///   CRC-32), `unreadable` or `zlibFailure`; errors thrown by `emit` are passed on unchanged.
    public func read(_ entry: Entry, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        precondition(
            entry.index < entries.count && entries[entry.index] == entry,
            "entry \(entry.displayPath) is not from this archive")
        try checkLimits(of: entry)
        let dataOffset = try checkLocalHeader(of: entry)
        var output = EntryOutput(entry: entry, limits: limits)
        do {
            switch entry.method {
            case .stored:
                try copyStored(entry, from: dataOffset, to: &output, emit: emit)
            case .deflate:
                try inflate(entry, from: dataOffset, to: &output, emit: emit)
            case .other:
                preconditionFailure("checkLimits(of:) refuses other methods")
            }
        } catch let failure as EmitFailure {
            throw failure.error
        }
        try output.finish()
    }

    /// The whole inflated content of `entry`, for small parts (`[Content_Types].xml`, styles).
    ///
    /// - Throws: ``CompressionError`` as ``read(_:emit:)`` does.
    public func readAll(_ entry: Entry) throws(CompressionError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(entry.uncompressedSize, 1 << 20))
        do {
            try read(entry) { block in bytes.append(contentsOf: block) }
        } catch let error as CompressionError {
            throw error
        } catch {
            preconditionFailure("appending to an array cannot throw: \(error)")
        }
        return bytes
    }

    /// Refuses what is decided by the central directory alone, before any data is read.
    private func checkLimits(of entry: Entry) throws(CompressionError) {
        guard !entry.isEncrypted else {
            throw CompressionError(
                .unsupportedArchive, "entry \(entry.displayPath) is encrypted; Folio does not read encrypted archives")
        }
        if case .other = entry.method {
            throw CompressionError(
                .unsupportedArchive,
                """
                entry \(entry.displayPath) is compressed with \
                \(entry.method); Folio reads only stored and deflate entries
                """
            )
        }
        guard entry.uncompressedSize <= limits.maxEntryBytes else {
            throw CompressionError(
                .outputLimitExceeded,
                """
                entry \(entry.displayPath) declares \(entry.uncompressedSize) bytes \
                uncompressed, above the limit of \(limits.maxEntryBytes) bytes (maxEntryBytes)
                """
            )
        }
        guard !limits.exceedsRatio(entry.uncompressedSize, compressedByteCount: entry.compressedSize) else {
            throw CompressionError(
                .ratioLimitExceeded,
                """
                entry \(entry.displayPath) declares \(entry.uncompressedSize) bytes uncompressed from \
                \(entry.compressedSize) compressed bytes, a ratio above the limit of \(limits.maxCompressionRatio) \
                (maxCompressionRatio) for entries over \(limits.ratioFloorBytes) bytes (ratioFloorBytes)
                """
            )
        }
        if entry.method == .stored, entry.compressedSize != entry.uncompressedSize {
            throw Self.corrupt(
                """
                stored entry \(entry.displayPath) declares \(entry.compressedSize) \
                bytes stored but \(entry.uncompressedSize) bytes uncompressed
                """
            )
        }
    }

    /// Checks the local file header of `entry` and returns the offset of its data.
    private func checkLocalHeader(of entry: Entry) throws(CompressionError) -> Int {
        // The central directory guaranteed room for the 30-byte header before `dataLimit`.
        var header: [UInt8] = []
        try source.read(at: entry.localHeaderOffset, count: ZipRecordSize.localHeader, into: &header)
        guard header.littleEndianUInt32(at: 0) == ZipSignature.localHeader else {
            throw Self.corrupt(
                "bad local file header signature at offset \(entry.localHeaderOffset) (entry \(entry.displayPath))")
        }
        let nameLength = Int(header.littleEndianUInt16(at: 26))
        let extraLength = Int(header.littleEndianUInt16(at: 28))
        let dataOffset = entry.localHeaderOffset + ZipRecordSize.localHeader + nameLength + extraLength
        guard dataOffset <= entry.dataLimit, entry.compressedSize <= entry.dataLimit - dataOffset else {
            throw Self.corrupt(
                """
                entry \(entry.displayPath): its local header at offset \(entry.localHeaderOffset) \
                (\(nameLength)-byte name, \(extraLength)-byte extra field) and \(entry.compressedSize) compressed \
                bytes run past offset \(entry.dataLimit), where the next entry or the central directory starts
                """
            )
        }
        var name: [UInt8] = []
        try source.read(at: entry.localHeaderOffset + ZipRecordSize.localHeader, count: nameLength, into: &name)
        let localPath = UTF8Repair.repair(name).text
        guard localPath.utf8.elementsEqual(entry.path.utf8) else {
            throw Self.corrupt(
                """
                entry \(entry.displayPath) is named \(Self.displayName(localPath)) \
                in its local header at offset \(entry.localHeaderOffset)
                """
            )
        }
        return dataOffset
    }

    private func copyStored(
        _ entry: Entry, from dataOffset: Int, to output: inout EntryOutput,
        emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        var block: [UInt8] = []
        var offset = dataOffset
        var remaining = entry.compressedSize
        while remaining > 0 {
            let count = min(remaining, Self.readBlockSize)
            try source.read(at: offset, count: count, into: &block)
            try block.withUnsafeBufferPointer { try output.accept($0, emit: emit) }
            offset += count
            remaining -= count
        }
    }

    private func inflate(
        _ entry: Entry, from dataOffset: Int, to output: inout EntryOutput,
        emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        // An empty entry stored as zero deflate bytes (some writers do this) has nothing to inflate.
        guard entry.compressedSize > 0 else { return }
        let inflater = try Inflater(format: .raw)
        var block: [UInt8] = []
        var offset = dataOffset
        var remaining = entry.compressedSize
        while remaining > 0 {
            let count = min(remaining, Self.readBlockSize)
            try source.read(at: offset, count: count, into: &block)
            do {
                try block.withUnsafeBytes { raw in
                    try inflater.inflate(raw) { try output.accept($0, emit: emit) }
                }
            } catch let error as CompressionError where error.code == .corrupt {
                throw Self.corrupt(
                    """
                    entry \(entry.displayPath) holds bad deflate data (in compressed bytes \
                    \(offset - dataOffset)..<\(offset - dataOffset + count)): \(error.message)
                    """
                )
            } catch let error as CompressionError where error.code == .trailingData {
                throw Self.corrupt(
                    """
                    entry \(entry.displayPath): its deflate stream ends \
                    before its \(entry.compressedSize) compressed bytes do
                    """
                )
            }
            offset += count
            remaining -= count
        }
        guard inflater.isFinished else {
            throw Self.corrupt(
                """
                entry \(entry.displayPath): its deflate stream is truncated (no end marker in its \
                \(entry.compressedSize) compressed bytes, after \(output.byteCount) inflated bytes)
                """
            )
        }
    }
}

/// Counts, checks and checksums an entry's output on its way to the caller.
private struct EntryOutput {
    let entry: ZipArchive.Entry
    let limits: ZipArchive.Limits
    private(set) var byteCount = 0
    private var crc: UInt = 0

    init(entry: ZipArchive.Entry, limits: ZipArchive.Limits) {
        self.entry = entry
        self.limits = limits
    }

    /// Checks the limits and the declared size with `block` included, then passes it to `emit`.
    mutating func accept(_ block: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws
    {
        guard !block.isEmpty else { return }
        let total = byteCount + block.count
        // The declared size passed these limits already; the actual output is checked too, in case
        // the size check below is ever relaxed.
        guard total <= limits.maxEntryBytes else {
            throw CompressionError(
                .outputLimitExceeded,
                "entry \(entry.displayPath) inflates past the limit of \(limits.maxEntryBytes) bytes (maxEntryBytes)")
        }
        guard !limits.exceedsRatio(total, compressedByteCount: entry.compressedSize) else {
            throw CompressionError(
                .ratioLimitExceeded,
                """
                entry \(entry.displayPath) inflates to more than \
                \(limits.maxCompressionRatio) times its \(entry.compressedSize) compressed \
                bytes, above the limit of \(limits.maxCompressionRatio) (maxCompressionRatio)
                """
            )
        }
        guard total <= entry.uncompressedSize else {
            throw ZipArchive.corrupt(
                "entry \(entry.displayPath) inflates past its declared size of \(entry.uncompressedSize) bytes")
        }
        crc = CZlib.crc32(crc, block.baseAddress, uInt(block.count))
        byteCount = total
        do {
            try emit(block)
        } catch {
            throw EmitFailure(error: error)
        }
    }

    /// Requires the declared size and CRC-32.
    func finish() throws(CompressionError) {
        guard byteCount == entry.uncompressedSize else {
            throw ZipArchive.corrupt(
                "entry \(entry.displayPath) inflates to \(byteCount) bytes but declares \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
            throw ZipArchive.corrupt(
                """
                entry \(entry.displayPath) has CRC-32 \
                \(Self.hex(UInt32(truncatingIfNeeded: crc))) but declares \(Self.hex(entry.crc32))
                """
            )
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Carries an error thrown by the caller's `emit` through the inflater, so it is not mistaken for
/// one of ours and reaches the caller unchanged.
private struct EmitFailure: Error {
    let error: any Error
}
