import FolioPDF
import Testing

/// Spaces, lines, order, overprints, clipping, cropping and rotation.
struct PDFTextLayoutTests {
    @Test func gapsBecomeSpacesWhenTheFontHasNoSpaceGlyph() throws {
        var fixture = TextFixture()
        fixture.addFontWithoutSpace("F1")
        // 10 pt, 5 pt per glyph: "Hello" ends at 125; "world" starts 3 pt later; "again" 0.5 pt later.
        let page = try fixture.text(
            "BT /F1 10 Tf 100 700 Td (Hello) Tj 28 0 Td (world) Tj 25.5 0 Td (again) Tj ET")
        #expect(page.text == "Hello worldagain")
    }

    @Test func largeNegativeTJAdjustmentIsAWordGapAndKerningIsNot() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text("BT /F1 12 Tf 72 700 Td [(W) 80 (o) -30 (rd) -300 (gap) 20 (s)] TJ ET")
        #expect(page.text == "Word gaps")
    }

    @Test func drawnSpacesAreKeptOnceAndLinesAreTrimmed() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text("BT /F1 12 Tf 72 700 Td (  two   spaces ) Tj ET")
        #expect(page.lines.map(\.text) == ["two spaces"])
    }

    @Test func aBaselineChangeStartsALineButASuperscriptDoesNot() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 72 700 Td (E = mc) Tj 4 Ts (2) Tj 0 Ts ( here) Tj
            0 -14 Td (Line two) Tj T* 14 TL T* (Line three) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["E = mc2 here", "Line two", "Line three"])
        #expect(page.lines[0].y == 792 - 700)
        #expect(page.lines[2].y == 792 - 700 + 28)
        #expect(page.lines.allSatisfy { $0.fontSize == 12 })
    }

    @Test func characterSpacingWidensWordsWithoutSplittingThem() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let plain = try fixture.text("BT /F1 10 Tf 72 700 Td (Spaced) Tj ET")
        let spaced = try fixture.text("BT /F1 10 Tf 72 700 Td 2 Tc (Spaced) Tj ET")
        #expect(spaced.text == "Spaced")
        #expect(abs(spaced.lines[0].width - plain.lines[0].width - 12) < 0.01)
    }

    @Test func horizontalScalingAndWordSpacingMoveGlyphs() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let plain = try fixture.text("BT /F1 10 Tf 72 700 Td (a b) Tj ET")
        let scaled = try fixture.text("BT /F1 10 Tf 72 700 Td 50 Tz (a b) Tj ET")
        let wordSpaced = try fixture.text("BT /F1 10 Tf 72 700 Td 10 Tw (a b) Tj ET")
        #expect(scaled.text == "a b" && wordSpaced.text == "a b")
        #expect(abs(scaled.lines[0].width - plain.lines[0].width / 2) < 0.01)
        #expect(abs(wordSpaced.lines[0].width - plain.lines[0].width - 10) < 0.01)
    }

    @Test func fakeBoldOverprintsAreKeptOnceAndMarkTheLineBold() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            "BT /F1 12 Tf 72 700 Td (Heading) Tj ET BT /F1 12 Tf 72.4 700.2 Td (Heading) Tj ET")
        #expect(page.text == "Heading")
        #expect(page.lines[0].isBold)
        #expect(page.glyphCount == 7)
        let regular = try fixture.text("BT /F1 12 Tf 72 700 Td (Heading) Tj ET")
        #expect(!regular.lines[0].isBold)
    }

    @Test func boldFontNamesMarkTheLineBold() throws {
        var fixture = TextFixture()
        fixture.addHelvetica("F2", baseFont: "Arial,Bold")
        fixture.addHelvetica("F3", baseFont: "ABCDEF+Montserrat-SemiBold")
        let page = try fixture.text("BT /F2 12 Tf 72 700 Td (One) Tj /F3 12 Tf 0 -20 Td (Two) Tj ET")
        #expect(page.lines.map(\.isBold) == [true, true])
    }

    @Test func textOutsideTheClipRectangleIsNotEmitted() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            q 50 600 300 150 re W n
            BT /F1 12 Tf 72 700 Td (Visible) Tj ET
            BT /F1 12 Tf 72 -2000 Td (Below the canvas) Tj ET
            BT /F1 12 Tf 400 700 Td (Right of the clip) Tj ET
            Q BT /F1 12 Tf 400 700 Td (After restore) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["Visible After restore"])
    }

    @Test func nestedClipsIntersectAndDisjointClipsHideEverything() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            q 0 0 300 792 re W n 200 0 400 792 re W n
            BT /F1 12 Tf 50 700 Td (Left) Tj 200 0 Td (Middle) Tj 200 0 Td (Right) Tj ET Q
            q 0 0 10 10 re W n 500 500 10 10 re W n BT /F1 12 Tf 1 1 Td (Nowhere) Tj ET Q
            """)
        #expect(page.text == "Middle")
    }

    @Test func textOutsideTheCropBoxIsNotEmittedAndYIsFromTheCropTop() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            "BT /F1 12 Tf 72 700 Td (Outside) Tj ET BT /F1 12 Tf 120 250 Td (Inside) Tj ET",
            cropBox: PDFRect(100, 100, 400, 400))
        #expect(page.text == "Inside")
        #expect(page.lines[0].x == 20 && page.lines[0].y == 150)
    }

    @Test func aRotatedPageReadsLikeAnUnrotatedOne() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let upright = try fixture.text(
            "BT /F1 12 Tf 72 720 Td (First line here) Tj 0 -14 Td (Second line) Tj ET")
        // /Rotate 90 turns the page clockwise: text drawn upwards in user space reads left to right.
        let rotated = try fixture.text(
            "BT /F1 12 Tf 0 1 -1 0 72 72 Tm (First line here) Tj 0 -14 Td (Second line) Tj ET", rotation: 90)
        #expect(rotated.lines.map(\.text) == upright.lines.map(\.text))
        #expect(rotated.lines[0].x == 72 && rotated.lines[0].y == 72)
        #expect(rotated.lines[1].y == 86)
        let upsideDown = try fixture.text(
            "BT /F1 12 Tf -1 0 0 -1 540 72 Tm (First line here) Tj 0 -14 Td (Second line) Tj ET", rotation: 180)
        #expect(upsideDown.lines.map(\.text) == upright.lines.map(\.text))
    }

    @Test func rotatedTextKeepsLinesOfItsOwn() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 72 700 Td (Body text one) Tj ET
            BT /F1 40 Tf 0.7071 0.7071 -0.7071 0.7071 150 400 Tm (DRAFT) Tj ET
            BT /F1 12 Tf 72 686 Td (Body text two) Tj ET
            BT /F1 12 Tf 0 1 -1 0 30 300 Tm (Sideways) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["Body text one", "DRAFT", "Body text two", "Sideways"])
    }

    @Test func textDrawnOutOfOrderOnOneBaselineIsMergedByPosition() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 300 700 Td (right) Tj ET
            BT /F1 12 Tf 72 700 Td (left) Tj ET
            BT /F1 12 Tf 72 686 Td (next line) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["left right", "next line"])
    }

    @Test func aHeaderDrawnLastIsSortedToTheTop() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 72 700 Td (Body one) Tj 0 -14 Td (Body two) Tj ET
            BT /F1 10 Tf 72 760 Td (Page header) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["Page header", "Body one", "Body two"])
    }

    @Test func columnsKeepStreamOrder() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 72 700 Td (Left one) Tj 0 -14 Td (Left two) Tj 0 -14 Td (Left three) Tj ET
            BT /F1 12 Tf 320 696 Td (Right one) Tj 0 -14 Td (Right two) Tj ET
            """)
        #expect(page.lines.map(\.text) == ["Left one", "Left two", "Left three", "Right one", "Right two"])
    }

    @Test func invisibleTextIsStillText() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text("BT 3 Tr /F1 12 Tf 72 700 Td (OCR layer) Tj ET")
        #expect(page.text == "OCR layer")
    }

    @Test func actualTextReplacesTheGlyphsOfItsSpan() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            BT /F1 12 Tf 72 700 Td (The ) Tj /Span << /ActualText <FEFF00660069> >> BDC (X) Tj EMC (nal word) Tj
            /P BMC ( end) Tj EMC ET
            """)
        #expect(page.text == "The final word end")
    }
}
