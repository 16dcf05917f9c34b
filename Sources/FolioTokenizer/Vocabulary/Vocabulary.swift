// Performance notes
// - Every pre-token is looked up whole first (most English pieces are one token), and every candidate
//   pair during merging is looked up, most of them unsuccessfully; lookups dominate encoding time,
//   and on CJK text their cache misses do.
// - Spans of one byte, two bytes and one three-byte character (most lookups while merging CJK text)
//   are answered by direct tables (`DirectTable`, about 400 KB, L2-resident).
// - Everything else goes to one open-addressing table of 8-byte slots with linear probing at load
//   factor 0.5: `slot = tag << 20 | rank`, 0 = empty. Tokens of at most 5 bytes have their exact
//   bytes (plus length) as the tag, so a hit needs no second memory access. Longer tokens carry 43
//   bits of their hash and are verified against the token bytes on a tag match. Before probing for a
//   long span, a 2^20-bit filter of the long tokens' hashes (in L2) rejects most spans that are not
//   tokens without touching the table (in L3).
// - Tried and dropped: Swift's Dictionary<[UInt8], Int> (hashing and ARC per lookup, several times
//   slower); 16-byte slots with 8-byte exact keys and a power-of-two table at load 0.38 (over the
//   memory target). Memory (retained), cl100k_base: 3.17 MB for a 1.68 MB rank file; o200k_base:
//   5.97 MB for 3.61 MB (see `footprintBytes` and BENCHMARKS.md).

/// The ordinary tokens of a BPE encoding: byte strings with their ranks, and exact lookup tables.
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
    /// Direct tables, the long-token filter and the data of character-first merging (`DirectTable`).
    let directRanks: [UInt32]
    /// Where the variable sections of `directRanks` start.
    let directLayout: DirectTable.Layout
    /// Whether character-first merging is exact for this vocabulary (see `Vocabulary+CharacterMerge.swift`).
    let characterMergeIsExact: Bool
    /// The length in bytes of the longest ordinary token: no token covers more of a text.
    package let longestTokenByteCount: Int

    /// Builds the tables from parsed rank-file entries.
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
        func line(ofRank rank: Int) -> Int { entries.lines[Int(entryOfRank[rank])] }

        var offsets = [UInt32](repeating: 0, count: maxRank + 2)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.bytes.count)
        var longest = 0
        for rank in 0...maxRank {
            let entry = Int(entryOfRank[rank])
            if entry >= 0 {
                let start = Int(entries.starts[entry])
                bytes.append(contentsOf: entries.bytes[start..<start + Int(entries.lengths[entry])])
                longest = max(longest, Int(entries.lengths[entry]))
            }
            offsets[rank + 1] = UInt32(bytes.count)
        }

        var slots = [UInt64](repeating: 0, count: count * 2)
        var direct = [UInt32](repeating: Self.absent, count: DirectTable.fixedCount)
        for word in DirectTable.longFilter..<DirectTable.longFilter + DirectTable.longFilterWords { direct[word] = 0 }
        var characterBlocks: [UInt32] = []
        try bytes.withUnsafeBufferPointer { tokenBytes throws(TokenizerError) in
            for rank in 0...maxRank where entryOfRank[rank] >= 0 {
                let start = Int(offsets[rank])
                let length = Int(offsets[rank + 1]) - start
                let pointer = tokenBytes.baseAddress! + start
                if length == 1 { direct[DirectTable.bytes + Int(pointer[0])] = UInt32(rank) }
                if length == 2 { direct[DirectTable.pairs + Int(pointer[0]) << 8 | Int(pointer[1])] = UInt32(rank) }
                if let scalar = DirectTable.threeByteScalar(pointer, length) {
                    let indexSlot = DirectTable.characterIndex + scalar >> 8
                    if direct[indexSlot] == Self.absent {
                        direct[indexSlot] = UInt32(characterBlocks.count >> 8)
                        characterBlocks.append(contentsOf: repeatElement(Self.absent, count: 256))
                    }
                    characterBlocks[Int(direct[indexSlot]) << 8 | scalar & 0xFF] = UInt32(rank)
                }
                let tag: UInt64
                var slot: Int
                if length <= Self.exactKeyLength {
                    tag = Self.exactTag(pointer, length)
                    slot = Self.home(ofExactTag: tag, slotCount: slots.count)
                } else {
                    let hash = Self.longHash(pointer, length)
                    tag = Self.hashedTag(hash)
                    slot = Self.home(ofHash: hash, slotCount: slots.count)
                    let bit = Self.filterBit(hash)
                    direct[DirectTable.longFilter + bit >> 5] |= 1 << UInt32(bit & 31)
                }
                while slots[slot] != 0 {
                    let other = Int(slots[slot] & Self.rankMask)
                    if slots[slot] >> 20 == tag {
                        let otherStart = Int(offsets[other])
                        let same =
                            Int(offsets[other + 1]) - otherStart == length
                            && (0..<length).allSatisfy { tokenBytes[otherStart + $0] == pointer[$0] }
                        if same {
                            throw TokenizerError(
                                .rankFileCorrupt,
                                """
                                \(source):\(line(ofRank: rank)): the token is the \
                                same as the one on line \(line(ofRank: other))
                                """,
                                line: line(ofRank: rank))
                        }
                    }
                    slot += 1
                    if slot == slots.count { slot = 0 }
                }
                slots[slot] = tag << 20 | UInt64(rank)
            }
        }
        if let missing = direct[DirectTable.bytes..<DirectTable.bytes + 256].firstIndex(of: Self.absent) {
            throw TokenizerError(
                .rankFileCorrupt,
                """
                \(source): the rank file has no token for the single byte \
                0x\(String(missing, radix: 16, uppercase: true)); byte-level BPE needs all 256
                """
            )
        }

        // Character-first merging needs lookups, so it is prepared over the finished tables.
        direct.append(contentsOf: characterBlocks)
        var layout = DirectTable.Layout(
            characterBlocks: DirectTable.fixedCount, crossEntries: direct.count, crossEntryCount: 0)
        let preparation = Self.withView(
            slots: slots, offsets: offsets, bytes: bytes, direct: direct, layout: layout
        ) { view in view.prepareCharacterMerge(ordinaryRanks: maxRank + 1) }
        for (word, value) in preparation.crossBitmap.enumerated() { direct[DirectTable.crossBitmap + word] = value }
        layout.crossEntryCount = preparation.crossEntries.count / 2
        var exactDirect: [UInt32] = []
        exactDirect.reserveCapacity(direct.count + preparation.crossEntries.count)
        exactDirect += direct
        exactDirect += preparation.crossEntries

        self.tokenCount = count
        self.tokenBytes = bytes
        self.offsets = offsets
        self.slots = slots
        self.directRanks = exactDirect
        self.directLayout = layout
        self.characterMergeIsExact = preparation.isExact
        self.longestTokenByteCount = longest
    }

    /// Bytes retained by the tables (what a loaded vocabulary costs).
    package var footprintBytes: Int {
        tokenBytes.capacity + offsets.capacity * 4 + slots.capacity * 8 + directRanks.capacity * 4
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

    /// Layout of `directRanks`: offsets of its sections, fixed ones first.
    enum DirectTable {
        /// 256 entries: the rank of each byte.
        static let bytes = 0
        /// 65,536 entries: the rank of each byte pair, `first << 8 | second`.
        static let pairs = 256
        /// 256 entries: for each block of 256 scalars in U+0000...U+FFFF, its block in the character
        /// blocks, or absent when no three-byte character of the block is a token.
        static let characterIndex = pairs + 65_536
        /// 2,048 words: a bitmap of the byte pairs that straddle a character boundary inside a
        /// cross-character token (see `Vocabulary+CharacterMerge.swift`).
        static let crossBitmap = characterIndex + 256
        /// 32,768 words (2^20 bits): one bit set per token longer than `exactKeyLength`.
        static let longFilter = crossBitmap + 2_048
        static let longFilterWords = 32_768
        static let fixedCount = longFilter + longFilterWords

        /// Offsets of the variable sections.
        struct Layout {
            /// Blocks of 256 entries: the rank of each three-byte character that is one token.
            var characterBlocks: Int
            /// Pairs of words, sorted: `pair << 16 | offset`, and the rank of the cross-character
            /// token in which byte pair `pair` straddles the character boundary at `offset`.
            var crossEntries: Int
            var crossEntryCount: Int
        }

        /// The scalar of `length` bytes when they are exactly one three-byte UTF-8 sequence.
        @inline(__always)
        static func threeByteScalar(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> Int? {
            guard length == 3, pointer[0] & 0xF0 == 0xE0, pointer[1] & 0xC0 == 0x80, pointer[2] & 0xC0 == 0x80 else {
                return nil
            }
            return Int(pointer[0] & 0x0F) &<< 12 | Int(pointer[1] & 0x3F) &<< 6 | Int(pointer[2] & 0x3F)
        }
    }

    /// Runs `body` with raw pointers to the tables, valid for the duration of the call.
    @inline(__always)
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try Self.withView(
            slots: slots, offsets: offsets, bytes: tokenBytes, direct: directRanks,
            layout: directLayout, characterMerge: characterMergeIsExact, body)
    }

    @inline(__always)
    private static func withView<R>(
        slots: [UInt64], offsets: [UInt32], bytes: [UInt8], direct: [UInt32],
        layout: DirectTable.Layout, characterMerge: Bool = false, _ body: (View) throws -> R
    ) rethrows -> R {
        try slots.withUnsafeBufferPointer { slots in
            try offsets.withUnsafeBufferPointer { offsets in
                try bytes.withUnsafeBufferPointer { bytes in
                    try direct.withUnsafeBufferPointer { direct in
                        try body(
                            View(
                                slots: slots.baseAddress!, slotCount: slots.count, offsets: offsets.baseAddress!,
                                bytes: bytes.baseAddress!, direct: direct.baseAddress!, layout: layout,
                                characterMerge: characterMerge))
                    }
                }
            }
        }
    }

    // MARK: Hashing

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

    /// Bits 21–63 of the hash, marked as hashed.
    @inline(__always)
    static func hashedTag(_ hash: UInt64) -> UInt64 { hash >> 21 | hashedTagBit }

    /// The long-token filter's bit: hash bits 0–19 (the home slot uses the high bits).
    @inline(__always)
    static func filterBit(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & 0xF_FFFF }

    @inline(__always)
    static func home(ofExactTag tag: UInt64, slotCount: Int) -> Int {
        Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(slotCount)).high)
    }

    @inline(__always)
    static func home(ofHash hash: UInt64, slotCount: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(slotCount)).high)
    }

    /// Raw view of the tables for the encoder's inner loops.
    struct View {
        let slots: UnsafePointer<UInt64>
        let slotCount: Int
        let offsets: UnsafePointer<UInt32>
        let bytes: UnsafePointer<UInt8>
        let direct: UnsafePointer<UInt32>
        let layout: DirectTable.Layout
        /// Whether `encodePiece` may merge character-first.
        let characterMerge: Bool

        /// The rank of a single byte.
        @inline(__always)
        func byteRank(_ byte: UInt8) -> UInt32 { direct[DirectTable.bytes &+ Int(byte)] }

        /// The rank of the pair of bytes at `pointer`.
        @inline(__always)
        func pairRank(_ pointer: UnsafePointer<UInt8>) -> UInt32 {
            direct[DirectTable.pairs &+ (Int(pointer[0]) &<< 8 | Int(pointer[1]))]
        }

        /// The rank of `length` (at least 1) bytes at `pointer`, or `Vocabulary.absent`.
        @inline(__always)
        func rank(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
            if length == 2 { return pairRank(pointer) }
            if let scalar = DirectTable.threeByteScalar(pointer, length) { return characterRank(scalar) }
            if length == 1 { return byteRank(pointer[0]) }
            return hashedRank(pointer, length)
        }

        /// The rank of the three-byte character `scalar` (U+0800...U+FFFF), or `Vocabulary.absent`.
        @inline(__always)
        func characterRank(_ scalar: Int) -> UInt32 {
            let block = direct[DirectTable.characterIndex &+ scalar &>> 8]
            if block == Vocabulary.absent { return Vocabulary.absent }
            return direct[layout.characterBlocks &+ (Int(block) &<< 8 | scalar & 0xFF)]
        }

        /// The rank of `length` (at least 3) bytes through the hash table.
        @inline(__always)
        func hashedRank(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
            if length <= Vocabulary.exactKeyLength {
                let tag = Vocabulary.exactTag(pointer, length)
                var slot = Vocabulary.home(ofExactTag: tag, slotCount: slotCount)
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return Vocabulary.absent }
                    if entry >> 20 == tag { return UInt32(truncatingIfNeeded: entry & Vocabulary.rankMask) }
                    slot &+= 1
                    if slot == slotCount { slot = 0 }
                }
            }
            let hash = Vocabulary.longHash(pointer, length)
            let bit = Vocabulary.filterBit(hash)
            if direct[DirectTable.longFilter &+ bit &>> 5] & (1 &<< UInt32(bit & 31)) == 0 { return Vocabulary.absent }
            let tag = Vocabulary.hashedTag(hash)
            var slot = Vocabulary.home(ofHash: hash, slotCount: slotCount)
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
                slot &+= 1
                if slot == slotCount { slot = 0 }
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
