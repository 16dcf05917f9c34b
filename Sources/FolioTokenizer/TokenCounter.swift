/// Counts tokens of text that arrives piece by piece, without re-tokenizing from the start.
///
/// Appending can only change the pre-tokens whose boundaries depended on the end of the text (in
/// practice the last one, sometimes the one before it); every earlier pre-token is final. The counter
/// keeps the tokens of final pre-tokens as a number and only the bytes from the first unsettled
/// pre-token onwards, so each append costs time proportional to the appended text plus that short tail.
///
/// ```swift
/// var counter = TokenCounter(tokenizer: tokenizer)
/// for sentence in sentences {
///     counter.append(sentence)
///     if counter.tokenCount > budget { … }
/// }
/// ```
///
/// ``tokenCount`` always equals `tokenizer.count(everything appended)` (ordinary text: special tokens
/// are not recognised).
///
/// - Complexity: ``append(_:)`` is O(*n* + *t*) for *n* appended bytes and a tail of *t* bytes;
///   ``tokenCount`` is O(*t*). The tail is one pre-token, which is short except in degenerate text
///   (megabytes without a space).
public struct TokenCounter: Sendable {
    public let tokenizer: BPETokenizer
    /// Tokens of the settled pre-tokens.
    private var settledTokenCount = 0
    /// Bytes from the start of the first unsettled pre-token.
    private var tail: [UInt8] = []
    /// Total UTF-8 bytes appended.
    public private(set) var byteCount = 0

    public init(tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
    }

    /// Appends text.
    public mutating func append(_ text: some StringProtocol) {
        let before = tail.count
        tail.append(contentsOf: text.utf8)
        byteCount += tail.count - before
        if tail.count > before { settle() }
    }

    /// Appends UTF-8 bytes (valid UTF-8 cut at scalar boundaries, as the chunker hands them on).
    package mutating func append(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        tail.append(contentsOf: bytes)
        byteCount += bytes.count
        settle()
    }

    /// Counts the pre-tokens no appended text can change and drops their bytes.
    private mutating func settle() {
        let settled = tail.withUnsafeBufferPointer { buffer in
            tokenizer.countStablePrefix(buffer.baseAddress!, buffer.count, tokens: &settledTokenCount)
        }
        if settled > 0 { tail.removeSubrange(0..<settled) }
    }

    /// The exact token count of everything appended so far.
    public var tokenCount: Int {
        guard !tail.isEmpty else { return settledTokenCount }
        return tail.withUnsafeBufferPointer { buffer in
            var sink = CountingSink()
            tokenizer.encodeOrdinary(buffer.baseAddress!, buffer.count, into: &sink)
            return settledTokenCount + sink.count
        }
    }

    /// The exact token count there would be after appending `text`, leaving the counter unchanged.
    public func tokenCount(afterAppending text: some StringProtocol) -> Int {
        var copy = self
        copy.append(text)
        return copy.tokenCount
    }

    /// Forgets everything appended.
    public mutating func reset() {
        settledTokenCount = 0
        tail.removeAll(keepingCapacity: true)
        byteCount = 0
    }
}
