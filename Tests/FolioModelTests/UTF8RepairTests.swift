import FolioModel
import FolioTestSupport
import Testing

/// Invalid UTF-8 is replaced exactly as Python's `bytes.decode("utf-8", errors="replace")` does.
struct UTF8RepairTests {
    /// Inputs and Python's output for them (replacements written as "?", real text otherwise).
    static let pythonCases: [([UInt8], String, Int)] = [
        ([0x80], "\u{FFFD}", 1),
        ([0x61, 0xC0, 0xAF, 0x62], "a\u{FFFD}\u{FFFD}b", 2),  // overlong "/"
        ([0xE2, 0x82], "\u{FFFD}", 1),  // truncated at the end: one maximal subpart
        ([0xE2, 0x82, 0x78], "\u{FFFD}x", 1),
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}", 3),  // encoded surrogate
        ([0xFF, 0xFE], "\u{FFFD}\u{FFFD}", 2),
        ([0xF8, 0x88, 0x80, 0x80, 0x80], String(repeating: "\u{FFFD}", count: 5), 5),  // 5-byte form
        ([0xF4, 0x90, 0x80, 0x80], String(repeating: "\u{FFFD}", count: 4), 4),  // above U+10FFFF
        ([0xE4], "\u{FFFD}", 1),
        ([0xE0, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}", 3),  // overlong three-byte form
        ([0xF0, 0x9F, 0x98], "\u{FFFD}", 1),
        ([0xF0, 0x9F, 0x98, 0x80], "😀", 0),
        ([0xEF, 0xBB, 0xBF, 0x42], "\u{FEFF}B", 0),  // a BOM is text, kept
        ([0xC2], "\u{FFFD}", 1),
        ([0xE0, 0xA0], "\u{FFFD}", 1),
        ([0xF1, 0x80, 0x80, 0xC0], "\u{FFFD}\u{FFFD}", 2),
    ]

    @Test(arguments: pythonCases.indices)
    func replacesLikePython(_ index: Int) {
        let (input, expected, replacements) = Self.pythonCases[index]
        let (text, count) = UTF8Repair.repair(input)
        #expect(text == expected)
        #expect(count == replacements)
    }

    @Test func validTextPassesUnchanged() {
        let text = "Plain ASCII, Ünïcödé, 中文, 😀 and \r\n line ends.\u{0}"
        let (repaired, count) = UTF8Repair.repair(Array(text.utf8))
        #expect(repaired == text)
        #expect(count == 0)
    }

    /// Blocks may split a sequence anywhere; the result never depends on where.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func streamingEqualsWholeForAnySplit(_ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let pieces: [[UInt8]] = [
            Array("ab".utf8), Array("中".utf8), Array("😀".utf8), Array("é".utf8), [0x80], [0xE2, 0x82],
            [0xED, 0xA0, 0x80],
            [0xF0, 0x9F], [0xFF], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0x0A],
        ]
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &random) { bytes += pieces.randomElement(using: &random)! }
            let whole = UTF8Repair.repair(bytes)
            var repair = UTF8Repair()
            var streamed = ""
            var index = 0
            while index < bytes.count {
                let size = Int.random(in: 0...5, using: &random)
                streamed += repair.append(bytes[index..<min(bytes.count, index + size)])
                index += size
            }
            streamed += repair.finish()
            #expect(streamed == whole.text, "seed \(seed): \(bytes)")
            #expect(repair.replacementCount == whole.replacementCount)
        }
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hostileInvalidUTF8File() throws {
        let (text, count) = UTF8Repair.repair(try SharedCorpora.bytes("corpora/hostile/invalid_utf8.txt"))
        // Python: 19 replacements, 4,019 characters, and this SHA-256 of the repaired text's UTF-8.
        #expect(count == 19)
        #expect(text.unicodeScalars.count == 4_019)
        #expect(SHA256.hex(text.utf8) == "29aadb3c70eb7fab91d5f5b9da5b8dade0b71ce5b16c6363dba68a850eb9d8fc")
    }
}
