// Performance notes
//
// `folio bench corpus --chars 100000000 --out FILE`, release build, one core of a 2-core Linux box,
// file write included: report text 0.49 s (203 MB/s of UTF-8), contract text 0.53 s (188 MB/s),
// Chinese text 1.66 s for 290 MB (175 MB/s, 60 M scalars/s), HTML 0.44-0.51 s (200-230 MB/s), at
// 21 MB peak memory. Words are kept as UTF-8 byte arrays and literals appended from `StaticString`,
// blocks are built in one reused buffer, and a piece becomes a `String` once (validation included).
// Nothing more was needed for the 50 MB/s target.

/// What a document kind writes: its title and its blocks, one at a time, endlessly.
protocol Composer {
    /// The `lang` attribute of the HTML document.
    var languageTag: StaticString { get }
    /// What starts a paragraph in text format.
    var paragraphIndent: [UInt8] { get }
    /// What separates paragraphs in text format.
    var paragraphGap: Markup.Gap { get }

    /// The document's title, for HTML's `<title>` (no markup characters).
    mutating func title() -> [UInt8]
    /// Writes the next block, starting with its separator or tag; never nothing.
    mutating func nextBlock(into markup: inout Markup)
    /// Writes words and a final stop of at most `units` units (as ``Markup/units(_:)`` counts them).
    mutating func fillerText(units: Int, markup: Markup, into bytes: inout [UInt8])
}

/// Turns a composer's blocks into pieces of a document of an exact size.
///
/// 1. HTML starts with a prologue (doctype, head with title, `<body>`) and ends with an epilogue
///    (`</body></html>`); text ends with a line break.
/// 2. Each block is written whole into a scratch buffer and kept if it and the epilogue still fit.
/// 3. The first block that does not fit is replaced by a last paragraph of filler words; whatever
///    is left over is padded with spaces (text) or line breaks (HTML) before the epilogue. When even
///    the prologue and epilogue do not fit, the document is their truncation.
struct PieceWriter<C: Composer> {
    private enum Stage { case start, body, done }

    private var composer: C
    private var markup: Markup
    private let budget: Int
    private var used = 0
    private var stage = Stage.start
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private let epilogue: [UInt8]
    private let epilogueUnits: Int

    init(composer: C, format: CorpusGenerator.Format, budget: Int) {
        self.composer = composer
        self.budget = budget
        markup = Markup(format: format)
        markup.paragraphIndent = composer.paragraphIndent
        var epilogue: [UInt8] = []
        epilogue.put(format == .html ? "</body></html>\n" : "\n")
        self.epilogue = epilogue
        epilogueUnits = markup.units(epilogue)
    }

    /// The next piece of the document, or nil after the last one.
    mutating func nextPiece() -> String? {
        let limit = CorpusGenerator.pieceByteLimit
        var piece: [UInt8] = []
        piece.reserveCapacity(limit)
        while piece.count < limit {
            if pendingOffset == pending.count {
                if stage == .done { break }
                refill()
                continue
            }
            var end = min(pending.count, pendingOffset + limit - piece.count)
            while end < pending.count && end > pendingOffset && pending[end] & 0xC0 == 0x80 { end -= 1 }
            if end == pendingOffset { break }
            piece.append(contentsOf: pending[pendingOffset..<end])
            pendingOffset = end
        }
        return piece.isEmpty ? nil : String(decoding: piece, as: UTF8.self)
    }

    private mutating func refill() {
        markup.reset()
        pendingOffset = 0
        switch stage {
        case .start:
            if markup.isHTML { writePrologue() }
            let units = markup.units(markup.bytes)
            if units + epilogueUnits > budget {
                pending = fit(markup.bytes + epilogue, units: budget)
                stage = .done
            } else {
                swap(&pending, &markup.bytes)
                used = units
                stage = .body
            }
        case .body:
            composer.nextBlock(into: &markup)
            let units = markup.units(markup.bytes)
            if used + units + epilogueUnits <= budget {
                swap(&pending, &markup.bytes)
                used += units
                markup.atDocumentStart = false
            } else {
                writeLastParagraph(units: budget - used - epilogueUnits)
                stage = .done
            }
        case .done:
            pending = []
        }
    }

    private mutating func writePrologue() {
        markup.bytes.put("<!DOCTYPE html>\n<html lang=\"")
        markup.bytes.put(composer.languageTag)
        markup.bytes.put("\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        markup.bytes.append(contentsOf: composer.title())
        markup.bytes.put("</title>\n</head>\n<body>\n")
    }

    /// Filler words in a paragraph of at most `units` units, padded to exactly `units`, then the epilogue.
    private mutating func writeLastParagraph(units: Int) {
        markup.reset()
        markup.beginParagraph(gap: composer.paragraphGap)
        var closing = Markup(format: markup.format)
        closing.endParagraph()
        let room = units - markup.units(markup.bytes) - markup.units(closing.bytes)
        if room >= 8 {
            composer.fillerText(units: room, markup: markup, into: &markup.bytes)
            markup.bytes += closing.bytes
        } else {
            markup.reset()
        }
        pending = fit(markup.bytes, units: units) + epilogue
    }

    /// `bytes` cut at a scalar boundary to at most `units` units, then padded to exactly `units`.
    private func fit(_ bytes: [UInt8], units: Int) -> [UInt8] {
        var end = 0
        var count = 0
        if markup.isHTML {
            end = min(bytes.count, units)
            while end < bytes.count && end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
            count = end
        } else {
            while end < bytes.count {
                if bytes[end] & 0xC0 != 0x80 {
                    if count == units { break }
                    count += 1
                }
                end += 1
            }
        }
        let pad = UInt8(ascii: markup.isHTML ? "\n" : " ")
        return Array(bytes[..<end]) + repeatElement(pad, count: units - count)
    }
}
