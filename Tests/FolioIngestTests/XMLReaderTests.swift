@testable import FolioIngest
import FolioModel
import Foundation
import Testing

/// XML and XBRL instances: text in document order, facts as lines, and no DTD tricks.
@Suite(.serialized)
struct XMLReaderTests {
    @Test func eachElementHoldingTextIsABlockAndMixedContentStaysTogether() throws {
        let document = try Extract.document(
            """
            <?xml version="1.0"?>
            <report xmlns="urn:example"><title>Annual &amp; quarterly</title>
            <section><p>Revenue <b>grew</b> 5%.</p><note><![CDATA[Cash < debt]]></note>
            <value>1&#8239;000</value><empty/>  </section></report>
            """)
        #expect(document.metadata.format == .xml)
        #expect(Extract.texts(document) == ["Annual & quarterly", "Revenue grew 5%.", "Cash < debt", "1 000"])
        DocumentInvariants.check(document)
    }

    @Test func xbrlFactsBecomeLinesWithContextAndUnit() throws {
        let document = try Extract.document(
            """
            <?xml version="1.0" encoding="us-ascii"?>
            <xbrl xmlns="http://www.xbrl.org/2003/instance" xmlns:us-gaap="http://fasb.org/us-gaap/2015-01-31"
                  xmlns:dei="http://xbrl.sec.gov/dei/2014-01-31">
              <context id="FY2015"><entity><identifier scheme="http://www.sec.gov/CIK">0000789019</identifier></entity>
                <period><startDate>2014-07-01</startDate><endDate>2015-06-30</endDate></period></context>
              <unit id="usd"><measure>iso4217:USD</measure></unit>
              <dei:EntityRegistrantName contextRef="FY2015">MICROSOFT CORP</dei:EntityRegistrantName>
              <us-gaap:Goodwill contextRef="FY2015" unitRef="usd" decimals="-6">16939000000</us-gaap:Goodwill>
              <us-gaap:IncomeTaxDisclosureTextBlock contextRef="FY2015">&lt;div&gt;&lt;p&gt;INCOME TAXES&lt;/p&gt;\
            &lt;table&gt;&lt;tr&gt;&lt;td&gt;Current&lt;/td&gt;&lt;td&gt;$&lt;/td&gt;&lt;td&gt;5,000&lt;/td&gt;\
            &lt;/tr&gt;&lt;/table&gt;&lt;/div&gt;</us-gaap:IncomeTaxDisclosureTextBlock>
            </xbrl>
            """)
        #expect(document.metadata.format == .xbrl)
        #expect(
            Extract.texts(document) == [
                "dei:EntityRegistrantName: MICROSOFT CORP (FY2015)",
                "us-gaap:Goodwill: 16939000000 (FY2015, usd)",
                "us-gaap:IncomeTaxDisclosureTextBlock: INCOME TAXES Current | $5,000 (FY2015)",
            ])
        #expect(document.text.components(separatedBy: "\n").count == 3)
    }

    /// Found by FuzzXML (LeakSanitizer, on the first input it read): the reader and its event reader held
    /// each other, so every XML document leaked its reader, its blocks and libxml2's parser context.
    @Test(arguments: [
        "<r><p>text</p></r>",
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>",
        "<r><p>unclosed",
    ])
    func aReaderIsFreedOnceReadWhetherItSucceedsOrFails(xml: String) {
        weak var freed: XMLReader?
        do {
            let reader = XMLReader(limits: IngestLimits(), isXBRL: false)
            freed = reader
            let bytes = Array(xml.utf8)
            do {
                try bytes.withUnsafeBufferPointer { buffer throws(IngestError) in try reader.consume(buffer) }
                try reader.finish()
            } catch {}
            _ = reader.takeBlocks()
        }
        #expect(freed == nil)
    }

    /// Found by FuzzXML (LeakSanitizer, on the billion-laughs seed; this is the input minimized): libxml2
    /// builds a document with a DTD for an entity declaration even behind SAX callbacks that build no tree,
    /// and `xmlFreeParserCtxt` does not free it. The parser must (FuzzXML replays this under LeakSanitizer).
    @Test func theDocumentLibXML2BuildsForAnEntityDeclarationIsFreed() throws {
        let xml = Array(#"<!DOCTYPE r [<!ENTITY a "b">]><r/>"#.utf8)
        var sax = SAXHandlers.empty(serror: { _, _ in })
        let userData = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        defer { userData.deallocate() }
        let parser = XMLPushParser(handler: &sax, userData: userData)
        xml.withUnsafeBufferPointer { _ = parser.parse($0, terminate: true) }
        #expect(parser.hasDocument)
        parser.freeDocument()
        #expect(!parser.hasDocument)

        let error = #expect(throws: IngestError.self) {
            try Extract.document(String(decoding: xml, as: UTF8.self), name: "entity.xml")
        }
        #expect(error?.code == .forbiddenDeclaration)
    }

    @Test func entityDeclarationsAreRefusedBeforeAnythingExpands() {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <lolz>&lol1;</lolz>
            """
        let error = #expect(throws: IngestError.self) { try Extract.document(laughs, name: "laughs.xml") }
        #expect(error?.code == .forbiddenDeclaration)
        #expect(error?.message.hasPrefix("laughs.xml: ") == true)
        #expect(error?.reason.contains("'lol'") == true)
    }

    @Test func externalEntitiesAreNeverResolved() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("folio-xxe-\(UUID()).txt")
        try "TOP SECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml = """
            <?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://\(secret.path)">]><r>&xxe;</r>
            """
        let error = #expect(throws: IngestError.self) { try Extract.document(xml) }
        #expect(error?.code == .forbiddenDeclaration)
        // A document that only refers to an undeclared entity is malformed, not resolved.
        let undeclared = #expect(throws: IngestError.self) {
            try Extract.document("<?xml version=\"1.0\"?><r>&xxe;</r>")
        }
        #expect(undeclared?.code == .malformed)
    }

    @Test func aDoctypeWithoutDeclarationsIsFine() throws {
        let document = try Extract.document(
            "<?xml version=\"1.0\"?><!DOCTYPE note SYSTEM \"http://127.0.0.1:9/note.dtd\"><note>Hello</note>")
        #expect(Extract.texts(document) == ["Hello"])
    }

    @Test func malformedXMLNamesTheLine() {
        let error = #expect(throws: IngestError.self) {
            try Extract.document("<?xml version=\"1.0\"?>\n<a>\n<b>text</a>", name: "bad.xml")
        }
        #expect(error?.code == .malformed)
        #expect(error?.reason.contains("line 3") == true)
    }

    @Test func deepNestingStopsAtTheLimit() {
        let xml =
            "<?xml version=\"1.0\"?>" + String(repeating: "<a>", count: 300) + "x"
            + String(repeating: "</a>", count: 300)
        let error = #expect(throws: IngestError.self) {
            try Extract.document(xml, limits: IngestLimits(maxNestingDepth: 100))
        }
        #expect(error?.limit?.name == "maxNestingDepth")
    }
}
