import FolioChunking
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@testable import FolioIndex

@Suite struct SearchIndexTests {
    static let cl100k = try! BPETokenizer.named(.cl100kBase)

    /// An index whose chunks are exactly `texts` (one document each unless `oneDocument`).
    static func index(
        _ texts: [String], headings: [[String]] = [], oneDocument: Bool = false, analyzer: Analyzer = Analyzer()
    ) throws -> SearchIndex {
        var builder = IndexBuilder(analyzer: analyzer, encoding: "cl100k_base", maxChunkTokens: 512)
        func chunk(_ text: String, at offset: Int, utf8Offset: Int, index: Int, headings: [String]) -> Chunk {
            Chunk(
                index: index, range: TextRange(start: offset, end: offset + text.unicodeScalars.count),
                utf8Range: utf8Offset..<(utf8Offset + text.utf8.count), tokenCount: cl100k.count(text), text: text,
                headings: headings, boundary: .block)
        }
        if oneDocument {
            builder.beginDocument(path: "all.txt")
            var offset = 0
            var utf8Offset = 0
            for (number, text) in texts.enumerated() {
                try builder.append(
                    chunk(
                        text, at: offset, utf8Offset: utf8Offset, index: number,
                        headings: number < headings.count ? headings[number] : []))
                offset += text.unicodeScalars.count + 1
                utf8Offset += text.utf8.count + 1
            }
            try builder.finishDocument(text: texts.joined(separator: "\n"))
        } else {
            for (number, text) in texts.enumerated() {
                try builder.add(
                    path: "doc\(number).txt", text: text,
                    chunks: [
                        chunk(
                            text, at: 0, utf8Offset: 0, index: 0,
                            headings: number < headings.count ? headings[number] : [])
                    ])
            }
        }
        return builder.build()
    }

    static let ten = [
        "The licensee shall pay royalties quarterly.",
        "Royalties are due within thirty days of each quarter.",
        "This agreement is governed by the laws of Delaware.",
        "Either party may terminate this agreement upon a change of control.",
        "A change in control of the licensor requires notice.",
        "The supplier warrants the goods for twelve months.",
        "Confidential information must not be disclosed.",
        "The licensee may not assign this agreement without consent.",
        "Insurance of at least $1.2 million must be maintained.",
        "Notices are sent to the addresses in Section 2.1(a).",
    ]

    /// BM25 as the textbook writes it (Lucene idf, k1 = 1.2, b = 0.75), over analyzed terms.
    static func textbookScores(_ query: String, _ texts: [String], analyzer: Analyzer) -> [Int: Double] {
        let documents = texts.map { analyzer.terms(of: $0).map(\.text) }
        let average = Double(documents.map(\.count).reduce(0, +)) / Double(documents.count)
        var weights: [String: Int] = [:]
        for term in analyzer.terms(of: query) { weights[term.text, default: 0] += 1 }
        var scores: [Int: Double] = [:]
        for (term, weight) in weights {
            let df = Double(documents.filter { $0.contains(term) }.count)
            guard df > 0 else { continue }
            let idf = log(1 + (Double(documents.count) - df + 0.5) / (df + 0.5))
            for (number, document) in documents.enumerated() {
                let tf = Double(document.filter { $0 == term }.count)
                guard tf > 0 else { continue }
                let norm = 1.2 * (1 - 0.75 + 0.75 * Double(document.count) / average)
                scores[number, default: 0] += Double(weight) * idf * tf * 2.2 / (tf + norm)
            }
        }
        return scores
    }

    @Test(arguments: [
        "royalties licensee", "change of control agreement", "agreement agreement terminate", "1.2 million insurance",
        "section 2.1(a)",
    ])
    func bm25MatchesTheTextbookFormula(query: String) throws {
        let index = try Self.index(Self.ten)
        let expected = Self.textbookScores(query, Self.ten, analyzer: index.analyzer)
        let actual = try index.scores(SearchQuery(parsing: query))
        #expect(Set(actual.map(\.chunk)) == Set(expected.keys))
        for (chunk, score) in actual {
            #expect(abs(Double(score) - expected[chunk]!) < 1e-4 * max(1, expected[chunk]!), "chunk \(chunk)")
        }
    }

    /// An index records the encoding of its counts; chunks counted in another are refused, not
    /// stored under the wrong name.
    @Test func chunksCountedInAnotherEncodingAreRefused() throws {
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 128)
        let o200k = Chunker(tokenizer: try .named(.o200kBase), configuration: try ChunkConfiguration(maxTokens: 128))
        let document = Document(
            text: "Either party may terminate.", blocks: [], metadata: DocumentMetadata(format: .plainText))
        #expect { try builder.add(path: "a.txt", document: document, chunker: o200k) } throws: {
            ($0 as? IndexError)?.code == .encodingMismatch && "\($0)".contains("o200k_base")
        }
        #expect(builder.documentCount == 0)
        let cl100k = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: 128))
        #expect(try builder.add(path: "a.txt", document: document, chunker: cl100k) == 0)
    }

    @Test func headingsAreABoostedField() throws {
        let index = try Self.index(
            ["Payment is due monthly.", "Payment is due monthly."], headings: [["Fees"], ["Termination"]])
        let hits = try index.search("termination payment")
        #expect(hits.first?.path == "doc1.txt")
        #expect(hits.first?.chunk.headings == ["Termination"])
        let flat = try index.search("termination payment", parameters: BM25Parameters(headingBoost: 0))
        #expect(flat.count == 2 && flat[0].score == flat[1].score)
    }

    @Test func quotedPhrasesMustOccurInOrder() throws {
        let index = try Self.index(Self.ten)
        let hits = try index.search("\"change of control\"")
        // "change in control" matches too: the stop word's place takes any word.
        #expect(Set(hits.map(\.path)) == ["doc3.txt", "doc4.txt"])
        #expect(try index.search("\"control change\"").isEmpty)
        #expect(try index.search("licensee \"thirty days\"").map(\.path) == ["doc1.txt"])
    }

    @Test func numbersAmountsAndChineseAreSearchable() throws {
        let index = try Self.index(Self.ten + ["本协议受中华人民共和国法律管辖。", "Form 10-K filed on 2,345.6 pages"])
        #expect(try index.search("$1.2").first?.path == "doc8.txt")
        #expect(try index.search("2.1(a)").first?.path == "doc9.txt")
        #expect(try index.search("法律").first?.path == "doc10.txt")
        #expect(try index.search("法").first?.path == "doc10.txt")
        #expect(try index.search("10-K").first?.path == "doc11.txt")
        #expect(try index.search("2345.6").first?.path == "doc11.txt")
    }

    @Test func documentFilterKeepsOnlyThoseDocuments() throws {
        let index = try Self.index(Self.ten)
        let all = try index.search("agreement", top: 100)
        #expect(Set(all.map(\.path)) == ["doc2.txt", "doc3.txt", "doc7.txt"])
        let filtered = try index.search("agreement", top: 100, documents: [3, 7])
        #expect(Set(filtered.map(\.path)) == ["doc3.txt", "doc7.txt"])
        #expect(throws: IndexError.self) { try index.search("agreement", documents: [99]) }
    }

    @Test func aQueryWithNothingSearchableIsAnError() throws {
        let index = try Self.index(Self.ten)
        let error = #expect(throws: IndexError.self) { try index.search("the of and ?!") }
        #expect(error?.code == .invalidQuery)
        #expect(try index.search("zebra").isEmpty)
    }

    @Test func anEmptyIndexAnswersNothing() throws {
        let index = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 64).build()
        #expect(index.chunkCount == 0 && index.documentCount == 0)
        #expect(try index.search("anything").isEmpty)
    }
}
