public import FolioModel

/// How ``ContextAssembler`` fills a budget.
public struct PackConfiguration: Hashable, Sendable {
    /// The budgets a pack accepts, in tokens.
    public static let budgetRange = 16...10_000_000

    /// The most tokens the packed text may have (exactly counted).
    public var budget: Int
    /// The share of the budget given to the opening of the document (its title, parties and date)
    /// when the pack draws on one document; 0 turns it off.
    public var leadShare: Double
    /// How many chunks on each side of a hit may join it, when they fit.
    public var neighbours: Int
    /// How much the mean score of a chunk's two neighbours adds to its rank (0...4).
    public var contextWeight: Double
    /// Printed before the first passage of each document. Placeholders: `{path}`, `{file}` (the last
    /// path component).
    public var documentHeader: String
    /// Printed before each passage. Placeholders: `{n}` (1, 2, …), `{path}`, `{file}`, `{start}`,
    /// `{end}` (Unicode-scalar offsets into the document text), `{headings}` (the heading path joined
    /// by " › "), `{pages}` (the source pages, "p. 47" or "pp. 47–48"; empty when the source has no
    /// pages: ``PackedPassage/pageCitation``).
    public var passageHeader: String
    /// Between passages (and after a document header).
    public var separator: String
    public var parameters: BM25Parameters

    /// - Throws: ``IndexError/Code/invalidConfiguration`` for a budget outside ``budgetRange``, a
    ///   lead share outside 0...0.5, a context weight outside 0...4 or a neighbour count outside 0...16.
    public init(
        budget: Int, leadShare: Double = 0.2, neighbours: Int = 1, contextWeight: Double = 0.5,
        documentHeader: String = "<< {path} >>\n",
        passageHeader: String = "[{start}-{end}] {headings}\n", separator: String = "\n\n",
        parameters: BM25Parameters = .standard
    ) throws(IndexError) {
        guard Self.budgetRange.contains(budget) else {
            throw IndexError(
                .invalidConfiguration,
                """
                a budget of \(budget) tokens is outside \
                \(Self.budgetRange.lowerBound)...\(Self.budgetRange.upperBound)
                """
            )
        }
        guard (0...0.5).contains(leadShare) else {
            throw IndexError(.invalidConfiguration, "leadShare \(leadShare) is outside 0...0.5")
        }
        guard (0...4).contains(contextWeight) else {
            throw IndexError(.invalidConfiguration, "contextWeight \(contextWeight) is outside 0...4")
        }
        guard (0...16).contains(neighbours) else {
            throw IndexError(.invalidConfiguration, "neighbours \(neighbours) is outside 0...16")
        }
        self.budget = budget
        self.leadShare = leadShare
        self.neighbours = neighbours
        self.contextWeight = contextWeight
        self.documentHeader = documentHeader
        self.passageHeader = passageHeader
        self.separator = separator
        self.parameters = parameters
    }
}

/// One passage of a packed context: a contiguous span of one document.
public struct PackedPassage: Hashable, Sendable {
    /// The document's number in the index, and its path.
    public var document: Int
    public var path: String
    /// Unicode-scalar offsets into the document text.
    public var range: TextRange
    /// The heading path where the passage starts.
    public var headings: [String]
    /// The best BM25 score among its chunks (0 for the opening or a neighbour without a match).
    public var score: Double
    /// The passage text: exactly the document text in ``range``.
    public var text: String
    /// The pages of the source the passage lies on (from its chunks' ``ChunkInfo/pages``); nil when the
    /// source has no pages.
    public var pages: ClosedRange<Int>?

    public init(
        document: Int, path: String, range: TextRange, headings: [String], score: Double, text: String,
        pages: ClosedRange<Int>? = nil
    ) {
        self.document = document
        self.path = path
        self.range = range
        self.headings = headings
        self.score = score
        self.text = text
        self.pages = pages
    }

    /// The pages as a citation says them: "p. 47", "pp. 47–48", or "" when unknown.
    public var pageCitation: String { Self.citation(of: pages) }

    static func citation(of pages: ClosedRange<Int>?) -> String {
        guard let pages else { return "" }
        return pages.count == 1 ? "p. \(pages.lowerBound)" : "pp. \(pages.lowerBound)–\(pages.upperBound)"
    }
}

/// The result of a pack: text that fits the budget, and where each passage came from.
public struct PackedContext: Hashable, Sendable {
    /// The exact token count of ``text`` (ordinary text, the assembler's encoding).
    public var tokenCount: Int
    /// The passages joined by their citation headers and separators.
    public var text: String
    /// The passages in the order they appear in ``text`` (document order, then position).
    public var passages: [PackedPassage]
}
