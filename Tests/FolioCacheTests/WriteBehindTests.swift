import Dispatch
import FolioCache
import Foundation
import Testing

/// A value whose encoding for the disk waits until the test releases it.
struct HeldBytes: CacheableValue {
    let bytes: [UInt8]
    let tokenCount: Int
    let release: DispatchSemaphore?

    init(_ text: String, release: DispatchSemaphore) {
        bytes = Array(text.utf8)
        tokenCount = 1
        self.release = release
    }

    init(cacheSegments: CachedSegments) throws(CacheError) {
        bytes = try cacheSegments.bytes(of: "bytes")
        tokenCount = cacheSegments.tokenCount
        release = nil
    }

    var residentByteCount: Int { bytes.count }

    func cacheSegments() -> [CacheSegment] {
        release?.wait()
        return [CacheSegment(name: "bytes", bytes: bytes)]
    }
}

/// Entries are written behind the lookups that computed them: callers do not wait for the disk,
/// `waitForPendingWrites()` does, and an invalidation still wins over a write under way.
@Suite(.timeLimit(.minutes(1)))
struct WriteBehindTests {
    static func cache(_ directory: String) throws -> DocumentCache<HeldBytes> {
        try DocumentCache(configuration: DocumentCacheConfiguration(directory: directory))
    }

    @Test func aComputedValueIsReturnedBeforeItsEntryIsWritten() async throws {
        try await withCacheDirectory { directory in
            let release = DispatchSemaphore(value: 0)
            let cache = try Self.cache(directory)
            let key = documentKey("held")
            // Written before returning, this lookup would wait on the semaphore forever.
            let lookup = try await cache.value(for: key) { HeldBytes("held", release: release) }
            #expect(lookup.source == .computed && lookup.value.bytes == Array("held".utf8))
            #expect(entryFiles(in: directory).isEmpty)
            #expect(try await cache.value(for: key) { HeldBytes("again", release: release) }.source == .memory)
            release.signal()
            await cache.waitForPendingWrites()
            #expect(entryFiles(in: directory).count == 1)
            let fresh = try await Self.cache(directory).value(for: key) { HeldBytes("recomputed", release: release) }
            #expect(fresh.source == .disk && fresh.value.bytes == Array("held".utf8))
        }
    }

    @Test func anInvalidationWinsOverAWriteUnderWay() async throws {
        try await withCacheDirectory { directory in
            let release = DispatchSemaphore(value: 0)
            let cache = try Self.cache(directory)
            let key = documentKey("departing tenant", scope: .tenant("departing"))
            _ = try await cache.value(for: key) { HeldBytes("private", release: release) }
            cache.invalidate(scope: .tenant("departing"))
            release.signal()
            await cache.waitForPendingWrites()
            #expect(entryFiles(in: directory).isEmpty)
            #expect(cache.statistics.disk.entries == 0)
            release.signal()  // the recomputation's own write
            let fresh = try await Self.cache(directory).value(for: key) { HeldBytes("recomputed", release: release) }
            #expect(fresh.source == .computed)
        }
    }

    /// Computing faster than the disk takes must not grow memory: past half the memory budget of
    /// queued values, a lookup writes its own entry before returning.
    @Test func aFullQueueMakesTheLookupWriteItsOwnEntry() async throws {
        try await withCacheDirectory { directory in
            // Created empty and then signalled: libdispatch traps when a semaphore goes away with
            // fewer permits than it was created with.
            let held = DispatchSemaphore(value: 0), free = DispatchSemaphore(value: 0)
            free.signal()
            let cache = try DocumentCache<HeldBytes>(
                configuration: DocumentCacheConfiguration(memoryCapacityBytes: 64, directory: directory))
            _ = try await cache.value(for: documentKey("first")) {
                HeldBytes(String(repeating: "a", count: 40), release: held)
            }
            _ = try await cache.value(for: documentKey("second")) {
                HeldBytes(String(repeating: "b", count: 40), release: free)
            }
            #expect(entryFiles(in: directory).count == 1)  // the second's, written before its lookup returned
            held.signal()
            await cache.waitForPendingWrites()
            #expect(entryFiles(in: directory).count == 2)
        }
    }

    @Test func waitingWithNothingPendingReturnsAtOnce() async throws {
        try await makeCache().waitForPendingWrites()
        try await withCacheDirectory { directory in try await Self.cache(directory).waitForPendingWrites() }
    }
}
