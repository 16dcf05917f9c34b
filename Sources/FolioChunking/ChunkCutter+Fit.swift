internal import FolioModel
internal import FolioTokenizer

extension ChunkCutter {
    /// The longest prefix of a unit that fits after the chunk so far, cut at a boundary of some level.
    struct Fit {
        var cut: Cut
        var level: BoundaryLevel
        var tokenCount: Int
    }

    /// The longest prefix of `unit` that ends at a boundary of `level` or stronger and fits in the
    /// budget after `before` (the chunk so far, with the whitespace before the unit), or nil.
    ///
    /// Only a window of the unit is searched: no prefix longer than `remaining tokens ×
    /// longestTokenByteCount` bytes can fit, and the window grows from a small multiple of the remaining
    /// tokens only while the last cut in it still fits. In the window, cuts are tried galloping from the
    /// start (1, 2, 4, … cuts), then bisected.
    func longestFittingPrefix(of unit: Unit, level: BoundaryLevel, before: TokenCounter) -> Fit? {
        let remaining = maxTokens - before.tokenCount
        guard remaining > 0 else { return nil }
        let bound = min(unit.end, unit.start + (remaining + 1) * longestTokenByteCount)
        var window = min(bound, unit.start + max(512, remaining * 8))
        var lowestKnownFit: Fit?
        while true {
            let cuts = withText { text, base in
                BoundaryFinder(text: text, base: base).cuts(in: unit.start..<unit.end, windowEnd: window, level: level)
            }
            var fit = lowestKnownFit
            var good = -1
            var bad = cuts.count
            // Gallop: 1, 2, 4, ... cuts from the start.
            var probe = 0
            var step = 1
            while probe < bad {
                if let known = lowestKnownFit, cuts[probe].cut.end <= known.cut.end {
                    good = probe
                } else {
                    let tokens = count(after: before, unit.start, cuts[probe].cut.end)
                    if tokens > maxTokens {
                        bad = probe
                        break
                    }
                    good = probe
                    fit = Fit(cut: cuts[probe].cut, level: cuts[probe].level, tokenCount: tokens)
                }
                probe += step
                step *= 2
                if probe >= bad && good < bad - 1 { probe = bad - 1 }
            }
            // Bisect between the last cut that fits and the first that does not.
            while bad - good > 1 {
                let middle = (good + bad) / 2
                let tokens = count(after: before, unit.start, cuts[middle].cut.end)
                if tokens > maxTokens {
                    bad = middle
                } else {
                    good = middle
                    fit = Fit(cut: cuts[middle].cut, level: cuts[middle].level, tokenCount: tokens)
                }
            }
            let lastFits = good == cuts.count - 1
            if lastFits && window < bound {
                lowestKnownFit = fit
                window = min(bound, unit.start + (window - unit.start) * 4)
                continue
            }
            return fit
        }
    }
}

/// Boundaries finer than a sentence inside one unit, for the rare unit too long for the budget.
struct BoundaryFinder {
    let text: TextScalars
    /// The absolute offset of `text[0]`.
    let base: Int

    /// The cuts inside `range` (absolute) whose text before them ends at or before `windowEnd`, at
    /// `level` or stronger, in order, each with its level. The end of the unit is not a cut inside it.
    func cuts(in range: Range<Int>, windowEnd: Int, level: BoundaryLevel) -> [(cut: Cut, level: BoundaryLevel)] {
        let start = range.lowerBound - base
        let end = range.upperBound - base
        let limit = windowEnd - base
        var found: [(cut: Cut, level: BoundaryLevel)] = []
        func add(_ cut: Cut, _ cutLevel: BoundaryLevel) {
            guard cut.end > start, cut.end <= limit, cut.next < end else { return }
            found.append((Cut(end: cut.end + base, next: cut.next + base), cutLevel))
        }
        // Scan a little past the window so that rules looking ahead see the same text.
        let scanEnd = min(end, limit + 16)
        if level <= .sentence {
            var sentences: [Cut] = []
            SentenceScanner(text: text).cuts(start: start, end: scanEnd, into: &sentences)
            for cut in sentences { add(cut, .sentence) }
        }
        if level <= .line { lineCuts(start, scanEnd) { add($0, .line) } }
        if level <= .clause { clauseCuts(start, scanEnd) { add($0, .clause) } }
        if level <= .word { wordCuts(start, scanEnd) { add($0, .word) } }
        if level <= .grapheme {
            graphemeCuts(start, min(end, limit)) { add($0, .grapheme) }
        }
        if level <= .scalar {
            var index = text.scalarEnd(from: start)
            while index < min(end, limit + 1) {
                add(Cut(end: index, next: index), .scalar)
                index = text.scalarEnd(from: index)
            }
        }
        // In order of position; where several levels share a position, the strongest.
        found.sort { $0.cut.end != $1.cut.end ? $0.cut.end < $1.cut.end : $0.level > $1.level }
        var unique: [(cut: Cut, level: BoundaryLevel)] = []
        unique.reserveCapacity(found.count)
        for item in found where unique.last?.cut.end != item.cut.end { unique.append(item) }
        return unique
    }

    /// At each line break (the whitespace run around it belongs to neither side).
    func lineCuts(_ start: Int, _ end: Int, _ body: (Cut) -> Void) {
        var index = start
        while index < end {
            let byte = text[index]
            guard byte == 0x0A || byte == 0x0D else {
                index += 1
                continue
            }
            let before = text.trimTrailingWhitespace(start: start, end: index)
            let next = text.skipWhitespace(from: index, end: end)
            if before > start && next < end && !text.continuesCluster(at: next, end: end) {
                body(Cut(end: before, next: next))
            }
            index = max(next, index + 1)
        }
    }

    /// After `, ; :` followed by whitespace, and after `， 、 ； ：` (with their closing quotes).
    private func clauseCuts(_ start: Int, _ end: Int, _ body: (Cut) -> Void) {
        var index = start
        while index < end {
            let mark = text.clauseMark(at: index, end: end)
            guard mark.width > 0 else {
                index = text.scalarEnd(from: index)
                continue
            }
            let closed = text.skipClosers(from: index + mark.width, end: end)
            let next = text.skipWhitespace(from: closed, end: end)
            if (!mark.needsSpace || next > closed) && next < end && !text.continuesCluster(at: next, end: end) {
                body(Cut(end: closed, next: next))
            }
            index = max(next, index + mark.width)
        }
    }

    /// At each run of whitespace.
    private func wordCuts(_ start: Int, _ end: Int, _ body: (Cut) -> Void) {
        var index = start
        while index < end {
            let width = text.whitespaceWidth(at: index, end: end)
            guard width > 0 else {
                index = text.scalarEnd(from: index)
                continue
            }
            let next = text.skipWhitespace(from: index, end: end)
            if index > start && next < end && !text.continuesCluster(at: next, end: end) {
                body(Cut(end: index, next: next))
            }
            index = next
        }
    }

    /// Between extended grapheme clusters (Swift's `Character`s) of `start..<end`, where `end` may fall
    /// inside the unit (then it is moved back to a scalar boundary, and the last cluster may be cut
    /// short, which moves no boundary before it).
    private func graphemeCuts(_ start: Int, _ end: Int, _ body: (Cut) -> Void) {
        var windowEnd = end
        while windowEnd > start && windowEnd < text.bytes.count && text[windowEnd] & 0xC0 == 0x80 { windowEnd -= 1 }
        let string = String(decoding: UnsafeBufferPointer(rebasing: text.bytes[start..<windowEnd]), as: UTF8.self)
        var offset = start
        var index = string.startIndex
        while index < string.endIndex {
            let next = string.index(after: index)
            offset += string.utf8.distance(from: index, to: next)
            if next < string.endIndex { body(Cut(end: offset, next: offset)) }
            index = next
        }
    }
}
