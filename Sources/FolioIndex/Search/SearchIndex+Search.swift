// Performance notes
// Query latency target: p99 ≤ 0.1 ms for the 41 CUAD category descriptions (about 25 terms each)
// against one contract (`folio bench index`). Scoring is term-at-a-time into a dense
// Float accumulator with a touched list; length norms are computed per posting from the chunk table
// (one multiply-add), so opening an index precomputes nothing.

internal import Foundation

extension SearchIndex {
    /// The best chunks for `query`, best first.
    ///
    /// - Parameters:
    ///   - query: Words and `"quoted phrases"` (see ``SearchQuery``).
    ///   - top: How many hits at most.
    ///   - documents: Only chunks of these documents (ids); `nil` for all.
    /// - Throws: ``IndexError/Code/invalidQuery`` when the query has no searchable word,
    ///   ``IndexError/Code/corrupt`` when a page the query needs fails its checksum.
    public func search(
        _ query: String, top: Int = 10, documents: Set<Int>? = nil, parameters: BM25Parameters = .standard
    ) throws(IndexError) -> [SearchHit] {
        let scored = try scores(SearchQuery(parsing: query), documents: documents, parameters: parameters)
        let best = scored.topScores(top)
        var hits: [SearchHit] = []
        var paths: [Int: String] = [:]
        for (chunkID, score) in best {
            let chunk = try chunk(chunkID)
            if paths[chunk.document] == nil { paths[chunk.document] = try document(chunk.document).path }
            hits.append(SearchHit(chunk: chunk, path: paths[chunk.document]!, score: Double(score)))
        }
        return hits
    }

    /// The score of every chunk that matches `query` (unordered): BM25 alone, or — when the index has
    /// chunk vectors, their table is at hand and ``BM25Parameters/vectorWeight`` is positive — the
    /// BM25 score divided by the best one plus the weighted cosine between query and chunk vectors,
    /// so chunks that share no word with the query but talk about the same thing are found too.
    ///
    /// - Throws: ``IndexError/Code/invalidQuery`` when the query has no searchable word.
    public func scores(
        _ query: SearchQuery, documents: Set<Int>? = nil, parameters: BM25Parameters = .standard
    ) throws(IndexError) -> [(chunk: Int, score: Float)] {
        let words = analyzer.terms(of: query.words)
        let phrases = query.phrases.map { analyzer.terms(of: $0) }.filter { !$0.isEmpty }
        guard !words.isEmpty || !phrases.isEmpty else {
            throw IndexError(
                .invalidQuery,
                """
                the query "\(query.words)\(query.phrases.map { " \"\($0)\"" }.joined())" \
                has no searchable word (stop words and punctuation are not indexed)
                """
            )
        }
        if let documents {
            for id in documents where id < 0 || id >= documentCount {
                throw IndexError(.unknownDocument, "document \(id) is not in the index (it holds \(documentCount))")
            }
        }
        var scorer = try BM25Scorer(index: self, parameters: parameters, documents: documents)
        // Repeated words weigh more, as in the textbook query-term frequency.
        var weights: [String: Int] = [:]
        for word in words { weights[word.text, default: 0] += 1 }
        for phrase in phrases { for term in phrase { weights[term.text, default: 0] += 1 } }
        for (term, weight) in weights.sorted(by: { $0.key < $1.key }) {
            guard let id = try lookUp(term) else { continue }
            try scorer.add(term: id, weight: Float(weight))
        }
        var result = scorer.results()
        if parameters.vectorWeight > 0, let table = termVectors, let vectors = chunkVectors,
            let queryVector = table.vector(ofTerms: words.map(\.text) + phrases.flatMap { $0.map(\.text) })
        {
            result = try fused(
                result, queryVector: queryVector, vectors: vectors, weight: Float(parameters.vectorWeight),
                allowed: scorer.allowed)
        }
        for phrase in phrases {
            let matching = try chunks(containing: phrase)
            result.removeAll { !matching.contains($0.chunk) }
        }
        return result
    }

    /// `bm25 / max bm25 + weight × cosine(query, chunk)` for every chunk in scope where that is
    /// positive (a negative cosine adds nothing: an unrelated chunk is not pushed below the others).
    func fused(
        _ lexical: [(chunk: Int, score: Float)], queryVector: [Float], vectors: Range<Int>, weight: Float,
        allowed: [Range<Int>]?
    ) throws(IndexError) -> [(chunk: Int, score: Float)] {
        let dimensions = queryVector.count
        try storage.verify(vectors)
        let best = lexical.reduce(Float(0)) { max($0, $1.score) }
        var fused = [Float](repeating: 0, count: chunkCount)
        if best > 0 { for (chunk, score) in lexical { fused[chunk] = score / best } }
        let codes = (storage.base + vectors.lowerBound).assumingMemoryBound(to: Int8.self)
        // The chunk codes are unit vectors × 127; the query is quantized the same way (largest
        // component to ±127), so the dot product is an integer sum, which the compiler vectorizes
        // (a Float sum it may not reorder). The quantization moves a cosine by well under 1 %.
        let largest = queryVector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0 else { return lexical }
        let queryScale = 127 / largest
        let query = queryVector.map { Int8(clamping: Int(($0 * queryScale).rounded())) }
        let toCosine = weight / (127 * queryScale)
        var result: [(chunk: Int, score: Float)] = []
        query.withUnsafeBufferPointer { query in
            for range in allowed ?? [0..<chunkCount] {
                for chunk in range {
                    let row = codes + chunk * dimensions
                    var dot: Int32 = 0
                    for d in 0..<dimensions { dot &+= Int32(row[d]) &* Int32(query[d]) }
                    let score = fused[chunk] + Float(max(dot, 0)) * toCosine
                    if score > 0 { result.append((chunk, score)) }
                }
            }
        }
        return result
    }

    func lookUp(_ term: String) throws(IndexError) -> Int? {
        let bytes = Array(term.utf8)
        return try bytes.withUnsafeBufferPointer { (bytes: UnsafeBufferPointer<UInt8>) throws(IndexError) -> Int? in
            try termID(bytes)
        }
    }

    /// The chunks whose text holds `phrase` (terms at their relative positions).
    func chunks(containing phrase: [AnalyzedTerm]) throws(IndexError) -> Set<Int> {
        var lists: [(postings: UnsafeBufferPointer<UInt32>, offset: UInt32)] = []
        let base = phrase[0].position
        for term in phrase {
            guard let id = try lookUp(term.text) else { return [] }
            lists.append((try postings(ofTerm: id), UInt32(term.position - base)))
        }
        // Walk the rarest list; look the others up by binary search on chunk ids.
        lists.sort { $0.postings.count < $1.postings.count }
        var result = Set<Int>()
        let stride = IndexFormat.postingStride
        let rarest = lists[0].postings
        candidates: for posting in 0..<(rarest.count / stride) {
            let chunk = rarest[posting * stride]
            var positionLists: [(UnsafeBufferPointer<UInt32>, UInt32)] = []
            for (list, offset) in lists {
                guard let index = Self.findPosting(chunk, in: list) else { continue candidates }
                let body = Int(list[index * stride + 1] & 0xFFFF)
                positionLists.append((try positions(from: Int(list[index * stride + 2]), count: body), offset))
            }
            let anchor = positionLists[0]
            for position in anchor.0 where position >= anchor.1 {
                let start = position - anchor.1
                if positionLists.allSatisfy({ list, offset in Self.contains(list, start + offset) }) {
                    result.insert(Int(chunk))
                    break
                }
            }
        }
        return result
    }

    static func findPosting(_ chunk: UInt32, in list: UnsafeBufferPointer<UInt32>) -> Int? {
        var low = 0
        var high = list.count / IndexFormat.postingStride
        while low < high {
            let middle = (low + high) / 2
            let value = list[middle * IndexFormat.postingStride]
            if value == chunk { return middle }
            if value < chunk { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    static func contains(_ sorted: UnsafeBufferPointer<UInt32>, _ value: UInt32) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] == value { return true }
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return false
    }
}

/// Term-at-a-time BM25F accumulation over one query.
struct BM25Scorer {
    let index: SearchIndex
    let chunkTable: UnsafeBufferPointer<UInt32>
    let k1: Float
    let b: Float
    let headingBoost: Float
    let averageLength: Float
    let chunkCount: Float
    /// Allowed chunk ranges (documents filter), or nil for all.
    let allowed: [Range<Int>]?
    var accumulators: [Float]
    var touched: [Int32] = []

    init(index: SearchIndex, parameters: BM25Parameters, documents: Set<Int>?) throws(IndexError) {
        self.index = index
        chunkTable = try index.chunkTable()
        k1 = Float(parameters.k1)
        b = Float(parameters.b)
        headingBoost = Float(parameters.headingBoost)
        averageLength = Float(index.averageBodyLength + parameters.headingBoost * index.averageHeadingLength)
        chunkCount = Float(index.chunkCount)
        if let documents {
            var ranges: [Range<Int>] = []
            for id in documents.sorted() { ranges.append(try index.document(id).chunks) }
            allowed = ranges
        } else {
            allowed = nil
        }
        accumulators = [Float](repeating: 0, count: index.chunkCount)
    }

    /// Adds one query term's contribution to every chunk that holds it.
    mutating func add(term: Int, weight: Float) throws(IndexError) {
        let list = try index.postings(ofTerm: term)
        let stride = IndexFormat.postingStride
        let frequency = Float(list.count / stride)
        // Lucene's idf: never negative, even for a term in most chunks.
        let idf = weight * logf(1 + (chunkCount - frequency + 0.5) / (frequency + 0.5))
        let chunkCount = index.chunkCount
        let normScale = averageLength > 0 ? b / averageLength : 0
        for posting in 0..<(list.count / stride) {
            let chunk = Int(list[posting * stride])
            guard chunk < chunkCount else { throw index.corrupt("a posting names chunk \(chunk) of \(chunkCount)") }
            let frequencies = list[posting * stride + 1]
            let tf = Float(frequencies & 0xFFFF) + headingBoost * Float(frequencies >> 16)
            guard tf > 0 else { continue }
            let record = chunk * IndexFormat.chunkStride
            let length =
                Float(chunkTable[record + IndexFormat.ChunkField.bodyLength.rawValue])
                + headingBoost * Float(chunkTable[record + IndexFormat.ChunkField.headingLength.rawValue])
            let norm = k1 * (1 - b + normScale * length)
            if accumulators[chunk] == 0 { touched.append(Int32(chunk)) }
            accumulators[chunk] += idf * tf * (k1 + 1) / (tf + norm)
        }
    }

    func results() -> [(chunk: Int, score: Float)] {
        var result: [(chunk: Int, score: Float)] = []
        result.reserveCapacity(touched.count)
        for chunk in touched {
            let id = Int(chunk)
            if let allowed, !allowed.contains(where: { $0.contains(id) }) { continue }
            result.append((id, accumulators[id]))
        }
        return result
    }
}

extension [(chunk: Int, score: Float)] {
    /// The `count` best, best first; ties go to the earlier chunk.
    func topScores(_ count: Int) -> [(chunk: Int, score: Float)] {
        let count = Swift.max(count, 0)
        func better(_ a: (chunk: Int, score: Float), _ b: (chunk: Int, score: Float)) -> Bool {
            a.score != b.score ? a.score > b.score : a.chunk < b.chunk
        }
        guard count < self.count / 8 else { return Array(sorted(by: better).prefix(count)) }
        // A few of many (a search's top 10 among every chunk a vector reaches): keep a sorted
        // window instead of sorting everything.
        var best: [(chunk: Int, score: Float)] = []
        best.reserveCapacity(count + 1)
        for candidate in self {
            if best.count == count, let last = best.last, !better(candidate, last) { continue }
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if better(best[middle], candidate) { low = middle + 1 } else { high = middle }
            }
            best.insert(candidate, at: low)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
