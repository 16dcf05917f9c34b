import FolioCompression
import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// PDFs through `Ingestor`: the text layer as paragraphs and headings with their pages, detection by
/// content, and the errors a PDF can end in.
@Suite(.serialized)
struct PDFIngestTests {
    static let sample = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.pdf").path
    static let sampleText = PackageCorpora.root.appendingPathComponent("samples/supply-agreement.txt").path
    static let encrypted = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FolioPDFTests/Fixtures/encrypted-user-password.pdf").path
    static let encryptedWithEmptyPassword = URL(fileURLWithPath: encrypted).deletingLastPathComponent()
        .appendingPathComponent("encrypted-aes-256.pdf").path

    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "folio-pdf-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The paragraphs of the sample's text, whitespace collapsed as the PDF's lines are joined.
    static func sampleParagraphs() throws -> [String] {
        try String(contentsOfFile: sampleText, encoding: .utf8).components(separatedBy: "\n\n")
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.filter { !$0.isEmpty }
    }

    @Test func theSampleReadsAsItsTextWithPages() throws {
        let document = try Ingestor().document(atPath: Self.sample)
        DocumentInvariants.check(document)
        #expect(document.metadata.format == .pdf)
        #expect(document.metadata.pageCount == 3)
        #expect(document.metadata.emptyPageCount == 0)
        #expect(document.metadata.unmappedGlyphCount == 0)
        #expect(document.metadata.title == "Master Supply Agreement")
        let paragraphs = try Self.sampleParagraphs()
        #expect(Extract.texts(document) == paragraphs)
        #expect(document.text == paragraphs.joined(separator: "\n\n"))

        // The title (18 pt over a 10 pt body) and the ARTICLE lines (13 pt) are headings; nothing else is.
        for block in document.textBlocks {
            let text = document.text(of: block)
            let expected: BlockKind =
                text == "MASTER SUPPLY AGREEMENT"
                ? .heading(level: 1) : text.hasPrefix("ARTICLE ") ? .heading(level: 3) : .paragraph
            #expect(block.kind == expected, "\(text)")
        }
        // Every block has its page; the pages change only after a page break, which carries the new page.
        #expect(Set(document.blocks.compactMap(\.page)) == [1, 2, 3])
        let breaks = document.blocks.enumerated().filter { $0.element.kind == .pageBreak }
        #expect(breaks.map(\.element.page) == [2, 3])
        for (index, block) in breaks {
            #expect(document.blocks[index - 1].page == block.page! - 1)
            #expect(document.blocks[index + 1].page == block.page)
        }
        #expect(document.blocks.first?.page == 1 && document.blocks.last?.page == 3)
    }

    @Test func streamedAndGzippedReadsGiveTheSameBlocks() async throws {
        let whole = try Ingestor().document(atPath: Self.sample)
        var streamed: [Block] = []
        for try await block in Ingestor().blocks(atPath: Self.sample) { streamed.append(block.block) }
        #expect(streamed == whole.blocks)

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.sample)))
        let gzipped = try Self.temporaryFile(TestCompression.deflate(bytes), name: "agreement.pdf.gz")
        defer { try? FileManager.default.removeItem(atPath: gzipped) }
        let inflated = try Ingestor().document(atPath: gzipped)
        #expect(inflated.text == whole.text && inflated.blocks == whole.blocks)
        #expect(inflated.metadata.isGzipped && inflated.metadata.format == .pdf)
        #expect(try Ingestor().document(from: bytes).blocks == whole.blocks)
    }

    /// Content decides: a PDF named `.txt` (or forced to text) is a PDF, never its bytes as text.
    @Test func aPDFNamedAsTextIsReadAsPDF() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.sample)))
        let path = try Self.temporaryFile(bytes, name: "agreement.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try Ingestor().document(atPath: Self.sample)
        for format in [nil, InputFormat.text, .html, .pdf] {
            let document = try Ingestor(options: IngestOptions(format: format)).document(atPath: path)
            #expect(document.metadata.format == .pdf, "\(String(describing: format))")
            #expect(document.text == expected.text)
        }
    }

    @Test func blocksGroupLinesIntoParagraphsAndTellHeadingsConservatively() throws {
        typealias Line = TestPDF.Line
        let page: [Line] = [
            Line("Annual Report", y: 72, size: 20, bold: true),
            Line("Results", y: 110, size: 10, bold: true),
            Line("Revenue grew in every segment and every", y: 130),
            Line("quarter of the year, led by services.", y: 142),
            Line("Costs fell, as the plan of 2023 had said", x: 90, y: 154),
            Line("they would.", y: 166),
            Line("Margins widened.", y: 200),
            // Three lines of large type are a paragraph, however large; so is a line only a little larger.
            Line("THREE LINES OF LARGE TYPE", y: 240, size: 14),
            Line("ARE A PARAGRAPH, NOT", y: 257, size: 14),
            Line("A HEADING.", y: 274, size: 14),
            Line("Note: figures are unaudited", y: 300, size: 11),
        ]
        let document = try Ingestor().document(from: TestPDF.make(pages: [page]), name: "report.pdf")
        DocumentInvariants.check(document)
        let blocks = document.textBlocks.map { "\($0.kind): \(document.text(of: $0))" }
        #expect(
            blocks == [
                "heading(1): Annual Report",
                "heading(4): Results",
                "paragraph: Revenue grew in every segment and every quarter of the year, led by services.",
                "paragraph: Costs fell, as the plan of 2023 had said they would.",
                "paragraph: Margins widened.",
                "paragraph: THREE LINES OF LARGE TYPE ARE A PARAGRAPH, NOT A HEADING.",
                "paragraph: Note: figures are unaudited",
            ])
    }

    /// A line ending in a hyphen is joined with a space, as every line is: no word is made up.
    @Test func linesAreJoinedWithOneSpaceAndNoDehyphenation() throws {
        let pdf = TestPDF.make(pages: [
            [
                TestPDF.Line("The parties shall co-", y: 72), TestPDF.Line("operate in good faith.", y: 84),
            ]
        ])
        let document = try Ingestor().document(from: pdf)
        #expect(Extract.texts(document) == ["The parties shall co- operate in good faith."])
    }

    @Test func aScanIsAnErrorNamingItsPages() throws {
        let scan = TestPDF.paragraphs(Array(repeating: [], count: 12))
        let path = try Self.temporaryFile(scan, name: "scan.pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var blocks = 0
        let error = #expect(throws: IngestError.self) {
            try Ingestor().read(atPath: path) { _ throws(IngestError) in blocks += 1 }
        }
        #expect(error?.code == .noTextLayer)
        #expect(error?.message == "\(path): no text layer on pages 1–12: a scan or images; OCR is not supported")
        #expect(blocks == 0)
        let one = #expect(throws: IngestError.self) { try Ingestor().document(from: TestPDF.paragraphs([[]])) }
        #expect(one?.reason == "no text layer on page 1: a scan or images; OCR is not supported")
    }

    @Test func pagesWithoutTextAreSkippedAndCounted() throws {
        let pdf = TestPDF.paragraphs([["First page."], [], ["Third page."], []])
        let document = try Ingestor().document(from: pdf)
        DocumentInvariants.check(document)
        #expect(document.metadata.pageCount == 4)
        #expect(document.metadata.emptyPageCount == 2)
        #expect(document.blocks.map(\.kind) == [.paragraph, .pageBreak, .paragraph])
        #expect(document.blocks.map(\.page) == [1, 3, 3])
        #expect(document.text == "First page.\n\nThird page.")
    }

    @Test func aUserPasswordIsEncryptedAndAnEmptyOneIsRead() throws {
        let error = #expect(throws: IngestError.self) { try Ingestor().document(atPath: Self.encrypted) }
        #expect(error?.code == .encrypted)
        #expect(
            error?.message
                == "\(Self.encrypted): the PDF is encrypted with a user password; Folio reads encrypted PDFs only "
                + "when the user password is empty")
        let document = try Ingestor().document(atPath: Self.encryptedWithEmptyPassword)
        #expect(document.text == "Hello, encrypted world")
        #expect(document.metadata.title == "Folio fixture")
    }

    @Test func brokenPDFsAndLimitsAreTypedErrors() throws {
        // A header and nothing a reader could recover.
        let broken = #expect(throws: IngestError.self) {
            try Ingestor().document(from: Array("%PDF-1.7\n%%EOF\n".utf8), name: "broken.pdf")
        }
        #expect(broken?.code == .malformed)
        #expect(broken?.message.hasPrefix("broken.pdf: a malformed PDF: ") == true, "\(broken?.message ?? "")")
        // Forced PDF on something else.
        let forced = #expect(throws: IngestError.self) {
            try Ingestor(options: IngestOptions(format: .pdf)).document(from: Array("plain words".utf8))
        }
        #expect(forced?.code == .malformed)

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.sample)))
        let small = Ingestor(options: IngestOptions(limits: IngestLimits(maxPDFBytes: 4096)))
        let fromMemory = #expect(throws: IngestError.self) { try small.document(from: bytes) }
        let fromFile = #expect(throws: IngestError.self) { try small.document(atPath: Self.sample) }
        for error in [fromMemory, fromFile] {
            #expect(error?.code == .limitExceeded)
            #expect(error?.limit == IngestError.Limit(name: "maxPDFBytes", value: 4096))
        }
        let invalid = #expect(throws: IngestError.self) {
            try Ingestor(options: IngestOptions(limits: IngestLimits(maxPDFBytes: 0))).document(from: bytes)
        }
        #expect(invalid?.code == .invalidConfiguration)
    }
}
