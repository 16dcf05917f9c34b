public import FolioIndex
public import FolioModel
internal import FolioScheduler

/// A chunk that matches a query, with the document it belongs to.
public struct DocumentSearchHit: Sendable {
    public var handle: DocumentHandle
    public var chunk: Chunk
    /// BM25 (higher is better); comparable within one search only.
    public var score: Double
}

extension Engine {
    /// The chunks that best match `query` over some documents, best first.
    ///
    /// One document is searched with its own cached index; several are indexed together first, so
    /// their scores share one collection's statistics.
    ///
    /// - Parameter query: Words and `"quoted phrases"` (chunks must hold every phrase).
    /// - Throws: ``EngineError/Code/invalidRequest`` for a query with nothing to search, no
    ///   documents, or documents processed with another encoding; ``EngineError/Code/overloaded``,
    ///   ``EngineError/Code/cancelled``, ``EngineError/Code/cache``.
    public func search(_ query: String, in handles: [DocumentHandle], limit: Int = 10) async throws(EngineError)
        -> [DocumentSearchHit]
    {
        try await withCollection(of: handles, cost: 1_000) { index, owners throws(EngineError) in
            var hits: [DocumentSearchHit] = []
            let found: [SearchHit]
            do throws(IndexError) {
                found = try index.search(query, top: max(0, limit))
            } catch {
                throw EngineError.wrapping(error, documentName: handles.count == 1 ? handles[0].name : nil)
            }
            for hit in found {
                let (handle, firstChunk) = owners[hit.chunk.document]
                hits.append(
                    DocumentSearchHit(
                        handle: handle, chunk: try handle.document.chunk(at: hit.chunk.id - firstChunk),
                        score: hit.score))
            }
            return hits
        }
    }

    /// Packs the passages that best answer `query` into `budget` tokens, exactly, with citations
    /// (``ContextAssembler``): the returned ``PackedContext/tokenCount`` is the exact count of its
    /// text and never exceeds `budget`.
    ///
    /// One document is packed from its own cached index; several are indexed together first.
    ///
    /// - Throws: ``EngineError/Code/invalidRequest`` for a budget outside
    ///   ``PackConfiguration/budgetRange`` or no documents; as ``search(_:in:limit:)`` otherwise.
    public func pack(
        _ query: String, budget: Int, in handles: [DocumentHandle], configuration packing: PackConfiguration? = nil
    ) async throws(EngineError) -> PackedContext {
        let packConfiguration = try Self.packConfiguration(packing, budget: budget)
        let documentName = handles.count == 1 ? handles[0].name : nil
        let tokenizer = self.tokenizer
        return try await withCollection(of: handles, cost: Self.packCost(packConfiguration)) {
            index, _ throws(EngineError) in
            // A single document packs from its cached index, which names it as its first ingest did.
            let assembler = ContextAssembler(index: index, tokenizer: tokenizer, documentNames: [0: handles[0].name])
            return try Self.pack(
                query, configuration: packConfiguration, assembler: assembler, documents: nil,
                documentName: documentName)
        }
    }

    /// Packs from an index built beforehand (by `folio index`, or an ``IndexBuilder``), as a job of
    /// `session`: what ``pack(_:budget:in:configuration:)`` does for cached documents.
    ///
    /// - Parameter documents: The ids of the documents to draw from (nil: all of them).
    /// - Throws: ``EngineError/Code/invalidRequest`` for a budget outside
    ///   ``PackConfiguration/budgetRange`` or an index counted in another encoding;
    ///   ``EngineError/Code/overloaded``, ``EngineError/Code/cancelled``, ``EngineError/Code/cache``
    ///   when a page of a memory-mapped index fails its checksum.
    public func pack(
        _ query: String, budget: Int, in index: SearchIndex, documents: Set<Int>? = nil, session: Session,
        configuration packing: PackConfiguration? = nil
    ) async throws(EngineError) -> PackedContext {
        // The pack's budget would hold (its text is counted exactly), but scores, the lead share and
        // the fill are worked out from the index's counts: they must be this engine's.
        guard index.encoding == configuration.encoding else {
            throw EngineError(
                .invalidRequest,
                "the index was counted in \(index.encoding); this engine packs in \(configuration.encoding)")
        }
        let packConfiguration = try Self.packConfiguration(packing, budget: budget)
        let assembler = ContextAssembler(index: index, tokenizer: tokenizer)
        do {
            return try await pool.run(session, cost: Self.packCost(packConfiguration)) { _ in
                try Self.pack(
                    query, configuration: packConfiguration, assembler: assembler, documents: documents,
                    documentName: nil)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: nil)
        }
    }

    /// A pack's cost for the pool, in the unit of ingest costs (source bytes).
    private static func packCost(_ packing: PackConfiguration) -> Double { Double(packing.budget) * 4 }

    /// `packing` (or the defaults) with `budget`, checked.
    private static func packConfiguration(_ packing: PackConfiguration?, budget: Int) throws(EngineError)
        -> PackConfiguration
    {
        do throws(IndexError) {
            var packConfiguration = try PackConfiguration(budget: budget)
            if let packing {
                packConfiguration = packing
                packConfiguration.budget = budget
            }
            return packConfiguration
        } catch {
            throw EngineError(.invalidRequest, error.message, underlying: error)
        }
    }

    private static func pack(
        _ query: String, configuration packing: PackConfiguration, assembler: ContextAssembler, documents: Set<Int>?,
        documentName: String?
    ) throws(EngineError) -> PackedContext {
        do throws(IndexError) {
            return try assembler.pack(query, configuration: packing, documents: documents)
        } catch {
            throw EngineError.wrapping(error, documentName: documentName)
        }
    }

    /// Runs `body` as one job of the first handle's session over the index to query for `handles`
    /// and, per document of it, its handle and first chunk id: one document's cached index (decoded
    /// on first use, in the job), or several documents indexed together.
    private func withCollection<T: Sendable>(
        of handles: [DocumentHandle], cost: Double,
        _ body: @escaping @Sendable (SearchIndex, [(DocumentHandle, Int)]) throws(EngineError) -> T
    ) async throws(EngineError) -> T {
        guard let first = handles.first else { throw EngineError(.invalidRequest, "no documents to search") }
        for handle in handles where handle.document.encoding != configuration.encoding {
            throw EngineError(
                .invalidRequest,
                """
                \(handle.name) was counted in \(handle.document.encoding); \
                this engine packs in \(configuration.encoding)
                """,
                documentName: handle.name)
        }
        let indexCost = handles.count == 1 ? 0 : Double(handles.reduce(0) { $0 + $1.document.utf8Count })
        do {
            return try await pool.run(first.session, cost: cost + indexCost) { context in
                if handles.count == 1 { return try body(try first.document.index(), [(first, 0)]) }
                var builder = makeIndexBuilder()
                var owners: [(DocumentHandle, Int)] = []
                for handle in handles {
                    try await context.checkpoint()
                    owners.append((handle, builder.chunkCount))
                    try builder.add(path: handle.name, text: handle.document.text(), chunks: handle.document.chunks())
                }
                return try body(builder.build(), owners)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: handles.count == 1 ? first.name : nil)
        }
    }
}
