@testable import FolioPDF
import FolioTestSupport
import Testing

struct PDFFilterTests {
    /// A one-page file whose `data(of:)` decodes the streams built in these tests.
    let file: PDFFile

    init() throws {
        let builder = TestPDFBuilder.onePage()
        builder.finishTable(trailer: "/Root 1 0 R")
        file = try PDFFile(bytes: builder.bytes)
    }

    func decode(_ encoded: [UInt8], _ dictionary: String) throws(PDFError) -> [UInt8] {
        var parser = PDFParser(bytes: Array(dictionary.utf8), limits: PDFLimits())
        guard case .dictionary(let parsed) = try parser.parseObject() else { preconditionFailure(dictionary) }
        return try file.data(of: PDFStream(dictionary: parsed, encoded: encoded[...]))
    }

    static let text = Array(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 200).utf8)

    // MARK: FlateDecode

    @Test func flateRoundTripsThroughZlib() throws {
        let encoded = TestCompression.deflate(Self.text, format: .zlib)
        #expect(try decode(encoded, "<< /Filter /FlateDecode >>") == Self.text)
        #expect(try decode(encoded, "<< /Filter /Fl >>") == Self.text)
        #expect(try decode(encoded, "<< /Filter [/FlateDecode] /DecodeParms [null] >>") == Self.text)
    }

    @Test func flateWithoutAZlibHeaderIsReadAsRawDeflate() throws {
        let encoded = TestCompression.deflate(Self.text, format: .raw)
        #expect(try decode(encoded, "<< /Filter /FlateDecode >>") == Self.text)
    }

    @Test func aTruncatedFlateStreamGivesWhatInflated() throws {
        let random = (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let encoded = TestCompression.deflate(random, format: .zlib)
        let decoded = try decode(Array(encoded.prefix(encoded.count / 2)), "<< /Filter /FlateDecode >>")
        #expect(!decoded.isEmpty && decoded.count < random.count)
        #expect(decoded[...] == random.prefix(decoded.count))
    }

    @Test func aGarbageTailAfterTheFlateStreamIsIgnored() throws {
        let encoded = TestCompression.deflate(Self.text, format: .zlib) + Array("garbage\r\n".utf8)
        #expect(try decode(encoded, "<< /Filter /FlateDecode >>") == Self.text)
    }

    @Test func flateDataThatInflatesToNothingIsMalformed() {
        #expect {
            try decode(Array("this is not deflate data at all".utf8), "<< /Filter /FlateDecode >>")
        } throws: { ($0 as? PDFError)?.code == .malformed }
    }

    @Test func aFlateBombStopsAtTheCompressionRatio() throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = TestCompression.deflate(zeros, format: .zlib, level: 9)
        #expect(bomb.count * 200 < zeros.count)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try decode(bomb, "<< /Filter /FlateDecode >>")
            Issue.record("the bomb decoded")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.limit == PDFError.Limit(name: "maxCompressionRatio", value: 200))
        }
        #expect(clock.now - start < .seconds(5))
    }

    @Test func aLargeStreamStopsAtMaxStreamBytes() throws {
        let limits = PDFLimits(maxStreamBytes: 100_000)
        let builder = TestPDFBuilder.onePage()
        builder.finishTable(trailer: "/Root 1 0 R")
        let small = try PDFFile(bytes: builder.bytes, limits: limits)
        let stream = PDFStream(
            dictionary: PDFDictionary(["Filter": .name("FlateDecode")]),
            encoded: TestCompression.deflate(Array([[UInt8]](repeating: Self.text, count: 12).joined()), format: .zlib)[
                ...])
        #expect { try small.data(of: stream).count } throws: {
            ($0 as? PDFError)?.limit?.name == "maxStreamBytes"
        }
        let plain = PDFStream(dictionary: PDFDictionary(), encoded: [UInt8](repeating: 1, count: 100_001)[...])
        #expect { try small.data(of: plain).count } throws: { ($0 as? PDFError)?.limit?.name == "maxStreamBytes" }
    }

    // MARK: Predictors

    @Test func pngPredictorsUndoEachRowsFilterType() throws {
        // Columns 3, one 8-bit component: None, Sub, Up, Average, Paeth.
        let rows: [UInt8] = [0, 10, 20, 30, 1, 1, 1, 1, 2, 1, 1, 1, 3, 1, 1, 1, 4, 1, 1, 1]
        let expected: [UInt8] = [10, 20, 30, 1, 2, 3, 2, 3, 4, 2, 3, 4, 3, 4, 5]
        let encoded = TestCompression.deflate(rows, format: .zlib)
        #expect(
            try decode(encoded, "<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 3 >> >>") == expected)
        #expect(
            try decode(encoded, "<< /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 3 >> >>") == expected)
    }

    @Test func pngPredictorsStepByWholePixels() throws {
        // Two RGB pixels per row, Sub: each component adds the same component of the pixel to its left.
        let rows: [UInt8] = [1, 10, 20, 30, 1, 2, 3]
        let encoded = TestCompression.deflate(rows, format: .zlib)
        let dictionary = "<< /Filter /FlateDecode /DecodeParms << /Predictor 11 /Colors 3 /Columns 2 >> >>"
        #expect(try decode(encoded, dictionary) == [10, 20, 30, 11, 22, 33])
    }

    @Test func aPartialFinalPNGRowIsDecodedAsFarAsItGoes() {
        #expect(PDFPredictor.png([2, 1, 2, 3, 2, 1], rowBytes: 3, pixelBytes: 1) == [1, 2, 3, 2])
    }

    @Test func tiffPredictor2AddsTheComponentToTheLeft() throws {
        let gray = TestCompression.deflate([10, 1, 1, 1, 5, 5, 5, 5], format: .zlib)
        #expect(
            try decode(gray, "<< /Filter /FlateDecode /DecodeParms << /Predictor 2 /Columns 4 >> >>")
                == [10, 11, 12, 13, 5, 10, 15, 20])
        let rgb = TestCompression.deflate([1, 2, 3, 1, 1, 1], format: .zlib)
        #expect(
            try decode(rgb, "<< /Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 3 /Columns 2 >> >>")
                == [1, 2, 3, 2, 3, 4])
        #expect(PDFPredictor.tiff([0x11, 0x11], rowBytes: 2, colors: 1, bitsPerComponent: 4) == [0x12, 0x34])
        #expect(
            PDFPredictor.tiff([0x00, 0x01, 0x00, 0x02], rowBytes: 4, colors: 1, bitsPerComponent: 16) == [0, 1, 0, 3])
    }

    @Test func predictorParametersOutOfRangeAreMalformed() {
        let encoded = TestCompression.deflate([0, 1, 2], format: .zlib)
        #expect {
            try decode(encoded, "<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /BitsPerComponent 3 >> >>")
        } throws: { ($0 as? PDFError)?.code == .malformed }
    }

    // MARK: ASCII filters

    @Test func ascii85DecodesGroupsZAndTheEndMarker() throws {
        #expect(
            try decode(Array("87cURD_*#TDfTZ)+T~>".utf8), "<< /Filter /ASCII85Decode >>") == Array("Hello, world!".utf8)
        )
        #expect(try decode(Array("z9jqo^Bla~>".utf8), "<< /Filter /A85 >>") == [0, 0, 0, 0] + Array("Man is".utf8))
        #expect(try decode(Array("<~@:E^~>".utf8), "<< /Filter /A85 >>") == Array("abc".utf8))
        #expect(try decode(Array("@:\n E^~>junk".utf8), "<< /Filter /A85 >>") == Array("abc".utf8))
        #expect { try decode(Array("@:E{~>".utf8), "<< /Filter /A85 >>") } throws: {
            ($0 as? PDFError)?.code == .malformed
        }
    }

    @Test func asciiHexSkipsWhiteSpaceAndStopsAtTheEndMarker() throws {
        #expect(try decode(Array("48 65\n6c6C 6f>4142".utf8), "<< /Filter /ASCIIHexDecode >>") == Array("Hello".utf8))
        #expect(try decode(Array("414>".utf8), "<< /Filter /AHx >>") == [0x41, 0x40])
    }

    @Test func filterChainsApplyInOrder() throws {
        let deflated = TestCompression.deflate(Self.text, format: .zlib)
        let hex =
            Array(
                deflated.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
                    .joined().utf8) + [0x3E]
        #expect(try decode(hex, "<< /Filter [/AHx /Fl] >>") == Self.text)
    }

    // MARK: LZW and RunLength

    @Test func lzwDecodesTheSpecificationsExample() throws {
        let encoded: [UInt8] = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01]
        #expect(try decode(encoded, "<< /Filter /LZWDecode >>") == Array("-----A---B".utf8))
        #expect(try decode(encoded, "<< /Filter /LZW >>") == Array("-----A---B".utf8))
    }

    @Test(arguments: [true, false])
    func lzwRoundTripsThroughTableResetsWithEitherEarlyChange(_ earlyChange: Bool) throws {
        var state: UInt64 = 42
        let data = (0..<60_000).map { index -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 59) + 0x41 : Self.text[index % Self.text.count]
        }
        let encoded = LZWEncoder.encode(data, earlyChange: earlyChange)
        let parameters = earlyChange ? "" : "/DecodeParms << /EarlyChange 0 >>"
        #expect(try decode(encoded, "<< /Filter /LZWDecode \(parameters) >>") == data)
    }

    @Test func runLengthCopiesAndRepeats() throws {
        let encoded: [UInt8] = [2, 0x41, 0x42, 0x43, 254, 0x2A, 0, 0x5A, 128, 0x41]
        #expect(try decode(encoded, "<< /Filter /RunLengthDecode >>") == Array("ABC***Z".utf8))
        #expect(try decode(encoded, "<< /Filter /RL >>") == Array("ABC***Z".utf8))
    }

    // MARK: Unsupported

    @Test(arguments: ["DCTDecode", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode", "NoSuchDecode"])
    func imageAndUnknownFiltersAreUnsupported(_ name: String) {
        #expect { try decode([1, 2, 3], "<< /Filter /\(name) >>") } throws: {
            ($0 as? PDFError)?.code == .unsupported
        }
    }
}

/// A PDF LZW encoder (7.4.4.2), mirroring the decoder's code widths, for round trips.
enum LZWEncoder {
    static func encode(_ data: [UInt8], earlyChange: Bool) -> [UInt8] {
        let early = earlyChange ? 1 : 0
        func width(_ reach: Int) -> Int { reach >= 2048 ? 12 : reach >= 1024 ? 11 : reach >= 512 ? 10 : 9 }
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var count = 0
        func write(_ code: Int, _ bits: Int) {
            buffer = buffer << UInt32(bits) | UInt32(code)
            count += bits
            while count >= 8 {
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(count - 8)))
                count -= 8
            }
        }
        var table: [[UInt8]: Int] = [:]
        func reset() {
            table = [:]
            for byte in 0..<256 { table[[UInt8(byte)]] = byte }
        }
        reset()
        var next = 258
        var bits = 9
        write(256, bits)
        var word: [UInt8] = []
        for byte in data {
            if word.isEmpty {
                word = [byte]
                continue
            }
            if table[word + [byte]] != nil {
                word.append(byte)
                continue
            }
            write(table[word]!, bits)
            table[word + [byte]] = next
            next += 1
            bits = width(next - 1 + early)
            word = [byte]
            if next >= 4000 {
                write(256, bits)
                reset()
                next = 258
                bits = 9
            }
        }
        if !word.isEmpty {
            write(table[word]!, bits)
            bits = width(next + early)
        }
        write(257, bits)
        if count > 0 { output.append(UInt8(truncatingIfNeeded: buffer << UInt32(8 - count))) }
        return output
    }
}
