import FolioIngest
import FolioModel
import Foundation
import Testing

/// Helpers shared by the ingestion tests.
enum Extract {
    /// The document of `text` read as `format` (detected when nil).
    static func document(
        _ text: String, format: InputFormat? = nil, name: String? = nil, limits: IngestLimits = IngestLimits()
    ) throws -> Document {
        try Ingestor(options: IngestOptions(format: format, limits: limits)).document(
            from: Array(text.utf8), name: name)
    }

    static func html(_ body: String) throws -> Document {
        try document("<html><body>\(body)</body></html>", format: .html)
    }

    /// The texts of the text blocks.
    static func texts(_ document: Document) -> [String] {
        document.textBlocks.map { String(document.text(of: $0)) }
    }

    /// Maximal runs of letters and digits, as the fidelity comparisons count words.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

/// The invariants every document satisfies, whatever its format.
enum DocumentInvariants {
    /// Blocks are in order and do not overlap; each block's Unicode-scalar range and UTF-8 range select the
    /// same characters; text blocks are non-empty and never start or end with whitespace (plain text
    /// aside, where they are verbatim); breaks are empty. Blocks carry a page exactly when the source
    /// has pages, and pages run from 1 to the page count without going back.
    static func check(_ document: Document, sourceLocation: SourceLocation = #_sourceLocation) {
        checkPages(document, sourceLocation: sourceLocation)
        let scalars = Array(document.text.unicodeScalars)
        let utf8 = Array(document.text.utf8)
        var previousEnd = 0
        var previousUTF8End = 0
        for block in document.blocks {
            #expect(block.range.start >= previousEnd, "blocks overlap at \(block)", sourceLocation: sourceLocation)
            #expect(block.utf8Range.lowerBound >= previousUTF8End, sourceLocation: sourceLocation)
            guard block.range.end <= scalars.count, block.utf8Range.upperBound <= utf8.count else {
                Issue.record(
                    "\(block) runs past the text (\(scalars.count) scalars, \(utf8.count) UTF-8 bytes)",
                    sourceLocation: sourceLocation)
                return
            }
            var byScalars = ""
            byScalars.unicodeScalars.append(contentsOf: scalars[block.range.start..<block.range.end])
            let byBytes = String(decoding: utf8[block.utf8Range], as: UTF8.self)
            #expect(
                byScalars == byBytes, "scalar and byte ranges disagree for \(block)", sourceLocation: sourceLocation)
            #expect(String(document.text(of: block)) == byScalars, sourceLocation: sourceLocation)
            if block.kind.isBreak {
                #expect(block.range.isEmpty, sourceLocation: sourceLocation)
            } else {
                #expect(!block.range.isEmpty, "empty text block \(block)", sourceLocation: sourceLocation)
                if document.metadata.format != .plainText, let first = byScalars.unicodeScalars.first,
                    let last = byScalars.unicodeScalars.last
                {
                    #expect(
                        !first.properties.isWhitespace && !last.properties.isWhitespace, sourceLocation: sourceLocation)
                }
            }
            previousEnd = block.range.end
            previousUTF8End = block.utf8Range.upperBound
        }
    }

    static func checkPages(_ document: Document, sourceLocation: SourceLocation) {
        guard let pageCount = document.metadata.pageCount else {
            #expect(document.blocks.allSatisfy { $0.page == nil }, sourceLocation: sourceLocation)
            return
        }
        var previous = 1
        for block in document.blocks {
            guard let page = block.page else {
                Issue.record("\(block) has no page in a document of pages", sourceLocation: sourceLocation)
                return
            }
            #expect(page >= previous && page <= pageCount, "\(block) of \(pageCount)", sourceLocation: sourceLocation)
            if block.kind == .pageBreak {
                #expect(page > previous, "a page break inside page \(previous)", sourceLocation: sourceLocation)
            }
            previous = page
        }
    }
}
