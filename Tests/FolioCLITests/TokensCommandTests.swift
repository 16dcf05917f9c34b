import ArgumentParser
import FolioCLI
import FolioModel
import FolioTestSupport
import FolioTokenizer
import Foundation
import Testing

/// `folio tokens`, parsed from argument arrays and run in process with captured output.
struct TokensCommandTests {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
        var lines: [[String: Any]] {
            output.split(separator: "\n").map {
                try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        }
    }

    static func run(_ arguments: [String], standardInput: [UInt8]? = nil) throws -> Run {
        let command = try TokensCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        var descriptor: Int32 = 0
        if let standardInput {
            var pipes: [Int32] = [0, 0]
            #expect(pipe(&pipes) == 0)
            _ = standardInput.withUnsafeBytes { write(pipes[1], $0.baseAddress, $0.count) }
            close(pipes[1])
            descriptor = pipes[0]
        }
        defer { if descriptor != 0 { close(descriptor) } }
        let status = command.execute(output: &output, errors: &errors, standardInput: descriptor)
        return Run(status: status, output: output.text, errors: errors.text)
    }

    static func temporaryFile(_ bytes: [UInt8], name: String = UUID().uuidString + ".txt") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func printsOneJSONLinePerFile() throws {
        let path = try Self.temporaryFile(Array("Revenue grew 12% in fiscal 2024.".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run([path])
        #expect(run.status == 0)
        #expect(run.errors.isEmpty)
        let count = try BPETokenizer.named(.cl100kBase).count("Revenue grew 12% in fiscal 2024.")
        #expect(
            run.output
                == "{\"path\": \"\(path)\", \"encoding\": \"cl100k_base\", \"tokens\": \(count), \"replaced\": 0}\n")
    }

    @Test func idsAndSeveralEncodings() throws {
        let text = "Hello, 世界!"
        let path = try Self.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run(["--ids", "--encoding", "cl100k_base", "--encoding", "o200k_base", path])
        #expect(run.status == 0)
        let lines = run.lines
        #expect(lines.map { $0["encoding"] as? String } == ["cl100k_base", "o200k_base"])
        for (line, name) in zip(lines, EncodingName.allCases) {
            let ids = try BPETokenizer.named(name).encode(text).map { Int($0.rawValue) }
            #expect(line["ids"] as? [Int] == ids)
            #expect(line["tokens"] as? Int == ids.count)
        }
    }

    @Test func countsInvalidUTF8Replacements() throws {
        let path = try Self.temporaryFile([0x61, 0xFF, 0x62, 0xED, 0xA0, 0x80])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let line = try Self.run([path]).lines[0]
        #expect(line["replaced"] as? Int == 4)
        #expect(
            line["tokens"] as? Int == (try BPETokenizer.named(.cl100kBase)).count("a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}"))
    }

    @Test func readsStandardInput() throws {
        let run = try Self.run([], standardInput: Array("from a pipe".utf8))
        #expect(run.status == 0)
        #expect(run.lines.first?["path"] as? String == "-")
        #expect(run.lines.first?["tokens"] as? Int == (try BPETokenizer.named(.cl100kBase)).count("from a pipe"))
    }

    @Test func aMissingFileIsNamedAndTheOthersStillReported() throws {
        let good = try Self.temporaryFile(Array("fine".utf8))
        defer { try? FileManager.default.removeItem(atPath: good) }
        let run = try Self.run(["/nonexistent/missing.txt", good, NSTemporaryDirectory()])
        #expect(run.status == 1)
        #expect(run.lines.count == 1)
        #expect(run.lines.first?["path"] as? String == good)
        #expect(run.errors.contains("folio: cannot read '/nonexistent/missing.txt': No such file or directory\n"))
        #expect(run.errors.contains("Is a directory"))
        #expect(run.errors.split(separator: "\n").count == 2)
    }

    @Test func anUnknownEncodingIsNamedAndTheOthersStillReported() throws {
        let path = try Self.temporaryFile(Array("text".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run(["--encoding", "p50k_base", "--encoding", "o200k_base", path])
        #expect(run.status == 1)
        #expect(
            run.errors
                == "folio: unknown encoding 'p50k_base': expected cl100k_base or o200k_base, or a path to a rank file\n"
        )
        #expect(run.lines.map { $0["encoding"] as? String } == ["o200k_base"])
    }

    @Test func aRankFilePathNeedsItsPattern() throws {
        let lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" } + ["aGk= 256"]
        let rankFile = try Self.temporaryFile(
            Array(lines.joined(separator: "\n").utf8), name: "custom-\(UUID()).tiktoken")
        defer { try? FileManager.default.removeItem(atPath: rankFile) }
        let text = try Self.temporaryFile(Array("hi hi".utf8))
        defer { try? FileManager.default.removeItem(atPath: text) }
        let unknown = try Self.run(["--encoding", rankFile, text])
        #expect(unknown.status == 1)
        #expect(unknown.errors.contains("pass --pattern cl100k or --pattern o200k"))
        let known = try Self.run(["--encoding", rankFile, "--pattern", "cl100k", "--ids", text])
        #expect(known.status == 0)
        #expect(known.lines.first?["ids"] as? [Int] == [256, 32, 256])  // "hi", then " hi" merges to " ", "hi"
        #expect(known.lines.first?["encoding"] as? String == rankFile)
    }
}
