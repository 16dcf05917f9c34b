import FolioPDF
import FolioTestSupport
import Foundation
import Testing

/// The real PDFs of the shared corpora: 64 CUAD contracts and four LibreOffice documents.
@Suite(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
struct PDFCorpusTests {
    /// `relative path → page count` as pypdf reads them (Scripts/make_pdf_page_counts.py).
    static let expectedPageCounts: [String: Int] = {
        guard
            let url = Bundle.module.url(
                forResource: "corpus-page-counts", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let counts = try? JSONDecoder().decode([String: Int].self, from: data)
        else { return [:] }
        return counts
    }()

    static var files: [String] { expectedPageCounts.keys.sorted() }

    @Test func theFixtureListsEveryCorpusPDF() throws {
        var onDisk: [String] = []
        for folder in ["corpora/pdf", "corpora/pdf-generated"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: SharedCorpora.path(folder))
            onDisk += names.filter { $0.hasSuffix(".pdf") }.map { "\(folder)/\($0)" }
        }
        #expect(onDisk.count >= 64)
        #expect(Set(onDisk) == Set(Self.files))
    }

    @Test(arguments: files)
    func opensWithPypdfsPageCountAndDecodesEveryContentStream(_ relative: String) throws {
        let file = try PDFFile(bytes: try SharedCorpora.bytes(relative))
        #expect(file.pageCount == Self.expectedPageCounts[relative])
        var decodedBytes = 0
        try file.forEachPage { page throws(PDFError) in
            for stream in page.contents { decodedBytes += try file.data(of: stream).count }
        }
        #expect(decodedBytes > 0)
    }
}
