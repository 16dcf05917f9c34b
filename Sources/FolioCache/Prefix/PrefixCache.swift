// Performance notes
// Blocks live in parallel slot arrays with intrusive doubly-linked recency lists (one per use-count
// level) and one `[UInt64: Int32]` dictionary from hash to slot; evicted slots are reused. LFU and
// Belady keep a binary heap with lazy deletion instead. The default policy also feeds a 1/2^k hash
// sample (k ≥ 2) of the blocks to seven small shadow caches (1,000–2,000 blocks each from 4,000
// blocks up), which costs up to 1.75 times the cache itself. `folio replay` speeds and memory
// per block are in BENCHMARKS.md (issues 7 and 19).

/// How a ``PrefixCache`` chooses the block to evict.
public enum PrefixEvictionPolicy: Sendable {
    /// Least recently used (a request's blocks are touched deepest first, so a prefix outlives its
    /// extensions).
    case lru
    /// Least frequently used among the cached blocks, the least recent first among equals (counts
    /// are forgotten on eviction). A baseline.
    case lfu
    /// The default, online and adaptive. Blocks sit in recency lists by use count (1, 2–3, 4–7, 8+;
    /// the count of a recently evicted block is remembered for ``PrefixCache/ghostFactor`` ×
    /// capacity evictions). Which list gives up its least recent block is decided by one of seven
    /// rules, from plain LRU through recency with a frequency credit to frequency first; the rule
    /// in force is the one that scores the most hits, of late, in small shadow caches that replay a
    /// hash sample of the same traffic under each rule (miniature simulation). Blocks of requests
    /// whose answer-length class has shown, on this traffic, at most half the average reuse are
    /// moved to the eviction end when the request finishes (see
    /// ``PrefixCache/finish(_:hitBlocks:outputTokens:)``), and so are new partial last blocks of
    /// prompts while those are seldom reused (see ``PrefixCache/insertOrTouch(_:lastBlockIsPartial:)``);
    /// the shadows weigh that too, and plain LRU never does it. A block is never evicted while a
    /// block extending it stays cached.
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
/// // … the request runs; when it has finished:
/// cache.finish(chain, hitBlocks: reusable, outputTokens: answerTokens)
/// ```
///
/// - Complexity: O(1) amortized per block for ``PrefixEvictionPolicy/lru`` and
///   ``PrefixEvictionPolicy/folio``; O(log *n*) for ``PrefixEvictionPolicy/lfu`` and
///   ``PrefixEvictionPolicy/belady(_:)``.
/// - Important: A value type without locks: share one behind a `Mutex`.
public struct PrefixCache: Sendable {
    /// ``PrefixEvictionPolicy/folio``: how many evicted blocks' use counts are remembered, × capacity.
    public static let ghostFactor = 4
    /// ``PrefixEvictionPolicy/folio``: the fewest blocks a shadow cache holds; the hash sample is the
    /// largest power-of-two fraction, at most a quarter, that keeps shadows at least this large (a
    /// cache below 8,000 blocks has shadows of a quarter its size).
    public static let shadowBlocks = 1_000

    public let capacityBlocks: Int
    public let policy: PrefixEvictionPolicy
    private let mode: Mode

    private var slotOfHash: BlockTable
    private var hashes: [UInt64] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    /// The recency list a slot is in (0–3), or `unlisted`.
    private var list: [UInt8] = []
    private var lastTouch: [UInt64] = []
    private var useCount: [UInt32] = []
    private var parent: [Int32] = []
    private var childCount: [Int32] = []
    /// The answer-length class of the request that inserted the block, `unclassified` until that
    /// request finishes, or `reuseCounted` once a later request has used it.
    private var answerClass: [UInt8] = []
    private var freeSlots: [Int32] = []
    /// Heads (least recent) and tails (most recent) of the four recency lists.
    private var heads: [Int32] = [-1, -1, -1, -1]
    private var tails: [Int32] = [-1, -1, -1, -1]
    private var clock: UInt64 = 0
    /// Evicted blocks' use counts, in a ring of ``ghostFactor`` × capacity, found by hash.
    private var ghostSlot = BlockTable()
    private var ghosts: [(hash: UInt64, count: UInt32)] = []
    private var nextGhost = 0
    /// Folio: the rule in force (the shadows' winner) and what answer classes have shown.
    private var rule: Rule
    private var reuse = ReuseByAnswerClass()
    private var shadows: [PrefixCache] = []
    private var shadowScores: [Double] = []
    private var sampleMask: UInt64 = 0
    private var scoreRetention = 1.0
    // LFU and Belady: a max-heap of (key, tie, slot) with lazy deletion; `heapKey` is a slot's live key.
    private var heap: [(key: Int, tie: Int64, slot: Int32)] = []
    private var heapKey: [Int] = []
    private var requestCursor = 0

    private static let unlisted: UInt8 = 255
    private static let unclassified: UInt8 = 255
    private static let reuseCounted: UInt8 = 254

    /// - Throws: ``CacheError/Code/invalidConfiguration`` for a capacity below 1.
    public init(capacityBlocks: Int, policy: PrefixEvictionPolicy = .folio) throws(CacheError) {
        guard capacityBlocks >= 1 else {
            throw CacheError(.invalidConfiguration, "a prefix cache holds at least 1 block, not \(capacityBlocks)")
        }
        self.init(capacity: capacityBlocks, policy: policy, rule: nil)
    }

    /// A ``PrefixEvictionPolicy/folio`` cache that always applies `rule` (no shadows), for tests.
    init(capacityBlocks: Int, rule: Rule) {
        self.init(capacity: capacityBlocks, policy: .folio, rule: rule)
    }

    private init(capacity: Int, policy: PrefixEvictionPolicy, rule fixed: Rule?) {
        capacityBlocks = capacity
        self.policy = policy
        slotOfHash = BlockTable(minimumCapacity: capacity + 1_024)
        switch policy {
        case .lru: mode = .lru
        case .lfu: mode = .lfu
        case .belady(let future): mode = .belady(future)
        case .folio: mode = fixed.map(Mode.rule) ?? .adaptive
        }
        rule = fixed ?? Rule.candidates[0]
        guard case .adaptive = mode else { return }
        // At least three blocks in four are left out, so seven shadows cost at most 1.75 caches: at
        // 1,000 blocks, half-size shadows ran at 0.9 M lookups/s, quarter-size ones at 1.5 M, with
        // the same hit ratios within 0.15 points on the four traces of BENCHMARKS.md.
        var shift = 2
        while capacity >> (shift + 1) >= Self.shadowBlocks { shift += 1 }
        sampleMask = (1 << UInt64(shift)) - 1
        let shadowCapacity = max(1, capacity >> shift)
        shadows = Rule.candidates.map { PrefixCache(capacity: shadowCapacity, policy: .folio, rule: $0) }
        shadowScores = Array(repeating: 0, count: shadows.count)
        scoreRetention = 1 - 1 / (Double(shadowCapacity) * Rule.scoreWindow)
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

    /// The rule ``PrefixEvictionPolicy/folio`` applies now, for reports: `"lru"`, `"credit 2"` (a
    /// block used more than once outlives a once-used one by 2 × capacity touches), `"reused
    /// first"`, `"frequency"` (the lists by use count in order, LRU within each); with `"+demote"`
    /// when poorly reused answer classes and partial last blocks go first. Other policies report
    /// `"lru"`.
    public var ruleInForce: String { rule.description }

    /// Inserts the chain's missing blocks and touches the others, then evicts down to capacity.
    ///
    /// Blocks are touched deepest first, so every prefix is more recent than its extensions.
    /// `lastBlockIsPartial` says that the prompt ends inside its last block (its token count is not
    /// a multiple of the block size). ``PrefixEvictionPolicy/folio`` learns how often such blocks are
    /// used again (a longer prompt that extends this one has other tokens in that block, so it
    /// almost never is) and, while they are seldom reused, puts a new one first in line for eviction.
    public mutating func insertOrTouch(_ chain: [BlockHash], lastBlockIsPartial: Bool = false) {
        insertOrTouch(chain, partialTail: lastBlockIsPartial, demoteTail: nil)
    }

    private mutating func insertOrTouch(_ chain: [BlockHash], partialTail: Bool, demoteTail decided: Bool?) {
        let learns: Bool
        switch mode {
        case .adaptive, .rule: learns = partialTail
        case .lru, .lfu, .belady: learns = false
        }
        let demoteTail = learns && (decided ?? reuse.isPoor(answerClass: ReuseByAnswerClass.partialTail))
        if case .adaptive = mode { runShadows(chain, partialTail: partialTail, demoteTail: demoteTail) }
        // Link new blocks to their parents first (shallow to deep), so child counts are right.
        var slots = [Int32](repeating: -1, count: chain.count)
        var lastIsNew = false
        for (depth, hash) in chain.enumerated() {
            if let slot = slotOfHash[hash.rawValue] {
                slots[depth] = slot
                noteReuse(slot)
            } else {
                slots[depth] = allocate(hash.rawValue, parent: depth > 0 ? slots[depth - 1] : -1)
                lastIsNew = depth == chain.count - 1
            }
        }
        switch mode {
        case .belady(let future):
            let start = future.requestStarts[min(requestCursor, future.requestStarts.count - 1)]
            for (depth, slot) in slots.enumerated() {
                let position = start + depth
                let nextUse = position < future.nextUse.count ? future.nextUse[position] : .max
                heapKey[Int(slot)] = nextUse
                pushHeap(key: nextUse, tie: Int64(depth), slot: slot)
            }
            requestCursor += 1
            while slotOfHash.count > capacityBlocks { evictFromHeap() }
        case .lfu:
            for slot in slots.reversed() {
                clock += 1
                let index = Int(slot)
                useCount[index] &+= 1
                heapKey[index] = -Int(useCount[index])
                pushHeap(key: heapKey[index], tie: -Int64(clock), slot: slot)
            }
            compactHeapIfNeeded()
            while slotOfHash.count > capacityBlocks { evictFromHeap() }
        case .lru, .rule, .adaptive:
            // A prefix is never in a lower list than its extension: eviction may then compare heads.
            var floor: UInt8 = 0
            for slot in slots.reversed() { floor = touch(slot, atLeast: floor) }
            if learns, lastIsNew, let tail = slots.last {
                answerClass[Int(tail)] = ReuseByAnswerClass.partialTail
                if decided == nil {
                    reuse.inserted(1, answerClass: ReuseByAnswerClass.partialTail, halvingEvery: 4 * capacityBlocks)
                }
                if demoteTail, rule.demotes {
                    unlink(tail)
                    prepend(tail)
                }
            }
            while slotOfHash.count > capacityBlocks { evictOne() }
        }
    }

    /// Tells the cache that the request whose prompt was `chain` has finished, with `outputTokens`
    /// of answer; `hitBlocks` is ``longestCachedPrefix(of:)`` when it arrived (its other blocks were
    /// inserted for it).
    ///
    /// Only ``PrefixEvictionPolicy/folio`` uses it: it learns, per answer-length class (powers of
    /// two), how many inserted blocks a later request uses, and when a class has shown at most half
    /// the average reuse (over at least 32 blocks, with older evidence halved every
    /// 4 × capacity blocks), the request's still unused blocks go to the eviction end. Call it when
    /// the answer is complete, never before: the length is not known earlier.
    public mutating func finish(_ chain: [BlockHash], hitBlocks: Int, outputTokens: Int) {
        switch mode {
        case .adaptive, .rule: break
        case .lru, .lfu, .belady: return
        }
        finish(chain, hitBlocks: max(0, hitBlocks), outputTokens: max(0, outputTokens), demote: nil)
    }

    private mutating func finish(_ chain: [BlockHash], hitBlocks: Int, outputTokens: Int, demote decided: Bool?) {
        let answer = ReuseByAnswerClass.answerClass(outputTokens: outputTokens)
        var classified = 0
        for hash in chain.dropFirst(hitBlocks) {
            guard let slot = slotOfHash[hash.rawValue], answerClass[Int(slot)] == Self.unclassified else { continue }
            answerClass[Int(slot)] = answer
            classified += 1
        }
        let demote: Bool
        if let decided {
            demote = decided
        } else {
            reuse.inserted(classified, answerClass: answer, halvingEvery: 4 * capacityBlocks)
            demote = reuse.isPoor(answerClass: answer)
        }
        if case .adaptive = mode {
            let sampled = chain.indices.filter { isSampled(chain[$0]) }
            let sampledHits = sampled.prefix { $0 < hitBlocks }.count
            let sub = sampled.map { chain[$0] }
            for index in shadows.indices {
                shadows[index].finish(sub, hitBlocks: sampledHits, outputTokens: outputTokens, demote: demote)
            }
        }
        guard demote, rule.demotes else { return }
        // Shallow to deep, each to the front: the deepest block ends up first in line.
        for hash in chain.dropFirst(hitBlocks) {
            guard let slot = slotOfHash[hash.rawValue] else { continue }
            let index = Int(slot)
            guard list[index] == 0, useCount[index] <= 1 else { continue }
            unlink(slot)
            prepend(slot)
        }
    }

    // MARK: Shadows (miniature simulation)

    private func isSampled(_ hash: BlockHash) -> Bool {
        (hash.rawValue &* 0x9E37_79B9_7F4A_7C15) >> 40 & sampleMask == 0
    }

    /// Replays the sampled part of `chain` through every shadow, updates their decayed hit scores and
    /// puts the best scoring rule in force.
    private mutating func runShadows(_ chain: [BlockHash], partialTail: Bool, demoteTail: Bool) {
        let sub = chain.filter(isSampled)
        guard !sub.isEmpty else { return }
        let sampledTail = partialTail && isSampled(chain[chain.count - 1])
        var retention = 1.0
        for _ in sub.indices { retention *= scoreRetention }
        var best = 0
        for index in shadows.indices {
            let hits = shadows[index].longestCachedPrefix(of: sub)
            shadows[index].insertOrTouch(sub, partialTail: sampledTail, demoteTail: demoteTail)
            shadowScores[index] = shadowScores[index] * retention + Double(hits)
            if shadowScores[index] > shadowScores[best] { best = index }
        }
        rule = Rule.candidates[best]
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
            list[index] = Self.unlisted
            lastTouch[index] = 0
            useCount[index] = 0
            parent[index] = parentSlot
            childCount[index] = 0
            answerClass[index] = Self.unclassified
        } else {
            slot = Int32(hashes.count)
            hashes.append(hash)
            previous.append(-1)
            next.append(-1)
            list.append(Self.unlisted)
            lastTouch.append(0)
            useCount.append(0)
            parent.append(parentSlot)
            childCount.append(0)
            answerClass.append(Self.unclassified)
            heapKey.append(0)
        }
        if parentSlot >= 0 { childCount[Int(parentSlot)] += 1 }
        slotOfHash.set(hash, slot)
        // A block that comes back after eviction starts with the uses it had.
        if !ghosts.isEmpty, let ghost = ghostSlot.remove(hash) { useCount[Int(slot)] = ghosts[Int(ghost)].count }
        return slot
    }

    private mutating func release(_ slot: Int32) {
        let index = Int(slot)
        let hash = hashes[index]
        slotOfHash.remove(hash)
        let parentSlot = parent[index]
        if parentSlot >= 0, slotOfHash[hashes[Int(parentSlot)]] == parentSlot { childCount[Int(parentSlot)] -= 1 }
        // Children left behind (only Belady evicts inner blocks) forget their parent.
        parent[index] = -1
        freeSlots.append(slot)
        switch mode {
        case .rule, .adaptive: remember(hash, count: useCount[index])
        case .lru, .lfu, .belady: break
        }
    }

    /// A cached block used by a later request: its answer class has shown reuse (counted once).
    private mutating func noteReuse(_ slot: Int32) {
        let answer = answerClass[Int(slot)]
        guard answer != Self.reuseCounted else { return }
        if answer != Self.unclassified { reuse.reused(answerClass: answer) }
        answerClass[Int(slot)] = Self.reuseCounted
    }

    // MARK: Recency lists

    /// Moves a block to the recent end of its list (by use count, at least `floor`); returns the list.
    private mutating func touch(_ slot: Int32, atLeast floor: UInt8) -> UInt8 {
        clock += 1
        let index = Int(slot)
        if list[index] != Self.unlisted { unlink(slot) }
        useCount[index] &+= 1
        lastTouch[index] = clock
        let which: UInt8
        if case .lru = mode {
            which = 0
        } else {
            let level = UInt8(min(3, UInt32.bitWidth - 1 - useCount[index].leadingZeroBitCount))
            which = max(level, floor)
        }
        append(slot, to: which)
        return which
    }

    private mutating func evictOne() {
        var victim: Int32 = -1
        var lowest = Double.infinity
        for which in 0..<4 where heads[which] >= 0 {
            let head = heads[which]
            let score = rule.evictionScore(lastTouch: lastTouch[Int(head)], list: which, capacity: capacityBlocks)
            if score < lowest {
                lowest = score
                victim = head
            }
        }
        precondition(victim >= 0, "evicting from an empty prefix cache")
        let victimList = list[Int(victim)]
        unlink(victim)
        if childCount[Int(victim)] > 0 {
            // Never evict a prefix while an extension stays cached. Lists by level with the floor
            // above make this unreachable; should it happen, the block goes to the recent end.
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
        let listIndex = Int(which)
        list[index] = which
        let tail = tails[listIndex]
        previous[index] = tail
        next[index] = -1
        if tail >= 0 { next[Int(tail)] = slot } else { heads[listIndex] = slot }
        tails[listIndex] = slot
    }

    /// Puts a once-used block first in line for eviction.
    private mutating func prepend(_ slot: Int32) {
        let index = Int(slot)
        list[index] = 0
        lastTouch[index] = 0
        let head = heads[0]
        previous[index] = -1
        next[index] = head
        if head >= 0 { previous[Int(head)] = slot } else { tails[0] = slot }
        heads[0] = slot
    }

    private mutating func unlink(_ slot: Int32) {
        let index = Int(slot)
        let listIndex = Int(list[index])
        let before = previous[index]
        let after = next[index]
        if before >= 0 { next[Int(before)] = after } else { heads[listIndex] = after }
        if after >= 0 { previous[Int(after)] = before } else { tails[listIndex] = before }
        list[index] = Self.unlisted
    }

    private mutating func remember(_ hash: UInt64, count: UInt32) {
        let position = nextGhost
        if position < ghosts.count {
            // The ring is full: the oldest ghost goes, unless its block came back (and left) since.
            let oldest = ghosts[position].hash
            if ghostSlot[oldest] == Int32(position) { ghostSlot.remove(oldest) }
            ghosts[position] = (hash, count)
        } else {
            ghosts.append((hash, count))
        }
        ghostSlot.set(hash, Int32(position))
        nextGhost = position + 1 == Self.ghostFactor * capacityBlocks ? 0 : position + 1
    }

    // MARK: LFU and Belady (heap)

    private static func isAbove(
        _ a: (key: Int, tie: Int64, slot: Int32), _ b: (key: Int, tie: Int64, slot: Int32)
    ) -> Bool {
        a.key != b.key ? a.key > b.key : a.tie > b.tie
    }

    private mutating func pushHeap(key: Int, tie: Int64, slot: Int32) {
        heap.append((key, tie, slot))
        var child = heap.count - 1
        while child > 0 {
            let parentIndex = (child - 1) / 2
            guard Self.isAbove(heap[child], heap[parentIndex]) else { break }
            heap.swapAt(child, parentIndex)
            child = parentIndex
        }
    }

    private mutating func popHeap() -> (key: Int, tie: Int64, slot: Int32) {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return top
    }

    private mutating func siftDown(from start: Int) {
        var index = start
        while true {
            let left = 2 * index + 1
            let right = left + 1
            var largest = index
            if left < heap.count, Self.isAbove(heap[left], heap[largest]) { largest = left }
            if right < heap.count, Self.isAbove(heap[right], heap[largest]) { largest = right }
            guard largest != index else { return }
            heap.swapAt(index, largest)
            index = largest
        }
    }

    /// Whether a heap entry still describes its slot's block (not evicted, reused or touched since).
    private func isLive(_ entry: (key: Int, tie: Int64, slot: Int32)) -> Bool {
        let index = Int(entry.slot)
        return slotOfHash[hashes[index]] == entry.slot && heapKey[index] == entry.key
    }

    /// LFU pushes an entry per touch: when stale entries outnumber live ones, the heap is rebuilt.
    private mutating func compactHeapIfNeeded() {
        guard heap.count > 4 * slotOfHash.count + 1_024 else { return }
        let live = heap.filter(isLive)
        heap = live
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }

    private mutating func evictFromHeap() {
        while !heap.isEmpty {
            let candidate = popHeap()
            guard isLive(candidate) else { continue }
            if case .lfu = mode, childCount[Int(candidate.slot)] > 0 {
                // Unreachable (a prefix has at least its extension's count and is more recent); kept safe.
                skippedInnerBlocks += 1
                continue
            }
            release(candidate.slot)
            return
        }
        preconditionFailure("evicting from an empty prefix cache")
    }
}

extension PrefixCache {
    private enum Mode: Sendable {
        case lru
        case lfu
        case belady(BeladyFuture)
        /// A shadow: one fixed rule.
        case rule(Rule)
        /// The default: the rule in force follows the shadows.
        case adaptive
    }

    /// One way of choosing among the heads of the four recency lists (1, 2–3, 4–7, 8+ uses).
    struct Rule: Sendable, CustomStringConvertible {
        /// A block in list *l* counts as `credit × capacity × weight(l)` touches more recent than it
        /// is; `nil` evicts from the lowest weighted non-empty list first.
        var credit: Double?
        /// Whether lists above the first differ among themselves (`false`: one "reused" group).
        var graded: Bool
        /// Whether blocks of poorly reused answer classes go to the eviction end.
        var demotes: Bool

        /// Plain LRU (the safe member: never demotes), recency with growing credits for reuse,
        /// reuse first, and frequency first.
        static let candidates: [Rule] = [
            Rule(credit: 0, graded: false, demotes: false),
            Rule(credit: 0, graded: false, demotes: true),
            Rule(credit: 0.5, graded: false, demotes: true),
            Rule(credit: 2, graded: false, demotes: true),
            Rule(credit: 8, graded: false, demotes: true),
            Rule(credit: nil, graded: false, demotes: true),
            Rule(credit: nil, graded: true, demotes: true),
        ]

        /// Shadow hit scores decay by half over about 22 × shadow capacity sampled lookups
        /// (retention 1 − 1 ÷ (32 × capacity) per lookup).
        static let scoreWindow = 32.0

        func evictionScore(lastTouch: UInt64, list: Int, capacity: Int) -> Double {
            let weight = Double(graded ? list : min(list, 1))
            // 2^50 touches are never reached, and below 2^53 the sum is exact.
            guard let credit else { return weight * 0x1p50 + Double(lastTouch) }
            return Double(lastTouch) + credit * Double(capacity) * weight
        }

        var description: String {
            let base =
                switch credit {
                case .none: graded ? "frequency" : "reused first"
                case .some(0): "lru"
                case .some(let value): "credit \(value == value.rounded() ? String(Int(value)) : String(value))"
                }
            return demotes ? base + "+demote" : base
        }
    }
}

/// Per answer-length class (⌊log₂ output tokens⌋, up to 15), and for the partial last blocks of
/// prompts (class 16): blocks inserted and blocks used again.
private struct ReuseByAnswerClass: Sendable {
    private var inserted = [Double](repeating: 0, count: 17)
    private var reused = [Double](repeating: 0, count: 17)

    /// The class of a prompt's partial last block, whatever the answer.
    static let partialTail: UInt8 = 16
    private var sinceHalving = 0

    /// Fewest blocks a class needs before it is judged.
    static let minimumEvidence = 32.0

    static func answerClass(outputTokens: Int) -> UInt8 {
        UInt8(min(15, Int.bitWidth - 1 - max(1, outputTokens).leadingZeroBitCount))
    }

    mutating func inserted(_ count: Int, answerClass: UInt8, halvingEvery period: Int) {
        inserted[Int(answerClass)] += Double(count)
        sinceHalving += count
        guard sinceHalving > period else { return }
        sinceHalving = 0
        for index in inserted.indices {
            inserted[index] *= 0.5
            reused[index] *= 0.5
        }
    }

    mutating func reused(answerClass: UInt8) { reused[Int(answerClass)] += 1 }

    /// Whether the class has shown at most half the reuse of all classes together.
    func isPoor(answerClass: UInt8) -> Bool {
        let count = inserted[Int(answerClass)]
        let total = inserted.reduce(0, +)
        guard count >= Self.minimumEvidence, total > 0 else { return false }
        return reused[Int(answerClass)] / count <= 0.5 * reused.reduce(0, +) / total
    }
}
