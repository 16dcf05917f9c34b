// Performance notes
// - Benchmarks: Tokenize:encode:* and Tokenize:count:* (Benchmarks/TokenizerBenchmarks), and the
//   peer script Benchmarks/peers/tokenizers.py; figures in BENCHMARKS.md.
// - The scanner reads UTF-8 bytes through a raw pointer. ASCII bytes are classified by one table load;
//   other scalars are decoded by hand (the input is valid UTF-8: it comes from a Swift String or
//   from UTF8Repair) and classified by a two-level table generated from tiktoken's regex engine.
// - Each alternative of tiktoken's pattern is a small function; leftmost-first alternation and the
//   backtracking of o200k's letter classes are resolved analytically (see `letterRunO200k`).

/// Finds pre-token boundaries in valid UTF-8, reproducing tiktoken's patterns.
///
/// `next…(from:touchedEnd:)` returns the end of the pre-token that starts at `start`. It sets
/// `touchedEnd` when the decision looked at the end of the text (a class test or an anchor that
/// would read past the last byte): only such pre-tokens can change when more text is appended,
/// which is what incremental counting relies on. A pre-token decided without touching the end is
/// final whatever follows.
struct PreTokenScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    let classes: UnicodeClasses.View

    private typealias C = UnicodeClasses

    /// Flags and byte length of the scalar at `index` (which must be below `end`).
    @inline(__always)
    private func scalar(at index: Int) -> (flags: UInt8, length: Int) {
        let lead = base[index]
        if lead < 0x80 { return (classes.asciiFlags(lead), 1) }
        if lead < 0xE0 {
            let value = UInt32(lead & 0x1F) &<< 6 | UInt32(base[index &+ 1] & 0x3F)
            return (classes.flags(value), 2)
        }
        if lead < 0xF0 {
            let value =
                UInt32(lead & 0x0F) &<< 12 | UInt32(base[index &+ 1] & 0x3F) &<< 6
                | UInt32(base[index &+ 2] & 0x3F)
            return (classes.flags(value), 3)
        }
        let value =
            UInt32(lead & 0x07) &<< 18 | UInt32(base[index &+ 1] & 0x3F) &<< 12
            | UInt32(base[index &+ 2] & 0x3F) &<< 6 | UInt32(base[index &+ 3] & 0x3F)
        return (classes.flags(value), 4)
    }

    /// Advances over scalars whose flags share a bit with `mask`; returns the first index after them.
    @inline(__always)
    private func skip(from start: Int, while mask: UInt8, touchedEnd: inout Bool) -> Int {
        var index = start
        while index < end {
            let lead = base[index]
            if lead < 0x80 {
                if classes.asciiFlags(lead) & mask == 0 { return index }
                index &+= 1
            } else {
                let (flags, length) = scalar(at: index)
                if flags & mask == 0 { return index }
                index &+= length
            }
        }
        touchedEnd = true
        return index
    }

    // MARK: cl100k_base

    /// ```
    /// '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|
    /// \s++$|\s*[\r\n]|\s+(?!\S)|\s
    /// ```
    @inline(__always)
    func nextCl100k(from start: Int, touchedEnd: inout Bool) -> Int {
        let lead = base[start]
        if lead == UInt8(ascii: "'"), let end = contraction(at: start, touchedEnd: &touchedEnd) {
            return end
        }
        let (flags, length) = scalar(at: start)
        // [^\r\n\p{L}\p{N}]?+\p{L}++
        if flags & C.letter != 0 {
            return skip(from: start &+ length, while: C.letter, touchedEnd: &touchedEnd)
        }
        if flags & (C.letter | C.number | C.newline) == 0 {
            let next = start &+ length
            if next < end {
                let (nextFlags, nextLength) = scalar(at: next)
                if nextFlags & C.letter != 0 {
                    return skip(from: next &+ nextLength, while: C.letter, touchedEnd: &touchedEnd)
                }
            } else {
                touchedEnd = true
            }
        }
        // \p{N}{1,3}+
        if flags & C.number != 0 { return digits(after: start &+ length, touchedEnd: &touchedEnd) }
        // ` ?[^\s\p{L}\p{N}]++[\r\n]*+`
        if let end = punctuation(at: start, flags: flags, length: length, trailingSlash: false, touchedEnd: &touchedEnd)
        {
            return end
        }
        return whitespace(at: start, length: length, endAnchored: true, touchedEnd: &touchedEnd)
    }

    /// cl100k's `'(?i:[sdmt]|ll|ve|re)` at an apostrophe. `(?i:s)` also matches U+017F LATIN SMALL LETTER LONG S.
    @inline(__always)
    private func contraction(at start: Int, touchedEnd: inout Bool) -> Int? {
        let first = start &+ 1
        guard first < end else {
            touchedEnd = true
            return nil
        }
        switch base[first] | 0x20 {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"):
            return first &+ 1
        case UInt8(ascii: "l"), UInt8(ascii: "v"), UInt8(ascii: "r"):
            let second = first &+ 1
            guard second < end else {
                touchedEnd = true
                return nil
            }
            let wanted = base[first] | 0x20 == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
            return base[second] | 0x20 == wanted ? second &+ 1 : nil
        case 0xC5 | 0x20:
            // 0xC5 0xBF is U+017F; `| 0x20` leaves 0xE5 (a 3-byte lead) distinguishable by the raw byte.
            return base[first] == 0xC5 && base[first &+ 1] == 0xBF ? first &+ 2 : nil
        default:
            return nil
        }
    }

    /// `\p{N}{1,3}` after the first digit.
    @inline(__always)
    private func digits(after start: Int, touchedEnd: inout Bool) -> Int {
        var index = start
        for _ in 0..<2 {
            guard index < end else {
                touchedEnd = true
                return index
            }
            let (flags, length) = scalar(at: index)
            if flags & C.number == 0 { return index }
            index &+= length
        }
        return index
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by `[\r\n]*` (cl100k) or `[\r\n/]*` (o200k); nil when it does not match.
    @inline(__always)
    private func punctuation(
        at start: Int, flags: UInt8, length: Int, trailingSlash: Bool, touchedEnd: inout Bool
    ) -> Int? {
        var index: Int
        if flags & (C.letter | C.number | C.whitespace) == 0 {
            index = start &+ length
        } else if base[start] == UInt8(ascii: " ") {
            let next = start &+ 1
            guard next < end else {
                touchedEnd = true
                return nil
            }
            let (nextFlags, nextLength) = scalar(at: next)
            guard nextFlags & (C.letter | C.number | C.whitespace) == 0 else { return nil }
            index = next &+ nextLength
        } else {
            return nil
        }
        while index < end {
            let lead = base[index]
            let (flags, length) = lead < 0x80 ? (classes.asciiFlags(lead), 1) : scalar(at: index)
            if flags & (C.letter | C.number | C.whitespace) != 0 { break }
            index &+= length
        }
        while index < end {
            let byte = base[index]
            guard byte == 0x0A || byte == 0x0D || (trailingSlash && byte == UInt8(ascii: "/")) else { return index }
            index &+= 1
        }
        touchedEnd = true
        return index
    }

    /// The whitespace alternatives at a whitespace scalar of `length` bytes.
    ///
    /// cl100k (`endAnchored`): `\s++$|\s*[\r\n]|\s+(?!\S)|\s`; o200k: `\s*[\r\n]+|\s+(?!\S)|\s+`.
    /// Over the maximal whitespace run: a run reaching the end of the text is one piece (cl100k: first;
    /// o200k: after the newline rule); else the run up to its last CR or LF; else all of the run but its
    /// last scalar, which joins what follows; else the single scalar.
    @inline(__always)
    private func whitespace(at start: Int, length: Int, endAnchored: Bool, touchedEnd: inout Bool) -> Int {
        var index = start
        var lastStart = start
        var newlineEnd = -1
        var reachedEnd = true
        while index < end {
            let lead = base[index]
            let (flags, scalarLength) = lead < 0x80 ? (classes.asciiFlags(lead), 1) : scalar(at: index)
            if flags & C.whitespace == 0 {
                reachedEnd = false
                break
            }
            if flags & C.newline != 0 { newlineEnd = index &+ 1 }
            lastStart = index
            index &+= scalarLength
        }
        if reachedEnd {
            touchedEnd = true
            if endAnchored || newlineEnd < 0 { return index }
        }
        if newlineEnd >= 0 { return newlineEnd }
        if lastStart > start { return lastStart }
        return start &+ length
    }

    // MARK: o200k_base

    /// The seven alternatives of o200k_base's pattern (see ``PreTokenizerPattern/regularExpression``).
    @inline(__always)
    func nextO200k(from start: Int, touchedEnd: inout Bool) -> Int {
        let (flags, length) = scalar(at: start)
        let isPrefix = flags & (C.letter | C.number | C.newline) == 0  // [^\r\n\p{L}\p{N}]
        let isCased = flags & (C.upperSet | C.lowerSet) != 0  // a letter or a mark
        if isPrefix || isCased {
            // Alternative 1 with the optional prefix taken, then without it.
            if isPrefix, let end = letterRunO200k(from: start &+ length, touchedEnd: &touchedEnd) {
                return suffix(at: end, touchedEnd: &touchedEnd)
            }
            if isCased, let end = letterRunO200k(from: start, touchedEnd: &touchedEnd) {
                return suffix(at: end, touchedEnd: &touchedEnd)
            }
            // Alternative 2 ([U]+[L]*): alternative 1 failed, so the [L]* part is empty.
            if isPrefix {
                let end = skip(from: start &+ length, while: C.upperSet, touchedEnd: &touchedEnd)
                if end > start &+ length { return suffix(at: end, touchedEnd: &touchedEnd) }
            }
            if flags & C.upperSet != 0 {
                let end = skip(from: start &+ length, while: C.upperSet, touchedEnd: &touchedEnd)
                return suffix(at: end, touchedEnd: &touchedEnd)
            }
        }
        if flags & C.number != 0 { return digits(after: start &+ length, touchedEnd: &touchedEnd) }
        if let end = punctuation(at: start, flags: flags, length: length, trailingSlash: true, touchedEnd: &touchedEnd)
        {
            return end
        }
        return whitespace(at: start, length: length, endAnchored: false, touchedEnd: &touchedEnd)
    }

    /// `[U]*[L]+` from `start`, where U = `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` and L = `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
    ///
    /// Backtracking resolved: `[U]*` takes the maximal U-run. If the scalar after it is in L (so it is
    /// `Ll`), `[L]+` runs on from there. Otherwise `[U]*` gives back scalars until the last one in the
    /// run that is also in L (`Lm`, `Lo` or a mark), and the match ends just after it; with none, no match.
    @inline(__always)
    private func letterRunO200k(from start: Int, touchedEnd: inout Bool) -> Int? {
        var index = start
        var lastLowerEnd = -1
        while index < end {
            let (flags, length) = scalar(at: index)
            if flags & C.upperSet == 0 {
                if flags & C.lowerSet != 0 {
                    return skip(from: index &+ length, while: C.lowerSet, touchedEnd: &touchedEnd)
                }
                return lastLowerEnd >= 0 ? lastLowerEnd : nil
            }
            index &+= length
            if flags & C.lowerSet != 0 { lastLowerEnd = index }
        }
        touchedEnd = true
        return lastLowerEnd >= 0 ? lastLowerEnd : nil
    }

    /// o200k's optional `(?i:'s|'t|'re|'ve|'m|'ll|'d)` after a letter run.
    @inline(__always)
    private func suffix(at start: Int, touchedEnd: inout Bool) -> Int {
        guard start < end else {
            touchedEnd = true
            return start
        }
        guard base[start] == UInt8(ascii: "'") else { return start }
        return contraction(at: start, touchedEnd: &touchedEnd) ?? start
    }
}
