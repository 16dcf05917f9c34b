/// A piece of a document that fits a token budget.
///
/// - Important: ``range`` counts Unicode scalars of the document text and ``utf8Range`` counts its
///   UTF-8 bytes; both delimit exactly ``text``. ``tokenCount`` is the exact number of tokens of
///   ``text`` under the encoding the chunk was made with (ordinary text: special-token strings are
///   counted as text).
public struct Chunk: Hashable, Sendable, CustomStringConvertible {
    /// The position of the chunk in its document, from 0.
    public var index: Int
    public var range: TextRange
    public var utf8Range: Range<Int>
    public var tokenCount: Int
    public var text: String
    /// The headings in effect where the chunk starts, outermost first (the chunk's own leading heading
    /// included).
    public var headings: [String]
    /// The kinds of block the chunk covers, in order of first appearance.
    public var blockKinds: [BlockKind]
    /// The kind of boundary the chunk ends at.
    public var boundary: BoundaryLevel
    /// The pages of the source the chunk's text lies on, first to last (from its blocks'
    /// ``Block/page``); nil when the source has no pages.
    public var pages: ClosedRange<Int>?

    public init(
        index: Int, range: TextRange, utf8Range: Range<Int>, tokenCount: Int, text: String,
        headings: [String] = [], blockKinds: [BlockKind] = [], boundary: BoundaryLevel, pages: ClosedRange<Int>? = nil
    ) {
        self.index = index
        self.range = range
        self.utf8Range = utf8Range
        self.tokenCount = tokenCount
        self.text = text
        self.headings = headings
        self.blockKinds = blockKinds
        self.boundary = boundary
        self.pages = pages
    }

    public var description: String { "chunk \(index) \(range) \(tokenCount) tokens, ends at \(boundary)" }
}

/// Where text may be cut, from the finest boundary to the strongest.
///
/// A chunker prefers the strongest boundary that gives a well-filled chunk: a section (before a
/// heading) over a block (paragraph, list item, table row) over a sentence, a line break inside a
/// block, a clause, and so on down to a single Unicode scalar, which is used only inside a grapheme
/// cluster too large for the budget on its own.
public enum BoundaryLevel: Int, Hashable, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case scalar
    case grapheme
    case word
    case clause
    /// A line break inside a block (a row of a plain-text table, a line of an address).
    case line
    case sentence
    case block
    case section
    /// The end of the document.
    case document

    public static func < (lhs: BoundaryLevel, rhs: BoundaryLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .scalar: "scalar"
        case .grapheme: "grapheme"
        case .word: "word"
        case .clause: "clause"
        case .line: "line"
        case .sentence: "sentence"
        case .block: "block"
        case .section: "section"
        case .document: "document"
        }
    }
}
