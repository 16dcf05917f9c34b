import ArgumentParser
import FolioIndex
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

@testable import FolioCLI

@Suite struct PackCommandTests {
    static let sample = PackageCorpora.root.appendingPathComponent("samples/generated").path

    static func run<Command: ParsableCommand>(
        _ type: Command.Type, _ arguments: [String], _ body: (Command, inout CapturedText, inout CapturedText) -> Int32
    ) throws -> (Int32, String, String) {
        let command = try type.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = body(command, &output, &errors)
        return (status, output.text, errors.text)
    }

    static func pack(_ arguments: [String]) async throws -> (Int32, String, String) {
        let command = try PackCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = await command.execute(output: &output, errors: &errors)
        return (status, output.text, errors.text)
    }

    static func anyTextSample() throws -> String {
        let files = try FileManager.default.contentsOfDirectory(atPath: sample).filter { $0.hasSuffix(".txt") }.sorted()
        return sample + "/" + files.first { $0 == "contract.txt" }!
    }

    /// A PDF's spans carry their pages, and `{pages}` in the passage header cites them.
    @Test func packCitesThePagesOfAPDF() async throws {
        let pdf = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.pdf").path
        let (status, output, errors) = try await Self.pack([
            pdf, "--query", "governing law New York", "--budget", "200", "--passage-header", "({pages}) ",
        ])
        #expect(status == 0, "\(errors)")
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let spans = object["spans"] as! [[String: Any]]
        let text = object["text"] as! String
        #expect(!spans.isEmpty)
        for span in spans {
            let pages = try #require(span["pages"] as? [Int])
            let citation = pages[0] == pages[1] ? "(p. \(pages[0])) " : "(pp. \(pages[0])–\(pages[1])) "
            #expect(text.contains(citation), "\(text)")
        }
        #expect(spans.contains { ($0["pages"] as? [Int])?.last == 3 })  // ARTICLE 7 is on the last page
        // Without pages, the placeholder is empty and spans carry none.
        let plain = try await Self.pack([
            try Self.anyTextSample(), "--query", "payment", "--budget", "200", "--passage-header", "({pages}) ",
        ])
        #expect(plain.1.contains("() ") && !plain.1.contains("\"pages\""))
    }

    @Test func packPrintsAnExactlyCountedCitedContext() async throws {
        let file = try Self.anyTextSample()
        let (status, output, errors) = try await Self.pack([
            file, "--query", "payment terms and termination", "--budget", "300",
        ])
        #expect(status == 0, "\(errors)")
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let text = json["text"] as! String
        let tokens = json["tokens"] as! Int
        let exact = try BPETokenizer.named(.cl100kBase).count(text)
        #expect(tokens <= 300 && tokens == exact)
        let spans = json["spans"] as! [[String: Any]]
        #expect(!spans.isEmpty && spans.allSatisfy { ($0["path"] as! String) == file })
    }

    @Test func indexThenSearchAndPackFromTheIndexDirectory() async throws {
        let out = NSTemporaryDirectory() + "folio-index-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, _, errors) = try Self.run(IndexCommand.self, [Self.sample, "--out", out]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(status == 0, "\(errors)")
        #expect(FileManager.default.fileExists(atPath: out + "/index.folio"))
        let (searchStatus, hits, _) = try Self.run(SearchCommand.self, [out, "agreement", "--top", "3"]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(searchStatus == 0)
        #expect(hits.split(separator: "\n").count == 3)
        let (packStatus, packed, _) = try await Self.pack([out, "--query", "agreement", "--budget", "200"])
        #expect(packStatus == 0 && packed.contains("\"spans\""))
        // A damaged index is reported, not searched.
        let path = out + "/index.folio"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes = bytes.prefix(bytes.count - 10)
        try bytes.write(to: URL(fileURLWithPath: path))
        let (badStatus, _, badErrors) = try Self.run(SearchCommand.self, [out, "agreement"]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(badStatus == 1 && badErrors.contains("cut off"))
    }

    @Test func learnVectorsWritesATableBesideTheIndexAndSearchUsesIt() async throws {
        let out = NSTemporaryDirectory() + "folio-vectors-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, _, errors) = try Self.run(
            IndexCommand.self, ["--learn-vectors", Self.sample, "--vector-dimensions", "16", "--out", out, Self.sample]
        ) { $0.execute(output: &$1, errors: &$2) }
        #expect(status == 0, "\(errors)")
        #expect(errors.contains("learned") && errors.contains("16 dimensions"))
        let table = try TermVectors(contentsOf: out + "/vectors.folio")
        #expect(table.dimensions == 16)
        let index = try SearchIndex.open(path: out)
        #expect(index.vectorDimensions == 16 && index.termVectors?.fingerprint == table.fingerprint)
        let (searchStatus, hits, _) = try Self.run(SearchCommand.self, [out, "termination", "--top", "3"]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(searchStatus == 0 && hits.split(separator: "\n").count == 3)
        // --no-vectors reads the same index by words alone: only chunks holding the word are hits.
        func hitCount(_ extra: [String]) throws -> Int {
            try Self.run(SearchCommand.self, [out, "termination", "--top", "100000"] + extra) {
                $0.execute(output: &$1, errors: &$2)
            }.1.split(separator: "\n").count
        }
        let lexical = try hitCount(["--no-vectors"])
        let fused = try hitCount([])
        #expect(lexical > 0 && lexical < fused, "\(lexical) hits by words, \(fused) with vectors")
        let (packStatus, packed, _) = try await Self.pack([out, "--query", "termination", "--budget", "300"])
        #expect(packStatus == 0 && packed.contains("\"spans\""))
        // A table alone, then an index that uses it through --vectors.
        let tableOnly = out + "/table-only"
        let (learnStatus, _, learnErrors) = try Self.run(
            IndexCommand.self, ["--learn-vectors", Self.sample, "--vector-dimensions", "16", "--out", tableOnly]
        ) { $0.execute(output: &$1, errors: &$2) }
        #expect(learnStatus == 0, "\(learnErrors)")
        #expect(!FileManager.default.fileExists(atPath: tableOnly + "/index.folio"))
        let (withStatus, _, withErrors) = try Self.run(
            IndexCommand.self, ["--vectors", tableOnly + "/vectors.folio", "--out", out + "/other", Self.sample]
        ) { $0.execute(output: &$1, errors: &$2) }
        #expect(withStatus == 0, "\(withErrors)")
        #expect(try SearchIndex.open(path: out + "/other").vectorDimensions == 16)
    }

    @Test func vectorOptionsThatCannotWorkAreRefused() throws {
        #expect(throws: (any Error).self) {
            try IndexCommand.parse(["--vectors", "/x", "--no-vectors", "--out", "/tmp/x", Self.sample])
        }
        #expect(throws: (any Error).self) {
            try IndexCommand.parse(["--learn-vectors", Self.sample, "--no-vectors", "--out", "/tmp/x"])
        }
        #expect(throws: (any Error).self) { try IndexCommand.parse(["--out", "/tmp/x"]) }
        #expect(throws: (any Error).self) {
            try IndexCommand.parse(["--learn-vectors", Self.sample, "--vector-dimensions", "3", "--out", "/tmp/x"])
        }
        #expect(throws: (any Error).self) { try SearchCommand.parse(["--vectors", "/nonexistent", ".", "q"]) }
        // Too little text for the dimensions asked: a clear message, exit status 1.
        let out = NSTemporaryDirectory() + "folio-vectors-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let small = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.txt").path
        let (status, _, errors) = try Self.run(IndexCommand.self, ["--learn-vectors", small, "--out", out]) {
            $0.execute(output: &$1, errors: &$2)
        }
        #expect(status == 1 && errors.contains("too little text"), "\(errors)")
    }

    @Test func batchAnswersEveryLineAndABadFileDoesNotStopIt() async throws {
        let file = try Self.anyTextSample()
        let queries = NSTemporaryDirectory() + "folio-batch-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: queries) }
        let lines = [
            "{\"id\": 1, \"path\": \(jsonString(file)), \"query\": \"termination notice\"}",
            "{\"id\": \"b\", \"path\": \"/nonexistent/file.txt\", \"query\": \"anything\"}",
            "{\"id\": 3, \"path\": \(jsonString(file)), \"query\": \"governing law\"}",
        ]
        try lines.joined(separator: "\n").write(toFile: queries, atomically: true, encoding: .utf8)
        let (status, output, errors) = try await Self.pack(["--batch", queries, "--budget", "256"])
        #expect(status == 1 && errors.contains("/nonexistent/file.txt"))
        let results = output.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(results.count == 3)
        #expect(results[0]["id"] as? Int == 1 && (results[0]["tokens"] as! Int) <= 256)
        #expect(results[1]["id"] as? String == "b" && results[1]["error"] != nil)
        #expect(results[2]["id"] as? Int == 3 && !(results[2]["spans"] as! [[Int]]).isEmpty)
    }
}
