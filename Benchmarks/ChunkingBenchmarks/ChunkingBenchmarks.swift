import Benchmark
import FolioChunking
import FolioCorpora
import FolioIngest
import FolioModel
import FolioTokenizer

/// Chunking throughput on generated documents (Corpora/Generator), so the inputs are the same everywhere.
///
/// `Chunk:cut512:<kind>` cuts a document already in memory (2,000,000 characters of report, contract or
/// Chinese text) into 512-token cl100k chunks on one thread: segmenting, counting and cutting.
/// `Chunk:pipeline:report-html` goes from the bytes of a 3 MB filing-like HTML document (2.77 million
/// characters of text) to chunks through the streaming pipeline (extraction and cutting on two
/// threads). Each result is checked once in `setup:` (every chunk within budget, the chunks' text
/// covering the document). Run with `FOLIO_BENCHMARKS=1 swift package --scratch-path .build-bench
/// benchmark --target ChunkingBenchmarks`; `python3 Benchmarks/peers/chunkers.py` compares the chunker
/// with text-splitter and chonkie on the shared corpora.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 20
    )
    let tokenizer = try! BPETokenizer.named(.cl100kBase)
    let chunker = Chunker(tokenizer: tokenizer, configuration: try! ChunkConfiguration(maxTokens: 512))

    for kind in CorpusGenerator.Kind.allCases {
        Benchmark(
            "Chunk:cut512:\(kind.rawValue)",
            closure: { (benchmark: Benchmark, document: Document) in
                for _ in benchmark.scaledIterations { blackHole(chunker.chunks(of: document)) }
            },
            setup: { () -> Document in
                let text = CorpusGenerator(kind: kind, seed: 1).document(characters: 2_000_000)
                let document = try! Ingestor(options: IngestOptions(format: .text)).document(from: Array(text.utf8))
                check(chunker.chunks(of: document), of: document.text)
                return document
            }
        )
    }

    Benchmark(
        "Chunk:pipeline:report-html",
        closure: { (benchmark: Benchmark, bytes: [UInt8]) in
            for _ in benchmark.scaledIterations {
                var count = 0
                try! chunker.forEachChunkBatch(reading: { send throws(IngestError) in
                    try Ingestor().readBatches(bytes: bytes, name: "report.html", send)
                }) { chunks in
                    count += chunks.count
                }
                blackHole(count)
            }
        },
        setup: { () -> [UInt8] in
            let html = CorpusGenerator(kind: .report, format: .html, seed: 1).document(characters: 3_000_000)
            let bytes = Array(html.utf8)
            let document = try! Ingestor().document(from: bytes, name: "report.html")
            check(chunker.chunks(of: document), of: document.text)
            return bytes
        }
    )
}

/// Every chunk within budget, and the chunks' texts in order make up the document's non-blank text.
private func check(_ chunks: [Chunk], of text: String) {
    precondition(!chunks.isEmpty && chunks.allSatisfy { $0.tokenCount <= 512 }, "a chunk is over budget")
    let covered = chunks.reduce(0) { $0 + $1.text.unicodeScalars.filter { !$0.properties.isWhitespace }.count }
    let expected = text.unicodeScalars.filter { !$0.properties.isWhitespace }.count
    precondition(covered == expected, "chunks lost text: \(covered) of \(expected) non-blank characters")
}
