import FolioChunking
import FolioCorpora
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@testable import FolioIndex

@Suite struct ContextAssemblerTests {
    static let cl100k = try! BPETokenizer.named(.cl100kBase)
    static let o200k = try! BPETokenizer.named(.o200kBase)

    /// Every guarantee of a pack: within budget, exact count, passages are the document's text at
    /// their offsets, in order, not overlapping.
    static func check(_ context: PackedContext, budget: Int, index: SearchIndex, tokenizer: BPETokenizer, seed: UInt64)
        throws
    {
        #expect(context.tokenCount <= budget, "seed \(seed): \(context.tokenCount) > \(budget)")
        #expect(
            context.tokenCount == tokenizer.count(context.text),
            "seed \(seed): reported count differs from the exact count")
        var previous: (Int, Int)?
        for passage in context.passages {
            let text = try index.text(ofDocument: passage.document)
            let scalars = Array(text.unicodeScalars)
            #expect(passage.range.end <= scalars.count)
            var slice = String.UnicodeScalarView()
            slice.append(contentsOf: scalars[passage.range.start..<passage.range.end])
            #expect(
                String(slice) == passage.text,
                "seed \(seed): passage text is not the document's text at \(passage.range)")
            #expect(context.text.contains(passage.text))
            if let (document, end) = previous, document == passage.document {
                #expect(passage.range.start >= end, "seed \(seed): passages overlap or are out of order")
            }
            previous = (passage.document, passage.range.end)
        }
    }

    @Test func randomDocumentsQueriesAndBudgetsNeverGoOverBudget() throws {
        var random = SplitMix64(seed: 0x5EED)
        let budgets = [16, 17, 20, 31, 64, 100, 257, 512, 1024, 2048, 4096, 20_000, 200_000]
        for round in 0..<36 {
            let seed = random.state
            let kind: CorpusGenerator.Kind = [.contract, .report, .chinese][round % 3]
            let characters = [2_000, 20_000, 120_000][round % 3 == 0 ? 2 : round % 2]
            let document = CorpusGenerator(kind: kind, format: .text, seed: seed).document(characters: characters)
            let noise = RandomText.make(RandomText.adversarial, count: 400, using: &random)
            let text = round % 4 == 3 ? noise + "\n\n" + document : document
            let chunkTokens = [16, 48, 96, 300][round % 4]
            let tokenizer = round % 5 == 4 ? Self.o200k : Self.cl100k
            let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: chunkTokens))
            var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: chunkTokens)
            try builder.add(path: "doc.txt", text: text, chunks: try chunker.chunks(ofText: text))
            let index = builder.build()
            let words = index.analyzer.terms(of: text).map(\.text)
            for budget in budgets.shuffled(using: &random).prefix(4) {
                var query = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                    words.randomElement(using: &random) ?? "x"
                }.joined(separator: " ")
                if round % 6 == 5 { query = "\"\(query)\"" }
                let configuration = try PackConfiguration(
                    budget: budget, leadShare: [0, 0.2, 0.5][round % 3], neighbours: round % 3,
                    passageHeader: "[{n}] {file} {start}-{end} {headings}\n")
                let context = try ContextAssembler(index: index, tokenizer: tokenizer).pack(
                    query, configuration: configuration)
                try Self.check(context, budget: budget, index: index, tokenizer: tokenizer, seed: seed)
                #expect(!context.passages.isEmpty || text.isEmpty, "seed \(seed): budget \(budget) packed nothing")
            }
        }
    }

    @Test func theAnswerIsPackedWithItsCitation() throws {
        let document = CorpusGenerator(kind: .contract, format: .text, seed: 3).document(characters: 80_000)
        let clause = "Neither party may assign this Agreement to a zebra sanctuary without prior written consent."
        let text = document + "\n\n" + clause + "\n"
        let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: 96))
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 96)
        try builder.add(path: "contract.txt", text: text, chunks: try chunker.chunks(ofText: text))
        let index = builder.build()
        let context = try ContextAssembler(index: index, tokenizer: Self.cl100k)
            .pack("can a party assign to a zebra sanctuary?", configuration: try PackConfiguration(budget: 1024))
        let start = document.unicodeScalars.count + 2
        #expect(
            context.passages.contains { $0.range.start <= start && start + clause.unicodeScalars.count <= $0.range.end }
        )
        #expect(context.text.contains("[\(context.passages.last!.range.start)-\(context.passages.last!.range.end)]"))
        // The opening is there too (leadShare), first, from offset 0.
        #expect(context.passages.first?.range.start == 0)
        try Self.check(context, budget: 1024, index: index, tokenizer: Self.cl100k, seed: 0)
    }

    @Test func collectionsGroupPassagesByDocumentAndHonourTheFilter() throws {
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 64)
        let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: 64))
        for seed in 1...4 as ClosedRange<UInt64> {
            let text = CorpusGenerator(kind: .report, format: .text, seed: seed).document(characters: 10_000)
            try builder.add(path: "report\(seed).txt", text: text, chunks: try chunker.chunks(ofText: text))
        }
        let index = builder.build()
        let assembler = ContextAssembler(index: index, tokenizer: Self.cl100k)
        let all = try assembler.pack("revenue growth segment", configuration: try PackConfiguration(budget: 1500))
        #expect(Set(all.passages.map(\.document)).count > 1)
        #expect(all.passages.map(\.document) == all.passages.map(\.document).sorted())
        let one = try assembler.pack(
            "revenue growth segment", configuration: try PackConfiguration(budget: 1500), documents: [2])
        #expect(Set(one.passages.map(\.path)) == ["report3.txt"])
        try Self.check(one, budget: 1500, index: index, tokenizer: Self.cl100k, seed: 0)
    }

    @Test func badConfigurationsAreRejected() {
        #expect(throws: IndexError.self) { try PackConfiguration(budget: 15) }
        #expect(throws: IndexError.self) { try PackConfiguration(budget: 100, leadShare: 0.9) }
        #expect(throws: IndexError.self) { try BM25Parameters(k1: -1) }
        #expect(throws: IndexError.self) { try BM25Parameters(b: 2) }
    }
}
