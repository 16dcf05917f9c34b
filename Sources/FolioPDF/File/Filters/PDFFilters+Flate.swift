internal import FolioCompression

extension PDFFilters {
    /// FlateDecode (7.4.4): zlib data (or raw deflate, when the two-byte zlib header is not there, as
    /// some producers write it) through FolioCompression's `Inflater`.
    ///
    /// Many real files end a Flate stream early or follow it with garbage; like every mature reader,
    /// this returns what inflated before the error. A stream that inflates to nothing and fails is
    /// malformed. The budget is checked after every block of output, so a bomb stops as soon as it
    /// passes a limit, in bounded memory.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded``; ``PDFError/Code/malformed`` for data that inflates
    ///   to nothing.
    static func inflate(_ input: [UInt8], budget: PDFDecodeBudget) throws(PDFError) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        let format: Inflater.Format = hasZlibHeader(input) ? .zlib : .raw
        let inflater: Inflater
        do {
            inflater = try Inflater(format: format, maxOutputBytes: .max)
        } catch {
            throw PDFError(.malformed, "FlateDecode could not start: \(error)", byteOffset: budget.byteOffset)
        }
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count * 4, budget.maxBytes, 64 << 20))
        var limitError: PDFError?
        do {
            try input.withUnsafeBytes { raw in
                try inflater.inflate(raw) { block in
                    output.append(contentsOf: block)
                    do throws(PDFError) {
                        try budget.check(output.count)
                    } catch {
                        limitError = error
                        throw error
                    }
                }
            }
            try inflater.finish()
        } catch {
            if let limitError { throw limitError }
            guard !output.isEmpty else {
                throw PDFError(
                    .malformed, "FlateDecode data is corrupt: \(error)", byteOffset: budget.byteOffset)
            }
            // A truncated or garbage-tailed stream: keep what inflated.
        }
        return output
    }

    /// Whether `bytes` start with a valid zlib header (RFC 1950: deflate, and the check bits).
    static func hasZlibHeader(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        let cmf = Int(bytes[0])
        let flg = Int(bytes[1])
        return cmf & 0x0F == 8 && cmf >> 4 <= 7 && (cmf << 8 | flg) % 31 == 0
    }
}
