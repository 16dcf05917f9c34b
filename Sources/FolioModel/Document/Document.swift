/// A source document turned into text: the normalized text, its blocks in order, and what was learnt
/// about the source.
///
/// - Important: ``Block/range`` offsets are Unicode scalars into ``text``; ``Block/utf8Range`` are the
///   same positions in UTF-8 bytes, for O(1) slicing with ``text(of:)``.
public struct Document: Sendable {
    /// The normalized text: blocks separated by a newline (table rows, list items, lines of one
    /// paragraph) or a blank line; a plain-text document's text is the decoded file itself.
    public let text: String
    public let blocks: [Block]
    public let metadata: DocumentMetadata

    public init(text: String, blocks: [Block], metadata: DocumentMetadata) {
        self.text = text
        self.blocks = blocks
        self.metadata = metadata
    }

    /// The text of `block`.
    public func text(of block: Block) -> Substring {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: block.utf8Range.lowerBound)
        let end = utf8.index(start, offsetBy: block.utf8Range.count)
        return text[start..<end]
    }

    /// The blocks that hold text (breaks left out).
    public var textBlocks: [Block] { blocks.filter { !$0.kind.isBreak } }
}

/// The container format a document was read from.
public enum DocumentFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case plainText = "text"
    case html
    /// HTML carrying inline XBRL facts (an SEC filing since 2019).
    case inlineXBRL = "ixbrl"
    case xhtml
    case xml
    /// An XBRL instance document (XML whose facts carry `contextRef`).
    case xbrl
    case docx
    case odt
    /// A PDF's text layer.
    case pdf

    public var description: String { rawValue }
}

/// What Folio learnt about a document's source while reading it.
public struct DocumentMetadata: Hashable, Sendable {
    public var format: DocumentFormat
    /// Whether the file was gzip-compressed.
    public var isGzipped: Bool
    /// The character encoding the text was decoded from (nil for ZIP containers, whose parts are XML).
    public var textEncoding: TextEncoding?
    /// The title, when the source has one (HTML `title`, DOCX/ODT document properties).
    public var title: String?
    /// Size of the file as stored, in bytes.
    public var sourceByteCount: Int
    /// How many U+FFFD REPLACEMENT CHARACTERs decoding inserted for invalid bytes.
    public var replacementCount: Int
    /// Text after the last block that belongs to the document text: a plain-text file's trailing
    /// whitespace (its text is verbatim), empty for other formats.
    public var trailingText: String
    /// Pages of the source (a PDF's page count); nil for formats without pages.
    public var pageCount: Int?
    /// Pages with no text (a PDF's scanned or blank pages, which contribute no block); 0 for formats
    /// without pages.
    public var emptyPageCount: Int
    /// Glyphs whose font gives no way to Unicode (a PDF's text layer): skipped, not guessed.
    public var unmappedGlyphCount: Int

    public init(
        format: DocumentFormat, isGzipped: Bool = false, textEncoding: TextEncoding? = nil, title: String? = nil,
        sourceByteCount: Int = 0, replacementCount: Int = 0, trailingText: String = "", pageCount: Int? = nil,
        emptyPageCount: Int = 0, unmappedGlyphCount: Int = 0
    ) {
        self.format = format
        self.isGzipped = isGzipped
        self.textEncoding = textEncoding
        self.title = title
        self.sourceByteCount = sourceByteCount
        self.replacementCount = replacementCount
        self.trailingText = trailingText
        self.pageCount = pageCount
        self.emptyPageCount = emptyPageCount
        self.unmappedGlyphCount = unmappedGlyphCount
    }
}
