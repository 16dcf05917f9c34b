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
    public func search(_ query: String, in handles: [DocumentHandle], limit: Int = 10) async throws(EngineError) -> [DocumentSearchHit] {
        let (index, owners) = try await collection(of: handles)
        let session = handles[0].session
        do {
            return try await pool.run(session, cost: 1_000) { _ in
                var hits: [DocumentSearchHit] = []
                for hit in try index.search(query, top: max(0, limit)) {
                    let (handle, firstChunk) = owners[hit.chunk.document]
                    hits.append(
                        DocumentSearchHit(
                            handle: handle, chunk: try handle.document.chunk(at: hit.chunk.id - firstChunk), score: hit.score))
                }
                return hits
            }
        } catch {
            throw EngineError.wrapping(error, documentName: handles.count == 1 ? handles[0].name : nil)
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
        let (index, _) = try await collection(of: handles)
        // A single document packs from its cached index, which names it as its first ingest did.
        return try await pack(
            query, configuration: packConfiguration, index: index, documents: nil, documentNames: [0: handles[0].name],
            session: handles[0].session, documentName: handles.count == 1 ? handles[0].name : nil)
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
        guard index.encoding == configuration.encoding else {
            throw EngineError(
                .invalidRequest, "the index was counted in \(index.encoding); this engine packs in \(configuration.encoding)")
        }
        return try await pack(
            query, configuration: try Self.packConfiguration(packing, budget: budget), index: index, documents: documents,
            documentNames: [:], session: session, documentName: nil)
    }

    /// `packing` (or the defaults) with `budget`, checked.
    private static func packConfiguration(_ packing: PackConfiguration?, budget: Int) throws(EngineError) -> PackConfiguration {
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

    private func pack(
        _ query: String, configuration packing: PackConfiguration, index: SearchIndex, documents: Set<Int>?,
        documentNames: [Int: String], session: Session, documentName: String?
    ) async throws(EngineError) -> PackedContext {
        let assembler = ContextAssembler(index: index, tokenizer: tokenizer, documentNames: documentNames)
        do {
            return try await pool.run(session, cost: Double(packing.budget) * 4) { _ in
                try assembler.pack(query, configuration: packing, documents: documents)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: documentName)
        }
    }

    /// The index to query for `handles` and, per document of it, its handle and first chunk id.
    private func collection(
        of handles: [DocumentHandle]
    ) async throws(EngineError) -> (SearchIndex, [(DocumentHandle, Int)]) {
        guard let first = handles.first else { throw EngineError(.invalidRequest, "no documents to search") }
        for handle in handles where handle.document.encoding != configuration.encoding {
            throw EngineError(
                .invalidRequest,
                "\(handle.name) was counted in \(handle.document.encoding); this engine packs in \(configuration.encoding)",
                documentName: handle.name)
        }
        if handles.count == 1 { return (try first.document.index(), [(first, 0)]) }
        let cost = Double(handles.reduce(0) { $0 + $1.document.utf8Count })
        do {
            return try await pool.run(first.session, cost: cost) { context in
                var builder = makeIndexBuilder()
                var owners: [(DocumentHandle, Int)] = []
                for handle in handles {
                    try await context.checkpoint()
                    owners.append((handle, builder.chunkCount))
                    try builder.add(path: handle.name, text: handle.document.text(), chunks: handle.document.chunks())
                }
                return (builder.build(), owners)
            }
        } catch {
            throw EngineError.wrapping(error, documentName: nil)
        }
    }
}
