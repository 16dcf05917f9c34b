// Byte-level classification of the scalars the segmenter cares about. Everything here reads UTF-8
// from an `UnsafeBufferPointer` at a scalar boundary and answers with a byte width (0 = no match),
// so the scanners never build `Character`s or `String`s on the common path.

/// Small byte-level questions about UTF-8 text, asked at scalar boundaries.
struct TextScalars {
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always) subscript(_ index: Int) -> UInt8 { bytes[index] }

    /// The width of the whitespace scalar at `index` (ASCII space and controls, no-break space,
    /// the typographic spaces U+2000–U+200A, line and paragraph separators, ideographic space), or 0.
    @inline(__always)
    func whitespaceWidth(at index: Int, end: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
        if byte == 0xC2 { return index + 1 < end && bytes[index + 1] == 0xA0 ? 2 : 0 }
        guard index + 2 < end else { return 0 }
        let second = bytes[index + 1], third = bytes[index + 2]
        if byte == 0xE2 && second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) {
            return 3
        }
        if byte == 0xE2 && second == 0x81 && third == 0x9F { return 3 }
        if byte == 0xE3 && second == 0x80 && third == 0x80 { return 3 }
        return 0
    }

    /// The width of a closing quote or bracket at `index`, or 0: `" ' ) ] }` and `” ’ » 」 』 ） 》 〉 】 〕 ］ ＂ ＇`.
    @inline(__always)
    func closerWidth(at index: Int, end: Int) -> Int {
        let byte = bytes[index]
        switch byte {
        case 0x22, 0x27, 0x29, 0x5D, 0x7D: return 1
        case 0xC2: return index + 1 < end && bytes[index + 1] == 0xBB ? 2 : 0
        case 0xE2, 0xE3, 0xEF:
            guard index + 2 < end else { return 0 }
            let second = bytes[index + 1], third = bytes[index + 2]
            if byte == 0xE2 { return second == 0x80 && (third == 0x9D || third == 0x99) ? 3 : 0 }
            if byte == 0xE3 {
                guard second == 0x80 else { return 0 }
                switch third {
                case 0x8D, 0x8F, 0x8B, 0x89, 0x91, 0x95: return 3
                default: return 0
                }
            }
            return second == 0xBC && (third == 0x89 || third == 0xBD || third == 0x82 || third == 0x87) ? 3 : 0
        default: return 0
        }
    }

    /// The width of an opening quote or bracket at `index`, or 0: `" ' ( [ {` and `“ ‘ « 「 『 （ 《 〈 【`.
    @inline(__always)
    func openerWidth(at index: Int, end: Int) -> Int {
        let byte = bytes[index]
        switch byte {
        case 0x22, 0x27, 0x28, 0x5B, 0x7B: return 1
        case 0xC2: return index + 1 < end && bytes[index + 1] == 0xAB ? 2 : 0
        case 0xE2, 0xE3, 0xEF:
            guard index + 2 < end else { return 0 }
            let second = bytes[index + 1], third = bytes[index + 2]
            if byte == 0xE2 { return second == 0x80 && (third == 0x9C || third == 0x98) ? 3 : 0 }
            if byte == 0xE3 {
                guard second == 0x80 else { return 0 }
                switch third {
                case 0x8C, 0x8E, 0x8A, 0x88, 0x90: return 3
                default: return 0
                }
            }
            return second == 0xBC && third == 0x88 ? 3 : 0
        default: return 0
        }
    }

    /// The width of a full-width stop that ends a sentence by itself: `。 ！ ？ ； ．` (and the halfwidth `｡`), or 0.
    @inline(__always)
    func fullWidthStopWidth(at index: Int, end: Int) -> Int {
        guard index + 2 < end else { return 0 }
        let byte = bytes[index], second = bytes[index + 1], third = bytes[index + 2]
        if byte == 0xE3 { return second == 0x80 && third == 0x82 ? 3 : 0 }
        if byte == 0xEF {
            if second == 0xBC {
                if third == 0x8E {  // ． (the fullwidth full stop some novels use), but not in ３．５
                    return index + 5 < end && bytes[index + 3] == 0xEF && bytes[index + 4] == 0xBC
                        && (0x90...0x99).contains(bytes[index + 5]) ? 0 : 3
                }
                return third == 0x81 || third == 0x9F || third == 0x9B ? 3 : 0
            }
            return second == 0xBD && third == 0xA1 ? 3 : 0
        }
        return 0
    }

    /// Whether the scalar at `index` is the horizontal ellipsis `…` (U+2026).
    @inline(__always)
    func isEllipsis(at index: Int, end: Int) -> Bool {
        index + 2 < end && bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA6
    }

    /// The width of a clause mark at `index` and whether it needs whitespace after it to count:
    /// `, ; :` do (so `1,000` and `10:30` stay whole); `， 、 ； ：` do not.
    @inline(__always)
    func clauseMark(at index: Int, end: Int) -> (width: Int, needsSpace: Bool) {
        let byte = bytes[index]
        if byte == 0x2C || byte == 0x3B || byte == 0x3A { return (1, true) }
        guard index + 2 < end else { return (0, false) }
        let second = bytes[index + 1], third = bytes[index + 2]
        if byte == 0xEF && second == 0xBC && (third == 0x8C || third == 0x9B || third == 0x9A) { return (3, false) }
        if byte == 0xE3 && second == 0x80 && third == 0x81 { return (3, false) }
        return (0, false)
    }

    /// Whether a cut before `index` would split a grapheme cluster after whitespace or punctuation: the
    /// scalar there extends the previous one (a combining mark, a spacing mark, a zero-width joiner, a
    /// variation selector, an emoji modifier).
    func continuesCluster(at index: Int, end: Int) -> Bool {
        guard index < end else { return false }
        let lead = bytes[index]
        // Below U+0300, CJK ideographs (U+4000–U+9FFF) and fullwidth forms: nothing extends a cluster.
        if lead < 0xCC || (lead >= 0xE4 && lead <= 0xE9) { return false }
        if lead == 0xE3 && index + 2 < end {
            let second = bytes[index + 1], third = bytes[index + 2]
            // Only U+302A–U+302F and U+3099–U+309A extend in U+3000–U+3FFF.
            return (second == 0x80 && third >= 0xAA && third <= 0xAF)
                || (second == 0x82 && (third == 0x99 || third == 0x9A))
        }
        if lead == 0xEF && index + 1 < end && (bytes[index + 1] == 0xBC || bytes[index + 1] == 0xBD) { return false }
        guard let scalar = scalar(at: index, end: end) else { return false }
        let properties = scalar.properties
        return properties.isGraphemeExtend || scalar.value == 0x200D || properties.isEmojiModifier
            || properties.generalCategory == .spacingMark
    }

    /// The scalar starting at `index`, if the bytes there are a whole valid sequence.
    func scalar(at index: Int, end: Int) -> Unicode.Scalar? {
        var iterator = UnsafeBufferPointer(rebasing: bytes[index..<min(end, index + 4)]).makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }

    /// Where the scalar that starts at `index` ends.
    @inline(__always)
    func scalarEnd(from index: Int) -> Int {
        let byte = bytes[index]
        return index + (byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4)
    }

    /// Where the scalar that ends just before `index` starts.
    @inline(__always)
    func scalarStart(before index: Int) -> Int {
        var position = index - 1
        while position > 0 && bytes[position] & 0xC0 == 0x80 { position -= 1 }
        return position
    }

    /// The kinds of scalar the scanners skip runs of.
    enum SkippedScalars { case whitespace, closers, openers }

    /// The first index at or after `index` that is not one of `scalars`. (A switch, not a closure: a
    /// method reference passed as a closure cost 6 % of chunking speed on Chinese text.)
    @inline(__always)
    func skip(_ scalars: SkippedScalars, from index: Int, end: Int) -> Int {
        var position = index
        while position < end {
            let step =
                switch scalars {
                case .whitespace: whitespaceWidth(at: position, end: end)
                case .closers: closerWidth(at: position, end: end)
                case .openers: openerWidth(at: position, end: end)
                }
            if step == 0 { break }
            position += step
        }
        return position
    }

    /// The first index at or after `index` that is not whitespace.
    func skipWhitespace(from index: Int, end: Int) -> Int { skip(.whitespace, from: index, end: end) }

    /// The first index at or after `index` that is not a closing quote or bracket.
    func skipClosers(from index: Int, end: Int) -> Int { skip(.closers, from: index, end: end) }

    /// The first index at or after `index` that is not an opening quote or bracket.
    func skipOpeners(from index: Int, end: Int) -> Int { skip(.openers, from: index, end: end) }

    /// Where the run of whitespace (`isWhitespace` true) or of non-whitespace scalars that ends at
    /// `index` starts, not before `start`.
    func runStart(before index: Int, start: Int, isWhitespace: Bool) -> Int {
        var position = index
        while position > start {
            let previous = scalarStart(before: position)
            if (whitespaceWidth(at: previous, end: bytes.count) > 0) != isWhitespace { break }
            position = previous
        }
        return position
    }

    /// The end of the text before trailing whitespace that ends at `end`, not before `start`.
    func trimTrailingWhitespace(start: Int, end: Int) -> Int {
        runStart(before: end, start: start, isWhitespace: true)
    }
}
