public import FolioModel

/// A chunk as the index stores it: where it lies and what it costs.
public struct ChunkInfo: Hashable, Sendable {
    /// The chunk's number in the index (over all documents).
    public var id: Int
    /// The document's number in the index.
    public var document: Int
    /// Unicode-scalar offsets into the document text.
    public var range: TextRange
    /// UTF-8 byte offsets into the document text.
    public var utf8Range: Range<Int>
    /// Exact tokens of the chunk text in the index's ``SearchIndex/encoding``.
    public var tokenCount: Int
    public var headings: [String]
    public var boundary: BoundaryLevel
    /// The pages of the source the chunk lies on (``Chunk/pages``); nil when the source has no pages.
    public var pages: ClosedRange<Int>?
}

/// A document of the collection.
public struct DocumentInfo: Hashable, Sendable {
    /// The document's number in the index.
    public var id: Int
    /// The path (or name) it was indexed under.
    public var path: String
    /// Its chunks' ids, in document order.
    public var chunks: Range<Int>
    /// The length of its text in Unicode scalars and in UTF-8 bytes.
    public var scalarCount: Int
    public var utf8Count: Int
}

extension SearchIndex {
    /// The chunk table, verified (fields per chunk: ``IndexFormat/ChunkField``).
    func chunkTable() throws(IndexError) -> UnsafeBufferPointer<UInt32> {
        try storage.verify(chunks)
        return storage.uint32s(at: chunks.lowerBound, count: chunks.count / 4)
    }

    /// The document table, verified.
    func documentTable() throws(IndexError) -> UnsafeBufferPointer<UInt64> {
        try storage.verify(documents)
        return storage.uint64s(at: documents.lowerBound, count: documents.count / 8)
    }

    func corrupt(_ what: String) -> IndexError {
        IndexError(.corrupt, "\(storage.origin): \(what); the index is damaged — rebuild it with `folio index`")
    }

    /// The chunk with id `id`.
    ///
    /// - Precondition: `0 <= id < chunkCount`.
    /// - Throws: ``IndexError/Code/corrupt`` when its record or headings fail their checks.
    public func chunk(_ id: Int) throws(IndexError) -> ChunkInfo {
        precondition(id >= 0 && id < chunkCount, "chunk \(id) of \(chunkCount)")
        let table = try chunkTable()
        let base = id * IndexFormat.chunkStride
        func field(_ field: IndexFormat.ChunkField) -> Int { Int(table[base + field.rawValue]) }
        let document = field(.document)
        let start = field(.start)
        let end = field(.end)
        let firstPage = field(.firstPage)
        let lastPage = field(.lastPage)
        guard document < documentCount, start <= end, field(.utf8Start) <= field(.utf8End),
            let boundary = BoundaryLevel(rawValue: field(.boundary)),
            firstPage == 0 ? lastPage == 0 : firstPage <= lastPage
        else { throw corrupt("chunk \(id) has an impossible record") }
        return ChunkInfo(
            id: id, document: document, range: TextRange(start: start, end: end),
            utf8Range: field(.utf8Start)..<field(.utf8End), tokenCount: field(.tokenCount),
            headings: try headingPath(field(.headingPath)), boundary: boundary,
            pages: firstPage == 0 ? nil : firstPage...lastPage)
    }

    /// The document chunk `id` belongs to: one field of its record, for the hot loops of packing that
    /// need no more (``chunk(_:)`` also decodes the heading path).
    func documentOfChunk(_ id: Int) throws(IndexError) -> Int {
        precondition(id >= 0 && id < chunkCount, "chunk \(id) of \(chunkCount)")
        if documentCount == 1 { return 0 }
        let document = Int(try chunkTable()[id * IndexFormat.chunkStride + IndexFormat.ChunkField.document.rawValue])
        guard document < documentCount else { throw corrupt("chunk \(id) has an impossible record") }
        return document
    }

    /// Chunk `id`'s token count in the index's encoding: one field of its record.
    func tokenCountOfChunk(_ id: Int) throws(IndexError) -> Int {
        precondition(id >= 0 && id < chunkCount, "chunk \(id) of \(chunkCount)")
        return Int(try chunkTable()[id * IndexFormat.chunkStride + IndexFormat.ChunkField.tokenCount.rawValue])
    }

    /// The document with id `id`.
    public func document(_ id: Int) throws(IndexError) -> DocumentInfo {
        precondition(id >= 0 && id < documentCount, "document \(id) of \(documentCount)")
        let table = try documentTable()
        let base = id * IndexFormat.documentStride
        func field(_ field: IndexFormat.DocumentField) -> Int { Int(truncatingIfNeeded: table[base + field.rawValue]) }
        let firstChunk = field(.firstChunk)
        let chunkCount = field(.chunkCount)
        guard firstChunk >= 0, chunkCount >= 0, firstChunk + chunkCount <= self.chunkCount,
            field(.textOffset) >= 0, field(.textLength) >= 0, field(.textOffset) + field(.textLength) <= text.count
        else { throw corrupt("document \(id) has an impossible record") }
        return DocumentInfo(
            id: id, path: try string(offset: field(.pathOffset), length: field(.pathLength)),
            chunks: firstChunk..<(firstChunk + chunkCount), scalarCount: field(.scalarCount),
            utf8Count: field(.textLength))
    }

    /// All documents, in the order they were added.
    public func allDocuments() throws(IndexError) -> [DocumentInfo] {
        var result: [DocumentInfo] = []
        for id in 0..<documentCount { result.append(try document(id)) }
        return result
    }

    /// The id of the document indexed under `path`, if any.
    public func documentID(path: String) throws(IndexError) -> Int? {
        for id in 0..<documentCount where try document(id).path == path { return id }
        return nil
    }

    /// The text of a document between two UTF-8 offsets (chunk ``ChunkInfo/utf8Range`` bounds).
    public func text(ofDocument id: Int, utf8Range: Range<Int>) throws(IndexError) -> String {
        let table = try documentTable()
        let base = id * IndexFormat.documentStride
        let offset = Int(truncatingIfNeeded: table[base + IndexFormat.DocumentField.textOffset.rawValue])
        let length = Int(truncatingIfNeeded: table[base + IndexFormat.DocumentField.textLength.rawValue])
        guard utf8Range.lowerBound >= 0, utf8Range.upperBound <= length, offset >= 0, offset + length <= text.count
        else {
            throw corrupt("text range \(utf8Range) lies outside document \(id)")
        }
        let start = text.lowerBound + offset + utf8Range.lowerBound
        try storage.verify(start..<(start + utf8Range.count))
        return String(decoding: storage.bytes(at: start, count: utf8Range.count), as: UTF8.self)
    }

    /// The whole text of a document.
    public func text(ofDocument id: Int) throws(IndexError) -> String {
        try text(ofDocument: id, utf8Range: 0..<document(id).utf8Count)
    }

    func headingPath(_ id: Int) throws(IndexError) -> [String] {
        guard id >= 0, (id + 1) * 8 <= headingPaths.count else { throw corrupt("heading path \(id) is missing") }
        let entry = headingPaths.lowerBound + id * 8
        try storage.verify(entry..<(entry + 8))
        let joined = try string(
            offset: Int(storage.loadUInt32(at: entry)), length: Int(storage.loadUInt32(at: entry + 4)))
        return joined.isEmpty
            ? []
            : joined.split(separator: IndexFormat.headingSeparator, omittingEmptySubsequences: false).map(String.init)
    }

    func string(offset: Int, length: Int) throws(IndexError) -> String {
        guard offset >= 0, length >= 0, offset + length <= strings.count else {
            throw corrupt("a string lies outside its section")
        }
        let start = strings.lowerBound + offset
        try storage.verify(start..<(start + length))
        return String(decoding: storage.bytes(at: start, count: length), as: UTF8.self)
    }

    // MARK: - Terms

    /// The id of an analyzed term, or `nil` when no chunk holds it.
    func termID(_ term: UnsafeBufferPointer<UInt8>) throws(IndexError) -> Int? {
        let slotCount = manifest.termSlotCount
        var slot = Int(IndexFormat.termHash(term)) & (slotCount - 1)
        for _ in 0..<slotCount {
            let slotOffset = termSlots.lowerBound + slot * 4
            try storage.verify(slotOffset..<(slotOffset + 4))
            let entry = Int(storage.loadUInt32(at: slotOffset))
            if entry == 0 { return nil }
            let id = entry - 1
            guard id < termCount else { throw corrupt("term slot \(slot) points past the term table") }
            let record = terms.lowerBound + id * IndexFormat.termStride * 4
            try storage.verify(record..<(record + 16))
            let offset = Int(storage.loadUInt32(at: record))
            let length = Int(storage.loadUInt32(at: record + 4))
            guard offset + length <= termBytes.count else { throw corrupt("term \(id) lies outside the term bytes") }
            if length == term.count {
                let start = termBytes.lowerBound + offset
                try storage.verify(start..<(start + length))
                if storage.bytes(at: start, count: length).elementsEqual(term) { return id }
            }
            slot = (slot + 1) & (slotCount - 1)
        }
        return nil
    }

    /// A term's postings, verified: `postingStride` UInt32s each (chunk, frequencies, first position).
    func postings(ofTerm id: Int) throws(IndexError) -> UnsafeBufferPointer<UInt32> {
        let record = terms.lowerBound + id * IndexFormat.termStride * 4
        let first = Int(storage.loadUInt32(at: record + 8))
        let count = Int(storage.loadUInt32(at: record + 12))
        guard first + count <= manifest.postingCount else {
            throw corrupt("term \(id)'s postings lie outside their section")
        }
        let start = postings.lowerBound + first * IndexFormat.postingStride * 4
        let length = count * IndexFormat.postingStride * 4
        try storage.verify(start..<(start + length))
        return storage.uint32s(at: start, count: count * IndexFormat.postingStride)
    }

    /// Body positions `first ..< first + count`, verified.
    func positions(from first: Int, count: Int) throws(IndexError) -> UnsafeBufferPointer<UInt32> {
        guard first >= 0, count >= 0, first + count <= manifest.positionCount else {
            throw corrupt("positions lie outside their section")
        }
        let start = positions.lowerBound + first * 4
        try storage.verify(start..<(start + count * 4))
        return storage.uint32s(at: start, count: count)
    }

    /// The number of chunks holding a term (its document frequency).
    func documentFrequency(ofTerm id: Int) -> Int {
        Int(storage.loadUInt32(at: terms.lowerBound + id * IndexFormat.termStride * 4 + 12))
    }
}
