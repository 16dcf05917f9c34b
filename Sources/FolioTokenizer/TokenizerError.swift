/// Why a tokenizer could not be loaded or an id sequence could not be decoded.
public struct TokenizerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch over; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case unknownEncoding, rankFileUnreadable, rankFileCorrupt, resourceMissing, unknownTokenID,
                invalidSpecialTokens
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The name is neither a built-in encoding nor a readable rank file.
        public static let unknownEncoding = Code(.unknownEncoding)
        /// The rank file could not be read (missing, unreadable, or a broken gzip stream).
        public static let rankFileUnreadable = Code(.rankFileUnreadable)
        /// A line of the rank file is malformed, or the ranks do not form a usable vocabulary.
        public static let rankFileCorrupt = Code(.rankFileCorrupt)
        /// A rank file that ships with Folio is missing from the package resources.
        public static let resourceMissing = Code(.resourceMissing)
        /// An id passed to `decode` is neither an ordinary nor a special token of the encoding.
        public static let unknownTokenID = Code(.unknownTokenID)
        /// Special tokens collide with each other or with ordinary tokens.
        public static let invalidSpecialTokens = Code(.invalidSpecialTokens)

        public var description: String {
            switch kind {
            case .unknownEncoding: "unknownEncoding"
            case .rankFileUnreadable: "rankFileUnreadable"
            case .rankFileCorrupt: "rankFileCorrupt"
            case .resourceMissing: "resourceMissing"
            case .unknownTokenID: "unknownTokenID"
            case .invalidSpecialTokens: "invalidSpecialTokens"
            }
        }
    }

    public let code: Code
    /// What happened and what to do about it; names the file and line where there is one.
    public let message: String
    /// The 1-based line of the rank file at fault, for ``Code/rankFileCorrupt``.
    public let line: Int?
    /// The error that caused this one (a file-system or decompression error).
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, line: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.underlying = underlying
    }

    public var description: String { message }
}
