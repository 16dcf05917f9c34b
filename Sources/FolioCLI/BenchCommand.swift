package import ArgumentParser
internal import FolioChunking
internal import FolioIngest
internal import FolioModel
internal import FolioTokenizer
internal import Foundation

/// `folio bench`: throughput of Folio's stages on the user's own files.
package struct BenchCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput on your own files (build with -c release for meaningful figures).",
        subcommands: [
            Tokenize.self, Extract.self, Chunk.self, Index.self, Gunzip.self, PDF.self, CorpusCommand.self,
            TraceCommand.self,
        ]
    )

    package init() {}

    /// `folio bench tokenize`: encode and count throughput of one encoding on the concatenated files.
    package struct Tokenize: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Encode and count throughput (MB/s of UTF-8 input, single thread).",
            discussion: """
                The files are decoded (UTF-8, invalid bytes replaced) and concatenated into one text in \
                memory; then encode and count each run --repeat times after one warm-up run. Prints one \
                JSON line per operation with the best and median MB/s (1 MB = 10^6 bytes).
                """
        )

        @Option(name: .long, help: "cl100k_base or o200k_base.")
        var encoding = "cl100k_base"

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            let tokenizer: BPETokenizer
            do {
                tokenizer = try BPETokenizer.named(encoding)
            } catch {
                errors.write("folio: \(error.message)\n")
                return 1
            }
            var text = ""
            for path in inputs.files {
                do {
                    text += UTF8Repair.repair(try ByteSource(path: path).readAll()).text
                } catch {
                    errors.write("folio: \(error)\n")
                    return 1
                }
            }
            let byteCount = text.utf8.count
            let runs = inputs.runs
            for operation in ["encode", "count"] {
                let (seconds, tokens) = timedRuns(runs) {
                    operation == "encode" ? tokenizer.encode(text).count : tokenizer.count(text)
                }
                output.write(
                    "{\"tool\": \"folio\", \"encoding\": \(jsonString(encoding)), \"operation\": \"\(operation)\", "
                        + "\"bytes\": \(byteCount), \"tokens\": \(tokens), \"runs\": \(runs), "
                        + throughputFields(byteCount: byteCount, seconds: seconds) + "}\n")
            }
            return 0
        }

    }

    /// `folio bench extract`: extraction throughput on each file, in process.
    package struct Extract: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Extraction throughput (MB/s of input file, single thread).",
            discussion: """
                Each file is read into memory once; then extracting it (detection, decompression, decoding, \
                parsing, normalization) runs --repeat times after one warm-up run. Prints one JSON line per \
                file with its size, the characters and blocks extracted, and the best and median MB/s \
                (1 MB = 10^6 bytes of the file as stored).
                """
        )

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            let ingestor = Ingestor()
            var status: Int32 = 0
            for path in inputs.files {
                let bytes: [UInt8]
                do {
                    bytes = try ByteSource(path: path).readAll()
                } catch {
                    errors.write("folio: \(error)\n")
                    status = 1
                    continue
                }
                let seconds: [Double]
                let document: Document
                do {
                    (seconds, document) = try timedRuns(inputs.runs) { () throws(IngestError) in
                        try ingestor.document(from: bytes, name: path)
                    }
                } catch {
                    errors.write("folio: \(error.message)\n")
                    status = 1
                    continue
                }
                output.write(
                    "{\"tool\": \"folio\", \"operation\": \"extract\", \"path\": \(jsonString(path)), "
                        + "\"bytes\": \(bytes.count), \"characters\": \(document.text.unicodeScalars.count), "
                        + "\"blocks\": \(document.blocks.count), \"runs\": \(seconds.count), "
                        + throughputFields(byteCount: bytes.count, seconds: seconds) + "}\n")
            }
            return status
        }

    }

    /// `folio bench chunk`: chunking throughput of documents in memory, or of the whole pipeline.
    package struct Chunk: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Chunking throughput (MB/s of document text, single thread), or of the whole pipeline.",
            discussion: """
                Each file is extracted once; then cutting its document into chunks (segmenting, counting, \
                cutting) runs --repeat times after one warm-up run, on one thread. With --pipeline each run \
                instead goes from the file's bytes in memory to chunks through the streaming pipeline \
                (extraction on one thread, cutting on another), and MB/s is of the file as stored. Prints one \
                JSON line per file: its bytes, characters, chunks and tokens, the shares of chunks ending at a \
                sentence (or block, section, end) and at a line break or stronger, the best and median MB/s \
                (1 MB = 10^6 bytes) and the best run's seconds.
                """
        )

        @OptionGroup var chunking: ChunkArguments

        @Flag(name: .long, help: "Time extraction and chunking together, from the file's bytes.")
        var pipeline = false

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            guard let chunker = chunking.makeChunker(errors: &errors) else { return 1 }
            let ingestor = Ingestor()
            var status: Int32 = 0
            for path in inputs.files {
                do {
                    let bytes = try ByteSource(path: path).readAll()
                    let document = try ingestor.document(from: bytes, name: path)
                    let textBytes = document.text.utf8.count
                    let seconds: [Double]
                    let chunks: [FolioModel.Chunk]
                    if pipeline {
                        (seconds, chunks) = try timedRuns(inputs.runs) { () throws(ChunkingError) in
                            var chunks: [FolioModel.Chunk] = []
                            try chunker.forEachChunkBatch(
                                reading: { send throws(IngestError) in
                                    try ingestor.readBatches(bytes: bytes, name: path, send)
                                }
                            ) { chunks.append(contentsOf: $0) }
                            return chunks
                        }
                    } else {
                        (seconds, chunks) = timedRuns(inputs.runs) { chunker.chunks(of: document) }
                    }
                    let measured = pipeline ? bytes.count : textBytes
                    output.write(
                        """
                        {"tool": "folio", "operation": "\(pipeline ? "pipeline" : "chunk")", \
                        "path": \(jsonString(path)), "bytes": \(measured), \
                        "characters": \(document.text.unicodeScalars.count), \
                        "chunks": \(chunks.count), "tokens": \(chunks.reduce(0) { $0 + $1.tokenCount }), \
                        "max_tokens": \(chunker.configuration.maxTokens), \
                        "ending_at_sentence": \(Self.share(chunks) { $0 >= .sentence }), \
                        "ending_at_line": \(Self.share(chunks) { $0 >= .line }), "runs": \(seconds.count), \
                        \(throughputFields(byteCount: measured, seconds: seconds)), \
                        "best_seconds": \(String(format: "%.4f", seconds[0]))}\n
                        """)
                } catch {
                    errors.write("folio: \(error)\n")
                    status = 1
                }
            }
            return status
        }

        /// The share of chunks whose boundary passes `test`, with four decimals.
        static func share(_ chunks: [FolioModel.Chunk], _ test: (BoundaryLevel) -> Bool) -> String {
            String(format: "%.4f", Double(chunks.filter { test($0.boundary) }.count) / Double(max(1, chunks.count)))
        }
    }

    /// `folio bench gunzip`: the gzip stage alone, for comparing with zlib.
    package struct Gunzip: ParsableCommand {
        package static let configuration = CommandConfiguration(
            abstract: "Decompression throughput of the ingestion pipeline's gzip stage (MB/s of inflated output).",
            discussion: """
                Each gzip file is read into memory once; then its stream is inflated through the same streaming \
                stage extraction uses (limits and checksum included), --repeat times after one warm-up run.
                """
        )

        @OptionGroup var inputs: BenchInputs

        package init() {}

        package func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            var status: Int32 = 0
            for path in inputs.files {
                do {
                    let bytes = try ByteSource(path: path).readAll()
                    let (seconds, inflated) = try timedRuns(inputs.runs) { () throws(IngestError) in
                        try IngestStages.gunzip(bytes)
                    }
                    output.write(
                        "{\"tool\": \"folio\", \"operation\": \"gunzip\", \"path\": \(jsonString(path)), "
                            + "\"bytes\": \(bytes.count), \"inflated_bytes\": \(inflated), \"runs\": \(seconds.count), "
                            + throughputFields(byteCount: inflated, seconds: seconds) + "}\n")
                } catch let error as IngestError {
                    errors.write("folio: \(error.message)\n")
                    status = 1
                } catch {
                    errors.write("folio: \(error)\n")
                    status = 1
                }
            }
            return status
        }

        /// The share of chunks whose boundary passes `test`, with four decimals.
        static func share(_ chunks: [FolioModel.Chunk], _ test: (BoundaryLevel) -> Bool) -> String {
            String(format: "%.4f", Double(chunks.filter { test($0.boundary) }.count) / Double(max(1, chunks.count)))
        }
    }
}

/// Runs `body` once to warm up and then `runs` times; returns the timed runs' seconds, fastest first,
/// and the last result.
func timedRuns<Result, Failure: Error>(
    _ runs: Int, _ body: () throws(Failure) -> Result
) throws(Failure) -> (seconds: [Double], result: Result) {
    var result = try body()
    var seconds: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        result = try body()
        let elapsed = start.duration(to: clock.now)
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    return (seconds.sorted(), result)
}

/// The `"best_mb_per_s"` and `"median_mb_per_s"` fields for `byteCount` bytes (1 MB = 10^6 bytes).
func throughputFields(byteCount: Int, seconds: [Double]) -> String {
    let best = Double(byteCount) / seconds[0] / 1e6
    let median = Double(byteCount) / seconds[seconds.count / 2] / 1e6
    return "\"best_mb_per_s\": \(String(format: "%.1f", best)), \"median_mb_per_s\": \(String(format: "%.1f", median))"
}

/// The options every `folio bench` subcommand shares: how many timed runs, and the files.
package struct BenchInputs: ParsableArguments {
    @Option(name: .long, help: "Timed runs after one warm-up run (at least 1).")
    var `repeat` = 5

    @Argument(help: "Input files.")
    var files: [String]

    package init() {}

    package func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be at least 1, not \(self.repeat)") }
    }

    /// The number of timed runs.
    var runs: Int { self.repeat }
}
