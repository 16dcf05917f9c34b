// Performance notes
//
// Sentence scanning runs over every byte the chunker sees, so it must cost little next to counting
// tokens (~130 MB/s for English on this machine). Bytes are read from one buffer; only `.`, `!`, `?`
// and lead bytes of the few multi-byte stops (E2, E3, EF) stop the scan, and the rules below look at
// a few bytes around a stop. Abbreviations are packed into a UInt64 key (one dictionary probe per
// period that is followed by a space).

/// A place where text may be cut: the text before it ends at `end`; the text after it starts at
/// `next` (after the whitespace between them, if any).
struct Cut: Hashable {
    var end: Int
    var next: Int
}

/// Finds sentence boundaries in one block of text.
///
/// A sentence ends at:
/// 1. `.`, `!`, `?` (or a run of them) followed, after closing quotes and brackets, by whitespace, unless
///    the next word starts with a lowercase letter, or the period follows an abbreviation (see
///    ``Abbreviations``), a word with inner periods (`U.S.`, `e.g.`), an initial, or a number that is a
///    reference or an enumerator (`Section 2.`, `Item 7.`, `1.` at the start of a block);
/// 2. a full-width stop `。！？；` (runs and `……` included), after its closing quotes and brackets
///    `”」』）`, whether or not whitespace follows;
/// 3. an ellipsis `…` or `...` followed by whitespace and a word that does not start in lowercase, or by
///    a CJK character directly.
///
/// Decimals, amounts and section numbers (`3.5`, `$1.2 billion`, `2.1(a)`) never end a sentence because
/// their periods are not followed by whitespace. No cut is made before a scalar that extends a grapheme
/// cluster.
struct SentenceScanner {
    let text: TextScalars

    /// The cuts between the sentences of `start..<end`, in order.
    func cuts(start: Int, end: Int, into cuts: inout [Cut]) {
        let bytes = text.bytes
        let blockStart = text.skipWhitespace(from: start, end: end)
        var index = blockStart
        while index < end {
            let byte = bytes[index]
            if byte == 0x2E || byte == 0x21 || byte == 0x3F {  // . ! ?
                var runEnd = index + 1
                var hasBang = byte != 0x2E
                while runEnd < end, bytes[runEnd] == 0x2E || bytes[runEnd] == 0x21 || bytes[runEnd] == 0x3F {
                    hasBang = hasBang || bytes[runEnd] != 0x2E
                    runEnd += 1
                }
                let closed = text.skipClosers(from: runEnd, end: end)
                guard closed < end, text.whitespaceWidth(at: closed, end: end) > 0 else {
                    index = closed
                    continue
                }
                let next = text.skipWhitespace(from: closed, end: end)
                if next < end && !text.continuesCluster(at: next, end: end)
                    && endsSentence(
                        stop: index, runEnd: runEnd, isEmphatic: hasBang, next: next, blockStart: blockStart, end: end)
                {
                    cuts.append(Cut(end: closed, next: next))
                }
                index = next
            } else if byte >= 0xE2 && (byte == 0xE2 || byte == 0xE3 || byte == 0xEF) {
                if text.isEllipsis(at: index, end: end) {
                    var runEnd = index + 3
                    while runEnd < end && (text.isEllipsis(at: runEnd, end: end) || bytes[runEnd] == 0x2E) {
                        runEnd += bytes[runEnd] == 0x2E ? 1 : 3
                    }
                    let closed = text.skipClosers(from: runEnd, end: end)
                    if closed < end {
                        if text.whitespaceWidth(at: closed, end: end) > 0 {
                            let next = text.skipWhitespace(from: closed, end: end)
                            if next < end && !startsLowercase(next, end: end)
                                && !text.continuesCluster(at: next, end: end)
                            {
                                cuts.append(Cut(end: closed, next: next))
                            }
                            index = next
                            continue
                        }
                        if bytes[closed] >= 0xE3 && !text.continuesCluster(at: closed, end: end) {
                            cuts.append(Cut(end: closed, next: closed))
                        }
                    }
                    index = closed
                    continue
                }
                let width = text.fullWidthStopWidth(at: index, end: end)
                if width > 0 {
                    var runEnd = index + width
                    while runEnd < end {
                        let more = text.fullWidthStopWidth(at: runEnd, end: end)
                        if more > 0 {
                            runEnd += more
                        } else if text.isEllipsis(at: runEnd, end: end) {
                            runEnd += 3
                        } else if bytes[runEnd] == 0x21 || bytes[runEnd] == 0x3F {
                            runEnd += 1
                        } else {
                            break
                        }
                    }
                    let closed = text.skipClosers(from: runEnd, end: end)
                    let next = text.skipWhitespace(from: closed, end: end)
                    if next < end && !text.continuesCluster(at: next, end: end) {
                        cuts.append(Cut(end: closed, next: next))
                    }
                    index = next
                    continue
                }
                index = text.scalarEnd(from: index)
            } else {
                index = byte < 0xC0 ? index + 1 : text.scalarEnd(from: index)
            }
        }
    }

    /// Whether the first letter at `index` (after opening quotes and brackets) is a lowercase ASCII letter.
    private func startsLowercase(_ index: Int, end: Int) -> Bool {
        let position = text.skipOpeners(from: index, end: end)
        return position < end && text[position] >= 0x61 && text[position] <= 0x7A
    }

    /// The rules of 1. for a stop run `stop..<runEnd` followed by whitespace and then `next`.
    private func endsSentence(stop: Int, runEnd: Int, isEmphatic: Bool, next: Int, blockStart: Int, end: Int) -> Bool {
        if startsLowercase(next, end: end) { return false }
        if isEmphatic || runEnd - stop > 1 { return true }
        let bytes = text.bytes
        // The word before the period, without opening quotes and brackets.
        let wordStart = text.runStart(before: stop, start: blockStart, isWhitespace: false)
        let tokenEnd = stop
        let tokenStart = text.skipOpeners(from: wordStart, end: tokenEnd)
        guard tokenStart < tokenEnd else { return true }
        let length = tokenEnd - tokenStart
        let first = bytes[tokenStart]
        if length == 1 && isLetter(first) { return false }  // an initial: "John F. Kennedy"
        if isInitialism(tokenStart, tokenEnd) { return false }  // "U.S.", "e.g.", "a.m."
        if let kind = Abbreviations.kind(of: bytes, tokenStart, tokenEnd) {
            switch kind {
            case .nonFinal: return false
            case .mayEndSentence: return isUppercase(bytes[next])
            }
        }
        if isEnumerator(tokenStart, tokenEnd) {
            if wordStart == blockStart { return false }  // "1. Definitions", "(a). ..."
            // The word before the number: "Section 2.", "Item 7.", "Article IV."
            let previousEnd = text.runStart(before: wordStart, start: blockStart, isWhitespace: true)
            let previousStart = text.runStart(before: previousEnd, start: blockStart, isWhitespace: false)
            if previousEnd > previousStart && Abbreviations.isReferenceWord(bytes, previousStart, previousEnd) {
                return false
            }
        }
        return true
    }

    @inline(__always) private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    @inline(__always) private func isUppercase(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    /// Letters in groups of at most three, joined by periods: `U.S`, `e.g`, `Ph.D`, `N.A`.
    private func isInitialism(_ start: Int, _ end: Int) -> Bool {
        var group = 0
        var periods = 0
        for index in start..<end {
            let byte = text[index]
            if byte == 0x2E {
                guard group > 0 else { return false }
                group = 0
                periods += 1
            } else if isLetter(byte) {
                group += 1
                if group > 3 { return false }
            } else {
                return false
            }
        }
        return periods > 0 && group > 0
    }

    /// A number, a roman numeral or a letter used to number things: `7`, `2.1`, `IV`, `(a)`, `A-1`.
    private func isEnumerator(_ start: Int, _ end: Int) -> Bool {
        var sawDigit = false
        var sawParenthesis = false
        var allRoman = true
        for index in start..<end {
            let byte = text[index]
            if byte >= 0x30 && byte <= 0x39 {
                sawDigit = true
                continue
            }
            if byte == 0x28 || byte == 0x29 {
                sawParenthesis = true
                continue
            }
            if byte == 0x2E || byte == 0x2D { continue }
            switch byte | 0x20 {
            case 0x69, 0x76, 0x78, 0x6C, 0x63: continue  // i v x l c
            default: allRoman = false
            }
            if !isLetter(byte) { return false }
        }
        return sawDigit || allRoman || (sawParenthesis && end - start <= 4)
    }
}
