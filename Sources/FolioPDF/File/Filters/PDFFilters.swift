// Performance notes
// Inflation is zlib's (FolioCompression's `Inflater`, 64 KiB blocks appended to one array); the
// predictors and the ASCII and LZW decoders are single passes over arrays with indices. On the 64
// CUAD contracts nearly all decoded bytes are content streams through FlateDecode alone, so zlib
// dominates (see PDFLexer.swift for the measured totals).

/// A stream filter (ISO 32000-1, 7.4), by its name or abbreviation.
enum PDFFilter: Equatable {
    case flate, lzw, ascii85, asciiHex, runLength, crypt
    /// An image codec the text layer never needs (DCT, JPX, JBIG2, CCITTFax): not decoded.
    case image(String)
    case unknown(String)

    init(_ name: PDFName) {
        switch name.string {
        case "FlateDecode", "Fl": self = .flate
        case "LZWDecode", "LZW": self = .lzw
        case "ASCII85Decode", "A85": self = .ascii85
        case "ASCIIHexDecode", "AHx": self = .asciiHex
        case "RunLengthDecode", "RL": self = .runLength
        case "Crypt": self = .crypt
        case "DCTDecode", "DCT", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "CCF": self = .image(name.string)
        default: self = .unknown(name.string)
        }
    }
}

/// Bounds on what one stream may decode to: ``PDFLimits/maxStreamBytes`` and
/// ``PDFLimits/maxCompressionRatio`` against the stream's encoded size.
struct PDFDecodeBudget {
    let maxBytes: Int
    let maxRatio: Int
    let encodedByteCount: Int
    let byteOffset: Int?

    /// The ratio is only checked past this many decoded bytes, so tiny streams never trip it.
    static let ratioThresholdBytes = 1 << 20

    init(limits: PDFLimits, encodedByteCount: Int, byteOffset: Int?) {
        self.maxBytes = limits.maxStreamBytes
        self.maxRatio = limits.maxCompressionRatio
        self.encodedByteCount = encodedByteCount
        self.byteOffset = byteOffset
    }

    /// - Throws: ``PDFError/Code/limitExceeded`` naming the limit `decodedByteCount` passes.
    @inline(__always) func check(_ decodedByteCount: Int) throws(PDFError) {
        if decodedByteCount > maxBytes {
            throw PDFError.limit(
                "maxStreamBytes", maxBytes, "a stream decodes to more than \(maxBytes) bytes", byteOffset: byteOffset)
        }
        if decodedByteCount > Self.ratioThresholdBytes
            && decodedByteCount / max(encodedByteCount, 1) > maxRatio
        {
            throw PDFError.limit(
                "maxCompressionRatio", maxRatio,
                "a stream of \(encodedByteCount) bytes decodes to more than \(maxRatio) times its size "
                    + "(\(decodedByteCount) bytes so far): a decompression bomb",
                byteOffset: byteOffset)
        }
    }
}

enum PDFFilters {
    /// `input` through one filter.
    ///
    /// - Parameter parameters: The filter's `/DecodeParms`, its values resolved.
    /// - Throws: ``PDFError/Code/limitExceeded`` (the budget), ``PDFError/Code/malformed`` (corrupt
    ///   data), ``PDFError/Code/unsupported`` (image codecs, unknown filters).
    static func decode(
        _ input: [UInt8], filter: PDFFilter, parameters: PDFDictionary?, budget: PDFDecodeBudget
    ) throws(PDFError) -> [UInt8] {
        switch filter {
        case .flate:
            let inflated = try inflate(input, budget: budget)
            return try PDFPredictor.apply(to: inflated, parameters: parameters, budget: budget)
        case .lzw:
            let earlyChange = parameters?["EarlyChange"]?.integer ?? 1
            let decoded = try lzwDecode(input, earlyChange: earlyChange != 0, budget: budget)
            return try PDFPredictor.apply(to: decoded, parameters: parameters, budget: budget)
        case .ascii85:
            return try ascii85Decode(input, budget: budget)
        case .asciiHex:
            return try asciiHexDecode(input, budget: budget)
        case .runLength:
            return try runLengthDecode(input, budget: budget)
        case .crypt:
            return input  // decryption already happened, with the crypt filter this one names
        case .image(let name):
            throw PDFError(
                .unsupported, "the image filter /\(name) is not decoded (text only)", byteOffset: budget.byteOffset)
        case .unknown(let name):
            throw PDFError(.unsupported, "unknown stream filter /\(name)", byteOffset: budget.byteOffset)
        }
    }

    // MARK: ASCIIHexDecode (7.4.2)

    /// Hex digit pairs up to `>`; white space and other bytes are skipped (as readers do); an odd
    /// final digit is followed by 0.
    static func asciiHexDecode(_ input: [UInt8], budget: PDFDecodeBudget) throws(PDFError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var high: UInt8?
        for byte in input {
            if byte == 0x3E { break }
            guard let value = PDFLexer.hexValue(byte) else { continue }
            if let first = high {
                output.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        if let first = high { output.append(first << 4) }
        try budget.check(output.count)
        return output
    }

    // MARK: ASCII85Decode (7.4.3)

    /// Base-85 groups of five characters `!`…`u` to four bytes, `z` for four zeros, `~>` at the end;
    /// a final partial group is padded with `u`.
    ///
    /// - Throws: ``PDFError/Code/malformed`` for a byte outside the alphabet.
    static func ascii85Decode(_ input: [UInt8], budget: PDFDecodeBudget) throws(PDFError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 5 * 4 + 4)
        var index = 0
        // Some producers keep the `<~` prefix of the PostScript form.
        while index < input.count && PDFLexer.isWhitespace(input[index]) { index += 1 }
        if index + 1 < input.count && input[index] == 0x3C && input[index + 1] == 0x7E { index += 2 }
        var group: UInt64 = 0
        var count = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            if PDFLexer.isWhitespace(byte) { continue }
            if byte == 0x7E { break }  // `~>`
            if byte == 0x7A && count == 0 {
                output.append(contentsOf: [0, 0, 0, 0])
                if output.count & 0xFFFF < 4 { try budget.check(output.count) }
                continue
            }
            guard byte >= 0x21 && byte <= 0x75 else {
                throw PDFError(
                    .malformed, "ASCII85Decode data holds the byte \(byte), outside the alphabet",
                    byteOffset: budget.byteOffset)
            }
            group = group * 85 + UInt64(byte - 0x21)
            count += 1
            if count == 5 {
                let word = UInt32(truncatingIfNeeded: group)
                output.append(contentsOf: [
                    UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                    UInt8(truncatingIfNeeded: word),
                ])
                group = 0
                count = 0
            }
        }
        if count > 1 {
            for _ in count..<5 { group = group * 85 + 84 }
            let word = UInt32(truncatingIfNeeded: group)
            let bytes = [
                UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                UInt8(truncatingIfNeeded: word),
            ]
            output.append(contentsOf: bytes[0..<(count - 1)])
        }
        try budget.check(output.count)
        return output
    }

    // MARK: RunLengthDecode (7.4.5)

    /// Runs: a length byte 0–127 copies the next length + 1 bytes, 129–255 repeats the next byte
    /// 257 − length times, and 128 ends the data.
    static func runLengthDecode(_ input: [UInt8], budget: PDFDecodeBudget) throws(PDFError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var index = 0
        while index < input.count {
            let length = Int(input[index])
            index += 1
            if length == 128 { break }
            if length < 128 {
                let end = min(index + length + 1, input.count)
                output.append(contentsOf: input[index..<end])
                index = end
            } else {
                guard index < input.count else { break }
                output.append(contentsOf: repeatElement(input[index], count: 257 - length))
                index += 1
            }
            try budget.check(output.count)
        }
        return output
    }
}
