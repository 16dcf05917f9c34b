// Performance notes
// - Runs once per input, on the first 8 KiB. Measured with a throwaway release-build test (not kept),
//   best of 7, 2026-12-07, on the 2-core EPYC VM: 2.0 µs on ASCII contracts and on a 10-K's HTML, 5.5 µs
//   on Chinese UTF-8, 13.5 µs on GB18030 (whose validity takes a decoding pass), 6.7 µs to refuse random
//   bytes; ``UnsupportedFormat/recognize(_:)`` adds 1 µs. The 64 contracts read one by one from memory:
//   0.19 ms of checks in 13.4 ms of extraction (1.4 %, the cheapest path there is).
// - Control bytes are counted eight at a time with bit masks (every bit exact, no branch). Per 64 KiB of
//   ASCII, UTF-8 check included, in three release runs of a noisy machine: a 256-entry table per byte
//   with the window repaired to check UTF-8, 26.6 µs; the table only for words holding a byte below 0x20
//   with the early-exit UTF-8 check, 17.0 µs; bit masks, 15.1 µs. The first two were dropped.
// - Judging the first 64 KiB instead of 8 KiB cost eight times as much for 6 changed verdicts in 8,475
//   files (see ``sampleByteCount``).
internal import FolioModel

/// Tells whether the first bytes of an input are plausibly text, once the encoding to decode them in is
/// chosen; binary data is refused instead of being decoded into characters nobody wrote.
///
/// The rules follow `file(1)` and Apache Tika, loosened where real text needs it; the thresholds were
/// chosen on the shared corpora, chardet's test files (51 encodings and languages) and 8,000 of the
/// system's files (numbers in `BENCHMARKS.md`):
/// 1. Control characters: those `file(1)` says never appear in text (U+0000–U+0006, U+000E–U+001A,
///    U+001C–U+001F and U+007F; BEL, BS, TAB, LF, VT, FF, CR and ESC do appear). More than
///    ``maxControlPercent`` % of the sample, and at least ``minControlCount``, make it binary data: text
///    has none, or a few stray NULs (1.1 % in the hostile `nul_bytes.txt`); random and compressed bytes
///    have 10.5 %, executables far more. In UTF-16 the characters are counted, not the bytes.
/// 2. Where rule 1 fails on NULs in every other byte, the input is UTF-16 without a byte-order mark,
///    which Folio reads only when told; the error says so.
/// 3. Invalid sequences in the encoding chosen (for an undeclared one: UTF-8, unless the sample is
///    valid GB18030): more of them than ``maxInvalidPercent`` % of the sample's bytes, and at least
///    ``minInvalidCount``, are binary data or text in an encoding Folio does not detect (KOI8-R, say),
///    which would come out as replacement characters. Latin text in windows-1252 read as UTF-8 has at
///    most 12 % (Czech and Turkish in chardet's files); random bytes have about 45 %. Windows-1252 maps
///    every byte, so it is not checked.
///
/// The minimum counts keep a short file with one odd byte (`Caf` and `E9` in windows-1252, a DOS text
/// ending in Ctrl-Z) readable as before.
enum TextPlausibility {
    /// Bytes of the input judged: the first 8 KiB after a byte-order mark (Git looks for a NUL in the
    /// first 8,000 bytes). The first 64 KiB changed the verdict on 6 of 8,475 files, all legacy-encoded
    /// text near rule 3's limit, and cost eight times as much.
    static let sampleByteCount = 8 << 10
    /// Control characters, in percent of the sample's characters, above which the input is binary.
    static let maxControlPercent = 5
    /// Control characters a sample must have at least to be binary.
    static let minControlCount = 4
    /// Invalid sequences, in percent of the sample's bytes, above which the input is not text.
    static let maxInvalidPercent = 25
    /// Invalid sequences a sample must have at least not to be text.
    static let minInvalidCount = 16

    /// Why the input is not text, or nil when it plausibly is.
    ///
    /// - Parameters:
    ///   - prefix: the input's first bytes (after gzip is inflated).
    ///   - skip: the length of a byte-order mark at the start, not judged.
    ///   - encoding: the encoding the input will be decoded in; nil when it is detected (UTF-8 or GB18030).
    ///   - inputEnded: whether `prefix` is the whole input.
    ///   - inflated: whether `prefix` was inflated from gzip (the message says so).
    static func refusal(
        _ prefix: [UInt8], skipping skip: Int, encoding: TextEncoding?, inputEnded: Bool, inflated: Bool = false
    ) -> String? {
        let end = min(prefix.count, skip + sampleByteCount)
        guard end > skip else { return nil }
        return prefix.withUnsafeBufferPointer { all in
            let sample = UnsafeBufferPointer(rebasing: all[skip..<end])
            let inflatedWord = inflated ? " inflated" : ""
            let place =
                end - skip == sampleByteCount
                ? "the first \(sampleByteCount >> 10) KiB\(inflatedWord)" : "all \(end - skip)\(inflatedWord) bytes"
            if let reason = controlRefusal(sample, encoding: encoding, place: place) { return reason }
            return invalidRefusal(
                sample, encoding: encoding, inputEnded: inputEnded && end == prefix.count, place: place)
        }
    }

    // MARK: Rules 1 and 2

    private static func controlRefusal(_ sample: UnsafeBufferPointer<UInt8>, encoding: TextEncoding?, place: String)
        -> String?
    {
        let isUTF16 = encoding == .utf16LE || encoding == .utf16BE
        let controls = isUTF16 ? controlCount(utf16: sample, bigEndian: encoding == .utf16BE) : controlCount(sample)
        let characters = isUTF16 ? sample.count / 2 : sample.count
        guard controls >= minControlCount, controls * 100 > characters * maxControlPercent else { return nil }
        if !isUTF16, let order = utf16WithoutMark(sample) {
            return "\(order) text without a byte-order mark (every other byte is NUL); Folio reads UTF-16 with a "
                + "byte-order mark, or when its encoding is given"
        }
        let unit = isUTF16 ? "characters" : "bytes"
        return "binary data (\(percent(controls, of: characters)) control \(unit) in \(place)), not text; "
            + UnsupportedFormat.readableFormats
    }

    /// Which characters `file(1)` says never appear in text: the C0 controls but BEL, BS, TAB, LF, VT,
    /// FF, CR and ESC, and DEL.
    private static let isControl: [Bool] = (0..<256).map { byte in
        (0x00...0x06).contains(byte) || (0x0E...0x1A).contains(byte) || (0x1C...0x1F).contains(byte) || byte == 0x7F
    }

    /// The control bytes among `bytes`, counted eight at a time without a branch: per byte, bit 7 of
    /// each mask says "below 0x20", "0x07 to 0x0D", "ESC" and "DEL" (the low seven bits plus a constant
    /// never carry into the next byte, so every bit is exact).
    private static func controlCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs = 0x80 &* ones
        let lows = 0x7F &* ones
        /// Bit 7 set in the bytes whose low seven bits are at least `value`.
        func atLeast(_ low: UInt64, _ value: UInt64) -> UInt64 { (low &+ (0x80 &- value) &* ones) & highs }
        /// Bit 7 set in the bytes equal to `value`.
        func equal(_ word: UInt64, _ value: UInt64) -> UInt64 {
            let difference = word ^ (value &* ones)
            return ~(((difference & lows) &+ lows) | difference) & highs
        }
        var count = 0
        var index = 0
        while index &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let low = word & lows
            let below20 = ~atLeast(low, 0x20) & ~word & highs
            let allowed = (atLeast(low, 0x07) & ~atLeast(low, 0x0E)) | equal(word, 0x1B)
            count &+= (below20 & ~allowed).nonzeroBitCount &+ equal(word, 0x7F).nonzeroBitCount
            index &+= 8
        }
        while index < bytes.count {
            if isControl[Int(base[index])] { count &+= 1 }
            index &+= 1
        }
        return count
    }

    private static func controlCount(utf16 bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> Int {
        isControl.withUnsafeBufferPointer { table in
            var count = 0
            var index = 0
            while index + 1 < bytes.count {
                let (low, high) = bigEndian ? (bytes[index + 1], bytes[index]) : (bytes[index], bytes[index + 1])
                if high == 0 && table[Int(low)] { count &+= 1 }
                index &+= 2
            }
            return count
        }
    }

    /// "UTF-16LE" when at least half the odd bytes are NUL and almost no even one is (ASCII-range text
    /// in UTF-16LE), "UTF-16BE" the other way round; else nil.
    private static func utf16WithoutMark(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var nulCounts = (even: 0, odd: 0)
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0 { nulCounts.even += 1 }
            if bytes[index + 1] == 0 { nulCounts.odd += 1 }
            index += 2
        }
        let pairs = bytes.count / 2
        if nulCounts.odd * 2 >= pairs && nulCounts.even * 20 < pairs { return "UTF-16LE" }
        if nulCounts.even * 2 >= pairs && nulCounts.odd * 20 < pairs { return "UTF-16BE" }
        return nil
    }

    // MARK: Rule 3

    private static func invalidRefusal(
        _ sample: UnsafeBufferPointer<UInt8>, encoding: TextEncoding?, inputEnded: Bool, place: String
    ) -> String? {
        let decoding: TextEncoding
        if let encoding {
            decoding = encoding
        } else {
            // The automatic decoder's choice (``EncodingDetector/automaticEncoding(window:inputEnded:)``):
            // valid UTF-8, else valid GB18030, else UTF-8 with replacements.
            if EncodingDetector.isValid(sample, as: .utf8, inputEnded: false) { return nil }
            if EncodingDetector.isValid(sample, as: .gb18030, inputEnded: inputEnded) { return nil }
            decoding = .utf8
        }
        guard decoding != .windows1252 else { return nil }
        var decoder = TextDecoder(decoding)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(sample.count * 2 + 16)
        decoder.decode(sample, into: &scratch)  // a sequence cut by the sample's end is held back, not counted
        let invalid = decoder.replacementCount
        guard invalid >= minInvalidCount, invalid * 100 > sample.count * maxInvalidPercent else { return nil }
        guard encoding == nil else {
            return "not text in \(decoding) (\(invalid) invalid sequences in \(place)); "
                + UnsupportedFormat.readableFormats
        }
        return "not text in UTF-8 or GB18030 (\(invalid) invalid sequences in \(place)), and no encoding is "
            + "declared or given; \(UnsupportedFormat.readableFormats) (windows-1252 when declared or given)"
    }

    /// `part` in percent of `whole`: one decimal below 10 %, whole numbers above ("5.3 %", "37 %").
    private static func percent(_ part: Int, of whole: Int) -> String {
        let tenths = (part * 1000 + whole / 2) / max(1, whole)
        return tenths < 100 ? "\(tenths / 10).\(tenths % 10) %" : "\((tenths + 5) / 10) %"
    }
}
