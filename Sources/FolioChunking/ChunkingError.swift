/// Why chunking could not start or go on.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller.
public struct ChunkingError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case budgetOutOfRange, overlapTooLarge, input, cancelled }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// `maxTokens` is outside 16...1,000,000.
        public static let budgetOutOfRange = Code(.budgetOutOfRange)
        /// `overlapTokens` is negative or more than half of `maxTokens`.
        public static let overlapTooLarge = Code(.overlapTooLarge)
        /// The input could not be read (the ingestion error is in ``ChunkingError/underlying``).
        public static let input = Code(.input)
        /// The consumer stopped or its task was cancelled.
        public static let cancelled = Code(.cancelled)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    public static func == (lhs: ChunkingError, rhs: ChunkingError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
