internal import FolioChunking
public import FolioModel

extension Engine {
    /// The document's chunks, in order, each decoded from the cached records when it is asked for.
    public func chunks(of handle: DocumentHandle) -> DocumentChunks {
        DocumentChunks(document: handle.document, pool: pool)
    }

    /// The document cut into model-sized windows (default 128,000 tokens, 2,000 shared), cut on
    /// demand from the cached text and blocks as the sequence is iterated.
    ///
    /// - Throws: ``EngineError/Code/invalidRequest`` when `maxTokens` is outside
    ///   ``ChunkConfiguration/budgetRange`` or `overlap` is more than half of it.
    public func windows(
        of handle: DocumentHandle, maxTokens: Int = 128_000, overlap: Int = 2_000
    ) throws(EngineError) -> DocumentWindows {
        let configuration: ChunkConfiguration
        do {
            configuration = try .window(maxTokens: maxTokens, overlapTokens: overlap)
        } catch {
            throw EngineError(.invalidRequest, error.message, underlying: error)
        }
        return DocumentWindows(
            document: handle.document, chunker: Chunker(tokenizer: tokenizer, configuration: configuration), pool: pool)
    }
}

/// The chunks of a processed document, decoded one at a time from the cached chunk records.
///
/// Nothing is buffered: each `next()` decodes one chunk. The first also decodes the document's
/// index and block kinds, once per document, on the engine pool's threads (for a document read
/// back from disk that is inflating and checking a few megabytes).
public struct DocumentChunks: AsyncSequence, Sendable {
    public typealias Element = Chunk
    public typealias Failure = EngineError

    let document: ProcessedDocument
    let pool: WorkerPool

    public func makeAsyncIterator() -> Iterator { Iterator(document: document, pool: pool) }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        public typealias Element = Chunk
        public typealias Failure = EngineError

        let document: ProcessedDocument
        let pool: WorkerPool
        var position = 0

        public mutating func next() async throws(EngineError) -> Chunk? { try await advance() }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EngineError) -> Chunk? {
            try await advance()
        }

        private mutating func advance() async throws(EngineError) -> Chunk? {
            guard position < document.chunkCount else { return nil }
            if Task.isCancelled {
                throw EngineError(.cancelled, "\(document.name): cancelled", documentName: document.name)
            }
            defer { position += 1 }
            if position == 0 {
                let document = self.document
                return try await pool.perform { () throws(EngineError) in try document.chunk(at: 0) }
            }
            return try document.chunk(at: position)
        }
    }
}

/// Windows of a processed document, cut as the sequence is iterated: each `next()` feeds the
/// chunker blocks until it has a window to hand out, so memory holds one window's text at a time
/// beside the document's.
public struct DocumentWindows: AsyncSequence, Sendable {
    public typealias Element = Chunk
    public typealias Failure = EngineError

    let document: ProcessedDocument
    let chunker: Chunker
    let pool: WorkerPool

    public func makeAsyncIterator() -> Iterator { Iterator(document: document, chunker: chunker, pool: pool) }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        public typealias Element = Chunk
        public typealias Failure = EngineError

        let document: ProcessedDocument
        let chunker: Chunker
        let pool: WorkerPool
        var text: String?
        var blocks: [Block] = []
        var session: ChunkingSession?
        var nextBlock = 0
        var textIndex: String.Index?
        var previousEnd = 0
        var pending: [Chunk] = []
        var pendingStart = 0
        var finished = false

        init(document: ProcessedDocument, chunker: Chunker, pool: WorkerPool) {
            self.document = document
            self.chunker = chunker
            self.pool = pool
        }

        public mutating func next() async throws(EngineError) -> Chunk? { try await advanceOnPool() }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EngineError) -> Chunk? {
            try await advanceOnPool()
        }

        /// Cutting a window counts up to its budget's worth of tokens: it runs on the pool's threads.
        private mutating func advanceOnPool() async throws(EngineError) -> Chunk? {
            var iterator = self
            let (chunk, advanced) = try await pool.perform { () throws(EngineError) in
                let chunk = try iterator.advance()
                return (chunk, iterator)
            }
            self = advanced
            return chunk
        }

        private mutating func advance() throws(EngineError) -> Chunk? {
            if text == nil {
                text = try document.text()
                blocks = try document.blocks()
                session = chunker.makeSession()
                textIndex = text!.startIndex
            }
            while pendingStart == pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
                if finished { return nil }
                if Task.isCancelled {
                    throw EngineError(.cancelled, "\(document.name): cancelled", documentName: document.name)
                }
                feed()
            }
            defer { pendingStart += 1 }
            return pending[pendingStart]
        }

        /// Appends the next block (or finishes), collecting what the chunker emits.
        private mutating func feed() {
            var emitted: [Chunk] = []
            if nextBlock < blocks.count {
                let block = blocks[nextBlock]
                let utf8 = text!.utf8
                let separatorStart = textIndex!
                let blockStart = utf8.index(separatorStart, offsetBy: block.utf8Range.lowerBound - previousEnd)
                let blockEnd = utf8.index(blockStart, offsetBy: block.utf8Range.count)
                let extracted = ExtractedBlock(
                    block: block, text: String(text![blockStart..<blockEnd]),
                    separator: String(text![separatorStart..<blockStart]))
                session!.append(extracted) { emitted.append($0) }
                textIndex = blockEnd
                previousEnd = block.utf8Range.upperBound
                nextBlock += 1
            } else {
                session!.finish { emitted.append($0) }
                finished = true
            }
            pending.append(contentsOf: emitted)
        }
    }
}
