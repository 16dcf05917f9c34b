import Foundation

/// Small PDFs written in test code, byte for byte the same on every run: pages of text lines in
/// Helvetica (with its widths) or Helvetica-Bold, or pages with only a drawing (a scan's stand-in).
public enum TestPDF {
    /// One line of text: where it starts (points from the page's top-left corner) and its type.
    public struct Line: Sendable {
        public var text: String
        public var x: Double
        public var y: Double
        public var size: Double
        public var isBold: Bool

        public init(_ text: String, x: Double = 72, y: Double, size: Double = 10, bold: Bool = false) {
            self.text = text
            self.x = x
            self.y = y
            self.size = size
            self.isBold = bold
        }
    }

    /// Pages of `paragraphs`, one line each at 10 pt, 24 pt apart (a paragraph gap); an empty page has
    /// only a filled rectangle, as a scanned page has only its image.
    public static func paragraphs(_ pages: [[String]], title: String? = nil) -> [UInt8] {
        make(pages: pages.map { page in page.enumerated().map { Line($1, y: 72 + 24 * Double($0)) } }, title: title)
    }

    /// A US Letter PDF of `pages`; a page without lines has only a filled rectangle. With
    /// `unmappedGlyphs`, the first page also shows that many glyphs of a CID font with no ToUnicode map
    /// (no way to Unicode: a reader must skip them).
    public static func make(pages: [[Line]], title: String? = nil, unmappedGlyphs: Int = 0) -> [UInt8] {
        let widths = helveticaWidths.map(String.init).joined(separator: " ")
        var objects: [Int: String] = [
            1: "<< /Type /Catalog /Pages 2 0 R >>",
            3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
                + "/FirstChar 32 /LastChar 126 /Widths [\(widths)] >>",
            4: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding "
                + "/FirstChar 32 /LastChar 126 /Widths [\(widths)] >>",
        ]
        if let title { objects[5] = "<< /Title (\(escape(title))) >>" }
        objects[6] =
            "<< /Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H /DescendantFonts [7 0 R] >>"
        objects[7] =
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped /CIDSystemInfo << /Registry (Adobe) "
            + "/Ordering (Identity) /Supplement 0 >> /DW 500 >>"
        var kids: [String] = []
        for (index, lines) in pages.enumerated() {
            let page = 10 + 2 * index
            kids.append("\(page) 0 R")
            var content = "0.5 g 72 72 468 648 re f\n"
            if !lines.isEmpty {
                content = "BT\n"
                for line in lines {
                    content += "/\(line.isBold ? "F2" : "F1") \(line.size) Tf 1 0 0 1 \(line.x) \(792 - line.y) Tm "
                    content += "(\(escape(line.text))) Tj\n"
                }
                content += "ET\n"
            }
            if index == 0 && unmappedGlyphs > 0 {
                let codes = (1...unmappedGlyphs).map { String(format: "%04X", $0) }.joined()
                content += "BT /F3 10 Tf 1 0 0 1 72 100 Tm <\(codes)> Tj ET\n"
            }
            objects[page] =
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                + "/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 6 0 R >> >> /Contents \(page + 1) 0 R >>"
            objects[page + 1] = "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream"
        }
        objects[2] = "<< /Type /Pages /Kids [\(kids.joined(separator: " "))] /Count \(kids.count) >>"

        var text = "%PDF-1.4\n"
        var offsets: [Int: Int] = [:]
        for number in objects.keys.sorted() {
            offsets[number] = text.utf8.count
            text += "\(number) 0 obj\n\(objects[number]!)\nendobj\n"
        }
        let size = (objects.keys.max() ?? 0) + 1
        let xref = text.utf8.count
        text += "xref\n0 \(size)\n0000000000 65535 f \n"
        for number in 1..<size {
            if let offset = offsets[number] {
                text += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n"
            } else {
                text += "0000000000 65535 f \n"
            }
        }
        let info = title == nil ? "" : " /Info 5 0 R"
        text += "trailer\n<< /Size \(size) /Root 1 0 R\(info) >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(text.utf8)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
            .replacingOccurrences(of: ")", with: "\\)")
    }

    /// Helvetica's widths (Adobe AFM) for the characters 32 … 126, in 1/1000 em.
    static let helveticaWidths = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]
}
