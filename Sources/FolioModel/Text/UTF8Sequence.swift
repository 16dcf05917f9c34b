/// The rules of well-formed UTF-8 (Unicode Table 3-7), shared by the repairer and the tokenizer.
package enum UTF8Sequence {
    /// The length of the sequence a byte starts and the allowed range of its second byte (other
    /// continuation bytes are `80`–`BF`); nil for a byte that cannot start a sequence.
    @inlinable
    package static func shape(ofLead lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0x00...0x7F: (1, 0x80...0xBF)
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)  // no overlong forms
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)  // no surrogates
        case 0xF0: (4, 0x90...0xBF)  // no overlong forms
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)  // nothing above U+10FFFF
        default: nil
        }
    }

    /// Whether `byte` is valid at `offset` (1...3) of a sequence whose second byte must be in `second`.
    @inlinable
    package static func isValid(_ byte: UInt8, at offset: Int, second: ClosedRange<UInt8>) -> Bool {
        offset == 1 ? second.contains(byte) : byte & 0xC0 == 0x80
    }

    /// The number of Unicode scalars in valid UTF-8: the bytes that are not continuation bytes, counted
    /// eight at a time (a continuation byte has its top bits `10`).
    @inlinable
    package static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var continuation = 0
        var index = 0
        while index &+ 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            continuation &+= (word & ~(word << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            index &+= 8
        }
        while index < count {
            if base[index] & 0xC0 == 0x80 { continuation &+= 1 }
            index &+= 1
        }
        return count &- continuation
    }
}
