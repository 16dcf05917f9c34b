import FolioCache
import FolioTestSupport
import Foundation
import Testing

/// A value that keeps its segments and inflates its payload only when asked, as a processed
/// document inflates its index on first use.
struct LazyBytes: CacheableValue {
    let segments: CachedSegments?
    let eager: [UInt8]
    let tokenCount: Int

    init(bytes: [UInt8], tokenCount: Int) {
        segments = nil
        eager = bytes
        self.tokenCount = tokenCount
    }

    init(cacheSegments: CachedSegments) throws(CacheError) {
        segments = cacheSegments
        eager = []
        tokenCount = cacheSegments.tokenCount
    }

    var residentByteCount: Int { eager.count }

    func cacheSegments() -> [CacheSegment] { [CacheSegment(name: "bytes", bytes: eager)] }

    func payload() throws(CacheError) -> [UInt8] { try segments?.bytes(of: "bytes") ?? eager }
}

/// Segments inflated after the lookup that verified them: from the bytes that were verified,
/// whatever happens to the file.
struct CachedSegmentsTests {
    static let key = documentKey("prospectus")
    static let payload = randomBytes(200_000, seed: 11)

    /// Writes the entry, then opens it from a fresh cache (a disk hit whose payload is not inflated yet).
    static func diskHit(in directory: String) async throws -> (
        value: LazyBytes, path: String, reader: DocumentCache<LazyBytes>
    ) {
        let writer = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
        _ = try await writer.value(for: key) { LazyBytes(bytes: payload, tokenCount: 5) }
        await writer.waitForPendingWrites()
        let reader = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
        let lookup = try await reader.value(for: key) { LazyBytes(bytes: [], tokenCount: 0) }
        try #require(lookup.source == .disk)
        return (lookup.value, try #require(entryFiles(in: directory).first), reader)
    }

    /// An entry is copied into private memory and verified as it is opened: rewriting its file in
    /// place afterwards changes nothing the value uses. The new segment is a valid zlib stream of
    /// another payload, so only a checksum catches it: the next lookup that opens the file does,
    /// and discards it.
    @Test func aSegmentRewrittenInPlaceAfterTheHitInflatesAsVerified() async throws {
        try await withCacheDirectory { directory in
            let (value, path, reader) = try await Self.diskHit(in: directory)
            // The same key's entry for a payload with one byte changed: random bytes are stored
            // uncompressed, so its segment has the same length and starts at the same offset.
            var payload = Self.payload
            payload[1_000] ^= 0xFF
            let changed = payload
            let other = try await withCacheDirectory { otherDirectory in
                let cache = try DocumentCache<LazyBytes>(
                    configuration: DocumentCacheConfiguration(directory: otherDirectory))
                _ = try await cache.value(for: Self.key) { LazyBytes(bytes: changed, tokenCount: 5) }
                await cache.waitForPendingWrites()
                return Array(
                    try Data(contentsOf: URL(fileURLWithPath: try #require(entryFiles(in: otherDirectory).first))))
            }
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            try #require(other.count == original.count)
            let headerLength = original[8..<12].reversed().reduce(0) { $0 << 8 | Int($1) }
            let segmentStart = 8 + 4 + 8 + headerLength
            // Written into the file itself, not replaced by a rename.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.seek(toOffset: UInt64(segmentStart))
            try handle.write(contentsOf: other[segmentStart...])
            try handle.close()
            #expect(try value.payload() == Self.payload)
            #expect(reader.statistics.disk.discardedCorrupt == 0)
            // A fresh cache opens the rewritten file, finds the segment's checksum wrong, discards
            // the entry and recomputes.
            let fresh = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
            let again = try await fresh.value(for: Self.key) { LazyBytes(bytes: Self.payload, tokenCount: 5) }
            #expect(again.source == .computed && again.value.eager == Self.payload)
            #expect(fresh.statistics.disk.discardedCorrupt == 1)
        }
    }

    /// Truncating an entry's file in place after the hit (`truncate`, `cp` over it): a mapped entry
    /// would end the process with SIGBUS on its next read; the private copy inflates as verified.
    @Test func anEntryTruncatedInPlaceAfterTheHitInflatesAsVerified() async throws {
        try await withCacheDirectory { directory in
            let (value, path, _) = try await Self.diskHit(in: directory)
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.truncate(atOffset: 30)
            try handle.close()
            #expect(try fileSize(path) == 30)
            #expect(try value.payload() == Self.payload)
        }
    }

    /// A value that finds its data unusable (a part that does not decode) discards the entry itself.
    @Test func aValueThatDiscardsItsEntryIsRecomputedNextTime() async throws {
        try await withCacheDirectory { directory in
            let (value, path, reader) = try await Self.diskHit(in: directory)
            let hit = try await reader.value(for: Self.key) { LazyBytes(bytes: [], tokenCount: 0) }
            try #require(hit.source == .memory)
            value.segments?.discard()
            value.segments?.discard()  // once only
            #expect(reader.statistics.disk.discardedCorrupt == 1)
            #expect(reader.statistics.memory.entries == 0 && !FileManager.default.fileExists(atPath: path))
            let again = try await reader.value(for: Self.key) { LazyBytes(bytes: Self.payload, tokenCount: 5) }
            #expect(again.source == .computed)
        }
    }

    @Test func anEntryRemovedOrReplacedAfterTheHitStillInflatesAsVerified() async throws {
        try await withCacheDirectory { directory in
            let (removed, path, _) = try await Self.diskHit(in: directory)
            try FileManager.default.removeItem(atPath: path)
            #expect(try removed.payload() == Self.payload)

            let (replaced, _, _) = try await Self.diskHit(in: directory)
            let other = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
            other.invalidate(Self.key)
            _ = try await other.value(for: Self.key) { LazyBytes(bytes: Array("another value".utf8), tokenCount: 2) }
            #expect(try replaced.payload() == Self.payload)
        }
    }
}
