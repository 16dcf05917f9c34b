// Performance notes
//
// Benchmarks: `Ingest:extract:financial` (Benchmarks/IngestBenchmarks) and `python3 Benchmarks/peers/ingest.py`
// (BENCHMARKS.md). libxml2 2.9.14's HTML push parser alone reads SEC filings at 100–115 MB/s (a C
// program with empty SAX callbacks, 256 KiB blocks), and half of a filing's bytes are `style` attribute
// values, which libxml2 copies character by character. With attributes reduced to what Folio reads, the
// same parser runs about twice as fast over the file, and the whole extraction reaches 108–155 MB/s
// (camp4, plain HTML with four times the text per byte, is the slow one). The prescanner copies text
// with `memchr` between tags, skips other attributes' values with `memchr`, and reads `style` values in
// one loop per value (a call per byte cost 8 % of a filing). Tried and dropped: a `Dictionary` of element
// names (SipHash per element; a pointer table is cheaper), per-property arrays for CSS (allocations and
// uniqueness checks; names are hashed and values packed into an integer instead).
//
// It also works around a libxml2 2.9.14 push-mode bug: when a block ends inside a quoted attribute value,
// `htmlParseLookupSequence` resumes with the quote character forgotten and never finds the end of the
// tag, so the parser buffers the rest of the file (267 MB resident for a 235 MB filing, measured). The
// prescanner only lets the reader cut the stream outside tags, and emits no quoted values but its own.

internal import Foundation

/// Rewrites an HTML byte stream (UTF-8) into the smaller stream libxml2 parses, keeping what Folio reads.
///
/// Tags are tokenized as the WHATWG tokenizer does (attribute values quoted only after `=`, a tag cut
/// off by the end of the input is dropped), and:
/// 1. A start tag keeps its name and loses its attributes; what Folio reads from them is reduced to a
///    `style` attribute of flag letters (``Flags``): `display:none` and the `hidden` attribute, bold and
///    normal font weight, page breaks before and after.
/// 2. End tags are copied; comments, doctypes, processing instructions and CDATA sections are dropped.
/// 3. The content of `script` and `style` elements and of the inline-XBRL header (`ix:header`, hidden
///    facts and contexts) is dropped, their tags kept.
/// 4. Text is copied unchanged (character references included).
///
/// ``safeLength`` says how much of the output can go to the parser now: everything but an unfinished tag.
struct HTMLPrescanner {
    /// What the `style` attribute of the rewritten stream says, one letter per flag.
    enum Flags {
        static let hidden: UInt8 = UInt8(ascii: "h")
        static let bold: UInt8 = UInt8(ascii: "b")
        static let normalWeight: UInt8 = UInt8(ascii: "n")
        static let breakBefore: UInt8 = UInt8(ascii: "p")
        static let breakAfter: UInt8 = UInt8(ascii: "a")
    }

    private enum State: UInt8 {
        case text
        case tagOpen  // after '<'
        case endTagOpen  // after '</'
        case tagName
        case endTag  // inside an end tag, until '>'
        case beforeAttributeName
        case attributeName
        case afterAttributeName
        case beforeAttributeValue
        case quotedValue
        case unquotedValue
        case afterQuotedValue
        case selfClosing
        case markupDeclarationOpen  // after '<!'
        case markupDeclarationDash  // after '<!-'
        case comment
        case bogusComment  // doctype, processing instruction, CDATA: until '>'
        case skippedContent  // script, style, ix:header content, until its end tag
    }

    private var state = State.text
    /// The output: rewritten HTML.
    private(set) var output: [UInt8] = []
    /// Output bytes that can be parsed now (the rest is an unfinished tag).
    private(set) var safeLength = 0
    /// Where the current tag started in the output.
    private var tagStart = 0

    // The tag being read.
    private var tagName = SmallName()
    private var attributeName = SmallName()
    private static let styleName = SmallName.literal("style")
    private static let hiddenName = SmallName.literal("hidden")
    private static let skippedNames = [
        SmallName.literal("script"), SmallName.literal("style"), SmallName.literal("ix:header"),
    ]
    private var isStyleValue = false
    private var quote: UInt8 = 0
    private var flags = FlagSet()
    private var css = InlineStyleScanner()

    // Comments: how many '-' were just seen, whether "--!" was, and the bytes since "<!--".
    private var dashes = 0
    private var commentBang = false
    private var commentLength = 0
    // Skipped content: the end tag that ends it (lowercase, with "</" in front), and how much matched.
    private var skipTerminator: [UInt8] = []
    private var skipMatched = 0

    init() {
        output.reserveCapacity(1 << 18)
    }

    /// Rewrites `input`, appending to ``output``.
    mutating func scan(_ input: UnsafeBufferPointer<UInt8>) {
        guard let base = input.baseAddress else { return }
        let count = input.count
        var index = 0
        while index < count {
            switch state {
            case .text:
                // Copy up to the next '<' in one go.
                let remaining = count - index
                if let found = memchr(base + index, 0x3C, remaining) {
                    let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    output.append(contentsOf: UnsafeBufferPointer(start: base + index, count: position - index))
                    tagStart = output.count
                    index = position + 1
                    state = .tagOpen
                } else {
                    output.append(contentsOf: UnsafeBufferPointer(start: base + index, count: remaining))
                    index = count
                }

            case .tagOpen:
                let byte = base[index]
                if Self.isASCIILetter(byte) {
                    output.append(0x3C)
                    tagName.reset()
                    flags = FlagSet()
                    state = .tagName
                } else if byte == 0x2F {  // '/'
                    index += 1
                    state = .endTagOpen
                } else if byte == 0x21 {  // '!'
                    index += 1
                    state = .markupDeclarationOpen
                } else if byte == 0x3F {  // '?'
                    index += 1
                    state = .bogusComment
                } else {
                    output.append(0x3C)  // a literal '<'
                    state = .text
                }

            case .endTagOpen:
                let byte = base[index]
                if Self.isASCIILetter(byte) {
                    output.append(contentsOf: [0x3C, 0x2F])
                    state = .endTag
                } else if byte == 0x3E {  // "</>" is dropped
                    index += 1
                    state = .text
                } else {
                    state = .bogusComment
                }

            case .tagName:
                let nameStart = index
                while index < count {
                    let byte = base[index]
                    if Self.isTagSpace(byte) || byte == 0x2F || byte == 0x3E { break }
                    tagName.append(byte)
                    index += 1
                }
                output.append(contentsOf: UnsafeBufferPointer(start: base + nameStart, count: index - nameStart))
                guard index < count else { break }
                let byte = base[index]
                index += 1
                if byte == 0x2F {
                    state = .selfClosing
                } else if byte == 0x3E {
                    finishStartTag(selfClosing: false)
                } else {
                    state = .beforeAttributeName
                }

            case .endTag:
                // Copied up to '>' (attributes of end tags are meaningless but harmless).
                let byte = base[index]
                output.append(byte)
                index += 1
                if byte == 0x3E {
                    state = .text
                    tagStart = output.count
                }

            case .beforeAttributeName:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    index += 1
                } else if byte == 0x2F {
                    index += 1
                    state = .selfClosing
                } else if byte == 0x3E {
                    index += 1
                    finishStartTag(selfClosing: false)
                } else {
                    attributeName.reset()
                    attributeName.append(byte)
                    index += 1
                    state = .attributeName
                }

            case .attributeName:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    endAttributeName()
                    state = .afterAttributeName
                } else if byte == 0x2F {
                    endAttributeName()
                    state = .selfClosing
                } else if byte == 0x3D {  // '='
                    state = .beforeAttributeValue
                } else if byte == 0x3E {
                    endAttributeName()
                    finishStartTag(selfClosing: false)
                } else {
                    attributeName.append(byte)
                }
                index += 1

            case .afterAttributeName:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    index += 1
                } else if byte == 0x2F {
                    index += 1
                    state = .selfClosing
                } else if byte == 0x3D {
                    index += 1
                    state = .beforeAttributeValue
                } else if byte == 0x3E {
                    index += 1
                    finishStartTag(selfClosing: false)
                } else {
                    attributeName.reset()
                    attributeName.append(byte)
                    index += 1
                    state = .attributeName
                }

            case .beforeAttributeValue:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    index += 1
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                    beginValue()
                    index += 1
                    state = .quotedValue
                } else if byte == 0x3E {
                    endAttributeName()
                    index += 1
                    finishStartTag(selfClosing: false)
                } else {
                    beginValue()
                    state = .unquotedValue
                }

            case .quotedValue:
                if isStyleValue {
                    if let end = css.scan(base, from: index, to: count, until: quote) {
                        index = end + 1
                        endValue()
                        state = .afterQuotedValue
                    } else {
                        index = count
                    }
                } else {
                    // Skip to the closing quote in one go.
                    let remaining = count - index
                    if let found = memchr(base + index, Int32(quote), remaining) {
                        index = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                        state = .afterQuotedValue
                    } else {
                        index = count
                    }
                }

            case .unquotedValue:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    endValue()
                    index += 1
                    state = .beforeAttributeName
                } else if byte == 0x3E {
                    endValue()
                    index += 1
                    finishStartTag(selfClosing: false)
                } else {
                    if isStyleValue { css.consume(byte) }
                    index += 1
                }

            case .afterQuotedValue:
                let byte = base[index]
                if Self.isTagSpace(byte) {
                    index += 1
                    state = .beforeAttributeName
                } else if byte == 0x2F {
                    index += 1
                    state = .selfClosing
                } else if byte == 0x3E {
                    index += 1
                    finishStartTag(selfClosing: false)
                } else {
                    state = .beforeAttributeName  // reconsume
                }

            case .selfClosing:
                if base[index] == 0x3E {
                    index += 1
                    finishStartTag(selfClosing: true)
                } else {
                    state = .beforeAttributeName  // reconsume
                }

            case .markupDeclarationOpen:
                if base[index] == 0x2D {  // '-'
                    index += 1
                    state = .markupDeclarationDash
                } else {
                    state = .bogusComment
                }

            case .markupDeclarationDash:
                if base[index] == 0x2D {
                    index += 1
                    dashes = 0
                    commentLength = 0
                    commentBang = false
                    state = .comment
                } else {
                    state = .bogusComment
                }

            case .comment:
                // Until "-->" or "--!>"; "<!-->" and "<!--->" end at once, as browsers do.
                let byte = base[index]
                index += 1
                commentLength += 1
                if byte == 0x2D {
                    dashes = commentBang ? 1 : dashes + 1
                    commentBang = false
                } else if byte == 0x3E && (dashes >= 2 || commentLength == 1 || (commentLength == 2 && dashes == 1)) {
                    state = .text
                } else if byte == 0x21 && dashes >= 2 && !commentBang {
                    commentBang = true
                } else {
                    dashes = 0
                    commentBang = false
                }

            case .bogusComment:
                let remaining = count - index
                if let found = memchr(base + index, 0x3E, remaining) {
                    index = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                    state = .text
                } else {
                    index = count
                }

            case .skippedContent:
                // Until the end tag that closes it, matched case-insensitively.
                let byte = base[index]
                index += 1
                let expected = skipTerminator[skipMatched]
                if Self.lowercased(byte) == expected {
                    skipMatched += 1
                    if skipMatched == skipTerminator.count {
                        output.append(contentsOf: skipTerminator)
                        skipMatched = 0
                        state = .endTag  // copies the rest of the end tag up to '>'
                    }
                } else {
                    skipMatched = byte == 0x3C ? 1 : 0
                }
            }
        }
        safeLength = Self.isInsideTag(state) ? tagStart : output.count
    }

    /// Removes the first `count` bytes of the output (handed to the parser).
    mutating func consumeOutput(_ count: Int) {
        precondition(count <= safeLength)
        output.removeSubrange(0..<count)
        safeLength -= count
        tagStart -= min(tagStart, count)
    }

    /// Ends the input: an unfinished tag is dropped (WHATWG "eof-in-tag").
    mutating func finish() {
        if Self.isInsideTag(state) { output.removeSubrange(tagStart...) }
        state = .text
        safeLength = output.count
    }

    private static func isInsideTag(_ state: State) -> Bool {
        switch state {
        case .tagName, .endTag, .beforeAttributeName, .attributeName, .afterAttributeName, .beforeAttributeValue,
            .quotedValue, .unquotedValue, .afterQuotedValue, .selfClosing:
            true
        case .text, .tagOpen, .endTagOpen, .markupDeclarationOpen, .markupDeclarationDash, .comment, .bogusComment,
            .skippedContent:
            false
        }
    }

    private mutating func beginValue() {
        isStyleValue = attributeName.equals(Self.styleName)
        if isStyleValue { css = InlineStyleScanner() }
    }

    private mutating func endValue() {
        if isStyleValue {
            css.finish()
            flags.merge(css.flags)
            isStyleValue = false
        } else if attributeName.equals(Self.hiddenName) {
            flags.insert(FlagSet.hidden)
        }
    }

    private mutating func endAttributeName() {
        if attributeName.equals(Self.hiddenName) { flags.insert(FlagSet.hidden) }
    }

    private mutating func finishStartTag(selfClosing: Bool) {
        if !flags.isEmpty {
            output.append(contentsOf: Self.styleOpen)
            flags.write(into: &output)
            output.append(0x22)
        }
        if selfClosing { output.append(0x2F) }
        output.append(0x3E)
        tagStart = output.count
        if Self.skippedNames.contains(where: { tagName.equals($0) }) {
            skipTerminator = Array("</".utf8) + tagName.bytes
            skipMatched = 0
            state = selfClosing ? .text : .skippedContent
        } else {
            state = .text
        }
    }

    private static let styleOpen: [UInt8] = Array(" style=\"".utf8)

    @inline(__always) private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// Tab, LF, FF, CR and space: what separates attributes.
    @inline(__always) private static func isTagSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

/// The first 16 bytes of a tag or attribute name, lowercased and packed into two integers: enough to
/// recognize the names Folio reads without allocating.
struct SmallName {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var count = 0

    @inline(__always)
    mutating func reset() {
        low = 0
        high = 0
        count = 0
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        let lower = UInt64(HTMLPrescanner.lowercased(byte))
        if count < 8 {
            low |= lower << (8 * UInt64(count))
        } else if count < 16 {
            high |= lower << (8 * UInt64(count - 8))
        }
        count += 1
    }

    @inline(__always)
    func equals(_ other: SmallName) -> Bool { count == other.count && low == other.low && high == other.high }

    /// The packed form of a lowercase ASCII literal (at most 16 bytes).
    static func literal(_ text: StaticString) -> SmallName {
        var name = SmallName()
        text.withUTF8Buffer { for byte in $0 { name.append(byte) } }
        return name
    }

    /// The name's bytes (at most 16).
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<min(count, 16) {
            let word = index < 8 ? low : high
            let shift = UInt64(8 * (index % 8))
            bytes.append(UInt8(truncatingIfNeeded: word >> shift))
        }
        return bytes
    }
}

/// The flags of one tag, as bits.
struct FlagSet {
    private var bits: UInt8 = 0

    static let hidden: UInt8 = 1
    static let bold: UInt8 = 2
    static let normalWeight: UInt8 = 4
    static let breakBefore: UInt8 = 8
    static let breakAfter: UInt8 = 16

    var isEmpty: Bool { bits == 0 }

    @inline(__always) mutating func insert(_ bit: UInt8) { bits |= bit }

    /// Adds `other`; a later font weight overrides an earlier one.
    mutating func merge(_ other: FlagSet) {
        if other.bits & (Self.bold | Self.normalWeight) != 0 { bits &= ~(Self.bold | Self.normalWeight) }
        bits |= other.bits
    }

    /// The flag letters (``HTMLPrescanner/Flags``).
    func write(into output: inout [UInt8]) {
        if bits & Self.hidden != 0 { output.append(HTMLPrescanner.Flags.hidden) }
        if bits & Self.bold != 0 { output.append(HTMLPrescanner.Flags.bold) }
        if bits & Self.normalWeight != 0 { output.append(HTMLPrescanner.Flags.normalWeight) }
        if bits & Self.breakBefore != 0 { output.append(HTMLPrescanner.Flags.breakBefore) }
        if bits & Self.breakAfter != 0 { output.append(HTMLPrescanner.Flags.breakAfter) }
    }
}

/// Reads the declarations of an inline `style` attribute byte by byte and keeps the ones Folio uses.
///
/// `display: none` → hidden; `font-weight: bold | bolder | 600–900` → bold, `normal | lighter | 100–500`
/// → normal weight; `page-break-before` / `break-before: always | page | left | right` → break before,
/// and the same for after. `!important` and case are ignored; other properties are skipped. Property
/// names are hashed (FNV-1a) and values packed into an integer as they stream, so nothing is allocated.
struct InlineStyleScanner {
    private(set) var flags = FlagSet()
    private var propertyHash = Self.hashSeed
    private var value: UInt64 = 0
    private var valueLength = 0
    private var inValue = false
    private var valueEnded = false  // after '!' (as in "!important")

    /// Reads `base[start..<end]` up to `delimiter` (the closing quote); returns where the delimiter is, or
    /// nil when the value goes on in the next block.
    mutating func scan(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, until delimiter: UInt8) -> Int? {
        var index = start
        while index < end {
            let byte = base[index]
            if byte == delimiter { return index }
            // Letters, digits and '-' are the common case: name or value bytes.
            if byte >= 0x41 || byte == 0x2D || (byte >= 0x30 && byte <= 0x39) {
                if inValue {
                    appendValue(byte)
                } else {
                    propertyHash = (propertyHash ^ UInt64(HTMLPrescanner.lowercased(byte))) &* Self.hashPrime
                }
            } else {
                consume(byte)
            }
            index &+= 1
        }
        return nil
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) {
        switch byte {
        case 0x3B:  // ';'
            finishDeclaration()
        case 0x3A:  // ':'
            if inValue { appendValue(byte) } else { inValue = true }
        case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
            break
        case 0x21:  // '!'
            if inValue { valueEnded = true }
        default:
            if inValue {
                appendValue(byte)
            } else {
                propertyHash = (propertyHash ^ UInt64(HTMLPrescanner.lowercased(byte))) &* Self.hashPrime
            }
        }
    }

    mutating func finish() { finishDeclaration() }

    @inline(__always)
    private mutating func appendValue(_ byte: UInt8) {
        guard !valueEnded else { return }
        if valueLength < 8 { value |= UInt64(HTMLPrescanner.lowercased(byte)) << (8 * UInt64(valueLength)) }
        valueLength += 1
    }

    private mutating func finishDeclaration() {
        defer {
            propertyHash = Self.hashSeed
            value = 0
            valueLength = 0
            inValue = false
            valueEnded = false
        }
        guard inValue, valueLength <= 8 else { return }
        let names = Self.names
        switch propertyHash {
        case names.display:
            if value == names.none { flags.insert(FlagSet.hidden) }
        case names.fontWeight:
            if let weight = Self.weight(value, length: valueLength) {
                var weightFlag = FlagSet()
                weightFlag.insert(weight >= 600 ? FlagSet.bold : FlagSet.normalWeight)
                flags.merge(weightFlag)
            }
        case names.pageBreakBefore, names.breakBefore:
            if names.pageBreakValues.contains(value) { flags.insert(FlagSet.breakBefore) }
        case names.pageBreakAfter, names.breakAfter:
            if names.pageBreakValues.contains(value) { flags.insert(FlagSet.breakAfter) }
        default:
            return
        }
    }

    private static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let hashPrime: UInt64 = 0x0000_0100_0000_01B3

    private static func hash(_ text: StaticString) -> UInt64 {
        text.withUTF8Buffer { $0.reduce(hashSeed) { ($0 ^ UInt64($1)) &* hashPrime } }
    }

    private static func packed(_ text: StaticString) -> UInt64 {
        text.withUTF8Buffer { bytes in
            var packed: UInt64 = 0
            for (offset, byte) in bytes.enumerated() { packed |= UInt64(byte) << UInt64(8 * offset) }
            return packed
        }
    }

    /// The names and values compared against, computed once.
    private struct Names {
        let display = hash("display")
        let fontWeight = hash("font-weight")
        let pageBreakBefore = hash("page-break-before")
        let breakBefore = hash("break-before")
        let pageBreakAfter = hash("page-break-after")
        let breakAfter = hash("break-after")
        let none = packed("none")
        let bold = packed("bold")
        let bolder = packed("bolder")
        let normal = packed("normal")
        let lighter = packed("lighter")
        let pageBreakValues: Set<UInt64> = [packed("always"), packed("page"), packed("left"), packed("right")]
    }

    private static let names = Names()

    /// The numeric weight of a `font-weight` value, nil when it is not one.
    private static func weight(_ value: UInt64, length: Int) -> Int? {
        let names = Self.names
        if value == names.bold || value == names.bolder { return 700 }
        if value == names.normal || value == names.lighter { return 400 }
        guard length > 0, length <= 4 else { return nil }
        var weight = 0
        for index in 0..<length {
            let digit = Int((value >> (8 * UInt64(index))) & 0xFF) - 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            weight = weight * 10 + digit
        }
        return weight
    }
}
