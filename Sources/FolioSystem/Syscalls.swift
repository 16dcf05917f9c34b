// Every system call Folio makes, in one file: the only place that imports the C library for them.
//
// Each wrapper makes one call (or one loop of them), reads `errno` right after it, before anything
// else can run, and throws it as an ``Errno``; calls that can fail with `EINTR` are retried, except
// `close` (Linux and macOS release the descriptor even then, and a retry could close another
// thread's new one). The platforms differ in a few names and limits, handled here behind
// `#if canImport(Darwin)`: `st_mtimespec` for `st_mtim`, no `MAP_POPULATE` or `MADV_HUGEPAGE`,
// `F_FULLFSYNC` for a flush to the disk itself, and `read`/`write` refusing more than `INT_MAX`
// bytes at once. CI runs Linux; the Darwin branches follow the macOS headers but are not
// compiled there.

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#else
#error("FolioSystem supports Linux (Glibc or Musl) and Darwin")
#endif

/// An `errno` value.
struct Errno: Error, Equatable {
    let value: Int32

    /// The calling thread's `errno`: read it right after the call that set it.
    static var current: Errno { Errno(value: errno) }

    /// `strerror(3)`'s words for `value`.
    static func text(_ value: Int32) -> String { String(cString: strerror(value)) }

    static let notFound = ENOENT
    static let exists = EEXIST
    static let accessDenied = EACCES
    static let notPermitted = EPERM
    static let readOnlyFileSystem = EROFS
    static let isDirectory = EISDIR
    static let notDirectory = ENOTDIR
    static let noSpace = ENOSPC
    static let quotaExceeded = EDQUOT
    static let interrupted = EINTR
    static let invalidArgument = EINVAL
    static let notSupported = ENOTSUP
}

/// The raw calls, each retried on `EINTR` where that is safe, each throwing the `errno` it failed with.
enum Syscall {
    /// The most bytes one `read` or `write` is asked for: macOS refuses more than `INT_MAX`.
    static let maxTransferByteCount = 1 << 30

    /// Runs `body` until it does not fail with `EINTR`; its result, or the `errno` it failed with.
    @inline(__always)
    private static func retrying<Value: FixedWidthInteger>(_ body: () -> Value) throws(Errno) -> Value {
        while true {
            let result = body()
            if result != -1 { return result }
            let failure = Errno.current
            if failure.value != EINTR { throw failure }
        }
    }

    /// Calls `body` with `path` as a C string (`withCString` rethrows: the typed error goes through a `Result`).
    @inline(__always)
    private static func withPath<Value>(
        _ path: String, _ body: (UnsafePointer<CChar>) throws(Errno) -> Value
    ) throws(Errno) -> Value {
        try path.withCString { name in Result { () throws(Errno) in try body(name) } }.get()
    }

    // MARK: Descriptors

    static func open(
        _ path: String, access: SystemFile.Access, options: SystemFile.Options, permissions: UInt16
    ) throws(Errno) -> Int32 {
        var flags: Int32 = O_CLOEXEC
        switch access {
        case .readOnly: flags |= O_RDONLY
        case .writeOnly: flags |= O_WRONLY
        case .readWrite: flags |= O_RDWR
        }
        if options.contains(.create) { flags |= O_CREAT }
        if options.contains(.exclusive) { flags |= O_EXCL }
        if options.contains(.truncate) { flags |= O_TRUNC }
        if options.contains(.append) { flags |= O_APPEND }
        if options.contains(.nonBlocking) { flags |= O_NONBLOCK }
        if options.contains(.directory) { flags |= O_DIRECTORY }
        return try withPath(path) { name throws(Errno) in try retrying { libcOpen(name, flags, mode_t(permissions)) } }
    }

    /// Closes `descriptor`. `EINTR` counts as closed: the descriptor is released either way.
    static func close(_ descriptor: Int32) throws(Errno) {
        guard libcClose(descriptor) == -1 else { return }
        let failure = Errno.current
        if failure.value != EINTR { throw failure }
    }

    /// One `read(2)`: the byte count, 0 at the end.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let count = min(buffer.count, maxTransferByteCount)
        return try retrying { libcRead(descriptor, base, count) }
    }

    /// One `pread(2)` at `offset`: the byte count, 0 at the end.
    static func pread(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let count = min(buffer.count, maxTransferByteCount)
        return try retrying { libcPread(descriptor, base, count, off_t(offset)) }
    }

    /// One `write(2)`: the byte count written, which may be short but is never 0 for bytes given (a
    /// device that takes none is an `EIO`, so that a write-all loop cannot spin).
    static func write(_ descriptor: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let count = min(buffer.count, maxTransferByteCount)
        let written = try retrying { libcWrite(descriptor, base, count) }
        guard written > 0 else { throw Errno(value: EIO) }
        return written
    }

    /// Flushes the file to stable storage. On macOS `fsync` only reaches the drive's cache, so
    /// `F_FULLFSYNC` is asked first, and `fsync` is the fallback where a file system lacks it.
    static func synchronize(_ descriptor: Int32) throws(Errno) {
        #if canImport(Darwin)
        if (try? retrying { fcntl(descriptor, F_FULLFSYNC) }) != nil { return }
        #endif
        _ = try retrying { fsync(descriptor) }
    }

    static func truncate(_ descriptor: Int32, to byteCount: Int) throws(Errno) {
        _ = try retrying { ftruncate(descriptor, off_t(byteCount)) }
    }

    static func status(of descriptor: Int32) throws(Errno) -> FileStatus {
        var status = stat()
        _ = try retrying { fstat(descriptor, &status) }
        return FileStatus(status)
    }

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    // MARK: Paths

    /// `stat(2)` (through symbolic links) or `lstat(2)` (of the link itself).
    static func status(of path: String, followingLinks: Bool) throws(Errno) -> FileStatus {
        var status = stat()
        _ = try withPath(path) { name throws(Errno) in
            try retrying { followingLinks ? stat(name, &status) : lstat(name, &status) }
        }
        return FileStatus(status)
    }

    static func rename(_ source: String, to destination: String) throws(Errno) {
        _ = try withPath(source) { from throws(Errno) in
            try withPath(destination) { to throws(Errno) in try retrying { libcRename(from, to) } }
        }
    }

    static func unlink(_ path: String) throws(Errno) {
        _ = try withPath(path) { name throws(Errno) in try retrying { libcUnlink(name) } }
    }

    static func makeDirectory(_ path: String, permissions: UInt16) throws(Errno) {
        _ = try withPath(path) { name throws(Errno) in try retrying { mkdir(name, mode_t(permissions)) } }
    }

    static func removeDirectory(_ path: String) throws(Errno) {
        _ = try withPath(path) { name throws(Errno) in try retrying { rmdir(name) } }
    }

    /// Sets the file's access and modification times to now.
    static func touch(_ path: String) throws(Errno) {
        _ = try withPath(path) { name throws(Errno) in try retrying { utimensat(AT_FDCWD, name, nil, 0) } }
    }

    /// The names in a directory (without `.` and `..`), with their types where the file system
    /// reports them in the entry (`d_type`), in the order the directory lists them.
    static func directoryEntries(_ path: String) throws(Errno) -> [(name: String, type: FileStatus.FileType?)] {
        guard let handle = path.withCString({ opendir($0) }) else { throw Errno.current }
        defer { closedir(handle) }
        var entries: [(name: String, type: FileStatus.FileType?)] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                let failure = Errno.current
                if failure.value != 0 { throw failure }
                return entries
            }
            // `d_name` is a fixed-size C array (256 bytes on Linux, 1,024 on macOS), NUL-terminated.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard name != "." && name != ".." else { continue }
            let type: FileStatus.FileType?
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): type = .regular
            case Int32(DT_DIR): type = .directory
            case Int32(DT_LNK): type = .symbolicLink
            case Int32(DT_FIFO): type = .fifo
            case Int32(DT_SOCK): type = .socket
            case Int32(DT_CHR): type = .characterDevice
            case Int32(DT_BLK): type = .blockDevice
            default: type = nil  // DT_UNKNOWN: the caller asks lstat
            }
            entries.append((name, type))
        }
    }

    /// The paths matching a shell pattern, sorted (`glob(3)`); none when nothing matches.
    static func glob(_ pattern: String) throws(Errno) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        let result = pattern.withCString { libcGlob($0, 0, nil, &matches) }
        if result == GLOB_NOMATCH { return [] }
        guard result == 0 else {
            throw result == GLOB_NOSPACE ? Errno(value: ENOMEM) : Errno(value: errno != 0 ? errno : EIO)
        }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
    }

    // MARK: Memory

    /// Maps `byteCount` bytes of `descriptor` read-only and private, populated at once where the
    /// platform can (`MAP_POPULATE` on Linux; `MADV_WILLNEED` on macOS).
    static func mapFile(_ descriptor: Int32, byteCount: Int, populate: Bool) throws(Errno) -> UnsafeRawPointer {
        #if os(Linux)
        let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let address = mmap(nil, byteCount, PROT_READ, flags, descriptor, 0), address != MAP_FAILED else {
            throw Errno.current
        }
        #if !os(Linux)
        if populate { _ = madvise(address, byteCount, MADV_WILLNEED) }
        #endif
        return UnsafeRawPointer(address)
    }

    /// Transparent huge pages: 2 MiB on x86-64 and most arm64 Linux kernels.
    static let hugePageByteCount = 2 << 20

    /// Maps at least `byteCount` bytes of fresh, zeroed, writable private memory; returns its
    /// address and the length mapped. On Linux a region of 2 MiB or more is rounded up to whole huge
    /// pages and advised to use them (`MADV_HUGEPAGE`): one fault then fills 2 MiB instead of 4 KiB.
    static func mapAnonymous(byteCount: Int) throws(Errno) -> (address: UnsafeMutableRawPointer, byteCount: Int) {
        var length = byteCount
        #if os(Linux)
        let advisesHugePages = byteCount >= hugePageByteCount
        if advisesHugePages { length = (byteCount + hugePageByteCount - 1) / hugePageByteCount * hugePageByteCount }
        #endif
        #if canImport(Darwin)
        let anonymous = MAP_ANON
        #else
        let anonymous = MAP_ANONYMOUS
        #endif
        guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | anonymous, -1, 0),
            address != MAP_FAILED
        else { throw Errno.current }
        #if os(Linux)
        if advisesHugePages { _ = madvise(address, length, MADV_HUGEPAGE) }  // advice only: may be refused
        #endif
        return (address, length)
    }

    /// Makes a mapping read-only.
    static func protectReadOnly(_ address: UnsafeMutableRawPointer, byteCount: Int) throws(Errno) {
        _ = try retrying { mprotect(address, byteCount, PROT_READ) }
    }

    static func unmap(_ address: UnsafeRawPointer, byteCount: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: address), byteCount)
    }

    // MARK: Time and process

    /// The wall clock (`CLOCK_REALTIME`) in nanoseconds since 1970.
    static func wallClockNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    static func processID() -> Int32 { getpid() }
}

extension FileStatus {
    /// The facts of a `struct stat`.
    fileprivate init(_ status: stat) {
        let type: FileType
        switch status.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symbolicLink
        case S_IFIFO: type = .fifo
        case S_IFSOCK: type = .socket
        case S_IFCHR: type = .characterDevice
        case S_IFBLK: type = .blockDevice
        default: type = .unknown
        }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        let changed = status.st_ctimespec
        #else
        let modified = status.st_mtim
        let changed = status.st_ctim
        #endif
        self.init(
            type: type, device: UInt64(truncatingIfNeeded: status.st_dev), inode: UInt64(status.st_ino),
            byteCount: Int(status.st_size),
            modificationTime: FileTime(seconds: Int64(modified.tv_sec), nanoseconds: Int64(modified.tv_nsec)),
            changeTime: FileTime(seconds: Int64(changed.tv_sec), nanoseconds: Int64(changed.tv_nsec)))
    }
}

// The C functions whose names Swift code here also gives to wrappers, under names of their own.
@inline(__always) private func libcOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
@inline(__always) private func libcClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
@inline(__always) private func libcRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
@inline(__always) private func libcPread(
    _ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: off_t
) -> Int {
    pread(descriptor, buffer, count, offset)
}
@inline(__always) private func libcWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
@inline(__always) private func libcRename(_ source: UnsafePointer<CChar>, _ destination: UnsafePointer<CChar>) -> Int32
{
    rename(source, destination)
}
@inline(__always) private func libcUnlink(_ path: UnsafePointer<CChar>) -> Int32 { unlink(path) }
@inline(__always) private func libcGlob(
    _ pattern: UnsafePointer<CChar>, _ flags: Int32,
    _ onError: (@convention(c) (UnsafePointer<CChar>?, Int32) -> Int32)?, _ matches: UnsafeMutablePointer<glob_t>
) -> Int32 {
    glob(pattern, flags, onError, matches)
}
