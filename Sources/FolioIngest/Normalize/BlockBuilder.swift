// Performance notes
//
// Every character of an HTML, XML, DOCX or ODT document passes through `append(_:)`, so it copies runs
// of ordinary ASCII in bulk and looks at a byte individually only when it is whitespace, a control
// character or the lead byte of a multi-byte sequence (to recognize U+00A0, U+3000 and the other
// Unicode spaces). Offsets are counted once per block, over its finished bytes.

internal import FolioModel

/// Builds the blocks of a normalized document from the text a reader finds, in document order.
///
/// 1. Whitespace inside a block (ASCII and Unicode `White_Space`, including U+00A0 and U+3000) collapses
///    to one space; a block never starts or ends with a space.
/// 2. C0 control characters other than whitespace, and DEL, are dropped (they are not text).
/// 3. A finished block gets its separator: none before the first block, `"\n"` when the reader says the
///    block continues the previous one (rows of one table, items of one list, lines of one paragraph),
///    `"\n\n"` otherwise. Empty blocks are never emitted.
/// 4. Offsets are kept in Unicode scalars and UTF-8 bytes as blocks are finished.
///
/// Finished blocks wait in ``finished`` until the reader hands them on: SAX callbacks cannot throw, so
/// they only build, and the reader delivers between parser calls.
struct BlockBuilder {
    /// The text of the block being built: valid UTF-8, whitespace collapsed, no leading space.
    private(set) var current: [UInt8] = []
    /// Whitespace was seen after the last character of ``current``.
    private var pendingSpace = false
    /// Blocks finished and not yet taken by the reader.
    var finished: [ExtractedBlock] = []
    /// Scalars and bytes of the document text so far (up to the end of the last block).
    private(set) var scalarOffset = 0
    private(set) var utf8Offset = 0
    /// Whether a text block has been emitted (the first one gets no separator).
    private(set) var hasText = false
    /// A break was marked since the last text block (breaks are not repeated).
    private var breakPending = false
    /// The source page the next blocks are on (``Block/page``); nil for formats without pages.
    var page: Int?

    init() {
        current.reserveCapacity(4096)
    }

    /// Whether the current block has no text yet.
    var isEmpty: Bool { current.isEmpty }

    /// Appends text, collapsing whitespace and dropping control characters.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return }
        var index = 0
        var runStart = 0
        while index < count {
            let byte = base[index]
            if byte > 0x20 && byte < 0x7F {
                index &+= 1
                continue
            }
            if byte >= 0x80 {
                let spaceLength = Self.unicodeSpaceLength(base, at: index, count: count)
                if spaceLength == 0 {
                    index &+= 1  // part of an ordinary multi-byte character
                    continue
                }
                flushRun(base, from: runStart, to: index)
                pendingSpace = true
                index &+= spaceLength
                runStart = index
                continue
            }
            flushRun(base, from: runStart, to: index)
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { pendingSpace = true }
            index &+= 1
            runStart = index
        }
        flushRun(base, from: runStart, to: count)
    }

    /// Appends the bytes of `text` (as ``append(_:)`` does).
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A word boundary: the next text starts after one space (unless the block is empty).
    mutating func appendSpace() {
        if !current.isEmpty { pendingSpace = true }
    }

    /// Removes and returns the current text (for a table cell), leaving the block empty.
    mutating func takeCurrent() -> [UInt8] {
        let taken = current
        current.removeAll(keepingCapacity: true)
        pendingSpace = false
        return taken
    }

    /// Replaces the current text with already normalized bytes (a table row assembled from its cells).
    mutating func replaceCurrent(with bytes: [UInt8]) {
        current.removeAll(keepingCapacity: true)
        current.append(contentsOf: bytes)
        pendingSpace = false
    }

    /// Finishes the current block as `kind`; nothing is emitted when it holds no text.
    ///
    /// - Parameter tight: the block continues the previous one and is separated by `"\n"`, not `"\n\n"`.
    mutating func finishBlock(_ kind: BlockKind, tight: Bool) {
        pendingSpace = false
        guard !current.isEmpty else { return }
        let separator = hasText ? (tight ? "\n" : "\n\n") : ""
        let separatorLength = separator.utf8.count
        let scalarCount = Self.scalarCount(current)
        let start = scalarOffset + separatorLength
        let utf8Start = utf8Offset + separatorLength
        let block = Block(
            kind: kind, range: TextRange(start: start, end: start + scalarCount),
            utf8Range: utf8Start..<(utf8Start + current.count), page: page)
        finished.append(
            ExtractedBlock(block: block, text: String(decoding: current, as: UTF8.self), separator: separator))
        scalarOffset = start + scalarCount
        utf8Offset = utf8Start + current.count
        current.removeAll(keepingCapacity: true)
        hasText = true
        breakPending = false
    }

    /// Marks a page or section break at the current end of the text (after the last block).
    ///
    /// Breaks before the first text and repeated breaks are left out; the current block is finished first
    /// by the caller.
    mutating func markBreak(_ kind: BlockKind) {
        precondition(kind.isBreak, "markBreak takes a break kind")
        guard hasText, !breakPending else { return }
        let block = Block(
            kind: kind, range: TextRange(start: scalarOffset, end: scalarOffset), utf8Range: utf8Offset..<utf8Offset,
            page: page)
        finished.append(ExtractedBlock(block: block, text: "", separator: ""))
        breakPending = true
    }

    /// Hands the finished blocks to the reader.
    mutating func takeFinished() -> [ExtractedBlock] {
        guard !finished.isEmpty else { return [] }
        let taken = finished
        finished.removeAll(keepingCapacity: true)
        return taken
    }

    private mutating func flushRun(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        guard start < end else { return }
        if pendingSpace {
            if !current.isEmpty { current.append(0x20) }
            pendingSpace = false
        }
        current.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
    }

    /// The length of the Unicode space character starting at `index` (a non-ASCII byte), or 0.
    ///
    /// U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000: the
    /// `White_Space` characters above ASCII.
    @inline(__always)
    static func unicodeSpaceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int {
        let lead = base[index]
        switch lead {
        case 0xC2:
            guard index + 1 < count else { return 0 }
            let next = base[index + 1]
            return next == 0xA0 || next == 0x85 ? 2 : 0
        case 0xE1, 0xE2, 0xE3:
            guard index + 2 < count else { return 0 }
            let second = base[index + 1]
            let third = base[index + 2]
            switch lead {
            case 0xE1: return second == 0x9A && third == 0x80 ? 3 : 0
            case 0xE3: return second == 0x80 && third == 0x80 ? 3 : 0
            default:
                if second == 0x80 {
                    return (third >= 0x80 && third <= 0x8A) || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0
                }
                return second == 0x81 && third == 0x9F ? 3 : 0
            }
        default:
            return 0
        }
    }

    /// Whether `text` holds anything but whitespace (ASCII whitespace and U+00A0, the non-ASCII space of
    /// filings and word processors).
    static func containsNonSpace(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0xC2, index + 1 < text.count, text[index + 1] == 0xA0 {
                index += 2
                continue
            }
            if !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)) { return true }
            index += 1
        }
        return false
    }

    /// Unicode scalars in valid UTF-8: the bytes that are not continuation bytes.
    static func scalarCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { UTF8Sequence.scalarCount($0) }
    }
}
