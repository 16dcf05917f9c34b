public import FolioModel

/// A document with pages, built by hand as the PDF reader builds one: paragraphs separated by a blank
/// line, each block carrying its page, a page break before each page after the first.
public enum PagedDocument {
    public static func make(_ pages: [[String]]) -> Document {
        var text = ""
        var blocks: [Block] = []
        var scalars = 0
        for (index, paragraphs) in pages.enumerated() {
            let page = index + 1
            if !text.isEmpty {
                let here = text.utf8.count
                blocks.append(
                    Block(
                        kind: .pageBreak, range: TextRange(start: scalars, end: scalars), utf8Range: here..<here,
                        page: page))
            }
            for paragraph in paragraphs {
                if !text.isEmpty {
                    text += "\n\n"
                    scalars += 2
                }
                let start = text.utf8.count
                text += paragraph
                let count = paragraph.unicodeScalars.count
                blocks.append(
                    Block(
                        kind: .paragraph, range: TextRange(start: scalars, end: scalars + count),
                        utf8Range: start..<text.utf8.count, page: page))
                scalars += count
            }
        }
        return Document(
            text: text, blocks: blocks, metadata: DocumentMetadata(format: .pdf, pageCount: pages.count))
    }

    /// The pages of the text blocks a range of the document's text overlaps (what a chunk's pages must be).
    public static func pages(of range: TextRange, in document: Document) -> ClosedRange<Int>? {
        let pages = document.textBlocks.filter { $0.range.start < range.end && range.start < $0.range.end }
            .compactMap(\.page)
        guard let first = pages.min(), let last = pages.max() else { return nil }
        return first...last
    }
}
