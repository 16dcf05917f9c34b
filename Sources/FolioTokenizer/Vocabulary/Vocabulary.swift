// Performance notes
// - Every pre-token is looked up whole first (most English pieces are one token), and every candidate
//   pair during merging is looked up, most of them unsuccessfully; lookups dominate encoding time.
// - One open-addressing table of 8-byte slots, linear probing, load factor below 0.4:
//   `slot = tag << 20 | rank`, 0 = empty. Tokens of at most 5 bytes have the exact bytes (plus
//   length) as their tag, so a hit needs no second memory access. Longer tokens carry 44 bits of
//   their hash and are verified against the token bytes on a tag match.
// - Tried and dropped: Swift's Dictionary<[UInt8], Int> (hashing and ARC per lookup, several times
//   slower); 16-byte slots with 8-byte exact keys (over the memory target: see BENCHMARKS.md).
// - Memory (retained): token bytes + 4 bytes per rank + 8 bytes per slot. cl100k_base: 0.64 MB +
//   0.40 MB + 2.10 MB = 3.1 MB for a 1.68 MB rank file; o200k_base: 1.40 + 0.80 + 4.19 = 6.4 MB for 3.61 MB.

/// The ordinary tokens of a BPE encoding: byte strings with their ranks, and an exact lookup table.
///
/// Immutable after loading and shared by every caller.
package final class Vocabulary: Sendable {
    /// Ranks are stored in 20 bits of a slot.
    static let maxRank = (1 << 20) - 1
    static let rankMask: UInt64 = (1 << 20) - 1
    /// Tokens up to this length are keyed by their exact bytes.
    static let exactKeyLength = 5
    /// Marker bit of hashed (longer) tags; exact tags stay below it.
    static let hashedTagBit: UInt64 = 1 << 43
    static let absent = UInt32.max

    /// Number of ordinary tokens.
    package let tokenCount: Int
    /// Token bytes in rank order, concatenated.
    let tokenBytes: [UInt8]
    /// `offsets[r] ..< offsets[r + 1]` is the range of rank `r` in `tokenBytes` (empty for an unused rank).
    let offsets: [UInt32]
    /// The lookup table; see the performance notes.
    let slots: [UInt64]
    /// log2 of `slots.count`.
    let slotBits: Int
    /// The rank of each single byte.
    let byteRanks: [UInt32]

    /// Builds the table from parsed rank-file entries.
    ///
    /// - Throws: ``TokenizerError/Code/rankFileCorrupt`` for a duplicate token or rank, a rank beyond
    ///   1,048,575, or a missing single-byte token, naming the line.
    init(_ entries: RankFileEntries, source: String) throws(TokenizerError) {
        let count = entries.ranks.count
        guard count > 0 else {
            throw TokenizerError(.rankFileCorrupt, "\(source): the rank file has no tokens")
        }
        // Order by rank, rejecting duplicates and ranks out of range.
        var maxRank = 0
        for (index, rank) in entries.ranks.enumerated() where Int(rank) > maxRank {
            guard Int(rank) <= Self.maxRank else {
                let line = entries.lines[index]
                throw TokenizerError(
                    .rankFileCorrupt,
                    "\(source):\(line): rank \(rank) is above the largest supported rank, \(Self.maxRank)",
                    line: line)
            }
            maxRank = Int(rank)
        }
        var entryOfRank = [Int32](repeating: -1, count: maxRank + 1)
        for (index, rank) in entries.ranks.enumerated() {
            let previous = entryOfRank[Int(rank)]
            guard previous < 0 else {
                let line = entries.lines[index]
                throw TokenizerError(
                    .rankFileCorrupt,
                    "\(source):\(line): rank \(rank) is already the rank of line \(entries.lines[Int(previous)])",
                    line: line)
            }
            entryOfRank[Int(rank)] = Int32(index)
        }
        var offsets = [UInt32](repeating: 0, count: maxRank + 2)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.bytes.count)
        for rank in 0...maxRank {
            let entry = Int(entryOfRank[rank])
            if entry >= 0 {
                let start = Int(entries.starts[entry])
                bytes.append(contentsOf: entries.bytes[start..<start + Int(entries.lengths[entry])])
            }
            offsets[rank + 1] = UInt32(bytes.count)
        }

        var bits = 4
        while (1 << bits) < count * 2 { bits += 1 }
        var slots = [UInt64](repeating: 0, count: 1 << bits)
        var byteRanks = [UInt32](repeating: Self.absent, count: 256)
        let mask = (1 << bits) - 1
        try bytes.withUnsafeBufferPointer { tokenBytes throws(TokenizerError) in
            for rank in 0...maxRank where entryOfRank[rank] >= 0 {
                let start = Int(offsets[rank])
                let length = Int(offsets[rank + 1]) - start
                let pointer = tokenBytes.baseAddress! + start
                guard length > 0 else {
                    let line = entries.lines[Int(entryOfRank[rank])]
                    throw TokenizerError(.rankFileCorrupt, "\(source):\(line): the token is empty", line: line)
                }
                if length == 1 { byteRanks[Int(pointer[0])] = UInt32(rank) }
                let (tag, home) = Self.tagAndHome(pointer, length, slotBits: bits)
                var slot = home
                while slots[slot] != 0 {
                    let other = Int(slots[slot] & Self.rankMask)
                    if slots[slot] >> 20 == tag {
                        let otherStart = Int(offsets[other])
                        let same = Int(offsets[other + 1]) - otherStart == length
                            && (0..<length).allSatisfy { tokenBytes[otherStart + $0] == pointer[$0] }
                        if same {
                            let line = entries.lines[Int(entryOfRank[rank])]
                            let otherLine = entries.lines[Int(entryOfRank[other])]
                            throw TokenizerError(
                                .rankFileCorrupt,
                                "\(source):\(line): the token is the same as the one on line \(otherLine)",
                                line: line)
                        }
                    }
                    slot = (slot + 1) & mask
                }
                slots[slot] = tag << 20 | UInt64(rank)
            }
        }
        if let missing = byteRanks.firstIndex(of: Self.absent) {
            throw TokenizerError(
                .rankFileCorrupt,
                "\(source): the rank file has no token for the single byte 0x\(String(missing, radix: 16, uppercase: true)); byte-level BPE needs all 256"
            )
        }
        self.tokenCount = count
        self.tokenBytes = bytes
        self.offsets = offsets
        self.slots = slots
        self.slotBits = bits
        self.byteRanks = byteRanks
    }

    /// Bytes retained by the tables (what a loaded vocabulary costs).
    package var footprintBytes: Int {
        tokenBytes.capacity + offsets.capacity * 4 + slots.capacity * 8 + byteRanks.capacity * 4
    }

    /// The bytes of ordinary token `rank`, or nil when no token has that rank.
    package func bytes(ofRank rank: UInt32) -> ArraySlice<UInt8>? {
        let index = Int(rank)
        guard index + 1 < offsets.count else { return nil }
        let range = Int(offsets[index])..<Int(offsets[index + 1])
        return range.isEmpty ? nil : tokenBytes[range]
    }

    /// The rank of a byte string, or nil.
    package func rank(of bytes: some Collection<UInt8>) -> UInt32? {
        let array = Array(bytes)
        guard !array.isEmpty else { return nil }
        let rank = withView { view in array.withUnsafeBufferPointer { view.rank($0.baseAddress!, $0.count) } }
        return rank == Self.absent ? nil : rank
    }

    /// Runs `body` with raw pointers to the tables, valid for the duration of the call.
    @inline(__always)
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try slots.withUnsafeBufferPointer { slots in
            try offsets.withUnsafeBufferPointer { offsets in
                try tokenBytes.withUnsafeBufferPointer { bytes in
                    try byteRanks.withUnsafeBufferPointer { byteRanks in
                        try body(View(
                            slots: slots.baseAddress!, mask: slots.count - 1, shift: 64 - slotBits,
                            offsets: offsets.baseAddress!, bytes: bytes.baseAddress!, byteRanks: byteRanks.baseAddress!))
                    }
                }
            }
        }
    }

    /// The tag of a token and its home slot.
    @inline(__always)
    static func tagAndHome(_ pointer: UnsafePointer<UInt8>, _ length: Int, slotBits: Int) -> (UInt64, Int) {
        if length <= exactKeyLength {
            let tag = exactTag(pointer, length)
            return (tag, Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits)))
        }
        let hash = longHash(pointer, length)
        return (hash >> 21 | hashedTagBit, Int(truncatingIfNeeded: hash) & ((1 << slotBits) - 1))
    }

    /// The exact tag of 1...5 bytes: the bytes, and the length above them.
    @inline(__always)
    static func exactTag(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var value: UInt64
        if length >= 4 {
            value = UInt64(UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self))
            if length == 5 { value |= UInt64(pointer[4]) << 32 }
        } else {
            value = UInt64(pointer[0])
            if length > 1 { value |= UInt64(pointer[1]) << 8 }
            if length > 2 { value |= UInt64(pointer[2]) << 16 }
        }
        return value | UInt64(length) << 40
    }

    /// A 64-bit hash of 6 or more bytes, reading only inside them.
    @inline(__always)
    static func longHash(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let raw = UnsafeRawPointer(pointer)
        var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(length)
        if length < 8 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            hash = (hash ^ (low | high << 32)) &* 0x9E37_79B9_7F4A_7C15
        } else {
            var offset = 0
            while offset + 8 < length {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 29
                offset += 8
            }
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        }
        hash ^= hash >> 32
        hash &*= 0xD6E8_FEB8_6659_FD93
        hash ^= hash >> 32
        return hash
    }

    /// Raw view of the tables for the encoder's inner loops.
    struct View {
        let slots: UnsafePointer<UInt64>
        let mask: Int
        let shift: Int
        let offsets: UnsafePointer<UInt32>
        let bytes: UnsafePointer<UInt8>
        let byteRanks: UnsafePointer<UInt32>

        /// The rank of `length` (at least 1) bytes at `pointer`, or `Vocabulary.absent`.
        @inline(__always)
        func rank(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
            if length <= Vocabulary.exactKeyLength {
                let tag = Vocabulary.exactTag(pointer, length)
                var slot = Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return Vocabulary.absent }
                    if entry >> 20 == tag { return UInt32(truncatingIfNeeded: entry & Vocabulary.rankMask) }
                    slot = (slot &+ 1) & mask
                }
            }
            let hash = Vocabulary.longHash(pointer, length)
            let tag = hash >> 21 | Vocabulary.hashedTagBit
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return Vocabulary.absent }
                if entry >> 20 == tag {
                    let rank = Int(truncatingIfNeeded: entry & Vocabulary.rankMask)
                    let start = Int(offsets[rank])
                    if Int(offsets[rank &+ 1]) &- start == length && Self.equal(bytes + start, pointer, length) {
                        return UInt32(truncatingIfNeeded: rank)
                    }
                }
                slot = (slot &+ 1) & mask
            }
        }

        /// Compares `length` (at least 6) bytes, a word at a time, reading only inside both ranges.
        @inline(__always)
        static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
            let x = UnsafeRawPointer(a)
            let y = UnsafeRawPointer(b)
            if length < 8 {
                return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                    && x.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
                        == y.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
            }
            var offset = 0
            while offset + 8 < length {
                if x.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != y.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset += 8
            }
            return x.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
                == y.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        }
    }
}
