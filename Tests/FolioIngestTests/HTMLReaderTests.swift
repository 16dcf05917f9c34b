@testable import FolioIngest
import FolioModel
import FolioTestSupport
import Foundation
import Testing

/// HTML and inline-XBRL filings become normalized blocks: what is hidden is skipped, structure is kept.
@Suite(.serialized)
struct HTMLReaderTests {
    @Test func skipsWhatIsNotVisibleText() throws {
        let document = try Extract.document(
            """
            <!DOCTYPE html><html><head><title>Annual Report</title><style>p{color:red}</style>
            <script>var secret = "script text";</script></head>
            <body><!-- a comment <p>commented out</p> -->
            <div style="display:none"><ix:header><ix:hidden><ix:nonNumeric name="dei:Doc">hidden fact</ix:nonNumeric>
            </ix:hidden></ix:header></div>
            <p>Visible <span style="DISPLAY: None !important">hidden span</span>text.</p>
            <p hidden>hidden paragraph</p>
            <p>Revenue was <ix:nonFraction name="us-gaap:Revenues" \
            contextRef="c-1">391,035</ix:nonFraction> million.</p>
            <template><p>template text</p></template>
            <script type="text/javascript">document.write("<p>written</p>")</script>
            </body></html>
            """, format: .html)
        #expect(Extract.texts(document) == ["Visible text.", "Revenue was 391,035 million."])
        #expect(document.metadata.title == "Annual Report")
        #expect(document.metadata.format == .inlineXBRL)  // it carries ix: elements
        DocumentInvariants.check(document)
    }

    @Test func blocksAreSeparatedByBlankLinesAndRowsByNewlines() throws {
        let document = try Extract.html(
            """
            <h1>Results</h1><p>First   paragraph,\n with   spaces&nbsp;and&#160;breaks.</p>
            <table><tr><td>Net sales</td><td>$</td><td>391,035</td><td></td><td>$</td><td>383,285</td></tr>
            <tr><th>Margin</th><td>46.2</td><td>%</td><td>(1.5</td><td>)</td></tr></table>
            <ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
            <p>Line one<br>line two</p><div>After</div>
            """)
        #expect(
            document.text
                == """
                Results\n\nFirst paragraph, with spaces and breaks.\n\n\
                Net sales | $391,035 | $383,285\nMargin | 46.2% | (1.5)\n\n\
                one\ntwo\nnested\n\nLine one\nline two\n\nAfter
                """)
        #expect(
            document.blocks.map(\.kind) == [
                .heading(level: 1), .paragraph, .tableRow, .tableRow, .listItem(level: 1), .listItem(level: 1),
                .listItem(level: 2), .paragraph, .paragraph, .paragraph,
            ])
        DocumentInvariants.check(document)
    }

    @Test func boldShortStandaloneLinesOfFilingsAreHeadings() throws {
        let bold = "font-weight:700"
        let document = try Extract.html(
            """
            <div><span style="\(bold)">PART II</span></div>
            <div><span style="font-family:'Times New Roman';\(bold);font-size:10pt">\
            Item 7. Management’s Discussion and Analysis</span></div>
            <div><b>Liquidity and Capital Resources</b></div>
            <div><span style="\(bold)">Competition.</span> The markets are highly competitive.</div>
            <div><span style="\(bold)">This bold sentence ends with a period.</span></div>
            <div><span style="\(bold)">NORTHWIND INSTRUMENTS, INC.</span></div>
            <div><b>Segment <span style="font-weight:normal">results</span></b></div>
            <table><tr><td><b>Item 8.</b></td><td><b>Financial Statements</b></td></tr></table>
            <div>PART IV</div>
            """)
        #expect(
            document.blocks.map(\.kind) == [
                .heading(level: 1), .heading(level: 2), .heading(level: 3), .paragraph, .paragraph, .heading(level: 3),
                .paragraph, .tableRow, .heading(level: 1),
            ])
    }

    @Test func tablesLaidOutAsBulletsAreListItems() throws {
        let document = try Extract.html(
            """
            <table><tr><td>•</td><td>Risks related to our business.</td></tr>\
            <tr><td>(a)</td><td>Second risk.</td></tr></table>
            """
        )
        #expect(Extract.texts(document) == ["• Risks related to our business.", "(a) Second risk."])
        #expect(document.blocks.map(\.kind) == [.listItem(level: 1), .listItem(level: 1)])
        #expect(document.text == "• Risks related to our business.\n(a) Second risk.")
    }

    @Test func aTableInsideACellEndsTheOuterRowSoFar() throws {
        let document = try Extract.html(
            "<table><tr><td>Outer</td><td><table><tr><td>a</td><td>b</td></tr></table>tail</td></tr></table>")
        #expect(Extract.texts(document) == ["Outer", "a | b", "tail"])
    }

    @Test func pageBreaksAreMarkedBetweenBlocks() throws {
        let document = try Extract.html(
            """
            <p>Page one.</p><hr style="page-break-after:always"><div style="break-before: page">Page two.</div>
            <p style="page-break-before:always">Page three.</p>
            """)
        #expect(document.blocks.map(\.kind) == [.paragraph, .pageBreak, .paragraph, .pageBreak, .paragraph])
        #expect(document.text == "Page one.\n\nPage two.\n\nPage three.")
        DocumentInvariants.check(document)
    }

    @Test func unclosedTagsAndATagCutByTheEndOfTheInputAreLenient() throws {
        let long = String(repeating: "A", count: 10_000)
        let document = try Extract.document(
            """
            <html><body><div title="\(long)" data-x='<b>not a tag</b> &amp;'>Revenue rose.
            <p>Unclosed paragraph<td>cell<li>item<b><i>bold italic never closed
            <img alt=\(long)><p>Final paragraph.<div id="cut" title="\(long)
            """, format: .html)
        let text = document.text
        for expected in [
            "Revenue rose.", "Unclosed paragraph", "cell", "item", "bold italic never closed", "Final paragraph.",
        ] {
            #expect(text.contains(expected))
        }
        #expect(!text.contains("AAAA") && !text.contains("not a tag"))
    }

    @Test func deepNestingStopsAtTheLimitOrReadsWhenRaised() throws {
        let depth = 20_000
        let html =
            String(repeating: "<div>", count: depth) + "Deep text." + String(repeating: "</div>", count: depth)
            + "After."
        let error = #expect(throws: IngestError.self) { try Extract.document(html, format: .html) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.limit == IngestError.Limit(name: "maxNestingDepth", value: 10_000))
        let raised = try Extract.document(html, format: .html, limits: IngestLimits(maxNestingDepth: 30_000))
        #expect(Extract.texts(raised) == ["Deep text.", "After."])
    }

    @Test func scriptStyleAndHeaderContentEndOnlyAtTheirOwnEndTag() throws {
        let document = try Extract.html(
            "<script>if (a < b && c > d) { x = '</div>'; }</script><style>p > a { }</style><p>Shown</p>"
                + "<ix:header><ix:hidden><p>inside header</p></ix:hidden></IX:HEADER><p>Also shown</p>")
        #expect(Extract.texts(document) == ["Shown", "Also shown"])
    }

    /// Random HTML whose visible words are known: extraction gives exactly those words, in order,
    /// however the input is split into blocks.
    @Test(arguments: 1...40)
    func randomMarkupKeepsExactlyTheVisibleWords(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var generator = RandomHTML()
        let (html, visible) = generator.document(using: &random)
        let expected = Extract.words(visible.joined(separator: " "))
        // Whole, through the public API.
        let document = try Extract.document(html, format: .html)
        #expect(Extract.words(document.text) == expected, "seed \(seed)")
        DocumentInvariants.check(document)
        // Split at random points, through the reader.
        let bytes = Array(html.utf8)
        let reader = HTMLReader(limits: IngestLimits())
        var blocks: [ExtractedBlock] = []
        var index = 0
        while index < bytes.count {
            let size = Int.random(in: 0...300, using: &random)
            let end = min(bytes.count, index + size)
            try bytes[index..<end].withUnsafeBufferPointer { try reader.consume($0) }
            blocks += reader.takeBlocks()
            index = end
        }
        try reader.finish()
        blocks += reader.takeBlocks()
        let streamed = blocks.map { $0.separator + $0.text }.joined()
        #expect(streamed == document.text, "seed \(seed): splitting the input changed the text")
    }
}

/// Generates HTML with attributes full of markup characters, comments, hidden subtrees and tables,
/// and records the words a reader should see.
struct RandomHTML {
    private let words = [
        "revenue", "grew", "12%", "to", "$1.2", "billion", "Inc.", "U.S.", "net", "income", "中文", "合同", "café",
        "R&amp;D", "&lt;tag&gt;", "&#8217;s", "2024",
    ]

    mutating func document(using random: inout SplitMix64) -> (html: String, visible: [String]) {
        var html = "<html><head><title>t</title></head><body>"
        var visible: [String] = []
        for _ in 0..<Int.random(in: 5...40, using: &random) {
            node(depth: 0, into: &html, visible: &visible, using: &random)
        }
        html += "</body></html>"
        return (html, visible)
    }

    private func text(_ visible: inout [String], hidden: Bool, using random: inout SplitMix64) -> String {
        let picked = (0..<Int.random(in: 1...6, using: &random)).map { _ in words.randomElement(using: &random)! }
        if !hidden {
            visible += picked.map {
                $0.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#8217;", with: "’")
            }
        }
        return " " + picked.joined(separator: " ") + " "
    }

    private func attributes(using random: inout SplitMix64) -> String {
        let values = ["a>b", "x<y", "it's", "say \"hi\"", "<b>bold</b>", "", "=", "/>", "font-weight:700;color:red"]
        var result = ""
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let value = values.randomElement(using: &random)!
            if value.contains("\"") {
                result += " data-q='\(value)'"
            } else {
                result += " data-v=\"\(value)\""
            }
        }
        if Bool.random(using: &random) { result += " class=plain" }
        return result
    }

    private func node(depth: Int, into html: inout String, visible: inout [String], using random: inout SplitMix64) {
        let choice = depth > 4 ? 0 : Int.random(in: 0...11, using: &random)
        switch choice {
        case 0, 1:
            html += text(&visible, hidden: false, using: &random)
        case 2:
            html += "<!-- " + text(&visible, hidden: true, using: &random) + "<p>x</p> -->"
        case 3:
            html += "<div style=\"display:none\"\(attributes(using: &random))>"
            var ignored: [String] = []
            node(depth: depth + 1, into: &html, visible: &ignored, using: &random)
            html += "</div>"
        case 4:
            html += "<script>var s = '<p>" + text(&visible, hidden: true, using: &random) + "</p>';</script>"
        case 5:
            html += "<table\(attributes(using: &random))>"
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                html += "<tr>"
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    html += "<td\(attributes(using: &random))>"
                    node(depth: depth + 1, into: &html, visible: &visible, using: &random)
                    html += "</td>"
                }
                html += "</tr>"
            }
            html += "</table>"
        case 6:
            html += "<ul><li>"
            node(depth: depth + 1, into: &html, visible: &visible, using: &random)
            html += "</li></ul>"
        default:
            let tag = ["div", "p", "span", "b", "h2", "font", "ix:nonNumeric"].randomElement(using: &random)!
            html += "<\(tag)\(attributes(using: &random))>"
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                node(depth: depth + 1, into: &html, visible: &visible, using: &random)
            }
            html += "</\(tag)>"
        }
    }
}
