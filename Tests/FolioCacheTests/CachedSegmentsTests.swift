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

/// Segments inflated after the lookup that verified them: from the file as it was verified, or not at all.
struct CachedSegmentsTests {
    static let key = documentKey("prospectus")
    static let payload = randomBytes(200_000, seed: 11)

    /// Writes the entry, then opens it from a fresh cache (a disk hit whose payload is not inflated yet).
    static func diskHit(in directory: String) async throws -> (value: LazyBytes, path: String, reader: DocumentCache<LazyBytes>) {
        let writer = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
        _ = try await writer.value(for: key) { LazyBytes(bytes: payload, tokenCount: 5) }
        await writer.waitForPendingWrites()
        let reader = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: directory))
        let lookup = try await reader.value(for: key) { LazyBytes(bytes: [], tokenCount: 0) }
        try #require(lookup.source == .disk)
        return (lookup.value, try #require(entryFiles(in: directory).first), reader)
    }

    /// The new segment is a valid zlib stream of another payload, so inflating would succeed:
    /// only checking the copy that is inflated catches it.
    @Test func aSegmentRewrittenInPlaceAfterTheHitIsNotInflated() async throws {
        try await withCacheDirectory { directory in
            let (value, path, reader) = try await Self.diskHit(in: directory)
            // The same key's entry for a payload with one byte changed: random bytes are stored
            // uncompressed, so its segment has the same length and starts at the same offset.
            var payload = Self.payload
            payload[1_000] ^= 0xFF
            let changed = payload
            let other = try await withCacheDirectory { otherDirectory in
                let cache = try DocumentCache<LazyBytes>(configuration: DocumentCacheConfiguration(directory: otherDirectory))
                _ = try await cache.value(for: Self.key) { LazyBytes(bytes: changed, tokenCount: 5) }
                await cache.waitForPendingWrites()
                return Array(try Data(contentsOf: URL(fileURLWithPath: try #require(entryFiles(in: otherDirectory).first))))
            }
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            try #require(other.count == original.count)
            let headerLength = original[8..<12].reversed().reduce(0) { $0 << 8 | Int($1) }
            let segmentStart = 8 + 4 + 8 + headerLength
            // Written into the file itself, not replaced by a rename: the mapping sees it.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.seek(toOffset: UInt64(segmentStart))
            try handle.write(contentsOf: other[segmentStart...])
            try handle.close()
            #expect { _ = try value.payload() } throws: { ($0 as? CacheError)?.code == .corrupt }
            // Discarded from both tiers: counted, the file gone, and the next lookup recomputes.
            #expect(reader.statistics.disk.discardedCorrupt == 1)
            #expect(!FileManager.default.fileExists(atPath: path))
            let again = try await reader.value(for: Self.key) { LazyBytes(bytes: Self.payload, tokenCount: 5) }
            #expect(again.source == .computed && again.value.eager == Self.payload)
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
