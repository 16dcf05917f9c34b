import ArgumentParser
import FolioCLI
import FolioCorpora
import FolioTestSupport
import Foundation
import Testing

/// `folio bench corpus`, parsed from argument arrays and run in process with captured output.
struct CorpusCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let command = try CorpusCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = command.execute(output: &output, errors: &errors)
        return (status, output.text, errors.text)
    }

    @Test func writesTheGeneratedDocumentToStandardOutput() throws {
        let run = try Self.run(["--kind", "chinese", "--chars", "5000", "--seed", "7"])
        #expect(run.status == 0)
        #expect(run.errors.isEmpty)
        #expect(run.output.unicodeScalars.count == 5000)
        #expect(run.output == CorpusGenerator(kind: .chinese, seed: 7).document(characters: 5000))
    }

    @Test func writesAFileOfExactlyTheBytesAskedForInHTML() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID()).html").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run(["--kind", "contract", "--format", "html", "--chars", "200000", "--out", path])
        #expect(run.status == 0)
        #expect(run.output.isEmpty)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count == 200_000)
        #expect(bytes == Data(CorpusGenerator(kind: .contract, format: .html).document(characters: 200_000).utf8))
    }

    @Test func aFileThatCannotBeWrittenIsOneErrorLine() throws {
        let path = "/nonexistent-\(UUID())/out.txt"
        let run = try Self.run(["--chars", "10", "--out", path])
        #expect(run.status == 1)
        #expect(run.errors == "folio: \(path): No such file or directory\n")
    }

    @Test func rejectsUnknownKindsAndNegativeSizes() {
        #expect(throws: (any Error).self) { try CorpusCommand.parse(["--kind", "poem", "--chars", "10"]) }
        #expect(throws: (any Error).self) { try CorpusCommand.parse(["--format", "pdf", "--chars", "10"]) }
        #expect(throws: (any Error).self) { try CorpusCommand.parse(["--chars", "-1"]) }
        #expect(throws: (any Error).self) { try CorpusCommand.parse([]) }
    }

    @Test func isASubcommandOfBench() throws {
        let command = try FolioCommand.parseAsRoot(["bench", "corpus", "--chars", "10", "--kind", "report"])
        #expect(command is CorpusCommand)
    }
}
