import ArgumentParser
import FolioCLI
import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// `folio extract`, parsed from argument arrays and run in process with captured output.
struct ExtractCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let command = try ExtractCommand.parse(arguments)
        var output = CapturedText()
        var errors = CapturedText()
        let status = command.execute(output: &output, errors: &errors)
        return (status, output.text, errors.text)
    }

    static func file(_ text: String, name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("extract-\(UUID())-\(name)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let html =
        """
        <html><body><h1>Annual Report</h1><p>Revenue grew 12%.</p>\
        <table><tr><td>Net sales</td><td>$</td><td>391,035</td></tr></table></body></html>
        """

    @Test func printsTheNormalizedText() throws {
        let path = try Self.file(Self.html, name: "r.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run([path])
        #expect(run.status == 0)
        #expect(run.output == "Annual Report\n\nRevenue grew 12%.\n\nNet sales | $391,035\n")
        #expect(run.errors.isEmpty)
    }

    @Test func jsonLinesCarryOffsetsIntoThatText() throws {
        let path = try Self.file(Self.html, name: "r.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try Self.run([path]).output
        let run = try Self.run(["--format", "jsonl", path])
        let lines = run.output.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.map { $0["kind"] as? String } == ["heading", "paragraph", "table_row"])
        #expect(lines.first?["level"] as? Int == 1)
        #expect(lines[1]["level"] is NSNull)
        let scalars = Array(text.unicodeScalars)
        for line in lines {
            let start = line["start"] as! Int
            let end = line["end"] as! Int
            var slice = ""
            slice.unicodeScalars.append(contentsOf: scalars[start..<end])
            #expect(slice == line["text"] as? String)
        }
    }

    @Test func plainTextIsPrintedVerbatim() throws {
        let text = "Line one\r\n\r\n  indented\n\n\n"
        let path = try Self.file(text, name: "t.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run(["--input-format", "text", path])
        #expect(run.output == text)
    }

    @Test func anErrorIsOneLineNamingTheFileAndTheLimit() throws {
        let path = try Self.file(String(repeating: "<div>", count: 50) + "deep", name: "deep.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.run(["--max-nesting-depth", "10", path])
        #expect(run.status == 1)
        #expect(run.errors == "folio: \(path): elements nest deeper than the limit of 10 (maxNestingDepth)\n")
        let missing = try Self.run(["/nonexistent/report.html"])
        #expect(missing.status == 1)
        #expect(missing.errors == "folio: /nonexistent/report.html: No such file or directory\n")
    }

    /// A minimal PDF: `folio extract` must not print its bytes as text.
    static let pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

    @Test func aPDFIsRefusedWithOneLineSayingWhatItIs() throws {
        let path = try Self.file(Self.pdf, name: "contract.pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for arguments in [[path], ["--format", "jsonl", path], ["--input-format", "text", path]] {
            let run = try Self.run(arguments)
            #expect(run.status == 1)
            #expect(run.output.isEmpty)
            #expect(
                run.errors == "folio: \(path): a PDF document; Folio reads HTML, XML, DOCX, ODT and text "
                    + "(PDF is not supported yet)\n")
        }
        // Named as text, it is still a PDF.
        let renamed = try Self.file(Self.pdf, name: "contract.txt")
        defer { try? FileManager.default.removeItem(atPath: renamed) }
        #expect(try Self.run([renamed]).errors.hasPrefix("folio: \(renamed): a PDF document;"))
    }

    @Test func theInputEncodingCanBeForced() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("extract-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x43, 0x61, 0x66, 0xE9]).write(to: url)  // "Café" in windows-1252
        #expect(try Self.run(["--input-encoding", "windows-1252", url.path]).output == "Café")
        #expect(try Self.run([url.path]).output == "Caf\u{FFFD}")
        #expect(throws: (any Error).self) { try ExtractCommand.parse(["--input-encoding", "ebcdic", url.path]) }
        #expect(throws: (any Error).self) { try ExtractCommand.parse(["--input-format", "pdf", url.path]) }
    }
}
