import FolioCache
import FolioModel
import Foundation
import Synchronization
import Testing

/// The shared tier: a second cache (another node) finds what the first computed, verifies it, and
/// never trusts a damaged or foreign entry.
struct SharedEntryTests {
    /// Entries in memory, as a fleet's database would keep them.
    final class MemoryEntries: SharedEntryStore {
        let entries = Mutex<[String: [UInt8]]>([:])
        let maxEntryBytes: Int
        init(maxEntryBytes: Int = 1 << 20) { self.maxEntryBytes = maxEntryBytes }
        func entry(named name: String) async -> [UInt8]? { entries.withLock { $0[name] } }
        func store(_ bytes: [UInt8], named name: String) async { entries.withLock { $0[name] = bytes } }
    }

    static func cache(_ directory: String, _ shared: MemoryEntries) throws -> DocumentCache<CachedBytes> {
        try DocumentCache(
            configuration: DocumentCacheConfiguration(directory: directory, writesBehind: false), shared: shared)
    }

    @Test func anotherNodeUsesTheEntryInsteadOfComputing() async throws {
        try await withCacheDirectory { first in
            try await withCacheDirectory { second in
                let shared = MemoryEntries()
                let key = documentKey("the annual report")
                let a = try Self.cache(first, shared)
                _ = try await a.value(for: key) { cachedText("processed once", tokens: 3) }
                #expect(await eventually { shared.entries.withLock { $0.count } == 1 })
                #expect(a.statistics.sharedStores == 1)

                let b = try Self.cache(second, shared)
                let computed = CallCounter()
                let found = try await b.value(for: key) {
                    computed.record("b")
                    return cachedText("computed again")
                }
                #expect(found.value == cachedText("processed once", tokens: 3))
                #expect(computed.total == 0)
                #expect(b.statistics.sharedHits == 1)
                // It is now in B's own disk tier: a third cache on B's directory needs no shared store.
                let again = try makeCache(directory: second)
                let local = try await again.value(for: key) { cachedText("computed again") }
                #expect(local.source == .disk)
            }
        }
    }

    @Test func aDamagedOrForeignEntryIsComputedInstead() async throws {
        try await withCacheDirectory { first in
            try await withCacheDirectory { second in
                let shared = MemoryEntries()
                let key = documentKey("contract")
                let other = documentKey("contract", scope: .tenant("mallory"))
                let a = try Self.cache(first, shared)
                _ = try await a.value(for: key) { cachedText("acme's text") }
                #expect(await eventually { shared.entries.withLock { $0.count } == 1 })
                // Another tenant's lookup of the same content has another name: it computes.
                let b = try Self.cache(second, shared)
                let foreign = try await b.value(for: other) { cachedText("mallory's own") }
                #expect(foreign.source == .computed)
                // A damaged entry (one byte flipped) is discarded and the value computed.
                shared.entries.withLock { entries in
                    let name = key.fileName
                    entries[name]![entries[name]!.count / 2] ^= 0xFF
                }
                let c = try Self.cache(first + "-c", shared)
                defer { try? FileManager.default.removeItem(atPath: first + "-c") }
                let value = try await c.value(for: key) { cachedText("recomputed") }
                #expect(value.value == cachedText("recomputed"))
                #expect(c.statistics.sharedHits == 0)
            }
        }
    }

    @Test func largeEntriesAreNotOffered() async throws {
        try await withCacheDirectory { directory in
            let shared = MemoryEntries(maxEntryBytes: 100)
            let cache = try Self.cache(directory, shared)
            _ = try await cache.value(for: documentKey("big")) {
                CachedBytes(bytes: randomBytes(10_000, seed: 1), tokenCount: 1)
            }
            #expect(cache.statistics.sharedStores == 0)
            #expect(shared.entries.withLock { $0.isEmpty })
        }
    }
}
