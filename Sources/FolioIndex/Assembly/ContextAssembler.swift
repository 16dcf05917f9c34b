public import FolioTokenizer
internal import FolioChunking
internal import FolioModel

/// Packs the passages that best answer a query into a token budget, exactly, with citations.
///
/// ```swift
/// let assembler = ContextAssembler(index: index, tokenizer: try .named(.cl100kBase))
/// let context = try assembler.pack("change of control", configuration: try PackConfiguration(budget: 2048))
/// print(context.tokenCount, context.passages.map(\.range))
/// ```
///
/// Method:
/// 1. Score every chunk with BM25 (``SearchIndex/scores(_:documents:parameters:)``) — fused with the
///    cosine between query and chunk vectors when the index has them (``TermVectors``) — then add
///    ``PackConfiguration/contextWeight`` × the mean score of its two neighbours, so chunks inside a
///    relevant stretch of text rank above isolated matches.
/// 2. When the pack draws on one document, give up to ``PackConfiguration/leadShare`` of the budget to
///    its first chunks: the title, the parties, the date and the definitions that frame any answer
///    (the document header is paid for beside that share, so a long file name does not crowd out the
///    opening).
/// 3. Take chunks in score order; each hit that fits is added, then its neighbours (up to
///    ``PackConfiguration/neighbours`` on each side) when they fit, so a clause that runs over a chunk
///    boundary arrives whole. Chunks that do not fit are skipped for smaller ones further down.
/// 4. Touching chunks merge into one passage cut from the document text (overlapping text appears
///    once); passages are ordered by document and position and joined with citation headers.
/// 5. Count the result exactly; while it is over the budget (token merges across joins can add a
///    token or two to the estimate), drop the last chunk added. When not even one chunk fits, the
///    best chunk is cut into smaller pieces and the best piece that fits is returned.
///
/// - Important: ``PackedContext/tokenCount`` is the exact count of ``PackedContext/text`` and never
///   exceeds the budget; every passage's text is exactly its document's text in its range.
public struct ContextAssembler: Sendable {
    public let index: SearchIndex
    public let tokenizer: BPETokenizer
    /// Names that replace the indexed paths of some documents (by id) in passages and citation
    /// headers: an index cached under one name and packed for a caller who knows the file by another.
    public let documentNames: [Int: String]

    public init(index: SearchIndex, tokenizer: BPETokenizer, documentNames: [Int: String] = [:]) {
        self.index = index
        self.tokenizer = tokenizer
        self.documentNames = documentNames
    }

    /// The name a passage of `document` cites: its entry in ``documentNames``, else its indexed path.
    func path(ofDocument document: Int) throws(IndexError) -> String {
        if let name = documentNames[document] { return name }
        return try index.document(document).path
    }

    /// Packs the best passages for `query`.
    ///
    /// - Parameters:
    ///   - query: Words and `"quoted phrases"`; a query with no searchable word packs the opening.
    ///   - documents: Only these documents (ids); `nil` for the whole collection.
    /// - Throws: ``IndexError/Code/corrupt`` when a page the pack needs fails its checksum,
    ///   ``IndexError/Code/unknownDocument`` for a filter outside the index.
    public func pack(
        _ query: String, configuration: PackConfiguration, documents: Set<Int>? = nil
    ) throws(IndexError) -> PackedContext {
        var scored: [(chunk: Int, score: Float)]
        do {
            scored = try index.scores(
                SearchQuery(parsing: query), documents: documents, parameters: configuration.parameters)
        } catch  where error.code == .invalidQuery {
            scored = []
        }
        // The chunks that match the query themselves (neighbour context only ranks their surroundings).
        var matched = [Bool](repeating: false, count: index.chunkCount)
        for (chunk, score) in scored where score > 0 { matched[chunk] = true }
        let bestMatch = scored.topScores(1).first?.chunk
        scored = try Self.withNeighbourContext(scored, weight: Float(configuration.contextWeight), index: index)
        scored = try Self.candidates(scored, budget: configuration.budget, index: index)
        var selection = try PackSelection(assembler: self, configuration: configuration)

        let scope = documents.map { $0.sorted() } ?? (index.documentCount == 1 ? [0] : [])
        if scope.count == 1 && configuration.leadShare > 0 {
            // The share is for the opening's text: the document's header is paid for beside it.
            let leadBudget = min(
                Int(Double(configuration.budget) * configuration.leadShare)
                    + (try selection.documentOverhead(scope[0])),
                configuration.budget)
            for chunk in try index.document(scope[0]).chunks {
                guard try selection.add(chunk, score: 0, within: leadBudget) else { break }
            }
        }
        for (chunk, score) in scored {
            guard try selection.add(chunk, score: score, within: configuration.budget) else { continue }
            guard configuration.neighbours > 0 else { continue }
            let range = try index.document(index.documentOfChunk(chunk)).chunks
            for distance in 1...configuration.neighbours {
                for neighbour in [chunk - distance, chunk + distance] where range.contains(neighbour) {
                    _ = try selection.add(neighbour, score: 0, within: configuration.budget)
                }
            }
        }
        // A pack without a single matching chunk — every match was larger than the budget and only
        // their neighbours fitted — answers nothing: the best match, cut to the budget, does.
        if let bestMatch, !selection.order.contains(where: { matched[$0.chunk] }) {
            return try piecePack(query: query, best: bestMatch, configuration: configuration)
        }
        if let context = try selection.exactFit() { return context }
        var best = scored.first?.chunk
        if best == nil, let only = scope.first { best = try index.document(only).chunks.first }
        return try piecePack(query: query, best: best, configuration: configuration)
    }

    /// The candidates a pack of `budget` tokens walks, best first: all of them, or — when vectors
    /// give a score to every chunk of a long document — the best `max(256, 16 × budget ÷ the chunk
    /// budget)` (ties included), about ten times the chunks that fit. That leaves room for chunks
    /// that do not fit and for neighbours; what lies below only filled the last few tokens with
    /// unrelated scraps, and sorting every chunk of a 2,000,000-character document was a third of
    /// its pack.
    static func candidates(
        _ scored: [(chunk: Int, score: Float)], budget: Int, index: SearchIndex
    ) throws(IndexError) -> [(chunk: Int, score: Float)] {
        let limit = max(256, 16 * budget / max(index.maxChunkTokens, 1))
        guard scored.count > limit else { return scored.topScores(scored.count) }
        let threshold = largest(limit, of: scored.map(\.score))
        return scored.filter { $0.score >= threshold }.topScores(Int.max)
    }

    /// The `rank`-th largest of `values` (1-based; `values` has at least `rank`), by quickselect.
    static func largest(_ rank: Int, of values: [Float]) -> Float {
        var values = values
        var low = 0
        var high = values.count - 1
        let target = rank - 1
        var random = SplitMix64(seed: UInt64(values.count))
        while low < high {
            // Partition values[low...high] around a random pivot: larger values first.
            let pivot = values[low + random.below(high - low + 1)]
            var i = low
            var j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                return values[target]
            }
        }
        return values[target]
    }

    /// Rank scores: each chunk's own score plus `weight` × the mean score of its two neighbours in the
    /// same document, so a chunk inside a relevant stretch outranks an isolated match of equal score.
    static func withNeighbourContext(
        _ scored: [(chunk: Int, score: Float)], weight: Float, index: SearchIndex
    ) throws(IndexError) -> [(chunk: Int, score: Float)] {
        guard weight > 0, !scored.isEmpty else { return scored }
        // Dense arrays over the chunks: a broad query scores thousands of them.
        let count = index.chunkCount
        var own = [Float](repeating: 0, count: count)
        var scoredChunk = [Bool](repeating: false, count: count)
        for (chunk, score) in scored {
            own[chunk] = score
            scoredChunk[chunk] = true
        }
        var documentOf = [Int](repeating: -1, count: count)
        func document(_ chunk: Int) throws(IndexError) -> Int {
            if documentOf[chunk] >= 0 { return documentOf[chunk] }
            let id = try index.documentOfChunk(chunk)
            documentOf[chunk] = id
            return id
        }
        var ranked = [Float](repeating: 0, count: count)
        var isRanked = [Bool](repeating: false, count: count)
        var order: [Int] = []
        order.reserveCapacity(scored.count * 3)
        for (chunk, _) in scored {
            for candidate in [chunk - 1, chunk, chunk + 1]
            where candidate >= 0 && candidate < count && !isRanked[candidate] {
                let home = try document(candidate)
                var context: Float = 0
                for neighbour in [candidate - 1, candidate + 1] where neighbour >= 0 && neighbour < count {
                    if scoredChunk[neighbour], try document(neighbour) == home { context += own[neighbour] / 2 }
                }
                ranked[candidate] = own[candidate] + weight * context
                isRanked[candidate] = true
                order.append(candidate)
            }
        }
        return order.map { ($0, ranked[$0]) }
    }

    /// When not one whole chunk fits: the best piece of the best chunk, cut to the budget.
    private func piecePack(query: String, best: Int?, configuration: PackConfiguration) throws(IndexError)
        -> PackedContext
    {
        guard let best else { return PackedContext(tokenCount: 0, text: "", passages: []) }
        let chunk = try index.chunk(best)
        let chunkText = try index.text(ofDocument: chunk.document, utf8Range: chunk.utf8Range)
        let queryTerms = Set(index.analyzer.terms(of: query).map(\.text))
        for withHeaders in [true, false] {
            var limit = configuration.budget
            while limit >= ChunkConfiguration.budgetRange.lowerBound {
                let pieces: [Chunk]
                do {
                    pieces = try Chunker(tokenizer: tokenizer, configuration: ChunkConfiguration(maxTokens: limit))
                        .chunks(ofText: chunkText)
                } catch {
                    throw IndexError(.invalidConfiguration, "cannot cut a passage to \(limit) tokens: \(error.message)")
                }
                guard !pieces.isEmpty else { break }
                // The piece sharing most distinct query terms; the first on a tie.
                let shared = pieces.map {
                    Set(index.analyzer.terms(of: $0.text).map(\.text)).intersection(queryTerms).count
                }
                let best = shared.indices.max { shared[$0] < shared[$1] || (shared[$0] == shared[$1] && $0 > $1) }!
                let piece = pieces[best]
                let passage = PackedPassage(
                    document: chunk.document, path: try path(ofDocument: chunk.document),
                    range: TextRange(
                        start: chunk.range.start + piece.range.start, end: chunk.range.start + piece.range.end),
                    headings: chunk.headings, score: 0, text: piece.text, pages: chunk.pages)
                let text = withHeaders ? PackSelection.render([passage], configuration: configuration) : piece.text
                let count = tokenizer.count(text)
                if count <= configuration.budget {
                    return PackedContext(tokenCount: count, text: text, passages: [passage])
                }
                limit -= max(count - configuration.budget, 1)
            }
        }
        return PackedContext(tokenCount: 0, text: "", passages: [])
    }
}
