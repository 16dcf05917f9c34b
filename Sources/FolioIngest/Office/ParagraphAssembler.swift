internal import FolioModel

/// Builds blocks from word-processor structure (DOCX, ODT): paragraphs with a kind, tables of rows and
/// cells, line and page breaks, and paragraphs nested in text boxes.
///
/// 1. A paragraph's text becomes one block of its kind; a bold, short, standalone paragraph of an
///    ordinary style is a heading line (``HeadingLine``), as in HTML filings.
/// 2. Inside a table cell, paragraphs are separated by spaces; a row becomes one block, its non-empty
///    cells joined by `" | "` (``TableRowText``), when it ends. A table inside a cell ends the outer row
///    so far, as in HTML.
/// 3. A paragraph inside another (a text box anchored in it) finishes the outer text so far first.
struct ParagraphAssembler {
    private(set) var builder = BlockBuilder()

    private struct Paragraph {
        var kind: BlockKind
        var sawNonBoldText = false
    }

    private var paragraphs: [Paragraph] = []
    private var tables = TableStack()
    private var previous = PreviousBlock.none
    private var nextIsTight = false

    private var isInCell: Bool { tables.isInCell }

    // MARK: Paragraphs

    mutating func beginParagraph(_ kind: BlockKind) {
        if !paragraphs.isEmpty { finishText(paragraphs[paragraphs.count - 1]) }
        paragraphs.append(Paragraph(kind: kind))
    }

    /// Sets the kind of the open paragraph (its properties come after its start).
    mutating func setParagraphKind(_ kind: BlockKind) {
        guard !paragraphs.isEmpty else { return }
        paragraphs[paragraphs.count - 1].kind = kind
    }

    var paragraphKind: BlockKind? { paragraphs.last?.kind }

    mutating func endParagraph() {
        guard let paragraph = paragraphs.popLast() else { return }
        finishText(paragraph)
        nextIsTight = false
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isBold: Bool) {
        if !isBold, !paragraphs.isEmpty, !paragraphs[paragraphs.count - 1].sawNonBoldText,
            BlockBuilder.containsNonSpace(bytes)
        {
            paragraphs[paragraphs.count - 1].sawNonBoldText = true
        }
        builder.append(bytes)
    }

    mutating func text(_ string: String, isBold: Bool) {
        var string = string
        string.withUTF8 { text($0, isBold: isBold) }
    }

    mutating func space() { builder.appendSpace() }

    /// A line break inside a paragraph: the lines become blocks separated by one newline.
    mutating func lineBreak() {
        if isInCell {
            builder.appendSpace()
            return
        }
        if let paragraph = paragraphs.last {
            finishText(paragraph)
            paragraphs[paragraphs.count - 1].sawNonBoldText = false
        }
        nextIsTight = true
    }

    /// A page or section break at this point of the text.
    mutating func mark(_ kind: BlockKind) {
        if isInCell { return }
        if let paragraph = paragraphs.last {
            finishText(paragraph)
            paragraphs[paragraphs.count - 1].sawNonBoldText = false
        }
        builder.markBreak(kind)
        nextIsTight = false
    }

    // MARK: Tables

    mutating func beginTable() {
        if tables.isRowOpen { finishRow() }  // a table inside a cell: the outer row so far is a row of its own
        tables.push()
    }

    mutating func endTable() {
        guard !tables.isEmpty else { return }
        finishRow()
        tables.pop()
    }

    mutating func beginRow() {
        finishRow()
        tables.openRow()
    }

    mutating func endRow() { finishRow() }

    mutating func beginCell() {
        tables.finishCell(&builder)
        tables.openCell()
    }

    mutating func endCell() { tables.finishCell(&builder) }

    /// Ends the document: open paragraphs and tables are finished.
    mutating func finish() {
        while !paragraphs.isEmpty { endParagraph() }
        while !tables.isEmpty { endTable() }
        builder.finishBlock(.paragraph, tight: false)
    }

    mutating func takeFinished() -> [ExtractedBlock] { builder.takeFinished() }

    // MARK: Internals

    private mutating func finishText(_ paragraph: Paragraph) {
        if isInCell {
            builder.appendSpace()
            return
        }
        guard !builder.isEmpty else { return }
        var kind = paragraph.kind
        let isBold = !paragraph.sawNonBoldText
        if case .paragraph = kind,
            let level = builder.current.withUnsafeBufferPointer({ HeadingLine.level(of: $0, isBold: isBold) })
        {
            kind = .heading(level: level)
        }
        previous = builder.finishText(kind, continuesLines: nextIsTight, after: previous) ?? previous
    }

    private mutating func finishRow() {
        guard let row = tables.takeRow(&builder) else { return }
        if let emitted = builder.finishRow(row.cells, table: row.table, after: previous) {
            previous = emitted
            nextIsTight = false
        }
    }
}
