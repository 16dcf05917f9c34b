import Benchmark
import FolioTestSupport
import FolioTokenizer
import Foundation

/// Encode and count throughput on English filing text, contract text and Chinese text, per encoding.
///
/// Inputs come from ../shared/corpora (the extracted text of the filings, the CUAD contracts,
/// hongloumeng.txt) and fall back to the samples in Corpora/ when ../shared is absent. Metrics:
/// throughput (bytes per second, scaled), wall clock, instructions and mallocs. Run with
/// `FOLIO_BENCHMARKS=1 swift package benchmark --target TokenizerBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    for (input, text) in Inputs.all {
        let bytes = text.utf8.count
        for name in EncodingName.allCases {
            let tokenizer = try! BPETokenizer.named(name)
            Benchmark("Tokenize:encode:\(input):\(name)", configuration: .init(tags: ["bytes": "\(bytes)"])) {
                benchmark in
                for _ in benchmark.scaledIterations { blackHole(tokenizer.encode(text)) }
            }
            Benchmark("Tokenize:count:\(input):\(name)", configuration: .init(tags: ["bytes": "\(bytes)"])) {
                benchmark in
                for _ in benchmark.scaledIterations { blackHole(tokenizer.count(text)) }
            }
        }
    }

    Benchmark("Tokenize:load:o200k_base", configuration: .init(maxIterations: 5)) { benchmark in
        let path = BPETokenizer.rankFilePath(of: .o200kBase)!
        for _ in benchmark.scaledIterations {
            blackHole(try! BPETokenizer(rankFileAt: path, pattern: .o200k))
        }
    }
}

enum Inputs {
    /// (name, text) for each input.
    static let all: [(String, String)] = {
        func read(_ path: String) -> String {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        if SharedCorpora.isAvailable {
            let corpora = SharedCorpora.root!.appendingPathComponent("corpora")
            func folder(_ relative: String) -> String {
                let directory = corpora.appendingPathComponent(relative)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                return names.sorted().map { read(directory.appendingPathComponent($0).path) }.joined()
            }
            return [
                ("financial", folder("reference/lxml-text")),
                ("contracts", folder("contracts/txt")),
                ("chinese", read(corpora.appendingPathComponent("chinese/hongloumeng.txt").path)),
            ]
        }
        let samples = PackageCorpora.root.appendingPathComponent("samples")
        return [
            ("financial", read(samples.appendingPathComponent("annual-report.txt").path)),
            ("contracts", read(samples.appendingPathComponent("supply-agreement.txt").path)),
            ("chinese", read(samples.appendingPathComponent("chinese-essay.txt").path)),
        ]
    }()
}
