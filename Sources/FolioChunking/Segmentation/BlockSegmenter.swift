internal import FolioModel

/// A unit of one block before the cutter places it: a sentence, a line inside a paragraph, or a whole
/// heading or table row, with offsets into the block's text.
struct Segment: Sendable {
    /// UTF-8 offsets into the block's text, without surrounding whitespace.
    var start: Int
    var end: Int
    /// The boundary after the unit.
    var level: BoundaryLevel
    /// The strongest boundary that may lie inside the unit is finer than this.
    var finest: BoundaryLevel
}

/// Splits one block into the units the cutter places whole when it can.
///
/// A block's units depend on its text alone (every scan stays inside the block), so the streaming
/// pipeline finds them on the reading thread while the cutting thread counts tokens; the batch path
/// finds them as it cuts. Both give the cutter the same units.
enum BlockSegmenter {
    /// Appends the units of a block of `kind` whose text is `text` to `units`, in order:
    /// 1. Leading and trailing whitespace belong to no unit (a mark after a space stays with the space).
    /// 2. Paragraphs and list items give their sentences, and the lines inside them (rows of a
    ///    plain-text table, lines of an address); the last unit ends at the block boundary.
    /// 3. Other blocks (headings, table rows) are one unit; breaks have none.
    static func segment(_ kind: BlockKind, text: UnsafeBufferPointer<UInt8>, into units: inout [Segment]) {
        guard !kind.isBreak else { return }
        let scalars = TextScalars(bytes: text)
        let end = text.count
        var first = scalars.skipWhitespace(from: 0, end: end)
        // A mark after a space belongs to the space's cluster: the unit starts with the space.
        if first > 0 && scalars.continuesCluster(at: first, end: end) {
            first = scalars.scalarStart(before: first)
        }
        let last = scalars.trimTrailingWhitespace(start: first, end: end)
        guard first < last else { return }
        switch kind {
        case .paragraph, .listItem:
            var sentences: [Cut] = []
            SentenceScanner(text: scalars).cuts(start: first, end: last, into: &sentences)
            let finder = BoundaryFinder(text: scalars, base: 0)
            var unitStart = first
            var nextSentence = 0
            finder.lineCuts(first, last) { line in
                while nextSentence < sentences.count && sentences[nextSentence].end <= line.end {
                    let cut = sentences[nextSentence]
                    units.append(Segment(start: unitStart, end: cut.end, level: .sentence, finest: .line))
                    unitStart = cut.next
                    nextSentence += 1
                }
                guard line.end > unitStart else { return }
                units.append(Segment(start: unitStart, end: line.end, level: .line, finest: .line))
                unitStart = line.next
            }
            for cut in sentences[nextSentence...] {
                units.append(Segment(start: unitStart, end: cut.end, level: .sentence, finest: .line))
                unitStart = cut.next
            }
            units.append(Segment(start: unitStart, end: last, level: .block, finest: .line))
        default:
            units.append(Segment(start: first, end: last, level: .block, finest: .block))
        }
    }

    /// The path element of a heading block (see ``headingText(_:)``); nil for other kinds.
    static func headingText(of kind: BlockKind, _ text: @autoclosure () -> String) -> String? {
        guard case .heading = kind else { return nil }
        return headingText(text())
    }

    /// A heading as a path element: whitespace runs become one space; at most 300 characters.
    static func headingText(_ text: String) -> String {
        let words = text.split(whereSeparator: \.isWhitespace)
        let joined = words.joined(separator: " ")
        return joined.count > 300 ? String(joined.prefix(300)) : joined
    }
}

/// A batch of blocks with their units, found on the reading thread of the streaming pipeline (or
/// not, and then the cutter finds them).
struct SegmentedBlocks: Sendable {
    var blocks: [ExtractedBlock]
    /// Whether the units below were found; if not, they are empty.
    let isSegmented: Bool
    /// The units of all the blocks, in order: block `i` has `units[unitEnds[i - 1]..<unitEnds[i]]`.
    var units: [Segment] = []
    var unitEnds: [Int] = []
    /// The path text of each heading block (nil for other blocks).
    var headingTexts: [String?] = []

    /// The blocks, with their units found now when `segmenting`.
    init(_ blocks: [ExtractedBlock], segmenting: Bool) {
        self.blocks = blocks
        isSegmented = segmenting
        guard segmenting else { return }
        unitEnds.reserveCapacity(blocks.count)
        headingTexts.reserveCapacity(blocks.count)
        for block in blocks {
            var text = block.text
            text.withUTF8 { BlockSegmenter.segment(block.kind, text: $0, into: &units) }
            unitEnds.append(units.count)
            headingTexts.append(BlockSegmenter.headingText(of: block.kind, block.text))
        }
    }
}
