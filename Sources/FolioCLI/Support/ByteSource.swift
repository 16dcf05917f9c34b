internal import FolioSystem

/// A file or standard input read in blocks with POSIX calls.
package struct ByteSource: ~Copyable {
    /// Bytes per read.
    package static let blockSize = 1 << 20

    private let file: SystemFile
    package let path: String

    /// Opens `path`; `-` is `standardInput` (descriptor 0 unless a test passes another).
    ///
    /// - Throws: ``ReadFailure`` with the system's reason.
    package init(path: String, standardInput: Int32 = 0) throws(ReadFailure) {
        self.path = path
        guard path != "-" else {
            file = SystemFile(borrowing: standardInput, name: path)
            return
        }
        let opened: SystemFile
        do {
            opened = try SystemFile(path)
        } catch {
            throw ReadFailure(path: path, reason: error.reason)
        }
        if (try? opened.status())?.isDirectory == true {
            throw ReadFailure(path: path, reason: "Is a directory")
        }
        file = opened
    }

    /// Calls `body` with each block until the end of the input.
    package func forEachBlock(_ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(ReadFailure) {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.blockSize)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try file.read(into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                throw ReadFailure(path: path, reason: error.reason)
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
