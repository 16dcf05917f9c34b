import FolioChunking
import FolioIngest
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// The real filings, contracts and novels in `../shared/corpora`.
@Suite(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable), .serialized)
struct CorpusChunkingTests {
    static let tokenizer = ChunkerTests.cl100k

    /// Every document the ingestion issue reads, as Folio reads it.
    static let files: [String] = {
        guard SharedCorpora.isAvailable else { return [] }
        var files: [String] = []
        for folder in ["financial", "docx", "odt", "gzip", "chinese"] {
            let names =
                (try? FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path("corpora/\(folder)"))) ?? []
            files += names.sorted().map { "corpora/\(folder)/\($0)" }
        }
        return files
    }()

    @Test(arguments: files)
    func everyCorpusDocumentStaysWithinEveryBudget(file: String) throws {
        let document = try Ingestor().document(atPath: SharedCorpora.path(file))
        let invariants = ChunkInvariants(text: document.text)
        for maxTokens in [64, 512, 4096, 128_000] {
            let configuration = try ChunkConfiguration(maxTokens: maxTokens)
            let chunks = Chunker(tokenizer: Self.tokenizer, configuration: configuration).chunks(of: document)
            invariants.check(
                chunks, tokenizer: Self.tokenizer, configuration: configuration, context: "\(file) at \(maxTokens): ")
        }
    }

    /// Every shared PDF (the CUAD contracts, the printed 10-Ks, the generated Chinese excerpts).
    static let pdfs: [String] = {
        guard SharedCorpora.isAvailable else { return [] }
        return ["pdf", "pdf-generated"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path("corpora/\(folder)"))) ?? [])
                .filter { $0.hasSuffix(".pdf") }.sorted().map { "corpora/\(folder)/\($0)" }
        }
    }()

    /// A PDF's chunks keep the invariants, and each carries the pages of the blocks its text overlaps,
    /// within the page count; batch and streamed chunks agree.
    @Test(arguments: pdfs)
    func pdfChunksCarryThePagesOfTheirBlocks(file: String) async throws {
        let path = SharedCorpora.path(file)
        let document = try Ingestor().document(atPath: path)
        let pageCount = try #require(document.metadata.pageCount)
        let configuration = try ChunkConfiguration(maxTokens: 512)
        let chunker = Chunker(tokenizer: Self.tokenizer, configuration: configuration)
        let chunks = chunker.chunks(of: document)
        ChunkInvariants(text: document.text).check(
            chunks, tokenizer: Self.tokenizer, configuration: configuration, context: "\(file): ")
        for chunk in chunks {
            let pages = try #require(chunk.pages, "\(file): chunk \(chunk.index) has no pages")
            #expect(pages.lowerBound >= 1 && pages.upperBound <= pageCount, "\(file): \(pages) of \(pageCount)")
            #expect(pages == PagedDocument.pages(of: chunk.range, in: document), "\(file): chunk \(chunk.index)")
        }
        var streamed: [Chunk] = []
        for try await chunk in chunker.chunks(atPath: path) { streamed.append(chunk) }
        #expect(streamed == chunks, "\(file)")
    }

    /// The three texts of the peer comparison (Benchmarks/peers/chunkers.py), read as plain text.
    static func text(_ name: String) throws -> String {
        let corpora = SharedCorpora.path("corpora")
        let paths: [String]
        switch name {
        case "filing":
            let folder = corpora + "/reference/lxml-text"
            paths = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        case "contracts":
            let folder = corpora + "/contracts/txt"
            paths = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { folder + "/" + $0 }
        default:
            paths = [corpora + "/chinese/hongloumeng.txt", corpora + "/chinese/xiyouji.txt"]
        }
        return try paths.map { String(decoding: try Data(contentsOf: URL(fileURLWithPath: $0)), as: UTF8.self) }
            .joined(separator: "\n\n")
    }

    @Test(arguments: ["filing", "contracts", "chinese"])
    func chunksOf512TokensEndAtSentencesAndAreWellFilled(name: String) throws {
        let text = try Self.text(name)
        let configuration = try ChunkConfiguration(maxTokens: 512)
        let chunks = try Chunker(tokenizer: Self.tokenizer, configuration: configuration).chunks(ofText: text)
        // A line break counts as the peer comparison's judge counts it: plain-text filings put each table
        // row on a line of its own inside one paragraph.
        let atSentence = chunks.filter { $0.boundary >= .line }.count
        let rate = Double(atSentence) / Double(chunks.count)
        let fill = Double(chunks.reduce(0) { $0 + $1.tokenCount }) / Double(chunks.count * 512)
        #expect(
            rate >= 0.99, "\(name): \(atSentence) of \(chunks.count) chunks end at a sentence, line, block or section")
        #expect(fill >= 0.85, "\(name): mean fill \(fill)")
        #expect(chunks.allSatisfy { $0.tokenCount <= 512 })
    }
}
