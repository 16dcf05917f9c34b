#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory and unmapped when released: how the disk tier opens entries.
///
/// A disk hit checks every byte of an entry but inflates only its small `meta` segment. Read into
/// an array, a 17.7 MB entry lands in fresh memory whose first touch costs ~0.5 ms per MB here
/// (9 ms of page faults when the allocator hands out new pages); mapped, it shares the page
/// cache's pages, already filled.
///
/// - Important: A mapping shows the file as it is now, not as it was when checked: whoever uses
///   bytes copies them out and checks the copy (``CachedSegments/bytes(of:)``). Folio replaces
///   entries with `rename` and removes them with `unlink`, which leave a mapped file as it was;
///   truncating an entry file in place while a process maps it ends that process with `SIGBUS`, as
///   with any mapped file.
final class MappedFile: Sendable {
    /// The first byte's address (0 for an empty file), an integer so that the class is `Sendable`:
    /// the pages are read-only and never change from this process.
    private let address: UInt
    let byteCount: Int

    private init(address: UInt, byteCount: Int) {
        self.address = address
        self.byteCount = byteCount
    }

    /// Maps the whole file, its pages populated at once (every byte is about to be checked).
    ///
    /// - Returns: nil when there is no file at `path`.
    /// - Throws: ``CacheError/Code/io`` when it cannot be opened, is not a regular file or cannot be mapped.
    static func map(_ path: String) throws(CacheError) -> MappedFile? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw CacheError(.io, "\(path): cannot open: \(DiskStore.reason())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw CacheError(.io, "\(path): cannot stat: \(DiskStore.reason())") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw CacheError(.io, "\(path): not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else { return MappedFile(address: 0, byteCount: 0) }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let mapped = mmap(nil, size, PROT_READ, flags, descriptor, 0), mapped != MAP_FAILED else {
            throw CacheError(.io, "\(path): cannot map: \(DiskStore.reason())")
        }
        return MappedFile(address: UInt(bitPattern: mapped), byteCount: size)
    }

    deinit {
        if let base = UnsafeMutableRawPointer(bitPattern: address) { munmap(base, byteCount) }
    }

    /// Calls `body` with the mapped bytes, valid only during the call.
    func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: byteCount))
    }

    /// A private copy of the bytes in `range`, clamped to the file.
    func copyBytes(_ range: Range<Int>) -> [UInt8] {
        let clamped = range.clamped(to: 0..<byteCount)
        return withUnsafeBytes { Array($0[clamped]) }
    }
}
