/// An opaque byte payload and the tokens it stands for: the simplest ``CacheableValue``.
///
/// A gateway caches whatever it derives from a document (a rendered prompt, a serialized response)
/// without defining a value type of its own; tests use it as a value whose content is easy to check.
///
/// ```swift
/// let lookup = try await cache.value(for: key) { CachedBytes(bytes: rendered, tokenCount: 1_812) }
/// ```
///
/// Stored as one segment, `"bytes"`; the token count travels in the entry's header.
public struct CachedBytes: CacheableValue, Hashable {
    /// The name of the one segment an entry of this value holds.
    public static let segmentName = "bytes"

    public var bytes: [UInt8]
    public var tokenCount: Int

    /// - Precondition: `tokenCount >= 0`.
    public init(bytes: [UInt8], tokenCount: Int) {
        precondition(tokenCount >= 0, "a token count is ≥ 0, not \(tokenCount)")
        self.bytes = bytes
        self.tokenCount = tokenCount
    }

    /// The payload's size: the memory tier counts the bytes, not the array's few bytes of header.
    public var residentByteCount: Int { bytes.count }

    public func cacheSegments() -> [CacheSegment] { [CacheSegment(name: Self.segmentName, bytes: bytes)] }

    /// Inflates the payload at once (it is the whole value, so there is nothing to defer).
    ///
    /// - Throws: ``CacheError/Code/corrupt`` when the entry has no `"bytes"` segment or it does not inflate.
    public init(cacheSegments: CachedSegments) throws(CacheError) {
        bytes = try cacheSegments.bytes(of: Self.segmentName)
        tokenCount = cacheSegments.tokenCount
    }
}
