/// Writes one block of a document as plain text or as HTML, into a byte buffer.
///
/// Composers say what a block is (a heading, a paragraph, a table row, a list item) and write its
/// words into ``bytes``; the markup around them depends on the format:
///
/// - Text: blocks are separated by a blank line (or, for ``Gap/line``, a line break), table rows and
///   list items are lines, cells are separated by a tab or padded with at least two spaces.
/// - HTML: `<h1>`–`<h3>`, `<p>`, `<b>`, `<table><tr><td>`, `<ul><li>` and `<br>`, one block per line.
///
/// Generated words never contain `<`, `>` or `&`, so nothing needs escaping.
struct Markup {
    /// What separates a block from the one before it in text format.
    enum Gap { case line, blank }

    /// How the cells of a text table line up.
    enum ColumnStyle { case tabs, spaces }

    let format: CorpusGenerator.Format
    /// The block written so far.
    var bytes: [UInt8] = []
    /// Whether no block has been written yet (no separator before the first one).
    var atDocumentStart = true
    /// Written at the start of each text paragraph (ideographic spaces in Chinese).
    var paragraphIndent: [UInt8] = []

    private var columnStyle = ColumnStyle.spaces
    private var cellIndex = 0
    private var cellStart = 0
    private var lineIndex = 0

    init(format: CorpusGenerator.Format) {
        self.format = format
        bytes.reserveCapacity(1 << 14)
    }

    var isHTML: Bool { format == .html }

    /// Forgets the block written so far.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Units of the budget in `bytes`: Unicode scalars in text, UTF-8 bytes in HTML.
    func units(_ bytes: [UInt8]) -> Int {
        isHTML ? bytes.count : bytes.withUnsafeBufferPointer(Lexicon.scalarCount)
    }

    private mutating func separate(_ gap: Gap) {
        if !isHTML && !atDocumentStart { bytes.put(gap == .blank ? "\n\n" : "\n") }
    }

    // MARK: Headings and paragraphs

    mutating func beginHeading(level: Int, gap: Gap = .blank) {
        separate(gap)
        if isHTML {
            bytes.put("<h")
            bytes.putNumber(level)
            bytes.put(">")
        }
    }

    mutating func endHeading(level: Int) {
        if isHTML {
            bytes.put("</h")
            bytes.putNumber(level)
            bytes.put(">\n")
        }
    }

    mutating func beginParagraph(gap: Gap = .blank) {
        separate(gap)
        if isHTML { bytes.put("<p>") } else { bytes.append(contentsOf: paragraphIndent) }
    }

    mutating func endParagraph() {
        if isHTML { bytes.put("</p>\n") }
    }

    /// A paragraph that is a bold heading in HTML (as filings write them) and a heading line in text.
    mutating func beginBoldParagraph(gap: Gap = .blank) {
        separate(gap)
        if isHTML { bytes.put("<p><b>") }
    }

    mutating func endBoldParagraph() {
        if isHTML { bytes.put("</b></p>\n") }
    }

    mutating func beginBold() {
        if isHTML { bytes.put("<b>") }
    }

    mutating func endBold() {
        if isHTML { bytes.put("</b>") }
    }

    /// A line break inside a block (signature blocks, addresses).
    mutating func lineBreak() {
        bytes.put(isHTML ? "<br>\n" : "\n")
    }

    // MARK: Tables

    mutating func beginTable(style: ColumnStyle, gap: Gap = .blank) {
        separate(gap)
        columnStyle = style
        lineIndex = 0
        if isHTML { bytes.put("<table>\n") }
    }

    mutating func beginRow() {
        if isHTML {
            bytes.put("<tr>")
        } else if lineIndex > 0 {
            bytes.put("\n")
        }
        lineIndex += 1
        cellIndex = 0
    }

    mutating func beginCell() {
        if isHTML {
            bytes.put("<td>")
        } else if cellIndex > 0 {
            bytes.put(columnStyle == .tabs ? "\t" : "  ")
        }
        cellStart = bytes.count
    }

    /// Ends a cell; in a text table with space-separated columns, pads it to `width` characters
    /// (on the left if `alignRight`).
    mutating func endCell(width: Int = 0, alignRight: Bool = false) {
        cellIndex += 1
        if isHTML {
            bytes.put("</td>")
            return
        }
        guard columnStyle == .spaces else { return }
        let length = bytes[cellStart...].withUnsafeBufferPointer(Lexicon.scalarCount)
        guard length < width else { return }
        if alignRight {
            bytes.insert(contentsOf: repeatElement(UInt8(ascii: " "), count: width - length), at: cellStart)
        } else {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - length))
        }
    }

    mutating func endRow() {
        if isHTML { bytes.put("</tr>\n") }
    }

    mutating func endTable() {
        if isHTML { bytes.put("</table>\n") }
    }

    // MARK: Lists

    mutating func beginList(gap: Gap = .blank) {
        separate(gap)
        lineIndex = 0
        if isHTML { bytes.put("<ul>\n") }
    }

    /// Starts a list item; in text, a line that starts with `bullet` (such as `"• "`).
    mutating func beginItem(bullet: StaticString) {
        if isHTML {
            bytes.put("<li>")
        } else {
            if lineIndex > 0 { bytes.put("\n") }
            bytes.put(bullet)
        }
        lineIndex += 1
    }

    mutating func endItem() {
        if isHTML { bytes.put("</li>\n") }
    }

    mutating func endList() {
        if isHTML { bytes.put("</ul>\n") }
    }
}
