internal import FolioSystem

/// Random access to the bytes of a ZIP archive, for ``ZipArchive``.
///
/// ``ZipArchive`` checks every range against ``byteCount`` before it reads, so a source only has to
/// deliver the bytes it was asked for, or throw when it cannot (an I/O error, a file that shrank).
public protocol ZipByteSource {
    /// The size of the archive in bytes.
    var byteCount: Int { get }

    /// Replaces the contents of `buffer` with the `count` bytes that start at `offset`.
    ///
    /// `buffer` is reused between calls, so a source can keep its capacity.
    ///
    /// - Precondition: `0 <= offset`, `0 <= count` and `offset + count <= byteCount`.
    /// - Throws: ``CompressionError/Code/unreadable`` when the bytes cannot be read.
    func read(at offset: Int, count: Int, into buffer: inout [UInt8]) throws(CompressionError)
}

/// An archive held in memory.
public struct ZipMemorySource: ZipByteSource, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var byteCount: Int { bytes.count }

    public func read(at offset: Int, count: Int, into buffer: inout [UInt8]) throws(CompressionError) {
        precondition(offset >= 0 && count >= 0 && count <= bytes.count - offset, "read outside the archive")
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes[offset..<offset + count])
    }
}

/// An archive read from a file with `pread`, a block at a time: the file is never loaded whole.
///
/// The file is opened with `O_CLOEXEC` (and `O_NONBLOCK`, so a FIFO cannot block the open) and must be
/// a regular file; it is closed when the source is released. Its size is taken once, at opening.
public final class ZipFileSource: ZipByteSource, Sendable {
    /// The path the source was opened with.
    public let path: String
    public let byteCount: Int
    private let file: SystemFile

    /// Opens the file at `path` for reading.
    ///
    /// - Throws: ``CompressionError/Code/unreadable`` when the file is missing, not readable or not a
    ///   regular file.
    public init(path: String) throws(CompressionError) {
        self.path = path
        do {
            file = try SystemFile(path, options: .nonBlocking)
        } catch {
            throw CompressionError(.unreadable, "cannot open \(path): \(error.reason)", underlying: error)
        }
        let status: FileStatus
        do {
            status = try file.status()
        } catch {
            throw CompressionError(.unreadable, "cannot read the size of \(path): \(error.reason)", underlying: error)
        }
        guard status.isRegularFile else {
            throw CompressionError(.unreadable, "cannot read \(path) as an archive: it is not a regular file")
        }
        byteCount = status.byteCount
    }

    public func read(at offset: Int, count: Int, into buffer: inout [UInt8]) throws(CompressionError) {
        precondition(offset >= 0 && count >= 0 && count <= byteCount - offset, "read outside the archive")
        if buffer.count != count {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: repeatElement(0, count: count))
        }
        let filled = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) in try file.read(into: raw, at: offset) }
        }
        switch filled {
        case .failure(let error):
            throw CompressionError(
                .unreadable, "cannot read \(path) at offset \(offset): \(error.reason)", underlying: error)
        case .success(let filled) where filled != count:
            throw CompressionError(
                .unreadable,
                "cannot read \(path): it ends at offset \(offset + filled), before \(offset + count) (did it shrink?)")
        case .success:
            return
        }
    }
}
