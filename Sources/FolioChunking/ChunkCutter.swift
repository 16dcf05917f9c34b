// Performance notes
//
// The cutter's cost is counting tokens, and each byte is counted about once: units (sentences, or
// whole headings and table rows) are appended to one incremental `TokenCounter` per chunk, which
// re-encodes only the last pre-token when a count is read. Text is re-counted only when it moves to
// the next chunk (the unit that overflowed, the units after a stronger boundary that was chosen, and
// the overlap), and when a unit too long for the budget is searched for a finer cut (galloping, then
// bisection, over the cuts in a window the budget bounds). Offsets are bytes; scalar offsets are
// counted (SWAR) only when a chunk is emitted.
//
// A block's units are found apart from placing them (`BlockSegmenter`): they depend on the block alone,
// so the streaming pipeline finds them on its reading thread, and the cutting thread, the pipeline's
// slowest stage, only counts and cuts (callgrind, 5 MB generated report: 639 M -> 435 M instructions on
// that thread). Streamed chunk texts are cut from `source`, a string the blocks are appended to, rather
// than decoded from `buffer`: String(decoding:) validated every chunk's bytes again (5 % of the thread).

internal import FolioModel
internal import FolioTokenizer

/// The incremental core of the chunker: blocks go in, chunks come out, in document order.
///
/// The batch API feeds it a document's blocks and the streaming pipeline feeds it blocks as they are
/// read, so both give the same chunks. It keeps the text from the start of the current chunk (or of
/// the overlap it will repeat) onwards, and the blocks that text belongs to.
///
/// Method, for each unit of text (a sentence of a paragraph or list item, a whole heading or table row):
/// 1. Append it to the chunk's counter and read the exact count; if it fits, record the count at its
///    end as a candidate cut with the level of the boundary after it.
/// 2. If it does not fit, pick the candidate with the best `tokens × weight(level)`; when even a full
///    chunk cut at a finer level inside the unit could score better, search the unit for the longest
///    prefix that fits, at clause, then word, then grapheme, then scalar level.
/// 3. Emit the chunk, then start the next one with the overlap (whole trailing sentences within
///    `overlapTokens`) and the units after the cut.
struct ChunkCutter {
    let tokenizer: BPETokenizer
    let maxTokens: Int
    let overlapTokens: Int
    /// No token covers more bytes than this, so a unit of `n` bytes needs at least `n / this` tokens.
    let longestTokenByteCount: Int

    /// The text from `bufferBase` (an absolute UTF-8 offset) on.
    private var buffer: [UInt8] = []
    private var bufferBase = 0
    /// A known pair of (absolute byte offset, scalar offset) for converting offsets.
    private var cursor = (byte: 0, scalar: 0)
    /// The cursor is set at the first block's start (its scalar offset comes with the block).
    private var cursorNeedsStart = true

    /// The blocks from `blocksBase` (an ordinal) on.
    private var blocks: [BlockInfo] = []
    private var blocksBase = 0
    private var headingStack: [(level: Int, text: String)] = []
    /// The texts of `headingStack`, shared by the blocks under them.
    private var headingPath: [String] = []
    /// The text from `sourceBase` on as a string, when the cutter has it: chunk texts are cut from it
    /// instead of decoded and validated again. The batch path sets the whole document; with
    /// `appendsToSource` the cutter appends each block's separator and text (a copy, cheaper than
    /// validating every chunk's text) and drops what it drops from `buffer`.
    var source: String?
    var appendsToSource = false
    private var sourceBase = 0
    /// Reused for the units of each block.
    private var segmentScratch: [Segment] = []

    /// Units waiting to be cut, the next one last.
    private var pending: [Unit] = []
    /// The last unit of the latest block: the level of the boundary after it depends on the next block.
    private var lastOfBlock: Unit?

    /// The current chunk: its units, the exact count at each unit's end, and how many leading units
    /// repeat the previous chunk.
    private var units: [Unit] = []
    private var counts: [Int] = []
    private var overlapUnitCount = 0
    private var counter: TokenCounter
    /// The overlap to start the next chunk with, once it has a unit of new text.
    private var nextOverlap: [Unit] = []
    private var nextIndex = 0

    init(tokenizer: BPETokenizer, configuration: ChunkConfiguration) {
        self.tokenizer = tokenizer
        self.maxTokens = configuration.maxTokens
        self.overlapTokens = configuration.overlapTokens
        self.longestTokenByteCount = max(1, tokenizer.longestTokenByteCount)
        self.counter = TokenCounter(tokenizer: tokenizer)
    }

    // MARK: Input

    /// Takes the next block of the document (its separator and text follow the previous block's).
    mutating func append(_ extracted: ExtractedBlock, emit: (Chunk) -> Void) {
        var units = takeScratch()
        var text = extracted.text
        text.withUTF8 { BlockSegmenter.segment(extracted.kind, text: $0, into: &units) }
        let headingText = BlockSegmenter.headingText(of: extracted.kind, extracted.text)
        append(extracted, units: units[...], headingText: headingText, emit: emit)
        segmentScratch = units
    }

    /// Takes the next block with its units and heading text already found (by ``SegmentedBlocks``).
    mutating func append(
        _ extracted: ExtractedBlock, units: ArraySlice<Segment>, headingText: String?, emit: (Chunk) -> Void
    ) {
        if appendsToSource {
            source!.append(extracted.separator)
            source!.append(extracted.text)
        }
        var separator = extracted.separator
        var text = extracted.text
        separator.withUTF8 { separator in
            text.withUTF8 { text in
                append(
                    extracted.block, separator: separator, text: text, units: units, headingText: headingText,
                    emit: emit)
            }
        }
    }

    /// Takes the next block as UTF-8: the separator before it and its text.
    mutating func append(
        _ block: Block, separator: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>, emit: (Chunk) -> Void
    ) {
        var units = takeScratch()
        BlockSegmenter.segment(block.kind, text: text, into: &units)
        let headingText = BlockSegmenter.headingText(of: block.kind, String(decoding: text, as: UTF8.self))
        append(block, separator: separator, text: text, units: units[...], headingText: headingText, emit: emit)
        segmentScratch = units
    }

    /// The scratch array for a block's units, emptied (and no longer shared, so it is reused in place).
    private mutating func takeScratch() -> [Segment] {
        var units = segmentScratch
        segmentScratch = []
        units.removeAll(keepingCapacity: true)
        return units
    }

    /// Takes the next block as UTF-8 with its units (offsets into `text`).
    private mutating func append(
        _ block: Block, separator: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>,
        units segments: ArraySlice<Segment>, headingText: String?, emit: (Chunk) -> Void
    ) {
        buffer.append(contentsOf: separator)
        let start = bufferBase + buffer.count
        assert(start == block.utf8Range.lowerBound, "blocks must arrive in order, each after its separator")
        if cursorNeedsStart {
            cursor = (start, block.range.start)
            cursorNeedsStart = false
        }
        buffer.append(contentsOf: text)
        let kind = block.kind

        if kind.isBreak {
            if var last = lastOfBlock {
                last.level = max(last.level, kind == .sectionBreak ? .section : .block)
                lastOfBlock = last
            }
            return
        }
        if case .heading(let level) = kind {
            while let top = headingStack.last, top.level >= level { headingStack.removeLast() }
            headingStack.append((level, headingText ?? ""))
            headingPath = headingStack.map(\.text)
        }
        let ordinal = blocksBase + blocks.count
        blocks.append(BlockInfo(kind: kind, headings: headingPath, page: block.page))

        var found: [Unit] = []
        found.reserveCapacity(segments.count)
        for segment in segments {
            found.append(
                Unit(
                    start: start + segment.start, end: start + segment.end, level: segment.level,
                    finest: segment.finest, block: ordinal))
        }
        if var last = lastOfBlock, let first = found.first,
            withText({ text, base in text.continuesCluster(at: first.start - base, end: text.bytes.count) })
        {
            // The block starts inside the previous block's last cluster: they cannot be cut apart.
            last.end = first.end
            last.level = first.level
            lastOfBlock = found.count == 1 ? last : nil
            found.removeFirst()
            if lastOfBlock == nil { found.insert(last, at: 0) }
        }
        guard let newLast = found.popLast() else { return }
        if var last = lastOfBlock {
            if case .heading = kind { last.level = max(last.level, .section) }
            lastOfBlock = nil
            cut(last, emit: emit)
        }
        for unit in found { cut(unit, emit: emit) }
        lastOfBlock = newLast
    }

    /// Ends the document: cuts what is left and emits the last chunk.
    mutating func finish(emit: (Chunk) -> Void) {
        if var last = lastOfBlock {
            last.level = .document
            lastOfBlock = nil
            cut(last, emit: emit)
        }
        if units.count > overlapUnitCount, let lastCount = counts.last {
            emitChunk(
                unitCount: units.count, end: units[units.count - 1].end, tokenCount: lastCount, level: .document,
                emit: emit)
        }
        units.removeAll()
        counts.removeAll()
    }

    // MARK: Cutting

    private mutating func cut(_ unit: Unit, emit: (Chunk) -> Void) {
        pending.append(unit)
        while let next = pending.popLast() { place(next, emit: emit) }
    }

    /// Adds one unit to the current chunk, or cuts the chunk before it (or inside it).
    private mutating func place(_ unit: Unit, emit: (Chunk) -> Void) {
        if units.isEmpty && !nextOverlap.isEmpty { startWithOverlap() }
        let gapStart = units.last?.end ?? unit.start
        let alreadyCounted = units.isEmpty ? 0 : counts[counts.count - 1]
        // A unit of n bytes needs at least n / longestTokenByteCount tokens: skip counting what cannot fit.
        let cannotFit = (unit.end - unit.start) > (maxTokens - alreadyCounted + 1) * longestTokenByteCount
        if !cannotFit {
            appendText(gapStart, unit.end)
            let count = counter.tokenCount
            if count <= maxTokens {
                units.append(unit)
                counts.append(count)
                return
            }
        }

        // The unit overflows.
        let best = bestCandidate()
        if best == nil && overlapUnitCount > 0 {
            // The overlap leaves no room for this unit: give the overlap up for this chunk.
            resetChunk()
            pending.append(unit)
            return
        }
        let bestScore = best.map { Double(counts[$0]) * Self.weight(units[$0].level) } ?? 0
        // The chunk so far with the whitespace before the unit, counted again (rare: only a unit that
        // overflows, and only when a cut inside it may win). Keeping a copy for every unit would copy
        // the counter's tail each time.
        var before: TokenCounter?
        var level = unit.finest
        while let finer = Self.finer(than: level) {
            level = finer
            if bestScore >= Double(maxTokens) * Self.weight(level) { break }
            if before == nil {
                var counter = TokenCounter(tokenizer: tokenizer)
                if let first = units.first {
                    Self.appendText(buffer, bufferBase, first.start, unit.start, to: &counter)
                }
                before = counter
            }
            guard let fit = longestFittingPrefix(of: unit, level: level, before: before!) else { continue }
            let score = Double(fit.tokenCount) * Self.weight(fit.level)
            guard score > bestScore else { continue }
            // Cut inside the unit; the rest of it goes to the next chunk.
            units.append(
                Unit(start: unit.start, end: fit.cut.end, level: fit.level, finest: unit.finest, block: unit.block))
            counts.append(fit.tokenCount)
            pending.append(
                Unit(start: fit.cut.next, end: unit.end, level: unit.level, finest: unit.finest, block: unit.block))
            emitAndContinue(at: units.count - 1, emit: emit)
            return
        }
        guard let best else {
            preconditionFailure("no cut fits in \(maxTokens) tokens: a single scalar needs at most 4")
        }
        pending.append(unit)
        for carried in units[(best + 1)...].reversed() { pending.append(carried) }
        emitAndContinue(at: best, emit: emit)
    }

    /// The index of the unit whose end is the best place to cut: most tokens × weight of its boundary.
    private func bestCandidate() -> Int? {
        var best: Int?
        var bestScore = -1.0
        for index in overlapUnitCount..<units.count {
            let score = Double(counts[index]) * Self.weight(units[index].level)
            if score >= bestScore {
                best = index
                bestScore = score
            }
        }
        return best
    }

    /// How much a chunk ending at a boundary of `level` is worth per token: a section boundary at 70 %
    /// of the fill a sentence boundary would give beats it, a block boundary at 88 %, a sentence
    /// boundary at 36 % beats a clause at 100 %; a line break inside a block comes between.
    static func weight(_ level: BoundaryLevel) -> Double {
        switch level {
        case .document, .section: 1.0
        case .block: 0.8
        case .sentence: 0.7
        case .line: 0.6
        case .clause: 0.25
        case .word: 0.15
        case .grapheme: 0.05
        case .scalar: 0.01
        }
    }

    static func finer(than level: BoundaryLevel) -> BoundaryLevel? {
        switch level {
        case .document, .section, .block: .sentence
        case .sentence: .line
        case .line: .clause
        case .clause: .word
        case .word: .grapheme
        case .grapheme: .scalar
        case .scalar: nil
        }
    }

    /// Emits the chunk made of `units[...last]`, then starts the next chunk empty, remembering the
    /// overlap it will begin with.
    private mutating func emitAndContinue(at last: Int, emit: (Chunk) -> Void) {
        let end = units[last].end
        emitChunk(unitCount: last + 1, end: end, tokenCount: counts[last], level: units[last].level, emit: emit)
        nextOverlap = overlapTokens > 0 ? overlap(endingAt: last) : []
        resetChunk()
        compact()
    }

    private mutating func resetChunk() {
        units.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        overlapUnitCount = 0
        counter.reset()
    }

    // MARK: Overlap

    /// The longest run of whole trailing sentences of `units[...last]` within `overlapTokens` (exact).
    ///
    /// The first unit of a chunk is never repeated whole, so the next chunk always starts later.
    private func overlap(endingAt last: Int) -> [Unit] {
        let end = units[last].end
        // Sentence starts after the chunk's first unit, latest first.
        let starts = (1...max(1, last)).reversed().filter { $0 <= last && units[$0 - 1].level >= .sentence }
        guard !starts.isEmpty else { return [] }
        // Walk back while the recorded counts say the overlap fits, then confirm with exact counts.
        var index = 0
        while index + 1 < starts.count {
            let before = counts[starts[index + 1] - 1]
            if before < 0 || counts[last] - before > overlapTokens { break }
            index += 1
        }
        while index >= 0 {
            let first = starts[index]
            if exactCount(units[first].start, end) <= overlapTokens { return Array(units[first...last]) }
            index -= 1
        }
        return []
    }

    /// Starts the current chunk with the remembered overlap.
    private mutating func startWithOverlap() {
        let overlap = nextOverlap
        nextOverlap = []
        appendText(overlap[0].start, overlap[overlap.count - 1].end)
        units = overlap
        counts = Array(repeating: -1, count: overlap.count)
        counts[counts.count - 1] = counter.tokenCount
        overlapUnitCount = overlap.count
    }

    // MARK: Text

    private mutating func appendText(_ start: Int, _ end: Int) {
        Self.appendText(buffer, bufferBase, start, end, to: &counter)
    }

    /// Appends `buffer`'s text between two absolute offsets to a counter. Static, so that appending to
    /// the cutter's own counter does not copy the cutter (a method on `self` with `&self.counter`
    /// would).
    private static func appendText(
        _ buffer: [UInt8], _ base: Int, _ start: Int, _ end: Int, to counter: inout TokenCounter
    ) {
        guard end > start else { return }
        buffer.withUnsafeBufferPointer { pointer in
            counter.append(utf8: UnsafeBufferPointer(rebasing: pointer[(start - base)..<(end - base)]))
        }
    }

    func exactCount(_ start: Int, _ end: Int) -> Int {
        buffer.withUnsafeBufferPointer { pointer in
            tokenizer.countOrdinary(
                utf8: UnsafeBufferPointer(rebasing: pointer[(start - bufferBase)..<(end - bufferBase)]))
        }
    }

    func withText<R>(_ body: (TextScalars, Int) -> R) -> R {
        buffer.withUnsafeBufferPointer { pointer in body(TextScalars(bytes: pointer), bufferBase) }
    }

    /// The exact count of the chunk so far (`before`) followed by `text[start..<end]`.
    func count(after before: TokenCounter, _ start: Int, _ end: Int) -> Int {
        var probe = before
        buffer.withUnsafeBufferPointer { pointer in
            probe.append(utf8: UnsafeBufferPointer(rebasing: pointer[(start - bufferBase)..<(end - bufferBase)]))
        }
        return probe.tokenCount
    }

    private mutating func emitChunk(
        unitCount: Int, end: Int, tokenCount: Int, level: BoundaryLevel, emit: (Chunk) -> Void
    ) {
        let start = units[0].start
        var kinds: [BlockKind] = []
        var pages: ClosedRange<Int>?
        var lastBlock = -1
        for unit in units[..<unitCount] where unit.block != lastBlock {
            lastBlock = unit.block
            let info = blocks[unit.block - blocksBase]
            if !kinds.contains(info.kind) { kinds.append(info.kind) }
            if let page = info.page {
                pages = pages.map { min($0.lowerBound, page)...max($0.upperBound, page) } ?? page...page
            }
        }
        let text: String
        if let source {
            let utf8 = source.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: start - sourceBase)
            text = String(source[lower..<utf8.index(lower, offsetBy: end - start)])
        } else {
            text = String(decoding: buffer[(start - bufferBase)..<(end - bufferBase)], as: UTF8.self)
        }
        let scalarStart = scalarOffset(ofByte: start)
        let scalarEnd = scalarOffset(ofByte: end)
        let chunk = Chunk(
            index: nextIndex, range: TextRange(start: scalarStart, end: scalarEnd), utf8Range: start..<end,
            tokenCount: tokenCount, text: text, headings: blocks[units[0].block - blocksBase].headings,
            blockKinds: kinds, boundary: level, pages: pages
        )
        nextIndex += 1
        emit(chunk)
    }

    /// The scalar offset of an absolute byte offset inside the buffer, moving the cursor there.
    private mutating func scalarOffset(ofByte byte: Int) -> Int {
        let cursorByte = cursor.byte
        let counted = buffer.withUnsafeBufferPointer { pointer in
            let low = min(cursorByte, byte) - bufferBase, high = max(cursorByte, byte) - bufferBase
            return UTF8Sequence.scalarCount(UnsafeBufferPointer(rebasing: pointer[low..<high]))
        }
        cursor = (byte, byte >= cursorByte ? cursor.scalar + counted : cursor.scalar - counted)
        return cursor.scalar
    }

    /// Drops text and blocks nothing refers to any more.
    private mutating func compact() {
        var keepFrom = min(cursor.byte, bufferBase + buffer.count)
        var keepBlock = blocksBase + blocks.count - 1
        for unit in nextOverlap {
            keepFrom = min(keepFrom, unit.start)
            keepBlock = min(keepBlock, unit.block)
        }
        for unit in pending {
            keepFrom = min(keepFrom, unit.start)
            keepBlock = min(keepBlock, unit.block)
        }
        if let last = lastOfBlock {
            keepFrom = min(keepFrom, last.start)
            keepBlock = min(keepBlock, last.block)
        }
        let drop = keepFrom - bufferBase
        if drop > 65_536 && drop * 2 > buffer.count {
            buffer.removeFirst(drop)
            bufferBase = keepFrom
            if appendsToSource, let text = source {
                // `keepFrom` starts a unit or a chunk, or ends the text: a scalar boundary.
                source = String(text[text.utf8.index(text.utf8.startIndex, offsetBy: keepFrom - sourceBase)...])
                sourceBase = keepFrom
            }
        }
        let dropBlocks = keepBlock - blocksBase
        if dropBlocks > 256 && dropBlocks * 2 > blocks.count {
            blocks.removeFirst(dropBlocks)
            blocksBase = keepBlock
        }
    }
}

/// A piece of text the cutter places whole when it can: a sentence, or a heading or table row.
struct Unit {
    /// Absolute UTF-8 offsets of the text, without surrounding whitespace.
    var start: Int
    var end: Int
    /// The boundary after the unit.
    var level: BoundaryLevel
    /// The strongest boundary that may lie inside the unit is finer than this.
    var finest: BoundaryLevel
    /// The ordinal of the block the unit belongs to.
    var block: Int
}

/// What the cutter keeps of a block.
struct BlockInfo {
    var kind: BlockKind
    var headings: [String]
    /// ``Block/page``.
    var page: Int?
}
