internal import FolioCompression
internal import FolioSystem
internal import Synchronization

/// The bytes of an index: a read-only memory map of a file, or an image built in memory.
///
/// Pages of a mapped file are verified against the page table on first use (``verify(_:)``); an image
/// built in memory is trusted.
///
/// It is `@unchecked Sendable` because the bytes never change after `init` (the map is `PROT_READ`,
/// the image is written before the storage is made) and the only mutable state, the set of verified
/// pages, sits in a `Mutex`.
final class IndexStorage: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int
    private let release: @Sendable () -> Void
    /// Where the checked pages start, their CRC-32s, and which pages passed.
    private let pagedStart: Int
    private let pageChecksums: UnsafeBufferPointer<UInt32>?
    private let verifiedPages: Mutex<[UInt64]>
    /// Pages verified so far: once all are, ``verify(_:)`` returns at once (hot loops verify often).
    private let verifiedPageCount = Atomic<Int>(0)
    /// The path the bytes came from, for error messages.
    let origin: String

    /// An image built in memory (already trusted).
    init(image: [UInt8]) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(image.count, 1), alignment: 16)
        image.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: image.count) }
        base = UnsafeRawPointer(pointer)
        count = image.count
        let address = UInt(bitPattern: pointer)
        release = { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
        pagedStart = 0
        pageChecksums = nil
        verifiedPages = Mutex([])
        origin = "index in memory"
    }

    /// A 16-byte-aligned copy of `bytes` and the function that frees it, to be checked like a
    /// mapped file (``SearchIndex/fromImage(_:origin:)``).
    static func copy(_ bytes: [UInt8]) -> (pointer: UnsafeRawPointer, release: @Sendable () -> Void) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes {
            if let source = $0.baseAddress { pointer.copyMemory(from: source, byteCount: bytes.count) }
        }
        let address = UInt(bitPattern: pointer)
        return (UnsafeRawPointer(pointer), { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() })
    }

    /// Maps `path` read-only (`MappedFile`); the release function keeps the mapping alive until it is called.
    ///
    /// - Throws: ``IndexError/Code/io`` when it cannot be opened, is not a regular file, or cannot be mapped.
    static func map(path: String) throws(IndexError) -> (
        pointer: UnsafeRawPointer, count: Int, release: @Sendable () -> Void
    ) {
        let file: MappedFile
        do {
            file = try MappedFile.map(path)
        } catch  where error.code == .notRegularFile {
            throw IndexError(.io, "\(path): not a regular file", underlying: error)
        } catch {
            throw IndexError(.io, "\(path): cannot \(error.operation) the index: \(error.reason)", underlying: error)
        }
        guard let base = file.baseAddress else { return (UnsafeRawPointer(bitPattern: 16)!, 0, {}) }
        return (base, file.byteCount, { withExtendedLifetime(file) {} })
    }

    /// Mapped bytes with a page table to verify against.
    init(
        mapped pointer: UnsafeRawPointer, count: Int, release: @escaping @Sendable () -> Void, origin: String,
        pagedStart: Int, pageChecksums: UnsafeBufferPointer<UInt32>
    ) {
        base = pointer
        self.count = count
        self.release = release
        self.origin = origin
        self.pagedStart = pagedStart
        self.pageChecksums = pageChecksums
        verifiedPages = Mutex([UInt64](repeating: 0, count: (pageChecksums.count + 63) / 64))
    }

    deinit { release() }

    var isMapped: Bool { pageChecksums != nil }

    /// Checks every page that overlaps `range` (once per page for the life of the storage).
    ///
    /// - Throws: ``IndexError/Code/corrupt`` naming the page when its checksum does not match.
    func verify(_ range: Range<Int>) throws(IndexError) {
        guard let pageChecksums, !range.isEmpty else { return }
        if verifiedPageCount.load(ordering: .acquiring) == pageChecksums.count { return }
        precondition(range.lowerBound >= pagedStart && range.upperBound <= count, "verify outside the paged region")
        let first = (range.lowerBound - pagedStart) / IndexFormat.pageSize
        let last = (range.upperBound - 1 - pagedStart) / IndexFormat.pageSize
        let unverified = verifiedPages.withLock { bits in
            (first...last).filter { bits[$0 >> 6] & (1 << UInt64($0 & 63)) == 0 }
        }
        guard !unverified.isEmpty else { return }
        for page in unverified {
            let start = pagedStart + page * IndexFormat.pageSize
            let end = min(start + IndexFormat.pageSize, count)
            let actual = CRC32.checksum(UnsafeRawBufferPointer(start: base + start, count: end - start))
            guard actual == pageChecksums[page] else {
                throw IndexError(
                    .corrupt,
                    """
                    \(origin): page \(page) (bytes \(start)..<\(end)) fails its \
                    checksum; the index is damaged — rebuild it with `folio index`
                    """
                )
            }
        }
        let newlyVerified = verifiedPages.withLock { bits in
            var count = 0
            for page in unverified where bits[page >> 6] & (1 << UInt64(page & 63)) == 0 {
                bits[page >> 6] |= 1 << UInt64(page & 63)
                count += 1
            }
            return count
        }
        verifiedPageCount.add(newlyVerified, ordering: .releasing)
    }

    func uint32s(at offset: Int, count: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt32.self), count: count)
    }

    func uint64s(at offset: Int, count: Int) -> UnsafeBufferPointer<UInt64> {
        UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt64.self), count: count)
    }

    func bytes(at offset: Int, count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: count)
    }

    func loadUInt32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    func loadUInt64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
