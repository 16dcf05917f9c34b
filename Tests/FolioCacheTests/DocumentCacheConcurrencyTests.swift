import FolioCache
import FolioTestSupport
import Foundation
import Synchronization
import Testing

/// Tenant isolation and single-flight.
struct DocumentCacheConcurrencyTests {
    // MARK: Tenants

    @Test func anotherTenantNeverSeesATenantsEntry() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let content = "the same public filing, uploaded by two tenants"
            let keyA = documentKey(content, scope: .tenant("a")), keyB = documentKey(content, scope: .tenant("b"))
            #expect(keyA.contentDigest == keyB.contentDigest)
            _ = try await cache.value(for: keyA) { cachedText("A's private result") }

            let lookupB = try await cache.value(for: keyB) { cachedText("B's result") }
            #expect(lookupB.source == .computed && lookupB.value == cachedText("B's result"))
            // Nor from disk, in a fresh cache.
            let keyC = documentKey(content, scope: .tenant("c"))
            let lookupC = try await makeCache(directory: directory).value(for: keyC) { cachedText("C's result") }
            #expect(lookupC.source == .computed && lookupC.value == cachedText("C's result"))
            // A still gets its own.
            #expect(
                try await makeCache(directory: directory).value(for: keyA) { cachedText("x") }.value
                    == cachedText("A's private result"))
            #expect(cache.statistics.singleFlightJoins == 0 && cache.statistics.computations == 2)
        }
    }

    @Test func anotherTenantDoesNotJoinATenantsFlight() async throws {
        let cache = try makeCache()
        let content = "a filing both tenants upload at once"
        let keyA = documentKey(content, scope: .tenant("a")), keyB = documentKey(content, scope: .tenant("b"))
        let gate = Gate()
        defer { gate.open() }
        let lookupA = Task {
            try await cache.value(for: keyA) {
                await gate.wait()
                return cachedText("A's private result")
            }
        }
        #expect(await eventually { gate.arrivals == 1 })
        // A's computation is held at the gate; B neither joins nor waits for it.
        let lookupB = try await cache.value(for: keyB) { cachedText("B's result") }
        #expect(lookupB.source == .computed && lookupB.value == cachedText("B's result"))
        #expect(gate.arrivals == 1)
        gate.open()
        let resultA = try await lookupA.value
        #expect(resultA.source == .computed && resultA.value == cachedText("A's private result"))
        #expect(cache.statistics.singleFlightJoins == 0 && cache.statistics.computations == 2)
    }

    @Test func sharedEntriesAreSharedAcrossTenants() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let key = documentKey("a public 10-K", scope: .shared)
            // Whichever tenant asks first computes; everyone then reads the one entry.
            #expect(try await cache.value(for: key) { cachedText("public") }.source == .computed)
            #expect(try await cache.value(for: key) { cachedText("other") }.value == cachedText("public"))
            let fresh = try await makeCache(directory: directory).value(for: key) { cachedText("other") }
            #expect(fresh.source == .disk && fresh.value == cachedText("public"))
            // A tenant's private key for the same content is still its own.
            let tenant = try await cache.value(for: documentKey("a public 10-K", scope: .tenant("a"))) {
                cachedText("private")
            }
            #expect(tenant.source == .computed && tenant.value == cachedText("private"))
        }
    }

    // MARK: Single-flight

    @Test func concurrentLookupsComputeEachKeyOnce() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let calls = CallCounter()
            let keyCount = 8, lookupCount = 64
            let tokens = (0..<keyCount).map { 100 + $0 }
            let sources = try await withThrowingTaskGroup(of: (Int, CacheLookup<CachedBytes>).self) { group in
                for index in 0..<lookupCount {
                    let which = index % keyCount
                    group.addTask {
                        let lookup = try await cache.value(for: documentKey("document \(which)")) {
                            calls.record("document \(which)")
                            try await Task.sleep(for: .milliseconds(20))  // long enough for others to join
                            return cachedText("processed \(which)", tokens: tokens[which])
                        }
                        return (which, lookup)
                    }
                }
                var sources: [CacheSource: Int] = [:]
                for try await (which, lookup) in group {
                    #expect(lookup.value == cachedText("processed \(which)", tokens: tokens[which]))
                    sources[lookup.source, default: 0] += 1
                }
                return sources
            }
            #expect(calls.all == Dictionary(uniqueKeysWithValues: (0..<keyCount).map { ("document \($0)", 1) }))
            let statistics = cache.statistics
            #expect(statistics.computations == keyCount)
            #expect(statistics.singleFlightJoins + statistics.memory.hits == lookupCount - keyCount)
            #expect(sources[.computed] == keyCount)
            #expect(sources[.joined, default: 0] == statistics.singleFlightJoins)
            #expect(sources[.memory, default: 0] == statistics.memory.hits)
            #expect(statistics.memory.misses == lookupCount - statistics.memory.hits)
            #expect(statistics.disk.misses == keyCount && statistics.disk.hits == 0)
            #expect(statistics.uncachedTokens == tokens.reduce(0, +))
            #expect(statistics.cachedTokens == (lookupCount / keyCount - 1) * tokens.reduce(0, +))
            #expect(entryFiles(in: directory).count == keyCount)
        }
    }

    @Test func lookupsDuringTheComputationsAllJoin() async throws {
        let cache = try makeCache()
        let gate = Gate()
        defer { gate.open() }
        let keyCount = 8, lookupCount = 64
        let lookups = (0..<lookupCount).map { index in
            Task {
                try await cache.value(for: documentKey("document \(index % keyCount)")) {
                    await gate.wait()
                    return cachedText("processed \(index % keyCount)", tokens: 10)
                }
            }
        }
        // Nothing is in memory while every computation is held, so each other lookup joins one.
        #expect(await eventually { cache.statistics.singleFlightJoins == lookupCount - keyCount })
        #expect(gate.arrivals <= keyCount)
        gate.open()
        var sources: [CacheSource: Int] = [:]
        for (index, lookup) in lookups.enumerated() {
            let result = try await lookup.value
            #expect(result.value == cachedText("processed \(index % keyCount)", tokens: 10))
            sources[result.source, default: 0] += 1
        }
        #expect(sources == [.computed: keyCount, .joined: lookupCount - keyCount])
        #expect(gate.arrivals == keyCount)
        let statistics = cache.statistics
        #expect(statistics.computations == keyCount && statistics.memory.hits == 0)
        #expect(statistics.uncachedTokens == keyCount * 10 && statistics.cachedTokens == (lookupCount - keyCount) * 10)
    }

    @Test func aFailedComputationReachesEveryWaiterAndStoresNothing() async throws {
        try await withCacheDirectory { directory in
            let cache = try makeCache(directory: directory)
            let key = documentKey("unparseable")
            let gate = Gate()
            defer { gate.open() }
            let calls = CallCounter()
            let lookups = (0..<8).map { _ in
                Task {
                    try await cache.value(for: key) {
                        calls.record("compute")
                        await gate.wait()
                        throw ComputeFailed(reason: "malformed XBRL")
                    }
                }
            }
            #expect(await eventually { cache.statistics.singleFlightJoins == 7 })
            gate.open()
            for lookup in lookups {
                await #expect(throws: ComputeFailed(reason: "malformed XBRL")) { try await lookup.value }
            }
            #expect(calls.total == 1)
            let statistics = cache.statistics
            #expect(statistics.computations == 0 && statistics.uncachedTokens == 0 && statistics.cachedTokens == 0)
            #expect(statistics.memory.entries == 0 && statistics.disk.entries == 0)
            #expect(entryFiles(in: directory).isEmpty)
            // The failure is not remembered either: the next lookup computes.
            let retry = try await cache.value(for: key) { cachedText("fixed") }
            #expect(retry.source == .computed && retry.value == cachedText("fixed"))
        }
    }

    @Test func cancellingOneWaiterLeavesTheFlightToTheOthers() async throws {
        let cache = try makeCache()
        let key = documentKey("long document")
        let gate = Gate()
        defer { gate.open() }
        let sawCancellation = CallCounter()
        let compute: @Sendable () async throws -> CachedBytes = {
            await gate.wait()
            if Task.isCancelled { sawCancellation.record("cancelled") }
            return cachedText("done", tokens: 5)
        }
        let leader = Task { try await cache.value(for: key, compute: compute) }
        #expect(await eventually { gate.arrivals == 1 })
        let joiners = (0..<3).map { _ in Task { try await cache.value(for: key, compute: compute) } }
        #expect(await eventually { cache.statistics.singleFlightJoins == 3 })

        // The leader and one joiner give up; they stop waiting at once, while the flight is held.
        leader.cancel()
        joiners[0].cancel()
        await #expect(throws: CancellationError.self) { try await leader.value }
        await #expect(throws: CancellationError.self) { try await joiners[0].value }

        gate.open()
        for joiner in joiners.dropFirst() {
            let lookup = try await joiner.value
            #expect(lookup.source == .joined && lookup.value == cachedText("done", tokens: 5))
        }
        #expect(gate.arrivals == 1 && sawCancellation.total == 0)
        let memory = try await cache.value(for: key, compute: compute)
        #expect(memory.source == .memory)
        let statistics = cache.statistics
        #expect(statistics.computations == 1 && statistics.uncachedTokens == 5)
        #expect(statistics.cachedTokens == 3 * 5)  // two joiners and the memory hit
    }

    @Test func aFlightEveryWaiterAbandonedIsCancelledAndNotJoined() async throws {
        let cache = try makeCache()
        let key = documentKey("abandoned")
        let cancelled = CallCounter()
        let abandoned: @Sendable () async throws -> CachedBytes = {
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.record("cancelled")
                throw error
            }
            return cachedText("never")
        }
        let leader = Task { try await cache.value(for: key, compute: abandoned) }
        let joiner = Task { try await cache.value(for: key, compute: abandoned) }
        #expect(await eventually { cache.statistics.singleFlightJoins == 1 })
        leader.cancel()
        joiner.cancel()
        // A lookup arriving now, while the cancelled flight may still be unwinding, starts its own.
        let next = try await cache.value(for: key) { cachedText("fresh") }
        #expect(next.source == .computed && next.value == cachedText("fresh"))
        await #expect(throws: CancellationError.self) { try await leader.value }
        await #expect(throws: CancellationError.self) { try await joiner.value }
        #expect(await eventually { cancelled.total == 1 })
        #expect(cache.statistics.computations == 1)
    }
}
