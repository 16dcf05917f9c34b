internal import FolioModel
internal import FolioPDF

/// Groups the lines of a PDF page into paragraphs and tells headings, conservatively (a false heading
/// cuts chunks in the wrong places; a heading read as a paragraph costs little).
///
/// 1. The body font size is the size carrying the most characters on the pages read so far, this one
///    included (a cover page of large type alone has no body to compare with, so it has no headings).
///    The line pitch is the lower quartile of the vertical distances between successive lines of the
///    same size on the page (1.2 × the body size when there are none).
/// 2. A line starts a new paragraph when the vertical gap before it exceeds ``paragraphGap`` × the
///    pitch (scaled to the larger of the two lines' sizes), when it lies above the previous line (a new
///    column), when the font size changes by more than ``fontChange``, when it is indented by more
///    than ``indent`` em after a paragraph's second line (a first-line indent), or when the previous
///    line ends a sentence well short of the paragraph's width and this one starts with a capital
///    letter, a digit or a parenthesis.
/// 3. A paragraph of at most ``headingMaxLines`` lines and ``headingMaxScalars`` characters, with a
///    letter in it, is a heading when its size is at least ``headingSize`` × the body size (and
///    ``headingMinPoints`` larger): level 1 from 1.6 ×, level 2 from 1.35 ×, level 3 below. A bold
///    paragraph at body size on a page that is mostly not bold is a heading of level 4 when it is at most
///    ``boldHeadingMaxScalars`` characters and does not end in a comma or a semicolon. Levels come from
///    size ratios, not from a rank over the whole document, because blocks leave page by page.
/// 4. A paragraph's lines are joined with one space; a line ending in a hyphen keeps it and is joined
///    with a space too (no de-hyphenation: "inter- national" stays as printed, and no word is made up).
struct PDFPageLayout {
    static let paragraphGap = 1.5
    static let fontChange = 1.15
    static let indent = 0.8
    static let headingSize = 1.2
    static let headingMinPoints = 1.5
    static let headingMaxLines = 2
    static let headingMaxScalars = 120
    static let boldHeadingMaxScalars = 80

    /// Characters per font size (in half points) over the pages read so far.
    private var charactersBySize: [Int: Int] = [:]

    /// Adds the blocks of `page` to `builder` (its ``BlockBuilder/page`` already set).
    mutating func build(_ page: PDFPageText, into builder: inout BlockBuilder) {
        let lines = page.lines
        guard !lines.isEmpty else { return }
        var boldCharacters = 0
        var characters = 0
        for line in lines {
            let count = line.text.unicodeScalars.count
            charactersBySize[Self.halfPoints(line.fontSize), default: 0] += count
            characters += count
            if line.isBold { boldCharacters += count }
        }
        let page = Page(
            bodySize: bodySize, pitch: Self.linePitch(lines, bodySize: bodySize),
            isMostlyBold: boldCharacters * 2 >= characters)
        var paragraph: [PDFTextLine] = []
        for line in lines {
            if let previous = paragraph.last, page.startsParagraph(line, after: previous, in: paragraph) {
                Self.finish(paragraph, page: page, into: &builder)
                paragraph.removeAll(keepingCapacity: true)
            }
            paragraph.append(line)
        }
        Self.finish(paragraph, page: page, into: &builder)
    }

    /// The size carrying the most characters so far (the smaller one on a tie).
    private var bodySize: Double {
        var best = (size: Int.max, count: -1)
        for (size, count) in charactersBySize where count > best.count || (count == best.count && size < best.size) {
            best = (size, count)
        }
        return Double(best.size) / 2
    }

    static func halfPoints(_ size: Double) -> Int { Int((size * 2).rounded()) }

    /// The lower quartile of the distances between successive lines of about the same size.
    static func linePitch(_ lines: [PDFTextLine], bodySize: Double) -> Double {
        var gaps: [Double] = []
        for (above, below) in zip(lines, lines.dropFirst()) where ratio(above.fontSize, below.fontSize) <= fontChange {
            let gap = below.y - above.y
            if gap > 0.5 * min(above.fontSize, below.fontSize) { gaps.append(gap) }
        }
        guard !gaps.isEmpty else { return 1.2 * bodySize }
        gaps.sort()
        return gaps[gaps.count / 4]
    }

    static func ratio(_ a: Double, _ b: Double) -> Double {
        let low = min(a, b)
        return low > 0 ? max(a, b) / low : .infinity
    }

    private static func finish(_ paragraph: [PDFTextLine], page: Page, into builder: inout BlockBuilder) {
        guard !paragraph.isEmpty else { return }
        for line in paragraph {
            builder.appendSpace()
            builder.append(line.text)
        }
        builder.finishBlock(page.kind(of: paragraph), tight: false)
    }

    /// What one page's lines are measured against.
    struct Page {
        var bodySize: Double
        var pitch: Double
        var isMostlyBold: Bool

        func startsParagraph(_ line: PDFTextLine, after previous: PDFTextLine, in paragraph: [PDFTextLine]) -> Bool {
            let gap = line.y - previous.y
            if gap < -0.5 * line.fontSize { return true }
            if PDFPageLayout.ratio(line.fontSize, previous.fontSize) > PDFPageLayout.fontChange { return true }
            let scale = max(line.fontSize, previous.fontSize) / max(bodySize, 1)
            if gap > PDFPageLayout.paragraphGap * pitch * max(scale, 1) { return true }
            guard paragraph.count >= 2 else { return false }
            if line.x > previous.x + PDFPageLayout.indent * line.fontSize { return true }
            let widest = paragraph.map(\.width).max() ?? 0
            return previous.width < 0.7 * widest && Self.endsSentence(previous.text)
                && Self.startsSentence(line.text)
        }

        func kind(of paragraph: [PDFTextLine]) -> BlockKind {
            guard paragraph.count <= PDFPageLayout.headingMaxLines else { return .paragraph }
            let scalars = paragraph.reduce(0) { $0 + $1.text.unicodeScalars.count }
            guard scalars <= PDFPageLayout.headingMaxScalars,
                paragraph.contains(where: { $0.text.unicodeScalars.contains { $0.properties.isAlphabetic } })
            else { return .paragraph }
            let size = paragraph.map(\.fontSize).min() ?? 0
            if size >= PDFPageLayout.headingSize * bodySize && size - bodySize >= PDFPageLayout.headingMinPoints {
                let ratio = size / bodySize
                return .heading(level: ratio >= 1.6 ? 1 : ratio >= 1.35 ? 2 : 3)
            }
            if !isMostlyBold, paragraph.allSatisfy(\.isBold), scalars <= PDFPageLayout.boldHeadingMaxScalars,
                size >= 0.95 * bodySize, let last = paragraph.last?.text.unicodeScalars.last, last != ",", last != ";"
            {
                return .heading(level: 4)
            }
            return .paragraph
        }

        /// Ends with `.`, `!`, `?` or `:`, perhaps followed by a closing quote or parenthesis.
        static func endsSentence(_ text: String) -> Bool {
            for scalar in text.unicodeScalars.reversed() {
                switch scalar {
                case "\"", "'", ")", "\u{201D}", "\u{2019}": continue
                case ".", "!", "?", ":": return true
                default: return false
                }
            }
            return false
        }

        /// Starts with an uppercase letter, a digit, `(` or a bullet.
        static func startsSentence(_ text: String) -> Bool {
            guard let first = text.unicodeScalars.first else { return false }
            return first.properties.isUppercase || ("0"..."9").contains(first) || first == "(" || first == "\u{2022}"
        }
    }
}
