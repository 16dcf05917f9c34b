// Performance notes
// SHA-256 names every cached source, so a cold ingest hashes every byte it reads. Measured on
// 2026-12-07 over 100 MB of random bytes, release build, one process, best of six rounds (AMD EPYC
// with SHA extensions; BENCHMARKS.md, "SHA-256"): the hand-written FIPS 180-4 code this file held
// until then ran at 265 MB/s, swift-crypto (BoringSSL, which uses the SHA extensions) at 1,810 MB/s,
// 6.8× — so swift-crypto it is, and the hand-written code went. Warm lookups of files do not hash at
// all (``FileDigestMemo``).
internal import Crypto

/// A SHA-256 digest: the content address of cached sources.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The 32 bytes, big-endian words in order.
    public let bytes: [UInt8]

    /// - Precondition: `bytes.count == 32`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes, not \(bytes.count)")
        self.bytes = bytes
    }

    /// Parses 64 hexadecimal digits.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// Lower-case hexadecimal, 64 digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension SHA256Digest {
    /// The SHA-256 digest of `bytes`.
    public init(hashing bytes: some Collection<UInt8>) {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        self = hasher.finalize()
    }
}

/// Incremental SHA-256 over swift-crypto, for content read in pieces.
///
/// ```swift
/// var hasher = SHA256Hasher()
/// hasher.update(firstBlock)
/// hasher.update(secondBlock)
/// let digest = hasher.finalize()
/// ```
package struct SHA256Hasher: Sendable {
    private var function = Crypto.SHA256()

    package init() {}

    /// Feeds more bytes.
    package mutating func update(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ function.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil
        {
            Array(bytes).withUnsafeBytes { function.update(bufferPointer: $0) }
        }
    }

    /// Feeds more bytes.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        function.update(bufferPointer: bytes)
    }

    /// Finishes and returns the digest.
    package consuming func finalize() -> SHA256Digest {
        SHA256Digest(bytes: Array(function.finalize()))
    }
}
