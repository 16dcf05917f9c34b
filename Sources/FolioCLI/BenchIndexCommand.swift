package import ArgumentParser
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioModel
internal import FolioTokenizer
internal import Foundation

extension BenchCommand {
    /// `folio bench index`: index build MB/s, query latency and open time.
    package struct Index: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Index build throughput (MB/s of chunk text, one thread), query latency and open time.",
            discussion: """
                The files are extracted and cut into chunks of --max-tokens once (not timed). Then: building \
                one index over all their chunks (with chunk vectors from the built-in table unless --vectors \
                or --no-vectors says otherwise) runs --repeat times (MB/s of chunk text, best and median); \
                each query of --queries (one per line) runs against an index of each file alone, after a \
                warm-up pass (p50/p99/max µs per query, top 10); and the index of all files is written to a \
                temporary file and opened 50 times (median µs). Prints one JSON line.
                """
        )

        @Option(name: .long, help: "Most tokens in an indexed chunk.")
        var maxTokens = 512

        @Option(name: .long, help: "A file with one query per line (default: a few contract questions).")
        var queries: String?

        @Option(name: .long, help: "A term-vector table for the chunk vectors (default: the built-in one).")
        var vectors: String?

        @Flag(name: .long, help: "Build without chunk vectors (words alone).")
        var noVectors = false

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            do {
                let table = noVectors ? nil : try vectors.map { try TermVectors(contentsOf: $0) } ?? TermVectors.builtIn
                let tokenizer = try BPETokenizer.named(.cl100kBase)
                let chunker = Chunker(tokenizer: tokenizer, configuration: try ChunkConfiguration(maxTokens: maxTokens))
                var documents: [(path: String, text: String, chunks: [FolioModel.Chunk])] = []
                for path in inputs.files {
                    let document = try Ingestor().document(atPath: path)
                    documents.append((path, document.text, chunker.chunks(of: document)))
                }
                let chunkBytes = documents.reduce(0) { $0 + $1.chunks.reduce(0) { $0 + $1.text.utf8.count } }
                let (seconds, whole) = try timedRuns(inputs.runs) { () throws(IndexError) -> SearchIndex in
                    var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: maxTokens, termVectors: table)
                    for document in documents {
                        try builder.add(path: document.path, text: document.text, chunks: document.chunks)
                    }
                    return builder.build()
                }

                let queryLines =
                    try queries.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? Self.defaultQueries
                let queryList = queryLines.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
                var latencies: [Double] = []
                let clock = ContinuousClock()
                for document in documents {
                    var builder = IndexBuilder(encoding: "cl100k_base", maxChunkTokens: maxTokens, termVectors: table)
                    try builder.add(path: document.path, text: document.text, chunks: document.chunks)
                    let index = builder.build()
                    for pass in 0..<2 {
                        for query in queryList {
                            let start = clock.now
                            _ = try? index.search(query, top: 10)
                            if pass == 1 { latencies.append((clock.now - start) / .microseconds(1)) }
                        }
                    }
                }
                latencies.sort()
                func percentile(_ p: Double) -> Double {
                    latencies.isEmpty
                        ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
                }

                let path = NSTemporaryDirectory() + "folio-bench-\(getpid()).folio"
                defer { try? FileManager.default.removeItem(atPath: path) }
                try whole.write(to: path)
                var opens: [Double] = []
                for _ in 0..<50 {
                    let start = clock.now
                    let opened = try SearchIndex.open(path: path)
                    opens.append((clock.now - start) / .microseconds(1))
                    precondition(opened.chunkCount == whole.chunkCount)
                }
                opens.sort()
                let megabytes = Double(chunkBytes) / 1e6
                output.write(
                    """
                    {"tool": "folio", "operation": "index", "files": \(documents.count), \
                    "vectorDimensions": \(whole.vectorDimensions ?? 0), \
                    "chunks": \(whole.chunkCount), "chunkBytes": \(chunkBytes), "indexBytes": \(whole.byteCount), \
                    "mbPerSecond": \(String(format: "%.2f", megabytes / seconds[0])), \
                    "medianMBPerSecond": \(String(format: "%.2f", megabytes / seconds[seconds.count / 2])), \
                    "queries": \(latencies.count), "queryP50Micros": \(String(format: "%.1f", percentile(0.5))), \
                    "queryP99Micros": \(String(format: "%.1f", percentile(0.99))), \
                    "queryMaxMicros": \(String(format: "%.1f", latencies.last ?? 0)), \
                    "openMedianMicros": \(String(format: "%.1f", opens[opens.count / 2])), \
                    "openMaxMicros": \(String(format: "%.1f", opens.last!))}\n
                    """
                )
                return 0
            } catch {
                errors.write("folio: \(error)\n")
                return 1
            }
        }

        static let defaultQueries = """
            Which state/country's law governs the interpretation of the contract?
            Is consent or notice required of a party if the contract is assigned to a third party?
            Can a party terminate this contract without cause?
            """
    }
}
