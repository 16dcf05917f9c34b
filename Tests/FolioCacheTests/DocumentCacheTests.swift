import FolioCache
import FolioTestSupport
import Foundation
import Testing

/// The tiers: hits, eviction, time to live, invalidation and damaged entries.
struct DocumentCacheTests {
    @Test func aComputedValueIsThenServedFromMemory() async throws {
        let cache = try makeCache()
        let key = documentKey("annual report")
        let calls = CallCounter()
        let compute: @Sendable () async throws -> CachedBytes = {
            calls.record("report")
            return cachedText("processed report", tokens: 40)
        }
        let first = try await cache.value(for: key, compute: compute)
        let second = try await cache.value(for: key, compute: compute)
        #expect(first.source == .computed && second.source == .memory)
        #expect(first.value == cachedText("processed report", tokens: 40) && second.value == first.value)
        #expect(second.key == key)
        #expect(calls.total == 1)

        var expected = CacheStatistics()
        expected.memory.hits = 1
        expected.memory.misses = 1
        expected.memory.entries = 1
        expected.memory.bytes = "processed report".utf8.count
        expected.computations = 1
        expected.cachedTokens = 40
        expected.uncachedTokens = 40
        #expect(cache.statistics == expected)
    }

    @Test func aFreshCacheOverTheSameDirectoryServesFromDisk() async throws {
        try await withCacheDirectory { directory in
            let key = documentKey("10-K")
            let payload = randomBytes(50_000, seed: 3)
            let writer = try makeCache(directory: directory)
            _ = try await writer.value(for: key) { CachedBytes(bytes: payload, tokenCount: 12_345) }
            let files = entryFiles(in: directory)
            try #require(files.count == 1)
            let fileBytes = try fileSize(files[0])

            var written = CacheStatistics()
            written.memory.misses = 1
            written.memory.entries = 1
            written.memory.bytes = payload.count
            written.disk.misses = 1
            written.disk.entries = 1
            written.disk.bytes = fileBytes
            written.computations = 1
            written.uncachedTokens = 12_345
            #expect(writer.statistics == written)

            let reader = try makeCache(directory: directory)
            var opened = CacheStatistics()
            opened.disk.entries = 1
            opened.disk.bytes = fileBytes
            #expect(reader.statistics == opened)

            let calls = CallCounter()
            let fromDisk = try await reader.value(for: key) {
                calls.record("compute")
                return CachedBytes(bytes: [], tokenCount: 0)
            }
            #expect(fromDisk.source == .disk)
            #expect(fromDisk.value == CachedBytes(bytes: payload, tokenCount: 12_345))
            let fromMemory = try await reader.value(for: key) { CachedBytes(bytes: [], tokenCount: 0) }
            #expect(fromMemory.source == .memory && fromMemory.value == fromDisk.value)
            #expect(calls.total == 0)

            var read = CacheStatistics()
            read.memory.hits = 1
            read.memory.misses = 1
            read.memory.entries = 1
            read.memory.bytes = payload.count
            read.disk.hits = 1
            read.disk.entries = 1
            read.disk.bytes = fileBytes
            read.cachedTokens = 2 * 12_345
            #expect(reader.statistics == read)
        }
    }

    @Test func aDifferentPipelineIsADifferentEntry() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            _ = try await cache.value(for: documentKey("same", pipeline: "cl100k_base/512/0")) { cachedText("512") }
            let other = try await cache.value(for: documentKey("same", pipeline: "cl100k_base/256/0")) {
                cachedText("256")
            }
            #expect(other.source == .computed && other.value == cachedText("256"))
            #expect(entryFiles(in: directory).count == 2)
        }
    }

    /// A tenant name is data from outside: one that spells the rest of another tenant's key text
    /// (newlines, a digest, the pipeline) still names a key, and an entry, of its own.
    @Test func aTenantNameCannotSpellAnotherTenantsKey() {
        let digest = SHA256Digest(hashing: Array("x".utf8)), other = SHA256Digest(hashing: Array("y".utf8))
        let victim = DocumentKey(scope: .tenant("a"), contentDigest: digest, pipeline: "p\n\(other.hex)\nq")
        // Without the tenant's length both read `tenant:a⏎<digest>⏎p⏎<other>⏎q`.
        let forged = DocumentKey(scope: .tenant("a\n\(digest.hex)\np"), contentDigest: other, pipeline: "q")
        #expect(victim.description != forged.description)
        #expect(victim.fileName != forged.fileName)
    }

    @Test func theMemoryBudgetEvictsTheLeastRecentlyUsed() async throws {
        let cache = try makeCache(memoryCapacityBytes: 3_000)
        func look(_ name: String, bytes: Int = 1_000) async throws -> CacheSource {
            try await cache.value(for: documentKey(name)) {
                CachedBytes(bytes: randomBytes(bytes, seed: 1), tokenCount: 1)
            }.source
        }
        #expect(try await look("a") == .computed)
        #expect(try await look("b") == .computed)
        #expect(try await look("c") == .computed)
        #expect(try await look("a") == .memory)  // b is now the least recently used
        #expect(try await look("d") == .computed)  // evicts b
        #expect(cache.statistics.memory.evictions == 1)
        #expect(try await look("a") == .memory)
        #expect(try await look("d") == .memory)
        #expect(try await look("b") == .computed)  // evicts c, used longest ago
        #expect(try await look("a") == .memory)
        #expect(try await look("c") == .computed)  // evicts d
        #expect(try await look("b") == .memory)

        // A value larger than the whole budget is returned but never kept, and evicts nothing.
        #expect(try await look("huge", bytes: 3_001) == .computed)
        #expect(try await look("huge", bytes: 3_001) == .computed)
        let statistics = cache.statistics
        #expect(statistics.memory.evictions == 3)
        #expect(statistics.memory.entries == 3 && statistics.memory.bytes == 3_000)
        #expect(statistics.computations == 8)
    }

    @Test func theDiskCapacityEvictsTheLeastRecentlyUsedEntry() async throws {
        try await withCacheDirectory { directory in
            // Measure one entry: every key and payload below has the same size.
            let probe = try makeCache(directory: directory + "/probe", memoryCapacityBytes: 0)
            _ = try await probe.value(for: documentKey("probe")) {
                CachedBytes(bytes: randomBytes(4_000, seed: 0), tokenCount: 1)
            }
            let entryBytes = probe.statistics.disk.bytes

            // Memory holds nothing, so every lookup reads the disk tier.
            let cache = try makeCache(
                directory: directory + "/cache", memoryCapacityBytes: 0, diskCapacityBytes: entryBytes * 7 / 2)
            func look(_ name: String) async throws -> CacheSource {
                try await cache.value(for: documentKey(name)) {
                    CachedBytes(bytes: randomBytes(4_000, seed: UInt64(name.utf8.first!)), tokenCount: 1)
                }.source
            }
            #expect(try await look("a") == .computed)
            #expect(try await look("b") == .computed)
            #expect(try await look("c") == .computed)
            #expect(try await look("a") == .disk)  // b is now the oldest in use
            #expect(try await look("d") == .computed)  // evicts b
            var statistics = cache.statistics
            #expect(statistics.disk.evictions == 1)
            #expect(statistics.disk.entries == 3 && statistics.disk.bytes == 3 * entryBytes)
            #expect(entryFiles(in: directory + "/cache").count == 3)
            #expect(try await look("a") == .disk)
            #expect(try await look("c") == .disk)
            #expect(try await look("d") == .disk)
            #expect(try await look("b") == .computed)  // evicts a, used longest ago
            #expect(try await look("c") == .disk)
            #expect(try await look("a") == .computed)  // evicts d
            statistics = cache.statistics
            #expect(statistics.disk.evictions == 3)
            #expect(statistics.disk.entries == 3 && statistics.disk.bytes == 3 * entryBytes)
            #expect(entryFiles(in: directory + "/cache").count == 3)

            // A fresh cache sees the same three entries.
            let reopened = try makeCache(
                directory: directory + "/cache", memoryCapacityBytes: 0, diskCapacityBytes: entryBytes * 7 / 2)
            #expect(reopened.statistics.disk.entries == 3 && reopened.statistics.disk.bytes == 3 * entryBytes)
        }
    }

    @Test func anEntryLargerThanTheDiskCapacityIsNotWritten() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory, diskCapacityBytes: 1_000)
            let lookup = try await cache.value(for: documentKey("big")) {
                CachedBytes(bytes: randomBytes(5_000, seed: 2), tokenCount: 1)
            }
            #expect(lookup.source == .computed)
            #expect(entryFiles(in: directory).isEmpty)
            #expect(cache.statistics.disk.entries == 0 && cache.statistics.disk.evictions == 0)
        }
    }

    @Test func entriesExpireInMemoryAndOnDisk() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let key = documentKey("quarterly")
            let calls = CallCounter()
            let compute: @Sendable () async throws -> CachedBytes = {
                calls.record("compute")
                return cachedText("v\(calls.total)")
            }
            #expect(
                try await cache.value(for: key, timeToLive: .milliseconds(50), compute: compute).source == .computed)
            try await Task.sleep(for: .milliseconds(100))
            let expired = try await cache.value(for: key, compute: compute)
            #expect(expired.source == .computed && expired.value == cachedText("v2"))
            let statistics = cache.statistics
            #expect(statistics.memory.expirations == 1 && statistics.disk.expirations == 1)
            #expect(statistics.computations == 2 && calls.total == 2)
            // Stored without a time to live this time: it stays.
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await cache.value(for: key, compute: compute).source == .memory)
        }
    }

    @Test func anExpiredEntryOnDiskIsNotServedToAFreshCache() async throws {
        try await withCacheDirectory { directory in
            let key = documentKey("quarterly")
            let writer = try makeCache(directory: directory, defaultTimeToLive: .milliseconds(50))
            _ = try await writer.value(for: key) { cachedText("old") }
            _ = try await writer.value(for: documentKey("lasting"), timeToLive: .seconds(3_600)) { cachedText("old") }
            try await Task.sleep(for: .milliseconds(100))
            let late = try makeCache(directory: directory)
            #expect(late.statistics.disk.entries == 2)
            let lookup = try await late.value(for: key) { cachedText("new") }
            #expect(lookup.source == .computed && lookup.value == cachedText("new"))
            #expect(late.statistics.disk.expirations == 1 && late.statistics.disk.hits == 0)
            // A lookup's own time to live overrides the default.
            #expect(try await late.value(for: documentKey("lasting")) { cachedText("new") }.source == .disk)
        }
    }

    @Test func invalidatingAKeyRemovesItFromBothTiers() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let gone = documentKey("gone"), kept = documentKey("kept")
            _ = try await cache.value(for: gone) { cachedText("gone") }
            _ = try await cache.value(for: kept) { cachedText("kept") }
            #expect(entryFiles(in: directory).count == 2)
            cache.invalidate(gone)
            #expect(entryFiles(in: directory).count == 1)
            #expect(cache.statistics.memory.entries == 1 && cache.statistics.disk.entries == 1)
            #expect(
                try await makeCache(directory: directory).value(for: gone) { cachedText("again") }.source == .computed)
            #expect(try await cache.value(for: kept) { cachedText("x") }.source == .memory)
        }
    }

    @Test func invalidatingAScopeRemovesOnlyThatScope() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let leaving = CacheScope.tenant("leaving"), staying = CacheScope.tenant("staying")
            for name in ["a", "b", "c"] {
                _ = try await cache.value(for: documentKey(name, scope: leaving)) { cachedText(name) }
                _ = try await cache.value(for: documentKey(name, scope: staying)) { cachedText(name) }
            }
            _ = try await cache.value(for: documentKey("a", scope: .shared)) { cachedText("a") }
            #expect(entryFiles(in: directory).count == 7)
            cache.invalidate(scope: leaving)
            #expect(entryFiles(in: directory).count == 4)
            #expect(cache.statistics.memory.entries == 4 && cache.statistics.disk.entries == 4)

            let fresh = try makeCache(directory: directory)
            for name in ["a", "b", "c"] {
                #expect(
                    try await cache.value(for: documentKey(name, scope: leaving)) { cachedText(name) }.source
                        == .computed)
                #expect(
                    try await cache.value(for: documentKey(name, scope: staying)) { cachedText(name) }.source == .memory
                )
                #expect(
                    try await fresh.value(for: documentKey(name, scope: staying)) { cachedText(name) }.source == .disk)
            }
            #expect(try await fresh.value(for: documentKey("a", scope: .shared)) { cachedText("a") }.source == .disk)
        }
    }

    @Test func aComputationUnderWayDuringInvalidationStoresNothing() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let scope = CacheScope.tenant("leaving")
            let key = documentKey("in flight", scope: scope)
            let gate = Gate()
            defer { gate.open() }
            let lookup = Task {
                try await cache.value(for: key) {
                    await gate.wait()
                    return cachedText("computed for a tenant who left")
                }
            }
            #expect(await eventually { gate.arrivals == 1 })
            cache.invalidate(scope: scope)
            gate.open()
            // The lookup is answered, but nothing of the scope comes back.
            #expect(try await lookup.value.value == cachedText("computed for a tenant who left"))
            #expect(entryFiles(in: directory).isEmpty)
            #expect(cache.statistics.memory.entries == 0 && cache.statistics.disk.entries == 0)
            #expect(try await cache.value(for: key) { cachedText("again") }.source == .computed)

            // The same for one key.
            let other = documentKey("another in flight")
            let secondGate = Gate()
            defer { secondGate.open() }
            let second = Task {
                try await cache.value(for: other) {
                    await secondGate.wait()
                    return cachedText("x")
                }
            }
            #expect(await eventually { secondGate.arrivals == 1 })
            cache.invalidate(other)
            secondGate.open()
            _ = try await second.value
            #expect(try await makeCache(directory: directory).value(for: other) { cachedText("y") }.source == .computed)
        }
    }

    @Test func invalidConfigurationsAreRefused() {
        for make in [
            { try DocumentCacheConfiguration(memoryCapacityBytes: -1) },
            { try DocumentCacheConfiguration(diskCapacityBytes: -1) },
            { try DocumentCacheConfiguration(defaultTimeToLive: .zero) },
            { try DocumentCacheConfiguration(defaultTimeToLive: .milliseconds(-5)) },
        ] as [() throws -> DocumentCacheConfiguration] {
            let error = #expect(throws: CacheError.self) { try make() }
            #expect(error?.code == .invalidConfiguration)
        }
    }
}
