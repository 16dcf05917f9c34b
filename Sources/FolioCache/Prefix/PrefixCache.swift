// Performance notes
// Blocks live in parallel slot arrays with intrusive doubly-linked recency lists and one
// `[UInt64: Int32]` dictionary from hash to slot; evicted slots are reused. `folio replay` on the
// Mooncake synthetic trace (121,877 block lookups) is measured in BENCHMARKS.md.

internal import DequeModule

/// How a ``PrefixCache`` chooses the block to evict.
public enum PrefixEvictionPolicy: Sendable {
    /// Least recently used (a request's blocks are touched deepest first, so a prefix outlives its
    /// extensions).
    case lru
    /// The default, online: blocks used once and blocks used again are kept in two recency lists;
    /// a reused block is evicted only when it is older than the oldest once-used block by more than
    /// ``PrefixCache/reuseCreditFactor`` × capacity touches. Counts of recently evicted blocks are
    /// remembered (``PrefixCache/ghostFactor`` × capacity), so a block that comes back is known to
    /// be reused. So one-off prompt tails cannot push out shared prefixes, and, because blocks are
    /// touched deepest first, a block is never evicted while a block extending it stays cached.
    case folio
    /// Offline ceiling (Belady): evicts the block whose next use is farthest away, knowing the
    /// future. Only for replaying a known sequence of requests.
    case belady(BeladyFuture)
}

/// The future a ``PrefixEvictionPolicy/belady(_:)`` cache needs: every request's chain, in order.
public struct BeladyFuture: Sendable {
    /// For each block access (requests in order, blocks in order), the position of the next access
    /// of the same block, or `Int.max`.
    let nextUse: [Int]
    let requestStarts: [Int]

    public init(requests: [[BlockHash]]) {
        var starts = [0]
        var flat: [UInt64] = []
        for request in requests {
            flat.append(contentsOf: request.map(\.rawValue))
            starts.append(flat.count)
        }
        var next = [Int](repeating: .max, count: flat.count)
        var seen: [UInt64: Int] = [:]
        for position in stride(from: flat.count - 1, through: 0, by: -1) {
            if let later = seen[flat[position]] { next[position] = later }
            seen[flat[position]] = position
        }
        nextUse = next
        requestStarts = starts
    }
}

/// A bounded cache of prompt-prefix blocks keyed by block-hash chains (see ``BlockHashChain``).
///
/// ```swift
/// var cache = try PrefixCache(capacityBlocks: 16_000)
/// let chain = BlockHashChain.hashes(of: tokens, scope: .tenant("acme"))
/// let reusable = cache.longestCachedPrefix(of: chain)   // blocks whose KV can be reused
/// cache.insertOrTouch(chain)
/// ```
///
/// - Complexity: O(1) amortized per block for ``PrefixEvictionPolicy/lru`` and
///   ``PrefixEvictionPolicy/folio``; O(log *n*) for ``PrefixEvictionPolicy/belady(_:)``.
/// - Important: A value type without locks: share one behind a `Mutex`.
public struct PrefixCache: Sendable {
    /// ``PrefixEvictionPolicy/folio``: the recency credit of reused blocks, × capacity.
    public static let reuseCreditFactor = 4
    /// ``PrefixEvictionPolicy/folio``: how many evicted blocks' counts are remembered, × capacity.
    public static let ghostFactor = 4

    public let capacityBlocks: Int
    public let policy: PrefixEvictionPolicy

    private var slotOfHash: [UInt64: Int32] = [:]
    private var hashes: [UInt64] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var list: [UInt8] = []
    private var lastTouch: [UInt64] = []
    private var useCount: [UInt32] = []
    private var parent: [Int32] = []
    private var childCount: [Int32] = []
    private var freeSlots: [Int32] = []
    /// Heads (least recent) and tails (most recent) of the once-used (0) and reused (1) lists.
    private var heads: (Int32, Int32) = (-1, -1)
    private var tails: (Int32, Int32) = (-1, -1)
    private var clock: UInt64 = 0
    private var ghostCounts: [UInt64: (count: UInt32, sequence: UInt64)] = [:]
    private var ghostOrder: Deque<(hash: UInt64, sequence: UInt64)> = []
    private var ghostSequence: UInt64 = 0
    // Belady: the access cursor and a max-heap of (next use, depth, slot) with lazy deletion.
    private var accessCursor = 0
    private var requestCursor = 0
    private var nextUseOfSlot: [Int] = []
    private var depthOfSlot: [Int32] = []
    private var farthest: [(nextUse: Int, depth: Int32, slot: Int32)] = []

    /// - Throws: ``CacheError/Code/invalidConfiguration`` for a capacity below 1.
    public init(capacityBlocks: Int, policy: PrefixEvictionPolicy = .folio) throws(CacheError) {
        guard capacityBlocks >= 1 else {
            throw CacheError(.invalidConfiguration, "a prefix cache holds at least 1 block, not \(capacityBlocks)")
        }
        self.capacityBlocks = capacityBlocks
        self.policy = policy
        slotOfHash.reserveCapacity(capacityBlocks + 1_024)
    }

    /// Blocks cached now.
    public var count: Int { slotOfHash.count }

    /// Whether a block is cached (its whole prefix may not be).
    public func contains(_ hash: BlockHash) -> Bool { slotOfHash[hash.rawValue] != nil }

    /// How many leading blocks of `chain` are cached: the prefix whose KV can be reused.
    public func longestCachedPrefix(of chain: some Collection<BlockHash>) -> Int {
        var count = 0
        for hash in chain {
            guard slotOfHash[hash.rawValue] != nil else { break }
            count += 1
        }
        return count
    }

    /// Inserts the chain's missing blocks and touches the others, then evicts down to capacity.
    ///
    /// Blocks are touched deepest first, so every prefix is more recent than its extensions.
    public mutating func insertOrTouch(_ chain: [BlockHash]) {
        // Link new blocks to their parents first (shallow to deep), so child counts are right.
        var slots = [Int32](repeating: -1, count: chain.count)
        for (depth, hash) in chain.enumerated() {
            if let slot = slotOfHash[hash.rawValue] {
                slots[depth] = slot
            } else {
                let slot = allocate(hash.rawValue, parent: depth > 0 ? slots[depth - 1] : -1)
                slots[depth] = slot
                if case .belady = policy { depthOfSlot[Int(slot)] = Int32(depth) }
            }
        }
        if case .belady(let future) = policy {
            let start = future.requestStarts[min(requestCursor, future.requestStarts.count - 1)]
            for (depth, slot) in slots.enumerated() {
                let position = start + depth
                let nextUse = position < future.nextUse.count ? future.nextUse[position] : .max
                nextUseOfSlot[Int(slot)] = nextUse
                pushFarthest(nextUse: nextUse, depth: depthOfSlot[Int(slot)], slot: slot)
            }
            requestCursor += 1
            while slotOfHash.count > capacityBlocks { evictFarthest() }
            return
        }
        for slot in slots.reversed() { touch(slot) }
        while slotOfHash.count > capacityBlocks { evictOne() }
    }

    // MARK: Slots

    private mutating func allocate(_ hash: UInt64, parent parentSlot: Int32) -> Int32 {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            let index = Int(slot)
            hashes[index] = hash
            previous[index] = -1
            next[index] = -1
            list[index] = 255
            lastTouch[index] = 0
            useCount[index] = 0
            parent[index] = parentSlot
            childCount[index] = 0
        } else {
            slot = Int32(hashes.count)
            hashes.append(hash)
            previous.append(-1)
            next.append(-1)
            list.append(255)
            lastTouch.append(0)
            useCount.append(0)
            parent.append(parentSlot)
            childCount.append(0)
            nextUseOfSlot.append(.max)
            depthOfSlot.append(0)
        }
        if parentSlot >= 0 { childCount[Int(parentSlot)] += 1 }
        slotOfHash[hash] = slot
        // A block that comes back after eviction starts with the uses it had.
        if let ghost = ghostCounts.removeValue(forKey: hash) { useCount[Int(slot)] = ghost.count }
        return slot
    }

    private mutating func release(_ slot: Int32) {
        let index = Int(slot)
        let hash = hashes[index]
        slotOfHash[hash] = nil
        let parentSlot = parent[index]
        if parentSlot >= 0, slotOfHash[hashes[Int(parentSlot)]] == parentSlot { childCount[Int(parentSlot)] -= 1 }
        // Children left behind (only Belady evicts inner blocks) forget their parent.
        parent[index] = -1
        freeSlots.append(slot)
        if case .folio = policy { remember(hash, count: useCount[index]) }
    }

    // MARK: LRU and Folio

    private mutating func touch(_ slot: Int32) {
        clock += 1
        let index = Int(slot)
        if list[index] != 255 { unlink(slot) }
        useCount[index] &+= 1
        lastTouch[index] = clock
        let reused: Bool = if case .folio = policy { useCount[index] >= 2 } else { false }
        append(slot, to: reused ? 1 : 0)
    }

    private mutating func evictOne() {
        let once = heads.0
        let reused = heads.1
        let victim: Int32
        if reused < 0 {
            victim = once
        } else if once < 0 {
            victim = reused
        } else {
            let credit = UInt64(Self.reuseCreditFactor * capacityBlocks)
            victim = lastTouch[Int(once)] <= lastTouch[Int(reused)] &+ credit ? once : reused
        }
        precondition(victim >= 0, "evicting from an empty prefix cache")
        let victimList = list[Int(victim)]
        unlink(victim)
        if childCount[Int(victim)] > 0 {
            // Never evict a prefix while an extension stays cached. Deepest-first touching makes this
            // unreachable; should it happen, the block goes to the recent end and the next one is tried.
            append(victim, to: victimList)
            skippedInnerBlocks += 1
            return
        }
        release(victim)
    }

    /// Eviction candidates passed over because an extension was cached (expected to stay 0).
    public private(set) var skippedInnerBlocks = 0

    private mutating func append(_ slot: Int32, to which: UInt8) {
        let index = Int(slot)
        list[index] = which
        let tail = which == 0 ? tails.0 : tails.1
        previous[index] = tail
        next[index] = -1
        if tail >= 0 { next[Int(tail)] = slot } else if which == 0 { heads.0 = slot } else { heads.1 = slot }
        if which == 0 { tails.0 = slot } else { tails.1 = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let index = Int(slot)
        let which = list[index]
        let before = previous[index]
        let after = next[index]
        if before >= 0 { next[Int(before)] = after } else if which == 0 { heads.0 = after } else { heads.1 = after }
        if after >= 0 {
            previous[Int(after)] = before
        } else if which == 0 {
            tails.0 = before
        } else {
            tails.1 = before
        }
        list[index] = 255
    }

    private mutating func remember(_ hash: UInt64, count: UInt32) {
        ghostSequence += 1
        ghostCounts[hash] = (count, ghostSequence)
        ghostOrder.append((hash, ghostSequence))
        let limit = Self.ghostFactor * capacityBlocks
        while ghostCounts.count > limit, let oldest = ghostOrder.popFirst() {
            if ghostCounts[oldest.hash]?.sequence == oldest.sequence { ghostCounts[oldest.hash] = nil }
        }
        if ghostOrder.count > 2 * limit + 1_024 {
            ghostOrder.removeAll { ghostCounts[$0.hash]?.sequence != $0.sequence }
        }
    }

    // MARK: Belady

    private static func isFarther(
        _ a: (nextUse: Int, depth: Int32, slot: Int32), _ b: (nextUse: Int, depth: Int32, slot: Int32)
    ) -> Bool {
        a.nextUse != b.nextUse ? a.nextUse > b.nextUse : a.depth > b.depth
    }

    private mutating func pushFarthest(nextUse: Int, depth: Int32, slot: Int32) {
        farthest.append((nextUse, depth, slot))
        var child = farthest.count - 1
        while child > 0 {
            let parentIndex = (child - 1) / 2
            guard Self.isFarther(farthest[child], farthest[parentIndex]) else { break }
            farthest.swapAt(child, parentIndex)
            child = parentIndex
        }
    }

    private mutating func popFarthest() -> (nextUse: Int, depth: Int32, slot: Int32) {
        let top = farthest[0]
        let last = farthest.removeLast()
        if !farthest.isEmpty {
            farthest[0] = last
            var index = 0
            while true {
                let left = 2 * index + 1
                let right = left + 1
                var largest = index
                if left < farthest.count, Self.isFarther(farthest[left], farthest[largest]) { largest = left }
                if right < farthest.count, Self.isFarther(farthest[right], farthest[largest]) { largest = right }
                guard largest != index else { break }
                farthest.swapAt(index, largest)
                index = largest
            }
        }
        return top
    }

    private mutating func evictFarthest() {
        while !farthest.isEmpty {
            let candidate = popFarthest()
            let index = Int(candidate.slot)
            // Stale entries: the slot was evicted or reused, or the block was used again since.
            guard slotOfHash[hashes[index]] == candidate.slot, nextUseOfSlot[index] == candidate.nextUse else {
                continue
            }
            release(candidate.slot)
            return
        }
        preconditionFailure("evicting from an empty prefix cache")
    }
}
