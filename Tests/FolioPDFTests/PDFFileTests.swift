@testable import FolioPDF
import FolioTestSupport
import Testing

/// The cross-reference flavours, incremental updates and recovery, on files built in test code.
struct PDFFileTests {
    /// The text of page `index`'s content streams.
    func content(_ file: PDFFile, page index: Int = 0) throws -> String {
        let page = try file.page(at: index)
        var bytes: [UInt8] = []
        for stream in page.contents { bytes += try file.data(of: stream) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file was read from its cross-reference alone: no recovery, and no object needed the scan.
    func expectReadFromCrossReference(_ file: PDFFile, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!file.wasRecovered, sourceLocation: sourceLocation)
        #expect(file.scan == nil, "an object was found only by scanning", sourceLocation: sourceLocation)
    }

    // MARK: Cross-reference flavours

    @Test func aClassicTableOpens() throws {
        let builder = TestPDFBuilder.onePage(text: "classic")
        builder.object(5, "<< /Title (A title) >>")
        builder.finishTable(trailer: "/Root 1 0 R /Info 5 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.pageCount == 1)
        #expect(!file.wasRecovered)
        #expect(!file.isEncrypted)
        #expect(file.version == "1.7")
        #expect(file.info?["Title"] == .string(Array("A title".utf8)))
        #expect(file.trailer["Root"] == .reference(PDFReference(1)))
        #expect(try content(file).contains("(classic) Tj"))
        expectReadFromCrossReference(file)
    }

    @Test func tablesWithSeveralSubsectionsAndOddEntrySeparators() throws {
        for separator in [" \n", "\r\n", " \r", "\n"] {
            let builder = TestPDFBuilder.onePage(text: "subsections")
            builder.object(7, "(seven)")
            builder.object(9, "(nine)")
            builder.finishTable(trailer: "/Root 1 0 R", entrySeparator: separator)
            let file = try PDFFile(bytes: builder.bytes)
            #expect(!file.wasRecovered, "separator \(Array(separator.utf8))")
            #expect(try file.resolve(.reference(PDFReference(9))) == .string(Array("nine".utf8)))
            expectReadFromCrossReference(file)
            #expect(try file.resolve(.reference(PDFReference(8))) == .null)
        }
    }

    @Test func aSubsectionThatSaysOneButStartsWithTheFreeHeadStartsAtZero() throws {
        let builder = TestPDFBuilder.onePage(text: "off by one")
        var bytes = builder.bytes
        // Write the table by hand: "1 5" but five entries starting with object 0's free entry.
        var table = "xref\n1 5\n0000000000 65535 f \n"
        for number in 1...4 {
            let header = Array("\(number) 0 obj".utf8)
            let offset = firstIndex(of: header, in: bytes)!
            table += TestPDFBuilder.pad(offset, 10) + " 00000 n \n"
        }
        let xref = bytes.count
        table += "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        bytes += Array(table.utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(try content(file).contains("(off by one)"))
        expectReadFromCrossReference(file)
    }

    func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for index in 0...(bytes.count - pattern.count)
        where bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    @Test func junkBeforeTheHeaderShiftsEveryOffset() throws {
        let builder = TestPDFBuilder(junk: String(repeating: "junk ", count: 100) + "\n")
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        builder.object(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
        builder.stream(4, text: "(junk first) Tj")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(!file.wasRecovered)
        #expect(try content(file) == "(junk first) Tj")
        expectReadFromCrossReference(file)
    }

    @Test func aHeaderAfterTheFirstKilobyteIsNotAPDF() {
        let builder = TestPDFBuilder(junk: String(repeating: "x", count: 1100))
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        #expect { try PDFFile(bytes: builder.bytes) } throws: { ($0 as? PDFError)?.code == .malformed }
        #expect { try PDFFile(bytes: Array("hello".utf8)) } throws: { ($0 as? PDFError)?.code == .malformed }
    }

    @Test func crossReferenceStreamsAndObjectStreams() throws {
        let builder = TestPDFBuilder()
        builder.objectStream(
            10,
            objects: [
                (1, "<< /Type /Catalog /Pages 2 0 R >>"),
                (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                (3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
                (5, "<< /Type /Font /Name (in an object stream) >>"),
            ])
        builder.stream(4, text: "(compressed objects) Tj")
        builder.finishStream(number: 11, trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(!file.wasRecovered)
        #expect(file.pageCount == 1)
        #expect(try content(file) == "(compressed objects) Tj")
        let font = try file.resolve(.reference(PDFReference(5)))
        #expect(font.dictionary?["Name"] == .string(Array("in an object stream".utf8)))
        #expect(file.trailer["W"] != nil)  // the stream's dictionary is the trailer
        expectReadFromCrossReference(file)
    }

    @Test func aWrongIndexInAnObjectStreamIsFoundByNumber() throws {
        let builder = TestPDFBuilder()
        builder.objectStream(
            10, objects: [(1, "<< /Type /Catalog /Pages 2 0 R >>"), (2, "<< /Type /Pages /Kids [] >>")])
        builder.finishStream(number: 11, trailer: "/Root 1 0 R")
        var file = try PDFFile(bytes: builder.bytes)
        #expect(file.pageCount == 0)
        // Swap the indexes by hand: object 1 says index 1, object 2 says index 0.
        file.crossReference[1] = .compressed(stream: 10, index: 1)
        file.crossReference[2] = .compressed(stream: 10, index: 0)
        file.objectCache.removeAll()
        #expect(try file.resolve(.reference(PDFReference(1))).dictionary?.type == "Catalog")
        file = try PDFFile(bytes: builder.bytes)
        #expect(try file.resolve(.reference(PDFReference(2))).dictionary?.type == "Pages")
    }

    @Test func hybridFilesFindCompressedObjectsThroughXRefStm() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        builder.objectStream(20, objects: [(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")])
        builder.stream(4, text: "(hybrid) Tj")
        // The stream lists only the compressed object; the table lists the rest.
        let streamOffset = builder.bytes.count
        let rows: [UInt8] = [2] + TestPDFBuilder.bigEndian(20, 4) + [0, 0]
        let data = TestCompression.deflate(rows, format: .zlib)
        builder.append(
            "21 0 obj\n<< /Type /XRef /Size 22 /W [1 4 2] /Index [3 1] /Filter /FlateDecode /Length \(data.count) >>\n"
                + "stream\n")
        builder.append(data)
        builder.append("\nendstream\nendobj\n")
        builder.finishTable(trailer: "/Root 1 0 R /XRefStm \(streamOffset)")
        // The table leaves out object 3, which is compressed: only the stream knows it.
        let file = try PDFFile(bytes: builder.bytes)
        #expect(!file.wasRecovered)
        #expect(file.crossReference[3] == .compressed(stream: 20, index: 0))
        #expect(try content(file) == "(hybrid) Tj")
        expectReadFromCrossReference(file)
    }

    @Test func incrementalUpdatesLetTheNewestDefinitionWin() throws {
        let builder = TestPDFBuilder.onePage(text: "first version")
        builder.object(5, "(old info)")
        builder.finishTable(trailer: "/Root 1 0 R /Info 6 0 R")
        builder.stream(4, text: "(second version) Tj")
        builder.object(6, "<< /Title (updated) >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(!file.wasRecovered)
        #expect(try content(file) == "(second version) Tj")
        #expect(try file.resolve(.reference(PDFReference(5))) == .string(Array("old info".utf8)))
        #expect(file.info?["Title"] == .string(Array("updated".utf8)))  // /Info kept from the older trailer
        expectReadFromCrossReference(file)
    }

    @Test func anUpdateCanFreeAnObject() throws {
        let builder = TestPDFBuilder.onePage()
        builder.object(5, "(doomed)")
        let first = builder.finishTable(trailer: "/Root 1 0 R")
        var bytes = builder.bytes
        let update = bytes.count
        bytes += Array("xref\n5 1\n0000000000 00001 f \n".utf8)
        bytes += Array("trailer\n<< /Size 6 /Root 1 0 R /Prev \(first) >>\nstartxref\n\(update)\n%%EOF\n".utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(try file.resolve(.reference(PDFReference(5))) == .null)
        expectReadFromCrossReference(file)
    }

    @Test func anUnreadableOlderSectionEndsTheChainAndTheScanFillsIn() throws {
        let builder = TestPDFBuilder.onePage(text: "kept")
        builder.finishTable(trailer: "/Root 1 0 R")
        var bytes = builder.bytes
        let five = bytes.count
        bytes += Array("5 0 obj\n(five)\nendobj\n".utf8)
        let update = bytes.count
        bytes += Array("xref\n5 1\n\(TestPDFBuilder.pad(five, 10)) 00000 n \n".utf8)
        bytes += Array("trailer\n<< /Size 6 /Root 1 0 R /Prev 17 >>\nstartxref\n\(update)\n%%EOF\n".utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(file.crossReference[1] == nil)
        #expect(try file.resolve(.reference(PDFReference(5))) == .string(Array("five".utf8)))
        #expect(try content(file).contains("(kept) Tj"))
    }

    @Test func updatesMixingTablesAndStreams() throws {
        let builder = TestPDFBuilder.onePage(text: "table")
        builder.finishTable(trailer: "/Root 1 0 R")
        builder.objectStream(8, objects: [(4, "(not a stream any more)"), (6, "(six)")])
        builder.finishStream(number: 9, trailer: "/Root 1 0 R")
        builder.object(6, "(six, again)")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(!file.wasRecovered)
        #expect(try file.resolve(.reference(PDFReference(6))) == .string(Array("six, again".utf8)))
        #expect(try file.page(at: 0).contents.isEmpty)  // object 4 is a string now: skipped
        expectReadFromCrossReference(file)
    }

    @Test func linearizedFilesReadBothSections() throws {
        // A linearized layout: the first page's section at the start, whose /Prev is the main
        // section at the end; startxref points at the first one.
        let builder = TestPDFBuilder()
        builder.object(7, "<< /Linearized 1 /L 1000 /N 2 /O 3 /E 500 /T 900 /H [0 0] >>")
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
        builder.stream(4, text: "(page one) Tj")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>")
        builder.object(5, "<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>")
        builder.stream(6, text: "(page two) Tj")
        var bytes = builder.bytes
        func offset(_ number: Int) -> Int { firstIndex(of: Array("\n\(number) 0 obj".utf8), in: bytes)! + 1 }
        let main = bytes.count
        var table = "xref\n0 1\n0000000000 65535 f \n2 1\n\(TestPDFBuilder.pad(offset(2), 10)) 00000 n \n"
        table += "5 2\n\(TestPDFBuilder.pad(offset(5), 10)) 00000 n \n\(TestPDFBuilder.pad(offset(6), 10)) 00000 n \n"
        table += "trailer\n<< /Size 8 >>\n"
        bytes += Array(table.utf8)
        let firstPage = bytes.count
        var head = "xref\n1 1\n\(TestPDFBuilder.pad(offset(1), 10)) 00000 n \n"
        head += "3 2\n\(TestPDFBuilder.pad(offset(3), 10)) 00000 n \n\(TestPDFBuilder.pad(offset(4), 10)) 00000 n \n"
        head += "7 1\n\(TestPDFBuilder.pad(offset(7), 10)) 00000 n \n"
        head += "trailer\n<< /Size 8 /Root 1 0 R /Prev \(main) >>\nstartxref\n\(firstPage)\n%%EOF\n"
        bytes += Array(head.utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(!file.wasRecovered)
        #expect(file.pageCount == 2)
        #expect(try content(file, page: 1) == "(page two) Tj")
        expectReadFromCrossReference(file)
    }

    // MARK: Recovery

    @Test func offsetsThatMissTheirObjectsAreRecovered() throws {
        let builder = TestPDFBuilder.onePage(text: "shifted")
        builder.offsetError = 7
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.pageCount == 1)
        #expect(try content(file).contains("(shifted) Tj"))
    }

    @Test func aStartxrefPastTheEndIsRecovered() throws {
        let builder = TestPDFBuilder.onePage(text: "far")
        builder.finishTable(trailer: "/Root 1 0 R", startxrefError: 1_000_000)
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.wasRecovered)
        #expect(try content(file).contains("(far) Tj"))
    }

    @Test func aFileWithNoTableIsRecoveredFromItsTrailer() throws {
        let builder = TestPDFBuilder.onePage(text: "no table")
        builder.finishWithoutTable(trailer: "/Root 1 0 R /Size 5")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.wasRecovered)
        #expect(try content(file).contains("(no table) Tj"))
    }

    @Test func recoveryFindsTheRootInABrokenCrossReferenceStream() throws {
        let builder = TestPDFBuilder()
        builder.objectStream(
            10, objects: [(1, "<< /Type /Catalog /Pages 2 0 R >>"), (2, "<< /Type /Pages /Kids [3 0 R] >>")])
        builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
        builder.stream(4, text: "(in a stream) Tj")
        builder.offsetError = 3
        builder.finishStream(number: 11, trailer: "/Root 1 0 R")
        var bytes = builder.bytes
        // Break the startxref too.
        let keyword = try #require(PDFLexer.lastIndex(of: "startxref", in: bytes, before: bytes.count))
        bytes = Array(bytes[..<keyword]) + Array("startxref\n999999\n%%EOF\n".utf8)
        let file = try PDFFile(bytes: bytes)
        #expect(file.wasRecovered)
        #expect(try content(file) == "(in a stream) Tj")
    }

    @Test func recoveryFindsTheCatalogWhenNoTrailerNamesIt() throws {
        let builder = TestPDFBuilder.onePage(text: "catalog by type")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.wasRecovered)
        #expect(try content(file).contains("(catalog by type) Tj"))
    }

    @Test func aFileWithNoRootAnywhereIsMalformed() {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Pages /Kids [] >>")
        builder.finishTable(trailer: "/Size 2")
        #expect { try PDFFile(bytes: builder.bytes) } throws: {
            let error = $0 as? PDFError
            return error?.code == .malformed && error?.reason.contains("/Root") == true
        }
    }

    @Test func theLastDefinitionWinsWhenRecovering() throws {
        let builder = TestPDFBuilder.onePage(text: "old")
        builder.stream(4, text: "(new) Tj")
        builder.finishWithoutTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(try content(file) == "(new) Tj")
    }

    @Test func aFileCutInHalfRecoversOrFailsTyped() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        var kids: [String] = []
        for page in 0..<40 { kids.append("\(10 + 2 * page) 0 R") }
        builder.object(2, "<< /Type /Pages /Kids [\(kids.joined(separator: " "))] /Count 40 >>")
        for page in 0..<40 {
            builder.object(10 + 2 * page, "<< /Type /Page /Parent 2 0 R /Contents \(11 + 2 * page) 0 R >>")
            builder.stream(11 + 2 * page, text: "(page \(page + 1)) Tj")
        }
        builder.finishTable(trailer: "/Root 1 0 R")
        for fraction in [0.25, 0.5, 0.75, 0.9, 0.99] {
            let cut = Array(builder.bytes.prefix(Int(Double(builder.bytes.count) * fraction)))
            do {
                let file = try PDFFile(bytes: cut)
                // Kids whose objects were cut off resolve to null and are skipped.
                #expect(file.wasRecovered)
                #expect(file.pageCount > 0 && file.pageCount <= 40)
                try file.forEachPage { page throws(PDFError) in
                    for stream in page.contents { _ = try file.data(of: stream) }
                }
            } catch {
                #expect(error.code == .malformed, "cut at \(fraction)")
            }
        }
    }

    // MARK: Streams

    @Test func aLyingLengthIsCorrectedByEndstream() throws {
        for length in ["3", "400", "-2", "9 0 R"] {
            let builder = TestPDFBuilder()
            builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
            builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
            builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
            builder.stream(4, text: "(length lies) Tj", length: length)
            builder.object(9, "1000")
            builder.finishTable(trailer: "/Root 1 0 R")
            let file = try PDFFile(bytes: builder.bytes)
            #expect(try content(file) == "(length lies) Tj", "length \(length)")
        }
    }

    @Test func anIndirectLengthIsResolved() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
        // The data contains "endstream", so only the right /Length reads it whole.
        builder.stream(4, text: "(a) Tj\nendstream\n(b) Tj", length: "9 0 R")
        builder.object(9, "23")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(try content(file) == "(a) Tj\nendstream\n(b) Tj")
    }

    @Test func aStreamWithoutEndstreamEndsAtEndobjOrIsMalformed() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
        builder.object(4, "<< /Length 500 >>\nstream\n(unterminated) Tj")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(try content(file) == "(unterminated) Tj")

        var bytes = Array("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".utf8)
        bytes += Array("2 0 obj << /Type /Pages /Kids [3 0 R] >> endobj\n3 0 obj << /Contents 4 0 R >> endobj\n".utf8)
        bytes += Array("trailer << /Root 1 0 R >>\n4 0 obj << /Length 99 >> stream\nnever ends".utf8)
        let cut = try PDFFile(bytes: bytes)
        #expect(cut.wasRecovered)
        #expect(cut.pageCount == 1)
        #expect { try cut.page(at: 0) } throws: { ($0 as? PDFError)?.code == .malformed }
    }

    @Test func manyStreamsWithLyingLengthsStayLinear() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        let count = 5_000
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(
            3, "<< /Type /Page /Contents [\((0..<count).map { "\(10 + $0) 0 R" }.joined(separator: " "))] >>")
        for index in 0..<count { builder.object(10 + index, "<< /Length 1 >>\nstream\nq Q") }
        builder.append(String(repeating: "x", count: 200_000) + "\nendstream\n")
        builder.finishTable(trailer: "/Root 1 0 R")
        let clock = ContinuousClock()
        let start = clock.now
        let file = try PDFFile(bytes: builder.bytes)
        #expect(try file.page(at: 0).contents.count == count)
        #expect(clock.now - start < .seconds(5))
    }
}
