/// Appending text to a UTF-8 byte buffer without going through `String`.
extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes.
    mutating func put(_ literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `value` in decimal digits, with a comma every three digits if `grouped`.
    mutating func putNumber(_ value: Int, grouped: Bool = false) {
        var value = value
        if value < 0 {
            append(UInt8(ascii: "-"))
            value = -value
        }
        var divisor = 1
        var digits = 1
        while divisor <= value / 10 {
            divisor *= 10
            digits += 1
        }
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor))
            value %= divisor
            divisor /= 10
            digits -= 1
            if grouped && digits > 0 && digits % 3 == 0 { append(UInt8(ascii: ",")) }
        }
    }

    /// Appends `value / scale` with one decimal per power of ten in `scale`: `putDecimal(123456)` is `12,345.6`.
    mutating func putDecimal(_ value: Int, scale: Int = 10, grouped: Bool = true) {
        putNumber(value / scale, grouped: grouped)
        append(UInt8(ascii: "."))
        var fraction = value % scale
        var unit = scale / 10
        while unit > 0 {
            append(UInt8(ascii: "0") + UInt8(fraction / unit))
            fraction %= unit
            unit /= 10
        }
    }

    /// Appends `word` with its first ASCII letter in upper case.
    mutating func putCapitalized(_ word: [UInt8]) {
        let start = count
        append(contentsOf: word)
        capitalize(at: start)
    }

    /// Makes the ASCII letter at `index` upper case (other bytes stay as they are).
    mutating func capitalize(at index: Int) {
        if index < count, self[index] >= UInt8(ascii: "a"), self[index] <= UInt8(ascii: "z") { self[index] -= 32 }
    }

    /// Makes every ASCII letter from `index` on upper case.
    mutating func uppercase(from index: Int) {
        for position in index..<count where self[position] >= UInt8(ascii: "a") && self[position] <= UInt8(ascii: "z") {
            self[position] -= 32
        }
    }

    /// The last byte, or 0 when empty.
    var lastByte: UInt8 { last ?? 0 }
}

/// Word lists are written as text in the source and kept as UTF-8 bytes.
enum Lexicon {
    /// Entries separated by spaces or newlines.
    static func words(_ text: String) -> [[UInt8]] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { Array($0.utf8) }
    }

    /// Entries one per line (entries may contain spaces).
    static func lines(_ text: String) -> [[UInt8]] {
        text.split(separator: "\n").map { Array($0.utf8) }
    }

    /// Number of Unicode scalars in UTF-8 `bytes`.
    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
