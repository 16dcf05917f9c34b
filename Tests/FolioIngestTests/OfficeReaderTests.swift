import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// DOCX and ODT straight from their ZIP containers, built here in memory.
@Suite(.serialized)
struct OfficeReaderTests {
    static let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    /// A DOCX with the given body XML (inside `w:body`), styles and properties.
    static func docx(body: String, styles: String = "", title: String? = nil, mainPath: String = "word/document.xml")
        -> [UInt8]
    {
        var zip = ZipWriter()
        zip.add(
            "[Content_Types].xml",
            Array(
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
                    .utf8))
        zip.add(
            "_rels/.rels",
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" \
                Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
                Target="\(mainPath)"/>
                </Relationships>
                """.utf8))
        zip.add(
            mainPath,
            Array(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="\(w)" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">\
                <w:body>\(body)</w:body></w:document>
                """.utf8))
        zip.add(
            "word/styles.xml",
            Array("<?xml version=\"1.0\"?><w:styles xmlns:w=\"\(w)\">\(styles)</w:styles>".utf8))
        if let title {
            zip.add(
                "docProps/core.xml",
                Array(
                    """
                    <?xml version="1.0"?><cp:coreProperties \
                    xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
                    xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\(title)</dc:title></cp:coreProperties>
                    """.utf8))
        }
        return zip.finish()
    }

    static func paragraph(_ text: String, style: String? = nil, properties: String = "", run: String = "") -> String {
        let styleXML = style.map { "<w:pStyle w:val=\"\($0)\"/>" } ?? ""
        return
            """
            <w:p><w:pPr>\(styleXML)\(properties)<w:rPr><w:b/></w:rPr></w:pPr><w:r>\
            <w:rPr>\(run)</w:rPr><w:t xml:space="preserve">\(text)</w:t></w:r></w:p>
            """
    }

    @Test func docxParagraphsHeadingsListsAndTables() throws {
        let styles = """
            <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="MyHeading">\
            <w:name w:val="Fancy"/><w:basedOn w:val="Heading2"/></w:style>
            <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="Custom Two"/>\
            <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
            """
        let table = """
            <w:tbl>\
            <w:tr><w:tc><w:p><w:r><w:t>Fee</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>$</w:t></w:r></w:p></w:tc>\
            <w:tc><w:p><w:r><w:t>1,000</w:t></w:r></w:p><w:p><w:r><w:t>per year</w:t></w:r></w:p></w:tc></w:tr>\
            <w:tr><w:tc><w:p><w:r><w:t>Term</w:t></w:r></w:p></w:tc><w:tc/>\
            <w:tc><w:p><w:r><w:t>5 years</w:t></w:r></w:p></w:tc></w:tr>\
            </w:tbl>
            """
        let body =
            Self.paragraph("Supply Agreement", style: "Title") + Self.paragraph("1. Definitions", style: "Heading1")
            + Self.paragraph("1.1 Terms", style: "MyHeading")
            + Self.paragraph("The parties agree.")
            + Self.paragraph("First item", properties: "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"3\"/></w:numPr>")
            + Self.paragraph(
                "Nested item", properties: "<w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"3\"/></w:numPr>")
            + table
            + Self.paragraph("Bold line", run: "<w:b/>")
            + Self.paragraph("Outline heading", properties: "<w:outlineLvl w:val=\"2\"/>")
        let document = try Ingestor().document(
            from: Self.docx(body: body, styles: styles, title: "Supply"), name: "a.docx")
        #expect(document.metadata.format == .docx)
        #expect(document.metadata.title == "Supply")
        #expect(
            Extract.texts(document) == [
                "Supply Agreement", "1. Definitions", "1.1 Terms", "The parties agree.", "First item", "Nested item",
                "Fee | $1,000 per year", "Term | 5 years", "Bold line", "Outline heading",
            ])
        #expect(
            document.blocks.map(\.kind) == [
                .heading(level: 1), .heading(level: 1), .heading(level: 2), .paragraph, .listItem(level: 1),
                .listItem(level: 2), .tableRow, .tableRow, .heading(level: 3), .heading(level: 3),
            ])
        #expect(document.text.contains("First item\nNested item\n\nFee | $1,000 per year\nTerm | 5 years\n\nBold line"))
        DocumentInvariants.check(document)
    }

    @Test func docxRunContentRules() throws {
        let body = """
            <w:p><w:r><w:t>non</w:t></w:r><w:r><w:noBreakHyphen/><w:t>breaking</w:t><w:tab/><w:t>tab</w:t></w:r>\
            <w:r><w:softHyphen/><w:t>soft</w:t></w:r></w:p>\
            <w:p><w:r><w:t xml:space="preserve">kept </w:t></w:r>\
            <w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>\
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r>\
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve">shown </w:t></w:r>\
            <w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>\
            <w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>visible</w:t></w:r></w:p>\
            <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>choice</w:t></mc:Choice>\
            <mc:Fallback><w:t>fallback</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>\
            <w:p><w:r><w:t>line one</w:t><w:br/><w:t>line two</w:t>\
            <w:br w:type="page"/><w:t>next page</w:t></w:r></w:p>\
            <w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>end of section</w:t></w:r></w:p>\
            <w:p><w:r><w:t>new section</w:t></w:r></w:p>
            """
        let document = try Ingestor().document(from: Self.docx(body: body), name: "b.docx")
        #expect(
            Extract.texts(document) == [
                "non\u{2011}breaking tab\u{AD}soft", "kept shown visible", "choice", "line one", "line two",
                "next page",
                "end of section", "new section",
            ])
        #expect(document.text.contains("line one\nline two\n\nnext page"))
        #expect(document.blocks.contains { $0.kind == .pageBreak })
        #expect(document.blocks.contains { $0.kind == .sectionBreak })
        DocumentInvariants.check(document)
    }

    @Test func theMainPartIsFoundThroughTheRelationships() throws {
        let bytes = Self.docx(body: Self.paragraph("Elsewhere"), mainPath: "content/main.xml")
        let document = try Ingestor().document(from: bytes)
        #expect(Extract.texts(document) == ["Elsewhere"])
    }

    static func odt(content: String, title: String? = nil) -> [UInt8] {
        var zip = ZipWriter()
        zip.add("mimetype", Array("application/vnd.oasis.opendocument.text".utf8), method: .stored)
        zip.add(
            "content.xml",
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
                xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
                xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
                xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
                xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
                xmlns:dc="http://purl.org/dc/elements/1.1/">
                <office:automatic-styles>
                <style:style style:name="B" style:family="text">\
                <style:text-properties fo:font-weight="bold"/></style:style>
                <style:style style:name="Break" style:family="paragraph">\
                <style:paragraph-properties fo:break-before="page"/></style:style>
                </office:automatic-styles>
                <office:body><office:text>\(content)</office:text></office:body></office:document-content>
                """.utf8), dataDescriptor: true)
        if let title {
            zip.add(
                "meta.xml",
                Array(
                    """
                    <?xml version="1.0"?>\
                    <office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
                    xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>\
                    <dc:title>\(title)</dc:title></office:meta></office:document-meta>
                    """.utf8), dataDescriptor: true)
        }
        return zip.finish()
    }

    @Test func odtHeadingsListsTablesAndSkippedContent() throws {
        let content = """
            <text:sequence-decls><text:sequence-decl text:name="Figure"/></text:sequence-decls>
            <text:h text:outline-level="2">Article 2</text:h>
            <text:p>Words<text:s text:c="3"/>spaced<text:tab/>tabbed<text:line-break/>next line</text:p>
            <text:p><text:span text:style-name="B">Bold heading line</text:span></text:p>
            <text:list><text:list-item><text:p>Item one</text:p>
            <text:list><text:list-item><text:p>Item two</text:p>\
            </text:list-item></text:list></text:list-item></text:list>
            <table:table><table:table-row><table:table-cell><text:p>Price</text:p></table:table-cell>
            <table:table-cell><text:p>$</text:p></table:table-cell>\
            <table:table-cell><text:p>9.99</text:p></table:table-cell></table:table-row></table:table>
            <text:p>Visible<office:annotation><text:p>a comment</text:p></office:annotation> text</text:p>
            <text:tracked-changes><text:changed-region><text:deletion>\
            <text:p>deleted</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:p text:style-name="Break">New page</text:p>
            """
        let document = try Ingestor().document(from: Self.odt(content: content, title: "Agreement"), name: "c.odt")
        #expect(document.metadata.format == .odt)
        #expect(document.metadata.title == "Agreement")
        #expect(
            Extract.texts(document) == [
                "Article 2", "Words spaced tabbed", "next line", "Bold heading line", "Item one", "Item two",
                "Price | $9.99",
                "Visible text", "New page",
            ])
        #expect(
            document.blocks.map(\.kind) == [
                .heading(level: 2), .paragraph, .paragraph, .heading(level: 3), .listItem(level: 1),
                .listItem(level: 2),
                .tableRow, .paragraph, .pageBreak, .paragraph,
            ])
        DocumentInvariants.check(document)
    }

    @Test func otherArchivesAreUnsupportedAndBrokenOnesCorrupt() throws {
        var other = ZipWriter()
        other.add("readme.txt", Array("hello".utf8))
        let unsupported = #expect(throws: IngestError.self) {
            try Ingestor().document(from: other.finish(), name: "x.zip")
        }
        #expect(unsupported?.code == .unsupportedFormat)

        var spreadsheet = ZipWriter()
        spreadsheet.add("mimetype", Array("application/vnd.oasis.opendocument.spreadsheet".utf8), method: .stored)
        let ods = #expect(throws: IngestError.self) {
            try Ingestor().document(from: spreadsheet.finish(), name: "x.ods")
        }
        #expect(ods?.code == .unsupportedFormat)
        #expect(ods?.reason.hasPrefix("an OpenDocument spreadsheet (ODS);") == true)

        // An Office Open XML package of another application has a main part too: it is not read as an
        // empty DOCX.
        let workbook = Self.docx(body: "", mainPath: "xl/workbook.xml")
        let xlsx = #expect(throws: IngestError.self) { try Ingestor().document(from: workbook, name: "budget.xlsx") }
        #expect(
            xlsx?.message == "budget.xlsx: an Excel workbook (XLSX); Folio reads HTML, XML, DOCX, ODT, PDF and text")

        let good = Self.docx(body: Self.paragraph("Text"))
        let truncated = #expect(throws: IngestError.self) {
            try Ingestor().document(from: Array(good.prefix(good.count / 2)), name: "t.docx")
        }
        #expect(truncated?.code == .corruptContainer)

        let notZip = #expect(throws: IngestError.self) {
            try Ingestor().document(from: Array("plain".utf8), name: "fake.docx")
        }
        #expect(notZip?.code == .corruptContainer)

        var malformed = ZipWriter()
        malformed.add("word/document.xml", Array("<w:document xmlns:w=\"\(Self.w)\"><w:body><w:p>".utf8))
        let error = #expect(throws: IngestError.self) {
            try Ingestor().document(from: malformed.finish(), name: "m.docx")
        }
        #expect(error?.code == .malformed)
        #expect(error?.message.hasPrefix("m.docx: word/document.xml") == true)
    }

    @Test func aLyingEntryIsStoppedWhileInflating() throws {
        var zip = ZipWriter()
        let xml =
            "<w:document xmlns:w=\"\(Self.w)\"><w:body>" + String(repeating: Self.paragraph("x"), count: 2000)
            + "</w:body></w:document>"
        zip.add("word/document.xml", Array(xml.utf8), lies: .init(uncompressedSize: 1000))
        let error = #expect(throws: IngestError.self) { try Ingestor().document(from: zip.finish(), name: "lie.docx") }
        #expect(error?.code == .corruptContainer)
    }

    /// Random paragraphs written as a DOCX and as an ODT read back as the same words.
    @Test(arguments: 1...10)
    func randomDocumentsRoundTripTheirWords(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let words = [
            "Licensee", "shall", "pay", "$1,000", "within", "30", "days", "合同", "§", "non‑exclusive", "&amp;", "Inc.",
        ]
        var paragraphs: [String] = []
        for _ in 0..<Int.random(in: 1...60, using: &random) {
            paragraphs.append(
                (0..<Int.random(in: 1...20, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(
                    separator: " "))
        }
        let expected = Extract.words(paragraphs.joined(separator: " ").replacingOccurrences(of: "&amp;", with: "&"))
        let docx = try Ingestor().document(from: Self.docx(body: paragraphs.map { Self.paragraph($0) }.joined()))
        #expect(Extract.words(docx.text) == expected, "seed \(seed)")
        #expect(docx.textBlocks.count == paragraphs.count)
        let odt = try Ingestor().document(from: Self.odt(content: paragraphs.map { "<text:p>\($0)</text:p>" }.joined()))
        #expect(Extract.words(odt.text) == expected, "seed \(seed)")
        DocumentInvariants.check(docx)
        DocumentInvariants.check(odt)
    }
}
