@testable import FolioChunking
import FolioIngest
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// The streaming pipeline finds a block's units on the reading thread when it has time to spare, and
/// leaves them to the cutter otherwise: either way the chunks are the batch chunks.
struct SegmentedBlocksTests {
    static func blocks(of bytes: [UInt8], name: String) throws -> [[ExtractedBlock]] {
        var batches: [[ExtractedBlock]] = []
        _ = try Ingestor().readBatches(bytes: bytes, name: name) { batches.append($0) }
        return batches
    }

    static func chunks(_ chunker: Chunker, _ batches: [[ExtractedBlock]], segmenting: (Int) -> Bool) -> [Chunk] {
        var session = chunker.makeSession()
        var chunks: [Chunk] = []
        for (index, batch) in batches.enumerated() {
            session.append(SegmentedBlocks(batch, segmenting: segmenting(index))) { chunks.append($0) }
        }
        session.finish { chunks.append($0) }
        return chunks
    }

    @Test(arguments: ChunkerTests.samples)
    func segmentedAndUnsegmentedBatchesGiveTheBatchChunks(name: String) throws {
        let path = PackageCorpora.root.appendingPathComponent("samples/\(name)").path
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        for (maxTokens, overlap) in [(32, 0), (200, 50)] {
            let chunker = Chunker(
                tokenizer: ChunkerTests.cl100k,
                configuration: try ChunkConfiguration(maxTokens: maxTokens, overlapTokens: overlap))
            let batch = chunker.chunks(of: try Ingestor().document(from: bytes, name: name))
            let batches = try Self.blocks(of: bytes, name: name)
            #expect(Self.chunks(chunker, batches) { _ in true } == batch)
            #expect(Self.chunks(chunker, batches) { _ in false } == batch)
            #expect(Self.chunks(chunker, batches) { $0 % 2 == 0 } == batch)
        }
    }

    @Test func randomTextsGiveTheBatchChunksWhereverTheirUnitsWereFound() throws {
        var random = SplitMix64(seed: 1515)
        for _ in 0..<30 {
            let seed = random.state
            var text = ""
            for _ in 0..<Int.random(in: 1...60, using: &random) {
                let count = Int.random(in: 0...120, using: &random)
                text += RandomText.make(RandomText.adversarial, count: count, using: &random)
                let separators = ["\n\n", "\n", "。", ". ", "\n\nItem 7. Results\n\n", "\u{0C}", "\n\n# Heading\n\n"]
                text += separators.randomElement(using: &random)!
            }
            let bytes = Array(text.utf8)
            let chunker = Chunker(
                tokenizer: ChunkerTests.cl100k,
                configuration: try ChunkConfiguration(maxTokens: Int.random(in: 16...200, using: &random)))
            let batch = chunker.chunks(of: try Ingestor().document(from: bytes, name: "random.txt"))
            // Small batches, split at random places, segmented or not at random.
            var batches: [[ExtractedBlock]] = []
            for block in try Self.blocks(of: bytes, name: "random.txt").joined() {
                if batches.isEmpty || Bool.random(using: &random) { batches.append([]) }
                batches[batches.count - 1].append(block)
            }
            let choices = (0..<batches.count).map { _ in Bool.random(using: &random) }
            #expect(Self.chunks(chunker, batches) { choices[$0] } == batch, "seed \(seed)")
        }
    }
}
