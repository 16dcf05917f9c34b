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

    static let pdfSample = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.pdf").path

    static func file(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("extract-\(UUID())-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A PDF prints its text; its JSON lines carry their page; named as text, it is still a PDF.
    @Test func aPDFPrintsItsTextAndItsBlocksTheirPages() throws {
        let run = try Self.run([Self.pdfSample])
        #expect(run.status == 0 && run.errors.isEmpty)
        #expect(run.output.hasPrefix("MASTER SUPPLY AGREEMENT\n\nThis Master Supply Agreement (this \"Agreement\")"))
        #expect(run.output.hasSuffix("Title: Managing Director Title: Chief Executive Officer\n"))

        let jsonl = try Self.run(["--format", "jsonl", Self.pdfSample])
        let lines = jsonl.output.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(lines.allSatisfy { $0["page"] is Int })
        #expect(lines.first?["page"] as? Int == 1 && lines.last?["page"] as? Int == 3)
        #expect(lines.filter { $0["kind"] as? String == "page_break" }.map { $0["page"] as? Int } == [2, 3])
        let scalars = Array(run.output.unicodeScalars)
        for line in lines {
            var slice = ""
            slice.unicodeScalars.append(contentsOf: scalars[(line["start"] as! Int)..<(line["end"] as! Int)])
            #expect(slice == line["text"] as? String)
        }
        // Other formats carry no page.
        let html = try Self.file(Self.html, name: "r.html")
        defer { try? FileManager.default.removeItem(atPath: html) }
        #expect(!(try Self.run(["--format", "jsonl", html]).output.contains("\"page\"")))

        let renamed = try Self.file(Array(try Data(contentsOf: URL(fileURLWithPath: Self.pdfSample))), name: "a.txt")
        defer { try? FileManager.default.removeItem(atPath: renamed) }
        for arguments in [[renamed], ["--input-format", "text", renamed], ["--input-format", "pdf", renamed]] {
            #expect(try Self.run(arguments).output == run.output, "\(arguments)")
        }
    }

    @Test func aScanIsOneLineNamingItsPagesAndUnmappedGlyphsOneWarning() throws {
        let scan = try Self.file(TestPDF.paragraphs([[], [], []]), name: "scan.pdf")
        defer { try? FileManager.default.removeItem(atPath: scan) }
        let refused = try Self.run([scan])
        #expect(refused.status == 1 && refused.output.isEmpty)
        #expect(
            refused.errors == "folio: \(scan): no text layer on pages 1–3: a scan or images; OCR is not supported\n")

        let pdf = TestPDF.make(pages: [[TestPDF.Line("Readable words.", y: 72)]], unmappedGlyphs: 12)
        let partly = try Self.file(pdf, name: "partly.pdf")
        defer { try? FileManager.default.removeItem(atPath: partly) }
        for arguments in [[partly], ["--format", "jsonl", partly]] {
            let run = try Self.run(arguments)
            #expect(run.status == 0)
            #expect(run.output.contains("Readable words."))
            #expect(run.errors == "folio: \(partly): 12 glyphs have no Unicode mapping and were skipped\n")
        }
    }

    @Test func theInputEncodingCanBeForced() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("extract-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x43, 0x61, 0x66, 0xE9]).write(to: url)  // "Café" in windows-1252
        #expect(try Self.run(["--input-encoding", "windows-1252", url.path]).output == "Café")
        #expect(try Self.run([url.path]).output == "Caf\u{FFFD}")
        #expect(throws: (any Error).self) { try ExtractCommand.parse(["--input-encoding", "ebcdic", url.path]) }
        #expect(throws: (any Error).self) { try ExtractCommand.parse(["--input-format", "rtf", url.path]) }
    }
}
