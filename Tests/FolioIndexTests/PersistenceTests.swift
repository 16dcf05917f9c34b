import FolioChunking
import FolioCompression
import FolioCorpora
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@testable import FolioIndex

@Suite struct PersistenceTests {
    static let cl100k = try! BPETokenizer.named(.cl100kBase)

    static func contractIndex(characters: Int = 60_000, seed: UInt64 = 7) throws -> SearchIndex {
        let document = CorpusGenerator(kind: .contract, format: .text, seed: seed).document(characters: characters)
        let chunker = Chunker(tokenizer: cl100k, configuration: try ChunkConfiguration(maxTokens: 96))
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 96)
        let text = document
        try builder.add(path: "contract.txt", text: text, chunks: try chunker.chunks(ofText: text))
        return builder.build()
    }

    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "folio-index-\(UUID().uuidString).folio"
    }

    @Test func aWrittenIndexOpensAndAnswersTheSame() throws {
        let built = try Self.contractIndex()
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try built.write(to: path)
        let opened = try SearchIndex.open(path: path)
        #expect(opened.chunkCount == built.chunkCount && opened.termCount == built.termCount)
        for query in ["termination notice", "\"governing law\"", "confidential information", "payment 30 days"] {
            let expected = try built.search(query, top: 20)
            let actual = try opened.search(query, top: 20)
            #expect(actual == expected, "\(query)")
        }
        #expect(try opened.text(ofDocument: 0) == built.text(ofDocument: 0))
    }

    /// Each write has a temporary file of its own (before, one name per process, opened with
    /// `O_TRUNC`: two writers in one process wrote into the same file and mixed their bytes).
    @Test func concurrentWritersOfOneIndexPathLeaveOneWritersWholeFile() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let indexes = [
            try Self.contractIndex(characters: 120_000, seed: 1), try Self.contractIndex(characters: 90_000, seed: 2),
        ]
        let images = indexes.map(\.imageBytes)
        try #require(images[0] != images[1])
        for _ in 0..<5 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in indexes {
                    group.addTask { try index.write(to: path) }  // both must succeed
                }
                try await group.waitForAll()
            }
            let written = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let writer = try #require(images.firstIndex(of: written), "the file is neither writer's whole index")
            let opened = try SearchIndex.open(path: path)
            try opened.write(to: path + ".copy")  // reads and verifies every page
            try? FileManager.default.removeItem(atPath: path + ".copy")
            let query = "termination notice"
            #expect(try opened.search(query, top: 10) == indexes[writer].search(query, top: 10))
        }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("." + name.prefix(20)) }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func aTruncatedFileIsReportedWhenOpened() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.contractIndex().write(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in [0, 7, 40, 64, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: IndexError.self) { try SearchIndex.open(path: path) }
            #expect(
                [IndexError.Code.truncated, .notAnIndex].contains(error?.code),
                "length \(length): \(String(describing: error))")
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test func aFlippedByteAnywhereIsDetectedNeverServed() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let built = try Self.contractIndex()
        try built.write(to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var random = SplitMix64(seed: 42)
        for _ in 0..<40 {
            var damaged = original
            let offset = Int.random(in: 0..<damaged.count, using: &random)
            damaged[offset] ^= UInt8.random(in: 1...255, using: &random)
            try damaged.write(to: URL(fileURLWithPath: path))
            // Either opening fails, or some read fails: reading everything must not succeed silently.
            let detected: Bool
            do {
                let index = try SearchIndex.open(path: path)
                try index.write(to: path + ".copy")  // reads (and verifies) every page
                try? FileManager.default.removeItem(atPath: path + ".copy")
                detected = false
            } catch {
                #expect(
                    [IndexError.Code.corrupt, .notAnIndex, .truncated, .unsupportedVersion].contains(error.code),
                    "\(error)")
                detected = true
            }
            #expect(detected, "a flipped byte at \(offset) went unnoticed")
        }
    }

    @Test func aDamagedPostingsPageFailsTheQueryThatTouchesIt() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let built = try Self.contractIndex(characters: 400_000)
        try built.write(to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Damage the first posting of "agreement" (its page, and only that page).
        let term = try #require(try built.lookUp("agreement"))
        let firstPosting = Int(built.storage.loadUInt32(at: built.terms.lowerBound + term * 16 + 8))
        bytes[built.postings.lowerBound + firstPosting * 12] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let index = try SearchIndex.open(path: path)  // O(1) open does not read the postings
        let error = #expect(throws: IndexError.self) { try index.search("agreement") }
        #expect(error?.code == .corrupt && error?.message.contains("checksum") == true)
        // A second query touching the same page fails the same way: a bad page is never trusted later.
        #expect(throws: IndexError.self) { try index.search("agreement") }
    }

    @Test func garbageAndOtherFilesAreNotIndexes() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("hello, this is not an index at all; it is long enough to hold a header. ".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: IndexError.self) { try SearchIndex.open(path: path) }
        let missing = #expect(throws: IndexError.self) { try SearchIndex.open(path: path + ".missing") }
        #expect(missing?.code == .io)
    }
}

/// Chunks' pages in the index: cut from the blocks they span, written in each chunk record, and read
/// back from a file (index format 2); a file of format 1 is refused, never misread.
@Suite struct IndexPageTests {
    static let document = PagedDocument.make([
        ["The Supplier ships goods.", "The Buyer pays within thirty days."],
        ["Either party may terminate on notice.", "Notices are given in writing."],
        ["This Agreement is governed by New York law."],
    ])

    static func index() throws -> (SearchIndex, [Chunk]) {
        let chunker = Chunker(tokenizer: PersistenceTests.cl100k, configuration: try ChunkConfiguration(maxTokens: 32))
        let chunks = chunker.chunks(of: document)
        var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 32)
        try builder.add(path: "agreement.pdf", text: document.text, chunks: chunks)
        return (builder.build(), chunks)
    }

    @Test func chunkPagesAreTheirBlocksPagesAndSurviveTheFile() throws {
        let (built, chunks) = try Self.index()
        #expect(chunks.count > 1)
        for chunk in chunks {
            #expect(chunk.pages != nil && chunk.pages == PagedDocument.pages(of: chunk.range, in: Self.document))
        }
        #expect(chunks.contains { ($0.pages?.count ?? 0) > 1 }, "no chunk spans two pages: \(chunks.map(\.pages))")
        let path = PersistenceTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try built.write(to: path)
        let opened = try SearchIndex.open(path: path)
        for chunk in chunks {
            #expect(try opened.chunk(chunk.index).pages == chunk.pages)
            #expect(try built.chunk(chunk.index).pages == chunk.pages)
        }
        // Without pages, none are stored.
        var plain = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: 16)
        try plain.add(
            path: "a.txt", text: "Plain words.",
            chunks: [
                Chunk(
                    index: 0, range: TextRange(start: 0, end: 12), utf8Range: 0..<12, tokenCount: 3,
                    text: "Plain words.",
                    boundary: .document)
            ])
        #expect(try plain.build().chunk(0).pages == nil)
    }

    @Test func anIndexOfTheFormerVersionIsRefused() throws {
        let (built, _) = try Self.index()
        var bytes = built.imageBytes
        bytes.replaceSubrange(8..<12, with: [1, 0, 0, 0])
        let checksum = CRC32.checksum(bytes[0..<60])
        bytes.replaceSubrange(60..<64, with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        let path = PersistenceTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: IndexError.self) { try SearchIndex.open(path: path) }
        #expect(error?.code == .unsupportedVersion)
    }

    @Test func passagesCiteTheirPages() throws {
        let (index, _) = try Self.index()
        let configuration = try PackConfiguration(budget: 200, leadShare: 0, passageHeader: "[{pages}] ")
        let context = try ContextAssembler(index: index, tokenizer: PersistenceTests.cl100k)
            .pack("terminate on notice", configuration: configuration)
        let passage = try #require(context.passages.first { $0.text.contains("terminate") })
        #expect(passage.pages.map { $0.contains(2) } == true)
        #expect(context.text.contains("[\(passage.pageCitation)] " + passage.text))
        #expect(passage.pageCitation.hasPrefix(passage.pages!.count == 1 ? "p. " : "pp. "))
        for passage in context.passages {
            #expect(passage.pages == PagedDocument.pages(of: passage.range, in: Self.document))
        }
    }
}
