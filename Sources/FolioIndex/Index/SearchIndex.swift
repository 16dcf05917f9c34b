internal import FolioSystem
internal import Foundation

/// A read-only index over the chunks of one or many documents: built in memory by ``IndexBuilder``
/// or opened from a file by memory-mapping.
///
/// It is immutable and `Sendable`: any number of tasks may query it at once without locks (the
/// first touch of each page of a mapped file takes a short lock to record its checksum check).
///
/// - Important: Offsets (``ChunkInfo/range``, ``DocumentInfo/scalarCount``) count Unicode scalars of
///   each document's text, as ``Chunk/range`` does.
public final class SearchIndex: Sendable {
    let storage: IndexStorage
    let manifest: IndexManifest
    public let analyzer: Analyzer

    // Section starts (byte offsets into storage) and lengths.
    let termSlots: Range<Int>
    let terms: Range<Int>
    let termBytes: Range<Int>
    let postings: Range<Int>
    let positions: Range<Int>
    let chunks: Range<Int>
    let headingPaths: Range<Int>
    let documents: Range<Int>
    let strings: Range<Int>
    let text: Range<Int>
    /// The chunk vectors (``IndexFormat/Section/chunkVectors``), when the index has them.
    let chunkVectors: Range<Int>?
    /// The table the chunk vectors were made with, when it is at hand (given, beside the index file,
    /// or the built-in one); nil when the index has no vectors or its table is not available, and
    /// then search and pack rank by words alone.
    public let termVectors: TermVectors?
    /// The mean field lengths over all chunks.
    let averageBodyLength: Double
    let averageHeadingLength: Double

    init(
        storage: IndexStorage, sections knownSections: IndexFile.Sections? = nil, termVectors given: TermVectors? = nil
    ) throws(IndexError) {
        self.storage = storage
        let sections: IndexFile.Sections
        if let given = knownSections {
            sections = given
        } else {
            sections = try IndexFile.validate(storage.base, count: storage.count, origin: storage.origin).sections
        }
        let origin = storage.origin
        let manifestRange = sections[.manifest]!
        try storage.verify(manifestRange)
        let manifestData = Data(bytes: storage.base + manifestRange.lowerBound, count: manifestRange.count)
        guard let manifest = try? JSONDecoder().decode(IndexManifest.self, from: manifestData) else {
            throw IndexError(.corrupt, "\(origin): the manifest cannot be read")
        }
        self.manifest = manifest
        analyzer = Analyzer(configuration: manifest.analyzer)
        termSlots = sections[.termSlots]!
        terms = sections[.terms]!
        termBytes = sections[.termBytes]!
        postings = sections[.postings]!
        positions = sections[.positions]!
        chunks = sections[.chunks]!
        headingPaths = sections[.headingPaths]!
        documents = sections[.documents]!
        strings = sections[.strings]!
        text = sections[.text]!
        let expected: [(Range<Int>, Int, String)] = [
            (termSlots, manifest.termSlotCount * 4, "term slots"),
            (terms, manifest.termCount * IndexFormat.termStride * 4, "terms"),
            (postings, manifest.postingCount * IndexFormat.postingStride * 4, "postings"),
            (positions, manifest.positionCount * 4, "positions"),
            (chunks, manifest.chunkCount * IndexFormat.chunkStride * 4, "chunks"),
            (documents, manifest.documentCount * IndexFormat.documentStride * 8, "documents"),
        ]
        for (range, length, name) in expected where range.count != length {
            throw IndexError(
                .corrupt, "\(origin): the \(name) section has \(range.count) bytes, the manifest implies \(length)")
        }
        guard manifest.termSlotCount > 0, manifest.termSlotCount & (manifest.termSlotCount - 1) == 0 else {
            throw IndexError(.corrupt, "\(origin): \(manifest.termSlotCount) term slots is not a power of two")
        }
        if let vectors = manifest.vectors {
            guard let range = sections[.chunkVectors] else {
                throw IndexError(.corrupt, "\(origin): the manifest names chunk vectors but the section is missing")
            }
            guard range.count == manifest.chunkCount * vectors.dimensions else {
                throw IndexError(
                    .corrupt,
                    """
                    \(origin): the chunk-vector section has \(range.count) bytes, the manifest implies \
                    \(manifest.chunkCount * vectors.dimensions)
                    """)
            }
            chunkVectors = range
            let table =
                given?.fingerprint == vectors.fingerprint ? given : TermVectors.known(fingerprint: vectors.fingerprint)
            termVectors = table?.dimensions == vectors.dimensions ? table : nil
        } else {
            chunkVectors = nil
            termVectors = nil
        }
        averageBodyLength = Double(manifest.totalBodyLength) / Double(max(manifest.chunkCount, 1))
        averageHeadingLength = Double(manifest.totalHeadingLength) / Double(max(manifest.chunkCount, 1))
    }

    /// Opens an index file by memory-mapping it: O(1) in the size of the index (the header, the
    /// section directory and the page table are read; every other page is checked against its
    /// checksum when a query first needs it).
    ///
    /// - Important: The file stays mapped while the index (or anything from it) lives. Replace an
    ///   index file with `rename` — as `folio index` and ``write(to:)`` do, or `mv` — never in place:
    ///   should another process truncate it (`cp` over it, `truncate`, `> file`), this process dies
    ///   of `SIGBUS` at its next query touching a page past the new end. Linux (and macOS, per POSIX)
    ///   keeps no page of a mapping past a file's new end (see `FolioSystem.MappedFile`), and copying
    ///   the file instead would make opening O(*n*).
    /// - Parameter path: An index file, or a directory written by `folio index` (holding `index.folio`).
    /// - Throws: ``IndexError/Code/io``, ``IndexError/Code/notAnIndex``,
    ///   ``IndexError/Code/unsupportedVersion``, ``IndexError/Code/truncated``, ``IndexError/Code/corrupt``.
    /// - Parameter termVectors: The table the index was built with, when it is neither the built-in
    ///   one nor a ``TermVectors/fileName`` beside the index file (which is read when the index
    ///   names a table that is not at hand).
    public static func open(path: String, termVectors: TermVectors? = nil) throws(IndexError) -> SearchIndex {
        let isDirectory = (try? FileStatus(path: path))?.isDirectory == true
        let file = isDirectory ? (path.hasSuffix("/") ? path : path + "/") + Self.fileName : path
        let (pointer, count, release) = try IndexStorage.map(path: file)
        let validated: (sections: IndexFile.Sections, pagedStart: Int, pageChecksums: UnsafeBufferPointer<UInt32>)
        do {
            validated = try IndexFile.validate(pointer, count: count, origin: file)
        } catch {
            release()
            throw error
        }
        let storage = IndexStorage(
            mapped: pointer, count: count, release: release, origin: file, pagedStart: validated.pagedStart,
            pageChecksums: validated.pageChecksums)
        let index = try SearchIndex(storage: storage, sections: validated.sections, termVectors: termVectors)
        guard index.manifest.vectors != nil, index.termVectors == nil else { return index }
        let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let beside = (directory.isEmpty ? "" : directory + "/") + TermVectors.fileName
        guard (try? FileStatus(path: beside)) != nil else { return index }
        let table = try TermVectors(contentsOf: beside)
        return try SearchIndex(storage: storage, sections: validated.sections, termVectors: table)
    }

    /// The file name `folio index --out DIR` writes inside `DIR`.
    public static let fileName = "index.folio"

    /// Writes the index to `path` (atomically).
    public func write(to path: String) throws(IndexError) {
        try storage.verify(termSlots.lowerBound..<storage.count)
        try IndexFile.writeAtomically(UnsafeRawBufferPointer(start: storage.base, count: storage.count), to: path)
    }

    // MARK: - Collection facts

    public var documentCount: Int { manifest.documentCount }
    public var chunkCount: Int { manifest.chunkCount }
    public var termCount: Int { manifest.termCount }
    /// The encoding of the stored chunk token counts.
    public var encoding: String { manifest.encoding }
    /// The chunk budget the documents were cut with.
    public var maxChunkTokens: Int { manifest.maxChunkTokens }
    /// The size of the index in bytes.
    public var byteCount: Int { storage.count }
    /// The dimensions of the chunk vectors, or nil for an index without them.
    public var vectorDimensions: Int? { manifest.vectors?.dimensions }
}
