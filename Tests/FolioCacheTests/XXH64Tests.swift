import FolioCache
import FolioTestSupport
import Testing

struct XXH64Tests {
    /// xxHash's sanity-check input: byte *i* is the top byte of `2654435761 × 11400714785074694797^i`
    /// (mod 2⁶⁴), so tests in any language hash the same bytes.
    static let sanityBuffer: [UInt8] = {
        var generator: UInt64 = 2_654_435_761
        return (0..<(4_096 + 64 + 1)).map { _ in
            defer { generator &*= 11_400_714_785_074_694_797 }
            return UInt8(truncatingIfNeeded: generator >> 56)
        }
    }()

    static let prime32Seed: UInt64 = 2_654_435_761

    /// (length of the sanity buffer's prefix, seed, hash). Lengths 0, 1, 14 and 222 are xxHash's
    /// published sanity vectors; the others, chosen around the 4-, 8- and 32-byte steps, come from
    /// the reference implementation (libxxhash 0.8.1).
    static let vectors: [(length: Int, seed: UInt64, hash: UInt64)] = [
        (0, 0, 0xEF46_DB37_51D8_E999), (0, prime32Seed, 0xAC75_FDA2_929B_17EF),
        (1, 0, 0xE934_A84A_DB05_2768), (1, prime32Seed, 0x5014_6076_43A9_B4C3),
        (14, 0, 0x8282_DCC4_994E_35C8), (14, prime32Seed, 0xC3BD_6BF6_3DEB_6DF0),
        (222, 0, 0xB641_AE8C_B691_C174), (222, prime32Seed, 0x20CB_8AB7_AE10_C14A),
        (3, 0, 0xFF7E_1959_CB50_794A), (4, 0, 0x9136_A0DC_A574_57EE), (8, 0, 0xCDBC_F538_E71D_1348),
        (31, 0, 0x299B_39A2_90E6_D783), (32, 0, 0x18B2_1649_2BB4_4B70), (33, 0, 0x55C8_DC3E_578F_5B59),
        (63, 0, 0xA9EF_BE0F_A0F3_F4E7), (64, 0, 0xEF55_8F8A_CAC2_B5CD), (100, 0, 0x4BFE_019C_D91D_9EA4),
        (4_161, 0, 0xCD3D_6DF2_DB50_9A75), (4_161, prime32Seed, 0x2394_CB79_E973_68D1),
    ]

    @Test(arguments: vectors)
    func matchesTheReferenceVectors(_ length: Int, _ seed: UInt64, _ hash: UInt64) {
        #expect(XXH64.hash(Self.sanityBuffer.prefix(length), seed: seed) == hash)
    }

    @Test func matchesTheReferenceForText() {
        #expect(XXH64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
    }

    /// Entries hash segments in place, at any offset of the file: loads must not assume alignment.
    @Test func aSliceAtAnyOffsetHashesAsItsCopy() {
        let bytes = randomBytes(300, seed: 41)
        for start in 0..<9 {
            for end in [start, start + 1, start + 31, start + 32, start + 33, 300] {
                #expect(
                    XXH64.hash(bytes[start..<end]) == XXH64.hash(Array(bytes[start..<end])), "bytes \(start)..<\(end)")
            }
        }
    }

    @Test func everyFlippedBitChangesTheHash() {
        let bytes = randomBytes(300, seed: 43)
        let pristine = XXH64.hash(bytes)
        for position in bytes.indices {
            for bit in 0..<8 {
                var damaged = bytes
                damaged[position] ^= 1 << bit
                #expect(XXH64.hash(damaged) != pristine, "bit \(bit) of byte \(position)")
            }
        }
    }
}
