import FolioChunking
import FolioCorpora
import FolioIngest
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Synchronization
import Testing

@Suite struct StreamingTests {
    static let tokenizer = ChunkerTests.cl100k

    static func collect(_ stream: ChunkStream) async throws -> [Chunk] {
        var chunks: [Chunk] = []
        for try await chunk in stream { chunks.append(chunk) }
        return chunks
    }

    @Test(arguments: ChunkerTests.samples, [(64, 0), (512, 100)])
    func streamedChunksEqualTheBatchChunks(name: String, budget: (Int, Int)) async throws {
        let path = PackageCorpora.root.appendingPathComponent("samples/\(name)").path
        let chunker = Chunker(
            tokenizer: Self.tokenizer,
            configuration: try ChunkConfiguration(maxTokens: budget.0, overlapTokens: budget.1))
        let batch = chunker.chunks(of: try Ingestor().document(atPath: path))
        let stream = chunker.chunks(atPath: path)
        #expect(try await Self.collect(stream) == batch)
        #expect(stream.metadata != nil)
        var synchronous: [Chunk] = []
        try chunker.forEachChunk(atPath: path) { synchronous.append($0) }
        #expect(synchronous == batch)
    }

    @Test func streamedChunksOfRandomDocumentsEqualTheBatchChunks() async throws {
        var random = SplitMix64(seed: 77)
        for _ in 0..<20 {
            let seed = random.state
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                text += RandomText.make(
                    RandomText.adversarial, count: Int.random(in: 0...200, using: &random), using: &random)
                text += ["\n\n", "\n", "。", ". ", "\n\nItem 7. Results\n\n"].randomElement(using: &random)!
            }
            let bytes = Array(text.utf8)
            let chunker = Chunker(
                tokenizer: Self.tokenizer,
                configuration: try ChunkConfiguration(maxTokens: Int.random(in: 16...300, using: &random)))
            let batch = chunker.chunks(of: try Ingestor().document(from: bytes, name: "random.txt"))
            let streamed = try await Self.collect(chunker.chunks(from: bytes, name: "random.txt"))
            #expect(streamed == batch, "seed \(seed)")
        }
    }

    @Test func aConsumerThatStopsEarlyStopsTheReader() async throws {
        // A reader that could hand on 100,000 paragraphs, and a consumer that takes three chunks: the
        // reader must be stopped by the bounded buffers, not run to the end.
        let paragraphs = 100_000
        let sent = Mutex(0)
        let readerEnded = DispatchSemaphore(value: 0)
        let chunker = Chunker(tokenizer: Self.tokenizer, configuration: try ChunkConfiguration(maxTokens: 64))
        let stream = chunker.chunks(reading: { send throws(IngestError) in
            defer { readerEnded.signal() }
            var offset = 0
            for index in 0..<paragraphs {
                let separator = index == 0 ? "" : "\n\n"
                let text = "The committee met on day \(index). It approved the budget, with changes."
                offset += separator.utf8.count
                let range = offset..<(offset + text.utf8.count)
                // One block per batch: the buffers below are counted in batches.
                try send([
                    ExtractedBlock(
                        block: Block(
                            kind: .paragraph, range: TextRange(start: range.lowerBound, end: range.upperBound),
                            utf8Range: range),
                        text: text, separator: separator)
                ])
                sent.withLock { $0 += 1 }
                offset = range.upperBound
            }
            return DocumentMetadata(format: .plainText)
        })
        var taken = 0
        for try await _ in stream {
            taken += 1
            if taken == 3 { break }
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                readerEnded.wait()
                continuation.resume()
            }
        }
        #expect(taken == 3)
        let blocksSent = sent.withLock { $0 }
        #expect(blocksSent < paragraphs, "the reader ran to the end after the consumer stopped")
        // Bounded by the buffers: the chunks taken and queued (and two being cut), at most four
        // paragraphs of 17 tokens each in 64 tokens, plus the block queue (each batch one chunk or block).
        let bound = (taken + ChunkStream.bufferCapacity + 2) * 4 + ChunkStream.blockQueueCapacity + 2
        #expect(blocksSent <= bound)
    }

    @Test func aCancelledConsumerEndsWithACancellationError() async throws {
        let text = String(repeating: "Revenue grew. Costs fell. ", count: 200_000)
        let chunker = Chunker(tokenizer: Self.tokenizer, configuration: try ChunkConfiguration(maxTokens: 32))
        let task = Task {
            var count = 0
            for try await _ in chunker.chunks(from: Array(text.utf8), name: "long.txt") {
                count += 1
                if count == 10 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return count
        }
        do {
            _ = try await task.value
            Issue.record("a cancelled stream ended normally")
        } catch let error as ChunkingError {
            #expect(error.code == .cancelled)
        }
    }

    @Test func anUnreadableFileEndsTheStreamWithAnInputError() async throws {
        let chunker = Chunker(tokenizer: Self.tokenizer, configuration: try ChunkConfiguration())
        do {
            _ = try await Self.collect(chunker.chunks(atPath: "/nonexistent/file.txt"))
            Issue.record("a missing file gave no error")
        } catch let error as ChunkingError {
            #expect(error.code == .input)
            #expect(error.message.contains("/nonexistent/file.txt"))
            #expect(error.underlying is IngestError)
        }
    }

    @Test(arguments: [CorpusGenerator.Kind.report, .chinese])
    func windowsCoverALongDocumentInModelSizedContexts(kind: CorpusGenerator.Kind) throws {
        // 2,000,000 generated characters in 128,000-token windows sharing up to 2,000 tokens.
        let text = CorpusGenerator(kind: kind, seed: 3).document(characters: 2_000_000)
        let configuration = try ChunkConfiguration.window()
        let windows = try Chunker(tokenizer: Self.tokenizer, configuration: configuration).chunks(ofText: text)
        #expect(windows.count >= 3)
        ChunkInvariants(text: text).check(windows, tokenizer: Self.tokenizer, configuration: configuration)
        for (previous, next) in zip(windows, windows.dropFirst()) {
            #expect(next.range.start < previous.range.end, "consecutive windows share text")
            #expect(previous.tokenCount > 115_000, "windows are filled")
        }
    }
}
