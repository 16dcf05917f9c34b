internal import FolioCompression
internal import FolioSystem
internal import Synchronization

/// A named part of a cached value, stored compressed and inflated only when asked for.
public struct CacheSegment: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The segments of an entry on disk: every checksum verified when the entry was opened, each
/// segment inflated on demand (a 2,000,000-character document's text and index are inflated when
/// first used, not when the entry is opened).
///
/// Thread-safe: it holds the entry's bytes, a private read-only copy made and verified when the
/// entry was opened, so the bytes used are the bytes verified whatever happens to the file since
/// (a mapping would show a rewrite in place, and end the process with `SIGBUS` on a truncation). A
/// segment that fails to inflate, or a value that finds its data unusable (``discard()``), has the
/// cache that served the entry drop it from both tiers, so the next lookup recomputes the value.
public final class CachedSegments: Sendable {
    struct Segment: Sendable {
        var range: Range<Int>
        var rawByteCount: Int
    }

    private let file: MappedFile
    private let segments: [String: Segment]
    /// The entry's origin, for messages.
    public let origin: String
    /// The token count the entry's header records (``CacheableValue/tokenCount`` when it was written),
    /// so a value need not store it in a segment of its own.
    public let tokenCount: Int

    /// What ``discard()`` does: set by the cache that served the entry, called once.
    private let discardHandler = Mutex<(@Sendable () -> Void)?>(nil)

    init(file: MappedFile, segments: [String: Segment], origin: String, tokenCount: Int) {
        precondition(file.isPrivateCopy, "segments are inflated from the bytes verified: a private copy, not a mapping")
        self.file = file
        self.segments = segments
        self.origin = origin
        self.tokenCount = tokenCount
    }

    func onDiscard(_ handler: @escaping @Sendable () -> Void) {
        discardHandler.withLock { $0 = handler }
    }

    /// Reports that the entry's data turned out unusable after the entry was served (a part that
    /// does not decode): the cache that served it removes it from memory and disk and counts it in
    /// ``TierStatistics/discardedCorrupt``, so it is served no more and the next lookup recomputes
    /// the value. ``bytes(of:)`` calls it itself when a segment fails; later calls do nothing.
    public func discard() {
        let handler = discardHandler.withLock { handler in
            defer { handler = nil }
            return handler
        }
        handler?()
    }

    /// The error for a segment that fails on first use, once the entry is discarded.
    private func damaged(_ message: String, underlying: (any Error & Sendable)? = nil) -> CacheError {
        discard()
        return CacheError(.corrupt, message, underlying: underlying)
    }

    /// The names of the segments.
    public var names: [String] { segments.keys.sorted() }

    /// The inflated size of a segment, known without inflating it.
    public func rawByteCount(of name: String) -> Int? { segments[name]?.rawByteCount }

    /// The compressed bytes of all segments, with the entry's header: the size of the entry file,
    /// held in memory (a private copy) for as long as these segments are.
    public var storedByteCount: Int { file.byteCount }

    /// Inflates one segment from the entry's private copy, verified when the entry was opened.
    ///
    /// - Throws: ``CacheError/Code/corrupt`` when the entry has no such segment, or when it does not
    ///   inflate to its recorded size (only a writer bug could cause that: its checksum passed).
    public func bytes(of name: String) throws(CacheError) -> [UInt8] {
        guard let segment = segments[name] else {
            throw damaged("\(origin): the entry has no segment \"\(name)\"")
        }
        let inflated = file.withUnsafeBytes { raw in
            let stored = UnsafeRawBufferPointer(rebasing: raw[segment.range]).assumingMemoryBound(to: UInt8.self)
            return Result { () throws(CompressionError) in
                try ZlibBlock.decompress(stored, byteCount: segment.rawByteCount)
            }
        }
        switch inflated {
        case .success(let bytes): return bytes
        case .failure(let error): throw damaged("\(origin): segment \"\(name)\": \(error.message)", underlying: error)
        }
    }
}

/// The on-disk layout of one cache entry.
///
/// ```
/// "FOLIOCE2"  header length (u32 LE)  header XXH64 (u64 LE)  header  segment bytes…
/// header: key (string)  created ms (u64)  expires ms (u64, 0 = never)  token count (varint)
///         segment count (varint), then per segment: name, raw length, stored length (varints), XXH64 (u64)
/// ```
/// Segments are zlib streams, one after another; the file ends exactly after the last one. Every
/// byte is covered by a checksum: the header by its own, each segment by one in the header.
///
/// Version 2 replaced version 1's CRC-32s with ``XXH64`` (3.4× faster here, so a disk hit can
/// verify a 17.7 MB entry within its budget). A version 1 entry has another magic: it is
/// discarded as foreign and recomputed.
enum CacheEntryFile {
    static let magic = Array("FOLIOCE2".utf8)
    /// zlib level 1: entries are written on the cold path, where level 6 cost 3× the time for ~10 %.
    static let compressionLevel = 1

    struct Header: Sendable {
        var key: String
        var createdMilliseconds: UInt64
        var expiresMilliseconds: UInt64
        var tokenCount: Int
    }

    static func encode(header: Header, segments: [CacheSegment]) -> [UInt8] {
        let compressed = segments.map { ZlibBlock.compress($0.bytes, level: compressionLevel) }
        var writer = ByteWriter()
        writer.string(header.key)
        writer.fixed64(header.createdMilliseconds)
        writer.fixed64(header.expiresMilliseconds)
        writer.varint(header.tokenCount)
        writer.varint(segments.count)
        for (segment, stored) in zip(segments, compressed) {
            writer.string(segment.name)
            writer.varint(segment.bytes.count)
            writer.varint(stored.count)
            writer.fixed64(XXH64.hash(stored))
        }
        var file = ByteWriter()
        file.raw(magic)
        file.fixed32(UInt32(writer.bytes.count))
        file.fixed64(XXH64.hash(writer.bytes))
        file.raw(writer.bytes)
        var bytes = file.bytes
        bytes.reserveCapacity(bytes.count + compressed.reduce(0) { $0 + $1.count })
        for stored in compressed { bytes.append(contentsOf: stored) }
        return bytes
    }

    /// The magic, the header's length (u32) and the header's checksum (u64).
    static let prefixByteCount = magic.count + 4 + 8

    /// Checks every checksum and length; nothing from a file that fails is used.
    ///
    /// The prefix and the header are copied out and checked before they are parsed; the segments
    /// are checked in place, in the private copy that ``CachedSegments/bytes(of:)`` inflates from.
    ///
    /// - Complexity: One ``XXH64`` pass over the file (~1.2 ms for a 17.7 MB entry); no segment is
    ///   inflated.
    ///
    /// - Precondition: `file` is a private copy (``DiskStore/open(_:)``).
    static func decode(_ file: MappedFile, origin: String) throws(CacheError) -> (Header, CachedSegments) {
        var reader = ByteReader(file.copyBytes(0..<prefixByteCount))
        guard Array(try reader.raw(magic.count)) == magic else {
            throw CacheError(.corrupt, "\(origin): not a FOLIOCE2 cache entry (another Folio version's, or damaged)")
        }
        let headerLength = Int(try reader.fixed32())
        let headerChecksum = try reader.fixed64()
        let headerStart = prefixByteCount
        guard headerLength <= file.byteCount - headerStart else {
            throw CacheError(.corrupt, "\(origin): truncated in its header")
        }
        let headerBytes = file.copyBytes(headerStart..<(headerStart + headerLength))
        guard XXH64.hash(headerBytes) == headerChecksum else {
            throw CacheError(.corrupt, "\(origin): the header fails its checksum")
        }
        var header = ByteReader(headerBytes)
        let key = try header.string()
        let created = try header.fixed64()
        let expires = try header.fixed64()
        let tokenCount = try header.varint()
        let segmentCount = try header.varint()
        var segments: [String: CachedSegments.Segment] = [:]
        var cursor = headerStart + headerLength
        for _ in 0..<min(segmentCount, 1_000) {
            let name = try header.string()
            let rawCount = try header.varint()
            let storedCount = try header.varint()
            let checksum = try header.fixed64()
            guard storedCount <= file.byteCount - cursor else {
                throw CacheError(.corrupt, "\(origin): truncated in segment \"\(name)\"")
            }
            let range = cursor..<(cursor + storedCount)
            guard file.withUnsafeBytes({ XXH64.hash(UnsafeRawBufferPointer(rebasing: $0[range])) }) == checksum else {
                throw CacheError(.corrupt, "\(origin): segment \"\(name)\" fails its checksum")
            }
            segments[name] = CachedSegments.Segment(range: range, rawByteCount: rawCount)
            cursor += storedCount
        }
        guard segments.count == segmentCount, header.isAtEnd, cursor == file.byteCount else {
            throw CacheError(
                .corrupt, "\(origin): \(file.byteCount - cursor) bytes more or less than its header describes")
        }
        return (
            Header(key: key, createdMilliseconds: created, expiresMilliseconds: expires, tokenCount: tokenCount),
            CachedSegments(file: file, segments: segments, origin: origin, tokenCount: tokenCount)
        )
    }
}
