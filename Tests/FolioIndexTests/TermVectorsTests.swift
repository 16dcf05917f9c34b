import FolioChunking
import FolioCorpora
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@testable import FolioIndex

@Suite struct TermVectorsTests {
    static let cl100k = try! BPETokenizer.named(.cl100kBase)

    /// Eight topics; in each, two synonyms take turns (never in the same passage) among the topic's
    /// other words, plus filler shared by every topic. With as many dimensions as topics, LSA should
    /// put each synonym pair together (more dimensions than topics would spend some on telling the
    /// synonyms apart).
    static let topics: [(synonyms: [String], words: [String])] = [
        (["terminate", "cancel"], ["notice", "written", "days", "breach", "effective", "cure"]),
        (["pay", "remit"], ["invoice", "fee", "dollars", "amount", "late", "interest"]),
        (["confidential", "secret"], ["disclose", "information", "recipient", "protect", "trade", "reasonable"]),
        (["indemnify", "compensate"], ["losses", "claims", "damages", "costs", "attorneys", "defend"]),
        (["warrant", "guarantee"], ["product", "defects", "workmanship", "materials", "merchantable", "fitness"]),
        (["assign", "transfer"], ["consent", "successor", "prior", "rights", "obligations", "delegate"]),
        (["audit", "inspect"], ["records", "books", "accounts", "examine", "accuracy", "hours"]),
        (["govern", "construe"], ["laws", "state", "jurisdiction", "courts", "venue", "york"]),
    ]
    static let filler = ["party", "agreement", "section", "hereunder", "shall", "provided", "including", "term"]

    static func collection(passages: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0..<passages).map { number in
            let topic = topics[number % topics.count]
            var words = [topic.synonyms[(number / topics.count) % 2]]
            for _ in 0..<6 { words.append(random.pick(topic.words)) }
            for _ in 0..<3 { words.append(random.pick(filler)) }
            words.shuffle(using: &random)
            return words.joined(separator: " ") + "."
        }
    }

    static func learned(dimensions: Int = 8, seed: UInt64 = 7) throws -> TermVectors {
        var learner = TermVectorLearner(learning: try TermVectorLearning(dimensions: dimensions))
        for passage in collection(passages: 800, seed: seed) { learner.add(passage: passage) }
        return try learner.learn(summary: "synthetic")
    }

    /// A fresh directory under the system's temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "folio-vectors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    // MARK: - The decomposition

    @Test func jacobiFindsTheEigenvaluesOfARotatedDiagonal() {
        // A = Q diag(λ) Qᵀ with Q a Householder reflection: the eigenvalues are λ, the vectors Q's columns.
        let n = 6
        let values: [Double] = [9, 4, -2, 1, 0.5, 0]
        var h = [Double](repeating: 0, count: n)
        for i in 0..<n { h[i] = Double(i + 1) }
        let length = h.reduce(0) { $0 + $1 * $1 }
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { q[i * n + j] = (i == j ? 1 : 0) - 2 * h[i] * h[j] / length } }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += q[i * n + k] * values[k] * q[j * n + k] } } }
        let (found, vectors) = SymmetricEigen.decompose(a, size: n)
        #expect(zip(found.sorted(), values.sorted()).allSatisfy { abs($0 - $1) < 1e-9 }, "\(found)")
        for column in 0..<n {
            // A v = λ v for each returned pair.
            for row in 0..<n {
                let av = (0..<n).reduce(0.0) { $0 + a[row * n + $1] * vectors[$1 * n + column] }
                #expect(abs(av - found[column] * vectors[row * n + column]) < 1e-9)
            }
        }
    }

    @Test func randomizedSVDMatchesTheExactSingularValuesAndIsOrthonormal() {
        // A 300 × 120 matrix of rank 10 (σ = 10, 9, …, 1 by construction of random factors) plus
        // sparse noise: the exact singular values come from the eigenvalues of AᵀA.
        var random = SplitMix64(seed: 42)
        let rows = 300
        let columns = 120
        let rank = 10
        let left = (0..<(rows * rank)).map { _ in RandomizedSVD.gaussian(&random) / Double(rows).squareRoot() }
        let right = (0..<(columns * rank)).map { _ in RandomizedSVD.gaussian(&random) / Double(columns).squareRoot() }
        var dense = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                for k in 0..<rank {
                    dense[row * columns + column] += Double(10 - k) * left[row * rank + k] * right[column * rank + k]
                }
                if random.chance(5) { dense[row * columns + column] += 0.01 * random.nextUnit() }
            }
        }
        var starts = [0]
        var indices: [Int32] = []
        var values: [Double] = []
        for column in 0..<columns {
            for row in 0..<rows where dense[row * columns + column] != 0 {
                indices.append(Int32(row))
                values.append(dense[row * columns + column])
            }
            starts.append(values.count)
        }
        let matrix = SparseColumns(
            rows: rows, columns: columns, columnStarts: starts, rowIndices: indices, values: values)
        let svd = RandomizedSVD(matrix, rank: rank, oversampling: 10, powerIterations: 2, seed: 1)
        var gram = [Double](repeating: 0, count: columns * columns)
        for i in 0..<columns {
            for j in 0..<columns {
                for r in 0..<rows { gram[i * columns + j] += dense[r * columns + i] * dense[r * columns + j] }
            }
        }
        let exact = SymmetricEigen.decompose(gram, size: columns).values.sorted(by: >).prefix(rank).map {
            $0.squareRoot()
        }
        #expect(svd.rank == rank)
        for (found, expected) in zip(svd.singularValues, exact) {
            #expect(abs(found - expected) / expected < 1e-6, "σ \(found) against \(expected)")
        }
        for a in 0..<svd.rank {
            for b in 0..<svd.rank {
                let dot = (0..<rows).reduce(0.0) { $0 + svd.u[$1 * svd.rank + a] * svd.u[$1 * svd.rank + b] }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-9)
            }
        }
    }

    // MARK: - Learning

    @Test func synonymsThatNeverMeetEndUpClose() throws {
        let table = try Self.learned()
        let vector = { (word: String) in table.vector(ofTerms: Analyzer().terms(of: word).map(\.text))! }
        for topic in Self.topics {
            let (a, b) = (vector(topic.synonyms[0]), vector(topic.synonyms[1]))
            let close = Self.cosine(a, b)
            for other in Self.topics where other.synonyms != topic.synonyms {
                let far = Self.cosine(a, vector(other.synonyms[0]))
                #expect(close > far + 0.3, "\(topic.synonyms): \(close) against \(other.synonyms[0]): \(far)")
            }
        }
    }

    @Test func aLargeCollectionIsSampledInBoundedMemory() throws {
        var learner = TermVectorLearner(learning: try TermVectorLearning(dimensions: 8, maximumPassages: 300))
        for passage in Self.collection(passages: 2_000, seed: 7) { learner.add(passage: passage) }
        #expect(learner.passageCount <= 300 && learner.passageCount >= 150)
        let table = try learner.learn(summary: "sampled")
        let vector = { (word: String) in table.vector(ofTerms: Analyzer().terms(of: word).map(\.text))! }
        #expect(
            Self.cosine(vector("terminate"), vector("cancel")) > Self.cosine(vector("terminate"), vector("pay")) + 0.3)
        #expect(throws: IndexError.self) { try TermVectorLearning(dimensions: 64, maximumPassages: 100) }
    }

    @Test func learningIsDeterministicAndTheFileRoundTrips() throws {
        let table = try Self.learned()
        #expect(try Self.learned().image == table.image)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + TermVectors.fileName
        try table.write(to: path)
        let read = try TermVectors(contentsOf: path)
        #expect(read.fingerprint == table.fingerprint)
        #expect(read.count == table.count && read.dimensions == table.dimensions)
        #expect(read.analyzer == AnalyzerConfiguration.standard)
        let terms = Analyzer().terms(of: "terminate invoice secret").map(\.text)
        #expect(read.vector(ofTerms: terms) == table.vector(ofTerms: terms))
        #expect(read.vector(ofTerms: ["zzz-unknown"]) == nil)
    }

    @Test func damagedTablesAreRefusedWithTheReason() throws {
        let image = try Self.learned().image
        func code(_ bytes: [UInt8]) -> IndexError.Code? {
            do {
                _ = try TermVectors(image: bytes, origin: "t.folio")
                return nil
            } catch {
                #expect(error.message.hasPrefix("t.folio: "))
                return error.code
            }
        }
        #expect(code(Array("not a table at all".utf8)) == .notAnIndex)
        #expect(code(Array(image.prefix(40))) == .truncated)
        #expect(code(Array(image.dropLast(10))) == .truncated)
        var flipped = image
        flipped[image.count - 5] ^= 0x40
        #expect(code(flipped) == .corrupt)
        var version = image
        version[8] = 9
        #expect(code(version) == .unsupportedVersion || code(version) == .corrupt)
        #expect(throws: IndexError.self) { try TermVectors(contentsOf: "/nonexistent/vectors.folio") }
        // Intact bytes, impossible numbers: a weight that is not finite would poison every score.
        let poisoned = TermVectors.image(
            terms: [Array("a".utf8), Array("b".utf8)], vectors: [1, 0, 0, 1], weights: [.nan, 1], dimensions: 2,
            analyzer: .standard, summary: "poisoned")
        #expect(code(poisoned) == .corrupt)
    }

    @Test func tooLittleTextToLearnFromIsATypedError() throws {
        var learner = TermVectorLearner(learning: try TermVectorLearning(dimensions: 64))
        for passage in Self.collection(passages: 40, seed: 1) { learner.add(passage: passage) }
        #expect(throws: IndexError.self) { try learner.learn(summary: "small") }
        #expect(throws: IndexError.self) { try TermVectorLearning(dimensions: 4) }
    }

    // MARK: - Search and pack with vectors

    /// An index whose only chunk about ending the contract never says "terminate".
    static func paraphraseIndex(table: TermVectors?) throws -> SearchIndex {
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 32, termVectors: table)
        var random = SplitMix64(seed: 99)
        var texts: [String] = []
        for number in 0..<30 {
            let topic = Self.topics[1 + number % 3]  // payment, confidentiality, indemnity
            texts.append((0..<8).map { _ in random.pick(topic.words + topic.synonyms) }.joined(separator: " ") + ".")
        }
        texts.insert("Either party may cancel upon written notice of breach.", at: 17)
        let text = texts.joined(separator: "\n\n")
        let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: 32))
        try builder.add(path: "contract.txt", text: text, chunks: try chunker.chunks(ofText: text))
        return builder.build()
    }

    @Test func searchFindsAChunkThatSharesNoWordWithTheQuery() throws {
        let table = try Self.learned()
        let index = try Self.paraphraseIndex(table: table)
        #expect(index.vectorDimensions == table.dimensions)
        #expect(index.termVectors?.fingerprint == table.fingerprint)
        let hits = try index.search("terminate", top: 3)
        #expect(
            hits.first.map { try! index.text(ofDocument: 0, utf8Range: $0.chunk.utf8Range) }?.contains("cancel") == true
        )
        // Words alone find nothing: no chunk holds "terminate".
        #expect(try index.search("terminate", top: 3, parameters: BM25Parameters(vectorWeight: 0)).isEmpty)
        // Without vectors in the index, the same.
        #expect(try Self.paraphraseIndex(table: nil).search("terminate", top: 3).isEmpty)
    }

    @Test func aTableFromAnotherAnalyzerIsNotUsed() throws {
        var learner = TermVectorLearner(
            analyzer: Analyzer(configuration: .exact), learning: try TermVectorLearning(dimensions: 8))
        for passage in Self.collection(passages: 400, seed: 3) { learner.add(passage: passage) }
        let exact = try learner.learn(summary: "exact")
        let builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 32, termVectors: exact)
        #expect(builder.termVectors == nil)
    }

    @Test func aSavedIndexFindsItsTableGivenOrBesideIt() throws {
        let table = try Self.learned(seed: 11)
        let index = try Self.paraphraseIndex(table: table)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try index.write(to: directory + "/" + SearchIndex.fileName)
        // Not at hand: the index opens and ranks by words alone.
        let alone = try SearchIndex.open(path: directory)
        #expect(alone.vectorDimensions == table.dimensions && alone.termVectors == nil)
        #expect(try alone.search("terminate", top: 1).isEmpty)
        // Given, or written beside the index as `folio index --learn-vectors` does.
        let given = try SearchIndex.open(path: directory, termVectors: table)
        try table.write(to: directory + "/" + TermVectors.fileName)
        for reopened in [given, try SearchIndex.open(path: directory)] {
            #expect(reopened.termVectors?.fingerprint == table.fingerprint)
            #expect(try reopened.search("terminate", top: 1).count == 1)
        }
        // A table beside it that is not the one it was built with is not used.
        try Self.learned(seed: 12).write(to: directory + "/" + TermVectors.fileName)
        #expect(try SearchIndex.open(path: directory).termVectors == nil)
    }

    @Test func packsWithVectorsStayExactAndWithinBudget() throws {
        guard let table = TermVectors.builtIn else {
            Issue.record("the built-in table did not load")
            return
        }
        var random = SplitMix64(seed: 0xC0FFEE)
        for round in 0..<12 {
            let seed = random.state
            let kind: CorpusGenerator.Kind = [.contract, .report, .chinese][round % 3]
            let text = CorpusGenerator(kind: kind, format: .text, seed: seed).document(characters: 30_000)
            let chunker = Chunker(tokenizer: Self.cl100k, configuration: try ChunkConfiguration(maxTokens: 64))
            var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 64, termVectors: table)
            try builder.add(path: "doc.txt", text: text, chunks: try chunker.chunks(ofText: text))
            let index = builder.build()
            let words = index.analyzer.terms(of: text).map(\.text)
            for budget in [16, 100, 700, 3000] {
                let query = (0..<5).map { _ in words.randomElement(using: &random) ?? "x" }.joined(separator: " ")
                let context = try ContextAssembler(index: index, tokenizer: Self.cl100k).pack(
                    query + " termination of the agreement", configuration: try PackConfiguration(budget: budget))
                try ContextAssemblerTests.check(
                    context, budget: budget, index: index, tokenizer: Self.cl100k, seed: seed)
                #expect(!context.passages.isEmpty)
            }
        }
    }

    @Test func quickselectAgreesWithSorting() {
        var random = SplitMix64(seed: 5)
        for round in 0..<200 {
            let count = 1 + random.below(300)
            // Few distinct values in some rounds: ties are where a partition goes wrong.
            let distinct = round % 3 == 0 ? 4 : 1_000
            let values = (0..<count).map { _ in Float(random.below(distinct)) }
            let rank = 1 + random.below(count)
            #expect(ContextAssembler.largest(rank, of: values) == values.sorted(by: >)[rank - 1])
        }
    }

    @Test func aLongDocumentsPackWalksTheBestCandidatesOnly() throws {
        let scored = (0..<10_000).map { (chunk: $0, score: Float($0 % 997)) }
        let index = try Self.paraphraseIndex(table: nil)  // maxChunkTokens 32
        let candidates = try ContextAssembler.candidates(scored, budget: 64, index: index)
        #expect(candidates.count >= 256 && candidates.count < 300)
        #expect(candidates.first?.score == 996)
        #expect(zip(candidates, candidates.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(try ContextAssembler.candidates(Array(scored.prefix(100)), budget: 64, index: index).count == 100)
    }

    @Test func theBuiltInTableIsTheOneTheScriptWrites() throws {
        let table = try #require(TermVectors.builtIn)
        #expect(table.analyzer == AnalyzerConfiguration.standard)
        #expect(table.dimensions == TermVectorLearning.standard.dimensions)
        #expect(table.count > 3000)
        // Words of contracts are known; their vectors are unit length.
        let vector = try #require(table.vector(ofTerms: Analyzer().terms(of: "assignment consent").map(\.text)))
        #expect(abs(Self.cosine(vector, vector) - 1) < 1e-4)
    }
}
