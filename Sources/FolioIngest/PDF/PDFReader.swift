internal import FolioModel
internal import FolioPDF

/// Reads a PDF's text layer into blocks, page by page.
///
/// 1. The whole file is in memory (``IngestLimits/maxPDFBytes``): a PDF's cross-reference points
///    anywhere in it. `PDFFile` opens it (repairing a broken cross-reference, decrypting with the empty
///    user password) and walks its page tree.
/// 2. Each page's text (`PDFTextExtractor`) becomes paragraphs and headings (``PDFPageLayout``); every
///    block carries its page number (``Block/page``), and a ``BlockKind/pageBreak`` block stands between
///    pages that hold text. A page's blocks are handed on before the next page is read, so the memory
///    the output takes is bounded by a page.
/// 3. Pages without text are counted (``DocumentMetadata/emptyPageCount``); when no page has text the
///    file fails with ``IngestError/Code/noTextLayer`` naming the pages, never as an empty document.
///
/// `PDFError`s become `IngestError`s (``translate(_:)``).
struct PDFReader {
    let limits: IngestLimits

    func read(
        _ bytes: [UInt8], emit: ([ExtractedBlock]) throws(IngestError) -> Void
    ) throws(IngestError) -> DocumentMetadata {
        let file: PDFFile
        do {
            file = try PDFFile(bytes: bytes)
        } catch {
            throw Self.translate(error)
        }
        let extractor = PDFTextExtractor(source: file, limits: file.limits)
        var builder = BlockBuilder()
        var layout = PDFPageLayout()
        var emptyPages: [Int] = []
        var unmappedGlyphCount = 0
        for index in 0..<file.pageCount {
            let number = index + 1
            let text: PDFPageText
            do {
                text = try extractor.text(of: try file.page(at: index))
            } catch {
                throw Self.translate(error, page: number)
            }
            unmappedGlyphCount += text.unmappedGlyphCount
            guard !text.lines.isEmpty else {
                emptyPages.append(number)
                continue
            }
            builder.page = number
            builder.markBreak(.pageBreak)  // left out before the first text and after an empty page's break
            let before = builder.finished.count(where: { !$0.kind.isBreak })
            layout.build(text, into: &builder)
            if builder.finished.count(where: { !$0.kind.isBreak }) == before { emptyPages.append(number) }
            try emit(builder.takeFinished())
        }
        guard builder.hasText else {
            throw IngestError(.noTextLayer, Self.noTextReason(pageCount: file.pageCount, unmapped: unmappedGlyphCount))
        }
        return DocumentMetadata(
            format: .pdf, title: file.title, pageCount: file.pageCount, emptyPageCount: emptyPages.count,
            unmappedGlyphCount: unmappedGlyphCount)
    }

    /// What a PDF without any text says: "no text layer on pages 1–12: a scan or images; OCR is not
    /// supported".
    static func noTextReason(pageCount: Int, unmapped: Int) -> String {
        guard pageCount > 0 else { return "the PDF has no pages, so no text" }
        let pages = pageCount == 1 ? "page 1" : "pages 1–\(pageCount)"
        if unmapped > 0 {
            return """
                no text on \(pages): its \(unmapped) glyphs have no Unicode mapping (fonts without a ToUnicode \
                map or a known encoding), so they cannot be read as text; OCR is not supported
                """
        }
        return "no text layer on \(pages): a scan or images; OCR is not supported"
    }

    /// The `IngestError` for a `PDFError` (the caller adds the path).
    ///
    /// `malformed` is ``IngestError/Code/malformed`` (the file's syntax or structure is broken, as an XML
    /// document that is not well-formed is; `corruptContainer` stays for ZIP containers), `limitExceeded`
    /// is ``IngestError/Code/limitExceeded`` naming `PDFLimits.<name>`, `unsupported` is
    /// ``IngestError/Code/unsupportedFormat``, and `encrypted` and `noTextLayer` keep their names.
    static func translate(_ error: PDFError, page: Int? = nil) -> IngestError {
        let onPage = page.map { "page \($0): " } ?? ""
        switch error.code {
        case .encrypted:
            return IngestError(
                .encrypted,
                """
                the PDF is encrypted with a user password; Folio reads encrypted PDFs only when the user \
                password is empty
                """, underlying: error)
        case .limitExceeded:
            let limit = error.limit.map { IngestError.Limit(name: "PDFLimits.\($0.name)", value: $0.value) }
            let named = limit.map { " (\($0.name) = \($0.value))" } ?? ""
            return IngestError(.limitExceeded, "\(onPage)\(error.reason)\(named)", limit: limit, underlying: error)
        case .unsupported:
            return IngestError(
                .unsupportedFormat, "a PDF Folio cannot read: \(onPage)\(error.reason)", underlying: error)
        case .noTextLayer:
            return IngestError(.noTextLayer, "\(onPage)\(error.reason)", underlying: error)
        default:
            return IngestError(.malformed, "a malformed PDF: \(onPage)\(error.reason)", underlying: error)
        }
    }
}
