internal import FolioModel

/// Signatures of the ZIP records (APPNOTE.TXT 4.3), as little-endian `UInt32`s.
enum ZipSignature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralHeader: UInt32 = 0x0201_4B50
    static let end: UInt32 = 0x0605_4B50
    static let zip64End: UInt32 = 0x0606_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
}

/// Fixed record sizes (APPNOTE.TXT 4.3).
enum ZipRecordSize {
    static let localHeader = 30
    static let centralHeader = 46
    static let end = 22
    static let zip64End = 56
    static let zip64Locator = 20
    /// The end record plus the longest comment it can carry.
    static let endSearch = end + Int(UInt16.max)
}

extension ZipArchive {
    /// Where the central directory is, from the end record (and the ZIP64 end record when present).
    struct DirectoryLocation {
        var entryCount: Int
        var offset: Int
        var byteCount: Int
        /// Offset of the record that follows the directory (the ZIP64 end record or the end record).
        var end: Int
    }

    /// Reads and checks the whole central directory.
    ///
    /// 1. Find the end-of-central-directory record in the last 65,557 bytes, searching backwards for a
    ///    signature whose comment fits in the file; follow the ZIP64 locator when a field is saturated.
    /// 2. Require the directory to end exactly where the end record (or ZIP64 end record) starts, and
    ///    the declared entry count to be within ``Limits/maxEntryCount`` and to fit its byte size.
    /// 3. Parse each record, checking its signature and bounds, resolving ZIP64 extra fields, and
    ///    requiring each local header and its data to lie before the central directory.
    /// 4. Sort the entries by local header offset and require that none overlaps the next (so one
    ///    stretch of compressed data cannot be listed many times, as overlapping zip bombs do).
    ///
    /// - Complexity: O(*n* log *n*) for *n* entries; the directory is read in blocks of 64 KiB.
    static func readDirectory(
        from source: any ZipByteSource, limits: Limits
    ) throws(CompressionError) -> [Entry] {
        let location = try locateDirectory(in: source)
        guard location.entryCount <= limits.maxEntryCount else {
            throw CompressionError(
                .entryCountLimitExceeded,
                """
                zip archive declares \(location.entryCount) entries, above \
                the limit of \(limits.maxEntryCount) entries (maxEntryCount)
                """
            )
        }
        guard location.entryCount <= location.byteCount / ZipRecordSize.centralHeader else {
            throw corrupt(
                """
                the central directory declares \(location.entryCount) entries in \(location.byteCount) \
                bytes, too few for \(ZipRecordSize.centralHeader) bytes per entry
                """
            )
        }

        var reader = ZipBlockReader(source: source, end: location.end)
        var entries: [Entry] = []
        entries.reserveCapacity(min(location.entryCount, 1 << 16))
        var offset = location.offset
        for index in 0..<location.entryCount {
            let entry = try readCentralHeader(
                at: &offset, index: index, location: location, reader: &reader)
            entries.append(entry)
        }
        guard offset == location.end else {
            throw corrupt(
                """
                the central directory's \(location.entryCount) entries end at offset \(offset), \
                but it declares \(location.byteCount) bytes ending at offset \(location.end)
                """
            )
        }

        // Each entry's local header and data must end before the next local header starts.
        let order = entries.indices.sorted {
            (entries[$0].localHeaderOffset, $0) < (entries[$1].localHeaderOffset, $1)
        }
        for (position, index) in order.enumerated() {
            let entry = entries[index]
            let nextIndex = position + 1 < order.count ? order[position + 1] : nil
            let limit = nextIndex.map { entries[$0].localHeaderOffset } ?? location.offset
            let room = limit - entry.localHeaderOffset - ZipRecordSize.localHeader
            guard room >= 0, entry.compressedSize <= room else {
                let other =
                    nextIndex.map { "entry \(entries[$0].displayPath) at offset \(limit)" } ?? "the central directory"
                throw corrupt(
                    """
                    entry \(entry.displayPath) (local header at offset \(entry.localHeaderOffset), \
                    \(entry.compressedSize) compressed bytes) overlaps \(other)
                    """
                )
            }
            entries[index].dataLimit = limit
        }
        return entries
    }

    /// Finds the end record (and the ZIP64 end record) and checks where they put the directory.
    static func locateDirectory(in source: any ZipByteSource) throws(CompressionError) -> DirectoryLocation {
        let size = source.byteCount
        guard size >= ZipRecordSize.end else {
            throw corrupt(
                """
                the file has \(size) bytes, too few for an end-of-central-directory \
                record (\(ZipRecordSize.end) bytes); it is not a zip archive
                """
            )
        }
        let tailCount = min(size, ZipRecordSize.endSearch)
        let tailStart = size - tailCount
        var tail: [UInt8] = []
        try source.read(at: tailStart, count: tailCount, into: &tail)
        var position = tailCount - ZipRecordSize.end
        var found: Int?
        while position >= 0 {
            if tail[position] == 0x50, tail[position + 1] == 0x4B, tail[position + 2] == 0x05,
                tail[position + 3] == 0x06,
                Int(tail.littleEndianUInt16(at: position + 20)) <= tailCount - position - ZipRecordSize.end
            {
                found = position
                break
            }
            position -= 1
        }
        guard let found else {
            throw corrupt(
                "no end-of-central-directory record in the last \(tailCount) bytes (not a zip archive, or truncated)")
        }
        let endOffset = tailStart + found
        let entryCount = tail.littleEndianUInt16(at: found + 10)
        let entryCountOnDisk = tail.littleEndianUInt16(at: found + 8)
        let directorySize = tail.littleEndianUInt32(at: found + 12)
        let directoryOffset = tail.littleEndianUInt32(at: found + 16)
        var location = DirectoryLocation(
            entryCount: Int(entryCount), offset: Int(directoryOffset), byteCount: Int(directorySize), end: endOffset)

        if entryCount == .max || entryCountOnDisk == .max || directorySize == .max || directoryOffset == .max {
            location = try locateZip64Directory(in: source, endOffset: endOffset)
        }
        guard location.offset <= location.end, location.byteCount == location.end - location.offset else {
            throw corrupt(
                """
                the central directory declares offset \(location.offset) and \(location.byteCount) \
                bytes, but the end record that follows it is at offset \(location.end)
                """
            )
        }
        return location
    }

    /// Reads the ZIP64 locator just before the end record at `endOffset`, then the ZIP64 end record.
    private static func locateZip64Directory(
        in source: any ZipByteSource, endOffset: Int
    ) throws(CompressionError) -> DirectoryLocation {
        let locatorOffset = endOffset - ZipRecordSize.zip64Locator
        var bytes: [UInt8] = []
        if locatorOffset >= 0 {
            try source.read(at: locatorOffset, count: ZipRecordSize.zip64Locator, into: &bytes)
        }
        guard locatorOffset >= 0, bytes.littleEndianUInt32(at: 0) == ZipSignature.zip64Locator else {
            throw corrupt(
                """
                the end record at offset \(endOffset) marks a ZIP64 archive, \
                but no ZIP64 end-of-central-directory locator precedes it
                """
            )
        }
        let recordOffset64 = bytes.littleEndianUInt64(at: 8)
        guard let recordOffset = Int(exactly: recordOffset64),
            recordOffset <= locatorOffset - ZipRecordSize.zip64End
        else {
            throw corrupt(
                """
                the ZIP64 locator at offset \(locatorOffset) points to \
                offset \(recordOffset64), outside the file before it
                """
            )
        }
        try source.read(at: recordOffset, count: ZipRecordSize.zip64End, into: &bytes)
        guard bytes.littleEndianUInt32(at: 0) == ZipSignature.zip64End else {
            throw corrupt("bad ZIP64 end-of-central-directory signature at offset \(recordOffset)")
        }
        let entryCount = bytes.littleEndianUInt64(at: 32)
        let directorySize = bytes.littleEndianUInt64(at: 40)
        let directoryOffset = bytes.littleEndianUInt64(at: 48)
        guard let count = Int(exactly: entryCount), let size = Int(exactly: directorySize),
            let offset = Int(exactly: directoryOffset)
        else {
            throw corrupt(
                """
                the ZIP64 end record at offset \(recordOffset) declares \(entryCount) entries \
                in \(directorySize) bytes at offset \(directoryOffset), beyond any file
                """
            )
        }
        return DirectoryLocation(entryCount: count, offset: offset, byteCount: size, end: recordOffset)
    }

    /// Parses the central directory record at `offset` and moves `offset` past it.
    private static func readCentralHeader(
        at offset: inout Int, index: Int, location: DirectoryLocation, reader: inout ZipBlockReader
    ) throws(CompressionError) -> Entry {
        let context = "entry \(index + 1) of \(location.entryCount)"
        guard location.end - offset >= ZipRecordSize.centralHeader else {
            throw corrupt(
                "central directory record at offset \(offset) runs past the end of the directory (\(context))")
        }
        let header = try reader.bytes(at: offset, count: ZipRecordSize.centralHeader)
        guard header.littleEndianUInt32(at: 0) == ZipSignature.centralHeader else {
            throw corrupt("bad central directory signature at offset \(offset) (\(context))")
        }
        let flags = header.littleEndianUInt16(at: 8)
        let method = Method(rawValue: header.littleEndianUInt16(at: 10))
        let crc32 = header.littleEndianUInt32(at: 16)
        let compressedSize32 = header.littleEndianUInt32(at: 20)
        let uncompressedSize32 = header.littleEndianUInt32(at: 24)
        let nameLength = Int(header.littleEndianUInt16(at: 28))
        let extraLength = Int(header.littleEndianUInt16(at: 30))
        let commentLength = Int(header.littleEndianUInt16(at: 32))
        let localHeaderOffset32 = header.littleEndianUInt32(at: 42)
        let recordLength = ZipRecordSize.centralHeader + nameLength + extraLength + commentLength
        guard location.end - offset >= recordLength else {
            throw corrupt(
                """
                central directory record at offset \(offset) (\(recordLength) bytes with its name, extra \
                field and comment) runs past the end of the directory at offset \(location.end) (\(context))
                """
            )
        }
        let nameBytes = try reader.bytes(at: offset + ZipRecordSize.centralHeader, count: nameLength)
        let path = UTF8Repair.repair(nameBytes).text
        let extra = try reader.bytes(at: offset + ZipRecordSize.centralHeader + nameLength, count: extraLength)

        // ZIP64: each saturated field is replaced, in this order, by a 64-bit value in extra field 0x0001.
        var uncompressedSize = UInt64(uncompressedSize32)
        var compressedSize = UInt64(compressedSize32)
        var localHeaderOffset = UInt64(localHeaderOffset32)
        let zip64 = try zip64ExtraField(in: extra, entryPath: path, context: context)
        var zip64Cursor = 0
        func next64(_ field: String) throws(CompressionError) -> UInt64 {
            guard let zip64, zip64.count - zip64Cursor >= 8 else {
                throw corrupt(
                    """
                    entry \(displayName(path)) marks its \(field) as ZIP64 (0xFFFFFFFF), \
                    but its ZIP64 extra field is missing or too short (\(context))
                    """
                )
            }
            defer { zip64Cursor += 8 }
            return zip64.littleEndianUInt64(at: zip64Cursor)
        }
        if uncompressedSize32 == .max { uncompressedSize = try next64("uncompressed size") }
        if compressedSize32 == .max { compressedSize = try next64("compressed size") }
        if localHeaderOffset32 == .max { localHeaderOffset = try next64("local header offset") }

        guard let compressed = Int(exactly: compressedSize), let localOffset = Int(exactly: localHeaderOffset),
            localOffset <= location.offset - ZipRecordSize.localHeader,
            compressed <= location.offset - ZipRecordSize.localHeader - localOffset
        else {
            throw corrupt(
                """
                entry \(displayName(path)) declares a local header at offset \
                \(localHeaderOffset) and \(compressedSize) compressed bytes, which run \
                past the central directory at offset \(location.offset) (\(context))
                """
            )
        }
        guard let uncompressed = Int(exactly: uncompressedSize) else {
            throw corrupt(
                """
                entry \(displayName(path)) declares \(uncompressedSize) \
                bytes uncompressed, more than any file holds (\(context))
                """
            )
        }
        offset += recordLength
        let isDirectory = nameBytes.last == UInt8(ascii: "/")
        return Entry(
            path: path, compressedSize: compressed, uncompressedSize: uncompressed, crc32: crc32, method: method,
            flags: flags, isSafePath: isSafePath(path, isDirectory: isDirectory), index: index,
            localHeaderOffset: localOffset, dataLimit: location.offset)
    }

    /// The data of extra field 0x0001 (ZIP64), checking that every field fits in the extra area.
    private static func zip64ExtraField(
        in extra: [UInt8], entryPath: String, context: String
    ) throws(CompressionError) -> [UInt8]? {
        var position = 0
        var zip64: [UInt8]?
        // A tail shorter than a field header is padding; some writers leave it.
        while extra.count - position >= 4 {
            let id = extra.littleEndianUInt16(at: position)
            let size = Int(extra.littleEndianUInt16(at: position + 2))
            guard size <= extra.count - position - 4 else {
                throw corrupt(
                    """
                    entry \(displayName(entryPath)) has an extra field (id 0x\(String(id, radix: 16))) \
                    of \(size) bytes that runs past its \(extra.count)-byte extra area (\(context))
                    """
                )
            }
            if id == 0x0001, zip64 == nil { zip64 = Array(extra[position + 4..<position + 4 + size]) }
            position += 4 + size
        }
        return zip64
    }

    static func corrupt(_ detail: String) -> CompressionError {
        CompressionError(.corruptArchive, "corrupt zip: \(detail)")
    }
}

/// Reads a region of a ``ZipByteSource`` in blocks of 64 KiB, so parsing many small records costs
/// few reads and never loads a declared size at once.
struct ZipBlockReader {
    static let blockSize = 64 * 1024

    let source: any ZipByteSource
    /// Reads never go past this offset.
    let end: Int
    private var block: [UInt8] = []
    private var blockStart = 0

    init(source: any ZipByteSource, end: Int) {
        self.source = source
        self.end = end
    }

    /// The `count` bytes at `offset`; the caller has checked that `offset + count <= end`.
    mutating func bytes(at offset: Int, count: Int) throws(CompressionError) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && count <= end - offset, "read outside the region")
        if offset < blockStart || offset - blockStart > block.count - count {
            let length = min(end - offset, max(count, Self.blockSize))
            try source.read(at: offset, count: length, into: &block)
            blockStart = offset
        }
        let start = offset - blockStart
        return Array(block[start..<start + count])
    }
}

extension [UInt8] {
    /// The little-endian `UInt16` at `index` (bounds-checked).
    func littleEndianUInt16(at index: Int) -> UInt16 {
        UInt16(self[index]) | UInt16(self[index + 1]) << 8
    }

    /// The little-endian `UInt32` at `index` (bounds-checked).
    func littleEndianUInt32(at index: Int) -> UInt32 {
        UInt32(littleEndianUInt16(at: index)) | UInt32(littleEndianUInt16(at: index + 2)) << 16
    }

    /// The little-endian `UInt64` at `index` (bounds-checked).
    func littleEndianUInt64(at index: Int) -> UInt64 {
        UInt64(littleEndianUInt32(at: index)) | UInt64(littleEndianUInt32(at: index + 4)) << 32
    }
}
