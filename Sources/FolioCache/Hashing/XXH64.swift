// Performance notes
// Written for the disk tier's hot path: a disk hit verifies every byte of the entry before serving
// it, and a 2,000,000-character Chinese document's entry is 17.7 MB. zlib's CRC-32 (1.2.13, no
// PCLMUL) ran at ~4.2 GB/s here: 4.2 ms for that entry, against a 5 ms budget for the whole hit.
// This is XXH64 by its specification (four 64-bit lanes over 32-byte stripes, one multiply per
// 8 bytes), scalar Swift over an `UnsafeRawBufferPointer` with unaligned little-endian loads and
// wrapping arithmetic. Release build, AMD EPYC: 14.7 GB/s on a 2.1 MB entry (0.14 ms), 14 GB/s on
// the 17.7 MB one (1.2 ms). Hardware CRC-32C or a SIMD hash (XXH3) would need a C target or
// intrinsics; not needed at this speed.

/// XXH64, the 64-bit non-cryptographic hash of xxHash (specification `xxhash_spec.md`, v0.1.1).
///
/// Detects accidental damage (a flipped bit, a torn or truncated write), not tampering: it is
/// the checksum of disk cache entries, whose keys are SHA-256 content digests.
///
/// - Complexity: O(*n*), about one multiply per 8 bytes.
package enum XXH64 {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The hash of `bytes` with `seed`.
    package static func hash(_ bytes: some Collection<UInt8>, seed: UInt64 = 0) -> UInt64 {
        if let result = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0), seed: seed) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { hash($0, seed: seed) }
    }

    /// The hash of `bytes` with `seed`.
    ///
    /// Method (the specification's steps):
    /// 1. Four accumulators consume 32-byte stripes, each lane of 8 bytes with ``round(_:_:)``.
    /// 2. They converge into one (rotated and summed, then each merged), or the input is shorter
    ///    than a stripe and the accumulator starts from `seed + prime5`.
    /// 3. The length is added, the remaining 8-, 4- and 1-byte pieces are mixed in, and the result
    ///    is avalanched.
    package static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return avalanche(seed &+ prime5) }
        var offset = 0
        var accumulator: UInt64
        if count >= 32 {
            var lane1 = seed &+ prime1 &+ prime2
            var lane2 = seed &+ prime2
            var lane3 = seed
            var lane4 = seed &- prime1
            let stripeEnd = count - 32
            while offset <= stripeEnd {
                lane1 = round(lane1, load64(base, offset))
                lane2 = round(lane2, load64(base, offset + 8))
                lane3 = round(lane3, load64(base, offset + 16))
                lane4 = round(lane4, load64(base, offset + 24))
                offset += 32
            }
            accumulator = lane1.rotatedLeft(1) &+ lane2.rotatedLeft(7) &+ lane3.rotatedLeft(12) &+ lane4.rotatedLeft(18)
            accumulator = merge(accumulator, lane1)
            accumulator = merge(accumulator, lane2)
            accumulator = merge(accumulator, lane3)
            accumulator = merge(accumulator, lane4)
        } else {
            accumulator = seed &+ prime5
        }
        accumulator &+= UInt64(count)
        while count - offset >= 8 {
            accumulator ^= round(0, load64(base, offset))
            accumulator = accumulator.rotatedLeft(27) &* prime1 &+ prime4
            offset += 8
        }
        if count - offset >= 4 {
            let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            accumulator ^= UInt64(word) &* prime1
            accumulator = accumulator.rotatedLeft(23) &* prime2 &+ prime3
            offset += 4
        }
        while offset < count {
            accumulator ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
            accumulator = accumulator.rotatedLeft(11) &* prime1
            offset += 1
        }
        return avalanche(accumulator)
    }

    @inline(__always)
    private static func load64(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        (accumulator &+ lane &* prime2).rotatedLeft(31) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        (accumulator ^ round(0, lane)) &* prime1 &+ prime4
    }

    @inline(__always)
    private static func avalanche(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= prime2
        hash ^= hash >> 29
        hash &*= prime3
        hash ^= hash >> 32
        return hash
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
