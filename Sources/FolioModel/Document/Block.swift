/// What a block of a document is: a heading, a paragraph, a list item, a table row or a break.
public enum BlockKind: Hashable, Sendable, CustomStringConvertible {
    /// A heading; `level` 1 is the outermost (an HTML `h1`, a filing's "PART II", a DOCX "Heading 1").
    case heading(level: Int)
    case paragraph
    /// An item of a list; `level` 1 is a top-level item, 2 an item of a list inside it, and so on.
    case listItem(level: Int)
    /// One row of a table, its cells joined by `" | "`.
    case tableRow
    /// A page break of the source (an empty block marking the position).
    case pageBreak
    /// A section break of the source (an empty block marking the position).
    case sectionBreak

    /// The kind's name in JSON output: `heading`, `paragraph`, `list_item`, `table_row`, `page_break`, `section_break`.
    public var name: String {
        switch self {
        case .heading: "heading"
        case .paragraph: "paragraph"
        case .listItem: "list_item"
        case .tableRow: "table_row"
        case .pageBreak: "page_break"
        case .sectionBreak: "section_break"
        }
    }

    /// The heading or list level, nil for other kinds.
    public var level: Int? {
        switch self {
        case .heading(let level), .listItem(let level): level
        default: nil
        }
    }

    /// Whether the block marks a position and holds no text.
    public var isBreak: Bool {
        switch self {
        case .pageBreak, .sectionBreak: true
        default: false
        }
    }

    public var description: String { level.map { "\(name)(\($0))" } ?? name }
}

/// One block of a document: its kind and where its text lies in the document's text.
public struct Block: Hashable, Sendable, CustomStringConvertible {
    public var kind: BlockKind
    /// Unicode-scalar offsets into ``Document/text``.
    public var range: TextRange
    /// UTF-8 byte offsets into ``Document/text`` (the same characters as ``range``).
    public var utf8Range: Range<Int>
    /// The page of the source the block is on, from 1 (a PDF's page); nil for formats without pages
    /// (HTML, XML, DOCX, ODT, text). A ``BlockKind/pageBreak`` carries the page that follows it.
    public var page: Int?

    public init(kind: BlockKind, range: TextRange, utf8Range: Range<Int>, page: Int? = nil) {
        self.kind = kind
        self.range = range
        self.utf8Range = utf8Range
        self.page = page
    }

    public var description: String { page.map { "\(kind) \(range) p. \($0)" } ?? "\(kind) \(range)" }
}

/// A block as a reader produces it while the input is still being read: the block, its text, and the
/// text between the previous block and this one.
///
/// Concatenating `separator + text` over the blocks of a stream gives the document's text up to the
/// end of the last block (a plain-text document's text may go on with trailing whitespace).
public struct ExtractedBlock: Hashable, Sendable {
    public var block: Block
    /// The block's text: `Document.text[block.range]`.
    public var text: String
    /// The text between the end of the previous block (or the start of the document) and this block:
    /// `"\n"` or `"\n\n"` in normalized documents, the file's own characters in plain text.
    public var separator: String

    public init(block: Block, text: String, separator: String) {
        self.block = block
        self.text = text
        self.separator = separator
    }

    public var kind: BlockKind { block.kind }
    public var range: TextRange { block.range }
}
