/// A page's text as the text layer assembles it: lines in reading order, words separated by spaces
/// where the glyph positions show a gap, whether or not the producer drew a space.
public struct PDFPageText: Sendable, Equatable {
    /// 1-based.
    public var number: Int
    public var lines: [PDFTextLine]
    /// Glyphs shown on the page (inside the CropBox, after overprints were merged).
    public var glyphCount: Int
    /// Glyphs whose font gives no way to Unicode (no ToUnicode, no usable encoding or glyph name):
    /// skipped, never invented, and counted here so the caller can warn.
    public var unmappedGlyphCount: Int

    public init(number: Int, lines: [PDFTextLine] = [], glyphCount: Int = 0, unmappedGlyphCount: Int = 0) {
        self.number = number
        self.lines = lines
        self.glyphCount = glyphCount
        self.unmappedGlyphCount = unmappedGlyphCount
    }

    /// The lines joined by newlines.
    public var text: String { lines.map(\.text).joined(separator: "\n") }
}

/// One line of text: glyphs on one baseline, in reading order.
public struct PDFTextLine: Sendable, Equatable {
    /// The line's text; never empty, never starting or ending with whitespace.
    public var text: String
    /// Where the line starts, in the page's displayed space (rotation applied; y grows downwards from
    /// the top of the CropBox, as a reader sees it), in points.
    public var x: Double
    public var y: Double
    /// The line's width and its dominant font size (the rendered size, text matrix and CTM applied).
    public var width: Double
    public var fontSize: Double
    /// The dominant font is bold (by name or by overprinting), for telling headings.
    public var isBold: Bool

    public init(text: String, x: Double, y: Double, width: Double, fontSize: Double, isBold: Bool = false) {
        self.text = text
        self.x = x
        self.y = y
        self.width = width
        self.fontSize = fontSize
        self.isBold = isBold
    }
}
