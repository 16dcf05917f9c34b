// Performance notes
// The scanner is the inner loop of index building (`folio bench index`, `Benchmarks/peers/index.py`). ASCII
// goes byte by byte through a 256-entry class table; only non-ASCII scalars are decoded, and only
// non-ASCII words pay for Unicode properties and `lowercased()`. Words are lowercased into a fixed
// scratch buffer and handed to the sink as a buffer pointer, so the common path allocates nothing.

extension Analyzer {
    /// Scans UTF-8 text and hands each surface word to `sink`, numbering positions from
    /// `firstPosition`; returns the position after the last word.
    @discardableResult
    func scan<Sink: TermSink>(_ text: UnsafeBufferPointer<UInt8>, firstPosition: Int = 0, into sink: inout Sink) -> Int
    {
        var scanner = TermScanner(text: text, position: firstPosition)
        scanner.run(into: &sink)
        return scanner.position
    }
}

/// ASCII byte classes for the scanner.
private enum ByteClass {
    static let other: UInt8 = 0
    static let lower: UInt8 = 1
    static let upper: UInt8 = 2
    static let digit: UInt8 = 3

    static let table: [UInt8] = (0..<256).map { byte in
        switch byte {
        case 0x61...0x7A: lower
        case 0x41...0x5A: upper
        case 0x30...0x39: digit
        default: other
        }
    }
}

/// The scan of one text: a cursor, the position counter and a scratch buffer for the current word.
private struct TermScanner {
    let text: UnsafeBufferPointer<UInt8>
    var position: Int
    var index = 0

    init(text: UnsafeBufferPointer<UInt8>, position: Int) {
        self.text = text
        self.position = position
    }

    mutating func run<Sink: TermSink>(into sink: inout Sink) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Analyzer.maxTermBytes * 2 + 8) { scratch in
            ByteClass.table.withUnsafeBufferPointer { classes in
                let count = text.count
                while index < count {
                    let byte = text[index]
                    if byte < 0x80 {
                        switch classes[Int(byte)] {
                        case ByteClass.lower, ByteClass.upper:
                            scanWord(scratch: scratch, classes: classes, into: &sink)
                        case ByteClass.digit:
                            scanNumber(scratch: scratch, classes: classes, into: &sink)
                        default:
                            index += 1
                        }
                    } else {
                        let (scalar, length) = decode(at: index)
                        if Self.isBigramScript(scalar) {
                            scanBigrams(into: &sink)
                        } else if Self.isWordScalar(scalar) {
                            scanWord(scratch: scratch, classes: classes, into: &sink)
                        } else {
                            index += length
                        }
                    }
                }
            }
        }
    }

    // MARK: - Words

    /// A run of letters, marks and digits; lowercased. ASCII-letter words are stemming candidates.
    private mutating func scanWord<Sink: TermSink>(
        scratch: UnsafeMutableBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>, into sink: inout Sink
    ) {
        let start = index
        var length = 0
        var lettersOnly = true
        var asciiOnly = true
        let count = text.count
        while index < count {
            let byte = text[index]
            if byte < 0x80 {
                let byteClass = classes[Int(byte)]
                if byteClass == ByteClass.other { break }
                if byteClass == ByteClass.digit { lettersOnly = false }
                if length < Analyzer.maxTermBytes {
                    scratch[length] = byteClass == ByteClass.upper ? byte | 0x20 : byte
                    length += 1
                }
                index += 1
            } else {
                let (scalar, scalarLength) = decode(at: index)
                guard Self.isWordScalar(scalar), !Self.isBigramScript(scalar) else { break }
                asciiOnly = false
                index += scalarLength
            }
        }
        if asciiOnly {
            sink.surface(
                UnsafeBufferPointer(rebasing: scratch[0..<length]), isEnglishWord: lettersOnly, position: position)
        } else {
            emitFolded(start..<index, scratch: scratch, into: &sink)
        }
        position += 1
    }

    /// A word with non-ASCII letters: lowercased with Unicode rules, cut at a character boundary.
    private func emitFolded<Sink: TermSink>(
        _ range: Range<Int>, scratch: UnsafeMutableBufferPointer<UInt8>, into sink: inout Sink
    ) {
        let folded = String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self).lowercased()
        var length = 0
        for scalar in folded.unicodeScalars {
            let utf8 = UTF8.encode(scalar)!
            guard length + utf8.count <= Analyzer.maxTermBytes else { break }
            for byte in utf8 {
                scratch[length] = byte
                length += 1
            }
        }
        sink.surface(UnsafeBufferPointer(rebasing: scratch[0..<length]), isEnglishWord: false, position: position)
    }

    // MARK: - Numbers

    /// A number with its inner separators: `2,345.6` → `2345.6`, `10-K` → `10-k`, `2.1(a)` → `2.1(a)`.
    private mutating func scanNumber<Sink: TermSink>(
        scratch: UnsafeMutableBufferPointer<UInt8>, classes: UnsafeBufferPointer<UInt8>, into sink: inout Sink
    ) {
        let count = text.count
        var length = 0
        /// The length of the leading plain number (digits with inner `.`).
        var plainLength = -1
        func classOf(_ offset: Int) -> UInt8 {
            offset < count && text[offset] < 0x80 ? classes[Int(text[offset])] : ByteClass.other
        }
        func append(_ byte: UInt8) {
            if length < Analyzer.maxTermBytes {
                scratch[length] = byte
                length += 1
            }
        }
        while index < count {
            let byte = text[index]
            let byteClass = byte < 0x80 ? classes[Int(byte)] : ByteClass.other
            if byteClass == ByteClass.digit {
                append(byte)
                index += 1
            } else if byteClass == ByteClass.lower || byteClass == ByteClass.upper {
                if plainLength < 0 { plainLength = length }
                append(byte | 0x20)
                index += 1
            } else if (byte == UInt8(ascii: ",") || byte == UInt8(ascii: ".")) && classOf(index - 1) == ByteClass.digit
                && classOf(index + 1) == ByteClass.digit
            {
                // A thousands separator is dropped; a decimal point is kept.
                if byte == UInt8(ascii: ".") { append(byte) }
                index += 1
            } else if (byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/"))
                && (classOf(index + 1) != ByteClass.other)
            {
                if plainLength < 0 { plainLength = length }
                append(byte)
                index += 1
            } else {
                break
            }
        }
        // A short parenthesized suffix: 2.1(a), 7(b)(ii) keeps its first group.
        if index + 2 < count && text[index] == UInt8(ascii: "(") {
            var end = index + 1
            while end < count && end - index <= 4 && classOf(end) != ByteClass.other { end += 1 }
            if end < count && text[end] == UInt8(ascii: ")") && end > index + 1 {
                if plainLength < 0 { plainLength = length }
                for offset in index...end {
                    let byte = text[offset]
                    append(classOf(offset) == ByteClass.upper ? byte | 0x20 : byte)
                }
                index = end + 1
            }
        }
        sink.surface(UnsafeBufferPointer(rebasing: scratch[0..<length]), isEnglishWord: false, position: position)
        if plainLength > 0 && plainLength < length {
            sink.surface(
                UnsafeBufferPointer(rebasing: scratch[0..<plainLength]), isEnglishWord: false, position: position)
        }
        position += 1
    }

    // MARK: - Han, Kana, Hangul

    /// One term per character and one per adjacent pair, a position per character.
    private mutating func scanBigrams<Sink: TermSink>(into sink: inout Sink) {
        var (scalar, length) = decode(at: index)
        while true {
            let start = index
            index += length
            let unigram = UnsafeBufferPointer(rebasing: text[start..<index])
            sink.surface(unigram, isEnglishWord: false, position: position)
            guard index < text.count, text[index] >= 0x80 else {
                position += 1
                return
            }
            (scalar, length) = decode(at: index)
            guard Self.isBigramScript(scalar) else {
                position += 1
                return
            }
            sink.surface(
                UnsafeBufferPointer(rebasing: text[start..<(index + length)]), isEnglishWord: false, position: position)
            position += 1
        }
    }

    // MARK: - Scalars

    /// Decodes the scalar at a lead byte ≥ 0x80 (the text is valid UTF-8: Folio's documents are
    /// repaired on ingestion, and Swift strings always are).
    private func decode(at offset: Int) -> (UInt32, Int) {
        let lead = UInt32(text[offset])
        let count = text.count
        func continuation(_ k: Int) -> UInt32 { offset + k < count ? UInt32(text[offset + k] & 0x3F) : 0 }
        if lead >= 0xF0 {
            return (
                ((lead & 0x07) << 18) | (continuation(1) << 12) | (continuation(2) << 6) | continuation(3),
                min(4, count - offset)
            )
        } else if lead >= 0xE0 {
            return (((lead & 0x0F) << 12) | (continuation(1) << 6) | continuation(2), min(3, count - offset))
        } else if lead >= 0xC0 {
            return (((lead & 0x1F) << 6) | continuation(1), min(2, count - offset))
        }
        return (0xFFFD, 1)
    }

    /// Han, Hiragana, Katakana and Hangul: scripts written without spaces between words (Hangul
    /// with them, but compounds are long), indexed as unigrams and bigrams.
    static func isBigramScript(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x11FF, 0x3040...0x30FF, 0x3130...0x318F, 0x31F0...0x31FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3134F:
            true
        default:
            false
        }
    }

    /// A non-ASCII scalar that belongs inside a word: a letter, a combining mark or a digit.
    static func isWordScalar(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
        default: return false
        }
    }
}
