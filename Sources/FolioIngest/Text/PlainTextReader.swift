// Performance notes
//
// Plain text must cost little next to decoding and inflating it. The reader keeps one buffer of bytes
// not yet handed on and indices into it; lines are scanned a run of printable ASCII at a time (eight
// bytes per step, a byte-at-a-time look only at runs of spaces), non-space multi-byte characters are
// skipped by their lead byte, and nothing is copied per line: blocks are cut out of the buffer when they
// end, and the buffer is compacted once per input block. English report text: 150 -> 183 MB/s with the
// run scan (a 30 MB text, in process, building the whole Document); what remains is mostly per-block
// work (two strings, the block, the assembled document).

internal import FolioModel

/// Reads plain text into blocks, keeping the text verbatim: the document text is the decoded file, so
/// block offsets are offsets into the file's characters.
///
/// A block is a paragraph: lines up to a blank line. A new block also starts at an indented line (the
/// Chinese novels indent every paragraph), at a list item (`•`, `-`, `*`, `(a)`), after a form feed
/// (which also marks a page break), at a run of four or more spaces inside a line (text converted from
/// PDF separates paragraphs that way), and at a heading line: "PART II", "Item 7.", "ARTICLE 5",
/// "第一回 …", a short line in capitals, or a Markdown `#` heading, each a block of its own. A block
/// longer than 1 MiB is cut at a space (or, in a run without one, between characters), so memory stays
/// bounded whatever the input.
final class PlainTextReader: MarkupReader {
    /// Bytes not yet handed on: the separator and text of blocks to come.
    private var buffer: [UInt8] = []
    /// `buffer[..<emittedEnd]` was handed on (it is dropped when the buffer is compacted).
    private var emittedEnd = 0
    /// Where scanning resumes (the start of the first line not scanned).
    private var scanStart = 0
    /// The current block: `buffer[blockStart..<blockEnd]` ends with its last non-space character.
    private var blockStart: Int?
    private var blockEnd = 0
    private var blockKind = BlockKind.paragraph
    /// The last line ended the current block (a heading line, a form feed).
    private var blockClosed = false
    /// The previous piece was cut from a long line without a terminator; the next continues it.
    private var continuesLine = false

    private var scalarOffset = 0
    private var utf8Offset = 0
    private var blocks: [ExtractedBlock] = []
    private var pageBreakPending = false

    /// A block is cut once it is this long.
    static let maxBlockBytes = 1 << 20
    /// Text scanned without a line terminator is processed once it is this long.
    private static let maxPendingLine = 1 << 20

    let title: String? = nil

    /// The text after the last block (whitespace), known after ``finish()``.
    private(set) var trailingText = ""

    func consume(_ bytes: UnsafeBufferPointer<UInt8>) throws(IngestError) {
        buffer.append(contentsOf: bytes)
        scanLines(final: false)
        compact()
    }

    func finish() throws(IngestError) {
        scanLines(final: true)
        finishBlock()
        trailingText = String(decoding: buffer[emittedEnd...], as: UTF8.self)
        buffer.removeAll()
        emittedEnd = 0
        scanStart = 0
    }

    func takeBlocks() -> [ExtractedBlock] {
        defer { blocks.removeAll(keepingCapacity: true) }
        return blocks
    }

    // MARK: Lines

    private struct Line {
        var start: Int
        /// The first and one past the last non-space byte (equal for a blank line).
        var contentStart: Int
        var contentEnd: Int
        /// Where the terminator starts and where the next line starts.
        var terminatorStart: Int
        var end: Int
        var isFormFeed: Bool
        /// The line was cut from a very long line without a terminator: the next piece continues it.
        var isCut: Bool
        /// Positions of runs of four or more spaces inside the content: (run start, run end).
        var gaps: [(Int, Int)]
    }

    private func scanLines(final: Bool) {
        while let line = nextLine(final: final) {
            handle(line)
            scanStart = line.end
        }
    }

    /// The next complete line from `scanStart`, or nil when the rest may still grow.
    private func nextLine(final: Bool) -> Line? {
        let count = buffer.count
        guard scanStart < count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Line? in
            let base = bytes.baseAddress!
            var index = scanStart
            var contentStart = -1
            var contentEnd = scanStart
            var spaceRun = 0
            var spaceRunStart = 0
            var gaps: [(Int, Int)] = []
            while index < count {
                // A run of printable ASCII and spaces, found eight bytes at a time: a byte below 0x20
                // borrows into, or one above 0x7F already has, its high bit.
                var stop = index
                while stop &+ 8 <= count {
                    let word = UnsafeRawPointer(base + stop).loadUnaligned(as: UInt64.self)
                    if ((word &- 0x2020_2020_2020_2020) | word) & 0x8080_8080_8080_8080 != 0 { break }
                    stop &+= 8
                }
                while stop < count, bytes[stop] >= 0x20, bytes[stop] < 0x80 { stop &+= 1 }
                if stop > index {
                    scanPrintable(
                        bytes, from: index, to: stop, contentStart: &contentStart, contentEnd: &contentEnd,
                        spaceRun: &spaceRun, spaceRunStart: &spaceRunStart, gaps: &gaps)
                    index = stop
                    if index >= count { break }
                }
                let byte = bytes[index]
                // Characters that are neither spaces nor terminators: two-byte sequences other than C2
                // (U+0085, U+00A0), three-byte ones other than E1–E3 (the Unicode spaces and separators),
                // four-byte ones. Their length comes from the lead byte.
                if byte >= 0xC3 && byte <= 0xDF || byte >= 0xE4 {
                    if spaceRun >= 4 && contentStart >= 0 { gaps.append((spaceRunStart, index)) }
                    spaceRun = 0
                    if contentStart < 0 { contentStart = index }
                    index &+= byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2)
                    if index > count { index = count }
                    contentEnd = index
                    continue
                }
                // Terminators: LF, CR, CR LF, FF, VT, U+0085, U+2028, U+2029.
                var terminatorLength = 0
                var isFormFeed = false
                switch byte {
                case 0x0A, 0x0B: terminatorLength = 1
                case 0x0C:
                    terminatorLength = 1
                    isFormFeed = true
                case 0x0D:
                    if index + 1 < count {
                        terminatorLength = bytes[index + 1] == 0x0A ? 2 : 1
                    } else if final {
                        terminatorLength = 1
                    } else {
                        return nil  // a CR at the end of the block may be followed by LF
                    }
                case 0xC2 where index + 1 < count && bytes[index + 1] == 0x85: terminatorLength = 2
                case 0xE2
                where index + 2 < count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    terminatorLength = 3
                default: break
                }
                if terminatorLength > 0 {
                    return Line(
                        start: scanStart, contentStart: contentStart < 0 ? index : contentStart, contentEnd: contentEnd,
                        terminatorStart: index, end: index + terminatorLength, isFormFeed: isFormFeed, isCut: false,
                        gaps: gaps)
                }
                let spaceLength =
                    byte == 0x20 || byte == 0x09
                    ? 1 : (byte >= 0x80 ? BlockBuilder.unicodeSpaceLength(base, at: index, count: count) : 0)
                if spaceLength > 0 {
                    if spaceRun == 0 { spaceRunStart = index }
                    spaceRun += 1
                    index &+= spaceLength
                } else {
                    if spaceRun >= 4 && contentStart >= 0 { gaps.append((spaceRunStart, index)) }
                    spaceRun = 0
                    if contentStart < 0 { contentStart = index }
                    index &+= 1
                    // The rest of a multi-byte character.
                    while index < count && bytes[index] & 0xC0 == 0x80 { index &+= 1 }
                    contentEnd = index
                }
            }
            // No terminator: a line only at the end of the input, or when it is very long.
            guard final || count - scanStart >= Self.maxPendingLine else { return nil }
            var end = count
            if !final {
                // Cut after the last complete character, before trailing spaces are known.
                end = contentEnd > scanStart ? contentEnd : count
            }
            return Line(
                start: scanStart, contentStart: contentStart < 0 ? end : contentStart, contentEnd: min(contentEnd, end),
                terminatorStart: end, end: end, isFormFeed: false, isCut: !final, gaps: gaps.filter { $0.1 <= end })
        }
    }

    /// Takes in a run of printable ASCII and spaces: where the content starts and ends, and the runs of
    /// four or more spaces inside it, continuing the space run the previous bytes left open.
    @inline(__always)
    private func scanPrintable(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, contentStart: inout Int,
        contentEnd: inout Int,
        spaceRun: inout Int, spaceRunStart: inout Int, gaps: inout [(Int, Int)]
    ) {
        var index = start
        while index < end && bytes[index] == 0x20 {
            if spaceRun == 0 { spaceRunStart = index }
            spaceRun += 1
            index &+= 1
        }
        guard index < end else { return }
        if spaceRun >= 4 && contentStart >= 0 { gaps.append((spaceRunStart, index)) }
        spaceRun = 0
        if contentStart < 0 { contentStart = index }
        var last = end &- 1
        while bytes[last] == 0x20 { last &-= 1 }
        // Inside: only runs of spaces matter; words are skipped a byte at a time with one comparison.
        var cursor = index
        while cursor < last {
            if bytes[cursor] != 0x20 {
                cursor &+= 1
                continue
            }
            var runEnd = cursor &+ 1
            while bytes[runEnd] == 0x20 { runEnd &+= 1 }
            if runEnd &- cursor >= 4 { gaps.append((cursor, runEnd)) }
            cursor = runEnd
        }
        contentEnd = last &+ 1
        if last &+ 1 < end {
            spaceRun = end &- (last &+ 1)
            spaceRunStart = last &+ 1
        }
    }

    private func handle(_ line: Line) {
        let continuation = continuesLine
        continuesLine = line.isCut
        guard line.contentStart < line.contentEnd else {
            // A blank line ends the paragraph.
            finishBlock()
            if line.isFormFeed { markPageBreak() }
            return
        }
        // Pieces of the line: the content split at runs of four or more spaces.
        var pieceStart = line.contentStart
        var pieces: [(Int, Int)] = []
        for (gapStart, gapEnd) in line.gaps {
            pieces.append((pieceStart, gapStart))
            pieceStart = gapEnd
        }
        pieces.append((pieceStart, line.contentEnd))
        for (index, piece) in pieces.enumerated() {
            let trimmedEnd = trimTrailingSpace(piece.0, piece.1)
            guard piece.0 < trimmedEnd else { continue }
            let isFirst = index == 0
            let indented = isFirst && line.contentStart > line.start
            startOrContinue(
                pieceStart: piece.0, pieceEnd: trimmedEnd, canContinue: isFirst && !indented,
                forceContinue: isFirst && continuation)
        }
        if line.isFormFeed {
            finishBlock()
            markPageBreak()
        }
    }

    private func startOrContinue(pieceStart: Int, pieceEnd: Int, canContinue: Bool, forceContinue: Bool) {
        if forceContinue, blockStart != nil {
            blockEnd = pieceEnd
            cutIfLong()
            return
        }
        // Headings are short; a list marker is in the first bytes.
        let (headingLevel, isListItem) = buffer[pieceStart..<pieceEnd].withUnsafeBufferPointer { piece in
            (TextLine.headingLevel(piece), TextLine.isListItem(piece))
        }
        let continues =
            canContinue && blockStart != nil && !blockClosed && headingLevel == nil && !isListItem
            && !(blockKind.isHeading)
        if continues {
            blockEnd = pieceEnd
        } else {
            finishBlock()
            blockStart = pieceStart
            blockEnd = pieceEnd
            blockKind = headingLevel.map { .heading(level: $0) } ?? (isListItem ? .listItem(level: 1) : .paragraph)
            blockClosed = headingLevel != nil
        }
        cutIfLong()
    }

    /// Cuts a block that has grown past ``maxBlockBytes`` at its last space (or between characters).
    private func cutIfLong() {
        guard let start = blockStart, blockEnd - start > Self.maxBlockBytes else { return }
        var cut = start + Self.maxBlockBytes
        while cut > start && buffer[cut] & 0xC0 == 0x80 { cut -= 1 }  // not inside a character
        var space = cut
        while space > start + Self.maxBlockBytes / 2 && buffer[space] != 0x20 { space -= 1 }
        if buffer[space] == 0x20 {
            cut = trimTrailingSpace(start, space)
        }
        let end = blockEnd
        blockEnd = cut
        finishBlock()
        var next = cut
        while next < end && (buffer[next] == 0x20 || buffer[next] == 0x09) { next += 1 }
        blockStart = next
        blockEnd = end
        blockKind = .paragraph
        cutIfLong()
    }

    private func trimTrailingSpace(_ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start {
            let byte = buffer[end - 1]
            if byte == 0x20 || byte == 0x09 {
                end -= 1
            } else if byte >= 0x80, end - start >= 2, buffer[end - 2] == 0xC2, byte == 0xA0 {
                end -= 2
            } else if byte == 0x80, end - start >= 3, buffer[end - 3] == 0xE3, buffer[end - 2] == 0x80 {
                end -= 3
            } else {
                break
            }
        }
        return end
    }

    private func finishBlock() {
        defer {
            blockStart = nil
            blockClosed = false
            blockKind = .paragraph
        }
        guard let start = blockStart, start < blockEnd else { return }
        let separator = buffer[emittedEnd..<start]
        let text = buffer[start..<blockEnd]
        let separatorScalars = Self.scalarCount(separator)
        let textScalars = Self.scalarCount(text)
        let scalarStart = scalarOffset + separatorScalars
        let utf8Start = utf8Offset + separator.count
        let block = Block(
            kind: blockKind, range: TextRange(start: scalarStart, end: scalarStart + textScalars),
            utf8Range: utf8Start..<(utf8Start + text.count))
        blocks.append(
            ExtractedBlock(
                block: block, text: String(decoding: text, as: UTF8.self),
                separator: String(decoding: separator, as: UTF8.self)))
        scalarOffset = scalarStart + textScalars
        utf8Offset = utf8Start + text.count
        emittedEnd = blockEnd
        pageBreakPending = false
    }

    private func markPageBreak() {
        guard utf8Offset > 0, !pageBreakPending else { return }
        let block = Block(
            kind: .pageBreak, range: TextRange(start: scalarOffset, end: scalarOffset),
            utf8Range: utf8Offset..<utf8Offset)
        blocks.append(ExtractedBlock(block: block, text: "", separator: ""))
        pageBreakPending = true
    }

    /// Drops the bytes handed on, keeping indices valid.
    private func compact() {
        let drop = min(emittedEnd, blockStart ?? emittedEnd, scanStart)
        guard drop > 0 else { return }
        buffer.removeSubrange(0..<drop)
        emittedEnd -= drop
        scanStart -= drop
        if let start = blockStart {
            blockStart = start - drop
            blockEnd -= drop
        }
    }

    private static func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { UTF8Sequence.scalarCount($0) }
    }
}

extension BlockKind {
    var isHeading: Bool {
        if case .heading = self { return true }
        return false
    }
}

/// What a line of plain text is, by its first characters.
enum TextLine {
    /// The heading level of a standalone line, or nil: "PART II" 1, "Item 7." 2, "ARTICLE 5" 2,
    /// "第一回" / "第三章" 2 ("第一卷" 1, "第二节" 3), Markdown `#` by its count, a short line in capitals 3.
    static let maxHeadingBytes = 400

    static func headingLevel(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !line.isEmpty, line.count <= maxHeadingBytes else { return nil }
        var scalars = 0
        var uppercase = 0
        var hasLowercase = false
        var isASCII = true
        for byte in line {
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte >= 0x80 { isASCII = false }
            if byte >= 0x61 && byte <= 0x7A { hasLowercase = true }
            if byte >= 0x41 && byte <= 0x5A { uppercase += 1 }
        }
        guard scalars <= 100 else { return nil }
        if HeadingLine.isPartLine(line) { return 1 }
        if HeadingLine.isItemLine(line) { return 2 }
        if line[0] == UInt8(ascii: "#") {
            let hashes = line.prefix { $0 == UInt8(ascii: "#") }.count
            if hashes <= 6, line.count > hashes, line[hashes] == 0x20 { return hashes }
        }
        if line.starts(with: chapterMark), let level = chineseChapterLevel(String(decoding: line, as: UTF8.self)) {
            return level
        }
        if line.starts(with: Self.article) || line.starts(with: Self.articleCapitalized) {
            let rest = line.dropFirst(8).prefix { $0 != 0x20 && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: ":") }
            if !rest.isEmpty, rest.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || Array("IVXLC".utf8).contains($0) }) {
                return 2
            }
        }
        // A short line in capitals.
        guard scalars <= 80, !hasLowercase,
            ![UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":")].contains(line.last!)
        else { return nil }
        if isASCII { return uppercase >= 3 ? 3 : nil }
        // Only Latin, Greek and Cyrillic (two-byte leads C3–D4) have case beyond ASCII.
        guard uppercase >= 3 || line.contains(where: { $0 >= 0xC3 && $0 <= 0xD4 }) else { return nil }
        var letters = 0
        for scalar in String(decoding: line, as: UTF8.self).unicodeScalars {
            if scalar.properties.isLowercase { return nil }
            if scalar.properties.isUppercase { letters += 1 }
        }
        return letters >= 3 ? 3 : nil
    }

    private static let chapterMark = Array("第".utf8)
    private static let article = Array("ARTICLE ".utf8)
    private static let articleCapitalized = Array("Article ".utf8)

    /// 第…回 / 第…章 (2), 第…卷 / 第…部 / 第…篇 (1), 第…节 (3), at the start of a line.
    private static func chineseChapterLevel(_ text: String) -> Int? {
        guard text.hasPrefix("第") else { return nil }
        let numerals = "一二三四五六七八九十百千零〇两壹贰叁肆伍陆柒捌玖拾0123456789０１２３４５６７８９"
        var index = text.index(after: text.startIndex)
        var count = 0
        while index < text.endIndex, numerals.contains(text[index]) {
            index = text.index(after: index)
            count += 1
        }
        guard count > 0, count <= 8, index < text.endIndex else { return nil }
        switch text[index] {
        case "回", "章": return 2
        case "卷", "部", "篇": return 1
        case "节": return 3
        default: return nil
        }
    }

    /// A bullet and a space, or `(a) ` / `(iv) ` / `(12) `.
    static func isListItem(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for bullet in bullets where line.starts(with: bullet) && line.count > bullet.count {
            return true
        }
        guard line.first == UInt8(ascii: "("), let close = line.prefix(7).firstIndex(of: UInt8(ascii: ")")),
            close >= 2, close + 1 < line.count, line[close + 1] == 0x20
        else { return false }
        return line[1..<close].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) }
    }

    private static let bullets: [[UInt8]] = ["• ", "- ", "* ", "· ", "◦ ", "▪ ", "● ", "■ ", "– "].map {
        Array($0.utf8)
    }
}
