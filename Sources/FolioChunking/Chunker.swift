internal import FolioIngest
public import FolioModel
public import FolioTokenizer

/// Splits a document into chunks that each fit a token budget exactly, at the boundaries a careful
/// reader would choose.
///
/// ```swift
/// let chunker = Chunker(tokenizer: try .named(.cl100kBase), configuration: try ChunkConfiguration(maxTokens: 512))
/// for chunk in chunker.chunks(of: document) {
///     print(chunk.range, chunk.tokenCount, chunk.headings)
/// }
/// ```
///
/// Method:
/// 1. Segment each block: paragraphs and list items into sentences (``BoundaryLevel/sentence``);
///    headings and table rows stay whole. The boundary after a block is ``BoundaryLevel/block``, or
///    ``BoundaryLevel/section`` before a heading or a section break.
/// 2. Append the pieces to an incremental token counter; the exact count after each is a candidate cut.
/// 3. When the next piece does not fit, cut where `tokens × weight(boundary)` is largest (weights 1.0
///    section, 0.8 block, 0.7 sentence, 0.6 line break, 0.25 clause, 0.15 word, 0.05 grapheme): a
///    whole section when it fills at least 70 % of what a sentence boundary would, a block boundary over
///    a sentence boundary a few tokens later. A piece longer than the budget is cut at the longest
///    prefix that fits, at line-break, clause (`,;:`, `，、；：`), word, grapheme-cluster and (only
///    inside a cluster longer than the budget) scalar boundaries.
/// 4. With `overlapTokens`, the next chunk starts with whole trailing sentences of the previous one
///    within that many tokens, counted inside its own budget.
///
/// - Important: Chunks cover the document text in order; between consecutive chunks (without overlap)
///   there is only whitespace, which belongs to no chunk. ``Chunk/range`` counts Unicode scalars of
///   ``Document/text``; ``Chunk/tokenCount`` is the exact count of ``Chunk/text`` (ordinary text) and
///   never exceeds ``ChunkConfiguration/maxTokens``. No cut falls inside a UTF-8 sequence, and none
///   inside a grapheme cluster unless that cluster alone is over the budget.
/// - Complexity: O(*n*) token counting for *n* bytes: every byte is counted about once, plus the text
///   carried into the next chunk.
public struct Chunker: Sendable {
    public let tokenizer: BPETokenizer
    public let configuration: ChunkConfiguration

    public init(tokenizer: BPETokenizer, configuration: ChunkConfiguration) {
        self.tokenizer = tokenizer
        self.configuration = configuration
    }

    /// The chunks of a document, in order.
    public func chunks(of document: Document) -> [Chunk] {
        var chunks: [Chunk] = []
        forEachChunk(of: document) { chunks.append($0) }
        return chunks
    }

    /// Hands each chunk of a document to `body` as soon as it is cut.
    public func forEachChunk(of document: Document, _ body: (Chunk) -> Void) {
        var cutter = makeCutter()
        cutter.source = document.text
        var text = document.text
        text.withUTF8 { utf8 in
            var previousEnd = 0
            for block in document.blocks {
                cutter.append(
                    block, separator: UnsafeBufferPointer(rebasing: utf8[previousEnd..<block.utf8Range.lowerBound]),
                    text: UnsafeBufferPointer(rebasing: utf8[block.utf8Range]), emit: body
                )
                previousEnd = block.utf8Range.upperBound
            }
        }
        cutter.finish(emit: body)
    }

    /// The chunks of plain text, read as Folio reads a `.txt` file (verbatim: offsets are offsets into
    /// `text`; paragraphs at blank lines, headings such as "PART II" or "Item 7." on lines of their own).
    ///
    /// - Throws: ``ChunkingError/Code/input`` when the text trips an ingestion limit.
    public func chunks(ofText text: String) throws(ChunkingError) -> [Chunk] {
        let document: Document
        do {
            document = try Ingestor(options: IngestOptions(format: .text, encoding: .utf8)).document(
                from: Array(text.utf8))
        } catch {
            throw ChunkingError(.input, error.message, underlying: error)
        }
        return chunks(of: document)
    }

    /// An incremental chunking session: blocks in, chunks out (what the streaming pipeline runs).
    public func makeSession() -> ChunkingSession {
        var cutter = makeCutter()
        cutter.source = ""
        cutter.appendsToSource = true
        return ChunkingSession(cutter: cutter)
    }

    private func makeCutter() -> ChunkCutter {
        ChunkCutter(tokenizer: tokenizer, configuration: configuration)
    }
}

/// Chunks a document whose blocks arrive one at a time (see ``Chunker/makeSession()``).
///
/// Give it every block of a document in order, each with its separator, then call ``finish(emit:)``.
/// It emits each chunk as soon as no later text can change it, and keeps only the text from the
/// current chunk (and its overlap) on, so memory stays bounded by the budget and the longest block.
public struct ChunkingSession: Sendable {
    private var cutter: ChunkCutter

    init(cutter: ChunkCutter) { self.cutter = cutter }

    public mutating func append(_ block: ExtractedBlock, emit: (Chunk) -> Void) {
        cutter.append(block, emit: emit)
    }

    /// Takes a batch of blocks, whose units may have been found beforehand (on the streaming pipeline's
    /// reading thread).
    mutating func append(_ batch: SegmentedBlocks, emit: (Chunk) -> Void) {
        guard batch.isSegmented else {
            for block in batch.blocks { cutter.append(block, emit: emit) }
            return
        }
        var unitStart = 0
        for (index, block) in batch.blocks.enumerated() {
            let unitEnd = batch.unitEnds[index]
            cutter.append(
                block, units: batch.units[unitStart..<unitEnd], headingText: batch.headingTexts[index], emit: emit)
            unitStart = unitEnd
        }
    }

    public mutating func finish(emit: (Chunk) -> Void) {
        cutter.finish(emit: emit)
    }
}
