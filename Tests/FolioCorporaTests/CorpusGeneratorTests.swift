import FolioCorpora
import FolioTestSupport
import Testing

struct CorpusGeneratorTests {
    typealias Kind = CorpusGenerator.Kind
    typealias Format = CorpusGenerator.Format

    /// The size a document is measured in: Unicode scalars for text, UTF-8 bytes for HTML.
    static func size(_ document: String, _ format: Format) -> Int {
        format == .text ? document.unicodeScalars.count : document.utf8.count
    }

    static func document(_ kind: Kind, _ format: Format = .text, seed: UInt64 = 1, characters: Int) -> String {
        CorpusGenerator(kind: kind, format: format, seed: seed).document(characters: characters)
    }

    /// The bytes handed to the sink, and the largest piece.
    static func pieces(_ kind: Kind, _ format: Format, characters: Int) -> (bytes: [UInt8], largest: Int) {
        var bytes: [UInt8] = []
        var largest = 0
        CorpusGenerator(kind: kind, format: format, seed: 9).write(characters: characters) { piece in
            bytes += piece.utf8
            largest = max(largest, piece.utf8.count)
        }
        return (bytes, largest)
    }

    @Test(arguments: Kind.allCases, Format.allCases)
    func everyDocumentHasExactlyTheSizeAskedFor(kind: Kind, format: Format) {
        for characters in [0, 1, 2, 3, 15, 64, 99, 200, 1000, 4_099, 65_537, 150_001] {
            let document = Self.document(kind, format, seed: UInt64(characters), characters: characters)
            #expect(Self.size(document, format) == characters, "\(kind) \(format) \(characters)")
        }
    }

    @Test(arguments: Kind.allCases)
    func aMillionCharactersOfTextAreExact(kind: Kind) {
        let (bytes, largest) = Self.pieces(kind, .text, characters: 1_000_003)
        #expect(bytes.withUnsafeBufferPointer { $0.count { $0 & 0xC0 != 0x80 } } == 1_000_003)
        #expect(largest <= 65_536)
    }

    @Test(arguments: Kind.allCases, Format.allCases)
    func piecesAreBoundedAndMakeUpTheDocument(kind: Kind, format: Format) {
        let characters = 300_000
        let (bytes, largest) = Self.pieces(kind, format, characters: characters)
        #expect(largest <= 65_536)
        #expect(bytes == Array(Self.document(kind, format, seed: 9, characters: characters).utf8))
    }

    @Test(arguments: Kind.allCases, Format.allCases)
    func theSameSeedGivesTheSameDocumentAndAnotherSeedAnother(kind: Kind, format: Format) {
        let first = Self.document(kind, format, seed: 42, characters: 20_000)
        #expect(first == Self.document(kind, format, seed: 42, characters: 20_000))
        #expect(first != Self.document(kind, format, seed: 43, characters: 20_000))
    }

    /// FNV-1a hashes of seed 1's first 20,000 characters: the same on every platform. A change here
    /// means the generator writes other documents; update the values only when that is the intent.
    @Test(arguments: [
        (Kind.report, Format.text, 0x90FE_5FDE_49A1_026E as UInt64), (.report, .html, 0xE6DE_7822_26E1_B4FF),
        (.contract, .text, 0x1D89_0A9C_27C5_B97A), (.contract, .html, 0x6349_A5DD_497E_8C51),
        (.chinese, .text, 0x5962_7BF9_F3E2_8719), (.chinese, .html, 0x3A19_E934_5FD2_5C8E),
    ])
    func documentsAreTheSameOnEveryPlatform(kind: Kind, format: Format, expected: UInt64) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Self.document(kind, format, characters: 20_000).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        #expect(hash == expected, "\(kind) \(format): 0x\(String(hash, radix: 16))")
    }

    @Test func reportsHaveFilingHeadingsAbbreviationsNumbersAndTables() {
        let text = Self.document(.report, characters: 400_000)
        for heading in [
            "\n\nPART I\n\n", "\n\nItem 1. Business\n\n",
            "\n\nItem 7. Management's Discussion and Analysis of Financial Condition and Results of Operations\n\n",
        ] {
            #expect(text.contains(heading), "\(heading)")
        }
        for token in [
            "Inc.", "Corp.", "Co.", "Ltd.", " U.S.", "No. ", "e.g., ", "i.e., ", "Sec. ", "Mr. ", "Ms. ", "Dr. ",
            "approx. ", " billion", "%", "Section ", "(a)", "Note ", ".\"", ".\u{201D}", ".'", "; ", ": ", "(",
            "\u{2026}", "...",
        ] {
            #expect(text.contains(token), "\(token)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let tableRows = lines.filter { line in
            (line.contains("\t") || line.contains("   ")) && line.contains(where: \.isNumber)
        }
        #expect(tableRows.count > 20)
        #expect(lines.contains { $0.hasPrefix("\u{2022} ") || $0.hasPrefix("- ") || $0.hasPrefix("* ") })
        #expect(!text.contains("\n\n\n"))
    }

    @Test func contractsHaveRecitalsArticlesSectionsAndSignatures() {
        let text = Self.document(.contract, characters: 200_000)
        for token in [
            "WHEREAS, ", "NOW, THEREFORE", "\n\nARTICLE 1 DEFINITIONS\n\n", "\n\n1.1 \u{201C}", "\u{201D} means ",
            "provided, however, that", "Subject to Section ", "(a) ", "(b) ", "IN WITNESS WHEREOF", "\nBy: ",
            "\nTitle: ", "U.S. dollars",
        ] {
            #expect(text.contains(token), "\(token)")
        }
        let sections = text.split(separator: "\n").filter { line in
            let head = line.prefix(while: { $0.isNumber || $0 == "." })
            return head.contains(".") && head.first?.isNumber == true && line.dropFirst(head.count).first == " "
        }
        #expect(sections.count > 30)
    }

    @Test func chineseProseHasFullWidthPunctuationChaptersAndManyCharacters() {
        let text = Self.document(.chinese, characters: 300_000)
        for token in [
            "\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF1B}", "\u{2026}\u{2026}", "\u{FF0C}", "\u{3001}", "\u{FF1A}",
            "\u{3002}\u{201D}", "\u{300C}", "\u{300D}", "\u{300E}", "\u{300F}", "\u{FF08}", "\u{FF09}", "\u{300A}",
            "\u{5E74}", "%", "\u{4EBF}\u{5143}", "\n\n\u{7B2C}",
        ] {
            #expect(text.contains(token), "\(token)")
        }
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("\u{7B2C}\u{4E00}\u{7AE0}") || $0.hasPrefix("\u{7B2C}\u{4E00}\u{56DE}") })
        #expect(lines.filter { $0.hasPrefix("\u{3000}\u{3000}") }.count > lines.count * 3 / 4)
        #expect(Set(text.unicodeScalars).count > 800)
        #expect(!text.unicodeScalars.contains { ("A"..."z").contains($0) })
    }

    @Test(arguments: Kind.allCases)
    func htmlIsOneDocumentWithBalancedBlocks(kind: Kind) {
        let html = Self.document(kind, .html, characters: 300_000)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang="))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.hasSuffix("</body></html>\n"))
        #expect(!html.contains("&"))
        for tag in ["h1", "h2", "p", "b", "table", "tr", "td", "ul", "li"] {
            let opened = html.ranges(of: "<\(tag)>").count
            let closed = html.ranges(of: "</\(tag)>").count
            #expect(opened == closed, "<\(tag)>: \(opened) opened, \(closed) closed")
            if kind != .chinese || ["h1", "h2", "p"].contains(tag) {
                #expect(opened > 0, "<\(tag)>")
            }
        }
    }

    @Test(arguments: Kind.allCases, Format.allCases)
    func documentsCompressLikeProse(kind: Kind, format: Format) {
        let bytes = Array(Self.document(kind, format, characters: 1_000_000).utf8)
        let ratio = Double(bytes.count) / Double(TestCompression.deflate(bytes).count)
        #expect(ratio > 2 && ratio < 10, "\(kind) \(format): \(ratio):1")
    }
}
