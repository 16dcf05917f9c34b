#if canImport(Darwin)
internal import Darwin
#elseif canImport(Glibc)
internal import Glibc
#endif

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
    private let fileDescriptor: Int32

    /// Opens the file at `path` for reading.
    ///
    /// - Throws: ``CompressionError/Code/unreadable`` when the file is missing, not readable or not a
    ///   regular file.
    public init(path: String) throws(CompressionError) {
        self.path = path
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw CompressionError(.unreadable, "cannot open \(path): \(Self.describeErrno())")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.describeErrno()
            close(descriptor)
            throw CompressionError(.unreadable, "cannot read the size of \(path): \(reason)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw CompressionError(.unreadable, "cannot read \(path) as an archive: it is not a regular file")
        }
        self.fileDescriptor = descriptor
        self.byteCount = Int(status.st_size)
    }

    deinit {
        close(fileDescriptor)
    }

    public func read(at offset: Int, count: Int, into buffer: inout [UInt8]) throws(CompressionError) {
        precondition(offset >= 0 && count >= 0 && count <= byteCount - offset, "read outside the archive")
        if buffer.count != count {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: repeatElement(0, count: count))
        }
        let filled: Int? = buffer.withUnsafeMutableBytes { raw in
            var filled = 0
            while filled < count {
                let result = pread(fileDescriptor, raw.baseAddress! + filled, count - filled, off_t(offset + filled))
                if result > 0 {
                    filled += result
                } else if result == 0 {
                    break  // end of file: the file shrank since it was opened
                } else if errno != EINTR {
                    return nil
                }
            }
            return filled
        }
        guard let filled else {
            throw CompressionError(.unreadable, "cannot read \(path) at offset \(offset): \(Self.describeErrno())")
        }
        guard filled == count else {
            throw CompressionError(
                .unreadable,
                "cannot read \(path): it ends at offset \(offset + filled), before \(offset + count) (did it shrink?)")
        }
    }

    private static func describeErrno() -> String {
        String(cString: strerror(errno))
    }
}
