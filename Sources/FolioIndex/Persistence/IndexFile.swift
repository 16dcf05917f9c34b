internal import FolioCompression
internal import FolioSystem

/// Reading and writing index files.
enum IndexFile {
    /// The directory entry of each section: its byte range in the file.
    typealias Sections = [IndexFormat.Section: Range<Int>]

    /// Checks the header, the directory and the page table of mapped bytes, in O(1) of the data.
    ///
    /// - Throws: ``IndexError/Code/notAnIndex``, ``IndexError/Code/unsupportedVersion``,
    ///   ``IndexError/Code/truncated`` or ``IndexError/Code/corrupt``, naming `origin`.
    static func validate(
        _ pointer: UnsafeRawPointer, count: Int, origin: String
    ) throws(IndexError) -> (sections: Sections, pagedStart: Int, pageChecksums: UnsafeBufferPointer<UInt32>) {
        let raw = UnsafeRawBufferPointer(start: pointer, count: count)
        guard count >= IndexFormat.magic.count, Array(raw[0..<IndexFormat.magic.count]) == IndexFormat.magic else {
            throw IndexError(
                .notAnIndex, "\(origin): not a Folio index (no FOLIOIDX signature); build one with `folio index`")
        }
        guard count >= IndexFormat.headerLength else {
            throw IndexError(
                .truncated,
                """
                \(origin): \(count) bytes, shorter than the \
                \(IndexFormat.headerLength)-byte header; the file was cut off
                """
            )
        }
        func u32(_ offset: Int) -> UInt32 {
            UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        func u64(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<60])) == u32(60) else {
            throw IndexError(.corrupt, "\(origin): the header fails its checksum; rebuild the index")
        }
        let version = u32(8)
        guard version == IndexFormat.version else {
            throw IndexError(
                .unsupportedVersion,
                """
                \(origin): index format version \(version); this Folio \
                reads version \(IndexFormat.version) — rebuild the index
                """
            )
        }
        let fileLength = u64(16)
        guard fileLength <= UInt64(count) else {
            throw IndexError(
                .truncated,
                "\(origin): \(count) bytes, but the header says \(fileLength); the file was cut off — rebuild it")
        }
        guard fileLength == UInt64(count) else {
            throw IndexError(
                .corrupt, "\(origin): \(count) bytes, but the header says \(fileLength); bytes were appended")
        }
        guard u32(12) == UInt32(IndexFormat.pageSize) else {
            throw IndexError(.corrupt, "\(origin): page size \(u32(12)), expected \(IndexFormat.pageSize)")
        }
        let sectionCount = Int(u32(24))
        let pagedStart = Int(u32(36))
        let directoryEnd = IndexFormat.headerLength + sectionCount * IndexFormat.directoryEntryLength
        let pageCount = (count - pagedStart + IndexFormat.pageSize - 1) / IndexFormat.pageSize
        guard sectionCount <= 64, pagedStart <= count, directoryEnd + pageCount * 4 <= pagedStart, pagedStart % 16 == 0
        else {
            throw IndexError(
                .corrupt,
                "\(origin): the header's layout is inconsistent (\(sectionCount) sections, data at \(pagedStart))")
        }
        let directory = UnsafeRawBufferPointer(rebasing: raw[IndexFormat.headerLength..<directoryEnd])
        guard CRC32.checksum(directory) == u32(32) else {
            throw IndexError(.corrupt, "\(origin): the section directory fails its checksum; rebuild the index")
        }
        let pageTable = UnsafeRawBufferPointer(rebasing: raw[directoryEnd..<(directoryEnd + pageCount * 4)])
        guard CRC32.checksum(pageTable) == u32(28) else {
            throw IndexError(.corrupt, "\(origin): the page table fails its checksum; rebuild the index")
        }
        var sections: Sections = [:]
        for entry in 0..<sectionCount {
            let at = IndexFormat.headerLength + entry * IndexFormat.directoryEntryLength
            let offset = u64(at + 8)
            let length = u64(at + 16)
            guard offset >= UInt64(pagedStart), offset % 8 == 0, length <= UInt64(count),
                offset + length <= UInt64(count)
            else {
                throw IndexError(.corrupt, "\(origin): section \(u32(at)) lies outside the file")
            }
            if let kind = IndexFormat.Section(rawValue: u32(at)) { sections[kind] = Int(offset)..<Int(offset + length) }
        }
        for kind in IndexFormat.Section.allCases where sections[kind] == nil && !kind.isOptional {
            throw IndexError(.corrupt, "\(origin): the \(kind) section is missing")
        }
        let checksums = UnsafeBufferPointer(
            start: (pointer + directoryEnd).assumingMemoryBound(to: UInt32.self), count: pageCount)
        return (sections, pagedStart, checksums)
    }

    /// Writes `bytes` to `path` through a temporary file of this write's own, `fsync` and `rename`,
    /// so a reader sees the old file or the new one, never a part, and writers of one path (in one
    /// process or several) never mix their bytes: the last rename wins, whole (``AtomicFile``).
    ///
    /// - Throws: ``IndexError/Code/io`` naming `path`, with the ``SystemError`` as `underlying`.
    static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws(IndexError) {
        do {
            try AtomicFile.replace(path, with: bytes)
        } catch {
            throw IndexError(.io, "\(path): cannot write the index: \(error.message)", underlying: error)
        }
    }
}
