@testable import FolioPDF
import Testing

struct PDFParserTests {
    func parse(_ text: String, limits: PDFLimits = PDFLimits()) throws(PDFError) -> PDFObject {
        var parser = PDFParser(bytes: Array(text.utf8), limits: limits)
        return try parser.parseObject()
    }

    func parse(bytes: [UInt8]) throws(PDFError) -> PDFObject {
        var parser = PDFParser(bytes: bytes, limits: PDFLimits())
        return try parser.parseObject()
    }

    @Test(arguments: [
        ("123", PDFObject.integer(123)), ("-17", .integer(-17)), ("+5", .integer(5)), ("0", .integer(0)),
        ("--5", .integer(-5)), ("-", .integer(0)),
    ])
    func integersAsPDFJSReadsThem(_ text: String, _ expected: PDFObject) throws {
        #expect(try parse(text) == expected)
    }

    @Test(arguments: [("+.5", 0.5), ("-.002", -0.002), ("4.", 4.0), ("34.5", 34.5), ("-3.62", -3.62), ("0.0", 0.0)])
    func realsWithOptionalDigitsOnEitherSide(_ text: String, _ expected: Double) throws {
        let value = try parse(text)
        guard case .real(let real) = value else {
            Issue.record("\(text) parsed as \(value)")
            return
        }
        #expect(abs(real - expected) < 1e-12)
    }

    @Test func integersPastIntMaxBecomeReals() throws {
        #expect(try parse("99999999999999999999999").number == 1e23)
    }

    @Test func literalStringsKeepBalancedParenthesesAndResolveEscapes() throws {
        let text = #"(a(b)c\n\r\t\b\f\(\)\\\053\0538\7 x\q)"#
        let expected: [UInt8] =
            Array("a(b)c".utf8) + [0x0A, 0x0D, 0x09, 0x08, 0x0C] + Array("()\\++8".utf8)
            + [0x07] + Array(" xq".utf8)
        #expect(try parse(text) == .string(expected))
    }

    @Test func literalStringsJoinContinuedLinesAndNormalizeEndsOfLine() throws {
        #expect(try parse("(one\\\ntwo\\\r\nthree)") == .string(Array("onetwothree".utf8)))
        #expect(try parse("(a\r\nb\rc\nd)") == .string(Array("a\nb\nc\nd".utf8)))
        #expect(try parse("(\\0053)") == .string([0x05, 0x33]))  // three octal digits at most
    }

    @Test func hexStringsSkipWhiteSpaceAndPadAnOddDigit() throws {
        #expect(try parse("<48 65 6C\n6c 6F>") == .string(Array("Hello".utf8)))
        #expect(try parse("<901FA>") == .string([0x90, 0x1F, 0xA0]))
        #expect(try parse("<>") == .string([]))
    }

    @Test func namesDecodeNumberSignEscapes() throws {
        #expect(try parse("/A#20B") == .name(PDFName("A B")))
        #expect(try parse("/paired#28#29parentheses") == .name(PDFName("paired()parentheses")))
        #expect(try parse("/Bad#2") == .name(PDFName("Bad#2")))
        #expect(try parse("/") == .name(PDFName("")))
    }

    @Test func dictionariesArraysReferencesAndComments() throws {
        let object = try parse(
            "<< /Type /Page % a comment\n /Kids [1 0 R 2 0 R 3] /Count 3 /Flag true /None null /F false "
                + "/Nested << /A [1 [2 [3]]] >> >>")
        guard case .dictionary(let dictionary) = object else {
            Issue.record("not a dictionary: \(object)")
            return
        }
        #expect(dictionary.type == "Page")
        #expect(dictionary["Kids"] == .array([.reference(PDFReference(1)), .reference(PDFReference(2)), .integer(3)]))
        #expect(dictionary["Count"] == .integer(3))
        #expect(dictionary["Flag"] == .bool(true))
        #expect(dictionary["F"] == .bool(false))
        #expect(dictionary["None"] == nil)
        #expect(
            dictionary["Nested"]?.dictionary?["A"]
                == .array([.integer(1), .array([.integer(2), .array([.integer(3)])])]))
    }

    @Test func twoIntegersWithoutRAreTwoIntegers() throws {
        #expect(
            try parse("[1 2 3 0 R 4 5]")
                == .array([.integer(1), .integer(2), .reference(PDFReference(3)), .integer(4), .integer(5)]))
        #expect(try parse("[-1 0 R]") == .array([.integer(-1), .integer(0)]))  // no negative object numbers
    }

    @Test func laterDuplicateKeysWinAndNonNameKeysAreSkipped() throws {
        #expect(try parse("<< /A 1 /A 2 >>").dictionary?["A"] == .integer(2))
        #expect(try parse("<< /A 1 3 /B 2 >>").dictionary?["B"] == .integer(2))
    }

    @Test func anUnclosedContainerEndsAtEndobj() throws {
        var parser = PDFParser(bytes: Array("1 0 obj << /A [1 2 endobj".utf8), limits: PDFLimits())
        #expect(parser.parseIndirectHeader() == PDFReference(1))
        let body = try parser.parseIndirectBody()
        #expect(body.object == .dictionary(PDFDictionary(["A": .array([.integer(1), .integer(2)])])))
    }

    @Test func nothingToParseIsMalformed() {
        #expect(throws: PDFError.self) { try parse("") }
        #expect(throws: PDFError.self) { try parse("endobj") }
        #expect(throws: PDFError.self) { try parse("]") }
    }

    @Test func arraysNested100000DeepStopAtTheNestingLimit() {
        let depth = 100_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try parse(text)
            Issue.record("nesting \(depth) deep parsed")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.limit?.name == "maxNestingDepth")
            #expect(error.limit?.value == PDFLimits().maxNestingDepth)
        }
        let dictionaries = String(repeating: "<< /A ", count: depth) + String(repeating: ">> ", count: depth)
        #expect(throws: PDFError.self) { try parse(dictionaries) }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let limits = PDFLimits(maxNestingDepth: 8)
        #expect(throws: Never.self) { try parse("[[[[[[[[1]]]]]]]]", limits: limits) }
        #expect(throws: PDFError.self) { try parse("[[[[[[[[[1]]]]]]]]]", limits: limits) }
    }

    @Test func indirectStreamsReportWhereTheirDataStarts() throws {
        let text = "12 3 obj\n<< /Length 5 >>\nstream\r\nhello\nendstream\nendobj"
        var parser = PDFParser(bytes: Array(text.utf8), limits: PDFLimits())
        #expect(parser.parseIndirectHeader() == PDFReference(12, 3))
        let body = try parser.parseIndirectBody()
        let start = try #require(body.streamDataStart)
        #expect(Array(text.utf8)[start..<(start + 5)] == Array("hello".utf8)[...])
    }

    @Test func keywordsAreClassified() {
        var lexer = PDFLexer(bytes: Array("obj endobj stream endstream R xref trailer startxref other".utf8))
        let expected: [PDFKeyword] = [.obj, .endobj, .stream, .endstream, .reference, .xref, .trailer, .startxref]
        for keyword in expected { #expect(lexer.next() == .keyword(keyword)) }
        guard case .keyword(.other(let range)) = lexer.next() else {
            Issue.record("not other")
            return
        }
        #expect(range.count == 5)
        #expect(lexer.next() == .end)
    }
}
