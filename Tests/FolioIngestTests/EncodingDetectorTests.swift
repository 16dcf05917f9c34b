import FolioIngest
import FolioModel
import FolioTestSupport
import Testing

/// Byte order marks, and the automatic choice between UTF-8 and GB18030.
struct EncodingDetectorTests {
    @Test func byteOrderMarksNameTheirEncodingAndLength() {
        let cases: [([UInt8], TextEncoding?, Int)] = [
            ([0xEF, 0xBB, 0xBF, 0x41], .utf8, 3),
            ([0xFF, 0xFE, 0x41, 0x00], .utf16LE, 2),
            ([0xFE, 0xFF, 0x00, 0x41], .utf16BE, 2),
            ([0xFF, 0xFE, 0x00, 0x00], .utf16LE, 2),  // UTF-32LE is not recognized
            ([0xEF, 0xBB], nil, 0),
            ([0xFF], nil, 0),
            ([], nil, 0),
            (Array("plain".utf8), nil, 0),
        ]
        for (prefix, encoding, length) in cases {
            let mark = EncodingDetector.byteOrderMark(in: prefix)
            #expect(mark?.encoding == encoding, "\(prefix)")
            #expect((mark?.length ?? 0) == length, "\(prefix)")
        }
    }

    @Test func asciiThenUTF8ChineseIsUTF8() {
        let text = "Chapter 1\r\n" + String(repeating: "满纸荒唐言，一把辛酸泪。", count: 50)
        let (utf8, decoder) = decodeAutomatically(Array(text.utf8))
        #expect(decoder.detectedEncoding == .utf8)
        #expect(String(validating: utf8, as: UTF8.self) == text)
        #expect(decoder.replacementCount == 0)
    }

    @Test func asciiThenGB18030ChineseIsGB18030() {
        let text = "Chapter 1\r\n" + String(repeating: "满纸荒唐言，一把辛酸泪。", count: 50)
        let (utf8, decoder) = decodeAutomatically(TestGB18030.encode(text))
        #expect(decoder.detectedEncoding == .gb18030)
        #expect(String(validating: utf8, as: UTF8.self) == text)
        #expect(decoder.replacementCount == 0)
    }

    @Test func pureASCIIIsUTF8AtTheEnd() {
        var decoder = TextDecoder.automatic()
        var output: [UInt8] = []
        Array("just ASCII".utf8).withUnsafeBufferPointer { decoder.decode($0, into: &output) }
        #expect(decoder.detectedEncoding == nil)
        decoder.finish(into: &output)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(output == Array("just ASCII".utf8))
    }

    /// ASCII passes straight through, however long, and the first non-ASCII byte decides.
    @Test func theDecisionWaitsPastAMegabyteOfASCII() {
        let ascii = Array(String(repeating: "The quick brown fox jumps over the lazy dog.\n", count: 30_000).utf8)
        #expect(ascii.count > 1 << 20)
        var decoder = TextDecoder.automatic()
        var output: [UInt8] = []
        ascii.withUnsafeBufferPointer { buffer in
            for start in stride(from: 0, to: buffer.count, by: 65_536) {
                let block = UnsafeBufferPointer(rebasing: buffer[start..<min(buffer.count, start + 65_536)])
                decoder.decode(block, into: &output)
            }
        }
        #expect(decoder.detectedEncoding == nil)
        #expect(decoder.heldByteCount == 0)
        #expect(output == ascii)
        let chinese = TestGB18030.encode("假作真时真亦假")
        chinese.withUnsafeBufferPointer { decoder.decode($0, into: &output) }
        #expect(decoder.detectedEncoding == nil)  // the window is still open
        decoder.finish(into: &output)
        #expect(decoder.detectedEncoding == .gb18030)
        #expect(output == ascii + Array("假作真时真亦假".utf8))
    }

    @Test func invalidInBothIsLossyUTF8() {
        let input: [UInt8] = Array("abc".utf8) + [0x80] + TestGB18030.encode("中文") + [0xFF]
        let (utf8, decoder) = decodeAutomatically(input)
        let repaired = UTF8Repair.repair(input)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(String(validating: utf8, as: UTF8.self) == repaired.text)
        #expect(decoder.replacementCount == repaired.replacementCount)
        #expect(!EncodingDetector.isValid(input, as: .gb18030, inputEnded: true))
    }

    /// `E4 B8 AD` (中) cut after `E4` by the window's end is not an error while more input follows. The
    /// same window is valid GB18030, so counting the cut as an error would choose GB18030.
    @Test(arguments: [1, 4_096, 65_536, 200_000])
    func aUTF8SequenceCutAtTheWindowEdgeIsNoError(_ blockByteCount: Int) {
        let text = "x" + String(repeating: "中", count: 30_000)
        let input = Array(text.utf8)
        let window = Array(input[1..<1 + EncodingDetector.windowByteCount])
        #expect(window.last == 0xE4)
        #expect(EncodingDetector.isValid(window, as: .gb18030, inputEnded: false))
        #expect(EncodingDetector.isValid(window, as: .utf8, inputEnded: false))
        #expect(!EncodingDetector.isValid(window, as: .utf8, inputEnded: true))
        let (utf8, decoder) = decodeAutomatically(input, blockByteCount: blockByteCount)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(utf8 == input)
    }

    /// When the input ends inside the window, a cut last sequence counts against an encoding.
    @Test func aUTF8SequenceCutByTheEndOfTheInputIsStillUTF8() {
        // Cut UTF-8 after é; the GB18030 reading (C3A9, then a lone E4) is cut too: lossy UTF-8.
        let lossy = decodeAutomatically([0x41, 0xC3, 0xA9, 0xE4])
        #expect(lossy.decoder.detectedEncoding == .utf8)
        #expect(String(validating: lossy.utf8, as: UTF8.self) == "Aé\u{FFFD}")
        #expect(lossy.decoder.replacementCount == 1)
        // Cut UTF-8 whose bytes happen to pair up as GB18030 (E4B8 ADE6 9687 E4B8): still UTF-8, the cut
        // character one replacement, rather than GB18030 mojibake.
        let paired = decodeAutomatically(Array("中文".utf8) + [0xE4, 0xB8])
        #expect(paired.decoder.detectedEncoding == .utf8)
        #expect(String(validating: paired.utf8, as: UTF8.self) == "中文\u{FFFD}")
        #expect(paired.decoder.replacementCount == 1)
    }

    /// Only the window decides: an invalid byte after it is replaced, not reconsidered.
    @Test func bytesAfterTheWindowDoNotChangeTheDecision() {
        let input = Array(("x" + String(repeating: "中", count: 30_000)).utf8) + [0xFF]
        let (utf8, decoder) = decodeAutomatically(input, blockByteCount: 10_000)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(decoder.replacementCount == 1)
        #expect(utf8 == Array(input.dropLast()) + [0xEF, 0xBF, 0xBD])
    }

    /// UTF-8 validity, decided with an early exit, agrees with repairing the bytes: no replacement, and
    /// no incomplete sequence held back when the input has ended.
    @Test(arguments: [UInt64(1), 2, 3])
    func utf8ValidityAgreesWithRepair(_ seed: UInt64) {
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array(" \n".utf8), Array("é".utf8), Array("中".utf8), Array("😀".utf8), [0x80],
            [0xC0, 0xAF],
            [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F], [0xFF], Array("abcdefgh".utf8),
        ]
        var random = SplitMix64(seed: seed)
        for round in 0..<2_000 {
            let count = Int.random(in: 0...12, using: &random)
            let bytes = (0..<count).flatMap { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            var repair = UTF8Repair()
            _ = repair.append(bytes)
            for inputEnded in [false, true] {
                let expected = repair.replacementCount == 0 && !(inputEnded && repair.heldByteCount > 0)
                #expect(
                    EncodingDetector.isValid(bytes, as: .utf8, inputEnded: inputEnded) == expected,
                    "seed \(seed), round \(round): \(bytes)")
            }
        }
    }

    /// The automatic decoder's output equals decoding with the encoding it chose from the start.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func automaticEqualsTheChosenEncodingInAnyBlocks(_ seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for round in 0..<24 {
            let asciiCount = [0, 5, 70_000].randomElement(using: &random)!
            var input = Array(RandomText.make(["a", " ", "\n", "Z", "9"], count: asciiCount, using: &random).utf8)
            let cjkCount = [10, 30_000].randomElement(using: &random)!
            let text = RandomText.make(RandomText.cjk, count: cjkCount, using: &random)
            switch round % 3 {
            case 0: input += Array(text.utf8)
            case 1: input += TestGB18030.encode(text)
            default: input += TestGB18030.encode(text) + [0x80] + Array(text.utf8)  // invalid in both
            }
            if Bool.random(using: &random) { input += [0xE4, 0xB8] }  // a cut sequence at the end
            let maxBlock = [3, 1_000, 70_000].randomElement(using: &random)!
            let (utf8, decoder) = decodeInBlocks(input, .automatic(), maxBlockByteCount: maxBlock, using: &random)
            let chosen = decoder.detectedEncoding!
            let direct = TextDecoder.decode(input, from: chosen)
            #expect(utf8 == direct.utf8, "seed \(seed), round \(round), chose \(chosen)")
            #expect(decoder.replacementCount == direct.replacementCount, "seed \(seed), round \(round)")
            // The choice itself does not depend on the blocks either.
            let whole = decodeAutomatically(input, blockByteCount: input.count)
            #expect(whole.decoder.detectedEncoding == chosen, "seed \(seed), round \(round)")
        }
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hongloumengInGB18030IsDetectedAndDecodedExactly() throws {
        let input = try SharedCorpora.bytes("corpora/hostile/hongloumeng_first60000chars.gb18030.txt")
        let novel = String(decoding: try SharedCorpora.bytes("corpora/chinese/hongloumeng.txt"), as: UTF8.self)
        var expected = ""
        expected.unicodeScalars.append(contentsOf: novel.unicodeScalars.prefix(60_000))
        var random = SplitMix64(seed: 60_000)
        let (utf8, decoder) = decodeInBlocks(input, .automatic(), maxBlockByteCount: 9_000, using: &random)
        #expect(decoder.detectedEncoding == .gb18030)
        #expect(decoder.replacementCount == 0)
        #expect(utf8 == Array(expected.utf8))
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable), arguments: ["hongloumeng", "xiyouji"])
    func chineseNovelsAreDetectedAsUTF8(_ name: String) throws {
        let input = try SharedCorpora.bytes("corpora/chinese/\(name).txt")
        let (utf8, decoder) = decodeAutomatically(input, blockByteCount: 1 << 20)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(decoder.replacementCount == 0)
        #expect(utf8 == input)
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hostileInvalidUTF8FileIsLossyUTF8() throws {
        let input = try SharedCorpora.bytes("corpora/hostile/invalid_utf8.txt")
        let (utf8, decoder) = decodeAutomatically(input, blockByteCount: 1_000)
        #expect(decoder.detectedEncoding == .utf8)
        #expect(decoder.replacementCount == 19)  // Python's count
        #expect(SHA256.hex(utf8) == "29aadb3c70eb7fab91d5f5b9da5b8dade0b71ce5b16c6363dba68a850eb9d8fc")
    }
}

/// Decodes `input` with an automatic decoder in blocks of `blockByteCount` bytes.
private func decodeAutomatically(_ input: [UInt8], blockByteCount: Int = 7) -> (utf8: [UInt8], decoder: TextDecoder) {
    var decoder = TextDecoder.automatic()
    var output: [UInt8] = []
    input.withUnsafeBufferPointer { buffer in
        for start in stride(from: 0, to: buffer.count, by: max(1, blockByteCount)) {
            let block = UnsafeBufferPointer(rebasing: buffer[start..<min(buffer.count, start + blockByteCount)])
            decoder.decode(block, into: &output)
        }
    }
    decoder.finish(into: &output)
    return (output, decoder)
}

extension EncodingDetector {
    /// ``isValid(_:as:inputEnded:)`` over an array.
    fileprivate static func isValid(_ bytes: [UInt8], as encoding: TextEncoding, inputEnded: Bool) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0, as: encoding, inputEnded: inputEnded) }
    }
}
