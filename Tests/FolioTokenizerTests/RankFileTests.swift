import FolioCompression
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// Loading rank files: the shipped ones, custom ones, and broken ones with errors that name the line.
struct RankFileTests {
    /// The 256 single bytes, as every byte-level vocabulary has them.
    static let byteLines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }

    static func load(_ lines: [String], gzip: Bool = false, specials: [String: TokenID] = [:]) throws(TokenizerError)
        -> BPETokenizer
    {
        var bytes = Array(lines.joined(separator: "\n").utf8)
        if gzip { bytes = TestCompression.deflate(bytes) }
        return try BPETokenizer(
            rankFileBytes: bytes, source: "test.tiktoken", pattern: .cl100k, specialTokens: specials)
    }

    static func loadError(_ lines: [String], gzip: Bool = false) -> TokenizerError? {
        do {
            _ = try load(lines, gzip: gzip)
            return nil
        } catch {
            return error
        }
    }

    @Test func aCustomVocabularyMergesByItsRanks() throws {
        // he ll hel hello llo
        let lines = Self.byteLines + ["aGU= 256", "bGw= 257", "aGVs 258", "aGVsbG8= 259", "bGxv 260"]
        let tokenizer = try Self.load(lines)
        #expect(tokenizer.ordinaryTokenCount == 261)
        #expect(tokenizer.encode("hello") == [259])
        // h e l l x → he l l x (256) → he ll x (257); "hell" is not a token, so hel never forms.
        #expect(tokenizer.encode("hellx") == [256, 257, 120])
        #expect(try Self.load(lines, gzip: true).encode("hello hell") == tokenizer.encode("hello hell"))
    }

    @Test func toleratesBlankLinesAndCRLF() throws {
        let tokenizer = try Self.load(Self.byteLines.map { $0 + "\r" } + ["", "aGU= 256", ""])
        #expect(tokenizer.encode("he") == [256])
    }

    @Test(arguments: [
        ("aGU=", "no rank"),
        ("aGU= x12", "not a non-negative integer"),
        ("a!U= 300", "not valid base64"),
        ("aGU 300", "not valid base64"),
        ("aGU= 99999999999", "too large"),
    ])
    func aMalformedLineIsNamed(_ line: String, _ reason: String) {
        let error = Self.loadError(Self.byteLines + ["bGw= 256", line])
        #expect(error?.code == .rankFileCorrupt)
        #expect(error?.line == 258)
        #expect(error?.message.contains("test.tiktoken:258") == true)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")")
    }

    @Test func duplicatesAreNamedWithBothLines() {
        let duplicateRank = Self.loadError(Self.byteLines + ["aGU= 256", "bGw= 256"])
        #expect(duplicateRank?.code == .rankFileCorrupt)
        #expect(duplicateRank?.message.contains("already the rank of line 257") == true)
        let duplicateToken = Self.loadError(Self.byteLines + ["aGU= 256", "aGU= 257"])
        #expect(duplicateToken?.line == 258)
        #expect(duplicateToken?.message.contains("same as the one on line 257") == true)
    }

    @Test func aMissingByteTokenIsRefused() {
        let error = Self.loadError(Array(Self.byteLines.dropFirst(65)))  // no 0x00...0x40
        #expect(error?.code == .rankFileCorrupt)
        #expect(error?.message.contains("single byte 0x0") == true)
    }

    @Test func anEmptyFileIsRefused() {
        #expect(Self.loadError([])?.code == .rankFileCorrupt)
    }

    @Test func aTruncatedGzipIsRefused() throws {
        let compressed = TestCompression.deflate(Array((Self.byteLines + ["aGU= 256"]).joined(separator: "\n").utf8))
        let error = #expect(throws: TokenizerError.self) {
            try BPETokenizer(
                rankFileBytes: Array(compressed.prefix(compressed.count / 2)), source: "cut.gz", pattern: .cl100k)
        }
        #expect(error?.code == .rankFileUnreadable)
        #expect(error?.message.contains("cut.gz") == true && error?.message.contains("truncated") == true)
    }

    @Test func aMissingFileIsNamed() {
        let error = #expect(throws: TokenizerError.self) {
            try BPETokenizer(rankFileAt: "/nonexistent/x.tiktoken", pattern: .o200k)
        }
        #expect(error?.code == .rankFileUnreadable)
        #expect(
            error?.message.contains("/nonexistent/x.tiktoken") == true
                && error?.message.contains("No such file") == true)
    }

    @Test func specialTokensMayNotReuseOrdinaryIDs() {
        let error = #expect(throws: TokenizerError.self) { try Self.load(Self.byteLines, specials: ["<|x|>": 5]) }
        #expect(error?.code == .invalidSpecialTokens)
    }

    @Test func unknownEncodingNamesListTheKnownOnes() {
        let error = #expect(throws: TokenizerError.self) { try BPETokenizer.named("p50k_base") }
        #expect(error?.code == .unknownEncoding)
        #expect(error?.message.contains("cl100k_base or o200k_base") == true)
    }

    /// The shipped encodings: one instance per process, the official sizes.
    @Test func builtInEncodingsLoadOnce() throws {
        #expect(try BPETokenizer.named(.cl100kBase) === BPETokenizer.named("cl100k_base"))
        #expect(try BPETokenizer.named(.cl100kBase).ordinaryTokenCount == 100_256)
        #expect(try BPETokenizer.named(.o200kBase).ordinaryTokenCount == 199_998)
    }

    /// Memory target: a loaded encoding costs at most twice its decompressed rank file.
    @Test(arguments: [(EncodingName.cl100kBase, 1_681_126), (.o200kBase, 3_613_922)])
    func aLoadedEncodingCostsAtMostTwiceItsRankFile(_ name: EncodingName, _ decompressedBytes: Int) throws {
        let footprint = try BPETokenizer.named(name).memoryFootprint
        #expect(footprint <= 2 * decompressedBytes, "\(name): \(footprint) bytes")
    }

    /// Loading the same vocabulary from a path (plain or gzipped) gives the same encoder.
    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func loadsTheSharedRankFilesByPath() throws {
        let fromPath = try BPETokenizer(
            rankFileAt: SharedCorpora.path("vocab/o200k_base.tiktoken.gz"), pattern: .o200k,
            specialTokens: EncodingName.o200kBase.specialTokens)
        let text = "Revenue grew 12% to $1.2 billion; 营业收入增长。"
        #expect(fromPath.encode(text) == (try BPETokenizer.named(.o200kBase)).encode(text))
        let plain = try Inflater.inflate(
            SharedCorpora.bytes("vocab/cl100k_base.tiktoken.gz"), format: .gzip, maxOutputBytes: 1 << 26)
        let fromPlain = try BPETokenizer(rankFileBytes: plain, source: "cl100k_base.tiktoken", pattern: .cl100k)
        #expect(fromPlain.encode(text) == (try BPETokenizer.named(.cl100kBase)).encode(text))
    }
}
