import ArgumentParser
import FolioCLI
import FolioTestSupport
import Foundation
import Testing

struct BenchPDFCommandTests {
    /// A two-page PDF in Helvetica with a correct cross-reference table.
    static func twoPagePDF() -> [UInt8] {
        var bytes = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        func object(_ body: String) {
            offsets.append(bytes.count)
            bytes += Array("\(offsets.count) 0 obj\n\(body)\nendobj\n".utf8)
        }
        func content(_ text: String) -> String {
            let stream = "BT /F1 12 Tf 72 720 Td (\(text)) Tj 0 -14 Td (second line) Tj ET"
            return "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream"
        }
        object("<< /Type /Catalog /Pages 2 0 R >>")
        object("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>")
        for contents in [5, 6] {
            object(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents \(contents) 0 R "
                    + "/Resources << /Font << /F1 7 0 R >> >> >>")
        }
        object(content("Hello bench"))
        object(content("Goodbye bench"))
        object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        let table = bytes.count
        bytes += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { bytes += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        bytes += Array("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n".utf8)
        return bytes
    }

    @Test func reportsEachFileAndTheTotalAndWritesTheText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-pdf-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("two.pdf")
        try Data(Self.twoPagePDF()).write(to: pdf)
        let textFolder = folder.appendingPathComponent("text").path
        let command = try BenchCommand.PDF.parse(["--repeat", "2", "--json", "--text-out", textFolder, pdf.path])
        var output = CapturedText()
        var errors = CapturedText()
        #expect(command.execute(output: &output, errors: &errors) == 0)
        #expect(errors.text.isEmpty)
        let rows = output.text.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        try #require(rows.count == 2)
        let file = rows[0]
        #expect(file["path"] as? String == pdf.path)
        #expect(file["pages"] as? Int == 2)
        #expect(file["bytes"] as? Int == Self.twoPagePDF().count)
        #expect(file["glyphs"] as? Int == "Hello benchsecond lineGoodbye benchsecond line".count)
        #expect(file["unmapped_glyphs"] as? Int == 0)
        #expect(file["runs"] as? Int == 2)
        #expect((file["max_page_content_bytes"] as? Int ?? 0) > 40)
        #expect((file["mb_per_s"] as? Double ?? 0) > 0)
        #expect((file["pages_per_s"] as? Double ?? 0) > 0)
        #expect(rows[1]["total"] as? Bool == true)
        #expect(rows[1]["files"] as? Int == 1)
        #expect(rows[1]["pages"] as? Int == 2)
        let text = try String(contentsOfFile: textFolder + "/two.txt", encoding: .utf8)
        #expect(text == "Hello bench\nsecond line\n\nGoodbye bench\nsecond line")
    }

    @Test func aFileThatIsNotAPDFFailsButTheOthersAreReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-pdf-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.pdf")
        let bad = folder.appendingPathComponent("bad.pdf")
        try Data(Self.twoPagePDF()).write(to: good)
        try Data("not a pdf".utf8).write(to: bad)
        let command = try BenchCommand.PDF.parse(["--repeat", "1", bad.path, good.path])
        var output = CapturedText()
        var errors = CapturedText()
        #expect(command.execute(output: &output, errors: &errors) == 1)
        #expect(errors.text.contains("bad.pdf"))
        let lines = output.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("pages=2"))
        #expect(lines[1].contains("files=1 failed=1"))
    }
}
