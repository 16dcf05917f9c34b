/// Why a compressed stream or a ZIP archive could not be read.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch over; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case truncated, corrupt, outputLimitExceeded, trailingData, zlibFailure
            case corruptArchive, unsupportedArchive, ratioLimitExceeded, entryCountLimitExceeded, unreadable
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The stream ended before its end-of-stream marker and trailer.
        public static let truncated = Code(.truncated)
        /// The stream is not valid deflate, gzip or zlib data (bad header, bad block, bad checksum).
        public static let corrupt = Code(.corrupt)
        /// Inflating would produce more bytes than the caller allowed (a decompression bomb); for a ZIP
        /// entry, also a declared size above ``ZipArchive/Limits/maxEntryBytes``.
        public static let outputLimitExceeded = Code(.outputLimitExceeded)
        /// Bytes follow the end of the stream that are not another gzip member.
        public static let trailingData = Code(.trailingData)
        /// zlib itself failed (out of memory, version mismatch).
        public static let zlibFailure = Code(.zlibFailure)
        /// A ZIP archive is damaged or malformed: a bad signature, an offset or size outside the file,
        /// overlapping entries, an entry whose size or CRC-32 does not match its headers.
        public static let corruptArchive = Code(.corruptArchive)
        /// A ZIP archive or entry uses a feature Folio does not read (encryption, a compression method
        /// other than stored and deflate).
        public static let unsupportedArchive = Code(.unsupportedArchive)
        /// A ZIP entry inflates (or declares that it inflates) to more than
        /// ``ZipArchive/Limits/maxCompressionRatio`` times its compressed size (a decompression bomb).
        public static let ratioLimitExceeded = Code(.ratioLimitExceeded)
        /// A ZIP archive declares more entries than ``ZipArchive/Limits/maxEntryCount``.
        public static let entryCountLimitExceeded = Code(.entryCountLimitExceeded)
        /// An archive file could not be opened or read (missing, not a regular file, an I/O error).
        public static let unreadable = Code(.unreadable)

        public var description: String {
            switch kind {
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .outputLimitExceeded: "outputLimitExceeded"
            case .trailingData: "trailingData"
            case .zlibFailure: "zlibFailure"
            case .corruptArchive: "corruptArchive"
            case .unsupportedArchive: "unsupportedArchive"
            case .ratioLimitExceeded: "ratioLimitExceeded"
            case .entryCountLimitExceeded: "entryCountLimitExceeded"
            case .unreadable: "unreadable"
            }
        }
    }

    public let code: Code
    /// What happened and what to do about it.
    public let message: String
    /// The error that caused this one (a file-system error), if any.
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
