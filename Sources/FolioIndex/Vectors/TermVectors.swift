internal import FolioCompression
internal import FolioSystem
internal import Foundation
internal import Synchronization

/// Term vectors learned from a collection (latent semantic analysis): index terms that occur in the
/// same kind of passages get nearby vectors, so a query can find a clause that shares no word with it.
///
/// A passage's vector is the sum of its terms' vectors weighted by smooth inverse frequency
/// (a / (a + p(term)), Arora, Liang and Ma, 2017), normalized; ``SearchIndex`` stores one per chunk
/// when it is built with a table, and search and pack add the cosine between query and chunk to
/// the lexical score (``BM25Parameters/vectorWeight``).
///
/// A table is learned by ``TermVectorLearner`` and saved as a file (``write(to:)``: header, the
/// analyzer it was learned with, the terms, and one quantized row per term, all checksummed).
/// ``builtIn`` is the table Folio ships, learned from the 64 public CUAD contracts of the shared
/// corpora (`Scripts/learn_default_vectors.sh`).
///
/// - Important: Terms are the analyzer's output (lowercased, stemmed), so a table is used only with
///   indexes whose ``AnalyzerConfiguration`` is the one it was learned with.
public final class TermVectors: Sendable {
    /// The length of every vector.
    public let dimensions: Int
    /// The analyzer the terms come from.
    public let analyzer: AnalyzerConfiguration
    /// What the table was learned from: files, passages, terms, dimensions (free text).
    public let summary: String
    /// A hash of the file's bytes: an index records the table it was built with by this.
    public let fingerprint: String
    /// The file image (``write(to:)`` saves exactly these bytes).
    let image: [UInt8]
    /// Term bytes → row.
    private let rows: [[UInt8]: Int32]
    /// Row-major count × dimensions: each term's vector times its smooth-inverse-frequency weight.
    private let weighted: [Float]

    /// The number of terms.
    public var count: Int { rows.count }

    static let magic = Array("FOLIOVEC".utf8)
    static let version: UInt32 = 1
    static let headerLength = 64
    /// The name of a table file beside an index (`folio index --learn-vectors` writes it there).
    public static let fileName = "vectors.folio"

    /// Reads a table written by ``write(to:)``.
    ///
    /// - Throws: ``IndexError/Code/io`` when the file cannot be read; ``IndexError/Code/notAnIndex``,
    ///   ``IndexError/Code/unsupportedVersion``, ``IndexError/Code/truncated`` or
    ///   ``IndexError/Code/corrupt`` for a file that is not a whole, intact table.
    public convenience init(contentsOf path: String) throws(IndexError) {
        let bytes: [UInt8]
        do {
            bytes = try SystemFile.readAll(path)
        } catch {
            throw IndexError(.io, "\(path): \(error.message)")
        }
        try self.init(image: bytes, origin: path)
    }

    /// Parses a table image.
    init(image: [UInt8], origin: String) throws(IndexError) {
        func u32(_ at: Int) -> UInt32 {
            UInt32(image[at]) | UInt32(image[at + 1]) << 8 | UInt32(image[at + 2]) << 16 | UInt32(image[at + 3]) << 24
        }
        guard image.count >= 8, Array(image[0..<8]) == Self.magic else {
            throw IndexError(.notAnIndex, "\(origin): not a Folio term-vector table (no FOLIOVEC header)")
        }
        guard image.count >= Self.headerLength else {
            throw IndexError(.truncated, "\(origin): \(image.count) bytes, shorter than the 64-byte header")
        }
        guard u32(8) == Self.version else {
            throw IndexError(
                .unsupportedVersion, "\(origin): term-vector table version \(u32(8)); this Folio reads \(Self.version)")
        }
        guard CRC32.checksum(image[0..<(Self.headerLength - 4)]) == u32(Self.headerLength - 4) else {
            throw IndexError(.corrupt, "\(origin): the header checksum does not match")
        }
        let dimensions = Int(u32(12))
        let count = Int(u32(16))
        let metadataLength = Int(u32(20))
        let termBytesLength = Int(u32(24))
        let bodyLength = Int(u32(28))
        guard (1...4096).contains(dimensions), count < 10_000_000 else {
            throw IndexError(.corrupt, "\(origin): \(count) terms of \(dimensions) dimensions is out of range")
        }
        let expected = metadataLength + 4 * (count + 1) + termBytesLength + 8 * count + count * dimensions
        guard bodyLength == expected else {
            throw IndexError(.corrupt, "\(origin): the header's lengths disagree (\(bodyLength) against \(expected))")
        }
        guard image.count >= Self.headerLength + bodyLength else {
            throw IndexError(
                .truncated, "\(origin): \(image.count) bytes, the header promises \(Self.headerLength + bodyLength)")
        }
        let body = image[Self.headerLength..<(Self.headerLength + bodyLength)]
        guard CRC32.checksum(body) == u32(32) else {
            throw IndexError(.corrupt, "\(origin): the table's checksum does not match (the file is damaged)")
        }
        var cursor = Self.headerLength
        guard
            let metadata = try? JSONDecoder().decode(
                Metadata.self, from: Data(image[cursor..<(cursor + metadataLength)]))
        else {
            throw IndexError(.corrupt, "\(origin): the table's metadata cannot be read")
        }
        cursor += metadataLength
        let offsetsStart = cursor
        cursor += 4 * (count + 1)
        let termsStart = cursor
        cursor += termBytesLength
        var rows: [[UInt8]: Int32] = [:]
        rows.reserveCapacity(count)
        for row in 0..<count {
            let start = Int(u32(offsetsStart + 4 * row))
            let end = Int(u32(offsetsStart + 4 * row + 4))
            guard start <= end, end <= termBytesLength else {
                throw IndexError(.corrupt, "\(origin): term \(row) lies outside the term bytes")
            }
            rows[Array(image[(termsStart + start)..<(termsStart + end)])] = Int32(row)
        }
        guard rows.count == count else { throw IndexError(.corrupt, "\(origin): a term appears twice") }
        let weightsStart = cursor
        let scalesStart = cursor + 4 * count
        let codesStart = cursor + 8 * count
        var weighted = [Float](repeating: 0, count: count * dimensions)
        for row in 0..<count {
            let factor = Float(bitPattern: u32(weightsStart + 4 * row)) * Float(bitPattern: u32(scalesStart + 4 * row))
            guard factor.isFinite else {
                throw IndexError(.corrupt, "\(origin): term \(row)'s weight or scale is not a finite number")
            }
            let codes = codesStart + row * dimensions
            for d in 0..<dimensions {
                weighted[row * dimensions + d] = factor * Float(Int8(bitPattern: image[codes + d]))
            }
        }
        self.dimensions = dimensions
        self.analyzer = metadata.analyzer
        self.summary = metadata.summary
        self.rows = rows
        self.weighted = weighted
        self.image = Array(image[0..<(Self.headerLength + bodyLength)])
        fingerprint = Self.fingerprint(of: self.image)
    }

    /// Builds the image of a table: `vectors` row-major count × dimensions, `weights` per term.
    static func image(
        terms: [[UInt8]], vectors: [Float], weights: [Float], dimensions: Int, analyzer: AnalyzerConfiguration,
        summary: String
    ) -> [UInt8] {
        // Plain values: encoding cannot fail. Sorted keys and stop words: the same table, the same bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let metadata = Array(try! encoder.encode(Metadata(analyzer: analyzer, summary: summary)))
        var body = metadata
        var offsets: [UInt8] = []
        var termBytes: [UInt8] = []
        offsets.appendLittleEndian(UInt32(0))
        for term in terms {
            termBytes.append(contentsOf: term)
            offsets.appendLittleEndian(UInt32(termBytes.count))
        }
        body += offsets
        body += termBytes
        var scales: [Float] = []
        var codes: [UInt8] = []
        codes.reserveCapacity(terms.count * dimensions)
        for row in terms.indices {
            let vector = vectors[(row * dimensions)..<((row + 1) * dimensions)]
            let largest = vector.map(abs).max() ?? 0
            let scale = largest > 0 ? largest / 127 : 1
            scales.append(scale)
            for value in vector { codes.append(UInt8(bitPattern: Int8(clamping: Int((value / scale).rounded())))) }
        }
        for weight in weights { body.appendLittleEndian(weight.bitPattern) }
        for scale in scales { body.appendLittleEndian(scale.bitPattern) }
        body += codes
        var header = Self.magic
        header.appendLittleEndian(Self.version)
        header.appendLittleEndian(UInt32(dimensions))
        header.appendLittleEndian(UInt32(terms.count))
        header.appendLittleEndian(UInt32(metadata.count))
        header.appendLittleEndian(UInt32(termBytes.count))
        header.appendLittleEndian(UInt32(body.count))
        header.appendLittleEndian(CRC32.checksum(body))
        while header.count < Self.headerLength - 4 { header.append(0) }
        header.appendLittleEndian(CRC32.checksum(header))
        return header + body
    }

    struct Metadata: Codable {
        var stemming: Bool
        var stopWords: [String]
        var summary: String

        init(analyzer: AnalyzerConfiguration, summary: String) {
            stemming = analyzer.stemming
            stopWords = analyzer.stopWords.sorted()
            self.summary = summary
        }

        var analyzer: AnalyzerConfiguration { AnalyzerConfiguration(stemming: stemming, stopWords: Set(stopWords)) }
    }

    /// Writes the table to `path` atomically.
    ///
    /// - Throws: ``IndexError/Code/io`` when the file cannot be written.
    public func write(to path: String) throws(IndexError) {
        try image.withUnsafeBytes { bytes in
            Result { () throws(IndexError) in try IndexFile.writeAtomically(bytes, to: path) }
        }.get()
    }

    /// The table Folio ships (learned by `Scripts/learn_default_vectors.sh` from the CUAD contracts of
    /// the shared corpora; see the NOTICE beside it), or nil when the resource is missing.
    public static let builtIn: TermVectors? = {
        guard let url = Bundle.module.url(forResource: "default", withExtension: "vectors"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return try? TermVectors(image: Array(data), origin: url.path)
    }()

    /// The fingerprint of a table image.
    static func fingerprint(of image: [UInt8]) -> String {
        // FNV-1a over the bytes, 64 bits: tells tables apart; not a security boundary.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in image {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Tables an index opened or decoded in this process may name besides the built-in one: an
    /// engine's table (so an index decoded from its cache finds the table again) and `--vectors`.
    private static let registry = Mutex<[String: TermVectors]>([:])

    /// Makes `table` known to every index opened or decoded later in this process that names it
    /// (an `Engine` registers the table of its configuration; `folio … --vectors FILE` registers FILE).
    /// A registered table is kept for the life of the process.
    public static func register(_ table: TermVectors) {
        registry.withLock { $0[table.fingerprint] = table }
    }

    /// The table with `fingerprint` among the registered ones and the built-in one.
    static func known(fingerprint: String) -> TermVectors? {
        if let table = registry.withLock({ $0[fingerprint] }) { return table }
        return builtIn?.fingerprint == fingerprint ? builtIn : nil
    }

    // MARK: - Vectors of text

    /// The row of `term` (the analyzer's bytes), if the table knows it.
    func row(of term: [UInt8]) -> Int? { rows[term].map(Int.init) }

    /// Calls `body` with the weighted rows (row-major, ``dimensions`` each).
    func withWeightedRows<Result>(_ body: (UnsafeBufferPointer<Float>) -> Result) -> Result {
        weighted.withUnsafeBufferPointer(body)
    }

    /// The unit vector of analyzed terms (each occurrence counts), or nil when no term is known.
    public func vector(ofTerms terms: [String]) -> [Float]? {
        var sum = [Float](repeating: 0, count: dimensions)
        var known = false
        for term in terms {
            guard let row = rows[Array(term.utf8)] else { continue }
            for d in 0..<dimensions { sum[d] += weighted[Int(row) * dimensions + d] }
            known = true
        }
        return known ? Self.normalized(sum) : nil
    }

    static func normalized(_ vector: [Float]) -> [Float]? {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite else { return nil }
        return vector.map { $0 / length }
    }
}
