internal import Foundation

/// A file or standard input read in blocks with POSIX calls.
package struct ByteSource: ~Copyable {
    /// Bytes per read.
    package static let blockSize = 1 << 20

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    package let path: String

    /// Opens `path`; `-` is `standardInput` (descriptor 0 unless a test passes another).
    ///
    /// - Throws: ``ReadFailure`` with the system's reason.
    package init(path: String, standardInput: Int32 = 0) throws(ReadFailure) {
        self.path = path
        if path == "-" {
            descriptor = standardInput
            ownsDescriptor = false
            return
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw ReadFailure(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        if fstat(opened, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(opened)
            throw ReadFailure(path: path, reason: "Is a directory")
        }
        descriptor = opened
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` with each block until the end of the input.
    package func forEachBlock(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(ReadFailure) {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.blockSize)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// All remaining bytes.
    package func readAll() throws(ReadFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachBlock { bytes.append(contentsOf: $0) }
        return bytes
    }
}

/// A file that could not be read, with the system's reason.
package struct ReadFailure: Error, CustomStringConvertible {
    package let path: String
    package let reason: String
    package var description: String { "cannot read '\(path)': \(reason)" }
}
