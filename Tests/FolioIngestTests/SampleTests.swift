import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// The documents that ship in Corpora/: every format says the same thing as its plain-text source.
@Suite(.serialized)
struct SampleTests {
    static func path(_ relative: String) -> String { PackageCorpora.root.appendingPathComponent(relative).path }
    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    @Test func theFilingSaysWhatItsTextSays() throws {
        let document = try Ingestor().document(atPath: Self.path("samples/annual-report.html"))
        #expect(document.metadata.format == .inlineXBRL)
        #expect(document.metadata.title == "Northwind Instruments, Inc. 10-K 2025")
        #expect(Extract.words(document.text) == Extract.words(try Self.text("samples/annual-report.txt")))
        #expect(!document.text.contains("Hidden registrant fact") && !document.text.contains("not text"))
        let headings = document.blocks.compactMap { block -> String? in
            guard case .heading(let level) = block.kind else { return nil }
            return "\(level) \(document.text(of: block))"
        }
        #expect(headings.contains("1 PART II"))
        #expect(
            headings.contains(
                "2 Item 7. Management's Discussion and Analysis of Financial Condition and Results of Operations"))
        #expect(document.text.contains("Net sales | $1,284.7 | $1,142.9 | 12.4%\nCost of sales | 665.4 | 606.9 | 9.6%"))
        #expect(document.blocks.contains { $0.kind == .pageBreak })
        DocumentInvariants.check(document)
    }

    @Test(arguments: ["samples/supply-agreement.docx", "samples/supply-agreement.odt"])
    func theAgreementSaysWhatItsTextSays(_ relative: String) throws {
        let document = try Ingestor().document(atPath: Self.path(relative))
        #expect(Extract.words(document.text) == Extract.words(try Self.text("samples/supply-agreement.txt")))
        #expect(document.metadata.title == "Master Supply Agreement")
        let articles = document.blocks.filter { document.text(of: $0).hasPrefix("ARTICLE ") }
        #expect(!articles.isEmpty && articles.allSatisfy { $0.kind == .heading(level: 1) })
        DocumentInvariants.check(document)
    }

    @Test func theGB18030EssayIsDetectedAndDecoded() throws {
        let document = try Ingestor().document(atPath: Self.path("encodings/chinese-essay.gb18030.txt"))
        #expect(document.metadata.textEncoding == .gb18030)
        #expect(document.metadata.replacementCount == 0)
        #expect(document.text == (try Self.text("samples/chinese-essay.txt")))
    }

    @Test(arguments: ["samples/annual-report.txt", "samples/supply-agreement.txt", "samples/chinese-essay.txt"])
    func plainTextSamplesAreVerbatim(_ relative: String) throws {
        let document = try Ingestor().document(atPath: Self.path(relative))
        #expect(document.text == (try Self.text(relative)))
        #expect(document.metadata.format == .plainText)
        DocumentInvariants.check(document)
    }
}
