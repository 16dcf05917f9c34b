// Performance notes
// - Benchmark: Tokenize:encode:chinese and the peer script (BENCHMARKS.md). A CJK piece such as
//   "，宝玉笑道" is ~20 bytes; merging it byte by byte takes ~15 merges and ~48 lookups, nearly all
//   of them inside characters (E5 AE → E5 AE 9D). Character-first merging starts from each
//   character's own BPE result, read from the direct tables (pairs and three-byte characters, in L2),
//   and merges across characters only: about 7 lookups and 1–2 merges for the same piece.
// - It is exact, not a heuristic. Let a *cross token* be a token that straddles a character boundary
//   without starting and ending on one (" \xE5", "\xAD\xE5"). For a piece in which no cross token
//   occurs as a substring across a boundary (checked per boundary: a bitmap of straddling byte pairs,
//   then the few candidate tokens), byte-level BPE only ever merges inside a character or whole
//   characters with whole characters. Then merging each character first gives the same result,
//   provided that (a) every multi-character token that contains a non-ASCII character splits into two
//   tokens of lower rank (true of tiktoken vocabularies, which BPE training built that way; checked
//   at load time, else the fast path is off; in a piece that passes the cross-token check such a split
//   cannot fall inside a character, as one half would be a cross token), and (b) a character's
//   own merges never exceed the rank of the character's token (checked per character). Sketch: run
//   tiktoken's loop; a merge across characters of rank r can be chosen while a character c is still
//   incomplete only if c's pending merge ranks above r; merging c first would expose a pair (c, X)
//   earlier, which matters only if rank(cX) < r < rank(c); but by (a) and the cross-token check,
//   cX's split tree bottoms out in whole characters of lower rank, so rank(c) < rank(cX).
// - Pieces that fail a check (about 2 % of Chinese pieces: mostly " \xE5"-style leading spaces),
//   that hold four-byte characters, or that are longer than `scanMergeLimit` merge byte by byte.
//   Tests compare both paths with tiktoken on the Chinese novels and on random mixed-script text.

internal import FolioModel

/// What `Vocabulary` computes at load time for character-first merging.
struct CharacterMergePreparation {
    /// 65,536 bits: byte pairs that straddle a character boundary inside some cross token.
    var crossBitmap = [UInt32](repeating: 0, count: 2_048)
    /// Sorted pairs of words: `pair << 16 | offset`, rank.
    var crossEntries: [UInt32] = []
    /// Condition (a) of the performance notes.
    var isExact = true
}

extension Vocabulary.View {
    /// Finds the cross tokens and checks condition (a) for every token.
    func prepareCharacterMerge(ordinaryRanks: Int) -> CharacterMergePreparation {
        var preparation = CharacterMergePreparation()
        var entries: [(key: UInt32, rank: UInt32)] = []
        var boundaries: [Int] = []
        for rank in 0..<ordinaryRanks {
            let start = Int(offsets[rank])
            let length = Int(offsets[rank + 1]) - start
            guard length >= 2 else { continue }
            let token = bytes + start
            guard let shape = Self.shape(of: token, length, boundaries: &boundaries), !boundaries.isEmpty else {
                continue  // cannot occur in valid UTF-8, or lies inside one character
            }
            if shape.isAligned {
                guard shape.hasMultibyteCharacter, preparation.isExact else { continue }
                // Character boundaries first: nearly every token splits at one.
                @inline(__always) func splits(at offset: Int) -> Bool {
                    self.rank(token, offset) < UInt32(rank) && self.rank(token + offset, length - offset) < UInt32(rank)
                }
                if !boundaries.contains(where: splits(at:)) && !(1..<length).contains(where: splits(at:)) {
                    preparation.isExact = false
                }
            } else {
                for boundary in boundaries {
                    let pair = Int(token[boundary - 1]) << 8 | Int(token[boundary])
                    preparation.crossBitmap[pair >> 5] |= 1 << UInt32(pair & 31)
                    entries.append((UInt32(pair) << 16 | UInt32(boundary), UInt32(rank)))
                }
            }
        }
        entries.sort { $0.key < $1.key }
        preparation.crossEntries.reserveCapacity(entries.count * 2)
        for entry in entries { preparation.crossEntries += [entry.key, entry.rank] }
        return preparation
    }

    /// The UTF-8 shape of a token: where characters start inside it (`boundaries`, offsets above 0),
    /// whether it starts and ends on character boundaries, and whether it has a multi-byte character.
    /// Nil when the bytes cannot occur in valid UTF-8.
    static func shape(
        of token: UnsafePointer<UInt8>, _ length: Int, boundaries: inout [Int]
    ) -> (isAligned: Bool, hasMultibyteCharacter: Bool)? {
        boundaries.removeAll(keepingCapacity: true)
        var index = 0
        while index < length && token[index] & 0xC0 == 0x80 { index += 1 }
        guard index <= 3 else { return nil }
        var isAligned = index == 0
        var hasMultibyte = false
        while index < length {
            guard let shape = UTF8Sequence.shape(ofLead: token[index]) else { return nil }
            if index > 0 { boundaries.append(index) }
            for offset in 1..<shape.length where index + offset < length {
                guard UTF8Sequence.isValid(token[index + offset], at: offset, second: shape.second) else { return nil }
            }
            if index + shape.length > length { isAligned = false }
            if shape.length > 1 { hasMultibyte = true }
            index += shape.length
        }
        return (isAligned, hasMultibyte)
    }

    /// Whether a cross token occurs in the piece across the boundary before `boundary`.
    @inline(never)
    func crossTokenOccurs(_ pointer: UnsafePointer<UInt8>, _ length: Int, boundary: Int) -> Bool {
        let key = UInt32(pointer[boundary - 1]) << 24 | UInt32(pointer[boundary]) << 16
        let entries = direct + layout.crossEntries
        var low = 0
        var high = layout.crossEntryCount
        while low < high {
            let middle = (low + high) / 2
            if entries[2 * middle] < key { low = middle + 1 } else { high = middle }
        }
        while low < layout.crossEntryCount && entries[2 * low] & 0xFFFF_0000 == key {
            let offset = Int(entries[2 * low] & 0xFFFF)
            let rank = Int(entries[2 * low + 1])
            let start = boundary - offset
            let tokenStart = Int(offsets[rank])
            let tokenLength = Int(offsets[rank + 1]) - tokenStart
            if start >= 0 && start + tokenLength <= length
                && (0..<tokenLength).allSatisfy({ pointer[start + $0] == bytes[tokenStart + $0] })
            {
                return true
            }
            low += 1
        }
        return false
    }

    /// Whether any byte is outside ASCII.
    @inline(__always)
    static func hasNonASCII(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let raw = UnsafeRawPointer(pointer)
        var index = 0
        while index + 8 <= length {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            index += 8
        }
        while index < length {
            if pointer[index] >= 0x80 { return true }
            index += 1
        }
        return false
    }
}

extension PieceMerge {
    /// Starts from each character's own BPE result; false when the piece needs byte-level merging.
    @inline(__always)
    func startFromCharacters(_ vocabulary: Vocabulary.View) -> Bool {
        var index = 0
        var last = -1
        @inline(__always) func add(_ start: Int, _ rank: UInt32, partial: Bool) {
            partRanks[start] = Int32(truncatingIfNeeded: rank) | (partial ? Self.partialBit : 0)
            previous[start] = Int32(truncatingIfNeeded: last)
            if last >= 0 { next[last] = Int32(truncatingIfNeeded: start) }
            last = start
        }
        let crossBitmap = vocabulary.direct + Vocabulary.DirectTable.crossBitmap
        while index < length {
            let lead = pointer[index]
            if index > 0 {
                let pair = Int(pointer[index - 1]) &<< 8 | Int(lead)
                if crossBitmap[pair &>> 5] & (1 &<< UInt32(pair & 31)) != 0
                    && vocabulary.crossTokenOccurs(pointer, length, boundary: index)
                {
                    return false
                }
            }
            if lead < 0x80 {
                add(index, vocabulary.byteRank(lead), partial: false)
                index &+= 1
            } else if lead < 0xE0 {
                let whole = vocabulary.pairRank(pointer + index)
                if whole == Vocabulary.absent {
                    add(index, vocabulary.byteRank(lead), partial: true)
                    add(index &+ 1, vocabulary.byteRank(pointer[index &+ 1]), partial: true)
                } else {
                    add(index, whole, partial: false)
                }
                index &+= 2
            } else if lead < 0xF0 {
                let second = pointer[index &+ 1]
                let third = pointer[index &+ 2]
                let front = vocabulary.pairRank(pointer + index)
                let back = vocabulary.pairRank(pointer + (index &+ 1))
                if front == Vocabulary.absent && back == Vocabulary.absent {
                    add(index, vocabulary.byteRank(lead), partial: true)
                    add(index &+ 1, vocabulary.byteRank(second), partial: true)
                    add(index &+ 2, vocabulary.byteRank(third), partial: true)
                } else {
                    let scalar = Int(lead & 0x0F) &<< 12 | Int(second & 0x3F) &<< 6 | Int(third & 0x3F)
                    let whole = vocabulary.characterRank(scalar)
                    let first = min(front, back)
                    if whole != Vocabulary.absent {
                        guard first < whole else { return false }  // condition (b)
                        add(index, whole, partial: false)
                    } else if front < back {
                        add(index, front, partial: true)
                        add(index &+ 2, vocabulary.byteRank(third), partial: true)
                    } else {
                        add(index, vocabulary.byteRank(lead), partial: true)
                        add(index &+ 1, back, partial: true)
                    }
                }
                index &+= 3
            } else {
                return false  // four-byte characters merge byte by byte
            }
        }
        next[last] = Int32(truncatingIfNeeded: length)
        var part = 0
        while part < length {
            let following = Int(next[part])
            pairKeys[part] =
                following < length && partRanks[part] & Self.partialBit == 0
                    && partRanks[following] & Self.partialBit == 0
                ? key(vocabulary, part, Int(next[following])) : .max
            part = following
        }
        return true
    }
}
