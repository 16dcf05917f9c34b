extension ZipArchive {
    /// One file (or directory) listed in the central directory.
    ///
    /// Sizes, CRC-32 and method are what the central directory *declares*; ``ZipArchive/read(_:emit:)``
    /// checks them against the data, so a lying header is caught there.
    public struct Entry: Sendable, Hashable {
        /// The stored name, decoded as UTF-8 (invalid bytes become U+FFFD). Never used as a file path.
        public let path: String
        /// Bytes of compressed data in the archive.
        public let compressedSize: Int
        /// The declared size of the data once inflated.
        public let uncompressedSize: Int
        /// The declared CRC-32 of the inflated data.
        public let crc32: UInt32
        public let method: Method
        /// Whether the entry is encrypted (general-purpose flag bit 0 or 6); such entries are not read.
        public let isEncrypted: Bool
        /// Whether the name ends with `/`.
        public let isDirectory: Bool
        /// Whether ``path`` is a plain relative path: see ``ZipArchive/isSafePath(_:isDirectory:)``.
        ///
        /// Unsafe entries are listed so callers can see them; ``ZipArchive/entry(named:)`` never finds them.
        public let isSafePath: Bool

        /// Position in ``ZipArchive/entries`` (0-based).
        let index: Int
        /// Offset of the local file header.
        let localHeaderOffset: Int
        /// The offset the entry's data must not reach: the next local header or the central directory.
        var dataLimit: Int
        /// The general-purpose flags from the central directory.
        let flags: UInt16

        /// ``path`` as error messages show it: control and bidirectional-override characters escaped.
        var displayPath: String { ZipArchive.displayName(path) }

        init(
            path: String, compressedSize: Int, uncompressedSize: Int, crc32: UInt32, method: Method,
            flags: UInt16, isSafePath: Bool, index: Int, localHeaderOffset: Int, dataLimit: Int
        ) {
            self.path = path
            self.compressedSize = compressedSize
            self.uncompressedSize = uncompressedSize
            self.crc32 = crc32
            self.method = method
            self.flags = flags
            self.isEncrypted = flags & 0x0041 != 0
            self.isDirectory = path.utf8.last == UInt8(ascii: "/")
            self.isSafePath = isSafePath
            self.index = index
            self.localHeaderOffset = localHeaderOffset
            self.dataLimit = dataLimit
        }
    }

    /// How an entry's data is compressed.
    public enum Method: Sendable, Hashable, CustomStringConvertible {
        /// Method 0: the bytes as they are.
        case stored
        /// Method 8: raw deflate (RFC 1951).
        case deflate
        /// Any other method number (bzip2 is 12, LZMA 14, Zstandard 93, WinZip AES 99); not read.
        case other(UInt16)

        public init(rawValue: UInt16) {
            switch rawValue {
            case 0: self = .stored
            case 8: self = .deflate
            default: self = .other(rawValue)
            }
        }

        /// The method number in the headers.
        public var rawValue: UInt16 {
            switch self {
            case .stored: 0
            case .deflate: 8
            case .other(let value): value
            }
        }

        public var description: String {
            switch self {
            case .stored: "stored"
            case .deflate: "deflate"
            case .other(let value):
                switch value {
                case 9: "deflate64 (method 9)"
                case 12: "bzip2 (method 12)"
                case 14: "LZMA (method 14)"
                case 93: "Zstandard (method 93)"
                case 95: "XZ (method 95)"
                case 98: "PPMd (method 98)"
                case 99: "WinZip AES encryption (method 99)"
                default: "method \(value)"
                }
            }
        }
    }

    /// Bounds on what an archive may make Folio do; exceeding one is an error, never a truncation.
    ///
    /// Values are taken as given: a limit of 0 refuses everything it bounds.
    public struct Limits: Sendable, Hashable {
        /// The most entries the central directory may declare.
        public var maxEntryCount: Int
        /// The most bytes one entry may declare or inflate to (10^9 by default).
        public var maxEntryBytes: Int
        /// The largest ratio of inflated to compressed size, for entries above ``ratioFloorBytes``.
        public var maxCompressionRatio: Int
        /// Entries up to this many inflated bytes are never refused for their ratio (small, very
        /// repetitive parts such as styles compress far better than 200:1).
        public var ratioFloorBytes: Int

        public init(
            maxEntryCount: Int = 65_536, maxEntryBytes: Int = 1_000_000_000, maxCompressionRatio: Int = 200,
            ratioFloorBytes: Int = 1 << 20
        ) {
            self.maxEntryCount = maxEntryCount
            self.maxEntryBytes = maxEntryBytes
            self.maxCompressionRatio = maxCompressionRatio
            self.ratioFloorBytes = ratioFloorBytes
        }

        /// Whether `uncompressedByteCount` bytes from `compressedByteCount` exceed the ratio limit.
        func exceedsRatio(_ uncompressedByteCount: Int, compressedByteCount: Int) -> Bool {
            guard uncompressedByteCount > ratioFloorBytes else { return false }
            let (allowed, overflow) = compressedByteCount.multipliedReportingOverflow(by: maxCompressionRatio)
            return !overflow && uncompressedByteCount > allowed
        }
    }

    /// `path` with the characters that could disguise it in a log or terminal (C0 and C1 controls,
    /// bidirectional overrides and isolates) written as `\u{…}` escapes; `""` for an empty name.
    static func displayName(_ path: String) -> String {
        func isHidden(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
        if path.isEmpty { return "\"\"" }
        guard path.unicodeScalars.contains(where: isHidden) else { return path }
        var shown = ""
        for scalar in path.unicodeScalars {
            if isHidden(scalar) {
                shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    /// Whether a stored name is a plain relative path that cannot escape a folder it were extracted to.
    ///
    /// A path is unsafe when it is empty, absolute (`/etc/x`), starts with a drive letter (`C:`),
    /// contains a backslash, a NUL byte or U+FFFD (a name that was not valid UTF-8), has an empty
    /// component (`a//b`; a directory's trailing `/` is allowed) or any `.` or `..` component.
    public static func isSafePath(_ path: String, isDirectory: Bool) -> Bool {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes[0] != UInt8(ascii: "/") else { return false }
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0])
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
        {
            return false
        }
        if bytes.contains(UInt8(ascii: "\\")) || bytes.contains(0) { return false }
        if path.unicodeScalars.contains("\u{FFFD}") { return false }
        var components = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if isDirectory, components.count > 1, components.last?.isEmpty == true { components.removeLast() }
        for component in components {
            if component.isEmpty { return false }
            if component.elementsEqual([UInt8(ascii: ".")])
                || component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")])
            {
                return false
            }
        }
        return true
    }
}
