/// Bounds on the work and memory one PDF may take; every hostile input meets one of these as a typed
/// ``PDFError`` (``PDFError/Code/limitExceeded``) instead of a crash, a hang or unbounded memory.
public struct PDFLimits: Hashable, Sendable {
    /// Bytes one stream may decode to (after all its filters), and bytes all content streams of one
    /// page may decode to together (256 MiB: the largest CUAD page decodes to about 60 MB).
    public var maxStreamBytes: Int
    /// Decoded bytes per encoded byte of a stream, checked once more than 1 MiB has been decoded.
    public var maxCompressionRatio: Int
    /// Arrays and dictionaries open at once while parsing one object, and Form XObjects and `q` nested
    /// at once while interpreting a page.
    public var maxNestingDepth: Int
    /// Objects the cross-reference may declare.
    public var maxObjects: Int
    /// Pages the page tree may hold.
    public var maxPages: Int
    /// Operators interpreted on one page (Form XObjects included): bounds the time a hostile page takes.
    public var maxOperatorsPerPage: Int
    /// Entries one CMap (ToUnicode or encoding) may define: a `bfchar` pair or a `bfrange`/`cidrange`
    /// line each.
    public var maxCMapEntries: Int

    public init(
        maxStreamBytes: Int = 256 << 20, maxCompressionRatio: Int = 200, maxNestingDepth: Int = 512,
        maxObjects: Int = 10_000_000, maxPages: Int = 100_000, maxOperatorsPerPage: Int = 50_000_000,
        maxCMapEntries: Int = 200_000
    ) {
        self.maxStreamBytes = maxStreamBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxNestingDepth = maxNestingDepth
        self.maxObjects = maxObjects
        self.maxPages = maxPages
        self.maxOperatorsPerPage = maxOperatorsPerPage
        self.maxCMapEntries = maxCMapEntries
    }
}
