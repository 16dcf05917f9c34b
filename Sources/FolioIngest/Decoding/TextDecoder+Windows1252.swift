extension TextDecoder {
    /// The code points of bytes `80`–`9F` in WHATWG's index-windows-1252; `A0`–`FF` are U+00A0–U+00FF.
    ///
    /// The five bytes Microsoft leaves undefined (`81 8D 8F 90 9D`) map to the C1 controls of the same
    /// value, as browsers do, where Python's `cp1252` codec would reject them.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98
    ]

    /// The packed UTF-8 of bytes `80`–`FF`.
    static let windows1252PackedUTF8: [UInt32] = (0x80...0xFF).map { byte in
        PackedUTF8.bmp(byte < 0xA0 ? windows1252High[byte - 0x80] : UInt32(byte))
    }

    /// Decodes all of `input` into `output`, which has room for three bytes per input byte plus eight.
    static func decodeWindows1252(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>)
        -> DecodeStep
    {
        guard let base = input.baseAddress else { return DecodeStep() }
        return windows1252PackedUTF8.withUnsafeBufferPointer { table in
            let count = input.count
            var position = 0
            var written = 0
            while position < count {
                copyASCIIWords(from: base, at: &position, count: count, to: output, at: &written)
                guard position < count else { break }
                let byte = base[position]
                if byte < 0x80 {
                    output[written] = byte
                    written &+= 1
                } else {
                    written &+= PackedUTF8.store(table[Int(byte &- 0x80)], at: output + written)
                }
                position &+= 1
            }
            return DecodeStep(consumedCount: count, writtenCount: written)
        }
    }
}
