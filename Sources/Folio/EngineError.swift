/// Why the engine could not ingest, search or pack: one error for everything a gateway calls.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller. A gateway maps
/// them to statuses: ``Code/input`` and ``Code/invalidRequest`` to 4xx, ``Code/limit`` to 413,
/// ``Code/overloaded`` to 503 with ``retryAfter``, ``Code/cancelled`` to 499, ``Code/cache`` and
/// ``Code/invalidConfiguration`` to 5xx.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case input, limit, overloaded, cancelled, cache, invalidConfiguration, invalidRequest
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A document is unreadable, of no supported format, or malformed (the file is named).
        public static let input = Code(.input)
        /// A limit was passed: ``EngineConfiguration/maxInputBytes``, an ingest limit (decompressed
        /// bytes, compression ratio, nesting depth), or the index format's size limits.
        public static let limit = Code(.limit)
        /// The worker pool did not admit the work; retry after ``EngineError/retryAfter``.
        public static let overloaded = Code(.overloaded)
        /// The calling task was cancelled (or the pool is cancelling its work).
        public static let cancelled = Code(.cancelled)
        /// The cache directory could not be used, or a cached part failed to decode on first use
        /// (the entry is then discarded from both tiers: ingesting again recomputes the document).
        public static let cache = Code(.cache)
        /// ``Engine/init(configuration:)`` was given a value out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A call's arguments cannot be served: a query with nothing to search, a budget or window
        /// out of range, a session naming no service class of the pool, no documents.
        public static let invalidRequest = Code(.invalidRequest)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// When to retry, for ``Code/overloaded``.
    public var retryAfter: Duration?
    /// The document the error is about (a path or the name given to the engine), when there is one.
    public var documentName: String?
    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, retryAfter: Duration? = nil, documentName: String? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.documentName = documentName
        self.underlying = underlying
    }

    public var description: String { message }
}
