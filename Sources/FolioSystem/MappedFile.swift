/// The bytes of a file, read-only in memory until released: either the file mapped, or a private
/// copy of it.
///
/// 1. ``map(_:populate:)`` maps the file (`mmap`, `PROT_READ`, `MAP_PRIVATE`): its pages are the
///    page cache's, shared, already filled, and nothing is copied. Opening is O(1) in the size.
/// 2. ``copy(_:)`` reads the file into fresh anonymous memory (on Linux, advised to use 2 MiB huge
///    pages when it is that large, so that filling it takes few page faults), then makes it
///    read-only: O(*n*), and the bytes are this process's own.
///
/// - Important: A mapping shows the file as it is now, not as it was opened. If another process
///   truncates the file in place (`truncate`, `> file`, `cp` over it, `O_TRUNC`), touching a mapped
///   page past the new end raises `SIGBUS`, which ends the process: on Linux even with
///   `MAP_PRIVATE`, `MAP_POPULATE`, pages already read, copied on write or locked — truncation
///   unmaps them all (checked on Linux 6.18) — and on macOS as POSIX specifies (not checked here).
///   Neither offers a way to keep the pages short of a process-wide signal handler, which a library
///   must not install. Replacing a file with `rename`
///   (``AtomicFile``) or removing it leaves a mapping whole. A ``copy(_:)`` survives every change to
///   the file: the bytes are read once, and a file that shrinks while being read is a
///   ``SystemError/Code/endOfFile`` error.
public final class MappedFile: Sendable {
    /// The first byte's address (0 for an empty file), an integer so that the class is `Sendable`:
    /// the pages are read-only and never change from this process.
    private let address: UInt
    /// The length of the memory mapped (a private copy rounds it up to whole huge pages).
    private let mappedByteCount: Int
    /// The file's size in bytes when it was opened.
    public let byteCount: Int
    /// Whether the bytes are a private copy (``copy(_:)``), which no change to the file can reach.
    public let isPrivateCopy: Bool

    private init(address: UInt, mappedByteCount: Int, byteCount: Int, isPrivateCopy: Bool) {
        self.address = address
        self.mappedByteCount = mappedByteCount
        self.byteCount = byteCount
        self.isPrivateCopy = isPrivateCopy
    }

    deinit {
        if let base = UnsafeRawPointer(bitPattern: address) { Syscall.unmap(base, byteCount: mappedByteCount) }
    }

    /// Maps the regular file at `path` read-only; `populate` fills its page table at once
    /// (`MAP_POPULATE` on Linux, `MADV_WILLNEED` on macOS), for a caller about to read every byte.
    ///
    /// - Throws: ``SystemError``: ``SystemError/Code/notFound`` when there is no file,
    ///   ``SystemError/Code/notRegularFile`` for a directory, pipe or device, and the system's code
    ///   when it cannot be opened, examined or mapped (``SystemError/Operation/map``).
    public static func map(_ path: String, populate: Bool = false) throws(SystemError) -> MappedFile {
        let file = try SystemFile(path)
        let byteCount = try regularFileSize(file)
        guard byteCount > 0 else { return empty(isPrivateCopy: false) }
        do {
            let base = try Syscall.mapFile(file.descriptor, byteCount: byteCount, populate: populate)
            return MappedFile(
                address: UInt(bitPattern: base), mappedByteCount: byteCount, byteCount: byteCount, isPrivateCopy: false)
        } catch {
            throw SystemError(.map, path, errno: error.value)
        }
    }

    /// Reads the regular file at `path` into private memory that no change to the file can reach.
    ///
    /// - Throws: ``SystemError``: ``SystemError/Code/notFound`` when there is no file,
    ///   ``SystemError/Code/notRegularFile`` for a directory, pipe or device,
    ///   ``SystemError/Code/endOfFile`` when it shrinks while being read, and the system's code when
    ///   it cannot be opened, examined or read, or memory cannot be had (``SystemError/Operation/map``).
    public static func copy(_ path: String) throws(SystemError) -> MappedFile {
        let file = try SystemFile(path)
        let byteCount = try regularFileSize(file)
        guard byteCount > 0 else { return empty(isPrivateCopy: true) }
        let memory: (address: UnsafeMutableRawPointer, byteCount: Int)
        do {
            memory = try Syscall.mapAnonymous(byteCount: byteCount)
        } catch {
            throw SystemError(.map, path, errno: error.value)
        }
        // Owned from here on: released by `deinit` on every path below.
        let copy = MappedFile(
            address: UInt(bitPattern: memory.address), mappedByteCount: memory.byteCount, byteCount: byteCount,
            isPrivateCopy: true)
        let read = try file.read(into: UnsafeMutableRawBufferPointer(start: memory.address, count: byteCount), at: 0)
        guard read == byteCount else {
            throw SystemError(
                .endOfFile, .read, path, reason: "ends at byte \(read) of \(byteCount): it shrank while being read")
        }
        do {
            try Syscall.protectReadOnly(memory.address, byteCount: memory.byteCount)
        } catch {
            throw SystemError(.map, path, errno: error.value)
        }
        return copy
    }

    private static func empty(isPrivateCopy: Bool) -> MappedFile {
        MappedFile(address: 0, mappedByteCount: 0, byteCount: 0, isPrivateCopy: isPrivateCopy)
    }

    private static func regularFileSize(_ file: SystemFile) throws(SystemError) -> Int {
        let status = try file.status()
        guard status.isRegularFile else {
            throw SystemError(.notRegularFile, .map, file.path, reason: "not a regular file")
        }
        return status.byteCount
    }

    /// Calls `body` with the bytes, valid only during the call.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: byteCount))
    }

    /// A copy of the bytes in `range`, clamped to the file.
    public func copyBytes(_ range: Range<Int>) -> [UInt8] {
        let clamped = range.clamped(to: 0..<byteCount)
        return withUnsafeBytes { Array($0[clamped]) }
    }

    /// The first byte's address, nil for an empty file: valid while this object lives, for a
    /// reader that keeps the object alive for as long as it uses the address (an index's storage).
    package var baseAddress: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: address) }
}
