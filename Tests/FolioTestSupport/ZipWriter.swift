internal import CZlib

/// Builds ZIP archives in memory for tests, hostile ones included: an entry's headers can lie about
/// its sizes, CRC-32, method, flags and name, carry bad signatures or point at another entry's data.
///
/// ```swift
/// var writer = ZipWriter()
/// writer.add("word/document.xml", bytes)
/// writer.add("big.bin", zeros, lies: .init(uncompressedSize: 100))
/// let archive = writer.finish()
/// ```
public struct ZipWriter {
    public enum Method: Sendable { case stored, deflate }

    /// What an entry's headers say instead of the truth (nil: the truth).
    public struct Lies: Sendable {
        /// Declared in both headers (and the ZIP64 extra fields).
        public var uncompressedSize: Int?
        /// Declared in both headers; the data written is still the real compressed data.
        public var compressedSize: Int?
        public var crc32: UInt32?
        /// The method number in both headers; the data is still compressed as the `method` argument says.
        public var method: UInt16?
        /// Extra general-purpose flags (bit 0: encrypted) in both headers.
        public var flags: UInt16?
        public var localSignature: UInt32?
        public var centralSignature: UInt32?
        /// The name in the local header (the central directory keeps the real one).
        public var localName: [UInt8]?
        /// The local header offset in the central directory: the index of an earlier entry whose
        /// header this one points to, so two entries share data (an overlapping bomb).
        public var sharesHeaderOfEntry: Int?

        public init(
            uncompressedSize: Int? = nil, compressedSize: Int? = nil, crc32: UInt32? = nil, method: UInt16? = nil,
            flags: UInt16? = nil, localSignature: UInt32? = nil, centralSignature: UInt32? = nil,
            localName: [UInt8]? = nil, sharesHeaderOfEntry: Int? = nil
        ) {
            self.uncompressedSize = uncompressedSize
            self.compressedSize = compressedSize
            self.crc32 = crc32
            self.method = method
            self.flags = flags
            self.localSignature = localSignature
            self.centralSignature = centralSignature
            self.localName = localName
            self.sharesHeaderOfEntry = sharesHeaderOfEntry
        }
    }

    /// Whether every entry and the end record use ZIP64 records (sizes and offsets in extra fields).
    public let zip64: Bool
    /// The archive comment after the end record.
    public var comment: [UInt8] = []
    /// The entry count written in the end record(s), instead of the real one.
    public var declaredEntryCount: Int?

    private var body: [UInt8] = []
    private var directory: [UInt8] = []
    private var localHeaderOffsets: [Int] = []

    public init(zip64: Bool = false) {
        self.zip64 = zip64
    }

    /// The number of entries added.
    public var entryCount: Int { localHeaderOffsets.count }

    /// Adds an entry named `name` (UTF-8) holding `bytes`.
    ///
    /// - Parameter dataDescriptor: Write sizes and CRC-32 after the data (flag bit 3), as ODT writers do.
    public mutating func add(
        _ name: String, _ bytes: [UInt8], method: Method = .deflate, dataDescriptor: Bool = false,
        lies: Lies = .init()
    ) {
        add(rawName: Array(name.utf8), bytes, method: method, dataDescriptor: dataDescriptor, lies: lies)
    }

    /// Adds an entry whose stored name is `rawName`, which need not be valid UTF-8.
    public mutating func add(
        rawName: [UInt8], _ bytes: [UInt8], method: Method = .deflate, dataDescriptor: Bool = false,
        lies: Lies = .init()
    ) {
        let data = method == .deflate ? TestCompression.deflate(bytes, format: .raw) : bytes
        let crc = lies.crc32 ?? Self.crc32(bytes)
        let uncompressedSize = UInt64(lies.uncompressedSize ?? bytes.count)
        let compressedSize = UInt64(lies.compressedSize ?? data.count)
        let methodNumber = lies.method ?? (method == .deflate ? 8 : 0)
        var flags: UInt16 = 0x0800 | (lies.flags ?? 0)  // bit 11: the name is UTF-8
        if dataDescriptor { flags |= 0x0008 }
        let version: UInt16 = zip64 ? 45 : 20
        let localOffset = body.count
        let localName = lies.localName ?? rawName

        // Local file header.
        var localExtra: [UInt8] = []
        if zip64 {
            Self.append(UInt16(0x0001), to: &localExtra)
            Self.append(UInt16(16), to: &localExtra)
            Self.append(dataDescriptor ? 0 : uncompressedSize, to: &localExtra)
            Self.append(dataDescriptor ? 0 : compressedSize, to: &localExtra)
        }
        Self.append(lies.localSignature ?? 0x0403_4B50, to: &body)
        Self.append(version, to: &body)
        Self.append(flags, to: &body)
        Self.append(methodNumber, to: &body)
        Self.append(UInt16(0), to: &body)  // time
        Self.append(UInt16(0x21), to: &body)  // date: 1980-01-01
        Self.append(dataDescriptor ? 0 : crc, to: &body)
        Self.append(zip64 ? UInt32.max : dataDescriptor ? 0 : UInt32(truncatingIfNeeded: compressedSize), to: &body)
        Self.append(zip64 ? UInt32.max : dataDescriptor ? 0 : UInt32(truncatingIfNeeded: uncompressedSize), to: &body)
        Self.append(UInt16(localName.count), to: &body)
        Self.append(UInt16(localExtra.count), to: &body)
        body += localName
        body += localExtra
        body += data
        if dataDescriptor {
            Self.append(UInt32(0x0807_4B50), to: &body)
            Self.append(crc, to: &body)
            if zip64 {
                Self.append(compressedSize, to: &body)
                Self.append(uncompressedSize, to: &body)
            } else {
                Self.append(UInt32(truncatingIfNeeded: compressedSize), to: &body)
                Self.append(UInt32(truncatingIfNeeded: uncompressedSize), to: &body)
            }
        }

        // Central directory record.
        let pointedOffset = lies.sharesHeaderOfEntry.map { localHeaderOffsets[$0] } ?? localOffset
        var centralExtra: [UInt8] = []
        if zip64 {
            Self.append(UInt16(0x0001), to: &centralExtra)
            Self.append(UInt16(24), to: &centralExtra)
            Self.append(uncompressedSize, to: &centralExtra)
            Self.append(compressedSize, to: &centralExtra)
            Self.append(UInt64(pointedOffset), to: &centralExtra)
        }
        Self.append(lies.centralSignature ?? 0x0201_4B50, to: &directory)
        Self.append(UInt16(0x0300 | version), to: &directory)  // made by: Unix
        Self.append(version, to: &directory)
        Self.append(flags, to: &directory)
        Self.append(methodNumber, to: &directory)
        Self.append(UInt16(0), to: &directory)
        Self.append(UInt16(0x21), to: &directory)
        Self.append(crc, to: &directory)
        Self.append(zip64 ? UInt32.max : UInt32(truncatingIfNeeded: compressedSize), to: &directory)
        Self.append(zip64 ? UInt32.max : UInt32(truncatingIfNeeded: uncompressedSize), to: &directory)
        Self.append(UInt16(rawName.count), to: &directory)
        Self.append(UInt16(centralExtra.count), to: &directory)
        Self.append(UInt16(0), to: &directory)  // comment length
        Self.append(UInt16(0), to: &directory)  // disk number
        Self.append(UInt16(0), to: &directory)  // internal attributes
        Self.append(UInt32(0o100644) << 16, to: &directory)  // external attributes: a regular file
        Self.append(zip64 ? UInt32.max : UInt32(pointedOffset), to: &directory)
        directory += rawName
        directory += centralExtra
        localHeaderOffsets.append(localOffset)
    }

    /// The archive: local headers and data, the central directory, the end record(s) and the comment.
    public func finish() -> [UInt8] {
        var archive = body
        let directoryOffset = archive.count
        archive += directory
        let count = UInt64(declaredEntryCount ?? entryCount)
        if zip64 {
            let recordOffset = archive.count
            Self.append(UInt32(0x0606_4B50), to: &archive)
            Self.append(UInt64(44), to: &archive)
            Self.append(UInt16(45), to: &archive)
            Self.append(UInt16(45), to: &archive)
            Self.append(UInt32(0), to: &archive)
            Self.append(UInt32(0), to: &archive)
            Self.append(count, to: &archive)
            Self.append(count, to: &archive)
            Self.append(UInt64(directory.count), to: &archive)
            Self.append(UInt64(directoryOffset), to: &archive)
            Self.append(UInt32(0x0706_4B50), to: &archive)
            Self.append(UInt32(0), to: &archive)
            Self.append(UInt64(recordOffset), to: &archive)
            Self.append(UInt32(1), to: &archive)
        }
        Self.append(UInt32(0x0605_4B50), to: &archive)
        Self.append(UInt16(0), to: &archive)
        Self.append(UInt16(0), to: &archive)
        Self.append(zip64 ? UInt16.max : UInt16(truncatingIfNeeded: count), to: &archive)
        Self.append(zip64 ? UInt16.max : UInt16(truncatingIfNeeded: count), to: &archive)
        Self.append(zip64 ? UInt32.max : UInt32(directory.count), to: &archive)
        Self.append(zip64 ? UInt32.max : UInt32(directoryOffset), to: &archive)
        Self.append(UInt16(comment.count), to: &archive)
        archive += comment
        return archive
    }

    /// zlib's CRC-32 of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }

    private static func append(_ value: some FixedWidthInteger, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
