internal import FolioTokenizer
internal import FolioModel
internal import Foundation

/// The chunks chosen for a pack, with a running estimate of the packed text's tokens.
struct PackSelection {
    let assembler: ContextAssembler
    let configuration: PackConfiguration
    var index: SearchIndex { assembler.index }
    /// Chunks in the order they were chosen, with their scores.
    private(set) var order: [(chunk: Int, score: Float)] = []
    /// Per chunk of the index: chosen or not (a dense array: a pack asks about every candidate and
    /// its two neighbours, and hashing was a tenth of a broad pack).
    private var chosen: [Bool]
    private var documentsChosen: [Int: Int] = [:]
    private(set) var estimate = 0
    private var tokenCache: [Int: Int] = [:]
    private var headerCache: [Int: Int] = [:]
    private let separatorTokens: Int
    /// Tokens allowed for a join between touching chunks (the whitespace between them).
    private static let joinTokens = 1

    init(assembler: ContextAssembler, configuration: PackConfiguration) throws(IndexError) {
        self.assembler = assembler
        self.configuration = configuration
        separatorTokens = assembler.tokenizer.count(configuration.separator)
        chosen = [Bool](repeating: false, count: assembler.index.chunkCount)
    }

    /// Adds `chunk` if the estimate stays within `limit`; true when the chunk is (now or already) chosen.
    mutating func add(_ chunk: Int, score: Float, within limit: Int) throws(IndexError) -> Bool {
        if chosen[chunk] { return true }
        let document = try index.documentOfChunk(chunk)
        var previous = false
        if chunk > 0 && chosen[chunk - 1] { previous = try index.documentOfChunk(chunk - 1) == document }
        var next = false
        if chunk + 1 < chosen.count && chosen[chunk + 1] { next = try index.documentOfChunk(chunk + 1) == document }
        // Unless it joins two passages, a chunk costs at least its own tokens: once those do not fit,
        // nothing else need be decoded or counted (most candidates of a full pack end here).
        if !(previous && next), assembler.tokenizer.name == index.encoding,
            estimate + (try index.tokenCountOfChunk(chunk)) > limit
        {
            return false
        }
        let info = try index.chunk(chunk)
        let tokens = try tokenCount(info)
        if !(previous && next), estimate + tokens > limit { return false }
        var delta = tokens
        switch (previous, next) {
        case (true, true):
            // Two passages become one: one header and one separator fewer.
            delta += 2 * Self.joinTokens - headerTokens(info) - separatorTokens
        case (true, false), (false, true):
            delta += Self.joinTokens
        case (false, false):
            delta += headerTokens(info) + separatorTokens
        }
        if documentsChosen[info.document, default: 0] == 0 {
            delta += try documentHeaderTokens(info.document) + separatorTokens
        }
        guard estimate + delta <= limit else { return false }
        estimate += delta
        chosen[chunk] = true
        documentsChosen[info.document, default: 0] += 1
        order.append((chunk, score))
        return true
    }

    private mutating func tokenCount(_ info: ChunkInfo) throws(IndexError) -> Int {
        if assembler.tokenizer.name == index.encoding { return info.tokenCount }
        if let cached = tokenCache[info.id] { return cached }
        let count = assembler.tokenizer.count(try index.text(ofDocument: info.document, utf8Range: info.utf8Range))
        tokenCache[info.id] = count
        return count
    }

    private mutating func headerTokens(_ info: ChunkInfo) -> Int {
        // A header without `{n}` is the same whenever it is asked for: counted once per chunk.
        let numbered = configuration.passageHeader.contains("{n}")
        if !numbered, let cached = headerCache[info.id] { return cached }
        let header = Self.fill(
            configuration.passageHeader, n: order.count + 1, path: "", range: info.range, headings: info.headings,
            pages: PackedPassage.citation(of: info.pages))
        let count = assembler.tokenizer.count(header)
        if !numbered { headerCache[info.id] = count }
        return count
    }

    /// What opening `document` in the pack costs before any of its text: its header and a separator.
    func documentOverhead(_ document: Int) throws(IndexError) -> Int {
        try documentHeaderTokens(document) + separatorTokens
    }

    private func documentHeaderTokens(_ document: Int) throws(IndexError) -> Int {
        let path = try assembler.path(ofDocument: document)
        return assembler.tokenizer.count(Self.fillDocument(configuration.documentHeader, path: path))
    }

    /// The packed context of the chosen chunks, dropping the last chosen while the exact count is
    /// over the budget; nil when nothing is chosen.
    mutating func exactFit() throws(IndexError) -> PackedContext? {
        while !order.isEmpty {
            let passages = try self.passages()
            let text = Self.render(passages, configuration: configuration)
            let count = assembler.tokenizer.count(text)
            if count <= configuration.budget { return PackedContext(tokenCount: count, text: text, passages: passages) }
            let last = order.removeLast()
            chosen[last.chunk] = false
        }
        return nil
    }

    /// The chosen chunks as passages: touching chunks merged, in document and position order.
    func passages() throws(IndexError) -> [PackedPassage] {
        let scores = Dictionary(order.map { ($0.chunk, $0.score) }, uniquingKeysWith: max)
        var result: [PackedPassage] = []
        var run: [ChunkInfo] = []
        func flush() throws(IndexError) {
            guard let first = run.first, let last = run.last else { return }
            let pages = run.compactMap(\.pages).reduce(nil) { (union: ClosedRange<Int>?, pages) in
                union.map { min($0.lowerBound, pages.lowerBound)...max($0.upperBound, pages.upperBound) } ?? pages
            }
            let text = try index.text(
                ofDocument: first.document,
                utf8Range: first.utf8Range.lowerBound..<max(last.utf8Range.upperBound, first.utf8Range.upperBound))
            result.append(
                PackedPassage(
                    document: first.document, path: try assembler.path(ofDocument: first.document),
                    range: TextRange(start: first.range.start, end: max(last.range.end, first.range.end)),
                    headings: first.headings, score: Double(run.map { scores[$0.id] ?? 0 }.max() ?? 0), text: text,
                    pages: pages))
            run = []
        }
        for chunk in order.map(\.chunk).sorted() {
            let info = try index.chunk(chunk)
            if let last = run.last, last.id + 1 != chunk || last.document != info.document { try flush() }
            run.append(info)
        }
        try flush()
        return result
    }

    static func render(_ passages: [PackedPassage], configuration: PackConfiguration) -> String {
        var text = ""
        var document = -1
        for (number, passage) in passages.enumerated() {
            if !text.isEmpty { text += configuration.separator }
            if passage.document != document {
                document = passage.document
                text += fillDocument(configuration.documentHeader, path: passage.path)
                text += configuration.separator
            }
            text += fill(
                configuration.passageHeader, n: number + 1, path: passage.path, range: passage.range,
                headings: passage.headings, pages: passage.pageCitation)
            text += passage.text
        }
        return text
    }

    static func fill(
        _ template: String, n: Int, path: String, range: TextRange, headings: [String], pages: String
    ) -> String {
        fillDocument(template, path: path)
            .replacingAll("{n}", with: String(n))
            .replacingAll("{pages}", with: pages)
            .replacingAll("{start}", with: String(range.start))
            .replacingAll("{end}", with: String(range.end))
            .replacingAll("{headings}", with: headings.joined(separator: " › "))
    }

    static func fillDocument(_ template: String, path: String) -> String {
        template.replacingAll("{path}", with: path)
            .replacingAll("{file}", with: path.split(separator: "/").last.map(String.init) ?? path)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
