/// Extracts the text of pages: interprets each page's content streams, maps glyphs to Unicode through
/// their fonts, and assembles lines as a reader sees them.
///
/// 1. The page's content streams are concatenated and interpreted (`ContentInterpreter`): graphics and
///    text state, Form XObjects, rectangle clips and marked content (`/ActualText`).
/// 2. Each shown glyph is placed by its text rendering matrix in the page's displayed space (CropBox
///    origin, `/Rotate` applied, y down), dropped when it lies outside the CropBox or the clip, and
///    mapped to Unicode by its font (`TextFont`); glyphs with no way to Unicode are counted, not guessed.
/// 3. `TextAssembler` merges fake-bold overprints, groups glyphs into lines by baseline and direction,
///    inserts spaces where gaps show them, and orders lines as the content stream does unless positions
///    clearly say otherwise.
///
/// Fonts are parsed once per font object and kept across pages for the life of the extractor.
///
/// - Complexity: O(*n*) per page for *n* content bytes (Form XObjects counted each time they are drawn),
///   bounded by ``PDFLimits/maxOperatorsPerPage``.
/// - Important: An extractor is not thread-safe: use one per task (its font cache is not locked).
public struct PDFTextExtractor {
    let source: any PDFObjectSource
    public let limits: PDFLimits
    let fonts: FontCache

    public init(source: some PDFObjectSource, limits: PDFLimits = PDFLimits()) {
        self.source = source
        self.limits = limits
        self.fonts = FontCache()
    }

    /// The text of `page`.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxOperatorsPerPage``,
    ///   ``PDFLimits/maxStreamBytes`` (all content streams together) or ``PDFLimits/maxCMapEntries``;
    ///   the source's errors for content streams it cannot decode. A broken font or Form XObject does not
    ///   throw: its glyphs are counted as unmapped, or the form is skipped.
    public func text(of page: PDFPage) throws(PDFError) -> PDFPageText {
        let interpreter = try interpret(page)
        var result = interpreter.assembler.pageText(number: page.number)
        result.unmappedGlyphCount = interpreter.unmappedGlyphCount
        result.glyphCount += interpreter.unmappedGlyphCount
        return result
    }

    /// The interpreter after running `page` (its counters are what the tests bound the work with).
    func interpret(_ page: PDFPage) throws(PDFError) -> ContentInterpreter {
        var content: [UInt8] = []
        for stream in page.contents {
            let data = try source.data(of: stream)
            if content.count + data.count + 1 > limits.maxStreamBytes {
                throw PDFError.limit(
                    "maxStreamBytes", limits.maxStreamBytes,
                    "the content streams of page \(page.number) decode to more than \(limits.maxStreamBytes) bytes",
                    byteOffset: stream.byteOffset)
            }
            if !content.isEmpty { content.append(0x0A) }  // streams break between tokens (7.8.2)
            content += data
        }
        var interpreter = ContentInterpreter(page: page, source: source, limits: limits, fonts: fonts)
        try interpreter.run(content: content, resources: page.resources)
        return interpreter
    }
}

/// Parsed fonts by font object, shared by the pages of one extractor. A font that failed to load is
/// remembered as nil so it is not parsed again.
final class FontCache {
    var fonts: [PDFReference: TextFont?] = [:]
}
