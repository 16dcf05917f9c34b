public import ArgumentParser
internal import FolioIngest
internal import FolioModel
internal import FolioTokenizer
internal import Foundation

/// `folio bench`: throughput of Folio's stages on the user's own files.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput on your own files (build with -c release for meaningful figures).",
        subcommands: [Tokenize.self, Extract.self, Gunzip.self]
    )

    public init() {}

    /// `folio bench tokenize`: encode and count throughput of one encoding on the concatenated files.
    public struct Tokenize: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Encode and count throughput (MB/s of UTF-8 input, single thread).",
            discussion: """
                The files are decoded (UTF-8, invalid bytes replaced) and concatenated into one text in \
                memory; then encode and count each run --repeat times after one warm-up run. Prints one \
                JSON line per operation with the best and median MB/s (1 MB = 10^6 bytes).
                """
        )

        @Option(name: .long, help: "cl100k_base or o200k_base.")
        var encoding = "cl100k_base"

        @Option(name: .long, help: "Timed runs per operation.")
        var `repeat` = 5

        @Argument(help: "Input files.")
        var files: [String]

        public init() {}

        public func run() throws {
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
            for path in files {
                do {
                    text += UTF8Repair.repair(try ByteSource(path: path).readAll()).text
                } catch {
                    errors.write("folio: \(error)\n")
                    return 1
                }
            }
            let byteCount = text.utf8.count
            let runs = max(1, self.repeat)
            for operation in ["encode", "count"] {
                var seconds: [Double] = []
                var tokens = 0
                for run in 0...runs {
                    let clock = ContinuousClock()
                    let start = clock.now
                    tokens = operation == "encode" ? tokenizer.encode(text).count : tokenizer.count(text)
                    let elapsed = start.duration(to: clock.now)
                    if run > 0 {
                        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                    }
                }
                seconds.sort()
                let best = Double(byteCount) / seconds[0] / 1e6
                let median = Double(byteCount) / seconds[seconds.count / 2] / 1e6
                output.write(
                    "{\"tool\": \"folio\", \"encoding\": \(jsonString(encoding)), \"operation\": \"\(operation)\", "
                        + "\"bytes\": \(byteCount), \"tokens\": \(tokens), \"runs\": \(runs), "
                        + "\"best_mb_per_s\": \(Self.rounded(best)), \"median_mb_per_s\": \(Self.rounded(median))}\n")
            }
            return 0
        }

        private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }
    }

    /// `folio bench extract`: extraction throughput on each file, in process.
    public struct Extract: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Extraction throughput (MB/s of input file, single thread).",
            discussion: """
                Each file is read into memory once; then extracting it (detection, decompression, decoding, \
                parsing, normalization) runs --repeat times after one warm-up run. Prints one JSON line per \
                file with its size, the characters and blocks extracted, and the best and median MB/s \
                (1 MB = 10^6 bytes of the file as stored).
                """
        )

        @Option(name: .long, help: "Timed runs per file.")
        var `repeat` = 5

        @Argument(help: "Input files.")
        var files: [String]

        public init() {}

        public func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            let ingestor = Ingestor()
            var status: Int32 = 0
            for path in files {
                let bytes: [UInt8]
                do {
                    bytes = try ByteSource(path: path).readAll()
                } catch {
                    errors.write("folio: \(error)\n")
                    status = 1
                    continue
                }
                var seconds: [Double] = []
                var characters = 0
                var blocks = 0
                do {
                    for run in 0...max(1, self.repeat) {
                        let clock = ContinuousClock()
                        let start = clock.now
                        let document = try ingestor.document(from: bytes, name: path)
                        let elapsed = start.duration(to: clock.now)
                        characters = document.blocks.last?.range.end ?? 0
                        blocks = document.blocks.count
                        if run > 0 {
                            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                        }
                    }
                } catch {
                    errors.write("folio: \(error.message)\n")
                    status = 1
                    continue
                }
                seconds.sort()
                let best = Double(bytes.count) / seconds[0] / 1e6
                let median = Double(bytes.count) / seconds[seconds.count / 2] / 1e6
                output.write(
                    "{\"tool\": \"folio\", \"operation\": \"extract\", \"path\": \(jsonString(path)), "
                        + "\"bytes\": \(bytes.count), \"characters\": \(characters), \"blocks\": \(blocks), "
                        + "\"runs\": \(seconds.count), \"best_mb_per_s\": \(Self.rounded(best)), "
                        + "\"median_mb_per_s\": \(Self.rounded(median))}\n")
            }
            return status
        }

        private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }
    }

    /// `folio bench gunzip`: the gzip stage alone, for comparing with zlib.
    public struct Gunzip: ParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Decompression throughput of the ingestion pipeline's gzip stage (MB/s of inflated output).",
            discussion: """
                Each gzip file is read into memory once; then its stream is inflated through the same streaming \
                stage extraction uses (limits and checksum included), --repeat times after one warm-up run.
                """
        )

        @Option(name: .long, help: "Timed runs per file.")
        var `repeat` = 5

        @Argument(help: "Gzip files.")
        var files: [String]

        public init() {}

        public func run() throws {
            try runWithStandardStreams { output, errors in execute(output: &output, errors: &errors) }
        }

        package func execute(output: inout some TextSink, errors: inout some TextSink) -> Int32 {
            var status: Int32 = 0
            for path in files {
                do {
                    let bytes = try ByteSource(path: path).readAll()
                    var seconds: [Double] = []
                    var inflated = 0
                    for run in 0...max(1, self.repeat) {
                        let clock = ContinuousClock()
                        let start = clock.now
                        inflated = try IngestStages.gunzip(bytes)
                        let elapsed = start.duration(to: clock.now)
                        if run > 0 {
                            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                        }
                    }
                    seconds.sort()
                    output.write(
                        "{\"tool\": \"folio\", \"operation\": \"gunzip\", \"path\": \(jsonString(path)), "
                            + "\"bytes\": \(bytes.count), \"inflated_bytes\": \(inflated), \"runs\": \(seconds.count), "
                            + "\"best_mb_per_s\": \(String(format: "%.1f", Double(inflated) / seconds[0] / 1e6)), "
                            + "\"median_mb_per_s\": \(String(format: "%.1f", Double(inflated) / seconds[seconds.count / 2] / 1e6))}\n")
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
    }
}
