internal import Synchronization

/// An open file descriptor, closed when the last reference goes (or by ``close()``).
///
/// Every call retries `EINTR` and throws ``SystemError`` naming the path and the operation.
/// Descriptors are opened with `O_CLOEXEC`, so a child process never inherits one.
///
/// It is `Sendable`: the descriptor is an atomic integer, and reads and writes on one descriptor
/// from several threads are as safe as the system calls are (positioned reads are; interleaved
/// `read`s share one offset).
public final class SystemFile: Sendable {
    /// How the file is opened.
    public enum Access: Sendable {
        case readOnly, writeOnly, readWrite
    }

    /// `open(2)` flags beyond the access mode.
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Create the file if it is missing (`O_CREAT`).
        public static let create = Options(rawValue: 1 << 0)
        /// With ``create``: fail with ``SystemError/Code/alreadyExists`` if it exists (`O_EXCL`).
        public static let exclusive = Options(rawValue: 1 << 1)
        /// Cut the file to 0 bytes (`O_TRUNC`).
        public static let truncate = Options(rawValue: 1 << 2)
        /// Every write goes to the end (`O_APPEND`).
        public static let append = Options(rawValue: 1 << 3)
        /// Opening a FIFO does not wait for a writer (`O_NONBLOCK`).
        public static let nonBlocking = Options(rawValue: 1 << 4)
        /// Fail with ``SystemError/Code/notDirectory`` unless it is a directory (`O_DIRECTORY`).
        public static let directory = Options(rawValue: 1 << 5)
    }

    /// The path the file was opened with, or a name such as "standard input".
    public let path: String
    private let descriptorStorage: Atomic<Int32>
    private let ownsDescriptor: Bool

    /// Opens `path`.
    ///
    /// - Parameter permissions: For a file that ``Options/create`` creates (less the umask).
    /// - Throws: ``SystemError`` with ``SystemError/Operation/open`` (``SystemError/Code/notFound``,
    ///   ``SystemError/Code/alreadyExists``, ``SystemError/Code/permissionDenied``, …).
    public init(
        _ path: String, access: Access = .readOnly, options: Options = [], permissions: UInt16 = 0o644
    ) throws(SystemError) {
        self.path = path
        do {
            let descriptor = try Syscall.open(path, access: access, options: options, permissions: permissions)
            descriptorStorage = Atomic(descriptor)
        } catch {
            throw SystemError(.open, path, errno: error.value)
        }
        ownsDescriptor = true
    }

    /// A descriptor opened elsewhere (standard input, a test's pipe), used but never closed here.
    public init(borrowing descriptor: Int32, name: String) {
        path = name
        descriptorStorage = Atomic(descriptor)
        ownsDescriptor = false
    }

    /// Standard input, output and error, never closed.
    public static let standardInput = SystemFile(borrowing: 0, name: "standard input")
    public static let standardOutput = SystemFile(borrowing: 1, name: "standard output")
    public static let standardError = SystemFile(borrowing: 2, name: "standard error")

    deinit {
        if ownsDescriptor {
            let descriptor = descriptorStorage.load(ordering: .relaxed)
            if descriptor >= 0 { try? Syscall.close(descriptor) }
        }
    }

    /// The descriptor number; -1 once closed.
    public var descriptor: Int32 { descriptorStorage.load(ordering: .acquiring) }

    /// Closes the descriptor now, reporting what `close(2)` reports (on some file systems, a write
    /// that failed late). Later calls do nothing; a borrowed descriptor is left open.
    ///
    /// - Important: Only once no other thread uses the file: the system may hand the number to the
    ///   next file opened, and a read still under way would then read that one.
    /// - Throws: ``SystemError`` with ``SystemError/Operation/close``.
    public func close() throws(SystemError) {
        guard ownsDescriptor else { return }
        let descriptor = descriptorStorage.exchange(-1, ordering: .acquiringAndReleasing)
        guard descriptor >= 0 else { return }
        do {
            try Syscall.close(descriptor)
        } catch {
            throw SystemError(.close, path, errno: error.value)
        }
    }

    // MARK: Facts

    /// What `fstat(2)` says about the open file.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/stat``.
    public func status() throws(SystemError) -> FileStatus {
        do {
            return try Syscall.status(of: descriptor)
        } catch {
            throw SystemError(.stat, path, errno: error.value)
        }
    }

    /// Whether the descriptor is a terminal (`isatty(3)`).
    public var isTerminal: Bool { Syscall.isTerminal(descriptor) }

    // MARK: Reading

    /// Reads once into `buffer` (`read(2)`), from the file's offset.
    ///
    /// - Returns: The bytes read: fewer than asked when fewer are available (a pipe, a terminal), 0 at
    ///   the end (or for an empty buffer).
    /// - Throws: ``SystemError`` with ``SystemError/Operation/read``.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        do {
            return try Syscall.read(descriptor, into: buffer)
        } catch {
            throw SystemError(.read, path, errno: error.value)
        }
    }

    /// Reads at `offset` until `buffer` is full or the file ends (`pread(2)`); the file's offset
    /// does not move, so threads may read one file at once.
    ///
    /// - Returns: The bytes read: `buffer.count` unless the file ends first.
    /// - Throws: ``SystemError`` with ``SystemError/Operation/read``.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count: Int
            do {
                count = try Syscall.pread(
                    descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), at: offset + filled)
            } catch {
                throw SystemError(.read, path, errno: error.value)
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Everything from the file's offset to its end: the size `fstat` reports is read straight
    /// into the array's storage (no zero-filling first), then reading goes on until `read` says
    /// the end, so a pipe or a file that grew is read whole too.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/read`` or ``SystemError/Operation/stat``.
    public func readToEnd() throws(SystemError) -> [UInt8] {
        let status = try status()
        let expected = status.isRegularFile ? status.byteCount : 0
        var failure: SystemError?
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initializedCount in
            while initializedCount < expected {
                let rest = UnsafeMutableRawBufferPointer(
                    UnsafeMutableBufferPointer(rebasing: buffer[initializedCount...]))
                switch Result(catching: { () throws(SystemError) in try read(into: rest) }) {
                case .success(0): return  // shrank while being read: the caller's checks will tell
                case .success(let count): initializedCount += count
                case .failure(let error):
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        guard bytes.count == expected else { return bytes }
        // A pipe, or a file that grew since `fstat`: on to the end.
        var block = [UInt8](repeating: 0, count: expected == 0 ? 1 << 16 : 1 << 12)
        while true {
            let count = try block.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try read(into: buffer) }
            }.get()
            if count == 0 { return bytes }
            bytes.append(contentsOf: block[0..<count])
        }
    }

    /// The whole file at `path`.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/open``, ``SystemError/Operation/read``
    ///   or ``SystemError/Operation/stat``; ``SystemError/Code/isDirectory`` for a directory.
    public static func readAll(_ path: String) throws(SystemError) -> [UInt8] {
        let file = try SystemFile(path)
        if try file.status().isDirectory {
            throw SystemError(.isDirectory, .read, path, reason: "Is a directory")
        }
        return try file.readToEnd()
    }

    // MARK: Writing

    /// Writes all of `bytes`, however many `write(2)` calls that takes.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/write`` (``SystemError/Code/noSpace``
    ///   when the disk is full); some of the bytes may have been written.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            do {
                written += try Syscall.write(descriptor, from: UnsafeRawBufferPointer(rebasing: bytes[written...]))
            } catch {
                throw SystemError(.write, path, errno: error.value)
            }
        }
    }

    /// Writes all of `bytes`.
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/write``.
    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(SystemError) in try write(buffer) } }.get()
    }

    /// Flushes the file's data and metadata to stable storage (`fsync(2)`; `F_FULLFSYNC` on macOS).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/sync``.
    public func synchronize() throws(SystemError) {
        do {
            try Syscall.synchronize(descriptor)
        } catch {
            throw SystemError(.sync, path, errno: error.value)
        }
    }

    /// Cuts (or extends with zeros) the file to `byteCount` bytes (`ftruncate(2)`).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/truncate``.
    public func truncate(to byteCount: Int) throws(SystemError) {
        do {
            try Syscall.truncate(descriptor, to: byteCount)
        } catch {
            throw SystemError(.truncate, path, errno: error.value)
        }
    }
}
