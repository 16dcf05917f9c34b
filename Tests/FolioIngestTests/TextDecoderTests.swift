import FolioIngest
import FolioModel
import FolioTestSupport
import Testing

/// Decoding gives exactly what Python's `bytes.decode(codec, errors="replace")` gives, as valid UTF-8,
/// however the input is split into blocks.
struct TextDecoderTests {
    /// Inputs and Python 3.11's output for them: text with U+FFFD for replacements, and their count.
    static let gb18030Cases: [([UInt8], String, Int)] = [
        ([0x80], "\u{FFFD}", 1),
        ([0xFF], "\u{FFFD}", 1),
        ([0x80, 0x41], "\u{FFFD}A", 1),
        ([0xFF, 0x41], "\u{FFFD}A", 1),
        ([0x80, 0x30], "\u{FFFD}", 1),  // lead 80 and a digit, cut: one replacement for both
        ([0x80, 0x30, 0x81, 0x30], "\u{FFFD}0\u{FFFD}", 2),
        ([0xFF, 0x30, 0x81, 0x30], "\u{FFFD}0\u{FFFD}", 2),
        ([0x81], "\u{FFFD}", 1),  // truncated lead
        ([0x81, 0x30], "\u{FFFD}", 1),  // truncated four-byte sequence
        ([0x81, 0x30, 0x81], "\u{FFFD}", 1),
        ([0x81, 0x30, 0x41], "\u{FFFD}", 1),  // cut by the end: the ASCII byte goes too
        ([0x81, 0x30, 0x41, 0x30], "\u{FFFD}0A0", 1),  // not cut: the ASCII bytes survive
        ([0x81, 0x7F], "\u{FFFD}\u{7F}", 1),
        ([0x81, 0xFF], "\u{FFFD}\u{FFFD}", 2),
        ([0x81, 0xFF, 0x41], "\u{FFFD}\u{FFFD}A", 2),
        ([0x81, 0x20], "\u{FFFD} ", 1),
        ([0x81, 0x80], "\u{4E90}", 0),
        ([0x81, 0x30, 0xFF, 0x30], "\u{FFFD}0\u{FFFD}", 2),
        ([0x81, 0x30, 0x81, 0x3A], "\u{FFFD}0\u{FFFD}:", 2),
        ([0x81, 0x30, 0x81, 0x30], "\u{80}", 0),  // first four-byte sequence
        ([0x84, 0x31, 0xA4, 0x39], "\u{FFFF}", 0),  // last BMP pointer
        ([0x84, 0x31, 0xA5, 0x30], "\u{FFFD}1\u{FFFD}", 2),  // first pointer past the BMP
        ([0x85, 0x30, 0x81, 0x30], "\u{FFFD}0\u{FFFD}", 2),  // lead 85: no four-byte range
        ([0x8F, 0x39, 0xFE, 0x39], "\u{FFFD}9\u{FFFD}", 2),
        ([0x90, 0x30, 0x81, 0x30], "\u{10000}", 0),
        ([0xE3, 0x32, 0x9A, 0x35], "\u{10FFFF}", 0),
        ([0xE3, 0x32, 0x9A, 0x36], "\u{FFFD}2\u{FFFD}", 2),  // past U+10FFFF
        ([0xFE, 0x39, 0xFE, 0x39], "\u{FFFD}9\u{FFFD}", 2),  // largest pointer
        ([0xA8, 0xBC], "\u{E7C7}", 0),  // GB18030-2000, as Python (WHATWG: U+1E3F)
        ([0x81, 0x35, 0xF4, 0x37], "\u{1E3F}", 0),  // GB18030-2000, as Python (WHATWG: U+E7C7)
        ([0x81, 0x40], "\u{4E02}", 0),  // first two-byte sequence
        ([0xFE, 0xFE], "\u{E4C5}", 0),
        ([0xA1, 0xA1, 0xFF, 0xA1, 0xA1], "\u{3000}\u{FFFD}\u{3000}", 1),
        ([0xD6, 0xD0, 0xCE, 0xC4, 0xD6], "\u{4E2D}\u{6587}\u{FFFD}", 1),  // text, then a cut lead
        ([0x80, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}", 3),
        ([0x81, 0x81, 0x81], "\u{4E96}\u{FFFD}", 1),
        ([0x41, 0x81, 0x30, 0x81, 0x30, 0x42], "A\u{80}B", 0),
    ]

    static let utf16LECases: [([UInt8], String, Int)] = [
        ([0x41], "\u{FFFD}", 1),  // odd last byte
        ([0x41, 0x00, 0x42], "A\u{FFFD}", 1),
        ([0x00, 0xD8], "\u{FFFD}", 1),  // high surrogate cut
        ([0x00, 0xD8, 0x41], "\u{FFFD}", 1),  // high surrogate and one byte, cut: one replacement
        ([0x00, 0xD8, 0x41, 0x00], "\u{FFFD}A", 1),  // unpaired high surrogate
        ([0x00, 0xDC, 0x41, 0x00], "\u{FFFD}A", 1),  // lone low surrogate
        ([0x00, 0xD8, 0x00, 0xD8, 0x00, 0xDC], "\u{FFFD}\u{10000}", 1),
        ([0x00, 0xDC, 0x00], "\u{FFFD}\u{FFFD}", 2),
        ([0x00, 0xD8, 0x00, 0xD8], "\u{FFFD}\u{FFFD}", 2),
        ([0x00, 0xDC, 0x00, 0xD8], "\u{FFFD}\u{FFFD}", 2),
        ([0x3D, 0xD8, 0x00, 0xDE], "\u{1F600}", 0),
        ([0xFF, 0xFE, 0x41, 0x00], "\u{FEFF}A", 0),  // a BOM is text, kept
        ([0xFF, 0xDB, 0xFF, 0xDF], "\u{10FFFF}", 0),
    ]

    static let utf16BECases: [([UInt8], String, Int)] = [
        ([0x41], "\u{FFFD}", 1),  // odd last byte
        ([0x00, 0x41, 0x42], "A\u{FFFD}", 1),
        ([0xD8, 0x00], "\u{FFFD}", 1),  // high surrogate cut
        ([0xD8, 0x00, 0x41], "\u{FFFD}", 1),  // high surrogate and one byte, cut: one replacement
        ([0xD8, 0x00, 0x00, 0x41], "\u{FFFD}A", 1),  // unpaired high surrogate
        ([0xDC, 0x00, 0x00, 0x41], "\u{FFFD}A", 1),  // lone low surrogate
        ([0xD8, 0x00, 0xD8, 0x00, 0xDC, 0x00], "\u{FFFD}\u{10000}", 1),
        ([0xDC, 0x00, 0x00], "\u{FFFD}\u{FFFD}", 2),
        ([0xD8, 0x00, 0xD8, 0x00], "\u{FFFD}\u{FFFD}", 2),
        ([0xDC, 0x00, 0xD8, 0x00], "\u{FFFD}\u{FFFD}", 2),
        ([0xD8, 0x3D, 0xDE, 0x00], "\u{1F600}", 0),
        ([0xFE, 0xFF, 0x00, 0x41], "\u{FEFF}A", 0),  // a BOM is text, kept
        ([0xDB, 0xFF, 0xDF, 0xFF], "\u{10FFFF}", 0),
    ]

    @Test(arguments: gb18030Cases.indices)
    func gb18030ReplacesLikePython(_ index: Int) {
        let (input, expected, replacements) = Self.gb18030Cases[index]
        let (utf8, count) = TextDecoder.decode(input, from: .gb18030)
        #expect(String(validating: utf8, as: UTF8.self) == expected, "\(input)")
        #expect(count == replacements, "\(input)")
    }

    @Test(arguments: utf16LECases.indices)
    func utf16LEReplacesLikePython(_ index: Int) {
        let (input, expected, replacements) = Self.utf16LECases[index]
        let (utf8, count) = TextDecoder.decode(input, from: .utf16LE)
        #expect(String(validating: utf8, as: UTF8.self) == expected, "\(input)")
        #expect(count == replacements, "\(input)")
    }

    @Test(arguments: utf16BECases.indices)
    func utf16BEReplacesLikePython(_ index: Int) {
        let (input, expected, replacements) = Self.utf16BECases[index]
        let (utf8, count) = TextDecoder.decode(input, from: .utf16BE)
        #expect(String(validating: utf8, as: UTF8.self) == expected, "\(input)")
        #expect(count == replacements, "\(input)")
    }

    /// Long hostile inputs drawn from bytes that make every kind of sequence, valid and invalid, from
    /// `SplitMix64` (Python reimplements SplitMix64): Python's replacement count, scalar count and
    /// SHA-256 of the UTF-8.
    typealias HostileCase = (TextEncoding, seed: UInt64, byteCount: Int, replacements: Int, scalars: Int, sha: String)
    static let hostileCases: [HostileCase] = [
        (.gb18030, 1, 20_000, 3_495, 15_504, "9b1c8095076b2dcf2bce2c15fa4c9620251bf592aa5f396a011a35b474ef6a8d"),
        (.gb18030, 2, 20_001, 3_512, 15_598, "2893f23fa33309873ad7defe3aef059808db785cf8ed0bd3c9d94f7f5128a3f0"),
        (.utf16LE, 1, 20_000, 2_981, 9_683, "6dc1b847116b45d3fd19da5e61173a4b450e9831d34dd9fee1c8787f6acbe74b"),
        (.utf16LE, 2, 20_001, 3_022, 9_685, "ed166b32e93b7e9fef00a1a5cb3e3d5d34c041b6a3c6133774a4bc1d47b3d05f"),
        (.utf16BE, 1, 20_000, 2_944, 9_649, "90d672f7c103d2b9fd5f14a5b312c4d6418d719174d1b57c1e191fc37178da8b"),
        (.utf16BE, 2, 20_001, 2_990, 9_668, "7c63f678a52811c6940e5391de6b459e64b8c2881090579612a76ab6fa30a8d3"),
    ]
    static let gb18030HostileAlphabet: [UInt8] = [
        0x0A, 0x20, 0x30, 0x31, 0x35, 0x39, 0x3A, 0x40, 0x41, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0x8F, 0x90,
        0xA1, 0xA8, 0xBC, 0xD6, 0xE3, 0xE4, 0xFE, 0xFF,
    ]
    static let utf16HostileAlphabet: [UInt8] = [0x00, 0x00, 0x41, 0x4E, 0xD8, 0xDB, 0xDC, 0xDF, 0x3D, 0xFE, 0xFF]

    static func hostileBytes(_ encoding: TextEncoding, seed: UInt64, count: Int) -> [UInt8] {
        let alphabet = encoding == .gb18030 ? gb18030HostileAlphabet : utf16HostileAlphabet
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
    }

    @Test(arguments: hostileCases.indices)
    func hostileInputsDecodeLikePythonInAnyBlocks(_ index: Int) {
        let (encoding, seed, byteCount, replacements, scalars, sha) = Self.hostileCases[index]
        let input = Self.hostileBytes(encoding, seed: seed, count: byteCount)
        var random = SplitMix64(seed: seed)
        for maxBlock in [byteCount, 4096, 7, 1] {
            let (utf8, decoder) = decodeInBlocks(
                input, TextDecoder(encoding), maxBlockByteCount: maxBlock, using: &random)
            let text = String(validating: utf8, as: UTF8.self)
            #expect(text?.unicodeScalars.count == scalars, "\(encoding), seed \(seed), blocks ≤ \(maxBlock)")
            #expect(SHA256.hex(utf8) == sha, "\(encoding), seed \(seed), blocks ≤ \(maxBlock)")
            #expect(decoder.replacementCount == replacements, "\(encoding), seed \(seed), blocks ≤ \(maxBlock)")
        }
        #expect(TextDecoder.decode(input, from: encoding).replacementCount == replacements)
    }

    @Test func utf8GoesThroughUTF8Repair() {
        let inputs: [[UInt8]] = [
            [0x80], [0x61, 0xC0, 0xAF, 0x62], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80],
            Array("中文 and é".utf8) + [0xF4, 0x90, 0x80, 0x80, 0xE4],
        ]
        for input in inputs {
            let (utf8, count) = TextDecoder.decode(input, from: .utf8)
            let repaired = UTF8Repair.repair(input)
            #expect(String(validating: utf8, as: UTF8.self) == repaired.text, "\(input)")
            #expect(count == repaired.replacementCount, "\(input)")
        }
    }

    /// Python's `cp1252` for `80`–`9F`, with the five bytes it rejects mapped to C1 controls as WHATWG does.
    @Test func windows1252MapsEveryByteAsWHATWGDoes() {
        let high =
            "\u{20AC}\u{81}\u{201A}\u{192}\u{201E}\u{2026}\u{2020}\u{2021}\u{2C6}\u{2030}\u{160}\u{2039}\u{152}\u{8D}"
            + "\u{17D}\u{8F}\u{90}\u{2018}\u{2019}\u{201C}\u{201D}\u{2022}\u{2013}\u{2014}\u{2DC}\u{2122}\u{161}"
            + "\u{203A}\u{153}\u{9D}\u{17E}\u{178}"
        var expected = String(decoding: Array(0..<0x80), as: UTF8.self) + high
        expected.unicodeScalars.append(contentsOf: (0xA0...0xFF).map { Unicode.Scalar(UInt8($0)) })
        let input = Array(UInt8(0)...UInt8(0xFF))
        let (utf8, count) = TextDecoder.decode(input + input, from: .windows1252)
        #expect(String(validating: utf8, as: UTF8.self) == expected + expected)
        #expect(count == 0)
    }

    /// Python's GB18030 encoding of 120 scalars of all planes: range edges, PUA, U+E7C7, U+1E3F, CJK.
    @Test func gb18030DecodesPythonEncodedScalarsOfAllPlanes() {
        let text =
            "\u{72}\u{B7}\u{80}\u{C412}\u{D4F4A}\u{4070}\u{CD79}\u{FE10}\u{2015}\u{20AC}\u{7941}\u{9C4F}\u{D500E}"
            + "\u{2014}\u{FD33C}\u{4F10D}\u{CA06D}\u{FFFE}\u{E7C7}\u{D7FF}\u{71E9}\u{3000}\u{E000}\u{6A4A}\u{609D}"
            + "\u{51}\u{10FFFF}\u{60D38}\u{21}\u{5E}\u{244F}\u{69A77}\u{8B1A2}\u{7797}\u{2A60C}\u{20087}\u{817A4}"
            + "\u{1E3F}\u{10000}\u{4ED0}\u{61}\u{9D6A}\u{5A30}\u{86E1}\u{A01C2}\u{664E}\u{FAAFD}\u{C495B}\u{573C}"
            + "\u{71B5}\u{67}\u{2F123}\u{2D3B}\u{5A}\u{AAB}\u{7C5B}\u{A5}\u{E2824}\u{AB422}\u{61}\u{20AEA}\u{A4}"
            + "\u{4F0F}\u{4A}\u{E5E5}\u{DF699}\u{9FA6}\u{2924}\u{55}\u{46FDA}\u{55C6}\u{6D5B9}\u{DE730}\u{34}\u{F5B2}"
            + "\u{D76C}\u{48E5E}\u{11CDE}\u{5890D}\u{C7AE8}\u{7A}\u{55}\u{3C}\u{E4C5}\u{1F600}\u{7C1F}\u{6C}\u{316FA}"
            + "\u{29}\u{FFFF}\u{E765}\u{58}\u{8B4D3}\u{78B46}\u{547A8}\u{9714}\u{71}\u{7BD61}\u{49A8}\u{62ECE}\u{67}"
            + "\u{F1BD}\u{2F}\u{5230}\u{D0B5}\u{4E02}\u{6A}\u{21DE4}\u{DF496}\u{9E5D6}\u{E766}\u{10A4DC}\u{7B65}"
            + "\u{8101}\u{AD8B}\u{BC97B}\u{F883}\u{7E50}\u{5B74}\u{BE7F9}"
        let hex =
            "72A1A4813081308332C137D030A2308232B1388334B63484318236A844A2E3C6EEF753D030B536A1AADD318D30A4358237CC"
            + "34DD358431A438A8BC8336C738A050A1A1AAA198F1E3A651E3329A35AA32DF34215E81378A39AD31B933B8309736B2669835"
            + "DF3495329031B438F1348135F43790308130819761F9678AD9CD82BE38BC34957BDC32F437CA378635885BECD8679A318137"
            + "8138DD335A8131F735BB5781308436D434A934C234DA386195349E30A1E8B7FC4AA3A0D334A13182358F338137F23655A138"
            + "E13286DCAE33BE33D3319036348339AA358336B931A234FA349035EE30A735F139CB378F307A553CFEFE9439FC36F4A16C9A"
            + "38D834298431A439A7A058B830E933B230B030A632CD38EB9771B330C63782349F37AA39C932678338C3322FB5BD83358B32"
            + "81406A95388B38D333EB36BE32E536A2ABE133D734B95FC3788237F730C83188398339F236BF938C54C837A135"
        let bytes = stride(from: 0, to: hex.utf8.count, by: 2).map { offset in
            let start = hex.utf8.index(hex.utf8.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.utf8.index(start, offsetBy: 2)], radix: 16)!
        }
        let (utf8, count) = TextDecoder.decode(bytes, from: .gb18030)
        #expect(String(validating: utf8, as: UTF8.self) == text)
        #expect(count == 0)
        #expect(TestGB18030.encode(text) == bytes)
    }

    /// Random text and random scalars of all planes, encoded by the test encoder, decode to themselves.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func gb18030RoundTripsRandomText(_ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<50 {
            let text = randomText(using: &random)
            let encoded = TestGB18030.encode(text)
            let (utf8, decoder) = decodeInBlocks(encoded, TextDecoder(.gb18030), maxBlockByteCount: 9, using: &random)
            #expect(String(validating: utf8, as: UTF8.self) == text, "seed \(seed)")
            #expect(decoder.replacementCount == 0, "seed \(seed)")
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func utf16RoundTripsRandomText(_ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<50 {
            let text = randomText(using: &random)
            for bigEndian in [false, true] {
                let encoded = text.utf16.flatMap { unit in
                    bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
                }
                let decoder = TextDecoder(bigEndian ? .utf16BE : .utf16LE)
                let (utf8, finished) = decodeInBlocks(encoded, decoder, maxBlockByteCount: 9, using: &random)
                #expect(String(validating: utf8, as: UTF8.self) == text, "seed \(seed), big-endian \(bigEndian)")
                #expect(finished.replacementCount == 0, "seed \(seed)")
            }
        }
    }

    /// Pieces of valid text and of every malformed case, concatenated, decode the same in any blocks.
    @Test(arguments: TextEncoding.allCases, [UInt64(1), 2, 3])
    func blockSplitsNeverChangeTheOutput(_ encoding: TextEncoding, _ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let malformed: [[UInt8]] =
            switch encoding {
            case .gb18030: Self.gb18030Cases.map(\.0)
            case .utf16LE: Self.utf16LECases.map(\.0)
            case .utf16BE: Self.utf16BECases.map(\.0)
            case .utf8: [[0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0xFF], [0xC0, 0xAF]]
            case .windows1252: [[0x81, 0x8D, 0x8F, 0x90, 0x9D], [0x80, 0xFF]]
            }
        for _ in 0..<100 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &random) {
                if Bool.random(using: &random) {
                    input += malformed.randomElement(using: &random)!
                } else {
                    let text = RandomText.make(RandomText.adversarial, count: 3, using: &random)
                    input += encode(text, as: encoding)
                }
            }
            let whole = TextDecoder.decode(input, from: encoding)
            let (utf8, decoder) = decodeInBlocks(input, TextDecoder(encoding), maxBlockByteCount: 6, using: &random)
            #expect(utf8 == whole.utf8, "\(encoding), seed \(seed): \(input)")
            #expect(decoder.replacementCount == whole.replacementCount, "\(encoding), seed \(seed): \(input)")
            #expect(String(validating: utf8, as: UTF8.self) != nil)
        }
    }

    /// Inputs larger than a chunk keep sequences whole across the chunk edges inside one block.
    @Test(arguments: [TextEncoding.gb18030, .utf16LE, .utf16BE, .windows1252])
    func largeBlocksDecodeLikeSmallOnes(_ encoding: TextEncoding) {
        var random = SplitMix64(seed: 7)
        let text = RandomText.make(RandomText.cjk, count: 60_000, using: &random) + "\u{10400}"
        let input = encode(text, as: encoding)
        let whole = TextDecoder.decode(input, from: encoding)
        let (utf8, _) = decodeInBlocks(input, TextDecoder(encoding), maxBlockByteCount: 100, using: &random)
        #expect(utf8 == whole.utf8)
        if encoding != .windows1252 {
            #expect(String(validating: whole.utf8, as: UTF8.self) == text)
            #expect(whole.replacementCount == 0)
        }
    }

    @Test func theBundledIndexHoldsEveryTwoByteMapping() {
        let index = GB18030Index.shared
        #expect(index.twoByteUTF8.count == 126 * 192)
        #expect(index.twoByteUTF8.filter { $0 != 0 }.count == 23_940)
        #expect(index.bmpCodePoint(pointer: 0) == 0x80)
        #expect(index.bmpCodePoint(pointer: 39_419) == 0xFFFF)
    }

    @Test func aDamagedIndexIsRejected() throws {
        var bytes = Array(repeating: UInt8(0), count: 8 + 126 * 190 * 2 + 4)
        bytes.replaceSubrange(0..<8, with: Array("GBIX".utf8) + [1, 0, 1, 0])
        bytes[bytes.count - 2] = 0x80  // one range, pointer 0 at U+0080; no two-byte mappings: valid
        _ = try GB18030Index(fileBytes: bytes)
        #expect(throws: GB18030Index.FormatError.self) { try GB18030Index(fileBytes: Array(bytes.dropLast())) }
        var badMagic = bytes
        badMagic[0] = 0x58
        #expect(throws: GB18030Index.FormatError.self) { try GB18030Index(fileBytes: badMagic) }
        var badVersion = bytes
        badVersion[4] = 2
        #expect(throws: GB18030Index.FormatError.self) { try GB18030Index(fileBytes: badVersion) }
        var surrogate = bytes
        surrogate.replaceSubrange(8..<10, with: [0x00, 0xD8])
        #expect(throws: GB18030Index.FormatError.self) { try GB18030Index(fileBytes: surrogate) }
        var rangeIntoSurrogates = bytes
        rangeIntoSurrogates[bytes.count - 1] = 0xD0  // U+D000 + 39419 runs through the surrogates
        #expect(throws: GB18030Index.FormatError.self) { try GB18030Index(fileBytes: rangeIntoSurrogates) }
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hostileUTF16FileDecodesToTheUTF8Contract() throws {
        let input = try SharedCorpora.bytes("corpora/hostile/utf16le_bom.txt")
        let contract = "PLAYAHOTELS_RESORTSNV_03_14_2017-EX-10.22-STRATEGIC ALLIANCE AGREEMENT (Hyatt Ziva Cancun).txt"
        let expected = try SharedCorpora.bytes("corpora/contracts/txt/\(contract)")
        let mark = try #require(EncodingDetector.byteOrderMark(in: input))
        #expect(mark.encoding == .utf16LE && mark.length == 2)
        var random = SplitMix64(seed: 11)
        let (utf8, decoder) = decodeInBlocks(
            Array(input[mark.length...]), TextDecoder(mark.encoding), maxBlockByteCount: 5_000, using: &random)
        #expect(utf8 == expected)
        #expect(decoder.replacementCount == 0)
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hostileInvalidUTF8FileReplacesLikePython() throws {
        let input = try SharedCorpora.bytes("corpora/hostile/invalid_utf8.txt")
        let (utf8, count) = TextDecoder.decode(input, from: .utf8)
        // Python: 19 replacements, 4,019 characters, and this SHA-256 of the repaired text's UTF-8.
        #expect(count == 19)
        #expect(String(validating: utf8, as: UTF8.self)?.unicodeScalars.count == 4_019)
        #expect(SHA256.hex(utf8) == "29aadb3c70eb7fab91d5f5b9da5b8dade0b71ce5b16c6363dba68a850eb9d8fc")
    }
}

// MARK: Helpers shared with EncodingDetectorTests

/// Feeds `input` to `decoder` in blocks of random sizes up to `maxBlockByteCount` (empty blocks
/// included) and finishes; returns the UTF-8 and the finished decoder.
func decodeInBlocks(
    _ input: [UInt8], _ decoder: TextDecoder, maxBlockByteCount: Int, using random: inout SplitMix64
) -> (utf8: [UInt8], decoder: TextDecoder) {
    var decoder = decoder
    var output: [UInt8] = []
    var start = 0
    input.withUnsafeBufferPointer { buffer in
        while start < buffer.count {
            let end = min(buffer.count, start + Int.random(in: 0...maxBlockByteCount, using: &random))
            decoder.decode(UnsafeBufferPointer(rebasing: buffer[start..<end]), into: &output)
            start = end
        }
    }
    decoder.finish(into: &output)
    return (output, decoder)
}

/// Text in `encoding`; characters Windows-1252 lacks become `?`.
func encode(_ text: String, as encoding: TextEncoding) -> [UInt8] {
    switch encoding {
    case .utf8: Array(text.utf8)
    case .utf16LE: text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    case .utf16BE: text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    case .gb18030: TestGB18030.encode(text)
    case .windows1252:
        text.unicodeScalars.map { $0.value < 0x80 || (0xA0...0xFF).contains($0.value) ? UInt8($0.value) : 0x3F }
    }
}

/// Random pieces of several scripts followed by random scalars of all seventeen planes.
func randomText(using random: inout SplitMix64) -> String {
    var text = RandomText.make(RandomText.adversarial, count: Int.random(in: 0...20, using: &random), using: &random)
    for _ in 0..<Int.random(in: 0...20, using: &random) {
        let value =
            Bool.random(using: &random)
            ? UInt32.random(in: 0x80...0xFFFF, using: &random) : UInt32.random(in: 0x1_0000...0x10_FFFF, using: &random)
        if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
    }
    return text
}

/// A GB18030 encoder for tests: the inverse of the bundled tables, which the generator script checked
/// against Python's codec for every sequence.
enum TestGB18030 {
    /// The bytes of every BMP scalar from U+0080.
    static let bmpBytes: [UInt32: [UInt8]] = {
        let index = GB18030Index.shared
        var bytes: [UInt32: [UInt8]] = [:]
        for lead in 0..<126 {
            for trail in 0..<192 {
                let packed = index.twoByteUTF8[lead * 192 + trail]
                guard packed != 0 else { continue }
                let utf8 = (0..<Int(packed >> 24)).map { UInt8(truncatingIfNeeded: packed >> (8 * $0)) }
                let scalar = String(decoding: utf8, as: UTF8.self).unicodeScalars.first!.value
                bytes[scalar] = [UInt8(0x81 + lead), UInt8(0x40 + trail)]
            }
        }
        for pointer in 0..<39_420 {
            bytes[index.bmpCodePoint(pointer: UInt32(pointer))] = fourBytes(pointer: pointer)
        }
        return bytes
    }()

    static func fourBytes(pointer: Int) -> [UInt8] {
        [
            UInt8(0x81 + pointer / 12_600), UInt8(0x30 + pointer / 1_260 % 10), UInt8(0x81 + pointer / 10 % 126),
            UInt8(0x30 + pointer % 10),
        ]
    }

    static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: bytes.append(UInt8(scalar.value))
            case 0x1_0000...: bytes += fourBytes(pointer: 189_000 + Int(scalar.value) - 0x1_0000)
            default: bytes += bmpBytes[scalar.value]!
            }
        }
        return bytes
    }
}
