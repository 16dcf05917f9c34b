/// Why an index could not be built, opened, saved or queried.
///
/// Codes are a struct over a private enum, so adding a code breaks no caller.
public struct IndexError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case io, notAnIndex, unsupportedVersion, truncated, corrupt, invalidQuery, invalidConfiguration,
                encodingMismatch, tooLarge, unknownDocument, input
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file could not be opened, read, mapped or written (the system error is in the message).
        public static let io = Code(.io)
        /// The file does not start with Folio's index signature.
        public static let notAnIndex = Code(.notAnIndex)
        /// The file was written by a format version this build cannot read.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The file is shorter than its header says: it was cut off while being written or copied.
        public static let truncated = Code(.truncated)
        /// A checksum does not match or a structure points outside its section.
        public static let corrupt = Code(.corrupt)
        /// The query has nothing to search for, or a quote is not closed.
        public static let invalidQuery = Code(.invalidQuery)
        /// A parameter is out of range (BM25 `k1`, `b`, a boost, a budget, a template).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Chunks counted in one encoding were offered to an index that records another
        /// (``IndexBuilder/add(path:document:chunker:)``): its token counts would be wrong.
        public static let encodingMismatch = Code(.encodingMismatch)
        /// The collection passes a limit of the format (4 GiB of text per document, 2³² chunks).
        public static let tooLarge = Code(.tooLarge)
        /// A document filter names a document the index does not hold.
        public static let unknownDocument = Code(.unknownDocument)

        /// A document could not be read or cut into chunks (the reason is in the message).
        public static let input = Code(.input)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The error that caused this one (a file-system error), if any. Not part of equality.
    public var underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }

    /// Equal when code and message are: the underlying error explains, it does not identify.
    public static func == (lhs: IndexError, rhs: IndexError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
