@testable import FolioPDF
import FolioTestSupport
import Testing

struct PDFPageTreeTests {
    @Test func attributesAreInheritedAndOverridden() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(
            2,
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 /MediaBox [0 0 500 700] /Rotate 90 "
                + "/Resources << /Font << /F1 9 0 R >> >> >>")
        builder.object(3, "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /CropBox [10 10 400 600] >>")
        builder.object(4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Rotate -90 /Resources 8 0 R >>")
        builder.object(5, "<< /Type /Page /Parent 3 0 R >>")
        builder.object(6, "<< /Type /Page /Parent 3 0 R /CropBox [-50 -50 1000 1000] /Rotate 450 >>")
        builder.object(8, "<< /Font << /F2 9 0 R >> >>")
        builder.object(9, "<< /Type /Font >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        let pages = try file.pages()
        #expect(pages.map(\.number) == [1, 2, 3])
        #expect(pages.map(\.object) == [PDFReference(5), PDFReference(6), PDFReference(4)])

        #expect(pages[0].mediaBox == PDFRect(0, 0, 500, 700))
        #expect(pages[0].cropBox == PDFRect(10, 10, 400, 600))
        #expect(pages[0].rotation == 90)
        #expect(pages[0].resources["Font"]?.dictionary?["F1"] == .reference(PDFReference(9)))

        #expect(pages[1].cropBox == PDFRect(0, 0, 500, 700))  // clipped to the MediaBox
        #expect(pages[1].rotation == 90)  // 450

        #expect(pages[2].mediaBox == PDFRect(0, 0, 300, 300))
        #expect(pages[2].cropBox == PDFRect(0, 0, 300, 300))
        #expect(pages[2].rotation == 270)  // -90
        #expect(pages[2].resources["Font"]?.dictionary?["F2"] != nil)
    }

    @Test(arguments: [(0, 0), (90, 90), (-90, 270), (450, 90), (-450, 270), (720, 0), (45, 0), (-180, 180)])
    func rotationIsNormalized(_ degrees: Int, _ expected: Int) {
        #expect(PDFFile.normalizedRotation(degrees) == expected)
    }

    @Test func garbageMediaBoxesAreLetter() throws {
        for box in ["[0 0 0 0]", "[0 0 612]", "(letter)", "[/a /b /c /d]", "[0 0 612 0]"] {
            let builder = TestPDFBuilder()
            builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
            builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
            builder.object(3, "<< /Type /Page /MediaBox \(box) /CropBox [1 1 2] >>")
            builder.finishTable(trailer: "/Root 1 0 R")
            let page = try PDFFile(bytes: builder.bytes).page(at: 0)
            #expect(page.mediaBox == .letter, "\(box)")
            #expect(page.cropBox == .letter, "\(box)")
        }
    }

    @Test func boxesMayUseIndirectNumbersAndReals() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(3, "<< /Type /Page /MediaBox [0 0 4 0 R 595.5] >>")
        builder.object(4, "842")
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect(try PDFFile(bytes: builder.bytes).page(at: 0).mediaBox == PDFRect(0, 0, 842, 595.5))
    }

    @Test func contentsMayBeAnArrayWithNonStreamsSkipped() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R] >>")
        builder.object(3, "<< /Type /Page /Contents 4 0 R >>")
        builder.object(4, "[5 0 R 6 0 R 99 0 R (text) 7 0 R]")
        builder.stream(5, text: "(one) Tj")
        builder.object(6, "<< /Not /AStream >>")
        builder.stream(7, text: "(two) Tj")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        let page = try file.page(at: 0)
        #expect(page.contents.count == 2)
        #expect(page.contents.map(\.object) == [PDFReference(5), PDFReference(7)])
        #expect(try file.data(of: page.contents[1]) == Array("(two) Tj".utf8))
    }

    @Test func kidsWithoutTypeAreTolerated() throws {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Kids [3 0 R 4 0 R 42 (not a kid)] >>")  // no /Type on the root either
        builder.object(3, "<< /MediaBox [0 0 100 100] >>")  // a page without /Type
        builder.object(4, "<< /Kids [5 0 R] >>")  // an inner node without /Type
        builder.object(5, "<< /Type /Page >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.pageCount == 2)
        #expect(try file.page(at: 0).mediaBox == PDFRect(0, 0, 100, 100))
    }

    @Test func aPageTreeLoopIsMalformed() {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [3 0 R 4 0 R] >>")
        builder.object(3, "<< /Type /Page >>")
        builder.object(4, "<< /Type /Pages /Kids [2 0 R] >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect { try PDFFile(bytes: builder.bytes) } throws: {
            let error = $0 as? PDFError
            return error?.code == .malformed && error?.reason.contains("loop") == true
        }
    }

    @Test func tenThousandEmptyPagesOpenQuickly() throws {
        let builder = TestPDFBuilder()
        let count = 10_000
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        // A two-level tree: 100 nodes of 100 pages.
        let nodes = (0..<100).map { "\(3 + $0) 0 R" }.joined(separator: " ")
        builder.object(2, "<< /Type /Pages /Kids [\(nodes)] /Count \(count) /MediaBox [0 0 612 792] >>")
        for node in 0..<100 {
            let kids = (0..<100).map { "\(200 + node * 100 + $0) 0 R" }.joined(separator: " ")
            builder.object(3 + node, "<< /Type /Pages /Parent 2 0 R /Kids [\(kids)] /Count 100 >>")
        }
        for page in 0..<count { builder.object(200 + page, "<< /Type /Page >>") }
        builder.finishTable(trailer: "/Root 1 0 R")
        let clock = ContinuousClock()
        let start = clock.now
        let file = try PDFFile(bytes: builder.bytes)
        #expect(file.pageCount == count)
        var seen = 0
        try file.forEachPage { page throws(PDFError) in
            seen += 1
            #expect(page.contents.isEmpty)
        }
        #expect(seen == count)
        #expect(clock.now - start < .seconds(5))
    }

    @Test func morePagesThanTheLimitIsLimitExceeded() {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        builder.object(2, "<< /Type /Pages /Kids [\((0..<20).map { "\(10 + $0) 0 R" }.joined(separator: " "))] >>")
        for page in 0..<20 { builder.object(10 + page, "<< /Type /Page >>") }
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect { try PDFFile(bytes: builder.bytes, limits: PDFLimits(maxPages: 19)) } throws: {
            ($0 as? PDFError)?.limit == PDFError.Limit(name: "maxPages", value: 19)
        }
        #expect(throws: Never.self) { try PDFFile(bytes: builder.bytes, limits: PDFLimits(maxPages: 20)) }
    }

    @Test func aCatalogWithoutPagesIsMalformed() {
        let builder = TestPDFBuilder()
        builder.object(1, "<< /Type /Catalog >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect { try PDFFile(bytes: builder.bytes) } throws: { ($0 as? PDFError)?.code == .malformed }
    }

    @Test func theCatalogVersionRaisesTheHeaderVersion() throws {
        let builder = TestPDFBuilder(version: "1.4")
        builder.object(1, "<< /Type /Catalog /Pages 2 0 R /Version /1.7 >>")
        builder.object(2, "<< /Type /Pages /Kids [] >>")
        builder.finishTable(trailer: "/Root 1 0 R")
        #expect(try PDFFile(bytes: builder.bytes).version == "1.7")
        let older = TestPDFBuilder(version: "1.6")
        older.object(1, "<< /Type /Catalog /Pages 2 0 R /Version /1.3 >>")
        older.object(2, "<< /Type /Pages /Kids [] >>")
        older.finishTable(trailer: "/Root 1 0 R")
        #expect(try PDFFile(bytes: older.bytes).version == "1.6")
    }
}
