extension PDFFilters {
    /// LZWDecode (7.4.4.2): variable-width codes of 9 to 12 bits, most significant bit first; 256
    /// clears the table, 257 ends the data. With `earlyChange` (the default) the code width grows one
    /// code early, as the spec's `/EarlyChange 1` says.
    ///
    /// A code that the table cannot yet hold ends the data (with what decoded so far), as readers do.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded``.
    static func lzwDecode(_ input: [UInt8], earlyChange: Bool, budget: PDFDecodeBudget) throws(PDFError) -> [UInt8] {
        let tableSize = 4096
        // Entry i is entry prefix[i] followed by suffix[i]; length[i] bytes in all.
        var prefix = [Int](repeating: -1, count: tableSize)
        var suffix = [UInt8](repeating: 0, count: tableSize)
        var length = [Int](repeating: 1, count: tableSize)
        var first = [UInt8](repeating: 0, count: tableSize)
        for code in 0..<256 {
            suffix[code] = UInt8(code)
            first[code] = UInt8(code)
        }
        let early = earlyChange ? 1 : 0
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3)
        var nextCode = 258
        var codeWidth = 9
        var previous = -1
        var bitBuffer: UInt32 = 0
        var bitCount = 0
        var index = 0

        /// Appends entry `code` to the output, writing it back to front.
        func emit(_ code: Int) {
            let count = length[code]
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: count))
            var cursor = code
            var position = start + count - 1
            while position >= start {
                output[position] = suffix[cursor]
                cursor = prefix[cursor]
                position -= 1
            }
        }

        while true {
            while bitCount < codeWidth && index < input.count {
                bitBuffer = bitBuffer << 8 | UInt32(input[index])
                bitCount += 8
                index += 1
            }
            guard bitCount >= codeWidth else { break }
            let code = Int((bitBuffer >> UInt32(bitCount - codeWidth)) & ((1 << UInt32(codeWidth)) - 1))
            bitCount -= codeWidth
            if code == 256 {
                nextCode = 258
                codeWidth = 9
                previous = -1
                continue
            }
            if code == 257 { break }
            if previous == -1 {
                guard code < 256 else { break }
                emit(code)
                previous = code
                continue
            }
            let firstByte: UInt8
            if code < nextCode {
                firstByte = first[code]
            } else if code == nextCode {
                firstByte = first[previous]
            } else {
                break  // a code from the future: corrupt data ends here
            }
            if nextCode < tableSize {
                prefix[nextCode] = previous
                suffix[nextCode] = firstByte
                length[nextCode] = length[previous] + 1
                first[nextCode] = first[previous]
                nextCode += 1
            }
            emit(code)
            previous = code
            try budget.check(output.count)
            let reach = nextCode + early
            codeWidth = reach >= 2048 ? 12 : reach >= 1024 ? 11 : reach >= 512 ? 10 : 9
        }
        try budget.check(output.count)
        return output
    }
}
