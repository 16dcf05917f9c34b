import FolioModel
import FolioCache
import FolioTestSupport
import Testing

/// The cache's content hash (swift-crypto behind ``SHA256Digest/init(hashing:)`` and
/// `SHA256Hasher`): the NIST vectors, and incremental updates equal to one shot.
struct SHA256Tests {
    /// FIPS 180-4 / NIST CAVP example messages and their digests.
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            """
            abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn\
            hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu
            """,
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test(arguments: vectors)
    func matchesTheNISTVectors(_ message: String, _ digest: String) {
        #expect(SHA256Digest(hashing: Array(message.utf8)).hex == digest)
    }

    @Test func matchesTheOneMillionAVector() {
        let digest = SHA256Digest(hashing: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesAtRandomSplitsEqualOneShot() {
        let seed: UInt64 = 0x5EED_5A25
        var random = SplitMix64(seed: seed)
        // Lengths around the block size and the padding boundary (55, 56, 64) as well as larger ones.
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1_000, 4_097, 70_001] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let oneShot = SHA256Digest(hashing: message)
            for _ in 0..<8 {
                var hasher = SHA256Hasher()
                var offset = 0
                while offset < message.count {
                    // Empty updates included: they must change nothing.
                    let size = Int.random(in: 0...min(message.count - offset, 150), using: &random)
                    hasher.update(message[offset..<(offset + size)])
                    offset += size
                }
                hasher.update([UInt8]())
                #expect(hasher.finalize() == oneShot, "length \(length), seed \(seed)")
            }
        }
    }

    @Test func updatesFromNonContiguousCollectionsEqualArrays() {
        let message = Array("the quick brown fox jumps over the lazy dog, again and again".utf8)
        var hasher = SHA256Hasher()
        hasher.update(message.lazy.map { $0 })  // no contiguous storage: the copying path
        #expect(hasher.finalize() == SHA256Digest(hashing: message))
    }

    @Test func hexRoundTrips() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<32 {
            let digest = SHA256Digest(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
            #expect(digest.hex.count == 64)
            #expect(digest.hex == digest.hex.lowercased())
            #expect(SHA256Digest(hex: digest.hex) == digest)
            #expect(SHA256Digest(hex: digest.hex.uppercased()) == digest)
        }
    }

    @Test(arguments: [
        "", "abc", String(repeating: "0", count: 63), String(repeating: "0", count: 65),
        String(repeating: "g", count: 64),
    ])
    func malformedHexIsRejected(_ text: String) {
        #expect(SHA256Digest(hex: text) == nil)
    }
}
