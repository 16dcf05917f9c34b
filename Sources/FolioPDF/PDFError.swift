/// Why a PDF could not be read, or a page's text could not be extracted.
///
/// Every error says what was wrong and, where it helps, where in the file (``byteOffset``) or which
/// object (``object``); when a configured limit stopped the work, ``limit`` names it and its value.
/// The file's path is added by the caller (`FolioIngest` wraps this error in its `IngestError`).
public struct PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch over; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case malformed, limitExceeded, encrypted, unsupported, noTextLayer
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file is not a readable PDF: no header, a syntax error, a broken cross-reference that
        /// recovery could not repair, a reference cycle, a stream whose filter data is corrupt.
        public static let malformed = Code(.malformed)
        /// A configured limit was reached (``PDFLimits``): see ``PDFError/limit``.
        public static let limitExceeded = Code(.limitExceeded)
        /// The file is encrypted with a user password that is not empty: it cannot be read without it.
        public static let encrypted = Code(.encrypted)
        /// The file uses a feature Folio does not read (a security handler other than the standard one,
        /// a filter such as JBIG2 on a content stream, a font technology with no way to Unicode).
        public static let unsupported = Code(.unsupported)
        /// No page has a text layer: a scan or an image-only document (OCR is out of scope).
        public static let noTextLayer = Code(.noTextLayer)

        public var description: String {
            switch kind {
            case .malformed: "malformed"
            case .limitExceeded: "limitExceeded"
            case .encrypted: "encrypted"
            case .unsupported: "unsupported"
            case .noTextLayer: "noTextLayer"
            }
        }
    }

    /// The limit that stopped the work: its name in ``PDFLimits`` and its value.
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
    /// What happened, in words a user can act on ("the cross-reference stream at byte 1,234 …").
    public let reason: String
    /// Where in the file, when known.
    public let byteOffset: Int?
    /// The object concerned, when known.
    public let object: PDFReference?
    /// The limit that was hit, for ``Code/limitExceeded``.
    public let limit: Limit?

    public init(
        _ code: Code, _ reason: String, byteOffset: Int? = nil, object: PDFReference? = nil, limit: Limit? = nil
    ) {
        self.code = code
        self.reason = reason
        self.byteOffset = byteOffset
        self.object = object
        self.limit = limit
    }

    /// A ``Code/limitExceeded`` error naming the limit.
    public static func limit(_ name: String, _ value: Int, _ reason: String, byteOffset: Int? = nil) -> PDFError {
        PDFError(.limitExceeded, reason, byteOffset: byteOffset, limit: Limit(name: name, value: value))
    }

    public var description: String { reason }
}
