import FolioModel
import FolioTestSupport
import Testing

@testable import FolioCache

/// The prompt-prefix cache: block-hash chains, longest cached prefix, bounded capacity, eviction.
struct PrefixCacheTests {
    static func tokens(_ count: Int, seed: UInt64) -> [TokenID] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in TokenID(UInt32.random(in: 0..<100_000, using: &random)) }
    }

    @Test func chainHashesDependOnTheWholePrefix() {
        let tokens = Self.tokens(2_000, seed: 1)
        let chain = BlockHashChain.hashes(of: tokens, blockSize: 512)
        #expect(chain.count == 4, "three full blocks and a partial one")
        #expect(BlockHashChain.hashes(of: tokens, blockSize: 512) == chain, "stable")
        var changed = tokens
        changed[700] = TokenID(changed[700].rawValue + 1)
        let other = BlockHashChain.hashes(of: changed, blockSize: 512)
        #expect(other[0] == chain[0])
        #expect(zip(other[1...], chain[1...]).allSatisfy { $0 != $1 }, "a change reaches every later block")
        let extended = BlockHashChain.hashes(of: tokens + Self.tokens(600, seed: 2), blockSize: 512)
        #expect(Array(extended.prefix(3)) == Array(chain.prefix(3)))
        #expect(extended[3] != chain[3], "the partial block differs from the full one")
        let tenant = BlockHashChain.hashes(of: tokens, blockSize: 512, scope: .tenant("acme"))
        #expect(Set(tenant).isDisjoint(with: chain), "another scope shares no block")
    }

    @Test func longestCachedPrefixStopsAtTheFirstMissingBlock() throws {
        var cache = try PrefixCache(capacityBlocks: 100)
        let chain = BlockHashChain.hashes(of: Self.tokens(5 * 512, seed: 3))
        #expect(cache.longestCachedPrefix(of: chain) == 0)
        cache.insertOrTouch(Array(chain.prefix(3)))
        #expect(cache.longestCachedPrefix(of: chain) == 3)
        cache.insertOrTouch(chain)
        #expect(cache.longestCachedPrefix(of: chain) == 5)
        #expect(cache.count == 5)
    }

    /// Random prefix trees of requests, with partial last blocks and completions: the capacity holds
    /// after every request, and under `lru`, `lfu` and `folio` the cached set stays prefix-closed (no
    /// block is evicted while an extension is cached).
    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func capacityHoldsAndPrefixesOutliveTheirExtensions(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var stems: [[BlockHash]] = []
        var next: UInt64 = 1
        var requests: [[BlockHash]] = []
        for _ in 0..<600 {
            var chain: [BlockHash] =
                stems.isEmpty || Int.random(in: 0..<4, using: &random) == 0
                ? [] : stems[Int.random(in: 0..<stems.count, using: &random)]
            chain = Array(chain.prefix(Int.random(in: 0...chain.count, using: &random)))
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                chain.append(BlockHash(rawValue: next))
                next += 1
            }
            if Int.random(in: 0..<3, using: &random) == 0 { stems.append(chain) }
            requests.append(chain)
        }
        let capacity = Int.random(in: 8...80, using: &random)
        for policy in [PrefixEvictionPolicy.lru, .lfu, .folio, .belady(BeladyFuture(requests: requests))] {
            var cache = try PrefixCache(capacityBlocks: capacity, policy: policy)
            var parents: [BlockHash: BlockHash] = [:]
            var hits: [Int] = []
            for (index, chain) in requests.enumerated() {
                for (child, parent) in zip(chain.dropFirst(), chain) { parents[child] = parent }
                hits.append(cache.longestCachedPrefix(of: chain))
                // Every other prompt ends inside its last block.
                cache.insertOrTouch(chain, lastBlockIsPartial: index % 2 == 1)
                // Requests finish three arrivals later (and so in between others' arrivals), every
                // other one with a short answer.
                if index >= 3 {
                    let earlier = index - 3
                    cache.finish(
                        requests[earlier], hitBlocks: hits[earlier], outputTokens: earlier % 2 == 0 ? 5 : 700)
                }
                #expect(cache.count <= capacity)
                if case .belady = policy { continue }
                for block in Set(requests.joined()) where cache.contains(block) {
                    if let parent = parents[block] {
                        #expect(cache.contains(parent), "\(policy): \(block) outlived \(parent)")
                    }
                }
            }
            #expect(cache.skippedInnerBlocks == 0)
        }
    }

    @Test func lruEvictsTheLeastRecentlyUsedChain() throws {
        var cache = try PrefixCache(capacityBlocks: 4, policy: .lru)
        let a = [BlockHash(rawValue: 1), BlockHash(rawValue: 2)]
        let b = [BlockHash(rawValue: 3), BlockHash(rawValue: 4)]
        let c = [BlockHash(rawValue: 5), BlockHash(rawValue: 6)]
        cache.insertOrTouch(a)
        cache.insertOrTouch(b)
        cache.insertOrTouch(a)
        cache.insertOrTouch(c)
        #expect(cache.longestCachedPrefix(of: a) == 2)
        #expect(cache.longestCachedPrefix(of: b) == 0)
        #expect(cache.longestCachedPrefix(of: c) == 2)
    }

    /// A shared prefix used again and again survives a flood of one-off requests under `folio` (once
    /// its shadows have seen that favouring reuse pays); under `lru` the flood pushes it out.
    @Test func oneOffBlocksDoNotPushOutReusedPrefixes() throws {
        let shared = (1...20).map { BlockHash(rawValue: $0) }
        var flood: UInt64 = 1_000
        var hits: [String: Int] = [:]
        for (name, policy) in [("lru", PrefixEvictionPolicy.lru), ("folio", .folio)] {
            var cache = try PrefixCache(capacityBlocks: 60, policy: policy)
            for _ in 0..<3 { cache.insertOrTouch(shared) }
            for round in 0..<20 {
                for _ in 0..<5 {
                    cache.insertOrTouch(
                        (0..<10).map { _ in
                            flood += 1
                            return BlockHash(rawValue: flood)
                        })
                }
                if round % 4 == 3 {
                    hits[name, default: 0] += cache.longestCachedPrefix(of: shared)
                    cache.insertOrTouch(shared)
                }
            }
        }
        // folio starts as LRU and turns to favouring reuse once its shadows have seen it pay.
        #expect(hits["folio", default: 0] >= 4 * 20, "folio kept the shared prefix: \(hits)")
        #expect(hits["lru", default: 0] < hits["folio", default: 0], "\(hits)")
    }

    @Test func beladyEvictsTheBlockUsedFarthestInTheFuture() throws {
        let x = [BlockHash(rawValue: 1)], y = [BlockHash(rawValue: 2)], z = [BlockHash(rawValue: 3)]
        let requests = [x, y, z, x, y, x]
        var cache = try PrefixCache(capacityBlocks: 2, policy: .belady(BeladyFuture(requests: requests)))
        var hits = 0
        for request in requests {
            hits += cache.longestCachedPrefix(of: request)
            cache.insertOrTouch(request)
        }
        // z is never used again, so it is dropped at once and x, y always hit.
        #expect(hits == 3)
    }

    @Test func capacityBelowOneIsATypedError() {
        #expect(throws: CacheError.self) { try PrefixCache(capacityBlocks: 0) }
    }

    /// LFU keeps the block used most, and the least recent among equals goes first.
    @Test func lfuEvictsTheLeastUsedBlock() throws {
        var cache = try PrefixCache(capacityBlocks: 2, policy: .lfu)
        let x = [BlockHash(rawValue: 1)], y = [BlockHash(rawValue: 2)], z = [BlockHash(rawValue: 3)]
        for request in [x, x, x, y, z] { cache.insertOrTouch(request) }
        #expect(cache.contains(x[0]) && cache.contains(z[0]) && !cache.contains(y[0]))
    }

    /// Requests whose answers are 1–3 tokens long are never followed up, those with 1,000-token
    /// answers always are: once the cache has seen enough of both, it puts the blocks of a short
    /// answer first in line for eviction when that request finishes, and keeps the long ones.
    @Test func blocksOfAPoorlyReusedAnswerClassAreEvictedFirst() throws {
        // The rule the shadows would pick here (LRU that demotes), fixed: the shadows are tested
        // through the replay tests.
        var cache = PrefixCache(capacityBlocks: 64, rule: PrefixCache.Rule.candidates[1])
        var next: UInt64 = 1
        func fresh(_ count: Int) -> [BlockHash] {
            defer { next += UInt64(count) }
            return (0..<count).map { BlockHash(rawValue: next + UInt64($0)) }
        }
        for _ in 0..<40 {
            let followed = fresh(4)
            cache.insertOrTouch(followed)
            cache.finish(followed, hitBlocks: 0, outputTokens: 1_000)
            let dropped = fresh(4)
            cache.insertOrTouch(dropped)
            cache.finish(dropped, hitBlocks: 0, outputTokens: 2)
            cache.insertOrTouch(followed + fresh(1))
        }
        // Now one of each, then enough new blocks to force 8 evictions.
        let followed = fresh(4)
        let dropped = fresh(4)
        cache.insertOrTouch(followed)
        cache.insertOrTouch(dropped)
        cache.finish(followed, hitBlocks: 0, outputTokens: 1_000)
        cache.finish(dropped, hitBlocks: 0, outputTokens: 2)
        cache.insertOrTouch(fresh(4))
        #expect(cache.longestCachedPrefix(of: followed) == 4)
        #expect(cache.longestCachedPrefix(of: dropped) == 0)
        // LRU ignores answers: the older request goes first.
        var lru = try PrefixCache(capacityBlocks: 8, policy: .lru)
        lru.insertOrTouch(followed)
        lru.insertOrTouch(dropped)
        lru.finish(dropped, hitBlocks: 0, outputTokens: 2)
        lru.insertOrTouch(fresh(4))
        #expect(lru.longestCachedPrefix(of: followed) == 0 && lru.longestCachedPrefix(of: dropped) == 4)
    }

    /// Chats: each turn repeats the previous prompt's full blocks and ends in a partial block that
    /// the next turn, longer, never has. Once that is learned, a new partial last block goes first
    /// (here at once, the cache being full); LRU keeps it as long as the rest of its prompt.
    @Test func partialLastBlocksThatAreNeverReusedGoFirst() throws {
        var next: UInt64 = 1
        func fresh(_ count: Int) -> [BlockHash] {
            defer { next += UInt64(count) }
            return (0..<count).map { BlockHash(rawValue: next + UInt64($0)) }
        }
        var cache = PrefixCache(capacityBlocks: 100, rule: PrefixCache.Rule.candidates[1])
        var lru = try PrefixCache(capacityBlocks: 100, policy: .lru)
        for _ in 0..<30 {
            var history = fresh(2)
            for _ in 0..<3 {
                let prompt = history + fresh(1)
                cache.insertOrTouch(prompt, lastBlockIsPartial: true)
                lru.insertOrTouch(prompt, lastBlockIsPartial: true)
                history += fresh(1)
            }
        }
        // One more prompt into the full cache: its partial tail is the first block to go.
        let prompt = fresh(3)
        #expect(cache.count == 100 && lru.count == 100)
        cache.insertOrTouch(prompt, lastBlockIsPartial: true)
        lru.insertOrTouch(prompt, lastBlockIsPartial: true)
        #expect(cache.longestCachedPrefix(of: prompt) == 2 && !cache.contains(prompt[2]))
        #expect(lru.longestCachedPrefix(of: prompt) == 3, "LRU evicted older blocks")
    }

    /// The open-addressing table behind the cache agrees with a `Dictionary` under random inserts,
    /// replacements and removals, through several growths, with keys that collide in their home bucket.
    @Test(arguments: [1, 2, 3])
    func blockTableAgreesWithADictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var table = BlockTable()
        var reference: [UInt64: Int32] = [:]
        for step in 0..<20_000 {
            // Small keys (as trace ids are) and multiples of 2^32 (same low bits).
            let key = random.chance(50) ? UInt64(random.below(3_000)) : UInt64(random.below(64)) << 32
            if random.chance(60) {
                let value = Int32(step)
                table.set(key, value)
                reference[key] = value
            } else {
                #expect(table.remove(key) == reference.removeValue(forKey: key))
            }
            if step % 1_000 == 0 {
                #expect(table.count == reference.count)
                for (key, value) in reference { #expect(table[key] == value) }
            }
        }
        for key in 0..<UInt64(3_100) { #expect(table[key] == reference[key]) }
    }
}
