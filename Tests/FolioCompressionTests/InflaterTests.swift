import FolioModel
import FolioCompression
import FolioTestSupport
import Testing

struct InflaterTests {
    static func sample(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        let words = ["revenue ", "grew ", "12% ", "中文 ", "\n", "the ", "agreement "]
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += Array(words.randomElement(using: &random)!.utf8) }
        return Array(bytes.prefix(count))
    }

    @Test(arguments: [(Inflater.Format.gzip, TestCompression.Format.gzip), (.zlib, .zlib), (.raw, .raw)])
    func roundTripsInRandomBlocks(_ format: Inflater.Format, _ testFormat: TestCompression.Format) throws {
        let original = Self.sample(300_000)
        let compressed = TestCompression.deflate(original, format: testFormat)
        var random = SplitMix64(seed: 9)
        let inflater = try Inflater(format: format)
        var output: [UInt8] = []
        var index = 0
        while index < compressed.count {
            let size = Int.random(in: 1...5_000, using: &random)
            let block = Array(compressed[index..<min(compressed.count, index + size)])
            try block.withUnsafeBytes { raw in try inflater.inflate(raw) { output.append(contentsOf: $0) } }
            index += size
        }
        try inflater.finish()
        #expect(output == original)
        #expect(inflater.outputByteCount == original.count)
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let first = Self.sample(1_000, seed: 1)
        let second = Self.sample(2_000, seed: 2)
        let joined = TestCompression.deflate(first) + TestCompression.deflate(second)
        #expect(try Inflater.inflate(joined, format: .gzip, maxOutputBytes: 10_000) == first + second)
    }

    @Test func aTruncatedStreamIsAnError() {
        let compressed = TestCompression.deflate(Self.sample(50_000))
        let error = #expect(throws: CompressionError.self) {
            try Inflater.inflate(compressed.prefix(compressed.count * 6 / 10), format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(error?.code == .truncated)
    }

    @Test func corruptDataIsAnError() {
        var compressed = TestCompression.deflate(Self.sample(50_000))
        for index in stride(from: 20, to: compressed.count - 10, by: 97) { compressed[index] ^= 0x5A }
        let error = #expect(throws: CompressionError.self) {
            try Inflater.inflate(compressed, format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(error?.code == .corrupt)
    }

    @Test func theOutputLimitStopsABomb() {
        let bomb = TestCompression.deflate([UInt8](repeating: 0, count: 20 << 20), level: 9)
        #expect(bomb.count < 100_000)
        let error = #expect(throws: CompressionError.self) {
            try Inflater.inflate(bomb, format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(error?.code == .outputLimitExceeded)
        #expect(error?.message.contains("1048576") == true)
    }

    @Test func trailingGarbageIsAnError() {
        let compressed = TestCompression.deflate(Self.sample(1_000)) + [0x00, 0x01, 0x02]
        let error = #expect(throws: CompressionError.self) {
            try Inflater.inflate(compressed, format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(error?.code == .trailingData)
    }

    @Test func gzipMagic() {
        #expect(Inflater.isGzip([0x1F, 0x8B, 0x08]))
        #expect(!Inflater.isGzip([0x1F]))
        #expect(!Inflater.isGzip(Array("plain".utf8)))
    }

    @Test(.tags(.corpus), .enabled(if: SharedCorpora.isAvailable))
    func hostileGzipFiles() throws {
        let truncated = #expect(throws: CompressionError.self) {
            try Inflater.inflate(
                SharedCorpora.bytes("corpora/hostile/truncated.txt.gz"), format: .gzip, maxOutputBytes: 1 << 20)
        }
        #expect(truncated?.code == .truncated)
        // 1 GiB of zeros: refused at the limit while streaming, without inflating the rest.
        let inflater = try Inflater(format: .gzip, maxOutputBytes: 64 << 20)
        let bomb = try SharedCorpora.bytes("corpora/hostile/gzip_bomb_1GiB_zeros.txt.gz")
        var kept = 0
        let error = #expect(throws: CompressionError.self) {
            try bomb.withUnsafeBytes { raw in try inflater.inflate(raw) { kept += $0.count } }
        }
        #expect(error?.code == .outputLimitExceeded)
        #expect(kept <= 64 << 20)
        let contract = try Inflater.inflate(
            SharedCorpora.bytes(
                """
                corpora/gzip/\
                PhasebioPharmaceuticalsInc_20200330_10-K_EX-10.21_12086810_EX-10.21_Development Agreement.txt.gz
                """
            ),
            format: .gzip, maxOutputBytes: 1 << 24)
        #expect(
            contract
                == (try SharedCorpora.bytes(
                    """
                    corpora/contracts/txt/\
                    PhasebioPharmaceuticalsInc_20200330_10-K_EX-10.21_12086810_EX-10.21_Development Agreement.txt
                    """
                )))
    }
}
