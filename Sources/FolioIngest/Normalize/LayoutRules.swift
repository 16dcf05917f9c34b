internal import FolioModel

/// What the last text block was, for the separator before the next: items of a list and rows of one
/// table are separated by a newline, other blocks by a blank line.
enum PreviousBlock: Equatable {
    case none, listItem, other
    case tableRow(table: Int)
}

extension BlockBuilder {
    /// Finishes the current text as a block of `kind`, separated by a newline when it continues a line
    /// group or follows a list item as one; returns what was emitted (nil for nothing).
    mutating func finishText(_ kind: BlockKind, continuesLines: Bool, after previous: PreviousBlock) -> PreviousBlock? {
        guard !isEmpty else { return nil }
        let isListItem: Bool
        if case .listItem = kind { isListItem = true } else { isListItem = false }
        finishBlock(kind, tight: continuesLines || (isListItem && previous == .listItem))
        return isListItem ? .listItem : .other
    }

    /// Finishes a table row from its cells (``TableRowText``): a list item when the table lays out a
    /// bullet and its text, a row of `" | "`-joined cells otherwise; returns what was emitted.
    mutating func finishRow(_ cells: [[UInt8]], table: Int, after previous: PreviousBlock) -> PreviousBlock? {
        let cells = TableRowText.mergeUnitCells(cells)
        guard !cells.isEmpty else { return nil }
        if let item = TableRowText.listItem(cells) {
            replaceCurrent(with: item)
            finishBlock(.listItem(level: 1), tight: previous == .listItem)
            return .listItem
        }
        replaceCurrent(with: TableRowText.join(cells))
        finishBlock(.tableRow, tight: previous == .tableRow(table: table))
        return .tableRow(table: table)
    }
}

/// The tables open at a point of a document, innermost last: whether text is in a cell, and the cells of
/// each table's current row. Cell text is built in the ``BlockBuilder`` and moved here when the cell ends.
struct TableStack {
    private struct Table {
        var id: Int
        var isRowOpen = false
        var isCellOpen = false
        var cells: [[UInt8]] = []
    }

    private var tables: [Table] = []
    private var nextID = 0

    var isEmpty: Bool { tables.isEmpty }
    var isInCell: Bool { tables.last?.isCellOpen ?? false }
    var isRowOpen: Bool { tables.last?.isRowOpen ?? false }

    mutating func push() {
        tables.append(Table(id: nextID))
        nextID += 1
    }

    mutating func pop() { tables.removeLast() }

    /// Marks a row of the innermost table open (a cell opens its row too).
    mutating func openRow() {
        guard !tables.isEmpty else { return }
        tables[tables.count - 1].isRowOpen = true
    }

    mutating func openCell() {
        guard !tables.isEmpty else { return }
        tables[tables.count - 1].isRowOpen = true
        tables[tables.count - 1].isCellOpen = true
    }

    /// Ends the open cell of the innermost table, moving its text out of `builder`.
    mutating func finishCell(_ builder: inout BlockBuilder) {
        guard !tables.isEmpty, tables[tables.count - 1].isCellOpen else { return }
        let cell = builder.takeCurrent()
        tables[tables.count - 1].isCellOpen = false
        if !cell.isEmpty { tables[tables.count - 1].cells.append(cell) }
    }

    /// Ends the current row of the innermost table: its cells (text left in `builder` outside any cell
    /// counts as one) and the table's identity.
    mutating func takeRow(_ builder: inout BlockBuilder) -> (cells: [[UInt8]], table: Int)? {
        guard !tables.isEmpty else { return nil }
        finishCell(&builder)
        var table = tables[tables.count - 1]
        if !builder.isEmpty { table.cells.append(builder.takeCurrent()) }
        tables[tables.count - 1].cells = []
        tables[tables.count - 1].isRowOpen = false
        return (table.cells, table.id)
    }
}

/// How the cells of a table row become one line of text.
enum TableRowText {
    /// Cells joined by `" | "`.
    static func join(_ cells: [[UInt8]]) -> [UInt8] {
        var row: [UInt8] = []
        row.reserveCapacity(cells.reduce(0) { $0 + $1.count + 3 })
        for (index, cell) in cells.enumerated() {
            if index > 0 { row.append(contentsOf: separator) }
            row.append(contentsOf: cell)
        }
        return row
    }

    private static let separator: [UInt8] = Array(" | ".utf8)

    /// Glues a currency sign in a cell of its own to the amount after it (`$ | 391,035` → `$391,035`) and
    /// a closing `)` or `%` in a cell of its own to the amount before it, as filings lay them out.
    static func mergeUnitCells(_ cells: [[UInt8]]) -> [[UInt8]] {
        guard cells.count > 1 else { return cells }
        var merged: [[UInt8]] = []
        merged.reserveCapacity(cells.count)
        var pendingPrefix: [UInt8]?
        for cell in cells {
            if let prefix = pendingPrefix {
                pendingPrefix = nil
                if !isClosingUnit(cell) {
                    merged.append(prefix + cell)
                    continue
                }
                merged.append(prefix)
            }
            if isCurrencySign(cell) {
                pendingPrefix = cell
            } else if isClosingUnit(cell), !merged.isEmpty {
                merged[merged.count - 1].append(contentsOf: cell)
            } else {
                merged.append(cell)
            }
        }
        if let prefix = pendingPrefix { merged.append(prefix) }
        return merged
    }

    /// A row of two cells whose first is a bullet or an enumerator (`•`, `(a)`, `(iv)`, `1.`) is a list item,
    /// laid out with a table: returns `"• text"`.
    static func listItem(_ cells: [[UInt8]]) -> [UInt8]? {
        guard cells.count == 2, isListMarker(cells[0]) else { return nil }
        return cells[0] + [0x20] + cells[1]
    }

    private static let currencySigns: Set<[UInt8]> = Set(
        ["$", "€", "£", "¥", "US$", "C$", "A$", "HK$", "RMB", "¢"].map { Array($0.utf8) })
    private static let closingUnits: Set<[UInt8]> = Set([")", "%", ")%", "%)", "pts", "bps"].map { Array($0.utf8) })
    private static let bullets: Set<[UInt8]> = Set(
        ["•", "●", "◦", "▪", "■", "□", "·", "–", "—", "-", "*", "➢", "➤", "►", "✓", "\u{F0B7}", "\u{F0A7}"].map {
            Array($0.utf8)
        })

    static func isCurrencySign(_ cell: [UInt8]) -> Bool { cell.count <= 4 && currencySigns.contains(cell) }
    static func isClosingUnit(_ cell: [UInt8]) -> Bool { cell.count <= 3 && closingUnits.contains(cell) }

    /// A bullet, `(a)` / `(iv)` / `(12)`, or `1.` / `a.` (at most five characters).
    static func isListMarker(_ cell: [UInt8]) -> Bool {
        if bullets.contains(cell) { return true }
        guard cell.count >= 2, cell.count <= 5 else { return false }
        let isAlphanumeric: (UInt8) -> Bool = {
            ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A)
        }
        if cell.first == UInt8(ascii: "("), cell.last == UInt8(ascii: ")") {
            return cell.dropFirst().dropLast().allSatisfy(isAlphanumeric)
        }
        if cell.last == UInt8(ascii: ".") {
            let body = cell.dropLast()
            return body.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } || (body.count == 1 && body.allSatisfy(isAlphanumeric))
        }
        return false
    }
}

/// Which lines of a filing are headings although the markup does not say so.
///
/// SEC filings mark their structure with bold type, not heading elements. A standalone line (a block of
/// its own) that is bold throughout, short (at most ``maxScalars`` characters) and has letters is a
/// heading: level 1 for "PART I"…, level 2 for "Item 7." …, level 3 otherwise. Lines ending like a
/// lead-in (`,`, `;`, `:`) are not headings, nor are lines ending with a period that read like a
/// sentence (lowercase letters and more than three words). A line that is just "PART II" (with an
/// optional title) is a level-1 heading even when not bold.
enum HeadingLine {
    static let maxScalars = 120

    /// The heading level of a block's normalized text, or nil when it is an ordinary paragraph.
    static func level(of text: UnsafeBufferPointer<UInt8>, isBold: Bool) -> Int? {
        guard !text.isEmpty, text.count <= maxScalars * 4 else { return nil }
        guard UTF8Sequence.scalarCount(text) <= maxScalars else { return nil }
        if isPartLine(text) { return 1 }
        guard isBold else { return nil }
        if isItemLine(text) { return 2 }
        var letters = 0
        for byte in text where byte >= 0x80 || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) { letters += 1 }
        guard letters >= 2 else { return nil }
        switch text.last {
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"):
            return nil
        case UInt8(ascii: "."):
            // "NORTHWIND INSTRUMENTS, INC." and "Competition." are headings; a bold sentence is not.
            let hasLowercase = text.contains { $0 >= 0x61 && $0 <= 0x7A }
            let words = text.split(separator: 0x20).count
            return !hasLowercase || words <= 3 ? 3 : nil
        default:
            return 3
        }
    }

    /// "PART I", "Part II", "PART IV — OTHER INFORMATION", "PART II. OTHER INFORMATION".
    static func isPartLine(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count <= 100, hasPrefixIgnoringCase(text, "part ") else { return false }
        var index = 5
        var numerals = 0
        while index < text.count,
            [UInt8(ascii: "I"), UInt8(ascii: "V"), UInt8(ascii: "X")].contains(text[index] & ~0x20)
        {
            index += 1
            numerals += 1
        }
        guard numerals > 0 else { return false }
        return index == text.count
            || [0x20, UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"), 0xE2].contains(text[index])
    }

    /// "Item 7.", "ITEM 1A. RISK FACTORS", "Item 9B: Other Information".
    static func isItemLine(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hasPrefixIgnoringCase(text, "item ") else { return false }
        var index = 5
        while index < text.count, text[index] == 0x20 { index += 1 }
        var digits = 0
        while index < text.count, text[index] >= 0x30, text[index] <= 0x39 {
            index += 1
            digits += 1
        }
        return digits > 0 && digits <= 2
    }

    private static func hasPrefixIgnoringCase(_ text: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in
            guard text.count >= prefix.count else { return false }
            for (byte, expected) in zip(text, prefix) where HTMLPrescanner.lowercased(byte) != expected { return false }
            return true
        }
    }
}
