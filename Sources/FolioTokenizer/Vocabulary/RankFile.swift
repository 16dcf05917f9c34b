internal import FolioCompression
internal import FolioSystem

/// The entries of a tiktoken rank file, in file order.
struct RankFileEntries {
    /// Decoded token bytes, concatenated.
    var bytes: [UInt8] = []
    var starts: [UInt32] = []
    var lengths: [UInt16] = []
    var ranks: [UInt32] = []
    /// 1-based line of each entry.
    var lines: [Int] = []
}

/// Reads tiktoken's rank-file format: one `base64(token bytes) SP rank` per line.
///
/// Blank lines are skipped and a trailing CR is tolerated, as tiktoken's loader does. A file that
/// starts with the gzip magic number is inflated first (so `.tiktoken.gz` works as it is).
enum RankFile {
    /// Inflated rank files larger than this are refused (the official ones are 1.7 MB and 3.6 MB).
    static let maxInflatedBytes = 256 << 20

    /// Loads and parses the rank file at `path`.
    ///
    /// - Throws: ``TokenizerError/Code/rankFileUnreadable`` (missing file, broken gzip),
    ///   ``TokenizerError/Code/rankFileCorrupt`` naming the line.
    static func load(path: String) throws(TokenizerError) -> RankFileEntries {
        let bytes: [UInt8]
        do {
            bytes = try SystemFile.readAll(path)
        } catch {
            throw TokenizerError(
                .rankFileUnreadable, "\(path): cannot read the rank file (\(error.reason))", underlying: error)
        }
        return try parse(bytes, source: path)
    }

    /// Parses rank-file bytes, plain or gzipped.
    static func parse(_ raw: [UInt8], source: String) throws(TokenizerError) -> RankFileEntries {
        var contents = raw
        if Inflater.isGzip(raw) {
            do {
                contents = try Inflater.inflate(raw, format: .gzip, maxOutputBytes: maxInflatedBytes)
            } catch {
                throw TokenizerError(
                    .rankFileUnreadable, "\(source): cannot inflate the gzipped rank file: \(error.message)",
                    underlying: error)
            }
        }
        return try contents.withUnsafeBufferPointer { buffer throws(TokenizerError) in
            try parseLines(buffer, source: source)
        }
    }

    private static func parseLines(_ text: UnsafeBufferPointer<UInt8>, source: String) throws(TokenizerError)
        -> RankFileEntries
    {
        var entries = RankFileEntries()
        let estimate = text.count / 12
        entries.bytes.reserveCapacity(text.count / 2)
        entries.starts.reserveCapacity(estimate)
        entries.lengths.reserveCapacity(estimate)
        entries.ranks.reserveCapacity(estimate)
        entries.lines.reserveCapacity(estimate)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < text.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart && text[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { lineStart = next }
            if lineEnd == lineStart { continue }

            func corrupt(_ reason: String) -> TokenizerError {
                let shown = String(decoding: text[lineStart..<min(lineEnd, lineStart + 60)], as: UTF8.self)
                return TokenizerError(
                    .rankFileCorrupt,
                    """
                    \(source):\(lineNumber): \(reason) in '\(shown)'; \
                    expected 'BASE64 RANK' as in tiktoken's rank files
                    """,
                    line: lineNumber)
            }
            var space = lineStart
            while space < lineEnd && text[space] != 0x20 { space += 1 }
            guard space < lineEnd else { throw corrupt("no rank") }
            var rankStart = space
            while rankStart < lineEnd && text[rankStart] == 0x20 { rankStart += 1 }
            guard rankStart < lineEnd else { throw corrupt("no rank") }
            var rank: UInt64 = 0
            for index in rankStart..<lineEnd {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { throw corrupt("the rank is not a non-negative integer") }
                rank = rank * 10 + UInt64(digit)
                guard rank <= UInt64(UInt32.max) else { throw corrupt("the rank is too large") }
            }
            let start = entries.bytes.count
            guard Base64.decode(text, lineStart..<space, appendingTo: &entries.bytes) else {
                throw corrupt("the token is not valid base64")
            }
            let length = entries.bytes.count - start
            guard length > 0 else { throw corrupt("the token is empty") }
            guard length <= Int(UInt16.max) else { throw corrupt("the token is longer than 65,535 bytes") }
            entries.starts.append(UInt32(start))
            entries.lengths.append(UInt16(length))
            entries.ranks.append(UInt32(rank))
            entries.lines.append(lineNumber)
        }
        return entries
    }
}

/// Standard base64 (RFC 4648, `+` `/`, with `=` padding), as tiktoken writes tokens.
enum Base64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Decodes `text[range]` onto `output`; false when it is not canonical padded base64.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, appendingTo output: inout [UInt8])
        -> Bool
    {
        guard range.count % 4 == 0 else { return false }
        var index = range.lowerBound
        while index < range.upperBound {
            let a = values[Int(text[index])]
            let b = values[Int(text[index + 1])]
            guard a != 0xFF && b != 0xFF else { return false }
            output.append(a << 2 | b >> 4)
            let last = index + 4 == range.upperBound
            let c3 = text[index + 2]
            let c4 = text[index + 3]
            if last && c3 == UInt8(ascii: "=") {
                guard c4 == UInt8(ascii: "=") else { return false }
                return true
            }
            let c = values[Int(c3)]
            guard c != 0xFF else { return false }
            output.append(b << 4 | c >> 2)
            if last && c4 == UInt8(ascii: "=") { return true }
            let d = values[Int(c4)]
            guard d != 0xFF else { return false }
            output.append(c << 6 | d)
            index += 4
        }
        return true
    }
}
