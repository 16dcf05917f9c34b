import FolioPDF
import FolioTestSupport
import Foundation
import Testing

/// Fidelity of the text layer on real files: the 64 CUAD contracts against CUAD's own extraction, and
/// the Chinese excerpts against the text they were printed from. Set `FOLIO_PDF_TEXT_DUMP` to a folder
/// to write each extraction there for diffing.
@Suite(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
struct PDFTextCorpusTests {
    /// Words and adjacent word pairs, after folding curly quotes and dashes to ASCII as CUAD did.
    struct Counts {
        var referenceWords = 0
        var extractedWords = 0
        var commonWords = 0
        var referencePairs = 0
        var commonPairs = 0

        var wordRecall: Double { Double(commonWords) / Double(max(1, referenceWords)) }
        var wordPrecision: Double { Double(commonWords) / Double(max(1, extractedWords)) }
        var pairRecall: Double { Double(commonPairs) / Double(max(1, referencePairs)) }

        static func += (left: inout Counts, right: Counts) {
            left.referenceWords += right.referenceWords
            left.extractedWords += right.extractedWords
            left.commonWords += right.commonWords
            left.referencePairs += right.referencePairs
            left.commonPairs += right.commonPairs
        }
    }

    @Test func cuadContractsReadLikeCUADsExtraction() throws {
        let folder = SharedCorpora.path("corpora/pdf")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pdf") }.sorted()
        #expect(names.count == 64)
        var total = Counts()
        var report: [(String, Counts)] = []
        for name in names {
            let base = String(name.dropLast(4))
            let reference = try String(
                contentsOfFile: SharedCorpora.path("corpora/contracts/txt/\(base).txt"), encoding: .utf8)
            let text = try Self.extract(SharedCorpora.path("corpora/pdf/\(name)"))
            Self.dump(text, name: base)
            let counts = Self.compare(reference: reference, extracted: text)
            total += counts
            report.append((base, counts))
        }
        for (name, counts) in report.sorted(by: { $0.1.pairRecall < $1.1.pairRecall }).prefix(8) {
            print(
                "PDF text fidelity worst: \(name): words recall \(counts.wordRecall) precision "
                    + "\(counts.wordPrecision) pairs \(counts.pairRecall)")
        }
        print(
            "PDF text fidelity, 64 CUAD contracts: word recall \(total.wordRecall), precision "
                + "\(total.wordPrecision), adjacent-pair recall \(total.pairRecall) (\(total.referenceWords) words)")
        #expect(total.wordRecall >= 0.999)
        #expect(total.wordPrecision >= 0.999)
        #expect(total.pairRecall >= 0.997)
    }

    @Test(arguments: ["hongloumeng-excerpt", "xiyouji-excerpt"])
    func chineseExcerptsKeepEveryCharacter(name: String) throws {
        let reference = try String(
            contentsOfFile: SharedCorpora.path("corpora/pdf-generated/\(name).txt"), encoding: .utf8)
        let text = try Self.extract(SharedCorpora.path("corpora/pdf-generated/\(name).pdf"))
        Self.dump(text, name: name)
        var expected: [Unicode.Scalar: Int] = [:]
        var found: [Unicode.Scalar: Int] = [:]
        for scalar in reference.unicodeScalars where !scalar.properties.isWhitespace {
            expected[scalar, default: 0] += 1
        }
        for scalar in text.unicodeScalars where !scalar.properties.isWhitespace { found[scalar, default: 0] += 1 }
        let common = expected.reduce(0) { $0 + min($1.value, found[$1.key] ?? 0) }
        let agreement =
            Double(common)
            / Double(max(expected.values.reduce(0, +), found.values.reduce(0, +), 1))
        print("PDF text fidelity, \(name): character multiset agreement \(agreement)")
        #expect(agreement >= 0.999)
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test(arguments: ["aapl-10-k-2024-11-01", "googl-10-k-2025-02-05"])
    func filingsWithTablesReadWithoutUnmappedGlyphs(name: String) throws {
        let bytes = Array(
            try Data(contentsOf: URL(fileURLWithPath: SharedCorpora.path("corpora/pdf-generated/\(name).pdf"))))
        let file = try PDFFile(bytes: bytes)
        let extractor = PDFTextExtractor(source: file)
        var pages = 0
        var glyphs = 0
        var unmapped = 0
        var text = ""
        try file.forEachPage { page throws(PDFError) in
            let result = try extractor.text(of: page)
            pages += 1
            glyphs += result.glyphCount
            unmapped += result.unmappedGlyphCount
            text += result.text + "\n"
        }
        Self.dump(text, name: name)
        print("PDF text, \(name): \(pages) pages, \(glyphs) glyphs, \(unmapped) unmapped")
        #expect(pages > 80 && glyphs > 100_000)
        #expect(unmapped == 0)
        #expect(text.contains("Annual Report") || text.contains("ANNUAL REPORT"))
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
    }

    static func extract(_ path: String) throws -> String {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try PDFFile(bytes: bytes)
        let extractor = PDFTextExtractor(source: file)
        var pages: [String] = []
        try file.forEachPage { page throws(PDFError) in pages.append(try extractor.text(of: page).text) }
        return pages.joined(separator: "\n")
    }

    static func dump(_ text: String, name: String) {
        guard let folder = ProcessInfo.processInfo.environment["FOLIO_PDF_TEXT_DUMP"] else { return }
        try? text.write(toFile: folder + "/" + name + ".txt", atomically: true, encoding: .utf8)
    }

    /// Folds typographic quotes, dashes and spaces to ASCII and splits into words.
    static func words(_ text: String) -> [Substring] {
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}", "\u{2032}": folded.append("'")
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{2033}": folded.append("\"")
            case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}": folded.append("-")
            case "\u{00A0}", "\u{2002}", "\u{2003}", "\u{2009}", "\u{200B}": folded.append(" ")
            default: folded.append(scalar)
            }
        }
        return String(folded).split(whereSeparator: \.isWhitespace)
    }

    static func compare(reference: String, extracted: String) -> Counts {
        let expected = words(reference)
        let found = words(extracted)
        var counts = Counts()
        counts.referenceWords = expected.count
        counts.extractedWords = found.count
        counts.commonWords = commonCount(expected, found)
        let expectedPairs = zip(expected, expected.dropFirst()).map { "\($0) \($1)" }
        let foundPairs = zip(found, found.dropFirst()).map { "\($0) \($1)" }
        counts.referencePairs = expectedPairs.count
        counts.commonPairs = commonCount(expectedPairs, foundPairs)
        return counts
    }

    static func commonCount<T: Hashable>(_ left: [T], _ right: [T]) -> Int {
        var counts: [T: Int] = [:]
        for item in left { counts[item, default: 0] += 1 }
        var common = 0
        for item in right {
            if let count = counts[item], count > 0 {
                counts[item] = count - 1
                common += 1
            }
        }
        return common
    }
}
