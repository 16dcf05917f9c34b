// Performance notes
// - A piece that is one token costs one lookup (`encodePiece`). Others are merged exactly as
//   tiktoken's `byte_pair_merge`: repeatedly merge the adjacent pair whose concatenation has the
//   lowest rank, the leftmost one on ties.
// - Pieces of `scanMergeLimit` bytes or fewer (nearly all pieces of real text) merge by scanning a
//   stack array for the minimum key, as tiktoken does: O(n²) but small n and no allocation. Keys pack
//   rank and position into an `Int32`, so the scan is a branch-free vectorized minimum (packing cut
//   instructions by a third against separate rank and index arrays with a branchy scan). Pieces with
//   non-ASCII text start from whole characters when that is exact (`Vocabulary+CharacterMerge.swift`).
// - Longer pieces (hostile inputs such as 20 MB of letters, rare CJK runs) merge through a binary
//   heap of (rank, position) over a linked list of parts: O(n log n). Popping (rank, position) in
//   order is the same as tiktoken's leftmost-minimum scan, so both paths give identical output.
// - Each part remembers the rank it was merged with, so emitting needs no final lookups.

internal import FolioModel

/// Where the encoder puts tokens: into an id array, or only into a count.
protocol TokenSink {
    mutating func append(_ rank: UInt32)
}

struct CountingSink: TokenSink {
    var count = 0
    @inline(__always) mutating func append(_ rank: UInt32) { count &+= 1 }
}

struct IDSink: TokenSink {
    var ids: [TokenID]
    @inline(__always) mutating func append(_ rank: UInt32) { ids.append(TokenID(rawValue: rank)) }
}

/// The state of tiktoken's merge loop for one piece of at most `scanMergeLimit` bytes, in stack storage.
///
/// Parts are identified by their first byte and linked by `next` and `previous`. `pairKeys[p]` is
/// `rank << 7 | p` for part p joined with its successor, so the smallest key is the lowest rank,
/// leftmost on ties (ranks have 20 bits and positions 7, so a key fits an `Int32` and the minimum is
/// a vectorizable signed reduction). Non-starts, dead parts and pairs that are not tokens have the
/// key `Int32.max`. A part marked partial (a piece of a character, in character-first merging)
/// never merges again.
struct PieceMerge {
    static let partialBit: Int32 = 1 << 30

    let pointer: UnsafePointer<UInt8>
    let length: Int
    let pairKeys: UnsafeMutablePointer<Int32>
    let partRanks: UnsafeMutablePointer<Int32>
    let next: UnsafeMutablePointer<Int32>
    let previous: UnsafeMutablePointer<Int32>

    /// `storage` holds `4 * length + 1` entries.
    @inline(__always)
    init(storage: UnsafeMutablePointer<Int32>, pointer: UnsafePointer<UInt8>, length: Int) {
        self.pointer = pointer
        self.length = length
        pairKeys = storage
        partRanks = storage + length
        next = partRanks + length
        previous = next + (length + 1)
        pairKeys.update(repeating: .max, count: length)
    }

    /// The key of the span `start ..< end` as one token.
    @inline(__always)
    func key(_ vocabulary: Vocabulary.View, _ start: Int, _ end: Int) -> Int32 {
        let rank = vocabulary.rank(pointer + start, end &- start)
        return rank == Vocabulary.absent
            ? .max : Int32(truncatingIfNeeded: rank &<< 7 | UInt32(truncatingIfNeeded: start))
    }

    /// Starts from single bytes, as tiktoken does.
    @inline(__always)
    func startFromBytes(_ vocabulary: Vocabulary.View) {
        for index in 0..<length {
            partRanks[index] = Int32(truncatingIfNeeded: vocabulary.byteRank(pointer[index]))
            next[index] = Int32(truncatingIfNeeded: index &+ 1)
            previous[index] = Int32(truncatingIfNeeded: index &- 1)
        }
        next[length] = Int32(truncatingIfNeeded: length)
        for index in 0..<length &- 1 { pairKeys[index] = key(vocabulary, index, index &+ 2) }
        pairKeys[length &- 1] = .max
    }

    /// Merges the lowest-ranked pair until no pair is a token.
    @inline(__always)
    func run(_ vocabulary: Vocabulary.View) {
        while true {
            var minimum = pairKeys[0]
            for index in 1..<length &- 1 { minimum = Swift.min(minimum, pairKeys[index]) }
            if minimum == .max { return }
            let first = Int(minimum & 0x7F)
            let second = Int(next[first])
            let third = Int(next[second])
            partRanks[first] = minimum &>> 7
            pairKeys[second] = .max
            next[first] = Int32(truncatingIfNeeded: third)
            if third < length {
                previous[third] = Int32(truncatingIfNeeded: first)
                pairKeys[first] =
                    partRanks[third] & Self.partialBit == 0 ? key(vocabulary, first, Int(next[third])) : .max
            } else {
                pairKeys[first] = .max
            }
            let before = Int(previous[first])
            if before >= 0 {
                pairKeys[before] = partRanks[before] & Self.partialBit == 0 ? key(vocabulary, before, third) : .max
            }
        }
    }

    @inline(__always)
    func emit<Sink: TokenSink>(into sink: inout Sink) {
        var part = 0
        while part < length {
            sink.append(UInt32(truncatingIfNeeded: partRanks[part] & ~Self.partialBit))
            part = Int(next[part])
        }
    }
}

extension Vocabulary.View {
    /// Pieces up to this many bytes merge by scanning; longer ones through a heap.
    static let scanMergeLimit = 128

    /// Encodes one pre-token of `length` (at least 1) bytes.
    @inline(__always)
    func encodePiece<Sink: TokenSink>(_ pointer: UnsafePointer<UInt8>, _ length: Int, into sink: inout Sink) {
        if length == 1 {
            sink.append(byteRank(pointer[0]))
            return
        }
        let whole = rank(pointer, length)
        if whole != Vocabulary.absent {
            sink.append(whole)
            return
        }
        if length <= Self.scanMergeLimit {
            mergeByScan(pointer, length, into: &sink)
        } else {
            mergeByHeap(pointer, length, into: &sink)
        }
    }

    /// tiktoken's merge loop over stack arrays, starting from characters when that is exact
    /// (`Vocabulary+CharacterMerge.swift`) and from bytes otherwise.
    @inline(never)
    func mergeByScan<Sink: TokenSink>(_ pointer: UnsafePointer<UInt8>, _ length: Int, into sink: inout Sink) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 4 * length + 1) { storage in
            let merge = PieceMerge(storage: storage.baseAddress!, pointer: pointer, length: length)
            if !(characterMerge && Self.hasNonASCII(pointer, length) && merge.startFromCharacters(self)) {
                merge.startFromBytes(self)
            }
            merge.run(self)
            merge.emit(into: &sink)
        }
    }

    /// The same merges in O(n log n) for long pieces.
    @inline(never)
    func mergeByHeap<Sink: TokenSink>(_ pointer: UnsafePointer<UInt8>, _ length: Int, into sink: inout Sink) {
        // Parts are identified by their first byte; `next` links them, `length` ends the list.
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: length + 1)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: length)
        let pairRanks = UnsafeMutablePointer<UInt32>.allocate(capacity: length)
        let partRanks = UnsafeMutablePointer<UInt32>.allocate(capacity: length)
        var heap = MergeHeap(capacity: length)
        defer {
            next.deallocate()
            previous.deallocate()
            pairRanks.deallocate()
            partRanks.deallocate()
        }
        for index in 0..<length {
            next[index] = Int32(index + 1)
            previous[index] = Int32(index - 1)
            partRanks[index] = byteRank(pointer[index])
        }
        next[length] = Int32(length)
        for index in 0..<length - 1 {
            let pair = rank(pointer + index, 2)
            pairRanks[index] = pair
            if pair != Vocabulary.absent { heap.push(pair, index) }
        }
        pairRanks[length - 1] = Vocabulary.absent

        /// Rank of the part at `first` joined with its successor (which must exist).
        @inline(__always) func joinedRank(_ first: Int) -> UInt32 {
            let second = Int(next[first])
            let afterSecond = Int(next[second])
            return rank(pointer + first, afterSecond - first)
        }

        while let (rank, position) = heap.pop() {
            // Skip entries made stale by an earlier merge: the pair at a position changes its
            // length whenever it changes, so a stale entry never carries the current rank.
            guard pairRanks[position] == rank else { continue }
            let second = Int(next[position])
            let third = Int(next[second])
            partRanks[position] = rank
            pairRanks[second] = Vocabulary.absent
            next[position] = Int32(third)
            if third < length { previous[third] = Int32(position) }
            let updated = third < length ? joinedRank(position) : Vocabulary.absent
            pairRanks[position] = updated
            if updated != Vocabulary.absent { heap.push(updated, position) }
            let before = Int(previous[position])
            if before >= 0 {
                let updatedBefore = joinedRank(before)
                pairRanks[before] = updatedBefore
                if updatedBefore != Vocabulary.absent { heap.push(updatedBefore, before) }
            }
        }
        var part = 0
        while part < length {
            sink.append(partRanks[part])
            part = Int(next[part])
        }
    }
}

/// A binary min-heap of (rank, position) packed in one word, so ties break towards the left.
struct MergeHeap: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    mutating func push(_ rank: UInt32, _ position: Int) {
        if count == capacity {
            let larger = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        var child = count
        let value = UInt64(rank) << 32 | UInt64(position)
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[parent] > value else { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = value
    }

    mutating func pop() -> (UInt32, Int)? {
        guard count > 0 else { return nil }
        let top = storage[0]
        count -= 1
        if count > 0 {
            let value = storage[count]
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count && storage[child + 1] < storage[child] { child += 1 }
                guard storage[child] < value else { break }
                storage[parent] = storage[child]
                parent = child
            }
            storage[parent] = value
        }
        return (UInt32(truncatingIfNeeded: top >> 32), Int(truncatingIfNeeded: top & 0xFFFF_FFFF))
    }
}
