// Performance notes
// The lexer works on `[UInt8]` with indices, never `String`, and classifies keywords once. Measured
// in release on 2 shared cores with a scratch executable (open every file, walk the page tree,
// decode every page's content streams, best of 10): the 64 CUAD contracts (11.4 MB, 1,189 pages,
// 11.8 MB of decoded content) take 43.5 ms, about 260 MB/s of input; opening them (cross-reference,
// catalog, page tree) is 10.2 ms of that. Parsing every one of their 10,092 objects (object streams
// inflated included) takes 23 ms. The four LibreOffice documents (3.0 MB, 7.9 MB decoded) take 18 ms.
// perf over the whole run is flat: the lexer's functions together are about 10 %, hashing `PDFName`
// keys about 10 % (the synthesized `Hashable` combines its bytes one at a time), zlib and malloc
// most of the rest. An `UnsafeBufferPointer` lexer could save a few percent of the total at most,
// so it was not written: bounds-checked indices stay. Recovery is one linear pass (`PDFRecoveryScan`);
// the searches for `endstream` after a lying `/Length` remember their last result so that many lying
// streams in a row do not rescan the same bytes.

/// A keyword: a run of regular characters that is not a number (ISO 32000-1, 7.2.2). The ones the
/// parser acts on are told apart once, here; anything else is ``other``.
enum PDFKeyword: Equatable {
    case `true`, `false`, null, obj, endobj, stream, endstream, reference, xref, trailer, startxref
    /// Any other run of regular characters (and stray delimiters such as `)` or `{`), by its bytes.
    case other(Range<Int>)
}

/// One token of PDF syntax.
enum PDFToken: Equatable {
    case integer(Int)
    case real(Double)
    /// A literal or hexadecimal string, escapes resolved.
    case string([UInt8])
    case name(PDFName)
    case arrayOpen, arrayClose, dictionaryOpen, dictionaryClose
    case keyword(PDFKeyword)
    case end
}

/// Splits PDF bytes into tokens (ISO 32000-1, 7.2 and 7.3), skipping white space and comments.
///
/// The lexer never throws: malformed syntax becomes tokens the parser can reject or skip (a stray `)`
/// is a keyword, an unterminated string ends at the end of the data), which is what recovery needs.
///
/// - Important: Positions are indices into ``bytes``; a lexer is a cheap value, copied to look ahead.
struct PDFLexer {
    let bytes: [UInt8]
    /// The next byte to read.
    var position: Int
    /// One past the last byte the lexer may read.
    let end: Int

    init(bytes: [UInt8], position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.end = min(end ?? bytes.count, bytes.count)
        self.position = min(max(position, 0), self.end)
    }

    // MARK: Character classes (7.2.2)

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }

    @inline(__always) static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x7B, 0x7D, 0x2F, 0x25: true
        default: false
        }
    }

    @inline(__always) static func isRegular(_ byte: UInt8) -> Bool { !isWhitespace(byte) && !isDelimiter(byte) }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always) static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    // MARK: Tokens

    /// Skips white space and comments (`%` to the end of the line).
    mutating func skipWhitespaceAndComments() {
        var index = position
        while index < end {
            let byte = bytes[index]
            if Self.isWhitespace(byte) {
                index += 1
            } else if byte == 0x25 {
                index += 1
                while index < end && bytes[index] != 0x0A && bytes[index] != 0x0D { index += 1 }
            } else {
                break
            }
        }
        position = index
    }

    /// The next token; ``PDFToken/end`` at the end of the data.
    mutating func next() -> PDFToken {
        skipWhitespaceAndComments()
        guard position < end else { return .end }
        let byte = bytes[position]
        switch byte {
        case 0x30...0x39, 0x2B, 0x2D, 0x2E:
            return number()
        case 0x2F:
            return .name(name())
        case 0x28:
            position += 1
            return .string(literalString())
        case 0x3C:
            if position + 1 < end && bytes[position + 1] == 0x3C {
                position += 2
                return .dictionaryOpen
            }
            position += 1
            return .string(hexString())
        case 0x3E:
            if position + 1 < end && bytes[position + 1] == 0x3E {
                position += 2
                return .dictionaryClose
            }
            position += 1
            return .keyword(.other(position - 1..<position))
        case 0x5B:
            position += 1
            return .arrayOpen
        case 0x5D:
            position += 1
            return .arrayClose
        case 0x29, 0x7B, 0x7D:
            position += 1
            return .keyword(.other(position - 1..<position))
        default:
            return .keyword(keyword())
        }
    }

    /// A run of regular characters, classified.
    private mutating func keyword() -> PDFKeyword {
        let start = position
        var index = position
        while index < end && Self.isRegular(bytes[index]) { index += 1 }
        if index == start { index += 1 }  // a byte that is neither (cannot happen, but never stall)
        position = index
        return Self.classify(bytes, start..<index)
    }

    static func classify(_ bytes: [UInt8], _ range: Range<Int>) -> PDFKeyword {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == range.count else { return false }
            return literal.withUTF8Buffer { buffer in
                var index = range.lowerBound
                for byte in buffer {
                    if bytes[index] != byte { return false }
                    index += 1
                }
                return true
            }
        }
        switch range.count {
        case 1: if bytes[range.lowerBound] == 0x52 { return .reference }
        case 3: if equals("obj") { return .obj }
        case 4:
            if equals("true") { return .true }
            if equals("null") { return .null }
            if equals("xref") { return .xref }
        case 5: if equals("false") { return .false }
        case 6:
            if equals("endobj") { return .endobj }
            if equals("stream") { return .stream }
        case 7: if equals("trailer") { return .trailer }
        case 9:
            if equals("endstream") { return .endstream }
            if equals("startxref") { return .startxref }
        default: break
        }
        return .other(range)
    }

    /// A number (7.3.3), as pdf.js reads it: signs may repeat (`--5` is -5), `4.` and `.5` are reals,
    /// a sign with no digits is 0, and digits past what an `Int` holds make a real.
    private mutating func number() -> PDFToken {
        var index = position
        var negative = false
        while index < end && (bytes[index] == 0x2D || bytes[index] == 0x2B) {
            if bytes[index] == 0x2D { negative = true }
            index += 1
        }
        var integer = 0
        var overflowed = false
        var wide = 0.0
        var sawDigit = false
        while index < end, Self.isDigit(bytes[index]) {
            let digit = Int(bytes[index] &- 0x30)
            sawDigit = true
            if !overflowed {
                let (times, o1) = integer.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                if o1 || o2 {
                    overflowed = true
                    wide = Double(integer) * 10 + Double(digit)
                } else {
                    integer = sum
                }
            } else {
                wide = wide * 10 + Double(digit)
            }
            index += 1
        }
        var isReal = overflowed
        var fraction = 0.0
        if index < end && bytes[index] == 0x2E {
            isReal = true
            index += 1
            var scale = 0.1
            while index < end, Self.isDigit(bytes[index]) {
                fraction += Double(bytes[index] &- 0x30) * scale
                scale *= 0.1
                sawDigit = true
                index += 1
            }
        }
        position = index
        if !sawDigit { return .integer(0) }
        if !isReal { return .integer(negative ? -integer : integer) }
        let magnitude = (overflowed ? wide : Double(integer)) + fraction
        return .real(negative ? -magnitude : magnitude)
    }

    /// A name (7.3.5) after its `/`: regular characters, `#xx` decoded (a `#` without two hex digits
    /// is kept as is).
    private mutating func name() -> PDFName {
        var index = position + 1
        let start = index
        var hasEscape = false
        while index < end, Self.isRegular(bytes[index]) {
            if bytes[index] == 0x23 { hasEscape = true }
            index += 1
        }
        position = index
        guard hasEscape else { return PDFName(bytes: Array(bytes[start..<index])) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(index - start)
        var cursor = start
        while cursor < index {
            let byte = bytes[cursor]
            if byte == 0x23, cursor + 2 < index,
                let high = Self.hexValue(bytes[cursor + 1]), let low = Self.hexValue(bytes[cursor + 2])
            {
                decoded.append(high << 4 | low)
                cursor += 3
            } else {
                decoded.append(byte)
                cursor += 1
            }
        }
        return PDFName(bytes: decoded)
    }

    /// A literal string (7.3.4.2) after its `(`: balanced parentheses, escapes, end-of-line markers
    /// normalized to LF. An unterminated string ends at the end of the data.
    private mutating func literalString() -> [UInt8] {
        var result: [UInt8] = []
        var depth = 1
        var index = position
        while index < end {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x28:
                depth += 1
                result.append(byte)
            case 0x29:
                depth -= 1
                if depth == 0 {
                    position = index
                    return result
                }
                result.append(byte)
            case 0x0D:
                result.append(0x0A)
                if index < end && bytes[index] == 0x0A { index += 1 }
            case 0x5C:
                guard index < end else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case 0x6E: result.append(0x0A)  // \n
                case 0x72: result.append(0x0D)  // \r
                case 0x74: result.append(0x09)  // \t
                case 0x62: result.append(0x08)  // \b
                case 0x66: result.append(0x0C)  // \f
                case 0x30...0x37:
                    var value = Int(escaped - 0x30)
                    var digits = 1
                    while digits < 3, index < end, bytes[index] >= 0x30, bytes[index] <= 0x37 {
                        value = value * 8 + Int(bytes[index] - 0x30)
                        index += 1
                        digits += 1
                    }
                    result.append(UInt8(truncatingIfNeeded: value))
                case 0x0D:  // line continuation: backslash, then CR or CR LF
                    if index < end && bytes[index] == 0x0A { index += 1 }
                case 0x0A:
                    break
                default:  // \( \) \\ and any other byte: the byte itself
                    result.append(escaped)
                }
            default:
                result.append(byte)
            }
        }
        position = index
        return result
    }

    /// A hexadecimal string (7.3.4.3) after its `<`: white space (and any other non-hex byte) is
    /// skipped; an odd final digit is followed by 0.
    private mutating func hexString() -> [UInt8] {
        var result: [UInt8] = []
        var index = position
        var high: UInt8?
        while index < end {
            let byte = bytes[index]
            index += 1
            if byte == 0x3E { break }
            guard let value = Self.hexValue(byte) else { continue }
            if let first = high {
                result.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        if let first = high { result.append(first << 4) }
        position = index
        return result
    }
}

// MARK: Byte search

extension PDFLexer {
    /// The first index at or after `start` (and before `end`) where `pattern` occurs.
    static func firstIndex(of pattern: StaticString, in bytes: [UInt8], from start: Int, to end: Int? = nil) -> Int? {
        let limit = min(end ?? bytes.count, bytes.count)
        let count = pattern.utf8CodeUnitCount
        guard count > 0, start >= 0, limit - start >= count else { return nil }
        return pattern.withUTF8Buffer { needle in
            let first = needle[0]
            var index = start
            let last = limit - count
            while index <= last {
                if bytes[index] == first {
                    var matched = 1
                    while matched < count && bytes[index + matched] == needle[matched] { matched += 1 }
                    if matched == count { return index }
                }
                index += 1
            }
            return nil
        }
    }

    /// The last index before `end` (and at or after `start`) where `pattern` occurs.
    static func lastIndex(of pattern: StaticString, in bytes: [UInt8], before end: Int, from start: Int = 0) -> Int? {
        let count = pattern.utf8CodeUnitCount
        let lower = max(start, 0)
        guard count > 0, min(end, bytes.count) - lower >= count else { return nil }
        return pattern.withUTF8Buffer { needle in
            var index = min(end, bytes.count) - count
            while index >= lower {
                if bytes[index] == needle[0] {
                    var matched = 1
                    while matched < count && bytes[index + matched] == needle[matched] { matched += 1 }
                    if matched == count { return index }
                }
                index -= 1
            }
            return nil
        }
    }

    /// Whether `pattern` occurs at `index`.
    static func matches(_ pattern: StaticString, in bytes: [UInt8], at index: Int) -> Bool {
        let count = pattern.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count else { return false }
        return pattern.withUTF8Buffer { needle in
            for offset in 0..<count where bytes[index + offset] != needle[offset] { return false }
            return true
        }
    }
}
