@testable import FolioPDF
import Testing

/// Encodings, glyph names, ToUnicode CMaps, composite fonts and widths.
struct PDFTextFontTests {
    @Test func winAnsiAndMacRomanMapTheirUpperHalves() throws {
        var fixture = TextFixture()
        fixture.addHelvetica("F1")
        fixture.addFont("F2", ["BaseFont": .name("Times-Roman"), "Encoding": .name("MacRomanEncoding")])
        let page = try fixture.text(
            #"BT /F1 12 Tf 72 700 Td (\223quoted\224 \200 caf\351) Tj /F2 12 Tf 0 -20 Td (\322Mac\323 \216t\216) Tj ET"#
        )
        #expect(page.lines.map(\.text) == ["\u{201C}quoted\u{201D} € café", "\u{201C}Mac\u{201D} été"])
    }

    @Test func differencesUseGlyphListUniAndUNamesOverTheBaseEncoding() throws {
        var fixture = TextFixture()
        fixture.addFont(
            "F1",
            [
                "BaseFont": .name("ABCDEF+Custom"),
                "Encoding": TextFixture.dictionary([
                    "BaseEncoding": .name("WinAnsiEncoding"),
                    "Differences": .array([
                        .integer(65), .name("uni00E9"), .name("f_i"), .name("u1F600"), .name("Tcedilla"),
                        .name("quoteright"), .name("a.sc"), .name("G41"),
                    ]),
                ]),
            ])
        let page = try fixture.text("BT /F1 12 Tf 72 700 Td (ABCDEFGHx) Tj ET")
        #expect(page.text == "é" + "fi" + "\u{1F600}" + "\u{0162}" + "\u{2019}" + "a" + "A" + "Hx")
    }

    @Test func symbolFontUsesItsBuiltInEncoding() throws {
        var fixture = TextFixture()
        fixture.addFont("F1", ["BaseFont": .name("Symbol")])
        let page = try fixture.text("BT /F1 12 Tf 72 700 Td (abp) Tj ET")
        #expect(page.text == "αβπ")
    }

    @Test func standardFontMetricsGiveWidths() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        fixture.addFont("F2", ["BaseFont": .name("Courier")])
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td (Hi) Tj /F2 10 Tf 0 -20 Td (Hi) Tj ET")
        #expect(abs(page.lines[0].width - 9.44) < 1e-9)  // H 722 + i 222
        #expect(abs(page.lines[1].width - 12) < 1e-9)  // Courier: 600 each
    }

    @Test func widthsArrayWithFirstCharAndMissingWidth() throws {
        var fixture = TextFixture()
        let descriptor = fixture.source.add(TextFixture.dictionary(["MissingWidth": .integer(1000)]))
        fixture.addFont(
            "F1",
            [
                "BaseFont": .name("Custom"), "Encoding": .name("WinAnsiEncoding"), "FirstChar": .integer(97),
                "Widths": .array([.integer(100), .integer(200)]), "FontDescriptor": .reference(descriptor),
            ])
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td (abc) Tj ET")
        #expect(page.text == "abc")
        #expect(abs(page.lines[0].width - 13) < 1e-9)  // 1 + 2 + 10 (c falls back to MissingWidth)
    }

    @Test func type3FontsScaleWidthsByTheirFontMatrix() throws {
        var fixture = TextFixture()
        fixture.addFont(
            "F1",
            [
                "Subtype": .name("Type3"), "FontMatrix": TextFixture.numbers([0.01, 0, 0, 0.01, 0, 0]),
                "FontBBox": TextFixture.numbers([0, -20, 100, 80]),
                "FirstChar": .integer(65), "Widths": .array([.integer(50), .integer(50)]),
                "Encoding": TextFixture.dictionary(["Differences": .array([.integer(65), .name("A"), .name("B")])]),
            ])
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td (AB) Tj 12 0 Td (AB) Tj ET")
        #expect(page.text == "AB AB")
        #expect(abs(page.lines[0].width - 22) < 1e-9)  // each glyph 50 × 0.01 × 10 = 5 pt
        #expect(page.lines[0].fontSize == 10)  // the em from the FontBBox height: 100 × 0.01 × 10 pt
    }

    @Test func toUnicodeBfcharAndBfrangeWithArraysSurrogatesAndLigatures() throws {
        var fixture = TextFixture()
        let cmap = fixture.toUnicodeStream(
            """
            2 beginbfchar <0001> <0048> <0007> <FB01> endbfchar
            2 beginbfrange <0002> <0004> <0065> <0005> <0006> [<0066006C> <D83DDE00>] endbfrange
            1 beginbfchar <0008> <00660069> endbfchar
            """)
        fixture.addComposite("F1", toUnicode: cmap)
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td <0001000200030004000500060007 0008> Tj ET")
        #expect(page.text == "Hefgfl\u{1F600}\u{FB01}fi")
        #expect(page.unmappedGlyphCount == 0)
    }

    @Test func toUnicodeGivenAsTheNameIdentityHReadsCodesAsUCS2() throws {
        var fixture = TextFixture()
        fixture.addComposite("F1", toUnicode: .name("Identity-H"))
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td <00480069002000E4> Tj ET")
        #expect(page.text == "Hi ä")
    }

    @Test func type0WidthsFromBothWFormsAndDW() throws {
        var fixture = TextFixture()
        let widths: PDFObject = .array([
            .integer(65), .array([.integer(500), .integer(600)]), .integer(67), .integer(80), .integer(250),
        ])
        fixture.addComposite("F1", toUnicode: .name("Identity-H"), widths: widths, defaultWidth: 800)
        // CIDs 65, 66 (500, 600 by the list), 67 (250 by the range) and 97 (DW 800): 21.5 pt at 10 pt.
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td <0041004200430061> Tj ET")
        #expect(page.text == "ABCa")
        #expect(abs(page.lines[0].width - 21.5) < 1e-9)
    }

    @Test func embeddedEncodingCMapSplitsMixedLengthCodes() throws {
        var fixture = TextFixture()
        let encoding = """
            /CIDInit /ProcSet findresource begin 12 dict begin begincmap
            2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange
            1 begincidrange <00> <7F> 0 endcidrange
            1 begincidrange <8000> <80FF> 200 endcidrange
            endcmap end end
            """
        let cmap = fixture.toUnicodeStream(
            "1 beginbfrange <20> <7E> <0020> endbfrange 1 beginbfchar <8001> <4E2D> endbfchar",
            codespace: "<00> <7F> <8000> <FFFF>")
        let encodingRef = fixture.source.add(.stream(TextFixture.stream(encoding)))
        fixture.addComposite("F1", toUnicode: cmap, encoding: .reference(encodingRef))
        let page = try fixture.text("BT /F1 10 Tf 72 700 Td <41 8001 42> Tj ET")
        #expect(page.text == "A中B")
    }

    @Test func glyphsWithNoWayToUnicodeAreSkippedAndCounted() throws {
        var fixture = TextFixture()
        fixture.addComposite("F1", toUnicode: nil)
        let cmap = fixture.toUnicodeStream("2 beginbfchar <0001> <0041> <0002> <FFFD> endbfchar")
        fixture.addComposite("F2", toUnicode: cmap)
        let page = try fixture.text(
            "BT /F1 10 Tf 72 700 Td <000100020003> Tj /F2 10 Tf 0 -20 Td <000100020003> Tj ET")
        #expect(page.text == "A")
        #expect(page.unmappedGlyphCount == 5)
        #expect(page.glyphCount == 6)
        #expect(!page.text.contains("cid") && !page.text.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func aMillionEntryCMapIsBoundedByTheLimit() throws {
        var body = ""
        body.reserveCapacity(17_000_000)
        for block in 0..<10_000 {
            body += "100 beginbfchar\n"
            for entry in 0..<100 {
                let code = block * 100 + entry
                body += "<\(hex(code, 6))> <\(hex(0x4E00 + code % 0x5000, 4))>\n"
            }
            body += "endbfchar\n"
        }
        var fixture = TextFixture()
        fixture.addComposite("F1", toUnicode: fixture.toUnicodeStream(body, codespace: "<000000> <FFFFFF>"))
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: PDFError.self) {
            try fixture.text("BT /F1 10 Tf 72 700 Td <000001> Tj ET")
        }
        #expect(error?.code == .limitExceeded && error?.limit?.name == "maxCMapEntries")
        // The limit stops the parse after 200,000 entries: a fifth of the stream.
        #expect(clock.now - start < .seconds(60))

        // One range covering a million codes is one entry, not a million.
        let rangeText =
            "1 begincodespacerange <000000> <FFFFFF> endcodespacerange "
            + "1 beginbfrange <000000> <0F423F> <4E00> endbfrange"
        let range = try CMap(data: Array(rangeText.utf8), limits: PDFLimits(maxCMapEntries: 2))
        #expect(range.scalars(for: 1) == ["\u{4E01}"])
        #expect(range.scalars(for: 999_999) == [Unicode.Scalar(0x4E00 + 999_999)!])
        #expect(range.scalars(for: 1_000_000) == nil)
    }

    @Test func fontsAreParsedOncePerFontObjectAcrossPages() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let extractor = fixture.extractor()
        let first = try extractor.text(of: fixture.page("BT /F1 12 Tf 72 700 Td (One) Tj ET", number: 1))
        let second = try extractor.text(of: fixture.page("BT /F1 12 Tf 72 700 Td (Two) Tj ET", number: 2))
        #expect(first.text == "One" && second.text == "Two" && second.number == 2)
        #expect(extractor.fonts.fonts.count == 1)
    }

    @Test func glyphNameTable() {
        #expect(FontTables.unicode(forGlyphName: "A") == ["A"])
        #expect(FontTables.unicode(forGlyphName: "uni0041004200") == nil)
        #expect(FontTables.unicode(forGlyphName: "uni00410042") == ["A", "B"])
        #expect(FontTables.unicode(forGlyphName: "uniD800") == nil)
        #expect(FontTables.unicode(forGlyphName: "u1F600") == ["\u{1F600}"])
        #expect(FontTables.unicode(forGlyphName: ".notdef") == nil)
        #expect(FontTables.unicode(forGlyphName: "a9", isZapfDingbats: true) == ["\u{2720}"])
        #expect(FontTables.lastResortUnicode(forGlyphName: "g3") == nil)
        #expect(FontTables.lastResortUnicode(forGlyphName: "cid65") == "A")
        #expect(FontTables.standardFontName(for: "TimesNewRomanPS-BoldItalicMT") == "Times-BoldItalic")
        #expect(FontTables.standardFontName(for: "ABCDEF+Arial,Bold") == "Helvetica-Bold")
    }

    private func hex(_ value: Int, _ digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
