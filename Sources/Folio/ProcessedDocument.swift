public import FolioCache
public import FolioIndex
public import FolioModel
internal import Synchronization

/// A document read, counted, cut into chunks and indexed: what the engine caches per source.
///
/// The key facts (name, digest, metadata and counts) are decoded at once from a small segment;
/// the blocks, the chunks' block kinds and the ``SearchIndex`` over the chunks (which holds the
/// text and the chunk records: ranges, UTF-8 ranges, token counts, headings, boundaries) are
/// decoded the first time they are used, once, under a lock. A 2,000,000-character document read
/// back from disk costs a few hundred bytes until its chunks are asked for.
///
/// - Important: ``tokenCount`` is the exact count of the normalized text, `tokenizer.count(text)`.
///   ``chunkTokenTotal`` is the sum of the chunks' exact counts — the tokens a model is sent when it
///   is sent every chunk — and differs from it: whitespace between chunks belongs to no chunk, merges
///   across a cut are not made, and overlap is counted in each chunk that repeats it. Chunks rebuilt
///   from a cache entry equal the chunks computed fresh.
public final class ProcessedDocument: CacheableValue, Sendable {
    /// The name the document was processed under: the path or name given to the first ingest of
    /// this content (for a public document, its last path component only).
    public let name: String
    /// The SHA-256 of the source bytes.
    public let contentDigest: SHA256Digest
    public let metadata: DocumentMetadata
    /// Unicode scalars of the normalized text (the unit of ``Chunk/range``).
    public let characterCount: Int
    /// UTF-8 bytes of the normalized text.
    public let utf8Count: Int
    /// The exact token count of the normalized text in ``encoding`` (what the cache bills as cached
    /// or uncached tokens).
    public let tokenCount: Int
    /// The sum of the chunks' exact token counts (see the note above).
    public let chunkTokenTotal: Int
    public let chunkCount: Int
    public let blockCount: Int
    /// The encoding and budget the chunks were cut with.
    public let encoding: String
    public let maxTokens: Int
    public let overlapTokens: Int
    public let residentByteCount: Int

    struct Parts {
        var blocks: [Block]?
        var kinds: [[BlockKind]]?
        var index: SearchIndex?
    }

    private let parts: Mutex<Parts>
    /// The verified entry the lazy parts are inflated from; nil for a document computed here.
    private let segments: CachedSegments?
    private let indexByteCount: Int

    /// 2: the exact token count beside the chunks' total. 3: blocks carry their page, the metadata its
    /// page counts, and the index its chunks' pages (index format 2).
    static let formatVersion = 3

    /// A document computed in this process: every part present.
    init(
        name: String, contentDigest: SHA256Digest, document: Document, kinds: [[BlockKind]], index: SearchIndex,
        tokenCount: Int, chunkTokenTotal: Int, encoding: String, maxTokens: Int, overlapTokens: Int
    ) {
        self.name = name
        self.contentDigest = contentDigest
        metadata = document.metadata
        characterCount = document.text.unicodeScalars.count
        utf8Count = document.text.utf8.count
        self.tokenCount = tokenCount
        self.chunkTokenTotal = chunkTokenTotal
        chunkCount = kinds.count
        blockCount = document.blocks.count
        self.encoding = encoding
        self.maxTokens = maxTokens
        self.overlapTokens = overlapTokens
        indexByteCount = index.byteCount
        residentByteCount = Self.residentEstimate(
            indexByteCount: indexByteCount, blockCount: blockCount, chunkCount: chunkCount)
        parts = Mutex(Parts(blocks: document.blocks, kinds: kinds, index: index))
        segments = nil
    }

    /// Memory held once every part is decoded: the index image (text, chunk records, postings),
    /// the blocks, the kinds and the facts.
    static func residentEstimate(indexByteCount: Int, blockCount: Int, chunkCount: Int) -> Int {
        indexByteCount + blockCount * MemoryLayout<Block>.stride + chunkCount * (MemoryLayout<[BlockKind]>.stride + 32)
            + 1_024
    }

    // MARK: Parts

    /// The document's blocks, in order (decoded on first use).
    ///
    /// - Throws: ``EngineError/Code/cache`` when the cached part does not decode; the entry is then
    ///   discarded, and the next ingest of the content recomputes it.
    public func blocks() throws(EngineError) -> [Block] {
        try withParts { parts throws(EngineError) in
            if let blocks = parts.blocks { return blocks }
            let blocks = try Self.decodeBlocks(segment("blocks"), origin: origin)
            guard blocks.count == blockCount else { throw corrupt("blocks: \(blocks.count), expected \(blockCount)") }
            parts.blocks = blocks
            return blocks
        }
    }

    /// The block kinds each chunk covers (``Chunk/blockKinds``), by chunk.
    public func chunkBlockKinds() throws(EngineError) -> [[BlockKind]] {
        try withParts { parts throws(EngineError) in
            if let kinds = parts.kinds { return kinds }
            let kinds = try Self.decodeKinds(segment("kinds"), origin: origin)
            guard kinds.count == chunkCount else {
                throw corrupt("kinds of \(kinds.count) chunks, expected \(chunkCount)")
            }
            parts.kinds = kinds
            return kinds
        }
    }

    /// The search index over the document's chunks (one document, named ``name``).
    public func index() throws(EngineError) -> SearchIndex {
        try withParts { parts throws(EngineError) in
            if let index = parts.index { return index }
            let bytes = try segment("index")
            let index: SearchIndex
            do throws(IndexError) {
                index = try SearchIndex.fromImage(bytes, origin: origin + " (index)")
            } catch {
                throw EngineError(.cache, error.message, documentName: name, underlying: error)
            }
            guard index.documentCount == 1, index.chunkCount == chunkCount else {
                throw corrupt("the index holds \(index.documentCount) documents and \(index.chunkCount) chunks")
            }
            parts.index = index
            return index
        }
    }

    /// The normalized text.
    public func text() throws(EngineError) -> String {
        let index = try index()
        do throws(IndexError) {
            return try index.text(ofDocument: 0)
        } catch {
            throw EngineError(.cache, error.message, documentName: name, underlying: error)
        }
    }

    /// The document as ``FolioIngest`` read it: text, blocks and metadata.
    public func document() throws(EngineError) -> Document {
        Document(text: try text(), blocks: try blocks(), metadata: metadata)
    }

    /// The chunk at `position` (0..<``chunkCount``), exactly as the chunker cut it.
    public func chunk(at position: Int) throws(EngineError) -> Chunk {
        precondition(position >= 0 && position < chunkCount, "chunk \(position) of \(chunkCount)")
        let index = try index()
        let kinds = try chunkBlockKinds()
        do {
            let info = try index.chunk(position)
            return Chunk(
                index: position, range: info.range, utf8Range: info.utf8Range, tokenCount: info.tokenCount,
                text: try index.text(ofDocument: 0, utf8Range: info.utf8Range), headings: info.headings,
                blockKinds: kinds[position], boundary: info.boundary, pages: info.pages)
        } catch {
            segments?.discard()
            throw EngineError(.cache, error.message, documentName: name, underlying: error)
        }
    }

    /// Every chunk, in order.
    public func chunks() throws(EngineError) -> [Chunk] {
        var chunks: [Chunk] = []
        chunks.reserveCapacity(chunkCount)
        for position in 0..<chunkCount { chunks.append(try chunk(at: position)) }
        return chunks
    }

    /// Runs `body` on the parts under the lock. A part that fails to decode discards the cache entry
    /// (``CachedSegments/discard()``): the next ingest of the content recomputes it.
    private func withParts<T>(_ body: (inout Parts) throws(EngineError) -> T) throws(EngineError) -> T {
        let result: Result<T, EngineError> = parts.withLock { parts in
            do throws(EngineError) { return .success(try body(&parts)) } catch { return .failure(error) }
        }
        if case .failure(let error) = result, error.code == .cache { segments?.discard() }
        return try result.get()
    }

    private var origin: String { segments?.origin ?? "document \(name)" }

    private func segment(_ segmentName: String) throws(EngineError) -> [UInt8] {
        guard let segments else { preconditionFailure("a computed document holds every part") }
        do {
            return try segments.bytes(of: segmentName)
        } catch {
            throw EngineError(.cache, error.message, documentName: name, underlying: error)
        }
    }

    private func corrupt(_ what: String) -> EngineError {
        EngineError(
            .cache, "\(origin): \(what); the damaged cache entry is discarded — ingest again", documentName: name)
    }

    // MARK: CacheableValue

    public func cacheSegments() -> [CacheSegment] {
        // Every part of a computed document is present; a document read from disk is never written back.
        let (blocks, kinds, index) = parts.withLock { ($0.blocks, $0.kinds, $0.index) }
        var result = [CacheSegment(name: "meta", bytes: encodeMeta())]
        if let blocks {
            result.append(CacheSegment(name: "blocks", bytes: Self.encodeBlocks(blocks)))
        } else if let bytes = try? segments?.bytes(of: "blocks") {
            result.append(CacheSegment(name: "blocks", bytes: bytes))
        }
        if let kinds {
            result.append(CacheSegment(name: "kinds", bytes: Self.encodeKinds(kinds)))
        } else if let bytes = try? segments?.bytes(of: "kinds") {
            result.append(CacheSegment(name: "kinds", bytes: bytes))
        }
        if let index {
            result.append(CacheSegment(name: "index", bytes: index.imageBytes))
        } else if let bytes = try? segments?.bytes(of: "index") {
            result.append(CacheSegment(name: "index", bytes: bytes))
        }
        return result
    }

    public init(cacheSegments: CachedSegments) throws(CacheError) {
        var reader = ByteReader(try cacheSegments.bytes(of: "meta"))
        let version = try reader.varint()
        guard version == Self.formatVersion else {
            throw CacheError(
                .corrupt, "\(cacheSegments.origin): document format \(version), expected \(Self.formatVersion)")
        }
        name = try reader.string()
        guard let digest = SHA256Digest(hex: try reader.string()) else {
            throw CacheError(.corrupt, "\(cacheSegments.origin): the content digest is not hexadecimal")
        }
        contentDigest = digest
        guard let format = DocumentFormat(rawValue: try reader.string()) else {
            throw CacheError(.corrupt, "\(cacheSegments.origin): unknown document format")
        }
        let isGzipped = try reader.varint() != 0
        let encodingName = try reader.string()
        let title = try reader.varint() != 0 ? try reader.string() : nil
        let sourceByteCount = try reader.varint()
        let replacementCount = try reader.varint()
        let trailingText = try reader.string()
        let pageCount = try reader.varint()
        let emptyPageCount = try reader.varint()
        let unmappedGlyphCount = try reader.varint()
        metadata = DocumentMetadata(
            format: format, isGzipped: isGzipped, textEncoding: TextEncoding(rawValue: encodingName), title: title,
            sourceByteCount: sourceByteCount, replacementCount: replacementCount, trailingText: trailingText,
            pageCount: pageCount == 0 ? nil : pageCount - 1, emptyPageCount: emptyPageCount,
            unmappedGlyphCount: unmappedGlyphCount)
        characterCount = try reader.varint()
        utf8Count = try reader.varint()
        tokenCount = try reader.varint()
        chunkTokenTotal = try reader.varint()
        chunkCount = try reader.varint()
        blockCount = try reader.varint()
        encoding = try reader.string()
        maxTokens = try reader.varint()
        overlapTokens = try reader.varint()
        indexByteCount = try reader.varint()
        guard reader.isAtEnd else {
            throw CacheError(.corrupt, "\(cacheSegments.origin): the meta segment is longer than its fields")
        }
        for part in ["blocks", "kinds", "index"] where cacheSegments.rawByteCount(of: part) == nil {
            throw CacheError(.corrupt, "\(cacheSegments.origin): the entry has no segment \"\(part)\"")
        }
        guard cacheSegments.rawByteCount(of: "index") == indexByteCount else {
            throw CacheError(
                .corrupt, "\(cacheSegments.origin): the index segment's size differs from the recorded one")
        }
        // Plus the entry itself: its compressed bytes stay in private memory while the document lives.
        residentByteCount =
            Self.residentEstimate(indexByteCount: indexByteCount, blockCount: blockCount, chunkCount: chunkCount)
            + cacheSegments.storedByteCount
        parts = Mutex(Parts())
        segments = cacheSegments
    }

    private func encodeMeta() -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(Self.formatVersion)
        writer.string(name)
        writer.string(contentDigest.hex)
        writer.string(metadata.format.rawValue)
        writer.varint(metadata.isGzipped ? 1 : 0)
        writer.string(metadata.textEncoding?.rawValue ?? "")
        writer.varint(metadata.title == nil ? 0 : 1)
        if let title = metadata.title { writer.string(title) }
        writer.varint(metadata.sourceByteCount)
        writer.varint(metadata.replacementCount)
        writer.string(metadata.trailingText)
        writer.varint(metadata.pageCount.map { $0 + 1 } ?? 0)  // 0: no pages; a PDF may have 0 pages
        writer.varint(metadata.emptyPageCount)
        writer.varint(metadata.unmappedGlyphCount)
        for count in [characterCount, utf8Count, tokenCount, chunkTokenTotal, chunkCount, blockCount] {
            writer.varint(count)
        }
        writer.string(encoding)
        writer.varint(maxTokens)
        writer.varint(overlapTokens)
        writer.varint(indexByteCount)
        return writer.bytes
    }
}
