/// The layout of a Folio index, the same in memory and on disk (little-endian).
///
/// ```
/// 0    header (64 bytes): magic "FOLIOIDX", version, page size, file length, section count,
///      CRC-32 of the page table, CRC-32 of the directory, …, CRC-32 of header bytes 0..<60
/// 64   directory: per section (kind, 0, offset, length), 24 bytes each
///      page table: CRC-32 of every page (``pageSize`` bytes) of the data region
/// …    sections, each 8-byte aligned: manifest (JSON), term slots, terms, term bytes, postings,
///      positions, chunks, heading paths, documents, strings, text, and (optional) chunk vectors
/// ```
///
/// Opening reads the header, the directory and the page table (4 bytes per 16 KiB); every other page
/// is checked against its CRC the first time a query touches it, so a query reads only the pages it
/// needs and never uses a page whose checksum fails.
enum IndexFormat {
    static let magic: [UInt8] = Array("FOLIOIDX".utf8)
    /// 2: chunk records carry the chunk's pages (``ChunkField/firstPage``, ``ChunkField/lastPage``).
    static let version: UInt32 = 2
    static let headerLength = 64
    static let directoryEntryLength = 24
    static let pageSize = 16_384

    /// Section kinds, as stored in the directory.
    enum Section: UInt32, CaseIterable {
        case manifest = 1
        case termSlots
        case terms
        case termBytes
        case postings
        case positions
        case chunks
        case headingPaths
        case documents
        case strings
        case text
        /// Optional: one Int8 unit vector (× 127) per chunk, when the index was built with term vectors.
        case chunkVectors

        /// Sections an index may lack.
        var isOptional: Bool { self == .chunkVectors }
    }

    /// UInt32 fields per term: byte offset, byte length, first posting, posting count.
    static let termStride = 4
    /// UInt32 fields per posting: chunk, term frequencies (body in the low 16 bits, heading in the
    /// high 16, each saturating), first position.
    static let postingStride = 3
    /// UInt32 fields per chunk; see ``ChunkField``.
    static let chunkStride = 12
    /// UInt64 fields per document; see ``DocumentField``.
    static let documentStride = 8

    enum ChunkField: Int {
        case document = 0, start, end, utf8Start, utf8End, tokenCount, bodyLength, headingLength, headingPath, boundary
        /// The chunk's first and last page (``Chunk/pages``), both 0 when its source has no pages.
        case firstPage, lastPage
    }

    enum DocumentField: Int {
        case pathOffset = 0, pathLength, textOffset, textLength, scalarCount, firstChunk, chunkCount, reserved
    }

    /// Heading paths are stored joined by this separator (U+001F, which normalized text never holds).
    static let headingSeparator: Character = "\u{1F}"

    /// The stable hash of a term for the term slots (FNV-1a, 32 bits).
    static func termHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash ^= UInt32(byte)
            hash &*= 16_777_619
        }
        return hash
    }
}

/// What the manifest section records: counts, the analyzer and the chunking the index was built with.
struct IndexManifest: Codable, Sendable, Hashable {
    var documentCount: Int
    var chunkCount: Int
    var termCount: Int
    var postingCount: Int
    var positionCount: Int
    var totalBodyLength: Int
    var totalHeadingLength: Int
    var termSlotCount: Int
    var analyzer: AnalyzerConfiguration
    /// The encoding of the chunks' token counts.
    var encoding: String
    /// The chunk budget the documents were cut with.
    var maxChunkTokens: Int
    /// The term-vector table the chunk vectors were made with; nil for an index without vectors.
    var vectors: Vectors? = nil

    struct Vectors: Codable, Sendable, Hashable {
        /// ``TermVectors/fingerprint`` of the table.
        var fingerprint: String
        var dimensions: Int
    }
}
