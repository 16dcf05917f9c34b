public import FolioModel

/// Limits that keep hostile input from taking unbounded time or memory.
///
/// Each limit is checked while the input streams, and a file that reaches one fails with
/// ``IngestError/Code/limitExceeded`` naming the limit (``IngestError/limit``). The defaults are sized for
/// real documents with a wide margin: the largest SEC filing in the test corpus nests 16 elements deep and
/// inflates to 4 MB; ordinary text compresses at most 10:1.
public struct IngestLimits: Hashable, Sendable {
    /// Bytes a gzip stream or a ZIP entry may inflate to (10^9).
    public var maxDecompressedBytes: Int
    /// Inflated bytes per compressed byte, checked once more than ``compressionRatioFloorBytes`` have been
    /// inflated (a gzip bomb of zeros inflates about 1,000:1; text, 3–10:1).
    public var maxCompressionRatio: Int
    /// Output below which the ratio is not checked (small, highly repetitive files are fine).
    public var compressionRatioFloorBytes: Int
    /// Elements open at once in HTML or XML (100,000 nested `div`s are refused by default).
    public var maxNestingDepth: Int
    /// Entries in a ZIP container's directory.
    public var maxArchiveEntries: Int
    /// Bytes of a PDF (after gzip, if it came gzipped), 1 GiB by default. A PDF is read whole into
    /// memory, because its cross-reference points anywhere in the file; its blocks are still handed on
    /// page by page. The PDF reader's own bounds (stream sizes, nesting, operators per page) are
    /// `FolioPDF`'s `PDFLimits` defaults, named `PDFLimits.<name>` when one is hit.
    public var maxPDFBytes: Int

    public init(
        maxDecompressedBytes: Int = 1_000_000_000, maxCompressionRatio: Int = 200,
        compressionRatioFloorBytes: Int = 1 << 20, maxNestingDepth: Int = 10_000, maxArchiveEntries: Int = 65_536,
        maxPDFBytes: Int = 1 << 30
    ) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.compressionRatioFloorBytes = compressionRatioFloorBytes
        self.maxNestingDepth = maxNestingDepth
        self.maxArchiveEntries = maxArchiveEntries
        self.maxPDFBytes = maxPDFBytes
    }

    /// Checks every limit; readers call it before they read, and an embedder may call it up front.
    ///
    /// - Throws: ``IngestError/Code/invalidConfiguration`` naming the first limit that is not positive.
    public func validate() throws(IngestError) {
        let named = [
            ("maxDecompressedBytes", maxDecompressedBytes), ("maxCompressionRatio", maxCompressionRatio),
            ("maxNestingDepth", maxNestingDepth), ("maxArchiveEntries", maxArchiveEntries),
            ("maxPDFBytes", maxPDFBytes),
        ]
        for (name, value) in named where value <= 0 {
            throw IngestError(.invalidConfiguration, "the limit \(name) must be positive, got \(value)")
        }
        if compressionRatioFloorBytes < 0 {
            throw IngestError(
                .invalidConfiguration,
                "the limit compressionRatioFloorBytes must not be negative, got \(compressionRatioFloorBytes)")
        }
    }
}

/// How to read a file: what to assume about it and the limits to apply.
public struct IngestOptions: Hashable, Sendable {
    /// The format to read the file as, or nil to detect it (content first, then the file name's extension).
    ///
    /// It picks a reader among the formats Folio reads; it does not make other content text. Content that
    /// starts like a PDF is read as a PDF whatever the format says (a PDF is never taken for text); an
    /// image or binary data is refused as ``IngestError/Code/unsupportedFormat``; only text-based formats
    /// Folio does not parse (RTF, PostScript) are read verbatim as ``InputFormat/text``.
    public var format: InputFormat?
    /// The character encoding of text, HTML or XML, or nil to detect it (byte-order mark, then a declared
    /// charset, then strict UTF-8, then GB18030). When given, it is used as is; a byte-order mark of this
    /// encoding at the start is skipped, any other is decoded as text.
    public var encoding: TextEncoding?
    public var limits: IngestLimits

    public init(format: InputFormat? = nil, encoding: TextEncoding? = nil, limits: IngestLimits = IngestLimits()) {
        self.format = format
        self.encoding = encoding
        self.limits = limits
    }
}

/// A format a file can be read as (what `--input-format` names).
public enum InputFormat: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case text
    /// HTML, XHTML and inline XBRL: libxml2's HTML parser.
    case html
    /// XML and XBRL instance documents: libxml2's XML parser.
    case xml
    case docx
    case odt
    /// A PDF's text layer (``IngestLimits/maxPDFBytes``); detected by its `%PDF-` header whatever the name.
    case pdf

    public var description: String { rawValue }
}
