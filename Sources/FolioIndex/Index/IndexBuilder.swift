public import FolioModel

/// Builds a search index from chunks, one chunk at a time, as a chunker or a stream hands them out.
///
/// ```swift
/// var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 128)
/// try builder.add(path: "contract.txt", text: document.text, chunks: chunker.chunks(of: document))
/// let index = try builder.build()              // or: try builder.write(to: "contract.folioindex")
/// ```
///
/// Method:
/// 1. Each chunk's text is analyzed (``Analyzer``) into (term, position) occurrences, and its heading
///    path into the heading field; occurrences are appended in chunk order, so memory grows with the
///    text and nothing is sorted per chunk.
/// 2. ``build()`` counts occurrences per term, scatters them term by term (a counting sort that
///    keeps chunk and position order) and writes postings, positions and the term table in the
///    ``IndexFormat`` layout, the same bytes that ``write(to:)`` saves.
///
/// - Complexity: O(*n*) in the text, plus O(*t*) for *t* distinct terms.
public struct IndexBuilder: Sendable {
    public let analyzer: Analyzer
    /// The encoding of the chunks' token counts, recorded in the index.
    public let encoding: String
    /// The budget the chunks were cut with, recorded in the index.
    public let maxChunkTokens: Int
    /// The term vectors each chunk's vector is made of (nil: an index without vectors). Ignored
    /// when the table was learned with another analyzer.
    public let termVectors: TermVectors?

    var inverter: Inverter
    var chunkOccurrenceStarts: [UInt32] = [0]
    var chunkRecords: [UInt32] = []
    var headingPathIDs: [[String]: UInt32] = [:]
    var headingPathTerms: [[UInt64]] = []
    var headingPathList: [[String]] = []
    var documents: [DocumentRecord] = []
    var text: [UInt8] = []
    var totalBodyLength = 0
    var totalHeadingLength = 0
    var open: OpenDocument?

    struct DocumentRecord: Sendable {
        var path: String
        var textOffset: Int
        var textLength: Int
        var scalarCount: Int
        var firstChunk: Int
        var chunkCount: Int
    }

    struct OpenDocument: Sendable {
        var path: String
        var firstChunk: Int
        var lastEnd: Int
    }

    static let headingFlag: UInt32 = 1 << 31

    public init(
        analyzer: Analyzer = Analyzer(), encoding: String, maxChunkTokens: Int, termVectors: TermVectors? = nil
    ) {
        self.analyzer = analyzer
        inverter = Inverter(analyzer: analyzer)
        self.encoding = encoding
        self.maxChunkTokens = maxChunkTokens
        self.termVectors = termVectors.flatMap { $0.analyzer == analyzer.configuration ? $0 : nil }
    }

    /// The number of documents added so far.
    public var documentCount: Int { documents.count }
    /// The number of chunks added so far.
    public var chunkCount: Int { chunkOccurrenceStarts.count - 1 }

    /// Adds a whole document: its text and its chunks (ranges into `text`).
    ///
    /// - Throws: ``IndexError/Code/tooLarge`` past the format's limits.
    @discardableResult
    public mutating func add(path: String, text: String, chunks: some Sequence<Chunk>) throws(IndexError) -> Int {
        beginDocument(path: path)
        for chunk in chunks { try append(chunk) }
        return try finishDocument(text: text)
    }

    /// Starts a document; ``append(_:)`` its chunks as they are cut, then ``finishDocument(text:)``.
    public mutating func beginDocument(path: String) {
        precondition(open == nil, "beginDocument(path:) while \(open!.path) is open")
        open = OpenDocument(path: path, firstChunk: chunkCount, lastEnd: 0)
    }

    /// Indexes one chunk of the open document (chunks in document order).
    ///
    /// - Throws: ``IndexError/Code/tooLarge`` at 2³² − 1 chunks or occurrences.
    public mutating func append(_ chunk: Chunk) throws(IndexError) {
        guard var document = open else { preconditionFailure("append(_:) without beginDocument(path:)") }
        precondition(chunk.range.end >= document.lastEnd, "chunks must come in document order")
        document.lastEnd = chunk.range.end
        open = document
        guard chunkCount < Int(UInt32.max) - 1, inverter.occurrenceTerms.count < Int(UInt32.max) - 1_000_000 else {
            throw IndexError(
                .tooLarge,
                "\(document.path): the index would pass 2^32 chunks or term occurrences; split the collection")
        }
        inverter.emitted = 0
        var chunkText = chunk.text
        chunkText.withUTF8 { utf8 in _ = analyzer.scan(utf8, into: &inverter) }
        let bodyLength = inverter.emitted

        let headingPath = headingPathID(for: chunk.headings)
        let headingTerms = headingPathTerms[Int(headingPath)]
        for packed in headingTerms {
            inverter.occurrenceTerms.append(UInt32(truncatingIfNeeded: packed >> 32))
            inverter.occurrencePositions.append(UInt32(truncatingIfNeeded: packed) | Self.headingFlag)
        }
        totalBodyLength += bodyLength
        totalHeadingLength += headingTerms.count
        chunkOccurrenceStarts.append(UInt32(inverter.occurrenceTerms.count))
        chunkRecords.append(contentsOf: [
            UInt32(documents.count), UInt32(clamping: chunk.range.start), UInt32(clamping: chunk.range.end),
            UInt32(clamping: chunk.utf8Range.lowerBound), UInt32(clamping: chunk.utf8Range.upperBound),
            UInt32(clamping: chunk.tokenCount), UInt32(clamping: bodyLength), UInt32(headingTerms.count), headingPath,
            UInt32(chunk.boundary.rawValue), UInt32(clamping: chunk.pages?.lowerBound ?? 0),
            UInt32(clamping: chunk.pages?.upperBound ?? 0),
        ])
    }

    /// Ends the open document; `text` is the text its chunks' ranges point into (kept in the index so
    /// passages can be cut from it).
    ///
    /// - Returns: The document's number in the index.
    /// - Throws: ``IndexError/Code/tooLarge`` for a text of 4 GiB or more.
    @discardableResult
    public mutating func finishDocument(text documentText: String) throws(IndexError) -> Int {
        guard let document = open else { preconditionFailure("finishDocument(text:) without beginDocument(path:)") }
        open = nil
        var documentText = documentText
        let utf8Count = documentText.utf8.count
        guard utf8Count < Int(UInt32.max) else {
            throw IndexError(
                .tooLarge,
                "\(document.path): \(utf8Count) bytes of text; the index format holds up to 4 GiB per document")
        }
        let offset = text.count
        let scalarCount = documentText.withUTF8 { utf8 in
            text.append(contentsOf: utf8)
            return UTF8Sequence.scalarCount(utf8)
        }
        documents.append(
            DocumentRecord(
                path: document.path, textOffset: offset, textLength: utf8Count,
                scalarCount: scalarCount, firstChunk: document.firstChunk,
                chunkCount: chunkCount - document.firstChunk))
        return documents.count - 1
    }

    private mutating func headingPathID(for headings: [String]) -> UInt32 {
        if let id = headingPathIDs[headings] { return id }
        let id = UInt32(headingPathList.count)
        headingPathIDs[headings] = id
        headingPathList.append(headings)
        // Scan the headings into the log, then take their occurrences back out as this path's terms.
        let mark = inverter.occurrenceTerms.count
        var position = 0
        for heading in headings {
            var heading = heading
            position = heading.withUTF8 { utf8 in analyzer.scan(utf8, firstPosition: position, into: &inverter) } + 1
        }
        let headingTerms = zip(inverter.occurrenceTerms[mark...], inverter.occurrencePositions[mark...])
            .map { UInt64($0) << 32 | UInt64($1) }
        inverter.occurrenceTerms.removeSubrange(mark...)
        inverter.occurrencePositions.removeSubrange(mark...)
        headingPathTerms.append(headingTerms)
        return id
    }
}
