/// Writes large, deterministic test documents: 10-K-like reports, contracts and Chinese prose, as plain
/// text or as HTML.
///
/// The documents exercise a sentence and clause segmenter: abbreviations (`Inc.`, `U.S.`, `e.g.`,
/// `Sec.`), decimals and amounts, section references such as `Section 2.1(a)`, quotes that close
/// after the stop, parentheses, ellipses, semicolons and colons, lists, tables, and sentences from five
/// to sixty words. Chinese prose has full-width punctuation, quotes of three kinds and numbers mixed in.
///
/// 1. A seeded SplitMix64 drives every choice, so the same kind, format, seed and size give the same
///    bytes on every platform.
/// 2. A composer for the kind writes one block at a time (a heading, a paragraph, a table, a list)
///    into a byte buffer, through ``Markup`` for the format.
/// 3. Blocks are kept while they fit the size; the block that does not is replaced by a last
///    paragraph of words that fits exactly, then the document is closed (`</body></html>` in HTML).
///
/// ```swift
/// let generator = CorpusGenerator(kind: .chinese, format: .text, seed: 7)
/// try generator.write(characters: 2_000_000) { piece in try handle.write(contentsOf: Data(piece.utf8)) }
/// ```
///
/// - Complexity: O(*n*) time and O(1) memory for *n* characters; pieces are at most 64 KiB of UTF-8.
/// - Important: For ``Format/text``, `characters` counts Unicode scalars; for ``Format/html`` it counts
///   UTF-8 bytes of markup.
public struct CorpusGenerator: Sendable {
    /// What the document reads like.
    public enum Kind: String, CaseIterable, Sendable {
        /// Annual reports in the shape of a 10-K: PART and Item headings, paragraphs, lists and tables.
        case report
        /// Agreements: recitals, articles, numbered sections, defined terms, signature blocks.
        case contract
        /// Chinese prose in chapters, with full-width punctuation.
        case chinese
    }

    /// How the document is written.
    public enum Format: String, CaseIterable, Sendable {
        /// Plain UTF-8 text: headings and paragraphs separated by blank lines.
        case text
        /// One HTML document (`<!DOCTYPE html>` … `</body></html>`), UTF-8.
        case html
    }

    /// Most UTF-8 bytes in one piece handed to the sink.
    static let pieceByteLimit = 1 << 16

    private let kind: Kind
    private let format: Format
    private let seed: UInt64

    public init(kind: Kind, format: Format = .text, seed: UInt64 = 1) {
        self.kind = kind
        self.format = format
        self.seed = seed
    }

    /// Writes a document of exactly `characters` Unicode scalars (text format) or UTF-8 bytes (HTML),
    /// in order, in pieces of at most 64 KiB, never holding the whole document.
    ///
    /// - Throws: Whatever `sink` throws; writing stops there.
    public func write(characters: Int, to sink: (String) throws -> Void) rethrows {
        precondition(characters >= 0, "a document cannot have \(characters) characters")
        switch kind {
        case .report:
            try pump(ReportComposer(seed: seed), characters: characters, to: sink)
        case .contract:
            try pump(ContractComposer(seed: seed), characters: characters, to: sink)
        case .chinese:
            try pump(ChineseComposer(seed: seed), characters: characters, to: sink)
        }
    }

    /// The whole document as one string (for tests and small documents).
    public func document(characters: Int) -> String {
        var document = ""
        write(characters: characters) { document += $0 }
        return document
    }

    private func pump<C: Composer>(_ composer: C, characters: Int, to sink: (String) throws -> Void) rethrows {
        var writer = PieceWriter(composer: composer, format: format, budget: characters)
        while let piece = writer.nextPiece() { try sink(piece) }
    }
}
