/// Why the engine could not ingest, search or pack: one error for everything a gateway calls.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller. Each code maps to one
/// HTTP status — 4xx only for what the caller did, 429 with ``retryAfter`` for busy, 503 for a
/// stopping engine, 500 for Folio's own faults: the table is in the Folio catalog, "Errors and HTTP
/// statuses".
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case input, unsupportedFormat, limit, overloaded, shuttingDown, cancelled, cache, invalidConfiguration,
                invalidRequest, unexpected
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A document is unreadable or malformed: a corrupt container or compression stream, markup
        /// with a forbidden declaration, an input stream that failed (the file is named).
        public static let input = Code(.input)
        /// A document is of a kind Folio does not read: an image, an executable, an archive that is
        /// neither DOCX nor ODT, bytes that are not plausibly text, a PDF encrypted with a user password
        /// or one with no text layer (a scan: OCR is not supported). The file is named, and what it
        /// looks like.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// A limit was passed: ``EngineConfiguration/maxInputBytes``, an ingest limit (decompressed
        /// bytes, compression ratio, nesting depth), or the index format's size limits.
        public static let limit = Code(.limit)
        /// The worker pool did not admit the work; retry after ``EngineError/retryAfter``.
        public static let overloaded = Code(.overloaded)
        /// The engine is shutting down (``Engine/shutdown(_:)``): it admits nothing new, and a
        /// cancelling shutdown ends the work it holds. Not a reason to retry here.
        public static let shuttingDown = Code(.shuttingDown)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The cache directory could not be used, or a cached part failed to decode on first use
        /// (the entry is then discarded from both tiers: ingesting again recomputes the document).
        public static let cache = Code(.cache)
        /// ``Engine/init(configuration:)`` was given a value out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A call's arguments cannot be served: a query with nothing to search, a budget or window
        /// out of range, a session naming no service class of the pool, no documents, an index
        /// counted in another encoding.
        public static let invalidRequest = Code(.invalidRequest)
        /// An error Folio did not anticipate (``EngineError/underlying`` holds it): a fault on
        /// Folio's side, never the caller's input. Worth a bug report.
        public static let unexpected = Code(.unexpected)

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
