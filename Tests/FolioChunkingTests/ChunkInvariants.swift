import FolioChunking
import FolioModel
import FolioTokenizer
import Testing

/// The promises every chunking makes, checked against the document it came from.
struct ChunkInvariants {
    let text: String
    let scalars: [Unicode.Scalar]
    /// Scalar offsets where a grapheme cluster starts (and the end of the text).
    let clusterBoundaries: Set<Int>

    init(text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        var boundaries: Set<Int> = [0]
        var offset = 0
        for character in text {
            offset += character.unicodeScalars.count
            boundaries.insert(offset)
        }
        clusterBoundaries = boundaries
    }

    func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { $0.properties.isWhitespace } }

    func slice(_ range: TextRange) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range.start..<range.end])
        return String(view)
    }

    /// Checks offsets, exact counts, the budget, order and coverage; returns the chunks' total tokens.
    @discardableResult
    func check(
        _ chunks: [Chunk], tokenizer: BPETokenizer, configuration: ChunkConfiguration, context: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int {
        var previous: Chunk?
        var total = 0
        for (position, chunk) in chunks.enumerated() {
            #expect(chunk.index == position, sourceLocation: sourceLocation)
            #expect(
                slice(chunk.range) == chunk.text, "\(context)chunk \(chunk.index): text is not text[start..<end]",
                sourceLocation: sourceLocation)
            #expect(!chunk.text.isEmpty, sourceLocation: sourceLocation)
            let exact = tokenizer.count(chunk.text)
            #expect(
                chunk.tokenCount == exact,
                "\(context)chunk \(chunk.index): reported \(chunk.tokenCount), exact \(exact)",
                sourceLocation: sourceLocation)
            #expect(
                exact <= configuration.maxTokens, "\(context)chunk \(chunk.index) is over budget: \(exact)",
                sourceLocation: sourceLocation)
            if chunk.boundary != .scalar {
                let endsAtCluster = clusterBoundaries.contains(chunk.range.end)
                #expect(
                    endsAtCluster, "\(context)chunk \(chunk.index) ends inside a grapheme cluster",
                    sourceLocation: sourceLocation)
            }
            if let previous {
                #expect(
                    chunk.range.end > previous.range.end, "\(context)chunk \(chunk.index) makes no progress",
                    sourceLocation: sourceLocation)
                if configuration.overlapTokens == 0 {
                    #expect(chunk.range.start >= previous.range.end, sourceLocation: sourceLocation)
                    let gap = slice(TextRange(start: previous.range.end, end: chunk.range.start))
                    #expect(
                        isBlank(gap),
                        """
                        \(context)text between chunks \(previous.index) \
                        and \(chunk.index) is lost: \(gap.debugDescription)
                        """,
                        sourceLocation: sourceLocation)
                } else if chunk.range.start < previous.range.end {
                    let repeated = slice(TextRange(start: chunk.range.start, end: previous.range.end))
                    #expect(
                        tokenizer.count(repeated) <= configuration.overlapTokens, "\(context)overlap over its budget",
                        sourceLocation: sourceLocation)
                    #expect(chunk.range.start > previous.range.start, sourceLocation: sourceLocation)
                }
                if previous.boundary != .scalar && chunk.range.start >= previous.range.end {
                    let startsAtCluster = clusterBoundaries.contains(chunk.range.start)
                    #expect(
                        startsAtCluster, "\(context)chunk \(chunk.index) starts inside a grapheme cluster",
                        sourceLocation: sourceLocation)
                }
            } else {
                let head = slice(TextRange(start: 0, end: chunk.range.start))
                #expect(isBlank(head), "\(context)text before the first chunk is lost", sourceLocation: sourceLocation)
            }
            previous = chunk
            total += chunk.tokenCount
        }
        let tailStart = previous?.range.end ?? 0
        let tail = slice(TextRange(start: tailStart, end: scalars.count))
        #expect(
            isBlank(tail), "\(context)text after the last chunk is lost: \(tail.prefix(80).debugDescription)",
            sourceLocation: sourceLocation)
        return total
    }
}
