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

    private struct Table {
        var id: Int
        var isCellOpen = false
        var cells: [[UInt8]] = []
    }

    private var paragraphs: [Paragraph] = []
    private var tables: [Table] = []
    private var nextTableID = 0
    private var lastWasListItem = false
    private var lastRowTable = -1
    private var nextIsTight = false

    private var isInCell: Bool { tables.last?.isCellOpen ?? false }

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
            bytes.contains(where: { !($0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D)) })
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
        if !tables.isEmpty, tables[tables.count - 1].isCellOpen || !tables[tables.count - 1].cells.isEmpty {
            finishRow()
        }
        tables.append(Table(id: nextTableID))
        nextTableID += 1
    }

    mutating func endTable() {
        guard !tables.isEmpty else { return }
        finishRow()
        tables.removeLast()
    }

    mutating func beginRow() {
        if !tables.isEmpty { finishRow() }
    }

    mutating func endRow() { finishRow() }

    mutating func beginCell() {
        guard !tables.isEmpty else { return }
        finishCell()
        tables[tables.count - 1].isCellOpen = true
    }

    mutating func endCell() { finishCell() }

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
        if case .paragraph = kind, let level = HeadingLine.level(of: builder.current, isBold: !paragraph.sawNonBoldText) {
            kind = .heading(level: level)
        }
        let isListItem: Bool
        if case .listItem = kind { isListItem = true } else { isListItem = false }
        builder.finishBlock(kind, tight: nextIsTight || (isListItem && lastWasListItem))
        lastWasListItem = isListItem
        lastRowTable = -1
    }

    private mutating func finishCell() {
        guard !tables.isEmpty, tables[tables.count - 1].isCellOpen else { return }
        let cell = builder.takeCurrent()
        tables[tables.count - 1].isCellOpen = false
        if !cell.isEmpty { tables[tables.count - 1].cells.append(cell) }
    }

    private mutating func finishRow() {
        guard !tables.isEmpty else { return }
        finishCell()
        let table = tables[tables.count - 1]
        tables[tables.count - 1].cells = []
        let cells = TableRowText.mergeUnitCells(table.cells)
        guard !cells.isEmpty else { return }
        if let item = TableRowText.listItem(cells) {
            builder.replaceCurrent(with: item)
            builder.finishBlock(.listItem(level: 1), tight: lastWasListItem)
            lastWasListItem = true
            lastRowTable = -1
        } else {
            builder.replaceCurrent(with: TableRowText.join(cells))
            builder.finishBlock(.tableRow, tight: lastRowTable == table.id)
            lastWasListItem = false
            lastRowTable = table.id
        }
        nextIsTight = false
    }
}
