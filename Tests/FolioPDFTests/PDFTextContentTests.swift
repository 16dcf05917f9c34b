@testable import FolioPDF
import Testing

/// The content-stream interpreter: inline images, Form XObjects, the graphics-state stack, limits and
/// malformed operators.
struct PDFTextContentTests {
    @Test func unfilteredInlineImageDataHidingEIAndTextIsSkippedByItsSize() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        // 16 bytes of gray data (8 × 2) that read like the end of the image followed by a text operator.
        let data = Array(" EI (Fake) Tj  ".utf8) + [0x0A]
        let content =
            Array("BT /F1 12 Tf 72 700 Td (Before) Tj ET\nBI /W 8 /H 2 /BPC 8 /CS /G ID ".utf8) + data
            + Array(" EI\nBT /F1 12 Tf 72 680 Td (After) Tj ET".utf8)
        let page = PDFPage(number: 1, resources: fixture.resources, contents: [TextFixture.stream(bytes: content)])
        let text = try fixture.extractor().text(of: page)
        #expect(text.lines.map(\.text) == ["Before", "After"])
    }

    @Test func filteredInlineImageDataIsSkippedToThePlausibleEI() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        // Binary data with an `EI` between whitespace that is followed by binary bytes: not the end.
        let data: [UInt8] = [0xFF, 0xD8, 0x20, 0x45, 0x49, 0x20, 0x00, 0x9C, 0x28, 0x58, 0x29, 0x54, 0x6A, 0xFF, 0xD9]
        let content =
            Array("BT /F1 12 Tf 72 700 Td (Before) Tj ET BI /W 4 /H 4 /F /DCT /CS /RGB ID ".utf8) + data
            + Array("\nEI Q\nBT /F1 12 Tf 72 680 Td (After) Tj ET".utf8)
        let page = PDFPage(number: 1, resources: fixture.resources, contents: [TextFixture.stream(bytes: content)])
        let text = try fixture.extractor().text(of: page)
        #expect(text.lines.map(\.text) == ["Before", "After"])
    }

    @Test func inlineImageWithDeclaredLengthIsSkipped() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let content = "BI /W 100 /H 100 /F /Fl /L 12 ID (Hidden) Tj EI\nBT /F1 12 Tf 72 680 Td (After) Tj ET"
        #expect(try fixture.text(content).text == "After")
    }

    @Test func formXObjectsUseTheirMatrixAndResourcesAndAreDrawnEachTime() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let courier = fixture.source.add(
            TextFixture.dictionary(["Type": .name("Font"), "Subtype": .name("Type1"), "BaseFont": .name("Courier")]))
        let own = TextFixture.dictionary(["Font": TextFixture.dictionary(["G1": .reference(courier)])])
        fixture.addForm("Fm1", "BT /F1 12 Tf 0 0 Td (Inherited) Tj ET", matrix: [1, 0, 0, 1, 100, 0])
        fixture.addForm("Fm2", "BT /G1 12 Tf 0 0 Td (Own fonts) Tj ET", resources: own)
        let page = try fixture.text(
            """
            q 1 0 0 1 0 700 cm /Fm1 Do Q q 1 0 0 1 0 650 cm /Fm1 Do Q
            q 1 0 0 1 72 600 cm /Fm2 Do /Im0 Do Q
            """)
        #expect(page.lines.map(\.text) == ["Inherited", "Inherited", "Own fonts"])
        #expect(page.lines[0].x == 100 && page.lines[0].y == 92)
        #expect(page.lines[2].x == 72)
    }

    @Test func formCyclesStopAndNestingIsBounded() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        // Fm1 draws itself; FmA and FmB draw each other.
        fixture.addForm("Fm1", "BT /F1 12 Tf 72 700 Td (Self) Tj ET /Fm1 Do")
        fixture.addForm("FmA", "BT /F1 12 Tf 72 650 Td (A) Tj ET /FmB Do")
        fixture.addForm("FmB", "BT /F1 12 Tf 72 600 Td (B) Tj ET /FmA Do")
        let page = try fixture.text("/Fm1 Do /FmA Do")
        #expect(page.lines.map(\.text) == ["Self", "A", "B"])
    }

    @Test func formClipsToItsBBox() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        fixture.addForm(
            "Fm1", "BT /F1 12 Tf 10 10 Td (Inside) Tj 0 200 Td (Outside) Tj ET", matrix: [1, 0, 0, 1, 72, 500],
            bbox: [0, 0, 200, 100])
        #expect(try fixture.text("/Fm1 Do").text == "Inside")
    }

    @Test func aHundredThousandSaveRestorePairsTakeLinearWork() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let pairs = 100_000
        var content = "BT /F1 12 Tf 72 700 Td (Start) Tj ET\n"
        content.reserveCapacity(pairs * 4 + 200)
        for _ in 0..<pairs { content += "q Q " }
        content += "\nBT /F1 12 Tf 72 680 Td (End) Tj ET"
        let interpreter = try fixture.extractor().interpret(fixture.page(content))
        #expect(interpreter.assembler.pageText(number: 1).lines.map(\.text) == ["Start", "End"])
        #expect(interpreter.operatorCount == 2 * pairs + 10)
        #expect(interpreter.lexerStepCount <= 2 * pairs + 40)
    }

    @Test func saveStackDeeperThanTheLimitStillBalances() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        fixture.limits.maxNestingDepth = 16
        let depth = 10_000
        let content =
            "1 0 0 1 0 -100 cm " + String(repeating: "q ", count: depth) + "1 0 0 1 0 50 cm "
            + String(repeating: "Q ", count: depth) + "Q Q Q BT /F1 12 Tf 72 700 Td (Moved once) Tj ET"
        let page = try fixture.text(content)
        #expect(page.text == "Moved once")
        #expect(page.lines[0].y == 792 - 600)
    }

    @Test func theOperatorLimitThrowsATypedError() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        fixture.limits.maxOperatorsPerPage = 100
        let error = #expect(throws: PDFError.self) {
            try fixture.text(String(repeating: "q Q ", count: 51))
        }
        #expect(
            error?.code == .limitExceeded && error?.limit == PDFError.Limit(name: "maxOperatorsPerPage", value: 100))
        #expect(try fixture.text(String(repeating: "q Q ", count: 50)).lines.isEmpty)
    }

    @Test func operandErrorsAndUnknownOperatorsAreSkipped() throws {
        var fixture = TextFixture()
        fixture.addHelvetica()
        let page = try fixture.text(
            """
            foo 1 2 bar (x) 12 Tf /F1 (twelve) Tf BT /F1 12 Tf 72 700 Td /Name Tj 1 Td (One) Tj
            [ 1 2 (unterminated array) Tj ET /Missing 12 Tf BT 72 650 Td (Lost) Tj ET
            BT /F1 12 Tf 72 600 Td (Two) Tj ET ] ) >> }
            """)
        #expect(page.lines.map(\.text) == ["One", "Two"])
        #expect(page.unmappedGlyphCount == 4)  // "Lost" with a font that does not exist
    }

    @Test func lexerReadsEscapesNumbersAndHexStrings() {
        var lexer = ContentLexer(
            bytes: Array(#"(a\(b\)\101\n\\) <41 4 > -.5 +3 4. --2 /A#42 [1 [2]] <</K 1>> TJ"#.utf8))
        var operands: [PDFObject] = []
        var overflowed = false
        let op = lexer.nextOperator(operands: &operands, overflowed: &overflowed)
        #expect(op == ContentOperator("TJ"))
        #expect(
            operands == [
                .string(Array("a(b)A\n\\".utf8)), .string([0x41, 0x40]), .real(-0.5), .integer(3), .real(4),
                .integer(2), .name("AB"), .array([.integer(1), .array([.integer(2)])]),
                .dictionary(PDFDictionary(["K": .integer(1)])),
            ])
    }
}
