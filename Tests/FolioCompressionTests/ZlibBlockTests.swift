import FolioModel
import FolioCompression
import FolioTestSupport
import Testing

struct ZlibBlockTests {
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Random bytes do not compress; repetitive text does: both paths of deflate.
    static let samples: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("one byte", [0x42]),
        ("random", randomBytes(100_000, seed: 11)),
        ("text", InflaterTests.sample(200_000)),
    ]

    @Test(arguments: [0, 1, 6, 9])
    func roundTripsAtEveryLevel(_ level: Int) throws {
        for sample in Self.samples {
            let compressed = ZlibBlock.compress(sample.bytes, level: level)
            #expect(
                try ZlibBlock.decompress(compressed, byteCount: sample.bytes.count) == sample.bytes, "\(sample.name)")
            // A slice (non-zero start index) inflates the same.
            let padded = [0xFF] + compressed
            #expect(
                try ZlibBlock.decompress(padded[1...], byteCount: sample.bytes.count) == sample.bytes, "\(sample.name)")
        }
    }

    @Test(arguments: [-1, 1, 1_000])
    func aWrongByteCountIsCorrupt(_ delta: Int) {
        let original = InflaterTests.sample(20_000)
        let compressed = ZlibBlock.compress(original)
        let error = #expect(throws: CompressionError.self) {
            try ZlibBlock.decompress(compressed, byteCount: original.count + delta)
        }
        #expect(error?.code == .corrupt)
    }

    @Test func aTruncatedBlockIsCorrupt() {
        for sample in Self.samples.dropFirst() {
            let compressed = ZlibBlock.compress(sample.bytes)
            for length in [0, 1, 2, compressed.count / 2, compressed.count - 4, compressed.count - 1] {
                let error = #expect(throws: CompressionError.self, "\(sample.name) cut to \(length)") {
                    try ZlibBlock.decompress(compressed.prefix(length), byteCount: sample.bytes.count)
                }
                #expect(error?.code == .corrupt)
            }
        }
    }

    @Test func trailingBytesAreCorrupt() {
        let original = InflaterTests.sample(5_000)
        let error = #expect(throws: CompressionError.self) {
            try ZlibBlock.decompress(ZlibBlock.compress(original) + [0], byteCount: original.count)
        }
        #expect(error?.code == .corrupt)
    }

    /// Flips bytes the stream depends on: the header's method byte, the deflate data, the Adler-32
    /// trailer. (Not every bit of a zlib stream is checked: FLEVEL, stored-block padding and the bits
    /// after the last block are ignored, which is why cache entries carry CRC-32s of their own.)
    @Test func aFlippedByteIsCorrupt() {
        var random = SplitMix64(seed: 23)
        for sample in Self.samples.dropFirst(2) {
            let compressed = ZlibBlock.compress(sample.bytes)
            let trailer = (compressed.count - 4)..<compressed.count
            let interior = (0..<16).map { _ in Int.random(in: 8..<(compressed.count - 8), using: &random) }
            for position in [0] + interior + Array(trailer) {
                var damaged = compressed
                damaged[position] ^= 0xFF
                let error = #expect(throws: CompressionError.self, "\(sample.name), byte \(position)") {
                    try ZlibBlock.decompress(damaged, byteCount: sample.bytes.count)
                }
                #expect(error?.code == .corrupt)
            }
        }
    }
}
