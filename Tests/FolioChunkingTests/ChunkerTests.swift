import FolioChunking
import FolioCorpora
import FolioIngest
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@Suite struct ChunkerTests {
    static let cl100k = try! BPETokenizer.named(.cl100kBase)
    static let o200k = try! BPETokenizer.named(.o200kBase)

    static let samples = [
        "annual-report.html", "annual-report.txt", "supply-agreement.docx", "supply-agreement.odt", "chinese-essay.txt",
    ]

    static func sample(_ name: String) throws -> Document {
        try Ingestor().document(atPath: PackageCorpora.root.appendingPathComponent("samples/\(name)").path)
    }

    @Test(arguments: samples, [16, 64, 512, 4096])
    func samplesChunkWithinBudgetAndReassemble(name: String, maxTokens: Int) throws {
        let document = try Self.sample(name)
        let configuration = try ChunkConfiguration(maxTokens: maxTokens)
        let chunks = Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(of: document)
        #expect(!chunks.isEmpty)
        ChunkInvariants(text: document.text).check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        #expect(chunks.last?.boundary == .document)
    }

    @Test func randomTextsOfAllScriptsNeverGoOverBudget() throws {
        var random = SplitMix64(seed: 0xC0FFEE)
        for round in 0..<60 {
            let seed = random.state
            let alphabet = round % 3 == 2 ? RandomText.cjk : RandomText.adversarial
            let text = RandomText.make(alphabet, count: Int.random(in: 0...3000, using: &random), using: &random)
            let maxTokens = [16, 17, 23, 40, 64, 100, 333, 512, 2000].randomElement(using: &random)!
            let overlap = round % 4 == 1 ? Int.random(in: 0...(maxTokens / 2), using: &random) : 0
            let tokenizer = round % 2 == 0 ? Self.cl100k : Self.o200k
            let configuration = try ChunkConfiguration(maxTokens: maxTokens, overlapTokens: overlap)
            let chunks = try Chunker(tokenizer: tokenizer, configuration: configuration).chunks(ofText: text)
            let invariants = ChunkInvariants(text: text)
            invariants.check(
                chunks, tokenizer: tokenizer, configuration: configuration,
                context: "seed \(seed), budget \(maxTokens), overlap \(overlap): ")
        }
    }

    @Test func sentencesOfAStopWordlessRunAreCutBetweenCharacters() throws {
        // 5,000 letters with no space or punctuation: only grapheme boundaries are left.
        var random = SplitMix64(seed: 11)
        let text = String(
            (0..<5_000).map { _ in Character(UnicodeScalar(UInt8.random(in: 0x61...0x7A, using: &random))) })
        let configuration = try ChunkConfiguration(maxTokens: 16)
        let chunks = try Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(ofText: text)
        ChunkInvariants(text: text).check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        #expect(chunks.dropLast().allSatisfy { $0.boundary == .grapheme })
        #expect(chunks.dropLast().allSatisfy { $0.tokenCount >= 12 }, "chunks should be filled close to the budget")
    }

    @Test func aClusterLargerThanTheBudgetIsCutBetweenScalars() throws {
        let text = "a" + String(repeating: "\u{301}", count: 200) + " end."
        let configuration = try ChunkConfiguration(maxTokens: 16)
        let chunks = try Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(ofText: text)
        ChunkInvariants(text: text).check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        #expect(chunks.contains { $0.boundary == .scalar })
    }

    @Test func aWholeSectionStaysTogetherWhenItFits() throws {
        let text = """
            PART I

            Item 1. Business

            We make things. We sell them to customers in many countries. Our results vary by quarter.

            Item 2. Properties

            We lease offices. Our headquarters are in Portland, Oregon. We believe our facilities are adequate.
            """
        let configuration = try ChunkConfiguration(maxTokens: 40)
        let chunks = try Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(ofText: text)
        ChunkInvariants(text: text).check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        #expect(chunks.map(\.text).contains { $0.hasPrefix("Item 2. Properties") })
        #expect(chunks.first { $0.text.hasPrefix("Item 2.") }?.headings == ["PART I", "Item 2. Properties"])
        #expect(chunks.allSatisfy { $0.boundary >= .sentence })
    }

    @Test func headingPathsFollowTheDocumentStructure() throws {
        let document = try Self.sample("annual-report.html")
        let configuration = try ChunkConfiguration(maxTokens: 128)
        let chunks = Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(of: document)
        let mdna = try #require(
            chunks.first {
                $0.text.contains("fiscal 2025 compared with fiscal 2024")
                    || $0.headings.last?.hasPrefix("Item 7.") == true
            })
        #expect(mdna.headings.contains { $0.hasPrefix("PART II") })
        #expect(chunks.contains { $0.blockKinds.contains(.tableRow) })
    }

    @Test func overlapRepeatsWholeTrailingSentencesWithinItsBudget() throws {
        let document = try Self.sample("supply-agreement.txt")
        let configuration = try ChunkConfiguration(maxTokens: 128, overlapTokens: 40)
        let chunks = Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(of: document)
        let invariants = ChunkInvariants(text: document.text)
        invariants.check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        let overlapping = zip(chunks, chunks.dropFirst()).filter { $1.range.start < $0.range.end }
        #expect(overlapping.count * 2 >= chunks.count - 1, "most chunks should repeat a sentence")
        for (previous, next) in overlapping {
            // The repeated text starts a sentence or a block of the previous chunk.
            let before = invariants.slice(TextRange(start: previous.range.start, end: next.range.start))
            let trimmed = before.trimmingCharacters(in: .whitespacesAndNewlines)
            let startsBlock = before.dropFirst(trimmed.count).contains("\n")
            let startsSentence = trimmed.last.map { ".;:!?)\"".contains($0) } ?? false
            #expect(
                startsBlock || startsSentence, "overlap starts mid-sentence after \(before.suffix(30).debugDescription)"
            )
        }
    }

    /// The generated samples in Corpora/samples/generated are the generator's output, and chunk well.
    @Test(arguments: [
        ("report.txt", CorpusGenerator.Kind.report, 20_000), ("contract.txt", .contract, 20_000),
        ("chinese.txt", .chinese, 20_000),
    ])
    func generatedSamplesAreReproducibleAndEndChunksAtSentences(
        file: String, kind: CorpusGenerator.Kind, characters: Int
    ) throws {
        let stored = try String(
            contentsOf: PackageCorpora.root.appendingPathComponent("samples/generated/\(file)"), encoding: .utf8)
        #expect(stored == CorpusGenerator(kind: kind, seed: 1).document(characters: characters))
        let configuration = try ChunkConfiguration(maxTokens: 256)
        let chunks = try Chunker(tokenizer: Self.cl100k, configuration: configuration).chunks(ofText: stored)
        ChunkInvariants(text: stored).check(chunks, tokenizer: Self.cl100k, configuration: configuration)
        // Lines count: a plain-text table is one paragraph with a row per line.
        #expect(chunks.allSatisfy { $0.boundary >= .line }, "\(chunks.filter { $0.boundary < .line }.map(\.boundary))")
    }

    @Test func configurationRejectsBudgetsOutOfRangeAndOverlapsTooLarge() {
        #expect(throws: ChunkingError.self) { try ChunkConfiguration(maxTokens: 15) }
        #expect(throws: ChunkingError.self) { try ChunkConfiguration(maxTokens: 1_000_001) }
        do {
            _ = try ChunkConfiguration(maxTokens: 512, overlapTokens: 600)
            Issue.record("an overlap larger than the budget was accepted")
        } catch {
            #expect(error.code == .overlapTooLarge)
            #expect(error.message.contains("600") && error.message.contains("256"))
        }
        #expect((try? ChunkConfiguration(maxTokens: 1_000_000, overlapTokens: 500_000)) != nil)
    }

    @Test func emptyAndWhitespaceOnlyTextsHaveNoChunks() throws {
        let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration())
        #expect(try chunker.chunks(ofText: "").isEmpty)
        #expect(try chunker.chunks(ofText: " \n\n\t \u{3000}\n").isEmpty)
    }
}
