import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// The whole way from bytes to a document: detection, decompression, decoding, streaming, errors.
@Suite(.serialized)
struct IngestorTests {
    static let html = "<html><body><h2>Item 1. Business</h2><p>We make things.</p></body></html>"

    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("folio-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func formatsAreDetectedByContentFirstThenByName() throws {
        let ingestor = Ingestor()
        let cases: [(String, String?, DocumentFormat)] = [
            (Self.html, "report.txt", .html),
            (
                "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>", nil,
                .xhtml
            ),
            ("<?xml version=\"1.0\"?><root><a>x</a></root>", "data.txt", .xml),
            ("<!DOCTYPE html><p>fragment</p>", nil, .html),
            ("<div>fragment</div>", nil, .html),
            ("<p>starts like text but named html", "page.html", .html),
            ("Just words.", "notes.html", .html),
            ("<Company> is a placeholder, not markup.", "notes.txt", .plainText),
            ("Plain text.", nil, .plainText),
        ]
        for (text, name, format) in cases {
            let document = try ingestor.document(from: Array(text.utf8), name: name)
            #expect(document.metadata.format == format, "\(text) named \(name ?? "nothing")")
        }
        // A name alone does not make text XML: it must then parse as XML.
        let notXML = #expect(throws: IngestError.self) {
            try ingestor.document(from: Array("Just words.".utf8), name: "notes.xml")
        }
        #expect(notXML?.code == .malformed)
        // The override wins.
        let forced = try Ingestor(options: IngestOptions(format: .text)).document(from: Array(Self.html.utf8))
        #expect(forced.metadata.format == .plainText)
        #expect(forced.text == Self.html)
    }

    @Test func gzipOfAnyFormatIsReadThroughAndReported() throws {
        let docx = OfficeReaderTests.docx(body: OfficeReaderTests.paragraph("Zipped then gzipped"))
        for (bytes, format) in [
            (Array(Self.html.utf8), DocumentFormat.html), (docx, .docx), (Array("plain words\n".utf8), .plainText),
        ] {
            let gzipped = TestCompression.deflate(bytes)
            let document = try Ingestor().document(from: gzipped, name: "file.gz")
            #expect(document.metadata.format == format)
            #expect(document.metadata.isGzipped)
            #expect(document.metadata.sourceByteCount == gzipped.count)
            let plain = try Ingestor().document(from: bytes)
            #expect(document.text == plain.text)
            #expect(document.blocks == plain.blocks)
        }
    }

    @Test func aBrokenGzipStreamIsAnErrorNotAShortDocument() {
        let gzipped = TestCompression.deflate(
            Array(String(repeating: "Revenue grew in fiscal 2024. ", count: 2000).utf8))
        let truncated = #expect(throws: IngestError.self) {
            try Ingestor().document(from: Array(gzipped.prefix(gzipped.count * 6 / 10)), name: "t.txt.gz")
        }
        #expect(truncated?.code == .corruptCompression)
        #expect(truncated?.message.hasPrefix("t.txt.gz: truncated") == true)
    }

    @Test func decompressionLimitsNameTheLimit() {
        let zeros = TestCompression.deflate([UInt8](repeating: 0x20, count: 8 << 20), level: 9)
        let ratio = #expect(throws: IngestError.self) { try Ingestor().document(from: zeros, name: "bomb.gz") }
        #expect(ratio?.limit?.name == "maxCompressionRatio")
        let limits = IngestLimits(maxDecompressedBytes: 1 << 20, maxCompressionRatio: 10_000)
        let size = #expect(throws: IngestError.self) {
            try Ingestor(options: IngestOptions(limits: limits)).document(from: zeros, name: "big.gz")
        }
        #expect(size?.limit == IngestError.Limit(name: "maxDecompressedBytes", value: 1 << 20))
        let invalid = #expect(throws: IngestError.self) {
            try Ingestor(options: IngestOptions(limits: IngestLimits(maxNestingDepth: 0))).document(from: [0x61])
        }
        #expect(invalid?.code == .invalidConfiguration)
    }

    @Test func encodingsAreDetectedDeclaredOrForced() throws {
        let text = "价格：“一千元” and café"
        // UTF-16 with a byte-order mark, either order.
        let utf16LE: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let utf16BE: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, encoding) in [(utf16LE, TextEncoding.utf16LE), (utf16BE, .utf16BE)] {
            let document = try Ingestor().document(from: bytes)
            #expect(document.text == text)
            #expect(document.metadata.textEncoding == encoding)
        }
        // A UTF-8 byte-order mark is removed, and only it.
        let marked = try Ingestor().document(from: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(marked.text == text)
        // HTML declaring windows-1252: the curly quote byte 0x92 is a right single quotation mark.
        let legacy =
            Array(
                """
                <html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">\
                </head><body><p>Company
                """.utf8)
            + [0x92] + Array("s results</p></body></html>".utf8)
        let declared = try Ingestor().document(from: legacy)
        #expect(declared.text == "Company\u{2019}s results")
        #expect(declared.metadata.textEncoding == .windows1252)
        #expect(declared.metadata.replacementCount == 0)
        // The same bytes forced to UTF-8 are replaced and counted.
        let forced = try Ingestor(options: IngestOptions(encoding: .utf8)).document(from: legacy)
        #expect(forced.text == "Company\u{FFFD}s results")
        #expect(forced.metadata.replacementCount == 1)
    }

    @Test func offsetsAreUnicodeScalarsAsPythonCountsThem() throws {
        let text = "e\u{301}👨‍👩‍👧 line\r\n\r\n𠀀 second 🇺🇸"
        let document = try Ingestor().document(from: Array(text.utf8))
        let scalars = Array(text.unicodeScalars)
        #expect(document.blocks.map(\.range) == [TextRange(start: 0, end: 12), TextRange(start: 16, end: 27)])
        #expect(scalars.count == 27)  // Python: len(text) == 27
        DocumentInvariants.check(document)
    }

    @Test func filesAreReadAndErrorsNameThem() throws {
        let path = try Self.temporaryFile(Array(Self.html.utf8), name: "report.html")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let document = try Ingestor().document(atPath: path)
        #expect(Extract.texts(document) == ["Item 1. Business", "We make things."])
        #expect(document.metadata.sourceByteCount == Self.html.utf8.count)

        let missing = #expect(throws: IngestError.self) { try Ingestor().document(atPath: "/nonexistent/file.html") }
        #expect(missing?.code == .unreadable)
        #expect(missing?.message == "/nonexistent/file.html: No such file or directory")
        let directory = #expect(throws: IngestError.self) { try Ingestor().document(atPath: NSTemporaryDirectory()) }
        #expect(directory?.reason == "is a directory")
    }

    @Test func aDOCXFileIsReadFromTheFileItself() throws {
        let path = try Self.temporaryFile(
            OfficeReaderTests.docx(body: OfficeReaderTests.paragraph("From disk")), name: "a.docx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Extract.texts(try Ingestor().document(atPath: path)) == ["From disk"])
    }

    @Test func theStreamEqualsTheBatchDocument() async throws {
        var html = "<html><body>"
        for index in 0..<3000 {
            html +=
                """
                <p>Paragraph \(index) about revenue.</p>\
                <table><tr><td>Row \(index)</td><td>$</td><td>\(index),000</td></tr></table>
                """
        }
        html += "</body></html>"
        let bytes = TestCompression.deflate(Array(html.utf8))
        let batch = try Ingestor().document(from: bytes, name: "big.html.gz")
        let stream = Ingestor().blocks(from: bytes, name: "big.html.gz")
        var blocks: [ExtractedBlock] = []
        for try await block in stream { blocks.append(block) }
        #expect(blocks.map(\.block) == batch.blocks)
        #expect(blocks.map { $0.separator + $0.text }.joined() == batch.text)
        #expect(stream.metadata?.format == .html)
        #expect(stream.metadata?.isGzipped == true)
    }

    @Test func aStreamEndsWithTheErrorThatStoppedIt() async throws {
        let gzipped = TestCompression.deflate(Array(String(repeating: "Some text.\n\n", count: 50_000).utf8))
        var count = 0
        do {
            for try await _ in Ingestor().blocks(from: Array(gzipped.dropLast(20)), name: "cut.gz") { count += 1 }
            Issue.record("a truncated stream must fail")
        } catch {
            #expect(error.code == .corruptCompression)
        }
        #expect(count > 0)  // blocks before the damage were delivered
    }

    @Test func leavingAStreamEarlyStopsTheReader() async throws {
        let text = String(repeating: "A paragraph of text.\n\n", count: 200_000)
        let stream = Ingestor().blocks(from: Array(text.utf8))
        var taken = 0
        for try await _ in stream {
            taken += 1
            if taken == 10 { break }
        }
        #expect(taken == 10)
        #expect(stream.metadata == nil)

        // The same with a gzip stream, whose inflating runs on a read-ahead thread of its own: leaving early
        // must stop both threads rather than leave one waiting. (Varied text: a repeated line would
        // compress beyond the bomb limit.)
        var random = SplitMix64(seed: 11)
        var varied = ""
        for index in 0..<100_000 {
            varied += "Paragraph \(index) reports \(UInt32.random(in: 0...UInt32.max, using: &random)).\n\n"
        }
        let gzipped = TestCompression.deflate(Array(varied.utf8))
        for _ in 0..<20 {
            var seen = 0
            for try await _ in Ingestor().blocks(from: gzipped, name: "text.gz") {
                seen += 1
                if seen == 3 { break }
            }
            #expect(seen == 3)
        }
        // And a reader that fails (here: its consumer) while gzip is read ahead.
        let failure = #expect(throws: IngestError.self) {
            try Ingestor().read(bytes: gzipped, name: "text.gz") { _ throws(IngestError) in
                throw IngestError(.cancelled, "enough")
            }
        }
        #expect(failure?.reason == "enough")

        let task = Task {
            var seen = 0
            for try await _ in Ingestor().blocks(from: Array(text.utf8)) {
                seen += 1
                if seen == 5 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return seen
        }
        let result = await task.result
        switch result {
        case .success(let seen): Issue.record("a cancelled stream must throw, read \(seen) blocks")
        case .failure(let error): #expect((error as? IngestError)?.code == .cancelled)
        }
    }
}
