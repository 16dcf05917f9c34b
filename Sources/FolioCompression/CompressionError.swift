/// Why a compressed stream could not be read.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch over; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case truncated, corrupt, outputLimitExceeded, trailingData, zlibFailure
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The stream ended before its end-of-stream marker and trailer.
        public static let truncated = Code(.truncated)
        /// The stream is not valid deflate, gzip or zlib data (bad header, bad block, bad checksum).
        public static let corrupt = Code(.corrupt)
        /// Inflating would produce more bytes than the caller allowed (a decompression bomb).
        public static let outputLimitExceeded = Code(.outputLimitExceeded)
        /// Bytes follow the end of the stream that are not another gzip member.
        public static let trailingData = Code(.trailingData)
        /// zlib itself failed (out of memory, version mismatch).
        public static let zlibFailure = Code(.zlibFailure)

        public var description: String {
            switch kind {
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .outputLimitExceeded: "outputLimitExceeded"
            case .trailingData: "trailingData"
            case .zlibFailure: "zlibFailure"
            }
        }
    }

    public let code: Code
    /// What happened and what to do about it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
