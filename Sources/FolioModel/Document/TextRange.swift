/// A half-open range of Unicode-scalar offsets into a document's text.
///
/// Offsets count Unicode scalars (what Python's `len(str)` counts), so `text[start:end]` in Python and
/// `text.unicodeScalars` sliced at the same offsets in Swift give the same characters.
public struct TextRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    /// - Precondition: `0 <= start <= end`.
    public init(start: Int, end: Int) {
        precondition(0 <= start && start <= end, "a text range needs 0 <= start <= end, got \(start)..<\(end)")
        self.start = start
        self.end = end
    }

    /// The number of Unicode scalars in the range.
    public var count: Int { end - start }
    public var isEmpty: Bool { start == end }

    public static func < (lhs: TextRange, rhs: TextRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "\(start)..<\(end)" }
}
