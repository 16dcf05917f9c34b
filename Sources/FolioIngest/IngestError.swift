/// Why a file could not be turned into a document.
///
/// Every error names the file (``path``) and says what was wrong; when a configured limit stopped the
/// work, ``limit`` says which one and its value, so a caller can raise it deliberately.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch over; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case unreadable, unsupportedFormat, malformed, corruptContainer, corruptCompression
            case forbiddenDeclaration, limitExceeded, invalidConfiguration, cancelled
            case encrypted, noTextLayer
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file could not be opened or read (missing, a directory, an I/O error).
        public static let unreadable = Code(.unreadable)
        /// The content is of a format Folio does not read (an image, an executable, an archive, an XLSX or
        /// another ZIP that is neither DOCX nor ODT), is not plausibly text (binary data, UTF-16 without a
        /// byte-order mark, an undeclared legacy encoding), or is a PDF using a feature Folio does not read
        /// (a security handler other than the standard one). The reason says what it looks like:
        /// "a PNG image; Folio reads HTML, XML, DOCX, ODT, PDF and text".
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// An XML document (or a DOCX/ODT part) is not well-formed, or a PDF is broken beyond what its
        /// recovery repairs (no header, no document catalog, a reference cycle, corrupt stream data).
        public static let malformed = Code(.malformed)
        /// A ZIP container (DOCX, ODT) is damaged: bad directory, bad entry, checksum mismatch.
        public static let corruptContainer = Code(.corruptContainer)
        /// A gzip stream is truncated or corrupt.
        public static let corruptCompression = Code(.corruptCompression)
        /// The document declares entities in a DTD (the vehicle of billion-laughs and XXE attacks); refused.
        public static let forbiddenDeclaration = Code(.forbiddenDeclaration)
        /// A configured limit was reached: see ``IngestError/limit``.
        public static let limitExceeded = Code(.limitExceeded)
        /// The caller's configuration is inconsistent (a limit that is not positive, say).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The task reading the document was cancelled.
        public static let cancelled = Code(.cancelled)
        /// A PDF is encrypted with a user password that is not empty: it cannot be read without it.
        public static let encrypted = Code(.encrypted)
        /// No page of a PDF has a text layer (a scan or images; OCR is not supported). The reason names
        /// the pages. A PDF where only some pages lack text is read, and
        /// `DocumentMetadata.emptyPageCount` says how many did.
        public static let noTextLayer = Code(.noTextLayer)

        public var description: String {
            switch kind {
            case .unreadable: "unreadable"
            case .unsupportedFormat: "unsupportedFormat"
            case .malformed: "malformed"
            case .corruptContainer: "corruptContainer"
            case .corruptCompression: "corruptCompression"
            case .forbiddenDeclaration: "forbiddenDeclaration"
            case .limitExceeded: "limitExceeded"
            case .invalidConfiguration: "invalidConfiguration"
            case .cancelled: "cancelled"
            case .encrypted: "encrypted"
            case .noTextLayer: "noTextLayer"
            }
        }
    }

    /// The limit that stopped the work: its name in ``IngestLimits`` (or `PDFLimits.<name>` for a bound
    /// of the PDF reader, which keeps `FolioPDF`'s defaults) and its value.
    public struct Limit: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public let value: Int
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
        public var description: String { "\(name) = \(value)" }
    }

    public let code: Code
    /// The file, as the caller named it (`-` for standard input, nil for bytes in memory).
    public let path: String?
    /// What happened and what to do, without the path.
    public let reason: String
    /// The limit that was hit, for ``Code/limitExceeded``.
    public let limit: Limit?
    /// The error that caused this one (a decompression or file-system error).
    public let underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ reason: String, path: String? = nil, limit: Limit? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.reason = reason
        self.path = path
        self.limit = limit
        self.underlying = underlying
    }

    /// `path: reason`, or the reason alone for bytes in memory.
    public var message: String { path.map { "\($0): \(reason)" } ?? reason }
    public var description: String { message }

    /// The same error, naming `path` (errors raised below the file level do not know it).
    func naming(_ path: String?) -> IngestError {
        guard self.path == nil, let path else { return self }
        return IngestError(code, reason, path: path, limit: limit, underlying: underlying)
    }
}
